/**
 * Feature definitions of the distilled predictor: what a wavelet (or no wavelet, for the raw
 * baseline) turns each sample into. Every definition is plain data (saved in the model file) and
 * every feature knows where it comes from — coefficient array, position, sign — so a prediction
 * can be explained.
 *
 * Families:
 * - `maxcoef` (the paper's, 1D): per coefficient array the k coefficients of largest magnitude
 *   (signed, by decreasing magnitude; k = 6 by default). Discards where they sit.
 * - `maxabs`: the same k coefficients per array as `maxcoef`, as magnitudes |c| — invariant to
 *   the sign, so a burst of random phase gives the same features (`maxcoef`'s signed values
 *   average out in a linear model there).
 * - `maxcoef-ref` (the reference's biology notebooks, `max_fun(sgn="pos", m=6)` as we read it):
 *   per array the k largest *signed* values (by decreasing value), with unregularised least squares.
 * - `coefficients`: every wavelet coefficient at its position (keeps timing), meant for the
 *   sparse (lasso) head.
 * - `peaks` (2D, the cosmology study): counts of 3×3-filtered peaks of the map in fixed bins.
 * - `raw`: the input values themselves (the linear baseline).
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { ndarray, sizeOf, type NdArray } from '../util/ndarray.ts';
import type { AdaptiveWavelet } from '../awd/adaptive.ts';
import { maxCoefficientFeatures } from '../predictors/maxCoefficients.ts';
import { binEdgesFromTraining, peakHistograms } from '../predictors/peaks.ts';
import { extractPatches } from '../predictors/kernels.ts';

/** The feature families. */
export type FeatureFamily = 'maxcoef' | 'maxabs' | 'maxcoef-ref' | 'coefficients' | 'peaks' | 'raw';
export const FEATURE_FAMILIES: readonly FeatureFamily[] = ['maxcoef', 'maxabs', 'maxcoef-ref', 'coefficients', 'peaks', 'raw'];

/** A feature definition (plain data, stored in the model file). */
export interface FeatureDef {
  family: FeatureFamily;
  /** maxcoef / maxcoef-ref: coefficients kept per array. */
  k?: number;
  /** peaks: bins per kernel (default 22, the paper's). */
  bins?: number;
  /** peaks: the 3×3 kernels (row-major; from the wavelet, see {@link resolveFeatureDef}) and each kernel's bin edges. */
  kernels?: number[][];
  edges?: number[][];
}

/** Where feature `j` of sample `i` comes from (for `explain`). */
export interface FeatureSource {
  /** Coefficient array index in the reference order ([approx_J, detail_1, …, detail_J]), −1 for raw/peaks. */
  block: number;
  /** Flat position inside the array (or the raw input index; −1 when not positional). */
  position: number;
}

/** A feature matrix with, per entry, where it came from. */
export interface Features {
  F: NdArray;
  /** n × p sources (flat): block and position of each entry; null for families without positions. */
  blocks: Int32Array | null;
  positions: Int32Array | null;
}

/** Writes the k best entries of row `data[start..start+len)` by `key` (desc; ties → lower index). */
function topK(data: Float64Array, start: number, len: number, k: number, key: (v: number) => number, outVal: Float64Array, outPos: Int32Array, off: number): void {
  const m = Math.min(k, len);
  const best = new Int32Array(m);
  let count = 0;
  for (let i = 0; i < len; i++) {
    const a = key(data[start + i]);
    if (count === m && !(a > key(data[start + best[m - 1]]))) continue;
    let pos = count < m ? count++ : m - 1;
    while (pos > 0 && a > key(data[start + best[pos - 1]])) {
      best[pos] = best[pos - 1];
      pos--;
    }
    best[pos] = i;
  }
  for (let r = 0; r < k; r++) {
    outVal[off + r] = r < m ? data[start + best[r]] : 0;
    outPos[off + r] = r < m ? best[r] : -1;
  }
}

/** Checks a feature definition against the data dimensionality. */
export function checkFeatureDef(def: FeatureDef, dims: 1 | 2, where = 'features'): void {
  if (!FEATURE_FAMILIES.includes(def.family)) throw new AwdError(where, `unknown feature family '${def.family}'; use one of ${FEATURE_FAMILIES.join(', ')}`);
  if ((def.family === 'maxcoef' || def.family === 'maxabs' || def.family === 'maxcoef-ref') && !(Number.isInteger(def.k) && (def.k as number) >= 1)) {
    throw new AwdError(where, `the ${def.family} family needs k, an integer >= 1, got ${def.k}`);
  }
  if (def.family === 'peaks') {
    if (dims !== 2) throw new AwdError(where, 'peak counting needs 2D samples (n × rows × cols)');
    if (!def.kernels || !def.edges || def.kernels.length === 0 || def.kernels.length !== def.edges.length || def.kernels.some((k) => k.length !== 9) || def.edges.some((e) => e.length < 2)) {
      throw new AwdError(where, 'the peaks family needs 3×3 kernels and bin edges per kernel (resolveFeatureDef fills them from the wavelet and the training maps)');
    }
  }
}

