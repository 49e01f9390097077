/**
 * Running the WebAssembly SIMD kernels of `simdModule.ts` for `kernels.ts` and the AWD objective:
 * when they run (`setWasmKernels`), and how data reach them.
 *
 * Each wrapper covers what its JavaScript counterpart's interior does (`layoutOf`): where every tap
 * reads the signal itself. Arrays that lie in the kernels' memory (the scratch arrays of
 * `scratch.ts`) are worked on in place; others are copied into a staging area in cache-sized
 * chunks and the results copied back. The chunks are the same either way, so sums come out the
 * same whether arrays were in place or copied (reproducibility, tested bit for bit). Sums are in
 * a different order than the JavaScript loops', so SIMD and JavaScript agree to rounding (≈1e-16
 * relative), not bit for bit. Where WebAssembly SIMD is missing everything falls back to
 * JavaScript.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { DATA, DATA_DOUBLES, HI, HI_R, kernelBuildError, kernels as buildKernels, kernelsMemory, LO, LO_R, MAX_PAGES, MAX_TAPS, OUT, PAGES, type Exports } from './simdModule.ts';
import { warnOnce } from '../util/warn.ts';

/** When the SIMD kernels run: where they pay off ('auto'), wherever they can ('always'), never. */
export type WasmKernelSetting = 'auto' | 'always' | 'never';

/**
 * The setting at start: `AWD_KERNELS` = auto | always | never (default auto). Read on first use,
 * not at import, so a bad value is an ordinary error of the call (the CLI reports it in one line).
 */
export function initialSetting(): WasmKernelSetting {
  const v = typeof process !== 'undefined' ? process.env.AWD_KERNELS : undefined;
  if (v === undefined || v === '') return 'auto';
  if (v === 'auto' || v === 'always' || v === 'never') return v;
  throw new AwdError('AWD_KERNELS', `the environment variable must be auto, always or never, got '${v}'; unset it for the default (auto)`);
}

let chosen: WasmKernelSetting | null = null;
/** The current setting (from `AWD_KERNELS` until `setWasmKernels` is called). */
function current(): WasmKernelSetting {
  return (chosen ??= initialSetting());
}

/**
 * Chooses when the WebAssembly SIMD kernels run: 'auto' (default; where they pay off), 'always'
 * (wherever they can: tests), 'never' (JavaScript only). Returns the previous setting. Results
 * agree to rounding (≈1e-16 relative) either way; the environment variable `AWD_KERNELS` sets the
 * starting value.
 *
 * @example
 * const previous = setWasmKernels('never'); // JavaScript kernels only
 * // … transforms …
 * setWasmKernels(previous);
 */
export function setWasmKernels(s: WasmKernelSetting): WasmKernelSetting {
  let prev: WasmKernelSetting = 'auto';
  try {
    prev = current();
  } catch {
    // a bad AWD_KERNELS is overridden here
  }
  chosen = s;
  return prev;
}

/**
 * Work per kernel call, in doubles copied in and out: small enough (512 KiB) that what is copied
 * in is still in the core's cache when the kernel reads it, and its output when it is copied out.
 */
const CHUNK_DOUBLES = 1 << 16;

/** How many units (rows) of `perUnit` doubles, after `fixed` doubles, one call takes; 0 if none fits. */
function unitsPerCall(perUnit: number, fixed = 0): number {
  const n = Math.floor((CHUNK_DOUBLES - fixed) / perUnit);
  if (n >= 1) return n;
  return fixed + perUnit <= DATA_DOUBLES ? 1 : 0;
}

/** True when the WebAssembly SIMD kernels can run here. */
export function wasmKernelsAvailable(): boolean {
  return buildKernels(2) !== null;
}

/**
 * The kernels' memory, for `scratch.ts` to place arrays in (from byte `base` on), so the kernels
 * read and write them in place instead of copying; null when the kernels do not run.
 */
