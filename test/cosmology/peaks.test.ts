import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  findPeaks,
  filterMap3x3,
  peakValues,
  histogram,
  peakHistograms,
  peakHistogramsMany,
  binEdgesFromTraining,
  linspace,
  PAPER_BIN_EDGES,
} from '../../src/predictors/peaks.ts';
import { LAPLACE_KERNEL } from '../../src/predictors/kernels.ts';
import { ndarray } from '../../src/util/ndarray.ts';

function grid(rows: string[]): { map: Float64Array; rows: number; cols: number } {
  const vals = rows.map((r) => r.trim().split(/\s+/).map(Number));
  return { map: Float64Array.from(vals.flat()), rows: vals.length, cols: vals[0].length };
}

test('findPeaks: a single interior spike is the only peak', () => {
  const { map, rows, cols } = grid(['0 0 0 0 0', '0 0 0 0 0', '0 0 5 0 0', '0 0 0 0 0']);
  assert.deepEqual(Array.from(findPeaks(map, rows, cols)), [12]);
});

test('findPeaks: no pixel of a flat plateau is a peak; a bump on the plateau is', () => {
  const flat = grid(['0 0 0 0 0', '0 3 3 0 0', '0 3 3 0 0', '0 0 0 0 0']);
  assert.equal(findPeaks(flat.map, flat.rows, flat.cols).length, 0);
  const twin = grid(['0 0 0 0', '0 2 2 0', '0 0 0 0']);
  assert.equal(findPeaks(twin.map, twin.rows, twin.cols).length, 0);
  const bump = grid(['0 0 0 0 0', '0 3 3 0 0', '0 3 4 0 0', '0 0 0 0 0']);
  assert.deepEqual(Array.from(findPeaks(bump.map, bump.rows, bump.cols)), [12]);
  const constant = new Float64Array(36).fill(1);
  assert.equal(findPeaks(constant, 6, 6).length, 0);
  assert.equal(findPeaks(constant, 6, 6, 'periodic').length, 0);
});

test('findPeaks: border pixels are never peaks by default, but are with periodic borders', () => {
  // maxima at a corner (0,0), an edge (2,4) and the interior (2,2)
  const { map, rows, cols } = grid(['9 1 0 0 0', '1 0 0 0 1', '0 0 5 0 7', '0 0 0 0 1', '0 0 0 0 0']);
  assert.deepEqual(Array.from(findPeaks(map, rows, cols)), [12]);
  assert.deepEqual(Array.from(findPeaks(map, rows, cols, 'exclude')), [12]);
  // periodic: (0,0)=9 wraps to neighbours (4,4)=0,(4,0)=0,(0,4)=0,(1,4)=1,(4,1)=0 → a peak;
  // (2,4)=7 wraps to (1,0)=1,(2,0)=0,(3,0)=0 → a peak
  assert.deepEqual(Array.from(findPeaks(map, rows, cols, 'periodic')), [0, 12, 14]);
});

test('findPeaks: every strict inequality counts (a neighbour equal in a diagonal kills the peak)', () => {
  const { map, rows, cols } = grid(['0 0 0 0', '0 5 0 0', '0 0 5 0', '0 0 0 0']);
  assert.equal(findPeaks(map, rows, cols).length, 0);
  const ok = grid(['0 0 0 0', '0 5 0 0', '0 0 4.999 0', '0 0 0 0']);
  assert.deepEqual(Array.from(findPeaks(ok.map, ok.rows, ok.cols)), [5]);
});

test('findPeaks rejects a map whose size does not match', () => {
  assert.throws(() => findPeaks(new Float64Array(10), 3, 3), /Error in findPeaks/);
});

test('filterMap3x3 is a cross-correlation (not a convolution) with zero or periodic borders', () => {
  const { map, rows, cols } = grid(['1 2 3', '4 5 6', '7 8 9']);
  const k = Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0]); // picks the top-left neighbour
  const f = filterMap3x3(map, rows, cols, k);
  assert.equal(f[4], 1); // correlation: x[i-1, j-1]; a convolution would give x[i+1, j+1] = 9
  assert.equal(f[0], 0); // zero padding
  assert.equal(filterMap3x3(map, rows, cols, k, 'periodic')[0], 9); // wraps to (2,2)
  const lap = filterMap3x3(map, rows, cols, LAPLACE_KERNEL);
  // Laplace at the centre of a linear ramp is 0 (kernel sums to 0 and is symmetric)
  assert.ok(Math.abs(lap[4]) < 1e-12);
});

