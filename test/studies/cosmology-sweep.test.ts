// The cosmology study with its AWD grid from a sweep folder (cells fitted elsewhere, e.g. on a
// cluster): the first run plans the grid and stops, the cells are fitted one by one, the second
// run uses them — and reports exactly what the study fitting its grid itself reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweepCell, readSweepPlan, SweepPlanned } from '../../src/awd/sweepPlan.ts';
import { runCosmologyStudy } from '../../src/studies/cosmology.ts';

test('cosmology study --sweep: plans the grid, then uses the cells fitted apart; tables equal a direct run', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'awd-cosmo-sweep-')), 'sweep');
  await assert.rejects(runCosmologyStudy({ size: 'tiny', seed: 3, awdSweep: dir }), (e: Error) => e instanceof SweepPlanned && /the AWD grid is planned in .*sweep \(\d+ cells\)/.test(e.message));
  const plan = readSweepPlan(dir);
  assert.ok(plan.cells >= 2);
  for (let k = plan.cells - 1; k >= 0; k--) assert.equal(runSweepCell(dir, k).status, 'fitted');
  const [viaSweep, direct] = [await runCosmologyStudy({ size: 'tiny', seed: 3, awdSweep: dir }), await runCosmologyStudy({ size: 'tiny', seed: 3, parametrizations: ['penalty'], awdSnapshots: [] })];
  // The sweep folder holds the penalty form's final filters: the direct run is asked for the same.
  assert.deepEqual(viaSweep.tables, direct.tables);
  assert.deepEqual(viaSweep.findings, direct.findings);
  // A sweep planned for another seed (other maps and gradients) is refused.
  await assert.rejects(runCosmologyStudy({ size: 'tiny', seed: 4, awdSweep: dir }), /the sweep in .* was planned on other data than this run's \(the SHA-256 of its samples differs\)/);
  // So is an edited cell.
  const cell = join(dir, 'cells', 'cell-0.json');
  writeFileSync(cell, readFileSync(cell, 'utf8').replace(/"total": (\d)/, '"total": 9$1'));
  await assert.rejects(runCosmologyStudy({ size: 'tiny', seed: 3, awdSweep: dir }), /cannot merge .*: cell 0 was edited after fitting/);
});
