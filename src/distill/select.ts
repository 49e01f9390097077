/**
 * The selection logic every caller shares (the `Distiller`, the studies): seeded (or grouped)
 * folds on the training data, the downstream predictor's CV score of a wavelet through one
 * feature family and head, and the best-scoring item (ties → the first).
 * @module
 */
import type { AdaptiveWavelet } from '../awd/adaptive.ts';
import { groupKFold, kFold, type Fold } from '../predictors/crossValidation.ts';
import { AwdError, assertFinite } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';
import { computeFeatures, resolveFeatureDef, type FeatureDef } from './features.ts';
import { fitHeadCV, headFor, type LinearHead, type Task } from './heads.ts';

/** Seeded K-fold splits of n training samples, or grouped ones when `groups` is given. */
export function cvFolds(n: number, cv: { folds: number; seed: number; groups?: ArrayLike<number> }): Fold[] {
  if (cv.groups) {
    if (cv.groups.length !== n) throw new AwdError('cvFolds', `groups has ${cv.groups.length} labels but there are ${n} samples`);
    assertFinite('cvFolds', 'groups', cv.groups);
    return groupKFold(cv.groups, cv.folds, cv.seed);
  }
  return kFold(n, cv.folds, cv.seed);
}

/** A wavelet (or none, for `raw`) scored through one feature family and its head. */
export interface ScoredPredictor {
  features: FeatureDef;
  head: LinearHead;
  cvScore: number;
}

/**
 * The downstream predictor of `wavelet` with feature definition `def`: features of the training
 * data, the family's head with its penalty chosen by CV on `folds`, refitted on all of them, and
 * its CV score (R² or accuracy). Training data only.
 *
 * @example
 * const s = scorePredictor({ family: 'maxcoef', k: 6 }, wavelet, X, y, 'regression', cvFolds(n, { folds: 5, seed: 0 }));
 */
export function scorePredictor(def: FeatureDef, wavelet: AdaptiveWavelet | null, X: NdArray, y: ArrayLike<number>, task: Task, folds: Fold[]): ScoredPredictor {
  const resolved = resolveFeatureDef(def, wavelet, X);
  const F = computeFeatures(resolved, wavelet, X).F;
  const kind = resolved.family === 'raw' ? (task === 'classification' ? 'logistic' : 'ridge') : headFor(resolved.family, task);
  const r = fitHeadCV(kind, task, F, y, folds);
  return { features: resolved, head: r.head, cvScore: r.cvScore };
}

/** The item with the highest score; ties go to the earliest. */
export function bestBy<T>(items: readonly T[], score: (t: T) => number): T {
  if (items.length === 0) throw new AwdError('bestBy', 'nothing to choose from');
  let b = items[0];
  let bs = score(b);
  for (const t of items) {
    const s = score(t);
    if (s > bs) { b = t; bs = s; }
  }
  return b;
}
