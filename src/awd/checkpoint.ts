/**
 * Checkpoints of a running fit, so a killed fit (SIGKILL, a preempted cluster job, a power cut)
 * continues where it stopped and ends **bit-identical** to the same fit run straight through.
 *
 * A checkpoint holds everything the training loop carries from one step to the next: the
 * parameters, Adam's moments and step count, the shuffling generator's state at the start of the
 * current epoch (the epoch's permutation is drawn again from it), how many batches of that epoch
 * are done with their partial sums, the history, and the best-so-far filter of early stopping.
 * It also holds the fit's *fingerprint* — the library version, a SHA-256 of the data and the
 * resolved settings — so a checkpoint is never resumed into another fit.
 *
 * Writes are atomic: the JSON goes to `<path>.tmp-<pid>`, is flushed to disk (fsync) and renamed
 * over `<path>`; a kill at any moment leaves either the previous checkpoint or the new one. The
 * file carries a SHA-256 of its content, so a truncated or edited checkpoint is refused.
 *
 * @example
 * // Checkpoint every 30 s; resume if the file exists (e.g. after a requeue).
 * const w = AdaptiveWavelet.fit(X, { teacherGrads: G, checkpoint: { path: 'fit.ckpt', everySeconds: 30, resume: true } });
 * saveWavelet(w, 'wavelet.json');
 * removeCheckpoint('fit.ckpt');   // only once the result is safely saved
 * @module
 */
import type * as CryptoModule from 'node:crypto';
import type * as FsModule from 'node:fs';
import type * as PathModule from 'node:path';
import { AwdError } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';
import type { RngState } from '../util/rng.ts';
import { VERSION } from '../version.ts';
import type { AdamState } from './adam.ts';

/**
 * Node's built-in modules, found at run time (as `threadHost.ts` finds worker_threads): checkpoints
 * are files, but the fit that offers them is part of the core, which imports no Node API and so
 * bundles for browsers as is. Asking for a checkpoint where there is no file system is an error.
 */
function nodeBuiltin<T>(id: string): () => T {
  let mod: T | undefined;
  return () => {
    if (mod === undefined) {
      const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
      const m = typeof proc?.getBuiltinModule === 'function' ? proc.getBuiltinModule(id) : undefined;
      if (!m) throw new AwdError('checkpoint', 'checkpoints are files: they need Node.js >= 20.16 (fit without a checkpoint here)');
      mod = m as T;
    }
    return mod;
  };
}
const nodeFs = nodeBuiltin<typeof FsModule>('node:fs');
const nodePath = nodeBuiltin<typeof PathModule>('node:path');
const nodeCrypto = nodeBuiltin<typeof CryptoModule>('node:crypto');

export const CHECKPOINT_FORMAT = 'awd-checkpoint';
export const CHECKPOINT_VERSION = 1;
/** The default interval between checkpoints: 60 s (well under 2 % overhead, see docs/scale-out.md). */
export const DEFAULT_CHECKPOINT_SECONDS = 60;

/** Where and how often a fit saves its checkpoint (`FitOptions.checkpoint`). */
export interface CheckpointOptions {
  /** The checkpoint file. */
  path: string;
  /** Save after every this many optimiser steps (default: by time only). */
  everySteps?: number;
  /** Save when this many seconds have passed since the last save (default 60). */
  everySeconds?: number;
  /**
   * Continue from `path` if it exists (and start afresh if it does not). Without `resume`, an
   * existing checkpoint is an error: it is never overwritten silently.
   */
  resume?: boolean;
  /**
   * `fitStream` only: a string identifying the streamed data (e.g. a hash of the files); it joins
   * the fingerprint. `fit` hashes its data itself.
   */
  dataId?: string;
}

/** What identifies a fit: a checkpoint resumes only into a fit with equal fingerprint. */
export interface FitFingerprint {
  library: string;
  method: string;
  data: string;
  settings: Record<string, unknown>;
}

