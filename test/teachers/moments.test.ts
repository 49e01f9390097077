/**
 * The cnn teacher's moments branch: its statistics against a float64 reference written here,
 * its input gradient against finite differences of that reference, the whole teacher's input
 * gradients against finite differences of its own forward pass, training (shift/scale from the
 * training maps, determinism by seed) and its one-line errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  ensureBackend,
  NeuralTeacher,
  trainTeacher,
  validateArchitecture,
  type Architecture,
  type Scaling,
} from '../../src/teachers/index.ts';
import { initParams, MOMENT_EPS, momentCount, momentStatistics, paramSpecs, type MomentView } from '../../src/teachers/models.ts';
import { Rng } from '../../src/util/rng.ts';
import { ndarray, sizeOf } from '../../src/util/ndarray.ts';

const ALL: MomentView[] = ['map', 'pool2', 'pool4', 'highpass'];

/** The branch's statistics of one h × w map in float64, straight from their definition. */
function reference(views: MomentView[], m: Float64Array, h: number, w: number): number[] {
  const block = (f: number): Float64Array => {
    const out = new Float64Array((h / f) * (w / f));
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) out[Math.floor(r / f) * (w / f) + Math.floor(c / f)] += m[r * w + c] / (f * f);
    return out;
  };
  const stats = (v: Float64Array): number[] => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const x of v) {
      const d = x - mean;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    const variance = m2 / v.length + MOMENT_EPS;
    return [0.5 * Math.log(variance), m3 / v.length / variance ** 1.5, Math.log(MOMENT_EPS + m4 / v.length / variance ** 2)];
  };
  const out = [m.reduce((a, b) => a + b, 0) / m.length];
  for (const view of views) {
    if (view === 'map') out.push(...stats(m));
    else if (view === 'pool2') out.push(...stats(block(2)));
    else if (view === 'pool4') out.push(...stats(block(4)));
    else {
      const b = block(2);
      out.push(...stats(m.map((x, i) => x - b[(Math.floor(i / w) >> 1) * (w / 2) + ((i % w) >> 1)])));
    }
  }
  return out;
}

/** Skewed test maps (a lognormal-like field), h × w, standardised-unit scale. */
function skewedMaps(seed: number, n: number, h: number, w: number): Float64Array {
  const rng = new Rng(seed);
  return new Float64Array(n * h * w).map(() => Math.exp(0.6 * rng.normal()) - 1.2);
}

test('momentStatistics matches the float64 definition (every view, non-square maps)', async () => {
  await ensureBackend('wasm');
  const [n, h, w] = [3, 8, 12];
  const X = skewedMaps(1, n, h, w);
  const got = tf.tidy(() => momentStatistics(ALL, tf.tensor(Float32Array.from(X), [n, h, w])));
  assert.deepEqual(got.shape, [n, momentCount(ALL)]);
  const vals = await got.data();
  got.dispose();
  for (let s = 0; s < n; s++) {
    const ref = reference(ALL, X.subarray(s * h * w, (s + 1) * h * w), h, w);
    ref.forEach((r, j) => assert.ok(Math.abs(vals[s * ref.length + j] - r) <= 2e-4 * (1 + Math.abs(r)), `map ${s} statistic ${j}: ${vals[s * ref.length + j]} vs ${r}`));
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('momentStatistics: its input gradient matches finite differences of the float64 definition', async () => {
  await ensureBackend('wasm');
  const [h, w] = [8, 8];
  const x0 = skewedMaps(2, 1, h, w);
  const k = momentCount(ALL);
  const weights = Array.from({ length: k }, (_, j) => Math.cos(1.3 * j + 0.2));
  const f64 = (x: Float64Array): number => reference(ALL, x, h, w).reduce((a, v, j) => a + weights[j] * v, 0);
  const g = tf.tidy(() => {
    const wt = tf.tensor1d(weights);
    return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(momentStatistics(ALL, x), wt)))(tf.tensor(Float32Array.from(x0), [1, h, w]));
  });
  const grad = await g.data();
  g.dispose();
  assert.equal(tf.memory().numTensors, 0);
  const step = 1e-5;
  let scale = 0;
  for (const v of grad) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let j = 0; j < h * w; j++) {
    const xp = x0.slice();
    const xm = x0.slice();
    xp[j] += step;
    xm[j] -= step;
    worst = Math.max(worst, Math.abs((f64(xp) - f64(xm)) / (2 * step) - grad[j]) / scale);
  }
  // float32 accumulation in the tf graph, central differences in float64 (truncation ~1e-10).
  assert.ok(worst < 1e-3, `worst relative error ${worst}`);
  assert.ok(scale > 0.01, `a gradient of size ${scale} tests nothing`);
});

