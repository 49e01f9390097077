/**
 * The three teacher architectures as plain functions of a parameter list (no tfjs-layers):
 * parameter specifications, seeded initialisation (with awd's own Rng, so the same seed gives the
 * same initial weights on every backend and machine), and the forward pass.
 *
 * - mlp:  x[d] → Dense(h1) → ReLU → Dense(h2) → ReLU → … → Dense(outputDim). Default hidden [32, 32].
 * - lstm: x[T] (or x[T, C]) → LSTM(hidden, gates i, f, g, o as in PyTorch/Keras, forget-gate bias 1)
 *         → linear head on the last hidden state. Default hidden 20.
 * - cnn:  x[H, W] → Conv3×3(c0, stride stemStride) → ReLU → residual blocks (one per entry of
 *         `channels`; the first keeps the resolution, the others halve it with stride 2; each block is
 *         relu(conv3×3(relu(conv3×3(x))) + shortcut), shortcut a 1×1 conv when the shape changes)
 *         → global average pooling → (optional ReLU MLP `head`) → Dense(outputDim). Default channels [8, 16, 32].
 *         Optional side branches concatenated to the pooled features: a per-pixel branch
 *         (`pixelChannels`) and a moments branch (`moments`: per-map log std, skewness and
 *         log kurtosis of the map and of pooled / high-passed views of it, from tf ops).
 *
 * All models see standardised inputs and produce standardised outputs; `Scaling` holds the affine
 * maps (one scalar for the inputs, so the model stays a function of the raw signal and its input
 * gradients are the gradients w.r.t. the raw signal; one pair per output).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng.ts';
import { AwdError } from '../util/checks.ts';

export type TeacherKind = 'mlp' | 'lstm' | 'cnn';

export interface MlpArchitecture {
  kind: 'mlp';
  /** [d]: signal length. */
  inputShape: [number];
  hidden: number[];
  outputDim: number;
}

export interface LstmArchitecture {
  kind: 'lstm';
  /** [T] (one channel per time step) or [T, C]. */
  inputShape: [number] | [number, number];
  hidden: number;
  outputDim: number;
}

export interface CnnArchitecture {
  kind: 'cnn';
  /** [H, W]: one-channel images. */
  inputShape: [number, number];
  channels: number[];
  stemStride: 1 | 2;
  /** Hidden sizes of a ReLU MLP between the pooled features and the output (default none: a linear head). */
  head?: number[];
  /**
   * Global pooling: 'mean' (default) averages each channel over the map; 'logmean' takes
   * log(ε + mean) of each (non-negative) channel, so that ratios and powers of the pooled
   * statistics (e.g. a skewness-like E[a]/E[b]^1.5) are linear for the head. ε = 10⁻³.
   */
  pool?: 'mean' | 'logmean';
  /**
   * Pixel branch (default 0: none): a 1×1 convolution to this many channels + ReLU at full
   * resolution, i.e. learned piecewise-linear functions of each pixel's value, globally pooled and
   * concatenated to the last stage's pooled features (so one-point statistics of the map reach
   * the head directly). The stem still sees the map itself.
   */
  pixelChannels?: number;
  /**
   * Moments branch (default none): per-map one-point statistics of the (standardised) map,
   * computed with differentiable tf ops and concatenated to the pooled features, so that ratios
   * of moments (which carry most of the cosmology signal) reach the head directly. See
   * {@link MomentsBranch}.
   */
  moments?: MomentsBranch;
  outputDim: number;
}

/**
 * Views of a map whose moments the moments branch takes: the map itself; its 2×2 or 4×4 block
 * means ('pool2', 'pool4': the map smoothed and subsampled); the map minus its 2×2 block means
 * ('highpass'). The pooled views need the map's sides divisible by 2 or 4.
 */
export type MomentView = 'map' | 'pool2' | 'pool4' | 'highpass';

/** Every moment view, in a fixed order. */
export const MOMENT_VIEWS: readonly MomentView[] = Object.freeze(['map', 'pool2', 'pool4', 'highpass'] as MomentView[]);

