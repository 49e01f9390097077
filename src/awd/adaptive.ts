/**
 * `AdaptiveWavelet`: the learnable wavelet transform of AWD (paper §3), its fit by Eq. 8, and
 * the transforms of a fitted wavelet (`transform`, `inverse`, `attributions`), scikit-learn style.
 *
 * @example
 * import { AdaptiveWavelet, saveWavelet } from 'awd';
 * // X: n × 40 traces; G: the teacher's input gradients at X (same shape), computed once.
 * const awd = AdaptiveWavelet.fit(X, { teacherGrads: G, lambda: 0.005, gamma: 0.043, wavelet: 'db5', levels: 4, seed: 0 });
 * const coeffs = awd.transform(X);       // [approx_4, detail_1, …, detail_4], each n × len
 * saveWavelet(awd, 'wavelet.json');
 * @module
 */
import { AwdError, assertFinite, assertInt } from '../util/checks.ts';
import { ndarray, sameShape, sizeOf, type NdArray } from '../util/ndarray.ts';
import { Rng } from '../util/rng.ts';
import { familyLowpass } from '../wavelets/families.ts';
import { dwtCoeffLen, parseMode, type Mode } from '../wavelets/modes.ts';
import { Wavelet } from '../wavelets/wavelet.ts';
import { VERSION } from '../version.ts';
import { Adam } from './adam.ts';
import { Checkpointer, hashArrays, type CheckpointOptions, type TrainSnapshot } from './checkpoint.ts';
import { highpassOf } from './constraints.ts';
import { makeEngine, type FilterBankEngine, type TransformKind } from './engine.ts';
import { anglesForSettings, checkVanishingMoments, LatticeOptimizer, parseParametrization, type Parametrization } from './lattice.ts';
import { chooseThreads, ShardedLoss } from './parallel.ts';
import { DivergenceGuard } from './divergence.ts';
import { asNdArray, fitInputs } from './inputs.ts';
import { awdLoss, resolveWeights, scaleFreeWeights, termScales, TERM_NAMES, type TermName, type TermScales, type Weights } from './loss.ts';

/** Where the filter starts: a named wavelet or an explicit lowpass filter h. */
export type WaveletInit = string | ArrayLike<number>;

/** Settings of a fit (everything needed to reproduce it). */
export interface FitSettings {
  init: string | number[];
  initNoise: number;
  levels: number;
  mode: Mode;
  weights: Weights;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  patience: number | null;
  nTrain: number;
  sampleShape: number[];
  /** Threads used (results are bit-identical only for the same count). */
  threads?: number;
  /**
   * The epoch whose filter the fit returned (1-based): with validation data the one with the best
   * validation total, else the last; null when no epoch ran. See `returnedRecord`.
   */
  bestEpoch?: number | null;
  /** With `scaleFree`: the scale-free λ, γ given and the scales that turned them into `weights`. */
  scaleFree?: { lambda: number; gamma: number; scales: TermScales };
  /** 'lattice' when the filter was fitted as lattice angles (absent: 'penalty', the taps). */
  parametrization?: Parametrization;
  /** The fitted filter's K−1 free lattice angles (lattice fits only; see src/awd/lattice.ts). */
  angles?: number[];
  /** Vanishing moments kept by the lattice fit, when more than 1. */
  vanishingMoments?: number;
  /** The transform fitted: 'dwt' (absent in older files) or 'swt' (undecimated). */
  transform?: TransformKind;
}

/** One row of the training history: mean of every term over the epoch's batches. */
export interface EpochRecord {
  epoch: number;
  train: Record<TermName | 'total', number>;
  validation?: Record<TermName | 'total', number>;
  /** Wall-clock seconds of the epoch (not saved in wavelet files, which are byte-reproducible). */
  seconds?: number;
}

/** A progress report, once per batch. */
export interface FitProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  /** Every term of Eq. 8 on this batch (before the step). */
  terms: Record<TermName, number>;
  /** The filter after this batch's step: the live array, read it (or copy it) before returning. */
  h: Readonly<Float64Array>;
}

