/**
 * Multinomial logistic regression with an L2 penalty (binary = two classes), scikit-learn style,
 * and its penalty chosen by seeded K-fold cross-validation on the training data only.
 *
 * Features are standardised inside (centred, divided by their population std; constant columns
 * get weight 0), the objective is `mean_i CE(y_i, softmax(W z_i + b)) + (α/2)·||W||²` on the
 * standardised features (the intercepts are not penalised), minimised by L-BFGS. Coefficients are
 * reported on the original scale: the class scores are `intercept[k] + x · coef[k]`.
 * @module
 */
import { AwdError, assertFinite, assertInt } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';
import type { Fold } from './crossValidation.ts';

/** The default α grid of {@link logisticCV}: 10^-4 .. 10^2 in decades. */
export function defaultLogisticAlphas(): number[] {
  return [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100];
}

/**
 * The default α grid of the L1 penalty ({@link logisticCV} with `penalty: 'l1'`): on standardised
 * features the largest useful α is below ≈ 0.5 (the cross-entropy's gradient at zero weights), so
 * 0.3 … 3e-3 runs from no nonzero weight to most (smaller α: dense, slow, and what the L2 head is for).
 */
export function defaultL1LogisticAlphas(): number[] {
  return [0.3, 0.1, 0.03, 0.01, 0.003];
}

/** 'l2' (ridge, smooth: L-BFGS) or 'l1' (lasso: sparse weights, proximal gradient). */
export type LogisticPenalty = 'l2' | 'l1';

/** A fitted multinomial logistic model on the original feature scale. */
export interface LogisticModel {
  /** Class labels, in the order of the score columns. */
  classes: number[];
  /** K × p weights (row k: class k), flat row-major. */
  coef: Float64Array;
  intercept: Float64Array;
  alpha: number;
  /** The penalty it was fitted with (absent: 'l2'). */
  penalty?: LogisticPenalty;
}

/** Column means and stds (population; 1 for a constant column) of the given rows. */
export function columnStats(X: NdArray, rows?: ArrayLike<number>): { mean: Float64Array; std: Float64Array } {
  const p = X.shape[1];
  const n = rows ? rows.length : X.shape[0];
  const mean = new Float64Array(p);
  const std = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    const o = (rows ? rows[r] : r) * p;
    for (let j = 0; j < p; j++) mean[j] += X.data[o + j];
  }
  for (let j = 0; j < p; j++) mean[j] /= n;
  for (let r = 0; r < n; r++) {
    const o = (rows ? rows[r] : r) * p;
    for (let j = 0; j < p; j++) {
      const d = X.data[o + j] - mean[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < p; j++) {
    std[j] = Math.sqrt(std[j] / n);
    if (!(std[j] > 1e-12 * (Math.abs(mean[j]) + 1))) std[j] = 1;
  }
  return { mean, std };
}

/** Standardised copy of the given rows (n_rows × p). */
function standardise(X: NdArray, rows: ArrayLike<number>, mean: Float64Array, std: Float64Array): Float64Array {
  const p = X.shape[1];
  const Z = new Float64Array(rows.length * p);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * p;
    for (let j = 0; j < p; j++) Z[r * p + j] = (X.data[o + j] - mean[j]) / std[j];
  }
  return Z;
}

/**
 * Objective and gradient of the penalised multinomial log-loss at θ = [W (K×p), b (K)].
 */
function objective(Z: Float64Array, n: number, p: number, K: number, yIdx: Int32Array, alpha: number, theta: Float64Array, grad: Float64Array): number {
  grad.fill(0);
  const s = new Float64Array(K);
  let loss = 0;
  const bOff = K * p;
  for (let i = 0; i < n; i++) {
    const o = i * p;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      let v = theta[bOff + k];
      const w = k * p;
      for (let j = 0; j < p; j++) v += theta[w + j] * Z[o + j];
      s[k] = v;
      if (v > mx) mx = v;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      s[k] = Math.exp(s[k] - mx);
      sum += s[k];
    }
    const yi = yIdx[i];
    loss += Math.log(sum) - Math.log(s[yi]);
    for (let k = 0; k < K; k++) {
      const d = (s[k] / sum - (k === yi ? 1 : 0)) / n;
      if (d === 0) continue;
      const w = k * p;
      for (let j = 0; j < p; j++) grad[w + j] += d * Z[o + j];
      grad[bOff + k] += d;
    }
  }
  loss /= n;
  let pen = 0;
  for (let t = 0; t < bOff; t++) {
    pen += theta[t] * theta[t];
    grad[t] += alpha * theta[t];
  }
  return loss + 0.5 * alpha * pen;
}

