/**
 * Study 3 (DESIGN.md §5.3, the paper's Table 2): cosmological parameter inference from weak-lensing
 * convergence maps. A CNN teacher regresses Ω_m; AWD distils it into a 2D wavelet (from db5) whose
 * 3×3 sub-filters drive a peak-counting χ² predictor; the predictor is compared with the CNN and with
 * peak counting through the Laplace, Roberts-cross, db5 and AWD-without-interpretation (λ = 0) kernels.
 *
 * Data flow (every phase seeded):
 *
 *     simulated maps (10 cosmologies; train / validation / test by map index)
 *       → CNN teacher on training maps → its input gradients on the AWD training maps (once)
 *       → AWD over a (λ, γ) grid (teacher-free) → 3×3 kernels of each fitted wavelet (`extractPatches`)
 *       → peak histograms (bins from training maps) → χ² model fitted on training histograms
 *       → cell chosen by the validation RMSE → Table 2 on the test maps
 *
 * Maps are streamed with `mapBatches` for the histogram pass, so only the subsets that train the
 * teacher and AWD are held in memory (the 'full' size's run peaked at 3.4 GB, most of it the
 * teacher's 3,000 training maps; docs/study-cosmology.md).
 *
 * @example
 * import { runCosmologyStudy } from './cosmology.ts';
 * const r = await runCosmologyStudy({ size: 'tiny', seed: 1 });
 * console.log(r.tables[0].rows); // CNN, AWD, AWD (λ=0), db5, Laplace, Roberts cross
 * @module
 */
import { AdaptiveWavelet } from '../awd/adaptive.ts';
import { bestBy } from '../distill/select.ts';
import { waveletToJson } from '../awd/serialize.ts';
import { cellParams, checkGrid, gridSize, type Grid } from '../awd/sweep.ts';
import { useSweepFolder } from '../awd/sweepPlan.ts';
import { highpassOf } from '../awd/constraints.ts';
import { parseParametrization, type Parametrization } from '../awd/lattice.ts';
import { COSMOLOGIES, mapBatches, SIMULATORS, type MapBatch, type SimulatorKind } from '../data/convergence.ts';
import { bootstrapRmse } from '../predictors/bootstrap.ts';
import { Chi2Classifier } from '../predictors/chi2.ts';
import { compressionFactor } from '../predictors/compression.ts';
import { extractPatches, LAPLACE_KERNEL, patchWindow, waveletFilters2d } from '../predictors/kernels.ts';
import { binEdgesFromTraining, peakHistogramsMany, type PeakStatistic } from '../predictors/peaks.ts';
import { heatmapBody, linePlot, panelGrid, PALETTE, type Panel, type Series } from '../report/svg.ts';
import { teacherCurveFigure } from './teacherFigure.ts';
import { trainTeacher } from '../teachers/train.ts';
import { r2Score } from '../teachers/metrics.ts';
import type { NeuralTeacher } from '../teachers/teacher.ts';
import type { MomentView } from '../teachers/models.ts';
import { AwdError, assertInt } from '../util/checks.ts';
import { ndarray, sliceRows, type NdArray } from '../util/ndarray.ts';
import { familyLowpass } from '../wavelets/families.ts';
import { dwtMaxLevel } from '../wavelets/modes.ts';
import type { Figure, StudyProgress, StudyResult, Table } from './types.ts';

/** Maps per cosmology in each split (map indices: train first, then validation, then test). */
export interface CosmologySplitCounts {
  train: number;
  validation: number;
  test: number;
}

/** Options of {@link runCosmologyStudy}. Anything not given comes from the `size` preset. */
export interface CosmologyStudyOptions {
  /** 'tiny' (tests, seconds), 'default' (64×64, ~15 min on 2 cores), 'full' (256×256, paper-sized splits; hours). */
  size?: 'tiny' | 'default' | 'full';
  /** Master seed (maps, teacher, AWD batches, bootstrap). Default 0. */
  seed?: number;
  onProgress?: StudyProgress;
  /** Map side in pixels (a power of 2: the simulator uses radix-2 FFTs). */
  mapSize?: number;
  /** The sky model of the maps (default 'lognormal'; 'halo': NFW halos on a lognormal background, docs/cosmology-simulator.md). */
  simulator?: SimulatorKind;
  /** Total maps per cosmology, split 80 / 8 / 12 % as the reference (ignored when `split` is given). */
  mapsPerCosmology?: number;
  /** Explicit maps per cosmology in each split. */
  split?: CosmologySplitCounts;
  /** The (λ, γ) grid of AWD. The AWD row is the best λ > 0 cell, the λ = 0 row the best λ = 0 cell. */
  grid?: Grid;
  /** Decomposition levels J of the 2D AWD (default: the useful maximum for the map size, at least 2). */
  levels?: number;
  /** Training maps per cosmology (the first ones) on which AWD is fitted. */
  awdMapsPerCosmology?: number;
  awdEpochs?: number;
  awdBatchSize?: number;
  awdLearningRate?: number;
  /**
   * Threads of each AWD fit ('auto' or a count). At 'full' 1: a worker thread costs ≈ 0.2 GB more
   * at 256×256 and gains little on fits of 50 steps (it takes ≈ 1 s to start).
   */
  awdThreads?: number | 'auto';
  /**
   * How the fitted filter is parametrised, one grid per entry: 'penalty' (the reference's soft
   * wavelet constraints) and/or 'lattice' (exactly orthogonal at every step, docs/objective.md).
   * Default both, so Table 2 compares them; with `awdSweep` only 'penalty'.
   */
  parametrizations?: Parametrization[];
  /**
   * Adam steps at which every cell's filter is recorded and its peak-counting predictor scored on
   * the validation maps (the validation score against steps; the final step is always scored).
   */
  awdSnapshots?: number[];
  /** Training maps per cosmology (the first ones) on which the CNN is trained. */
  teacherMapsPerCosmology?: number;
  /** Validation maps per cosmology (the first ones) on which the CNN's progress is logged. */
  teacherValidationMapsPerCosmology?: number;
  teacherEpochs?: number;
  teacherLearningRate?: number;
  /**
   * Maps per CNN batch (training, predictions, input gradients). TensorFlow.js's WebAssembly heap
   * grows to the largest batch and does not shrink: training on 100 maps of 256×256 takes ≈ 2 GB,
   * 25 ≈ 0.9 GB, 10 ≈ 0.55 GB (and runs a little faster).
   */
  teacherBatchSize?: number;
  teacherChannels?: number[];
  stemStride?: 1 | 2;
  /** How the CNN is trained beyond the above (head, pooling, augmentation, schedule, early stopping); merged over the preset's. */
  teacherTraining?: Partial<CnnTeacherTraining>;
  /** Training maps per cosmology (the first ones) from whose peaks the histogram bins are set. */
  edgeMapsPerCosmology?: number;
  /** Histogram bins per statistic (default 22, the paper's). */
  bins?: number;
  /** Bootstrap resamples of the test RMSE (default 10,000). */
  resamples?: number;
  /** Maps per streamed batch (default 100). */
  batchSize?: number;
  /**
   * A sweep folder (`awd sweep plan`) whose cells replace fitting the (λ, γ) grid here: without a
   * plan there yet, the grid is planned on this run's maps and gradients and `SweepPlanned` is
   * thrown; once the cells are fitted (e.g. on a cluster), the same call uses them.
   */
  awdSweep?: string;
}

