/**
 * The linear heads of the distilled predictor, each with its regularisation chosen by
 * cross-validation on the given (training) folds, and one score per head on the same folds:
 * regression — CV R² = 1 − (mean held-out MSE at the chosen penalty) / Var(y); classification —
 * mean held-out accuracy at the chosen penalty.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';
import type { Fold } from '../predictors/crossValidation.ts';
import { defaultAlphas, ridgeCV } from '../predictors/linear.ts';
import { symmetricEigen } from '../predictors/eigen.ts';
import { lassoCV } from '../predictors/lasso.ts';
import { columnStats, logisticCV, logisticProba, logisticPredict, type LogisticModel } from '../predictors/logistic.ts';

export type Task = 'regression' | 'classification';
/**
 * ridge: L2, α by CV; ols: unregularised least squares; lasso: L1 path by CV; logistic: L2
 * multinomial, α by CV; l1logistic: L1 multinomial (sparse weights), α by CV.
 */
export type HeadKind = 'ridge' | 'ols' | 'lasso' | 'logistic' | 'l1logistic';

/** A fitted linear head on the original feature scale (plain data, stored in the model file). */
export interface LinearHead {
  kind: HeadKind;
  task: Task;
  /** Regression: p weights. Classification: K × p (row-major), K = classes.length. */
  coef: number[];
  /** Regression: one value; classification: K values. */
  intercept: number[];
  alpha: number;
  /** Classification only: the labels. */
  classes?: number[];
  /** Mean and std of each feature column on the training data (the head standardises inside). */
  featureMean: number[];
  featureStd: number[];
}

/** A head with its cross-validated score on the training folds. */
export interface ScoredHead {
  head: LinearHead;
  /** CV R² (regression) or CV accuracy (classification). */
  cvScore: number;
}

function variance(y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) m += y[i];
  m /= y.length;
  let v = 0;
  for (let i = 0; i < y.length; i++) v += (y[i] - m) ** 2;
  return v / y.length;
}

/** The head kind a family uses for a task (`maxcoef-ref` → unregularised least squares, the reference's). */
export function headFor(family: string, task: Task): HeadKind {
  // The position-keeping family over all coefficients needs a sparse head to stay readable.
  if (task === 'classification') return family === 'coefficients' ? 'l1logistic' : 'logistic';
  if (family === 'maxcoef-ref') return 'ols';
  if (family === 'coefficients') return 'lasso';
  return 'ridge';
}

/** Fits a head of the given kind with CV on `folds`; the model is refitted on all rows. */
export function fitHeadCV(kind: HeadKind, task: Task, F: NdArray, y: ArrayLike<number>, folds: Fold[]): ScoredHead {
  const where = 'fitHeadCV';
  const stats = columnStats(F);
  const featureMean = Array.from(stats.mean);
  const featureStd = Array.from(stats.std);
  if (task === 'classification') {
    if (kind !== 'logistic' && kind !== 'l1logistic') throw new AwdError(where, `a classification head must be logistic or l1logistic, got ${kind}`);
    const r = logisticCV(F, y, folds, undefined, kind === 'l1logistic' ? 'l1' : 'l2');
    const best = r.scores.find((s) => s.alpha === r.alpha)!;
    return { head: { kind, task, coef: Array.from(r.model.coef), intercept: Array.from(r.model.intercept), alpha: r.alpha, classes: r.model.classes, featureMean, featureStd }, cvScore: best.accuracy };
  }
  const v = variance(y);
  if (kind === 'lasso') {
    const r = lassoCV(F, y, folds);
    const best = r.scores.find((s) => s.alpha === r.alpha)!;
    return { head: { kind, task, coef: Array.from(r.model.coef), intercept: [r.model.intercept], alpha: r.alpha, featureMean, featureStd }, cvScore: v > 0 ? 1 - best.meanMse / v : 0 };
  }
  if (kind !== 'ridge' && kind !== 'ols') throw new AwdError(where, `a regression head must be ridge, ols or lasso, got ${kind}`);
  if (F.shape[1] > F.shape[0]) {
    // More features than samples (e.g. raw pixels of maps): the same ridge in its dual form.
    const r = ridgeCVDual(F, y, folds, kind === 'ols' ? [0] : defaultAlphas());
    return { head: { kind, task, coef: Array.from(r.coef), intercept: [r.intercept], alpha: r.alpha, featureMean, featureStd }, cvScore: v > 0 ? 1 - r.meanMse / v : 0 };
  }
  const r = ridgeCV(F, y, { splits: folds, alphas: kind === 'ols' ? [0] : undefined });
  const best = r.scores.find((s) => s.alpha === r.alpha)!;
  return { head: { kind, task, coef: Array.from(r.model.coef), intercept: [r.model.intercept], alpha: r.alpha, featureMean, featureStd }, cvScore: v > 0 ? 1 - best.meanMse / v : 0 };
}

function logisticOf(h: LinearHead): LogisticModel {
  return { classes: h.classes!, coef: Float64Array.from(h.coef), intercept: Float64Array.from(h.intercept), alpha: h.alpha };
}

