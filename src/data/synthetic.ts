/**
 * The data of the synthetic recovery study (paper §4.1; DESIGN.md §5.1): x ~ N(0, I_d), a
 * response that depends on a few db5 wavelet coefficients, and the exact (oracle) input gradient
 * of its noise-free part. No teacher here (this module loads without TensorFlow.js, in browsers
 * too); the study itself is `studies/synthetic.ts`.
 * @module
 */
import { AwdError, assertInt } from '../util/checks.ts';
import { ndarray, sliceRows, type NdArray } from '../util/ndarray.ts';
import { Rng } from '../util/rng.ts';
import { familyLowpass, WAVELET_NAMES } from '../wavelets/families.ts';
import { analysis1d, Plan1D } from '../wavelets/multilevel1d.ts';


/** Options of {@link generateSyntheticData}; defaults are the paper's. */
export interface SyntheticDataOptions {
  /** Samples in all (default 55,000). */
  n?: number;
  /** The first `nTrain` samples are the training set, the rest the test set (default 50,000). */
  nTrain?: number;
  /** Signal length d (default 64). */
  d?: number;
  /** Seed of x and ε (default 1, the reference's). */
  seed?: number;
  /** Standard deviation of ε (default 0.1). */
  noiseLevel?: number;
  /** Index into the reference coefficient list [approx_J, detail_1, …, detail_J] (default 3). */
  scaleIndex?: number;
  /** Centre position of β in that array (default 8). */
  center?: number;
  /** β is set at center − window … center + window (default 1). */
  window?: number;
  /** Value of β on its support (default 2). */
  betaValue?: number;
  /** Ground-truth wavelet (default 'db5'). */
  wavelet?: string;
  /** Levels J (default 4). */
  levels?: number;
}

/** A generated data set. */
export interface SyntheticData {
  Xtrain: NdArray;
  ytrain: NdArray;
  Xtest: NdArray;
  ytest: NdArray;
  /** ε of every sample, training samples first, so `y − ε = Σ_k ⟨(W x)_k, β_k⟩` exactly. */
  noise: Float64Array;
  /** β in the reference coefficient layout: one vector per coefficient array (approx_J first). */
  beta: Float64Array[];
  settings: Required<SyntheticDataOptions>;
}

const DATA_DEFAULTS: Required<SyntheticDataOptions> = {
  n: 55000, nTrain: 50000, d: 64, seed: 1, noiseLevel: 0.1,
  scaleIndex: 3, center: 8, window: 1, betaValue: 2, wavelet: 'db5', levels: 4,
};

/**
 * Generates the synthetic data set of DESIGN.md §5.1 (seeded: same options → same numbers).
 *
 * @example
 * ```ts
 * const data = generateSyntheticData({ n: 1000, nTrain: 900, seed: 1 });
 * console.log(data.Xtrain.shape, data.ytest.shape);   // [900, 64] [100]
 * ```
 */
