import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMolecularStudy, MOLECULAR_PRESETS } from '../../src/studies/molecular.ts';
import type { StudyResult } from '../../src/studies/types.ts';
import { simulateMolecular } from '../../src/data/molecular.ts';
import { wavedecBatch } from '../../src/wavelets/index.ts';
import { maxCoefficientFeatures } from '../../src/predictors/maxCoefficients.ts';
import { ridgeCV } from '../../src/predictors/linear.ts';
import { r2Score } from '../../src/predictors/metrics.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';

// Three tiny runs (300 train / 150 test tracks, 4 teacher epochs, 4 AWD epochs, 2 × 2 grid):
// ≈ 15 s each on the shared 2-core machine.
const SEED = 0;
const P = MOLECULAR_PRESETS.tiny;
const sim = () => simulateMolecular({ seed: SEED, nTrain: P.nTrain, nTest: P.nTest, tracksPerCell: P.tracksPerCell });

let first: Promise<StudyResult> | null = null;
const runOnce = () => (first ??= runMolecularStudy({ size: 'tiny', seed: SEED }));

type Sel = { awd: { cell: number; lambda: number; gamma: number; cvR2: number; alpha: number; h: number[] }; lambda0: { cell: number; h: number[] } };
type Cell = { cell: number; cvR2: number; alpha: number; h: number[] };

test('Table 1: rows AWD, DB5, LSTM, AWD (λ = 0) with measured R², compression factor and prediction time', async () => {
  const r = await runOnce();
  assert.equal(r.study, 'molecular');
  const t1 = r.tables[0];
  assert.deepEqual(t1.rows.map((row) => row[0]), ['AWD', 'DB5', 'LSTM', 'AWD (λ = 0)']);
  const col = (name: string) => {
    const i = t1.columns.indexOf(name);
    assert.ok(i >= 0, `column ${name}`);
    return i;
  };
  const r2 = col('test R²');
  const cf = col('compression factor');
  const time = col('prediction time for the test set (s)');
  for (const row of t1.rows) {
    // (R² ≤ 1 holds for any predictions, so it is not asserted; a number must be there.)
    assert.ok(Number.isFinite(row[r2] as number), `${row[0]} R² ${row[r2]}`);
    assert.ok((row[time] as number) > 0 && Number.isFinite(row[time] as number), `${row[0]} time`);
  }
  for (const name of ['AWD', 'DB5', 'AWD (λ = 0)']) {
    const row = t1.rows.find((x) => x[0] === name)!;
    const v = row[cf] as number;
    assert.ok(v > 0 && v <= 1, `${name} compression ${v}`);
  }
  assert.equal(t1.rows[2][cf], null, 'the LSTM has no wavelet domain');
  // AWD rows are means over the seeds, and the std is computed from them.
  const res = r.results as { awd: { perSeed: { r2: number }[]; mean: { r2: number }; std: { r2: number } }; lstm: { r2: number } };
  assert.equal(res.awd.perSeed.length, P.seeds);
  const m = res.awd.perSeed.reduce((s, x) => s + x.r2, 0) / P.seeds;
  assert.ok(Math.abs(m - (t1.rows[0][r2] as number)) < 1e-12);
  assert.equal(t1.rows[2][r2], res.lstm.r2);
  // Two figures: the selected wavelet vs db5, and the grid with the selection marked.
  assert.deepEqual(r.figures.map((f) => f.name), ['fig-molecular-wavelet', 'fig-molecular-grid', 'fig-molecular-teacher']);
  for (const f of r.figures) assert.match(f.svg, /^<svg[\s\S]*<\/svg>\n$/);
  assert.equal((r.figures[1].svg.match(/★/g) ?? []).length, 1);
  for (const k of ['data', 'teacher', 'gradients', 'sweep', 'seeds', 'evaluate']) assert.ok(r.timings[k] >= 0, k);
  assert.ok(r.findings.length >= 4);
});

test('DB5 row: the same R² from an independent route (PyWavelets-order wavedecBatch, own features and ridge)', async () => {
  const r = await runOnce();
  const { train, test } = sim();
  const feats = (X: typeof train.X) => maxCoefficientFeatures(wavedecBatch(X, 'db5', 'zero', 4), 6);
  const { model } = ridgeCV(feats(train.X), train.y, { folds: 5, seed: SEED });
  const expected = r2Score(test.y, model.predict(feats(test.X)));
  const db5 = r.tables[0].rows[1];
  assert.ok(Math.abs((db5[1] as number) - expected) < 1e-9, `${db5[1]} vs ${expected}`);
});

test('selection never sees the test set: poisoned test tracks and responses leave the selected cell and every score unchanged', async () => {
  const r = await runOnce();
  const { train, test } = sim();
  const rng = new Rng(99);
  const Xp = ndarray(new Float64Array(test.X.data.length), test.X.shape);
  for (let i = 0; i < Xp.data.length; i++) Xp.data[i] = 50 * rng.normal();
  const yp = new Float64Array(test.y.length);
  for (let i = 0; i < yp.length; i++) yp[i] = 1e3 * rng.normal();
  const poisoned = await runMolecularStudy({
    size: 'tiny', seed: SEED,
    data: { train: { X: train.X, y: train.y }, test: { X: Xp, y: yp } },
  });
  const a = r.results as { selected: Sel; grid: Cell[]; db5: { cvR2: number; r2: number } };
  const b = poisoned.results as typeof a;
  assert.deepEqual(b.selected, a.selected);
  assert.deepEqual(b.grid, a.grid);
  assert.equal(b.db5.cvR2, a.db5.cvR2);
  // The poison did reach the evaluation (so the comparison above is not vacuous).
  assert.notEqual(b.db5.r2, a.db5.r2);
  assert.ok(b.db5.r2 < 0.1);
});

