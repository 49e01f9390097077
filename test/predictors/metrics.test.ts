import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mse, r2Score, rmse } from '../../src/predictors/metrics.ts';

test('mse, rmse, r2Score on hand cases', () => {
  assert.equal(mse([1, 2, 3], [1, 2, 5]), 4 / 3);
  assert.equal(rmse([0, 0], [3, -3]), 3);
  assert.equal(r2Score([1, 2, 3], [1, 2, 3]), 1);
  assert.equal(r2Score([1, 2, 3], [2, 2, 2]), 0);
  // SS_tot = 2, SS_res = 0.25 + 0 + 0.25 = 0.5 → 0.75
  assert.equal(r2Score([1, 2, 3], [1.5, 2, 2.5]), 0.75);
  assert.equal(r2Score([5, 5], [5, 5]), 1);
  assert.equal(r2Score([5, 5], [4, 5]), 0);
});

test('metrics reject length mismatches and empty input', () => {
  assert.throws(() => mse([1, 2], [1]), /Error in mse/);
  assert.throws(() => r2Score([], []), /Error in r2Score/);
});