export function kernelMemory(): { memory: WebAssembly.Memory; base: number; maxBytes: number } | null {
  if (current() === 'never' || kernels(2) === null) return null;
  const memory = kernelsMemory();
  if (memory === null) return null;
  return { memory, base: PAGES * 65536, maxBytes: MAX_PAGES * 65536 };
}

/** True when every array lies in the kernels' memory (then the kernels work on it in place). */
function resident(...arrays: Float64Array[]): boolean {
  const buf = kernelsMemory()?.buffer;
  for (const a of arrays) if (a.buffer !== buf) return false;
  return true;
}

/** Byte address of a[i] in the kernels' memory. */
const at = (a: Float64Array, i: number): number => a.byteOffset + 8 * i;

/** Adds the tap sums the gradient kernels left at OUT into dLo, dHi. */
function addOut(m: Float64Array, dLo: Float64Array, dHi: Float64Array): void {
  const F = dLo.length;
  for (let t = 0; t < F; t++) {
    dLo[t] += m[OUT / 8 + t];
    dHi[t] += m[OUT / 8 + F + t];
  }
}

// ---------------------------------------------------------------------------------------------
// Calling the kernels: copies in and out of the module's memory, in chunks that fit
// ---------------------------------------------------------------------------------------------

/** In 'auto', the shortest row interior (outputs or pairs per row) worth the copies. */
const MIN_ROW_INTERIOR = 16;
/** In 'auto', the narrowest column block worth the copies. */
const MIN_COL_WIDTH = 8;

let heap: Float64Array | null = null;

/** SIMD kernel calls per filter length (see `simdKernelCalls`). */
const calls = new Map<number, number>();

/** How often the SIMD kernels for filter length F were called (tests use it to see which path ran). */
export function simdKernelCalls(F: number): number {
  return calls.get(F) ?? 0;
}

/**
 * The kernels for filter length F, or null. A failed build is never silent: it warns once (the
 * JavaScript kernels then run, with the same results up to rounding), and under 'always' it is an
 * error.
 */
function kernels(F: number): Exports | null {
  const k = buildKernels(F);
  if (k === null) {
    const why = kernelBuildError(F) ?? 'unknown error';
    if (chosen === 'always' || (chosen === null && current() === 'always')) {
      throw new AwdError('simdKernels', `the WebAssembly SIMD kernels for filter length ${F} failed to build (${why}), and AWD_KERNELS / setWasmKernels asks for them always; unset AWD_KERNELS (or use 'auto') to run JavaScript instead`);
    }
    warnOnce(`the WebAssembly SIMD kernels for filter length ${F} failed to build (${why}); the JavaScript kernels run instead (same results to rounding, slower)`);
  }
  return k;
}

/** The kernels and a view of their memory when they should run for this filter, else null. */
function ready(F: number, size: number, minSize: number): { k: Exports; m: Float64Array } | null {
  const setting = current();
  if (setting === 'never' || F < 2 || F > MAX_TAPS || (F & 1) !== 0) return null;
  if (setting === 'auto' && size < minSize) return null;
  const k = kernels(F);
  const memory = kernelsMemory();
  if (k === null || memory === null) return null;
  if (heap === null || heap.buffer !== memory.buffer) heap = new Float64Array(memory.buffer);
  calls.set(F, (calls.get(F) ?? 0) + 1);
  return { k, m: heap };
}

/** Writes the taps: lo, hi, and the reversed pairs (f[F−2−2i], f[F−1−2i]) the adjoints use. */
function putTaps(m: Float64Array, lo: Float64Array, hi: Float64Array): void {
  const F = lo.length;
  m.set(lo, LO / 8);
  m.set(hi, HI / 8);
  for (let i = 0; i < F / 2; i++) {
    m[LO_R / 8 + 2 * i] = lo[F - 2 - 2 * i];
    m[LO_R / 8 + 2 * i + 1] = lo[F - 1 - 2 * i];
    m[HI_R / 8 + 2 * i] = hi[F - 2 - 2 * i];
    m[HI_R / 8 + 2 * i + 1] = hi[F - 1 - 2 * i];
  }
}

