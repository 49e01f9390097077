import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitOnTrainPredictTest, kFold } from '../../src/predictors/crossValidation.ts';
import { ridgeCV } from '../../src/predictors/linear.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';

test('kFold: test parts partition 0..n-1, train is the complement, sizes differ by at most one', () => {
  const n = 23;
  const k = 5;
  const folds = kFold(n, k, 7);
  assert.equal(folds.length, k);
  const seen = new Uint8Array(n);
  for (const f of folds) {
    assert.equal(f.train.length + f.test.length, n);
    assert.ok(f.test.length === 4 || f.test.length === 5);
    const inTest = new Set(f.test);
    for (const i of f.train) assert.ok(!inTest.has(i), 'train and test overlap');
    assert.equal(new Set([...f.train, ...f.test]).size, n);
    for (const i of f.test) seen[i]++;
    for (let i = 1; i < f.test.length; i++) assert.ok(f.test[i] > f.test[i - 1]);
  }
  assert.ok(seen.every((c) => c === 1), 'every index is in exactly one test fold');
});

test('kFold: seeded determinism', () => {
  const a = kFold(50, 5, 3);
  const b = kFold(50, 5, 3);
  const c = kFold(50, 5, 4);
  assert.deepEqual(a.map((f) => [...f.test]), b.map((f) => [...f.test]));
  assert.notDeepEqual(a.map((f) => [...f.test]), c.map((f) => [...f.test]));
  assert.throws(() => kFold(4, 5, 0), /Error in kFold/);
});

function noisyLinear(n: number, seed: number): { X: ReturnType<typeof ndarray>; y: Float64Array } {
  const rng = new Rng(seed);
  const p = 8;
  const X = ndarray(rng.fillNormal(new Float64Array(n * p)), [n, p]);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = X.data[i * p] - 0.5 * X.data[i * p + 3] + 0.8 * rng.normal();
  }
  return { X, y };
}

test('model selection never sees the held-out set: a poisoned test set leaves alpha and the model unchanged', () => {
  const train = noisyLinear(120, 1);
  const clean = noisyLinear(40, 2);
  const poisoned = { X: ndarray(clean.X.data.map((v) => v * 1e6 + 1e9), clean.X.shape), y: clean.y.map(() => 1e12) };
  const select = (X: typeof train.X, y: Float64Array) => {
    const r = ridgeCV(X, y, { seed: 5, alphas: [0.01, 0.1, 1, 10, 100, 1000] });
    chosen.push(r.alpha);
    return r.model;
  };
  const chosen: number[] = [];
  const a = fitOnTrainPredictTest(train, clean, select);
  const b = fitOnTrainPredictTest(train, poisoned, select);
  assert.equal(chosen[0], chosen[1]);
  assert.deepEqual([...a.model.coef], [...b.model.coef]);
  assert.equal(a.model.intercept, b.model.intercept);
  // ridgeCV alone on the training data picks the same alpha too.
  assert.equal(ridgeCV(train.X, train.y, { seed: 5, alphas: [0.01, 0.1, 1, 10, 100, 1000] }).alpha, chosen[0]);
  assert.equal(b.testPredictions.length, 40);
});
