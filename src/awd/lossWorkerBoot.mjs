// Entry of the loss worker threads: registers the TypeScript loader (tsx) in this thread, then
// loads the worker. (In Node 20 a worker does not reliably inherit the parent's loader hooks.)
// A worker that fails to load says why at once (READY = 2 and the message), and a worker that
// exits for any reason marks itself dead, so the main thread never waits for it in vain.
// Slots of the control block (parallel.ts CTRL): DONE 1, READY 2, STATUS 3, DEAD 6.
import { workerData } from 'node:worker_threads';

const ctrl = new Int32Array(workerData.shared.ctrl);
const error = new Uint8Array(workerData.shared.error);

function report(message) {
  error.fill(0);
  error.set(new TextEncoder().encode(String(message)).subarray(0, 1023));
}

process.on('exit', (code) => {
  if (Atomics.load(ctrl, 5) === 1) return; // STOP: asked to end
  if (Atomics.load(ctrl, 3) === 0 && error[0] === 0) report(`exit code ${code}`);
  Atomics.store(ctrl, 6, 1);
  Atomics.notify(ctrl, 2);
  Atomics.notify(ctrl, 1);
});

try {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./lossWorker.ts');
} catch (e) {
  report(e && e.message ? e.message : e);
  Atomics.store(ctrl, 2, 2);
  Atomics.notify(ctrl, 2);
}
