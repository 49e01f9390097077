/**
 * The browser's thread host for data-parallel fits: Web Workers sharing memory with the fitting
 * thread through SharedArrayBuffer, which browsers offer only on cross-origin-isolated pages
 * (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`). A fit is synchronous and waits on its workers
 * with Atomics.wait, so it must itself run in a Web Worker, and its workers are started ahead of
 * it (a worker cannot start while the thread that created it is blocked).
 *
 * @example
 * // in a Web Worker, before fitting:
 * const threads = await startBrowserThreads(2);   // 1 where the page is not cross-origin isolated
 * const w = AdaptiveWavelet.fit(X, { teacherGrads: G, threads });
 * @module
 */
import { setThreadHost, type LossThread, type ThreadHost } from './threadHost.ts';
import type { WorkerInit } from './parallel.ts';

/** Whether this page or worker can share memory with workers. */
export function canShareMemory(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; Worker?: unknown };
  return g.crossOriginIsolated === true && typeof g.SharedArrayBuffer === 'function' && typeof g.Worker === 'function';
}

let pool: Worker[] = [];

/**
 * Starts up to `threads − 1` loss workers (`'auto'`: one per core, at most 4 in all) and installs
 * them as the thread host; resolves to the number of threads a fit can use (the calling thread
 * included): 1 where memory cannot be shared, so the fit runs single-threaded.
 */
export async function startBrowserThreads(threads: number | 'auto' = 'auto'): Promise<number> {
  if (!canShareMemory()) {
    setThreadHost(null);
    return 1;
  }
  const cores = Math.max(1, (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);
  const want = threads === 'auto' ? Math.min(4, cores) : Math.max(1, Math.floor(threads));
  while (pool.length < want - 1) {
    const w = new Worker(new URL('./lossWorker.browser.ts', import.meta.url), { type: 'module', name: 'awd-loss' });
    await new Promise<void>((resolve, reject) => {
      w.onmessage = () => resolve();
      w.onerror = (e) => reject(new Error(`a loss worker did not start: ${e.message}`));
    });
    w.onmessage = null;
    pool.push(w);
  }
  const free = pool.slice(0, want - 1);
  const host: ThreadHost = {
    cores: () => cores,
    available: () => free.length,
    start(init: WorkerInit): LossThread {
      const w = free.pop();
      if (w === undefined) throw new Error('no loss worker left; call startBrowserThreads with more threads');
      w.postMessage(init);
      // The worker leaves its loop at the fit's stop signal and waits for the next fit.
      return { release: () => void free.push(w) };
    },
  };
  setThreadHost(host);
  return want;
}

/** Terminates the workers and returns to single-threaded fits. */
export function stopBrowserThreads(): void {
  for (const w of pool) w.terminate();
  pool = [];
  setThreadHost(null);
}
