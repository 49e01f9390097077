/**
 * The `Teacher` interface (what AWD needs from a trained network: predictions and input
 * gradients) and `NeuralTeacher`, its TensorFlow.js implementation for the mlp / lstm / cnn
 * architectures of models.ts.
 *
 * Input gradients are first-order only: one `tf.grad` of sum_i f_k(x_i) w.r.t. the batch, which
 * gives every sample's ∂f_k/∂x_i at once (samples do not interact). No nested gradients (see
 * DESIGN.md §3: tfjs's second derivatives of tanh are wrong, and AWD does not need them).
 */
import * as tf from '@tensorflow/tfjs';
import { AwdError } from '../util/checks.ts';
import { ndarray, sizeOf, type NdArray } from '../util/ndarray.ts';
import { ensureBackend } from './backend.ts';
import { readTeacherFiles, saveTeacher, type TrainingInfo } from './io.ts';
import {
  forwardRaw,
  paramSpecs,
  validateArchitecture,
  type Architecture,
  type Scaling,
  type TeacherKind,
} from './models.ts';

export interface InputGradientOptions {
  /** Which output's gradient (default 0). */
  outputIndex?: number;
  /** Samples per backward pass (default: mlp 2048, lstm 512, cnn 32). */
  batchSize?: number;
  /** Called after each batch with (samples done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface PredictOptions {
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** What AWD needs from a trained network. */
export interface Teacher {
  readonly kind: TeacherKind;
  /** Per-sample input shape, e.g. [64], [40] or [H, W]. */
  readonly inputShape: number[];
  readonly outputDim: number;
  /** Predictions, n × outputDim (float64). */
  predict(X: NdArray, opts?: PredictOptions): Promise<NdArray>;
  /** ∂f_outputIndex/∂x for every sample, same shape as X (float64). */
  inputGradients(X: NdArray, opts?: InputGradientOptions): Promise<NdArray>;
  save(dir: string): Promise<void>;
  dispose(): void;
}

export type { TrainingInfo } from './io.ts';

const DEFAULT_BATCH: Record<TeacherKind, number> = { mlp: 2048, lstm: 512, cnn: 32 };

/** A TensorFlow.js teacher (mlp, lstm or cnn). Create with trainTeacher or loadTeacher. */
export class NeuralTeacher implements Teacher {
  readonly kind: TeacherKind;
  readonly inputShape: number[];
  readonly outputDim: number;
  readonly architecture: Architecture;
  readonly scaling: Scaling;
  readonly training: TrainingInfo;
  /** Parameters in paramSpecs order (trainable tf.Variables). */
  readonly variables: tf.Variable[];
  private disposed = false;

  constructor(architecture: Architecture, scaling: Scaling, weights: Float32Array[], training: TrainingInfo = {}) {
    validateArchitecture(architecture, 'NeuralTeacher');
    const specs = paramSpecs(architecture);
    if (weights.length !== specs.length) {
      throw new AwdError('NeuralTeacher', `the ${architecture.kind} architecture has ${specs.length} parameter tensors, got ${weights.length}`);
    }
    if (scaling.outputMean.length !== architecture.outputDim || scaling.outputStd.length !== architecture.outputDim) {
      throw new AwdError('NeuralTeacher', `scaling must have ${architecture.outputDim} output means and stds`);
    }
    this.architecture = structuredClone(architecture);
    this.scaling = structuredClone(scaling);
    this.training = { ...training };
    this.kind = architecture.kind;
    this.inputShape = [...architecture.inputShape];
    this.outputDim = architecture.outputDim;
    this.variables = specs.map((spec, i) => {
      if (weights[i].length !== sizeOf(spec.shape)) {
        throw new AwdError('NeuralTeacher', `parameter ${spec.name} needs ${sizeOf(spec.shape)} values, got ${weights[i].length}`);
      }
      const init = tf.tensor(weights[i], spec.shape, 'float32');
      const v = tf.variable(init, true, undefined, 'float32');
      init.dispose(); // the variable holds its own reference to the data
      return v;
    });
  }

  /** Raw-unit forward pass on a tensor batch [n, ...inputShape] → [n, outputDim]. */
  forward(x: tf.Tensor): tf.Tensor2D {
    this.checkAlive('forward');
    return forwardRaw(this.architecture, this.variables, this.scaling, x);
  }

