// The synthetic recovery study (paper §4.1, Fig. 3): data model, β placement, alignment, and one
// end-to-end run at the tiny size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alignToTarget, distancePsi, generateSyntheticData, oracleGradient, runSyntheticStudy, warmStartPlan,
} from '../../src/studies/synthetic.ts';
import { familyLowpass, wavedecBatch, waveletDistanceToNamed } from '../../src/wavelets/index.ts';

test('data: the same seed gives the same numbers, another seed different ones', () => {
  const a = generateSyntheticData({ n: 300, nTrain: 250, seed: 7 });
  const b = generateSyntheticData({ n: 300, nTrain: 250, seed: 7 });
  const c = generateSyntheticData({ n: 300, nTrain: 250, seed: 8 });
  assert.deepEqual(a.Xtrain.shape, [250, 64]);
  assert.deepEqual(a.Xtest.shape, [50, 64]);
  assert.deepEqual(a.ytrain.shape, [250]);
  assert.deepEqual(a.ytest.shape, [50]);
  assert.deepEqual(Array.from(a.Xtrain.data), Array.from(b.Xtrain.data));
  assert.deepEqual(Array.from(a.ytest.data), Array.from(b.ytest.data));
  assert.notDeepEqual(Array.from(a.Xtrain.data.subarray(0, 64)), Array.from(c.Xtrain.data.subarray(0, 64)));
});

test('data: y − ε = 2·(cD3[7] + cD3[8] + cD3[9]) of the db5 DWT (zero mode, J = 4), computed independently with wavedecBatch', () => {
  const n = 400;
  const data = generateSyntheticData({ n, nTrain: 300, seed: 3 });
  // β sits in the reference list [approx_4, detail_1, detail_2, detail_3, detail_4] at index 3.
  assert.equal(data.beta.length, 5);
  data.beta.forEach((b, k) => {
    const nz = Array.from(b.entries()).filter(([, v]) => v !== 0).map(([i, v]) => [i, v]);
    assert.deepEqual(nz, k === 3 ? [[7, 2], [8, 2], [9, 2]] : [], `β of array ${k}`);
  });
  // PyWavelets order: [cA4, cD4, cD3, cD2, cD1]; detail level 3 is index 2 there.
  const X = { data: new Float64Array([...data.Xtrain.data, ...data.Xtest.data]), shape: [n, 64] };
  const pw = wavedecBatch(X, 'db5', 'zero', 4);
  const cD3 = pw[2];
  assert.equal(cD3.shape[1], 15);
  const y = [...data.ytrain.data, ...data.ytest.data];
  let maxErr = 0;
  for (let i = 0; i < n; i++) {
    const expected = 2 * (cD3.data[i * 15 + 7] + cD3.data[i * 15 + 8] + cD3.data[i * 15 + 9]);
    maxErr = Math.max(maxErr, Math.abs(y[i] - data.noise[i] - expected));
  }
  assert.ok(maxErr < 1e-12, `max |y − ε − ⟨W x, β⟩| = ${maxErr}`);
  // The model is linear: y − ε = ⟨W_db5ᵀ β, x⟩ with the oracle gradient W_db5ᵀ β.
  const g = oracleGradient(data);
  for (let i = 0; i < 5; i++) {
    let dot = 0;
    for (let j = 0; j < 64; j++) dot += g[j] * data.Xtrain.data[i * 64 + j];
    assert.ok(Math.abs(dot - (y[i] - data.noise[i])) < 1e-12);
  }
  // ε has the stated scale.
  const sd = Math.sqrt(data.noise.reduce((s, v) => s + v * v, 0) / n);
  assert.ok(sd > 0.08 && sd < 0.12, `std of ε = ${sd}`);
});