/**
 * Copies `rows` rows of `len` values (row r at `off + r·stride` in `src`) to `m` from `at`, rows
 * `stride` apart there too when the rows can go in one block copy (`stride ≥ len`), else packed
 * `len` apart. Returns the stride used in `m`.
 */
function copyRowsIn(src: Float64Array, off: number, stride: number, rows: number, len: number, m: Float64Array, at: number): number {
  if (rows === 1) {
    m.set(src.subarray(off, off + len), at);
    return len;
  }
  if (stride >= len) {
    m.set(src.subarray(off, off + (rows - 1) * stride + len), at);
    return stride;
  }
  for (let r = 0; r < rows; r++) m.set(src.subarray(off + r * stride, off + r * stride + len), at + r * len);
  return len;
}

/** Copies `rows` rows of `len` values back: row r from `m[at + r·mStride …]` to `dst[off + r·stride …]`. */
function copyRowsOut(m: Float64Array, at: number, mStride: number, rows: number, len: number, dst: Float64Array, off: number, stride: number): void {
  if (rows > 1 && stride === len && mStride === len) {
    dst.set(m.subarray(at, at + rows * len), off);
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(m.subarray(at + r * mStride, at + r * mStride + len), off + r * stride);
}

/**
 * Interior of `analyzeRows`: for each row, outputs o ∈ [oLo, oLo + nI) read x[start + 2(o − oLo) + t]
 * (start = 2·oLo + 1 − shift); rows have `outLen` outputs. Returns false (nothing done) when the
 * kernels should not run. Where the output rows are contiguous, whole rows are copied back, border
 * outputs included: the caller must compute the border outputs afterwards.
 */
export function simdAnalyzeRows(
  x: Float64Array, xOff: number, xStride: number, rows: number, start: number, oLo: number, nI: number, outLen: number,
  lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number,
): boolean {
  const F = lo.length;
  const env = ready(F, nI, MIN_ROW_INTERIOR);
  if (env === null || nI < 1) return false;
  const { k, m } = env;
  if (resident(x, cA, cD)) {
    putTaps(m, lo, hi);
    k.downRows(at(x, xOff + start), 8 * xStride, rows, 8 * nI, at(cA, aOff + oLo), 8 * aStride, at(cD, dOff + oLo), 8 * dStride);
    return true;
  }
  const span = 2 * nI + F - 2;
  const wholeRows = rows > 1 && aStride === outLen && dStride === outLen;
  const os = wholeRows ? outLen : nI;
  const chunk = unitsPerCall(Math.max(xStride, span) + 2 * os);
  if (chunk < 1) return false;
  putTaps(m, lo, hi);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const rc = Math.min(chunk, rows - r0);
    const X = DATA / 8;
    const xs = copyRowsIn(x, xOff + r0 * xStride + start, xStride, rc, span, m, X);
    const A = X + (rc - 1) * xs + span;
    const D = A + rc * os;
    const skip = wholeRows ? oLo : 0;
    k.downRows(8 * X, 8 * xs, rc, 8 * nI, 8 * (A + skip), 8 * os, 8 * (D + skip), 8 * os);
    if (wholeRows) {
      cA.set(m.subarray(A, A + rc * outLen), aOff + r0 * outLen);
      cD.set(m.subarray(D, D + rc * outLen), dOff + r0 * outLen);
    } else {
      copyRowsOut(m, A, nI, rc, nI, cA, aOff + r0 * aStride + oLo, aStride);
      copyRowsOut(m, D, nI, rc, nI, cD, dOff + r0 * dStride + oLo, dStride);
    }
  }
  return true;
}

/**
 * Interior pairs of `scatterRows`: pair p < count of a row reads cA, cD at `first + p … first + p +
 * F/2 − 1` and writes (stores, or adds when `add`) x[xStart + 2p], x[xStart + 2p + 1]; rows of x
 * have `rowLen` values. Nothing outside the interior of x changes.
 */
