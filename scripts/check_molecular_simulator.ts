/**
 * Measures how the simulated response depends on the shape of the clathrin trace, not only on
 * its peak: linear models fitted on the training split (α by 5-fold CV), scored by test R².
 * Usage: npx tsx scripts/check_molecular_simulator.ts [seed] [linear|reference]
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

const seed = Number(process.argv[2] ?? 0);
const resample = (process.argv[3] ?? 'linear') as 'linear' | 'reference';
const { train, test, meta } = simulateMolecular({ seed, resample });

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const pick = (s: MolecularSplit, cond: (i: number) => boolean) => [...s.y].filter((_, i) => cond(i));
const succ = pick(test, (i) => test.successful[i] === 1);
const abort = pick(test, (i) => test.successful[i] === 0);

// Peak-matched comparison: events of both kinds whose normalised trace maximum lies between the
// 80th and 97th percentile of abortive maxima (where bright abortive and successful events overlap).
const maxOf = (s: MolecularSplit, i: number) => traceFeatures(s.X.data.subarray(i * 40, (i + 1) * 40)).max;
const abortMax = [...Array(test.y.length).keys()].filter((i) => test.successful[i] === 0).map((i) => maxOf(test, i)).sort((a, b) => a - b);
const lo = abortMax[Math.floor(abortMax.length * 0.8)];
const hi = abortMax[Math.floor(abortMax.length * 0.97)];
const inBand = (i: number) => maxOf(test, i) >= lo && maxOf(test, i) <= hi;
const succBand = pick(test, (i) => test.successful[i] === 1 && inBand(i));
const abortBand = pick(test, (i) => test.successful[i] === 0 && inBand(i));

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

const F = (keys: string[]): FeatureFn => (x) => keys.map((k) => traceFeatures(x)[k]);
const results: Record<string, number> = {
  'max only': r2Of(train, test, F(['max'])),
  'max + mean + sd (amplitude statistics)': r2Of(train, test, F(['max', 'mean', 'sd'])),
  'max + drop (drop1, drop3, depth)': r2Of(train, test, F(['max', 'drop1', 'drop3', 'depth'])),
  'max + drop + peak position': r2Of(train, test, F(['max', 'drop1', 'drop3', 'depth', 'peakPos'])),
  'all 40 trace values (linear)': r2Of(train, test, (x) => [...x]),
  'oracle: true uncoating rate (excess over threshold)': r2Of(train, test, (_x, i, s) => [Math.max(0, s.uncoatingRate[i] - 25)]),
};

const trainS = only(train, 1);
const testS = only(test, 1);
const successfulOnly: Record<string, number> = {
  'max only': r2Of(trainS, testS, F(['max'])),
  'max + drop (drop1, drop3, depth)': r2Of(trainS, testS, F(['max', 'drop1', 'drop3', 'depth'])),
};

console.log(`seed ${seed}, resample ${resample}: ${meta.nTrain} train / ${meta.nTest} test tracks, ` +
  `${meta.cellsTrain} + ${meta.cellsTest} cells, successful fraction ${(meta.successfulFractionTrain as number).toFixed(3)}`);
console.log(`test mean y: successful ${mean(succ).toFixed(3)} (n=${succ.length}), abortive ${mean(abort).toFixed(3)} (n=${abort.length})`);
console.log(`test raw y = 0 (no auxilin detected): ${[...test.yRaw].filter((v) => v === 0).length} of ${test.yRaw.length}`);
console.log(`peak-matched band [${lo.toFixed(2)}, ${hi.toFixed(2)}] of normalised max: mean y successful ${mean(succBand).toFixed(3)} (n=${succBand.length}), abortive ${mean(abortBand).toFixed(3)} (n=${abortBand.length})`);
console.log('test R² of linear models (ridge, alpha by 5-fold CV on train):');
for (const [k, v] of Object.entries(results)) console.log(`  ${k.padEnd(52)} ${v.toFixed(3)}`);
console.log('successful events only, test R²:');
for (const [k, v] of Object.entries(successfulOnly)) console.log(`  ${k.padEnd(52)} ${v.toFixed(3)}`);
