// The lasso path and logistic regression of the distilled predictor's heads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kFold } from '../../src/predictors/crossValidation.ts';
import { fitLasso, lassoCV, lassoPredict } from '../../src/predictors/lasso.ts';
import { columnStats, fitLogistic, lbfgs, logisticCV, logisticPredict, logisticProba } from '../../src/predictors/logistic.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';

function data(n: number, p: number, seed: number) {
  const rng = new Rng(seed);
  const X = ndarray(new Float64Array(n * p).map(() => rng.normal()), [n, p]);
  return { X, rng };
}

test('lassoCV recovers a sparse support and predicts well', () => {
  const n = 200, p = 20;
  const { X, rng } = data(n, p, 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = 3 * X.data[i * p + 2] - 2 * X.data[i * p + 7] + 0.1 * rng.normal() + 5;
  const r = lassoCV(X, y, kFold(n, 5, 0));
  const nz = Array.from(r.model.coef).map((c, j) => (Math.abs(c) > 0.05 ? j : -1)).filter((j) => j >= 0);
  assert.deepEqual(nz, [2, 7]);
  assert.ok(Math.abs(r.model.intercept - 5) < 0.1);
  const pred = lassoPredict(r.model, X);
  let s = 0;
  for (let i = 0; i < n; i++) s += (pred[i] - y[i]) ** 2;
  assert.ok(s / n < 0.05);
});

test('fitLasso: the KKT conditions hold at the solution (|Zᵀr|/n ≤ α off the support, = α·sign on it)', () => {
  const n = 120, p = 8;
  const { X, rng } = data(n, p, 5);
  const y = new Float64Array(n).map((_, i) => X.data[i * p] - 0.5 * X.data[i * p + 3] + rng.normal());
  const alpha = 0.05;
  const m = fitLasso(X, y, alpha, { tol: 1e-12, maxSweeps: 100000 });
  // Standardised residual correlations.
  const mean = new Float64Array(p), std = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) mean[j] += X.data[i * p + j] / n;
    for (let i = 0; i < n; i++) std[j] += (X.data[i * p + j] - mean[j]) ** 2 / n;
    std[j] = Math.sqrt(std[j]);
  }
  const pred = lassoPredict(m, X);
  for (let j = 0; j < p; j++) {
    let g = 0;
    for (let i = 0; i < n; i++) g += ((X.data[i * p + j] - mean[j]) / std[j]) * (y[i] - pred[i]) / n;
    const b = m.coef[j] * std[j];
    if (b === 0) assert.ok(Math.abs(g) <= alpha + 1e-8, `feature ${j}: |g| ${Math.abs(g)}`);
    else assert.ok(Math.abs(g - alpha * Math.sign(b)) < 1e-6, `feature ${j}: g ${g}`);
  }
});

test('lbfgs minimises a quadratic', () => {
  const x = new Float64Array([5, -3, 2]);
  const r = lbfgs((v, g) => {
    g[0] = 2 * (v[0] - 1); g[1] = 20 * (v[1] + 2); g[2] = 2 * v[2];
    return (v[0] - 1) ** 2 + 10 * (v[1] + 2) ** 2 + v[2] ** 2;
  }, x, { tol: 1e-10 });
  assert.ok(r.value < 1e-12);
  assert.ok(Math.abs(x[0] - 1) < 1e-6 && Math.abs(x[1] + 2) < 1e-6);
});

test('logistic regression: gradient at the optimum is zero (first-order condition), three classes', () => {
  const n = 150, p = 3;
  const { X, rng } = data(n, p, 9);
  const y = new Float64Array(n).map((_, i) => {
    const s = [X.data[i * p], X.data[i * p + 1], -X.data[i * p] - X.data[i * p + 1]].map((v) => v + 0.5 * rng.normal());
    return s.indexOf(Math.max(...s));
  });
  const m = fitLogistic(X, y, 0.1);
  const P = logisticProba(m, X);
  // Intercept gradient: Σ_i (p_ik − [y_i = k]) / n = 0 at the optimum (unpenalised).
  for (let k = 0; k < 3; k++) {
    let g = 0;
    for (let i = 0; i < n; i++) g += P[i * 3 + k] - (y[i] === k ? 1 : 0);
    assert.ok(Math.abs(g / n) < 1e-5, `class ${k}: ${g / n}`);
  }
  const r = logisticCV(X, y, kFold(n, 5, 1));
  const acc = logisticPredict(r.model, X).reduce((a, v, i) => a + (v === y[i] ? 1 : 0), 0) / n;
  assert.ok(acc > 0.7, `accuracy ${acc}`);
  assert.throws(() => logisticCV(X, new Float64Array(n), kFold(n, 5, 1)), /only one class/);
});

