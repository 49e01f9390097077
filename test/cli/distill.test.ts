// The user's whole workflow as two commands (awd distill, then awd predict) run as child
// processes; awd evaluate / explain; and every bad input refused with one line, exit 2, no output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy, writeNpy } from '../../src/data/npy.ts';
import { encodeNpz, parseNpz } from '../../src/data/npz.ts';
import { ndarray, sliceRows } from '../../src/util/ndarray.ts';
import { tinyRegression } from '../distill/fixtures.ts';
import { spawn } from 'node:child_process';
import { assertFails, assertOk, awd, BIN, tempDir } from './helpers.ts';

const FAST = ['--epochs', '2', '--levels', '3', '--lambdas', '0,0.1', '--gammas', '0', '--baselines', 'db5,haar'];

function writeData(dir: string): void {
  const t = tinyRegression(240, 32, 4);
  writeNpy(join(dir, 'X.npy'), sliceRows(t.X, 0, 160));
  writeNpy(join(dir, 'y.npy'), ndarray(t.y.slice(0, 160), [160]));
  writeNpy(join(dir, 'G.npy'), sliceRows(t.G, 0, 160));
  writeNpy(join(dir, 'Xt.npy'), sliceRows(t.X, 160, 240));
  writeNpy(join(dir, 'yt.npy'), ndarray(t.y.slice(160), [80]));
}

test('two commands: awd distill, then awd predict (child processes); evaluate and explain', async () => {
  const dir = tempDir();
  writeData(dir);
  const d = await awd(['distill', '--data', 'X.npy', '--target', 'y.npy', '--grads', 'G.npy', '--out', 'model', '--test-data', 'Xt.npy', '--test-target', 'yt.npy', ...FAST, '--json'], dir);
  assertOk(d);
  const res = JSON.parse(d.stdout);
  assert.equal(res.task, 'regression');
  for (const f of ['model.json', 'report.html', 'results.json', 'tables/candidates.json', 'tables/candidates.md']) assert.ok(existsSync(join(dir, 'model', f)), f);
  assert.ok(res.candidates.some((c: { kind: string }) => c.kind === 'raw'));
  assert.ok(res.candidates.every((c: { kind: string; test: unknown }) => c.kind === 'teacher' || c.test !== null), 'test scores for every candidate');
  const html = readFileSync(join(dir, 'model', 'report.html'), 'utf8');
  assert.match(html, /Candidates ranked by training CV/);
  assert.match(html, /What drives each prediction/);
  const p = await awd(['predict', '--model', 'model', '--data', 'Xt.npy', '--out', 'yhat.npy'], dir);
  assertOk(p);
  const yhat = readNpy(join(dir, 'yhat.npy'));
  assert.deepEqual(yhat.shape, [80]);
  const yt = readNpy(join(dir, 'yt.npy')).data;
  let ss = 0, st = 0;
  const m = yt.reduce((a, b) => a + b, 0) / yt.length;
  for (let i = 0; i < 80; i++) { ss += (yt[i] - yhat.data[i]) ** 2; st += (yt[i] - m) ** 2; }
  assert.ok(1 - ss / st > 0.9, `test R² ${1 - ss / st}`);
  // Every data format reaches distill's commands: the same samples from an .npz, predictions to an .npz.
  writeFileSync(join(dir, 'Xt.npz'), encodeNpz({ Xt: readNpy(join(dir, 'Xt.npy')) }));
  assertOk(await awd(['predict', '--model', 'model', '--data', 'Xt.npz:Xt', '--out', 'yhat.npz'], dir));
  assert.deepEqual(Array.from(parseNpz(readFileSync(join(dir, 'yhat.npz'))).data), Array.from(yhat.data));
  const chosen = res.candidates.find((c: { name: string }) => c.name === res.chosen);
  assert.ok(Math.abs(chosen.test.r2 - (1 - ss / st)) < 1e-12, 'the report\'s test score is the predict command\'s');
  const e = await awd(['evaluate', '--model', 'model', '--data', 'Xt.npy', '--target', 'yt.npy', '--json'], dir);
  assertOk(e);
  const ev = JSON.parse(e.stdout);
  assert.ok(Math.abs(ev.r2 - (1 - ss / st)) < 1e-12);
  assert.ok(ev.interval.low <= ev.r2 && ev.r2 <= ev.interval.high);
  const x = await awd(['explain', '--model', 'model', '--data', 'Xt.npy', '--plot', 'ex.svg', '--top', '3'], dir);
  assertOk(x);
  assert.match(x.stdout, /detail level \d position \d+/);
  assert.match(readFileSync(join(dir, 'ex.svg'), 'utf8'), /^<svg/);
  // The same inputs give byte-identical model files.
  const d2 = await awd(['distill', '--data', 'X.npy', '--target', 'y.npy', '--grads', 'G.npy', '--out', 'model2', ...FAST], dir);
  assertOk(d2);
  assert.equal(readFileSync(join(dir, 'model2', 'model.json'), 'utf8'), readFileSync(join(dir, 'model', 'model.json'), 'utf8'));
  const d3 = await awd(['distill', '--data', 'X.npy', '--target', 'y.npy', '--grads', 'G.npy', '--out', 'model3', ...FAST], dir);
  assertOk(d3);
  for (const f of ['report.html', 'results.json', 'tables/candidates.md', 'tables/candidates.json']) {
    assert.equal(readFileSync(join(dir, 'model3', f), 'utf8'), readFileSync(join(dir, 'model2', f), 'utf8'), f);
  }
});

