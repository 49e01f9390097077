// The Distiller estimator (issue 11.1): training-only selection, comparison rows through the same
// path, one model file that loads in a fresh process with bit-identical predictions, bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Distiller, inferTask, rocAuc } from '../../src/distill/distiller.ts';
import { ndarray, sliceRows } from '../../src/util/ndarray.ts';
import { tinyRegression } from './fixtures.ts';

const fast = { epochs: 2, levels: 3, grid: { lambdas: [0, 0.1], gammas: [0] } };

test('Distiller: regression, every candidate scored by training CV, the chosen one is the best λ > 0 cell', async () => {
  const { X, y, G } = tinyRegression();
  const d = await new Distiller().fit(X, y, { teacherGrads: G, ...fast, baselines: ['db5', 'haar'] });
  const s = d.fitted;
  assert.equal(s.task, 'regression');
  const kinds = new Set(s.candidates.map((c) => c.kind));
  for (const k of ['awd', 'awd-lambda0', 'wavelet', 'raw']) assert.ok(kinds.has(k as never), `has a ${k} row`);
  const awd = s.candidates.filter((c) => c.kind === 'awd');
  const best = Math.max(...awd.map((c) => c.cvScore!));
  assert.equal(s.chosen.cvScore, best);
  assert.ok(s.chosen.wavelet!.lambda! > 0);
  // y depends on three samples: the position-keeping family must beat max-coefficients.
  const fam = (f: string) => Math.max(...awd.filter((c) => c.features!.family === f).map((c) => c.cvScore!));
  assert.ok(fam('coefficients') > fam('maxcoef') + 0.3, `coefficients ${fam('coefficients')} vs maxcoef ${fam('maxcoef')}`);
  assert.ok(d.score(X, y) > 0.9);
  // Same inputs → same selection table.
  const again = await new Distiller().fit(X, y, { teacherGrads: G, ...fast, baselines: ['db5', 'haar'] });
  assert.deepEqual(again.fitted.candidates.map((c) => c.cvScore), s.candidates.map((c) => c.cvScore));
});

test('Distiller: explain — intercept + every contribution = the prediction; positions and levels named', async () => {
  const { X, y, G } = tinyRegression();
  const d = await new Distiller().fit(X, y, { teacherGrads: G, ...fast, families: [{ family: 'coefficients' }], baselines: [] });
  const Xs = sliceRows(X, 0, 3);
  const ex = d.explain(Xs, 1000);
  const pred = d.predict(Xs);
  ex.forEach((e, i) => {
    const sum = e.intercept + e.contributions.reduce((a, c) => a + c.contribution, 0);
    assert.ok(Math.abs(sum - pred[i]) < 1e-9, `${sum} vs ${pred[i]}`);
    for (const c of e.contributions) {
      assert.ok(['approx', 'detail'].includes(c.band));
      assert.ok(c.position >= 0 && c.level! >= 1);
    }
  });
  const top = d.explain(Xs, 2);
  assert.equal(top[0].contributions.length, 2);
  assert.ok(Math.abs(top[0].contributions[0].contribution) >= Math.abs(top[0].contributions[1].contribution));
});

test('Distiller: classification inferred from integer labels; accuracy and AUC', async () => {
  const { X, y, G } = tinyRegression();
  const labels = Float64Array.from(y, (v) => (v > 0 ? 1 : 0));
  assert.equal(inferTask(labels), 'classification');
  assert.equal(inferTask(y), 'regression');
  const d = await new Distiller().fit(X, labels, { teacherGrads: G, ...fast, baselines: ['db5'] });
  assert.equal(d.fitted.task, 'classification');
  assert.deepEqual(d.fitted.classes, [0, 1]);
  const s = d.scores(X, labels);
  assert.ok(s.accuracy! > 0.85, `accuracy ${s.accuracy}`);
  assert.ok(s.auc! > 0.9);
  const pred = d.predict(X);
  assert.ok(pred.every((v) => v === 0 || v === 1));
  // The position-keeping family over all coefficients gets the sparse (L1) head for classes too.
  const coefRows = d.fitted.candidates.filter((c) => c.features?.family === 'coefficients');
  assert.ok(coefRows.length > 0 && coefRows.every((c) => c.head!.kind === 'l1logistic'), 'coefficients family → l1logistic');
  const p = coefRows[0].head!.coef.length;
  assert.ok(coefRows.some((c) => c.nonzeros! < p), `some coefficients head is sparse (nonzeros ${coefRows.map((c) => c.nonzeros).join(', ')} of ${p})`);
  assert.equal(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]), 1);
  assert.equal(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5);
});