/** Options of `AdaptiveWavelet.fit`. */
export interface FitOptions {
  /** The teacher's input gradients ∇f(x) at every sample of X (same shape as X). */
  teacherGrads: NdArray;
  /** λ: weight of the interpretation term l1_attr (default 0). */
  lambda?: number;
  /** γ: weight of the sparsity term l1_wave (default 0). */
  gamma?: number;
  /** Constraint weights (defaults 1, as the reference). */
  weights?: Partial<Pick<Weights, 'lowpass_sum' | 'highpass_sum' | 'unit_norm' | 'cmf' | 'orthogonality'>>;
  /** Starting filter: a wavelet name (default 'db5') or a lowpass filter h. */
  wavelet?: WaveletInit;
  /** Standard deviation of seeded Gaussian noise added to the starting filter (default 0). */
  initNoise?: number;
  /** Decomposition levels J (default 4). */
  levels?: number;
  /** Boundary mode (default 'zero', the reference's). */
  mode?: Mode;
  /** Passes over the data (default 50, the paper's). */
  epochs?: number;
  /** Mini-batch size (default 100, the paper's). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  learningRate?: number;
  /** Seed of the initial noise and the batch shuffling (default 0). */
  seed?: number;
  /** Held-out data for the history and early stopping. */
  validation?: { X: NdArray; teacherGrads: NdArray };
  /** Stop after this many epochs without improvement of the validation total (needs `validation`). */
  patience?: number;
  /** Called after every batch. */
  onProgress?: (p: FitProgress) => void;
  /**
   * Threads evaluating each batch (data-parallel, exact up to rounding). 'auto' (default) uses
   * 2 cores for long fits and 1 otherwise. Bit-identical repeats need the same thread count.
   */
  threads?: number | 'auto';
  /**
   * Save a checkpoint every N steps or T seconds (default 60 s) and, with `resume`, continue
   * from it: a killed fit resumed ends bit-identical to a straight run (see `checkpoint.ts`).
   */
  checkpoint?: CheckpointOptions;
  /**
   * Scale-free λ and γ (docs/objective.md): the L1 terms are measured per coefficient in units of
   * the gradients' and the data's RMS, so one grid means the same on every data set. `true`
   * computes the scales from X and the gradients; default false (the reference's raw terms).
   */
  scaleFree?: boolean | TermScales;
  /**
   * 'penalty' (default, the reference's): Adam on the taps h, orthogonality by the soft constraint
   * terms. 'lattice': Adam on lattice angles, so every filter is an orthogonal wavelet exactly
   * (docs/objective.md); the constraint terms are then ≈ 0 and stay only as diagnostics.
   */
  parametrization?: Parametrization;
  /**
   * Vanishing moments the fitted wavelet keeps (default 1; more only with 'lattice', kept by a
   * projection after every step — docs/objective.md).
   */
  vanishingMoments?: number;
  /**
   * The transform to learn: 'dwt' (default, the paper's decimated transform) or 'swt', the
   * undecimated (stationary) transform — shift-invariant coefficients and attributions, every
   * block the size of the sample; signals or images, sides multiples of 2^levels, periodic
   * boundaries; evaluated on one thread.
   */
  transform?: TransformKind;
}

/** Checks a data set and its teacher gradients; returns the per-sample shape. */
export function checkDataAndGrads(where: string, X: NdArray, G: NdArray, what = 'X'): number[] {
  if (X.shape.length !== 2 && X.shape.length !== 3) {
    throw new AwdError(where, `${what} must be n × length (signals) or n × rows × cols (images), got shape [${X.shape.join(', ')}]`);
  }
  if (X.shape[0] < 1) throw new AwdError(where, `${what} has no samples`);
  if (!sameShape(X.shape, G.shape)) {
    throw new AwdError(where, `the teacher gradients must have the same shape as ${what}: got [${G.shape.join(', ')}] for ${what} of shape [${X.shape.join(', ')}]`);
  }
  assertFinite(where, what, X.data);
  assertFinite(where, 'the teacher gradients', G.data);
  return X.shape.slice(1);
}

/** The starting lowpass filter, with seeded noise. */
export function initialFilter(init: WaveletInit, noise: number, rng: Rng): Float64Array {
  let h: Float64Array;
  if (typeof init === 'string') h = familyLowpass(init);
  else {
    h = Float64Array.from(init);
    if (h.length < 2 || h.length % 2 !== 0) throw new AwdError('initialFilter', `the starting filter must have an even length >= 2, got ${h.length}`);
    assertFinite('initialFilter', 'the starting filter', h);
  }
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new AwdError('initialFilter', `initNoise must be a finite number >= 0, got ${noise}`);
  if (noise > 0) for (let i = 0; i < h.length; i++) h[i] += noise * rng.normal();
  return h;
}