  /** Current weights as float32 arrays, in paramSpecs order. */
  getWeights(): Float32Array[] {
    this.checkAlive('getWeights');
    return this.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  }

  /** Checks that X is [n, ...inputShape] and finite-sized; returns n. */
  checkInput(where: string, X: NdArray): number {
    if (!X || !(X.data instanceof Float64Array) || !Array.isArray(X.shape)) {
      throw new AwdError(where, 'X must be an NdArray ({ data: Float64Array, shape })');
    }
    const per = X.shape.slice(1);
    if (X.shape.length !== this.inputShape.length + 1 || per.some((v, i) => v !== this.inputShape[i])) {
      throw new AwdError(
        where,
        `X has shape [${X.shape.join(', ')}] but this ${this.kind} teacher takes [n, ${this.inputShape.join(', ')}]; ` +
          'reshape or crop the data to the shape the teacher was trained on',
      );
    }
    if (sizeOf(X.shape) !== X.data.length) {
      throw new AwdError(where, `X's shape [${X.shape.join(', ')}] does not match its data length ${X.data.length}`);
    }
    return X.shape[0];
  }

  async predict(X: NdArray, opts: PredictOptions = {}): Promise<NdArray> {
    this.checkAlive('predict');
    const n = this.checkInput('predict', X);
    const bs = this.batchSizeOf('predict', opts.batchSize);
    await ensureBackend();
    const per = sizeOf(this.inputShape);
    const out = new Float64Array(n * this.outputDim);
    for (let start = 0; start < n; start += bs) {
      const end = Math.min(n, start + bs);
      const xb = Float32Array.from(X.data.subarray(start * per, end * per));
      const y = tf.tidy(() => this.forward(tf.tensor(xb, [end - start, ...this.inputShape], 'float32')));
      const vals = await y.data();
      y.dispose();
      out.set(vals, start * this.outputDim);
      opts.onProgress?.(end, n);
    }
    return ndarray(out, [n, this.outputDim]);
  }

  async inputGradients(X: NdArray, opts: InputGradientOptions = {}): Promise<NdArray> {
    this.checkAlive('inputGradients');
    const n = this.checkInput('inputGradients', X);
    const k = opts.outputIndex ?? 0;
    if (!Number.isInteger(k) || k < 0 || k >= this.outputDim) {
      throw new AwdError('inputGradients', `outputIndex must be an integer in [0, ${this.outputDim - 1}], got ${k}`);
    }
    const bs = this.batchSizeOf('inputGradients', opts.batchSize);
    await ensureBackend();
    const per = sizeOf(this.inputShape);
    const out = new Float64Array(n * per);
    const gradFn = tf.grad((x: tf.Tensor) => {
      const y = this.forward(x);
      const col = this.outputDim === 1 ? y : tf.slice(y, [0, k], [-1, 1]);
      return tf.sum(col);
    });
    for (let start = 0; start < n; start += bs) {
      const end = Math.min(n, start + bs);
      const xb = Float32Array.from(X.data.subarray(start * per, end * per));
      const g = tf.tidy(() => gradFn(tf.tensor(xb, [end - start, ...this.inputShape], 'float32')));
      const vals = await g.data();
      g.dispose();
      out.set(vals, start * per);
      opts.onProgress?.(end, n);
    }
    return ndarray(out, X.shape);
  }

  async save(dir: string): Promise<void> {
    await saveTeacher(this, dir);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.variables) v.dispose();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private batchSizeOf(where: string, bs: number | undefined): number {
    const v = bs ?? DEFAULT_BATCH[this.kind];
    if (!Number.isInteger(v) || v < 1) throw new AwdError(where, `batchSize must be a positive integer, got ${v}`);
    return v;
  }

  private checkAlive(where: string): void {
    if (this.disposed) throw new AwdError(where, 'this teacher has been disposed; load or train it again');
  }
}

/** Loads a teacher saved by saveTeacher (or `teacher.save`), checking that the files are whole and consistent. */
export async function loadTeacher(dir: string): Promise<NeuralTeacher> {
  const p = await readTeacherFiles(dir);
  await ensureBackend();
  return new NeuralTeacher(p.architecture, p.scaling, p.weights, p.training);
}
