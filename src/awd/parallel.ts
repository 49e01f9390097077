/**
 * Data-parallel evaluation of the AWD objective on two (or more) cores, synchronously.
 *
 * Every term of Eq. 8 that depends on the data is a mean over the batch, so the batch splits into
 * shards whose results combine exactly: term = Σ_s b_s·term_s / B, and likewise the gradient
 * (the data-free constraint terms are equal in every shard, and Σ_s b_s / B = 1). The main thread
 * evaluates the first shard itself while worker threads evaluate the others; shards, the filter
 * and the results travel through SharedArrayBuffers, and the threads meet with Atomics.wait /
 * Atomics.notify, so `fit` stays a plain synchronous function. The combined numbers differ from
 * a single-threaded evaluation only by floating-point rounding (≈1e-16 relative).
 * @module
 */
import { AwdError } from '../util/checks.ts';
import type { Mode } from '../wavelets/modes.ts';
import { awdLoss, TERM_NAMES, WEIGHTED_TERMS, type LossResult, type TermName, type Weights } from './loss.ts';
import type { FilterBankEngine } from './engine.ts';
import { threadHost, type LossThread } from './threadHost.ts';

/** Control-block slots (Int32). */
export const CTRL = { SEQ: 0, DONE: 1, READY: 2, STATUS: 3, B: 4, STOP: 5 } as const;
const CTRL_SIZE = 8;
const N_TERMS = TERM_NAMES.length;

/** The shared memory of one worker. */
export interface WorkerShared {
  ctrl: SharedArrayBuffer; // Int32 × CTRL_SIZE
  h: SharedArrayBuffer; // Float64 × N
  weights: SharedArrayBuffer; // Float64 × 7
  x: SharedArrayBuffer; // Float64 × maxB × rowSize
  g: SharedArrayBuffer;
  out: SharedArrayBuffer; // Float64 × (N_TERMS + 1 + N): terms, total, grad
  error: SharedArrayBuffer; // Uint8 × 1024: UTF-8 error message
}

export interface WorkerInit {
  shared: WorkerShared;
  sampleShape: number[];
  filterLen: number;
  mode: Mode;
  levels: number;
}

/** Threads worth using for a fit of this size ('auto'), or the requested count. */
export function chooseThreads(requested: number | 'auto' | undefined, workPerEpoch: number, epochs: number): number {
  const host = threadHost();
  const cores = host === null ? 1 : Math.max(1, Math.min(host.cores(), host.available() + 1));
  if (requested === undefined || requested === 'auto') {
    // Starting a worker costs ~1 s (it loads the library); only worth it for long fits.
    return workPerEpoch * epochs >= 5e7 ? Math.min(2, cores) : 1;
  }
  if (!Number.isInteger(requested) || requested < 1) throw new AwdError('fit', `threads must be an integer >= 1 or 'auto', got ${requested}`);
  if (requested > 1 && host === null) throw new AwdError('fit', `threads: ${requested} needs worker threads, which this platform lacks (Node >= 20.16, or a cross-origin-isolated page after startBrowserThreads); use threads: 1`);
  return requested;
}

/** Evaluates awdLoss over a batch split across the main thread and worker threads. */
export class ShardedLoss {
  private readonly workers: { worker: LossThread; ctrl: Int32Array; h: Float64Array; w: Float64Array; x: Float64Array; g: Float64Array; out: Float64Array; error: Uint8Array }[] = [];
  private seq = 0;

