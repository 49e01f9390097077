/**
 * Nothing lost: every command, with its output aimed at each of its inputs (directly, through a
 * symbolic link, through a hard link, or as a file the command would write into an output
 * folder), exits with 2 and one `awd: …` line before doing any work, and every input file is
 * byte-for-byte unchanged. Runs the CLI in-process (`runCli`) for speed; one case also runs the
 * real binary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, linkSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { saveWavelet } from '../../src/awd/serialize.ts';
import type { Command } from 'commander';
import { buildProgram, runCli } from '../../src/cli/main.ts';
import { linePlot } from '../../src/report/svg.ts';
import { writeStudyRun } from '../../src/studies/write.ts';
import { writeTinyData } from './data.ts';
import { awd, assertFails, tempDir } from './helpers.ts';

/** Runs the CLI in-process; captures stdout/stderr. */
async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let stdout = '';
  let stderr = '';
  const prev = process.cwd();
  process.chdir(cwd);
  (process.stdout as { write: unknown }).write = (s: string | Uint8Array) => ((stdout += String(s)), true);
  (process.stderr as { write: unknown }).write = (s: string | Uint8Array) => ((stderr += String(s)), true);
  try {
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    (process.stdout as { write: unknown }).write = out;
    (process.stderr as { write: unknown }).write = err;
    process.chdir(prev);
  }
}

/** Every regular file under `dir` with its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) m.set(p, readFileSync(p));
    }
  };
  walk(dir);
  return m;
}

interface Case {
  /** The command line; `{OUT}` is replaced by the output path under test. */
  args: string[];
  /** The input paths (relative to the case folder) the output is aimed at. */
  inputs: string[];
  /** For a folder output: the file names the command writes into it. */
  writes?: string[];
}