export function simdScatterRows(
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number, rows: number,
  first: number, count: number, lo: Float64Array, hi: Float64Array,
  x: Float64Array, xOff: number, xStride: number, xStart: number, rowLen: number, add: boolean,
): boolean {
  const F = lo.length;
  const env = ready(F, count, MIN_ROW_INTERIOR);
  if (env === null || count < 1) return false;
  const { k, m } = env;
  if (resident(cA, cD, x)) {
    putTaps(m, lo, hi);
    k.upRows(at(cA, aOff + first), 8 * aStride, at(cD, dOff + first), 8 * dStride, rows, 8 * count, at(x, xOff + xStart), 8 * xStride, add ? 1 : 0);
    return true;
  }
  const half = F / 2;
  const cLen = count + half - 1;
  const oLen = 2 * count;
  // Contiguous rows of x go in and out whole (one copy each way); else the interiors row by row.
  const wholeRows = rows > 1 && xStride === rowLen;
  const chunk = unitsPerCall(Math.max(aStride, cLen) + Math.max(dStride, cLen) + Math.max(xStride, oLen));
  if (chunk < 1) return false;
  putTaps(m, lo, hi);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const rc = Math.min(chunk, rows - r0);
    const A = DATA / 8;
    const as = copyRowsIn(cA, aOff + r0 * aStride + first, aStride, rc, cLen, m, A);
    const D = A + (rc - 1) * as + cLen;
    const ds = copyRowsIn(cD, dOff + r0 * dStride + first, dStride, rc, cLen, m, D);
    const X = D + (rc - 1) * ds + cLen;
    if (wholeRows) {
      if (add || 2 * count !== rowLen) m.set(x.subarray(xOff + r0 * rowLen, xOff + (r0 + rc) * rowLen), X);
      k.upRows(8 * A, 8 * as, 8 * D, 8 * ds, rc, 8 * count, 8 * (X + xStart), 8 * rowLen, add ? 1 : 0);
      x.set(m.subarray(X, X + rc * rowLen), xOff + r0 * rowLen);
    } else {
      const xs = add ? copyRowsIn(x, xOff + r0 * xStride + xStart, xStride, rc, oLen, m, X) : oLen;
      k.upRows(8 * A, 8 * as, 8 * D, 8 * ds, rc, 8 * count, 8 * X, 8 * xs, add ? 1 : 0);
      copyRowsOut(m, X, xs, rc, oLen, x, xOff + r0 * xStride + xStart, xStride);
    }
  }
  return true;
}

/**
 * Interior of `filterGradRows`: adds Σ_rows Σ_{o<nI} gA[o]·x[start + 2o + t] into dLo[t] (gD
 * into dHi[t]); gA, gD at `aOff + oLo`, `dOff + oLo` of each row.
 */
export function simdFilterGradRows(
  x: Float64Array, xOff: number, xStride: number, rows: number, start: number, oLo: number, nI: number,
  gA: Float64Array, aOff: number, aStride: number, gD: Float64Array, dOff: number, dStride: number,
  dLo: Float64Array, dHi: Float64Array,
): boolean {
  const F = dLo.length;
  const env = ready(F, nI, MIN_ROW_INTERIOR);
  if (env === null || nI < 1) return false;
  const { k, m } = env;
  // The same chunks whether the arrays are in the kernels' memory or copied there, so the sums
  // (per chunk, then over chunks) come out the same either way.
  const span = 2 * nI + F - 2;
  const chunk = unitsPerCall(Math.max(xStride, span) + Math.max(aStride, nI) + Math.max(dStride, nI));
  if (chunk < 1) return false;
  const inPlace = resident(x, gA, gD);
  m.fill(0, OUT / 8, OUT / 8 + 2 * F);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const rc = Math.min(chunk, rows - r0);
    const xAt = xOff + r0 * xStride + start, aAt = aOff + r0 * aStride + oLo, dAt = dOff + r0 * dStride + oLo;
    if (inPlace) {
      k.gradRows(at(x, xAt), 8 * xStride, rc, 8 * nI, at(gA, aAt), 8 * aStride, at(gD, dAt), 8 * dStride);
      continue;
    }
    const X = DATA / 8;
    const xs = copyRowsIn(x, xAt, xStride, rc, span, m, X);
    const A = X + (rc - 1) * xs + span;
    const as = copyRowsIn(gA, aAt, aStride, rc, nI, m, A);
    const D = A + (rc - 1) * as + nI;
    const ds = copyRowsIn(gD, dAt, dStride, rc, nI, m, D);
    k.gradRows(8 * X, 8 * xs, rc, 8 * nI, 8 * A, 8 * as, 8 * D, 8 * ds);
  }
  addOut(m, dLo, dHi);
  return true;
}

