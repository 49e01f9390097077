/**
 * Peak-count statistics of 2D maps (DESIGN.md 5.3), following the reference
 * (notebooks/cosmology/peak_counting.py, class PeakCount):
 *
 * 1. Peaks are located on the UNFILTERED map: pixels strictly greater than all 8 neighbours.
 *    Border pixels are never peaks by default (`border: 'exclude'`, as the reference, which only
 *    tests interior pixels); `border: 'periodic'` wraps the neighbourhood instead (for periodic
 *    maps). Plateaus: no pixel of a flat top is a peak (none is strictly greater than its twin).
 * 2. Each statistic (a 3×3 kernel applied as a cross-correlation centred on the pixel, the raw map,
 *    or the Roberts-cross gradient statistic) is evaluated at the peaks only.
 * 3. The values are histogrammed with numpy's rule: bins `[e_k, e_{k+1})`, the last bin closed,
 *    values outside `[e_0, e_last]` dropped. Several statistics give concatenated histograms.
 */
import { AwdError } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';
import { robertsCrossAt } from './kernels.ts';

/** Border handling of peak finding and filtering. */
export type BorderMode = 'exclude' | 'periodic';

/**
 * What is measured at each peak: a 3×3 kernel (row-major Float64Array(9), cross-correlation),
 * `'raw'` (the map value; the reference's `original`), or `'robertsCross'`.
 */
export type PeakStatistic = ArrayLike<number> | 'raw' | 'robertsCross';

/**
 * `n` evenly spaced values from `a` to `b` inclusive (numpy's `linspace`).
 *
 * @example
 * linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? a : a + ((b - a) * i) / (n - 1);
  if (n > 1) out[n - 1] = b;
  return out;
}

/** The paper's bin edges: 22 bins on [-0.03, 0.19] (`np.linspace(-0.03, 0.19, 23)`). */
export const PAPER_BIN_EDGES: Readonly<Float64Array> = linspace(-0.03, 0.19, 23);

function checkMap(where: string, map: ArrayLike<number>, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || map.length !== rows * cols) {
    throw new AwdError(where, `map must hold rows·cols values; got ${map.length} values for ${rows}×${cols}`);
  }
}

/**
 * Flat indices (row-major, increasing) of the peaks of a map: pixels strictly greater than all 8
 * neighbours. With `border: 'exclude'` (default) only interior pixels can be peaks; with
 * `'periodic'` every pixel can, neighbours wrapping around (maps need at least 3×3).
 *
 * @example
 * const m = new Float64Array(25); m[12] = 1;   // 5×5 map, one spike in the middle
 * findPeaks(m, 5, 5);                          // Int32Array [12]
 */
export function findPeaks(map: ArrayLike<number>, rows: number, cols: number, border: BorderMode = 'exclude'): Int32Array {
  checkMap('findPeaks', map, rows, cols);
  const found: number[] = [];
  if (border === 'exclude') {
    for (let r = 1; r < rows - 1; r++) {
      for (let c = 1; c < cols - 1; c++) {
        const i = r * cols + c;
        const v = map[i];
        if (
          v > map[i - cols - 1] &&
          v > map[i - cols] &&
          v > map[i - cols + 1] &&
          v > map[i - 1] &&
          v > map[i + 1] &&
          v > map[i + cols - 1] &&
          v > map[i + cols] &&
          v > map[i + cols + 1]
        ) {
          found.push(i);
        }
      }
    }
  } else if (border === 'periodic') {
    if (rows < 3 || cols < 3) throw new AwdError('findPeaks', `periodic peak finding needs a map of at least 3×3, got ${rows}×${cols}`);
    for (let r = 0; r < rows; r++) {
      const up = ((r + rows - 1) % rows) * cols;
      const mid = r * cols;
      const down = ((r + 1) % rows) * cols;
      for (let c = 0; c < cols; c++) {
        const l = (c + cols - 1) % cols;
        const rr = (c + 1) % cols;
        const v = map[mid + c];
        if (
          v > map[up + l] &&
          v > map[up + c] &&
          v > map[up + rr] &&
          v > map[mid + l] &&
          v > map[mid + rr] &&
          v > map[down + l] &&
          v > map[down + c] &&
          v > map[down + rr]
        ) {
          found.push(mid + c);
        }
      }
    }
  } else {
    throw new AwdError('findPeaks', `border must be 'exclude' or 'periodic', got ${String(border)}`);
  }
  return Int32Array.from(found);
}

