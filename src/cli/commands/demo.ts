/**
 * `awd demo [study]`: run one of the paper's three studies (or all) and write its run
 * directory with the report. The study modules are loaded on demand, so a checkout without one
 * of them still runs the others.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { StudyProgress, StudyResult } from '../../studies/types.ts';
import { writeStudyRun } from '../../studies/write.ts';
import { tableToText } from '../../report/table.ts';
import { parseChoice, parseInteger } from '../args.ts';
import { contextOf, type Ctx } from '../context.ts';
import { UsageError, oneLine } from '../errors.ts';
import { phaseBars } from '../progress.ts';
import { outputDir } from '../paths.ts';

export const STUDIES = ['synthetic', 'molecular', 'cosmology'] as const;
export type StudyName = (typeof STUDIES)[number];
const SIZES = ['tiny', 'default', 'full'] as const;

type RunStudy = (opts: { size?: 'tiny' | 'default' | 'full'; seed?: number; onProgress?: StudyProgress; awdSweep?: string; awdEpochs?: number; parametrizations?: ('penalty' | 'lattice')[]; simulator?: 'lognormal' | 'halo'; noise?: string; parametrization?: string }) => Promise<StudyResult>;

/** Options only the cosmology study takes: its AWD grid from a sweep folder (docs/scale-out.md). */
interface StudyExtras {
  awdSweep?: string;
  awdEpochs?: number;
  /** Cosmology only: the parametrisations of the grid and the map simulator. */
  parametrizations?: ('penalty' | 'lattice')[];
  simulator?: 'lognormal' | 'halo';
  /** Molecular only: the simulator's noise preset and the AWD parametrisation(s). */
  noise?: string;
  parametrization?: string;
}
const MOLECULAR_NOISE = ['simulator', 'real-like'] as const;
/** --parametrization of the molecular and cosmology demos. */
const STUDY_FORMS = ['penalty', 'lattice', 'both'] as const;

const ENTRY: Record<StudyName, string> = {
  synthetic: 'runSyntheticStudy',
  molecular: 'runMolecularStudy',
  cosmology: 'runCosmologyStudy',
};

/** The run function of a study, or a UsageError saying the study is not in this checkout. */
export async function loadStudy(name: StudyName): Promise<RunStudy> {
  // From the sources (tsx) the studies are .ts files; from the build (dist/) they are .js.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const rel = `src/studies/${name}.ts`;
  const url = new URL(`../../studies/${name}${ext}`, import.meta.url).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(`studies/${name}${ext}`)) {
      throw new UsageError(`the ${name} study is not available in this checkout (${rel} is missing); run another study or update the code`);
    }
    throw new UsageError(`the ${name} study failed to load (${rel}): ${oneLine(e)}`);
  }
  const fn = mod[ENTRY[name]];
  if (typeof fn !== 'function') throw new UsageError(`${rel} does not export ${ENTRY[name]}(opts); the ${name} study cannot run`);
  return fn as RunStudy;
}