/**
 * The moments branch of a cnn: statistics s = [mean of the map, then for each view
 * 0.5·log(var + ε), m3 / (var + ε)^1.5, log(ε + m4 / (var + ε)²)] (central moments m_k of the view's
 * pixels, ε = {@link MOMENT_EPS}), standardised as (s − shift) / scale. `trainTeacher` sets shift and
 * scale to the mean and standard deviation of each statistic over the training maps; they are
 * constants of the function (saved with the architecture), not trained.
 */
export interface MomentsBranch {
  views: MomentView[];
  /** One per statistic ({@link momentCount}(views) values). */
  shift: number[];
  /** One per statistic, each > 0. */
  scale: number[];
}

/** ε of the moments branch (variances are in standardised input units, ≈ 1 for the map). */
export const MOMENT_EPS = 1e-6;

/** Number of statistics of a moments branch with these views: the map's mean plus 3 per view. */
export function momentCount(views: readonly MomentView[]): number {
  return 1 + 3 * views.length;
}

export type Architecture = MlpArchitecture | LstmArchitecture | CnnArchitecture;

/** Affine maps around the network: x' = (x − inputMean)/inputStd, y = out·outputStd + outputMean. */
export interface Scaling {
  inputMean: number;
  inputStd: number;
  outputMean: number[];
  outputStd: number[];
}

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Initialiser: glorot (uniform), he (normal), orthogonal (rows), zeros, lstmBias (forget gate 1). */
  init: 'glorot' | 'he' | 'orthogonal' | 'zeros' | 'lstmBias' | 'pixelBias';
}

export function identityScaling(outputDim: number): Scaling {
  return {
    inputMean: 0,
    inputStd: 1,
    outputMean: new Array(outputDim).fill(0),
    outputStd: new Array(outputDim).fill(1),
  };
}

/** Checks an architecture object (from user options or a saved file); throws AwdError. */
export function validateArchitecture(arch: Architecture, where = 'teacher'): void {
  const posInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;
  const bad = (msg: string): never => {
    throw new AwdError(where, msg);
  };
  if (!arch || typeof arch !== 'object') bad('architecture must be an object');
  if (!posInt(arch.outputDim)) bad(`outputDim must be a positive integer, got ${arch.outputDim}`);
  if (!Array.isArray(arch.inputShape) || !arch.inputShape.every(posInt)) {
    bad(`inputShape must be positive integers, got ${JSON.stringify(arch.inputShape)}`);
  }
  switch (arch.kind) {
    case 'mlp':
      if (arch.inputShape.length !== 1) bad(`an mlp teacher takes 1-D samples (inputShape [d]), got [${arch.inputShape}]`);
      if (!Array.isArray(arch.hidden) || arch.hidden.length < 1 || !arch.hidden.every(posInt)) {
        bad(`mlp hidden sizes must be a non-empty list of positive integers, got ${JSON.stringify(arch.hidden)}`);
      }
      break;
    case 'lstm':
      if (arch.inputShape.length !== 1 && arch.inputShape.length !== 2) {
        bad(`an lstm teacher takes sequences (inputShape [T] or [T, C]), got [${arch.inputShape}]`);
      }
      if (!posInt(arch.hidden)) bad(`lstm hidden size must be a positive integer, got ${JSON.stringify(arch.hidden)}`);
      break;
    case 'cnn':
      if (arch.inputShape.length !== 2) bad(`a cnn teacher takes one-channel images (inputShape [H, W]), got [${arch.inputShape}]`);
      if (!Array.isArray(arch.channels) || arch.channels.length < 1 || !arch.channels.every(posInt)) {
        bad(`cnn channels must be a non-empty list of positive integers, got ${JSON.stringify(arch.channels)}`);
      }
      if (arch.stemStride !== 1 && arch.stemStride !== 2) bad(`cnn stemStride must be 1 or 2, got ${arch.stemStride}`);
      if (arch.pixelChannels !== undefined && !(Number.isInteger(arch.pixelChannels) && arch.pixelChannels >= 0)) {
        bad(`cnn pixelChannels must be an integer >= 0, got ${JSON.stringify(arch.pixelChannels)}`);
      }
      if (arch.pool !== undefined && arch.pool !== 'mean' && arch.pool !== 'logmean') bad(`cnn pool must be 'mean' or 'logmean', got '${String(arch.pool)}'`);
      if (arch.head !== undefined && (!Array.isArray(arch.head) || !arch.head.every(posInt))) {
        bad(`cnn head sizes must be a list of positive integers, got ${JSON.stringify(arch.head)}`);
      }
      if (arch.moments !== undefined) validateMoments(arch.moments, arch.inputShape, bad);
      break;
    default:
      bad(`unknown teacher kind '${(arch as { kind: string }).kind}'; use 'mlp', 'lstm' or 'cnn'`);
  }
}

