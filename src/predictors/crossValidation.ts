import { AwdError, assertInt } from '../util/checks.ts';
import { Rng } from '../util/rng.ts';
import { takeRows, type NdArray } from '../util/ndarray.ts';

/** One cross-validation fold: indices (sorted ascending) to fit on and to score on. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Seeded K-fold splits of `0..n-1`: the indices are shuffled with `new Rng(seed)`, then cut into
 * `k` folds whose sizes differ by at most one (the first `n mod k` folds get one more, as in
 * scikit-learn's `KFold(shuffle=True)`). The test parts partition `0..n-1`; each fold's train
 * part is the complement of its test part. Same `(n, k, seed)` → same folds.
 *
 * @example
 * const folds = kFold(10, 5, 42);
 * folds.length;          // 5
 * folds[0].test.length;  // 2
 * folds[0].train.length; // 8
 */
export function kFold(n: number, k: number, seed: number): Fold[] {
  assertInt('kFold', 'n', n, 2);
  assertInt('kFold', 'k', k, 2, n);
  const perm = new Rng(seed).permutation(n);
  const folds: Fold[] = [];
  const base = Math.floor(n / k);
  const extra = n % k;
  let start = 0;
  const inTest = new Uint8Array(n);
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    const test = perm.slice(start, start + size).sort();
    start += size;
    inTest.fill(0);
    for (const i of test) inTest[i] = 1;
    const train = new Int32Array(n - size);
    let t = 0;
    for (let i = 0; i < n; i++) if (!inTest[i]) train[t++] = i;
    folds.push({ train, test });
  }
  return folds;
}

/** A data set: `X` is n × p (samples on the first axis), `y` has n values. */
export interface Dataset {
  X: NdArray;
  y: ArrayLike<number>;
}

/** Anything that predicts one value per row of an n × p matrix. */
export interface Predictor {
  predict(X: NdArray): Float64Array;
}

/**
 * Model selection with a held-out test set, written so that the test set cannot leak into
 * selection: `select` is called with the training data only (it may run its own
 * cross-validation, tune hyperparameters, standardise, ...), and only the finished model ever
 * sees `test.X`. `test.y` is used for nothing but the returned predictions' scoring by the caller.
 *
 * @example
 * const { model, testPredictions } = fitOnTrainPredictTest(train, test, (X, y) => ridgeCV(X, y, { seed: 0 }).model);
 * r2Score(test.y, testPredictions);
 */
export function fitOnTrainPredictTest<M extends Predictor>(
  train: Dataset,
  test: Pick<Dataset, 'X'>,
  select: (X: NdArray, y: Float64Array) => M,
): { model: M; testPredictions: Float64Array } {
  if (train.X.shape[0] !== train.y.length) {
    throw new AwdError('fitOnTrainPredictTest', `train.X has ${train.X.shape[0]} rows but train.y has ${train.y.length} values`);
  }
  // Copies, so that `select` holds no reference into caller-owned arrays that a test set shares.
  const X = { data: train.X.data.slice(), shape: [...train.X.shape] };
  const y = Float64Array.from(train.y);
  const model = select(X, y);
  return { model, testPredictions: model.predict(test.X) };
}

/** The rows of a data set at `indices` (copied). */
export function subset(data: Dataset, indices: ArrayLike<number>): { X: NdArray; y: Float64Array } {
  const y = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) y[i] = data.y[indices[i]];
  return { X: takeRows(data.X, indices), y };
}

/**
 * Seeded grouped K-fold splits: samples sharing a group label (e.g. tracks of the same cell or
 * patient) are always in the same fold. The distinct groups are shuffled with `new Rng(seed)` and
 * dealt to the folds largest-first onto the currently smallest fold, so fold sizes stay close.
 *
 * @example
 * const folds = groupKFold([0, 0, 1, 1, 2, 2], 3, 0); // each test part holds one group
 */
export function groupKFold(groups: ArrayLike<number>, k: number, seed: number): Fold[] {
  const n = groups.length;
  assertInt('groupKFold', 'n', n, 2);
  const ids = [...new Set(Array.from(groups))];
  if (ids.length < k) throw new AwdError('groupKFold', `${ids.length} distinct groups cannot fill ${k} folds; use at most ${ids.length} folds or more groups`);
  const perm = new Rng(seed).permutation(ids.length);
  const count = new Map<number, number>();
  for (let i = 0; i < n; i++) count.set(groups[i], (count.get(groups[i]) ?? 0) + 1);
  const order = Array.from(perm, (i) => ids[i]).sort((a, b) => (count.get(b)! - count.get(a)!));
  const foldOf = new Map<number, number>();
  const sizes = new Array<number>(k).fill(0);
  for (const g of order) {
    let f = 0;
    for (let j = 1; j < k; j++) if (sizes[j] < sizes[f]) f = j;
    foldOf.set(g, f);
    sizes[f] += count.get(g)!;
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < n; i++) (foldOf.get(groups[i]) === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}