/** Value of a 3×3 cross-correlation at pixel (r, c); indices wrap when `periodic`, else zero padding. */
function correlate3x3At(
  map: ArrayLike<number>,
  rows: number,
  cols: number,
  kernel: ArrayLike<number>,
  r: number,
  c: number,
  periodic: boolean,
): number {
  let s = 0;
  for (let a = 0; a < 3; a++) {
    let rr = r + a - 1;
    if (periodic) rr = (rr + rows) % rows;
    else if (rr < 0 || rr >= rows) continue;
    for (let b = 0; b < 3; b++) {
      let cc = c + b - 1;
      if (periodic) cc = (cc + cols) % cols;
      else if (cc < 0 || cc >= cols) continue;
      s += kernel[a * 3 + b] * map[rr * cols + cc];
    }
  }
  return s;
}

function checkStatistic(where: string, s: PeakStatistic): void {
  if (s === 'raw' || s === 'robertsCross') return;
  if (typeof s !== 'object' || s === null || s.length !== 9) {
    throw new AwdError(where, `a statistic must be 'raw', 'robertsCross' or a 3×3 kernel of 9 values`);
  }
}

/**
 * Filters a whole map with a 3×3 kernel: `out[i,j] = Σ_{a,b} K[a,b]·x[i+a-1, j+b-1]`
 * (cross-correlation, like PyTorch's `conv2d`), same size as the map. `'exclude'` border: zero
 * padding (the values at border pixels are never used by peak counting, whose peaks are
 * interior, where this equals the reference's 'valid' correlation); `'periodic'`: wrap-around.
 *
 * @example
 * filterMap3x3(new Float64Array(16).fill(1), 4, 4, LAPLACE_KERNEL)[5]; // ≈ 0 (Laplace kills constants)
 */
export function filterMap3x3(
  map: ArrayLike<number>,
  rows: number,
  cols: number,
  kernel: ArrayLike<number>,
  border: BorderMode = 'exclude',
): Float64Array {
  checkMap('filterMap3x3', map, rows, cols);
  checkStatistic('filterMap3x3', kernel);
  const out = new Float64Array(rows * cols);
  const periodic = border === 'periodic';
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = correlate3x3At(map, rows, cols, kernel, r, c, periodic);
  return out;
}

/**
 * The values of a statistic at the given peaks (flat indices from {@link findPeaks}).
 *
 * @example
 * const m = new Float64Array(25); m[12] = 1;
 * peakValues(m, 5, 5, findPeaks(m, 5, 5), LAPLACE_KERNEL); // [10/3]
 */
export function peakValues(
  map: ArrayLike<number>,
  rows: number,
  cols: number,
  peaks: Int32Array,
  statistic: PeakStatistic,
  border: BorderMode = 'exclude',
): Float64Array {
  checkMap('peakValues', map, rows, cols);
  checkStatistic('peakValues', statistic);
  const periodic = border === 'periodic';
  const out = new Float64Array(peaks.length);
  for (let k = 0; k < peaks.length; k++) {
    const i = peaks[k];
    const r = Math.floor(i / cols);
    const c = i - r * cols;
    if (statistic === 'raw') out[k] = map[i];
    else if (statistic === 'robertsCross') {
      if (!periodic && (r < 1 || c < 1 || r > rows - 2 || c > cols - 2)) {
        throw new AwdError('peakValues', `robertsCross needs interior pixels unless border is 'periodic'; got (${r}, ${c})`);
      }
      out[k] = robertsCrossAt(map, rows, cols, r, c, periodic);
    } else out[k] = correlate3x3At(map, rows, cols, statistic, r, c, periodic);
  }
  return out;
}

