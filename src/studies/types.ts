/**
 * What every study returns, so the CLI, the report and the tests treat them alike.
 * @module
 */

import type { Figure, Table } from '../report/types.ts';

export type { Figure, Table } from '../report/types.ts';

/** The result of one study run. */
export interface StudyResult {
  /** 'synthetic' | 'molecular' | 'cosmology' */
  study: string;
  title: string;
  /** Every setting needed to reproduce the run (sizes, seeds, grids, …). */
  settings: Record<string, unknown>;
  tables: Table[];
  figures: Figure[];
  /** Machine-readable results (everything in the tables and more). */
  results: Record<string, unknown>;
  /** Wall-clock seconds per phase, e.g. { data: 1.2, teacher: 30, grads: 2, awd: 40, predictor: 1 }. */
  timings: Record<string, number>;
  /** Honest statements about what held and what did not (shown in the report). */
  findings: string[];
  /** Saved artefacts: name → JSON-serialisable content or text (e.g. the fitted wavelet file). */
  artifacts?: Record<string, string>;
}

/** Progress reporting shared by the studies (the CLI draws bars with it). */
export type StudyProgress = (phase: string, done: number, total: number) => void;
