/**
 * n-dimensional DWT, as PyWavelets' `dwtn` / `idwtn` / `wavedecn` / `waverecn` (3D volumes and
 * beyond): separable, one 1D transform along each axis in turn (the batched kernels along that
 * axis, every other axis a batch axis). Subbands are keyed as PyWavelets keys them: one letter
 * per transformed axis, 'a' (lowpass) or 'd' (highpass), e.g. 'aad'.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';
import { dwtMaxLevel, parseMode, type Mode } from './modes.ts';
import { normalizeAxis } from './axis.ts';
import { checkFinite, wavedecBatch, waverecBatch } from './transform1d.ts';
import { resolveWavelet, type Wavelet } from './wavelet.ts';
import type { FilterBank } from './families.ts';

type WaveletLike = Wavelet | FilterBank | string;

/** Subbands keyed by their 'a'/'d' string. */
export type SubbandsN = Record<string, NdArray>;

function axesOf(where: string, ndim: number, axes?: number[]): number[] {
  const ax = (axes ?? Array.from({ length: ndim }, (_, i) => i)).map((a) => normalizeAxis(where, a, ndim));
  if (new Set(ax).size !== ax.length) throw new AwdError(where, `the axes must be unique, got [${(axes ?? []).join(', ')}]`);
  if (ax.length === 0) throw new AwdError(where, 'give at least one axis');
  return ax;
}

/**
 * Single-level n-dimensional DWT, as `pywt.dwtn(data, wavelet, mode, axes)`: 2^k subbands for k
 * axes (all axes by default), each keyed 'a…'/'d…' in axis order.
 * @example
 * const c = dwtn(volume, 'db2');   // c.aaa, c.aad, …, c.ddd
 */
export function dwtn(X: NdArray, w: WaveletLike, mode: Mode = 'symmetric', axes?: number[]): SubbandsN {
  const m = parseMode(mode, 'dwtn');
  const wl = resolveWavelet(w);
  if (X.data.length === 0) throw new AwdError('dwtn', 'the array is empty');
  checkFinite('dwtn', 'the array', X.data);
  const ax = axesOf('dwtn', X.shape.length, axes);
  let coeffs: [string, NdArray][] = [['', X]];
  for (const a of ax) {
    const next: [string, NdArray][] = [];
    for (const [key, x] of coeffs) {
      const [cA, cD] = wavedecBatch(x, wl, m, 1, a);
      next.push([key + 'a', cA], [key + 'd', cD]);
    }
    coeffs = next;
  }
  return Object.fromEntries(coeffs);
}

/**
 * Single-level inverse, as `pywt.idwtn(coeffs, wavelet, mode, axes)`: a missing subband counts as
 * zeros.
 */
export function idwtn(coeffs: SubbandsN, w: WaveletLike, mode: Mode = 'symmetric', axes?: number[]): NdArray {
  const m = parseMode(mode, 'idwtn');
  const wl = resolveWavelet(w);
  const keys = Object.keys(coeffs);
  if (keys.length === 0) throw new AwdError('idwtn', 'no coefficients given');
  const k = keys[0].length;
  if (keys.some((key) => key.length !== k || /[^ad]/.test(key))) throw new AwdError('idwtn', `subband keys must all have ${k} letters 'a' or 'd', got ${keys.join(', ')}`);
  const ndim = coeffs[keys[0]].shape.length;
  const ax = axesOf('idwtn', ndim, axes ?? Array.from({ length: k }, (_, i) => i));
  if (ax.length !== k) throw new AwdError('idwtn', `${ax.length} axes given for subband keys of ${k} letters`);
  let cur: Record<string, NdArray> = { ...coeffs };
  for (let len = k - 1; len >= 0; len--) {
    const a = ax[len];
    const next: Record<string, NdArray> = {};
    const prefixes = new Set(Object.keys(cur).map((key) => key.slice(0, len)));
    for (const p of prefixes) {
      const L = cur[p + 'a'];
      const H = cur[p + 'd'];
      const ref = L ?? H;
      const zeros = ndarray(new Float64Array(ref.data.length), ref.shape.slice());
      if (L && H && L.shape.join() !== H.shape.join()) throw new AwdError('idwtn', `subbands '${p}a' and '${p}d' differ in shape: [${L.shape.join(', ')}] and [${H.shape.join(', ')}]`);
      next[p] = waverecBatch([L ?? zeros, H ?? zeros], wl, m, undefined, a);
    }
    cur = next;
  }
  return cur[''];
}

/** Multilevel n-dimensional decomposition: `approx` (level J) and `details` (coarsest first). */
export interface WavedecN {
  approx: NdArray;
  details: SubbandsN[];
}

/**
 * Multilevel n-dimensional DWT, as `pywt.wavedecn(data, wavelet, mode, level, axes)`; `level`
 * defaults to `dwtMaxLevel` of the smallest transformed axis.
 */
export function wavedecn(X: NdArray, w: WaveletLike, mode: Mode = 'symmetric', level?: number, axes?: number[]): WavedecN {
  const wl = resolveWavelet(w);
  const ax = axesOf('wavedecn', X.shape.length, axes);
  const J = level ?? dwtMaxLevel(Math.min(...ax.map((a) => X.shape[a])), wl.length);
  if (!Number.isInteger(J) || J < 0) throw new AwdError('wavedecn', `level must be an integer >= 0, got ${J}`);
  const approxKey = 'a'.repeat(ax.length);
  const details: SubbandsN[] = [];
  let a = X;
  for (let i = 0; i < J; i++) {
    const c = dwtn(a, wl, mode, ax);
    a = c[approxKey];
    delete c[approxKey];
    details.push(c);
  }
  return { approx: a, details: details.reverse() };
}

/** Multilevel inverse, as `pywt.waverecn` (an approximation larger than the details is cropped). */
export function waverecn(c: WavedecN, w: WaveletLike, mode: Mode = 'symmetric', axes?: number[]): NdArray {
  let a = c.approx;
  for (const d of c.details) {
    const keys = Object.keys(d);
    if (keys.length === 0) continue;
    const shape = d[keys[0]].shape;
    if (a.shape.join() !== shape.join()) a = cropTo(a, shape);
    a = idwtn({ ...d, ['a'.repeat(keys[0].length)]: a }, w, mode, axes);
  }
  return a;
}

/** The leading block of `a` of the given shape (each side no larger than a's). */
function cropTo(a: NdArray, shape: number[]): NdArray {
  if (shape.length !== a.shape.length || shape.some((s, i) => s > a.shape[i])) {
    throw new AwdError('waverecn', `coefficient shape mismatch: approximation [${a.shape.join(', ')}], details [${shape.join(', ')}]; pass the output of wavedecn unchanged`);
  }
  const size = shape.reduce((p, s) => p * s, 1);
  const out = new Float64Array(size);
  const nd = shape.length;
  const srcStrides = new Array<number>(nd);
  let st = 1;
  for (let i = nd - 1; i >= 0; i--) {
    srcStrides[i] = st;
    st *= a.shape[i];
  }
  const idx = new Array<number>(nd).fill(0);
  for (let o = 0; o < size; o++) {
    let src = 0;
    for (let d = 0; d < nd; d++) src += idx[d] * srcStrides[d];
    out[o] = a.data[src];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return ndarray(out, shape);
}