test('peakValues: filtered values are read at the peaks of the UNFILTERED map', () => {
  const { map, rows, cols } = grid(['0 0 0 0 0', '0 0 1 0 0', '0 0 0 0 0', '0 0 0 0 0', '0 0 0 0 0']);
  const peaks = findPeaks(map, rows, cols);
  assert.deepEqual(Array.from(peaks), [7]);
  assert.deepEqual(Array.from(peakValues(map, rows, cols, peaks, 'raw')), [1]);
  const lap = peakValues(map, rows, cols, peaks, LAPLACE_KERNEL);
  assert.ok(Math.abs(lap[0] - 10 / 3) < 1e-12);
  const rc = peakValues(map, rows, cols, peaks, 'robertsCross');
  assert.ok(Math.abs(rc[0] - 4) < 1e-12);
});

test('histogram follows numpy: half-open bins, last bin closed, out-of-range dropped', () => {
  assert.deepEqual(Array.from(histogram([0, 0.5, 1, 2, -1, NaN, 0.49], [0, 0.5, 1])), [2, 2]);
  assert.deepEqual(Array.from(histogram([0.25], [0, 0.25, 0.5, 0.75, 1])), [0, 1, 0, 0]);
  assert.throws(() => histogram([1], [0, 0]), /strictly increasing/);
});

test('PAPER_BIN_EDGES are 22 bins on [-0.03, 0.19]', () => {
  assert.equal(PAPER_BIN_EDGES.length, 23);
  assert.equal(PAPER_BIN_EDGES[0], -0.03);
  assert.equal(PAPER_BIN_EDGES[22], 0.19);
  assert.ok(Math.abs(PAPER_BIN_EDGES[1] - -0.02) < 1e-15);
  assert.deepEqual(Array.from(linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
});

test('peakHistograms concatenates one histogram per statistic for each map', () => {
  const a = grid(['0 0 0 0 0', '0 2 0 0 0', '0 0 0 0 0', '0 0 0 3 0', '0 0 0 0 0']).map;
  const b = new Float64Array(25);
  const X = ndarray(Float64Array.from([...a, ...b]), [2, 5, 5]);
  const H = peakHistograms(X, { statistics: ['raw', LAPLACE_KERNEL], edges: [[0, 2.5, 5], [0, 8, 16]] });
  assert.deepEqual(H.shape, [2, 4]);
  // map a: raw peaks 2, 3 → bins [1, 1]; Laplace 20/3, 10 → bins [1, 1]; map b: no peaks
  assert.deepEqual(Array.from(H.data), [1, 1, 1, 1, 0, 0, 0, 0]);
  const H1 = peakHistograms(X, { statistics: ['raw'], edges: [0, 5] });
  assert.deepEqual(Array.from(H1.data), [2, 0]);
});

test('peakHistogramsMany: each set equals findPeaks → peakValues → histogram on every map, peaks found once', () => {
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const n = 3;
  const X = ndarray(Float64Array.from({ length: n * 12 * 12 }, rnd), [n, 12, 12]);
  const sets = [
    { statistics: ['raw', LAPLACE_KERNEL] as const, edges: [[-0.5, 0, 0.2, 0.5], [-4, 0, 4]] },
    { statistics: ['robertsCross'] as const, edges: [0, 0.1, 0.3, 1] },
    { statistics: [LAPLACE_KERNEL] as const, edges: [-2, -1, 0, 1, 2] },
  ];
  const got = peakHistogramsMany(X, sets);
  assert.equal(got.length, 3);
  sets.forEach((set, k) => {
    const edges = set.statistics.map((_, j) => (Array.isArray(set.edges[0]) ? (set.edges as number[][])[j] : (set.edges as number[])));
    const want: number[] = [];
    for (let i = 0; i < n; i++) {
      const map = X.data.subarray(i * 144, (i + 1) * 144);
      const peaks = findPeaks(map, 12, 12);
      set.statistics.forEach((st, j) => want.push(...histogram(peakValues(map, 12, 12, peaks, st), edges[j])));
    }
    assert.deepEqual(Array.from(got[k].data), want, `set ${k}`);
    assert.deepEqual(Array.from(peakHistograms(X, set).data), want);
  });
  assert.ok(got[0].data.some((v) => v > 0));
  assert.throws(() => peakHistogramsMany(X, [sets[2], { ...sets[2], border: 'periodic' }]), /same border mode/);
  assert.deepEqual(peakHistogramsMany(X, []), []);
});

test('binEdgesFromTraining spans the training peak values', () => {
  const a = grid(['0 0 0 0 0', '0 2 0 0 0', '0 0 0 0 0', '0 0 0 3 0', '0 0 0 0 0']).map;
  const X = ndarray(Float64Array.from(a), [1, 5, 5]);
  const [e] = binEdgesFromTraining(X, ['raw'], { bins: 4, method: 'minmax' });
  assert.deepEqual(Array.from(e), [2, 2.25, 2.5, 2.75, 3]);
  const [q] = binEdgesFromTraining(X, ['raw'], { bins: 2 });
  assert.ok(q[0] > 2 && q[0] < 2.01 && q[2] < 3 && q[2] > 2.99);
});
