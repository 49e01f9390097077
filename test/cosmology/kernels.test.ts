import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LAPLACE_KERNEL,
  LAPLACE_V2_KERNEL,
  robertsCrossAt,
  outer,
  waveletFilters2d,
  cutKernel3x3,
  extractPatches,
} from '../../src/predictors/kernels.ts';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): boolean =>
  a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol);

test('Laplace kernels have the reference values and sum to zero', () => {
  assert.ok(close(LAPLACE_KERNEL, [-1 / 6, -2 / 3, -1 / 6, -2 / 3, 10 / 3, -2 / 3, -1 / 6, -2 / 3, -1 / 6]));
  assert.ok(Math.abs(LAPLACE_KERNEL.reduce((a, b) => a + b, 0)) < 1e-12);
  assert.ok(close(LAPLACE_V2_KERNEL, [0, -1, 0, -1, 4, -1, 0, -1, 0]));
});

test('robertsCrossAt sums the gradient magnitudes of the four 2×2 windows around the pixel', () => {
  // x = r (a ramp down the rows): every window has gx = x01 - x10 = -1, gy = x00 - x11 = -1
  const ramp = Float64Array.from({ length: 9 }, (_, i) => Math.floor(i / 3));
  assert.ok(Math.abs(robertsCrossAt(ramp, 3, 3, 1, 1) - 4 * Math.SQRT2) < 1e-12);
  const flat = new Float64Array(9).fill(2);
  assert.equal(robertsCrossAt(flat, 3, 3, 1, 1), 0);
  // periodic at a corner equals the interior value of the circularly shifted map
  const x = Float64Array.from([1, 5, 2, 7, 3, 9, 4, 8, 6]);
  const shifted = Float64Array.from({ length: 9 }, (_, i) => x[(((Math.floor(i / 3) + 2) % 3) * 3) + ((i % 3) + 2) % 3]);
  assert.ok(Math.abs(robertsCrossAt(x, 3, 3, 0, 0, true) - robertsCrossAt(shifted, 3, 3, 1, 1)) < 1e-12);
});

test('outer and waveletFilters2d follow the reference layout', () => {
  assert.deepEqual(Array.from(outer([1, 2], [1, 0, -1])), [1, 0, -1, 2, 0, -2]);
  const h = [1, 2];
  const g = [3, -1];
  const f = waveletFilters2d(h, g);
  assert.equal(f.size, 2);
  assert.deepEqual(Array.from(f.LL), [1, 2, 2, 4]);
  assert.deepEqual(Array.from(f.LH), [3, 6, -1, -2]); // LH[i][j] = g[i] h[j]
  assert.deepEqual(Array.from(f.HL), [3, -1, 6, -2]); // HL[i][j] = h[i] g[j]
  assert.deepEqual(Array.from(f.HH), [9, -3, -3, 1]);
  assert.throws(() => waveletFilters2d([1], [1, 2]), /same non-zero length/);
});

test('cutKernel3x3 picks the 3×3 window with the largest sum of squares', () => {
  // 5×6 filter: small values everywhere, a block of mass with its top-left at (2, 3)
  const rows = 5;
  const cols = 6;
  const f = new Float64Array(rows * cols).fill(0.1);
  f[2 * cols + 3] = 2;
  f[3 * cols + 4] = -3;
  f[4 * cols + 5] = 1;
  f[0] = 2.5; // a large single tap far away loses to the concentrated block
  const cut = cutKernel3x3(f, rows, cols);
  assert.equal(cut.row, 2);
  assert.equal(cut.col, 3);
  assert.deepEqual(Array.from(cut.kernel), [2, 0.1, 0.1, 0.1, -3, 0.1, 0.1, 0.1, 1]);
  assert.ok(Math.abs(cut.energy - (4 + 9 + 1 + 6 * 0.01)) < 1e-12);
  // a 3×3 filter is its own cut
  const k = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(cutKernel3x3(k, 3, 3).kernel), Array.from(k));
  assert.throws(() => cutKernel3x3(new Float64Array(4), 2, 2), /Error in cutKernel3x3/);
});

test('cutKernel3x3 with center measures energy around the mean', () => {
  // a constant offset of 10 everywhere except a dip; without centring the largest-offset window
  // wins, with centring the window holding the dip wins
  const f = new Float64Array(16).fill(10);
  f[15] = 0;
  f[0] = 11;
  assert.deepEqual([cutKernel3x3(f, 4, 4).row, cutKernel3x3(f, 4, 4).col], [0, 0]);
  const c = cutKernel3x3(f, 4, 4, { center: true });
  assert.deepEqual([c.row, c.col], [1, 1]);
  assert.equal(c.kernel[8], 0);
});

test('extractPatches cuts h and g to their strongest 3-tap windows and centres LH, HL, HH', () => {
  // windows are scored on the mean-centred filter: h's best is [-1, 4, -1], g's [1, -2, 1]
  const h = [0, -1, 4, -1, 0, 0];
  const g = [0, 1, -2, 1, 0, 0];
  const [LL, LH, HL, HH] = extractPatches(h, g);
  assert.ok(close(LL, outer([-1, 4, -1], [-1, 4, -1])));
  const mean = (k: Float64Array): number => k.reduce((a, b) => a + b, 0) / 9;
  for (const k of [LH, HL, HH]) assert.ok(Math.abs(mean(k)) < 1e-12);
  // g's window sums to 0, so LH = g⊗h already has mean 0 and centring leaves it unchanged
  assert.ok(close(LH, outer([1, -2, 1], [-1, 4, -1])));
  assert.ok(close(HL, outer([-1, 4, -1], [1, -2, 1])));
  const raw = extractPatches(h, g, { centering: false });
  assert.ok(close(raw[3], outer([1, -2, 1], [1, -2, 1])));
  // the reference never tries the last window: a filter whose mass sits at the end
  const hEnd = [0, 0, 0, 0, 2, 3];
  assert.ok(close(extractPatches(hEnd, g)[0], outer([0, 2, 3], [0, 2, 3])));
  assert.ok(close(extractPatches(hEnd, g, { includeLastWindow: false })[0], outer([0, 0, 2], [0, 0, 2])));
});
