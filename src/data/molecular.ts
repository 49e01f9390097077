/**
 * A simulator of clathrin-mediated endocytosis (CME) events for the molecular-partner study
 * (paper §4.2): clathrin fluorescence traces in, mean auxilin amplitude out. The model, its
 * parameters and a measured check that the response depends on the trace's shape are in
 * docs/molecular-simulator.md.
 */
import { AwdError, assertInt } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';
import { Rng } from '../util/rng.ts';
import { resampleLinear, resampleReference } from './resample.ts';

/** Options of {@link simulateMolecular}. */
export interface MolecularOptions {
  /** Training tracks (the paper's data set has 2,936). */
  nTrain?: number;
  /** Test tracks (the paper's data set has 1,005), from cells that are not in the training set. */
  nTest?: number;
  /** Points per track after resampling (the paper uses 40). */
  length?: number;
  /** Seed of every random choice. */
  seed: number;
  /** Tracks per simulated cell (normalisation is per cell, as in the reference). Default 300. */
  tracksPerCell?: number;
  /** Fraction of successful (productive) events. Default 0.45. */
  successFraction?: number;
  /**
   * How a track of any lifetime becomes `length` points: `'linear'` (default) interpolates;
   * `'reference'` subsamples at `floor((n−1)i/(length−1))` and zero-pads short tracks at the end,
   * as the reference preprocessing did.
   */
  resample?: 'linear' | 'reference';
  /**
   * `'per-cell'` (default): within each cell, X is standardised with one mean and one std over
   * all values of all its tracks and y is standardised over its tracks (the reference's
   * `X_same_length_normalized` and `Y_sig_mean_normalized`). `'none'`: raw photon counts.
   */
  normalize?: 'per-cell' | 'none';
  /**
   * Noise preset: `'simulator'` (default, the original model) or `'real-like'` (the response
   * carries much more event-to-event variability that the clathrin trace cannot explain, set so
   * that a well-trained LSTM scores near the reference notebooks' real-data R² ≈ 0.24;
   * docs/molecular-simulator.md, "Noise presets"). An object sets the noise constants directly
   * (for calibration runs).
   */
  noise?: MolecularNoiseName | MolecularNoise;
}

/** Names of the noise presets of {@link simulateMolecular}. */
export type MolecularNoiseName = 'simulator' | 'real-like';
export const MOLECULAR_NOISE_NAMES: readonly MolecularNoiseName[] = ['simulator', 'real-like'];

/** The noise and heterogeneity constants a preset sets (docs/molecular-simulator.md). */
export interface MolecularNoise {
  /** Log-normal spread of each event's auxilin amplitude, not explained by the trace. */
  auxilinLogSd: number;
}

/**
 * The noise presets. `'real-like'`'s `auxilinLogSd` was calibrated against the LSTM teacher only
 * (scripts/calibrate_molecular_noise.ts; docs/molecular-simulator.md, "Noise presets"), fixed
 * before any AWD run on it.
 */
export const MOLECULAR_NOISE_PRESETS: Record<MolecularNoiseName, MolecularNoise> = {
  simulator: { auxilinLogSd: 0.3 },
  'real-like': { auxilinLogSd: 0.8 },
};

/** One split of the simulated data set. */
export interface MolecularSplit {
  /** n × length clathrin traces. */
  X: NdArray;
  /** Response: mean auxilin amplitude over the frames where auxilin is detected (0 if none), normalised per `normalize`. */
  y: Float64Array;
  /** The response before normalisation (photons). */
  yRaw: Float64Array;
  /** 1 for a successful event, 0 for an abortive one. */
  successful: Uint8Array;
  /** Cell of each track (cells never span the two splits). */
  cell: Int32Array;
  /** Lifetime in frames (before resampling). */
  lifetime: Int32Array;
  /** Noise-free clathrin peak (photons). */
  peak: Float64Array;
  /** Noise-free largest clathrin loss in one frame (photons / frame): what recruits auxilin. */
  uncoatingRate: Float64Array;
}

