/** `awd fit` / `awd sweep` with `--parametrization lattice`, as a user runs them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWavelet } from '../../src/awd/serialize.ts';
import { waveletFromJson } from '../../src/awd/serialize.ts';
import { awd, assertFails, assertOk, tempDir } from './helpers.ts';
import { writeTinyData } from './data.ts';
import { orthDefect } from '../awd/helpers/orthDefect.ts';

const dir = tempDir();
writeTinyData(dir);
const FIT = ['--epochs', '2', '--batch-size', '20', '--levels', '2', '--wavelet', 'db2'];


test('awd fit --parametrization lattice saves an orthogonal wavelet with its angles; a bad form is refused', async () => {
  const r = await awd(['fit', '--data', 'X.npy', '--grads', 'G.npy', ...FIT, '--lambda', '50', '--lr', '0.05', '--parametrization', 'lattice', '--out', 'wl.json'], dir);
  assertOk(r);
  assert.match(r.stdout + r.stderr, /lattice angles/);
  const w = loadWavelet(join(dir, 'wl.json'));
  assert.equal(w.settings?.parametrization, 'lattice');
  assert.equal(w.settings?.angles?.length, 1);
  assert.ok(orthDefect(w.h) < 1e-13, `defect ${orthDefect(w.h)}`);
  const bad = await awd(['fit', '--data', 'X.npy', '--grads', 'G.npy', ...FIT, '--parametrization', 'angles', '--out', 'bad.json'], dir);
  assertFails(bad, /--parametrization/);
  assert.equal(bad.code, 2);
});

test('awd sweep --parametrization lattice: every cell is an orthogonal wavelet', async () => {
  const r = await awd(['sweep', '--data', 'X.npy', '--grads', 'G.npy', ...FIT, '--lambdas', '0,100', '--gammas', '0', '--lr', '0.05', '--parametrization', 'lattice', '--out', 'sw'], dir);
  assertOk(r);
  const doc = JSON.parse(readFileSync(join(dir, 'sw', 'sweep.json'), 'utf8'));
  assert.equal(doc.results.length, 2);
  for (const cell of doc.results) {
    const w = waveletFromJson(cell.wavelet);
    assert.equal(w.settings?.parametrization, 'lattice');
    assert.ok(orthDefect(w.h) < 1e-13);
  }
});

test('awd fit --vanishing-moments: kept by a lattice fit; refused without the lattice or beyond the length', async () => {
  const r = await awd(['fit', '--data', 'X.npy', '--grads', 'G.npy', '--epochs', '2', '--batch-size', '20', '--levels', '2', '--wavelet', 'db3', '--lambda', '1', '--lr', '0.05', '--parametrization', 'lattice', '--vanishing-moments', '2', '--out', 'wm.json'], dir);
  assertOk(r);
  const w = loadWavelet(join(dir, 'wm.json'));
  assert.equal(w.settings?.vanishingMoments, 2);
  let m1 = 0;
  for (let n = 0; n < w.h.length; n++) m1 += (n % 2 === 0 ? 1 : -1) * n * w.h[n];
  assert.ok(Math.abs(m1) < 1e-12, `first moment ${m1}`);
  const noLattice = await awd(['fit', '--data', 'X.npy', '--grads', 'G.npy', ...FIT, '--vanishing-moments', '2', '--out', 'x.json'], dir);
  assertFails(noLattice, /--vanishing-moments above 1 needs --parametrization lattice/);
  assert.equal(noLattice.code, 2);
  const tooMany = await awd(['fit', '--data', 'X.npy', '--grads', 'G.npy', ...FIT, '--parametrization', 'lattice', '--vanishing-moments', '3', '--out', 'x.json'], dir);
  assertFails(tooMany, /at most 2/);
  assert.equal(tooMany.code, 2);
});