test('L1 logistic regression: the KKT conditions hold (|∂CE/∂w| ≤ α off the support, = −α·sign on it), sparser as α grows; CV picks a sparse model', () => {
  const n = 200, p = 12;
  const { X, rng } = data(n, p, 21);
  // Three classes driven by features 0 and 1 only.
  const y = new Float64Array(n).map((_, i) => {
    const s = [X.data[i * p], X.data[i * p + 1], -X.data[i * p] - X.data[i * p + 1]].map((v) => v + 0.3 * rng.normal());
    return s.indexOf(Math.max(...s));
  });
  const { mean, std } = columnStats(X);
  const nonzeros: number[] = [];
  for (const alpha of [0.1, 0.03, 0.01]) {
    const m = fitLogistic(X, y, alpha, undefined, 'l1');
    assert.equal(m.penalty, 'l1');
    const P = logisticProba(m, X);
    let nz = 0;
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < p; j++) {
        let g = 0;
        for (let i = 0; i < n; i++) g += (P[i * 3 + k] - (y[i] === k ? 1 : 0)) * (X.data[i * p + j] - mean[j]) / std[j];
        g /= n;
        const w = m.coef[k * p + j] * std[j]; // the weight on the standardised feature
        if (w === 0) assert.ok(Math.abs(g) <= alpha + 1e-6, `α ${alpha}, class ${k}, feature ${j}: |g| ${Math.abs(g)} > α off the support`);
        else {
          nz++;
          assert.ok(Math.abs(g + alpha * Math.sign(w)) < 1e-5, `α ${alpha}, class ${k}, feature ${j}: g ${g}, w ${w}`);
        }
      }
    }
    nonzeros.push(nz);
  }
  assert.ok(nonzeros[0] < nonzeros[2], `nonzeros at α = 0.1, 0.03, 0.01: ${nonzeros.join(', ')}`);
  assert.ok(nonzeros[0] <= 6, `α = 0.1 keeps only the informative features' weights, got ${nonzeros[0]}`);
  const r = logisticCV(X, y, kFold(n, 5, 1), undefined, 'l1');
  const acc = logisticPredict(r.model, X).reduce((a, v, i) => a + (v === y[i] ? 1 : 0), 0) / n;
  assert.ok(acc > 0.8, `accuracy ${acc}`);
  assert.ok(Array.from(r.model.coef).filter((v) => v !== 0).length < 3 * p, 'the chosen model is sparse');
});

test('ridge in dual form (more features than samples) equals the primal ridgeCV', async () => {
  const { ridgeCVDual } = await import('../../src/distill/heads.ts');
  const { ridgeCV, defaultAlphas } = await import('../../src/predictors/linear.ts');
  const n = 24, p = 40;
  const { X, rng } = data(n, p, 12);
  const y = new Float64Array(n).map((_, i) => X.data[i * p + 3] - X.data[i * p + 17] + 0.1 * rng.normal());
  const folds = kFold(n, 4, 2);
  const dual = ridgeCVDual(X, y, folds, defaultAlphas());
  const primal = ridgeCV(X, y, { splits: folds });
  assert.equal(dual.alpha, primal.alpha);
  const best = primal.scores.find((s) => s.alpha === primal.alpha)!;
  assert.ok(Math.abs(dual.meanMse - best.meanMse) < 1e-8 * best.meanMse, `${dual.meanMse} vs ${best.meanMse}`);
  for (let j = 0; j < p; j++) assert.ok(Math.abs(dual.coef[j] - primal.model.coef[j]) < 1e-8, `coef ${j}`);
  assert.ok(Math.abs(dual.intercept - primal.model.intercept) < 1e-8);
});
