// Fitting the adaptive wavelet (Eq. 8 with Adam), its transforms, save/load and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdaptiveWavelet, loadWavelet, saveWavelet, sweep, mergeSweep, fitCell, cellWavelet, cellParams } from '../../src/awd/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { ndarray, type NdArray } from '../../src/util/ndarray.ts';
import { wavedecBatch } from '../../src/wavelets/index.ts';

function randomData(seed: number, shape: number[]): { X: NdArray; G: NdArray } {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { X: ndarray(rng.fillNormal(new Float64Array(size)), shape), G: ndarray(rng.fillNormal(new Float64Array(size)), shape) };
}

test('with λ = γ = 0, fitting from db5 + noise recovers a valid orthogonal wavelet (constraints and reconstruction → 0)', () => {
  const { X, G } = randomData(1, [256, 64]);
  const w = AdaptiveWavelet.fit(X, { teacherGrads: G, wavelet: 'db5', initNoise: 0.1, seed: 3, epochs: 30, batchSize: 32, learningRate: 1e-2 });
  const first = w.history[0].train;
  const last = w.history[w.history.length - 1].train;
  assert.ok(first.reconstruction > 1, `the noisy start reconstructs badly (${first.reconstruction})`);
  for (const t of ['reconstruction', 'lowpass_sum', 'highpass_sum', 'unit_norm', 'cmf', 'orthogonality'] as const) {
    assert.ok(last[t] < 1e-6, `${t} after the fit: ${last[t]}`);
  }
  // Perfect reconstruction of new data with the learned filter.
  const { X: Y } = randomData(2, [5, 64]);
  const back = w.inverse(w.transform(Y), [64]);
  for (let i = 0; i < Y.data.length; i++) assert.ok(Math.abs(back.data[i] - Y.data[i]) < 1e-3);
});

test('the same seed gives the same fitted filter; another seed a different one', () => {
  const { X, G } = randomData(4, [64, 32]);
  const opts = { teacherGrads: G, initNoise: 0.05, epochs: 2, batchSize: 16, lambda: 0.1, gamma: 0.1, levels: 2 };
  const a = AdaptiveWavelet.fit(X, { ...opts, seed: 5 });
  const b = AdaptiveWavelet.fit(X, { ...opts, seed: 5 });
  const c = AdaptiveWavelet.fit(X, { ...opts, seed: 6 });
  assert.deepEqual(Array.from(a.h), Array.from(b.h));
  assert.notDeepEqual(Array.from(a.h), Array.from(c.h));
});

test('transform at a named wavelet equals wavedec (mode zero), in the reference order', () => {
  const { X } = randomData(5, [3, 40]);
  const w = AdaptiveWavelet.fromName('db5', 4, 'zero');
  const ours = w.transform(X);
  const pywtOrder = wavedecBatch(X, 'db5', 'zero', 4);
  assert.deepEqual(ours[0].data, pywtOrder[0].data);
  for (let j = 1; j <= 4; j++) assert.deepEqual(ours[j].data, pywtOrder[5 - j].data);
});

test('input×gradient attributions are coefficients times saliency', () => {
  const { X, G } = randomData(6, [2, 24, 24]);
  const w = AdaptiveWavelet.fromName('db3', 2);
  const sal = w.attributions(G);
  const ixg = w.attributions(G, { method: 'inputxgrad', X });
  const c = w.transform(X);
  assert.equal(sal.length, 7); // approx + 3 subbands × 2 levels
  for (let k = 0; k < sal.length; k++) for (let i = 0; i < sal[k].data.length; i++) {
    assert.ok(Math.abs(ixg[k].data[i] - sal[k].data[i] * c[k].data[i]) < 1e-12);
  }
});

test('early stopping on a validation set stops and keeps the best filter', () => {
  const { X, G } = randomData(7, [64, 32]);
  const v = randomData(8, [32, 32]);
  const w = AdaptiveWavelet.fit(X, { teacherGrads: G, levels: 2, epochs: 40, batchSize: 32, learningRate: 0.05, initNoise: 0.2, seed: 1, lambda: 5, validation: { X: v.X, teacherGrads: v.G }, patience: 2 });
  assert.ok(w.history.every((r) => r.validation !== undefined));
  const best = Math.min(...w.history.map((r) => r.validation!.total));
  const again = w.loss(v.X, v.G);
  assert.ok(Math.abs(again.total - best) < 1e-9 * Math.max(1, best), `kept filter's validation loss ${again.total} vs best ${best}`);
});

test('save/load round-trips exactly; a truncated or edited file gets a clear error', () => {
  const { X, G } = randomData(9, [32, 16]);
  const w = AdaptiveWavelet.fit(X, { teacherGrads: G, levels: 1, epochs: 1, batchSize: 8, wavelet: 'db2' });
  const dir = mkdtempSync(join(tmpdir(), 'awd-'));
  const path = join(dir, 'w.json');
  saveWavelet(w, path);
  const back = loadWavelet(path);
  assert.deepEqual(Array.from(back.h), Array.from(w.h));
  assert.deepEqual(back.settings, w.settings);
  assert.equal(back.history.length, 1);
  const text = readFileSync(path, 'utf8');
  writeFileSync(join(dir, 'cut.json'), text.slice(0, text.length / 2));
  assert.throws(() => loadWavelet(join(dir, 'cut.json')), /not valid JSON.*truncated/);
  writeFileSync(join(dir, 'edit.json'), text.replace(/"levels": 1/, '"levels": 2'));
  assert.throws(() => loadWavelet(join(dir, 'edit.json')), /checksum.*edited or corrupted/);
  assert.throws(() => loadWavelet(join(dir, 'missing.json')), /cannot read .*ENOENT/);
  writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
  assert.throws(() => loadWavelet(join(dir, 'other.json')), /not an awd wavelet file/);
});

