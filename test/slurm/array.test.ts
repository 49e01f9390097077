/**
 * A real Slurm: scripts/slurm/start.sh starts munged + slurmctld + slurmd in a temporary folder;
 * a 6-cell sweep is submitted as an array job (`awd sweep slurm --submit`), one task is requeued
 * (`scontrol requeue`) while it is paused mid-fit, the dependent merge job runs, and the merged
 * sweep equals a local sequential `awd sweep` bit for bit. The daemons are stopped even when the
 * test fails. Without Slurm the test fails with the command that installs it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellWavelet, type CellResult } from '../../src/awd/sweep.ts';
import { BIN, tempDir, type Run } from '../cli/helpers.ts';
import { writeTinyData } from '../cli/data.ts';

const REPO = new URL('../../', import.meta.url).pathname;
const INSTALL = 'apt-get install -y slurm-wlm munge';
const root = tempDir('awd-slurm-');
const cluster = join(root, 'cluster');
const dir = join(root, 'work');
let env: NodeJS.ProcessEnv = {};

function stopCluster(): void {
  spawnSync('bash', [join(REPO, 'scripts/slurm/stop.sh'), cluster], { stdio: 'ignore', timeout: 30_000 });
}

before(() => {
  const missing = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'scontrol', 'squeue'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) assert.fail(`Slurm is not installed (${missing.join(', ')} missing); install it with: ${INSTALL}`);
  if (process.getuid?.() !== 0) assert.fail('the Slurm test starts slurmd, which needs root; run the tests as root (as .ci/run does)');
  process.on('exit', stopCluster); // also when the runner is interrupted
  const r = spawnSync('bash', [join(REPO, 'scripts/slurm/start.sh'), cluster], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) assert.fail(`scripts/slurm/start.sh failed (${r.status}): ${r.stderr.trim()}`);
  env = { ...process.env, SLURM_CONF: join(cluster, 'slurm.conf'), SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '' };
});

after(stopCluster);

function awd(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, ...extra } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const slurm = (cmd: string, args: string[]): { status: number | null; out: string } => {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean, seconds: number): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out after ${seconds} s waiting for ${what}; queue: ${slurm('squeue', ['-o', '%i %T %r']).out}; logs in ${cluster}/log`);
    await sleep(250);
  }
}
const comparable = (r: CellResult): unknown => {
  const w = cellWavelet(r);
  return { cell: r.cell, lambda: r.lambda, gamma: r.gamma, train: r.train, h: Buffer.from(w.h.buffer).toString('hex'), settings: w.settings, history: w.history.map(({ seconds: _s, ...e }) => e) };
};

test('a 6-cell sweep as a Slurm array job, one task requeued mid-fit, merged by the dependent job: equals a local sequential sweep bit for bit', async () => {
  spawnSync('mkdir', ['-p', dir]);
  writeTinyData(dir, 30, 16);
  const FIT = ['--data', 'X.npy', '--grads', 'G.npy', '--epochs', '4', '--batch-size', '10', '--levels', '2', '--wavelet', 'db2', '--init-noise', '0.01'];
  const GRID = ['--lambdas', '0,0.05,0.1', '--gammas', '0,0.02'];
  const planned = await awd(['sweep', 'plan', ...FIT, ...GRID, '--checkpoint-every', '1', '--out', 'sw']);
  assert.equal(planned.code, 0, planned.stderr);
  // Task 2 pauses for 120 s after its 3rd checkpoint (only in a fresh fit): that is where it is requeued.
  const sub = await awd(['--json', 'sweep', 'slurm', 'sw', '--throttle', '3', '--time', '00:05:00', '--submit'], { AWD_CHECKPOINT_TEST_PAUSE: 'cell-2.ckpt:3:120000' });
  assert.equal(sub.code, 0, sub.stderr);
  const jobs = JSON.parse(sub.stdout).jobs as { array: string; merge: string };
  assert.match(jobs.array, /^\d+$/);
  const ckpt = join(dir, 'sw', 'checkpoints', 'cell-2.ckpt');
  await until('task 2 to reach its paused checkpoint', () => existsSync(ckpt) && slurm('squeue', ['-h', '-j', `${jobs.array}_2`, '-o', '%T']).out === 'RUNNING', 60);
  const requeue = slurm('scontrol', ['requeue', `${jobs.array}_2`]);
  assert.equal(requeue.status, 0, requeue.out);
  // A requeued job waits ~2 minutes (BeginTime) before it may start again; let it start now.
  await until('the requeued task to wait for its begin time', () => slurm('squeue', ['-h', '-j', `${jobs.array}_2`, '-o', '%T %r']).out === 'PENDING BeginTime', 30);
  const release = slurm('scontrol', ['update', `jobid=${jobs.array}_2`, 'StartTime=now']);
  assert.equal(release.status, 0, release.out);
  await until('the array and the merge job to finish', () => slurm('squeue', ['-h', '-o', '%i']).out === '', 75);
  const log2 = readFileSync(join(dir, 'sw', 'logs', 'cell-2.log'), 'utf8');
  assert.match(log2, /restart 0[\s\S]*DUE TO JOB REQUEUE[\s\S]*restart 1[\s\S]*cell 2: resuming from its checkpoint \(epoch 1, batch 3\)/);
  const mergeLog = readFileSync(join(dir, 'sw', 'logs', 'merge.log'), 'utf8');
  assert.match(mergeLog, /merged 6 cells of \S+ into \S+sweep\.json/);
  const seq = await awd(['sweep', ...FIT, ...GRID, '--out', 'seq']);
  assert.equal(seq.code, 0, seq.stderr);
  const results = (p: string): unknown[] => (JSON.parse(readFileSync(join(dir, p), 'utf8')).results as CellResult[]).map(comparable);
  const merged = results('sw/sweep.json');
  assert.equal(merged.length, 6);
  assert.deepEqual(merged, results('seq/sweep.json'));
});