/** One level of `simdSwtLevels`: dilation s, where its outputs go (cA null: not kept). */
export interface SimdSwtLevel {
  s: number;
  cA: Float64Array | null;
  cD: Float64Array;
}

/**
 * Several SWT levels of b signals of length n (the forward transform of `swt.ts`): level i reads
 * the previous level's approximation (the first, x) at dilation `levels[i].s` with the analysis
 * taps lo, hi at phase c (`cA[k] = Σ_u lo[u]·x[(k + s(u + c)) mod n]`), and writes rows of cD
 * (and cA where given) at the same offsets as x's. The signals go through the kernels' memory in
 * chunks of rows, all levels on a chunk before the next (the approximations in between stay
 * there). Results are identical to the JavaScript kernels' (same products, same order). False
 * (nothing done) when the kernels should not run.
 */
export function simdSwtLevels(x: Float64Array, b: number, n: number, lo: Float64Array, hi: Float64Array, c: number, levels: SimdSwtLevel[]): boolean {
  const F = lo.length;
  if (levels.length === 0 || b < 1) return false;
  const sMax = Math.max(...levels.map((l) => l.s));
  const pMax = n + sMax * (F - 1);
  const chunk = unitsPerCall(4 * n + pMax);
  if (chunk < 1) return false;
  // In 'auto' at every length: measured faster than the JavaScript kernels from n = 2 on
  // (BENCHMARKS.md, SWT section).
  const env = ready(F, n, 0);
  if (env === null) return false;
  const { k, m } = env;
  putTaps(m, lo, hi);
  const rc0 = Math.min(chunk, b);
  const X = DATA / 8;
  const XP = X + rc0 * n;
  const A = [XP + rc0 * pMax, XP + rc0 * pMax + rc0 * n];
  const D = A[1] + rc0 * n;
  for (let r0 = 0; r0 < b; r0 += chunk) {
    const rc = Math.min(chunk, b - r0);
    const o = r0 * n, len = rc * n;
    m.set(x.subarray(o, o + len), X);
    let src = X;
    levels.forEach((lv, i) => {
      const P = n + lv.s * (F - 1);
      const first = (((lv.s * c) % n) + n) % n;
      k.wrapRows(8 * src, 8 * n, rc, 8 * first, 8 * XP, 8 * P);
      const dst = A[i & 1];
      k.swtRows(8 * XP, 8 * P, rc, 8 * n, 8 * lv.s, 8 * dst, 8 * D);
      lv.cD.set(m.subarray(D, D + len), o);
      lv.cA?.set(m.subarray(dst, dst + len), o);
      src = dst;
    });
  }
  return true;
}