/** Checks a moments-branch view list against a map shape; `bad` throws. */
export function validateMomentViews(views: unknown, inputShape: readonly number[], bad: (msg: string) => never): void {
  if (!Array.isArray(views) || views.length < 1) bad(`cnn moments views must be a non-empty list of ${MOMENT_VIEWS.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(views)}`);
  const seen = new Set<string>();
  for (const v of views as unknown[]) {
    if (!MOMENT_VIEWS.includes(v as MomentView)) bad(`unknown cnn moments view ${JSON.stringify(v)}; use ${MOMENT_VIEWS.map((m) => `'${m}'`).join(', ')}`);
    if (seen.has(v as string)) bad(`cnn moments view '${String(v)}' is listed twice`);
    seen.add(v as string);
    const f = v === 'pool4' ? 4 : v === 'map' ? 1 : 2;
    if (inputShape.some((d) => d % f !== 0)) bad(`cnn moments view '${String(v)}' needs map sides divisible by ${f}, got ${inputShape.join(' × ')}`);
  }
}

function validateMoments(m: MomentsBranch, inputShape: readonly number[], bad: (msg: string) => never): void {
  if (!m || typeof m !== 'object') bad('cnn moments must be an object { views, shift, scale }');
  validateMomentViews(m.views, inputShape, bad);
  const k = momentCount(m.views);
  if (!Array.isArray(m.shift) || m.shift.length !== k || !m.shift.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    bad(`cnn moments shift must be ${k} finite numbers (one per statistic), got ${JSON.stringify(m.shift)}`);
  }
  if (!Array.isArray(m.scale) || m.scale.length !== k || !m.scale.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    bad(`cnn moments scale must be ${k} finite numbers > 0 (one per statistic), got ${JSON.stringify(m.scale)}`);
  }
}

/**
 * The raw (unstandardised) statistics of the moments branch for a batch of maps x [n, H, W] (or
 * [n, H, W, 1]) in standardised input units: [n, momentCount(views)], order as in {@link MomentsBranch}.
 * Built from reshapes, means and elementwise ops only, so its gradient is exact on every backend.
 */
export function momentStatistics(views: readonly MomentView[], x: tf.Tensor): tf.Tensor2D {
  const [n, h, w] = x.shape;
  const maps = tf.reshape(x, [n, h, w]) as tf.Tensor3D;
  const blockMean = (f: number): tf.Tensor3D => tf.reshape(tf.mean(tf.reshape(maps, [n, h / f, f, w / f, f]), [2, 4]), [n, h / f, w / f]);
  const cols: tf.Tensor1D[] = [tf.mean(maps, [1, 2]) as tf.Tensor1D];
  for (const view of views) {
    let v: tf.Tensor3D;
    if (view === 'map') v = maps;
    else if (view === 'pool2') v = blockMean(2);
    else if (view === 'pool4') v = blockMean(4);
    else {
      const b = tf.reshape(tf.mean(tf.reshape(maps, [n, h / 2, 2, w / 2, 2]), [2, 4], true), [n, h / 2, 1, w / 2, 1]);
      v = tf.reshape(tf.sub(tf.reshape(maps, [n, h / 2, 2, w / 2, 2]), b), [n, h, w]);
    }
    const c = tf.sub(v, tf.mean(v, [1, 2], true));
    const c2 = tf.square(c);
    const variance = tf.add(tf.mean(c2, [1, 2]), MOMENT_EPS) as tf.Tensor1D;
    const m3 = tf.mean(tf.mul(c2, c), [1, 2]);
    const m4 = tf.mean(tf.square(c2), [1, 2]);
    cols.push(tf.mul(0.5, tf.log(variance)) as tf.Tensor1D);
    cols.push(tf.div(m3, tf.mul(variance, tf.sqrt(variance))) as tf.Tensor1D);
    cols.push(tf.log(tf.add(MOMENT_EPS, tf.div(m4, tf.square(variance)))) as tf.Tensor1D);
  }
  return tf.stack(cols, 1) as tf.Tensor2D;
}

