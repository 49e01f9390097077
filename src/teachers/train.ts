/**
 * Training a teacher: Adam on the mean squared error of standardised targets, seeded shuffling
 * with awd's Rng, a validation split (its own seed, `valSeed`), early stopping with the best
 * weights restored, optional weight decay, dropout, learning-rate schedule, rotation/flip
 * augmentation for image teachers, and a per-epoch history. `crossValidateTeacher` gives a k-fold
 * estimate of a teacher's score.
 *
 * @example
 * const { teacher, history, valR2, bestEpoch } = await trainTeacher('mlp', X, y, { seed: 1, epochs: 200, patience: 10 });
 * const grads = await teacher.inputGradients(X);
 */
import * as tf from '@tensorflow/tfjs';
import { AwdError, assertFinite } from '../util/checks.ts';
import { Rng } from '../util/rng.ts';
import { ndarray, sizeOf, takeRows, type NdArray } from '../util/ndarray.ts';
import { ensureBackend, type BackendName } from './backend.ts';
import {
  forwardStandardized,
  initParams,
  momentCount,
  momentStatistics,
  paramSpecs,
  validateArchitecture,
  validateMomentViews,
  type Architecture,
  type MomentView,
  type Scaling,
  type TeacherKind,
} from './models.ts';
import { NeuralTeacher } from './teacher.ts';
import { meanSquaredError, r2Score } from './metrics.ts';

export interface EpochLog {
  epoch: number;
  /** Mean squared error on the training batches of this epoch (original units, running mean; without dropout's or weight decay's terms removed: dropout is active). */
  trainLoss: number;
  /** Mean squared error on the validation set after this epoch (original units), null without one. */
  valLoss: number | null;
  /** Adam's step size at the start of this epoch (after the schedule). */
  learningRate?: number;
}

/** Learning-rate schedules: constant; cosine decay per step from `learningRate` to `learningRate·lrMinFactor` over all epochs; step decay by `lrStepFactor` every `lrStepEpochs` epochs. */
export type LrSchedule = 'constant' | 'cosine' | 'step';

/** Rotation / flip augmentation of image (cnn) teachers: none, the 4 flips, or all 8 symmetries of the square (needs H = W). */
export type Augmentation = 'none' | 'flips' | 'd4';