/**
 * Histogram with numpy's rule (`np.histogram(values, bins=edges)[0]`): bins `[e_k, e_{k+1})`, the
 * last one closed; values outside `[e_0, e_last]` (and NaN) are dropped. Edges must increase.
 * Adds into `out` at `offset` when given.
 *
 * @example
 * histogram([0, 0.5, 1, 2], [0, 0.5, 1]); // [1, 2]
 */
export function histogram(
  values: ArrayLike<number>,
  edges: ArrayLike<number>,
  out?: Float64Array,
  offset = 0,
): Float64Array {
  const nb = edges.length - 1;
  if (nb < 1) throw new AwdError('histogram', `need at least 2 edges, got ${edges.length}`);
  for (let k = 0; k < nb; k++) {
    if (!(edges[k + 1] > edges[k])) throw new AwdError('histogram', `edges must be strictly increasing (edge ${k + 1})`);
  }
  const res = out ?? new Float64Array(nb);
  const lo = edges[0];
  const hi = edges[nb];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    let a = 0;
    let b = nb; // binary search: largest k with edges[k] <= v
    while (b - a > 1) {
      const m = (a + b) >> 1;
      if (edges[m] <= v) a = m;
      else b = m;
    }
    res[offset + a] += 1;
  }
  return res;
}

/** Options of the peak-count features. */
export interface PeakCountOptions {
  /** Statistics measured at the peaks, e.g. `[LAPLACE_KERNEL]` or the four AWD kernels. */
  statistics: readonly PeakStatistic[];
  /** Bin edges: one array for all statistics, or one per statistic. */
  edges: ArrayLike<number> | readonly ArrayLike<number>[];
  /** Border handling (default 'exclude'). */
  border?: BorderMode;
}

function edgesFor(where: string, o: PeakCountOptions): ArrayLike<number>[] {
  const e = o.edges;
  const list: ArrayLike<number>[] =
    Array.isArray(e) && e.length > 0 && typeof e[0] === 'object' ? (e as ArrayLike<number>[]) : o.statistics.map(() => e as ArrayLike<number>);
  if (list.length !== o.statistics.length) {
    throw new AwdError(where, `got ${list.length} edge arrays for ${o.statistics.length} statistics`);
  }
  return list;
}

/**
 * Peak-count histograms of a batch of maps X (`n × rows × cols`): row i is the concatenation, over
 * the statistics, of the histogram of that statistic at the peaks of map i. Shape
 * `n × Σ (bins per statistic)`.
 *
 * @example
 * const H = peakHistograms(X, { statistics: [LAPLACE_KERNEL], edges: PAPER_BIN_EDGES }); // n × 22
 */
export function peakHistograms(X: NdArray, options: PeakCountOptions): NdArray {
  return peakHistogramsMany(X, [options], 'peakHistograms')[0];
}

/**
 * {@link peakHistograms} for several predictors on the same maps, finding each map's peaks once:
 * result k is exactly `peakHistograms(X, sets[k])` (same arithmetic), at a fraction of the cost when
 * many predictors (e.g. every cell of an AWD grid) read the same maps. All sets must use the same
 * border mode.
 *
 * @example
 * const [H1, H2] = peakHistogramsMany(X, [{ statistics: [LAPLACE_KERNEL], edges: e1 }, { statistics: ['robertsCross'], edges: e2 }]);
 */