async function runOne(name: StudyName, size: (typeof SIZES)[number], seed: number | undefined, out: string, ctx: Ctx, extras: StudyExtras = {}): Promise<Record<string, unknown>> {
  const run = await loadStudy(name);
  ctx.say(`running the ${name} study (size ${size}${seed === undefined ? '' : `, seed ${seed}`}) …`);
  const bars = phaseBars(ctx.bars, ctx.quiet ? undefined : (line) => process.stderr.write(`awd: ${line}\n`));
  const t0 = performance.now();
  let result: StudyResult;
  try {
    result = await run({ size, ...(seed === undefined ? {} : { seed }), ...extras, onProgress: bars.onProgress });
  } finally {
    bars.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const files = writeStudyRun(result, out);
  for (const t of result.tables) ctx.say('\n' + tableToText(t));
  if (result.findings.length) ctx.say('Findings:\n' + result.findings.map((f) => `  - ${f}`).join('\n'));
  ctx.say(`\n${name} study done in ${seconds.toFixed(1)} s; run directory ${out}`);
  ctx.say(`report: ${files.report}`);
  return { study: name, out, report: files.report, seconds, tables: result.tables, results: result.results, timings: result.timings, findings: result.findings };
}

export function addDemoCommand(program: Command): void {
  program
    .command('demo')
    .description("run a study of the paper (synthetic recovery, molecular partners, cosmology) and write its report")
    .argument('[study]', `${STUDIES.join(', ')} or all`, 'synthetic')
    .option('--size <size>', 'tiny (seconds, for tests), default (minutes), full (the paper\'s sizes)', 'default')
    .option('--seed <n>', "seed of every random choice (default: the study's own, e.g. the reference's 1 for synthetic)")
    .option('--out <DIR>', 'run directory (default runs/<study>; with all, DIR/<study>)')
    .option('--sweep <DIR>', 'cosmology: take the AWD grid from a sweep folder fitted elsewhere (a first run plans it there and stops; see docs/scale-out.md)')
    .option('--awd-epochs <n>', 'cosmology: AWD epochs per grid cell (default: the size preset\'s)')
    .option('--simulator <kind>', 'cosmology: lognormal (default) or halo (NFW halos from a mass function on a lognormal background; docs/cosmology-simulator.md)')
    .option('--noise <preset>', "molecular: the simulator's noise preset, simulator (default) or real-like (docs/molecular-simulator.md)")
    .option('--parametrization <form>', 'molecular and cosmology: AWD with penalty, lattice, or both (rows for each); default: both for cosmology (penalty with --sweep), penalty for molecular')
    .addHelpText('after', `
Writes DIR/report.html (open it in a browser, works offline), DIR/tables/*.md|json,
DIR/figures/*.svg, DIR/results.json, DIR/settings.json, DIR/artifacts/ (fitted wavelets), DIR/run.json.`)
    .action(async (study: string, o: { size: string; seed?: string; out?: string; sweep?: string; awdEpochs?: string; simulator?: string; noise?: string; parametrization?: string }, c: Command) => {
      const ctx = contextOf(c);
      const which = parseChoice('study', study, [...STUDIES, 'all'] as const);
      if ((o.sweep !== undefined || o.awdEpochs !== undefined) && which !== 'cosmology') throw new UsageError('--sweep and --awd-epochs apply to the cosmology study only: awd demo cosmology --size full --sweep DIR');
      if (o.simulator !== undefined && which !== 'cosmology') throw new UsageError('--simulator applies to the cosmology study only: awd demo cosmology --simulator halo');
      if (o.noise !== undefined && which !== 'molecular') throw new UsageError('--noise applies to the molecular study only: awd demo molecular --noise real-like');
      if (o.parametrization !== undefined && which !== 'molecular' && which !== 'cosmology') {
        throw new UsageError('--parametrization applies to the molecular and cosmology studies only: awd demo molecular --parametrization both');
      }
      const form = o.parametrization === undefined ? undefined : parseChoice('--parametrization', o.parametrization, STUDY_FORMS);
      const extras: StudyExtras = {
        ...(o.noise === undefined ? {} : { noise: parseChoice('--noise', o.noise, MOLECULAR_NOISE) }),
        ...(form === undefined || which !== 'molecular' ? {} : { parametrization: form }),
        ...(form === undefined || which !== 'cosmology' ? {} : { parametrizations: form === 'both' ? ['penalty', 'lattice'] : [form] }),
        ...(o.sweep === undefined ? {} : { awdSweep: o.sweep }),
        ...(o.awdEpochs === undefined ? {} : { awdEpochs: parseInteger('--awd-epochs', o.awdEpochs, 1) }),
        ...(o.simulator === undefined ? {} : { simulator: parseChoice('--simulator', o.simulator, ['lognormal', 'halo'] as const) }),
      };
      const size = parseChoice('--size', o.size, SIZES);
      const seed = o.seed === undefined ? undefined : parseInteger('--seed', o.seed, 0, 2 ** 32 - 1);
      const names: StudyName[] = which === 'all' ? [...STUDIES] : [which];
      if (o.out !== undefined) outputDir('--out', o.out);
      for (const name of names) outputDir('--out', which === 'all' ? join(o.out ?? 'runs', name) : (o.out ?? join('runs', name)));
      const done: Record<string, unknown>[] = [];
      const failed: string[] = [];
      for (const name of names) {
        const out = which === 'all' ? join(o.out ?? 'runs', name) : (o.out ?? join('runs', name));
        try {
          done.push(await runOne(name, size, seed, out, ctx, extras));
        } catch (e) {
          if ((e as Error)?.name === 'SweepPlanned') {
            // Not a failure: the grid is planned; the run finishes once its cells are fitted.
            ctx.say(oneLine(e));
            ctx.result({ study: name, planned: (e as { dir: string }).dir, cells: (e as { cells: number }).cells });
            return;
          }
          if (e instanceof Error && /^Error in sweep: /.test(e.message)) e = new UsageError(e.message.replace(/^Error in sweep: /, ''));
          if (names.length === 1) throw e;
          failed.push(`${name}: ${oneLine(e)}`);
          process.stderr.write(`awd: ${name} study failed: ${oneLine(e)}\n`);
        }
      }
      ctx.result(which === 'all' ? { studies: done, failed } : done[0]);
      if (failed.length) throw new UsageError(`${failed.length} of ${names.length} studies failed (${failed.map((f) => f.split(':')[0]).join(', ')})`);
    });
}