function emptyTerms(): Record<TermName | 'total', number> {
  const r = { total: 0 } as Record<TermName | 'total', number>;
  for (const k of TERM_NAMES) r[k] = 0;
  return r;
}

/** Copies rows `idx[start..end)` of a flat batch into `out`. */
function gatherRows(src: Float64Array, rowSize: number, idx: Int32Array, start: number, end: number, out: Float64Array): void {
  for (let i = start; i < end; i++) out.set(src.subarray(idx[i] * rowSize, (idx[i] + 1) * rowSize), (i - start) * rowSize);
}

/** A fitted (or given) adaptive wavelet: the lowpass filter h plus the transform's settings. */
export class AdaptiveWavelet {
  private engines = new Map<string, FilterBankEngine>();
  /** The transform: 'dwt' (decimated) or 'swt' (undecimated; see `FitOptions.transform`). */
  readonly transformKind: TransformKind;

  constructor(
    /** The lowpass filter h (PyWavelets' rec_lo convention). */
    readonly h: Float64Array,
    readonly levels: number,
    readonly mode: Mode,
    readonly settings: FitSettings | null = null,
    readonly history: EpochRecord[] = [],
    transform?: TransformKind,
  ) {
    this.transformKind = transform ?? settings?.transform ?? 'dwt';
    if (this.transformKind !== 'dwt' && this.transformKind !== 'swt') throw new AwdError('AdaptiveWavelet', `transform must be 'dwt' or 'swt', got '${String(this.transformKind)}'`);
    if (h.length < 2 || h.length % 2 !== 0) throw new AwdError('AdaptiveWavelet', `the filter must have an even length >= 2, got ${h.length}`);
    assertFinite('AdaptiveWavelet', 'the filter', h);
    assertInt('AdaptiveWavelet', 'levels', levels, 1);
    parseMode(mode, 'AdaptiveWavelet');
  }

  /** An adaptive wavelet at a named wavelet (no fit), e.g. to compare with a fitted one. */
  static fromName(name: string, levels = 4, mode: Mode = 'zero'): AdaptiveWavelet {
    return new AdaptiveWavelet(familyLowpass(name), levels, mode);
  }

  /** The highpass filter g[n] = (−1)ⁿ h[N−1−n]. */
  get g(): Float64Array {
    return highpassOf(this.h);
  }

  /** The filter bank as a `Wavelet`, for the PyWavelets-style functions (`wavedec`, `wavefun`, …). */
  toWavelet(name = 'awd'): Wavelet {
    return Wavelet.fromLowpass(this.h, name);
  }

  /**
   * The engine for one per-sample shape (cached). Unlike PyWavelets' `wavedec`, no warning is
   * given when `levels` exceeds `dwtMaxLevel`: the reference runs J = 4 with db5 on signals of
   * length 40–64 by design (mode zero). Levels that no longer shrink the signal are an error.
   */
  engineFor(sampleShape: number[]): FilterBankEngine {
    const key = sampleShape.join('x');
    let e = this.engines.get(key);
    if (!e && this.transformKind === 'swt') {
      e = makeEngine(sampleShape, this.h.length, this.mode, this.levels, 'swt');
      this.engines.set(key, e);
    }
    if (!e) {
      const n = Math.min(...sampleShape);
      let len = n;
      for (let j = 1; j <= this.levels; j++) {
        const next = dwtCoeffLen(len, this.h.length, this.mode);
        if (j >= 2 && next >= len) {
          throw new AwdError('AdaptiveWavelet', `too many levels: level ${j} would not shrink the signal (length ${len} → ${next} with a filter of length ${this.h.length}), it only adds boundary effects; use at most ${j - 1} levels for size ${n}`);
        }
        len = next;
      }
      e = makeEngine(sampleShape, this.h.length, this.mode, this.levels);
      this.engines.set(key, e);
    }
    return e;
  }

