/**
 * `Distiller`: the whole AWD pipeline as one estimator, scikit-learn style — data and a teacher
 * in, a small interpretable predictor out (`fit`, `predict`, `score`, `explain`, `save`/`load`).
 *
 * `fit(X, y, opts)`:
 * 1. takes the teacher's input gradients (given, or from a given or freshly trained teacher), once;
 * 2. prints the magnitude of each AWD term at the starting wavelet (raw and scale-free);
 * 3. fits AWD at every (start, seed, λ, γ) cell — λ and γ scale-free by default (docs/objective.md);
 * 4. scores every cell × predictor family by the downstream predictor's K-fold CV score on the
 *    training data only (seeded folds, or grouped folds);
 * 5. scores the comparison rows through the same features, heads and folds: AWD with λ = 0, the
 *    named wavelets (default db5, sym5, coif2, haar), a linear model on the raw inputs, and the
 *    teacher — a teacher trained here (`teacherKind`) is cross-validated on the same folds (one
 *    teacher per fold, `teacherCv`, default on); a given teacher has no training-CV score;
 * 6. keeps the best λ > 0 candidate, its head refitted on all training data.
 *
 * Test data never enter `fit`; score them afterwards with `score` / `scoreCandidates`.
 *
 * @example
 * const d = await new Distiller().fit(X, y, { teacherGrads: G });
 * d.predict(Xtest);
 * d.score(Xtest, ytest);          // R² (regression) or accuracy (classification)
 * d.explain(Xtest.slice(0, 3));   // which coefficients drive each prediction
 * d.save('model/model.json');
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hashArrays, removeCheckpoint } from '../awd/checkpoint.ts';
import { waveletFromJson, waveletToJson } from '../awd/waveletFile.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { VERSION } from '../version.ts';
import { AdaptiveWavelet } from '../awd/adaptive.ts';
import { scaleFreeTerms, termScales, type TermScales } from '../awd/loss.ts';
import type { Grid } from '../awd/sweep.ts';
import type { Fold } from '../predictors/crossValidation.ts';
import { r2Score } from '../predictors/metrics.ts';
import { classesOf } from '../predictors/logistic.ts';
import type { Teacher, TeacherKind, TrainOptions } from '../teachers/index.ts';
import { AwdError, assertFinite, assertInt } from '../util/checks.ts';
import { ndarray, sizeOf, takeRows, type NdArray } from '../util/ndarray.ts';
import { parseMode, type Mode } from '../wavelets/modes.ts';
import { familyLowpass } from '../wavelets/families.ts';
import { computeFeatures, featureName, type FeatureDef } from './features.ts';
import { headNonzeros, headPredict, headProba, type LinearHead, type Task } from './heads.ts';
import { bestBy, cvFolds as foldsFor, scorePredictor } from './select.ts';

/** The raw linear baseline is fitted exactly (one eigen-decomposition of a min(n, d)² matrix per fold) up to this size. */
export const RAW_BASELINE_LIMIT = 2000;

/** The named wavelets compared with by default. */
export const DEFAULT_BASELINES: readonly string[] = ['db5', 'sym5', 'coif2', 'haar'];

/**
 * The default scale-free grid (docs/objective.md, "Default grid"): λ = 0 and 10⁻³…10⁻⁰·⁵ in
 * half-decades (6 values), γ ∈ {0, 0.01}: 12 cells.
 */
export function defaultGrid(): Grid {
  return { lambdas: [0, 0.001, 0.01, 0.03, 0.1, 0.3], gammas: [0, 0.01] };
}

/** The default predictor families for 1D and 2D samples. */
export function defaultFamilies(dims: 1 | 2): FeatureDef[] {
  return dims === 1 ? [{ family: 'maxcoef', k: 6 }, { family: 'maxabs', k: 6 }, { family: 'coefficients' }] : [{ family: 'peaks', bins: 22 }];
}

/** Cross-validation settings. */
export interface CvOptions {
  /** Folds K (default 5). */
  folds?: number;
  /** Seed of the fold shuffle (default 0). */
  seed?: number;
  /** A group label per sample: grouped CV (samples of one group never split across folds). */
  groups?: ArrayLike<number>;
}

