/**
 * Figures of a (learned) wavelet: its scaling function φ and wavelet ψ by the cascade
 * algorithm, its filters h and g, and its training curves.
 * @module
 */
import type { EpochRecord } from '../awd/adaptive.ts';
import { filterBankFromLowpass } from '../wavelets/families.ts';
import { wavefun } from '../wavelets/wavefun.ts';
import { linePlotBody, panelGrid, type Panel, type Series } from './svg.ts';

/** What the figures need from a wavelet: its lowpass filter and, if fitted, its history. */
export interface WaveletLike {
  h: ArrayLike<number>;
  history?: readonly EpochRecord[];
}

/** The highpass filter g[n] = (−1)ⁿ h[N−1−n]. */
function highpass(h: ArrayLike<number>): Float64Array {
  const N = h.length;
  const g = new Float64Array(N);
  for (let n = 0; n < N; n++) g[n] = (n % 2 === 0 ? 1 : -1) * h[N - 1 - n];
  return g;
}

/**
 * φ and ψ of one or more wavelets side by side (wavefun at `level`, default 6), e.g. a learned
 * wavelet against the one it started from.
 *
 * @example
 * const svg = waveletFunctionsPlot([{ label: 'db5', h: familyLowpass('db5') }]);
 */
export function waveletFunctionsPlot(wavelets: { label: string; h: ArrayLike<number>; dashed?: boolean }[], opts: { level?: number; title?: string } = {}): string {
  const level = opts.level ?? 6;
  const funcs = wavelets.map((w) => ({ ...w, f: wavefun(filterBankFromLowpass(w.h), level) }));
  const phi: Series[] = funcs.map((w) => ({ label: w.label, x: w.f.x, y: w.f.phi, dashed: w.dashed }));
  const psi: Series[] = funcs.map((w) => ({ label: w.label, x: w.f.x, y: w.f.psi, dashed: w.dashed }));
  const panels: Panel[] = [
    (x, y, w, h) => linePlotBody(phi, x, y, w, h, { title: 'scaling function φ', xLabel: 't' }),
    (x, y, w, h) => linePlotBody(psi, x, y, w, h, { title: 'wavelet ψ', xLabel: 't' }),
  ];
  return panelGrid(panels, 2, 380, 260, opts.title);
}

/**
 * The summary figure of one wavelet: φ, ψ, the filters h and g, and (when it has a history) the
 * training curves of the total loss and the two weighted ℓ1 terms, on a log scale.
 */
export function waveletSummaryPlot(w: WaveletLike, opts: { level?: number; title?: string } = {}): string {
  const level = opts.level ?? 6;
  const f = wavefun(filterBankFromLowpass(w.h), level);
  const taps = Array.from({ length: w.h.length }, (_, i) => i);
  const panels: Panel[] = [
    (x, y, pw, ph) => linePlotBody([{ label: 'φ', x: f.x, y: f.phi }, { label: 'ψ', x: f.x, y: f.psi }], x, y, pw, ph, { title: 'φ and ψ', xLabel: 't' }),
    (x, y, pw, ph) => linePlotBody([{ label: 'h (lowpass)', x: taps, y: Array.from(w.h) }, { label: 'g (highpass)', x: taps, y: Array.from(highpass(w.h)) }], x, y, pw, ph, { title: 'filters', xLabel: 'tap n' }),
  ];
  const hist = w.history ?? [];
  if (hist.length > 0) panels.push((x, y, pw, ph) => trainingCurvesBody(hist, x, y, pw, ph));
  return panelGrid(panels, panels.length, 340, 250, opts.title);
}

/** Training curves (total loss, train and validation) drawn into a panel. */
export function trainingCurvesBody(history: readonly EpochRecord[], x: number, y: number, w: number, h: number): string {
  const ep = history.map((r) => r.epoch);
  const series: Series[] = [{ label: 'train total', x: ep, y: history.map((r) => r.train.total) }];
  if (history.some((r) => r.validation)) series.push({ label: 'validation total', x: ep, y: history.map((r) => r.validation?.total ?? NaN), dashed: true });
  series.push({ label: 'train reconstruction', x: ep, y: history.map((r) => r.train.reconstruction) });
  return linePlotBody(series, x, y, w, h, { title: 'training curves', xLabel: 'epoch', logY: true });
}
