/**
 * The package's public API (src/index.ts = 'awd', and the subpaths awd/node, awd/teachers,
 * awd/studies): the README's example runs as written on tiny data, and every stage of the data
 * flow is exported from its entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as awd from '../../src/index.ts';
import * as node from '../../src/node/index.ts';
import * as teachers from '../../src/teachers/index.ts';
import * as studies from '../../src/studies/index.ts';

test('README API example: fit, transform, attributions, save/load, PyWavelets-style wavedec/waverec', () => {
  const { AdaptiveWavelet, wavedec, waverec, wavelet, ndarray, Rng } = awd;
  const { saveWavelet, loadWavelet } = node;
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

test('each entry exports its stage of the data flow, and the core keeps files and teachers out', () => {
  const entries: [string, Record<string, unknown>, string[]][] = [
    ['awd', awd, [
      'parseNpy', 'encodeNpy', 'parseNpz', 'encodeNpz', 'parseFits', 'parseCsv', 'simulateMolecular', 'simulateCosmologyDataset', // data
      'AdaptiveWavelet', 'waveletToJson', 'waveletFromJson', 'sweep', 'mergeSweep', // awd
      'wavelet', 'wavedec', 'waverec', 'wavedec2', 'wavefun', 'waveletDistanceToNamed', // wavelets
      'maxCoefficientFeatures', 'ridgeCV', 'r2Score', 'compressionFactor', 'peakHistograms', 'Chi2Classifier', // predictors
    ]],
    ['awd/node', node, ['readArray', 'writeArray', 'writeArrays', 'readNpy', 'writeNpy', 'loadTracks', 'saveWavelet', 'loadWavelet']],
    ['awd/teachers', teachers, ['trainTeacher', 'loadTeacher', 'saveTeacher', 'ensureBackend']],
    ['awd/studies', studies, ['runSyntheticStudy', 'runMolecularStudy', 'runCosmologyStudy', 'writeStudyRun', 'linePlot', 'renderReport', 'tableToMarkdown']],
  ];
  for (const [entry, mod, names] of entries) for (const n of names) assert.equal(typeof mod[n], 'function', `${entry}: ${n}`);
  for (const n of ['readNpy', 'readArray', 'saveWavelet', 'loadWavelet', 'trainTeacher', 'runSyntheticStudy', 'renderReport', 'makeEngine', 'Adam']) {
    assert.equal(n in awd, false, `'awd' (the core) does not export ${n}`);
  }
});
