import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compressionFactor } from '../../src/predictors/compression.ts';

test('compressionFactor: both magnitudes must exceed the threshold, strictly', () => {
  const coeffs = [new Float64Array([0.5, 0, 2, -0.002]), new Float64Array([1, 1e-3])];
  const attrs = [new Float64Array([-1, 1, 0, 0.5]), new Float64Array([0.01, 1])];
  // kept: (0.5,-1) yes; (0,1) no; (2,0) no; (-0.002,0.5) yes; (1,0.01) yes; (1e-3,1) no (not > 1e-3)
  assert.equal(compressionFactor(coeffs, attrs), 3 / 6);
  assert.equal(compressionFactor(coeffs, attrs, 0.1), 1 / 6);
  assert.equal(compressionFactor(coeffs, attrs, 0), 4 / 6);
});

test('compressionFactor: shape mismatches are errors', () => {
  assert.throws(() => compressionFactor([[1]], []), /Error in compressionFactor/);
  assert.throws(() => compressionFactor([[1, 2]], [[1]]), /array 0 has 2 values/);
});