test('awd distill --teacher-kind mlp trains the teacher, scores it on the test data, saves it', async () => {
  const dir = tempDir();
  writeData(dir);
  const d = await awd(['distill', '--data', 'X.npy', '--target', 'y.npy', '--teacher-kind', 'mlp', '--teacher-epochs', '3', '--out', 'model', '--test-data', 'Xt.npy', '--test-target', 'yt.npy', ...FAST, '--json'], dir);
  assertOk(d);
  const res = JSON.parse(d.stdout);
  const t = res.candidates.find((c: { kind: string }) => c.kind === 'teacher');
  assert.ok(t && typeof t.test.r2 === 'number');
  // The teacher is scored by the candidates' own CV folds (one teacher per fold), not its validation split.
  const saved = JSON.parse(readFileSync(join(dir, 'model', 'model.json'), 'utf8'));
  const teacherCv = saved.state?.settings?.teacher?.cvScore ?? saved.settings?.teacher?.cvScore;
  assert.equal(typeof teacherCv, 'number', 'the model file records the teacher\'s CV score');
  assert.equal(t.cvScore, teacherCv);
  assert.notEqual(teacherCv, saved.state?.settings?.teacher?.valScore ?? saved.settings?.teacher?.valScore);
  assert.ok(existsSync(join(dir, 'model', 'teacher')));
  assertOk(await awd(['predict', '--model', 'model', '--data', 'Xt.npy', '--out', 'yhat.npy'], dir));
});