/** L-BFGS (two-loop recursion, Armijo backtracking) minimising `f` from `x` (in place). */
export function lbfgs(
  f: (x: Float64Array, g: Float64Array) => number, x: Float64Array, opts: { maxIter?: number; tol?: number; memory?: number } = {},
): { value: number; iterations: number } {
  const maxIter = opts.maxIter ?? 300;
  const tol = opts.tol ?? 1e-8;
  const m = opts.memory ?? 8;
  const d = x.length;
  const g = new Float64Array(d);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(d);
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  let it = 0;
  for (; it < maxIter; it++) {
    let gn = 0;
    for (let i = 0; i < d; i++) gn = Math.max(gn, Math.abs(g[i]));
    if (gn < tol) break;
    // two-loop recursion
    for (let i = 0; i < d; i++) dir[i] = -g[i];
    const a = new Array<number>(S.length);
    for (let k = S.length - 1; k >= 0; k--) {
      let s = 0;
      for (let i = 0; i < d; i++) s += S[k][i] * dir[i];
      a[k] = rho[k] * s;
      for (let i = 0; i < d; i++) dir[i] -= a[k] * Y[k][i];
    }
    if (S.length) {
      const k = S.length - 1;
      let yy = 0, sy = 0;
      for (let i = 0; i < d; i++) { yy += Y[k][i] * Y[k][i]; sy += S[k][i] * Y[k][i]; }
      const gamma = sy / yy;
      for (let i = 0; i < d; i++) dir[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += Y[k][i] * dir[i];
      const b = rho[k] * s;
      for (let i = 0; i < d; i++) dir[i] += (a[k] - b) * S[k][i];
    }
    let slope = 0;
    for (let i = 0; i < d; i++) slope += dir[i] * g[i];
    if (!(slope < 0)) {
      for (let i = 0; i < d; i++) dir[i] = -g[i];
      slope = 0;
      for (let i = 0; i < d; i++) slope -= g[i] * g[i];
      S.length = 0; Y.length = 0; rho.length = 0;
    }
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < d; i++) xNew[i] = x[i] + step * dir[i];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx)) break;
    const s = new Float64Array(d), y = new Float64Array(d);
    let sy = 0;
    for (let i = 0; i < d; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
    }
    const done = fx - fNew <= 1e-12 * Math.max(1, Math.abs(fx));
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (sy > 1e-12) {
      S.push(s); Y.push(y); rho.push(1 / sy);
      if (S.length > m) { S.shift(); Y.shift(); rho.shift(); }
    }
    if (done) { it++; break; }
  }
  return { value: fx, iterations: it };
}

/** Class indices of y given the sorted class list. */
function classIndex(where: string, y: ArrayLike<number>, classes: number[]): Int32Array {
  const map = new Map(classes.map((c, k) => [c, k]));
  const out = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const k = map.get(y[i]);
    if (k === undefined) throw new AwdError(where, `label ${y[i]} at row ${i} is not one of the classes ${classes.join(', ')}`);
    out[i] = k;
  }
  return out;
}

/** The sorted distinct labels of y. */
export function classesOf(y: ArrayLike<number>): number[] {
  return [...new Set(Array.from(y))].sort((a, b) => a - b);
}

/** Fits on the given rows with standardisation stats; returns θ on the standardised scale. */
function fitStandardised(Z: Float64Array, n: number, p: number, K: number, yIdx: Int32Array, alpha: number, warm?: Float64Array): Float64Array {
  const theta = warm ? Float64Array.from(warm) : new Float64Array(K * p + K);
  lbfgs((t, g) => objective(Z, n, p, K, yIdx, alpha, t, g), theta, { maxIter: 200, tol: 1e-7 });
  return theta;
}

/**
 * The L1-penalised fit on standardised rows: mean cross-entropy + α Σ|w| (intercepts free), by
 * FISTA (accelerated proximal gradient) with backtracking on the step and an adaptive restart of
 * the momentum when the objective rises (O'Donoghue & Candès); returns θ as `fitStandardised`.
 * Converged when no parameter moves by more than 1e-8 in a step (at most 3,000 steps).
 */