/** Options of {@link Distiller.fit}. */
export interface DistillOptions {
  /** The teacher's input gradients at X (same shape), e.g. exported from another framework. */
  teacherGrads?: NdArray;
  /** A trained teacher (its gradients are computed here). */
  teacher?: Teacher;
  /** Train a teacher of this kind on (X, y) first. */
  teacherKind?: TeacherKind;
  /** Options passed to the teacher training (seed, epochs, hidden, …). */
  teacherOptions?: TrainOptions;
  /**
   * With `teacherKind`: score the teacher by the same K-fold CV as every other candidate (one
   * teacher trained per fold, on the fold's training part; default true). False: its R² on its
   * own 10 % validation split (regression only).
   */
  teacherCv?: boolean;
  /** 'regression' or 'classification'; inferred from y when absent (integer labels, ≤ 10 classes → classification). */
  task?: Task;
  /** (λ, γ) grid (scale-free units unless `scaleFree: false`); λ = 0 is added when missing. */
  grid?: Grid;
  /** Scale-free λ, γ (default true); false: the reference's raw terms. */
  scaleFree?: boolean;
  /** Starting wavelets (default ['db5']). */
  starts?: string[];
  /** AWD fit seeds (default [0]). */
  seeds?: number[];
  /** Std of seeded noise added to the start (default 0). */
  initNoise?: number;
  levels?: number;
  mode?: Mode;
  /** AWD epochs per cell (default 50). */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  threads?: number | 'auto';
  cv?: CvOptions;
  /** Predictor families tried on every wavelet (default: 1D maxcoef(k=6), maxabs(k=6) and coefficients (lasso); 2D peaks). */
  families?: FeatureDef[];
  /** Named wavelets compared through the same path (default db5, sym5, coif2, haar). */
  baselines?: string[];
  /**
   * Checkpoints of the AWD phase (the long one), in the folder `dir`: each finished cell's wavelet
   * (checksummed, tied to the data and settings) and the cell in progress (`AdaptiveWavelet`'s own
   * checkpoint, every `everySteps` steps or `everySeconds` s). With `resume`, finished cells are
   * read back and the interrupted one continues: the result is bit-identical to a straight fit.
   * Without `resume` a folder holding cells is an error. The teacher phase is rerun (seeded:
   * the same teacher). Remove the folder after a successful fit (`removeDistillCheckpoints`).
   */
  checkpoint?: DistillCheckpoint;
  /** Phase progress: (phase, done, total). */
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Human-readable log lines (term magnitudes, choices). */
  onLog?: (line: string) => void;
}

/**
 * A teacher's outputs as predictions of the task: regression → output 0; classification → the
 * class of the largest output (one output: ≥ 0.5 is the second class).
 */
export function teacherPredictions(task: Task, classes: number[] | null, P: NdArray): Float64Array {
  const n = P.shape[0];
  const k = P.shape[1] ?? 1;
  if (task === 'regression') return Float64Array.from({ length: n }, (_, i) => P.data[i * k]);
  if (k === 1) return Float64Array.from({ length: n }, (_, i) => (P.data[i] >= 0.5 ? classes![1] : classes![0]));
  return Float64Array.from({ length: n }, (_, i) => {
    let b = 0;
    for (let j = 1; j < k; j++) if (P.data[i * k + j] > P.data[i * k + b]) b = j;
    return classes![b];
  });
}

/** Where and how often the AWD phase of `Distiller.fit` checkpoints (see `DistillOptions.checkpoint`). */
export interface DistillCheckpoint {
  dir: string;
  resume?: boolean;
  everySteps?: number;
  everySeconds?: number;
}

const CELL_FORMAT = 'awd-distill-cell';

/** A finished cell of the AWD phase, tied to its fit (`id`: data and settings) and checksummed. */
function writeDistillCell(path: string, id: string, w: AdaptiveWavelet): void {
  const body = { format: CELL_FORMAT, library: VERSION, id, wavelet: waveletToJson(w) };
  writeFileAtomic(path, JSON.stringify({ ...body, sha256: createHash('sha256').update(JSON.stringify(body)).digest('hex') }) + '\n');
}

/** A finished cell written by `writeDistillCell` for the fit `id`, or an error naming what is wrong. */
function readDistillCell(path: string, id: string): AdaptiveWavelet {
  const where = 'Distiller.fit';
  let obj: { format?: string; library?: string; id?: string; wavelet?: string; sha256?: string };
  try {
    obj = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AwdError(where, `checkpoint cell '${path}' is unreadable (${(e as Error).message}); remove the checkpoint folder and fit again`);
  }
  const { sha256, ...body } = obj;
  if (obj.format !== CELL_FORMAT || sha256 !== createHash('sha256').update(JSON.stringify(body)).digest('hex')) {
    throw new AwdError(where, `checkpoint cell '${path}' is not an intact distill cell (edited or corrupted); remove the checkpoint folder and fit again`);
  }
  if (obj.id !== id) throw new AwdError(where, `checkpoint cell '${path}' belongs to another fit (other data or settings); use another checkpoint folder, or remove it`);
  return waveletFromJson(obj.wavelet as string, path);
}

