/** A diverging fit is an error naming what to change; a sane one is not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { DivergenceGuard } from '../../src/awd/divergence.ts';
import { resolveWeights } from '../../src/awd/loss.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';

const rng = new Rng(2);
const X = ndarray(rng.fillNormal(new Float64Array(40 * 32)), [40, 32]);
const G = ndarray(rng.fillNormal(new Float64Array(40 * 32)), [40, 32]);
const fit = (learningRate: number, lambda = 0) =>
  AdaptiveWavelet.fit(X, { teacherGrads: G, wavelet: 'db3', levels: 2, epochs: 5, batchSize: 10, seed: 5, lambda, gamma: lambda, learningRate });

test('a fit whose loss explodes (learning rate 10) fails, naming the learning rate and the weights', () => {
  assert.throws(() => fit(10), /the fit diverged: the loss grew to .* at epoch 1, batch \d+ .*lower the learning rate \(now 10; --lr 1 or less/);
  assert.throws(() => fit(10, 1), /lower the learning rate .*or the weights λ = 1, γ = 1 \(--lambda, --gamma\)/);
});

test('sane fits (learning rates up to 1) are not taken for divergence', () => {
  for (const lr of [1e-3, 0.1, 1]) assert.equal(fit(lr).history.length, 5);
});

test('DivergenceGuard: non-finite loss, growth by 1e6 over the scale, and a filter norm beyond 100', () => {
  const w = resolveWeights({ l1_attr: 0, l1_wave: 0 }, 'test');
  const h = Float64Array.from([0.7, 0.7]);
  const x = Float64Array.from([1, -1, 2, -2]); // mean square 2.5: the scale
  const g = new DivergenceGuard('fit', 1e-3, w);
  g.check(1, 1, 0.5, h, x);
  g.check(1, 2, 2.4e6, h, x); // below 1e6 × 2.5
  assert.throws(() => g.check(1, 3, 2.6e6, h, x), /loss grew to 2\.60e\+6 at epoch 1, batch 3 \(it started at 5\.00e-1\)/);
  assert.throws(() => g.check(1, 3, NaN, h, x), /the loss became NaN at epoch 1, batch 3/);
  assert.throws(() => g.check(2, 1, 1, Float64Array.from([99, 30]), x), /filter's norm grew to 1\.03e\+2 .*far from any wavelet/);
  g.check(2, 1, 1, Float64Array.from([70, 70]), x); // norm 99: still allowed
});
