/** The thread host adapter: Node's worker threads by default; without a host, fits run on one thread. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { setThreadHost, threadHost } from '../../src/awd/threadHost.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';

test("Node's worker threads are the default host; without one, 'auto' fits on one thread and threads: 2 is a clear error", () => {
  const host = threadHost();
  assert.ok(host !== null, 'Node has worker threads (process.getBuiltinModule)');
  assert.ok(host.cores() >= 1);
  const rng = new Rng(2);
  const X = ndarray(rng.fillNormal(new Float64Array(40 * 16)), [40, 16]);
  const G = ndarray(rng.fillNormal(new Float64Array(40 * 16)), [40, 16]);
  const opts = { teacherGrads: G, wavelet: 'db2', levels: 2, epochs: 2, batchSize: 20, seed: 1 } as const;
  const previous = setThreadHost(null);
  try {
    const w = AdaptiveWavelet.fit(X, { ...opts, threads: 'auto' });
    assert.equal(w.settings?.threads, 1);
    assert.throws(() => AdaptiveWavelet.fit(X, { ...opts, threads: 2 }), /threads: 2 needs worker threads.*use threads: 1/);
  } finally {
    setThreadHost(previous);
  }
  assert.equal(threadHost(), previous);
});
