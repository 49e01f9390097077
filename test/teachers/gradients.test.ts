import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend, NeuralTeacher, type Architecture, type Scaling } from '../../src/teachers/index.ts';
import { initParams } from '../../src/teachers/models.ts';
import { Rng } from '../../src/util/rng.ts';
import { ndarray, sizeOf, type NdArray } from '../../src/util/ndarray.ts';

/**
 * Input gradients vs central finite differences of the teacher's own float32 forward pass.
 * Step h = 1e-2 (inputs ~ N(0, 1)): float32 rounding of f (~1e-7 relative) contributes ~1e-5
 * to each difference quotient, the truncation error ~h^2 f''' ~1e-4 for the smooth LSTM.
 * ReLU teachers are piecewise linear: a difference quotient is exact unless [x-h, x+h] crosses a
 * kink; such coordinates are detected (f(x+h) - 2 f(x) + f(x-h) clearly nonzero) and skipped, and
 * the test requires that only a few are. Tolerance: 2e-3 of the largest gradient entry.
 */
async function checkAgainstFiniteDifferences(arch: Architecture, scaling: Scaling, seed: number, nSamples: number, outputIndex: number) {
  await ensureBackend('wasm');
  const teacher = new NeuralTeacher(arch, scaling, initParams(arch, seed));
  const rng = new Rng(seed + 100);
  const per = sizeOf(arch.inputShape);
  const X = ndarray(new Float64Array(nSamples * per).map(() => scaling.inputMean + scaling.inputStd * rng.normal()), [nSamples, ...arch.inputShape]);
  const g = await teacher.inputGradients(X, { outputIndex, batchSize: 2 });
  assert.deepEqual(g.shape, X.shape);
  const h = 1e-2 * scaling.inputStd;
  let skipped = 0;
  let worst = 0;
  for (let s = 0; s < nSamples; s++) {
    // Batch: x, then x + h e_j and x - h e_j for every coordinate j.
    const batch = new Float64Array((2 * per + 1) * per);
    for (let r = 0; r < 2 * per + 1; r++) batch.set(X.data.subarray(s * per, (s + 1) * per), r * per);
    for (let j = 0; j < per; j++) {
      batch[(1 + 2 * j) * per + j] += h;
      batch[(2 + 2 * j) * per + j] -= h;
    }
    const f = await teacher.predict(ndarray(batch, [2 * per + 1, ...arch.inputShape]));
    const k = arch.outputDim;
    const f0 = f.data[outputIndex];
    let scale = 0;
    for (let j = 0; j < per; j++) scale = Math.max(scale, Math.abs(g.data[s * per + j]));
    for (let j = 0; j < per; j++) {
      const fp = f.data[(1 + 2 * j) * k + outputIndex];
      const fm = f.data[(2 + 2 * j) * k + outputIndex];
      if (arch.kind !== 'lstm' && Math.abs(fp - 2 * f0 + fm) > 1e-3 * scale * h) {
        skipped++;
        continue;
      }
      const fd = (fp - fm) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - g.data[s * per + j]) / scale);
    }
  }
  teacher.dispose();
  return { worst, skipped, total: nSamples * per };
}

const scaling = (k: number): Scaling => ({
  inputMean: 0.3,
  inputStd: 2,
  outputMean: new Array(k).fill(0).map((_, i) => 1 + i),
  outputStd: new Array(k).fill(0).map((_, i) => 3 + i),
});

test('mlp input gradients match finite differences (2 outputs, output 1, with input/output scaling)', async () => {
  const arch: Architecture = { kind: 'mlp', inputShape: [24], hidden: [16, 12], outputDim: 2 };
  const r = await checkAgainstFiniteDifferences(arch, scaling(2), 1, 4, 1);
  assert.ok(r.worst < 2e-3, `worst relative error ${r.worst}`);
  assert.ok(r.skipped < r.total / 10, `${r.skipped} of ${r.total} coordinates crossed a ReLU kink`);
});

test('lstm input gradients match finite differences', async () => {
  const arch: Architecture = { kind: 'lstm', inputShape: [15], hidden: 6, outputDim: 1 };
  const r = await checkAgainstFiniteDifferences(arch, scaling(1), 2, 3, 0);
  assert.equal(r.skipped, 0);
  assert.ok(r.worst < 2e-3, `worst relative error ${r.worst}`);
});

