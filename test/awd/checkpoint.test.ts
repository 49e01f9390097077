// Checkpoint and resume of fit / fitStream: a fit interrupted at any step (or SIGKILLed at any
// moment, also during the checkpoint write) and resumed ends bit-identical to a straight run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { Checkpointer, readCheckpoint, removeCheckpoint } from '../../src/awd/checkpoint.ts';
import { Adam } from '../../src/awd/adam.ts';
import { Rng } from '../../src/util/rng.ts';
import { ckptProblem, fingerprintOf } from './helpers/checkpointProblem.ts';

const p = ckptProblem();
const tmp = (): string => mkdtempSync(join(tmpdir(), 'awd-ckpt-'));
type Method = 'fit' | 'fitStream';

function run(method: Method, extra: Record<string, unknown> = {}): AdaptiveWavelet {
  const o = { ...p.opts, ...extra } as typeof p.opts;
  if (method === 'fitStream') return AdaptiveWavelet.fitStream(p.sampleShape, p.n, p.stream, o);
  return AdaptiveWavelet.fit(p.X, { ...o, teacherGrads: p.G });
}

const straight = { fit: fingerprintOf(run('fit')), fitStream: fingerprintOf(run('fitStream')) };

class Stop extends Error {}

for (const method of ['fit', 'fitStream'] as const) {
  test(`${method}: stopped after any step and resumed, the result is bit-identical to a straight run`, () => {
    const steps = (straight[method].history as unknown[]).length * Math.ceil(p.n / 10);
    assert.ok(steps >= 20, `the problem should take several epochs (${steps} steps)`);
    for (const stopAt of [1, 2, 5, 7, 13, steps - 1, steps]) {
      const dir = tmp();
      const path = join(dir, 'fit.ckpt');
      let step = 0;
      // A crash at step `stopAt` (before that step's checkpoint is written).
      assert.throws(() => run(method, { checkpoint: { path, everySteps: 1, dataId: 'tiny' }, onProgress: () => { if (++step === stopAt) throw new Stop(); } }), Stop);
      assert.equal(existsSync(path), stopAt > 1, 'a checkpoint exists after the first step');
      const resumed = run(method, { checkpoint: { path, everySteps: 1, resume: true, dataId: 'tiny' } });
      assert.deepEqual(fingerprintOf(resumed), straight[method], `stopped at step ${stopAt}`);
      // Resuming a finished checkpoint returns the same result without fitting again.
      let calls = 0;
      const again = run(method, { checkpoint: { path, resume: true, dataId: 'tiny' }, onProgress: () => calls++ });
      assert.deepEqual(fingerprintOf(again), straight[method]);
      assert.equal(calls, 0);
      rmSync(dir, { recursive: true });
    }
  });
}

test('a checkpoint at an epoch boundary, with a sparse interval, also resumes bit-identically', () => {
  const dir = tmp();
  const path = join(dir, 'fit.ckpt');
  let step = 0;
  assert.throws(() => run('fit', { checkpoint: { path, everySteps: 5 }, onProgress: () => { if (++step === 23) throw new Stop(); } }), Stop);
  assert.deepEqual(fingerprintOf(run('fit', { checkpoint: { path, everySteps: 5, resume: true } })), straight.fit);
});

