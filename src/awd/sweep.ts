/**
 * Hyperparameter sweeps over a (λ, γ) grid. Cells are numbered row-major (λ major), so each one
 * can be fitted on its own (`fitCell`, or `awd sweep --cell K`) and the results merged later
 * (`mergeSweep`) — a sweep can be spread over machines.
 * @module
 */
import { AwdError, assertInt } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';
import { AdaptiveWavelet, type FitOptions } from './adaptive.ts';
import { waveletFromJson, waveletToJson } from './waveletFile.ts';
import { returnedRecord } from './returned.ts';

/** A (λ, γ) grid. */
export interface Grid {
  lambdas: number[];
  gammas: number[];
}

/** One fitted grid cell. `wavelet` is the saved-file JSON text of the fitted wavelet. */
export interface CellResult {
  cell: number;
  lambda: number;
  gamma: number;
  wavelet: string;
  /** Training terms of the returned filter's epoch (`bestEpoch`). */
  train: Record<string, number>;
  validation?: Record<string, number>;
  /** The epoch whose filter was returned (best validation, else the last); see `returnedRecord`. */
  bestEpoch?: number | null;
}

export function gridSize(grid: Grid): number {
  return grid.lambdas.length * grid.gammas.length;
}

/** (λ, γ) of cell k. */
export function cellParams(grid: Grid, k: number): { lambda: number; gamma: number } {
  checkGrid(grid);
  assertInt('cellParams', 'cell', k, 0, gridSize(grid) - 1);
  return { lambda: grid.lambdas[Math.floor(k / grid.gammas.length)], gamma: grid.gammas[k % grid.gammas.length] };
}

export function checkGrid(grid: Grid): void {
  for (const [name, v] of [['lambdas', grid.lambdas], ['gammas', grid.gammas]] as const) {
    if (!Array.isArray(v) || v.length === 0) throw new AwdError('sweep', `the grid needs at least one value in ${name}`);
    for (const x of v) if (!Number.isFinite(x) || x < 0) throw new AwdError('sweep', `grid ${name} must be finite numbers >= 0, got ${x}`);
  }
}

/** Fits one grid cell. */
export function fitCell(X: NdArray, opts: Omit<FitOptions, 'lambda' | 'gamma'>, grid: Grid, k: number): CellResult {
  const { lambda, gamma } = cellParams(grid, k);
  const w = AdaptiveWavelet.fit(X, { ...opts, lambda, gamma });
  const last = returnedRecord(w); // the returned filter's epoch (the best validation one, if any)
  const r: CellResult = { cell: k, lambda, gamma, wavelet: waveletToJson(w), train: last?.train ?? {}, bestEpoch: w.settings?.bestEpoch ?? null };
  if (last?.validation) r.validation = last.validation;
  return r;
}

/** Fits every cell (or the listed ones), one after another. */
export function sweep(
  X: NdArray, opts: Omit<FitOptions, 'lambda' | 'gamma'>, grid: Grid,
  cells?: number[], onCell?: (done: number, total: number, r: CellResult) => void,
): CellResult[] {
  checkGrid(grid);
  const list = cells ?? Array.from({ length: gridSize(grid) }, (_, i) => i);
  const out: CellResult[] = [];
  for (const k of list) {
    const r = fitCell(X, opts, grid, k);
    out.push(r);
    onCell?.(out.length, list.length, r);
  }
  return out;
}

/** Merges cell results (from one or many runs), checking they cover the grid exactly once. */
export function mergeSweep(grid: Grid, parts: CellResult[][]): CellResult[] {
  checkGrid(grid);
  const byCell = new Map<number, CellResult>();
  for (const part of parts) {
    for (const r of part) {
      const p = cellParams(grid, r.cell);
      if (p.lambda !== r.lambda || p.gamma !== r.gamma) {
        throw new AwdError('mergeSweep', `cell ${r.cell} has λ=${r.lambda}, γ=${r.gamma} but the grid says λ=${p.lambda}, γ=${p.gamma}: the parts come from different grids`);
      }
      if (byCell.has(r.cell)) throw new AwdError('mergeSweep', `cell ${r.cell} appears twice`);
      byCell.set(r.cell, r);
    }
  }
  const missing = [];
  for (let k = 0; k < gridSize(grid); k++) if (!byCell.has(k)) missing.push(k);
  if (missing.length) throw new AwdError('mergeSweep', `cells ${missing.join(', ')} are missing; run them with --cell`);
  return [...byCell.values()].sort((a, b) => a.cell - b.cell);
}

/** The wavelet of a cell result. */
export function cellWavelet(r: CellResult): AdaptiveWavelet {
  return waveletFromJson(r.wavelet, `sweep cell ${r.cell}`);
}

/** The cell with the highest score (e.g. a validation R²); ties go to the lower cell index. */
export function selectBest(results: CellResult[], score: (r: CellResult) => number): { best: CellResult; scores: number[] } {
  if (results.length === 0) throw new AwdError('selectBest', 'no sweep results');
  const scores = results.map(score);
  let k = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[k]) k = i;
  return { best: results[k], scores };
}
