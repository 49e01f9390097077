/**
 * PyWavelets' `axis` / `axes` arguments for the batched functions: the transform runs along one
 * axis (two for 2D) of an n-dimensional array, every other axis being a batch axis. Implemented
 * by moving the axis to the end (a copy), transforming the rows, and moving it back.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';

/** Normalises an axis (negative counts from the end, as numpy) for an array of `ndim` axes. */
export function normalizeAxis(where: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) throw new AwdError(where, `axis ${axis} is out of range for an array of ${ndim} dimension(s)`);
  return axis < 0 ? axis + ndim : axis;
}

/** A permuted copy of X: `perm[i]` is the source axis of output axis i (numpy's `transpose`). */
export function transpose(X: NdArray, perm: number[]): NdArray {
  const shape = perm.map((p) => X.shape[p]);
  const nd = X.shape.length;
  const srcStrides = new Array<number>(nd);
  let st = 1;
  for (let i = nd - 1; i >= 0; i--) {
    srcStrides[i] = st;
    st *= X.shape[i];
  }
  const strides = perm.map((p) => srcStrides[p]);
  const out = new Float64Array(X.data.length);
  const idx = new Array<number>(nd).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = X.data[src];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      src += strides[d];
      if (idx[d] < shape[d]) break;
      src -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return ndarray(out, shape);
}

/** The permutation that moves `axes` (normalised) to the end, in that order. */
export function toEndPerm(ndim: number, axes: number[]): number[] {
  return [...Array.from({ length: ndim }, (_, i) => i).filter((i) => !axes.includes(i)), ...axes];
}

/** The inverse permutation. */
export function inversePerm(perm: number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/**
 * Runs a transform of rows (`fn` takes a b × n batch, returns arrays b × m_k) along `axis` of X:
 * every output has X's shape with the axis's length replaced by m_k.
 */
export function alongAxis<T>(where: string, X: NdArray, axis: number, fn: (rows: NdArray) => T, map: (out: T, back: (a: NdArray) => NdArray) => T): T {
  const nd = X.shape.length;
  const ax = normalizeAxis(where, axis, nd);
  if (nd === 2 && ax === 1) return fn(X);
  const perm = toEndPerm(nd, [ax]);
  const moved = transpose(X, perm);
  const n = X.shape[ax];
  const b = moved.data.length / n;
  const lead = moved.shape.slice(0, -1);
  const res = fn(ndarray(moved.data, [b, n]));
  const inv = inversePerm(perm);
  return map(res, (a) => transpose(ndarray(a.data, [...lead, a.shape[a.shape.length - 1]]), inv));
}

/** Brings arrays shaped like X (with the transform axis at `axis`) to rows b × m. */
export function rowsAlongAxis(where: string, A: NdArray, axis: number): NdArray {
  const nd = A.shape.length;
  const ax = normalizeAxis(where, axis, nd);
  if (nd === 2 && ax === 1) return A;
  const moved = transpose(A, toEndPerm(nd, [ax]));
  const m = A.shape[ax];
  return ndarray(moved.data, [moved.data.length / m, m]);
}

/** The inverse of `rowsAlongAxis` for an output whose transform axis has length m. */
export function fromRows(rows: NdArray, like: number[], axis: number): NdArray {
  const nd = like.length;
  const ax = normalizeAxis('fromRows', axis, nd);
  if (nd === 2 && ax === 1) return rows;
  const perm = toEndPerm(nd, [ax]);
  const lead = perm.slice(0, -1).map((p) => like[p]);
  return transpose(ndarray(rows.data, [...lead, rows.shape[1]]), inversePerm(perm));
}