test('refused checkpoints: existing without resume, another fit, other data, corrupted, truncated — one line, file untouched', () => {
  const dir = tmp();
  const path = join(dir, 'fit.ckpt');
  let step = 0;
  assert.throws(() => run('fit', { checkpoint: { path, everySteps: 1 }, onProgress: () => { if (++step === 9) throw new Stop(); } }), Stop);
  const good = readFileSync(path, 'utf8');
  const expectRefused = (opts: Record<string, unknown>, pattern: RegExp, X = p.X): void => {
    const before = readFileSync(path);
    assert.throws(() => AdaptiveWavelet.fit(X, { ...p.opts, teacherGrads: p.G, ...opts } as never), (e: Error) => {
      assert.match(e.message, pattern);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
    assert.deepEqual(readFileSync(path), before, 'the checkpoint is not touched');
  };
  expectRefused({ checkpoint: { path } }, /checkpoint .*fit\.ckpt already exists .*resume it .*or delete it/);
  expectRefused({ checkpoint: { path, resume: true }, lambda: 0.5 }, /belongs to another fit: its setting weights is .*"l1_attr":0\.05.*this fit has .*"l1_attr":0\.5/);
  expectRefused({ checkpoint: { path, resume: true }, seed: 5 }, /belongs to another fit: its setting seed is 4, this fit has 5/);
  const X2 = { data: Float64Array.from(p.X.data), shape: p.X.shape };
  X2.data[17] += 1e-12;
  expectRefused({ checkpoint: { path, resume: true } }, /belongs to another fit: it was fitted on other data/, X2);
  // One flipped digit inside the state.
  const i = good.indexOf('"seen":') + 7;
  writeFileSync(path, good.slice(0, i) + (good[i] === '1' ? '2' : '1') + good.slice(i + 1));
  expectRefused({ checkpoint: { path, resume: true } }, /fails its checksum \(corrupted or edited\); delete it to start the fit afresh/);
  writeFileSync(path, good.slice(0, Math.floor(good.length / 2)));
  expectRefused({ checkpoint: { path, resume: true } }, /is truncated or not an awd checkpoint/);
  writeFileSync(path, '');
  expectRefused({ checkpoint: { path, resume: true } }, /is truncated or not an awd checkpoint/);
  removeCheckpoint(path);
  assert.deepEqual(readdirSync(dir), []);
});

test('the Checkpointer as a hook for other loops: state (incl. -0, Infinity, extra) round-trips exactly; the fingerprint guards it', () => {
  const path = join(tmp(), 'loop.ckpt');
  const fp = { library: 'x', method: 'distill', data: 'abc', settings: { k: 3 } };
  const ck = new Checkpointer('distill', { path, everySteps: 2 }, fp);
  assert.equal(ck.load(), null);
  assert.equal(ck.due(), false);
  assert.equal(ck.due(), true);
  const adam = new Adam(3);
  adam.step(Float64Array.of(1, 2, 3), [0.5, -0.25, 1e-300]);
  const params = Float64Array.of(-0, 1 / 3, -1e-310);
  const rng = new Rng(9);
  rng.normal();
  ck.save({ epoch: 2, batch: 1, sums: { total: 0.1 }, seen: 7, seconds: 1.5, finished: false, params, adam: adam.state(), shuffle: rng.state(), history: [{ epoch: 1 }], best: { total: Infinity, h: params, epoch: 0 }, extra: { trees: [1, 2] } });
  const back = readCheckpoint(path, 'distill', fp);
  assert.deepEqual(Array.from(back.params).map((v) => Object.is(v, -0) ? '-0' : v), ['-0', 1 / 3, -1e-310]);
  assert.deepEqual(back.adam, adam.state());
  assert.equal(back.best.total, Infinity);
  assert.deepEqual(back.extra, { trees: [1, 2] });
  const r2 = new Rng(0);
  r2.restore(back.shuffle);
  assert.equal(r2.normal(), rng.normal(), 'the generator continues its stream (spare Gaussian included)');
  assert.equal(r2.uniform(), rng.uniform());
  assert.throws(() => readCheckpoint(path, 'distill', { ...fp, settings: { k: 4 } }), /belongs to another fit: its setting k is 3, this fit has 4/);
});

// ---- SIGKILL at random moments, in child processes ----

const CHILD = new URL('./helpers/checkpointChild.ts', import.meta.url).pathname;

/** Runs the child; kills it `killMs` after it printed `started` (or never). Resolves with whether it finished. */
function child(dir: string, method: Method, resume: boolean, killMs: number | null, env: Record<string, string> = {}): Promise<{ finished: boolean; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, method, ...(resume ? ['--resume'] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.stdout.on('data', (d) => {
      if (killMs !== null && String(d).includes('started')) setTimeout(() => c.kill('SIGKILL'), killMs);
    });
    c.on('error', reject);
    c.on('close', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${stderr}`));
      else resolve({ finished: code === 0, signal, stderr });
    });
  });
}

async function killAndResume(method: Method, kills: { ms?: number; env?: Record<string, string> }[]): Promise<number> {
  const dir = tmp();
  let killed = 0;
  let first = true;
  for (const k of kills) {
    const r = await child(dir, method, !first, k.ms ?? null, k.env);
    first = false;
    if (r.finished) break;
    assert.equal(r.signal, 'SIGKILL');
    killed++;
  }
  if (!existsSync(join(dir, 'result.json'))) assert.ok((await child(dir, method, !first, null)).finished);
  const got = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
  assert.deepEqual(got, JSON.parse(JSON.stringify(straight[method])), `${method}, kills ${JSON.stringify(kills)}`);
  rmSync(dir, { recursive: true });
  return killed;
}

test('SIGKILL at seeded random moments (several per fit), resumed until done: bit-identical to a straight run', async () => {
  const rng = new Rng(2024);
  const trials = (['fit', 'fitStream', 'fit'] as const).map((method) => killAndResume(method, [{ ms: rng.uniformIn(0, 60) }, { ms: rng.uniformIn(0, 60) }, { ms: rng.uniformIn(0, 120) }]));
  const killed = (await Promise.all(trials)).reduce((a, b) => a + b, 0);
  assert.ok(killed >= 3, `at least some kills should land mid-fit (${killed})`);
});

test('SIGKILL during the checkpoint write (half-written temporary file, or before the rename): resumed bit-identically', async () => {
  const cases = ['partial', 'before-rename'].flatMap((phase) => [1, 17].map((n) => ({ phase, n })));
  const killed = await Promise.all(cases.map(({ phase, n }) =>
    killAndResume(n === 1 ? 'fit' : 'fitStream', [{ env: { AWD_CHECKPOINT_TEST_KILL: `${n}:${phase}` } }, { env: { AWD_CHECKPOINT_TEST_KILL: `${n + 3}:${phase}` } }])));
  assert.deepEqual(killed, cases.map(() => 2), 'every hooked save killed its process');
});