/** Model constants (documented in docs/molecular-simulator.md). */
export const MOLECULAR_MODEL = {
  /** Median clathrin peak of a successful event, photons/frame; log-normal spread. */
  peakMedian: 400,
  peakLogSd: 0.35,
  /** Fraction of abortive events as bright as successful ones (same peak distribution). */
  brightAbortiveFraction: 0.35,
  /** Median peak of the other (dim) abortive events. */
  dimPeakMedian: 150,
  dimPeakLogSd: 0.4,
  /** Lifetimes (frames): log-normal median and log-sd, clipped to [min, max]. */
  successLifetime: { median: 55, logSd: 0.4, min: 20, max: 160 },
  abortiveLifetime: { median: 26, logSd: 0.35, min: 16, max: 80 },
  /** Uncoating (drop) duration of successful events, frames, uniform. */
  uncoatingFrames: [1.5, 10] as const,
  /** Clathrin left after uncoating, as a fraction of the peak, uniform (incomplete uncoating). */
  residualFraction: [0.05, 0.45] as const,
  /** Auxilin burst: amplitude = gain · max(0, uncoatingRate − threshold) photons. */
  auxilinGain: 2.0,
  auxilinRateThreshold: 25,
  /** Log-normal spread of the auxilin amplitude not explained by the trace (the `'simulator'` noise preset's; see {@link MOLECULAR_NOISE_PRESETS}). */
  auxilinLogSd: 0.3,
  /** Camera: background photons per frame in each channel, and Gaussian read noise (sd). */
  background: 150,
  readNoise: 10,
  /** One-sided detection level for auxilin frames (the reference keeps frames with p < 0.05). */
  detectionP: 0.05,
} as const;

const Z_DETECT = 1.6448536269514722; // Φ⁻¹(0.95)

function logNormal(rng: Rng, median: number, logSd: number): number {
  return median * Math.exp(logSd * rng.normal());
}

function clampRound(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(v)));
}

/** Poisson sample; normal approximation above 50 (relative error of the variance is nil there). */
function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  const L = Math.exp(-lambda);
  let k = 0;
  let p = rng.uniform();
  while (p > L) {
    k++;
    p *= rng.uniform();
  }
  return k;
}

/** Camera model: photon shot noise on signal + background, background subtracted, read noise. */
function camera(rng: Rng, signal: number, background: number, readNoise: number): number {
  return poisson(rng, signal + background) - background + readNoise * rng.normal();
}

interface Event {
  successful: boolean;
  clathrin: Float64Array; // noise-free, photons per frame
  auxilin: Float64Array; // noise-free
  peak: number;
  rate: number;
}

/** Noise-free clathrin and auxilin of one event (frames of 1 s). */
function simulateEvent(rng: Rng, successful: boolean, cellGain: number, auxGain: number, noise: MolecularNoise): Event {
  const M = MOLECULAR_MODEL;
  let c: number[];
  if (successful) {
    const lt = M.successLifetime;
    const L = clampRound(logNormal(rng, lt.median, lt.logSd), lt.min, lt.max);
    const A = cellGain * logNormal(rng, M.peakMedian, M.peakLogSd);
    const tu = rng.uniformIn(M.uncoatingFrames[0], M.uncoatingFrames[1]);
    const tail = 1 + rng.int(4);
    const residual = rng.uniformIn(M.residualFraction[0], M.residualFraction[1]);
    const plateau = Math.floor(rng.uniformIn(0, 0.35) * L);
    const drop = Math.ceil(tu);
    const build = Math.max(4, L - plateau - drop - tail);
    const kappa = rng.uniformIn(1, 3.5); // curvature of the saturating build-up
    const c0 = rng.uniformIn(0.08, 0.2);
    const drift = rng.uniformIn(-0.08, 0.08);
    c = [];
    for (let t = 0; t < build; t++) {
      const g = (1 - Math.exp((-kappa * (t + 1)) / build)) / (1 - Math.exp(-kappa));
      c.push(A * (c0 + (1 - c0) * g));
    }
    for (let t = 0; t < plateau; t++) c.push(A * (1 + (drift * (t + 1)) / Math.max(plateau, 1)));
    const top = c[c.length - 1];
    // Scission then uncoating: a raised-cosine fall from the top to residual·A over tu frames.
    for (let t = 1; t <= drop; t++) {
      const f = Math.min(1, t / tu);
      c.push(residual * A + (top - residual * A) * 0.5 * (1 + Math.cos(Math.PI * f)));
    }
    for (let t = 0; t < tail; t++) c.push(residual * A * Math.exp(-(t + 1) / 3));
  } else {
    const lt = M.abortiveLifetime;
    const L = clampRound(logNormal(rng, lt.median, lt.logSd), lt.min, lt.max);
    const bright = rng.uniform() < M.brightAbortiveFraction;
    const A = cellGain * (bright ? logNormal(rng, M.peakMedian, M.peakLogSd) : logNormal(rng, M.dimPeakMedian, M.dimPeakLogSd));
    const rise = Math.max(3, Math.round(rng.uniformIn(0.2, 0.6) * L));
    const fall = L - rise;
    const end = rng.uniformIn(0.15, 0.6);
    const c0 = rng.uniformIn(0.1, 0.3);
    c = [];
    for (let t = 0; t < rise; t++) {
      const s = (t + 1) / rise;
      c.push(A * (c0 + (1 - c0) * Math.sin((Math.PI / 2) * s)));
    }
    // Disassembly without scission: a slow, roughly exponential loss over the rest of the lifetime.
    const tauFall = fall / Math.max(-Math.log(end), 1e-3);
    for (let t = 1; t <= fall; t++) c.push(A * Math.exp(-t / tauFall));
  }
  const clathrin = Float64Array.from(c);
  const n = clathrin.length;
  // Peak and uncoating rate of the coat's deterministic course (before assembly fluctuations,
  // which do not recruit auxilin).
  let peak = 0;
  let rate = 0;
  let rateAt = 0;
  for (let t = 0; t < n; t++) {
    peak = Math.max(peak, clathrin[t]);
    if (t + 1 < n && clathrin[t] - clathrin[t + 1] > rate) {
      rate = clathrin[t] - clathrin[t + 1];
      rateAt = t;
    }
  }
  // Assembly fluctuations: a multiplicative AR(1) factor, larger for abortive (unstable) pits.
  const sd = successful ? 0.04 : 0.12;
  let e = 0;
  for (let t = 0; t < n; t++) {
    e = 0.7 * e + Math.sqrt(1 - 0.49) * sd * rng.normal();
    clathrin[t] *= Math.max(0, 1 + e);
  }
  // Auxilin is recruited by uncoating: a burst whose amplitude grows with the largest rate of
  // clathrin loss beyond a threshold, starting where that loss happens.
  const amp = auxGain * M.auxilinGain * Math.max(0, rate - M.auxilinRateThreshold) * Math.exp(noise.auxilinLogSd * rng.normal());
  const auxilin = new Float64Array(n);
  if (amp > 0) {
    const tau = rng.uniformIn(1, 3);
    const t0 = rateAt - 1;
    for (let t = Math.max(0, t0); t < n; t++) {
      const s = (t - t0) / tau;
      auxilin[t] = amp * s * Math.exp(1 - s);
    }
  }
  return { successful, clathrin, auxilin, peak, rate };
}