/** The parameters of an architecture, in a fixed order (the order of saved weights). */
export function paramSpecs(arch: Architecture): ParamSpec[] {
  const specs: ParamSpec[] = [];
  if (arch.kind === 'mlp') {
    let fanIn = arch.inputShape[0];
    const sizes = [...arch.hidden, arch.outputDim];
    sizes.forEach((h, i) => {
      specs.push({ name: `dense${i}/kernel`, shape: [fanIn, h], init: i < sizes.length - 1 ? 'he' : 'glorot' });
      specs.push({ name: `dense${i}/bias`, shape: [h], init: 'zeros' });
      fanIn = h;
    });
  } else if (arch.kind === 'lstm') {
    const c = arch.inputShape.length === 2 ? arch.inputShape[1] : 1;
    const h = arch.hidden;
    specs.push({ name: 'lstm/kernel', shape: [c, 4 * h], init: 'glorot' });
    specs.push({ name: 'lstm/recurrent_kernel', shape: [h, 4 * h], init: 'orthogonal' });
    specs.push({ name: 'lstm/bias', shape: [4 * h], init: 'lstmBias' });
    specs.push({ name: 'head/kernel', shape: [h, arch.outputDim], init: 'glorot' });
    specs.push({ name: 'head/bias', shape: [arch.outputDim], init: 'zeros' });
  } else {
    const ch = arch.channels;
    const px = arch.pixelChannels ?? 0;
    if (px > 0) {
      specs.push({ name: 'pixel/kernel', shape: [1, 1, 1, px], init: 'he' });
      specs.push({ name: 'pixel/bias', shape: [px], init: 'pixelBias' });
    }
    specs.push({ name: 'stem/kernel', shape: [3, 3, 1, ch[0]], init: 'he' });
    specs.push({ name: 'stem/bias', shape: [ch[0]], init: 'zeros' });
    let cin = ch[0];
    ch.forEach((cout, i) => {
      const stride = i === 0 ? 1 : 2;
      specs.push({ name: `block${i}/conv1/kernel`, shape: [3, 3, cin, cout], init: 'he' });
      specs.push({ name: `block${i}/conv1/bias`, shape: [cout], init: 'zeros' });
      specs.push({ name: `block${i}/conv2/kernel`, shape: [3, 3, cout, cout], init: 'he' });
      specs.push({ name: `block${i}/conv2/bias`, shape: [cout], init: 'zeros' });
      if (stride !== 1 || cin !== cout) {
        specs.push({ name: `block${i}/shortcut/kernel`, shape: [1, 1, cin, cout], init: 'glorot' });
        specs.push({ name: `block${i}/shortcut/bias`, shape: [cout], init: 'zeros' });
      }
      cin = cout;
    });
    if (px > 0) cin += px;
    if (arch.moments) cin += momentCount(arch.moments.views);
    (arch.head ?? []).forEach((h, i) => {
      specs.push({ name: `head${i}/kernel`, shape: [cin, h], init: 'he' });
      specs.push({ name: `head${i}/bias`, shape: [h], init: 'zeros' });
      cin = h;
    });
    specs.push({ name: 'head/kernel', shape: [cin, arch.outputDim], init: 'glorot' });
    specs.push({ name: 'head/bias', shape: [arch.outputDim], init: 'zeros' });
  }
  return specs;
}

function fans(shape: number[]): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  // conv kernel [kh, kw, cin, cout]
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [receptive * shape[shape.length - 2], receptive * shape[shape.length - 1]];
}

