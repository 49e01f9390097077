/**
 * Wavelet packets (src/wavelets/packets.ts) against PyWavelets 1.1.1 (fixtures/pywt/packets.json):
 * maxlevel, get_level in natural and frequency order (paths and node data), reconstruction of the
 * full tree and of a tree with a node removed; 2D likewise; the batched decomposition equals the
 * tree's nodes row by row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ndarray } from '../../src/util/ndarray.ts';
import { WaveletPacket, WaveletPacket2D, waveletPacketBatch, waveletPacket2DBatch, graycodeOrder } from '../../src/wavelets/packets.ts';
import type { Mode } from '../../src/wavelets/modes.ts';

interface Array2 { rows: number; cols: number; data: number[] }
interface Case1 {
  wavelet: string; mode: Mode; n: number; maxlevel: number;
  levels: { level: number; natural: string[]; freq: string[]; data: Record<string, number[]> }[];
  reconstruct: number[]; reconstructWithoutAd?: number[];
}
interface Case2 {
  wavelet: string; mode: Mode; input: string; rows: number; cols: number; maxlevel: number;
  levels: { level: number; natural: string[]; freq: string[][]; data: Record<string, Array2> }[];
  reconstruct: Array2;
}
const fx = JSON.parse(readFileSync(new URL('../../fixtures/pywt/packets.json', import.meta.url), 'utf8')) as {
  signals: Record<string, number[]>; cases: Case1[]; inputs: Record<string, Array2>; cases2: Case2[];
};

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-10 * (1 + Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs PyWavelets ${expected[i]}`);
  }
}

test('graycodeOrder is PyWavelets get_graycode_order', () => {
  assert.deepEqual(graycodeOrder(1), ['a', 'd']);
  assert.deepEqual(graycodeOrder(3), ['aaa', 'aad', 'add', 'ada', 'dda', 'ddd', 'dad', 'daa']);
});

test('WaveletPacket vs PyWavelets: maxlevel, get_level natural / freq, node data, reconstruct (also with a node removed)', () => {
  for (const c of fx.cases) {
    const x = fx.signals[String(c.n)];
    const what = `${c.wavelet} ${c.mode} n=${c.n}`;
    const wp = new WaveletPacket(x, c.wavelet, c.mode);
    assert.equal(wp.maxlevel, c.maxlevel, `${what} maxlevel`);
    for (const lv of c.levels) {
      const nat = wp.getLevel(lv.level, 'natural');
      assert.deepEqual(nat.map((n) => n.path), lv.natural, `${what} level ${lv.level} natural`);
      assert.deepEqual(wp.getLevel(lv.level, 'freq').map((n) => n.path), lv.freq, `${what} level ${lv.level} freq`);
      for (const n of nat) close(n.data!, lv.data[n.path], `${what} node ${n.path}`);
      // lookups by path on a fresh tree decompose on demand
      const fresh = new WaveletPacket(x, c.wavelet, c.mode);
      const p = lv.natural[lv.natural.length - 1];
      close(fresh.get(p)!, lv.data[p], `${what} fresh get('${p}')`);
    }
    close(wp.reconstruct(false), c.reconstruct, `${what} reconstruct`);
    close(wp.reconstruct(false).subarray(0, c.n), x, `${what} reconstruct = x`);
    if (c.reconstructWithoutAd) {
      const wp2 = new WaveletPacket(x, c.wavelet, c.mode);
      wp2.getLevel(wp2.maxlevel);
      wp2.remove('ad');
      close(wp2.reconstruct(false), c.reconstructWithoutAd, `${what} reconstruct without 'ad'`);
    }
  }
});

test('WaveletPacket2D vs PyWavelets: maxlevel, get_level natural / freq (a 2D grid), node data, reconstruct', () => {
  for (const c of fx.cases2) {
    const x = fx.inputs[c.input].data;
    const what = `${c.wavelet} ${c.mode} ${c.rows}x${c.cols}`;
    const wp = new WaveletPacket2D(x, c.rows, c.cols, c.wavelet, c.mode);
    assert.equal(wp.maxlevel, c.maxlevel, `${what} maxlevel`);
    for (const lv of c.levels) {
      const nat = wp.getLevel(lv.level, 'natural');
      assert.deepEqual(nat.map((n) => n.path), lv.natural, `${what} level ${lv.level} natural`);
      assert.deepEqual(wp.getLevel(lv.level, 'freq').map((row) => row.map((n) => n.path)), lv.freq, `${what} level ${lv.level} freq`);
      for (const n of nat) {
        const ref = lv.data[n.path];
        assert.equal(n.data!.rows, ref.rows);
        assert.equal(n.data!.cols, ref.cols);
        close(n.data!.data, ref.data, `${what} node ${n.path}`);
      }
    }
    const rec = wp.reconstruct(false);
    assert.equal(rec.rows, c.reconstruct.rows);
    assert.equal(rec.cols, c.reconstruct.cols);
    close(rec.data, c.reconstruct.data, `${what} reconstruct`);
  }
});

test('waveletPacketBatch equals the trees row by row, natural and freq order', () => {
  const c = fx.cases[0];
  const x = fx.signals[String(c.n)];
  const X = ndarray(Float64Array.from([...x, ...x.map((v) => -2 * v)]), [2, c.n]);
  for (const order of ['natural', 'freq'] as const) {
    const lv = c.levels[1];
    const got = waveletPacketBatch(X, c.wavelet, c.mode, 2, order);
    assert.deepEqual(got.paths, order === 'natural' ? lv.natural : lv.freq);
    got.paths.forEach((p, i) => {
      const len = got.coeffs[i].shape[1];
      close(got.coeffs[i].data.subarray(0, len), lv.data[p], `batch row 0 ${p}`);
      close(got.coeffs[i].data.subarray(len), lv.data[p].map((v) => -2 * v), `batch row 1 ${p}`);
    });
  }
});

test('packet trees refuse bad paths and levels with the fix', () => {
  const wp = new WaveletPacket(new Float64Array(16).map((_, i) => i), 'db1', 'symmetric');
  assert.throws(() => wp.get('ax'), /invalid node path "ax": use the letters 'a', 'd'/);
  assert.throws(() => wp.get('aaaaa'), /deeper than maxlevel 4/);
  assert.throws(() => wp.getLevel(5), /cannot be greater than the maximum decomposition level \(4\)/);
  assert.throws(() => wp.remove(''), /root node cannot be removed/);
});

test('waveletPacket2DBatch equals the 2D trees image by image', () => {
  const c = fx.cases2.reduce((a, b) => (b.levels.length > a.levels.length ? b : a));
  const x = fx.inputs[c.input].data;
  const n = c.rows * c.cols;
  const X = ndarray(Float64Array.from([...x.map((v) => 3 * v), ...x]), [2, c.rows, c.cols]);
  const lv = c.levels[c.levels.length - 1];
  const got = waveletPacket2DBatch(X, c.wavelet, c.mode, lv.level);
  assert.deepEqual(got.paths, lv.natural);
  got.paths.forEach((p, i) => {
    const size = got.coeffs[i].shape[1] * got.coeffs[i].shape[2];
    close(got.coeffs[i].data.subarray(size), lv.data[p].data, `image 1 ${p}`);
    close(got.coeffs[i].data.subarray(0, size), lv.data[p].data.map((v) => 3 * v), `image 0 ${p}`);
  });
  assert.ok(n > 0);
});