/** Removes a distill checkpoint folder's files (after the model is saved). */
export function removeDistillCheckpoints(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** What a candidate is. */
export type CandidateKind = 'awd' | 'awd-lambda0' | 'wavelet' | 'raw' | 'teacher';

/** One row of the selection table. */
export interface Candidate {
  name: string;
  kind: CandidateKind;
  /** Wavelet (null for raw and teacher). */
  wavelet: { h: number[]; levels: number; mode: Mode; start: string; lambda: number | null; gamma: number | null; seed: number | null } | null;
  features: FeatureDef | null;
  head: LinearHead | null;
  /** Training CV score (R² or accuracy); for the teacher its validation score, or null. */
  cvScore: number | null;
  /** Nonzero weights of the head. */
  nonzeros: number | null;
}

/** A model's scores on a data set. */
export interface Scores {
  /** Regression: R², RMSE. Classification: accuracy (and AUC for two classes). */
  r2?: number;
  rmse?: number;
  accuracy?: number;
  auc?: number | null;
}

/** One contributing coefficient of a prediction. */
export interface Contribution {
  feature: number;
  /** Coefficient array in the reference order, or −1 for a raw input / a peak count. */
  block: number;
  /** 'approx' or 'detail' (1D), 'approx', 'cH', 'cV', 'cD' (2D), 'input' or 'peaks'. */
  band: string;
  /** Decomposition level (J for approx), or null. */
  level: number | null;
  /** Position inside the array (or the input index); −1 when not positional. */
  position: number;
  /** The coefficient (feature) value and its sign. */
  value: number;
  sign: -1 | 0 | 1;
  /** weight × value: what it adds to the prediction (the score difference to the other class for two classes). */
  contribution: number;
}

/** The explanation of one prediction. */
export interface Explanation {
  prediction: number;
  intercept: number;
  contributions: Contribution[];
}

/** Settings recorded in the model file. */
export interface DistillSettings {
  task: Task;
  grid: Grid;
  scaleFree: boolean;
  starts: string[];
  seeds: number[];
  initNoise: number;
  levels: number;
  mode: Mode;
  epochs: number;
  batchSize: number;
  learningRate: number;
  cv: { folds: number; seed: number; grouped: boolean };
  families: FeatureDef[];
  baselines: string[];
  teacher: { source: 'grads' | 'teacher' | 'trained'; kind: string | null; valScore: number | null; cvScore?: number | null };
  termScales: TermScales | null;
}

/** Everything a fitted Distiller holds (and the model file stores). */
export interface DistillState {
  task: Task;
  classes: number[] | null;
  inputShape: number[];
  chosen: Candidate;
  candidates: Candidate[];
  settings: DistillSettings;
  /** Term magnitudes at the starting wavelet (raw and scale-free). */
  startTerms: Record<string, number>;
  fingerprint: { sha256: string; n: number; shape: number[] };
}

/** The model file's format name and version. */
export const MODEL_FORMAT = 'awd-distilled-model';
export const MODEL_FORMAT_VERSION = 1;

function modelChecksum(payload: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex');
}

/** Infers the task from the targets: integer labels with at most 10 distinct values → classification. */
export function inferTask(y: ArrayLike<number>): Task {
  for (let i = 0; i < y.length; i++) if (!Number.isInteger(y[i])) return 'regression';
  return classesOf(y).length <= 10 ? 'classification' : 'regression';
}

/** Checks X and y of a fit or score; returns y as float64. */
export function checkXy(where: string, X: NdArray, y: ArrayLike<number>, task?: Task): Float64Array {
  if (!X || !Array.isArray(X.shape) || (X.shape.length !== 2 && X.shape.length !== 3)) {
    throw new AwdError(where, `X must be n × length (signals) or n × rows × cols (images), got shape [${X?.shape?.join(', ') ?? '?'}]`);
  }
  assertFinite(where, 'X', X.data);
  if (!y || y.length !== X.shape[0]) throw new AwdError(where, `y has ${y?.length ?? 0} values but X has ${X.shape[0]} samples; give one target per sample`);
  assertFinite(where, 'y', y);
  const yy = Float64Array.from(y);
  const t = task ?? inferTask(yy);
  if (t === 'classification') {
    const c = classesOf(yy);
    if (c.length < 2) throw new AwdError(where, `y has only one class (${c[0]}); classification needs at least two`);
  } else {
    let lo = Infinity, hi = -Infinity;
    for (const v of yy) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(hi > lo)) throw new AwdError(where, `y is constant (${lo}); there is nothing to predict`);
  }
  return yy;
}

