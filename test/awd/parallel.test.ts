/** The parallel fit never hangs: a dead worker or one that fails to load ends the fit in one line, within seconds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LossThread } from '../../src/awd/threadHost.ts';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { LIVENESS, workerHooks } from '../../src/awd/parallel.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';

const rng = new Rng(4);
const X = ndarray(rng.fillNormal(new Float64Array(64 * 32)), [64, 32]);
const G = ndarray(rng.fillNormal(new Float64Array(64 * 32)), [64, 32]);
const OPTS = { teacherGrads: G, wavelet: 'db2', levels: 2, epochs: 3, batchSize: 16, seed: 1, threads: 2 };

test('a worker killed mid-fit ends the fit with one error line within seconds', () => {
  const workers: LossThread[] = [];
  const saved = LIVENESS.pickupSeconds;
  LIVENESS.pickupSeconds = 3;
  workerHooks.onStart = (w) => workers.push(w);
  const t0 = performance.now();
  try {
    assert.throws(
      () => AdaptiveWavelet.fit(X, { ...OPTS, onProgress: (p) => { if (p.epoch === 1 && p.batch === 2) void workers[0].terminate(); } }),
      (e: Error) => {
        assert.match(e.message, /worker thread 1 of the parallel fit did not respond within 3 s \(it was stopped or killed\); the fit stopped/);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      },
    );
  } finally {
    workerHooks.onStart = undefined;
    LIVENESS.pickupSeconds = saved;
  }
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(workers.length, 1, 'one worker started');
  assert.ok(seconds < 30, `ended after ${seconds.toFixed(1)} s`);
});

test('a worker that exits mid-fit (a crash) ends the fit at once, with its exit code', () => {
  workerHooks.exitAtJob = 3;
  const t0 = performance.now();
  try {
    assert.throws(() => AdaptiveWavelet.fit(X, OPTS), /worker thread 1 of the parallel fit exited: exit code 7; the fit stopped/);
  } finally {
    workerHooks.exitAtJob = undefined;
  }
  assert.ok((performance.now() - t0) / 1000 < LIVENESS.pickupSeconds, 'before the no-response deadline: the exit was seen');
});

test('a worker that fails to load reports its own error at once (not after the 60 s start timeout)', () => {
  workerHooks.bootUrl = new URL('./brokenWorker.mjs', import.meta.url);
  const t0 = performance.now();
  try {
    assert.throws(() => AdaptiveWavelet.fit(X, OPTS), /a worker thread failed to load: cannot load the kernels: simulated failure; fit with threads: 1/);
  } finally {
    workerHooks.bootUrl = undefined;
  }
  assert.ok((performance.now() - t0) / 1000 < LIVENESS.loadSeconds / 2);
});

test('fitStream with batches larger than batchSize or smaller than the thread count fits on several threads like on one', () => {
  const stream = (size: number) => () => {
    const out = [];
    for (let i = 0; i < 64; i += size) out.push({ X: ndarray(X.data.slice(i * 32, (i + size) * 32), [size, 32]), teacherGrads: ndarray(G.data.slice(i * 32, (i + size) * 32), [size, 32]) });
    return out;
  };
  for (const [batchSize, size] of [[1, 1], [1, 4], [4, 16], [16, 2]]) {
    const opts = { wavelet: 'db2', levels: 2, epochs: 2, batchSize, seed: 1 };
    const one = AdaptiveWavelet.fitStream([32], 64, stream(size), { ...opts, threads: 1 });
    const three = AdaptiveWavelet.fitStream([32], 64, stream(size), { ...opts, threads: 3 });
    for (let i = 0; i < one.h.length; i++) assert.ok(Math.abs(one.h[i] - three.h[i]) < 1e-12, `batchSize ${batchSize}, batches of ${size}: h[${i}]`);
  }
});
