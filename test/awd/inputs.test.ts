/** Wrong inputs name the problem: plain arrays, NdArrays whose data disagree with their shape, bad seeds, strings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { ndarray, type NdArray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';
import { wavedec, wavelet } from '../../src/wavelets/index.ts';

const rng = new Rng(1);
const X = ndarray(rng.fillNormal(new Float64Array(12 * 16)), [12, 16]);
const G = ndarray(rng.fillNormal(new Float64Array(12 * 16)), [12, 16]);
const OPTS = { wavelet: 'db2', levels: 2, epochs: 2, batchSize: 4, seed: 3 };
const nested = (a: NdArray): number[][] => Array.from({ length: a.shape[0] }, (_, i) => Array.from(a.data.subarray(i * a.shape[1], (i + 1) * a.shape[1])));

test('fit accepts plain nested arrays and NdArrays with plain-array data, with the same result', () => {
  const ref = AdaptiveWavelet.fit(X, { ...OPTS, teacherGrads: G });
  const plain = AdaptiveWavelet.fit(nested(X) as unknown as NdArray, { ...OPTS, teacherGrads: nested(G) as unknown as NdArray });
  const loose = AdaptiveWavelet.fit({ data: Array.from(X.data), shape: X.shape } as unknown as NdArray, { ...OPTS, teacherGrads: G });
  assert.deepEqual(Array.from(plain.h), Array.from(ref.h));
  assert.deepEqual(Array.from(loose.h), Array.from(ref.h));
  assert.deepEqual(plain.transform(nested(X) as unknown as NdArray).map((c) => c.shape), ref.transform(X).map((c) => c.shape));
});

test('fit names what is wrong with its data: ragged rows, strings, data length vs shape, not an array', () => {
  const fit = (x: unknown, g: unknown = G) => () => AdaptiveWavelet.fit(x as NdArray, { ...OPTS, teacherGrads: g as NdArray });
  const ragged = nested(X);
  ragged[5] = ragged[5].slice(1);
  assert.throws(fit(ragged), /X is ragged: X\[5\] is an array of length 15, expected an array of length 16/);
  const strings = nested(X) as unknown[][];
  strings[1][2] = '0.5';
  assert.throws(fit(strings), /X contains the string "0\.5" at flat index 18/);
  assert.throws(fit({ data: X.data, shape: [12, 15] }), /X\.data has 192 values but its shape \[12, 15\] holds 180/);
  assert.throws(fit(X, { data: G.data.subarray(0, 100), shape: [12, 16] }), /teacherGrads\.data has 100 values but its shape \[12, 16\] holds 192/);
  assert.throws(fit('X.npy'), /X must be an NdArray \{ data: Float64Array, shape: number\[\] \} .* got a string/);
  assert.throws(fit({ data: X.data, shape: [12, 16.5] }), /X\.shape must be an array of non-negative integers/);
});

test('fit refuses a seed that is not a non-negative safe integer', () => {
  for (const seed of [1.5, -1, 2 ** 53, NaN]) {
    assert.throws(() => AdaptiveWavelet.fit(X, { ...OPTS, seed, teacherGrads: G }), /seed must be an integer in \[0, 9007199254740991\]/, String(seed));
  }
});

test('wavedec on strings or arrays with holes names them (not "-Infinity")', () => {
  assert.throws(() => wavedec('abcdefgh' as never, wavelet('db1'), 'symmetric', 1), /the signal must be an array of numbers .* got the string "abcdefgh"/);
  assert.throws(() => wavedec([1, 2, undefined, 4] as never, wavelet('db1'), 'symmetric', 1), /the signal contains undefined \(a hole or a missing value\) at flat index 2/);
  assert.throws(() => wavedec([1, 2, '3', 4] as never, wavelet('db1'), 'symmetric', 1), /contains the string "3" at flat index 2/);
  assert.throws(() => wavedec(undefined as never, wavelet('db1'), 'symmetric', 1), /must be an array of numbers .* got undefined/);
});
