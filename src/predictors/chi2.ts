/**
 * The χ² classifier of peak counting (DESIGN.md 5.3; reference `PeakCount.fit/predict`): each
 * training class (cosmology) is modelled by its mean histogram μ_c and an inverse covariance
 * C_c⁻¹; a histogram h is assigned to the class with the smallest
 * `χ²_c = (h − μ_c)ᵀ C_c⁻¹ (h − μ_c)`, and the prediction is that class's value (e.g. Ω_m).
 *
 * Covariance: unbiased sample covariance (numpy's `np.cov`, divisor n−1). Inverse: the
 * Moore–Penrose pseudo-inverse as the reference (`np.linalg.pinv`, eigenvalues below
 * `rcond · max|λ|` dropped, rcond = 1e-15 as numpy) — histograms often have empty bins, whose
 * zero variance makes C singular. Alternatively a ridge: `(C + ε·mean(diag C)·I)⁻¹`.
 * The Hartlap factor `(n − d − 2)/(n − 1)` (de-biasing an inverse sample covariance, n maps, d bins)
 * is off by default, as in the reference; with the same n in every class it rescales every χ² by
 * the same factor and cannot change a prediction.
 */
import { symmetricEigen } from './eigen.ts';
import { AwdError } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';

/** Options of {@link Chi2Classifier.fit}. */
export interface Chi2Options {
  /** 'pinv' (default, as the reference) or 'ridge'. */
  inverse?: 'pinv' | 'ridge';
  /** Relative cut-off of the pseudo-inverse (default 1e-15, numpy's). */
  rcond?: number;
  /** Relative ridge ε for `inverse: 'ridge'` (default 1e-6). */
  ridge?: number;
  /** Multiply each inverse covariance by the Hartlap factor (default false). */
  hartlap?: boolean;
}

/** One class of a fitted {@link Chi2Classifier}. */
export interface Chi2Class {
  /** Class label (e.g. cosmology index). */
  label: number;
  /** Value predicted for this class (e.g. Ω_m). */
  value: number;
  /** Training histograms in the class. */
  count: number;
  mean: Float64Array;
  /** Inverse covariance, d × d row-major. */
  invCov: Float64Array;
}


/**
 * Inverse of a symmetric matrix through its eigen-decomposition: `Σ_k f(λ_k) v_k v_kᵀ` with
 * `f(λ) = 1/(λ + shift)`, and `f = 0` where `|λ| <= rcond · max|λ|` (the pseudo-inverse).
 *
 * @example
 * pinvSymmetric(Float64Array.from([2, 0, 0, 0]), 2); // [0.5, 0, 0, 0]
 */
export function pinvSymmetric(a: ArrayLike<number>, n: number, rcond = 1e-15, shift = 0): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  let maxAbs = 0;
  for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v + shift));
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const lam = values[k] + shift;
    if (!(Math.abs(lam) > rcond * maxAbs)) continue;
    const f = 1 / lam;
    for (let i = 0; i < n; i++) {
      const vi = vectors[i * n + k] * f;
      if (vi === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += vi * vectors[j * n + k];
    }
  }
  return out;
}

/**
 * Nearest-class χ² classifier on histograms.
 *
 * @example
 * import { ndarray } from '../util/ndarray.ts';
 * const H = ndarray(Float64Array.from([1, 0, 2, 0, 9, 1, 8, 0]), [4, 2]); // 4 histograms, 2 bins
 * const clf = Chi2Classifier.fit(H, [0, 0, 1, 1], [0.2, 0.2, 0.4, 0.4]);
 * clf.predict(ndarray(Float64Array.from([1.5, 0, 8.5, 0.5]), [2, 2])); // [0.2, 0.4]
 */
export class Chi2Classifier {
  readonly dim: number;
  readonly classes: Chi2Class[];
  private readonly diff: Float64Array;

  constructor(dim: number, classes: Chi2Class[]) {
    this.dim = dim;
    this.classes = classes;
    this.diff = new Float64Array(dim);
  }

