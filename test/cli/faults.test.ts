/**
 * Faults of issue 15 at the command line: untrusted paths in run.json, NaN inputs, FIFOs,
 * malformed input files (exit 2), warnings on stderr, closed pipes, bad AWD_KERNELS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../src/data/npy.ts';
import { linePlot } from '../../src/report/svg.ts';
import { writeStudyRun } from '../../src/studies/write.ts';
import { writeTinyData } from './data.ts';
import { awd, assertFails, BIN, tempDir } from './helpers.ts';

function handmadeRun(dir: string): void {
  writeStudyRun(
    {
      study: 'handmade', title: 'Hand-made', settings: {}, results: {}, timings: {}, findings: [],
      tables: [], figures: [{ name: 'fig', title: 'F', caption: 'c', svg: linePlot([{ label: 'l', x: [0, 1], y: [1, 2] }]) }],
    },
    dir,
  );
}

test('awd report reads no file outside the run directory: .., absolute paths and links leaving it are refused', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'secret.txt'), 'SECRET-CONTENT');
  const cases: [string, (run: string) => void, RegExp][] = [
    ['dotdot', (run) => editManifest(run, (m) => (m.figures[0].file = '../secret.txt')), /names '\.\.\/secret\.txt', which leaves its folder/],
    ['absolute', (run) => editManifest(run, (m) => (m.figures[0].file = join(dir, 'secret.txt'))), /names the absolute path/],
    ['settings', (run) => editManifest(run, (m) => (m.files.settings = '../secret.txt')), /leaves its folder/],
    ['artifact', (run) => editManifest(run, (m) => (m.artifacts = [{ name: 'a', file: 'figures/../../secret.txt' }])), /leaves its folder/],
    ['symlink', (run) => {
      symlinkSync(join(dir, 'secret.txt'), join(run, 'figures', 'leak.svg'));
      editManifest(run, (m) => (m.figures[0].file = 'figures/leak.svg'));
    }, /a link to '.*secret\.txt' outside its folder/],
    ['symlinked folder', (run) => {
      symlinkSync(dir, join(run, 'up'));
      editManifest(run, (m) => (m.figures[0].file = 'up/secret.txt'));
    }, /outside its folder/],
  ];
  for (const [name, craft, pattern] of cases) {
    const run = join(dir, name);
    handmadeRun(run);
    craft(run);
    const r = await awd(['report', name, '--out', `${name}.html`], dir);
    assertFails(r, pattern);
    assert.equal(r.code, 2, name);
    assert.ok(!existsSync(join(dir, `${name}.html`)), `${name}: no report written`);
  }
  // A malformed manifest is a bad input file: one line, exit 2.
  const bad = join(dir, 'malformed');
  handmadeRun(bad);
  editManifest(bad, (m) => (m.figures = { file: 'x' }));
  const malformed = await awd(['report', 'malformed'], dir);
  assertFails(malformed, /run\.json has a malformed "figures" \(expected an array of objects\)/);
  assert.equal(malformed.code, 2);
  // A link inside the run directory is fine.
  const ok = join(dir, 'inside');
  handmadeRun(ok);
  symlinkSync('fig.svg', join(ok, 'figures', 'alias.svg'));
  editManifest(ok, (m) => (m.figures[0].file = 'figures/alias.svg'));
  const r = await awd(['report', 'inside'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(readFileSync(join(ok, 'report.html'), 'utf8'), /SECRET/);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function editManifest(run: string, edit: (m: any) => void): void {
  const p = join(run, 'run.json');
  const m = JSON.parse(readFileSync(p, 'utf8'));
  edit(m);
  writeFileSync(p, JSON.stringify(m));
}

test('awd teacher grads / fit / transform on data with NaN: exit 2, one line, nothing written', async () => {
  const dir = tempDir();
  writeTinyData(dir, 8, 16);
  const X = new Float64Array(8 * 16).fill(0.5);
  X[21] = NaN;
  writeNpy(join(dir, 'nan.npy'), { data: X, shape: [8, 16] });
  const G = new Float64Array(8 * 16);
  G[3] = Infinity;
  writeNpy(join(dir, 'inf.npy'), { data: G, shape: [8, 16] });
  mkdirSync(join(dir, 'teacher'));
  writeFileSync(join(dir, 'teacher', 'teacher.json'), '{}');
  const [grads, fit, fitG, tr, train] = await Promise.all([
    awd(['teacher', 'grads', '--teacher', 'teacher', '--data', 'nan.npy', '--out', 'g.npy'], dir),
    awd(['fit', '--data', 'nan.npy', '--grads', 'inf.npy', '--out', 'w.json'], dir),
    awd(['fit', '--data', 'X.npy', '--grads', 'inf.npy', '--out', 'w.json'], dir),
    awd(['transform', '--data', 'nan.npy', '--out', 'c.json'], dir),
    awd(['teacher', 'train', '--kind', 'mlp', '--data', 'nan.npy', '--target', 'y.npy', '--out', 'trained'], dir),
  ]);
  assertFails(grads, /--data 'nan\.npy' contains NaN at flat index 21/);
  assertFails(fit, /--data 'nan\.npy' contains NaN at flat index 21/);
  assertFails(fitG, /--grads 'inf\.npy' contains Infinity at flat index 3/);
  assertFails(tr, /contains NaN/);
  assertFails(train, /--data 'nan\.npy' contains NaN at flat index 21/);
  for (const r of [grads, fit, fitG, tr, train]) assert.equal(r.code, 2);
  for (const f of ['g.npy', 'w.json', 'c.json', 'trained']) assert.ok(!existsSync(join(dir, f)), f);
});

test('a FIFO is called a FIFO, not a folder; malformed input files exit 2', async () => {
  const dir = tempDir();
  writeTinyData(dir, 8, 16);
  execFileSync('mkfifo', [join(dir, 'pipe.npy')]);
  writeFileSync(join(dir, 'bad.npy'), 'not a npy file at all');
  writeFileSync(join(dir, 'bad.json'), '{ "format": "awd-wavelet", ');
  mkdirSync(join(dir, 'teacher'));
  writeFileSync(join(dir, 'teacher', 'teacher.json'), '{ truncated');
  const [fifo, badNpy, badWavelet, badWaveletFit, badTeacher, notRun] = await Promise.all([
    awd(['fit', '--data', 'pipe.npy', '--grads', 'G.npy', '--out', 'w.json'], dir),
    awd(['fit', '--data', 'bad.npy', '--grads', 'G.npy', '--out', 'w.json'], dir),
    awd(['inspect', 'bad.json'], dir),
    awd(['fit', '--data', 'X.npy', '--grads', 'G.npy', '--wavelet', 'bad.json', '--out', 'w.json'], dir),
    awd(['teacher', 'grads', '--teacher', 'teacher', '--data', 'X.npy', '--out', 'g.npy'], dir),
    awd(['report', 'teacher'], dir),
  ]);
  assertFails(fifo, /'pipe\.npy' is a FIFO \(named pipe\), expected a regular file/);
  assertFails(badNpy, /bad\.npy/);
  assertFails(badWavelet, /not valid JSON/);
  assertFails(badWaveletFit, /not valid JSON/);
  assertFails(badTeacher, /not valid JSON/);
  assertFails(notRun, /not a run directory/);
  for (const r of [fifo, badNpy, badWavelet, badWaveletFit, badTeacher, notRun]) assert.equal(r.code, 2, r.stderr);
});

test('awd --help | head -3 ends quietly: a closed pipe is no error', async () => {
  const dir = tempDir();
  // Read three lines, then close our end of the pipe, as `head -3` does.
  const r = await new Promise<{ code: number | null; stderr: string; lines: string }>((resolve, reject) => {
    const child = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" --help | head -1; "${process.execPath}" "${BIN}" sweep --help | head -1`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let lines = '';
    child.stdout.on('data', (d) => (lines += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, lines }));
  });
  assert.equal(r.stderr, '', 'nothing on stderr');
  assert.equal(r.lines.split('\n').filter(Boolean).length, 2);
  // And directly: a reader that closes the pipe at once.
  const direct = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'inspect', 'db4'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.destroy();
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
  assert.equal(direct.stderr, '', 'nothing on stderr after EPIPE');
  assert.equal(direct.code, 0);
});

test('a bad AWD_KERNELS value is one line, exit 2, no stack trace', async () => {
  const dir = tempDir();
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'inspect', 'db4'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWD_KERNELS: 'sometimes' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  assertFails(r, /AWD_KERNELS.*must be auto, always or never, got 'sometimes'/);
  assert.equal(r.code, 2);
});

test('awd fit twice with the same inputs and seed writes byte-identical files', async () => {
  const dir = tempDir();
  writeTinyData(dir, 20, 16);
  const args = (out: string) => ['fit', '--data', 'X.npy', '--grads', 'G.npy', '--wavelet', 'db2', '--levels', '2', '--epochs', '3', '--batch-size', '8', '--seed', '4', '--init-noise', '0.01', '--val-fraction', '0.2', '--out', out];
  const [a, b] = await Promise.all([awd(args('a.json'), dir), awd(args('b.json'), dir)]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.ok(readFileSync(join(dir, 'a.json')).equals(readFileSync(join(dir, 'b.json'))), 'byte-identical');
  // With validation, what is reported is the returned (best-validation) filter's epoch.
  const j = await awd([...args('c.json'), '--json'], dir);
  const out = JSON.parse(j.stdout);
  assert.equal(typeof out.bestEpoch, 'number');
  assert.equal(out.final.epoch, out.bestEpoch);
  assert.equal(out.settings.bestEpoch, out.bestEpoch);
});

test('promised warnings reach stderr as awd: warning: lines; a diverging fit exits 1 naming --lr', async () => {
  const dir = tempDir();
  writeTinyData(dir, 12, 8);
  const base = ['fit', '--data', 'X.npy', '--grads', 'G.npy', '--batch-size', '4'];
  const [zero, short, levels, diverge, collapse] = await Promise.all([
    awd([...base, '--wavelet', 'db2', '--levels', '1', '--epochs', '0', '--out', 'a.json'], dir),
    awd([...base, '--wavelet', 'db5', '--levels', '1', '--epochs', '1', '--out', 'b.json'], dir),
    awd(['transform', '--data', 'X.npy', '--wavelet', 'db2', '--levels', '3', '--out', 'c.json'], dir),
    awd([...base, '--wavelet', 'db2', '--levels', '1', '--epochs', '3', '--lr', '30', '--out', 'd.json'], dir),
    awd([...base, '--wavelet', 'db2', '--levels', '1', '--epochs', '40', '--lr', '0.05', '--lambda', '1000', '--gamma', '1000', '--out', 'e.json'], dir),
  ]);
  const warnings = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => l.startsWith('awd: warning: '));
  assert.equal(zero.code, 0, zero.stderr);
  assert.match(warnings(zero).join('\n'), /--epochs 0: nothing is fitted/);
  assert.equal(short.code, 0, short.stderr);
  assert.match(warnings(short).join('\n'), /samples \(length 8\) are shorter than the filter \(10 taps\)/);
  assert.equal(levels.code, 0, levels.stderr);
  assert.match(warnings(levels).join('\n'), /--levels 3 is more than the useful maximum 1 for length 8 and 4 taps/);
  assertFails(diverge, /the fit diverged: .*--lr 3 or less/);
  assert.equal(diverge.code, 1);
  assert.ok(!existsSync(join(dir, 'd.json')));
  assert.equal(collapse.code, 0, collapse.stderr);
  assert.match(warnings(collapse).join('\n'), /the fitted filter is far from a wavelet .*use smaller --lambda\/--gamma/);
  for (const r of [zero, short, levels, collapse]) assert.doesNotMatch(r.stderr, /\(node:\d+\)/, 'no Node-style warning lines');
});