test('Distiller: the model file loads in a fresh process with bit-identical predictions', async () => {
  const { X, y, G } = tinyRegression();
  const d = await new Distiller().fit(X, y, { teacherGrads: G, ...fast, baselines: ['db5'] });
  const dir = mkdtempSync(join(tmpdir(), 'awd-distill-'));
  const path = join(dir, 'model.json');
  d.save(path);
  const before = d.predict(X);
  writeFileSync(join(dir, 'x.json'), JSON.stringify({ data: Array.from(X.data), shape: X.shape }));
  const script = `import { Distiller } from ${JSON.stringify(new URL('../../src/distill/distiller.ts', import.meta.url).pathname)};
import { readFileSync } from 'node:fs';
const x = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'x.json'))}, 'utf8'));
const p = Distiller.load(${JSON.stringify(path)}).predict({ data: Float64Array.from(x.data), shape: x.shape });
process.stdout.write(Buffer.from(p.buffer).toString('base64'));`;
  writeFileSync(join(dir, 'load.mts'), script);
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(dir, 'load.mts')], { encoding: 'utf8' });
  const bytes = Buffer.from(out, 'base64');
  assert.equal(bytes.length, before.byteLength);
  assert.equal(Buffer.compare(Buffer.from(before.buffer), bytes), 0);
  // The file carries what it promises.
  const obj = JSON.parse(readFileSync(path, 'utf8'));
  for (const k of ['format', 'formatVersion', 'library', 'chosen', 'candidates', 'settings', 'fingerprint', 'sha256']) assert.ok(k in obj, k);
  assert.ok(Array.isArray(obj.chosen.head.featureMean));
});

test('Distiller: an edited or other-version model file is refused', async () => {
  const { X, y, G } = tinyRegression();
  const d = await new Distiller().fit(X, y, { teacherGrads: G, ...fast, baselines: [] });
  const text = d.toJson();
  const edited = text.replace(/"alpha": ([0-9.e-]+)/, (_m, v) => `"alpha": ${Number(v) + 1}`);
  assert.notEqual(edited, text);
  assert.throws(() => Distiller.fromJson(edited), /checksum/);
  const obj = JSON.parse(text);
  obj.formatVersion = 99;
  assert.throws(() => Distiller.fromJson(JSON.stringify(obj)), /format version 99/);
  const obj2 = JSON.parse(text);
  obj2.library.version = '9.9.0';
  assert.throws(() => Distiller.fromJson(JSON.stringify(obj2)), /written by awd 9\.9\.0/);
  assert.throws(() => Distiller.fromJson('{"format": "awd-distilled-model"'), /not valid JSON/);
});

test('Distiller: bad input — y of wrong length, NaN in y, constant y, one class, wrong sample shape', async () => {
  const { X, y, G } = tinyRegression(60, 16);
  const fit = (yy: ArrayLike<number>, extra = {}) => new Distiller().fit(X, yy, { teacherGrads: G, ...fast, ...extra });
  await assert.rejects(fit(y.subarray(0, 59)), /y has 59 values but X has 60/);
  const nan = Float64Array.from(y); nan[3] = NaN;
  await assert.rejects(fit(nan), /y contains NaN/);
  await assert.rejects(fit(new Float64Array(60).fill(2.5)), /y is constant/);
  await assert.rejects(fit(new Float64Array(60).fill(1), { task: 'classification' }), /only one class/);
  await assert.rejects(new Distiller().fit(X, y, { ...fast }), /exactly one of teacherGrads/);
  const d = await fit(y, { baselines: [] });
  assert.throws(() => d.predict(ndarray(new Float64Array(10), [1, 10])), /must be n × 16/);
  assert.throws(() => new Distiller().predict(X), /not fitted/);
});