test('determinism: the same seed gives the same numbers (all but wall-clock times)', async () => {
  const a = await runOnce();
  const b = await runMolecularStudy({ size: 'tiny', seed: SEED });
  const timeCols = new Set(['prediction time for the test set (s)', 'time std (s)']);
  const strip = (r: StudyResult) => r.tables.map((t) => t.rows.map((row) => row.filter((_, i) => !timeCols.has(t.columns[i]))));
  assert.deepEqual(strip(b), strip(a));
  const noTime = (r: StudyResult) => JSON.parse(JSON.stringify(r.results, (k, v) => (k === 'predictSeconds' ? undefined : v)));
  assert.deepEqual(noTime(b), noTime(a));
  assert.deepEqual(b.figures.map((f) => f.svg), a.figures.map((f) => f.svg));
  const c = await runMolecularStudy({ size: 'tiny', seed: SEED + 1, teacherEpochs: 1, seeds: 2 });
  assert.notDeepEqual(noTime(c), noTime(a));
});

test('parametrization both: the penalty rows are the penalty-only run\'s, and the lattice rows come from orthogonal wavelets', async () => {
  const a = await runOnce();
  const b = await runMolecularStudy({ size: 'tiny', seed: SEED, parametrization: 'both' });
  const t = b.tables[0];
  assert.deepEqual(t.rows.map((row) => row[0]), ['AWD', 'DB5', 'LSTM', 'AWD (λ = 0)', 'AWD (lattice)', 'AWD (λ = 0, lattice)']);
  const timeCols = new Set(['prediction time for the test set (s)', 'time std (s)']);
  const noTime = (row: unknown[]) => row.filter((_, i) => !timeCols.has(t.columns[i]));
  assert.deepEqual(t.rows.slice(0, 4).map(noTime), a.tables[0].rows.map(noTime));
  type Arm = { selected: Sel; awd: { perSeed: { r2: number; h: number[] }[] }; lambda0: { perSeed: { h: number[] }[] }; orthogonalityError: { awd: number; lambda0: number } };
  const res = b.results as { parametrizations: { penalty: Arm; lattice: Arm } };
  const lat = res.parametrizations.lattice;
  const r2 = t.columns.indexOf('test R²');
  assert.ok(Math.abs(lat.awd.perSeed.reduce((s, x) => s + x.r2, 0) / P.seeds - (t.rows[4][r2] as number)) < 1e-12);
  // Every lattice filter (all seeds, both rows) is orthonormal to rounding; the penalty ones are not
  // (the db5 start carries N(0, 0.01²) noise), so the check can fail.
  const orth = (h: number[]) => {
    let e = 0;
    for (let k = 0; 2 * k < h.length; k++) {
      let s = 0;
      for (let n = 0; n + 2 * k < h.length; n++) s += h[n] * h[n + 2 * k];
      e = Math.max(e, Math.abs(s - (k === 0 ? 1 : 0)));
    }
    return e;
  };
  for (const m of [...lat.awd.perSeed, ...lat.lambda0.perSeed]) assert.ok(orth(m.h) < 1e-12, `lattice filter orthogonality error ${orth(m.h)}`);
  assert.ok(orth(res.parametrizations.penalty.awd.perSeed[0].h) > 1e-4);
  assert.ok(lat.orthogonalityError.awd < 1e-12);
  assert.ok(b.tables.some((x) => /lattice parametrisation/.test(x.title)));
  assert.deepEqual(b.figures.map((f) => f.name), ['fig-molecular-wavelet', 'fig-molecular-grid', 'fig-molecular-wavelet-lattice', 'fig-molecular-grid-lattice', 'fig-molecular-teacher']);
  assert.ok(b.timings['sweep lattice'] >= 0 && b.timings['seeds lattice'] >= 0);
});

test('noise real-like: the study simulates with that preset (other data, same pipeline)', async () => {
  const a = await runMolecularStudy({ size: 'tiny', seed: SEED, teacherEpochs: 1, seeds: 1 });
  const b = await runMolecularStudy({ size: 'tiny', seed: SEED, teacherEpochs: 1, seeds: 1, noise: 'real-like' });
  assert.equal((b.settings.data as { noise: string }).noise, 'real-like');
  assert.equal((a.settings.data as { noise: string }).noise, 'simulator');
  const db5 = (r: StudyResult) => (r.results as { db5: { r2: number } }).db5.r2;
  assert.notEqual(db5(b), db5(a));
  assert.ok(b.findings.some((f) => /real-like noise preset/.test(f)));
});

test('bad options are rejected with a message that says how to fix them', async () => {
  await assert.rejects(runMolecularStudy({ size: 'tiny', noise: 'loud' as 'simulator' }), /noise must be 'simulator' or 'real-like'/);
  await assert.rejects(runMolecularStudy({ size: 'tiny', parametrization: 'angles' as 'lattice' }), /parametrization must be 'penalty', 'lattice' or 'both'/);
  await assert.rejects(runMolecularStudy({ size: 'huge' as 'tiny' }), /Error in runMolecularStudy: size must be/);
  await assert.rejects(runMolecularStudy({ size: 'tiny', grid: { lambdas: [0], gammas: [0.005] } }), /λ > 0/);
  const { train, test } = sim();
  await assert.rejects(
    runMolecularStudy({ size: 'tiny', data: { train: { X: train.X, y: train.y.subarray(1) }, test: { X: test.X, y: test.y } } }),
    /one response per track/,
  );
  await assert.rejects(
    runMolecularStudy({ size: 'tiny', noise: 'real-like', data: { train: { X: train.X, y: train.y }, test: { X: test.X, y: test.y } } }),
    /does not apply to your own data/,
  );
});
