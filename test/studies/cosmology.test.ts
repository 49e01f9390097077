import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activationMap, cosmologySettings, patchWindow, runCosmologyStudy, type CosmologyStudyOptions } from '../../src/studies/cosmology.ts';
import { extractPatches, waveletFilters2d } from '../../src/predictors/kernels.ts';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { ndarray } from '../../src/util/ndarray.ts';

// Tiny runs: 32×32 maps, 20 / 4 / 4 maps per cosmology, 2 AWD cells, 8 bins.
const TINY: CosmologyStudyOptions = { size: 'tiny', seed: 5, bins: 8 };

const ROWS = ['CNN', 'AWD', 'AWD (λ=0)', 'AWD, lattice', 'AWD (λ=0), lattice', 'db5', 'Laplace', 'Roberts cross'];

/** Everything of a result except wall-clock times. */
function timeless(r: Awaited<ReturnType<typeof runCosmologyStudy>>): unknown {
  const results = { ...r.results, totalSeconds: 0 };
  return { settings: r.settings, tables: r.tables, results, findings: r.findings.filter((f) => !/seconds/.test(f)), figures: r.figures };
}

let first: Awaited<ReturnType<typeof runCosmologyStudy>> | null = null;
async function tinyRun(): Promise<Awaited<ReturnType<typeof runCosmologyStudy>>> {
  first ??= await runCosmologyStudy(TINY);
  return first;
}

test('Table 2: rows CNN, AWD and AWD (λ=0) in both parametrisations, db5, Laplace, Roberts cross with finite RMSE ± std and compression for the wavelets only', async () => {
  const r = await tinyRun();
  assert.equal(r.study, 'cosmology');
  const t2 = r.tables[0];
  assert.deepEqual(t2.rows.map((row) => row[0]), ROWS);
  for (const row of t2.rows) {
    const m = /^(\d+\.\d\d) ± (\d+\.\d\d)$/.exec(String(row[1]));
    assert.ok(m, `RMSE cell of ${row[0]} is '${row[1]}'`);
    assert.ok(Number(m[1]) > 0 && Number(m[2]) >= 0);
    const hasWavelet = String(row[0]).startsWith('AWD') || row[0] === 'db5';
    if (hasWavelet) assert.ok(typeof row[2] === 'number' && row[2] >= 0 && row[2] <= 1, `compression of ${row[0]}: ${row[2]}`);
    else assert.equal(row[2], '—');
  }
  const rows = r.results.table2 as { name: string; rmse: number; std: number }[];
  for (const row of rows) assert.ok(Number.isFinite(row.rmse) && Number.isFinite(row.std), row.name);
  // The sweep table has one row per grid cell; the selected cells are marked.
  const sweep = r.tables[1];
  assert.equal(sweep.rows.length, 4);
  assert.deepEqual(sweep.rows.map((row) => row[1]), ['penalty', 'penalty', 'lattice', 'lattice']);
  assert.deepEqual(sweep.rows.map((row) => row[row.length - 1]), ['AWD (λ=0)', 'AWD', 'AWD (λ=0), lattice', 'AWD, lattice']);
  // The lattice cells are exact orthogonal wavelets (perfect reconstruction); the penalty form's
  // λ > 0 cell is not held to that.
  for (const row of sweep.rows.slice(2)) assert.ok(Number(row[6]) < 1e-20, `lattice reconstruction ${row[6]}`);
  // The validation curve: step 0 (db5), the snapshot at step 1, the final step 4; step 0 is db5's
  // validation RMSE in every row, and the final column is the sweep table's validation RMSE.
  const curve = r.tables[2];
  assert.deepEqual(curve.columns.slice(4), ['step 0', 'step 1', 'step 4']);
  const db5Val = (r.results.baselines as { name: string; validationRmse: number }[]).find((b) => b.name === 'db5')!.validationRmse;
  for (const [k, row] of curve.rows.entries()) {
    assert.equal(row[4], Number((db5Val * 100).toFixed(3)));
    assert.equal(row[6], sweep.rows[k][4]);
  }
  assert.ok(r.artifacts && JSON.parse(r.artifacts['awd-lattice-wavelet.json']).h.length === 10);
  assert.deepEqual(r.figures.map((f) => f.name), ['fig-cosmology-filters', 'fig-cosmology-activation', 'fig-cosmology-teacher', 'fig-cosmology-steps']);
  // The steps figure draws one line per cell (penalty solid, lattice dashed).
  const steps = r.figures.find((f) => f.name === 'fig-cosmology-steps')!.svg;
  assert.equal((steps.match(/<polyline/g) ?? []).length, 4);
  for (const f of r.figures) assert.match(f.svg, /^<svg[\s\S]*<\/svg>\n$/);
  assert.ok(r.findings.length >= 4);
  assert.ok(r.artifacts && JSON.parse(r.artifacts['awd-wavelet.json']).h.length === 10);
});

test('the cell is selected on the validation split: changing the test maps changes no selection, filter or validation score', async () => {
  const a = await tinyRun();
  const b = await runCosmologyStudy({ ...TINY, split: { train: 20, validation: 4, test: 6 } });
  const sa = a.results as { selection: unknown; cells: { validationRmse: number; h: number[]; testRmse: number }[] };
  const sb = b.results as typeof sa;
  assert.deepEqual(sb.selection, sa.selection);
  assert.deepEqual(sb.cells.map((c) => [c.h, c.validationRmse]), sa.cells.map((c) => [c.h, c.validationRmse]));
  // ... while the test set itself did change.
  assert.deepEqual((b.results.counts as { test: number }).test, 60);
  assert.notDeepEqual(sb.cells.map((c) => c.testRmse), sa.cells.map((c) => c.testRmse));
});

