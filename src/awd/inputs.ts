/**
 * Data given to the fit and the transforms: an `NdArray` (`{ data: Float64Array, shape }`), or
 * what users pass by habit — nested plain arrays (`number[][]`, `number[][][]`) or an NdArray
 * whose `data` is a plain array or another typed array. {@link asNdArray} turns each into a
 * checked NdArray, and names what is wrong otherwise (never a TypeError from deep inside).
 * @module
 */
import { AwdError, assertFinite } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return 'a string';
  return typeof v === 'object' ? `an object with keys ${Object.keys(v as object).slice(0, 5).join(', ') || '(none)'}` : typeof v;
}

/** The shape of nested arrays (rectangular), or an error naming the first ragged row. */
function nestedShape(where: string, what: string, a: unknown[]): number[] {
  const shape: number[] = [];
  let cur: unknown = a;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) return;
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new AwdError(where, `${what} is ragged: ${what}${path} is ${describe(v)}, expected an array of length ${shape[depth]} (all rows must have the same length)`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
  };
  walk(a, 0, '');
  return shape;
}

/**
 * A checked NdArray from an NdArray, an NdArray-like `{ data: number[] | TypedArray, shape }`, or
 * nested arrays. Checks that `shape` is a list of non-negative integers whose product is the data
 * length. Values are not checked for finiteness here (the callers do, naming the position).
 */
export function asNdArray(where: string, what: string, a: unknown): NdArray {
  if (Array.isArray(a)) {
    const shape = nestedShape(where, what, a);
    const flat = (a as unknown[]).flat(shape.length - 1) as unknown[];
    assertFinite(where, what, flat as ArrayLike<number>);
    return { data: Float64Array.from(flat as number[]), shape };
  }
  if (a === null || typeof a !== 'object' || !('data' in a) || !('shape' in a)) {
    throw new AwdError(where, `${what} must be an NdArray { data: Float64Array, shape: number[] } (see ndarray()) or nested arrays such as number[][], got ${describe(a)}`);
  }
  const { data, shape } = a as { data: unknown; shape: unknown };
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new AwdError(where, `${what}.shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const size = (shape as number[]).reduce((p, d) => p * d, 1);
  const length = (data as { length?: unknown })?.length;
  if (typeof length !== 'number' || typeof data !== 'object') throw new AwdError(where, `${what}.data must be a Float64Array (or an array of numbers), got ${describe(data)}`);
  if (length !== size) {
    throw new AwdError(where, `${what}.data has ${length} values but its shape [${(shape as number[]).join(', ')}] holds ${size}; make them agree (ndarray(data, shape) checks this)`);
  }
  if (data instanceof Float64Array) return a as NdArray;
  assertFinite(where, `${what}.data`, data as ArrayLike<number>);
  return { data: Float64Array.from(data as ArrayLike<number>), shape: [...(shape as number[])] };
}

/** `fit`'s data, teacher gradients and validation set as checked NdArrays (see {@link asNdArray}). */
export function fitInputs<O extends { teacherGrads?: unknown; validation?: { X: NdArray; teacherGrads: NdArray } }>(where: string, X: unknown, opts: O): { X: NdArray; opts: O } {
  const out = { ...opts };
  if (opts.teacherGrads !== undefined) (out as { teacherGrads?: NdArray }).teacherGrads = asNdArray(where, 'teacherGrads', opts.teacherGrads);
  if (opts.validation) {
    out.validation = { X: asNdArray(where, 'validation.X', opts.validation.X), teacherGrads: asNdArray(where, 'validation.teacherGrads', opts.validation.teacherGrads) };
  }
  return { X: X === undefined ? (undefined as unknown as NdArray) : asNdArray(where, 'X', X), opts: out };
}
