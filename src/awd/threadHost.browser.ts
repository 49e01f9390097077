/**
 * The browser's thread host for data-parallel fits: Web Workers sharing memory with the fitting
 * thread through SharedArrayBuffer, which browsers offer only on cross-origin-isolated pages
 * (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`). A fit is synchronous and waits on its workers
 * with Atomics.wait, so it must itself run in a Web Worker; and a blocked thread cannot deliver
 * messages (Chromium queues them until it returns to its event loop), so the workers are started
 * and given their memory ahead of the fit, and each fit reaches them through a shared mailbox.
 *
 * @example
 * // in a Web Worker, before fitting (shardValues ≥ ⌈batchSize / threads⌉ × values per sample):
 * const threads = await startBrowserThreads(2, { shardValues: 50 * 40 });   // 1 where not isolated
 * const w = AdaptiveWavelet.fit(X, { teacherGrads: G, batchSize: 100, threads });
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { MODES } from '../wavelets/modes.ts';
import { TERM_NAMES, WEIGHTED_TERMS } from './loss.ts';
import type { WorkerInit, WorkerShared } from './parallel.ts';
import { MAILBOX, MAILBOX_SIZE } from './browserMailbox.ts';
import { setThreadHost, type LossThread, type ThreadHost } from './threadHost.ts';

/** Longest filter the shared memory holds (coif17 has 102 taps). */
const MAX_FILTER = 128;

/** Whether this page or worker can share memory with workers. */
export function canShareMemory(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; Worker?: unknown };
  return g.crossOriginIsolated === true && typeof g.SharedArrayBuffer === 'function' && typeof g.Worker === 'function';
}

interface PoolWorker { worker: Worker; shared: WorkerShared; box: Int32Array; shardValues: number; job: number }

let pool: PoolWorker[] = [];

function sharedMemory(shardValues: number): WorkerShared {
  return {
    ctrl: new SharedArrayBuffer(4 * 8),
    h: new SharedArrayBuffer(8 * MAX_FILTER),
    weights: new SharedArrayBuffer(8 * WEIGHTED_TERMS.length),
    x: new SharedArrayBuffer(8 * shardValues),
    g: new SharedArrayBuffer(8 * shardValues),
    out: new SharedArrayBuffer(8 * (TERM_NAMES.length + 1 + MAX_FILTER)),
    error: new SharedArrayBuffer(1024),
  };
}

/**
 * Starts up to `threads − 1` loss workers (`'auto'`: one per core, at most 4 in all), each with
 * memory for shards of up to `shardValues` numbers, and installs them as the thread host;
 * resolves to the number of threads a fit can use (the calling thread included): 1 where memory
 * cannot be shared, so the fit runs single-threaded.
 */
export async function startBrowserThreads(threads: number | 'auto' = 'auto', opts: { shardValues?: number } = {}): Promise<number> {
  if (!canShareMemory()) {
    setThreadHost(null);
    return 1;
  }
  const cores = Math.max(1, (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);
  const want = threads === 'auto' ? Math.min(4, cores) : Math.max(1, Math.floor(threads));
  const shardValues = Math.max(1, Math.ceil(opts.shardValues ?? 1 << 16));
  // Workers with too little memory are replaced.
  pool = pool.filter((p) => {
    if (p.shardValues >= shardValues) return true;
    quit(p);
    return false;
  });
  while (pool.length < want - 1) {
    const worker = new Worker(new URL('./lossWorker.browser.ts', import.meta.url), { type: 'module', name: 'awd-loss' });
    const next = () => new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (e) => reject(new Error(`a loss worker did not start: ${e.message}`));
    });
    await next();
    const shared = sharedMemory(shardValues);
    const mailbox = new SharedArrayBuffer(4 * MAILBOX_SIZE);
    const ready = next();
    worker.postMessage({ shared, mailbox });
    await ready;
    worker.onmessage = null;
    pool.push({ worker, shared, box: new Int32Array(mailbox), shardValues, job: 0 });
  }
  const free = pool.slice(0, want - 1);
  const host: ThreadHost = {
    cores: () => cores,
    available: () => free.length,
    start(init: WorkerInit): LossThread {
      const p = free.pop();
      if (p === undefined) throw new AwdError('startBrowserThreads', 'no loss worker left; call startBrowserThreads with more threads');
      const values = init.shared.x.byteLength / 8;
      if (values > p.shardValues || init.filterLen > MAX_FILTER || init.sampleShape.length > MAILBOX_SIZE - MAILBOX.SHAPE) {
        free.push(p);
        throw new AwdError('startBrowserThreads', `a shard of ${values} values does not fit the workers' memory (${p.shardValues}); call startBrowserThreads with a larger shardValues`);
      }
      // Wait until the worker has left its previous fit, then clear the control block and post the job.
      while (Atomics.load(p.box, MAILBOX.IDLE) !== 1) Atomics.wait(p.box, MAILBOX.IDLE, 0, 1000);
      new Int32Array(p.shared.ctrl).fill(0);
      Atomics.store(p.box, MAILBOX.IDLE, 0);
      p.box[MAILBOX.RANK] = init.sampleShape.length;
      p.box.set(init.sampleShape, MAILBOX.SHAPE);
      p.box[MAILBOX.FILTER_LEN] = init.filterLen;
      p.box[MAILBOX.LEVELS] = init.levels;
      p.box[MAILBOX.MODE] = MODES.indexOf(init.mode);
      p.job++;
      Atomics.store(p.box, MAILBOX.JOB, p.job);
      Atomics.notify(p.box, MAILBOX.JOB);
      return {
        release: () => void free.push(p),
        terminate: () => {
          quit(p);
          pool = pool.filter((q) => q !== p);
        },
        shared: p.shared,
      };
    },
  };
  setThreadHost(host);
  return want;
}

function quit(p: PoolWorker): void {
  Atomics.store(p.box, MAILBOX.JOB, -1);
  Atomics.notify(p.box, MAILBOX.JOB);
  p.worker.terminate();
}

/** Terminates the workers and returns to single-threaded fits. */
export function stopBrowserThreads(): void {
  for (const p of pool) quit(p);
  pool = [];
  setThreadHost(null);
}