export interface TrainOptions {
  /** Seed of the initialisation, shuffling, augmentation and dropout. Default 0. */
  seed?: number;
  /**
   * Seed of the validation split drawn from X (when `validation` is not given) and of the CV
   * folds, independent of `seed`, so that changing `seed` changes only the initialisation and the
   * batch order. Default: derived from `seed` (the behaviour of earlier versions; give a value to
   * compare seeds on the same split).
   */
  valSeed?: number;
  /** Maximum number of epochs. Default: mlp 20, lstm 50, cnn 10. */
  epochs?: number;
  /** Default 100. */
  batchSize?: number;
  /** Adam step size, default 1e-3 (the initial one under a schedule). */
  learningRate?: number;
  /** Learning-rate schedule, default 'constant'. */
  lrSchedule?: LrSchedule;
  /** 'cosine': final step size as a fraction of `learningRate` (default 0.01). */
  lrMinFactor?: number;
  /** 'step': epochs between decays (default 10). */
  lrStepEpochs?: number;
  /** 'step': factor applied at each decay (default 0.5). */
  lrStepFactor?: number;
  /** Fraction of the samples held out (seeded by `valSeed`) when no validation set is given; default 0.1. */
  validationFraction?: number;
  validation?: { X: NdArray; y: NdArray };
  /**
   * Early stopping: stop when the validation loss has not improved (by more than `minDelta`) for
   * this many epochs. Default: none (all `epochs` run). Needs a validation set.
   */
  patience?: number;
  /** Smallest decrease of the validation loss that counts as an improvement (default 0). */
  minDelta?: number;
  /**
   * Return the weights of the epoch with the lowest validation loss (default true when there is a
   * validation set). With false, the weights after the last epoch run.
   */
  restoreBest?: boolean;
  /** L2 penalty `weightDecay · Σ w²` over the kernels (not the biases), added to the standardised loss. Default 0. */
  weightDecay?: number;
  /** Dropout rate in [0, 1) before every dense layer after the first (mlp) or before the head (lstm, cnn). Default 0. */
  dropout?: number;
  /** cnn only: random rotations/flips of each training map in each epoch. Default 'none'. */
  augment?: Augmentation;
  /** mlp: hidden sizes (default [32, 32]); lstm: hidden units (default 20). */
  hidden?: number | number[];
  /** cnn: channels per residual stage (default [8, 16, 32]). */
  channels?: number[];
  /** cnn: stride of the first convolution (default 1; 2 for large maps). */
  stemStride?: 1 | 2;
  /** cnn: hidden sizes of a ReLU MLP on the pooled features (default none: a linear head). */
  head?: number[];
  /** cnn: global pooling, 'mean' (default) or 'logmean' (log of each channel's mean; see CnnArchitecture). */
  pool?: 'mean' | 'logmean';
  /** cnn: channels of the per-pixel 1×1 branch (default 0: none; see CnnArchitecture). */
  pixelChannels?: number;
  /**
   * cnn: views of the map whose moments feed the head through a moments branch (default none),
   * e.g. ['map', 'pool2', 'pool4', 'highpass']; see MomentsBranch. The statistics are standardised
   * by their mean and standard deviation over the training maps (computed here, saved with the
   * architecture).
   */
  moments?: MomentView[];
  /** Standardise inputs (one scalar mean/std) and targets (per output); default true. */
  standardize?: boolean;
  /**
   * k-fold cross-validation of these settings on X before the final fit (k ≥ 2; default none):
   * the result's `cv` holds the k held-out scores. Each fold's model early-stops on its own
   * validation split drawn from the fold's training part.
   */
  cv?: number;
  /** tfjs backend; default: the current one, or 'wasm'. */
  backend?: BackendName;
  onProgress?: (epoch: number, total: number, logs: EpochLog) => void;
  /** Called after each fold of `cv` with (fold, folds, held-out R²). */
  onFold?: (fold: number, folds: number, r2: number) => void;
}

/** A k-fold cross-validation estimate of a teacher's score (held-out R² and RMSE per fold). */
export interface CvResult {
  folds: number;
  /** Seed of the fold assignment. */
  seed: number;
  /** Held-out R² of each fold (mean over outputs). */
  r2: number[];
  /** Held-out RMSE of each fold (over all outputs). */
  rmse: number[];
  r2Mean: number;
  /** Sample standard deviation of the folds' R² (0 for one fold). */
  r2Std: number;
  rmseMean: number;
  rmseStd: number;
  /** Epochs each fold's model kept (its best epoch, or the last without early stopping). */
  epochs: number[];
}

export interface TrainResult {
  teacher: NeuralTeacher;
  /** One entry per epoch run (early stopping may end it before `epochs`). */
  history: EpochLog[];
  /** R² on the validation set of the returned weights (mean over outputs); null without validation. */
  valR2: number | null;
  /** Validation MSE of the returned weights; null without validation. */
  valLoss: number | null;
  /** Epoch whose weights are returned (0: the initial weights); the last epoch run without restoring. */
  bestEpoch: number;
  /** True when early stopping ended the training before `epochs`. */
  stoppedEarly: boolean;
  /** The cross-validation estimate when `cv` was given. */
  cv?: CvResult;
  /** Rows of X held out for validation (sorted; empty when a validation set was given or none was split off). */
  validationIndices: number[];
}

const DEFAULT_EPOCHS: Record<TeacherKind, number> = { mlp: 20, lstm: 50, cnn: 10 };

