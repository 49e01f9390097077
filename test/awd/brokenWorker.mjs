// A loss-worker entry that fails while loading (for test/awd/parallel.test.ts); it reports its
// error as the real entry does (READY = 2 and the message in the error buffer).
import { workerData } from 'node:worker_threads';

const ctrl = new Int32Array(workerData.shared.ctrl);
const error = new Uint8Array(workerData.shared.error);
try {
  throw new Error('cannot load the kernels: simulated failure');
} catch (e) {
  error.set(new TextEncoder().encode(e.message));
  Atomics.store(ctrl, 2, 2);
  Atomics.notify(ctrl, 2);
}
