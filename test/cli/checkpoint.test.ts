/** `awd fit --checkpoint-every … --resume`: killed mid-fit and resumed, the saved wavelet equals a straight fit's. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWavelet } from '../../src/awd/serialize.ts';
import { awd, assertFails, assertOk, BIN, tempDir } from './helpers.ts';
import { writeTinyData } from './data.ts';

const dir = tempDir();
writeTinyData(dir, 40, 32);
const FIT = ['fit', '--data', 'X.npy', '--grads', 'G.npy', '--epochs', '6', '--batch-size', '8', '--levels', '2', '--wavelet', 'db3', '--lambda', '0.05', '--init-noise', '0.02'];

const killedRun = (args: string[], env: Record<string, string>): Promise<string | null> => new Promise((resolve) => {
  const c = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: 'ignore', env: { ...process.env, ...env } });
  c.on('close', (_code, signal) => resolve(signal));
});

const core = (path: string): unknown => {
  const w = loadWavelet(join(dir, path));
  return { h: Array.from(w.h), settings: w.settings, history: w.history.map(({ seconds: _s, ...r }) => r) };
};

test('awd fit killed during a checkpoint write, then --resume: the same wavelet as a straight fit; the checkpoint is removed', async () => {
  assertOk(await awd([...FIT, '--out', 'straight.json'], dir));
  const args = [...FIT, '--out', 'resumed.json', '--checkpoint-every', '1', '--resume'];
  assert.equal(await killedRun(args, { AWD_CHECKPOINT_TEST_KILL: '7:before-rename' }), 'SIGKILL');
  assert.equal(existsSync(join(dir, 'resumed.json')), false);
  assert.ok(existsSync(join(dir, 'resumed.json.ckpt')));
  assert.equal(await killedRun(args, { AWD_CHECKPOINT_TEST_KILL: '11:partial' }), 'SIGKILL');
  assertOk(await awd(args, dir));
  assert.deepEqual(core('resumed.json'), core('straight.json'));
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.ckpt')), [], 'checkpoint and temporary files removed');
});

test('awd fit: a leftover checkpoint without --resume, another fit\'s checkpoint, a corrupted one, bad intervals → one line, exit 2, untouched', async () => {
  const args = [...FIT, '--out', 'w.json', '--checkpoint', 'c.ckpt', '--checkpoint-every', '1'];
  assert.equal(await killedRun(args, { AWD_CHECKPOINT_TEST_KILL: '5:before-rename' }), 'SIGKILL');
  const before = readFileSync(join(dir, 'c.ckpt'));
  writeFileSync(join(dir, 'cut.ckpt'), before.subarray(0, 200));
  const cases: [string[], RegExp][] = [
    [args, /checkpoint c\.ckpt already exists \(an interrupted fit\?\); resume it/],
    [[...args.map((a) => (a === '0.05' ? '0.06' : a)), '--resume'], /checkpoint c\.ckpt belongs to another fit: its setting weights is/],
    [[...args, '--resume', '--seed', '3'], /belongs to another fit: its setting seed is 0, this fit has 3/],
    [[...FIT, '--out', 'w.json', '--checkpoint', 'cut.ckpt', '--resume'], /checkpoint cut\.ckpt is truncated or not an awd checkpoint; delete it/],
    [[...FIT, '--out', 'w.json', '--checkpoint', 'X.npy'], /--checkpoint 'X\.npy' is also an input or output/],
    [[...FIT, '--out', 'w.json', '--checkpoint-every', '5h'], /--checkpoint-every must be a number of steps \(500\), seconds \(30s\) or minutes \(5m\), got '5h'/],
  ];
  for (const [a, re] of cases) {
    const r = await awd(a, dir);
    assertFails(r, re);
    assert.equal(r.code, 2);
  }
  assert.deepEqual(readFileSync(join(dir, 'c.ckpt')), before);
  assert.equal(existsSync(join(dir, 'w.json')), false);
});

test('awd sweep --checkpoint-every … --resume: killed in a cell, resumed (finished cells skipped): the same cells as a straight sweep', async () => {
  const SWEEP = ['sweep', '--data', 'X.npy', '--grads', 'G.npy', '--epochs', '3', '--batch-size', '8', '--levels', '2', '--wavelet', 'db3', '--lambdas', '0,0.1', '--gammas', '0.05'];
  assertOk(await awd([...SWEEP, '--out', 'sw-straight'], dir));
  const args = [...SWEEP, '--out', 'sw-resumed', '--checkpoint-every', '1', '--resume'];
  assert.equal(await killedRun(args, { AWD_CHECKPOINT_TEST_KILL: '9:partial' }), 'SIGKILL');
  assert.ok(existsSync(join(dir, 'sw-resumed', 'cell-0.ckpt')));
  const r = await awd(['--json', ...args], dir);
  assertOk(r);
  const before = [0, 1].map((k) => readFileSync(join(dir, 'sw-resumed', `cell-${k}.json`)));
  const again = await awd([...args], dir);
  assertOk(again);
  // Finished cells are skipped, not refitted (a refit would record other per-epoch timings).
  assert.deepEqual([0, 1].map((k) => readFileSync(join(dir, 'sw-resumed', `cell-${k}.json`))), before);
  const cells = (d: string): unknown[] => [0, 1].map((k) => {
    const doc = JSON.parse(readFileSync(join(dir, d, `cell-${k}.json`), 'utf8'));
    const w = JSON.parse(doc.result.wavelet);
    return { fingerprint: doc.fingerprint, train: doc.result.train, h: w.h, history: w.history.map(({ seconds: _s, ...e }: { seconds: number }) => e) };
  });
  assert.deepEqual(cells('sw-resumed'), cells('sw-straight'));
  assert.deepEqual(readdirSync(join(dir, 'sw-resumed')).filter((f) => f.includes('.ckpt')), []);
  // Another sweep's folder is not resumed into.
  assertFails(await awd([...SWEEP.map((a) => (a === '3' ? '4' : a)), '--out', 'sw-resumed', '--resume'], dir), /--resume: 'sw-resumed\/cell-0\.json' was fitted with epochs 3, the sweep has 4; use another --out folder/);
});
