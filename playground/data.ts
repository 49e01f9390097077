/**
 * The playground's data: the studies' simulators at small size with the gradients of a teacher,
 * and the user's own files (.npy or CSV). Runs in the fit worker.
 *
 * The studies train neural teachers with TensorFlow.js, which the playground does not load; the
 * built-in sets use instead, honestly named in the page:
 * - synthetic: the exact gradient of the noise-free response (the study's oracle, Wᵀβ);
 * - molecular, cosmology: a quadratic ridge teacher f(x) = b + Σ uᵢxᵢ + Σ vᵢxᵢ² fitted in a second,
 *   whose input gradient ∇f(x) = u + 2v ⊙ x differs from sample to sample.
 * @module
 */
import { parseNpy } from '../src/data/npyFormat.ts';
import { simulateMolecular } from '../src/data/molecular.ts';
import { mapBatches } from '../src/data/convergence.ts';
import { generateSyntheticData, oracleGradient } from '../src/data/synthetic.ts';
import { ndarray, type NdArray } from '../src/util/ndarray.ts';

export type BuiltinName = 'synthetic' | 'molecular' | 'cosmology';

/** A data set ready to fit: X, the teacher's gradients G (same shape), and what they are. */
export interface Dataset {
  X: NdArray;
  G: NdArray;
  /** One line for the page: what the data and the gradients are. */
  description: string;
}

/** Suggested fit settings per built-in set (the studies' wavelet and levels). */
export const BUILTIN_DEFAULTS: Record<BuiltinName, { n: number; wavelet: string; levels: number; lambda: number; gamma: number }> = {
  synthetic: { n: 2000, wavelet: 'sym5', levels: 4, lambda: 1, gamma: 1e-4 },
  molecular: { n: 2936, wavelet: 'db5', levels: 4, lambda: 0.005, gamma: 0.043 },
  cosmology: { n: 200, wavelet: 'db5', levels: 2, lambda: 0.1, gamma: 0.01 },
};

/** Generates a built-in data set of `n` samples (seeded). */
export function builtinDataset(name: BuiltinName, n: number, seed: number): Dataset {
  if (name === 'synthetic') {
    const data = generateSyntheticData({ n: n + 1, nTrain: n, seed });
    const g = oracleGradient(data);
    const d = g.length;
    const G = new Float64Array(n * d);
    for (let i = 0; i < n; i++) G.set(g, i * d);
    return { X: data.Xtrain, G: ndarray(G, [n, d]), description: `synthetic: ${n} signals of length ${d}, x ~ N(0, I); gradients: the exact (oracle) gradient Wᵀβ of the noise-free response` };
  }
  if (name === 'molecular') {
    const { train } = simulateMolecular({ nTrain: n, nTest: 1, seed });
    const G = quadraticTeacherGradients(train.X, train.y);
    return { X: train.X, G, description: `molecular: ${n} simulated clathrin traces of length 40 → auxilin; gradients of a quadratic ridge teacher` };
  }
  const size = 32;
  const perCosmology = Math.max(1, Math.round(n / 10));
  const X = new Float64Array(perCosmology * 10 * size * size);
  const y = new Float64Array(perCosmology * 10);
  let k = 0;
  for (const batch of mapBatches({ mapsPerCosmology: perCosmology, size, seed, batchSize: 100 })) {
    X.set(batch.X.data, k * size * size);
    y.set(batch.y, k);
    k += batch.y.length;
  }
  // Standardise the maps (one mean and std over all pixels) so λ and γ mean the same as for signals.
  standardize(X);
  const Xa = ndarray(X, [k, size, size]);
  const G = quadraticTeacherGradients(Xa, y);
  return { X: Xa, G, description: `cosmology: ${k} simulated convergence maps of ${size} × ${size} (10 cosmologies) → Ω_m; gradients of a quadratic ridge teacher` };
}

function standardize(a: Float64Array): void {
  let mean = 0;
  for (const v of a) mean += v;
  mean /= a.length;
  let ss = 0;
  for (const v of a) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / a.length) || 1;
  for (let i = 0; i < a.length; i++) a[i] = (a[i] - mean) / sd;
}

