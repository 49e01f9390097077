/**
 * Issue 16's sweep against PyWavelets 1.1.1 (fixtures/pywt/sweep.json, scripts/make_fixtures.py):
 * every discrete family (106) × every mode (9) for wavedec / waverec and the 1D packet tree at
 * lengths 7 (odd, shorter than most filters) and 16, and for dwt2 / idwt2 / wavedec2 / waverec2 and
 * the 2D packet tree on a 5 × 6 image (odd, shorter than most filters); every family for swt / iswt
 * (lengths 16 and 8, and the refusal at 7) and swt2 / iswt2 (4 × 8, and the refusal of 5 × 6). The fixture holds each array
 * as its shape and two projections on a stored random probe (the full 2D arrays of the long filters
 * would take ~100 MB); an array that differs anywhere changes its projections.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  wavedec, waverec, dwt2, idwt2, wavedec2, waverec2, swt, iswt, swt2, iswt2, WaveletPacket, WaveletPacket2D, wavelist,
  type Mode,
} from '../../src/wavelets/index.ts';
import { quiet } from './helpers/quiet.ts';

interface Proj { shape: number[]; p: [number, number] }
interface Packets<P> { natural: string[]; freq: P; data: Proj[]; reconstruct: Proj }
const fx = JSON.parse(readFileSync(new URL('../../fixtures/pywt/sweep.json', import.meta.url), 'utf8')) as {
  probe: number[];
  signals: Record<string, number[]>;
  image: { rows: number; cols: number; data: number[] };
  image2: { rows: number; cols: number; data: number[] };
  cases1: { wavelet: string; mode: Mode; n: number; wavedec: Proj[]; waverec: Proj; packets: Packets<string[]> }[];
  cases2: { wavelet: string; mode: Mode; dwt2: Proj[]; idwt2: Proj; wavedec2: Proj[]; waverec2: Proj; packets: Packets<string[][]> }[];
  swt: { wavelet: string; n: number; level: number; error?: string; coeffs?: Proj[]; iswt?: Proj }[];
  swt2: { wavelet: string; level: number; approx: Proj; details: Proj[]; iswt2: Proj; oddError: string }[];
};
const L = fx.probe.length / 2;

/**
 * The array against PyWavelets' shape and projections, to `tol` relative to Σ|a·probe|. Mode
 * smooth extrapolates linearly over the filter's length (up to 101 samples): a 2D packet node of
 * level 1 reaches ~100 × the image, and the rounding of level 1 (~3e-12 there, both here and in
 * PyWavelets) comes out of level 2 amplified ~100-fold (measured for coif17: level-1 nodes differ
 * by 3e-12, level-2 nodes by 1.2e-10, and level 2 alone from PyWavelets' level-1 node by 7e-13);
 * so smooth is held to 1e-9, the others to 1e-10.
 */
function match(a: ArrayLike<number>, shape: number[], ref: Proj, what: string, tol = 1e-10): void {
  assert.deepEqual(shape, ref.shape, `${what}: shape`);
  for (let k = 0; k < 2; k++) {
    let p = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      const t = a[i] * fx.probe[k * L + i];
      p += t;
      scale += Math.abs(t);
    }
    assert.ok(Math.abs(p - ref.p[k]) <= tol * (1 + scale), `${what}: projection ${k}: ${p} vs PyWavelets ${ref.p[k]}`);
  }
}


test('the sweep covers every family and every mode', () => {
  const families = wavelist();
  assert.equal(families.length, 106);
  for (const list of [fx.cases1, fx.cases2, fx.swt, fx.swt2]) assert.deepEqual([...new Set(list.map((c) => c.wavelet))].sort(), [...families].sort());
  assert.equal(new Set(fx.cases1.map((c) => c.mode)).size, 9);
  assert.equal(fx.cases1.length, 106 * 9 * 2);
  assert.equal(fx.cases2.length, 106 * 9);
});

test('every family × every mode, lengths 7 and 16: wavedec, waverec, WaveletPacket (natural and freq paths, nodes, reconstruct) as PyWavelets', () => {
  for (const c of fx.cases1) {
    const x = fx.signals[String(c.n)];
    const what = `${c.wavelet} ${c.mode} n=${c.n}`;
    const coeffs = quiet(() => wavedec(x, c.wavelet, c.mode, 2));
    assert.equal(coeffs.length, c.wavedec.length, what);
    coeffs.forEach((a, j) => match(a, [a.length], c.wavedec[j], `${what} wavedec[${j}]`));
    const rec = waverec(coeffs, c.wavelet, c.mode);
    match(rec, [rec.length], c.waverec, `${what} waverec`);
    const wp = new WaveletPacket(x, c.wavelet, c.mode, 2);
    const nodes = wp.getLevel(2, 'natural');
    assert.deepEqual(nodes.map((nd) => nd.path), c.packets.natural, `${what} packets natural`);
    assert.deepEqual(wp.getLevel(2, 'freq').map((nd) => nd.path), c.packets.freq, `${what} packets freq`);
    nodes.forEach((nd, j) => match(nd.data!, [nd.data!.length], c.packets.data[j], `${what} packet ${nd.path}`));
    const r = wp.reconstruct(false);
    match(r, [r.length], c.packets.reconstruct, `${what} packet reconstruct`);
  }
});