/** The loop state at a step boundary. */
export interface TrainSnapshot {
  /** The epoch in progress (1-based); with `finished`, the loop is over. */
  epoch: number;
  /** Batches of `epoch` already done. */
  batch: number;
  /** Partial sums of the epoch's terms, samples seen and seconds spent in it. */
  sums: Record<string, number>;
  seen: number;
  seconds: number;
  /** True once the loop has ended (all epochs, or early stopping). */
  finished: boolean;
  /** The parameters the optimiser updates. */
  params: Float64Array;
  adam: AdamState;
  /** The shuffling generator's state at the start of `epoch`. */
  shuffle: RngState;
  history: unknown[];
  best: { total: number; h: Float64Array; epoch: number };
  /** Any other JSON-serialisable state of the loop (for other trainers, e.g. `distill`). */
  extra?: unknown;
}

/** SHA-256 of the bytes of arrays (in order) — the data part of a fit's fingerprint. */
export function hashArrays(arrays: (NdArray | Float64Array | null | undefined)[]): string {
  const hash = nodeCrypto().createHash('sha256');
  for (const a of arrays) {
    if (!a) {
      hash.update('none;');
      continue;
    }
    const data = a instanceof Float64Array ? a : a.data;
    const shape = a instanceof Float64Array ? [a.length] : a.shape;
    hash.update(`[${shape.join(',')}];`);
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}

const f64 = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function unf64(s: unknown, what: string): Float64Array {
  if (typeof s !== 'string') throw new Error(`${what} is missing`);
  const b = Buffer.from(s, 'base64');
  if (b.length % 8 !== 0) throw new Error(`${what} is not a float64 array`);
  const out = new Float64Array(b.length / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}
const num = (x: number): number | string => (Number.isFinite(x) ? x : String(x));
const unnum = (x: unknown): number => (typeof x === 'string' ? Number(x) : (x as number));

function checksum(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex');
}

/** The first setting that differs between two fingerprints, in words. */
function difference(a: FitFingerprint, b: FitFingerprint): string | null {
  if (a.library !== b.library) return `it was written by awd ${a.library}, this is awd ${b.library}`;
  if (a.method !== b.method) return `it belongs to ${a.method}, not ${b.method}`;
  if (a.data !== b.data) return 'it was fitted on other data (the data fingerprint differs)';
  const keys = new Set([...Object.keys(a.settings), ...Object.keys(b.settings)]);
  for (const k of keys) {
    const x = JSON.stringify(a.settings[k]);
    const y = JSON.stringify(b.settings[k]);
    if (x !== y) return `its setting ${k} is ${x ?? 'unset'}, this fit has ${y ?? 'unset'}`;
  }
  return null;
}

/** A checkpoint that cannot be resumed (missing resume flag, another fit's, corrupted): a bad input file. */
export class CheckpointError extends AwdError {
  constructor(where: string, message: string) {
    super(where, message);
    this.name = 'CheckpointError';
  }
}

/** Test hook: `AWD_CHECKPOINT_TEST_KILL=N:partial|before-rename` kills the process during its N-th save. */
function testKill(): { n: number; phase: string } | null {
  const v = process.env.AWD_CHECKPOINT_TEST_KILL;
  if (!v) return null;
  const m = /^(\d+):(partial|before-rename)$/.exec(v);
  return m ? { n: Number(m[1]), phase: m[2] } : null;
}

/**
 * Test hook: `AWD_CHECKPOINT_TEST_PAUSE=<part of the path>:N:ms` blocks the process for ms
 * milliseconds after its N-th save of a matching checkpoint, in a fit that started afresh (not
 * in a resumed one) — so a test can kill or requeue a job at a known point mid-fit.
 */
function testPause(path: string): { n: number; ms: number } | null {
  const v = process.env.AWD_CHECKPOINT_TEST_PAUSE;
  const m = v ? /^(.+):(\d+):(\d+)$/.exec(v) : null;
  return m && path.includes(m[1]) ? { n: Number(m[2]), ms: Number(m[3]) } : null;
}

/** Writes `text` to `path` atomically and durably (temporary file, fsync, rename). */
function writeDurable(path: string, text: string, kill: { phase: string } | null): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const bytes = Buffer.from(text, 'utf8');
  nodeFs().mkdirSync(nodePath().dirname(path), { recursive: true });
  try {
    const fd = nodeFs().openSync(tmp, 'w');
    try {
      if (kill?.phase === 'partial') {
        nodeFs().writeSync(fd, bytes, 0, bytes.length >> 1);
        nodeFs().fsyncSync(fd);
        process.kill(process.pid, 'SIGKILL');
      }
      nodeFs().writeSync(fd, bytes);
      nodeFs().fsyncSync(fd);
    } finally {
      nodeFs().closeSync(fd);
    }
    if (kill?.phase === 'before-rename') process.kill(process.pid, 'SIGKILL');
    nodeFs().renameSync(tmp, path);
  } catch (err) {
    nodeFs().rmSync(tmp, { force: true });
    throw err;
  }
}

/** Saves and loads the checkpoints of one fit; used by the training loop of `AdaptiveWavelet`. */
export class Checkpointer {
  private steps = 0;
  private last = performance.now();
  private saves = 0;
  private readonly everySteps: number | null;
  private readonly everyMs: number;
  private readonly kill = testKill();
  private pause: { n: number; ms: number } | null = null;

  constructor(
    private readonly where: string,
    readonly options: CheckpointOptions,
    readonly fingerprint: FitFingerprint,
  ) {
    if (typeof options.path !== 'string' || options.path === '') throw new AwdError(where, 'checkpoint.path must be a file path');
    const s = options.everySteps;
    if (s !== undefined && !(Number.isInteger(s) && s >= 1)) throw new AwdError(where, `checkpoint.everySteps must be an integer >= 1, got ${s}`);
    const t = options.everySeconds;
    if (t !== undefined && !(Number.isFinite(t) && t >= 0)) throw new AwdError(where, `checkpoint.everySeconds must be a finite number >= 0, got ${t}`);
    this.everySteps = s ?? null;
    this.everyMs = (t ?? (s === undefined ? DEFAULT_CHECKPOINT_SECONDS : Infinity)) * 1000;
  }

  /**
   * The saved state to continue from, or null to start afresh (no checkpoint yet). Refuses — with
   * one line, touching nothing — an existing checkpoint without `resume`, a corrupted or truncated
   * one, and one of another fit.
   */
  load(): TrainSnapshot | null {
    const path = this.options.path;
    if (!nodeFs().existsSync(path)) {
      this.pause = testPause(path);
      return null;
    }
    if (!this.options.resume) {
      throw new CheckpointError(this.where, `checkpoint ${path} already exists (an interrupted fit?); resume it (--resume / checkpoint.resume: true) or delete it to start afresh`);
    }
    return readCheckpoint(path, this.where, this.fingerprint);
  }


  /** Counts a step; true when a checkpoint is due. */
  due(): boolean {
    this.steps++;
    if (this.everySteps !== null && this.steps >= this.everySteps) return true;
    return performance.now() - this.last >= this.everyMs;
  }

  /** Saves a snapshot atomically (and resets the interval). */
  save(s: TrainSnapshot): void {
    this.saves++;
    const doc = {
      format: CHECKPOINT_FORMAT,
      formatVersion: CHECKPOINT_VERSION,
      fingerprint: this.fingerprint,
      state: {
        epoch: s.epoch, batch: s.batch, sums: s.sums, seen: s.seen, seconds: s.seconds, finished: s.finished,
        params: f64(s.params),
        adam: { m: f64(s.adam.m), v: f64(s.adam.v), t: s.adam.t },
        shuffle: s.shuffle,
        history: s.history,
        best: { total: num(s.best.total), h: f64(s.best.h), epoch: s.best.epoch },
        ...(s.extra === undefined ? {} : { extra: s.extra }),
      },
    };
    const body = JSON.stringify(doc);
    const kill = this.kill && this.kill.n === this.saves ? this.kill : null;
    writeDurable(this.options.path, `{"sha256":"${checksum(body)}","body":${body}}\n`, kill);
    if (this.pause && this.pause.n === this.saves) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, this.pause.ms);
    this.steps = 0;
    this.last = performance.now();
  }
}