test('Distiller: grouped CV keeps every group in one fold', async () => {
  const { groupKFold } = await import('../../src/predictors/crossValidation.ts');
  const groups = Array.from({ length: 50 }, (_, i) => Math.floor(i / 5));
  const folds = groupKFold(groups, 5, 3);
  const seen = new Set<number>();
  for (const f of folds) {
    const inTest = new Set(Array.from(f.test, (i) => groups[i]));
    for (const i of f.train) assert.ok(!inTest.has(groups[i]), 'a group on both sides');
    for (const i of f.test) seen.add(i);
  }
  assert.equal(seen.size, 50);
  assert.throws(() => groupKFold([0, 0, 1, 1], 3, 0), /2 distinct groups cannot fill 3 folds/);
});

test('feature families: maxcoef keeps magnitudes, maxcoef-ref the largest signed values (with positions)', async () => {
  const { computeFeatures } = await import('../../src/distill/features.ts');
  const { AdaptiveWavelet } = await import('../../src/awd/adaptive.ts');
  const w = AdaptiveWavelet.fromName('haar', 1, 'zero');
  // haar J=1 on [1, 1, 4, 0, -6, 0]: approx ∝ [2, 4, -6]/√2, detail ∝ [0, 4, -6]/√2 (sign per convention).
  const X = ndarray(Float64Array.from([1, 1, 4, 0, -6, 0]), [1, 6]);
  const coeffs = w.transform(X);
  const a = Array.from(coeffs[0].data);
  const mag = computeFeatures({ family: 'maxcoef', k: 2 }, w, X, true);
  const ref = computeFeatures({ family: 'maxcoef-ref', k: 2 }, w, X, true);
  const abs = computeFeatures({ family: 'maxabs', k: 2 }, w, X, true);
  assert.deepEqual(Array.from(abs.F.data), Array.from(mag.F.data, Math.abs));
  assert.deepEqual(Array.from(abs.positions!), Array.from(mag.positions!));
  const byMag = [...a].sort((p, q) => Math.abs(q) - Math.abs(p)).slice(0, 2);
  const bySigned = [...a].sort((p, q) => q - p).slice(0, 2);
  assert.deepEqual(Array.from(mag.F.data.subarray(0, 2)), byMag);
  assert.deepEqual(Array.from(ref.F.data.subarray(0, 2)), bySigned);
  assert.equal(a[ref.positions![0]], bySigned[0]);
  assert.equal(ref.blocks![0], 0);
  assert.equal(ref.blocks![2], 1);
  const { headFor } = await import('../../src/distill/heads.ts');
  assert.equal(headFor('maxcoef-ref', 'regression'), 'ols');
  assert.equal(headFor('coefficients', 'regression'), 'lasso');
});

test('Distiller on 2D maps: peak counting through the wavelet\'s 3×3 kernels', async () => {
  const { Rng } = await import('../../src/util/rng.ts');
  const rng = new Rng(4);
  const n = 60, s = 16;
  const X = ndarray(new Float64Array(n * s * s), [n, s, s]);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const amp = 0.5 + rng.uniform();
    y[i] = amp;
    for (let k = 0; k < s * s; k++) X.data[i * s * s + k] = amp * rng.normal();
  }
  const G = ndarray(new Float64Array(n * s * s).map(() => rng.normal()), [n, s, s]);
  const d = await new Distiller().fit(X, y, { teacherGrads: G, epochs: 1, levels: 2, grid: { lambdas: [0, 0.1], gammas: [0] }, baselines: ['db5', 'haar'], cv: { folds: 3 } });
  assert.equal(d.fitted.chosen.features!.family, 'peaks');
  assert.equal(d.fitted.chosen.features!.kernels!.length, 4);
  assert.ok(d.fitted.chosen.cvScore! > 0.5, `CV R² ${d.fitted.chosen.cvScore}`);
  assert.equal(d.predict(X).length, n);
});

