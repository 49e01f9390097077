import { AwdError, assertFinite, assertInt } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';
import { kFold, type Fold } from './crossValidation.ts';
import { symmetricEigen } from './eigen.ts';

/** Options of {@link RidgeRegression}. */
export interface RidgeOptions {
  /** Penalty weight α ≥ 0 on the squared norm of the standardised coefficients (0 = least squares). Default 1. */
  alpha?: number;
}


/**
 * The standardised normal equations of one training set, decomposed once so that the ridge
 * solution for any α costs O(p²): Z = (X − mean) / std, Z'Z = V diag(w) V', b = V'Z'(y − ȳ).
 */
class RidgeSystem {
  readonly p: number;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly yMean: number;
  private readonly w: Float64Array;
  private readonly v: Float64Array;
  private readonly vtb: Float64Array;

  constructor(X: NdArray, y: ArrayLike<number>, rows?: Int32Array) {
    const p = X.shape[1];
    const P = X.data;
    const n = rows ? rows.length : X.shape[0];
    const row = (r: number): number => (rows ? rows[r] : r);
    this.p = p;
    const mean = new Float64Array(p);
    const std = new Float64Array(p);
    let yMean = 0;
    for (let r = 0; r < n; r++) {
      const o = row(r) * p;
      for (let j = 0; j < p; j++) mean[j] += P[o + j];
      yMean += y[row(r)];
    }
    for (let j = 0; j < p; j++) mean[j] /= n;
    yMean /= n;
    for (let r = 0; r < n; r++) {
      const o = row(r) * p;
      for (let j = 0; j < p; j++) {
        const d = P[o + j] - mean[j];
        std[j] += d * d;
      }
    }
    for (let j = 0; j < p; j++) {
      std[j] = Math.sqrt(std[j] / n);
      // A constant column: its centred values are all zero whatever the scale, so it gets
      // coefficient 0 (it lies in the null space below); scale 1 avoids dividing by zero.
      if (!(std[j] > 1e-12 * (Math.abs(mean[j]) + 1))) std[j] = 1;
    }
    const G = new Float64Array(p * p);
    const b = new Float64Array(p);
    const z = new Float64Array(p);
    for (let r = 0; r < n; r++) {
      const o = row(r) * p;
      for (let j = 0; j < p; j++) z[j] = (P[o + j] - mean[j]) / std[j];
      const yc = y[row(r)] - yMean;
      for (let j = 0; j < p; j++) {
        const zj = z[j];
        b[j] += zj * yc;
        const gj = j * p;
        for (let k = j; k < p; k++) G[gj + k] += zj * z[k];
      }
    }
    for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) G[k * p + j] = G[j * p + k];
    const { values: w, vectors: v } = symmetricEigen(G, p);
    const vtb = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += v[j * p + i] * b[j];
      vtb[i] = s;
    }
    this.mean = mean;
    this.std = std;
    this.yMean = yMean;
    this.w = w;
    this.v = v;
    this.vtb = vtb;
  }

  /** Coefficients on the original scale and the intercept for penalty α. */
  solve(alpha: number): { coef: Float64Array; intercept: number } {
    const { p, w, v, vtb } = this;
    let wMax = 0;
    for (let i = 0; i < p; i++) wMax = Math.max(wMax, Math.abs(w[i]));
    // Directions with (numerically) zero curvature are dropped: with α = 0 this is the
    // minimum-norm least-squares solution (pseudo-inverse) instead of a blow-up.
    const tol = 1e-12 * Math.max(wMax, 1e-300) * Math.max(p, 1);
    const beta = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      // Z'(y − ȳ) has no component in the null space of Z'Z, so skipping it is exact.
      if (w[i] <= tol) continue;
      const f = vtb[i] / (w[i] + alpha);
      for (let j = 0; j < p; j++) beta[j] += v[j * p + i] * f;
    }
    const coef = new Float64Array(p);
    let intercept = this.yMean;
    for (let j = 0; j < p; j++) {
      coef[j] = beta[j] / this.std[j];
      intercept -= this.mean[j] * coef[j];
    }
    return { coef, intercept };
  }
}