test('lstm with 2 input channels: gradients match finite differences', async () => {
  const arch: Architecture = { kind: 'lstm', inputShape: [8, 2], hidden: 5, outputDim: 2 };
  const r = await checkAgainstFiniteDifferences(arch, scaling(2), 3, 2, 1);
  assert.ok(r.worst < 2e-3, `worst relative error ${r.worst}`);
});

test('cnn input gradients match finite differences (stride-2 residual stages, on wasm)', async () => {
  const arch: Architecture = { kind: 'cnn', inputShape: [8, 7], channels: [3, 4], stemStride: 1, outputDim: 1 };
  const r = await checkAgainstFiniteDifferences(arch, scaling(1), 4, 2, 0);
  // Measured: worst 5e-4 (float32 noise: a CNN's per-pixel gradients are small), 7 of 112 skipped.
  assert.ok(r.worst < 2e-3, `worst relative error ${r.worst}`);
  assert.ok(r.skipped < r.total / 4, `${r.skipped} of ${r.total} coordinates crossed a ReLU kink`);
});

test('cnn with a pixel branch and an MLP head: gradients match finite differences', async () => {
  const arch: Architecture = { kind: 'cnn', inputShape: [8, 8], channels: [3, 4], stemStride: 2, pixelChannels: 4, head: [5], outputDim: 1 };
  const r = await checkAgainstFiniteDifferences(arch, scaling(1), 5, 2, 0);
  assert.ok(r.worst < 2e-3, `worst relative error ${r.worst}`);
  assert.ok(r.skipped < r.total / 4, `${r.skipped} of ${r.total} coordinates crossed a ReLU kink`);
});

test('cnn with log-mean pooling: gradients match finite differences', async () => {
  // log(ε + mean) is smooth but curved: its second differences also trip the kink detector, so
  // more coordinates are skipped than for a piecewise-linear net; the others must agree.
  const arch: Architecture = { kind: 'cnn', inputShape: [8, 8], channels: [3, 4], stemStride: 2, pixelChannels: 4, pool: 'logmean', head: [5], outputDim: 1 };
  const r = await checkAgainstFiniteDifferences(arch, scaling(1), 5, 2, 0);
  assert.ok(r.worst < 2e-3, `worst relative error ${r.worst}`);
  assert.ok(r.skipped < (r.total * 3) / 4, `${r.skipped} of ${r.total} coordinates skipped`);
});

test('input gradients: wasm agrees with cpu, batching does not change them, errors are clear', async () => {
  const arch: Architecture = { kind: 'cnn', inputShape: [10, 10], channels: [4, 6], stemStride: 2, outputDim: 1 };
  const rng = new Rng(9);
  const X: NdArray = ndarray(new Float64Array(5 * 100).map(() => rng.normal()), [5, 10, 10]);
  const res: Float64Array[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await ensureBackend(backend);
    const t = new NeuralTeacher(arch, scaling(1), initParams(arch, 7));
    res.push((await t.inputGradients(X)).data);
    if (backend === 'wasm') {
      const g2 = await t.inputGradients(X, { batchSize: 2 });
      g2.data.forEach((v, i) => assert.ok(Math.abs(v - res[0][i]) <= 1e-6 * (1 + Math.abs(v))));
      const progress: number[] = [];
      await t.inputGradients(X, { batchSize: 2, onProgress: (d) => progress.push(d) });
      assert.deepEqual(progress, [2, 4, 5]);
      await assert.rejects(t.inputGradients(ndarray(new Float64Array(5 * 90), [5, 9, 10])), /X has shape \[5, 9, 10\] but this cnn teacher takes \[n, 10, 10\]/);
      await assert.rejects(t.inputGradients(X, { outputIndex: 1 }), /outputIndex must be an integer in \[0, 0\]/);
      await assert.rejects(t.predict(ndarray(new Float64Array(100), [100])), /Error in predict: X has shape \[100\]/);
    }
    t.dispose();
    await assert.rejects(t.predict(X), /disposed/);
  }
  let maxAbs = 0;
  let maxDiff = 0;
  res[0].forEach((v, i) => {
    maxAbs = Math.max(maxAbs, Math.abs(res[1][i]));
    maxDiff = Math.max(maxDiff, Math.abs(v - res[1][i]));
  });
  assert.ok(maxDiff <= 1e-4 * maxAbs, `wasm vs cpu: ${maxDiff} (max ${maxAbs})`);
  await ensureBackend('wasm');
  assert.equal(tf.memory().numTensors, 0);
});