/** Builds the architecture object for `kind` from the data shape and options. */
export function architectureFor(kind: TeacherKind, inputShape: number[], outputDim: number, opts: TrainOptions = {}): Architecture {
  let arch: Architecture;
  if (opts.moments !== undefined && kind !== 'cnn') throw new AwdError('trainTeacher', `moments is for cnn teachers (maps), not ${kind}`);
  if (kind === 'mlp') {
    const hidden = opts.hidden === undefined ? [32, 32] : Array.isArray(opts.hidden) ? opts.hidden : [opts.hidden, opts.hidden];
    arch = { kind, inputShape: inputShape as [number], hidden: [...hidden], outputDim };
  } else if (kind === 'lstm') {
    if (Array.isArray(opts.hidden)) throw new AwdError('trainTeacher', 'lstm takes one hidden size (a number), not a list');
    arch = { kind, inputShape: inputShape as [number] | [number, number], hidden: opts.hidden ?? 20, outputDim };
  } else if (kind === 'cnn') {
    arch = { kind, inputShape: inputShape as [number, number], channels: [...(opts.channels ?? [8, 16, 32])], stemStride: opts.stemStride ?? 1, outputDim };
    if (opts.head && opts.head.length > 0) arch.head = [...opts.head];
    if (opts.pool && opts.pool !== 'mean') arch.pool = opts.pool;
    if (opts.pixelChannels) arch.pixelChannels = opts.pixelChannels;
    if (opts.moments !== undefined) {
      validateMomentViews(opts.moments, inputShape, (msg) => {
        throw new AwdError('trainTeacher', msg);
      });
      const k = momentCount(opts.moments);
      arch.moments = { views: [...opts.moments], shift: new Array(k).fill(0), scale: new Array(k).fill(1) };
    }
  } else {
    throw new AwdError('trainTeacher', `unknown teacher kind '${String(kind)}'; use 'mlp', 'lstm' or 'cnn'`);
  }
  validateArchitecture(arch, 'trainTeacher');
  return arch;
}

function targetsMatrix(where: string, y: NdArray): NdArray {
  if (y.shape.length === 1) return ndarray(y.data, [y.shape[0], 1]);
  if (y.shape.length === 2) return y;
  throw new AwdError(where, `y must have shape [n] or [n, k], got [${y.shape.join(', ')}]`);
}

function checkPair(where: string, what: string, X: NdArray, y: NdArray, inputShape: number[] | null): void {
  if (!X || !(X.data instanceof Float64Array) || sizeOf(X.shape) !== X.data.length) {
    throw new AwdError(where, `${what} X must be an NdArray whose shape matches its data`);
  }
  if (!y || !(y.data instanceof Float64Array) || sizeOf(y.shape) !== y.data.length) {
    throw new AwdError(where, `${what} y must be an NdArray whose shape matches its data`);
  }
  if (X.shape[0] !== y.shape[0]) {
    throw new AwdError(where, `${what} X has ${X.shape[0]} samples but y has ${y.shape[0]}; they must match`);
  }
  if (inputShape && (X.shape.length !== inputShape.length + 1 || X.shape.slice(1).some((v, i) => v !== inputShape[i]))) {
    throw new AwdError(where, `${what} X has per-sample shape [${X.shape.slice(1)}] but the training data has [${inputShape}]`);
  }
  assertFinite(where, `${what} X`, X.data);
  assertFinite(where, `${what} y`, y.data);
}

