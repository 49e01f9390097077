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
import { threadHost, type LossThread, type WorkerInit, type WorkerShared } from './threadHost.ts';

/**
 * Control-block slots (Int32). READY: 1 loaded, 2 failed to load (message in `error`); DEAD: 1
 * once the worker has exited (set by its exit handler); PICKED: the last job it started.
 * lossWorkerBoot.mjs repeats READY, STATUS, DONE and DEAD by number.
 */
export const CTRL = { SEQ: 0, DONE: 1, READY: 2, STATUS: 3, B: 4, STOP: 5, DEAD: 6, PICKED: 7 } as const;

/**
 * How long a worker may take to start a job (it waits idle for it, so this is only scheduling),
 * and the least time it may take to finish one, before it is taken for dead.
 */
export const LIVENESS = { pickupSeconds: 10, finishSeconds: 30, finishFactor: 50, loadSeconds: 60 };

/** For tests: sees each worker started, may replace the worker's entry file (Node), or make it exit at a job. */
export const workerHooks: { onStart?: (worker: LossThread) => void; bootUrl?: URL; exitAtJob?: number } = {};
const CTRL_SIZE = 8;
const N_TERMS = TERM_NAMES.length;

export type { WorkerInit, WorkerShared } from './threadHost.ts';

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

/** The UTF-8 message a worker left in its error buffer. */
function decodeError(buf: ArrayBufferLike): string {
  return new TextDecoder().decode(new Uint8Array(buf).slice()).replace(/\0+$/, '').trim();
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
      const init: WorkerInit = { shared, sampleShape: engine.sampleShape, filterLen, mode: engine.mode, levels: engine.levels, exitAtJob: workerHooks.exitAtJob };
      let worker: LossThread;
      try {
        worker = host!.start(init, { bootUrl: workerHooks.bootUrl });
      } catch (e) {
        this.close();
        throw e;
      }
      // A host may serve the shard from memory it shared with the worker beforehand (browsers).
      const mem = worker.shared ?? shared;
      const ctrl = new Int32Array(mem.ctrl);
      // Block until the worker has loaded the library, failed to (READY 2, with its error), or died.
      const deadline = performance.now() + LIVENESS.loadSeconds * 1000;
      while (Atomics.load(ctrl, CTRL.READY) === 0 && Atomics.load(ctrl, CTRL.DEAD) === 0 && performance.now() < deadline) {
        Atomics.wait(ctrl, CTRL.READY, 0, 100);
      }
      if (Atomics.load(ctrl, CTRL.READY) !== 1) {
        const msg = decodeError(mem.error);
        worker.release();
        this.close();
        if (Atomics.load(ctrl, CTRL.READY) === 2 || Atomics.load(ctrl, CTRL.DEAD) === 1) {
          throw new AwdError('ShardedLoss', `a worker thread failed to load: ${msg || 'it exited'}; fit with threads: 1`);
        }
        throw new AwdError('ShardedLoss', `a worker thread did not start within ${LIVENESS.loadSeconds} s; fit with threads: 1`);
      }
      workerHooks.onStart?.(worker);
      this.workers.push({
        worker, ctrl, h: new Float64Array(mem.h, 0, filterLen), w: new Float64Array(mem.weights), x: new Float64Array(mem.x),
        g: new Float64Array(mem.g), out: new Float64Array(mem.out, 0, N_TERMS + 1 + filterLen), error: new Uint8Array(mem.error),
      });
    }
  }

  /**
   * awdLoss on `b` samples, sharded. Same result as awdLoss up to rounding. A batch larger than
   * the shared buffers (`fitStream` may yield batches of any size) is evaluated in parts of at
   * most `maxBatch` samples, combined exactly as the shards are.
   */
  evaluate(h: Float64Array, x: Float64Array, g: Float64Array, b: number, weights: Weights): LossResult {
    if (b <= this.maxBatch) return this.evaluatePart(h, x, g, b, weights);
    const rowSize = this.engine.sampleSize;
    const terms = {} as Record<TermName, number>;
    for (const k of TERM_NAMES) terms[k] = 0;
    let total = 0;
    const grad = new Float64Array(h.length);
    for (let start = 0; start < b; start += this.maxBatch) {
      const n = Math.min(this.maxBatch, b - start);
      const r = this.evaluatePart(h, x.subarray(start * rowSize, (start + n) * rowSize), g.subarray(start * rowSize, (start + n) * rowSize), n, weights);
      for (const k of TERM_NAMES) terms[k] += r.terms[k] * n;
      total += r.total * n;
      for (let i = 0; i < grad.length; i++) grad[i] += r.grad[i] * n;
    }
    for (const k of TERM_NAMES) terms[k] /= b;
    for (let i = 0; i < grad.length; i++) grad[i] /= b;
    return { terms, total: total / b, grad };
  }

  private evaluatePart(h: Float64Array, x: Float64Array, g: Float64Array, b: number, weights: Weights): LossResult {
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
    const t0 = performance.now();
    const b0 = Math.min(per, b);
    const own = awdLoss(this.engine, h, x.subarray(0, b0 * rowSize), g.subarray(0, b0 * rowSize), b0, { weights });
    const N = h.length;
    const terms = {} as Record<TermName, number>;
    for (const k of TERM_NAMES) terms[k] = own.terms[k] * b0;
    let total = own.total * b0;
    const grad = new Float64Array(N);
    for (let i = 0; i < N; i++) grad[i] = own.grad[i] * b0;
    const ownSeconds = (performance.now() - t0) / 1000;
    for (const s of started) {
      const wk = this.workers[s - 1];
      this.awaitShard(s, wk, t0, ownSeconds);
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

  /**
   * Waits for worker `s` to finish the current job. A worker that died (its exit handler set
   * DEAD), did not start the job within `LIVENESS.pickupSeconds` (it waits idle for jobs, so it
   * was terminated), or did not finish long after the main thread did its own shard, ends the
   * fit with one line instead of a hang.
   */
  private awaitShard(s: number, wk: (typeof this.workers)[number], t0: number, ownSeconds: number): void {
    const finish = Math.max(LIVENESS.finishSeconds, LIVENESS.finishFactor * ownSeconds) * 1000;
    for (;;) {
      const done = Atomics.load(wk.ctrl, CTRL.DONE);
      if (done === this.seq) return;
      const waited = performance.now() - t0;
      let why: string | null = null;
      if (Atomics.load(wk.ctrl, CTRL.DEAD) === 1) {
        const msg = decodeError(wk.error.buffer);
        why = `exited${msg ? `: ${msg}` : ''}`;
      } else if (Atomics.load(wk.ctrl, CTRL.PICKED) !== this.seq && waited > LIVENESS.pickupSeconds * 1000) why = `did not respond within ${LIVENESS.pickupSeconds} s (it was stopped or killed)`;
      else if (waited > finish) why = `did not finish its shard within ${(finish / 1000).toFixed(0)} s`;
      if (why !== null) {
        this.close();
        throw new AwdError('ShardedLoss', `worker thread ${s} of the parallel fit ${why}; the fit stopped. Rerun, or fit with threads: 1`);
      }
      Atomics.wait(wk.ctrl, CTRL.DONE, done, 100);
    }
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
