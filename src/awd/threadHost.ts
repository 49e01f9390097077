/**
 * Where the loss worker threads of `ShardedLoss` come from: the one platform-specific piece of
 * the data-parallel fit. The sharding itself (SharedArrayBuffer + Atomics) is the same in Node
 * and in browsers; only starting a worker and counting cores differ.
 *
 * - Node: worker_threads, found at run time through `process.getBuiltinModule` (Node ≥ 20.16),
 *   so no module of the core imports a Node API and browser bundles contain none.
 * - Browsers: Web Workers started ahead of the fit by `startBrowserThreads`
 *   (`threadHost.browser.ts`), only where the page is cross-origin isolated (SharedArrayBuffer).
 * - Elsewhere (no host): fits run on one thread.
 * @module
 */
import type { Mode } from '../wavelets/modes.ts';

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
  /** For tests: the worker exits (code 7) when it picks up this job, as a crashing worker would. */
  exitAtJob?: number;
}

/** A started loss worker. */
export interface LossThread {
  /** Releases the worker (after `ShardedLoss` told it to stop). */
  release(): void;
  /** Stops the worker at once, as a crash would (tests of the fit's liveness checks). */
  terminate(): void;
  /**
   * The memory the worker serves from, where the host shared it with the worker in advance
   * (browsers: a blocked thread cannot deliver messages to its workers); else `init.shared`.
   * Its arrays may be longer than needed.
   */
  shared?: WorkerShared;
}

/** Starts loss workers on one platform. */
export interface ThreadHost {
  /** Cores available to this process or page. */
  cores(): number;
  /** How many workers `start` can still provide (Infinity where they are started on demand). */
  available(): number;
  /**
   * Starts a worker serving `init` (see `serveLoss`); it sets CTRL.READY in `init.shared.ctrl`
   * once it waits for work, which the caller awaits with Atomics.wait.
   */
  start(init: WorkerInit, opts?: { bootUrl?: URL }): LossThread;
}

let host: ThreadHost | null | undefined;

/** Sets the thread host (null: one thread); returns the previous one. */
export function setThreadHost(h: ThreadHost | null): ThreadHost | null {
  const prev = threadHost();
  host = h;
  return prev;
}

/** The current thread host: the one set, else Node's worker_threads where they exist, else null. */
export function threadHost(): ThreadHost | null {
  if (host === undefined) host = nodeHost();
  return host;
}

/** The worker's entry in Node (registers the TypeScript loader, then runs lossWorker.ts). */
const NODE_WORKER = './lossWorkerBoot.mjs';

interface NodeBuiltins {
  Worker: new (url: URL, opts: { workerData: unknown }) => { unref(): void; terminate(): Promise<number> };
  availableParallelism(): number;
}

/** Node's host, from its built-in modules (never imported, so bundlers for browsers see nothing). */
function nodeHost(): ThreadHost | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  const { Worker } = proc.getBuiltinModule('node:worker_threads') as Pick<NodeBuiltins, 'Worker'>;
  const { availableParallelism } = proc.getBuiltinModule('node:os') as Pick<NodeBuiltins, 'availableParallelism'>;
  return {
    cores: () => availableParallelism(),
    available: () => Infinity,
    start(init: WorkerInit, opts?: { bootUrl?: URL }): LossThread {
      const worker = new Worker(opts?.bootUrl ?? new URL(NODE_WORKER, import.meta.url), { workerData: init });
      worker.unref();
      return { release: () => void worker.terminate(), terminate: () => void worker.terminate() };
    },
  };
}
