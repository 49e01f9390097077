/**
 * Training a teacher: Adam on the mean squared error of standardised targets, seeded shuffling
 * with awd's Rng, a validation split, and a per-epoch history.
 *
 * @example
 * const { teacher, history, valR2 } = await trainTeacher('mlp', X, y, { seed: 1, epochs: 20 });
 * const grads = await teacher.inputGradients(X);
 */
import * as tf from '@tensorflow/tfjs';
import { AwdError, assertFinite } from '../util/checks.ts';
import { Rng } from '../util/rng.ts';
import { ndarray, sizeOf, takeRows, type NdArray } from '../util/ndarray.ts';
import { ensureBackend, type BackendName } from './backend.ts';
import { forwardStandardized, initParams, validateArchitecture, type Architecture, type Scaling, type TeacherKind } from './models.ts';
import { NeuralTeacher } from './teacher.ts';
import { meanSquaredError, r2Score } from './metrics.ts';

export interface EpochLog {
  epoch: number;
  /** Mean squared error on the training batches of this epoch (original units, running mean). */
  trainLoss: number;
  /** Mean squared error on the validation set after this epoch (original units), null without one. */
  valLoss: number | null;
}

export interface TrainOptions {
  seed?: number;
  /** Default: mlp 20, lstm 50, cnn 10. */
  epochs?: number;
  /** Default 100. */
  batchSize?: number;
  /** Adam step size, default 1e-3. */
  learningRate?: number;
  /** Fraction of the samples held out (seeded split) when no validation set is given; default 0.1. */
  validationFraction?: number;
  validation?: { X: NdArray; y: NdArray };
  /** mlp: hidden sizes (default [32, 32]); lstm: hidden units (default 20). */
  hidden?: number | number[];
  /** cnn: channels per residual stage (default [8, 16, 32]). */
  channels?: number[];
  /** cnn: stride of the first convolution (default 1; 2 for large maps). */
  stemStride?: 1 | 2;
  /** Standardise inputs (one scalar mean/std) and targets (per output); default true. */
  standardize?: boolean;
  /** tfjs backend; default: the current one, or 'wasm'. */
  backend?: BackendName;
  onProgress?: (epoch: number, total: number, logs: EpochLog) => void;
}

export interface TrainResult {
  teacher: NeuralTeacher;
  history: EpochLog[];
  /** R² on the validation set after the last epoch (mean over outputs); null without validation. */
  valR2: number | null;
}

const DEFAULT_EPOCHS: Record<TeacherKind, number> = { mlp: 20, lstm: 50, cnn: 10 };

/** Builds the architecture object for `kind` from the data shape and options. */
export function architectureFor(kind: TeacherKind, inputShape: number[], outputDim: number, opts: TrainOptions = {}): Architecture {
  let arch: Architecture;
  if (kind === 'mlp') {
    const hidden = opts.hidden === undefined ? [32, 32] : Array.isArray(opts.hidden) ? opts.hidden : [opts.hidden, opts.hidden];
    arch = { kind, inputShape: inputShape as [number], hidden: [...hidden], outputDim };
  } else if (kind === 'lstm') {
    if (Array.isArray(opts.hidden)) throw new AwdError('trainTeacher', 'lstm takes one hidden size (a number), not a list');
    arch = { kind, inputShape: inputShape as [number] | [number, number], hidden: opts.hidden ?? 20, outputDim };
  } else if (kind === 'cnn') {
    arch = { kind, inputShape: inputShape as [number, number], channels: [...(opts.channels ?? [8, 16, 32])], stemStride: opts.stemStride ?? 1, outputDim };
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

/**
 * Trains a teacher of the given kind on X (n × per-sample shape: mlp [n, d], lstm [n, T] or
 * [n, T, C], cnn [n, H, W]) and y ([n] or [n, k]). Same seed and backend → same numbers.
 */
export async function trainTeacher(kind: TeacherKind, X: NdArray, y: NdArray, opts: TrainOptions = {}): Promise<TrainResult> {
  const where = 'trainTeacher';
  checkPair(where, 'training', X, y, null);
  if (X.shape.length < 2) throw new AwdError(where, `X must be [n, ...sample shape], got [${X.shape}]`);
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
  const backend = await ensureBackend(opts.backend);

  const rng = new Rng(seed);
  const initRng = rng.fork();
  const splitRng = rng.fork();
  const shuffleRng = rng.fork();

  // Train / validation split.
  let Xtr = X;
  let Ytr = Y;
  let Xva: NdArray | null = null;
  let Yva: NdArray | null = null;
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
      Xva = takeRows(X, va);
      Yva = takeRows(Y, va);
      Xtr = takeRows(X, tr);
      Ytr = takeRows(Y, tr);
    }
  }
  const nTr = Xtr.shape[0];
  if (nTr < 1) throw new AwdError(where, 'needs at least one training sample');

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

  const teacher = new NeuralTeacher(arch, scaling, initParams(arch, initRng.nextUint32()), {
    seed,
    epochs,
    batchSize,
    learningRate: lr,
    nTrain: nTr,
    backend,
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

  const optimizer = tf.train.adam(lr);
  const history: EpochLog[] = [];
  let valR2: number | null = null;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const perm = shuffleRng.permutation(nTr);
      let lossSum = 0;
      for (let start = 0; start < nTr; start += batchSize) {
        const end = Math.min(nTr, start + batchSize);
        const b = end - start;
        const xb = new Float32Array(b * per);
        const yb = new Float32Array(b * outputDim);
        for (let i = 0; i < b; i++) {
          const r = perm[start + i];
          xb.set(xs32.subarray(r * per, (r + 1) * per), i * per);
          yb.set(ys32.subarray(r * outputDim, (r + 1) * outputDim), i * outputDim);
        }
        let reported: tf.Scalar | null = null;
        tf.tidy(() => {
          const xt = tf.tensor(xb, [b, ...inputShape], 'float32');
          const yt = tf.tensor2d(yb, [b, outputDim], 'float32');
          optimizer.minimize(
            () => {
              const err = tf.square(tf.sub(forwardStandardized(arch, teacher.variables, xt), yt));
              reported = tf.keep(tf.sum(tf.mul(tf.mean(err, 0), varWeights)) as tf.Scalar);
              return tf.mean(err) as tf.Scalar;
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
      let valLoss: number | null = null;
      if (Xva && Yva) {
        const pred = await teacher.predict(Xva);
        valLoss = meanSquaredError(Yva, pred);
        valR2 = r2Score(Yva, pred);
      }
      const log: EpochLog = { epoch, trainLoss, valLoss };
      history.push(log);
      opts.onProgress?.(epoch, epochs, log);
    }
    if (epochs === 0 && Xva && Yva) valR2 = r2Score(Yva, await teacher.predict(Xva));
  } catch (err) {
    teacher.dispose();
    throw err;
  } finally {
    optimizer.dispose();
    varWeights.dispose();
  }
  teacher.training.valR2 = valR2;
  return { teacher, history, valR2 };
}