  /**
   * Fits h by minimising Eq. 8 with Adam on seeded mini-batches. The teacher enters only
   * through `teacherGrads` (DESIGN.md §3); no teacher is evaluated during the fit.
   */
  static fit(X: NdArray, opts: FitOptions): AdaptiveWavelet {
    const where = 'AdaptiveWavelet.fit';
    if (!opts || !opts.teacherGrads) throw new AwdError(where, 'teacherGrads is required: the teacher input gradients at X (same shape as X); compute them with `awd teacher grads` or export them from your framework');
    ({ X, opts } = fitInputs(where, X, opts));
    const sampleShape = checkDataAndGrads(where, X, opts.teacherGrads);
    const n = X.shape[0];
    const batchSize = Math.min(opts.batchSize ?? 100, n);
    assertInt(where, 'batchSize', batchSize, 1);
    const rowSize = sizeOf(sampleShape);
    const xb = new Float64Array(batchSize * rowSize);
    const gb = new Float64Array(batchSize * rowSize);
    const G = opts.teacherGrads;
    let scaleFree: FitSettings['scaleFree'];
    if (opts.scaleFree) {
      const lambda = opts.lambda ?? 0, gamma = opts.gamma ?? 0;
      const init = initialFilter(opts.wavelet ?? 'db5', 0, new Rng(0));
      const probe = new AdaptiveWavelet(init, opts.levels ?? 4, parseMode(opts.mode ?? 'zero', where));
      const C = probe.engineFor(sampleShape).blockShapes.reduce((a, s) => a + sizeOf(s), 0);
      const scales = opts.scaleFree === true ? termScales(X.data, G.data, C, probe.levels) : opts.scaleFree;
      scaleFree = { lambda, gamma, scales };
      const raw = scaleFreeWeights(lambda, gamma, scales);
      opts = { ...opts, lambda: raw.l1_attr, gamma: raw.l1_wave };
    }
    const dataId = (): string => hashArrays([X, G, opts.validation?.X, opts.validation?.teacherGrads]);
    const fitted = AdaptiveWavelet.train(where, sampleShape, n, batchSize, opts, function* (_epoch, rng, skip) {
      const perm = rng.permutation(n);
      for (let start = skip * batchSize; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        const b = end - start;
        gatherRows(X.data, rowSize, perm, start, end, xb);
        gatherRows(G.data, rowSize, perm, start, end, gb);
        yield { x: xb.subarray(0, b * rowSize), g: gb.subarray(0, b * rowSize), b };
      }
    }, dataId);
    if (scaleFree && fitted.settings) fitted.settings.scaleFree = scaleFree;
    return fitted;
  }

  /**
   * Fits h on data streamed in batches, for data sets that do not fit in memory (e.g. 20,000
   * maps of 256 × 256): `batches(epoch)` yields the epoch's mini-batches `{ X, teacherGrads }`
   * (each b × sample shape), in the order they should be used (shuffle them yourself, seeded).
   * `nTrain` is the number of samples per epoch (for the history's averages). Memory stays at
   * one batch plus the transform's work arrays.
   */
  static fitStream(
    sampleShape: number[], nTrain: number,
    batches: (epoch: number) => Iterable<{ X: NdArray; teacherGrads: NdArray }>,
    opts: Omit<FitOptions, 'teacherGrads'>,
  ): AdaptiveWavelet {
    const where = 'AdaptiveWavelet.fitStream';
    assertInt(where, 'nTrain', nTrain, 1);
    ({ opts } = fitInputs(where, undefined, opts));
    const batchSize = opts.batchSize ?? 100;
    const dataId = (): string => `${opts.checkpoint?.dataId ?? 'unidentified stream'};validation ${hashArrays([opts.validation?.X, opts.validation?.teacherGrads])}`;
    return AdaptiveWavelet.train(where, sampleShape, nTrain, batchSize, opts, function* (epoch, _rng, skip) {
      let i = 0;
      for (const raw of batches(epoch)) {
        if (i++ < skip) continue;
        const batch = { X: asNdArray(where, 'batch X', raw?.X), teacherGrads: asNdArray(where, 'batch teacherGrads', raw?.teacherGrads) };
        const shape = checkDataAndGrads(where, batch.X, batch.teacherGrads, 'batch X');
        if (!sameShape(shape, sampleShape)) throw new AwdError(where, `a batch has samples of shape [${shape.join(', ')}], expected [${sampleShape.join(', ')}]`);
        yield { x: batch.X.data, g: batch.teacherGrads.data, b: batch.X.shape[0] };
      }
    }, dataId);
  }

