/**
 * awd/studies — the paper's three experiments (they train teachers, so this loads
 * TensorFlow.js), their run directories, and the report: SVG figures, tables, the HTML page.
 *
 * @example
 * import { runSyntheticStudy, writeStudyRun } from 'awd/studies';
 * const result = await runSyntheticStudy({ size: 'tiny' });
 * writeStudyRun(result, 'runs/synthetic');      // report.html, tables/, figures/, results.json
 * @module
 */
export { runSyntheticStudy } from './synthetic.ts';
export type { SyntheticStudyOptions } from './synthetic.ts';
export { runMolecularStudy } from './molecular.ts';
export type { MolecularStudyOptions } from './molecular.ts';
export { runCosmologyStudy } from './cosmology.ts';
export type { CosmologyStudyOptions } from './cosmology.ts';
export type { StudyResult, StudyProgress, Table, Figure } from './types.ts';
export { writeStudyRun, readStudyRun } from './write.ts';
export type { RunFiles, RunManifest } from './write.ts';

// ── The report (usable on its own for any tables and figures) ───────────────────────────────
export { linePlot, linePlotBody, heatmap, heatmapBody, panelGrid, svgDocument, PALETTE } from '../report/svg.ts';
export type { Series, LinePlotOptions, HeatmapOptions, Panel } from '../report/svg.ts';
export { formatCell, tableToMarkdown, tableToText, tableToHtml } from '../report/table.ts';
export { waveletFunctionsPlot, waveletSummaryPlot } from '../report/wavelets.ts';
export { renderReport } from '../report/html.ts';
export type { ReportContent } from '../report/types.ts';