test('cnn with a moments branch: the teacher\'s input gradients match finite differences of its forward pass', async () => {
  await ensureBackend('wasm');
  const k = momentCount(['map', 'pool2', 'highpass']);
  const arch: Architecture = {
    kind: 'cnn', inputShape: [8, 8], channels: [2], stemStride: 2, head: [6], outputDim: 1,
    moments: { views: ['map', 'pool2', 'highpass'], shift: new Array(k).fill(0).map((_, j) => 0.1 * j - 0.3), scale: new Array(k).fill(0).map((_, j) => 0.5 + 0.1 * j) },
  };
  const scaling: Scaling = { inputMean: 0.2, inputStd: 1.5, outputMean: [1], outputStd: [2] };
  const params = initParams(arch, 11);
  // Silence the conv trunk (the stem to 0: every later activation is then 0), so that the output
  // is a function of the moments branch alone and no ReLU kink of the trunk can hide an error of it.
  const names = paramSpecs(arch).map((sp) => sp.name);
  const zeroed = params.map((p, i) => (names[i].startsWith('stem/') ? new Float32Array(p.length) : p));
  const teacher = new NeuralTeacher(arch, scaling, zeroed);
  const rng = new Rng(5);
  const per = sizeOf(arch.inputShape);
  const x = new Float64Array(per).map(() => scaling.inputMean + scaling.inputStd * (Math.exp(0.5 * rng.normal()) - 1));
  const g = (await teacher.inputGradients(ndarray(x, [1, 8, 8]))).data;
  const h = 1e-2 * scaling.inputStd;
  const batch = new Float64Array((2 * per + 1) * per);
  for (let r = 0; r < 2 * per + 1; r++) batch.set(x, r * per);
  for (let j = 0; j < per; j++) {
    batch[(1 + 2 * j) * per + j] += h;
    batch[(2 + 2 * j) * per + j] -= h;
  }
  const f = (await teacher.predict(ndarray(batch, [2 * per + 1, 8, 8]))).data;
  let scale = 0;
  for (const v of g) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let skipped = 0;
  for (let j = 0; j < per; j++) {
    const [fp, fm] = [f[1 + 2 * j], f[2 + 2 * j]];
    // A ReLU of the head may switch within [x − h, x + h]; such coordinates are skipped (few).
    if (Math.abs(fp - 2 * f[0] + fm) > 2e-2 * scale * h) {
      skipped++;
      continue;
    }
    worst = Math.max(worst, Math.abs((fp - fm) / (2 * h) - g[j]) / scale);
  }
  teacher.dispose();
  assert.ok(scale > 1e-3, `a gradient of size ${scale} tests nothing`);
  assert.ok(worst < 5e-3, `worst relative error ${worst}`);
  assert.ok(skipped < per / 4, `${skipped} of ${per} coordinates skipped`);
  assert.equal(tf.memory().numTensors, 0);
});