test('same seed → same numbers, tables and figures', async () => {
  const a = await tinyRun();
  const b = await runCosmologyStudy(TINY);
  assert.deepEqual(timeless(b), timeless(a));
});

test('the outlined 3×3 windows of the filter figure are the kernels extract_patches cuts', () => {
  const w = AdaptiveWavelet.fromName('db5');
  const f = waveletFilters2d(w.h, w.g);
  const a = patchWindow(w.h);
  const b = patchWindow(w.g);
  const [LL, LH] = extractPatches(w.h, w.g, { includeLastWindow: false, centering: false });
  const cut = (m: Float64Array, r0: number, c0: number) => Array.from({ length: 9 }, (_, i) => m[(r0 + Math.floor(i / 3)) * 10 + c0 + (i % 3)]);
  assert.deepEqual(cut(f.LL, a, a), Array.from(LL));
  assert.deepEqual(cut(f.LH, b, a), Array.from(LH));
});

test('activation map: one large level-1 detail coefficient lights up the pixels its filter covers', () => {
  const w = AdaptiveWavelet.fromName('db5', 1);
  const X = ndarray(new Float64Array(32 * 32), [1, 32, 32]);
  const c = w.transform(X);
  const a = c.map((b) => ndarray(new Float64Array(b.data.length).fill(1), b.shape));
  const [, q] = c[3].shape.slice(-2);
  c[3].data[10 * q + 10] = 1; // cD_1 at (10, 10): centred near pixel 2·10 + 1 − centroid(dec_hi)
  const m = activationMap(c, a, w.h, w.g, 32, 32);
  let best = 0;
  for (let i = 1; i < m.length; i++) if (m[i] > m[best]) best = i;
  const [r, col] = [Math.floor(best / 32), best % 32];
  assert.ok(Math.abs(r - col) === 0 && r >= 10 && r <= 21, `peak at (${r}, ${col})`);
});

test('the full preset has the paper sizes: 256×256 maps, 20,000 / 2,000 / 3,000 maps, J = 4', () => {
  const s = cosmologySettings({ size: 'full' });
  assert.equal(s.mapSize, 256);
  assert.deepEqual(s.split, { train: 2000, validation: 200, test: 300 });
  assert.equal(s.levels, 4);
  assert.deepEqual(cosmologySettings({ size: 'default', mapsPerCosmology: 250 }).split, { train: 200, validation: 20, test: 30 });
});

test('bad options are refused with a message', () => {
  assert.throws(() => cosmologySettings({ mapSize: 48 }), /mapSize must be a power of 2/);
  assert.throws(() => cosmologySettings({ grid: { lambdas: [], gammas: [0] } }), /at least one value/);
  assert.throws(() => cosmologySettings({ size: 'huge' as 'tiny' }), /size must be/);
  assert.throws(() => cosmologySettings({ parametrizations: ['angles' as 'lattice'] }), /unknown parametrization 'angles'/);
  assert.throws(() => cosmologySettings({ parametrizations: [] }), /must list 'penalty' and\/or 'lattice'/);
  assert.throws(() => cosmologySettings({ parametrizations: ['lattice', 'lattice'] }), /repeats/);
  assert.throws(() => cosmologySettings({ awdSnapshots: [10, 5] }), /awdSnapshots must increase/);
  assert.throws(() => cosmologySettings({ awdSnapshots: [0] }), /awdSnapshots\[0\]/);
  assert.throws(() => cosmologySettings({ awdSweep: '/tmp/x', parametrizations: ['lattice'] }), /penalty-form cells only/);
  assert.throws(() => cosmologySettings({ awdSweep: '/tmp/x', awdSnapshots: [5] }), /sweep folder/);
  // Defaults: both forms, and snapshots past the last step dropped.
  assert.deepEqual(cosmologySettings({}).parametrizations, ['penalty', 'lattice']);
  assert.deepEqual(cosmologySettings({ awdSweep: '/tmp/x' }).parametrizations, ['penalty']);
  assert.deepEqual(cosmologySettings({ awdSnapshots: [100, 512, 600] }).awdSnapshots, [100]);
});

test("simulator 'halo': threaded into the settings and every map of the run; bad values refused", async () => {
  assert.equal(cosmologySettings({}).simulator, 'lognormal');
  assert.equal(cosmologySettings({ simulator: 'halo' }).simulator, 'halo');
  assert.throws(() => cosmologySettings({ simulator: 'nbody' as 'halo' }), /^AwdError: Error in runCosmologyStudy: simulator must be 'lognormal' or 'halo', got 'nbody'$/);
  const a = await tinyRun();
  const h = await runCosmologyStudy({ ...TINY, simulator: 'halo' });
  assert.equal((h.settings as { simulator: string }).simulator, 'halo');
  assert.deepEqual(h.tables[0].rows.map((r) => r[0]), a.tables[0].rows.map((r) => r[0]));
  assert.notDeepEqual(h.tables[0].rows, a.tables[0].rows, 'other maps, other scores');
  assert.ok(JSON.stringify(h.tables).includes('Sheth–Tormen'), 'the table notes name the halo model');
});
