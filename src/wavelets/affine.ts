/**
 * The explicit extension for the affine boundary modes (smooth, antisymmetric, antireflect),
 * whose extended samples are linear combinations of the signal's (see `modes.ts`). The kernels
 * extend a block of signals into a buffer, run their ordinary interior code on it through the
 * identity map `affine.valid` (so the generated and WebAssembly SIMD interiors serve these modes
 * too), and fold adjoints back with the transpose of the extension.
 * @module
 */
import type { ExtensionMap } from './modes.ts';

/** Rows per block of the batched affine paths (bounds the extension buffer). */
export function affineRowBlock(len: number): number {
  return Math.max(1, Math.floor(16384 / Math.max(1, len)));
}

/** Extends `rows` signals (`x[xOff + r·xStride …]`, length em.n) into `xe` (rows × len). */
export function extendRows(x: Float64Array, xOff: number, xStride: number, rows: number, em: ExtensionMap, xe: Float64Array): void {
  const A = em.affine!;
  const { len, rows: ks, start, idx, coef } = A;
  const map = em.map;
  const first = em.filterLen - 1;
  const n = em.n;
  for (let r = 0; r < rows; r++) {
    const xo = xOff + r * xStride;
    const eo = r * len;
    // Interior: a copy.
    const lo = Math.max(0, first);
    const hi = Math.min(len, first + n);
    for (let k = lo; k < hi; k++) xe[eo + k] = x[xo + map[k]];
    for (let i = 0; i < ks.length; i++) {
      let s = 0;
      for (let j = start[i]; j < start[i + 1]; j++) s += coef[j] * x[xo + idx[j]];
      xe[eo + ks[i]] = s;
    }
  }
}

/** Adjoint of `extendRows`: adds the extension's transpose of `ye` (rows × len) into x. */
export function foldRows(ye: Float64Array, rows: number, em: ExtensionMap, x: Float64Array, xOff: number, xStride: number): void {
  const A = em.affine!;
  const { len, rows: ks, start, idx, coef } = A;
  const first = em.filterLen - 1;
  const n = em.n;
  for (let r = 0; r < rows; r++) {
    const xo = xOff + r * xStride;
    const eo = r * len;
    const hi = Math.min(len, first + n);
    for (let k = first; k < hi; k++) x[xo + k - first] += ye[eo + k];
    for (let i = 0; i < ks.length; i++) {
      const v = ye[eo + ks[i]];
      for (let j = start[i]; j < start[i + 1]; j++) x[xo + idx[j]] += coef[j] * v;
    }
  }
}

/** Extends a block of `em.n × width` values along its rows into `xe` (len × width). */
export function extendCols(x: Float64Array, xOff: number, width: number, em: ExtensionMap, xe: Float64Array): void {
  const A = em.affine!;
  const { len, rows: ks, start, idx, coef } = A;
  const first = em.filterLen - 1;
  const hi = Math.min(len, first + em.n);
  xe.set(x.subarray(xOff, xOff + (hi - first) * width), first * width);
  for (let i = 0; i < ks.length; i++) {
    const eo = ks[i] * width;
    xe.fill(0, eo, eo + width);
    for (let j = start[i]; j < start[i + 1]; j++) {
      const c = coef[j];
      const xo = xOff + idx[j] * width;
      for (let col = 0; col < width; col++) xe[eo + col] += c * x[xo + col];
    }
  }
}

/** Adjoint of `extendCols`: adds the transpose of `ye` (len × width) into x (em.n × width). */
export function foldCols(ye: Float64Array, width: number, em: ExtensionMap, x: Float64Array, xOff: number): void {
  const A = em.affine!;
  const { len, rows: ks, start, idx, coef } = A;
  const first = em.filterLen - 1;
  const hi = Math.min(len, first + em.n);
  for (let k = first; k < hi; k++) {
    const eo = k * width;
    const xo = xOff + (k - first) * width;
    for (let col = 0; col < width; col++) x[xo + col] += ye[eo + col];
  }
  for (let i = 0; i < ks.length; i++) {
    const eo = ks[i] * width;
    for (let j = start[i]; j < start[i + 1]; j++) {
      const c = coef[j];
      const xo = xOff + idx[j] * width;
      for (let col = 0; col < width; col++) x[xo + col] += c * ye[eo + col];
    }
  }
}