test('trainTeacher with moments: shift/scale are the training maps\' statistics; same seed, same teacher; other seed differs', async () => {
  await ensureBackend('wasm');
  const [n, h, w] = [40, 8, 8];
  const X = skewedMaps(3, n, h, w);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = reference(['map'], X.subarray(i * h * w, (i + 1) * h * w), h, w)[2];
  const data = ndarray(X, [n, h, w]);
  const opts = { seed: 4, valSeed: 1, epochs: 2, batchSize: 10, learningRate: 1e-2, channels: [2], head: [4], moments: ['map', 'pool4'] as MomentView[], augment: 'd4' as const };
  const a = await trainTeacher('cnn', data, ndarray(y, [n]), opts);
  const b = await trainTeacher('cnn', data, ndarray(y, [n]), opts);
  const c = await trainTeacher('cnn', data, ndarray(y, [n]), { ...opts, seed: 5 });
  assert.deepEqual(a.history, b.history);
  assert.deepEqual(a.teacher.getWeights(), b.teacher.getWeights());
  assert.notDeepEqual(a.teacher.getWeights(), c.teacher.getWeights());
  const arch = a.teacher.architecture;
  assert.ok(arch.kind === 'cnn' && arch.moments);
  // Recompute the standardisation from the training rows (those not held out for validation).
  const s = a.teacher.scaling;
  const val = new Set(a.validationIndices);
  const rows = Array.from({ length: n }, (_, i) => i).filter((i) => !val.has(i));
  const stats = rows.map((i) => reference(['map', 'pool4'], X.subarray(i * h * w, (i + 1) * h * w).map((v) => (v - s.inputMean) / s.inputStd), h, w));
  for (let j = 0; j < momentCount(['map', 'pool4']); j++) {
    const mean = stats.reduce((acc, r) => acc + r[j], 0) / stats.length;
    const sd = Math.sqrt(stats.reduce((acc, r) => acc + (r[j] - mean) ** 2, 0) / stats.length);
    assert.ok(Math.abs(arch.moments.shift[j] - mean) <= 1e-4 * (1 + Math.abs(mean)), `shift ${j}: ${arch.moments.shift[j]} vs ${mean}`);
    assert.ok(Math.abs(arch.moments.scale[j] - sd) <= 1e-3 * sd + 1e-6, `scale ${j}: ${arch.moments.scale[j]} vs ${sd}`);
  }
  for (const r of [a, b, c]) r.teacher.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('moments: one-line errors for bad views and bad saved statistics', async () => {
  const rng = new Rng(6);
  const X = ndarray(rng.fillNormal(new Float64Array(10 * 36)), [10, 6, 6]);
  const y = ndarray(rng.fillNormal(new Float64Array(10)), [10]);
  await assert.rejects(trainTeacher('cnn', X, y, { moments: ['map', 'smooth' as MomentView] }), /unknown cnn moments view "smooth"; use 'map', 'pool2', 'pool4', 'highpass'/);
  await assert.rejects(trainTeacher('cnn', X, y, { moments: ['map', 'map'] }), /cnn moments view 'map' is listed twice/);
  await assert.rejects(trainTeacher('cnn', X, y, { moments: ['pool4'] }), /cnn moments view 'pool4' needs map sides divisible by 4, got 6 × 6/);
  await assert.rejects(trainTeacher('cnn', X, y, { moments: [] }), /cnn moments views must be a non-empty list/);
  await assert.rejects(trainTeacher('mlp', ndarray(X.data, [10, 36]), y, { moments: ['map'] }), /moments is for cnn teachers \(maps\), not mlp/);
  const base = { kind: 'cnn' as const, inputShape: [8, 8] as [number, number], channels: [2], stemStride: 1 as const, outputDim: 1 };
  assert.throws(() => validateArchitecture({ ...base, moments: { views: ['map'], shift: [0, 0], scale: [1, 1, 1, 1] } }), /cnn moments shift must be 4 finite numbers/);
  assert.throws(() => validateArchitecture({ ...base, moments: { views: ['map'], shift: [0, 0, 0, 0], scale: [1, 0, 1, 1] } }), /cnn moments scale must be 4 finite numbers > 0/);
});
