// Entry of the loss worker threads: registers the TypeScript loader (tsx) in this thread, then
// loads the worker. (In Node 20 a worker does not reliably inherit the parent's loader hooks.)
import { register } from 'tsx/esm/api';

register();
await import('./lossWorker.ts');