export function peakHistogramsMany(X: NdArray, sets: readonly PeakCountOptions[], where = 'peakHistogramsMany'): NdArray[] {
  if (X.shape.length !== 3) throw new AwdError(where, `X must be n × rows × cols, got shape [${X.shape.join(', ')}]`);
  const [n, rows, cols] = X.shape;
  if (sets.length === 0) return [];
  const border = sets[0].border ?? 'exclude';
  const plan = sets.map((o) => {
    if (o.statistics.length === 0) throw new AwdError(where, 'give at least one statistic');
    o.statistics.forEach((s) => checkStatistic(where, s));
    if ((o.border ?? 'exclude') !== border) throw new AwdError(where, `all predictors must use the same border mode, got '${o.border ?? 'exclude'}' and '${border}'`);
    const edges = edgesFor(where, o);
    const widths = edges.map((e) => e.length - 1);
    const d = widths.reduce((a, b) => a + b, 0);
    return { statistics: o.statistics, edges, widths, d, out: new Float64Array(n * d) };
  });
  for (let i = 0; i < n; i++) {
    const map = X.data.subarray(i * rows * cols, (i + 1) * rows * cols);
    const peaks = findPeaks(map, rows, cols, border);
    for (const p of plan) {
      let off = i * p.d;
      for (let s = 0; s < p.statistics.length; s++) {
        histogram(peakValues(map, rows, cols, peaks, p.statistics[s], border), p.edges[s], p.out, off);
        off += p.widths[s];
      }
    }
  }
  return plan.map((p) => ndarray(p.out, [n, p.d]));
}

/** Options of {@link binEdgesFromTraining}. */
export interface BinEdgeOptions {
  /** Number of bins (default 22, as the paper). */
  bins?: number;
  /**
   * Range of the edges from the training peak values: `'quantile'` (default) takes the
   * `[lowQuantile, highQuantile]` quantiles (robust to a few extreme peaks); `'minmax'` the range.
   */
  method?: 'quantile' | 'minmax';
  lowQuantile?: number;
  highQuantile?: number;
  border?: BorderMode;
}

/**
 * Bin edges for maps other than the paper's: for each statistic, `bins` equal-width bins spanning
 * the training maps' peak values (all peaks of all maps pooled) between two quantiles (default
 * 0.5 % and 99.5 %) or between min and max. Compute on the training split only. All peak values
 * are held in memory (≈ 1,600 per 256×256 map): a few hundred training maps are plenty.
 *
 * @example
 * const edges = binEdgesFromTraining(trainX, [LAPLACE_KERNEL]); // [Float64Array(23)]
 */
export function binEdgesFromTraining(
  X: NdArray,
  statistics: readonly PeakStatistic[],
  options: BinEdgeOptions = {},
): Float64Array[] {
  const where = 'binEdgesFromTraining';
  if (X.shape.length !== 3) throw new AwdError(where, `X must be n × rows × cols, got shape [${X.shape.join(', ')}]`);
  const [n, rows, cols] = X.shape;
  const bins = options.bins ?? 22;
  if (!Number.isInteger(bins) || bins < 1) throw new AwdError(where, `bins must be an integer >= 1, got ${bins}`);
  const method = options.method ?? 'quantile';
  const ql = options.lowQuantile ?? 0.005;
  const qh = options.highQuantile ?? 0.995;
  if (!(ql >= 0 && qh <= 1 && ql < qh)) throw new AwdError(where, `need 0 <= lowQuantile < highQuantile <= 1, got ${ql}, ${qh}`);
  const border = options.border ?? 'exclude';
  const pooled: number[][] = statistics.map(() => []);
  for (let i = 0; i < n; i++) {
    const map = X.data.subarray(i * rows * cols, (i + 1) * rows * cols);
    const peaks = findPeaks(map, rows, cols, border);
    statistics.forEach((s, k) => {
      for (const v of peakValues(map, rows, cols, peaks, s, border)) pooled[k].push(v);
    });
  }
  return pooled.map((vals, k) => {
    if (vals.length === 0) throw new AwdError(where, `no peaks found for statistic ${k} in the training maps`);
    const sorted = Float64Array.from(vals).sort();
    const q = (p: number): number => {
      const pos = p * (sorted.length - 1);
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, sorted.length - 1);
      return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    };
    let a = method === 'minmax' ? sorted[0] : q(ql);
    let b = method === 'minmax' ? sorted[sorted.length - 1] : q(qh);
    if (!(b > a)) {
      a -= 0.5;
      b += 0.5;
    }
    return linspace(a, b, bins + 1);
  });
}
