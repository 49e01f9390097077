import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RidgeRegression, ridgeCV } from '../../src/predictors/linear.ts';
import { symmetricEigen } from '../../src/predictors/eigen.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('ridge with alpha 0 on a hand case equals least squares', () => {
  // y = 1 + 2x fits exactly.
  const X = ndarray(new Float64Array([0, 1, 2, 3]), [4, 1]);
  const m = new RidgeRegression({ alpha: 0 }).fit(X, [1, 3, 5, 7]);
  close(m.coef[0], 2);
  close(m.intercept, 1);
  // Not exact: y = [0, 1, 1, 3] at x = 0..3 → slope = Sxy/Sxx = 4.5/5 = 0.9, intercept 1.25 − 1.35 = −0.1.
  const m2 = new RidgeRegression({ alpha: 0 }).fit(X, [0, 1, 1, 3]);
  close(m2.coef[0], 0.9);
  close(m2.intercept, -0.1);
});

test('ridge on a hand case: standardised penalty, coefficients on the original scale', () => {
  // x = 0..3: mean 1.5, population std sqrt(1.25); z'z = 4 (n = 4 standardised), z'y_c = Sxy/std.
  const X = ndarray(new Float64Array([0, 1, 2, 3]), [4, 1]);
  const y = [0, 1, 1, 3];
  const alpha = 2;
  const std = Math.sqrt(1.25);
  const beta = (4.5 / std) / (4 + alpha);
  const m = new RidgeRegression({ alpha }).fit(X, y);
  close(m.coef[0], beta / std);
  close(m.intercept, 1.25 - 1.5 * (beta / std));
});

test('ridge recovers known coefficients on noiseless data (alpha → 0) and matches the normal equations', () => {
  const rng = new Rng(11);
  const n = 60;
  const p = 5;
  const X = ndarray(rng.fillNormal(new Float64Array(n * p)), [n, p]);
  for (let i = 0; i < n; i++) X.data[i * p + 2] = 100 + 30 * X.data[i * p + 2]; // different scale
  const trueCoef = [1.5, -2, 0.03, 0, 4];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = -3;
    for (let j = 0; j < p; j++) y[i] += trueCoef[j] * X.data[i * p + j];
  }
  for (const alpha of [0, 1e-10]) {
    const m = new RidgeRegression({ alpha }).fit(X, y);
    for (let j = 0; j < p; j++) close(m.coef[j], trueCoef[j], 1e-7);
    close(m.intercept, -3, 1e-6);
    const pred = m.predict(X);
    for (let i = 0; i < n; i++) close(pred[i], y[i], 1e-7);
  }
});

test('alpha 0 with a duplicated and a constant column gives the minimum-norm least-squares fit', () => {
  const X = ndarray(new Float64Array([0, 0, 5, 1, 1, 5, 2, 2, 5, 3, 3, 5]), [4, 3]);
  const m = new RidgeRegression({ alpha: 0 }).fit(X, [1, 3, 5, 7]);
  close(m.coef[0], 1);
  close(m.coef[1], 1);
  close(m.coef[2], 0);
  close(m.intercept, 1);
});

test('larger alpha shrinks coefficients', () => {
  const rng = new Rng(2);
  const n = 50;
  const X = ndarray(rng.fillNormal(new Float64Array(n * 3)), [n, 3]);
  const y = Float64Array.from({ length: n }, (_, i) => X.data[i * 3] + rng.normal());
  const norms = [0, 1, 10, 100, 1e4].map((alpha) => {
    const c = new RidgeRegression({ alpha }).fit(X, y).coef;
    return Math.hypot(...c);
  });
  for (let i = 1; i < norms.length; i++) assert.ok(norms[i] < norms[i - 1]);
});

test('symmetricEigen reconstructs a symmetric matrix', () => {
  const A = [4, 1, -2, 1, 3, 0.5, -2, 0.5, 1];
  const { values: w, vectors: v } = symmetricEigen(Float64Array.from(A), 3);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += v[i * 3 + k] * w[k] * v[j * 3 + k];
      close(s, A[i * 3 + j], 1e-12);
    }
  }
});

test('ridgeCV: picks small alpha for clean signal, large alpha for pure noise; deterministic under a seed', () => {
  const rng = new Rng(9);
  const n = 100;
  const p = 10;
  const X = ndarray(rng.fillNormal(new Float64Array(n * p)), [n, p]);
  const ySignal = Float64Array.from({ length: n }, (_, i) => 2 * X.data[i * p] - X.data[i * p + 1] + 0.01 * rng.normal());
  const yNoise = Float64Array.from({ length: n }, () => rng.normal());
  const alphas = [1e-3, 1e-1, 10, 1e3, 1e5];
  const a = ridgeCV(X, ySignal, { alphas, seed: 1 });
  assert.ok(a.alpha <= 0.1, `alpha ${a.alpha}`);
  assert.equal(a.scores.length, alphas.length);
  assert.equal(a.scores[0].foldMse.length, 5);
  const b = ridgeCV(X, yNoise, { alphas, seed: 1 });
  assert.ok(b.alpha >= 1e3, `alpha ${b.alpha}`);
  const again = ridgeCV(X, yNoise, { alphas, seed: 1 });
  assert.deepEqual(again.scores, b.scores);
  // The refit uses all training rows with the chosen alpha.
  const refit = new RidgeRegression({ alpha: a.alpha }).fit(X, ySignal);
  assert.deepEqual([...refit.coef], [...a.model.coef]);
});

test('bad inputs are errors', () => {
  const X = ndarray(new Float64Array([1, 2, 3]), [3, 1]);
  assert.throws(() => new RidgeRegression({ alpha: -1 }), /alpha must be/);
  assert.throws(() => new RidgeRegression().fit(X, [1, 2]), /3 rows but y has 2/);
  assert.throws(() => new RidgeRegression().fit(X, [1, NaN, 2]), /NaN/);
  assert.throws(() => new RidgeRegression().predict(X), /not fitted/);
});
