/**
 * A sweep as a folder that any executor can work on — one process, GNU parallel, a Slurm job
 * array, a Kubernetes Indexed Job: `planSweep` writes the plan once, `runSweepCell` fits one cell
 * (skipping a finished one, resuming a checkpointed one), `sweepStatus` says what is done, and
 * `mergeSweepDir` validates every cell before anything is written.
 *
 * Layout of a sweep folder:
 * ```
 * plan.json                  grid, starts, seeds, settings, data fingerprints, library version
 * data/X.npy, data/G.npy     the samples and teacher gradients (copied: the folder is self-contained)
 * cells/cell-K.json          fitted cells, each with the plan's fingerprint and its own checksum
 * cells/cell-K.running|failed  who is fitting a cell / why it failed
 * checkpoints/cell-K.ckpt    the checkpoint of a cell being fitted
 * ```
 * Cells are numbered start-major, then seed, λ, γ: with one start and one seed, cell K is the
 * (λ, γ) cell K of `cellParams` (λ-major), as in `awd sweep --cell K`.
 * @module
 */
import { returnedRecord } from './returned.ts';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeNpy, readNpy } from '../data/npy.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { AwdError } from '../util/checks.ts';
import { takeRows, type NdArray } from '../util/ndarray.ts';
import { Rng } from '../util/rng.ts';
import { VERSION } from '../version.ts';
import { familyLowpass } from '../wavelets/families.ts';
import type { Mode } from '../wavelets/modes.ts';
import { AdaptiveWavelet, type FitOptions, type FitProgress } from './adaptive.ts';
import { checkpointPosition, removeCheckpoint, type CheckpointOptions } from './checkpoint.ts';
import { waveletFromJson, waveletToJson } from './serialize.ts';
import { checkGrid, gridSize, type CellResult, type Grid } from './sweep.ts';

export const PLAN_FORMAT = 'awd-sweep-plan';
export const PLAN_VERSION = 1;
export const CELL_FORMAT = 'awd-sweep-cell';
export const CELL_VERSION = 2;
export const MERGED_FORMAT = 'awd-sweep';

/** The fit settings shared by every cell of a sweep (each cell adds λ, γ, its start and seed). */
export interface SweepSettings {
  levels: number;
  mode: Mode;
  epochs: number;
  batchSize: number;
  learningRate: number;
  initNoise: number;
  /** Fraction of the samples held out (seeded by the cell's seed) for validation; 0 for none. */
  valFraction: number;
  patience: number | null;
  /** Threads per cell ('auto' picks by the fit's size); results are bit-identical for the same count. */
  threads: number | 'auto';
}

/** What identifies the cells of one sweep: equal fingerprints, mergeable cells. */
export interface SweepFingerprint {
  /** SHA-256 of everything below (the short form stored in plans and cells). */
  id: string;
  library: string;
  data: { X: string; G: string };
  settings: SweepSettings;
  grid: Grid;
  starts: (string | number[])[];
  seeds: number[];
}

/** plan.json. */
export interface SweepPlan {
  format: typeof PLAN_FORMAT;
  formatVersion: number;
  library: { name: string; version: string };
  grid: Grid;
  starts: (string | number[])[];
  seeds: number[];
  cells: number;
  data: { X: { file: string; sha256: string; shape: number[] }; G: { file: string; sha256: string; shape: number[] }; source: { data: string; grads: string } };
  settings: SweepSettings;
  /** How often cells checkpoint (does not change results, so not in the fingerprint). */
  checkpoint: Pick<CheckpointOptions, 'everySteps' | 'everySeconds'>;
  fingerprint: SweepFingerprint;
}

/** One cell's coordinates. */
export interface CellPoint {
  cell: number;
  lambda: number;
  gamma: number;
  start: string | number[];
  seed: number;
}

/** A cell file (cells/cell-K.json, or DIR/cell-K.json of `awd sweep --out DIR`). */
export interface SweepCellFile {
  format: typeof CELL_FORMAT;
  formatVersion: number;
  library: { name: string; version: string };
  fingerprint: SweepFingerprint;
  point: CellPoint;
  result: CellResult;
  sha256: string;
}

const sha = (b: string | Uint8Array): string => createHash('sha256').update(b).digest('hex');
const bad = (msg: string): AwdError => new AwdError('sweep', msg);

