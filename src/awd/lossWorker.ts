/**
 * Node worker thread of `ShardedLoss` (started by the Node thread host in `threadHost.ts`):
 * serves the shards of the `WorkerInit` it was given as workerData (see `serveLoss`).
 * @module
 */
import { workerData } from 'node:worker_threads';
import { serveLoss } from './lossWorkerLoop.ts';
import type { WorkerInit } from './parallel.ts';

serveLoss(workerData as WorkerInit);
