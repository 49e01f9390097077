/** Messages between the playground page and its fit worker. */
import type { BuiltinName } from './data.ts';

export type DataSource =
  | { kind: 'builtin'; name: BuiltinName; n: number; seed: number }
  | { kind: 'files'; x: { name: string; bytes: Uint8Array }; g: { name: string; bytes: Uint8Array } };

export interface FitParams {
  wavelet: string | number[];
  /** Standard deviation of seeded noise added to the start filter. */
  initNoise: number;
  levels: number;
  lambda: number;
  gamma: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  threads: number | 'auto';
  /** Milliseconds between snapshots (Infinity: at the end of each epoch only). */
  updateMs: number;
  /** Index of the sample whose coefficients and attributions are shown. */
  sample: number;
}

/** Control block (Int32, shared where the page is cross-origin isolated). */
export const CONTROL = { PAUSE: 0, STOP: 1 } as const;

export type ToWorker = { type: 'start'; source: DataSource; params: FitParams; control: SharedArrayBuffer | null };

export interface Snapshot {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Steps done so far (all epochs). */
  step: number;
  /** Per-step loss terms since the last snapshot: step, total, then TERM_NAMES in order. */
  steps: number[][];
  h: number[];
  g: number[];
  phi: number[];
  psi: number[];
  x: number[];
  /** Coefficients of the chosen sample, all arrays concatenated, and where each array starts. */
  coeffs: number[];
  attrs: number[];
  starts: number[];
}

export type FromWorker =
  | { type: 'data'; description: string; shape: number[]; threads: number; isolated: boolean; simd: boolean }
  | { type: 'progress'; snapshot: Snapshot }
  | { type: 'epoch'; epoch: number; train: Record<string, number>; seconds: number }
  | { type: 'paused'; json: string }
  | { type: 'resumed' }
  | { type: 'stopped'; json: string; h: number[]; epochsDone: number }
  | { type: 'done'; json: string; fitSeconds: number; h: number[] }
  | { type: 'error'; message: string };