/** The CNN teacher's training beyond sizes and rates (see TrainOptions of src/teachers/train.ts). */
export interface CnnTeacherTraining {
  /** Hidden sizes of the MLP head on the pooled features ([] = linear head). */
  head: number[];
  pool: 'mean' | 'logmean';
  /** Channels of the per-pixel branch (0: none). */
  pixelChannels: number;
  /** Views of the map whose moments feed the head (the moments branch of src/teachers/models.ts; [] = none). */
  moments: MomentView[];
  augment: 'none' | 'flips' | 'd4';
  lrSchedule: 'constant' | 'cosine' | 'step';
  /** Early stopping on the validation maps (null: all epochs); the best validation epoch's weights are kept either way. */
  patience: number | null;
}

/** Every setting of a run, resolved from the preset and the options. */
export interface CosmologySettings {
  size: 'tiny' | 'default' | 'full';
  seed: number;
  mapSize: number;
  /** The sky model of the maps. */
  simulator: SimulatorKind;
  split: CosmologySplitCounts;
  grid: Grid;
  levels: number;
  mode: 'zero';
  init: 'db5';
  awdMapsPerCosmology: number;
  awdEpochs: number;
  awdBatchSize: number;
  awdLearningRate: number;
  awdThreads: number | 'auto';
  parametrizations: Parametrization[];
  awdSnapshots: number[];
  teacherMapsPerCosmology: number;
  teacherValidationMapsPerCosmology: number;
  teacherEpochs: number;
  teacherLearningRate: number;
  teacherBatchSize: number;
  teacherChannels: number[];
  stemStride: 1 | 2;
  teacherTraining: CnnTeacherTraining;
  edgeMapsPerCosmology: number;
  bins: number;
  resamples: number;
  batchSize: number;
  kernelCut: { includeLastWindow: false; centering: true };
  attribution: 'saliency';
  compressionThreshold: number;
}

type Preset = Omit<CosmologySettings, 'size' | 'seed' | 'simulator' | 'levels' | 'mode' | 'init' | 'kernelCut' | 'attribution' | 'compressionThreshold' | 'parametrizations'>;

/** The CNN training of the default and full sizes, chosen by the measurements in docs/study-cosmology.md ("Teacher"). */
const TEACHER_DEFAULT_EPOCHS = 60;
const TEACHER_DEFAULT_LR = 3e-3;
const TEACHER_DEFAULT_PATIENCE = 20;

const PRESETS: Record<'tiny' | 'default' | 'full', Preset> = {
  tiny: {
    mapSize: 32,
    split: { train: 20, validation: 4, test: 4 },
    grid: { lambdas: [0, 0.1], gammas: [0.01] },
    awdMapsPerCosmology: 10,
    awdEpochs: 1,
    awdBatchSize: 25,
    awdLearningRate: 1e-3,
    awdThreads: 'auto',
    awdSnapshots: [1],
    teacherMapsPerCosmology: 20,
    teacherValidationMapsPerCosmology: 4,
    teacherEpochs: 1,
    teacherLearningRate: 3e-3,
    teacherBatchSize: 100,
    teacherChannels: [4, 8],
    stemStride: 1,
    teacherTraining: { head: [8], pool: 'logmean', pixelChannels: 4, moments: ['map'], augment: 'd4', lrSchedule: 'cosine', patience: null },
    edgeMapsPerCosmology: 10,
    bins: 8,
    resamples: 1000,
    batchSize: 100,
  },
  default: {
    mapSize: 64,
    split: { train: 200, validation: 20, test: 30 },
    grid: { lambdas: [0, 0.02, 0.1, 0.4], gammas: [0.001, 0.01] },
    awdMapsPerCosmology: 80,
    awdEpochs: 16,
    awdBatchSize: 25,
    awdLearningRate: 1e-3,
    awdThreads: 'auto',
    awdSnapshots: [64, 128, 256],
    teacherMapsPerCosmology: 200,
    teacherValidationMapsPerCosmology: 20,
    teacherEpochs: TEACHER_DEFAULT_EPOCHS,
    teacherLearningRate: TEACHER_DEFAULT_LR,
    teacherBatchSize: 32,
    teacherChannels: [1],
    stemStride: 2,
    teacherTraining: { head: [64, 64], pool: 'mean', pixelChannels: 0, moments: ['map'], augment: 'd4', lrSchedule: 'cosine', patience: TEACHER_DEFAULT_PATIENCE },
    edgeMapsPerCosmology: 20,
    bins: 22,
    resamples: 10000,
    batchSize: 100,
  },
  full: {
    mapSize: 256,
    split: { train: 2000, validation: 200, test: 300 },
    grid: { lambdas: [0, 0.1, 0.4], gammas: [0.01] },
    awdMapsPerCosmology: 100,
    awdEpochs: 50,
    awdBatchSize: 25,
    awdLearningRate: 1e-3,
    awdThreads: 1,
    awdSnapshots: [250, 500, 1000],
    teacherMapsPerCosmology: 300,
    teacherValidationMapsPerCosmology: 20,
    teacherEpochs: TEACHER_DEFAULT_EPOCHS,
    teacherLearningRate: TEACHER_DEFAULT_LR,
    teacherBatchSize: 32,
    teacherChannels: [1],
    stemStride: 2,
    // MS60 (docs/study-cosmology.md, "Teacher at the full size"): MO60 with the moments of all four
    // views, chosen on validation at 256×256 over MO60 (0.913 on 1,000 maps); trained on 3,000 maps.
    teacherTraining: { head: [64, 64], pool: 'mean', pixelChannels: 0, moments: ['map', 'pool2', 'pool4', 'highpass'], augment: 'd4', lrSchedule: 'cosine', patience: TEACHER_DEFAULT_PATIENCE },
    edgeMapsPerCosmology: 20,
    bins: 22,
    resamples: 10000,
    batchSize: 100,
  },
};

const FILTER = 'db5';
/** Test maps per step of the compression count (see there). */
const COMPRESSION_CHUNK = 10;