function checkXy(where: string, X: NdArray, y: ArrayLike<number>): void {
  if (X.shape.length !== 2) throw new AwdError(where, `X must be 2-D (n × p), got shape [${X.shape.join(', ')}]`);
  if (X.shape[0] !== y.length) throw new AwdError(where, `X has ${X.shape[0]} rows but y has ${y.length} values; pass one target per row`);
  if (X.shape[0] < 1) throw new AwdError(where, 'X has no rows; pass at least one sample');
  if (X.shape[1] < 1) throw new AwdError(where, 'X has no columns; pass at least one feature');
  assertFinite(where, 'X', X.data);
  assertFinite(where, 'y', y);
}

function predictLinear(X: NdArray, coef: Float64Array, intercept: number, where: string): Float64Array {
  if (X.shape.length !== 2 || X.shape[1] !== coef.length) {
    throw new AwdError(where, `X must be n × ${coef.length} (the fitted number of features), got shape [${X.shape.join(', ')}]`);
  }
  const [n, p] = X.shape;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = intercept;
    const o = i * p;
    for (let j = 0; j < p; j++) s += X.data[o + j] * coef[j];
    out[i] = s;
  }
  return out;
}

/**
 * Linear regression with intercept and an L2 (ridge) penalty, scikit-learn style (`fit`, then
 * `predict`). Features are standardised inside (centred, divided by their population std), the
 * penalty `α·||β_std||²` applies to the standardised coefficients with the un-normalised squared
 * error (as `make_pipeline(StandardScaler(), Ridge(alpha))`), and the coefficients are reported
 * on the original scale: `ŷ = intercept + X · coef`. Solved in closed form through an
 * eigen-decomposition of the standardised Gram matrix; α = 0 gives the (minimum-norm)
 * least-squares fit; constant columns get coefficient 0.
 *
 * @example
 * const X = ndarray(new Float64Array([0, 1, 2, 3]), [4, 1]);
 * const m = new RidgeRegression({ alpha: 0 }).fit(X, [1, 3, 5, 7]);
 * m.coef[0];     // 2
 * m.intercept;   // 1
 * m.predict(X);  // [1, 3, 5, 7]
 */
export class RidgeRegression {
  readonly alpha: number;
  coef: Float64Array = new Float64Array(0);
  intercept = 0;
  private fitted = false;

  constructor(options: RidgeOptions = {}) {
    const alpha = options.alpha ?? 1;
    if (!(alpha >= 0) || !Number.isFinite(alpha)) {
      throw new AwdError('RidgeRegression', `alpha must be a finite number >= 0, got ${alpha}`);
    }
    this.alpha = alpha;
  }

  /** Fits on `X` (n × p) and `y` (n values); returns `this`. */
  fit(X: NdArray, y: ArrayLike<number>): this {
    checkXy('RidgeRegression.fit', X, y);
    const sol = new RidgeSystem(X, y).solve(this.alpha);
    this.coef = sol.coef;
    this.intercept = sol.intercept;
    this.fitted = true;
    return this;
  }

  /** Predictions `intercept + X · coef` for each row of `X` (n × p). */
  predict(X: NdArray): Float64Array {
    if (!this.fitted) throw new AwdError('RidgeRegression.predict', 'the model is not fitted; call fit(X, y) first');
    return predictLinear(X, this.coef, this.intercept, 'RidgeRegression.predict');
  }

  /** A fitted model from stored coefficients (e.g. read back from JSON). */
  static fromCoefficients(coef: ArrayLike<number>, intercept: number, alpha = 0): RidgeRegression {
    const m = new RidgeRegression({ alpha });
    m.coef = Float64Array.from(coef);
    m.intercept = intercept;
    m.fitted = true;
    return m;
  }
}

