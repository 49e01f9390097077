/**
 * The teacher-training options of issue 11.4: early stopping with the best weights restored, a
 * validation seed apart from the init seed, k-fold CV, learning-rate schedules, weight decay,
 * dropout, rotation/flip augmentation, and the training curve in the saved file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { crossValidateTeacher, loadTeacher, meanSquaredError, r2Score, trainTeacher } from '../../src/teachers/index.ts';
import { symmetryOf } from '../../src/teachers/train.ts';
import { Rng } from '../../src/util/rng.ts';
import { ndarray, takeRows, type NdArray } from '../../src/util/ndarray.ts';

function noisy(seed: number, n: number, d: number, noise: number): { X: NdArray; y: NdArray } {
  const rng = new Rng(seed);
  const X = ndarray(rng.fillNormal(new Float64Array(n * d)), [n, d]);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += Math.sin(0.9 * j) * X.data[i * d + j];
    y[i] = s + noise * rng.normal();
  }
  return { X, y: ndarray(y, [n]) };
}

test('early stopping: the returned weights are the best validation epoch\'s, not the last', async () => {
  // Few noisy samples and a wide net at a high rate: the validation loss rises again (overfitting).
  const { X, y } = noisy(1, 60, 12, 1.0);
  const opts = { seed: 2, valSeed: 5, epochs: 60, batchSize: 8, learningRate: 1e-2, hidden: [64, 64], validationFraction: 0.3 };
  const best = await trainTeacher('mlp', X, y, { ...opts, patience: 15 });
  const last = await trainTeacher('mlp', X, y, { ...opts, restoreBest: false });
  const losses = best.history.map((h) => h.valLoss!);
  const minLoss = Math.min(...losses);
  assert.ok(best.bestEpoch >= 1 && best.bestEpoch < best.history.length, `best epoch ${best.bestEpoch} of ${best.history.length}`);
  assert.equal(best.history[best.bestEpoch - 1].valLoss, minLoss);
  assert.ok(best.stoppedEarly, 'patience 15 ends before 60 epochs here');
  assert.equal(best.history.length, best.bestEpoch + 15);
  // The returned model's validation loss, recomputed from its predictions, is the best epoch's.
  const va = best.validationIndices;
  const Xva = takeRows(X, va);
  const yva = takeRows(y, va);
  const mse = meanSquaredError(yva, await best.teacher.predict(Xva));
  assert.equal(mse, minLoss);
  assert.equal(best.valLoss, minLoss);
  assert.equal(best.valR2, r2Score(yva, await best.teacher.predict(Xva)));
  // Without restoring, the model is the last epoch's, whose validation loss is higher here.
  assert.equal(last.history.length, 60);
  assert.equal(last.bestEpoch, 60);
  const mseLast = meanSquaredError(takeRows(y, last.validationIndices), await last.teacher.predict(takeRows(X, last.validationIndices)));
  assert.equal(mseLast, last.history[59].valLoss);
  assert.ok(mseLast > Math.min(...last.history.map((h) => h.valLoss!)));
  best.teacher.dispose();
  last.teacher.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('valSeed: the validation split does not depend on the init seed', async () => {
  const { X, y } = noisy(3, 50, 6, 0.1);
  const base = { epochs: 1, batchSize: 10, hidden: [4], validationFraction: 0.2 };
  const a = await trainTeacher('mlp', X, y, { ...base, seed: 1, valSeed: 7 });
  const b = await trainTeacher('mlp', X, y, { ...base, seed: 2, valSeed: 7 });
  const c = await trainTeacher('mlp', X, y, { ...base, seed: 1, valSeed: 8 });
  assert.equal(a.validationIndices.length, 10);
  assert.deepEqual(a.validationIndices, b.validationIndices);
  assert.notDeepEqual(a.validationIndices, c.validationIndices);
  assert.notDeepEqual(a.teacher.getWeights()[0], b.teacher.getWeights()[0], 'the init seed still changes the weights');
  // Without valSeed the split follows the seed (earlier versions' behaviour).
  const d = await trainTeacher('mlp', X, y, { ...base, seed: 1 });
  const e = await trainTeacher('mlp', X, y, { ...base, seed: 2 });
  assert.notDeepEqual(d.validationIndices, e.validationIndices);
  for (const r of [a, b, c, d, e]) r.teacher.dispose();
});

test('crossValidateTeacher: k held-out scores, each the score of a model trained without its fold', async () => {
  const { X, y } = noisy(4, 60, 6, 0.2);
  const opts = { seed: 1, epochs: 15, batchSize: 10, learningRate: 1e-2, hidden: [8], validationFraction: 0, folds: 3 };
  const cv = await crossValidateTeacher('mlp', X, y, opts);
  assert.equal(cv.folds, 3);
  assert.equal(cv.r2.length, 3);
  assert.equal(cv.rmse.length, 3);
  assert.ok(Math.abs(cv.r2Mean - (cv.r2[0] + cv.r2[1] + cv.r2[2]) / 3) < 1e-15);
  const sd = Math.sqrt(cv.r2.reduce((a, v) => a + (v - cv.r2Mean) ** 2, 0) / 2);
  assert.ok(Math.abs(cv.r2Std - sd) < 1e-15);
  assert.ok(cv.r2Mean > 0.5, `R² ${cv.r2}`);
  // Fold 0 by hand: the same permutation and training options give the same held-out R².
  const perm = new Rng(1).fork().permutation(60);
  const test0 = Array.from(perm.subarray(0, 20)).sort((a, b) => a - b);
  const train0 = Array.from(perm.subarray(20)).sort((a, b) => a - b);
  const { folds: _folds, ...trainOpts } = opts;
  const m0 = await trainTeacher('mlp', takeRows(X, train0), takeRows(y, train0), trainOpts);
  assert.equal(r2Score(takeRows(y, test0), await m0.teacher.predict(takeRows(X, test0))), cv.r2[0]);
  m0.teacher.dispose();
  // Through trainTeacher: the estimate comes with the final model and is saved with it.
  const r = await trainTeacher('mlp', X, y, { ...trainOpts, cv: 3 });
  assert.deepEqual(r.cv, cv);
  const dir = mkdtempSync(join(tmpdir(), 'awd-cv-'));
  try {
    await r.teacher.save(dir);
    const back = await loadTeacher(dir);
    assert.deepEqual(back.training.cv, cv);
    back.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  r.teacher.dispose();
  await assert.rejects(crossValidateTeacher('mlp', X, y, { folds: 1 }), /folds must be an integer >= 2/);
  await assert.rejects(crossValidateTeacher('mlp', takeRows(X, [0, 1, 2]), takeRows(y, [0, 1, 2]), { folds: 2 }), /needs at least 4 samples/);
});

test('learning-rate schedules, weight decay and dropout', async () => {
  const { X, y } = noisy(5, 40, 6, 0.1);
  const base = { seed: 1, epochs: 6, batchSize: 10, learningRate: 1e-2, hidden: [8], validationFraction: 0.25, restoreBest: false };
  const cos = await trainTeacher('mlp', X, y, { ...base, lrSchedule: 'cosine', lrMinFactor: 0.1 });
  const lrs = cos.history.map((h) => h.learningRate!);
  assert.equal(lrs[0], 1e-2);
  for (let i = 1; i < lrs.length; i++) assert.ok(lrs[i] < lrs[i - 1], `cosine rates ${lrs}`);
  assert.ok(lrs[5] > 1e-3);
  const step = await trainTeacher('mlp', X, y, { ...base, lrSchedule: 'step', lrStepEpochs: 2, lrStepFactor: 0.5 });
  assert.deepEqual(step.history.map((h) => h.learningRate), [1e-2, 1e-2, 5e-3, 5e-3, 2.5e-3, 2.5e-3]);
  const plain = await trainTeacher('mlp', X, y, base);
  assert.ok(plain.history.every((h) => h.learningRate === 1e-2));
  const norm = (r: typeof plain) => r.teacher.getWeights()[0].reduce((a, v) => a + v * v, 0);
  const wd = await trainTeacher('mlp', X, y, { ...base, weightDecay: 0.1 });
  assert.ok(norm(wd) < 0.9 * norm(plain), `kernel norms ${norm(wd)} vs ${norm(plain)}`);
  const dr = await trainTeacher('mlp', X, y, { ...base, dropout: 0.5 });
  assert.notDeepEqual(dr.history, plain.history);
  const dr2 = await trainTeacher('mlp', X, y, { ...base, dropout: 0.5 });
  assert.deepEqual(dr2.history, dr.history, 'dropout masks come from the seed');
  const p1 = await dr.teacher.predict(X);
  const p2 = await dr.teacher.predict(X);
  assert.deepEqual(p1.data, p2.data, 'no dropout at prediction');
  for (const r of [cos, step, plain, wd, dr, dr2]) r.teacher.dispose();
  await assert.rejects(trainTeacher('mlp', X, y, { dropout: 1 }), /dropout must be in \[0, 1\)/);
  await assert.rejects(trainTeacher('mlp', X, y, { lrSchedule: 'linear' as never }), /lrSchedule must be/);
  await assert.rejects(trainTeacher('mlp', X, y, { patience: 3, validationFraction: 0 }), /patience \(early stopping\) needs a validation set/);
  await assert.rejects(trainTeacher('mlp', X, y, { augment: 'd4' }), /augment 'd4' is for cnn teachers/);
  await assert.rejects(trainTeacher('cnn', ndarray(new Float64Array(40 * 12), [40, 4, 3]), y, { augment: 'd4' }), /needs square maps/);
});

test('symmetryOf: the 8 symmetries of a square are distinct permutations; flips are involutions', () => {
  const n = 5;
  const src = Float32Array.from({ length: n * n }, (_, i) => i);
  const seen = new Set<string>();
  for (let t = 0; t < 8; t++) {
    const dst = new Float32Array(n * n);
    symmetryOf(src, dst, n, n, t);
    assert.deepEqual(Array.from(dst).sort((a, b) => a - b), Array.from(src));
    seen.add(dst.join(','));
    if (t < 4) {
      const back = new Float32Array(n * n);
      symmetryOf(dst, back, n, n, t);
      assert.deepEqual(back, src);
    }
  }
  assert.equal(seen.size, 8);
  const dst = new Float32Array(n * n);
  symmetryOf(src, dst, n, n, 4); // transpose
  assert.equal(dst[1 * n + 0], src[0 * n + 1]);
});

test('cnn with d4 augmentation trains reproducibly; the saved file holds the curve and is byte-identical', async () => {
  const rng = new Rng(9);
  const n = 40;
  const X = ndarray(rng.fillNormal(new Float64Array(n * 8 * 8)), [n, 8, 8]);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < 64; j++) s += X.data[i * 64 + j] ** 2;
    y[i] = s / 64;
  }
  const opts = { seed: 3, valSeed: 1, epochs: 3, batchSize: 10, learningRate: 1e-2, channels: [4], augment: 'd4' as const, lrSchedule: 'cosine' as const, patience: 2 };
  const a = await trainTeacher('cnn', X, ndarray(y, [n]), opts);
  const b = await trainTeacher('cnn', X, ndarray(y, [n]), opts);
  const c = await trainTeacher('cnn', X, ndarray(y, [n]), { ...opts, augment: 'none' });
  assert.deepEqual(a.history, b.history);
  assert.notDeepEqual(a.history, c.history, 'augmentation changes the batches');
  const d1 = mkdtempSync(join(tmpdir(), 'awd-t1-'));
  const d2 = mkdtempSync(join(tmpdir(), 'awd-t2-'));
  try {
    await a.teacher.save(d1);
    await b.teacher.save(d2);
    const j1 = readFileSync(join(d1, 'teacher.json'));
    assert.deepEqual(j1, readFileSync(join(d2, 'teacher.json')));
    assert.deepEqual(readFileSync(join(d1, 'weights.bin')), readFileSync(join(d2, 'weights.bin')));
    const file = JSON.parse(j1.toString());
    assert.deepEqual(file.training.history, a.history);
    assert.equal(file.training.bestEpoch, a.bestEpoch);
    assert.equal(file.training.augment, 'd4');
    assert.equal(file.training.valSeed, 1);
  } finally {
    rmSync(d1, { recursive: true, force: true });
    rmSync(d2, { recursive: true, force: true });
  }
  for (const r of [a, b, c]) r.teacher.dispose();
});
