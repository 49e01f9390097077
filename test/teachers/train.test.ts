import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { trainTeacher, r2Score, type TrainOptions } from '../../src/teachers/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { ndarray, type NdArray } from '../../src/util/ndarray.ts';

function data(seed: number, n: number, shape: number[], target: (x: Float64Array) => number): { X: NdArray; y: NdArray } {
  const rng = new Rng(seed);
  const per = shape.reduce((a, b) => a * b, 1);
  const X = ndarray(rng.fillNormal(new Float64Array(n * per)), [n, ...shape]);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = target(X.data.subarray(i * per, (i + 1) * per));
  return { X, y: ndarray(y, [n]) };
}

const linear = (x: Float64Array) => {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += Math.cos(0.7 * j) * x[j];
  return 5 + 2 * s;
};

test('mlp: training reduces the loss, same seed gives the same numbers, other seed differs', async () => {
  const { X, y } = data(1, 300, [16], linear);
  const opts: TrainOptions = { seed: 3, epochs: 6, batchSize: 32, learningRate: 1e-2, hidden: [16, 16], backend: 'wasm' };
  const epochs: number[] = [];
  const a = await trainTeacher('mlp', X, y, { ...opts, onProgress: (e, total) => epochs.push(e * 10 + total) });
  assert.deepEqual(epochs, [16, 26, 36, 46, 56, 66]);
  assert.equal(a.history.length, 6);
  assert.ok(a.history[5].trainLoss < 0.2 * a.history[0].trainLoss, JSON.stringify(a.history));
  assert.ok(a.history[5].valLoss! < a.history[0].valLoss!);
  assert.ok(a.valR2! > 0.6, `valR2 ${a.valR2}`); // measured 0.75 (270 samples, 6 epochs)
  const b = await trainTeacher('mlp', X, y, opts);
  assert.deepEqual(b.history, a.history);
  const pa = await a.teacher.predict(X);
  const pb = await b.teacher.predict(X);
  assert.deepEqual(pa.data, pb.data);
  assert.deepEqual(pa.shape, [300, 1]);
  const c = await trainTeacher('mlp', X, y, { ...opts, seed: 4 });
  assert.notDeepEqual(c.history, a.history);
  for (const r of [a, b, c]) r.teacher.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('lstm: training reduces the loss on a tiny sequence problem; explicit validation set; 2 outputs', async () => {
  const tr = data(2, 160, [10], linear);
  const va = data(3, 40, [10], linear);
  const two = (d: { X: NdArray; y: NdArray }) => {
    const n = d.y.shape[0];
    const y2 = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      y2[2 * i] = d.y.data[i];
      y2[2 * i + 1] = -0.5 * d.y.data[i] + 1;
    }
    return { X: d.X, y: ndarray(y2, [n, 2]) };
  };
  const t2 = two(tr);
  const r = await trainTeacher('lstm', t2.X, t2.y, { seed: 1, epochs: 8, batchSize: 16, learningRate: 1e-2, hidden: 8, validation: two(va) });
  assert.ok(r.history[7].trainLoss < 0.5 * r.history[0].trainLoss, JSON.stringify(r.history));
  const pred = await r.teacher.predict(va.X);
  assert.deepEqual(pred.shape, [40, 2]);
  assert.ok(Math.abs(r2Score(two(va).y, pred) - r.valR2!) < 1e-12);
  assert.ok(r.valR2! > 0.5, `valR2 ${r.valR2}`);
  r.teacher.dispose();
});

test('cnn: trains on wasm (needs the registered Conv2DBackpropFilter) and matches cpu training', async () => {
  // A translation-invariant target the global-average-pooled CNN can learn: mean of x^2.
  const { X, y } = data(4, 48, [8, 8], (x) => x.reduce((a, v) => a + v * v, 0) / x.length);
  const opts: TrainOptions = { seed: 2, epochs: 4, batchSize: 12, learningRate: 1e-2, channels: [4, 6], validationFraction: 0.25 };
  const w = await trainTeacher('cnn', X, y, { ...opts, backend: 'wasm' });
  assert.ok(w.history[3].trainLoss < w.history[0].trainLoss, JSON.stringify(w.history));
  const c = await trainTeacher('cnn', X, y, { ...opts, backend: 'cpu' });
  // Same seed: the same initial weights and batches on both backends; float32 differences only.
  for (let e = 0; e < 4; e++) {
    const rel = Math.abs(w.history[e].trainLoss - c.history[e].trainLoss) / c.history[e].trainLoss;
    assert.ok(rel < 1e-3, `epoch ${e + 1}: wasm ${w.history[e].trainLoss} cpu ${c.history[e].trainLoss}`);
  }
  w.teacher.dispose();
  c.teacher.dispose();
});

test('trainTeacher: clear errors for bad shapes and options', async () => {
  const { X, y } = data(5, 20, [6], linear);
  await assert.rejects(trainTeacher('mlp', X, ndarray(new Float64Array(19), [19])), /training X has 20 samples but y has 19/);
  await assert.rejects(trainTeacher('cnn', X, y), /a cnn teacher takes one-channel images \(inputShape \[H, W\]\), got \[6\]/);
  await assert.rejects(trainTeacher('rnn' as never, X, y), /unknown teacher kind 'rnn'/);
  await assert.rejects(trainTeacher('mlp', X, y, { batchSize: 0 }), /batchSize must be a positive integer/);
  await assert.rejects(trainTeacher('lstm', X, y, { hidden: [3, 3] }), /lstm takes one hidden size/);
  const bad = ndarray(X.data.slice(), X.shape);
  bad.data[7] = NaN;
  await assert.rejects(trainTeacher('mlp', bad, y), /training X contains NaN at flat index 7/);
  const va = data(6, 5, [7], linear);
  await assert.rejects(trainTeacher('mlp', X, y, { validation: va }), /validation X has per-sample shape \[7\] but the training data has \[6\]/);
  await assert.rejects(trainTeacher('mlp', X, y, { learningRate: 1e6, epochs: 3, batchSize: 4 }), /training loss became/);
  assert.equal(tf.memory().numTensors, 0);
});
