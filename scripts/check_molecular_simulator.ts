/**
 * Measures how the simulated response depends on the shape of the clathrin trace, not only on
 * its peak: linear models fitted on the training split (α by 5-fold CV), scored by test R².
 * Usage: npx tsx scripts/check_molecular_simulator.ts [seeds, default 0,1,2,3,4] [linear|reference] [simulator|real-like]
 * The numbers are quoted in docs/molecular-simulator.md.
 */
import { simulateMolecular, type MolecularSplit } from '../src/data/molecular.ts';
import { ridgeCV } from '../src/predictors/linear.ts';
import { r2Score } from '../src/predictors/metrics.ts';
import { ndarray, type NdArray } from '../src/util/ndarray.ts';

type FeatureFn = (x: Float64Array, i: number, s: MolecularSplit) => number[];

function traceFeatures(x: Float64Array): Record<string, number> {
  const T = x.length;
  let max = -Infinity;
  let argmax = 0;
  let mean = 0;
  for (let t = 0; t < T; t++) {
    mean += x[t] / T;
    if (x[t] > max) {
      max = x[t];
      argmax = t;
    }
  }
  let sd = 0;
  for (let t = 0; t < T; t++) sd += (x[t] - mean) ** 2 / T;
  let drop1 = 0;
  let drop3 = 0;
  for (let t = 0; t + 1 < T; t++) drop1 = Math.max(drop1, x[t] - x[t + 1]);
  for (let t = 0; t + 3 < T; t++) drop3 = Math.max(drop3, x[t] - x[t + 3]);
  let minAfter = max;
  for (let t = argmax; t < T; t++) minAfter = Math.min(minAfter, x[t]);
  return { max, mean, sd: Math.sqrt(sd), drop1, drop3, depth: max - minAfter, peakPos: argmax / (T - 1) };
}

function design(s: MolecularSplit, f: FeatureFn): NdArray {
  const [n, T] = s.X.shape;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(f(s.X.data.subarray(i * T, (i + 1) * T), i, s));
  const p = rows[0].length;
  return ndarray(Float64Array.from(rows.flat()), [n, p]);
}

function r2Of(train: MolecularSplit, test: MolecularSplit, f: FeatureFn): number {
  const { model } = ridgeCV(design(train, f), train.y, { seed: 0 });
  return r2Score(test.y, model.predict(design(test, f)));
}

const seeds = (process.argv[2] ?? '0,1,2,3,4').split(',').map(Number);
const resample = (process.argv[3] ?? 'linear') as 'linear' | 'reference';
const noise = (process.argv[4] ?? 'simulator') as 'simulator' | 'real-like';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
const F = (keys: string[]): FeatureFn => (x) => keys.map((k) => traceFeatures(x)[k]);

function only(s: MolecularSplit, kind: number): MolecularSplit {
  const idx = [...Array(s.y.length).keys()].filter((i) => s.successful[i] === kind);
  const T = s.X.shape[1];
  const X = new Float64Array(idx.length * T);
  idx.forEach((i, r) => X.set(s.X.data.subarray(i * T, (i + 1) * T), r * T));
  return {
    X: ndarray(X, [idx.length, T]),
    y: Float64Array.from(idx, (i) => s.y[i]),
    yRaw: Float64Array.from(idx, (i) => s.yRaw[i]),
    successful: Uint8Array.from(idx, (i) => s.successful[i]),
    cell: Int32Array.from(idx, (i) => s.cell[i]),
    lifetime: Int32Array.from(idx, (i) => s.lifetime[i]),
    peak: Float64Array.from(idx, (i) => s.peak[i]),
    uncoatingRate: Float64Array.from(idx, (i) => s.uncoatingRate[i]),
  };
}

const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => (rows[k] ??= []).push(v);
for (const seed of seeds) {
  const { train, test } = simulateMolecular({ seed, resample, noise });
  const T = test.X.shape[1];
  const ys = (cond: (i: number) => boolean) => [...test.y].filter((_, i) => cond(i));
  add('mean y, successful (test)', mean(ys((i) => test.successful[i] === 1)));
  add('mean y, abortive (test)', mean(ys((i) => test.successful[i] === 0)));
  add('fraction of tracks with no auxilin detected (test)', [...test.yRaw].filter((v) => v === 0).length / test.yRaw.length);
  // Peak-matched comparison: events whose normalised trace maximum lies between the 80th and
  // 97th percentile of abortive maxima, where bright abortive and successful events overlap.
  const maxOf = (i: number) => traceFeatures(test.X.data.subarray(i * T, (i + 1) * T)).max;
  const abortMax = [...Array(test.y.length).keys()].filter((i) => test.successful[i] === 0).map(maxOf).sort((a, b) => a - b);
  const lo = abortMax[Math.floor(abortMax.length * 0.8)];
  const hi = abortMax[Math.floor(abortMax.length * 0.97)];
  const band = (i: number) => maxOf(i) >= lo && maxOf(i) <= hi;
  add('peak-matched band: mean y, successful', mean(ys((i) => test.successful[i] === 1 && band(i))));
  add('peak-matched band: mean y, abortive', mean(ys((i) => test.successful[i] === 0 && band(i))));
  add('R²: max only', r2Of(train, test, F(['max'])));
  add('R²: max + mean + sd (amplitude statistics)', r2Of(train, test, F(['max', 'mean', 'sd'])));
  add('R²: max + drop (drop1, drop3, depth)', r2Of(train, test, F(['max', 'drop1', 'drop3', 'depth'])));
  add('R²: all 40 trace values (linear)', r2Of(train, test, (x) => [...x]));
  add('R²: oracle, true uncoating rate above threshold (photons; blind to cell gains)', r2Of(train, test, (_x, i, s) => [Math.max(0, s.uncoatingRate[i] - 25)]));
  const trS = only(train, 1);
  const teS = only(test, 1);
  add('R², successful events only: max only', r2Of(trS, teS, F(['max'])));
  add('R², successful events only: max + drop', r2Of(trS, teS, F(['max', 'drop1', 'drop3', 'depth'])));
}

console.log(`simulateMolecular defaults (2,936 train / 1,005 test tracks), resample '${resample}', seeds ${seeds.join(', ')}`);
console.log('R²: test R² of ridge regression, alpha chosen by 5-fold CV on the training split');
console.log(`| quantity | ${seeds.map((s) => `seed ${s}`).join(' | ')} | mean ± sd |`);
console.log(`| --- | ${seeds.map(() => '---').join(' | ')} | --- |`);
for (const [k, v] of Object.entries(rows)) {
  console.log(`| ${k} | ${v.map((x) => x.toFixed(3)).join(' | ')} | ${mean(v).toFixed(3)} ± ${sd(v).toFixed(3)} |`);
}