test('awd distill / predict / evaluate: bad input is one line, exit 2, nothing written', async () => {
  const dir = tempDir();
  writeData(dir);
  const y = readNpy(join(dir, 'y.npy')).data;
  writeNpy(join(dir, 'y_short.npy'), ndarray(y.slice(0, 100), [100]));
  const nan = Float64Array.from(y); nan[5] = NaN;
  writeNpy(join(dir, 'y_nan.npy'), ndarray(nan, [160]));
  writeNpy(join(dir, 'y_const.npy'), ndarray(new Float64Array(160).fill(0.25), [160]));
  writeNpy(join(dir, 'y_one.npy'), ndarray(new Float64Array(160).fill(1), [160]));
  writeNpy(join(dir, 'Xt_other.npy'), ndarray(new Float64Array(80 * 16), [80, 16]));
  writeNpy(join(dir, 'yt_short.npy'), ndarray(new Float64Array(10), [10]));
  writeNpy(join(dir, 'g3.npy'), ndarray(Float64Array.from({ length: 160 }, (_, i) => i % 3), [160]));
  const base = ['distill', '--data', 'X.npy', '--grads', 'G.npy', ...FAST];
  const cases: [string[], RegExp][] = [
    [[...base, '--target', 'y_short.npy', '--out', 'm1'], /y has 100 values but X has 160 samples/],
    [[...base, '--target', 'y_nan.npy', '--out', 'm2'], /y contains NaN/],
    [[...base, '--target', 'y_const.npy', '--out', 'm3'], /y is constant/],
    [[...base, '--target', 'y_one.npy', '--out', 'm4'], /only one class/],
    [[...base, '--target', 'y.npy', '--out', 'm5', '--test-data', 'Xt_other.npy', '--test-target', 'yt.npy'], /--test-data .* shape \[16\] but --data has \[32\]/],
    [[...base, '--target', 'y.npy', '--out', 'm6', '--test-data', 'Xt.npy', '--test-target', 'yt_short.npy'], /--test-target has 10 values but --test-data has 80/],
    [[...base, '--target', 'y.npy', '--out', 'm7', '--task', 'ordinal'], /--task must be one of/],
    [['distill', '--data', 'X.npy', '--target', 'y.npy', '--out', 'm8', ...FAST], /exactly one of --teacher/],
    [[...base, '--target', 'y.npy', '--out', 'm9', '--baselines', 'db99'], /db99/],
    [[...base, '--target', 'y.npy', '--out', 'm10', '--groups', 'g3.npy'], /3 distinct groups, fewer than the 5 CV folds/],
    [[...base, '--target', 'y.npy', '--out', 'm11', '--groups', 'yt.npy'], /--groups has 80 labels but --data has 160/],
  ];
  for (const [args, pattern] of cases) {
    const r = await awd(args, dir);
    assertFails(r, pattern);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
    const out = args[args.indexOf('--out') + 1];
    assert.ok(!existsSync(join(dir, out)), `${out} written`);
  }
  // A model, then an edited one and one from another version.
  assertOk(await awd([...base, '--target', 'y.npy', '--out', 'model'], dir));
  const text = readFileSync(join(dir, 'model', 'model.json'), 'utf8');
  writeFileSync(join(dir, 'edited.json'), text.replace(/"alpha": ([0-9.e-]+)/, (_m, v) => `"alpha": ${Number(v) * 2}`));
  const other = JSON.parse(text);
  other.library.version = '7.3.0';
  writeFileSync(join(dir, 'other.json'), JSON.stringify(other));
  const bad: [string[], RegExp][] = [
    [['predict', '--model', 'edited.json', '--data', 'Xt.npy', '--out', 'a.npy'], /checksum/],
    [['predict', '--model', 'other.json', '--data', 'Xt.npy', '--out', 'b.npy'], /written by awd 7\.3\.0/],
    [['predict', '--model', 'model', '--data', 'Xt_other.npy', '--out', 'c.npy'], /shape \[16\] but the model was fitted on \[32\]/],
    [['predict', '--model', 'nowhere', '--data', 'Xt.npy', '--out', 'd.npy'], /does not exist/],
    [['evaluate', '--model', 'model', '--data', 'Xt.npy', '--target', 'y.npy'], /y has 160 values but X has 80/],
    [['predict', '--model', 'model', '--data', 'Xt.npy', '--out', 'Xt.npy'], /--out 'Xt\.npy' is the input --data 'Xt\.npy'; writing it would destroy the input/],
  ];
  for (const [args, pattern] of bad) {
    const r = await awd(args, dir);
    assertFails(r, pattern);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
  }
  for (const f of ['a.npy', 'b.npy', 'c.npy', 'd.npy']) assert.ok(!existsSync(join(dir, f)));
});