function checkOptions(where: string, opts: TrainOptions): void {
  const num = (name: string, v: number | undefined, ok: (v: number) => boolean, want: string): void => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && ok(v))) throw new AwdError(where, `${name} must be ${want}, got ${v}`);
  };
  num('valSeed', opts.valSeed, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0');
  num('patience', opts.patience, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  num('minDelta', opts.minDelta, (v) => v >= 0, '>= 0');
  num('weightDecay', opts.weightDecay, (v) => v >= 0, '>= 0');
  num('dropout', opts.dropout, (v) => v >= 0 && v < 1, 'in [0, 1)');
  num('lrMinFactor', opts.lrMinFactor, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  num('lrStepEpochs', opts.lrStepEpochs, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  num('lrStepFactor', opts.lrStepFactor, (v) => v > 0 && v <= 1, 'in (0, 1]');
  num('cv', opts.cv, (v) => Number.isInteger(v) && v >= 2, 'an integer >= 2 (the number of folds)');
  if (opts.lrSchedule !== undefined && !['constant', 'cosine', 'step'].includes(opts.lrSchedule)) {
    throw new AwdError(where, `lrSchedule must be 'constant', 'cosine' or 'step', got '${String(opts.lrSchedule)}'`);
  }
  if (opts.augment !== undefined && !['none', 'flips', 'd4'].includes(opts.augment)) {
    throw new AwdError(where, `augment must be 'none', 'flips' or 'd4', got '${String(opts.augment)}'`);
  }
}

/**
 * Writes symmetry `t` (0..7: bit 0 flips rows, bit 1 flips columns, bit 2 transposes) of the
 * h × w image `src` into `dst`. Transposing needs h = w.
 */
export function symmetryOf(src: Float32Array, dst: Float32Array, h: number, w: number, t: number): void {
  const flipR = (t & 1) !== 0;
  const flipC = (t & 2) !== 0;
  const transpose = (t & 4) !== 0;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const a = transpose ? j : i;
      const b = transpose ? i : j;
      dst[i * w + j] = src[(flipR ? h - 1 - a : a) * w + (flipC ? w - 1 - b : b)];
    }
  }
}

/** The step size of `schedule` at step `step` of `totalSteps` (epoch `epoch`, 0-based). */
function scheduledRate(opts: TrainOptions, lr: number, epoch: number, step: number, totalSteps: number): number {
  const sched = opts.lrSchedule ?? 'constant';
  if (sched === 'cosine') {
    const minF = opts.lrMinFactor ?? 0.01;
    const frac = totalSteps > 0 ? Math.min(1, step / totalSteps) : 0;
    return lr * (minF + (1 - minF) * 0.5 * (1 + Math.cos(Math.PI * frac)));
  }
  if (sched === 'step') return lr * (opts.lrStepFactor ?? 0.5) ** Math.floor(epoch / (opts.lrStepEpochs ?? 10));
  return lr;
}

/**
 * Trains a teacher of the given kind on X (n × per-sample shape: mlp [n, d], lstm [n, T] or
 * [n, T, C], cnn [n, H, W]) and y ([n] or [n, k]). Same seed, valSeed and backend → same numbers.
 * With a validation set (given, or split from X), the weights of the epoch with the lowest
 * validation loss are returned (`restoreBest`), and `patience` stops early.
 */
export async function trainTeacher(kind: TeacherKind, X: NdArray, y: NdArray, opts: TrainOptions = {}): Promise<TrainResult> {
  const where = 'trainTeacher';
  checkPair(where, 'training', X, y, null);
  if (X.shape.length < 2) throw new AwdError(where, `X must be [n, ...sample shape], got [${X.shape}]`);
  checkOptions(where, opts);
  const inputShape = X.shape.slice(1);
  const Y = targetsMatrix(where, y);
  const outputDim = Y.shape[1];
  const arch = architectureFor(kind, inputShape, outputDim, opts);
  const seed = opts.seed ?? 0;
  const epochs = opts.epochs ?? DEFAULT_EPOCHS[kind];
  const batchSize = opts.batchSize ?? 100;
  const lr = opts.learningRate ?? 1e-3;
  if (!Number.isInteger(epochs) || epochs < 0) throw new AwdError(where, `epochs must be an integer >= 0, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new AwdError(where, `batchSize must be a positive integer, got ${batchSize}`);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new AwdError(where, `learningRate must be > 0, got ${lr}`);
  const augment = opts.augment ?? 'none';
  if (augment !== 'none' && kind !== 'cnn') throw new AwdError(where, `augment '${augment}' is for cnn teachers (images); a ${kind} takes no rotations or flips`);
  if (augment === 'd4' && inputShape[0] !== inputShape[1]) {
    throw new AwdError(where, `augment 'd4' (rotations) needs square maps, got ${inputShape.join(' × ')}; use 'flips'`);
  }
  const backend = await ensureBackend(opts.backend);

  // k-fold estimate first (each fold is a full training with these options, without cv).
  let cv: CvResult | undefined;
  if (opts.cv !== undefined) cv = await crossValidateTeacher(kind, X, y, { ...opts, folds: opts.cv });

  const rng = new Rng(seed);
  const initRng = rng.fork();
  const seedSplitRng = rng.fork();
  const shuffleRng = rng.fork();
  const augRng = rng.fork();
  const dropRng = rng.fork();
  const splitRng = opts.valSeed === undefined ? seedSplitRng : new Rng(opts.valSeed).fork();

  // Train / validation split.
  let Xtr = X;
  let Ytr = Y;
  let Xva: NdArray | null = null;
  let Yva: NdArray | null = null;
  let validationIndices: number[] = [];
  if (opts.validation) {
    checkPair(where, 'validation', opts.validation.X, opts.validation.y, inputShape);
    Xva = opts.validation.X;
    Yva = targetsMatrix(where, opts.validation.y);
    if (Yva.shape[1] !== outputDim) throw new AwdError(where, `validation y has ${Yva.shape[1]} outputs, training y has ${outputDim}`);
  } else {
    const frac = opts.validationFraction ?? 0.1;
    if (!(frac >= 0 && frac < 1)) throw new AwdError(where, `validationFraction must be in [0, 1), got ${frac}`);
    const n = X.shape[0];
    const nVal = frac > 0 ? Math.min(n - 1, Math.max(1, Math.round(n * frac))) : 0;
    if (nVal > 0) {
      const perm = splitRng.permutation(n);
      const va = Array.from(perm.subarray(0, nVal)).sort((a, b) => a - b);
      const tr = Array.from(perm.subarray(nVal)).sort((a, b) => a - b);
      validationIndices = va;
      Xva = takeRows(X, va);
      Yva = takeRows(Y, va);
      Xtr = takeRows(X, tr);
      Ytr = takeRows(Y, tr);
    }
  }
  const nTr = Xtr.shape[0];
  if (nTr < 1) throw new AwdError(where, 'needs at least one training sample');
  if (opts.patience !== undefined && !(Xva && Yva)) {
    throw new AwdError(where, 'patience (early stopping) needs a validation set: give validation or a validationFraction > 0');
  }
  const restoreBest = (opts.restoreBest ?? true) && Xva !== null;

  // Standardisation from the training split.
  const scaling: Scaling = {
    inputMean: 0,
    inputStd: 1,
    outputMean: new Array(outputDim).fill(0),
    outputStd: new Array(outputDim).fill(1),
  };
  if (opts.standardize ?? true) {
    let m = 0;
    for (let i = 0; i < Xtr.data.length; i++) m += Xtr.data[i];
    m /= Xtr.data.length;
    let v = 0;
    for (let i = 0; i < Xtr.data.length; i++) v += (Xtr.data[i] - m) ** 2;
    const s = Math.sqrt(v / Xtr.data.length);
    scaling.inputMean = m;
    scaling.inputStd = s > 0 ? s : 1;
    for (let j = 0; j < outputDim; j++) {
      let mj = 0;
      for (let i = 0; i < nTr; i++) mj += Ytr.data[i * outputDim + j];
      mj /= nTr;
      let vj = 0;
      for (let i = 0; i < nTr; i++) vj += (Ytr.data[i * outputDim + j] - mj) ** 2;
      const sj = Math.sqrt(vj / nTr);
      scaling.outputMean[j] = mj;
      scaling.outputStd[j] = sj > 0 ? sj : 1;
    }
  }

  // Moments branch: standardise each statistic by its mean and std over the training maps.
  if (arch.kind === 'cnn' && arch.moments) {
    const views = arch.moments.views;
    const k = momentCount(views);
    const per = sizeOf(inputShape);
    const all = new Float64Array(nTr * k);
    for (let start = 0; start < nTr; start += 256) {
      const end = Math.min(nTr, start + 256);
      const xb = new Float32Array((end - start) * per);
      for (let i = 0; i < xb.length; i++) xb[i] = (Xtr.data[start * per + i] - scaling.inputMean) / scaling.inputStd;
      const st = tf.tidy(() => momentStatistics(views, tf.tensor(xb, [end - start, ...inputShape], 'float32')));
      all.set(await st.data(), start * k);
      st.dispose();
    }
    const sum = new Float64Array(k);
    const sq = new Float64Array(k);
    for (let i = 0; i < all.length; i++) sum[i % k] += all[i] / nTr;
    for (let i = 0; i < all.length; i++) sq[i % k] += (all[i] - sum[i % k]) ** 2;
    const shift = Array.from(sum);
    const scale = Array.from(sq, (v) => Math.sqrt(v / nTr));
    if (!shift.every(Number.isFinite) || !scale.every(Number.isFinite)) {
      throw new AwdError(where, 'the moments branch statistics of the training maps are not finite; check the maps for constant or degenerate ones');
    }
    arch.moments = { views: [...views], shift, scale: scale.map((v) => (v > 1e-12 ? v : 1)) };
  }

  const weightDecay = opts.weightDecay ?? 0;
  const dropout = opts.dropout ?? 0;
  const teacher = new NeuralTeacher(arch, scaling, initParams(arch, initRng.nextUint32()), {
    seed,
    epochs,
    batchSize,
    learningRate: lr,
    nTrain: nTr,
    backend,
    ...(opts.valSeed !== undefined ? { valSeed: opts.valSeed } : {}),
    ...(opts.lrSchedule && opts.lrSchedule !== 'constant' ? { lrSchedule: opts.lrSchedule } : {}),
    ...(opts.patience !== undefined ? { patience: opts.patience } : {}),
    ...(weightDecay > 0 ? { weightDecay } : {}),
    ...(dropout > 0 ? { dropout } : {}),
    ...(augment !== 'none' ? { augment } : {}),
  });

  // Standardised copies of the training data in float32, for fast batch assembly.
  const per = sizeOf(inputShape);
  const xs32 = new Float32Array(Xtr.data.length);
  for (let i = 0; i < xs32.length; i++) xs32[i] = (Xtr.data[i] - scaling.inputMean) / scaling.inputStd;
  const ys32 = new Float32Array(Ytr.data.length);
  for (let i = 0; i < ys32.length; i++) {
    const j = i % outputDim;
    ys32[i] = (Ytr.data[i] - scaling.outputMean[j]) / scaling.outputStd[j];
  }
  // Loss weights turning the standardised squared error into original units (for reporting).
  const varWeights = tf.keep(tf.tensor1d(scaling.outputStd.map((s) => (s * s) / outputDim)));
  const kernelIdx = paramSpecs(arch).flatMap((sp, i) => (sp.name.endsWith('kernel') ? [i] : []));
  const nSym = augment === 'd4' ? 8 : 4;
  const [imgH, imgW] = inputShape;

  const optimizer = tf.train.adam(lr);
  const setRate = (r: number): void => {
    (optimizer as unknown as { learningRate: number }).learningRate = r;
  };
  const stepsPerEpoch = Math.ceil(nTr / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const history: EpochLog[] = [];
  let best: { epoch: number; loss: number; weights: tf.Tensor[] | null } = { epoch: 0, loss: Infinity, weights: null };
  let stoppedEarly = false;
  let sinceBest = 0;
  const validate = async (): Promise<{ loss: number; r2: number } | null> => {
    if (!Xva || !Yva) return null;
    const pred = await teacher.predict(Xva);
    return { loss: meanSquaredError(Yva, pred), r2: r2Score(Yva, pred) };
  };
  const snapshot = (): tf.Tensor[] => teacher.variables.map((v) => tf.keep(v.clone()));
  let step = 0;
  try {
    if (restoreBest) {
      const v0 = await validate();
      best = { epoch: 0, loss: v0!.loss, weights: snapshot() };
    }
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const perm = shuffleRng.permutation(nTr);
      const epochRate = scheduledRate(opts, lr, epoch - 1, step, totalSteps);
      let lossSum = 0;
      for (let start = 0; start < nTr; start += batchSize) {
        setRate(scheduledRate(opts, lr, epoch - 1, step, totalSteps));
        step++;
        const end = Math.min(nTr, start + batchSize);
        const b = end - start;
        const xb = new Float32Array(b * per);
        const yb = new Float32Array(b * outputDim);
        for (let i = 0; i < b; i++) {
          const r = perm[start + i];
          const src = xs32.subarray(r * per, (r + 1) * per);
          if (augment === 'none') xb.set(src, i * per);
          else symmetryOf(src, xb.subarray(i * per, (i + 1) * per), imgH, imgW, augRng.int(nSym));
          yb.set(ys32.subarray(r * outputDim, (r + 1) * outputDim), i * outputDim);
        }
        let reported: tf.Scalar | null = null;
        tf.tidy(() => {
          const xt = tf.tensor(xb, [b, ...inputShape], 'float32');
          const yt = tf.tensor2d(yb, [b, outputDim], 'float32');
          optimizer.minimize(
            () => {
              const out = forwardStandardized(arch, teacher.variables, xt, dropout > 0 ? { dropout: { rate: dropout, rng: dropRng } } : undefined);
              const err = tf.square(tf.sub(out, yt));
              reported = tf.keep(tf.sum(tf.mul(tf.mean(err, 0), varWeights)) as tf.Scalar);
              let loss = tf.mean(err) as tf.Scalar;
              if (weightDecay > 0) {
                for (const k of kernelIdx) loss = tf.add(loss, tf.mul(weightDecay, tf.sum(tf.square(teacher.variables[k])))) as tf.Scalar;
              }
              return loss;
            },
            false,
            teacher.variables,
          );
        });
        const rep = reported as tf.Scalar | null;
        if (rep) {
          lossSum += (await rep.data())[0] * b;
          rep.dispose();
        }
      }
      const trainLoss = lossSum / nTr;
      if (!Number.isFinite(trainLoss)) {
        throw new AwdError(where, `the training loss became ${trainLoss} in epoch ${epoch}; lower the learningRate (now ${lr})`);
      }
      const v = await validate();
      const valLoss = v ? v.loss : null;
      if (v && !Number.isFinite(v.loss)) {
        throw new AwdError(where, `the validation loss became ${v.loss} in epoch ${epoch}; lower the learningRate (now ${lr})`);
      }
      const log: EpochLog = { epoch, trainLoss, valLoss, learningRate: epochRate };
      history.push(log);
      opts.onProgress?.(epoch, epochs, log);
      if (v) {
        if (v.loss < best.loss - (opts.minDelta ?? 0)) {
          sinceBest = 0;
        } else {
          sinceBest++;
        }
        if (v.loss < best.loss) {
          best.weights?.forEach((t) => t.dispose());
          best = { epoch, loss: v.loss, weights: restoreBest ? snapshot() : null };
        }
        if (opts.patience !== undefined && sinceBest >= opts.patience && epoch < epochs) {
          stoppedEarly = true;
          break;
        }
      }
    }
    if (restoreBest && best.weights) {
      const w = best.weights;
      teacher.variables.forEach((v, i) => v.assign(w[i]));
    }
  } catch (err) {
    teacher.dispose();
    throw err;
  } finally {
    optimizer.dispose();
    varWeights.dispose();
    best.weights?.forEach((t) => t.dispose());
  }
  const final = await validate();
  const bestEpoch = restoreBest ? best.epoch : history.length;
  teacher.training.valR2 = final ? final.r2 : null;
  teacher.training.bestEpoch = bestEpoch;
  teacher.training.epochsRun = history.length;
  teacher.training.history = history.map((h) => ({ ...h }));
  if (cv) teacher.training.cv = cv;
  return {
    teacher,
    history,
    valR2: final ? final.r2 : null,
    valLoss: final ? final.loss : null,
    bestEpoch,
    stoppedEarly,
    ...(cv ? { cv } : {}),
    validationIndices,
  };
}

/** Options of {@link crossValidateTeacher}: the training options plus the number of folds. */
export interface CrossValidateOptions extends Omit<TrainOptions, 'cv' | 'validation'> {
  /** Number of folds, ≥ 2 (default 5). */
  folds?: number;
}

function meanStd(v: number[]): { mean: number; std: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, std };
}

/**
 * k-fold cross-validation of a teacher's settings: the samples are dealt into k folds by a
 * permutation seeded with `valSeed` (default: `seed`); for each fold a teacher is trained on the
 * other folds (with its own validation split from them when `validationFraction` > 0, for early
 * stopping) and scored on the held-out fold. Returns the k held-out R² and RMSE values.
 *
 * @example
 * const cv = await crossValidateTeacher('mlp', X, y, { folds: 5, epochs: 100, patience: 10 });
 * console.log(`${cv.r2Mean.toFixed(3)} ± ${cv.r2Std.toFixed(3)}`);
 */
export async function crossValidateTeacher(kind: TeacherKind, X: NdArray, y: NdArray, opts: CrossValidateOptions = {}): Promise<CvResult> {
  const where = 'crossValidateTeacher';
  checkPair(where, 'training', X, y, null);
  const folds = opts.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new AwdError(where, `folds must be an integer >= 2, got ${folds}`);
  const n = X.shape[0];
  if (n < folds * 2) throw new AwdError(where, `${folds}-fold CV needs at least ${2 * folds} samples, got ${n}`);
  const Y = targetsMatrix(where, y);
  const cvSeed = opts.valSeed ?? opts.seed ?? 0;
  const perm = new Rng(cvSeed).fork().permutation(n);
  const r2: number[] = [];
  const rmse: number[] = [];
  const kept: number[] = [];
  const trainOpts: TrainOptions = { ...opts, onProgress: undefined };
  delete (trainOpts as CrossValidateOptions).folds;
  delete trainOpts.cv;
  delete trainOpts.validation;
  for (let f = 0; f < folds; f++) {
    const lo = Math.floor((f * n) / folds);
    const hi = Math.floor(((f + 1) * n) / folds);
    const test = Array.from(perm.subarray(lo, hi)).sort((a, b) => a - b);
    const train = [...Array.from(perm.subarray(0, lo)), ...Array.from(perm.subarray(hi))].sort((a, b) => a - b);
    const res = await trainTeacher(kind, takeRows(X, train), takeRows(Y, train), trainOpts);
    try {
      const Yte = takeRows(Y, test);
      const pred = await res.teacher.predict(takeRows(X, test));
      r2.push(r2Score(Yte, pred));
      rmse.push(Math.sqrt(meanSquaredError(Yte, pred)));
      kept.push(res.bestEpoch);
    } finally {
      res.teacher.dispose();
    }
    opts.onFold?.(f + 1, folds, r2[f]);
  }
  const a = meanStd(r2);
  const b = meanStd(rmse);
  return { folds, seed: cvSeed, r2, rmse, r2Mean: a.mean, r2Std: a.std, rmseMean: b.mean, rmseStd: b.std, epochs: kept };
}
