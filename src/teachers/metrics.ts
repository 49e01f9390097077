/**
 * Regression metrics used by the teachers (to be merged with src/predictors/metrics.ts).
 */
import { AwdError } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';

type Values = NdArray | ArrayLike<number>;

function unpack(v: Values): { data: ArrayLike<number>; cols: number } {
  if ('data' in v && 'shape' in v && !Array.isArray(v)) {
    const nd = v as NdArray;
    if (nd.shape.length > 2) throw new AwdError('r2Score', `expects a vector or an n × k matrix, got shape [${nd.shape}]`);
    return { data: nd.data, cols: nd.shape.length === 2 ? nd.shape[1] : 1 };
  }
  return { data: v as ArrayLike<number>, cols: 1 };
}

/**
 * Coefficient of determination R² = 1 − SS_res / SS_tot (as scikit-learn's `r2_score`). For an
 * n × k matrix, the mean of the k columns' R² ('uniform_average'). A constant target column gives
 * 1 when predicted exactly and 0 otherwise (scikit-learn's convention).
 */
export function r2Score(yTrue: Values, yPred: Values): number {
  const t = unpack(yTrue);
  const p = unpack(yPred);
  if (t.data.length !== p.data.length || (t.cols !== p.cols && t.cols !== 1 && p.cols !== 1)) {
    throw new AwdError('r2Score', `yTrue has ${t.data.length} values and yPred ${p.data.length}; they must match`);
  }
  const k = Math.max(t.cols, p.cols);
  const n = t.data.length / k;
  if (n < 1) throw new AwdError('r2Score', 'needs at least one sample');
  let total = 0;
  for (let j = 0; j < k; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += t.data[i * k + j];
    mean /= n;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < n; i++) {
      const yt = t.data[i * k + j];
      ssRes += (yt - p.data[i * k + j]) ** 2;
      ssTot += (yt - mean) ** 2;
    }
    total += ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  }
  return total / k;
}

/** Mean squared error over all entries. */
export function meanSquaredError(yTrue: Values, yPred: Values): number {
  const t = unpack(yTrue).data;
  const p = unpack(yPred).data;
  if (t.length !== p.length) throw new AwdError('meanSquaredError', `yTrue has ${t.length} values and yPred ${p.length}`);
  let s = 0;
  for (let i = 0; i < t.length; i++) s += (t[i] - p[i]) ** 2;
  return s / t.length;
}