/** SHA-256 of a file's bytes. */
export function fileSha256(path: string): string {
  return sha(readFileSync(path));
}

/** SHA-256 of an array's canonical .npy bytes (float64, C order): the data part of a sweep's fingerprint. */
export function arraySha256(a: NdArray): string {
  return sha(encodeNpy(a));
}

/** The fingerprint of a sweep's data and settings. */
export function sweepFingerprint(data: { X: string; G: string }, settings: SweepSettings, grid: Grid, starts: (string | number[])[], seeds: number[]): SweepFingerprint {
  const body = { library: VERSION, data, settings, grid, starts, seeds };
  return { id: sha(JSON.stringify(body)), ...body };
}

/** Number of cells: starts × seeds × λ × γ. */
export function planCells(p: { grid: Grid; starts: unknown[]; seeds: number[] }): number {
  return p.starts.length * p.seeds.length * gridSize(p.grid);
}

/** The coordinates of cell k (start-major, then seed, λ, γ). */
export function cellPoint(p: { grid: Grid; starts: (string | number[])[]; seeds: number[] }, k: number): CellPoint {
  const n = planCells(p);
  if (!Number.isInteger(k) || k < 0 || k >= n) throw bad(`cell ${k} is out of range: the sweep has ${n} cells, 0 to ${n - 1}`);
  const ng = p.grid.gammas.length;
  const nl = p.grid.lambdas.length;
  const nsd = p.seeds.length;
  return {
    cell: k,
    lambda: p.grid.lambdas[Math.floor(k / ng) % nl],
    gamma: p.grid.gammas[k % ng],
    start: p.starts[Math.floor(k / (ng * nl * nsd))],
    seed: p.seeds[Math.floor(k / (ng * nl)) % nsd],
  };
}

function checkSettings(s: SweepSettings, starts: (string | number[])[], seeds: number[]): void {
  const int = (name: string, v: unknown, min: number): void => {
    if (!Number.isInteger(v) || (v as number) < min) throw bad(`settings.${name} must be an integer >= ${min}, got ${v}`);
  };
  int('levels', s.levels, 1);
  int('epochs', s.epochs, 0);
  int('batchSize', s.batchSize, 1);
  if (!(s.learningRate > 0) || !Number.isFinite(s.learningRate)) throw bad(`settings.learningRate must be > 0, got ${s.learningRate}`);
  if (!(s.initNoise >= 0) || !Number.isFinite(s.initNoise)) throw bad(`settings.initNoise must be >= 0, got ${s.initNoise}`);
  if (!(s.valFraction >= 0 && s.valFraction <= 0.9)) throw bad(`settings.valFraction must be in [0, 0.9], got ${s.valFraction}`);
  if (s.patience !== null) int('patience', s.patience, 1);
  if (s.patience !== null && s.valFraction === 0) throw bad('patience (early stopping) needs a validation fraction > 0');
  if (s.threads !== 'auto') int('threads', s.threads, 1);
  if (!Array.isArray(starts) || starts.length === 0) throw bad('the sweep needs at least one start');
  for (const st of starts) {
    if (typeof st === 'string') familyLowpass(st);
    else if (!Array.isArray(st) || st.length < 2 || st.length % 2 !== 0 || st.some((v) => !Number.isFinite(v))) throw bad('a start filter must be an even-length list of finite numbers');
  }
  if (!Array.isArray(seeds) || seeds.length === 0) throw bad('the sweep needs at least one seed');
  for (const sd of seeds) int('seeds[]', sd, 0);
}

/** The held-out split of `awd fit --val-fraction` (seeded), or none. */
export function splitValidation(X: NdArray, G: NdArray, frac: number, seed: number): { X: NdArray; G: NdArray; validation?: { X: NdArray; teacherGrads: NdArray } } {
  if (frac === 0) return { X, G };
  const n = X.shape[0];
  const nVal = Math.round(n * frac);
  if (nVal < 1 || n - nVal < 1) throw bad(`a validation fraction of ${frac} leaves ${nVal} validation and ${n - nVal} training samples out of ${n}; both need at least one`);
  const perm = new Rng(seed).fork().permutation(n);
  const va = Array.from(perm.subarray(0, nVal)).sort((a, b) => a - b);
  const tr = Array.from(perm.subarray(nVal)).sort((a, b) => a - b);
  return { X: takeRows(X, tr), G: takeRows(G, tr), validation: { X: takeRows(X, va), teacherGrads: takeRows(G, va) } };
}