/** Resolves the preset and the options into the settings of a run (checked). */
export function cosmologySettings(opts: CosmologyStudyOptions = {}): CosmologySettings {
  const where = 'runCosmologyStudy';
  const size = opts.size ?? 'default';
  const p = PRESETS[size];
  if (!p) throw new AwdError(where, `size must be 'tiny', 'default' or 'full', got '${String(size)}'`);
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0) throw new AwdError(where, `seed must be an integer >= 0, got ${seed}`);
  const mapSize = opts.mapSize ?? p.mapSize;
  if (!Number.isInteger(mapSize) || mapSize < 16 || (mapSize & (mapSize - 1)) !== 0) {
    throw new AwdError(where, `mapSize must be a power of 2 >= 16 (the simulator's FFT), got ${mapSize}`);
  }
  const simulator = opts.simulator ?? 'lognormal';
  if (!SIMULATORS.includes(simulator)) throw new AwdError(where, `simulator must be 'lognormal' or 'halo', got '${String(simulator)}'`);
  let split: CosmologySplitCounts;
  if (opts.split) split = { ...opts.split };
  else if (opts.mapsPerCosmology !== undefined) {
    const m = opts.mapsPerCosmology;
    assertInt(where, 'mapsPerCosmology', m, 10);
    // The reference's fractions (PAPER_SPLIT: 80 % train, 8 % validation, 12 % test).
    const train = Math.round(0.8 * m);
    const validation = Math.round(0.08 * m);
    split = { train, validation, test: m - train - validation };
  } else split = { ...p.split };
  assertInt(where, 'split.train', split.train, 2);
  assertInt(where, 'split.validation', split.validation, 1);
  assertInt(where, 'split.test', split.test, 1);
  const grid = opts.grid ?? p.grid;
  checkGrid(grid);
  const filterLen = familyLowpass(FILTER).length;
  const levels = opts.levels ?? Math.max(2, dwtMaxLevel(mapSize, filterLen));
  assertInt(where, 'levels', levels, 1);
  const clampTo = (name: string, v: number, max: number): number => {
    assertInt(where, name, v, 1);
    return Math.min(v, max);
  };
  const s: CosmologySettings = {
    size,
    seed,
    mapSize,
    simulator,
    split,
    grid: { lambdas: [...grid.lambdas], gammas: [...grid.gammas] },
    levels,
    mode: 'zero',
    init: 'db5',
    awdMapsPerCosmology: clampTo('awdMapsPerCosmology', opts.awdMapsPerCosmology ?? p.awdMapsPerCosmology, split.train),
    awdEpochs: opts.awdEpochs ?? p.awdEpochs,
    awdBatchSize: opts.awdBatchSize ?? p.awdBatchSize,
    awdLearningRate: opts.awdLearningRate ?? p.awdLearningRate,
    awdThreads: opts.awdThreads ?? p.awdThreads,
    parametrizations: resolveParametrizations(where, opts),
    awdSnapshots: [...(opts.awdSnapshots ?? (opts.awdSweep !== undefined ? [] : p.awdSnapshots))],
    teacherMapsPerCosmology: clampTo('teacherMapsPerCosmology', opts.teacherMapsPerCosmology ?? p.teacherMapsPerCosmology, split.train),
    teacherValidationMapsPerCosmology: clampTo(
      'teacherValidationMapsPerCosmology',
      opts.teacherValidationMapsPerCosmology ?? p.teacherValidationMapsPerCosmology,
      split.validation,
    ),
    teacherEpochs: opts.teacherEpochs ?? p.teacherEpochs,
    teacherLearningRate: opts.teacherLearningRate ?? p.teacherLearningRate,
    teacherBatchSize: opts.teacherBatchSize ?? p.teacherBatchSize,
    teacherChannels: [...(opts.teacherChannels ?? p.teacherChannels)],
    stemStride: opts.stemStride ?? p.stemStride,
    teacherTraining: {
      ...p.teacherTraining,
      ...opts.teacherTraining,
      head: [...(opts.teacherTraining?.head ?? p.teacherTraining.head)],
      moments: [...(opts.teacherTraining?.moments ?? p.teacherTraining.moments)],
    },
    edgeMapsPerCosmology: clampTo('edgeMapsPerCosmology', opts.edgeMapsPerCosmology ?? p.edgeMapsPerCosmology, split.train),
    bins: opts.bins ?? p.bins,
    resamples: opts.resamples ?? p.resamples,
    batchSize: opts.batchSize ?? p.batchSize,
    kernelCut: { includeLastWindow: false, centering: true },
    attribution: 'saliency',
    compressionThreshold: 1e-3,
  };
  assertInt(where, 'awdEpochs', s.awdEpochs, 1);
  assertInt(where, 'awdBatchSize', s.awdBatchSize, 1);
  assertInt(where, 'teacherEpochs', s.teacherEpochs, 0);
  assertInt(where, 'teacherBatchSize', s.teacherBatchSize, 1);
  assertInt(where, 'bins', s.bins, 1);
  assertInt(where, 'resamples', s.resamples, 1);
  assertInt(where, 'batchSize', s.batchSize, 1);
  if (!(s.awdLearningRate > 0) || !(s.teacherLearningRate > 0)) throw new AwdError(where, 'learning rates must be > 0');
  const steps = s.awdEpochs * Math.ceil((s.awdMapsPerCosmology * COSMOLOGIES.length) / s.awdBatchSize);
  s.awdSnapshots.forEach((t, i) => {
    assertInt(where, `awdSnapshots[${i}]`, t, 1);
    if (i > 0 && !(t > s.awdSnapshots[i - 1])) throw new AwdError(where, `awdSnapshots must increase, got ${s.awdSnapshots.join(', ')}`);
  });
  // Snapshots at or past the last step say nothing the final filter does not: dropped.
  s.awdSnapshots = s.awdSnapshots.filter((t) => t < steps);
  if (opts.awdSweep !== undefined && s.awdSnapshots.length > 0) {
    throw new AwdError(where, 'awdSnapshots need the fits to run here; a sweep folder (awdSweep) gives only the final filters: drop one of the two');
  }
  return s;
}

/** The parametrisations to fit: given, or both (penalty only when the cells come from a sweep folder). */
function resolveParametrizations(where: string, opts: CosmologyStudyOptions): Parametrization[] {
  const list = opts.parametrizations ?? (opts.awdSweep !== undefined ? ['penalty'] : ['penalty', 'lattice']);
  if (!Array.isArray(list) || list.length === 0) throw new AwdError(where, "parametrizations must list 'penalty' and/or 'lattice'");
  const out = list.map((p) => parseParametrization(p, where));
  if (new Set(out).size !== out.length) throw new AwdError(where, `parametrizations repeats an entry: ${out.join(', ')}`);
  if (opts.awdSweep !== undefined && out.some((p) => p !== 'penalty')) {
    throw new AwdError(where, "a sweep folder (awdSweep) holds penalty-form cells only: use parametrizations: ['penalty']");
  }
  return out;
}

/** One peak-counting predictor: its statistics, bins, histograms per split and its χ² model. */
interface PeakPredictor {
  name: string;
  statistics: PeakStatistic[];
  edges: Float64Array[];
  dim: number;
  hist: { train: Float64Array; validation: Float64Array; test: Float64Array };
  validationRmse?: number;
  testPred?: Float64Array;
  clf?: Chi2Classifier;
}

/** RMSE of predictions against targets. */
function rmseOf(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - p[i]) ** 2;
  return Math.sqrt(s / y.length);
}

/** Start of the length-3 window that `extractPatches` cuts from a 1D filter (the reference's rule). */
export { patchWindow };

/** Energy centroid Σ j f[j]² / Σ f[j]² of a filter. */
function centroid(f: ArrayLike<number>): number {
  let a = 0;
  let b = 0;
  for (let j = 0; j < f.length; j++) {
    a += j * f[j] * f[j];
    b += f[j] * f[j];
  }
  return b > 0 ? a / b : (f.length - 1) / 2;
}

/**
 * For each pixel along one axis, the index of the level-`level` coefficient whose analysis filter
 * is centred on it. PyWavelets' zero-mode DWT computes `c[k] = Σ_j dec[j]·x[2k+1−j]`, centred at
 * `2k + 1 − centroid(dec)`; the inverse of this map is composed over the levels (lowpass on the
 * way down, the subband's own filter at the last level), then rounded and clamped.
 */
function axisIndex(pixels: number, level: number, lastHigh: boolean, cLo: number, cHi: number, len: number): Int32Array {
  const out = new Int32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    let q = p;
    for (let l = 1; l <= level; l++) q = (q - 1 + (l === level && lastHigh ? cHi : cLo)) / 2;
    out[p] = Math.max(0, Math.min(len - 1, Math.round(q)));
  }
  return out;
}

/**
 * The wavelet activation map of one sample (paper Fig. D2): `Σ over subbands |c ⊙ attr|`, each
 * subband upsampled to the pixel grid by nearest coefficient (see `axisIndex`). `coeffs` and
 * `attrs` are the 2D blocks of ONE sample in the reference order
 * `[approx_J, cH_1, cV_1, cD_1, …, cH_J, cV_J, cD_J]` (cH: highpass along rows, axis 0).
 */