/** Builds the inputs of every command in `dir`. */
function fixtures(dir: string): void {
  writeTinyData(dir, 12, 32);
  saveWavelet(AdaptiveWavelet.fromName('db2', 2, 'zero'), join(dir, 'w.json'));
  mkdirSync(join(dir, 'teacher'));
  writeFileSync(join(dir, 'teacher', 'teacher.json'), '{"format": "a teacher"}\n');
  writeFileSync(join(dir, 'teacher', 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  writeStudyRun(
    {
      study: 'handmade', title: 'Hand-made', settings: { seed: 1 }, results: { r: 1 }, timings: {}, findings: [],
      tables: [{ title: 'T', columns: ['a'], rows: [[1]] }],
      figures: [{ name: 'fig', title: 'F', caption: 'c', svg: linePlot([{ label: 'l', x: [0, 1], y: [1, 2] }]) }],
      artifacts: { 'w.json': '{"a": 1}' },
    },
    join(dir, 'run'),
  );
  mkdirSync(join(dir, 'model'));
  writeFileSync(join(dir, 'model', 'model.json'), '{"format": "awd-distilled-model"}\n');
  mkdirSync(join(dir, 'cells'));
  writeFileSync(join(dir, 'cells', 'cell-0.json'), '{"format": "awd-sweep-cell"}\n');
  writeFileSync(join(dir, 'cells', 'cell-1.json'), '{"format": "awd-sweep-cell"}\n');
}

const FIT = ['fit', '--data', 'X.npy', '--grads', 'G.npy', '--wavelet', 'w.json', '--levels', '2', '--epochs', '1', '--out', '{OUT}'];
const CASES: Case[] = [
  { args: FIT, inputs: ['X.npy', 'G.npy', 'w.json'] },
  { args: ['fit', '--data', 'X.npy', '--teacher', 'teacher', '--out', '{OUT}'], inputs: ['X.npy', 'teacher/teacher.json', 'teacher/weights.bin'] },
  { args: ['fit', '--data', 'X.npy', '--teacher', 'teacher', '--out', 'o.json', '--save-grads', '{OUT}'], inputs: ['X.npy', 'teacher/weights.bin'] },
  { args: ['sweep', '--data', 'X.npy', '--grads', 'G.npy', '--wavelet', 'w.json', '--lambdas', '0', '--gammas', '0', '--epochs', '1', '--out', '{OUT}'], inputs: ['X.npy', 'G.npy', 'w.json'], writes: ['cell-0.json', 'sweep.json'] },
  { args: ['sweep', 'merge', 'cells', '--out', '{OUT}'], inputs: ['cells/cell-0.json', 'cells/cell-1.json'] },
  { args: ['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--epochs', '1', '--out', '{OUT}'], inputs: ['X.npy', 'y.npy'], writes: ['teacher.json', 'weights.bin'] },
  { args: ['teacher', 'grads', '--teacher', 'teacher', '--data', 'X.npy', '--out', '{OUT}'], inputs: ['X.npy', 'teacher/teacher.json', 'teacher/weights.bin'] },
  { args: ['transform', '--wavelet', 'w.json', '--data', 'X.npy', '--out', '{OUT}'], inputs: ['X.npy', 'w.json'], writes: ['approx_2.npy', 'detail_1.npy'] },
  { args: ['inspect', 'w.json', '--plot', '{OUT}'], inputs: ['w.json'] },
  { args: ['report', 'run', '--out', '{OUT}'], inputs: ['run/run.json', 'run/results.json', 'run/settings.json', 'run/figures/fig.svg', 'run/artifacts/w.json'] },
  { args: ['demo', 'synthetic', '--size', 'tiny', '--out', '{OUT}'], inputs: ['X.npy'] },
  { args: ['sweep', 'plan', '--data', 'X.npy', '--grads', 'G.npy', '--wavelet', 'w.json', '--lambdas', '0', '--gammas', '0', '--out', '{OUT}'], inputs: ['X.npy', 'G.npy', 'w.json'], writes: ['plan.json'] },
  { args: ['teacher', 'predict', '--teacher', 'teacher', '--data', 'X.npy', '--out', '{OUT}'], inputs: ['X.npy', 'teacher/teacher.json', 'teacher/weights.bin'] },
  { args: ['distill', '--data', 'X.npy', '--target', 'y.npy', '--grads', 'G.npy', '--out', '{OUT}'], inputs: ['X.npy', 'y.npy', 'G.npy'], writes: ['model.json', 'report.html'] },
  { args: ['predict', '--model', 'model', '--data', 'X.npy', '--out', '{OUT}'], inputs: ['X.npy', 'model/model.json'] },
  { args: ['explain', '--model', 'model', '--data', 'X.npy', '--plot', '{OUT}'], inputs: ['X.npy', 'model/model.json'] },
];

/** The ways an output can be aimed at input `rel` inside `dir`: the path, a symlink, a hard link, and (for folder outputs) a folder holding it. */
function aims(dir: string, rel: string, c: Case, k: number): { how: string; out: string; input: string }[] {
  const list = [{ how: 'same path', out: rel, input: rel }];
  const viaLink = `link-${k}-${rel.replace(/\W/g, '_')}`;
  symlinkSync(join(dir, rel), join(dir, viaLink));
  list.push({ how: 'symbolic link', out: viaLink, input: rel });
  list.push({ how: './ and .. in the path', out: `./teacher/../${rel}`, input: rel });
  if (!c.writes) {
    const hard = `hard-${k}-${rel.replace(/\W/g, '_')}`;
    linkSync(join(dir, rel), join(dir, hard));
    list.push({ how: 'hard link', out: hard, input: rel });
  }
  for (const name of c.writes ?? []) {
    // The input sits where the command would write into its output folder.
    const folder = `into-${k}-${name.replace(/\W/g, '_')}-${rel.replace(/\W/g, '_')}`;
    mkdirSync(join(dir, folder));
    copyFileSync(join(dir, rel), join(dir, folder, name));
    list.push({ how: `folder holding the input as ${name}`, out: folder, input: join(folder, name) });
  }
  return list;
}

test('every command refuses an output aimed at one of its inputs: exit 2, one line, inputs byte-unchanged', async () => {
  const dir = tempDir('awd-overwrite-');
  fixtures(dir);
  let checked = 0;
  for (const [k, c] of CASES.entries()) {
    for (const rel of c.inputs) {
      for (const aim of aims(dir, rel, c, k)) {
        const args = c.args.map((a) => (a === '{OUT}' ? aim.out : a));
        // For folder outputs, the aimed input is inside the folder; the command's own inputs stay the originals.
        const inputArgs = aim.input === rel ? args : args.map((a) => (a === rel ? aim.input : a));
        const before = snapshot(dir);
        const r = await cli(inputArgs, dir);
        const label = `${inputArgs.join(' ')} (${aim.how})`;
        assert.equal(r.code, 2, `${label}: exit ${r.code}, stderr ${r.stderr}`);
        const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
        assert.equal(lines.length, 1, `${label}: one line, got ${r.stderr}`);
        assert.match(lines[0], /^awd: /, label);
        assert.match(lines[0], /destroy the input|is an existing file/, label);
        const after = snapshot(dir);
        assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), `${label}: no file created or removed`);
        for (const [p, bytes] of before) assert.ok(bytes.equals(after.get(p) as Buffer), `${label}: ${p} unchanged`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 60, `checked ${checked} aims`);
});

test('two outputs of one command that are the same file are refused', async () => {
  const dir = tempDir('awd-overwrite-');
  fixtures(dir);
  const r = await cli(['fit', '--data', 'X.npy', '--teacher', 'teacher', '--out', 'o.json', '--save-grads', 'o.json'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^awd: --out 'o\.json' and --save-grads 'o\.json' are the same file/);
});

test('the real binary refuses awd fit --out = --data with one line, exit 2, the data unchanged', async () => {
  const dir = tempDir('awd-overwrite-');
  fixtures(dir);
  const before = readFileSync(join(dir, 'X.npy'));
  const r = await awd(['fit', '--data', 'X.npy', '--grads', 'G.npy', '--out', 'X.npy'], dir);
  assertFails(r, /--out 'X\.npy' is the input --data 'X\.npy'; writing it would destroy the input/);
  assert.equal(r.code, 2);
  assert.ok(readFileSync(join(dir, 'X.npy')).equals(before));
});

test('every command that writes a file (--out, --plot, --save-grads) is covered by the cases above', () => {
  const writers: string[] = [];
  const walk = (cmd: Command, path: string[]): void => {
    const name = [...path, cmd.name()].filter((n) => n !== 'awd');
    if (cmd.options.some((o) => ['--out', '--plot', '--save-grads'].includes(o.long ?? ''))) writers.push(name.join(' '));
    for (const sub of cmd.commands) walk(sub, name);
  };
  walk(buildProgram(), []);
  const covered = new Set(CASES.map((c) => (c.args[0] === 'sweep' && ['merge', 'plan'].includes(c.args[1])) || c.args[0] === 'teacher' ? c.args.slice(0, 2).join(' ') : c.args[0]));
  const missing = writers.filter((w) => !covered.has(w));
  assert.deepEqual(missing, [], `commands with an output but no case in test/cli/overwrite.test.ts (add one, and refuseOverwrite in the command): ${missing.join(', ')}`);
  assert.ok(writers.length >= 9, `found ${writers.length} writing commands: ${writers.join(', ')}`);
});

