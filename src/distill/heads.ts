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
import { ridgeCV } from '../predictors/linear.ts';
import { lassoCV } from '../predictors/lasso.ts';
import { columnStats, logisticCV, logisticProba, logisticPredict, type LogisticModel } from '../predictors/logistic.ts';

export type Task = 'regression' | 'classification';
/** ridge: L2, α by CV; ols: unregularised least squares; lasso: L1 path by CV; logistic: L2 multinomial, α by CV. */
export type HeadKind = 'ridge' | 'ols' | 'lasso' | 'logistic';

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
  if (task === 'classification') return 'logistic';
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
    if (kind !== 'logistic') throw new AwdError(where, `a classification head must be logistic, got ${kind}`);
    const r = logisticCV(F, y, folds);
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
