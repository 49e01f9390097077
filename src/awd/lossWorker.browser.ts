/**
 * Web Worker of `ShardedLoss` in browsers (started ahead of a fit by `startBrowserThreads`).
 * It receives, once, its shard memory and a mailbox (both shared); then, for each fit, it finds
 * the fit's shapes in the mailbox, serves its shards (see `serveLoss`) until the fit stops it, and
 * waits for the next. All of it through shared memory: a thread blocked in Atomics.wait (the
 * fitting thread) cannot deliver messages to its workers.
 * @module
 */
import { MODES } from '../wavelets/modes.ts';
import { serveLoss } from './lossWorkerLoop.ts';
import type { WorkerShared } from './parallel.ts';
import { MAILBOX } from './browserMailbox.ts';

const scope = self as unknown as { onmessage: ((e: MessageEvent<{ shared: WorkerShared; mailbox: SharedArrayBuffer }>) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e) => {
  scope.onmessage = null;
  const { shared, mailbox } = e.data;
  const box = new Int32Array(mailbox);
  scope.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.store(box, MAILBOX.IDLE, 1);
    Atomics.notify(box, MAILBOX.IDLE);
    Atomics.wait(box, MAILBOX.JOB, seen);
    const job = Atomics.load(box, MAILBOX.JOB);
    if (job === seen) continue;
    seen = job;
    if (job < 0) break;
    const rank = box[MAILBOX.RANK];
    const sampleShape = Array.from(box.subarray(MAILBOX.SHAPE, MAILBOX.SHAPE + rank));
    serveLoss({ shared, sampleShape, filterLen: box[MAILBOX.FILTER_LEN], mode: MODES[box[MAILBOX.MODE]], levels: box[MAILBOX.LEVELS] });
  }
};
scope.postMessage('loaded');
