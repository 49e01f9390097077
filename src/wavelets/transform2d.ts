/**
 * PyWavelets-style 2D transforms: `dwt2`, `idwt2`, `wavedec2`, `waverec2` for one image, and the
 * batched forms for many images in one buffer. Separable, same filters on both axes; subbands
 * named as PyWavelets (`cH` horizontal, `cV` vertical, `cD` diagonal detail).
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';
import { layoutOf, scatterColsInto, scatterRows, synthesisMap } from './kernels.ts';
import { uninitializedArray, zeroedArray } from './scratch.ts';
import { idwtOutputLen, parseMode, type ExtensionMap, type Mode } from './modes.ts';
import { analysis2d, analysis2dCoeffs, Plan2D } from './multilevel2d.ts';
import { checkFinite, checkLevel } from './transform1d.ts';
import { resolveWavelet, type Wavelet } from './wavelet.ts';
import type { FilterBank } from './families.ts';
import { inversePerm, normalizeAxis, toEndPerm, transpose } from './axis.ts';

/**
 * PyWavelets' `axes` for the batched 2D functions: the permutation that brings the two axes to
 * the end (null when X is already b × rows × cols with axes (1, 2)).
 */
function axesPerm(where: string, ndim: number, axes: [number, number]): number[] | null {
  if (ndim < 2) throw new AwdError(where, `expected an array with at least two axes, got ${ndim}`);
  const a = axes.map((x) => normalizeAxis(where, x, ndim));
  if (a[0] === a[1]) throw new AwdError(where, `the two axes must differ, got [${axes.join(', ')}]`);
  if (ndim === 3 && a[0] === 1 && a[1] === 2) return null;
  return toEndPerm(ndim, a);
}

/** X with its transform axes moved to the end and its other axes flattened into one batch axis. */
function toImages(X: NdArray, perm: number[]): { imgs: NdArray; lead: number[] } {
  const moved = transpose(X, perm);
  const nd = moved.shape.length;
  const [R, C] = moved.shape.slice(nd - 2);
  return { imgs: ndarray(moved.data, [moved.data.length / (R * C), R, C]), lead: moved.shape.slice(0, nd - 2) };
}

/** The inverse of `toImages` for images of a (possibly) different size. */
function fromImages(a: NdArray, lead: number[], perm: number[]): NdArray {
  return transpose(ndarray(a.data, [...lead, a.shape[1], a.shape[2]]), inversePerm(perm));
}

type WaveletLike = Wavelet | FilterBank | string;

/** Single-level 2D coefficients of one image; each subband is `rows × cols`, row-major. */
export interface Coeffs2 {
  cA: Float64Array;
  cH: Float64Array;
  cV: Float64Array;
  cD: Float64Array;
  rows: number;
  cols: number;
}