test('bad input gets a clear error', () => {
  const { X, G } = randomData(10, [8, 16]);
  const fit = (o: object, x: NdArray = X) => AdaptiveWavelet.fit(x, { teacherGrads: G, epochs: 1, ...o });
  assert.throws(() => fit({ teacherGrads: ndarray(new Float64Array(8 * 15), [8, 15]) }), /same shape as X.*\[8, 15\].*\[8, 16\]/);
  const nanX = ndarray(Float64Array.from(X.data), X.shape);
  nanX.data[5] = NaN;
  assert.throws(() => fit({}, nanX), /X contains NaN at flat index 5/);
  const infG = ndarray(Float64Array.from(G.data), G.shape);
  infG.data[3] = Infinity;
  assert.throws(() => fit({ teacherGrads: infG }), /teacher gradients contains Infinity/);
  assert.throws(() => fit({ levels: 9 }), /too many levels: level 4 would not shrink the signal.*use at most 3 levels/);
  assert.throws(() => fit({ levels: 0 }), /levels must be an integer >= 1/);
  assert.throws(() => fit({ lambda: -1 }), /weight of l1_attr must be a finite number >= 0/);
  assert.throws(() => fit({ gamma: NaN }), /weight of l1_wave/);
  assert.throws(() => fit({ wavelet: 'db99' }), /unknown wavelet/);
  assert.throws(() => fit({ wavelet: [1, 2, 3] }), /even length/);
  assert.throws(() => fit({ mode: 'mirror' }), /unknown mode 'mirror'/);
  assert.throws(() => fit({ patience: 3 }), /needs a validation set/);
  assert.throws(() => AdaptiveWavelet.fit(X, {} as never), /teacherGrads is required/);
  assert.throws(() => fit({}, ndarray(new Float64Array(16), [16])), /n × length/);
});

test('a (λ, γ) sweep: cells run one at a time and merge into the full grid', () => {
  const { X, G } = randomData(11, [32, 16]);
  const grid = { lambdas: [0, 0.1], gammas: [0, 0.05, 0.2] };
  const opts = { teacherGrads: G, levels: 2, epochs: 1, batchSize: 16, wavelet: 'db2', seed: 2 };
  assert.deepEqual(cellParams(grid, 4), { lambda: 0.1, gamma: 0.05 });
  const all = sweep(X, opts, grid);
  assert.equal(all.length, 6);
  const part1 = [fitCell(X, opts, grid, 0), fitCell(X, opts, grid, 1), fitCell(X, opts, grid, 2)];
  const part2 = sweep(X, opts, grid, [3, 4, 5]);
  const merged = mergeSweep(grid, [part2, part1]);
  assert.deepEqual(merged.map((r) => r.cell), [0, 1, 2, 3, 4, 5]);
  for (let k = 0; k < 6; k++) assert.deepEqual(Array.from(cellWavelet(merged[k]).h), Array.from(cellWavelet(all[k]).h));
  assert.throws(() => mergeSweep(grid, [part1]), /cells 3, 4, 5 are missing/);
  assert.throws(() => mergeSweep(grid, [part1, part1, part2]), /appears twice/);
});

test('fitStream on streamed batches equals fit on the same data (one batch per epoch)', () => {
  const { X, G } = randomData(12, [40, 32]);
  const opts = { levels: 2, epochs: 5, lambda: 0.2, gamma: 0.1, initNoise: 0.05, seed: 4, learningRate: 5e-3 };
  const a = AdaptiveWavelet.fit(X, { ...opts, teacherGrads: G, batchSize: 40 });
  const b = AdaptiveWavelet.fitStream([32], 40, () => [{ X, teacherGrads: G }], { ...opts, batchSize: 40 });
  for (let i = 0; i < a.h.length; i++) assert.ok(Math.abs(a.h[i] - b.h[i]) < 1e-12, `h[${i}]: ${a.h[i]} vs ${b.h[i]}`);
  assert.equal(b.history.length, 5);
  assert.throws(() => AdaptiveWavelet.fitStream([31], 40, () => [{ X, teacherGrads: G }], opts), /batch has samples of shape \[32\], expected \[31\]/);
});

test('a fit on two threads (data-parallel shards) equals the single-threaded fit up to rounding', () => {
  const { X, G } = randomData(13, [60, 32]);
  const opts = { teacherGrads: G, levels: 2, epochs: 3, batchSize: 20, lambda: 0.3, gamma: 0.1, initNoise: 0.05, seed: 9, learningRate: 5e-3 };
  const one = AdaptiveWavelet.fit(X, { ...opts, threads: 1 });
  const two = AdaptiveWavelet.fit(X, { ...opts, threads: 2 });
  assert.equal(two.settings?.threads, 2);
  for (let i = 0; i < one.h.length; i++) assert.ok(Math.abs(one.h[i] - two.h[i]) < 1e-12, `h[${i}]: ${one.h[i]} vs ${two.h[i]}`);
  const a = one.history[2].train;
  const b = two.history[2].train;
  for (const k of Object.keys(a) as (keyof typeof a)[]) assert.ok(Math.abs(a[k] - b[k]) < 1e-10 * Math.max(1, Math.abs(a[k])), k);
});
