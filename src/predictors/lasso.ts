/**
 * Sparse linear regression: the lasso / elastic-net path by coordinate descent (glmnet's
 * covariance updates, on typed arrays), with the penalty chosen by K-fold cross-validation on the
 * training data only. Features are standardised inside; coefficients come back on the original
 * scale, most of them exactly zero — a model one can read.
 *
 * Objective on standardised features z and centred y:
 *   (1 / 2n)·||y − Zβ||² + α·(ρ·||β||₁ + (1 − ρ)/2·||β||²),  ρ = l1Ratio (1 = lasso).
 * @module
 */
import { AwdError, assertFinite } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';
import type { Fold } from './crossValidation.ts';
import { columnStats } from './logistic.ts';

/** Options of {@link lassoCV}. */
export interface LassoOptions {
  /** Mix of L1 and L2 (1 = lasso, default; 0 < ρ < 1 = elastic net). */
  l1Ratio?: number;
  /** Number of α values on the path (default 30), log-spaced from α_max down to α_max·eps. */
  nAlphas?: number;
  /** Ratio of the smallest to the largest α (default 1e-3). */
  eps?: number;
  /** Convergence tolerance on the largest coefficient change (default 1e-7). */
  tol?: number;
  /** Sweeps per α at most (default 1000). */
  maxSweeps?: number;
}

/** A fitted sparse linear model (original scale): ŷ = intercept + x·coef. */
export interface LassoModel {
  coef: Float64Array;
  intercept: number;
  alpha: number;
  l1Ratio: number;
}

/** The standardised Gram system of some rows. */
interface GramSystem {
  p: number;
  n: number;
  mean: Float64Array;
  std: Float64Array;
  yMean: number;
  /** Z'Z / n, p × p */
  G: Float64Array;
  /** Z'(y − ȳ) / n */
  c: Float64Array;
}

function gramSystem(X: NdArray, y: ArrayLike<number>, rows: Int32Array): GramSystem {
  const p = X.shape[1];
  const n = rows.length;
  const { mean, std } = columnStats(X, rows);
  let yMean = 0;
  for (const r of rows) yMean += y[r];
  yMean /= n;
  const G = new Float64Array(p * p);
  const c = new Float64Array(p);
  const z = new Float64Array(p);
  for (const r of rows) {
    const o = r * p;
    for (let j = 0; j < p; j++) z[j] = (X.data[o + j] - mean[j]) / std[j];
    const yc = y[r] - yMean;
    for (let j = 0; j < p; j++) {
      const zj = z[j];
      if (zj === 0) continue;
      c[j] += zj * yc;
      const gj = j * p;
      for (let k = j; k < p; k++) G[gj + k] += zj * z[k];
    }
  }
  for (let j = 0; j < p; j++) {
    c[j] /= n;
    for (let k = j; k < p; k++) {
      G[j * p + k] /= n;
      G[k * p + j] = G[j * p + k];
    }
  }
  return { p, n, mean, std, yMean, G, c };
}

function alphaPath(sys: GramSystem, l1Ratio: number, nAlphas: number, eps: number): number[] {
  let mx = 0;
  for (let j = 0; j < sys.p; j++) mx = Math.max(mx, Math.abs(sys.c[j]));
  const aMax = Math.max(mx / Math.max(l1Ratio, 1e-3), 1e-12);
  return Array.from({ length: nAlphas }, (_, i) => aMax * eps ** (i / Math.max(1, nAlphas - 1)));
}

/** Coordinate descent at one α from `beta` (updated in place; `Gb` = G·beta kept in step). */
function descend(sys: GramSystem, alpha: number, l1Ratio: number, beta: Float64Array, Gb: Float64Array, tol: number, maxSweeps: number): void {
  const { p, G, c } = sys;
  const l1 = alpha * l1Ratio;
  const l2 = alpha * (1 - l1Ratio);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let maxDelta = 0;
    for (let j = 0; j < p; j++) {
      const gjj = G[j * p + j];
      if (gjj === 0) continue;
      const rho = c[j] - Gb[j] + gjj * beta[j];
      const next = rho > l1 ? (rho - l1) / (gjj + l2) : rho < -l1 ? (rho + l1) / (gjj + l2) : 0;
      const delta = next - beta[j];
      if (delta !== 0) {
        beta[j] = next;
        const gj = j * p;
        for (let k = 0; k < p; k++) Gb[k] += delta * G[gj + k];
        maxDelta = Math.max(maxDelta, Math.abs(delta));
      }
    }
    if (maxDelta < tol) return;
  }
}

function checkOptions(where: string, o: LassoOptions): Required<LassoOptions> {
  const r = { l1Ratio: o.l1Ratio ?? 1, nAlphas: o.nAlphas ?? 30, eps: o.eps ?? 1e-3, tol: o.tol ?? 1e-7, maxSweeps: o.maxSweeps ?? 1000 };
  if (!(r.l1Ratio > 0 && r.l1Ratio <= 1)) throw new AwdError(where, `l1Ratio must be in (0, 1], got ${r.l1Ratio}`);
  if (!Number.isInteger(r.nAlphas) || r.nAlphas < 1) throw new AwdError(where, `nAlphas must be an integer >= 1, got ${r.nAlphas}`);
  if (!(r.eps > 0 && r.eps <= 1)) throw new AwdError(where, `eps must be in (0, 1], got ${r.eps}`);
  return r;
}