  /** The shared training loop of `fit` and `fitStream`. */
  private static train(
    where: string, sampleShape: number[], n: number, batchSize: number, opts: Omit<FitOptions, 'teacherGrads'>,
    epochBatches: (epoch: number, shuffle: Rng, skip: number) => Iterable<{ x: Float64Array; g: Float64Array; b: number }>,
    dataId: () => string = () => 'none',
  ): AdaptiveWavelet {
    const lambda = opts.lambda ?? 0;
    const gamma = opts.gamma ?? 0;
    const weights = resolveWeights({ ...(opts.weights ?? {}), l1_attr: lambda, l1_wave: gamma }, where);
    const levels = opts.levels ?? 4;
    assertInt(where, 'levels', levels, 1);
    const mode = parseMode(opts.mode ?? 'zero', where);
    const epochs = opts.epochs ?? 50;
    assertInt(where, 'epochs', epochs, 0);
    assertInt(where, 'batchSize', batchSize, 1);
    const lr = opts.learningRate ?? 1e-3;
    if (!(lr > 0) || !Number.isFinite(lr)) throw new AwdError(where, `learningRate must be a finite number > 0, got ${lr}`);
    const seed = opts.seed ?? 0;
    assertInt(where, 'seed', seed, 0, Number.MAX_SAFE_INTEGER);
    const patience = opts.patience ?? null;
    if (patience !== null) {
      assertInt(where, 'patience', patience, 1);
      if (!opts.validation) throw new AwdError(where, 'patience (early stopping) needs a validation set: pass validation: { X, teacherGrads }');
    }
    if (opts.validation) {
      const vShape = checkDataAndGrads(where, opts.validation.X, opts.validation.teacherGrads, 'validation.X');
      if (!sameShape(vShape, sampleShape)) throw new AwdError(where, `validation samples have shape [${vShape.join(', ')}], training samples [${sampleShape.join(', ')}]`);
    }
    const init = opts.wavelet ?? 'db5';
    const rng = new Rng(seed);
    const h = initialFilter(init, opts.initNoise ?? 0, rng.fork());
    const shuffleRng = rng.fork();

    const transform = opts.transform ?? 'dwt';
    if (transform !== 'dwt' && transform !== 'swt') throw new AwdError(where, `transform must be 'dwt' or 'swt', got '${String(transform)}'`);
    const parametrization = parseParametrization(opts.parametrization ?? 'penalty', where);
    // The lattice form projects the start onto the orthogonal filters (exact for a named wavelet).
    checkVanishingMoments(where, parametrization, opts.vanishingMoments ?? 1, h.length);
    const lattice = parametrization === 'lattice' ? LatticeOptimizer.start(h, lr, opts.vanishingMoments ?? 1) : null;
    const model = new AdaptiveWavelet(h, levels, mode, null, [], transform);
    const engine = model.engineFor(sampleShape);
    const adam = new Adam(h.length, lr);
    const history: EpochRecord[] = [];
    const batches = Math.ceil(n / batchSize);
    let best = { total: Infinity, h: Float64Array.from(h), epoch: 0 };
    // (The worker threads build DWT engines: the SWT fit runs on one thread.)
    const threads = transform === 'swt' ? 1 : chooseThreads(opts.threads, n * sizeOf(sampleShape), epochs);
    // Checkpoint hook (checkpoint.ts): restore a saved loop state, save one every N steps / T s.
    const ck = opts.checkpoint ? new Checkpointer(where, opts.checkpoint, {
      library: VERSION, method: where, data: dataId(),
      settings: { init: typeof init === 'string' ? init : Array.from(init), initNoise: opts.initNoise ?? 0, levels, mode, weights, epochs, batchSize, learningRate: lr, seed, patience, nTrain: n, sampleShape, threads, parametrization, vanishingMoments: opts.vanishingMoments ?? 1, transform },
    }) : null;
    const resumed = ck?.load() ?? null;
    if (resumed) {
      // A lattice fit's optimiser works on the free angles: they and their Adam state are saved.
      if (lattice) lattice.restore(resumed.params, resumed.adam, h);
      else {
        h.set(resumed.params);
        adam.restore(resumed.adam);
      }
      shuffleRng.restore(resumed.shuffle);
      history.push(...(resumed.history as EpochRecord[]));
      best = { ...resumed.best, h: Float64Array.from(resumed.best.h) };
    }
    const snapshot = (s: Omit<TrainSnapshot, 'params' | 'adam' | 'history' | 'best'>): TrainSnapshot => ({ ...s, params: lattice ? lattice.params : h, adam: lattice ? lattice.adamState() : adam.state(), history, best });
    const sharded = threads > 1 && !resumed?.finished ? new ShardedLoss(engine, h.length, threads, batchSize) : null;
    const guard = new DivergenceGuard(where, lr, weights);

    try {
    for (let epoch = resumed?.epoch ?? 1; epoch <= epochs && !resumed?.finished; epoch++) {
      const part = resumed && epoch === resumed.epoch ? resumed : null;
      const t0 = performance.now() - (part ? part.seconds * 1000 : 0);
      const shuffleAtStart = ck ? shuffleRng.state() : null;
      const sums = part ? (part.sums as Record<TermName | 'total', number>) : emptyTerms();
      let k = part?.batch ?? 0;
      let seen = part?.seen ?? 0;
      for (const { x, g, b } of epochBatches(epoch, shuffleRng, k)) {
        k++;
        const r = sharded ? sharded.evaluate(h, x, g, b, weights) : awdLoss(engine, h, x, g, b, { weights });
        guard.check(epoch, k, r.total, h, x);
        if (lattice) lattice.step(h, r.grad);
        else adam.step(h, r.grad);
        for (const t of TERM_NAMES) sums[t] += r.terms[t] * b;
        sums.total += r.total * b;
        seen += b;
        opts.onProgress?.({ epoch, epochs, batch: k, batches, loss: r.total, terms: r.terms, h });
        if (ck?.due()) ck.save(snapshot({ epoch, batch: k, sums, seen, seconds: (performance.now() - t0) / 1000, shuffle: shuffleAtStart!, finished: false }));
      }
      if (seen === 0) throw new AwdError(where, `epoch ${epoch} had no batches`);
      for (const key of Object.keys(sums) as (TermName | 'total')[]) sums[key] /= seen;
      const record: EpochRecord = { epoch, train: sums, seconds: (performance.now() - t0) / 1000 };
      if (opts.validation) {
        record.validation = model.loss(opts.validation.X, opts.validation.teacherGrads, weights);
        if (record.validation.total < best.total) best = { total: record.validation.total, h: Float64Array.from(h), epoch };
      }
      history.push(record);
      if (patience !== null && epoch - best.epoch >= patience) break;
    }
    if (ck && !resumed?.finished) ck.save(snapshot({ epoch: epochs + 1, batch: 0, sums: {}, seen: 0, seconds: 0, shuffle: shuffleRng.state(), finished: true }));
    } finally {
      sharded?.close();
    }
    if (opts.validation && best.total < Infinity) h.set(best.h);
    const settings: FitSettings = {
      init: typeof init === 'string' ? init : Array.from(init),
      initNoise: opts.initNoise ?? 0,
      levels, mode, weights, epochs, batchSize, learningRate: lr, seed, patience,
      nTrain: n, sampleShape, threads,
      bestEpoch: opts.validation && best.total < Infinity ? best.epoch : history.length > 0 ? history.length : null,
    };
    if (lattice) Object.assign(settings, { parametrization, angles: anglesForSettings(h) }, lattice.moments > 1 ? { vanishingMoments: lattice.moments } : {});
    if (transform !== 'dwt') settings.transform = transform;
    return new AdaptiveWavelet(h, levels, mode, settings, history);
  }