/** Seeded initial values for every parameter (float32), in paramSpecs order. */
export function initParams(arch: Architecture, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return paramSpecs(arch).map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(size);
    switch (spec.init) {
      case 'zeros':
        break;
      case 'glorot': {
        const [fi, fo] = fans(spec.shape);
        const limit = Math.sqrt(6 / (fi + fo));
        for (let i = 0; i < size; i++) out[i] = rng.uniformIn(-limit, limit);
        break;
      }
      case 'he': {
        const [fi] = fans(spec.shape);
        const std = Math.sqrt(2 / fi);
        for (let i = 0; i < size; i++) out[i] = std * rng.normal();
        break;
      }
      case 'orthogonal': {
        // Rows of a [r, c] matrix (r <= c) made orthonormal by modified Gram–Schmidt.
        const [r, c] = spec.shape;
        const m = new Float64Array(r * c);
        rng.fillNormal(m);
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < i; j++) {
            let dot = 0;
            for (let k = 0; k < c; k++) dot += m[i * c + k] * m[j * c + k];
            for (let k = 0; k < c; k++) m[i * c + k] -= dot * m[j * c + k];
          }
          let norm = 0;
          for (let k = 0; k < c; k++) norm += m[i * c + k] ** 2;
          norm = Math.sqrt(norm);
          for (let k = 0; k < c; k++) m[i * c + k] /= norm;
        }
        out.set(m);
        break;
      }
      case 'pixelBias': {
        // Thresholds spread over [-2, 2] (standardised input units), so the ReLUs start as distinct pieces.
        for (let i = 0; i < size; i++) out[i] = size > 1 ? -2 + (4 * i) / (size - 1) : 0;
        break;
      }
      case 'lstmBias': {
        const h = size / 4;
        for (let i = h; i < 2 * h; i++) out[i] = 1;
        break;
      }
    }
    return out;
  });
}

/** ε of the 'logmean' pooling. */
export const LOG_POOL_EPS = 1e-3;

/** Training-time options of the forward pass (none of them changes the function at inference). */
export interface ForwardTrainingOptions {
  /**
   * Inverted dropout: each feature entering a dense layer after the first (mlp), or entering the
   * linear head (lstm, cnn), is zeroed with probability `rate` and the others scaled by 1/(1 − rate).
   * The masks are drawn from `rng` (awd's seeded generator), so training stays reproducible.
   */
  dropout?: { rate: number; rng: Rng };
}

function applyDropout(h: tf.Tensor2D, opts: ForwardTrainingOptions | undefined): tf.Tensor2D {
  const d = opts?.dropout;
  if (!d || !(d.rate > 0)) return h;
  const [n, f] = h.shape;
  const mask = new Float32Array(n * f);
  const keep = 1 - d.rate;
  for (let i = 0; i < mask.length; i++) mask[i] = d.rng.uniform() < keep ? 1 / keep : 0;
  return tf.mul(h, tf.tensor2d(mask, [n, f], 'float32'));
}

/**
 * Forward pass in standardised units: `x` is [n, ...inputShape] already standardised; returns
 * [n, outputDim]. `p` holds the parameters in paramSpecs order. `train` (optional) adds dropout.
 */