  constructor(
    private readonly engine: FilterBankEngine,
    filterLen: number,
    readonly threads: number,
    private readonly maxBatch: number,
  ) {
    const rowSize = engine.sampleSize;
    const shardMax = Math.ceil(maxBatch / threads);
    const host = threadHost();
    if (threads > 1 && (host === null || host.available() < threads - 1)) {
      throw new AwdError('ShardedLoss', `${threads} threads requested but only ${host === null ? 1 : host.available() + 1} can start here; fit with threads: 1`);
    }
    for (let t = 1; t < threads; t++) {
      const shared: WorkerShared = {
        ctrl: new SharedArrayBuffer(4 * CTRL_SIZE),
        h: new SharedArrayBuffer(8 * filterLen),
        weights: new SharedArrayBuffer(8 * WEIGHTED_TERMS.length),
        x: new SharedArrayBuffer(8 * shardMax * rowSize),
        g: new SharedArrayBuffer(8 * shardMax * rowSize),
        out: new SharedArrayBuffer(8 * (N_TERMS + 1 + filterLen)),
        error: new SharedArrayBuffer(1024),
      };
      const init: WorkerInit = { shared, sampleShape: engine.sampleShape, filterLen, mode: engine.mode, levels: engine.levels };
      let worker: LossThread;
      try {
        worker = host!.start(init);
      } catch (e) {
        this.close();
        throw e;
      }
      // A host may serve the shard from memory it shared with the worker beforehand (browsers).
      const mem = worker.shared ?? shared;
      const ctrl = new Int32Array(mem.ctrl);
      // Block until the worker has loaded the library (or give up).
      const r = Atomics.wait(ctrl, CTRL.READY, 0, 60_000);
      if (r === 'timed-out' || Atomics.load(ctrl, CTRL.READY) !== 1) {
        worker.release();
        this.close();
        throw new AwdError('ShardedLoss', 'a worker thread did not start within 60 s; fit with threads: 1');
      }
      this.workers.push({
        worker, ctrl, h: new Float64Array(mem.h, 0, filterLen), w: new Float64Array(mem.weights), x: new Float64Array(mem.x),
        g: new Float64Array(mem.g), out: new Float64Array(mem.out, 0, N_TERMS + 1 + filterLen), error: new Uint8Array(mem.error),
      });
    }
  }

  /** awdLoss on `b` samples, sharded. Same result as awdLoss up to rounding. */
  evaluate(h: Float64Array, x: Float64Array, g: Float64Array, b: number, weights: Weights): LossResult {
    const rowSize = this.engine.sampleSize;
    const shards = Math.min(this.threads, b);
    const per = Math.ceil(b / shards);
    this.seq++;
    const started: number[] = [];
    for (let s = 1; s < shards; s++) {
      const wk = this.workers[s - 1];
      const start = s * per;
      const end = Math.min(b, start + per);
      if (end <= start) continue;
      wk.h.set(h);
      WEIGHTED_TERMS.forEach((k, i) => (wk.w[i] = weights[k]));
      wk.x.set(x.subarray(start * rowSize, end * rowSize));
      wk.g.set(g.subarray(start * rowSize, end * rowSize));
      Atomics.store(wk.ctrl, CTRL.B, end - start);
      Atomics.store(wk.ctrl, CTRL.SEQ, this.seq);
      Atomics.notify(wk.ctrl, CTRL.SEQ);
      started.push(s);
    }
    const b0 = Math.min(per, b);
    const own = awdLoss(this.engine, h, x.subarray(0, b0 * rowSize), g.subarray(0, b0 * rowSize), b0, { weights });
    const N = h.length;
    const terms = {} as Record<TermName, number>;
    for (const k of TERM_NAMES) terms[k] = own.terms[k] * b0;
    let total = own.total * b0;
    const grad = new Float64Array(N);
    for (let i = 0; i < N; i++) grad[i] = own.grad[i] * b0;
    for (const s of started) {
      const wk = this.workers[s - 1];
      while (Atomics.load(wk.ctrl, CTRL.DONE) !== this.seq) Atomics.wait(wk.ctrl, CTRL.DONE, Atomics.load(wk.ctrl, CTRL.DONE), 1000);
      if (Atomics.load(wk.ctrl, CTRL.STATUS) !== 0) {
        const msg = new TextDecoder().decode(wk.error.slice()).replace(/\0+$/, '');
        throw new AwdError('ShardedLoss', `a worker thread failed: ${msg}`);
      }
      const bs = Atomics.load(wk.ctrl, CTRL.B);
      TERM_NAMES.forEach((k, i) => (terms[k] += wk.out[i] * bs));
      total += wk.out[N_TERMS] * bs;
      for (let i = 0; i < N; i++) grad[i] += wk.out[N_TERMS + 1 + i] * bs;
    }
    for (const k of TERM_NAMES) terms[k] /= b;
    total /= b;
    for (let i = 0; i < N; i++) grad[i] /= b;
    return { terms, total, grad };
  }

  /** Stops the workers. */
  close(): void {
    for (const wk of this.workers) {
      Atomics.store(wk.ctrl, CTRL.STOP, 1);
      Atomics.add(wk.ctrl, CTRL.SEQ, 1);
      Atomics.notify(wk.ctrl, CTRL.SEQ);
      wk.worker.release();
    }
    this.workers.length = 0;
  }
}
