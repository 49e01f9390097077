/**
 * PyWavelets-style 1D transforms: `dwt`, `idwt`, `wavedec`, `waverec` for one signal, and their
 * batched forms for many signals in one contiguous buffer. Same coefficient lengths and values
 * as PyWavelets (checked to 1e-10 against fixtures). Default mode `symmetric`, as PyWavelets.
 * @module
 */
import { AwdError, assertFinite } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';
import { warnOnce } from '../util/warn.ts';
import { analyze, layoutOf, scatter, scatterRows, synthesisMap } from './kernels.ts';
import { uninitializedArray, zeroedArray } from './scratch.ts';
import { dwtMaxLevel, extensionMap, idwtOutputLen, parseMode, type ExtensionMap, type Mode } from './modes.ts';
import { analysis1d, analysis1dCoeffs, chunkRows, Plan1D } from './multilevel1d.ts';
import { resolveWavelet, type Wavelet } from './wavelet.ts';
import type { FilterBank } from './families.ts';
import { fromRows, normalizeAxis, rowsAlongAxis } from './axis.ts';

/** True when X is already rows along its last axis (b × n with axis 1). */
function isRows(where: string, shape: number[], axis: number): boolean {
  if (shape.length === 0) throw new AwdError(where, 'expected an array with at least one axis');
  return shape.length === 2 && normalizeAxis(where, axis, 2) === 1;
}

type WaveletLike = Wavelet | FilterBank | string;

/** Checks a level argument and warns (as PyWavelets) when it exceeds the useful maximum. */
export function checkLevel(where: string, level: number | undefined, n: number, filterLen: number): number {
  const max = dwtMaxLevel(n, filterLen);
  if (level === undefined) return Math.max(1, max);
  if (!Number.isInteger(level) || level < 1) {
    throw new AwdError(where, `level must be an integer >= 1, got ${level}; the useful maximum for length ${n} and filter length ${filterLen} is ${max}`);
  }
  if (level > max) {
    warnOnce(`${where}: level ${level} is too high for length ${n} and filter length ${filterLen} (max ${max}): all coefficients will experience boundary effects.`);
  }
  return level;
}

/**
 * `assertFinite` with a fast path for Float64Array: Σ 0·x is NaN exactly when some value is NaN
 * or infinite, so one multiply-add per value decides, and only a bad array takes the slow loop
 * that names the first bad position.
 */
export function checkFinite(where: string, what: string, x: ArrayLike<number>): void {
  if (x instanceof Float64Array) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const n4 = x.length & ~3;
    for (let i = 0; i < n4; i += 4) {
      s0 += 0 * x[i];
      s1 += 0 * x[i + 1];
      s2 += 0 * x[i + 2];
      s3 += 0 * x[i + 3];
    }
    for (let i = n4; i < x.length; i++) s0 += 0 * x[i];
    if (s0 + s1 + s2 + s3 === 0) return;
  }
  assertFinite(where, what, x);
}