test('bad options are refused with a message naming the option', async () => {
  assert.throws(() => generateSyntheticData({ n: 100, nTrain: 100 }), /Error in generateSyntheticData: nTrain/);
  assert.throws(() => generateSyntheticData({ n: 100, nTrain: 50, center: 14, window: 1 }), /does not fit coefficient array 3 of length 15/);
  await assert.rejects(runSyntheticStudy({ size: 'huge' as 'tiny' }), /Error in runSyntheticStudy: size must be 'tiny', 'default' or 'full'/);
  await assert.rejects(runSyntheticStudy({ size: 'tiny', grid: { lambdas: [], gammas: [1] } }), /grid\.lambdas must be a non-empty list/);
});

test('alignment: its distance is the study distance d(ψ, ψ_db5), and aligning a shifted, reversed copy gives 0', () => {
  const psiDb5 = distancePsi(familyLowpass('db5'));
  for (const name of ['sym5', 'coif2', 'db4']) {
    const a = alignToTarget(distancePsi(familyLowpass(name)), psiDb5);
    assert.ok(Math.abs(a.distance - waveletDistanceToNamed(familyLowpass(name), 'db5')) < 1e-12, name);
    let s = 0;
    for (let i = 0; i < a.aligned.length; i++) s += (a.aligned[i] - a.target[i]) ** 2;
    assert.ok(Math.abs(Math.sqrt(s) - a.distance) < 1e-12);
  }
  const moved = Array.from(psiDb5).reverse();
  moved.unshift(0, 0, 0);
  const b = alignToTarget(moved, psiDb5);
  assert.ok(b.distance < 1e-12);
  assert.equal(b.flipped, true);
});

test('warm start follows the reference: λ = 0 cells chain over γ, others start from the previous λ at the same γ', () => {
  const plan = warmStartPlan({ lambdas: [0, 1, 2], gammas: [0.1, 0.2] }, true);
  assert.deepEqual(plan.map((p) => p.from), [null, 0, 0, 1, 2, 3]);
  assert.deepEqual(warmStartPlan({ lambdas: [0, 1], gammas: [0.1] }, false).map((p) => p.from), [null, null]);
});

test('end to end (tiny): AWD moves the db5 + noise start closer to db5; tables, SVG figures and findings are complete', async () => {
  const r = await runSyntheticStudy({ size: 'tiny', seed: 1 });
  assert.equal(r.study, 'synthetic');
  const starts = r.results.starts as { label: string; distanceBefore: number; distanceAfter: number; cells: unknown[] }[];
  assert.deepEqual(starts.map((s) => s.label), ['db5 + noise', 'sym5', 'coif2']);
  const noisy = starts[0];
  assert.ok(noisy.distanceAfter < noisy.distanceBefore, `d before ${noisy.distanceBefore}, after ${noisy.distanceAfter}`);
  for (const s of starts) {
    assert.ok(Number.isFinite(s.distanceBefore) && Number.isFinite(s.distanceAfter));
    assert.equal(s.cells.length, 2);
  }
  assert.ok(Number.isFinite(r.results.teacherR2 as number));
  assert.equal(r.tables.length, 2);
  assert.equal(r.tables[0].rows.length, 3);
  for (const t of r.tables) for (const row of t.rows) assert.equal(row.length, t.columns.length);
  assert.deepEqual(r.figures.map((f) => f.name), ['fig3-wavelets', 'fig3-training', 'fig-synthetic-teacher']);
  for (const f of r.figures) {
    assert.match(f.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/);
    assert.match(f.svg, /<\/svg>\s*$/);
    assert.ok(f.svg.includes('<polyline'), `${f.name} draws lines`);
    assert.ok(!/NaN|Infinity/.test(f.svg), `${f.name} has no non-finite coordinates`);
  }
  assert.ok(r.findings.length >= 4 && r.findings.every((s) => s.length > 0));
  for (const k of ['data', 'teacher', 'gradients', 'awd', 'total']) assert.ok(r.timings[k] >= 0, k);
  assert.ok(r.artifacts && Object.keys(r.artifacts).length === 3);
});