/** `downCols` of `kernels.ts` (the interior of `analyzeCols`). */
export function simdDownCols(
  x: Float64Array, p: number, width: number, count: number,
  cA: Float64Array, a: number, cD: Float64Array, d: number, lo: Float64Array, hi: Float64Array,
): boolean {
  const F = lo.length;
  const env = ready(F, width, MIN_COL_WIDTH);
  if (env === null) return false;
  const { k, m } = env;
  if (resident(x, cA, cD)) {
    putTaps(m, lo, hi);
    k.downCols(at(x, p), width, count, at(cA, a), at(cD, d));
    return true;
  }
  // Output rows: two input rows and two output rows each, plus F − 2 input rows.
  const chunk = unitsPerCall(4 * width, (F - 2) * width);
  if (chunk < 1) return false;
  putTaps(m, lo, hi);
  for (let q0 = 0; q0 < count; q0 += chunk) {
    const qc = Math.min(chunk, count - q0);
    const X = DATA / 8;
    const inLen = (2 * qc + F - 2) * width;
    m.set(x.subarray(p + 2 * q0 * width, p + 2 * q0 * width + inLen), X);
    const A = X + inLen;
    const D = A + qc * width;
    k.downCols(8 * X, width, qc, 8 * A, 8 * D);
    cA.set(m.subarray(A, A + qc * width), a + q0 * width);
    cD.set(m.subarray(D, D + qc * width), d + q0 * width);
  }
  return true;
}

/** `upCols` of `kernels.ts` (the interior of `scatterColsInto`). */
export function simdUpCols(
  cA: Float64Array, a: number, cD: Float64Array, d: number, width: number, count: number,
  x: Float64Array, p: number, lo: Float64Array, hi: Float64Array, add: boolean,
): boolean {
  const F = lo.length;
  const env = ready(F, width, MIN_COL_WIDTH);
  if (env === null) return false;
  const { k, m } = env;
  if (resident(cA, cD, x)) {
    putTaps(m, lo, hi);
    k.upCols(at(cA, a), at(cD, d), width, count, at(x, p), add ? 1 : 0);
    return true;
  }
  const half = F / 2;
  const chunk = unitsPerCall(4 * width, 2 * (half - 1) * width);
  if (chunk < 1) return false;
  putTaps(m, lo, hi);
  for (let q0 = 0; q0 < count; q0 += chunk) {
    const qc = Math.min(chunk, count - q0);
    const cLen = (qc + half - 1) * width;
    const A = DATA / 8;
    const D = A + cLen;
    const X = D + cLen;
    m.set(cA.subarray(a + q0 * width, a + q0 * width + cLen), A);
    m.set(cD.subarray(d + q0 * width, d + q0 * width + cLen), D);
    const xLen = 2 * qc * width;
    const xAt = p + 2 * q0 * width;
    if (add) m.set(x.subarray(xAt, xAt + xLen), X);
    k.upCols(8 * A, 8 * D, width, qc, 8 * X, add ? 1 : 0);
    x.set(m.subarray(X, X + xLen), xAt);
  }
  return true;
}

