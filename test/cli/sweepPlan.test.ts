/**
 * `awd sweep plan / run / status / merge / slurm / k8s`: one plan, cells fitted in any order by
 * separate processes (indices from --cell, $SLURM_ARRAY_TASK_ID, $JOB_COMPLETION_INDEX), killed and
 * resumed; the merge equals a sequential sweep; bad input refused with one line, nothing written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { cellWavelet, type CellResult } from '../../src/awd/sweep.ts';
import { assertFails, assertOk, BIN, tempDir, type Run } from './helpers.ts';
import { writeTinyData } from './data.ts';

const dir = tempDir();
writeTinyData(dir, 30, 16);
const GRID = ['--lambdas', '0,0.1,0.2', '--gammas', '0,0.05'];
const FIT = ['--data', 'X.npy', '--grads', 'G.npy', '--epochs', '3', '--batch-size', '10', '--levels', '2', '--wavelet', 'db2', '--init-noise', '0.01', '--val-fraction', '0.2'];

function run(args: string[], env: Record<string, string> = {}): Promise<Run & { signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, stdout, stderr, signal }));
  });
}

/** A cell result without the per-epoch timings (wall-clock, never reproducible). */
export function comparable(r: CellResult): unknown {
  const w = cellWavelet(r);
  return { cell: r.cell, lambda: r.lambda, gamma: r.gamma, train: r.train, validation: r.validation, h: Buffer.from(w.h.buffer).toString('hex'), settings: w.settings, history: w.history.map(({ seconds: _s, ...e }) => e) };
}
const merged = (path: string): unknown[] => (JSON.parse(readFileSync(join(dir, path), 'utf8')).results as CellResult[]).map(comparable);

test('plan, cells run by separate processes in any order (one killed mid-write and resumed), merge: equals the sequential `awd sweep`', async () => {
  assertOk(await run(['sweep', 'plan', ...FIT, ...GRID, '--checkpoint-every', '1', '--out', 'sw']));
  const plan = JSON.parse(readFileSync(join(dir, 'sw', 'plan.json'), 'utf8'));
  assert.equal(plan.cells, 6);
  assert.equal(plan.data.X.sha256, createHash('sha256').update(readFileSync(join(dir, 'sw', 'data', 'X.npy'))).digest('hex'));
  // Cell 4 is killed during its 5th checkpoint write.
  const killed = await run(['sweep', 'run', 'sw', '--cell', '4'], { AWD_CHECKPOINT_TEST_KILL: '5:before-rename' });
  assert.equal(killed.signal, 'SIGKILL');
  const st = await run(['--json', 'sweep', 'status', 'sw']);
  assertOk(st);
  const cells = JSON.parse(st.stdout).cells as { cell: number; state: string; note: string }[];
  assert.deepEqual(cells.map((c) => c.state), ['missing', 'missing', 'missing', 'missing', 'missing', 'missing']);
  assert.match(cells[4].note, /^interrupted \(on .* pid \d+ is gone\); checkpoint at epoch 2, batch 1, \d+ s ago; resumes when rerun$/);
  const runs = await Promise.all([
    run(['sweep', 'run', 'sw', '--cell', '5']),
    run(['sweep', 'run', 'sw'], { SLURM_ARRAY_TASK_ID: '0' }),
    run(['sweep', 'run', 'sw'], { JOB_COMPLETION_INDEX: '3' }),
    run(['sweep', 'run', 'sw', '--cell', '4']),
  ]);
  runs.forEach(assertOk);
  assert.match(runs[3].stdout, /cell 4: resuming from its checkpoint \(epoch 2, batch 1\)/);
  const todo = await run(['sweep', 'status', 'sw', '--todo']);
  assert.equal(todo.stdout, '1\n2\n');
  assertOk(await run(['sweep', 'run', 'sw', '--all']));
  const again = await run(['sweep', 'run', 'sw', '--cell', '2']);
  assert.match(again.stdout, /cell 2: already done \(sw\/cells\/cell-2\.json\), skipped/);
  assert.equal(existsSync(join(dir, 'sw', 'checkpoints', 'cell-4.ckpt')), false, 'checkpoints are removed once the cell is saved');
  const status = await run(['sweep', 'status', 'sw']);
  assert.match(status.stdout, /6 done, 0 running, 0 failed, 0 missing/);
  assertOk(await run(['sweep', 'merge', 'sw']));
  assertOk(await run(['sweep', ...FIT, ...GRID, '--out', 'seq']));
  const a = merged('sw/sweep.json');
  assert.equal(a.length, 6);
  assert.deepEqual(a, merged('seq/sweep.json'));
  // The two ways give the same fingerprint, so their cells are interchangeable.
  assert.equal(JSON.parse(readFileSync(join(dir, 'seq', 'cell-0.json'), 'utf8')).fingerprint.id, plan.fingerprint.id);
});