/** Reads and checks a checkpoint file against the fingerprint of the fit that wants to resume it. */
export function readCheckpoint(path: string, where: string, expected: FitFingerprint): TrainSnapshot {
  let text: string;
  try {
    text = nodeFs().readFileSync(path, 'utf8');
  } catch (e) {
    throw new CheckpointError(where, `cannot read checkpoint ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const bad = (why: string): AwdError => new CheckpointError(where, `checkpoint ${path} ${why}; delete it to start the fit afresh`);
  const m = /^\{"sha256":"([0-9a-f]{64})","body":([\s\S]*)\}\n$/.exec(text);
  if (!m) throw bad('is truncated or not an awd checkpoint');
  if (checksum(m[2]) !== m[1]) throw bad('fails its checksum (corrupted or edited)');
  let doc: { format?: string; formatVersion?: number; fingerprint?: FitFingerprint; state?: Record<string, any> };
  try {
    doc = JSON.parse(m[2]);
  } catch {
    throw bad('is not valid JSON');
  }
  if (doc.format !== CHECKPOINT_FORMAT) throw bad('is not an awd checkpoint');
  if (doc.formatVersion !== CHECKPOINT_VERSION) throw bad(`has format version ${doc.formatVersion}; this awd reads version ${CHECKPOINT_VERSION}`);
  const diff = doc.fingerprint ? difference(doc.fingerprint, expected) : 'it has no fingerprint';
  if (diff) throw new CheckpointError(where, `checkpoint ${path} belongs to another fit: ${diff}. Resume it with the same data and settings, or delete it to start afresh`);
  const st = doc.state;
  try {
    if (!st) throw new Error('no state');
    return {
      epoch: st.epoch, batch: st.batch, sums: st.sums, seen: st.seen, seconds: st.seconds, finished: st.finished === true,
      params: unf64(st.params, 'params'),
      adam: { m: unf64(st.adam?.m, 'adam.m'), v: unf64(st.adam?.v, 'adam.v'), t: st.adam?.t },
      shuffle: st.shuffle,
      history: st.history,
      best: { total: unnum(st.best?.total), h: unf64(st.best?.h, 'best.h'), epoch: st.best?.epoch },
      ...(st.extra === undefined ? {} : { extra: st.extra }),
    };
  } catch (e) {
    throw bad(`holds no valid state (${(e as Error).message})`);
  }
}

/** Deletes a checkpoint and any temporary files a killed save left beside it. */
export function removeCheckpoint(path: string): void {
  nodeFs().rmSync(path, { force: true });
  const dir = nodePath().dirname(path);
  const prefix = `${nodePath().basename(path)}.tmp-`;
  if (!nodeFs().existsSync(dir)) return;
  for (const f of nodeFs().readdirSync(dir)) if (f.startsWith(prefix)) nodeFs().rmSync(nodePath().join(dir, f), { force: true });
}

/** Where a checkpoint stands (epoch in progress, batches done), or null when it is unreadable. No fingerprint check. */
export function checkpointPosition(path: string): { epoch: number; batch: number; finished: boolean } | null {
  try {
    const text = nodeFs().readFileSync(path, 'utf8');
    const m = /^\{"sha256":"([0-9a-f]{64})","body":([\s\S]*)\}\n$/.exec(text);
    if (!m || checksum(m[2]) !== m[1]) return null;
    const st = JSON.parse(m[2]).state;
    return { epoch: st.epoch, batch: st.batch, finished: st.finished === true };
  } catch {
    return null;
  }
}