  /** Every term of Eq. 8 (and the total) on a data set, evaluated in batches of 256. */
  loss(X: NdArray, teacherGrads: NdArray, weights?: Partial<Weights>): Record<TermName | 'total', number> {
    X = asNdArray('AdaptiveWavelet.loss', 'X', X);
    teacherGrads = asNdArray('AdaptiveWavelet.loss', 'teacherGrads', teacherGrads);
    const sampleShape = checkDataAndGrads('AdaptiveWavelet.loss', X, teacherGrads);
    const engine = this.engineFor(sampleShape);
    const w = resolveWeights(weights ?? this.settings?.weights ?? {}, 'AdaptiveWavelet.loss');
    const rowSize = sizeOf(sampleShape);
    const n = X.shape[0];
    const sums = emptyTerms();
    for (let start = 0; start < n; start += 256) {
      const end = Math.min(n, start + 256);
      const b = end - start;
      const r = awdLoss(engine, this.h, X.data.subarray(start * rowSize, end * rowSize), teacherGrads.data.subarray(start * rowSize, end * rowSize), b, { weights: w });
      for (const t of TERM_NAMES) sums[t] += r.terms[t] * b;
      sums.total += r.total * b;
    }
    for (const key of Object.keys(sums) as (TermName | 'total')[]) sums[key] /= n;
    return sums;
  }

