/**
 * The loop of a `ShardedLoss` worker, the same in a Node worker thread and a browser Web Worker:
 * waits for a shard in shared memory, evaluates the AWD objective on it, writes the terms, total
 * and gradient back, and waits again, until told to stop.
 * @module
 */
import { makeEngine } from './engine.ts';
import { awdLoss, TERM_NAMES, WEIGHTED_TERMS, type Weights } from './loss.ts';
import { CTRL, type WorkerInit } from './parallel.ts';

/** Serves shards of `init` until CTRL.STOP (blocks the calling thread; returns after the stop). */
export function serveLoss(init: WorkerInit): void {
  const ctrl = new Int32Array(init.shared.ctrl);
  const h = new Float64Array(init.shared.h, 0, init.filterLen);
  const w = new Float64Array(init.shared.weights);
  const x = new Float64Array(init.shared.x);
  const g = new Float64Array(init.shared.g);
  const out = new Float64Array(init.shared.out, 0, TERM_NAMES.length + 1 + init.filterLen);
  const error = new Uint8Array(init.shared.error);
  const engine = makeEngine(init.sampleShape, init.filterLen, init.mode, init.levels);
  const rowSize = engine.sampleSize;

  Atomics.store(ctrl, CTRL.READY, 1);
  Atomics.notify(ctrl, CTRL.READY);

  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, CTRL.SEQ, seen);
    const seq = Atomics.load(ctrl, CTRL.SEQ);
    if (Atomics.load(ctrl, CTRL.STOP) === 1) break;
    if (seq === seen) continue;
    seen = seq;
    Atomics.store(ctrl, CTRL.PICKED, seq);
    // Test hook: exit as a crashing worker would (Node only; browsers have no process).
    if (init.exitAtJob === seq) (globalThis as { process?: { exit(code: number): void } }).process?.exit(7);
    try {
      const b = Atomics.load(ctrl, CTRL.B);
      const weights = {} as Weights;
      WEIGHTED_TERMS.forEach((k, i) => (weights[k] = w[i]));
      const r = awdLoss(engine, Float64Array.from(h), x.subarray(0, b * rowSize), g.subarray(0, b * rowSize), b, { weights });
      TERM_NAMES.forEach((k, i) => (out[i] = r.terms[k]));
      out[TERM_NAMES.length] = r.total;
      out.set(r.grad, TERM_NAMES.length + 1);
      Atomics.store(ctrl, CTRL.STATUS, 0);
    } catch (e) {
      error.fill(0);
      error.set(new TextEncoder().encode(String((e as Error).message ?? e)).subarray(0, 1023));
      Atomics.store(ctrl, CTRL.STATUS, 1);
    }
    Atomics.store(ctrl, CTRL.DONE, seen);
    Atomics.notify(ctrl, CTRL.DONE);
  }
}