function fitStandardisedL1(Z: Float64Array, n: number, p: number, K: number, yIdx: Int32Array, alpha: number, warm?: Float64Array): Float64Array {
  const m = K * p + K;
  let theta = warm ? Float64Array.from(warm) : new Float64Array(m);
  let yv = Float64Array.from(theta);
  const g = new Float64Array(m);
  const gNext = new Float64Array(m);
  const next = new Float64Array(m);
  let L = 1;
  let t = 1;
  const penalised = (th: Float64Array, f: number): number => {
    let l1 = 0;
    for (let i = 0; i < K * p; i++) l1 += Math.abs(th[i]);
    return f + alpha * l1;
  };
  let fPrev = Infinity;
  for (let iter = 0; iter < 3000; iter++) {
    const fy = objective(Z, n, p, K, yIdx, 0, yv, g);
    for (;;) {
      for (let i = 0; i < m; i++) next[i] = yv[i] - g[i] / L;
      const thr = alpha / L;
      for (let i = 0; i < K * p; i++) next[i] = next[i] > thr ? next[i] - thr : next[i] < -thr ? next[i] + thr : 0;
      const fn = objective(Z, n, p, K, yIdx, 0, next, gNext);
      let lin = 0, sq = 0;
      for (let i = 0; i < m; i++) {
        const d = next[i] - yv[i];
        lin += g[i] * d;
        sq += d * d;
      }
      if (fn <= fy + lin + 0.5 * L * sq + 1e-15 * Math.abs(fy)) break;
      L *= 2;
    }
    const fNow = penalised(next, objective(Z, n, p, K, yIdx, 0, next, gNext));
    if (fNow > fPrev) {
      // Momentum overshot: restart it from the current point.
      t = 1;
      yv = Float64Array.from(theta);
      fPrev = Infinity;
      continue;
    }
    fPrev = fNow;
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    let moved = 0;
    const nextY = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      moved = Math.max(moved, Math.abs(next[i] - theta[i]));
      nextY[i] = next[i] + ((t - 1) / tNext) * (next[i] - theta[i]);
    }
    theta = Float64Array.from(next);
    yv = nextY;
    t = tNext;
    if (moved <= 1e-8) break;
  }
  return theta;
}

function toOriginal(theta: Float64Array, p: number, K: number, mean: Float64Array, std: Float64Array): { coef: Float64Array; intercept: Float64Array } {
  const coef = new Float64Array(K * p);
  const intercept = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let b = theta[K * p + k];
    for (let j = 0; j < p; j++) {
      const c = theta[k * p + j] / std[j];
      coef[k * p + j] = c;
      b -= c * mean[j];
    }
    intercept[k] = b;
  }
  return { coef, intercept };
}

/** Class scores (n × K, flat) of a fitted model. */
export function logisticScores(m: LogisticModel, X: NdArray): Float64Array {
  const K = m.classes.length;
  const p = m.coef.length / K;
  if (X.shape.length !== 2 || X.shape[1] !== p) throw new AwdError('logisticScores', `X must be n × ${p}, got shape [${X.shape.join(', ')}]`);
  const n = X.shape[0];
  const out = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      let s = m.intercept[k];
      for (let j = 0; j < p; j++) s += X.data[i * p + j] * m.coef[k * p + j];
      out[i * K + k] = s;
    }
  }
  return out;
}

/** Class probabilities (n × K, flat, rows sum to 1). */
export function logisticProba(m: LogisticModel, X: NdArray): Float64Array {
  const K = m.classes.length;
  const s = logisticScores(m, X);
  const n = s.length / K;
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, s[i * K + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) { s[i * K + k] = Math.exp(s[i * K + k] - mx); sum += s[i * K + k]; }
    for (let k = 0; k < K; k++) s[i * K + k] /= sum;
  }
  return s;
}

/** Predicted labels: the class of largest score (ties → the first). */
export function logisticPredict(m: LogisticModel, X: NdArray): Float64Array {
  const K = m.classes.length;
  const s = logisticScores(m, X);
  const n = s.length / K;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (s[i * K + k] > s[i * K + best]) best = k;
    out[i] = m.classes[best];
  }
  return out;
}

/** Cross-validation score of one candidate α. */
export interface LogisticAlphaScore {
  alpha: number;
  /** Mean held-out accuracy over the folds. */
  accuracy: number;
  /** Mean held-out log-loss over the folds. */
  logLoss: number;
}

/** Result of {@link logisticCV}. */
export interface LogisticCVResult {
  model: LogisticModel;
  alpha: number;
  scores: LogisticAlphaScore[];
}

