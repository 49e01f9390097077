/**
 * Web Worker of `ShardedLoss` in browsers (started ahead of a fit by `startBrowserThreads`):
 * announces itself, then serves the shards of each `WorkerInit` posted to it (see `serveLoss`)
 * until that fit stops it, and waits for the next.
 * @module
 */
import { serveLoss } from './lossWorkerLoop.ts';
import type { WorkerInit } from './parallel.ts';

const scope = self as unknown as { onmessage: ((e: MessageEvent<WorkerInit>) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e) => serveLoss(e.data);
scope.postMessage('loaded');
