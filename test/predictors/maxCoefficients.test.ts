import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxCoefficientFeatures, topKByMagnitude } from '../../src/predictors/maxCoefficients.ts';
import { ndarray } from '../../src/util/ndarray.ts';

test('topKByMagnitude: signed values by decreasing magnitude, ties to the lower index, zero padding', () => {
  assert.deepEqual([...topKByMagnitude([0.5, -3, 2, 3], 3)], [-3, 3, 2]);
  assert.deepEqual([...topKByMagnitude([1, -1, 1, -1], 3)], [1, -1, 1]);
  assert.deepEqual([...topKByMagnitude([2, -5], 4)], [-5, 2, 0, 0]);
  assert.deepEqual([...topKByMagnitude([], 2)], [0, 0]);
});

test('maxCoefficientFeatures: hand-computed two samples, three arrays, k = 2', () => {
  // array 0: 2 samples × 4, array 1: 2 × 3, array 2: 2 × 1 (shorter than k → padded).
  const a0 = ndarray(new Float64Array([1, -7, 3, 7, /**/ 0, 0, -0.5, 0.25]), [2, 4]);
  const a1 = ndarray(new Float64Array([-2, 2, 1, /**/ 9, -10, 10]), [2, 3]);
  const a2 = ndarray(new Float64Array([4, /**/ -6]), [2, 1]);
  const f = maxCoefficientFeatures([a0, a1, a2], 2);
  assert.deepEqual(f.shape, [2, 6]);
  assert.deepEqual([...f.data], [
    -7, 7, -2, 2, 4, 0,
    -0.5, 0.25, -10, 10, -6, 0,
  ]);
});

test('maxCoefficientFeatures: default k = 6 gives (J+1)·6 columns and flattens trailing axes', () => {
  const n = 3;
  const arrays = [10, 10, 12, 16, 22].map((len, j) => {
    const d = new Float64Array(n * len);
    for (let i = 0; i < d.length; i++) d[i] = Math.sin(i * 1.3 + j) * (i % 7);
    return ndarray(d, [n, 1, len]);
  });
  const f = maxCoefficientFeatures(arrays);
  assert.deepEqual(f.shape, [3, 30]);
  // Check row 1, array 3 against a full sort.
  const row = [...arrays[3].data.subarray(16, 32)].map((v, i) => ({ v, i }));
  row.sort((a, b) => Math.abs(b.v) - Math.abs(a.v) || a.i - b.i);
  assert.deepEqual([...f.data.subarray(30 + 18, 30 + 24)], row.slice(0, 6).map((e) => e.v));
});

test('maxCoefficientFeatures: mismatched sample counts are an error', () => {
  const a = ndarray(new Float64Array(4), [2, 2]);
  const b = ndarray(new Float64Array(3), [3, 1]);
  assert.throws(() => maxCoefficientFeatures([a, b], 2), /array 1 has shape \[3, 1\]/);
});