/**
 * Simulates a molecular-partner data set: CME events in cells, each a clathrin trace (resampled
 * to `length` points) and a response, the mean detected auxilin amplitude. Successful events
 * build up clathrin slowly, maybe plateau, then drop sharply (scission and uncoating), and the
 * drop recruits an auxilin burst whose size grows with the rate of clathrin loss; abortive
 * events are short, noisy, often dim (a third as bright as successful ones) and fade slowly,
 * so they recruit little or no auxilin. Camera noise is Poisson (shot) plus Gaussian (read).
 * Train and test come from disjoint cells. Deterministic under `seed`.
 *
 * @example
 * const { train, test, meta } = simulateMolecular({ seed: 0 });
 * train.X.shape; // [2936, 40]
 * test.y.length; // 1005
 */
export function simulateMolecular(options: MolecularOptions): { train: MolecularSplit; test: MolecularSplit; meta: Record<string, unknown> } {
  const where = 'simulateMolecular';
  const nTrain = options.nTrain ?? 2936;
  const nTest = options.nTest ?? 1005;
  const length = options.length ?? 40;
  const perCell = options.tracksPerCell ?? 300;
  const successFraction = options.successFraction ?? 0.45;
  const resample = options.resample ?? 'linear';
  const normalize = options.normalize ?? 'per-cell';
  if (options.seed === undefined || !Number.isFinite(options.seed)) {
    throw new AwdError(where, `seed must be a finite number, got ${options.seed}`);
  }
  assertInt(where, 'nTrain', nTrain, 1);
  assertInt(where, 'nTest', nTest, 1);
  assertInt(where, 'length', length, 2);
  assertInt(where, 'tracksPerCell', perCell, 2);
  if (!(successFraction >= 0 && successFraction <= 1)) throw new AwdError(where, `successFraction must be in [0, 1], got ${successFraction}`);
  if (resample !== 'linear' && resample !== 'reference') throw new AwdError(where, `resample must be 'linear' or 'reference', got '${resample}'`);
  if (normalize !== 'per-cell' && normalize !== 'none') throw new AwdError(where, `normalize must be 'per-cell' or 'none', got '${normalize}'`);
  const noiseName = typeof options.noise === 'object' && options.noise !== null ? 'custom' : (options.noise ?? 'simulator');
  let noise: MolecularNoise;
  if (noiseName === 'custom') noise = options.noise as MolecularNoise;
  else if (noiseName === 'simulator' || noiseName === 'real-like') noise = MOLECULAR_NOISE_PRESETS[noiseName];
  else throw new AwdError(where, `noise must be 'simulator' or 'real-like', got '${String(noiseName)}'`);
  if (!(Number.isFinite(noise.auxilinLogSd) && noise.auxilinLogSd >= 0)) throw new AwdError(where, `noise.auxilinLogSd must be a finite number >= 0, got ${noise.auxilinLogSd}`);

  const root = new Rng(options.seed);
  const trainRng = root.fork();
  const testRng = root.fork();
  let nextCell = 0;
  const makeSplit = (rng: Rng, n: number): MolecularSplit => {
    const nCells = Math.max(1, Math.round(n / perCell));
    const split: MolecularSplit = {
      X: ndarray(new Float64Array(n * length), [n, length]),
      y: new Float64Array(n),
      yRaw: new Float64Array(n),
      successful: new Uint8Array(n),
      cell: new Int32Array(n),
      lifetime: new Int32Array(n),
      peak: new Float64Array(n),
      uncoatingRate: new Float64Array(n),
    };
    const M = MOLECULAR_MODEL;
    const sdBg = Math.sqrt(M.background + M.readNoise * M.readNoise);
    let i = 0;
    for (let c = 0; c < nCells; c++) {
      const cellRng = rng.fork();
      const cellId = nextCell++;
      const count = Math.floor((n * (c + 1)) / nCells) - Math.floor((n * c) / nCells);
      const cellGain = Math.exp(0.25 * cellRng.normal());
      const auxGain = Math.exp(0.25 * cellRng.normal());
      const start = i;
      for (let k = 0; k < count; k++, i++) {
        const ev = simulateEvent(cellRng, cellRng.uniform() < successFraction, cellGain, auxGain, noise);
        const L = ev.clathrin.length;
        const obs = new Float64Array(L);
        let sum = 0;
        let detected = 0;
        for (let t = 0; t < L; t++) {
          obs[t] = camera(cellRng, ev.clathrin[t], M.background, M.readNoise);
          const aux = camera(cellRng, ev.auxilin[t], M.background, M.readNoise);
          if (aux / sdBg > Z_DETECT) {
            sum += aux;
            detected++;
          }
        }
        const track = resample === 'linear' ? resampleLinear(obs, length) : resampleReference(obs, length);
        split.X.data.set(track, i * length);
        split.yRaw[i] = detected > 0 ? sum / detected : 0;
        split.successful[i] = ev.successful ? 1 : 0;
        split.cell[i] = cellId;
        split.lifetime[i] = L;
        split.peak[i] = ev.peak;
        split.uncoatingRate[i] = ev.rate;
      }
      if (normalize === 'per-cell') standardiseCell(split, start, i, length);
      else for (let j = start; j < i; j++) split.y[j] = split.yRaw[j];
    }
    return split;
  };
  const train = makeSplit(trainRng, nTrain);
  const test = makeSplit(testRng, nTest);
  const frac = (s: MolecularSplit) => s.successful.reduce((a, b) => a + b, 0) / s.successful.length;
  const meta = {
    simulator: 'clathrin-mediated endocytosis (docs/molecular-simulator.md)',
    seed: options.seed,
    length,
    resample,
    normalize,
    noise: noiseName,
    noiseConstants: { ...noise },
    nTrain,
    nTest,
    tracksPerCell: perCell,
    cellsTrain: new Set(train.cell).size,
    cellsTest: new Set(test.cell).size,
    successFraction,
    successfulFractionTrain: frac(train),
    successfulFractionTest: frac(test),
    model: MOLECULAR_MODEL,
  };
  return { train, test, meta };
}

/** Per-cell standardisation of the reference: one mean/std over all values of the cell's tracks for X; mean/std over tracks for y. */
function standardiseCell(s: MolecularSplit, start: number, end: number, length: number): void {
  const X = s.X.data;
  const lo = start * length;
  const hi = end * length;
  let m = 0;
  for (let j = lo; j < hi; j++) m += X[j];
  m /= hi - lo;
  let v = 0;
  for (let j = lo; j < hi; j++) v += (X[j] - m) ** 2;
  const sd = Math.sqrt(v / (hi - lo)) || 1;
  for (let j = lo; j < hi; j++) X[j] = (X[j] - m) / sd;
  let my = 0;
  for (let j = start; j < end; j++) my += s.yRaw[j];
  my /= end - start;
  let vy = 0;
  for (let j = start; j < end; j++) vy += (s.yRaw[j] - my) ** 2;
  const sdy = Math.sqrt(vy / (end - start)) || 1;
  for (let j = start; j < end; j++) s.y[j] = (s.yRaw[j] - my) / sdy;
}
