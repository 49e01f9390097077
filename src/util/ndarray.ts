import { AwdError } from './checks.ts';

/**
 * A dense, C-ordered (row-major) float64 array with a shape: the one data container passed
 * between awd's modules (data sets, teacher gradients, coefficients, maps).
 * `data.length` always equals the product of `shape`.
 */
export interface NdArray {
  data: Float64Array;
  shape: number[];
}

/** Makes an NdArray, checking that the shape matches the data length. */
export function ndarray(data: Float64Array, shape: number[]): NdArray {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new AwdError('ndarray', `shape [${shape.join(', ')}] holds ${size} values but the data has ${data.length}`);
  }
  return { data, shape: [...shape] };
}

/** A zero-filled NdArray of the given shape. */
export function zeros(shape: number[]): NdArray {
  return ndarray(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
}

/** Number of values in a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** True when both shapes are the same. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Rows `[start, end)` along the first axis, copied. */
export function sliceRows(a: NdArray, start: number, end: number): NdArray {
  const inner = sizeOf(a.shape.slice(1));
  return ndarray(a.data.slice(start * inner, end * inner), [end - start, ...a.shape.slice(1)]);
}

/** The rows at the given indices along the first axis, copied, in that order. */
export function takeRows(a: NdArray, indices: ArrayLike<number>): NdArray {
  const inner = sizeOf(a.shape.slice(1));
  const out = new Float64Array(indices.length * inner);
  for (let i = 0; i < indices.length; i++) {
    out.set(a.data.subarray(indices[i] * inner, (indices[i] + 1) * inner), i * inner);
  }
  return ndarray(out, [indices.length, ...a.shape.slice(1)]);
}