test('every family × every mode, a 5 × 6 image: dwt2, idwt2, wavedec2, waverec2, WaveletPacket2D as PyWavelets', () => {
  const { rows: R, cols: C, data: x } = fx.image;
  for (const c of fx.cases2) {
    const what = `${c.wavelet} ${c.mode}`;
    const d = dwt2(x, R, C, c.wavelet, c.mode);
    (['cA', 'cH', 'cV', 'cD'] as const).forEach((band, j) => match(d[band], [d.rows, d.cols], c.dwt2[j], `${what} dwt2 ${band}`));
    const r1 = idwt2(d, c.wavelet, c.mode);
    match(r1.data, [r1.rows, r1.cols], c.idwt2, `${what} idwt2`);
    const dec = quiet(() => wavedec2(x, R, C, c.wavelet, c.mode, 2));
    const arrays = [{ a: dec.approx.data, shape: [dec.approx.rows, dec.approx.cols] }, ...dec.details.flatMap((l) => [l.cH, l.cV, l.cD].map((a) => ({ a, shape: [l.rows, l.cols] })))];
    assert.equal(arrays.length, c.wavedec2.length, what);
    arrays.forEach(({ a, shape }, j) => match(a, shape, c.wavedec2[j], `${what} wavedec2[${j}]`));
    const r2 = waverec2(dec, c.wavelet, c.mode);
    match(r2.data, [r2.rows, r2.cols], c.waverec2, `${what} waverec2`);
    const wp = new WaveletPacket2D(x, R, C, c.wavelet, c.mode, 2);
    const nodes = wp.getLevel(2, 'natural');
    assert.deepEqual(nodes.map((nd) => nd.path), c.packets.natural, `${what} packets natural`);
    assert.deepEqual(wp.getLevel(2, 'freq').map((row) => row.map((nd) => nd.path)), c.packets.freq, `${what} packets freq`);
    const tol = c.mode === 'smooth' ? 1e-9 : 1e-10;
    nodes.forEach((nd, j) => match(nd.data!.data, [nd.data!.rows, nd.data!.cols], c.packets.data[j], `${what} packet ${nd.path}`, tol));
    const r3 = wp.reconstruct(false);
    match(r3.data, [r3.rows, r3.cols], c.packets.reconstruct, `${what} packet reconstruct`, tol);
  }
});

test('every family: swt / iswt (lengths 16 and 8, shorter than most filters; length 7 refused) and swt2 / iswt2 (4 × 8; 5 × 6 refused) as PyWavelets', () => {
  for (const c of fx.swt) {
    const x = fx.signals[String(c.n)];
    const what = `${c.wavelet} n=${c.n} level=${c.level}`;
    if (c.error) {
      assert.throws(() => swt(x, c.wavelet, c.level), /no level of stationary wavelet decomposition is possible for length 7/, `${what}: PyWavelets refuses (${c.error})`);
      continue;
    }
    const coeffs = swt(x, c.wavelet, c.level, { trimApprox: true });
    assert.equal(coeffs.length, c.coeffs!.length, what);
    coeffs.forEach((a, j) => match(a, [a.length], c.coeffs![j], `${what} coeffs[${j}]`));
    const r = iswt(coeffs, c.wavelet);
    match(r, [r.length], c.iswt!, `${what} iswt`);
  }
  const { rows: R, cols: C, data: x } = fx.image2;
  for (const c of fx.swt2) {
    const what = `${c.wavelet} swt2`;
    const got = swt2(x, R, C, c.wavelet, c.level, { trimApprox: true });
    match(got.approx, [R, C], c.approx, `${what} approx`);
    got.details.flatMap((d) => [d.cH, d.cV, d.cD]).forEach((a, j) => match(a, [R, C], c.details[j], `${what} details[${j}]`));
    const r = iswt2(got, c.wavelet);
    match(r.data, [r.rows, r.cols], c.iswt2, `${what} iswt2`);
    assert.throws(() => swt2(fx.image.data, fx.image.rows, fx.image.cols, c.wavelet, 1), /no level of stationary wavelet decomposition is possible for a 5 × 6 image: both sides must be multiples of 2\^level/, `${what} of the 5 × 6 image: PyWavelets refuses (${c.oddError})`);
  }
});
