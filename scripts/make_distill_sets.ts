/**
 * The data sets of docs/distill.md, written as .npy into OUT/<name>/ (X, y, Xt, yt, and groups.npy
 * where the data have groups). Settings fixed here before any AWD run (docs/distill.md says so):
 *
 * - synthetic   — the synthetic study's target: x ~ N(0,1), d = 64; y = 2·Σ_{k=7..9} (W_db5 x)[detail 3][k] + N(0, 0.1²); 2,000 train / 1,000 test.
 * - molecular   — the molecular study's simulator (src/data/molecular.ts), 2,000 / 1,000 tracks of length 40, cells as groups.
 * - cosmology   — the cosmology simulator (src/data/convergence.ts) at 32 × 32 maps, 10 cosmologies, target Ω_m; 60 maps per cosmology, paper's split fractions (validation maps join training).
 * - timing      — timing matters: d = 64, a Gaussian bump (width 2) of amplitude a ~ U(1, 2) at t0 ~ U(8, 56) on N(0, 0.3²) noise; y = a·(t0 − 32)/24 + N(0, 0.05²); 2,000 / 1,000.
 * - bursts      — classification: d = 64, an oscillation burst (8 samples, random phase) at a random position, class 0 period 4, class 1 period 8, amplitude U(0.7, 1.5), on N(0, 0.5²) noise; 2,000 / 1,000.
 * - smalln      — noisy small-n: n = 400 train / 1,000 test, d = 48, x = AR(1) (φ = 0.8); y = x̄[10..14] − x̄[30..34] + N(0, 1²) (signal-to-noise ≈ 0.5).
 * - spots       — a 2D counting task (microscopy-like): 32 × 32 images of N(0, 0.5²) noise with k ~ U{0..6} Gaussian spots (σ = 1 pixel, amplitude U(1.5, 2.5)) at uniform positions 3 pixels from the border; y = k; 600 train / 300 test. (Added after the first runs of the six sets above, its settings fixed before its first AWD run.)
 *
 * Usage: npx tsx scripts/make_distill_sets.ts OUT_DIR
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AdaptiveWavelet } from '../src/awd/adaptive.ts';
import { simulateCosmologyDataset } from '../src/data/convergence.ts';
import { simulateMolecular } from '../src/data/molecular.ts';
import { writeNpy } from '../src/data/npy.ts';
import { ndarray, type NdArray } from '../src/util/ndarray.ts';
import { Rng } from '../src/util/rng.ts';

interface Split { X: NdArray; y: Float64Array; groups?: Float64Array }

function save(out: string, name: string, train: Split, test: Split): void {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  writeNpy(join(dir, 'X.npy'), train.X);
  writeNpy(join(dir, 'y.npy'), ndarray(train.y, [train.y.length]));
  writeNpy(join(dir, 'Xt.npy'), test.X);
  writeNpy(join(dir, 'yt.npy'), ndarray(test.y, [test.y.length]));
  if (train.groups) writeNpy(join(dir, 'groups.npy'), ndarray(train.groups, [train.groups.length]));
  console.log(`${name}: train [${train.X.shape.join(', ')}], test [${test.X.shape.join(', ')}]`);
}

function gen(n: number, d: number, rng: Rng, one: (x: Float64Array, rng: Rng) => number): Split {
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = one(X.subarray(i * d, (i + 1) * d), rng);
  return { X: ndarray(X, [n, d]), y };
}

function synthetic(n: number, rng: Rng): Split {
  const d = 64;
  const X = ndarray(new Float64Array(n * d).map(() => rng.normal()), [n, d]);
  const c = AdaptiveWavelet.fromName('db5', 4, 'zero').transform(X)[3];
  const len = c.shape[1];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = 2 * (c.data[i * len + 7] + c.data[i * len + 8] + c.data[i * len + 9]) + 0.1 * rng.normal();
  return { X, y };
}

const timing = (x: Float64Array, rng: Rng): number => {
  const a = rng.uniformIn(1, 2), t0 = rng.uniformIn(8, 56);
  for (let t = 0; t < x.length; t++) x[t] = a * Math.exp(-0.5 * ((t - t0) / 2) ** 2) + 0.3 * rng.normal();
  return (a * (t0 - 32)) / 24 + 0.05 * rng.normal();
};

const bursts = (x: Float64Array, rng: Rng): number => {
  const cls = rng.uniform() < 0.5 ? 0 : 1;
  const period = cls === 0 ? 4 : 8, amp = rng.uniformIn(0.7, 1.5), phase = rng.uniformIn(0, 2 * Math.PI);
  const start = Math.floor(rng.uniformIn(0, x.length - 8));
  for (let t = 0; t < x.length; t++) x[t] = 0.5 * rng.normal();
  for (let t = start; t < start + 8; t++) x[t] += amp * Math.sin((2 * Math.PI * t) / period + phase);
  return cls;
};

const smalln = (x: Float64Array, rng: Rng): number => {
  x[0] = rng.normal();
  for (let t = 1; t < x.length; t++) x[t] = 0.8 * x[t - 1] + 0.6 * rng.normal();
  let a = 0, b = 0;
  for (let t = 10; t < 15; t++) a += x[t] / 5;
  for (let t = 30; t < 35; t++) b += x[t] / 5;
  return a - b + rng.normal();
};

const out = process.argv[2];
if (!out) {
  console.error('usage: npx tsx scripts/make_distill_sets.ts OUT_DIR');
  process.exit(2);
}
const rng = new Rng(2026);
save(out, 'synthetic', synthetic(2000, rng.fork()), synthetic(1000, rng.fork()));
const mol = simulateMolecular({ seed: 1, nTrain: 2000, nTest: 1000, tracksPerCell: 200 });
save(out, 'molecular', { X: mol.train.X, y: mol.train.y, groups: Float64Array.from(mol.train.cell) }, { X: mol.test.X, y: mol.test.y });
const cos = simulateCosmologyDataset({ mapsPerCosmology: 60, size: 32, seed: 3 });
const cat = (a: NdArray, b: NdArray): NdArray => { const d = new Float64Array(a.data.length + b.data.length); d.set(a.data); d.set(b.data, a.data.length); return ndarray(d, [a.shape[0] + b.shape[0], ...a.shape.slice(1)]); };
const cy = new Float64Array(cos.train.y.length + cos.validation.y.length); cy.set(cos.train.y); cy.set(cos.validation.y, cos.train.y.length);
save(out, 'cosmology', { X: cat(cos.train.X, cos.validation.X), y: cy }, { X: cos.test.X, y: cos.test.y });
save(out, 'timing', gen(2000, 64, rng.fork(), timing), gen(1000, 64, rng.fork(), timing));
save(out, 'bursts', gen(2000, 64, rng.fork(), bursts), gen(1000, 64, rng.fork(), bursts));
save(out, 'smalln', gen(400, 48, rng.fork(), smalln), gen(1000, 48, rng.fork(), smalln));
const spotsGen = (n: number, r: Rng): Split => {
  const S = 32;
  const X = new Float64Array(n * S * S);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const img = X.subarray(i * S * S, (i + 1) * S * S);
    for (let p = 0; p < img.length; p++) img[p] = 0.5 * r.normal();
    const k = Math.floor(r.uniform() * 7);
    for (let s = 0; s < k; s++) {
      const cy = 3 + r.uniform() * (S - 7), cx = 3 + r.uniform() * (S - 7), a = 1.5 + r.uniform();
      for (let u = 0; u < S; u++) for (let v = 0; v < S; v++) img[u * S + v] += a * Math.exp(-((u - cy) ** 2 + (v - cx) ** 2) / 2);
    }
    y[i] = k;
  }
  return { X: ndarray(X, [n, S, S]), y };
};
save(out, 'spots', spotsGen(600, rng.fork()), spotsGen(300, rng.fork()));