/** The fit options of one cell (without the data). */
export function cellFitOptions(settings: SweepSettings, p: CellPoint): Omit<FitOptions, 'teacherGrads'> {
  return {
    wavelet: typeof p.start === 'string' ? p.start : Float64Array.from(p.start),
    levels: settings.levels, mode: settings.mode, epochs: settings.epochs, batchSize: settings.batchSize,
    learningRate: settings.learningRate, seed: p.seed, initNoise: settings.initNoise,
    lambda: p.lambda, gamma: p.gamma,
    ...(settings.threads === 'auto' ? {} : { threads: settings.threads }),
    ...(settings.patience === null ? {} : { patience: settings.patience }),
  };
}

/** Fits one cell on (X, G), with an optional checkpoint. */
export function fitSweepCell(X: NdArray, G: NdArray, settings: SweepSettings, p: CellPoint, extra: Pick<FitOptions, 'checkpoint' | 'onProgress'> = {}): CellResult {
  const split = splitValidation(X, G, settings.valFraction, p.seed);
  const w = AdaptiveWavelet.fit(split.X, { ...cellFitOptions(settings, p), teacherGrads: split.G, ...(split.validation ? { validation: split.validation } : {}), ...extra });
  const last = returnedRecord(w); // the returned filter's epoch (the best validation one, if any), as fitCell
  const r: CellResult = { cell: p.cell, lambda: p.lambda, gamma: p.gamma, wavelet: waveletToJson(w), train: last?.train ?? {}, bestEpoch: w.settings?.bestEpoch ?? null };
  if (last?.validation) r.validation = last.validation;
  return r;
}

/** The text of a cell file (checksummed). */
export function cellFileText(fingerprint: SweepFingerprint, point: CellPoint, result: CellResult): string {
  const body = { format: CELL_FORMAT, formatVersion: CELL_VERSION, library: { name: 'awd', version: VERSION }, fingerprint, point, result };
  return JSON.stringify({ ...body, sha256: sha(JSON.stringify(body)) }, null, 2) + '\n';
}

/** Parses and checks a cell file: whole, unedited, of this format. Throws one line naming the file. */
export function parseCellFile(text: string, source: string): SweepCellFile {
  let doc: SweepCellFile;
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad(`${source} is not valid JSON (truncated?); rerun that cell`);
  }
  if (!doc || typeof doc !== 'object' || doc.format !== CELL_FORMAT) throw bad(`${source} is not a sweep cell file`);
  if (doc.formatVersion !== CELL_VERSION) throw bad(`${source} is a version-${doc.formatVersion} cell file without a data/settings fingerprint; refit it with this awd`);
  const { sha256, ...body } = doc;
  if (sha256 !== sha(JSON.stringify(body))) throw bad(`${source} was edited after fitting (its checksum fails); rerun that cell`);
  if (!doc.fingerprint || typeof doc.fingerprint.id !== 'string' || !doc.point || !doc.result) throw bad(`${source} lacks its fingerprint or result`);
  return doc;
}

/** Why a cell does not belong to a sweep (or null when it does). */
export function cellMismatch(doc: SweepCellFile, fp: SweepFingerprint, k: number): string | null {
  const f = doc.fingerprint;
  if (f.library !== fp.library || doc.library?.version !== fp.library) return `was fitted with awd ${doc.library?.version ?? f.library}, the sweep with awd ${fp.library}`;
  if (f.data?.X !== fp.data.X || f.data?.G !== fp.data.G) return `was fitted on other data (${f.data?.X !== fp.data.X ? 'samples' : 'gradients'} fingerprint differs)`;
  for (const key of new Set([...Object.keys(f.settings ?? {}), ...Object.keys(fp.settings)]) as Set<keyof SweepSettings>) {
    const a = JSON.stringify(f.settings?.[key]);
    const b = JSON.stringify(fp.settings[key]);
    if (a !== b) return `was fitted with ${key} ${a ?? 'unset'}, the sweep has ${b ?? 'unset'}`;
  }
  if (JSON.stringify([f.grid, f.starts, f.seeds]) !== JSON.stringify([fp.grid, fp.starts, fp.seeds])) return 'comes from another grid (λ, γ, starts or seeds differ)';
  if (f.id !== fp.id) return 'has another fingerprint';
  const p = cellPoint(fp, k);
  if (doc.point.cell !== k || doc.result.cell !== k) return `holds cell ${doc.point.cell}, not ${k}`;
  if (doc.point.lambda !== p.lambda || doc.point.gamma !== p.gamma || doc.point.seed !== p.seed || JSON.stringify(doc.point.start) !== JSON.stringify(p.start) || doc.result.lambda !== p.lambda || doc.result.gamma !== p.gamma) return `has coordinates that do not match cell ${k} of the grid`;
  return null;
}

