/**
 * Measures, for docs/scale-out.md: the time of a short full-size cosmology cell (100 maps of
 * 256 × 256, db5, J = 4, batch 100, 20 Adam steps), the same with checkpoints at the default
 * interval (60 s) and after every step, the one-time data fingerprint, and one checkpoint save
 * with a 10,000-epoch history (the paper-scale cell's last checkpoint).
 *
 * Times are CPU seconds of the process (user + system), robust to a shared machine's load; with
 * threads > 1 they add the threads' CPU time, so use 1 thread for the per-cell figure.
 *
 *   nice -n 10 node --import tsx scripts/measure_scaleout.ts [steps=20] [threads=1]
 * @module
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdaptiveWavelet, type EpochRecord } from '../src/awd/adaptive.ts';
import { Adam } from '../src/awd/adam.ts';
import { Checkpointer, hashArrays } from '../src/awd/checkpoint.ts';
import { ndarray } from '../src/util/ndarray.ts';
import { Rng } from '../src/util/rng.ts';

const steps = Number(process.argv[2] ?? 20);
const threads = Number(process.argv[3] ?? 1);
const n = 100;
const side = 256;
const rng = new Rng(1);
const X = ndarray(rng.fillNormal(new Float64Array(n * side * side)), [n, side, side]);
const G = ndarray(rng.fillNormal(new Float64Array(n * side * side), 0, 0.01), [n, side, side]);
const dir = mkdtempSync(join(tmpdir(), 'awd-measure-'));
const opts = { teacherGrads: G, wavelet: 'db5', levels: 4, epochs: steps, batchSize: 100, lambda: 0.02, gamma: 0.01, seed: 0, threads };

/** CPU seconds (user + system) of this process, and wall seconds: on a shared machine the CPU time is what an idle core would take. */
function time(label: string, f: () => void): number {
  const t = performance.now();
  const c = process.cpuUsage();
  f();
  const cpu = process.cpuUsage(c);
  const s = (cpu.user + cpu.system) / 1e6;
  console.log(`${label}: ${s.toFixed(3)} CPU s (${((performance.now() - t) / 1000).toFixed(3)} s wall)`);
  return s;
}

console.log(`cell: ${n} maps of ${side} × ${side}, ${steps} steps, ${threads} thread(s)`);
time('warm-up fit, 2 steps (compiles the kernels; not counted)', () => AdaptiveWavelet.fit(X, { ...opts, epochs: 2 }));
const plain = time('fit, no checkpoint', () => AdaptiveWavelet.fit(X, opts));
const dflt = time('fit, checkpoint at the default interval (60 s)', () => AdaptiveWavelet.fit(X, { ...opts, checkpoint: { path: join(dir, 'a.ckpt') } }));
const every = time('fit, checkpoint after every step', () => AdaptiveWavelet.fit(X, { ...opts, checkpoint: { path: join(dir, 'b.ckpt'), everySteps: 1 } }));
const hash = time('data fingerprint (SHA-256 of X and G, once per fit)', () => hashArrays([X, G]));
console.log(`per step, no checkpoint: ${(plain / steps).toFixed(3)} CPU s; 10,000 steps extrapolated: ${((plain / steps) * 10000 / 60).toFixed(1)} min`);
console.log(`checkpoint every step: ${(((every - plain) / steps) * 1000).toFixed(1)} ms more per step (${(((every - plain) / plain) * 100).toFixed(2)} %)`);
console.log(`default interval: ${(((dflt - plain) / plain) * 100).toFixed(2)} % (includes the one-time fingerprint; noise of a shared machine included)`);

// One save with a paper-scale history (10,000 epochs).
const history: EpochRecord[] = [];
const terms = { reconstruction: 1e-3, lowpass_sum: 1e-9, highpass_sum: 1e-9, unit_norm: 1e-9, cmf: 1e-9, orthogonality: 1e-9, l1_wave: 0.123456789, l1_attr: 0.0123456789, total: 0.3456789 } as EpochRecord['train'];
for (let e = 1; e <= 10000; e++) history.push({ epoch: e, train: { ...terms }, seconds: 0.512345 });
const ck = new Checkpointer('measure', { path: join(dir, 'c.ckpt'), everySteps: 1 }, { library: 'x', method: 'x', data: 'x', settings: {} });
const h = new Float64Array(10);
const adam = new Adam(10);
const reps = 10;
const save = time(`${reps} saves with a 10,000-epoch history`, () => {
  for (let i = 0; i < reps; i++) ck.save({ epoch: 10000, batch: 1, sums: {}, seen: 100, seconds: 0.5, finished: false, params: h, adam: adam.state(), shuffle: new Rng(0).state(), history, best: { total: Infinity, h, epoch: 0 } });
});
console.log(`one save, 10,000-epoch history: ${((save / reps) * 1000).toFixed(1)} ms, ${(statSync(join(dir, 'c.ckpt')).size / 1e6).toFixed(2)} MB; at the default 60 s interval: ${(((save / reps) / 60) * 100).toFixed(3)} % of fit time`);
rmSync(dir, { recursive: true });
