/**
 * A fit run as a child process for the checkpoint tests: `node --import tsx checkpointChild.ts
 * <dir> <method> [--resume]` fits the tiny problem below with a checkpoint at <dir>/fit.ckpt every
 * step, prints `started` when the loop begins, and writes <dir>/result.json (h as hex bytes and
 * the history without timings) when it ends. The tests kill it at random moments.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdaptiveWavelet } from '../../../src/awd/adaptive.ts';
import { ckptProblem, fingerprintOf } from './checkpointProblem.ts';

const [dir, method, flag] = process.argv.slice(2);
const p = ckptProblem();
const checkpoint = { path: join(dir, 'fit.ckpt'), everySteps: 1, resume: flag === '--resume' };
let said = false;
const onProgress = (): void => {
  if (!said) process.stdout.write('started\n');
  said = true;
};
const w = method === 'fitStream'
  ? AdaptiveWavelet.fitStream(p.sampleShape, p.n, p.stream, { ...p.opts, onProgress, checkpoint: { ...checkpoint, dataId: 'tiny' } })
  : AdaptiveWavelet.fit(p.X, { ...p.opts, teacherGrads: p.G, onProgress, checkpoint });
writeFileSync(join(dir, 'result.json'), JSON.stringify(fingerprintOf(w)));
