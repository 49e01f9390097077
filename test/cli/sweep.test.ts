/** `awd sweep` (one cell at a time, all cells) and `awd sweep merge`, as a user would run them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellWavelet, type CellResult } from '../../src/awd/sweep.ts';
import { awd, assertFails, assertOk, tempDir } from './helpers.ts';
import { writeTinyData } from './data.ts';

const dir = tempDir();
writeTinyData(dir, 30, 16);
const GRID = ['--lambdas', '0,0.1', '--gammas', '0.05'];
const FIT = ['--data', 'X.npy', '--grads', 'G.npy', '--epochs', '2', '--batch-size', '15', '--levels', '2', '--wavelet', 'db2'];

test('awd sweep --cell K in separate folders, then merge: equals the sweep of all cells', async () => {
  const [c0, c1, all] = await Promise.all([
    awd(['sweep', ...FIT, ...GRID, '--out', 'part0', '--cell', '0'], dir),
    awd(['sweep', ...FIT, ...GRID, '--out', 'part1', '--cell', '1', '--json'], dir),
    awd(['sweep', ...FIT, ...GRID, '--out', 'all'], dir),
  ]);
  for (const r of [c0, c1, all]) assertOk(r);
  assert.ok(existsSync(join(dir, 'part0', 'cell-0.json')));
  assert.equal(existsSync(join(dir, 'part0', 'cell-1.json')), false);
  assert.deepEqual(JSON.parse(c1.stdout).cells, [1]);
  assert.match(all.stdout, /2 of 2 cells fitted/);
  const merged = await awd(['sweep', 'merge', 'part0', 'part1', '--out', 'merged.json'], dir);
  assertOk(merged);
  assert.match(merged.stdout, /merged 2 cells from 2 files into merged\.json/);
  const m = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')) as { grid: unknown; results: CellResult[] };
  const a = JSON.parse(readFileSync(join(dir, 'all', 'sweep.json'), 'utf8')) as { results: CellResult[] };
  assert.deepEqual(m.grid, { lambdas: [0, 0.1], gammas: [0.05] });
  assert.deepEqual(m.results.map((r) => [r.cell, r.lambda, r.gamma]), [[0, 0, 0.05], [1, 0.1, 0.05]]);
  // Same seed and data: the cells fitted apart equal those fitted in one run.
  m.results.forEach((r, k) => assert.deepEqual(Array.from(cellWavelet(r).h), Array.from(cellWavelet(a.results[k]).h)));
});

test('awd sweep and merge: missing and duplicate cells, bad grids', async () => {
  const cases: [string[], RegExp][] = [
    [['sweep', 'merge', 'part0', '--out', 'm.json'], /1 of 2 cells missing \(1; run them with --cell K\)/],
    [['sweep', 'merge', 'part0', 'part1', 'all', '--out', 'm.json'], /duplicate cells: 0 in part0\/cell-0\.json and all\/cell-0\.json; 1 in/],
    [['sweep', 'merge', 'nowhere', '--out', 'm.json'], /'nowhere' does not exist/],
    [['sweep', ...FIT, '--lambdas', '0,x', '--gammas', '0', '--out', 's'], /--lambdas must be a number, got 'x'/],
    [['sweep', ...FIT, '--lambdas', '0', '--gammas', '0', '--cell', '1', '--out', 's'], /--cell must be in \[0, 0\], got 1/],
  ];
  const runs = await Promise.all(cases.map(([args]) => awd(args, dir)));
  runs.forEach((r, i) => assertFails(r, cases[i][1]));
  assert.equal(existsSync(join(dir, 'm.json')), false);
});