/** Predictions of a head: values (regression) or labels (classification). */
export function headPredict(h: LinearHead, F: NdArray): Float64Array {
  if (h.task === 'classification') return logisticPredict(logisticOf(h), F);
  const p = h.coef.length;
  if (F.shape.length !== 2 || F.shape[1] !== p) throw new AwdError('headPredict', `features must be n × ${p}, got shape [${F.shape.join(', ')}]`);
  const n = F.shape[0];
  const out = new Float64Array(n);
  const b = h.intercept[0];
  for (let i = 0; i < n; i++) {
    let s = b;
    for (let j = 0; j < p; j++) s += F.data[i * p + j] * h.coef[j];
    out[i] = s;
  }
  return out;
}

/** Class probabilities (n × K, flat) of a classification head. */
export function headProba(h: LinearHead, F: NdArray): Float64Array {
  if (h.task !== 'classification') throw new AwdError('headProba', 'probabilities need a classification head');
  return logisticProba(logisticOf(h), F);
}

/** Number of nonzero weights (a measure of how readable the head is). */
export function headNonzeros(h: LinearHead): number {
  return h.coef.reduce((a, c) => a + (c !== 0 ? 1 : 0), 0);
}

/** Standardised rows (n_rows × p) with the given column stats. */
function standardRows(F: NdArray, rows: ArrayLike<number>, mean: Float64Array, std: Float64Array): Float64Array {
  const p = F.shape[1];
  const Z = new Float64Array(rows.length * p);
  for (let r = 0; r < rows.length; r++) for (let j = 0; j < p; j++) Z[r * p + j] = (F.data[rows[r] * p + j] - mean[j]) / std[j];
  return Z;
}

/** A·Bᵀ for row-major A (m × p) and B (k × p). */
function mulABt(A: Float64Array, m: number, B: Float64Array, k: number, p: number): Float64Array {
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < p; t++) s += A[i * p + t] * B[j * p + t];
      out[i * k + j] = s;
    }
  }
  return out;
}

/** The dual system of some rows: K = ZZᵀ = U diag(w) Uᵀ and Uᵀ(y − ȳ). */
function dualSystem(F: NdArray, y: ArrayLike<number>, rows: ArrayLike<number>) {
  const p = F.shape[1];
  const n = rows.length;
  const { mean, std } = columnStats(F, rows);
  const Z = standardRows(F, rows, mean, std);
  let yMean = 0;
  for (let r = 0; r < n; r++) yMean += y[rows[r]];
  yMean /= n;
  const { values: w, vectors: U } = symmetricEigen(mulABt(Z, n, Z, n, p), n);
  const uty = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += U[r * n + i] * (y[rows[r]] - yMean);
    uty[i] = s;
  }
  let wMax = 0;
  for (const v of w) wMax = Math.max(wMax, Math.abs(v));
  const tol = 1e-12 * Math.max(wMax, 1e-300) * Math.max(n, p);
  /** Dual weights a = U diag(1/(w+α)) Uᵀ yc (β = Zᵀa); zero-curvature directions dropped (α = 0: minimum norm). */
  const dual = (alpha: number): Float64Array => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (w[i] <= tol) continue;
      const f = uty[i] / (w[i] + alpha);
      for (let r = 0; r < n; r++) a[r] += U[r * n + i] * f;
    }
    return a;
  };
  return { n, p, mean, std, Z, yMean, dual };
}

/**
 * Ridge regression (the same objective and α grid as `ridgeCV`: squared error plus α·||β_std||²)
 * in its dual form, for more features than samples: one n × n eigen-decomposition per fold.
 */
export function ridgeCVDual(F: NdArray, y: ArrayLike<number>, folds: { train: Int32Array; test: Int32Array }[], alphas: number[]): { coef: Float64Array; intercept: number; alpha: number; meanMse: number } {
  const mse = new Float64Array(alphas.length);
  for (const fold of folds) {
    const sys = dualSystem(F, y, fold.train);
    const Zt = standardRows(F, fold.test, sys.mean, sys.std);
    const Kt = mulABt(Zt, fold.test.length, sys.Z, sys.n, sys.p);
    alphas.forEach((alpha, k) => {
      const a = sys.dual(alpha);
      let s = 0;
      for (let i = 0; i < fold.test.length; i++) {
        let pred = sys.yMean;
        for (let r = 0; r < sys.n; r++) pred += Kt[i * sys.n + r] * a[r];
        s += (y[fold.test[i]] - pred) ** 2;
      }
      mse[k] += s / fold.test.length / folds.length;
    });
  }
  let best = 0;
  for (let k = 1; k < alphas.length; k++) if (mse[k] < mse[best] || (mse[k] === mse[best] && alphas[k] > alphas[best])) best = k;
  const all = Int32Array.from({ length: F.shape[0] }, (_, i) => i);
  const sys = dualSystem(F, y, all);
  const a = sys.dual(alphas[best]);
  const coef = new Float64Array(sys.p);
  let intercept = sys.yMean;
  for (let j = 0; j < sys.p; j++) {
    let b = 0;
    for (let r = 0; r < sys.n; r++) b += sys.Z[r * sys.p + j] * a[r];
    coef[j] = b / sys.std[j];
    intercept -= coef[j] * sys.mean[j];
  }
  return { coef, intercept, alpha: alphas[best], meanMse: mse[best] };
}