export function generateSyntheticData(opts: SyntheticDataOptions = {}): SyntheticData {
  const where = 'generateSyntheticData';
  const s: Required<SyntheticDataOptions> = { ...DATA_DEFAULTS, ...stripUndefined(opts) };
  assertInt(where, 'n', s.n, 2);
  assertInt(where, 'nTrain', s.nTrain, 1, s.n - 1);
  assertInt(where, 'd', s.d, 2);
  assertInt(where, 'levels', s.levels, 1);
  assertInt(where, 'scaleIndex', s.scaleIndex, 0, s.levels);
  assertInt(where, 'window', s.window, 0);
  if (!Number.isFinite(s.seed)) throw new AwdError(where, `seed must be a finite number, got ${s.seed}`);
  if (!(s.noiseLevel >= 0) || !Number.isFinite(s.noiseLevel)) throw new AwdError(where, `noiseLevel must be a finite number >= 0, got ${s.noiseLevel}`);
  if (!Number.isFinite(s.betaValue)) throw new AwdError(where, `betaValue must be finite, got ${s.betaValue}`);
  if (!(WAVELET_NAMES as readonly string[]).includes(s.wavelet)) throw new AwdError(where, `unknown wavelet '${s.wavelet}'; use a built-in name such as 'db5'`);

  const rng = new Rng(s.seed);
  const xRng = rng.fork();
  const epsRng = rng.fork();
  const X = ndarray(xRng.fillNormal(new Float64Array(s.n * s.d)), [s.n, s.d]);
  const coeffs = coefficientBlocks(s.wavelet, s.levels, X);
  const beta = coeffs.map((c) => new Float64Array(c.shape[1]));
  const len = beta[s.scaleIndex].length;
  if (s.center - s.window < 0 || s.center + s.window >= len) {
    throw new AwdError(where, `β's support ${s.center - s.window}..${s.center + s.window} does not fit coefficient array ${s.scaleIndex} of length ${len}; choose center and window inside it`);
  }
  for (let i = s.center - s.window; i <= s.center + s.window; i++) beta[s.scaleIndex][i] = s.betaValue;

  const noise = epsRng.fillNormal(new Float64Array(s.n), 0, s.noiseLevel);
  const y = new Float64Array(s.n);
  for (let k = 0; k < coeffs.length; k++) {
    const b = beta[k];
    const m = b.length;
    const c = coeffs[k].data;
    for (let j = 0; j < m; j++) {
      if (b[j] === 0) continue;
      for (let i = 0; i < s.n; i++) y[i] += c[i * m + j] * b[j];
    }
  }
  for (let i = 0; i < s.n; i++) y[i] += noise[i];
  const Y = ndarray(y, [s.n]);
  return {
    Xtrain: sliceRows(X, 0, s.nTrain),
    ytrain: sliceRows(Y, 0, s.nTrain),
    Xtest: sliceRows(X, s.nTrain, s.n),
    ytest: sliceRows(Y, s.nTrain, s.n),
    noise,
    beta,
    settings: s,
  };
}

/**
 * The exact input gradient of the noise-free response, ∇ₓ Σ_k ⟨(W x)_k, β_k⟩ = Wᵀ β (the same for
 * every x, the model being linear): the analysis operator's rows weighted by β.
 *
 * @example
 * ```ts
 * const data = generateSyntheticData({ n: 10, nTrain: 5 });
 * const g = oracleGradient(data);   // Float64Array(64), ‖g‖ ≈ 2√3
 * ```
 */
export function oracleGradient(data: SyntheticData): Float64Array {
  const { d, wavelet, levels } = data.settings;
  const eye = new Float64Array(d * d);
  for (let i = 0; i < d; i++) eye[i * d + i] = 1;
  const cols = coefficientBlocks(wavelet, levels, ndarray(eye, [d, d]));
  const g = new Float64Array(d);
  cols.forEach((c, k) => {
    const m = c.shape[1];
    for (let j = 0; j < m; j++) {
      const b = data.beta[k][j];
      if (b !== 0) for (let i = 0; i < d; i++) g[i] += b * c.data[i * m + j];
    }
  });
  return g;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The coefficient blocks of rows of X in the reference's order [approx_J, detail_1, …, detail_J]
 * (mode zero, h = the family's rec_lo, g[n] = (−1)ⁿ h[N−1−n]): the same kernels, in the same order,
 * as `AdaptiveWavelet.fromName(name, levels, 'zero').transform(X)` — data do not depend on the
 * AWD module.
 */
function coefficientBlocks(name: string, levels: number, X: NdArray): NdArray[] {
  const h = familyLowpass(name);
  const N = h.length;
  const g = new Float64Array(N);
  for (let k = 0; k < N; k++) g[k] = (k % 2 === 0 ? 1 : -1) * h[N - 1 - k];
  const [n, d] = X.shape;
  const plan = new Plan1D(d, N, 'zero', levels);
  const a = analysis1d(plan, X.data, n, h, g);
  return [a.approx, ...a.details].map((b, k) => ndarray(b, [n, plan.lens[k === 0 ? levels : k]]));
}