/** Coefficients on the original scale from standardised β. */
function toModel(sys: GramSystem, beta: Float64Array, alpha: number, l1Ratio: number): LassoModel {
  const coef = new Float64Array(sys.p);
  let intercept = sys.yMean;
  for (let j = 0; j < sys.p; j++) {
    coef[j] = beta[j] / sys.std[j];
    intercept -= coef[j] * sys.mean[j];
  }
  return { coef, intercept, alpha, l1Ratio };
}

/** Predictions ŷ = intercept + X·coef. */
export function lassoPredict(m: LassoModel, X: NdArray): Float64Array {
  const p = m.coef.length;
  if (X.shape.length !== 2 || X.shape[1] !== p) throw new AwdError('lassoPredict', `X must be n × ${p}, got shape [${X.shape.join(', ')}]`);
  const n = X.shape[0];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = m.intercept;
    for (let j = 0; j < p; j++) s += X.data[i * p + j] * m.coef[j];
    out[i] = s;
  }
  return out;
}

/** Cross-validation score of one α of the path. */
export interface LassoAlphaScore {
  /** α as a multiple of each fold's α_max is not comparable across folds, so the path is fixed from all rows. */
  alpha: number;
  meanMse: number;
  /** Nonzero coefficients when fitted on all rows. */
  nonzero?: number;
}

/** Result of {@link lassoCV}. */
export interface LassoCVResult {
  model: LassoModel;
  alpha: number;
  scores: LassoAlphaScore[];
}

/**
 * Lasso / elastic net with α chosen by K-fold CV (the given folds) on the training data only: the
 * α path is fixed from all rows, each fold runs the path with warm starts, the α with the
 * smallest mean held-out MSE wins (ties → the larger α, i.e. the sparser model), then the path is
 * rerun on all rows down to that α.
 *
 * @example
 * const { model } = lassoCV(F, y, kFold(n, 5, 0));
 * model.coef.filter((c) => c !== 0).length; // a few nonzeros
 */
export function lassoCV(X: NdArray, y: ArrayLike<number>, folds: Fold[], options: LassoOptions = {}): LassoCVResult {
  const where = 'lassoCV';
  if (X.shape.length !== 2 || X.shape[0] !== y.length) throw new AwdError(where, `X must be n × p with one target per row; got shape [${X.shape.join(', ')}] and ${y.length} targets`);
  assertFinite(where, 'X', X.data);
  assertFinite(where, 'y', y);
  const o = checkOptions(where, options);
  const n = X.shape[0];
  const p = X.shape[1];
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const full = gramSystem(X, y, all);
  const alphas = alphaPath(full, o.l1Ratio, o.nAlphas, o.eps);
  const mse = new Float64Array(alphas.length);
  for (const fold of folds) {
    const sys = gramSystem(X, y, fold.train);
    const beta = new Float64Array(p);
    const Gb = new Float64Array(p);
    alphas.forEach((alpha, a) => {
      descend(sys, alpha, o.l1Ratio, beta, Gb, o.tol, o.maxSweeps);
      const m = toModel(sys, beta, alpha, o.l1Ratio);
      let s = 0;
      for (const i of fold.test) {
        let pred = m.intercept;
        for (let j = 0; j < p; j++) pred += X.data[i * p + j] * m.coef[j];
        s += (y[i] - pred) ** 2;
      }
      mse[a] += s / fold.test.length / folds.length;
    });
  }
  let best = 0;
  for (let a = 1; a < alphas.length; a++) if (mse[a] < mse[best]) best = a;
  const beta = new Float64Array(p);
  const Gb = new Float64Array(p);
  for (let a = 0; a <= best; a++) descend(full, alphas[a], o.l1Ratio, beta, Gb, o.tol, o.maxSweeps);
  const model = toModel(full, beta, alphas[best], o.l1Ratio);
  const scores = alphas.map((alpha, a) => ({ alpha, meanMse: mse[a] }));
  return { model, alpha: alphas[best], scores };
}

/** Fits the elastic net at one α on all rows (path from α_max with warm starts). */
export function fitLasso(X: NdArray, y: ArrayLike<number>, alpha: number, options: LassoOptions = {}): LassoModel {
  const where = 'fitLasso';
  const o = checkOptions(where, options);
  if (!(alpha >= 0)) throw new AwdError(where, `alpha must be >= 0, got ${alpha}`);
  const n = X.shape[0];
  const sys = gramSystem(X, y, Int32Array.from({ length: n }, (_, i) => i));
  const path = alphaPath(sys, o.l1Ratio, o.nAlphas, o.eps).filter((a) => a > alpha);
  const beta = new Float64Array(sys.p);
  const Gb = new Float64Array(sys.p);
  for (const a of [...path, alpha]) descend(sys, a, o.l1Ratio, beta, Gb, o.tol, o.maxSweeps);
  return toModel(sys, beta, alpha, o.l1Ratio);
}
