/**
 * The package's public API (src/index.ts): the README's example runs as written on tiny data,
 * and every stage of the data flow is exported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as awd from '../../src/index.ts';

test('README API example: fit, transform, attributions, save/load, PyWavelets-style wavedec/waverec', () => {
  const { AdaptiveWavelet, saveWavelet, loadWavelet, wavedec, waverec, wavelet, ndarray, Rng } = awd;
  const rng = new Rng(0);
  const X = ndarray(rng.fillNormal(new Float64Array(50 * 40)), [50, 40]);
  const G = ndarray(rng.fillNormal(new Float64Array(50 * 40), 0, 0.1), [50, 40]);
  const w = AdaptiveWavelet.fit(X, { teacherGrads: G, lambda: 0.005, gamma: 0.043, wavelet: 'db5', levels: 4, epochs: 2, seed: 0 });
  const coeffs = w.transform(X);
  assert.equal(coeffs.length, 5);
  const attr = w.attributions(G);
  assert.deepEqual(attr.map((a) => a.shape), coeffs.map((c) => c.shape));
  const file = join(mkdtempSync(join(tmpdir(), 'awd-api-')), 'wavelet.json');
  saveWavelet(w, file);
  assert.deepEqual(Array.from(loadWavelet(file).h), Array.from(w.h));
  const x = Array.from(X.data.subarray(0, 40));
  const c = wavedec(x, wavelet('db5'), 'symmetric', 2);
  const back = waverec(c, wavelet('db5'), 'symmetric');
  assert.ok(x.every((v, i) => Math.abs(v - back[i]) < 1e-10));
});

test('src/index.ts exports every stage of the data flow', () => {
  const names = [
    'readNpy', 'writeNpy', 'loadTracks', 'simulateMolecular', 'simulateCosmologyDataset', // data
    'trainTeacher', 'loadTeacher', 'saveTeacher', 'ensureBackend', // teachers
    'AdaptiveWavelet', 'saveWavelet', 'loadWavelet', 'sweep', 'mergeSweep', // awd
    'wavelet', 'wavedec', 'waverec', 'wavedec2', 'wavefun', 'waveletDistanceToNamed', // wavelets
    'maxCoefficientFeatures', 'ridgeCV', 'r2Score', 'compressionFactor', 'peakHistograms', 'Chi2Classifier', // predictors
    'runSyntheticStudy', 'runMolecularStudy', 'runCosmologyStudy', 'writeStudyRun', // studies
    'linePlot', 'renderReport', 'tableToMarkdown', // report
  ];
  for (const n of names) assert.equal(typeof (awd as Record<string, unknown>)[n], 'function', n);
});