  private checkX(where: string, X: NdArray): number[] {
    if (X.shape.length !== 2 && X.shape.length !== 3) {
      throw new AwdError(where, `X must be n × length or n × rows × cols, got shape [${X.shape.join(', ')}]`);
    }
    if (X.shape[0] < 1) throw new AwdError(where, 'X has no samples');
    assertFinite(where, 'X', X.data);
    return X.shape.slice(1);
  }

  /**
   * Wavelet coefficients W_h x of every sample, reference order: 1D `[approx_J, detail_1, …,
   * detail_J]` (each n × len_j); 2D `[approx_J, cH_1, cV_1, cD_1, …, cH_J, cV_J, cD_J]`.
   */
  transform(X: NdArray): NdArray[] {
    X = asNdArray('AdaptiveWavelet.transform', 'X', X);
    const shape = this.checkX('AdaptiveWavelet.transform', X);
    const engine = this.engineFor(shape);
    const n = X.shape[0];
    const { blocks } = engine.analyze(X.data, n, this.h, this.g);
    return blocks.map((b, k) => ndarray(b, [n, ...engine.blockShapes[k]]));
  }

  /** The inverse transform S_h c, cropped to the sample shape the coefficients came from. */
  inverse(coeffs: NdArray[], sampleShape: number[]): NdArray {
    const engine = this.engineFor(sampleShape);
    this.checkCoeffs('AdaptiveWavelet.inverse', coeffs, engine);
    const n = coeffs[0].shape[0];
    const { out } = engine.synthesize(coeffs.map((c) => c.data), n, this.h, this.g);
    return ndarray(out, [n, ...sampleShape]);
  }

  private checkCoeffs(where: string, coeffs: NdArray[], engine: FilterBankEngine): void {
    if (coeffs.length !== engine.blockShapes.length) {
      throw new AwdError(where, `expected ${engine.blockShapes.length} coefficient arrays for ${this.levels} levels, got ${coeffs.length}`);
    }
    const n = coeffs[0].shape[0];
    coeffs.forEach((c, k) => {
      if (!sameShape(c.shape, [n, ...engine.blockShapes[k]])) {
        throw new AwdError(where, `coefficient array ${k} has shape [${c.shape.join(', ')}], expected [${[n, ...engine.blockShapes[k]].join(', ')}]`);
      }
    });
  }

  /**
   * Attributions of the teacher in the wavelet domain (TRIM, paper Eq. 7; DESIGN.md §3), from
   * its input gradients at X: saliency `S_hᵀ ∇f(x)`, or input×gradient `c ⊙ S_hᵀ ∇f(x)`
   * (`method: 'inputxgrad'`, needs X). Same layout as `transform`.
   */
  attributions(teacherGrads: NdArray, opts: { method?: 'saliency' | 'inputxgrad'; X?: NdArray } = {}): NdArray[] {
    const where = 'AdaptiveWavelet.attributions';
    teacherGrads = asNdArray(where, 'teacherGrads', teacherGrads);
    if (opts.X !== undefined) opts = { ...opts, X: asNdArray(where, 'X', opts.X) };
    const shape = this.checkX(where, teacherGrads);
    const engine = this.engineFor(shape);
    const n = teacherGrads.shape[0];
    const sal = engine.synthesizeBackward(null, n, teacherGrads.data, this.h, this.g, null, null);
    const method = opts.method ?? 'saliency';
    if (method === 'saliency') return sal.map((b, k) => ndarray(b, [n, ...engine.blockShapes[k]]));
    if (method !== 'inputxgrad') throw new AwdError(where, `unknown method '${method}'; use 'saliency' or 'inputxgrad'`);
    if (!opts.X) throw new AwdError(where, "method 'inputxgrad' needs X (the inputs at which the gradients were taken)");
    checkDataAndGrads(where, opts.X, teacherGrads);
    const c = this.transform(opts.X);
    return sal.map((b, k) => {
      const o = new Float64Array(b.length);
      for (let i = 0; i < b.length; i++) o[i] = b[i] * c[k].data[i];
      return ndarray(o, [n, ...engine.blockShapes[k]]);
    });
  }
}