test('README example: Distiller from the package entry points (awd, awd/distill); fit, predict, score, explain, save', async () => {
  const awd = { ...(await import('../../src/index.ts')), ...(await import('../../src/distill/index.ts')) };
  const { X, y, G } = tinyRegression(120, 32, 9);
  const model = await new awd.Distiller().fit(X, y, { teacherGrads: G, ...fast, baselines: [] });
  assert.equal(model.predict(X).length, 120);
  assert.ok(model.score(X, y) > 0.8);
  assert.equal(model.explain(sliceRows(X, 0, 1))[0].contributions.length, 5);
  const file = join(mkdtempSync(join(tmpdir(), 'awd-api-')), 'model.json');
  model.save(file);
  assert.deepEqual(Array.from(awd.Distiller.load(file).predict(X)), Array.from(model.predict(X)));
  for (const n of ['Distiller', 'lassoCV', 'logisticCV', 'groupKFold', 'scaleFreeWeights', 'explainFigure']) assert.equal(typeof (awd as Record<string, unknown>)[n], 'function', n);
});

test('Distiller: three classes — labels, probabilities summing to 1, explanations of the predicted class', async () => {
  const { X, y, G } = tinyRegression(240, 32, 6);
  const labels = Float64Array.from(y, (v) => (v < -0.7 ? 3 : v > 0.7 ? 7 : 5));
  const d = await new Distiller().fit(X, labels, { teacherGrads: G, ...fast, baselines: [] });
  assert.deepEqual(d.fitted.classes, [3, 5, 7]);
  const pred = d.predict(X);
  assert.ok(pred.every((v) => v === 3 || v === 5 || v === 7));
  const P = d.predictProba(X);
  for (let i = 0; i < 240; i++) assert.ok(Math.abs(P[3 * i] + P[3 * i + 1] + P[3 * i + 2] - 1) < 1e-12);
  assert.ok(d.score(X, labels) > 0.7, `accuracy ${d.score(X, labels)}`);
  assert.equal(d.scores(X, labels).auc, null);
  const ex = d.explain(sliceRows(X, 0, 2));
  assert.equal(ex[0].prediction, pred[0]);
});

test('select: bestBy keeps the first of equal scores; cvFolds is kFold or groupKFold; scorePredictor is the study\'s ridgeCV score', async () => {
  const { bestBy, cvFolds, scorePredictor } = await import('../../src/distill/select.ts');
  const { kFold } = await import('../../src/predictors/crossValidation.ts');
  const { ridgeCV } = await import('../../src/predictors/linear.ts');
  const { maxCoefficientFeatures } = await import('../../src/predictors/maxCoefficients.ts');
  const { AdaptiveWavelet } = await import('../../src/awd/adaptive.ts');
  assert.equal(bestBy([{ k: 'a', s: 1 }, { k: 'b', s: 2 }, { k: 'c', s: 2 }], (t) => t.s).k, 'b');
  assert.throws(() => bestBy([], () => 0), /nothing to choose/);
  assert.deepEqual(cvFolds(20, { folds: 4, seed: 3 }), kFold(20, 4, 3));
  const { X, y } = tinyRegression(100, 32, 2);
  const w = AdaptiveWavelet.fromName('db5', 3, 'zero');
  const s = scorePredictor({ family: 'maxcoef', k: 6 }, w, X, y, 'regression', cvFolds(100, { folds: 5, seed: 0 }));
  const r = ridgeCV(maxCoefficientFeatures(w.transform(X), 6), y, { folds: 5, seed: 0 });
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const v = y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length;
  assert.equal(s.cvScore, 1 - r.scores.find((x) => x.alpha === r.alpha)!.meanMse / v);
  assert.deepEqual(s.head.coef, Array.from(r.model.coef));
});
