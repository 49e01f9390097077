/**
 * n-dimensional DWT (src/wavelets/nd.ts) against PyWavelets 1.1.1 (fixtures/pywt/nd.json):
 * dwtn / idwtn / wavedecn / waverecn of a 6 × 9 × 5 volume, all axes or some, several wavelets
 * and modes (a biorthogonal one, smooth).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ndarray, type NdArray } from '../../src/util/ndarray.ts';
import { dwtn, idwtn, wavedecn, waverecn } from '../../src/wavelets/nd.ts';
import type { Mode } from '../../src/wavelets/modes.ts';

interface Arr { shape: number[]; data: number[] }
const fx = JSON.parse(readFileSync(new URL('../../fixtures/pywt/nd.json', import.meta.url), 'utf8')) as {
  x: Arr;
  cases: { wavelet: string; mode: Mode; axes: number[] | null; dwtn: Record<string, Arr>; idwtn: Arr; wavedecn: { approx: Arr; details: Record<string, Arr>[] }; waverecn: Arr }[];
};
const nd = (a: Arr): NdArray => ndarray(Float64Array.from(a.data), a.shape);

function same(actual: NdArray, expected: Arr, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  for (let i = 0; i < expected.data.length; i++) {
    assert.ok(Math.abs(actual.data[i] - expected.data[i]) <= 1e-10 * (1 + Math.abs(expected.data[i])), `${what}[${i}]: ${actual.data[i]} vs PyWavelets ${expected.data[i]}`);
  }
}

test('dwtn / idwtn / wavedecn / waverecn vs PyWavelets on a 3D volume', () => {
  assert.equal(fx.cases.length, 4);
  const X = nd(fx.x);
  for (const c of fx.cases) {
    const what = `${c.wavelet} ${c.mode} axes ${JSON.stringify(c.axes)}`;
    const axes = c.axes ?? undefined;
    const got = dwtn(X, c.wavelet, c.mode, axes);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(c.dwtn).sort(), `${what}: subband keys`);
    for (const k of Object.keys(c.dwtn)) same(got[k], c.dwtn[k], `${what} dwtn ${k}`);
    const ref = Object.fromEntries(Object.entries(c.dwtn).map(([k, v]) => [k, nd(v)]));
    same(idwtn(ref, c.wavelet, c.mode, axes), c.idwtn, `${what} idwtn`);
    const dec = wavedecn(X, c.wavelet, c.mode, 2, axes);
    same(dec.approx, c.wavedecn.approx, `${what} wavedecn approx`);
    c.wavedecn.details.forEach((d, j) => {
      for (const k of Object.keys(d)) same(dec.details[j][k], d[k], `${what} wavedecn details[${j}].${k}`);
    });
    const refDec = { approx: nd(c.wavedecn.approx), details: c.wavedecn.details.map((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, nd(v)]))) };
    same(waverecn(refDec, c.wavelet, c.mode, axes), c.waverecn, `${what} waverecn`);
  }
});

test('idwtn with a missing subband treats it as zeros; bad keys are refused', () => {
  const X = nd(fx.x);
  const c = dwtn(X, 'haar', 'periodization');
  const full = idwtn(c, 'haar', 'periodization');
  const noD = { ...c };
  delete noD.ddd;
  const zeroD = { ...c, ddd: ndarray(new Float64Array(c.ddd.data.length), c.ddd.shape) };
  assert.deepEqual(Array.from(idwtn(noD, 'haar', 'periodization').data), Array.from(idwtn(zeroD, 'haar', 'periodization').data));
  assert.ok(full.data.some((v, i) => Math.abs(v - idwtn(noD, 'haar', 'periodization').data[i]) > 1e-6));
  assert.throws(() => idwtn({ ax: c.aaa }, 'haar'), /subband keys must all have 2 letters 'a' or 'd'/);
});