/**
 * Logistic regression with α chosen by K-fold cross-validation (the given folds) on the training
 * data only: the highest mean held-out accuracy wins, ties by the lower log-loss, then the larger
 * α; refitted on all the data.
 *
 * @example
 * const { model } = logisticCV(F, labels, kFold(n, 5, 0));
 * logisticPredict(model, Ftest);
 */
export function logisticCV(X: NdArray, y: ArrayLike<number>, folds: Fold[], alphas?: number[], penalty: LogisticPenalty = 'l2'): LogisticCVResult {
  alphas ??= penalty === 'l1' ? defaultL1LogisticAlphas() : defaultLogisticAlphas();
  const fitStd = penalty === 'l1' ? fitStandardisedL1 : fitStandardised;
  const where = 'logisticCV';
  if (X.shape.length !== 2 || X.shape[0] !== y.length) throw new AwdError(where, `X must be n × p with one label per row; got shape [${X.shape.join(', ')}] and ${y.length} labels`);
  assertFinite(where, 'X', X.data);
  assertFinite(where, 'y', y);
  const classes = classesOf(y);
  if (classes.length < 2) throw new AwdError(where, `y has only one class (${classes[0]}); classification needs at least two`);
  assertInt(where, 'number of folds', folds.length, 2);
  const K = classes.length;
  const p = X.shape[1];
  const yIdx = classIndex(where, y, classes);
  const sorted = [...alphas].sort((a, b) => b - a); // strong → weak penalty, warm starts
  const acc = new Float64Array(sorted.length);
  const ll = new Float64Array(sorted.length);
  for (const fold of folds) {
    const { mean, std } = columnStats(X, fold.train);
    const Z = standardise(X, fold.train, mean, std);
    const yTr = new Int32Array(fold.train.length);
    for (let r = 0; r < fold.train.length; r++) yTr[r] = yIdx[fold.train[r]];
    const Zte = standardise(X, fold.test, mean, std);
    let warm: Float64Array | undefined;
    sorted.forEach((alpha, a) => {
      const theta = fitStd(Z, fold.train.length, p, K, yTr, alpha, warm);
      warm = theta;
      let correct = 0, loss = 0;
      const s = new Float64Array(K);
      for (let r = 0; r < fold.test.length; r++) {
        let mx = -Infinity, best = 0;
        for (let k = 0; k < K; k++) {
          let v = theta[K * p + k];
          for (let j = 0; j < p; j++) v += theta[k * p + j] * Zte[r * p + j];
          s[k] = v;
          if (v > mx) { mx = v; best = k; }
        }
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(s[k] - mx);
        const yi = yIdx[fold.test[r]];
        if (best === yi) correct++;
        loss += Math.log(sum) - (s[yi] - mx);
      }
      acc[a] += correct / fold.test.length / folds.length;
      ll[a] += loss / fold.test.length / folds.length;
    });
  }
  const scores: LogisticAlphaScore[] = sorted.map((alpha, a) => ({ alpha, accuracy: acc[a], logLoss: ll[a] }));
  let best = 0;
  for (let a = 1; a < scores.length; a++) {
    const s = scores[a], b = scores[best];
    if (s.accuracy > b.accuracy + 1e-12 || (Math.abs(s.accuracy - b.accuracy) <= 1e-12 && s.logLoss < b.logLoss)) best = a;
  }
  const model = fitLogistic(X, y, scores[best].alpha, classes, penalty);
  return { model, alpha: scores[best].alpha, scores };
}

/** Fits logistic regression with penalty α on all rows of X. */
export function fitLogistic(X: NdArray, y: ArrayLike<number>, alpha: number, classes = classesOf(y), penalty: LogisticPenalty = 'l2'): LogisticModel {
  const where = 'fitLogistic';
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new AwdError(where, `alpha must be a finite number >= 0, got ${alpha}`);
  const K = classes.length;
  if (K < 2) throw new AwdError(where, 'y has only one class; classification needs at least two');
  const p = X.shape[1];
  const rows = Int32Array.from({ length: X.shape[0] }, (_, i) => i);
  const { mean, std } = columnStats(X, rows);
  const Z = standardise(X, rows, mean, std);
  const theta = (penalty === 'l1' ? fitStandardisedL1 : fitStandardised)(Z, rows.length, p, K, classIndex(where, y, classes), alpha);
  const { coef, intercept } = toOriginal(theta, p, K, mean, std);
  return { classes: [...classes], coef, intercept, alpha, ...(penalty === 'l1' ? { penalty } : {}) };
}
