/** The generated row kernels stay bounded: none for lengths that few rows went through, at most MAX_GENERATED_MAPS kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatedRowKernelMaps, ROW_KERNEL_CACHE } from '../../src/wavelets/kernels.ts';
import { wavedec, wavedecBatch, wavelet } from '../../src/wavelets/index.ts';
import { ndarray } from '../../src/util/ndarray.ts';

const w = wavelet('db3');
const signal = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => Math.sin(0.3 * i) + 0.01 * i);
const batch = (rows: number, n: number) => ndarray(Float64Array.from({ length: rows * n }, (_, i) => Math.cos(0.7 * i)), [rows, n]);

test('a transform of many differently sized signals generates no kernels (the loops run)', () => {
  const before = generatedRowKernelMaps();
  for (let n = 500; n < 800; n += 2) wavedec(signal(n), w, 'symmetric', 1);
  assert.equal(generatedRowKernelMaps(), before);
});

test('a length used often, or one batch of many rows, gets generated kernels, with the same results as the loops', () => {
  const x = signal(333);
  const first = wavedec(x, w, 'zero', 1);
  const before = generatedRowKernelMaps();
  let last = first;
  for (let i = 0; i < ROW_KERNEL_CACHE.GENERATE_AFTER_ROWS + 2; i++) last = wavedec(x, w, 'zero', 1);
  assert.equal(generatedRowKernelMaps(), before + 1, 'generated once used often');
  for (let k = 0; k < first.length; k++) for (let i = 0; i < first[k].length; i++) assert.ok(Math.abs(first[k][i] - last[k][i]) <= 1e-12 * (1 + Math.abs(first[k][i])));
  wavedecBatch(batch(ROW_KERNEL_CACHE.GENERATE_AFTER_ROWS, 271), w, 'zero', 1);
  assert.equal(generatedRowKernelMaps(), before + 2, 'one batch of GENERATE_AFTER_ROWS rows is enough');
});

test('however many lengths are used often, at most MAX_GENERATED_MAPS keep generated kernels', () => {
  for (let n = 1000; n < 1000 + 2 * (ROW_KERNEL_CACHE.MAX_GENERATED_MAPS + 40); n += 2) {
    wavedecBatch(batch(ROW_KERNEL_CACHE.GENERATE_AFTER_ROWS, n), w, 'periodic', 1);
  }
  assert.equal(generatedRowKernelMaps(), ROW_KERNEL_CACHE.MAX_GENERATED_MAPS);
});