/** Options of {@link ridgeCV}. */
export interface RidgeCVOptions {
  /** Candidate penalties. Default 10^-3, 10^-2.5, ..., 10^5 (17 values). */
  alphas?: number[];
  /** Number of folds K. Default 5. */
  folds?: number;
  /** Seed of the fold shuffle. Default 0. */
  seed?: number;
  /** Explicit folds (e.g. grouped), instead of `folds` seeded K-fold splits. */
  splits?: Fold[];
}

/** Cross-validation score of one candidate α. */
export interface AlphaScore {
  alpha: number;
  /** Mean over folds of the held-out-fold mean squared error (the selection criterion). */
  meanMse: number;
  /** Standard deviation over folds of the held-out-fold MSE. */
  stdMse: number;
  /** Held-out-fold MSE of each fold. */
  foldMse: number[];
}

/** Result of {@link ridgeCV}. */
export interface RidgeCVResult {
  /** Refitted on all of the training data with the chosen α. */
  model: RidgeRegression;
  alpha: number;
  scores: AlphaScore[];
  folds: Fold[];
}

/** The default α grid of {@link ridgeCV}: 10^-3 .. 10^5 in half-decade steps. */
export function defaultAlphas(): number[] {
  const out: number[] = [];
  for (let e = -6; e <= 10; e++) out.push(10 ** (e / 2));
  return out;
}

/**
 * Ridge regression with α chosen by seeded K-fold cross-validation on the given (training) data
 * only: for each α, the mean held-out-fold MSE over the K folds (standardisation is refitted on
 * each fold's training part); the smallest wins (ties → the larger α); the model is then refitted
 * on all the data. Pass a test set nowhere here — see `fitOnTrainPredictTest`.
 *
 * @example
 * const { model, alpha, scores } = ridgeCV(Xtrain, ytrain, { folds: 5, seed: 0 });
 * const yHat = model.predict(Xtest);
 */
export function ridgeCV(X: NdArray, y: ArrayLike<number>, options: RidgeCVOptions = {}): RidgeCVResult {
  const where = 'ridgeCV';
  checkXy(where, X, y);
  const alphas = options.alphas ?? defaultAlphas();
  const k = options.folds ?? 5;
  const seed = options.seed ?? 0;
  if (alphas.length === 0) throw new AwdError(where, 'alphas is empty; pass at least one candidate penalty');
  for (const a of alphas) {
    if (!(a >= 0) || !Number.isFinite(a)) throw new AwdError(where, `every alpha must be a finite number >= 0, got ${a}`);
  }
  const n = X.shape[0];
  let folds: Fold[];
  if (options.splits) {
    folds = options.splits;
    assertInt(where, 'number of folds', folds.length, 2);
  } else {
    assertInt(where, 'folds', k, 2, n);
    folds = kFold(n, k, seed);
  }
  const foldMse: number[][] = alphas.map(() => []);
  for (const fold of folds) {
    const sys = new RidgeSystem(X, y, fold.train);
    for (let a = 0; a < alphas.length; a++) {
      const { coef, intercept } = sys.solve(alphas[a]);
      let s = 0;
      const p = X.shape[1];
      for (const i of fold.test) {
        let pred = intercept;
        for (let j = 0; j < p; j++) pred += X.data[i * p + j] * coef[j];
        const d = y[i] - pred;
        s += d * d;
      }
      foldMse[a].push(s / fold.test.length);
    }
  }
  const scores: AlphaScore[] = alphas.map((alpha, a) => {
    const f = foldMse[a];
    const mean = f.reduce((s, v) => s + v, 0) / f.length;
    const sd = Math.sqrt(f.reduce((s, v) => s + (v - mean) * (v - mean), 0) / f.length);
    return { alpha, meanMse: mean, stdMse: sd, foldMse: f };
  });
  let best = 0;
  for (let a = 1; a < scores.length; a++) {
    const s = scores[a];
    const b = scores[best];
    if (s.meanMse < b.meanMse || (s.meanMse === b.meanMse && s.alpha > b.alpha)) best = a;
  }
  const model = new RidgeRegression({ alpha: alphas[best] }).fit(X, y);
  return { model, alpha: alphas[best], scores, folds };
}