/** An image: row-major data with its shape. */
export interface Image {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Multilevel 2D decomposition of one image; `details[0]` is the coarsest level (as PyWavelets). */
export interface Wavedec2Result {
  approx: Image;
  details: Array<{ cH: Float64Array; cV: Float64Array; cD: Float64Array; rows: number; cols: number }>;
}

function checkImage(where: string, x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new AwdError(where, `rows and cols must be positive integers, got ${rows} × ${cols}`);
  }
  if (x.length !== rows * cols) throw new AwdError(where, `the image has ${x.length} values but ${rows} × ${cols} = ${rows * cols} were expected`);
  checkFinite(where, 'the image', x);
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/**
 * Single-level 2D DWT, as `pywt.dwt2(x, w, mode)` → `(cA, (cH, cV, cD))`.
 * @example
 * const c = dwt2(image, 64, 64, 'db2', 'periodization');  // c.rows = c.cols = 32
 */
export function dwt2(x: ArrayLike<number>, rows: number, cols: number, w: WaveletLike, mode: Mode = 'symmetric'): Coeffs2 {
  const m = parseMode(mode, 'dwt2');
  const wl = resolveWavelet(w);
  const xs = checkImage('dwt2', x, rows, cols);
  const plan = new Plan2D(rows, cols, wl.length, m, 1);
  const fwd = analysis2d(plan, xs, 1, wl.anaLo, wl.anaHi);
  const [r, c] = plan.shape(1);
  return { cA: fwd.approx, cH: fwd.details[0].cH, cV: fwd.details[0].cV, cD: fwd.details[0].cD, rows: r, cols: c };
}

/** Sizes and maps of one level of 2D synthesis: subbands Rs × Cs → Rr × Cr (uncropped). */
interface SynthesisLevel {
  Rs: number;
  Cs: number;
  Rr: number;
  Cr: number;
  emR: ExtensionMap;
  emC: ExtensionMap;
}

function synthesisLevel(where: string, Rs: number, Cs: number, F: number, mode: Mode): SynthesisLevel {
  const Rr = idwtOutputLen(Rs, F, mode);
  const Cr = idwtOutputLen(Cs, F, mode);
  if (Rr < 1 || Cr < 1) throw new AwdError(where, `${Rs} × ${Cs} coefficients are too few to invert with a filter of length ${F}`);
  return { Rs, Cs, Rr, Cr, emR: synthesisMap(Rs, F, mode), emC: synthesisMap(Cs, F, mode) };
}

/**
 * One level of 2D synthesis of one image: the column pass (along axis 0) of (a, h) and (v, d)
 * into the work buffers L and H (≥ Rr × Cs values), then the row pass (along axis 1) into
 * `out[outOff …]` (Rr × Cr), while L and H are still in cache. Any subband may be null (zeros).
 */
function synthesizeImage(
  lv: SynthesisLevel, a: Float64Array | null, aOff: number,
  h: Float64Array | null, v: Float64Array | null, d: Float64Array | null, dOff: number,
  lo: Float64Array, hi: Float64Array, L: Float64Array, H: Float64Array, out: Float64Array, outOff: number,
): void {
  const { Cs, Rr, Cr, emR, emC } = lv;
  if (!layoutOf(emR).covers) {
    L.fill(0, 0, Rr * Cs);
    H.fill(0, 0, Rr * Cs);
  }
  scatterColsInto(a, aOff, h, dOff, Cs, emR, lo, hi, L, 0, false);
  scatterColsInto(v, dOff, d, dOff, Cs, emR, lo, hi, H, 0, false);
  if (!layoutOf(emC).covers) out.fill(0, outOff, outOff + Rr * Cr);
  scatterRows(L, 0, Cs, H, 0, Cs, Rr, emC, lo, hi, out, outOff, Cr, false);
}

/** Single-level inverse 2D DWT, as `pywt.idwt2`. */
export function idwt2(c: Coeffs2, w: WaveletLike, mode: Mode = 'symmetric'): Image {
  const m = parseMode(mode, 'idwt2');
  const wl = resolveWavelet(w);
  const n = c.rows * c.cols;
  for (const [name, arr] of [['cA', c.cA], ['cH', c.cH], ['cV', c.cV], ['cD', c.cD]] as const) {
    if (arr.length !== n) throw new AwdError('idwt2', `${name} has ${arr.length} values, expected ${c.rows} × ${c.cols}`);
    checkFinite('idwt2', name, arr);
  }
  const lv = synthesisLevel('idwt2', c.rows, c.cols, wl.length, m);
  const out = new Float64Array(lv.Rr * lv.Cr);
  synthesizeImage(lv, c.cA, 0, c.cH, c.cV, c.cD, 0, wl.recLo, wl.recHi, new Float64Array(lv.Rr * lv.Cs), new Float64Array(lv.Rr * lv.Cs), out, 0);
  return { data: out, rows: lv.Rr, cols: lv.Cr };
}

/**
 * Multilevel 2D decomposition, as `pywt.wavedec2` (`details[0]` is the coarsest level).
 * `level` defaults to the useful maximum for the smaller side.
 */
export function wavedec2(x: ArrayLike<number>, rows: number, cols: number, w: WaveletLike, mode: Mode = 'symmetric', level?: number): Wavedec2Result {
  const r = wavedec2Batch(ndarray(checkImage('wavedec2', x, rows, cols), [1, rows, cols]), w, mode, level);
  return {
    approx: { data: r.approx.data, rows: r.approx.shape[1], cols: r.approx.shape[2] },
    details: r.details.map((d) => ({ cH: d.cH.data, cV: d.cV.data, cD: d.cD.data, rows: d.cH.shape[1], cols: d.cH.shape[2] })),
  };
}

/** Multilevel 2D reconstruction, as `pywt.waverec2`. */
export function waverec2(c: Wavedec2Result, w: WaveletLike, mode: Mode = 'symmetric'): Image {
  const r = waverec2Batch(
    {
      approx: ndarray(c.approx.data, [1, c.approx.rows, c.approx.cols]),
      details: c.details.map((d) => ({
        cH: ndarray(d.cH, [1, d.rows, d.cols]),
        cV: ndarray(d.cV, [1, d.rows, d.cols]),
        cD: ndarray(d.cD, [1, d.rows, d.cols]),
      })),
    },
    w,
    mode,
  );
  return { data: r.data, rows: r.shape[1], cols: r.shape[2] };
}

/** Batched multilevel 2D coefficients; arrays are b × rows_j × cols_j, `details[0]` coarsest. */
export interface Wavedec2Batch {
  approx: NdArray;
  details: Array<{ cH: NdArray; cV: NdArray; cD: NdArray }>;
}

/**
 * `wavedec2` of every image of a batch (b × rows × cols) at once. With `axes` (PyWavelets'
 * semantics, default [−2, −1]) X may have any number of axes; the transform runs over the two
 * axes and the outputs keep X's axes.
 */
export function wavedec2Batch(X: NdArray, w: WaveletLike, mode: Mode = 'symmetric', level?: number, axes: [number, number] = [-2, -1]): Wavedec2Batch {
  const perm = axesPerm('wavedec2Batch', X.shape.length, axes);
  if (perm) {
    const { imgs, lead } = toImages(X, perm);
    const r = wavedec2Batch(imgs, w, mode, level);
    const back = (a: NdArray): NdArray => fromImages(a, lead, perm);
    return { approx: back(r.approx), details: r.details.map((d) => ({ cH: back(d.cH), cV: back(d.cV), cD: back(d.cD) })) };
  }
  if (X.shape.length !== 3) throw new AwdError('wavedec2Batch', `expected a batch of shape [n, rows, cols], got [${X.shape.join(', ')}]`);
  const [b, rows, cols] = X.shape;
  if (b < 1 || rows < 1 || cols < 1) throw new AwdError('wavedec2Batch', `the batch is empty (shape [${X.shape.join(', ')}])`);
  checkFinite('wavedec2Batch', 'the images', X.data);
  const m = parseMode(mode, 'wavedec2Batch');
  const wl = resolveWavelet(w);
  const J = checkLevel('wavedec2Batch', level, Math.min(rows, cols), wl.length);
  const plan = new Plan2D(rows, cols, wl.length, m, J);
  const fwd = analysis2dCoeffs(plan, X.data, b, wl.anaLo, wl.anaHi);
  const [rJ, cJ] = plan.shape(J);
  const details: Wavedec2Batch['details'] = [];
  for (let j = J; j >= 1; j--) {
    const [r, c] = plan.shape(j);
    const d = fwd.details[j - 1];
    details.push({ cH: ndarray(d.cH, [b, r, c]), cV: ndarray(d.cV, [b, r, c]), cD: ndarray(d.cD, [b, r, c]) });
  }
  return { approx: ndarray(fwd.approx, [b, rJ, cJ]), details };
}

/** `waverec2` of a batch decomposition; `axes` as `wavedec2Batch`'s. */
export function waverec2Batch(c: Wavedec2Batch, w: WaveletLike, mode: Mode = 'symmetric', axes: [number, number] = [-2, -1]): NdArray {
  const perm = axesPerm('waverec2Batch', c.approx.shape.length, axes);
  if (perm) {
    const im = (a: NdArray): NdArray => toImages(a, perm).imgs;
    const { lead } = toImages(c.approx, perm);
    const r = waverec2Batch({ approx: im(c.approx), details: c.details.map((d) => ({ cH: im(d.cH), cV: im(d.cV), cD: im(d.cD) })) }, w, mode);
    return fromImages(r, lead, perm);
  }
  const m = parseMode(mode, 'waverec2Batch');
  const wl = resolveWavelet(w);
  if (c.details.length < 1) throw new AwdError('waverec2Batch', 'need at least one level of details');
  const b = c.approx.shape[0];
  const F = wl.length;
  // Check every level's shapes first; then reconstruct image by image through all levels, the
  // intermediate images in small work buffers (cache-resident), only the result in a big array.
  const levels: SynthesisLevel[] = [];
  let aR = c.approx.shape[1];
  let aC = c.approx.shape[2];
  for (let k = 0; k < c.details.length; k++) {
    const d = c.details[k];
    const [db, r, cc] = d.cH.shape;
    for (const arr of [d.cV, d.cD]) {
      if (arr.shape.join() !== d.cH.shape.join()) throw new AwdError('waverec2Batch', `detail subbands of level position ${k} differ in shape`);
    }
    if (db !== b) throw new AwdError('waverec2Batch', `detail batch size ${db} differs from the approximation's ${b}`);
    if (aR !== r || aC !== cc) {
      if (aR - r > 1 || aC - cc > 1 || aR < r || aC < cc) {
        throw new AwdError('waverec2Batch', `coefficient shape mismatch at position ${k}: approximation ${aR} × ${aC}, details ${r} × ${cc}`);
      }
    }
    const lv = synthesisLevel('idwt2', r, cc, F, m);
    levels.push(lv);
    aR = lv.Rr;
    aC = lv.Cr;
  }
  // Every value of `out` is written below (stored by the kernels, or zeroed first).
  const out = uninitializedArray(b * aR * aC);
  const maxOf = (f: (lv: SynthesisLevel) => number): number => Math.max(...levels.map(f));
  const L = new Float64Array(maxOf((lv) => lv.Rr * lv.Cs));
  const H = new Float64Array(L.length);
  const work = [new Float64Array(maxOf((lv) => lv.Rr * lv.Cr)), new Float64Array(maxOf((lv) => lv.Rr * lv.Cr))];
  const cropped = new Float64Array(maxOf((lv) => lv.Rs * lv.Cs));
  const [R0, C0] = [c.approx.shape[1], c.approx.shape[2]];
  for (let i = 0; i < b; i++) {
    let cur = c.approx.data;
    let curOff = i * R0 * C0;
    let curR = R0;
    let curC = C0;
    for (let k = 0; k < levels.length; k++) {
      const lv = levels[k];
      if (curR !== lv.Rs || curC !== lv.Cs) {
        // An approximation one row or column longer than the details: keep its top-left corner.
        for (let r = 0; r < lv.Rs; r++) cropped.set(cur.subarray(curOff + r * curC, curOff + r * curC + lv.Cs), r * lv.Cs);
        cur = cropped;
        curOff = 0;
      }
      const last = k === levels.length - 1;
      const dst = last ? out : work[k & 1];
      const dstOff = last ? i * lv.Rr * lv.Cr : 0;
      const d = c.details[k];
      synthesizeImage(lv, cur, curOff, d.cH.data, d.cV.data, d.cD.data, i * lv.Rs * lv.Cs, wl.recLo, wl.recHi, L, H, dst, dstOff);
      cur = dst;
      curOff = dstOff;
      curR = lv.Rr;
      curC = lv.Cr;
    }
  }
  return ndarray(out, [b, aR, aC]);
}