/**
 * The features of X under a definition. `wavelet` is required except for `raw` and `peaks`
 * (whose kernel is part of the definition).
 *
 * @example
 * const { F } = computeFeatures({ family: 'maxcoef', k: 6 }, AdaptiveWavelet.fromName('db5'), X);
 */
export function computeFeatures(def: FeatureDef, wavelet: AdaptiveWavelet | null, X: NdArray, withSources = false): Features {
  const where = 'computeFeatures';
  const n = X.shape[0];
  const dims = X.shape.length === 2 ? 1 : 2;
  checkFeatureDef(def, dims as 1 | 2, where);
  if (def.family === 'raw') {
    const p = sizeOf(X.shape.slice(1));
    const F = ndarray(X.data.slice(), [n, p]);
    if (!withSources) return { F, blocks: null, positions: null };
    const blocks = new Int32Array(n * p).fill(-1);
    const positions = new Int32Array(n * p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) positions[i * p + j] = j;
    return { F, blocks, positions };
  }
  if (def.family === 'peaks') {
    const F = peakHistograms(X, { statistics: def.kernels!.map((k) => Float64Array.from(k)), edges: def.edges!.map((e) => Float64Array.from(e)) });
    return { F, blocks: null, positions: null };
  }
  if (!wavelet) throw new AwdError(where, `the ${def.family} family needs a wavelet`);
  const coeffs = wavelet.transform(X);
  if (def.family === 'coefficients') {
    const lens = coeffs.map((c) => sizeOf(c.shape.slice(1)));
    const p = lens.reduce((a, b) => a + b, 0);
    const data = new Float64Array(n * p);
    let off = 0;
    coeffs.forEach((c, b) => {
      const len = lens[b];
      for (let i = 0; i < n; i++) data.set(c.data.subarray(i * len, (i + 1) * len), i * p + off);
      off += len;
    });
    const F = ndarray(data, [n, p]);
    if (!withSources) return { F, blocks: null, positions: null };
    const blocks = new Int32Array(n * p);
    const positions = new Int32Array(n * p);
    for (let i = 0; i < n; i++) {
      let j = 0;
      lens.forEach((len, b) => {
        for (let t = 0; t < len; t++, j++) {
          blocks[i * p + j] = b;
          positions[i * p + j] = t;
        }
      });
    }
    return { F, blocks, positions };
  }
  const k = def.k!;
  if (def.family === 'maxcoef' && !withSources) return { F: maxCoefficientFeatures(coeffs, k), blocks: null, positions: null };
  const p = coeffs.length * k;
  const vals = new Float64Array(n * p);
  const pos = new Int32Array(n * p);
  const blocks = new Int32Array(n * p);
  const key = def.family === 'maxcoef-ref' ? (v: number) => v : Math.abs;
  coeffs.forEach((c, b) => {
    const len = sizeOf(c.shape.slice(1));
    for (let i = 0; i < n; i++) {
      topK(c.data, i * len, len, k, key, vals, pos, i * p + b * k);
      blocks.fill(b, i * p + b * k, i * p + b * k + k);
    }
  });
  if (def.family === 'maxabs') for (let t = 0; t < vals.length; t++) vals[t] = Math.abs(vals[t]);
  return { F: ndarray(vals, [n, p]), blocks: withSources ? blocks : null, positions: withSources ? pos : null };
}

/** A short human-readable name of a feature definition, e.g. `maxcoef(k=6)`. */
export function featureName(def: FeatureDef): string {
  if (def.family === 'maxcoef' || def.family === 'maxabs' || def.family === 'maxcoef-ref') return `${def.family}(k=${def.k})`;
  return def.family;
}

/**
 * Fills what a definition learns from the training data: for `peaks`, the wavelet's four 3×3
 * kernels (`extractPatches`, as the cosmology study) and each kernel's bin edges from the
 * training maps' peak values (0.5 %–99.5 % quantiles). Other families are returned as given.
 */
export function resolveFeatureDef(def: FeatureDef, wavelet: AdaptiveWavelet | null, Xtrain: NdArray): FeatureDef {
  if (def.family !== 'peaks') return { ...def };
  if (!wavelet) throw new AwdError('resolveFeatureDef', 'the peaks family needs a wavelet to cut its 3×3 kernels from');
  // A 2-tap filter (haar) is padded with a zero tap: its 2×2 kernels sit in the 3×3 window.
  const pad = (f: Float64Array): Float64Array => (f.length >= 3 ? f : Float64Array.from([...f, ...new Array(3 - f.length).fill(0)]));
  const kernels = extractPatches(pad(wavelet.h), pad(wavelet.g));
  const edges = binEdgesFromTraining(Xtrain, kernels, { bins: def.bins ?? 22 });
  return { family: 'peaks', bins: def.bins ?? 22, kernels: kernels.map((k) => Array.from(k)), edges: edges.map((e) => Array.from(e)) };
}