/** SHA-256 fingerprint of a data set (values and shape). */
export function fingerprint(X: NdArray, y: ArrayLike<number>): { sha256: string; n: number; shape: number[] } {
  const h = createHash('sha256');
  h.update(JSON.stringify(X.shape));
  h.update(new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  const yy = Float64Array.from(y);
  h.update(new Uint8Array(yy.buffer));
  return { sha256: h.digest('hex'), n: X.shape[0], shape: [...X.shape] };
}

function waveletOf(c: Candidate): AdaptiveWavelet | null {
  return c.wavelet ? new AdaptiveWavelet(Float64Array.from(c.wavelet.h), c.wavelet.levels, c.wavelet.mode) : null;
}

/** Predictions of a candidate (not the teacher) on X. */
export function candidatePredict(c: Candidate, X: NdArray): Float64Array {
  if (!c.features || !c.head) throw new AwdError('candidatePredict', `candidate ${c.name} has no predictor (the teacher is scored separately)`);
  return headPredict(c.head, computeFeatures(c.features, waveletOf(c), X).F);
}

/** Area under the ROC curve of scores s for binary labels (1 = positive), ties counted half. */
export function rocAuc(labels: ArrayLike<number>, s: ArrayLike<number>): number | null {
  const idx = Array.from({ length: s.length }, (_, i) => i).sort((a, b) => s[a] - s[b]);
  let pos = 0, neg = 0, rankSum = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && s[idx[j + 1]] === s[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (labels[idx[t]] === 1) { rankSum += rank; pos++; } else neg++;
    i = j + 1;
  }
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Scores of predictions against targets for a task (probabilities of the second class for the AUC). */
export function scorePredictions(task: Task, y: ArrayLike<number>, pred: ArrayLike<number>, positiveProba?: ArrayLike<number>, classes?: number[]): Scores {
  if (task === 'regression') {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (y[i] - pred[i]) ** 2;
    return { r2: r2Score(y, pred), rmse: Math.sqrt(s / y.length) };
  }
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === pred[i]) ok++;
  let auc: number | null = null;
  if (positiveProba && classes && classes.length === 2) auc = rocAuc(Array.from(y, (v) => (v === classes[1] ? 1 : 0)), positiveProba);
  return { accuracy: ok / y.length, auc };
}

function blockBand(block: number, levels: number, dims: number): { band: string; level: number | null } {
  if (block < 0) return { band: 'input', level: null };
  if (block === 0) return { band: 'approx', level: levels };
  if (dims === 1) return { band: 'detail', level: block };
  return { band: ['cH', 'cV', 'cD'][(block - 1) % 3], level: Math.floor((block - 1) / 3) + 1 };
}

/** The distillation estimator. */
export class Distiller {
  private state: DistillState | null = null;

  /** The fitted state (throws before `fit`). */
  get fitted(): DistillState {
    if (!this.state) throw new AwdError('Distiller', 'not fitted; call fit(X, y, { teacherGrads | teacher | teacherKind }) or Distiller.load(path) first');
    return this.state;
  }

  /** A Distiller from a saved state (used by `load`). */
  static fromState(state: DistillState): Distiller {
    const d = new Distiller();
    d.state = state;
    return d;
  }

  /**
   * Fits the pipeline on training data only (see the module comment). Resolves to `this`.
   */
  async fit(X: NdArray, y: ArrayLike<number>, opts: DistillOptions = {}): Promise<this> {
    const where = 'Distiller.fit';
    const log = opts.onLog ?? (() => {});
    const progress = opts.onProgress ?? (() => {});
    if (opts.task !== undefined && opts.task !== 'regression' && opts.task !== 'classification') {
      throw new AwdError(where, `task must be 'regression' or 'classification', got '${String(opts.task)}'`);
    }
    const yy = checkXy(where, X, y, opts.task);
    const task: Task = opts.task ?? inferTask(yy);
    const classes = task === 'classification' ? classesOf(yy) : null;
    const n = X.shape[0];
    const dims = (X.shape.length - 1) as 1 | 2;
    const sources = [opts.teacherGrads, opts.teacher, opts.teacherKind].filter((v) => v !== undefined).length;
    if (sources !== 1) throw new AwdError(where, 'give exactly one of teacherGrads (input gradients at X), teacher (a trained teacher) or teacherKind (mlp, lstm or cnn, trained here)');

    // ---- CV folds (training data only) ----
    const cvFolds = opts.cv?.folds ?? 5;
    const cvSeed = opts.cv?.seed ?? 0;
    assertInt(where, 'cv.folds', cvFolds, 2, Math.max(2, Math.floor(n / 2)));
    if (opts.cv?.groups && opts.cv.groups.length !== n) throw new AwdError(where, `groups has ${opts.cv.groups.length} labels but X has ${n} samples`);
    const folds: Fold[] = foldsFor(n, { folds: cvFolds, seed: cvSeed, groups: opts.cv?.groups });
    if (task === 'classification') {
      for (const f of folds) {
        if (classesOf(Array.from(f.train, (i) => yy[i])).length < 2) throw new AwdError(where, 'a CV fold has only one class in its training part; use fewer folds or more samples per class');
      }
    }

    // ---- teacher and its gradients (once) ----
    let G: NdArray;
    let teacherInfo: DistillSettings['teacher'];
    let teacher: Teacher | null = null;
    let trained = false;
    if (opts.teacherGrads) {
      G = opts.teacherGrads;
      if (G.shape.length !== X.shape.length || G.shape.some((s, i) => s !== X.shape[i])) {
        throw new AwdError(where, `teacherGrads has shape [${G.shape.join(', ')}] but X has [${X.shape.join(', ')}]; the gradients must be taken at X`);
      }
      assertFinite(where, 'teacherGrads', G.data);
      teacherInfo = { source: 'grads', kind: null, valScore: null };
    } else {
      let valScore: number | null = null;
      if (opts.teacher) {
        teacher = opts.teacher;
        teacherInfo = { source: 'teacher', kind: teacher.kind, valScore: null };
      } else {
        const t = await import('../teachers/index.ts');
        const Y = task === 'classification' && classes!.length > 2
          ? ndarray(Float64Array.from({ length: n * classes!.length }, (_, k) => (yy[Math.floor(k / classes!.length)] === classes![k % classes!.length] ? 1 : 0)), [n, classes!.length])
          : ndarray(task === 'classification' ? Float64Array.from(yy, (v) => (v === classes![1] ? 1 : 0)) : yy, [n]);
        progress('teacher', 0, 1);
        const r = await t.trainTeacher(opts.teacherKind!, X, Y, { seed: 0, ...(opts.teacherOptions ?? {}), onProgress: (e, tot) => progress('teacher', e, tot) });
        teacher = r.teacher;
        trained = true;
        valScore = task === 'regression' ? r.valR2 : null; // for labels it is an R², not an accuracy
        teacherInfo = { source: 'trained', kind: opts.teacherKind!, valScore };
        log(`teacher: ${opts.teacherKind} trained on ${n} samples, validation R² ${valScore === null ? '—' : valScore.toFixed(3)}`);
        if (opts.teacherCv !== false) {
          // The same folds as every candidate: one teacher per fold, scored on the fold's held-out part.
          let sum = 0;
          for (const [fi, f] of folds.entries()) {
            progress('teacher CV', fi, folds.length);
            const rf = await t.trainTeacher(opts.teacherKind!, takeRows(X, f.train), takeRows(Y, f.train), { seed: 0, ...(opts.teacherOptions ?? {}) });
            const P = await rf.teacher.predict(takeRows(X, f.test));
            rf.teacher.dispose();
            const yv = Array.from(f.test, (i) => yy[i]);
            const s = scorePredictions(task, yv, teacherPredictions(task, classes, P));
            sum += (task === 'regression' ? s.r2 : s.accuracy) ?? NaN;
          }
          progress('teacher CV', folds.length, folds.length);
          teacherInfo.cvScore = sum / folds.length;
          log(`teacher: ${folds.length}-fold CV ${task === 'regression' ? 'R²' : 'accuracy'} ${teacherInfo.cvScore.toFixed(4)} (the candidates' folds)`);
        }
      }
      progress('gradients', 0, n);
      if (task === 'classification' && classes!.length > 2 && teacher.outputDim === classes!.length) {
        // The gradient of each sample's own class output.
        G = ndarray(new Float64Array(X.data.length), X.shape);
        const per = sizeOf(X.shape.slice(1));
        for (let k = 0; k < classes!.length; k++) {
          const Gk = await teacher.inputGradients(X, { outputIndex: k });
          for (let i = 0; i < n; i++) if (yy[i] === classes![k]) G.data.set(Gk.data.subarray(i * per, (i + 1) * per), i * per);
        }
      } else {
        G = await teacher.inputGradients(X, { onProgress: (d, t) => progress('gradients', d, t) });
      }
      progress('gradients', n, n);
      if (trained) this.trainedTeacher = teacher;
    }

    // ---- settings ----
    const scaleFree = opts.scaleFree ?? true;
    const base = opts.grid ?? defaultGrid();
    if (!base.lambdas?.length || !base.gammas?.length) throw new AwdError(where, 'the grid needs at least one λ and one γ');
    for (const v of [...base.lambdas, ...base.gammas]) if (!(v >= 0) || !Number.isFinite(v)) throw new AwdError(where, `grid values must be finite numbers >= 0, got ${v}`);
    const grid: Grid = { lambdas: base.lambdas.includes(0) ? [...base.lambdas] : [0, ...base.lambdas], gammas: [...base.gammas] };
    const starts = opts.starts ?? ['db5'];
    starts.forEach((s) => familyLowpass(s));
    const seeds = opts.seeds ?? [0];
    const levels = opts.levels ?? 4;
    assertInt(where, 'levels', levels, 1);
    const mode = parseMode(opts.mode ?? 'zero', where);
    const epochs = opts.epochs ?? 50;
    const batchSize = opts.batchSize ?? 100;
    const learningRate = opts.learningRate ?? 1e-3;
    const initNoise = opts.initNoise ?? 0;
    const families = (opts.families ?? defaultFamilies(dims)).map((f) => ({ ...f }));
    if (families.length === 0) throw new AwdError(where, 'give at least one predictor family');
    for (const f of families) {
      if (f.family === 'raw') throw new AwdError(where, "'raw' is the baseline row, not a wavelet family");
      if ((f.family === 'peaks') !== (dims === 2)) throw new AwdError(where, f.family === 'peaks' ? 'the peaks family needs 2D samples' : `the ${f.family} family is for 1D signals; use peaks for 2D maps`);
    }
    const baselines = opts.baselines ?? [...DEFAULT_BASELINES];
    baselines.forEach((b) => familyLowpass(b));

    // ---- term magnitudes at the start ----
    const start0 = AdaptiveWavelet.fromName(starts[0], levels, mode);
    const C = start0.engineFor(X.shape.slice(1)).blockShapes.reduce((a, s) => a + sizeOf(s), 0);
    const scales = termScales(X.data, G.data, C, levels);
    const t0 = start0.loss(X, G, {});
    const sf = scaleFreeTerms(t0, scales);
    const startTerms: Record<string, number> = {
      reconstruction: t0.reconstruction, l1_wave: t0.l1_wave, l1_attr: t0.l1_attr,
      l1_wave_scale_free: sf.l1_wave, l1_attr_scale_free: sf.l1_attr, data_rms: scales.dataRms, grad_rms: scales.gradRms,
    };
    log(`AWD terms at ${starts[0]}: reconstruction ${t0.reconstruction.toExponential(3)}, l1_wave ${t0.l1_wave.toExponential(3)} (scale-free ${sf.l1_wave.toFixed(4)}), l1_attr ${t0.l1_attr.toExponential(3)} (scale-free ${sf.l1_attr.toFixed(4)}); data RMS ${scales.dataRms.toExponential(3)}, gradient RMS ${scales.gradRms.toExponential(3)}`);
    log(`λ, γ are ${scaleFree ? 'scale-free (per coefficient, in units of the gradient / data RMS)' : "raw (the reference's normalisation)"}`);

    // ---- candidates through one path ----
    const candidates: Candidate[] = [];
    const scoreWavelet = (w: AdaptiveWavelet, info: Candidate['wavelet'], kind: CandidateKind, name: string): void => {
      for (const fam of families) {
        const r = scorePredictor(fam, w, X, yy, task, folds);
        candidates.push({ name: `${name} · ${featureName(r.features)}`, kind, wavelet: info, features: r.features, head: r.head, cvScore: r.cvScore, nonzeros: headNonzeros(r.head) });
      }
    };
    const total = starts.length * seeds.length * grid.lambdas.length * grid.gammas.length;
    let done = 0;
    const ck = opts.checkpoint;
    // What ties a checkpointed cell to this fit: the data, the gradients and every AWD setting.
    const dataId = ck ? hashArrays([X, G]) : '';
    if (ck) {
      mkdirSync(ck.dir, { recursive: true });
      if (!ck.resume && readdirSync(ck.dir).length > 0) throw new AwdError(where, `checkpoint folder '${ck.dir}' holds an earlier run's files; resume it (resume: true, --resume) or remove it`);
    }
    progress('awd', 0, total);
    for (const start of starts) {
      for (const seed of seeds) {
        for (const lambda of grid.lambdas) {
          for (const gamma of grid.gammas) {
            const fitOpts = {
              teacherGrads: G, lambda, gamma, scaleFree: scaleFree ? scales : false, wavelet: start, initNoise, levels, mode,
              epochs, batchSize, learningRate, seed, threads: opts.threads,
            } as const;
            let w: AdaptiveWavelet;
            if (ck) {
              const k = done;
              const { teacherGrads: _g, ...settings } = fitOpts;
              const id = createHash('sha256').update(`${VERSION};${dataId};${JSON.stringify(settings)}`).digest('hex');
              const cellPath = join(ck.dir, `cell-${k}.json`);
              if (ck.resume && existsSync(cellPath)) w = readDistillCell(cellPath, id);
              else {
                const ckptPath = join(ck.dir, `cell-${k}.ckpt`);
                w = AdaptiveWavelet.fit(X, { ...fitOpts, checkpoint: { path: ckptPath, resume: ck.resume === true, everySteps: ck.everySteps, everySeconds: ck.everySeconds } });
                writeDistillCell(cellPath, id, w);
                removeCheckpoint(ckptPath);
              }
            } else w = AdaptiveWavelet.fit(X, fitOpts);
            const info = { h: Array.from(w.h), levels, mode, start, lambda, gamma, seed };
            const tag = `${starts.length > 1 ? `${start} ` : ''}${seeds.length > 1 ? `seed ${seed} ` : ''}λ=${lambda} γ=${gamma}`;
            scoreWavelet(w, info, lambda > 0 ? 'awd' : 'awd-lambda0', `AWD ${tag}`);
            progress('awd', ++done, total);
          }
        }
      }
    }
    progress('baselines', 0, baselines.length + 1);
    baselines.forEach((b, i) => {
      const w = AdaptiveWavelet.fromName(b, levels, mode);
      scoreWavelet(w, { h: Array.from(w.h), levels, mode, start: b, lambda: null, gamma: null, seed: null }, 'wavelet', b);
      progress('baselines', i + 1, baselines.length + 1);
    });
    const inputSize = sizeOf(X.shape.slice(1));
    if (Math.min(n, inputSize) <= RAW_BASELINE_LIMIT) {
      const rawHead = scorePredictor({ family: 'raw' }, null, X, yy, task, folds);
      candidates.push({ name: 'linear model on raw inputs', kind: 'raw', wavelet: null, features: rawHead.features, head: rawHead.head, cvScore: rawHead.cvScore, nonzeros: headNonzeros(rawHead.head) });
    } else {
      log(`the linear model on the raw inputs is skipped: ${n} samples of ${inputSize} values is beyond its exact solver (min(n, d) <= ${RAW_BASELINE_LIMIT})`);
    }
    progress('baselines', baselines.length + 1, baselines.length + 1);
    if (teacherInfo.source !== 'grads') {
      candidates.push({ name: `teacher (${teacherInfo.kind})`, kind: 'teacher', wavelet: null, features: null, head: null, cvScore: teacherInfo.cvScore ?? teacherInfo.valScore, nonzeros: null });
    }

    // ---- choice: the best λ > 0 candidate by training CV (ties → the earlier one) ----
    const pool = candidates.filter((c) => c.kind === 'awd');
    const from = pool.length ? pool : candidates.filter((c) => c.kind === 'awd-lambda0');
    const chosen = bestBy(from, (c) => c.cvScore ?? -Infinity);
    log(`chosen: ${chosen.name}, training CV ${task === 'regression' ? 'R²' : 'accuracy'} ${chosen.cvScore!.toFixed(4)}`);

    this.state = {
      task, classes, inputShape: X.shape.slice(1), chosen, candidates,
      settings: {
        task, grid, scaleFree, starts, seeds, initNoise, levels, mode, epochs, batchSize, learningRate,
        cv: { folds: cvFolds, seed: cvSeed, grouped: Boolean(opts.cv?.groups) }, families, baselines, teacher: teacherInfo, termScales: scales,
      },
      startTerms,
      fingerprint: fingerprint(X, yy),
    };
    return this;
  }

  /** A teacher trained by `fit` (teacherKind), for scoring it on test data and saving it; null otherwise. */
  trainedTeacher: Teacher | null = null;

  private checkInput(where: string, X: NdArray): void {
    const s = this.fitted;
    if (!X || !Array.isArray(X.shape) || X.shape.length !== s.inputShape.length + 1 || X.shape.slice(1).some((v, i) => v !== s.inputShape[i])) {
      throw new AwdError(where, `X must be n × ${s.inputShape.join(' × ')} (the shape the model was fitted on), got [${X?.shape?.join(', ') ?? '?'}]`);
    }
    if (X.shape[0] < 1) throw new AwdError(where, 'X has no samples');
    assertFinite(where, 'X', X.data);
  }

  /** Predictions of the chosen model: values (regression) or labels (classification). */
  predict(X: NdArray): Float64Array {
    this.checkInput('Distiller.predict', X);
    return candidatePredict(this.fitted.chosen, X);
  }

  /** Class probabilities (n × K, flat) of the chosen model (classification only). */
  predictProba(X: NdArray): Float64Array {
    this.checkInput('Distiller.predictProba', X);
    const c = this.fitted.chosen;
    return headProba(c.head!, computeFeatures(c.features!, waveletOf(c), X).F);
  }

  /** R² (regression) or accuracy (classification) of the chosen model on (X, y). */
  score(X: NdArray, y: ArrayLike<number>): number {
    const s = this.scores(X, y);
    return this.fitted.task === 'regression' ? s.r2! : s.accuracy!;
  }

  /** Every score of the chosen model on (X, y): R² and RMSE, or accuracy and AUC. */
  scores(X: NdArray, y: ArrayLike<number>): Scores {
    return this.scoresOf(this.fitted.chosen, X, y);
  }

  /** The scores of one candidate on (X, y). */
  scoresOf(c: Candidate, X: NdArray, y: ArrayLike<number>): Scores {
    const where = 'Distiller.score';
    this.checkInput(where, X);
    const s = this.fitted;
    const yy = checkXy(where, X, y, s.task);
    const F = computeFeatures(c.features!, waveletOf(c), X).F;
    const pred = headPredict(c.head!, F);
    const proba = s.task === 'classification' && s.classes!.length === 2 ? headProba(c.head!, F).filter((_, k) => k % 2 === 1) : undefined;
    return scorePredictions(s.task, yy, pred, proba, s.classes ?? undefined);
  }

  /** Test scores of every candidate except the teacher (score the teacher with its own predictions). */
  scoreCandidates(X: NdArray, y: ArrayLike<number>): (Scores | null)[] {
    return this.fitted.candidates.map((c) => (c.kind === 'teacher' ? null : this.scoresOf(c, X, y)));
  }

  /**
   * Per prediction, the `top` coefficients that contribute most (weight × value), with their
   * coefficient array, band, level, position and sign. For two classes the contribution is to the
   * score difference (class 1 − class 0); for more, to the predicted class's score.
   */
  explain(X: NdArray, top = 5): Explanation[] {
    const where = 'Distiller.explain';
    this.checkInput(where, X);
    const s = this.fitted;
    const c = s.chosen;
    const w = waveletOf(c);
    const feats = computeFeatures(c.features!, w, X, true);
    const head = c.head!;
    const pred = headPredict(head, feats.F);
    const n = X.shape[0];
    const p = feats.F.shape[1];
    const dims = X.shape.length - 1;
    const levels = c.wavelet?.levels ?? 0;
    const out: Explanation[] = [];
    for (let i = 0; i < n; i++) {
      let weights: number[];
      let intercept: number;
      if (head.task === 'regression') {
        weights = head.coef;
        intercept = head.intercept[0];
      } else {
        const K = head.classes!.length;
        if (K === 2) {
          weights = Array.from({ length: p }, (_, j) => head.coef[p + j] - head.coef[j]);
          intercept = head.intercept[1] - head.intercept[0];
        } else {
          const k = head.classes!.indexOf(pred[i]);
          weights = head.coef.slice(k * p, (k + 1) * p);
          intercept = head.intercept[k];
        }
      }
      const list: Contribution[] = [];
      for (let j = 0; j < p; j++) {
        const value = feats.F.data[i * p + j];
        const contribution = weights[j] * value;
        if (contribution === 0) continue;
        const block = feats.blocks ? feats.blocks[i * p + j] : -1;
        const position = feats.positions ? feats.positions[i * p + j] : -1;
        const bb = c.features!.family === 'peaks' ? { band: 'peaks', level: null } : blockBand(block, levels, dims);
        list.push({ feature: j, block, band: bb.band, level: bb.level, position, value, sign: Math.sign(value) as -1 | 0 | 1, contribution });
      }
      list.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature - b.feature);
      out.push({ prediction: pred[i], intercept, contributions: list.slice(0, top) });
    }
    return out;
  }

  /** The model file's JSON text (see {@link MODEL_FORMAT}). */
  toJson(): string {
    const payload = { format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, library: { name: 'awd', version: VERSION }, ...this.fitted };
    return JSON.stringify({ ...payload, sha256: modelChecksum(payload) }, null, 2) + '\n';
  }

  /** Saves the model as one JSON file, atomically. */
  save(path: string): void {
    writeFileAtomic(path, this.toJson());
  }

  /** Loads a model file saved by `save`; checks format, version and checksum. */
  static load(path: string): Distiller {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new AwdError('Distiller.load', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return Distiller.fromJson(text, path);
  }

  /** Parses a model file's text. */
  static fromJson(text: string, source = 'the model file'): Distiller {
    const where = 'Distiller.load';
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new AwdError(where, `${source} is not valid JSON (${(e as Error).message}); it may be truncated — run awd distill again`);
    }
    if (!obj || typeof obj !== 'object' || obj.format !== MODEL_FORMAT) throw new AwdError(where, `${source} is not an awd model file (missing "format": "${MODEL_FORMAT}")`);
    if (obj.formatVersion !== MODEL_FORMAT_VERSION) throw new AwdError(where, `${source} has model format version ${String(obj.formatVersion)}; this awd (${VERSION}) reads version ${MODEL_FORMAT_VERSION}`);
    const lib = obj.library as { version?: string } | undefined;
    const minor = (v: string) => v.split('.').slice(0, 2).join('.');
    if (!lib || typeof lib.version !== 'string' || minor(lib.version) !== minor(VERSION)) {
      throw new AwdError(where, `${source} was written by awd ${lib?.version ?? '?'}; this is awd ${VERSION} (models carry over within ${minor(VERSION)}.x): run awd distill again with this version`);
    }
    const { sha256, ...payload } = obj;
    if (typeof sha256 !== 'string' || sha256 !== modelChecksum(payload)) {
      throw new AwdError(where, `${source} fails its checksum: it was edited or corrupted after saving; run awd distill again or restore the original file`);
    }
    const st = payload as unknown as DistillState;
    const c = st.chosen;
    if (!c || !c.head || !c.features || !Array.isArray(c.head.coef) || !Array.isArray(st.inputShape)) throw new AwdError(where, `${source} holds no chosen predictor`);
    return Distiller.fromState({
      task: st.task, classes: st.classes, inputShape: st.inputShape, chosen: st.chosen, candidates: st.candidates,
      settings: st.settings, startTerms: st.startTerms, fingerprint: st.fingerprint,
    });
  }

  /** The atom of a coefficient: the inverse transform of a unit coefficient at (block, position), 1D. */
  atom(block: number, position: number): Float64Array {
    const s = this.fitted;
    const w = waveletOf(s.chosen);
    if (!w) throw new AwdError('Distiller.atom', 'the chosen model has no wavelet');
    const engine = w.engineFor(s.inputShape);
    const coeffs = engine.blockShapes.map((shape, b) => {
      const a = ndarray(new Float64Array(sizeOf(shape)), [1, ...shape]);
      if (b === block) a.data[position] = 1;
      return a;
    });
    return w.inverse(coeffs, s.inputShape).data;
  }
}
