// Bad input to the PyWavelets-style transforms gets an error that names the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dwt, idwt, wavedec, waverec, dwt2, wavedec2, wavedecBatch, waverecBatch, Wavelet, wavelet, dwtMaxLevel, dwtCoeffLen } from '../../src/wavelets/index.ts';
import { ndarray } from '../../src/util/ndarray.ts';

const x = [1, 2, 3, 4, 5, 6, 7, 8];

test('unknown wavelet names and modes are named, with the valid choices', () => {
  assert.throws(() => dwt(x, 'db39'), /unknown wavelet.*db39/);
  assert.throws(() => wavelet('morlet'), /unknown wavelet.*morlet/);
  assert.throws(() => dwt(x, 'db2', 'mirror' as never), /unknown mode 'mirror'; use one of zero, constant, symmetric, reflect, periodic, periodization, smooth, antisymmetric, antireflect/);
  assert.throws(() => wavedec(x, 'db2', 'per' as never), /did you mean 'periodization'/);
});

test('non-finite and empty signals are rejected with their position', () => {
  assert.throws(() => dwt([1, NaN, 3], 'haar'), /signal contains NaN at flat index 1/);
  assert.throws(() => wavedec([1, 2, Infinity, 4], 'haar'), /signal contains Infinity at flat index 2/);
  assert.throws(() => dwt([], 'haar'), /signal is empty/);
  assert.throws(() => wavedecBatch(ndarray(new Float64Array([1, 2, -Infinity, 4]), [2, 2]), 'haar'), /signals contains -Infinity/);
  assert.throws(() => dwt2([1, 2, 3], 2, 2, 'haar'), /has 3 values but 2 × 2 = 4 were expected/);
});

test('levels below 1 are errors; above the useful maximum they warn, as PyWavelets', () => {
  assert.throws(() => wavedec(x, 'haar', 'zero', 0), /level must be an integer >= 1, got 0; the useful maximum for length 8 and filter length 2 is 3/);
  assert.throws(() => wavedec(x, 'haar', 'zero', 1.5), /level must be an integer >= 1/);
  assert.throws(() => wavedec2(new Float64Array(64), 8, 8, 'haar', 'zero', -1), /level must be an integer >= 1/);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  const coeffs = wavedec(x, 'db2', 'zero', 5);
  return new Promise<void>((resolve) => setImmediate(() => {
    process.off('warning', onWarning);
    assert.equal(coeffs.length, 6);
    assert.ok(warnings.some((m) => /level 5 is too high/.test(m)), `warnings: ${warnings.join('; ')}`);
    resolve();
  }));
});

test('custom filters must be even, non-empty and finite', () => {
  assert.throws(() => Wavelet.fromLowpass([0.5, 0.5, 0.5]), /odd|even/i);
  assert.throws(() => Wavelet.fromLowpass([]), /empty/i);
  assert.throws(() => Wavelet.fromLowpass([0.7, NaN]), /NaN|finite/);
  const w = Wavelet.fromLowpass([Math.SQRT1_2, Math.SQRT1_2], 'my-haar');
  assert.deepEqual(Array.from(dwt([1, 1], w).cA), Array.from(dwt([1, 1], 'haar').cA));
});

test('mismatched or too-short coefficient arrays are rejected', () => {
  assert.throws(() => idwt([1, 2, 3], [1, 2], 'haar'), /same length, got 3 and 2/);
  assert.throws(() => idwt(null, null, 'haar'), /cannot both be null/);
  assert.throws(() => idwt([1], [1], 'db2'), /too few to invert/);
  assert.throws(() => waverec([[1, 2, 3, 4, 5], [1, 2]], 'haar'), /length mismatch at position 1/);
  assert.throws(() => waverecBatch([ndarray(new Float64Array(6), [2, 3])], 'haar'), /need at least \[cA, cD\]/);
  assert.throws(() => dwt([1], 'haar', 'reflect'), /'reflect' cannot extend a signal of length 1/);
});

test('size helpers reject nonsense', () => {
  assert.throws(() => dwtMaxLevel(0, 4), /positive integer/);
  assert.throws(() => dwtMaxLevel(8, 1), /filter length must be an integer >= 2/);
  assert.throws(() => dwtCoeffLen(8, 0, 'zero'), /filter length must be a positive integer/);
  assert.equal(dwtMaxLevel(3, 10), 0);
});
