import { AwdError, assertInt } from '../util/checks.ts';
import { ndarray, sizeOf, type NdArray } from '../util/ndarray.ts';

/**
 * The `k` entries of `values` with the largest magnitude, as signed values ordered by decreasing
 * magnitude; ties go to the lower index. Fewer than `k` values are padded with 0.
 *
 * @example
 * topKByMagnitude([0.5, -3, 2, 3], 3); // Float64Array [-3, 3, 2]
 */
export function topKByMagnitude(values: ArrayLike<number>, k: number): Float64Array {
  assertInt('topKByMagnitude', 'k', k, 0);
  const out = new Float64Array(k);
  writeTopK(values, 0, values.length, k, out, 0, new Int32Array(Math.min(k, values.length)));
  return out;
}

// Partial selection: keeps the best m indices in `best` sorted by (|v| desc, index asc); O(len·k),
// which beats a full sort for the small k (6) and short rows this is used with.
function writeTopK(
  values: ArrayLike<number>,
  start: number,
  len: number,
  k: number,
  out: Float64Array,
  outOffset: number,
  best: Int32Array,
): void {
  const m = Math.min(k, len);
  let count = 0;
  for (let i = 0; i < len; i++) {
    const a = Math.abs(values[start + i]);
    if (Number.isNaN(a)) throw new AwdError('maxCoefficientFeatures', `NaN coefficient at position ${i}`);
    // Strictly greater: an equal magnitude found later (higher index) never displaces an earlier one.
    if (count === m && !(a > Math.abs(values[start + best[m - 1]]))) continue;
    let pos = count < m ? count++ : m - 1;
    while (pos > 0 && a > Math.abs(values[start + best[pos - 1]])) {
      best[pos] = best[pos - 1];
      pos--;
    }
    best[pos] = i;
  }
  for (let r = 0; r < m; r++) out[outOffset + r] = values[start + best[r]];
  for (let r = m; r < k; r++) out[outOffset + r] = 0;
}

/**
 * Features of the molecular-partner study (paper §4.2): for each of the J+1 wavelet coefficient
 * arrays, the `k` coefficients of largest magnitude per sample (signed, ordered by decreasing
 * magnitude, ties by lower index, zero-padded when an array has fewer than `k` entries).
 *
 * `coeffs[j]` holds array j for all n samples, shape `[n, len_j]` (any trailing shape is
 * flattened per sample). Returns an `n × ((J+1)·k)` NdArray: columns `j·k .. j·k+k-1` come from
 * array j, in the order given (the reference order is `[approx_J, detail_1, ..., detail_J]`).
 *
 * @example
 * const approx = ndarray(new Float64Array([1, -4, 2]), [1, 3]);
 * const detail = ndarray(new Float64Array([0.5]), [1, 1]);
 * maxCoefficientFeatures([approx, detail], 2).data; // [-4, 2, 0.5, 0]
 */
export function maxCoefficientFeatures(coeffs: NdArray[], k = 6): NdArray {
  const where = 'maxCoefficientFeatures';
  assertInt(where, 'k', k, 1);
  if (coeffs.length === 0) throw new AwdError(where, 'no coefficient arrays given; pass the J+1 arrays of a wavelet transform');
  const n = coeffs[0].shape[0];
  for (let j = 0; j < coeffs.length; j++) {
    const c = coeffs[j];
    if (c.shape.length < 1 || c.shape[0] !== n) {
      throw new AwdError(where, `coefficient array ${j} has shape [${c.shape.join(', ')}] but array 0 has ${n} samples; every array needs the samples on its first axis`);
    }
  }
  const p = coeffs.length * k;
  const out = new Float64Array(n * p);
  for (let j = 0; j < coeffs.length; j++) {
    const len = sizeOf(coeffs[j].shape.slice(1));
    const best = new Int32Array(Math.min(k, len));
    const data = coeffs[j].data;
    for (let i = 0; i < n; i++) writeTopK(data, i * len, len, k, out, i * p + j * k, best);
  }
  return ndarray(out, [n, p]);
}