export function activationMap(
  coeffs: NdArray[],
  attrs: NdArray[],
  h: ArrayLike<number>,
  g: ArrayLike<number>,
  rows: number,
  cols: number,
): Float64Array {
  const levels = (coeffs.length - 1) / 3;
  if (!Number.isInteger(levels) || levels < 1 || attrs.length !== coeffs.length) {
    throw new AwdError('activationMap', `need 3J + 1 coefficient and attribution blocks, got ${coeffs.length} and ${attrs.length}`);
  }
  const rev = (f: ArrayLike<number>): number[] => Array.from(f).reverse();
  // Analysis filters are the reversed synthesis filters (h = rec_lo, g = rec_hi).
  const cLo = centroid(rev(h));
  const cHi = centroid(rev(g));
  const out = new Float64Array(rows * cols);
  coeffs.forEach((c, k) => {
    const [r, q] = c.shape.slice(-2);
    const level = k === 0 ? levels : Math.floor((k - 1) / 3) + 1;
    const kind = k === 0 ? 'A' : ['H', 'V', 'D'][(k - 1) % 3];
    const hiRows = kind === 'H' || kind === 'D';
    const hiCols = kind === 'V' || kind === 'D';
    const ri = axisIndex(rows, level, hiRows, cLo, cHi, r);
    const ci = axisIndex(cols, level, hiCols, cLo, cHi, q);
    const a = attrs[k].data;
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        const idx = ri[y] * q + ci[x];
        out[y * cols + x] += Math.abs(c.data[idx] * a[idx]);
      }
    }
  });
  return out;
}

function fmt2(v: number): string {
  return v.toFixed(2);
}

/** The first `k` maps of every cosmology from an in-memory split ordered map-index major (no copy when all). */
function firstPerCosmology(X: NdArray, y: Float64Array, k: number): { X: NdArray; y: Float64Array } {
  const n = k * COSMOLOGIES.length;
  if (n === X.shape[0]) return { X, y };
  return { X: sliceRows(X, 0, n), y: y.slice(0, n) };
}

function loadRange(size: number, seed: number, range: [number, number], simulator: SimulatorKind = 'lognormal'): MapBatch {
  const total = (range[1] - range[0]) * COSMOLOGIES.length;
  const it = mapBatches({ size, seed, simulator, mapRange: range, batchSize: total, shuffle: false });
  const next = it.next();
  if (next.done) throw new AwdError('runCosmologyStudy', `empty map range [${range[0]}, ${range[1]})`);
  return next.value;
}

/** The filters of a wavelet as four heatmaps with the cut 3×3 windows outlined. */
function filterPanels(label: string, h: Float64Array, g: Float64Array): Panel[] {
  const f = waveletFilters2d(h, g);
  const a = patchWindow(h);
  const b = patchWindow(g);
  const n = f.size;
  // LL = h⊗h, LH[i,j] = g[i]h[j], HL[i,j] = h[i]g[j], HH = g⊗g: the cut rows/cols follow the factors.
  const cuts: [string, Float64Array, number, number][] = [
    ['LL', f.LL, a, a],
    ['LH', f.LH, b, a],
    ['HL', f.HL, a, b],
    ['HH', f.HH, b, b],
  ];
  const cs = 14;
  return cuts.map(([name, data, r0, c0]) => (x: number, y: number) => {
    const { body } = heatmapBody(data, n, n, x + 10, y + 6, { title: `${label} ${name}`, cellSize: cs });
    const top = 18;
    const box = `<rect x="${x + 10 + c0 * cs}" y="${y + 6 + top + r0 * cs}" width="${3 * cs}" height="${3 * cs}" fill="none" stroke="black" stroke-width="2.5"/>`;
    return body + box;
  });
}

/**
 * Runs the cosmology study and returns Table 2, the sweep table, the filter and activation figures,
 * and the machine-readable results.
 *
 * @example
 * const r = await runCosmologyStudy({ size: 'tiny', seed: 3 });
 * r.tables[0].columns; // ['Predictor', 'RMSE ×10⁻² (± bootstrap std)', 'Compression factor']
 */
