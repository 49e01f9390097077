/**
 * `awd report`, `awd demo` and `--help`, as a user would run them. The demo runs the synthetic
 * study at its 'tiny' size (seconds); the report is rendered from a hand-made run directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.ts';
import { linePlot } from '../../src/report/svg.ts';
import { writeStudyRun } from '../../src/studies/write.ts';
import { awd, assertFails, assertOk, tempDir } from './helpers.ts';

const dir = tempDir();

test('awd report RUN_DIR renders the page from the run directory; bad folders fail in one line', async () => {
  const run = join(dir, 'run');
  writeStudyRun(
    {
      study: 'handmade', title: 'Hand-made', settings: { seed: 4 }, results: {}, timings: { all: 1 }, findings: ['a finding'],
      tables: [{ title: 'Scores', columns: ['model', 'score'], rows: [['AWD', 0.75]] }],
      figures: [{ name: 'curve', title: 'Curve', caption: 'a line', svg: linePlot([{ label: 'l', x: [0, 1], y: [1, 2] }]) }],
    },
    run,
  );
  const [ok, other, notRun, missing] = await Promise.all([
    awd(['report', 'run'], dir),
    awd(['report', 'run', '--out', 'elsewhere.html', '--json'], dir),
    awd(['report', '.'], dir),
    awd(['report', 'nowhere'], dir),
  ]);
  assertOk(ok);
  assert.match(ok.stdout, /report of 'Hand-made' written to run\/report\.html \(1 tables, 1 figures/);
  const html = readFileSync(join(run, 'report.html'), 'utf8');
  assert.match(html, /<caption>Scores<\/caption>/);
  assert.match(html, /<svg /);
  assertOk(other);
  assert.equal(JSON.parse(other.stdout).report, 'elsewhere.html');
  assert.ok(existsSync(join(dir, 'elsewhere.html')));
  assertFails(notRun, /is not a run directory \(no run\.json\)/);
  assertFails(missing, /folder 'nowhere' does not exist/);
});

test('awd demo synthetic --size tiny writes the run directory and prints the tables and the report path', async () => {
  const r = await awd(['demo', 'synthetic', '--size', 'tiny', '--seed', '1', '--out', 'demo'], dir);
  assertOk(r);
  const out = join(dir, 'demo');
  for (const f of ['report.html', 'run.json', 'results.json', 'settings.json']) assert.ok(existsSync(join(out, f)), f);
  const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(manifest.study, 'synthetic');
  assert.ok(manifest.tables.length >= 1 && manifest.figures.length >= 1);
  for (const t of manifest.tables) {
    assert.ok(existsSync(join(out, t.files.md)));
    assert.ok(r.stdout.includes(t.title), `prints table '${t.title}'`);
  }
  assert.ok(manifest.artifacts.length >= 1, 'the fitted wavelet files');
  assert.match(r.stdout, /report: demo\/report\.html/);
});

test('awd demo: unknown study and bad options', async () => {
  const cases: [string[], RegExp][] = [
    [['demo', 'weather'], /study must be one of synthetic, molecular, cosmology, all, got 'weather'/],
    [['demo', '--size', 'huge'], /--size must be one of tiny, default, full, got 'huge'/],
    [['demo', '--seed', '-1'], /--seed must be in \[0, 4294967295\], got -1/],
    [['demo', 'synthetic', '--parametrization', 'lattice'], /--parametrization applies to the molecular and cosmology studies only/],
    [['demo', 'cosmology', '--parametrization', 'angles'], /--parametrization must be one of penalty, lattice, both, got 'angles'/],
    [['demo', 'cosmology', '--simulator', 'nbody'], /--simulator must be one of lognormal, halo, got 'nbody'/],
    [['demo', 'synthetic', '--simulator', 'halo'], /--simulator applies to the cosmology study only/],
    [['demo', 'synthetic', '--noise', 'real-like'], /--noise applies to the molecular study only/],
    [['demo', 'molecular', '--noise', 'loud'], /--noise must be one of simulator, real-like, got 'loud'/],
    [['demo', 'molecular', '--parametrization', 'angles'], /--parametrization must be one of penalty, lattice, both, got 'angles'/],
    [['nosuch'], /unknown command 'nosuch'/],
  ];
  const runs = await Promise.all(cases.map(([args]) => awd(args, dir)));
  runs.forEach((r, i) => assertFails(r, cases[i][1]));
});

test('awd --help lists every subcommand; each subcommand has its own help', async () => {
  const [top, merge] = await Promise.all([awd(['--help'], dir), awd(['sweep', 'merge', '--help'], dir)]);
  assertOk(top);
  for (const name of ['demo', 'fit', 'sweep', 'teacher', 'transform', 'inspect', 'report']) assert.match(top.stdout, new RegExp(`\\n  ${name}\\b`));
  assertOk(merge);
  assert.match(merge.stdout, /^Usage: awd sweep merge \[options\] <paths\.\.\.>/);
  // The other subcommands' help, in-process (the same text `awd <cmd> --help` prints).
  const program = buildProgram();
  const find = (path: string[]) => path.reduce((c: Command | undefined, n) => c?.commands.find((x) => x.name() === n), program);
  const expect: Record<string, RegExp> = {
    demo: /--size <size>/, fit: /--lambda <λ>/, sweep: /--lambdas <list>/, 'teacher train': /--kind <kind>/,
    'teacher grads': /--output-index <k>/, transform: /\.npz/, inspect: /--plot <out\.svg>/, report: /<RUN_DIR>/,
  };
  for (const [path, pattern] of Object.entries(expect)) {
    const cmd = find(path.split(' '));
    assert.ok(cmd, `subcommand ${path}`);
    const help = cmd.helpInformation();
    assert.match(help, new RegExp(`^Usage: awd ${path} `));
    assert.match(help, pattern);
  }
});