test('sweep run / merge / plan refuse bad input with one line (exit 2) and write nothing', async () => {
  assertOk(await run(['sweep', 'plan', ...FIT, ...GRID, '--out', 'bad']));
  assertOk(await run(['sweep', 'run', 'bad', '--all']));
  const cell3 = readFileSync(join(dir, 'bad', 'cells', 'cell-3.json'), 'utf8');
  const planText = readFileSync(join(dir, 'bad', 'plan.json'), 'utf8');
  const expectRefused = async (args: string[], re: RegExp, env: Record<string, string> = {}): Promise<void> => {
    const r = await run(args, env);
    assertFails(r, re);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(existsSync(join(dir, 'bad', 'sweep.json')), false);
  };
  await Promise.all([
    expectRefused(['sweep', 'run', 'bad', '--cell', '6'], /--cell 6 is out of range: the sweep has 6 cells, 0 to 5/),
    expectRefused(['sweep', 'run', 'bad'], /\$SLURM_ARRAY_TASK_ID 9 is out of range/, { SLURM_ARRAY_TASK_ID: '9' }),
    expectRefused(['sweep', 'run', 'bad'], /which cell\? give --cell K/),
    expectRefused(['sweep', 'run', 'nowhere', '--cell', '0'], /sweep folder 'nowhere' does not exist/),
    expectRefused(['sweep', 'plan', ...FIT, ...GRID, '--out', 'bad'], /'bad' already holds a sweep plan; plan into a new folder/),
  ]);
  // An edited cell (a loss changed by hand): refused with the others still fine; nothing written.
  writeFileSync(join(dir, 'bad', 'cells', 'cell-3.json'), cell3.replace(/"total": (\d)/, '"total": 9$1'));
  await expectRefused(['sweep', 'merge', 'bad'], /cannot merge bad: cell 3 was edited after fitting \(its checksum fails\); rerun that cell/);
  // A cell of another sweep (other settings) copied in.
  assertOk(await run(['sweep', ...FIT.map((a) => (a === '3' ? '2' : a)), ...GRID, '--out', 'other', '--cell', '3']));
  cpSync(join(dir, 'other', 'cell-3.json'), join(dir, 'bad', 'cells', 'cell-3.json'));
  await expectRefused(['sweep', 'merge', 'bad'], /cannot merge bad: cell 3 was fitted with epochs 2, the sweep has 3/);
  // Missing and truncated cells are all listed.
  writeFileSync(join(dir, 'bad', 'cells', 'cell-3.json'), cell3.slice(0, 100));
  rmSync(join(dir, 'bad', 'cells', 'cell-1.json'));
  await expectRefused(['sweep', 'merge', 'bad'], /cannot merge bad: 1 of 6 cells missing \(1; run them with `awd sweep run bad --cell K`\); cell 3 is not valid JSON \(truncated\?\)/);
  writeFileSync(join(dir, 'bad', 'cells', 'cell-3.json'), cell3);
  assertOk(await run(['sweep', 'run', 'bad', '--cell', '1']));
  await expectRefused(['sweep', 'merge', 'bad', '--out', 'bad/cells/cell-2.json'], /--out 'bad\/cells\/cell-2\.json' is an input of the merge/);
  // Data changed after planning.
  const x = readFileSync(join(dir, 'bad', 'data', 'X.npy'));
  const x2 = Buffer.from(x);
  x2[x2.length - 1] ^= 1;
  writeFileSync(join(dir, 'bad', 'data', 'X.npy'), x2);
  rmSync(join(dir, 'bad', 'cells', 'cell-0.json'));
  await expectRefused(['sweep', 'run', 'bad', '--cell', '0'], /bad\/data\/X\.npy changed since the sweep was planned \(its SHA-256 differs\)/);
  writeFileSync(join(dir, 'bad', 'data', 'X.npy'), x);
  // A plan of another awd version, and an edited plan.
  const p = JSON.parse(planText);
  const { sha256: _s, ...body } = p;
  body.library.version = '0.0.1';
  writeFileSync(join(dir, 'bad', 'plan.json'), JSON.stringify({ ...body, sha256: createHash('sha256').update(JSON.stringify(body)).digest('hex') }));
  await expectRefused(['sweep', 'run', 'bad', '--cell', '0'], /bad\/plan\.json was planned with awd 0\.0\.1, this is awd \d+\.\d+\.\d+/);
  writeFileSync(join(dir, 'bad', 'plan.json'), planText.replace('"epochs": 3', '"epochs": 30'));
  await expectRefused(['sweep', 'status', 'bad'], /bad\/plan\.json was edited after planning \(its checksum fails\)/);
  writeFileSync(join(dir, 'bad', 'plan.json'), planText);
  assertOk(await run(['sweep', 'run', 'bad', '--cell', '0']));
  assertOk(await run(['sweep', 'merge', 'bad']));
});