// ---- the plan folder ----

const planPath = (dir: string): string => join(dir, 'plan.json');
/** The cell file of cell k in a sweep folder. */
export const cellFile = (dir: string, k: number): string => join(dir, 'cells', `cell-${k}.json`);
const marker = (dir: string, k: number, kind: 'running' | 'failed'): string => join(dir, 'cells', `cell-${k}.${kind}`);
/** The checkpoint of cell k while it is being fitted. */
export const cellCheckpoint = (dir: string, k: number): string => join(dir, 'checkpoints', `cell-${k}.ckpt`);

/** What `planSweep` needs. */
export interface PlanInput {
  X: NdArray;
  G: NdArray;
  grid: Grid;
  starts: (string | number[])[];
  seeds: number[];
  settings: SweepSettings;
  checkpoint?: Pick<CheckpointOptions, 'everySteps' | 'everySeconds'>;
  /** Where the data came from (recorded for people; never read back). */
  source?: { data: string; grads: string };
}

/**
 * Writes a sweep folder: data/X.npy, data/G.npy and plan.json (last, atomically). Refuses a folder
 * that already holds a plan. Everything is validated before anything is written.
 */
export function planSweep(dir: string, input: PlanInput): SweepPlan {
  checkGrid(input.grid);
  checkSettings(input.settings, input.starts, input.seeds);
  if (input.X.shape.join() !== input.G.shape.join()) throw bad(`the gradients have shape [${input.G.shape.join(', ')}], the samples [${input.X.shape.join(', ')}]`);
  if (existsSync(planPath(dir))) throw bad(`${dir} already holds a sweep plan; plan into a new folder (or delete ${planPath(dir)} and ${join(dir, 'cells')})`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw bad(`${dir} is a file, expected a folder for the sweep`);
  if (input.settings.valFraction > 0) for (const s of input.seeds) splitValidation(input.X, input.G, input.settings.valFraction, s);
  const bytes = { X: encodeNpy(input.X), G: encodeNpy(input.G) };
  const data = { X: sha(bytes.X), G: sha(bytes.G) };
  writeFileAtomic(join(dir, 'data', 'X.npy'), bytes.X);
  writeFileAtomic(join(dir, 'data', 'G.npy'), bytes.G);
  const fingerprint = sweepFingerprint(data, input.settings, input.grid, input.starts, input.seeds);
  const plan: SweepPlan = {
    format: PLAN_FORMAT, formatVersion: PLAN_VERSION, library: { name: 'awd', version: VERSION },
    grid: input.grid, starts: input.starts, seeds: input.seeds, cells: planCells(input),
    data: {
      X: { file: 'data/X.npy', sha256: data.X, shape: input.X.shape },
      G: { file: 'data/G.npy', sha256: data.G, shape: input.G.shape },
      source: input.source ?? { data: 'given in memory', grads: 'given in memory' },
    },
    settings: input.settings,
    checkpoint: input.checkpoint ?? {},
    fingerprint,
  };
  const body = JSON.stringify(plan);
  writeFileAtomic(planPath(dir), JSON.stringify({ ...plan, sha256: sha(body) }, null, 2) + '\n');
  return plan;
}

/** Reads and checks plan.json: whole, unedited, written by this version of awd. */
export function readSweepPlan(dir: string): SweepPlan {
  const path = planPath(dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw bad(`sweep folder '${dir}' does not exist; create it with \`awd sweep plan … --out ${dir}\``);
  if (!existsSync(path)) throw bad(`'${dir}' holds no plan.json; create the plan with \`awd sweep plan … --out ${dir}\``);
  let doc: SweepPlan & { sha256?: string };
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw bad(`${path} is not valid JSON (truncated?); plan the sweep again`);
  }
  if (!doc || doc.format !== PLAN_FORMAT) throw bad(`${path} is not an awd sweep plan`);
  if (doc.formatVersion !== PLAN_VERSION) throw bad(`${path} has plan format ${doc.formatVersion}; this awd reads format ${PLAN_VERSION}`);
  if (doc.library?.version !== VERSION) throw bad(`${path} was planned with awd ${doc.library?.version}, this is awd ${VERSION}: run the sweep with that version, or plan it again (cells of different versions are not mixed)`);
  const { sha256, ...plan } = doc;
  if (sha256 !== sha(JSON.stringify(plan))) throw bad(`${path} was edited after planning (its checksum fails); plan the sweep again instead of editing it`);
  if (plan.fingerprint.id !== sweepFingerprint(plan.fingerprint.data, plan.settings, plan.grid, plan.starts, plan.seeds).id) throw bad(`${path} has an inconsistent fingerprint`);
  return plan;
}

/** Loads the plan's data, checking the files still match their fingerprints. */
export function loadSweepData(dir: string, plan: SweepPlan): { X: NdArray; G: NdArray } {
  const load = (which: 'X' | 'G'): NdArray => {
    const path = join(dir, 'data', `${which}.npy`);
    if (!existsSync(path)) throw bad(`${path} is missing; the sweep folder is incomplete (plan it again)`);
    if (fileSha256(path) !== plan.data[which].sha256) throw bad(`${path} changed since the sweep was planned (its SHA-256 differs); restore it or plan the sweep again`);
    return readNpy(path);
  };
  return { X: load('X'), G: load('G') };
}

/** What `runSweepCell` did. */
export interface CellRun {
  cell: number;
  status: 'fitted' | 'skipped';
  /** Where a resumed fit continued from. */
  resumedFrom: { epoch: number; batch: number } | null;
  result: CellResult;
  file: string;
}

/**
 * Fits cell k of a planned sweep into cells/cell-k.json: a finished cell is skipped, a
 * checkpointed one resumed (bit-identical to a straight fit). While it runs, cells/cell-k.running
 * names the host and process; a failure leaves cells/cell-k.failed with the error.
 */
export function runSweepCell(dir: string, k: number, opts: { onProgress?: (p: FitProgress) => void; onStart?: (resumedFrom: { epoch: number; batch: number } | null) => void } = {}): CellRun {
  const plan = readSweepPlan(dir);
  const p = cellPoint(plan, k);
  const file = cellFile(dir, k);
  if (existsSync(file)) {
    const doc = parseCellFile(readFileSync(file, 'utf8'), file);
    const why = cellMismatch(doc, plan.fingerprint, k);
    if (why) throw bad(`${file} ${why}; delete it to refit the cell`);
    return { cell: k, status: 'skipped', resumedFrom: null, result: doc.result, file };
  }
  const { X, G } = loadSweepData(dir, plan);
  mkdirSync(join(dir, 'cells'), { recursive: true });
  mkdirSync(join(dir, 'checkpoints'), { recursive: true });
  const ckpt = cellCheckpoint(dir, k);
  const resumedFrom = existsSync(ckpt) ? checkpointPosition(ckpt) : null;
  const env = process.env;
  const job = env.SLURM_JOB_ID ? `slurm job ${env.SLURM_ARRAY_JOB_ID ? `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}` : env.SLURM_JOB_ID}` : env.JOB_COMPLETION_INDEX ? `k8s index ${env.JOB_COMPLETION_INDEX}` : null;
  writeFileAtomic(marker(dir, k, 'running'), JSON.stringify({ host: hostname(), pid: process.pid, started: new Date().toISOString(), job }) + '\n');
  rmSync(marker(dir, k, 'failed'), { force: true });
  opts.onStart?.(resumedFrom);
  let result: CellResult;
  try {
    result = fitSweepCell(X, G, plan.settings, p, { checkpoint: { path: ckpt, resume: true, ...plan.checkpoint }, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    writeFileAtomic(file, cellFileText(plan.fingerprint, p, result));
  } catch (e) {
    writeFileAtomic(marker(dir, k, 'failed'), JSON.stringify({ host: hostname(), pid: process.pid, at: new Date().toISOString(), error: (e as Error).message }) + '\n');
    rmSync(marker(dir, k, 'running'), { force: true });
    throw e;
  }
  removeCheckpoint(ckpt);
  rmSync(marker(dir, k, 'running'), { force: true });
  return { cell: k, status: 'fitted', resumedFrom, result, file };
}

/** The state of one cell. */
export interface CellState {
  cell: number;
  state: 'done' | 'running' | 'failed' | 'missing';
  /** Details: the error, who runs it, the checkpoint position. */
  note: string;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** done / running / failed / missing for every cell of a planned sweep. */
export function sweepStatus(dir: string): { plan: SweepPlan; cells: CellState[]; counts: Record<CellState['state'], number> } {
  const plan = readSweepPlan(dir);
  const cells: CellState[] = [];
  const now = Date.now();
  for (let k = 0; k < plan.cells; k++) {
    const ckpt = cellCheckpoint(dir, k);
    const at = existsSync(ckpt) ? checkpointPosition(ckpt) : null;
    const where = at ? `checkpoint at epoch ${at.epoch}, batch ${at.batch}, ${Math.round((now - statSync(ckpt).mtimeMs) / 1000)} s ago` : 'no checkpoint';
    const file = cellFile(dir, k);
    if (existsSync(file)) {
      try {
        const doc = parseCellFile(readFileSync(file, 'utf8'), file);
        const why = cellMismatch(doc, plan.fingerprint, k);
        cells.push(why ? { cell: k, state: 'failed', note: `cell file ${why}` } : { cell: k, state: 'done', note: '' });
      } catch (e) {
        cells.push({ cell: k, state: 'failed', note: (e as Error).message.replace(/^Error in sweep: /, '') });
      }
      continue;
    }
    const failed = marker(dir, k, 'failed');
    const running = marker(dir, k, 'running');
    if (existsSync(failed)) {
      let msg = 'failed';
      try {
        msg = String(JSON.parse(readFileSync(failed, 'utf8')).error);
      } catch { /* keep the generic word */ }
      cells.push({ cell: k, state: 'failed', note: msg });
    } else if (existsSync(running)) {
      let info: { host?: string; pid?: number; job?: string | null } = {};
      try {
        info = JSON.parse(readFileSync(running, 'utf8'));
      } catch { /* an unreadable marker still means someone started the cell */ }
      const dead = info.host === hostname() && typeof info.pid === 'number' && !pidAlive(info.pid);
      const who = `${info.job ? `${info.job} ` : ''}on ${info.host ?? '?'} pid ${info.pid ?? '?'}`;
      cells.push(dead ? { cell: k, state: 'missing', note: `interrupted (${who} is gone); ${where}; resumes when rerun` } : { cell: k, state: 'running', note: `${who}; ${where}` });
    } else {
      cells.push({ cell: k, state: 'missing', note: at ? `${where}; resumes when rerun` : '' });
    }
  }
  const counts = { done: 0, running: 0, failed: 0, missing: 0 };
  for (const c of cells) counts[c.state]++;
  return { plan, cells, counts };
}

/** The merged sweep document (sweep.json). */
export function mergedSweepDocument(fingerprint: SweepFingerprint, points: CellPoint[], results: CellResult[]): Record<string, unknown> {
  return { format: MERGED_FORMAT, formatVersion: 1, grid: fingerprint.grid, cells: results.length, starts: fingerprint.starts, seeds: fingerprint.seeds, fingerprint, points, results };
}

/**
 * Validates every cell of a planned sweep — present, unedited, fitted on the plan's data and
 * settings by the plan's awd version — and returns the merged document; throws one line listing
 * every problem. Nothing is written.
 */
export function collectSweepDir(dir: string): { plan: SweepPlan; document: Record<string, unknown>; results: CellResult[]; inputs: string[] } {
  const plan = readSweepPlan(dir);
  const problems: string[] = [];
  const results: CellResult[] = [];
  const points: CellPoint[] = [];
  const inputs = [planPath(dir), join(dir, 'data', 'X.npy'), join(dir, 'data', 'G.npy')];
  const missing: number[] = [];
  for (let k = 0; k < plan.cells; k++) {
    const file = cellFile(dir, k);
    inputs.push(file);
    if (!existsSync(file)) {
      missing.push(k);
      continue;
    }
    try {
      const doc = parseCellFile(readFileSync(file, 'utf8'), `cell ${k}`);
      const why = cellMismatch(doc, plan.fingerprint, k);
      if (why) problems.push(`cell ${k} ${why}`);
      results.push(doc.result);
      points.push(doc.point);
    } catch (e) {
      problems.push((e as Error).message.replace(/^Error in sweep: /, ''));
    }
  }
  if (missing.length) problems.unshift(`${missing.length} of ${plan.cells} cells missing (${missing.join(', ')}; run them with \`awd sweep run ${dir} --cell K\`)`);
  const cellsDir = join(dir, 'cells');
  if (existsSync(cellsDir)) {
    for (const f of readdirSync(cellsDir)) {
      const m = /^cell-(\d+)\.json$/.exec(f);
      if (m && Number(m[1]) >= plan.cells) problems.push(`cells/${f} is outside the plan's ${plan.cells} cells`);
    }
  }
  if (problems.length) throw bad(`cannot merge ${dir}: ${problems.join('; ')}`);
  return { plan, document: mergedSweepDocument(plan.fingerprint, points, results), results, inputs: inputs.map((p) => resolve(p)) };
}

/** Thrown by `useSweepFolder` after it wrote a new plan: fit the cells, then call again. */
export class SweepPlanned extends Error {
  constructor(readonly dir: string, readonly cells: number) {
    super(`the AWD grid is planned in ${dir} (${cells} cells); fit the cells (e.g. awd sweep slurm ${dir} --submit, or awd sweep run ${dir} --all), then rerun this command with the same options to use them`);
    this.name = 'SweepPlanned';
  }
}

/** What a caller (a study) expects of the cells it takes from a sweep folder. */
export interface SweepExpectation {
  grid: Grid;
  start: string | number[];
  seed: number;
  settings: Omit<SweepSettings, 'threads'> & { threads: number | 'auto' };
}

/**
 * Cells fitted elsewhere (a cluster) for a grid a program would otherwise fit itself. With no
 * plan in `dir` yet, plans the sweep on (X, G) and throws `SweepPlanned`. With a plan, checks it
 * was planned on exactly these X and G (SHA-256) with the expected grid, start, seed and settings
 * (threads may differ: they change results only by rounding), validates every cell as
 * `awd sweep merge` does, and returns the fitted wavelets in cell order.
 */
export function useSweepFolder(dir: string, X: NdArray, G: NdArray, expect: SweepExpectation): { wavelets: AdaptiveWavelet[]; results: CellResult[]; plan: SweepPlan } {
  if (!existsSync(planPath(dir))) {
    const plan = planSweep(dir, { X, G, grid: expect.grid, starts: [expect.start], seeds: [expect.seed], settings: expect.settings, source: { data: 'the calling program', grads: 'the calling program' } });
    throw new SweepPlanned(dir, plan.cells);
  }
  const plan = readSweepPlan(dir);
  if (plan.data.X.sha256 !== arraySha256(X) || plan.data.G.sha256 !== arraySha256(G)) {
    throw bad(`the sweep in ${dir} was planned on other data than this run's (the SHA-256 of its ${plan.data.X.sha256 !== arraySha256(X) ? 'samples' : 'gradients'} differs): same seed and sizes are needed, or plan a new folder`);
  }
  const want: Record<string, unknown> = { lambdas: expect.grid.lambdas, gammas: expect.grid.gammas, starts: [expect.start], seeds: [expect.seed], ...expect.settings };
  const have: Record<string, unknown> = { lambdas: plan.grid.lambdas, gammas: plan.grid.gammas, starts: plan.starts, seeds: plan.seeds, ...plan.settings };
  for (const key of Object.keys(want)) {
    if (key === 'threads') continue;
    if (JSON.stringify(want[key]) !== JSON.stringify(have[key])) throw bad(`the sweep in ${dir} has ${key} ${JSON.stringify(have[key])}, this run needs ${JSON.stringify(want[key])}; plan a new folder`);
  }
  const { results } = collectSweepDir(dir);
  return { wavelets: results.map((r) => waveletFromJson(r.wavelet, `${dir} cell ${r.cell}`)), results, plan };
}
