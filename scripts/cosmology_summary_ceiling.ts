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
 *  - multiscale moments: the map's mean, and 0.5·log var, skewness, log(m4/m2²) of the map, its
 *    2×2 and 4×4 block means and the map minus its 2×2 block means (the cnn moments branch's
 *    statistics with all four views).
 * Prints validation and test R² and RMSE for each feature group and for all of them together;
 * then, for the moments and the multiscale moments, a quadratic-feature ridge and a ReLU MLP
 * [64, 64] (≈ 1–2 min in all).
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

type Group = 'moments' | 'multiscale' | 'power' | 'peaks' | 'pixels';

/** 0.5·log var, skewness and log(m4/m2²) of a map (the moments branch's per-view statistics). */
function viewMoments(v: ArrayLike<number>): number[] {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i];
  mean /= v.length;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < v.length; i++) { const d = v[i] - mean; m2 += d * d; m3 += d * d * d; m4 += d * d * d * d; }
  m2 /= v.length; m3 /= v.length; m4 /= v.length;
  return [0.5 * Math.log(m2), m3 / m2 ** 1.5, Math.log(m4 / (m2 * m2))];
}
/** f×f average pooling (stride f) of an n×n map. */
function avgPool(m: ArrayLike<number>, n: number, f: number): Float64Array {
  const k = n / f;
  const out = new Float64Array(k * k);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) out[Math.floor(r / f) * k + Math.floor(c / f)] += m[r * n + c] / (f * f);
  return out;
}
/** The map minus its 2×2 block means (a high-pass view). */
function highPass(m: ArrayLike<number>, n: number): Float64Array {
  const p = avgPool(m, n, 2);
  const out = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) out[r * n + c] = m[r * n + c] - p[(r >> 1) * (n / 2) + (c >> 1)];
  return out;
}
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
    multiscale: [mean, ...viewMoments(m), ...viewMoments(avgPool(m, size, 2)), ...viewMoments(avgPool(m, size, 4)), ...viewMoments(highPass(m, size))],
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
const sets: Group[][] = [['moments'], ['multiscale'], ['power'], ['peaks'], ['pixels'], ['moments', 'power'], ['moments', 'power', 'peaks'], ['moments', 'power', 'peaks', 'pixels'], ['multiscale', 'power', 'peaks', 'pixels']];
// (The quadratic ridge on the larger groups — 500+ products — took minutes of CPU; not run.)
const nonlinearSets: Group[][] = [['moments'], ['multiscale']];
for (const g of sets) {
  const { model, alpha } = ridgeCV(matrix(Ftr, g), train.y, { folds: 5, seed: 0 });
  const pv = model.predict(matrix(Fva, g));
  const pt = model.predict(matrix(Fte, g));
  console.log(JSON.stringify({
    features: g.join('+'), size, maps, simulator, alpha, valR2: +r2Score(val.y, pv).toFixed(4), testR2: +r2Score(test.y, pt).toFixed(4),
    testRmse: +rmse(test.y, pt).toFixed(5), seconds: Math.round((performance.now() - t0) / 1000),
  }));
}

// Nonlinear regressors on the same summaries (chosen on validation only): ridge on the features
// and all their pairwise products (α by 5-fold CV), and a ReLU MLP (trainTeacher('mlp') on
// per-feature standardised summaries, early stopping on the validation maps).
const standardizer = (A: NdArray) => {
  const [n, p] = A.shape;
  const mu = new Float64Array(p), sd = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mu[j] += A.data[i * p + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) sd[j] += (A.data[i * p + j] - mu[j]) ** 2 / n;
  for (let j = 0; j < p; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  return (B: NdArray): NdArray => ndarray(B.data.map((v, k) => (v - mu[k % p]) / sd[k % p]), B.shape);
};
const quadratic = (A: NdArray): NdArray => {
  const [n, p] = A.shape;
  const q = p + (p * (p + 1)) / 2;
  const out = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let j = 0; j < p; j++) out[i * q + k++] = A.data[i * p + j];
    for (let j = 0; j < p; j++) for (let l = j; l < p; l++) out[i * q + k++] = A.data[i * p + j] * A.data[i * p + l];
  }
  return ndarray(out, [n, q]);
};
const { trainTeacher } = await import('../src/teachers/train.ts');
for (const g of nonlinearSets) {
  const std = standardizer(matrix(Ftr, g));
  const [Ztr, Zva, Zte] = [Ftr, Fva, Fte].map((F) => std(matrix(F, g)));
  const { model, alpha } = ridgeCV(quadratic(Ztr), train.y, { folds: 5, seed: 0, alphas: [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000] });
  const pv = model.predict(quadratic(Zva)), pt = model.predict(quadratic(Zte));
  console.log(JSON.stringify({
    features: g.join('+'), model: 'quadratic ridge', alpha, valR2: +r2Score(val.y, pv).toFixed(4), testR2: +r2Score(test.y, pt).toFixed(4),
    testRmse: +rmse(test.y, pt).toFixed(5), seconds: Math.round((performance.now() - t0) / 1000),
  }));
  for (const hidden of [[64, 64]]) {
    const yv = (y: ArrayLike<number>): NdArray => ndarray(Float64Array.from(y), [y.length]);
    const r = await trainTeacher('mlp', Ztr, yv(train.y), {
      seed: 0, hidden, epochs: 150, batchSize: 100, learningRate: 3e-3, lrSchedule: "cosine", patience: 30, validation: { X: Zva, y: yv(val.y) }, standardize: true,
    });
    const pm = await r.teacher.predict(Zte);
    console.log(JSON.stringify({
      features: g.join('+'), model: `mlp ${JSON.stringify(hidden)}`, valR2: +(r.valR2 ?? NaN).toFixed(4), testR2: +r2Score(ndarray(Float64Array.from(test.y), [test.y.length, 1]), pm).toFixed(4),
      testRmse: +rmse(test.y, pm.data).toFixed(5), bestEpoch: r.bestEpoch, seconds: Math.round((performance.now() - t0) / 1000),
    }));
    r.teacher.dispose();
  }
}
