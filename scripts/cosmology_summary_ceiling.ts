/**
 * The reference ceiling for the cosmology CNN teacher: ridge regression (α by 5-fold CV on the
 * training maps only) on hand-made summary statistics of each map, scored on the same split as
 * `scripts/cosmology_teacher.ts` and the default size of the study (64×64, maps 0–199 / 200–219 /
 * 220–249 of each cosmology, seed 0). Summaries per map:
 *  - moments: mean, log std, skewness, excess kurtosis;
 *  - binned power spectrum: log of the mean |FFT|² in 10 log-spaced |k| bins;
 *  - peak heights: histogram of the 8-neighbour maxima in 16 bins (edges: 0.5–99.5 % quantiles of
 *    the training maps' peaks), plus the number of peaks;
 *  - one-point distribution: histogram of all pixels in 16 bins (training quantile edges).
 * Prints validation and test R² and RMSE for each feature group and for all of them together.
 *
 *   nice -n 10 node --import tsx scripts/cosmology_summary_ceiling.ts [--size 64] [--maps 200,20,30] [--simulator lognormal|halo]
 */
import { mapBatches, SIMULATORS, type SimulatorKind } from '../src/data/convergence.ts';
import { Fft2 } from '../src/data/fft2.ts';
import { ndarray, type NdArray } from '../src/util/ndarray.ts';
import { findPeaks, histogram, linspace } from '../src/predictors/peaks.ts';
import { ridgeCV } from '../src/predictors/linear.ts';
import { r2Score } from '../src/teachers/metrics.ts';

const args = process.argv.slice(2);
let size = 64;
let maps = [200, 20, 30];
let simulator: SimulatorKind = 'lognormal';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--size') size = Number(args[++i]);
  else if (args[i] === '--maps') maps = args[++i].split(',').map(Number);
  else if (args[i] === '--simulator') simulator = args[++i] as SimulatorKind;
}
if (!SIMULATORS.includes(simulator)) throw new Error(`--simulator must be one of ${SIMULATORS.join(', ')}, got '${simulator}'`);
const load = (range: [number, number]) => mapBatches({ size, seed: 0, simulator, mapRange: range, batchSize: 1e9 }).next().value!;
const [nTr, nVa, nTe] = maps;
const t0 = performance.now();
const train = load([0, nTr]);
const val = load([nTr, nTr + nVa]);
const test = load([nTr + nVa, nTr + nVa + nTe]);
const per = size * size;

function quantileEdges(values: number[], bins: number): Float64Array {
  const s = Float64Array.from(values).sort();
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return linspace(q(0.005), q(0.995), bins + 1);
}
const peakVals = (m: Float64Array): number[] => Array.from(findPeaks(m, size, size, 'exclude'), (i) => m[i]);
const maps0 = (X: NdArray) => Array.from({ length: X.shape[0] }, (_, i) => X.data.subarray(i * per, (i + 1) * per));
const trainMaps = maps0(train.X);
const peakEdges = quantileEdges(trainMaps.flatMap(peakVals), 16);
const pixEdges = quantileEdges(trainMaps.flatMap((m) => Array.from(m)), 16);
const fft = new Fft2(size, size);
const kEdges = Array.from({ length: 11 }, (_, i) => Math.exp(Math.log(1) + (i / 10) * Math.log((size / 2) * Math.SQRT2 + 1e-9)));

type Group = 'moments' | 'power' | 'peaks' | 'pixels';
function features(m: Float64Array): Record<Group, number[]> {
  let mean = 0;
  for (const v of m) mean += v;
  mean /= m.length;
  let m2 = 0, m3 = 0, m4 = 0;
  for (const v of m) { const d = v - mean; m2 += d * d; m3 += d * d * d; m4 += d * d * d * d; }
  m2 /= m.length; m3 /= m.length; m4 /= m.length;
  const spec = fft.forward(m);
  const pw = new Float64Array(10), cnt = new Float64Array(10);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const kr = r < size / 2 ? r : r - size, kc = c < size / 2 ? c : c - size;
      const k = Math.hypot(kr, kc);
      if (k < 1) continue;
      let b = 0;
      while (b < 9 && k >= kEdges[b + 1]) b++;
      pw[b] += spec[2 * (r * size + c)] ** 2 + spec[2 * (r * size + c) + 1] ** 2;
      cnt[b]++;
    }
  }
  const pv = peakVals(m);
  return {
    moments: [mean, 0.5 * Math.log(m2), m3 / m2 ** 1.5, m4 / (m2 * m2) - 3],
    power: Array.from(pw, (p, b) => Math.log(p / Math.max(1, cnt[b]) + 1e-30)),
    peaks: [...histogram(pv, peakEdges), pv.length],
    pixels: [...histogram(m, pixEdges)],
  };
}
const feats = (X: NdArray) => maps0(X).map(features);
const Ftr = feats(train.X), Fva = feats(val.X), Fte = feats(test.X);
const matrix = (F: Record<Group, number[]>[], groups: Group[]): NdArray => {
  const rows = F.map((f) => groups.flatMap((g) => f[g]));
  return ndarray(Float64Array.from(rows.flat()), [rows.length, rows[0].length]);
};
const rmse = (y: ArrayLike<number>, p: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - p[i]) ** 2;
  return Math.sqrt(s / y.length);
};
const sets: Group[][] = [['moments'], ['power'], ['peaks'], ['pixels'], ['moments', 'power'], ['moments', 'power', 'peaks'], ['moments', 'power', 'peaks', 'pixels']];
for (const g of sets) {
  const { model, alpha } = ridgeCV(matrix(Ftr, g), train.y, { folds: 5, seed: 0 });
  const pv = model.predict(matrix(Fva, g));
  const pt = model.predict(matrix(Fte, g));
  console.log(JSON.stringify({
    features: g.join('+'), size, maps, simulator, alpha, valR2: +r2Score(val.y, pv).toFixed(4), testR2: +r2Score(test.y, pt).toFixed(4),
    testRmse: +rmse(test.y, pt).toFixed(5), seconds: Math.round((performance.now() - t0) / 1000),
  }));
}