/** `gradCols` of `kernels.ts` (the interior of `filterGradCols`). */
export function simdGradCols(
  x: Float64Array, p: number, width: number, count: number,
  gA: Float64Array, a: number, gD: Float64Array, d: number, dLo: Float64Array, dHi: Float64Array,
): boolean {
  const F = dLo.length;
  const env = ready(F, width, MIN_COL_WIDTH);
  if (env === null) return false;
  const { k, m } = env;
  // The same chunks in place or copied (see simdFilterGradRows).
  const chunk = unitsPerCall(4 * width, (F - 2) * width);
  if (chunk < 1) return false;
  const inPlace = resident(x, gA, gD);
  for (let q0 = 0; q0 < count; q0 += chunk) {
    const qc = Math.min(chunk, count - q0);
    const xAt = p + 2 * q0 * width, aAt = a + q0 * width, dAt = d + q0 * width;
    if (inPlace) {
      k.gradCols(at(x, xAt), width, qc, at(gA, aAt), at(gD, dAt), 8 * F);
    } else {
      const X = DATA / 8;
      const inLen = (2 * qc + F - 2) * width;
      m.set(x.subarray(xAt, xAt + inLen), X);
      const A = X + inLen;
      const D = A + qc * width;
      m.set(gA.subarray(aAt, aAt + qc * width), A);
      m.set(gD.subarray(dAt, dAt + qc * width), D);
      k.gradCols(8 * X, width, qc, 8 * A, 8 * D, 8 * F);
    }
    addOut(m, dLo, dHi);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Element-wise passes (SIMD when the arrays are in the kernels' memory, else plain loops)
// ---------------------------------------------------------------------------------------------

/** The kernels when `arrays` are all in their memory and long enough to bother, else null. */
function inPlace(...arrays: Float64Array[]): Exports | null {
  if (current() === 'never' || arrays[0].length < 64 || !resident(...arrays)) return null;
  return kernels(2);
}

/**
 * Sums run over blocks of this many values, block sums added in order, whether the array is in the
 * kernels' memory or copied there block by block: the same numbers either way.
 */
const SUM_BLOCK = 8192;

/** The kernels and their memory for a sum over `n` values, or null for the plain loop (short arrays). */
function forSums(n: number): { k: Exports; m: Float64Array } | null {
  const setting = current();
  return setting === 'never' || (setting === 'auto' && n < SUM_BLOCK / 2) ? null : ready(2, 0, 0);
}

/** Σ|a[i]|. */
export function sumAbs(a: Float64Array): number {
  const env = forSums(a.length);
  let s = 0;
  if (env === null) {
    for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
    return s;
  }
  const { k, m } = env;
  const here = resident(a);
  for (let i = 0; i < a.length; i += SUM_BLOCK) {
    const len = Math.min(SUM_BLOCK, a.length - i);
    const even = len & ~1;
    let p = at(a, i);
    if (!here) {
      m.set(a.subarray(i, i + len), DATA / 8);
      p = DATA;
    }
    s += k.sumAbs(p, 8 * even) + (even < len ? Math.abs(a[i + even]) : 0);
  }
  return s;
}

/** dst[i] = s·sign(src[i]) (0 where src[i] is 0). */
export function signScale(src: Float64Array, dst: Float64Array, s: number): void {
  const k = inPlace(src, dst);
  const n = src.length;
  let i = 0;
  if (k !== null) {
    i = n & ~1;
    k.signScale(at(src, 0), at(dst, 0), 8 * i, s);
  }
  for (; i < n; i++) {
    const v = src[i];
    dst[i] = v > 0 ? s : v < 0 ? -s : 0;
  }
}

/** dst[i] += s·sign(src[i]). */
export function addScaledSign(dst: Float64Array, src: Float64Array, s: number): void {
  const k = inPlace(dst, src);
  const n = dst.length;
  let i = 0;
  if (k !== null) {
    i = n & ~1;
    k.addSign(at(dst, 0), at(src, 0), 8 * i, s);
  }
  for (; i < n; i++) {
    const v = src[i];
    dst[i] += v > 0 ? s : v < 0 ? -s : 0;
  }
}

/** Σ(x[i] − xh[i])², and g[i] = s·(x[i] − xh[i]). */
export function residual(x: Float64Array, xh: Float64Array, g: Float64Array, s: number): number {
  const env = forSums(x.length);
  let sum = 0;
  if (env === null) {
    for (let i = 0; i < x.length; i++) {
      const r = x[i] - xh[i];
      sum += r * r;
      g[i] = s * r;
    }
    return sum;
  }
  const { k, m } = env;
  const here = resident(x, xh, g);
  for (let i = 0; i < x.length; i += SUM_BLOCK) {
    const len = Math.min(SUM_BLOCK, x.length - i);
    const even = len & ~1;
    if (here) {
      sum += k.residual(at(x, i), at(xh, i), at(g, i), 8 * even, s);
    } else {
      const X = DATA / 8, XH = X + SUM_BLOCK, G = XH + SUM_BLOCK;
      m.set(x.subarray(i, i + len), X);
      m.set(xh.subarray(i, i + len), XH);
      sum += k.residual(8 * X, 8 * XH, 8 * G, 8 * even, s);
      g.set(m.subarray(G, G + even), i);
    }
    if (even < len) {
      const r = x[i + even] - xh[i + even];
      sum += r * r;
      g[i + even] = s * r;
    }
  }
  return sum;
}

/**
 * The border output rows of `analyzeCols` in place (see `borderDownCols`): `table` holds, per
 * border row, its output row and its F source rows (−1: zero). False (nothing done) unless every
 * array is in the kernels' memory.
 */
export function simdBorderDownCols(
  x: Float64Array, xOff: number, width: number, table: Int32Array, lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, cD: Float64Array, dOff: number,
): boolean {
  const F = lo.length;
  const nb = table.length / (F + 1);
  const env = ready(F, width, MIN_COL_WIDTH);
  if (env === null || nb < 1 || !resident(x, cA, cD) || 4 * table.length > 8 * DATA_DOUBLES) return false;
  const { k, m } = env;
  putTaps(m, lo, hi);
  putTable(m, table, width);
  k.borderDownCols(at(x, xOff), width, nb, DATA, at(cA, aOff), at(cD, dOff));
  return true;
}

/** A border table (rows) in byte offsets for rows of `width` doubles, in the staging area (free when the arrays are in place). */
function putTable(m: Float64Array, table: Int32Array, width: number): void {
  const t32 = new Int32Array(m.buffer, DATA, table.length);
  const rowB = 8 * width;
  for (let i = 0; i < table.length; i++) t32[i] = table[i] < 0 ? -1 : table[i] * rowB;
}

/**
 * The border rows' part of `filterGradCols` in place (see `borderGradCols`): adds into dLo, dHi
 * with the arithmetic of the JavaScript loop. False (nothing done) unless every array is in the
 * kernels' memory.
 */
export function simdBorderGradCols(
  x: Float64Array, xOff: number, width: number, table: Int32Array,
  gA: Float64Array, aOff: number, gD: Float64Array, dOff: number, dLo: Float64Array, dHi: Float64Array,
): boolean {
  const F = dLo.length;
  const nb = table.length / (F + 1);
  const env = ready(F, width, MIN_COL_WIDTH);
  if (env === null || nb < 1 || !resident(x, gA, gD) || 4 * table.length > 8 * DATA_DOUBLES) return false;
  const { k, m } = env;
  putTable(m, table, width);
  m.set(dLo, OUT / 8);
  m.set(dHi, OUT / 8 + F);
  k.borderGradCols(at(x, xOff), width, nb, DATA, at(gA, aOff), at(gD, dOff));
  dLo.set(m.subarray(OUT / 8, OUT / 8 + F));
  dHi.set(m.subarray(OUT / 8 + F, OUT / 8 + 2 * F));
  return true;
}

/**
 * Σ_c a[aOff + c]·b[bOff + c] in the lane order of the SIMD column kernels: eight running sums
 * (columns c mod 8 over blocks of 8), blocks of 2 into the first two, the last odd column alone;
 * then ((s0+s2)+s4)+s6 and ((s1+s3)+s5)+s7 (the vector sums), their sum, plus the odd column.
 * The same bits as `borderGradCols`, whichever runs.
 */
export function laneDot(a: Float64Array, aOff: number, b: Float64Array, bOff: number, width: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  let c = 0;
  for (; c + 8 <= width; c += 8) {
    const p = aOff + c, q = bOff + c;
    s0 += a[p] * b[q];
    s1 += a[p + 1] * b[q + 1];
    s2 += a[p + 2] * b[q + 2];
    s3 += a[p + 3] * b[q + 3];
    s4 += a[p + 4] * b[q + 4];
    s5 += a[p + 5] * b[q + 5];
    s6 += a[p + 6] * b[q + 6];
    s7 += a[p + 7] * b[q + 7];
  }
  for (; c + 2 <= width; c += 2) {
    s0 += a[aOff + c] * b[bOff + c];
    s1 += a[aOff + c + 1] * b[bOff + c + 1];
  }
  const tail = c < width ? 0 + a[aOff + c] * b[bOff + c] : 0;
  return ((((s0 + s2) + s4) + s6) + (((s1 + s3) + s5) + s7)) + tail;
}