  /**
   * Fits one class per distinct label: `H` is `n × d` (one histogram per row), `labels` the class
   * of each row, `values` the value of each row (must be equal within a class). Classes are sorted
   * by label; ties in χ² go to the first.
   */
  static fit(H: NdArray, labels: ArrayLike<number>, values: ArrayLike<number>, options: Chi2Options = {}): Chi2Classifier {
    const where = 'Chi2Classifier.fit';
    if (H.shape.length !== 2) throw new AwdError(where, `H must be n × d, got shape [${H.shape.join(', ')}]`);
    const [n, d] = H.shape;
    if (labels.length !== n || values.length !== n) {
      throw new AwdError(where, `got ${n} histograms, ${labels.length} labels and ${values.length} values`);
    }
    const groups = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const l = labels[i];
      if (!Number.isFinite(l)) throw new AwdError(where, `label ${i} is not finite`);
      let g = groups.get(l);
      if (!g) groups.set(l, (g = []));
      g.push(i);
    }
    const inverse = options.inverse ?? 'pinv';
    const rcond = options.rcond ?? 1e-15;
    const ridge = options.ridge ?? 1e-6;
    const classes: Chi2Class[] = [];
    for (const label of [...groups.keys()].sort((a, b) => a - b)) {
      const idx = groups.get(label)!;
      const m = idx.length;
      if (m < 2) throw new AwdError(where, `class ${label} has ${m} histogram; need at least 2 for a covariance`);
      const value = values[idx[0]];
      for (const i of idx) {
        if (values[i] !== value) throw new AwdError(where, `class ${label} has different values (${value} and ${values[i]})`);
      }
      const mean = new Float64Array(d);
      for (const i of idx) for (let k = 0; k < d; k++) mean[k] += H.data[i * d + k];
      for (let k = 0; k < d; k++) mean[k] /= m;
      const cov = new Float64Array(d * d);
      const x = new Float64Array(d);
      for (const i of idx) {
        for (let k = 0; k < d; k++) x[k] = H.data[i * d + k] - mean[k];
        for (let a = 0; a < d; a++) {
          const xa = x[a];
          if (xa === 0) continue;
          for (let b = 0; b < d; b++) cov[a * d + b] += xa * x[b];
        }
      }
      for (let k = 0; k < d * d; k++) cov[k] /= m - 1;
      let invCov: Float64Array;
      if (inverse === 'pinv') invCov = pinvSymmetric(cov, d, rcond);
      else if (inverse === 'ridge') {
        let tr = 0;
        for (let k = 0; k < d; k++) tr += cov[k * d + k];
        const eps = ridge * (tr > 0 ? tr / d : 1);
        invCov = pinvSymmetric(cov, d, 0, eps);
      } else throw new AwdError(where, `inverse must be 'pinv' or 'ridge', got ${String(inverse)}`);
      if (options.hartlap) {
        const f = (m - d - 2) / (m - 1);
        if (!(f > 0)) {
          throw new AwdError(where, `the Hartlap factor needs more histograms than bins + 2 (class ${label}: ${m} for ${d} bins); turn hartlap off or use more maps`);
        }
        for (let k = 0; k < d * d; k++) invCov[k] *= f;
      }
      classes.push({ label, value, count: m, mean, invCov });
    }
    return new Chi2Classifier(d, classes);
  }

  /** χ² of histogram `h` against every class (in `classes` order). */
  chi2(h: ArrayLike<number>, out?: Float64Array): Float64Array {
    const d = this.dim;
    if (h.length !== d) throw new AwdError('Chi2Classifier.chi2', `histogram has ${h.length} bins, the model ${d}`);
    const res = out ?? new Float64Array(this.classes.length);
    const x = this.diff;
    for (let c = 0; c < this.classes.length; c++) {
      const { mean, invCov } = this.classes[c];
      for (let k = 0; k < d; k++) x[k] = h[k] - mean[k];
      let q = 0;
      for (let a = 0; a < d; a++) {
        let s = 0;
        const row = a * d;
        for (let b = 0; b < d; b++) s += invCov[row + b] * x[b];
        q += x[a] * s;
      }
      res[c] = q;
    }
    return res;
  }

  /** Position in `classes` of the class with the smallest χ² (the first on ties). */
  predictIndex(h: ArrayLike<number>): number {
    const chis = this.chi2(h);
    let best = 0;
    for (let c = 1; c < chis.length; c++) if (chis[c] < chis[best]) best = c;
    return best;
  }

  /** Predicted labels for the rows of H (`n × d`). */
  predictLabels(H: NdArray): Float64Array {
    return this.map(H, (c) => c.label);
  }

  /** Predicted values (e.g. Ω_m) for the rows of H (`n × d`). */
  predict(H: NdArray): Float64Array {
    return this.map(H, (c) => c.value);
  }

  private map(H: NdArray, f: (c: Chi2Class) => number): Float64Array {
    if (H.shape.length !== 2 || H.shape[1] !== this.dim) {
      throw new AwdError('Chi2Classifier.predict', `H must be n × ${this.dim}, got shape [${H.shape.join(', ')}]`);
    }
    const n = H.shape[0];
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f(this.classes[this.predictIndex(H.data.subarray(i * this.dim, (i + 1) * this.dim))]);
    return out;
  }

  /** A JSON-safe copy (numbers arrays), for saving a fitted model. */
  toJSON(): { dim: number; classes: { label: number; value: number; count: number; mean: number[]; invCov: number[] }[] } {
    return {
      dim: this.dim,
      classes: this.classes.map((c) => ({ ...c, mean: Array.from(c.mean), invCov: Array.from(c.invCov) })),
    };
  }

  /** Rebuilds a classifier from {@link Chi2Classifier.toJSON}'s output. */
  static fromJSON(o: ReturnType<Chi2Classifier['toJSON']>): Chi2Classifier {
    return new Chi2Classifier(
      o.dim,
      o.classes.map((c) => ({ ...c, mean: Float64Array.from(c.mean), invCov: Float64Array.from(c.invCov) })),
    );
  }
}

export { symmetricEigen };
