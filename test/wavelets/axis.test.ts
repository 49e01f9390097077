/**
 * PyWavelets' `axis` argument on the batched functions (fixtures/pywt/axis.json): wavedecBatch /
 * waverecBatch and swtBatch / iswtBatch on 3D arrays along every axis, against pywt.wavedec /
 * waverec / swt with `axis=`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ndarray, type NdArray } from '../../src/util/ndarray.ts';
import { wavedecBatch, waverecBatch } from '../../src/wavelets/transform1d.ts';
import { iswtBatch, swtBatch } from '../../src/wavelets/swt.ts';
import { wavedec2Batch, waverec2Batch } from '../../src/wavelets/transform2d.ts';

interface Arr { shape: number[]; data: number[] }
const fx = JSON.parse(readFileSync(new URL('../../fixtures/pywt/axis.json', import.meta.url), 'utf8')) as {
  x: Arr; y: Arr; z: Arr;
  cases: { fn: string; axis: number; coeffs: Arr[]; waverec?: Arr; axes?: [number, number]; approx?: Arr; details?: Record<'cH' | 'cV' | 'cD', Arr>[]; waverec2?: Arr }[];
};
const nd = (a: Arr): NdArray => ndarray(Float64Array.from(a.data), a.shape);

function same(actual: NdArray, expected: Arr, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  for (let i = 0; i < expected.data.length; i++) {
    assert.ok(Math.abs(actual.data[i] - expected.data[i]) <= 1e-10 * (1 + Math.abs(expected.data[i])), `${what}[${i}]: ${actual.data[i]} vs PyWavelets ${expected.data[i]}`);
  }
}

test('wavedecBatch / waverecBatch along every axis of a 3D array = pywt.wavedec / waverec(axis=)', () => {
  const cases = fx.cases.filter((c) => c.fn === 'wavedec');
  assert.equal(cases.length, 3);
  for (const c of cases) {
    const got = wavedecBatch(nd(fx.x), 'db2', 'symmetric', 2, c.axis);
    got.forEach((a, k) => same(a, c.coeffs[k], `axis ${c.axis} coeffs[${k}]`));
    same(waverecBatch(c.coeffs.map(nd), 'db2', 'symmetric', undefined, c.axis), c.waverec!, `axis ${c.axis} waverec`);
  }
});

test('swtBatch / iswtBatch along an axis of a 3D array = pywt.swt(axis=), and invert', () => {
  const cases = fx.cases.filter((c) => c.fn === 'swt');
  assert.ok(cases.length >= 1);
  for (const c of cases) {
    const got = swtBatch(nd(fx.y), 'haar', 2, { trimApprox: true, axis: c.axis });
    got.forEach((a, k) => same(a, c.coeffs[k], `swt axis ${c.axis} coeffs[${k}]`));
    same(iswtBatch(got, 'haar', { axis: c.axis }), fx.y, `iswt axis ${c.axis}`);
  }
});

test('an axis out of range is refused', () => {
  assert.throws(() => wavedecBatch(nd(fx.x), 'db2', 'symmetric', 1, 3), /axis 3 is out of range for an array of 3 dimension\(s\)/);
});

test('wavedec2Batch / waverec2Batch over axes (0, 2) of a 3D array = pywt.wavedec2 / waverec2(axes=)', () => {
  const c = fx.cases.find((k) => k.fn === 'wavedec2')!;
  const got = wavedec2Batch(nd(fx.z), 'db2', 'symmetric', 1, c.axes!);
  same(got.approx, c.approx!, 'approx');
  c.details!.forEach((d, j) => {
    for (const band of ['cH', 'cV', 'cD'] as const) same(got.details[j][band], d[band], `details[${j}].${band}`);
  });
  const ref = { approx: nd(c.approx!), details: c.details!.map((d) => ({ cH: nd(d.cH), cV: nd(d.cV), cD: nd(d.cD) })) };
  same(waverec2Batch(ref, 'db2', 'symmetric', c.axes!), c.waverec2!, 'waverec2');
  assert.throws(() => wavedec2Batch(nd(fx.z), 'db2', 'symmetric', 1, [1, 1]), /the two axes must differ/);
});

test('swt2Batch over axes (0, 2) equals swt2Batch of the transposed images', async () => {
  const { swt2Batch } = await import('../../src/wavelets/swt.ts');
  const { transpose } = await import('../../src/wavelets/axis.ts');
  const Z = nd(fx.z); // 6 × 2 × 8
  const got = swt2Batch(Z, 'db2', 1, { axes: [0, 2] });
  const imgs = transpose(Z, [1, 0, 2]); // 2 × 6 × 8
  const ref = swt2Batch(imgs, 'db2', 1);
  for (const band of ['cA', 'cH', 'cV', 'cD'] as const) {
    const back = transpose(ref[0][band], [1, 0, 2]);
    assert.deepEqual(got[0][band].shape, [6, 2, 8]);
    assert.deepEqual(Array.from(got[0][band].data), Array.from(back.data), band);
  }
});