export async function runCosmologyStudy(opts: CosmologyStudyOptions = {}): Promise<StudyResult> {
  const s = cosmologySettings(opts);
  const progress: StudyProgress = opts.onProgress ?? (() => {});
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string): void => {
    const t = performance.now();
    timings[name] = (timings[name] ?? 0) + (t - t0) / 1000;
    t0 = t;
  };
  const nCos = COSMOLOGIES.length;
  const ranges = {
    train: [0, s.split.train] as [number, number],
    validation: [s.split.train, s.split.train + s.split.validation] as [number, number],
    test: [s.split.train + s.split.validation, s.split.train + s.split.validation + s.split.test] as [number, number],
  };
  const sim = { size: s.mapSize, seed: s.seed, simulator: s.simulator };

  // 1. In-memory subsets: the first training maps of every cosmology (teacher, AWD, bin edges)
  //    and the first validation maps (the teacher's progress log). Map-index-major order makes the
  //    first k·10 rows exactly maps 0..k−1 of every cosmology.
  progress('data', 0, 1);
  const nMem = Math.max(s.teacherMapsPerCosmology, s.awdMapsPerCosmology, s.edgeMapsPerCosmology);
  let mem: MapBatch | null = loadRange(s.mapSize, s.seed, [0, nMem], s.simulator);
  let tTrain: { X: NdArray; y: Float64Array } | null = firstPerCosmology(mem.X, mem.y, s.teacherMapsPerCosmology);
  const nTeacher = tTrain.X.shape[0];
  let memVal: MapBatch | null = loadRange(s.mapSize, s.seed, [ranges.validation[0], ranges.validation[0] + s.teacherValidationMapsPerCosmology], s.simulator);
  progress('data', 1, 1);
  lap('data');

  // 2. Teacher: the ResNet-style CNN regressing Ω_m.
  const vec = (a: Float64Array): NdArray => ndarray(Float64Array.from(a), [a.length]);
  // Each phase reports 0 done when it starts (the CLI's log then shows when it began).
  progress('teacher', 0, s.teacherEpochs);
  const trained = await trainTeacher('cnn', tTrain.X, vec(tTrain.y), {
    seed: s.seed,
    epochs: s.teacherEpochs,
    learningRate: s.teacherLearningRate,
    batchSize: s.teacherBatchSize,
    channels: s.teacherChannels,
    stemStride: s.stemStride,
    head: s.teacherTraining.head,
    pool: s.teacherTraining.pool,
    pixelChannels: s.teacherTraining.pixelChannels,
    ...(s.teacherTraining.moments.length > 0 ? { moments: s.teacherTraining.moments } : {}),
    augment: s.teacherTraining.augment,
    lrSchedule: s.teacherTraining.lrSchedule,
    ...(s.teacherTraining.patience !== null ? { patience: s.teacherTraining.patience } : {}),
    validation: { X: memVal.X, y: vec(memVal.y) },
    onProgress: (e, total) => progress('teacher', e, total),
  });
  const teacher: NeuralTeacher = trained.teacher;
  // Only the AWD and bin-edge subsets stay in memory from here on (bounded memory at 'full'); cut
  // only now, so they do not sit beside the teacher's training copies.
  let awdData: { X: NdArray; y: Float64Array } | null = firstPerCosmology(mem.X, mem.y, s.awdMapsPerCosmology);
  const nAwd = awdData.X.shape[0];
  const edgeX = firstPerCosmology(mem.X, mem.y, s.edgeMapsPerCosmology).X;
  mem = null;
  tTrain = null;
  memVal = null;
  lap('teacher');

  try {
    // 3. Teacher input gradients on the AWD training maps, once.
    progress('gradients', 0, nAwd);
    let G: NdArray | null = await teacher.inputGradients(awdData.X, { batchSize: s.teacherBatchSize, onProgress: (d, t) => progress('gradients', d, t) });
    lap('gradients');

    // 4. AWD over the (λ, γ) grid, once per parametrisation, from db5, teacher-free. Cell k is
    //    grid cell k mod nGrid of parametrisation ⌊k / nGrid⌋.
    const nGrid = gridSize(s.grid);
    const nCells = nGrid * s.parametrizations.length;
    const cellInfo = (k: number): { lambda: number; gamma: number; parametrization: Parametrization } => ({
      ...cellParams(s.grid, k % nGrid),
      parametrization: s.parametrizations[Math.floor(k / nGrid)],
    });
    const stepsPerCell = s.awdEpochs * Math.ceil(nAwd / s.awdBatchSize);
    progress('awd', 0, nCells * stepsPerCell);
    const wavelets: AdaptiveWavelet[] = [];
    const cellTrain: Record<string, number>[] = [];
    /** snapshots[k][j]: cell k's lowpass filter after s.awdSnapshots[j] Adam steps. */
    const snapshots: Float64Array[][] = [];
    const fromSweep = opts.awdSweep === undefined ? null : useSweepFolder(opts.awdSweep, awdData.X, G, {
      grid: s.grid, start: FILTER, seed: s.seed,
      settings: { levels: s.levels, mode: s.mode, epochs: s.awdEpochs, batchSize: s.awdBatchSize, learningRate: s.awdLearningRate, initNoise: 0, valFraction: 0, patience: null, threads: s.awdThreads },
    }).wavelets;
    for (let k = 0; k < nCells; k++) {
      if (fromSweep) {
        wavelets.push(fromSweep[k]);
        cellTrain.push({ ...fromSweep[k].history[fromSweep[k].history.length - 1].train });
        snapshots.push([]);
        continue;
      }
      const { lambda, gamma, parametrization } = cellInfo(k);
      const snaps: Float64Array[] = [];
      const w = AdaptiveWavelet.fit(awdData!.X, {
        teacherGrads: G!,
        lambda,
        gamma,
        wavelet: FILTER,
        levels: s.levels,
        mode: s.mode,
        epochs: s.awdEpochs,
        batchSize: s.awdBatchSize,
        learningRate: s.awdLearningRate,
        threads: s.awdThreads,
        seed: s.seed,
        parametrization,
        onProgress: (p) => {
          const step = (p.epoch - 1) * p.batches + p.batch;
          if (s.awdSnapshots[snaps.length] === step) snaps.push(Float64Array.from(p.h));
          progress('awd', k * stepsPerCell + step, nCells * stepsPerCell);
        },
      });
      if (snaps.length !== s.awdSnapshots.length) throw new AwdError('runCosmologyStudy', `cell ${k} recorded ${snaps.length} of ${s.awdSnapshots.length} snapshots`);
      wavelets.push(w);
      cellTrain.push({ ...w.history[w.history.length - 1].train });
      snapshots.push(snaps);
    }
    // The AWD maps and their gradients (0.5 GB at 'full') are not needed any more.
    awdData = null;
    G = null;
    lap('awd');

    // 5. Peak-counting predictors: kernels, bins from training maps, histograms per split.
    const db5 = AdaptiveWavelet.fromName(FILTER, s.levels, s.mode);
    const cut = (w: AdaptiveWavelet): PeakStatistic[] => extractPatches(w.h, w.g, s.kernelCut);
    const specs: { name: string; statistics: PeakStatistic[] }[] = [
      { name: 'Laplace', statistics: [LAPLACE_KERNEL] },
      { name: 'Roberts cross', statistics: ['robertsCross'] },
      { name: 'db5', statistics: cut(db5) },
      ...wavelets.map((w, k) => ({ name: `cell ${k}`, statistics: cut(w) })),
      ...snapshots.flatMap((list, k) => list.map((h, j) => ({ name: `cell ${k} at step ${s.awdSnapshots[j]}`, statistics: extractPatches(h, highpassOf(h), s.kernelCut) }))),
    ];
    const counts = { train: s.split.train * nCos, validation: s.split.validation * nCos, test: s.split.test * nCos };
    const predictors: PeakPredictor[] = specs.map((sp) => {
      const edges = binEdgesFromTraining(edgeX, sp.statistics, { bins: s.bins });
      const dim = edges.reduce((a, e) => a + e.length - 1, 0);
      return {
        ...sp,
        edges,
        dim,
        hist: {
          train: new Float64Array(counts.train * dim),
          validation: new Float64Array(counts.validation * dim),
          test: new Float64Array(counts.test * dim),
        },
      };
    });
    const labels = { train: new Int32Array(counts.train), validation: new Int32Array(counts.validation), test: new Int32Array(counts.test) };
    const targets = { train: new Float64Array(counts.train), validation: new Float64Array(counts.validation), test: new Float64Array(counts.test) };
    const cnnTest = new Float64Array(counts.test);

    // Compression factors (DESIGN §5) on the test maps, of the selected cells and db5: counts of
    // coefficients whose magnitude and saliency both exceed the threshold. The selection is made
    // (χ² fits on the training maps, validation RMSE) before the test maps are simulated.
    const kept = new Map<number, number>(); // cell index (nCells: db5) → count
    let coeffTotal = 0;
    let cellPred: PeakPredictor[] = [];
    let snapPred: PeakPredictor[] = [];
    let picks: { par: Parametrization; awd: number | null; zero: number | null }[] = [];
    const pick = (par: Parametrization, keep: (lambda: number) => boolean): number | null => {
      const cells = Array.from({ length: nCells }, (_, k) => k).filter((k) => cellInfo(k).parametrization === par && keep(cellInfo(k).lambda));
      return cells.length ? bestBy(cells, (k) => -cellPred[k].validationRmse!) : null; // the estimator's rule (src/distill)
    };
    const label = (par: Parametrization, zero: boolean): string => `AWD${zero ? ' (λ=0)' : ''}${par === 'penalty' ? '' : `, ${par}`}`;
    const keptOf = (k: number | null): number | null => (k === null || !kept.has(k) ? null : kept.get(k)! / coeffTotal);
    // One test map (the first) with its coefficients and saliencies under every wavelet, for the figure.
    let example: { map: Float64Array; y: number; coeffs: NdArray[][]; attrs: NdArray[][]; ids: number[] } | null = null;

    const perMap = s.mapSize * s.mapSize;
    let done = 0;
    progress('peaks', 0, counts.train + counts.validation + counts.test);
    const totalMaps = counts.train + counts.validation + counts.test;
    for (const split of ['train', 'validation', 'test'] as const) {
      if (split === 'test') {
        lap('peaks');
        // χ² models on the training histograms; validation RMSE; selection on the validation
        // split only, per parametrisation: the best λ > 0 cell (AWD) and the best λ = 0 cell.
        for (const p of predictors) {
          p.clf = Chi2Classifier.fit(ndarray(p.hist.train, [counts.train, p.dim]), labels.train, targets.train);
          p.validationRmse = rmseOf(targets.validation, p.clf.predict(ndarray(p.hist.validation, [counts.validation, p.dim])));
        }
        cellPred = predictors.slice(3, 3 + nCells);
        snapPred = predictors.slice(3 + nCells);
        picks = s.parametrizations.map((par) => ({ par, awd: pick(par, (l) => l > 0), zero: pick(par, (l) => l === 0) }));
        for (const pk of picks) for (const k of [pk.awd, pk.zero]) if (k !== null) kept.set(k, 0);
        kept.set(nCells, 0);
        lap('chi2');
      }
      // The snapshots serve the validation curve only: no test histograms for them.
      const active = split === 'test' ? predictors.slice(0, 3 + nCells) : predictors;
      let off = 0;
      for (const b of mapBatches({ ...sim, mapRange: ranges[split], batchSize: s.batchSize, shuffle: false })) {
        const n = b.y.length;
        labels[split].set(b.cosmology, off);
        targets[split].set(b.y, off);
        const H = peakHistogramsMany(b.X, active.map((p) => ({ statistics: p.statistics, edges: p.edges })));
        active.forEach((p, i) => p.hist[split].set(H[i].data, off * p.dim));
        if (split === 'test') {
          const pred = await teacher.predict(b.X, { batchSize: s.teacherBatchSize });
          cnnTest.set(pred.data, off);
          const Gt = await teacher.inputGradients(b.X, { batchSize: s.teacherBatchSize });
          const ids = [...kept.keys()];
          const all = ids.map((k) => (k === nCells ? db5 : wavelets[k]));
          const first = off === 0 ? { map: b.X.data.slice(0, perMap), y: b.y[0], coeffs: [] as NdArray[][], attrs: [] as NdArray[][] } : null;
          // A few maps at a time: every wavelet's coefficients and saliencies of a whole batch
          // (≈ 0.1 GB each at 256×256) would pile up as garbage faster than it is collected.
          const shape = b.X.shape.slice(1);
          for (let s0 = 0; s0 < n; s0 += COMPRESSION_CHUNK) {
            const s1 = Math.min(n, s0 + COMPRESSION_CHUNK);
            const Xs = ndarray(b.X.data.subarray(s0 * perMap, s1 * perMap), [s1 - s0, ...shape]);
            const Gs = ndarray(Gt.data.subarray(s0 * perMap, s1 * perMap), [s1 - s0, ...shape]);
            for (let j = 0; j < all.length; j++) {
              const c = all[j].transform(Xs);
              const a = all[j].attributions(Gs);
              const total = c.reduce((acc, x) => acc + x.data.length, 0);
              kept.set(ids[j], kept.get(ids[j])! + Math.round(compressionFactor(c.map((x) => x.data), a.map((x) => x.data), s.compressionThreshold) * total));
              if (j === 0) coeffTotal += total;
              if (first && s0 === 0) {
                first.coeffs.push(c.map((x) => sliceRows(x, 0, 1)));
                first.attrs.push(a.map((x) => sliceRows(x, 0, 1)));
              }
            }
          }
          if (first) example = { ...first, ids };
        }
        off += n;
        done += n;
        progress('peaks', done, totalMaps);
      }
    }
    lap('test');

    // 6. Test predictions of the χ² models (fitted before the test pass).
    for (const p of predictors.slice(0, 3 + nCells)) p.testPred = p.clf!.predict(ndarray(p.hist.test, [counts.test, p.dim]));
    const bestAwd = picks[0].awd;
    const bestZero = picks[0].zero;
    lap('chi2');

    // 7. Table 2 on the test split.
    const boot = (pred: Float64Array, k: number) => bootstrapRmse(targets.test, pred, { resamples: s.resamples, seed: s.seed * 16 + k + 1 });
    const cnnBoot = boot(cnnTest, 0);
    interface Row {
      name: string;
      rmse: number | null;
      std: number | null;
      validationRmse: number | null;
      compression: number | null;
      cell: number | null;
    }
    const rows: Row[] = [{ name: 'CNN', rmse: cnnBoot.rmse, std: cnnBoot.std, validationRmse: null, compression: null, cell: null }];
    const cellRow = (name: string, k: number | null, bi: number): Row => {
      if (k === null) return { name, rmse: null, std: null, validationRmse: null, compression: null, cell: null };
      const b = boot(cellPred[k].testPred!, bi);
      return { name, rmse: b.rmse, std: b.std, validationRmse: cellPred[k].validationRmse!, compression: keptOf(k), cell: k };
    };
    picks.forEach((pk, i) => {
      // Bootstrap streams: 1 and 2 for the first parametrisation (as before the lattice existed), then 6, 7, ….
      rows.push(cellRow(label(pk.par, false), pk.awd, i === 0 ? 1 : 4 + 2 * i));
      rows.push(cellRow(label(pk.par, true), pk.zero, i === 0 ? 2 : 5 + 2 * i));
    });
    const base = (i: number, name: string, bi: number, compression: number | null): Row => {
      const b = boot(predictors[i].testPred!, bi);
      return { name, rmse: b.rmse, std: b.std, validationRmse: predictors[i].validationRmse!, compression, cell: null };
    };
    rows.push(base(2, 'db5', 3, keptOf(nCells)));
    rows.push(base(0, 'Laplace', 4, null));
    rows.push(base(1, 'Roberts cross', 5, null));
    lap('bootstrap');

    const table2: Table = {
      title: `Table 2: Ω_m from simulated convergence maps (${s.mapSize}×${s.mapSize}; ${counts.test} test maps)`,
      columns: ['Predictor', 'RMSE ×10⁻² (± bootstrap std)', 'Compression factor'],
      rows: rows.map((r) => [
        r.name,
        r.rmse === null ? '—' : `${fmt2(r.rmse * 100)} ± ${fmt2(r.std! * 100)}`,
        r.compression === null ? '—' : Number(r.compression.toFixed(4)),
      ]),
      notes: [
        `Peak counting: peaks on the unfiltered map, 3×3 statistic at the peaks, ${s.bins} bins per statistic between the 0.5 % and 99.5 % quantiles of ${s.edgeMapsPerCosmology * nCos} training maps, χ² model per cosmology fitted on the ${counts.train} training maps.`,
        'AWD / db5 kernels: the reference\'s extract_patches (3-tap windows of h and g, LL, LH, HL, HH, centred LH/HL/HH); the four histograms are concatenated.',
        `AWD is the λ > 0 grid cell with the lowest validation RMSE (${counts.validation} validation maps); AWD (λ=0) the best λ = 0 cell by the same rule; one pair per parametrisation (${s.parametrizations.join(', ')}; 'lattice': exactly orthogonal filters).`,
        `Bootstrap: ${s.resamples} resamples of the test maps. Compression factor: fraction of test-set coefficients with |c| > 1e-3 and |saliency| > 1e-3.`,
        s.simulator === 'halo'
          ? 'Simulated maps (Sheth–Tormen NFW halos on a lognormal background, docs/cosmology-simulator.md), not MassiveNuS: not comparable with the paper\'s numbers.'
          : 'Simulated lognormal maps, not MassiveNuS: not comparable with the paper\'s numbers.',
      ],
    };
    const sweepTable: Table = {
      title: 'AWD grid: validation RMSE of each cell\'s peak-counting predictor',
      columns: ['Cell', 'Parametrisation', 'λ', 'γ', 'Validation RMSE ×10⁻²', 'Test RMSE ×10⁻² (not used)', 'Reconstruction', 'l1_wave', 'l1_attr', 'Selected'],
      rows: cellPred.map((p, k) => {
        const { lambda, gamma, parametrization } = cellInfo(k);
        const pk = picks.find((x) => x.par === parametrization)!;
        return [
          k,
          parametrization,
          lambda,
          gamma,
          Number((p.validationRmse! * 100).toFixed(3)),
          Number((rmseOf(targets.test, p.testPred!) * 100).toFixed(3)),
          Number(cellTrain[k].reconstruction.toExponential(3)),
          Number(cellTrain[k].l1_wave.toFixed(4)),
          Number(cellTrain[k].l1_attr.toFixed(4)),
          k === pk.awd ? label(parametrization, false) : k === pk.zero ? label(parametrization, true) : '',
        ];
      }),
      notes: [`AWD fitted on ${nAwd} training maps, ${s.awdEpochs} epochs, batch ${s.awdBatchSize} (${stepsPerCell} Adam steps per cell), lr ${s.awdLearningRate}, J = ${s.levels}, mode zero, from db5.`],
    };
    // The validation score against steps: step 0 is db5 for every cell.
    const stepCols = [0, ...s.awdSnapshots, stepsPerCell];
    const curveOf = (k: number): number[] => [
      predictors[2].validationRmse!,
      ...s.awdSnapshots.map((_, j) => snapPred[k * s.awdSnapshots.length + j].validationRmse!),
      cellPred[k].validationRmse!,
    ];
    const curveTable: Table = {
      title: 'Validation RMSE ×10⁻² of each cell\'s peak-counting predictor against Adam steps',
      columns: ['Cell', 'Parametrisation', 'λ', 'γ', ...stepCols.map((t) => `step ${t}`)],
      rows: cellPred.map((_, k) => {
        const { lambda, gamma, parametrization } = cellInfo(k);
        return [k, parametrization, lambda, gamma, ...curveOf(k).map((v) => Number((v * 100).toFixed(3)))];
      }),
      notes: [`Each snapshot's 3×3 kernels go through the same bins rule and χ² fit on all ${counts.train} training maps as the final filters; step 0 is db5. Validation maps only; the test maps enter nothing here.`],
    };

    // 8. Figures.
    const figures: Figure[] = [];
    const awdW = bestAwd !== null ? wavelets[bestAwd] : null;
    const panels: Panel[] = [];
    if (awdW) panels.push(...filterPanels('AWD', awdW.h, awdW.g));
    panels.push(...filterPanels('db5', db5.h, db5.g));
    figures.push({
      name: 'fig-cosmology-filters',
      title: 'Learned 2D filters and their 3×3 peak-counting kernels',
      caption:
        'LL, LH, HL, HH filters of the selected AWD wavelet (top) and of db5 (bottom), 10×10, diverging colour scale per panel; the boxes outline the 3×3 windows cut by extract_patches (3-tap windows of h and g of largest centred energy), which become the peak-counting kernels.',
      svg: panelGrid(panels, 4, 170, 175, 'Learned filters (AWD) vs db5'),
    });
    const ex = example as { map: Float64Array; y: number; coeffs: NdArray[][]; attrs: NdArray[][]; ids: number[] } | null;
    if (ex && awdW && bestAwd !== null) {
      const ia = ex.ids.indexOf(bestAwd);
      const id = ex.ids.indexOf(nCells);
      const actAwd = activationMap(ex.coeffs[ia], ex.attrs[ia], awdW.h, awdW.g, s.mapSize, s.mapSize);
      const actDb5 = activationMap(ex.coeffs[id], ex.attrs[id], db5.h, db5.g, s.mapSize, s.mapSize);
      const cs = Math.max(1, Math.floor(256 / s.mapSize));
      const mk = (data: Float64Array, title: string, scale: 'diverging' | 'sequential'): Panel => (x, y) =>
        heatmapBody(data, s.mapSize, s.mapSize, x + 10, y + 6, { title, cellSize: cs, scale }).body;
      figures.push({
        name: 'fig-cosmology-activation',
        title: 'Wavelet activation map of a test map',
        caption: `A test map (Ω_m = ${ex.y}) and where its large |coefficient × saliency| values sit: Σ over all subbands of |c ⊙ S_hᵀ∇f|, each subband upsampled to the pixel grid by nearest coefficient (aligned at the energy centroid of its analysis filters), for the selected AWD wavelet and for db5.`,
        svg: panelGrid(
          [mk(ex.map, 'κ map', 'diverging'), mk(actAwd, 'AWD activation', 'sequential'), mk(actDb5, 'db5 activation', 'sequential')],
          3,
          cs * s.mapSize + 20,
          cs * s.mapSize + 30,
          'Wavelet activation (paper Fig. D2)',
        ),
      });
    }
    // The teacher's training curve and every cell's validation RMSE against steps.
    const hist = trained.history;
    const omMean = COSMOLOGIES.reduce((acc, c) => acc + c.omegaM, 0) / nCos;
    const omegaVariance = COSMOLOGIES.reduce((acc, c) => acc + (c.omegaM - omMean) ** 2, 0) / nCos;
    const teacherFig = teacherCurveFigure(
      'fig-cosmology-teacher',
      'CNN teacher',
      hist,
      trained.bestEpoch,
      `Validation: ${s.teacherValidationMapsPerCosmology * nCos} maps. Ω_m's variance over the ${nCos} cosmologies is ${omegaVariance.toFixed(5)} (R² ≈ 1 − MSE / that).`,
    );
    if (teacherFig) figures.push(teacherFig);
    if (!fromSweep && s.awdSnapshots.length > 0) {
      const curveSeries: Series[] = cellPred.map((_, k) => {
        const { lambda, gamma, parametrization } = cellInfo(k);
        return {
          label: `${parametrization} λ=${lambda} γ=${gamma}`,
          x: stepCols,
          y: curveOf(k).map((v) => v * 100),
          color: PALETTE[(k % nGrid) % PALETTE.length],
          dashed: parametrization === 'lattice',
        };
      });
      figures.push({
        name: 'fig-cosmology-steps',
        title: 'Validation RMSE against Adam steps',
        caption: 'Validation RMSE (×10⁻²) of each cell\'s peak-counting predictor after 0 (db5), the snapshot steps and all steps; solid: penalty form, dashed: lattice; one colour per λ.',
        svg: linePlot(curveSeries, { title: 'AWD cells on the validation maps', xLabel: 'Adam steps', yLabel: 'RMSE ×10⁻²', width: 760, height: Math.max(320, 60 + 13 * curveSeries.length), legendOutside: true }),
      });
    }
    lap('figures');

    // 9. Findings.
    const findings: string[] = [];
    const byName = new Map(rows.map((r) => [r.name, r]));
    const awdRow = byName.get('AWD')!;
    const v = (r: Row | undefined): string => (r && r.rmse !== null ? `${fmt2(r.rmse * 100)}±${fmt2(r.std! * 100)}` : '—');
    if (awdRow.rmse !== null) {
      const others = ['Roberts cross', 'Laplace', 'db5'].map((n) => byName.get(n)!);
      const beaten = others.filter((r) => awdRow.rmse! < r.rmse!).map((r) => r.name);
      const notBeaten = others.filter((r) => !(awdRow.rmse! < r.rmse!)).map((r) => r.name);
      findings.push(
        `Paper ordering in RMSE (AWD below Roberts cross, Laplace and db5) ${notBeaten.length === 0 ? 'holds' : 'does not fully hold'} on the simulated maps: AWD ${v(awdRow)}·10⁻² vs Roberts cross ${v(byName.get('Roberts cross'))}, Laplace ${v(byName.get('Laplace'))}, db5 ${v(byName.get('db5'))}` +
          `${beaten.length ? `; AWD is lower than ${beaten.join(', ')}` : ''}${notBeaten.length ? `; not lower than ${notBeaten.join(', ')}` : ''}. Differences smaller than about two bootstrap stds are not significant.`,
      );
      const dbRow = byName.get('db5')!;
      findings.push(
        `Compression: AWD ${awdRow.compression!.toFixed(4)} vs db5 ${dbRow.compression!.toFixed(4)} (fraction of test coefficients with |c| and |saliency| > 1e-3; lower is sparser) — AWD ${awdRow.compression! < dbRow.compression! ? 'compresses better than' : 'does not compress better than'} db5, as the paper ${awdRow.compression! < dbRow.compression! ? 'reports' : 'reports for its maps'}.`,
      );
      const zero = byName.get('AWD (λ=0)')!;
      if (zero.rmse !== null) {
        findings.push(
          `Interpretation loss: AWD ${v(awdRow)} vs AWD (λ=0) ${v(zero)}·10⁻² on the test maps (validation ${fmt2(awdRow.validationRmse! * 100)} vs ${fmt2(zero.validationRmse! * 100)}).`,
        );
      }
    }
    for (const pk of picks.slice(1)) {
      const r = byName.get(label(pk.par, false))!;
      const rz = byName.get(label(pk.par, true))!;
      const rec = (k: number | null): string => (k === null ? '—' : cellTrain[k].reconstruction.toExponential(1));
      findings.push(
        `${pk.par} vs penalty form: ${label(pk.par, false)} ${v(r)}·10⁻² vs AWD ${v(awdRow)} on the test maps (validation ${r.validationRmse === null ? '—' : fmt2(r.validationRmse * 100)} vs ${awdRow.validationRmse === null ? '—' : fmt2(awdRow.validationRmse * 100)}); λ = 0: ${v(rz)} vs ${v(byName.get('AWD (λ=0)'))}. Reconstruction error of the selected filters: ${rec(pk.awd)} (${pk.par}) vs ${rec(bestAwd)} (penalty).`,
      );
    }
    if (bestAwd !== null) {
      const c = curveOf(bestAwd);
      findings.push(
        `Validation RMSE of the selected AWD cell against Adam steps: ${stepCols.map((t, i) => `${t}: ${fmt2(c[i] * 100)}`).join(', ')} (·10⁻²; step 0 is db5).`,
      );
    }
    const db5Val = predictors[2].validationRmse!;
    const cellsBelowDb5 = cellPred.filter((p) => p.validationRmse! < db5Val).length;
    findings.push(
      `Validation RMSE: db5 ${fmt2(db5Val * 100)}·10⁻², the grid cells ${fmt2(Math.min(...cellPred.map((p) => p.validationRmse!)) * 100)}–${fmt2(Math.max(...cellPred.map((p) => p.validationRmse!)) * 100)}; ${cellsBelowDb5} of ${nCells} cells beat db5 on validation${cellsBelowDb5 === 0 ? ', so on these maps the fit moves the 3×3 cuts away from better kernels rather than towards them' : ''}.`,
    );
    const best = rows.filter((r) => r.rmse !== null).reduce((a, b) => (b.rmse! < a.rmse! ? b : a));
    findings.push(
      `CNN teacher: test RMSE ${v(rows[0])}·10⁻² (test R² ${r2Score(targets.test, cnnTest).toFixed(3)}; validation R² ${trained.valR2 === null ? '—' : trained.valR2.toFixed(3)}, weights of epoch ${trained.bestEpoch} of ${trained.history.length} run (at most ${s.teacherEpochs}) on ${nTeacher} maps); it is ${rows[0].rmse! < (awdRow.rmse ?? Infinity) ? 'better' : 'worse'} than the AWD peak-counting predictor here; the lowest test RMSE is ${best.name}'s (${v(best)}·10⁻²).`,
    );
    findings.push(
      `χ² dimension: the wavelet predictors concatenate 4 histograms (${4 * s.bins} bins) against ${s.bins} for Laplace and Roberts cross, each class covariance estimated from ${s.split.train} training maps per cosmology (bins/maps = ${((4 * s.bins) / s.split.train).toFixed(2)} vs ${(s.bins / s.split.train).toFixed(2)}); the wavelet rows carry the noisier inverse covariances.`,
    );
    const maxMove = awdW ? Math.max(...Array.from(awdW.h, (x, i) => Math.abs(x - db5.h[i]))) : 0;
    const sameKernels =
      awdW !== null && patchWindow(awdW.h) === patchWindow(db5.h) && patchWindow(awdW.g) === patchWindow(db5.g);
    findings.push(
      `Scale of the fit: AWD took ${s.awdEpochs * Math.ceil(nAwd / s.awdBatchSize)} Adam steps on ${nAwd} maps (the paper: 50 epochs over 20,000 maps, 10,000 steps); the selected filter moved at most ${maxMove.toFixed(4)} per tap from db5, and its 3×3 cut windows ${sameKernels ? 'sit at the same taps as db5\'s' : 'moved to other taps than db5\'s'}.`,
    );

    const results = {
      table2: rows,
      selection: {
        criterion: 'lowest validation RMSE of the peak-counting predictor (test split not used)',
        awdCell: bestAwd,
        zeroLambdaCell: bestZero,
        byParametrization: picks.map((pk) => ({ parametrization: pk.par, awdCell: pk.awd, zeroLambdaCell: pk.zero })),
      },
      stepsPerCell,
      cells: cellPred.map((p, k) => ({
        cell: k,
        ...cellInfo(k),
        validationRmse: p.validationRmse,
        validationCurve: { steps: stepCols, rmse: curveOf(k) },
        testRmse: rmseOf(targets.test, p.testPred!),
        compression: keptOf(k),
        h: Array.from(wavelets[k].h),
        train: cellTrain[k],
      })),
      baselines: predictors.slice(0, 3).map((p) => ({ name: p.name, validationRmse: p.validationRmse })),
      kernels: {
        awd: bestAwd !== null ? cellPred[bestAwd].statistics.map((k) => Array.from(k as Float64Array)) : null,
        db5: predictors[2].statistics.map((k) => Array.from(k as Float64Array)),
        awdWindows: awdW ? { h: patchWindow(awdW.h), g: patchWindow(awdW.g) } : null,
        db5Windows: { h: patchWindow(db5.h), g: patchWindow(db5.g) },
      },
      teacher: {
        valR2: trained.valR2,
        history: trained.history,
        bestEpoch: trained.bestEpoch,
        epochsRun: trained.history.length,
        testRmse: cnnBoot.rmse,
        testStd: cnnBoot.std,
        testR2: r2Score(targets.test, cnnTest),
        training: { ...s.teacherTraining },
      },
      counts,
      sampleShape: [s.mapSize, s.mapSize],
      totalSeconds: Object.values(timings).reduce((a, b) => a + b, 0),
    };
    const artifacts: Record<string, string> = {};
    if (awdW) artifacts['awd-wavelet.json'] = waveletToJson(awdW);
    if (bestZero !== null) artifacts['awd-lambda0-wavelet.json'] = waveletToJson(wavelets[bestZero]);
    for (const pk of picks.slice(1)) {
      if (pk.awd !== null) artifacts[`awd-${pk.par}-wavelet.json`] = waveletToJson(wavelets[pk.awd]);
      if (pk.zero !== null) artifacts[`awd-${pk.par}-lambda0-wavelet.json`] = waveletToJson(wavelets[pk.zero]);
    }
    return {
      study: 'cosmology',
      title: 'Cosmological parameter inference (Ω_m) from convergence maps',
      settings: { ...s },
      tables: [table2, sweepTable, curveTable],
      figures,
      results,
      timings,
      findings,
      artifacts,
    };
  } finally {
    teacher.dispose();
  }
}