function checkSignal(where: string, x: ArrayLike<number>): Float64Array {
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') assertFinite(where, 'the signal', x); // names what came instead
  if (x.length === 0) throw new AwdError(where, 'the signal is empty; pass at least one sample');
  checkFinite(where, 'the signal', x);
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/**
 * Single-level discrete wavelet transform, as `pywt.dwt(x, w, mode)`.
 * @example
 * const { cA, cD } = dwt([1, 2, 3, 4], 'haar');  // cA = [2.1213, 4.9497], cD = [-0.7071, -0.7071]
 */
export function dwt(x: ArrayLike<number>, w: WaveletLike, mode: Mode = 'symmetric'): { cA: Float64Array; cD: Float64Array } {
  const m = parseMode(mode, 'dwt');
  const wl = resolveWavelet(w);
  const xs = checkSignal('dwt', x);
  const em = extensionMap(xs.length, wl.length, m);
  const cA = new Float64Array(em.outLen);
  const cD = new Float64Array(em.outLen);
  analyze(xs, 0, em, wl.anaLo, wl.anaHi, new Float64Array(em.map.length), cA, 0, cD, 0);
  return { cA, cD };
}

/**
 * Single-level inverse DWT, as `pywt.idwt(cA, cD, w, mode)`; either array may be null (zeros).
 * Output length `2·len − N + 2` (`2·len` for periodization).
 */
export function idwt(cA: ArrayLike<number> | null, cD: ArrayLike<number> | null, w: WaveletLike, mode: Mode = 'symmetric'): Float64Array {
  const m = parseMode(mode, 'idwt');
  const wl = resolveWavelet(w);
  if (cA === null && cD === null) throw new AwdError('idwt', 'cA and cD cannot both be null');
  if (cA !== null && cD !== null && cA.length !== cD.length) {
    throw new AwdError('idwt', `cA and cD must have the same length, got ${cA.length} and ${cD.length}`);
  }
  const len = (cA ?? cD)!.length;
  if (len === 0) throw new AwdError('idwt', 'the coefficient arrays are empty');
  if (cA) checkFinite('idwt', 'cA', cA);
  if (cD) checkFinite('idwt', 'cD', cD);
  const nOut = idwtOutputLen(len, wl.length, m);
  if (nOut < 1) {
    throw new AwdError('idwt', `${len} coefficient(s) are too few to invert with a filter of length ${wl.length}`);
  }
  const em = synthesisMap(len, wl.length, m);
  const out = new Float64Array(nOut);
  scatter(cA ? Float64Array.from(cA) : null, 0, cD ? Float64Array.from(cD) : null, 0, em, wl.recLo, wl.recHi, new Float64Array(em.map.length), out, 0);
  return out;
}

/**
 * Multilevel decomposition, as `pywt.wavedec`: returns `[cA_J, cD_J, …, cD_1]`.
 * `level` defaults to `dwtMaxLevel(n, N)` (at least 1); more than that warns, as PyWavelets.
 * @example
 * const coeffs = wavedec(signal, 'db5', 'zero', 4);
 */
export function wavedec(x: ArrayLike<number>, w: WaveletLike, mode: Mode = 'symmetric', level?: number): Float64Array[] {
  const m = parseMode(mode, 'wavedec');
  const wl = resolveWavelet(w);
  const xs = checkSignal('wavedec', x);
  const J = checkLevel('wavedec', level, xs.length, wl.length);
  const plan = new Plan1D(xs.length, wl.length, m, J);
  const fwd = analysis1d(plan, xs, 1, wl.anaLo, wl.anaHi);
  return [fwd.approx, ...fwd.details.slice().reverse()];
}

/**
 * Multilevel reconstruction, as `pywt.waverec` (coefficients `[cA_J, cD_J, …, cD_1]`). Like
 * PyWavelets, an approximation one longer than the next detail is cropped; the result may be one
 * sample longer than an odd original — pass `length` to crop it.
 */
export function waverec(coeffs: ArrayLike<number>[], w: WaveletLike, mode: Mode = 'symmetric', length?: number): Float64Array {
  if (coeffs.length < 2) throw new AwdError('waverec', `need at least [cA, cD], got ${coeffs.length} array(s)`);
  let a: Float64Array = Float64Array.from(coeffs[0]);
  for (let k = 1; k < coeffs.length; k++) {
    const d = coeffs[k];
    if (a.length === d.length + 1) a = a.slice(0, d.length);
    else if (a.length !== d.length) {
      throw new AwdError('waverec', `coefficient length mismatch at position ${k}: approximation has ${a.length}, detail has ${d.length}; pass the output of wavedec unchanged`);
    }
    a = idwt(a, d, w, mode);
  }
  return cropLength('waverec', a, length);
}

function cropLength(where: string, a: Float64Array, length?: number): Float64Array {
  if (length === undefined) return a;
  if (length > a.length || length < a.length - 1) {
    throw new AwdError(where, `cannot crop a reconstruction of length ${a.length} to ${length}`);
  }
  return length === a.length ? a : a.slice(0, length);
}

function checkBatch(where: string, X: NdArray): void {
  if (X.shape.length !== 2) throw new AwdError(where, `expected a batch of shape [n, length], got [${X.shape.join(', ')}]`);
  if (X.shape[0] < 1 || X.shape[1] < 1) throw new AwdError(where, `the batch is empty (shape [${X.shape.join(', ')}])`);
  checkFinite(where, 'the signals', X.data);
}

/**
 * `wavedec` of every row of a batch (n × length) at once: returns `[cA_J, cD_J, …, cD_1]`, each
 * n × len_j. With `axis` (PyWavelets' semantics, default −1), X may have any number of axes: the
 * transform runs along `axis`, every other axis is a batch axis, and the outputs keep X's axes.
 */
export function wavedecBatch(X: NdArray, w: WaveletLike, mode: Mode = 'symmetric', level?: number, axis = -1): NdArray[] {
  if (!isRows('wavedecBatch', X.shape, axis)) {
    return wavedecBatch(rowsAlongAxis('wavedecBatch', X, axis), w, mode, level).map((c) => fromRows(c, X.shape, axis));
  }
  checkBatch('wavedecBatch', X);
  const m = parseMode(mode, 'wavedecBatch');
  const wl = resolveWavelet(w);
  const [b, n] = X.shape;
  const J = checkLevel('wavedecBatch', level, n, wl.length);
  const plan = new Plan1D(n, wl.length, m, J);
  const fwd = analysis1dCoeffs(plan, X.data, b, wl.anaLo, wl.anaHi);
  const out = [ndarray(fwd.approx, [b, plan.lens[J]])];
  for (let j = J; j >= 1; j--) out.push(ndarray(fwd.details[j - 1], [b, plan.lens[j]]));
  return out;
}

/**
 * `waverec` of a batch decomposition (`[cA_J, cD_J, …, cD_1]`, each n × len_j); with `axis`, of
 * arrays of any number of axes transformed along `axis` (as `wavedecBatch`).
 */
export function waverecBatch(coeffs: NdArray[], w: WaveletLike, mode: Mode = 'symmetric', length?: number, axis = -1): NdArray {
  if (coeffs.length > 0 && !isRows('waverecBatch', coeffs[0].shape, axis)) {
    const rows = coeffs.map((c) => rowsAlongAxis('waverecBatch', c, axis));
    return fromRows(waverecBatch(rows, w, mode, length), coeffs[0].shape, axis);
  }
  const m = parseMode(mode, 'waverecBatch');
  const wl = resolveWavelet(w);
  if (coeffs.length < 2) throw new AwdError('waverecBatch', `need at least [cA, cD], got ${coeffs.length} array(s)`);
  const b = coeffs[0].shape[0];
  const F = wl.length;
  // Check every level's shapes first; then run all levels on a chunk of signals at a time, the
  // intermediate reconstructions in two small work buffers.
  const levels: { s: number; inLen: number; rec: number; em: ExtensionMap; d: Float64Array }[] = [];
  let aLen = coeffs[0].shape[1];
  for (let k = 1; k < coeffs.length; k++) {
    const d = coeffs[k];
    if (d.shape.length !== 2 || d.shape[0] !== b) {
      throw new AwdError('waverecBatch', `coefficient array ${k} has shape [${d.shape.join(', ')}], expected [${b}, …]`);
    }
    const s = d.shape[1];
    if (aLen !== s && aLen !== s + 1) {
      throw new AwdError('waverecBatch', `coefficient length mismatch at position ${k}: approximation has ${aLen}, detail has ${s}`);
    }
    const rec = idwtOutputLen(s, F, m);
    if (rec < 1) throw new AwdError('waverecBatch', `${s} coefficient(s) are too few to invert with a filter of length ${F}`);
    levels.push({ s, inLen: aLen, rec, em: synthesisMap(s, F, m), d: d.data });
    aLen = rec;
  }
  const outLen = length ?? aLen;
  if (outLen !== aLen && (outLen > aLen || outLen < aLen - 1)) {
    throw new AwdError('waverecBatch', `cannot crop a reconstruction of length ${aLen} to ${length}`);
  }
  // Every value of `out` is written below (stored by the kernels, or zeroed first).
  const out = uninitializedArray(b * outLen);
  const maxRec = Math.max(...levels.map((l) => l.rec));
  const chunk = chunkRows(maxRec);
  const work = [new Float64Array(chunk * maxRec), new Float64Array(chunk * maxRec)];
  for (let r0 = 0; r0 < b; r0 += chunk) {
    const nr = Math.min(chunk, b - r0);
    let src = coeffs[0].data;
    let srcOff = r0 * coeffs[0].shape[1];
    for (let k = 0; k < levels.length; k++) {
      const { s, inLen, rec, em, d } = levels[k];
      // The last level writes straight into the output unless it has to be cropped.
      const direct = k === levels.length - 1 && outLen === rec;
      const dst = direct ? out : work[k & 1];
      const dstOff = direct ? r0 * rec : 0;
      if (!layoutOf(em).covers) dst.fill(0, dstOff, dstOff + nr * rec);
      // Row stride inLen: an approximation one longer than the detail is cropped on the fly.
      scatterRows(src, srcOff, inLen, d, r0 * s, s, nr, em, wl.recLo, wl.recHi, dst, dstOff, rec, false);
      src = dst;
      srcOff = dstOff;
    }
    if (src !== out) {
      for (let r = 0; r < nr; r++) out.set(src.subarray(srcOff + r * aLen, srcOff + r * aLen + outLen), (r0 + r) * outLen);
    }
  }
  return ndarray(out, [b, outLen]);
}
