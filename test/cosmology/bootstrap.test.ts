import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapRmse } from '../../src/predictors/bootstrap.ts';

test('bootstrapRmse: RMSE of the full set, zero spread when all errors are equal', () => {
  const y = [0.1, 0.2, 0.3, 0.4];
  const p = [0.2, 0.1, 0.4, 0.3];
  const r = bootstrapRmse(y, p, { resamples: 200 });
  assert.ok(Math.abs(r.rmse - 0.1) < 1e-12);
  assert.ok(r.std < 1e-12);
  assert.equal(r.resamples, 200);
});

test('bootstrapRmse: the spread matches the delta-method value for a known error distribution', () => {
  // squared errors are 0 or 1 (half each): the mean of n resampled ones has variance 0.25/n,
  // so std(RMSE) ≈ sqrt(0.25/n) / (2·sqrt(0.5))
  const n = 400;
  const y = new Float64Array(n);
  const p = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
  const r = bootstrapRmse(y, p, { seed: 3 });
  assert.equal(r.resamples, 10000);
  assert.ok(Math.abs(r.rmse - Math.SQRT1_2) < 1e-12);
  const expected = Math.sqrt(0.25 / n) / (2 * Math.SQRT1_2);
  assert.ok(Math.abs(r.std - expected) / expected < 0.05, `std ${r.std} vs ${expected}`);
  assert.ok(Math.abs(r.mean - r.rmse) < 0.01);
});

test('bootstrapRmse is deterministic for a seed and varies with it', () => {
  const y = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i));
  const p = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i) + 0.1 * Math.cos(3 * i));
  const a = bootstrapRmse(y, p, { seed: 7, resamples: 500 });
  const b = bootstrapRmse(y, p, { seed: 7, resamples: 500 });
  const c = bootstrapRmse(y, p, { seed: 8, resamples: 500 });
  assert.deepEqual(a, b);
  assert.notEqual(a.std, c.std);
  assert.equal(a.rmse, c.rmse);
});

test('bootstrapRmse checks its inputs', () => {
  assert.throws(() => bootstrapRmse([1, 2], [1]), /Error in bootstrapRmse/);
  assert.throws(() => bootstrapRmse([], []), /at least one/);
  assert.throws(() => bootstrapRmse([1], [NaN]), /not finite/);
});