test('legacy merge refuses a mixture of sweeps and edited cells, before writing', async () => {
  assertOk(await run(['sweep', ...FIT, ...GRID, '--out', 'l1', '--cell', '0']));
  assertOk(await run(['sweep', ...FIT, ...GRID, '--seed', '1', '--out', 'l2', '--cell', '1']));
  let r = await run(['sweep', 'merge', 'l1', 'l2', '--out', 'm.json']);
  assertFails(r, /'l2\/cell-1\.json' does not belong with 'l1\/cell-0\.json': it has coordinates|'l2\/cell-1\.json' does not belong with 'l1\/cell-0\.json': it comes from another grid/);
  const t = readFileSync(join(dir, 'l1', 'cell-0.json'), 'utf8');
  writeFileSync(join(dir, 'l1', 'cell-0.json'), t.replace('"lambda": 0,', '"lambda": 0.5,'));
  r = await run(['sweep', 'merge', 'l1', '--out', 'm.json']);
  assertFails(r, /'l1\/cell-0\.json' was edited after fitting/);
  r = await run(['sweep', 'merge', 'l1', '--out', 'l1/cell-0.json']);
  assertFails(r, /--out 'l1\/cell-0\.json' is (one of the cells to merge|the input cell 'l1\/cell-0\.json')/);
  assert.equal(existsSync(join(dir, 'm.json')), false);
});

test('sweep slurm and k8s write the job scripts; --submit without sbatch says how to submit', async () => {
  assertOk(await run(['sweep', 'slurm', 'sw', '--throttle', '2', '--time', '01:00:00', '--partition', 'short', '--cpus-per-task', '2', '--mem', '4G']));
  const array = readFileSync(join(dir, 'sw', 'slurm', 'array.sbatch'), 'utf8');
  for (const line of ['#SBATCH --array=0-5%2', '#SBATCH --requeue', '#SBATCH --partition=short', '#SBATCH --time=01:00:00', '#SBATCH --cpus-per-task=2', '#SBATCH --mem=4G', `#SBATCH --output=${join(dir, 'sw')}/logs/cell-%a.log`]) {
    assert.ok(array.split('\n').includes(line), `array.sbatch has ${line}`);
  }
  assert.match(array, /sweep run \S+\/sw --cell "\$\{SLURM_ARRAY_TASK_ID\}"\n$/);
  assert.match(readFileSync(join(dir, 'sw', 'slurm', 'submit.sh'), 'utf8'), /--dependency=afterok:\$\{array\}/);
  assert.match(readFileSync(join(dir, 'sw', 'slurm', 'merge.sbatch'), 'utf8'), /sweep merge \S+\/sw\n$/);
  const noSbatch = await run(['sweep', 'slurm', 'sw', '--submit', '--merge-after', 'afterany'], { PATH: tempDir('awd-nopath-') });
  assertFails(noSbatch, /cannot run sbatch \(ENOENT\); write the scripts without --submit and submit them on the cluster's login node with: bash \S+submit\.sh/);
  assert.match(readFileSync(join(dir, 'sw', 'slurm', 'submit.sh'), 'utf8'), /--dependency=afterok:/, 'nothing rewritten by the failed --submit');
  assertFails(await run(['sweep', 'slurm', 'sw', '--time', '1 hour']), /--time must be a Slurm time such as 02:00:00/);
  assertOk(await run(['sweep', 'k8s', 'sw', '--image', 'registry/awd:0.1', '--pvc', 'data', '--parallelism', '3']));
  const job = readFileSync(join(dir, 'sw', 'k8s', 'job.yaml'), 'utf8');
  for (const line of ['  completions: 6', '  parallelism: 3', '  completionMode: Indexed', '          image: "registry/awd:0.1"', '          command: ["awd", "sweep", "run", "/sweep"]', '            claimName: "data"']) {
    assert.ok(job.split('\n').includes(line), `job.yaml has ${line}`);
  }
  assert.match(readFileSync(join(dir, 'sw', 'k8s', 'merge.yaml'), 'utf8'), /command: \["awd", "sweep", "merge", "\/sweep"\]/);
});