/**
 * Fits f(x) = b + Σ uᵢxᵢ + Σ vᵢxᵢ² by kernel ridge regression in the dual (on at most 600
 * samples, so the cost does not depend on the number of pixels) and returns ∇f at every sample.
 */
export function quadraticTeacherGradients(X: NdArray, y: ArrayLike<number>): NdArray {
  const n = X.shape[0];
  const p = X.data.length / n;
  const m = Math.min(n, 600);
  const q = 2 * p;
  // Features φ(x) = [x, x²], centred over the m training samples.
  const phi = new Float64Array(m * q);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) {
      const v = X.data[i * p + j];
      phi[i * q + j] = v;
      phi[i * q + p + j] = v * v;
    }
  }
  const mean = new Float64Array(q);
  for (let i = 0; i < m; i++) for (let j = 0; j < q; j++) mean[j] += phi[i * q + j] / m;
  for (let i = 0; i < m; i++) for (let j = 0; j < q; j++) phi[i * q + j] -= mean[j];
  let yMean = 0;
  for (let i = 0; i < m; i++) yMean += y[i] / m;
  const K = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let j = 0; j < q; j++) s += phi[a * q + j] * phi[b * q + j];
      K[a * m + b] = s;
      K[b * m + a] = s;
    }
  }
  let trace = 0;
  for (let a = 0; a < m; a++) trace += K[a * m + a];
  const ridge = 0.01 * (trace / m) + 1e-12;
  for (let a = 0; a < m; a++) K[a * m + a] += ridge;
  const alpha = new Float64Array(m);
  for (let i = 0; i < m; i++) alpha[i] = y[i] - yMean;
  choleskySolve(K, m, alpha);
  const w = new Float64Array(q);
  for (let i = 0; i < m; i++) for (let j = 0; j < q; j++) w[j] += alpha[i] * phi[i * q + j];
  const G = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) G[i * p + j] = w[j] + 2 * w[p + j] * X.data[i * p + j];
  return ndarray(G, X.shape.slice());
}

/** Solves A x = b in place (A symmetric positive definite, m × m, overwritten by its factor). */
function choleskySolve(A: Float64Array, m: number, b: Float64Array): void {
  for (let j = 0; j < m; j++) {
    let d = A[j * m + j];
    for (let k = 0; k < j; k++) d -= A[j * m + k] ** 2;
    const l = Math.sqrt(d);
    A[j * m + j] = l;
    for (let i = j + 1; i < m; i++) {
      let s = A[i * m + j];
      for (let k = 0; k < j; k++) s -= A[i * m + k] * A[j * m + k];
      A[i * m + j] = s / l;
    }
  }
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= A[i * m + k] * b[k];
    b[i] = s / A[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < m; k++) s -= A[k * m + i] * b[k];
    b[i] = s / A[i * m + i];
  }
}

/** Reads a user's file: `.npy` (any shape n × length or n × rows × cols) or CSV / text (n × length). */
export function parseTable(bytes: Uint8Array, fileName: string): NdArray {
  if (fileName.toLowerCase().endsWith('.npy')) return parseNpy(bytes, fileName);
  const text = new TextDecoder().decode(bytes);
  const rows: number[][] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const cells = t.split(/[,;\t ]+/);
    const nums = cells.map(Number);
    if (nums.some((v) => !Number.isFinite(v))) {
      if (rows.length === 0 && i === 0) return; // a header line
      throw new Error(`${fileName}, line ${i + 1}: not a number in '${t.slice(0, 60)}'; give one sample per line, values separated by commas`);
    }
    if (rows.length > 0 && nums.length !== rows[0].length) {
      throw new Error(`${fileName}, line ${i + 1}: ${nums.length} values, the first row has ${rows[0].length}; every sample must have the same length`);
    }
    rows.push(nums);
  });
  if (rows.length === 0) throw new Error(`${fileName} holds no numbers`);
  const len = rows[0].length;
  const data = new Float64Array(rows.length * len);
  rows.forEach((r, i) => data.set(r, i * len));
  return ndarray(data, [rows.length, len]);
}
