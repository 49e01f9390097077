/**
 * What the report renders: tables, figures, and the content of one report page. The studies
 * produce these (a `StudyResult` is a `ReportContent`); the report knows nothing of the studies
 * (dependencies run studies → report only).
 * @module
 */

/** A table: a title, column names, and rows of cells (numbers are formatted by the renderer). */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  /** Notes printed under the table (how numbers were computed, caveats). */
  notes?: string[];
}

/** A figure as standalone SVG text. */
export interface Figure {
  /** File-name stem, e.g. 'fig3-wavelets'. */
  name: string;
  title: string;
  caption: string;
  svg: string;
}

/** The content of one report page (what `renderReport` reads of a study's result). */
export interface ReportContent {
  /** Short name, e.g. 'synthetic'. */
  study: string;
  title: string;
  /** Every setting needed to reproduce the run (shown as JSON). */
  settings: Record<string, unknown>;
  tables: Table[];
  figures: Figure[];
  /** Wall-clock seconds per phase. */
  timings: Record<string, number>;
  /** Honest statements about what held and what did not. */
  findings: string[];
  /** Saved artefacts: name → text (wavelet files among them are summarised). */
  artifacts?: Record<string, string>;
}