test('awd inspect / transform read sweep cell files, merged sweeps (#K) and models; a bad file exits 2', async () => {
  const dir = tempDir();
  writeData(dir);
  assertOk(await awd(['sweep', '--data', 'X.npy', '--grads', 'G.npy', '--lambdas', '0,0.1', '--gammas', '0', '--epochs', '1', '--levels', '3', '--out', 'sw', '--cell', '1'], dir));
  const i = await awd(['inspect', join('sw', 'cell-1.json'), '--json'], dir);
  assertOk(i);
  const info = JSON.parse(i.stdout);
  assert.equal(info.levels, 3);
  const t = await awd(['transform', '--wavelet', join('sw', 'cell-1.json'), '--data', 'Xt.npy', '--out', 'c.json'], dir);
  assertOk(t);
  const cellH = JSON.parse(JSON.parse(readFileSync(join(dir, 'sw', 'cell-1.json'), 'utf8')).result.wavelet).h;
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')).h, cellH);
  assertOk(await awd(['sweep', '--data', 'X.npy', '--grads', 'G.npy', '--lambdas', '0,0.1', '--gammas', '0', '--epochs', '1', '--levels', '3', '--out', 'all'], dir));
  assertOk(await awd(['inspect', `${join('all', 'sweep.json')}#1`], dir));
  assertFails(await awd(['inspect', join('all', 'sweep.json')], dir), /merged sweep of 2 cells; name one/);
  const cell = readFileSync(join(dir, 'sw', 'cell-1.json'), 'utf8');
  writeFileSync(join(dir, 'bad-cell.json'), cell.replace(/\\"h\\": \[\\n\s+(-?[0-9])/, '\\"h\\": [\\n 9$1'));
  for (const args of [['inspect', 'bad-cell.json'], ['transform', '--wavelet', 'bad-cell.json', '--data', 'Xt.npy', '--out', 'd.json'], ['inspect', 'y.npy']]) {
    const r = await awd(args, dir);
    assertFails(r, /checksum|not valid JSON|not an awd wavelet file/);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
  }
});

test('awd distill killed in its AWD phase (SIGKILL mid-cell, after a finished cell), then --resume: the same model.json as a straight run', async () => {
  const dir = tempDir();
  writeData(dir);
  const args = ['distill', '--data', 'X.npy', '--target', 'y.npy', '--grads', 'G.npy', ...FAST];
  assertOk(await awd([...args, '--out', 'straight'], dir));
  // 2 cells × 4 steps, a checkpoint every step. The second cell pauses after its 2nd save (test
  // hook), and the process is killed then: cell 0 finished, cell 1 half done.
  const child = spawn(process.execPath, [BIN, ...args, '--out', 'm', '--checkpoint-every', '1'], { cwd: dir, stdio: 'ignore', env: { ...process.env, AWD_CHECKPOINT_TEST_PAUSE: 'cell-1.ckpt:2:30000' } });
  const ckpt = join(dir, 'm', 'checkpoints', 'cell-1.ckpt');
  const t0 = Date.now();
  while (!existsSync(ckpt) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300)); // into the pause after the 2nd save
  const closed = new Promise<string | null>((r) => child.on('close', (_code, signal) => r(signal)));
  child.kill('SIGKILL');
  assert.equal(await closed, 'SIGKILL');
  assert.ok(existsSync(join(dir, 'm', 'checkpoints', 'cell-0.json')), 'the first cell was saved');
  assert.ok(existsSync(ckpt), 'the second cell has a checkpoint');
  assert.equal(existsSync(join(dir, 'm', 'model.json')), false, 'no model from a killed run');
  // Without --resume the earlier run's checkpoints are never overwritten silently.
  assertFails(await awd([...args, '--out', 'm', '--checkpoint-every', '1'], dir), /holds an earlier run's files; resume it/);
  assertOk(await awd([...args, '--out', 'm', '--checkpoint-every', '1', '--resume'], dir));
  assert.ok(readFileSync(join(dir, 'm', 'model.json')).equals(readFileSync(join(dir, 'straight', 'model.json'))), 'resumed model.json is byte-identical to the straight run');
  assert.equal(existsSync(join(dir, 'm', 'checkpoints')), false, 'checkpoints removed once the model is saved');
});
