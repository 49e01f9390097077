import { AwdError } from '../util/checks.ts';

function checkPair(where: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== yPred.length) {
    throw new AwdError(where, `yTrue has ${yTrue.length} values but yPred has ${yPred.length}; pass one prediction per target`);
  }
  if (yTrue.length === 0) throw new AwdError(where, 'no values to score; pass at least one target and prediction');
}

/**
 * Mean squared error, `sum (yTrue - yPred)² / n`.
 *
 * @example
 * mse([1, 2, 3], [1, 2, 5]); // 4/3
 */
export function mse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair('mse', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = yTrue[i] - yPred[i];
    s += d * d;
  }
  return s / yTrue.length;
}

/**
 * Root mean squared error, `sqrt(mse)`.
 *
 * @example
 * rmse([0, 0], [3, -3]); // 3
 */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair('rmse', yTrue, yPred);
  return Math.sqrt(mse(yTrue, yPred));
}

/**
 * Coefficient of determination R² = 1 − SS_res / SS_tot (scikit-learn's `r2_score`): 1 for a
 * perfect fit, 0 for predicting the mean, negative when worse than the mean. When the targets
 * are constant (SS_tot = 0) it returns 1 for a perfect fit and 0 otherwise, as scikit-learn does.
 *
 * @example
 * r2Score([1, 2, 3], [1, 2, 3]); // 1
 * r2Score([1, 2, 3], [2, 2, 2]); // 0
 */
export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair('r2Score', yTrue, yPred);
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const r = yTrue[i] - yPred[i];
    const t = yTrue[i] - mean;
    ssRes += r * r;
    ssTot += t * t;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
