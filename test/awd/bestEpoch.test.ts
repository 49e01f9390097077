/** With validation data, the fit returns the best-validation filter, and what is reported is that epoch's losses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { returnedRecord } from '../../src/awd/returned.ts';
import { fitCell } from '../../src/awd/sweep.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';

const rng = new Rng(3);
const X = ndarray(rng.fillNormal(new Float64Array(4 * 16)), [4, 16]);
const G = ndarray(rng.fillNormal(new Float64Array(4 * 16)), [4, 16]);
const V = { X: ndarray(rng.fillNormal(new Float64Array(10 * 16)), [10, 16]), teacherGrads: ndarray(rng.fillNormal(new Float64Array(10 * 16)), [10, 16]) };
// Four training samples: the validation total reaches its minimum at epoch 5 of 12.
const OPTS = { teacherGrads: G, wavelet: 'db2', levels: 2, epochs: 12, batchSize: 2, seed: 2, lambda: 1, gamma: 1, learningRate: 0.05, validation: V };

test('bestEpoch is the epoch of the best validation total, and the returned filter has exactly that validation loss', () => {
  const w = AdaptiveWavelet.fit(X, OPTS);
  const totals = w.history.map((r) => r.validation!.total);
  const best = totals.indexOf(Math.min(...totals)) + 1;
  assert.ok(best < w.history.length, `the setting must make the last epoch not the best (best ${best} of ${w.history.length}: ${totals.map((t) => t.toPrecision(3)).join(' ')})`);
  assert.equal(w.settings?.bestEpoch, best);
  const rec = returnedRecord(w);
  assert.equal(rec?.epoch, best);
  const actual = w.loss(V.X, V.teacherGrads);
  assert.ok(Math.abs(actual.total - rec!.validation!.total) <= 1e-12 * Math.abs(actual.total), `${actual.total} vs ${rec!.validation!.total}`);
});

test('fitCell reports the returned filter\'s epoch, not the last one; without validation bestEpoch is the last epoch', () => {
  const { teacherGrads: _g, lambda: _l, gamma: _c, ...rest } = OPTS;
  const r = fitCell(X, { ...rest, teacherGrads: G }, { lambdas: [1], gammas: [1] }, 0);
  const w = AdaptiveWavelet.fit(X, OPTS);
  assert.equal(r.bestEpoch, w.settings?.bestEpoch);
  assert.deepEqual(r.validation, returnedRecord(w)?.validation);
  assert.notDeepEqual(r.validation, w.history[w.history.length - 1].validation);
  const plain = AdaptiveWavelet.fit(X, { ...OPTS, validation: undefined });
  assert.equal(plain.settings?.bestEpoch, 12);
  assert.equal(AdaptiveWavelet.fit(X, { ...OPTS, epochs: 0 }).settings?.bestEpoch, null);
});