export function forwardStandardized(arch: Architecture, p: readonly tf.Tensor[], x: tf.Tensor, train?: ForwardTrainingOptions): tf.Tensor2D {
  const n = x.shape[0];
  if (arch.kind === 'mlp') {
    let h = x as tf.Tensor2D;
    const layers = arch.hidden.length + 1;
    for (let i = 0; i < layers; i++) {
      if (i > 0) h = applyDropout(h, train);
      h = tf.add(tf.matMul(h, p[2 * i] as tf.Tensor2D), p[2 * i + 1]);
      if (i < layers - 1) h = tf.relu(h);
    }
    return h;
  }
  if (arch.kind === 'lstm') {
    const t = arch.inputShape[0];
    const c = arch.inputShape.length === 2 ? arch.inputShape[1] : 1;
    const hid = arch.hidden;
    const [wx, wh, b, wo, bo] = p as tf.Tensor2D[];
    // Input projections for all time steps at once: [n*T, C] · [C, 4H] + b → [n, T, 4H].
    const xw = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [n * t, c]), wx), b), [n, t, 4 * hid]);
    const steps = tf.unstack(xw, 1) as tf.Tensor2D[];
    let h: tf.Tensor2D = tf.zeros([n, hid]);
    let cell: tf.Tensor2D = tf.zeros([n, hid]);
    for (let s = 0; s < t; s++) {
      const z = tf.add(steps[s], tf.matMul(h, wh));
      const [zi, zf, zg, zo] = tf.split(z, 4, 1) as tf.Tensor2D[];
      cell = tf.add(tf.mul(tf.sigmoid(zf), cell), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
      h = tf.mul(tf.sigmoid(zo), tf.tanh(cell));
    }
    return tf.add(tf.matMul(applyDropout(h, train), wo), bo);
  }
  // cnn
  const [hgt, wid] = arch.inputShape;
  let k = 0;
  const next = (): tf.Tensor => p[k++];
  const conv = (inp: tf.Tensor4D, stride: number): tf.Tensor4D => {
    const w = next() as tf.Tensor4D;
    const bias = next();
    return tf.add(tf.conv2d(inp, w, stride, 'same'), bias);
  };
  const logPool = (t: tf.Tensor4D): tf.Tensor2D => {
    const m = tf.mean(t, [1, 2]) as tf.Tensor2D;
    return arch.pool === 'logmean' ? (tf.log(tf.add(m, LOG_POOL_EPS)) as tf.Tensor2D) : m;
  };
  const inp: tf.Tensor4D = tf.reshape(x, [n, hgt, wid, 1]);
  let pixelPooled: tf.Tensor2D | null = null;
  const px = arch.pixelChannels ?? 0;
  if (px > 0) {
    // A 1×1 convolution from one channel is a broadcast multiply-add (cheaper than conv2d).
    const w = tf.reshape(next(), [1, 1, 1, px]);
    pixelPooled = logPool(tf.relu(tf.add(tf.mul(inp, w), next())) as tf.Tensor4D);
  }
  let h = tf.relu(conv(inp, arch.stemStride));
  let cin = arch.channels[0];
  arch.channels.forEach((cout, i) => {
    const stride = i === 0 ? 1 : 2;
    const y = conv(tf.relu(conv(h, stride)), 1);
    const shortcut = stride !== 1 || cin !== cout ? conv(h, stride) : h;
    h = tf.relu(tf.add(y, shortcut)) as tf.Tensor4D;
    cin = cout;
  });
  let pooled = logPool(h);
  if (pixelPooled) pooled = tf.concat([pooled, pixelPooled], 1) as tf.Tensor2D;
  if (arch.moments) {
    const mb = arch.moments;
    const stats = tf.div(tf.sub(momentStatistics(mb.views, inp), tf.tensor1d(mb.shift)), tf.tensor1d(mb.scale)) as tf.Tensor2D;
    pooled = tf.concat([pooled, stats], 1) as tf.Tensor2D;
  }
  for (let i = 0; i < (arch.head ?? []).length; i++) {
    const wh = next() as tf.Tensor2D;
    pooled = tf.relu(tf.add(tf.matMul(pooled, wh), next())) as tf.Tensor2D;
  }
  pooled = applyDropout(pooled, train);
  const wo = next() as tf.Tensor2D;
  const bo = next();
  return tf.add(tf.matMul(pooled, wo), bo);
}

/** Forward pass in original units: raw x [n, ...inputShape] → y [n, outputDim]. */
export function forwardRaw(arch: Architecture, p: readonly tf.Tensor[], scaling: Scaling, x: tf.Tensor): tf.Tensor2D {
  const xs = tf.div(tf.sub(x, scaling.inputMean), scaling.inputStd);
  const out = forwardStandardized(arch, p, xs);
  return tf.add(tf.mul(out, tf.tensor1d(scaling.outputStd)), tf.tensor1d(scaling.outputMean));
}
