/**
 * The scale-out subcommands of `awd sweep`: `plan`, `run`, `status`, `merge` of a plan folder,
 * `slurm` and `k8s`. One plan, any executor: a loop, GNU parallel / xargs, a Slurm job array, a
 * Kubernetes Indexed Job (see docs/scale-out.md).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { chooseThreads } from '../../awd/parallel.ts';
import { collectSweepDir, planSweep, readSweepPlan, runSweepCell, sweepStatus, type SweepSettings } from '../../awd/sweepPlan.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic.ts';
import { AwdError } from '../../util/checks.ts';
import { tableToText } from '../../report/table.ts';
import { parseChoice, parseInteger, parseNumber, parseNumberList, required } from '../args.ts';
import { parseInterval, withCheckpointErrors } from '../checkpointOptions.ts';
import { addDataOptions, addFitOptions, refuseDataOverwrite, fitOptionsFrom, loadDataAndGrads, startingFilter, type DataOpts, type FitCliOpts } from '../common.ts';
import { contextOf, type Ctx } from '../context.ts';
import { UsageError } from '../errors.ts';
import { outputDir } from '../paths.ts';
import { k8sManifests, shellQuote, slurmArrayScript, slurmMergeScript, slurmSubmitScript, type SlurmScriptOptions } from '../sweepScripts.ts';
import { sweepTable } from '../sweepTable.ts';

/** Library errors about a sweep folder or a cell's checkpoint are bad input (exit 2): the folder or a file in it. */
function asUsage<T>(fn: () => T): T {
  try {
    return withCheckpointErrors(fn);
  } catch (e) {
    if (e instanceof AwdError && /^Error in sweep: /.test(e.message)) throw new UsageError(e.message.replace(/^Error in sweep: /, ''));
    throw e;
  }
}

/** The cell of `awd sweep run`: --cell, else $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX. */
export function cellFromEnv(cell: string | undefined, cells: number, env: NodeJS.ProcessEnv = process.env): number | null {
  const from: [string, string | undefined][] = [['--cell', cell], ['$SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID], ['$JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX]];
  for (const [name, v] of from) {
    if (v === undefined || v === '') continue;
    const k = parseInteger(name, v, 0);
    if (k >= cells) throw new UsageError(`${name} ${k} is out of range: the sweep has ${cells} cells, 0 to ${cells - 1}`);
    return k;
  }
  return null;
}

/** The awd command the generated scripts run: this node and this checkout's bin/awd.js. */
function defaultAwdCommand(): string {
  const bin = new URL('../../../bin/awd.js', import.meta.url).pathname;
  return `${shellQuote(process.execPath)} ${shellQuote(bin)}`;
}

/** `awd sweep merge DIR` for a plan folder: validate every cell, then write DIR/sweep.json (or --out). */
export function mergePlanFolder(dir: string, outOpt: string | undefined, ctx: Ctx): void {
  const out = outOpt ?? join(dir, 'sweep.json');
  const { plan, document, results, inputs } = asUsage(() => collectSweepDir(dir));
  if (inputs.includes(resolve(out))) throw new UsageError(`--out '${out}' is an input of the merge (a cell, the plan or the data); write the merged sweep elsewhere`);
  writeJsonAtomic(out, document);
  ctx.say(tableToText(sweepTable(plan.grid, results)));
  ctx.say(`merged ${results.length} cells of ${dir} into ${out}`);
  ctx.result({ out, grid: plan.grid, cells: results.length, fingerprint: plan.fingerprint.id, results: results.map(({ wavelet: _w, ...r }) => r) });
}

/**
 * The options of a subcommand of `awd sweep`, including those commander handed to `sweep`
 * itself (it has --out, --cell, the data and fit options too, and takes them wherever they stand).
 */
function optionsOf<T>(c: Command): T {
  const own = c.opts() as Record<string, unknown>;
  const parent = c.parent;
  if (!parent) return own as T;
  const merged = { ...own };
  for (const [key, value] of Object.entries(parent.opts())) {
    if (parent.getOptionValueSource(key) === 'cli') merged[key] = value;
  }
  return merged as T;
}

export function addPlanCommands(sweep: Command): void {

  const plan = sweep
    .command('plan')
    .description('write a sweep plan folder (grid, starts, seeds, settings, data and their fingerprints) for `awd sweep run` on any executor')
    .option('--lambdas <list>', 'λ values, e.g. 0,0.005,0.05')
    .option('--gammas <list>', 'γ values, e.g. 0,0.043')
    .option('--starts <list>', 'starting wavelets (family names or saved wavelet files), comma-separated (default: --wavelet)')
    .option('--seeds <list>', 'seeds, comma-separated (default: --seed)')
    .option('--threads <n|auto>', "threads per cell; 'auto' is resolved here, so every node fits alike", 'auto')
    .option('--checkpoint-every <N|Ts|Tm>', 'checkpoint interval of the cells (steps, seconds or minutes)', '60s')
    .option('--out <DIR>', 'the sweep folder (new)');
  addDataOptions(plan);
  addFitOptions(plan, false);
  plan.addHelpText('after', `
Cells are numbered start-major, then seed, λ, γ. Then run the cells with any executor:
  awd sweep run DIR --cell K                 one cell (K from $SLURM_ARRAY_TASK_ID / $JOB_COMPLETION_INDEX if not given)
  awd sweep status DIR --todo | xargs -P 4 -I{} awd sweep run DIR --cell {}
  awd sweep slurm DIR --time 02:00:00 --submit
  awd sweep merge DIR`);
  plan.action(async (_o: unknown, c: Command) => {
    const o = optionsOf<DataOpts & FitCliOpts & { lambdas?: string; gammas?: string; starts?: string; seeds?: string; threads: string; checkpointEvery: string; out?: string }>(c);
    const ctx = contextOf(c);
    const dir = required('--out', o.out, 'a new folder for the sweep, e.g. --out sweep/');
    refuseDataOverwrite(o, ['plan.json', join('data', 'X.npy'), join('data', 'G.npy')].map((f) => ({ option: '--out', path: join(dir, f) })));
    outputDir('--out', dir);
    if (existsSync(join(dir, 'plan.json'))) throw new UsageError(`'${dir}' already holds a sweep plan; plan into a new folder`);
    const grid = {
      lambdas: parseNumberList('--lambdas', required('--lambdas', o.lambdas, 'a comma-separated list such as 0,0.01,0.1')),
      gammas: parseNumberList('--gammas', required('--gammas', o.gammas, 'a comma-separated list such as 0,0.05')),
    };
    const starts = (o.starts ?? o.wavelet ?? 'db5').split(',').map((s) => s.trim()).map((s) => {
      const f = startingFilter(s);
      return typeof f === 'string' ? f : Array.from(f);
    });
    const seeds = o.seeds === undefined ? [parseInteger('--seed', o.seed ?? '0', 0, 2 ** 32 - 1)] : o.seeds.split(',').map((s) => parseInteger('--seeds', s, 0, 2 ** 32 - 1));
    const checkpoint = parseInterval(o.checkpointEvery);
    const loaded = await loadDataAndGrads(o, ctx);
    const { opts } = fitOptionsFrom({ ...o, valFraction: '0', patience: undefined }, loaded.X, loaded.G, ctx);
    const valFraction = parseNumber('--val-fraction', o.valFraction ?? '0', { min: 0, max: 0.9 });
    if (o.patience !== undefined && valFraction === 0) throw new UsageError('--patience needs a validation set: add --val-fraction, e.g. 0.1');
    const epochs = opts.epochs ?? 50;
    const rowSize = loaded.X.data.length / loaded.X.shape[0];
    const nTrain = loaded.X.shape[0] - Math.round(loaded.X.shape[0] * valFraction);
    const threads = o.threads === 'auto' ? chooseThreads('auto', nTrain * rowSize, epochs) : parseInteger('--threads', o.threads, 1, 256);
    const settings: SweepSettings = {
      levels: opts.levels ?? 4, mode: opts.mode ?? 'zero', epochs, batchSize: opts.batchSize ?? 100,
      learningRate: opts.learningRate ?? 1e-3, initNoise: opts.initNoise ?? 0, valFraction,
      patience: o.patience === undefined ? null : parseInteger('--patience', o.patience, 1), threads,
    };
    const p = asUsage(() => planSweep(dir, { X: loaded.X, G: loaded.G, grid, starts, seeds, settings, checkpoint, source: { data: o.data ?? '', grads: loaded.gradsFrom } }));
    ctx.say(`planned ${p.cells} cells (${starts.length} start(s) × ${seeds.length} seed(s) × ${grid.lambdas.length} λ × ${grid.gammas.length} γ) in ${dir}; fingerprint ${p.fingerprint.id.slice(0, 12)}`);
    ctx.say(`run them: awd sweep run ${dir} --cell K (K = 0 … ${p.cells - 1}), or awd sweep slurm ${dir} --submit`);
    ctx.result({ dir, cells: p.cells, grid, starts, seeds, settings, fingerprint: p.fingerprint.id, data: p.data });
  });

  sweep
    .command('run')
    .description('fit one cell of a sweep plan (K from --cell, $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX); skips a finished cell, resumes a checkpointed one')
    .argument('<DIR>', 'the sweep folder written by `awd sweep plan`')
    .option('--cell <K>', 'the cell (0-based)')
    .option('--all', 'fit every unfinished cell, one after another')
    .action((dir: string, _o: unknown, c: Command) => {
      const o = optionsOf<{ cell?: string; all?: boolean }>(c);
      const ctx = contextOf(c);
      const plan = asUsage(() => readSweepPlan(dir));
      let cells: number[];
      const k = cellFromEnv(o.cell, plan.cells);
      if (o.all) {
        if (o.cell !== undefined) throw new UsageError('give either --cell K or --all, not both');
        cells = Array.from({ length: plan.cells }, (_, i) => i);
      } else if (k === null) {
        throw new UsageError(`which cell? give --cell K (0 … ${plan.cells - 1}), run it as a Slurm array task ($SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job ($JOB_COMPLETION_INDEX), or use --all`);
      } else cells = [k];
      const runs = [];
      for (const cell of cells) {
        let lastSaid = performance.now();
        const t0 = performance.now();
        const r = asUsage(() => runSweepCell(dir, cell, {
          onStart: (from) => ctx.say(`cell ${cell}: ${from ? `resuming from its checkpoint (epoch ${from.epoch}, batch ${from.batch})` : 'fitting'}`),
          onProgress: (p) => {
            const now = performance.now();
            if (now - lastSaid < 30_000 && !(p.epoch === p.epochs && p.batch === p.batches)) return;
            lastSaid = now;
            ctx.say(`cell ${cell}: epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}, loss ${p.loss.toPrecision(6)}`);
          },
        }));
        const seconds = (performance.now() - t0) / 1000;
        ctx.say(r.status === 'skipped' ? `cell ${cell}: already done (${r.file}), skipped` : `cell ${cell}: done in ${seconds.toFixed(2)} s → ${r.file}`);
        runs.push({ cell, status: r.status, resumedFrom: r.resumedFrom, file: r.file, seconds, train: r.result.train });
      }
      ctx.result({ dir, runs });
    });

  sweep
    .command('status')
    .description('done / running / failed / missing for every cell of a sweep plan')
    .argument('<DIR>', 'the sweep folder')
    .option('--todo', 'print only the indices of cells not done and not running (one per line, for xargs / parallel)')
    .action((dir: string, o: { todo?: boolean }, c: Command) => {
      const ctx = contextOf(c);
      const st = asUsage(() => sweepStatus(dir));
      if (o.todo) {
        const todo = st.cells.filter((x) => x.state === 'missing' || x.state === 'failed').map((x) => x.cell);
        if (ctx.json) ctx.result({ dir, todo });
        else if (todo.length) process.stdout.write(todo.join('\n') + '\n');
        return;
      }
      ctx.say(tableToText({ title: `sweep ${dir}: ${st.plan.cells} cells`, columns: ['cell', 'state', 'note'], rows: st.cells.map((x) => [x.cell, x.state, x.note]), notes: [] }));
      ctx.say(`${st.counts.done} done, ${st.counts.running} running, ${st.counts.failed} failed, ${st.counts.missing} missing`);
      ctx.result({ dir, cells: st.cells, counts: st.counts, fingerprint: st.plan.fingerprint.id });
    });

  sweep
    .command('slurm')
    .description('write the Slurm job array script (one task per cell) and the dependent merge job into DIR/slurm/; --submit runs sbatch')
    .argument('<DIR>', 'the sweep folder')
    .option('--partition <name>', 'Slurm partition')
    .option('--time <limit>', 'time limit per cell, e.g. 02:00:00 or 1-00:00:00')
    .option('--cpus-per-task <n>', 'CPUs per cell (match the plan\'s --threads)', '1')
    .option('--mem <size>', 'memory per cell, e.g. 4G')
    .option('--account <name>', 'Slurm account')
    .option('--throttle <n>', 'at most n cells at once (the array\'s % limit)')
    .option('--merge-after <kind>', 'afterok (merge only if every cell succeeded) or afterany (merge and report what is missing)', 'afterok')
    .option('--job-name <name>', 'job name', 'awd-sweep')
    .option('--awd <command>', 'how the nodes run awd (default: this node and this checkout\'s bin/awd.js)')
    .option('--submit', 'submit the array and the merge job with sbatch')
    .action((dir: string, o: { partition?: string; time?: string; cpusPerTask: string; mem?: string; account?: string; throttle?: string; mergeAfter: string; jobName: string; awd?: string; submit?: boolean }, c: Command) => {
      const ctx = contextOf(c);
      const plan = asUsage(() => readSweepPlan(dir));
      const word = (name: string, v: string | undefined, re: RegExp, hint: string): string | undefined => {
        if (v !== undefined && !re.test(v)) throw new UsageError(`${name} must be ${hint}, got '${v}'`);
        return v;
      };
      const abs = resolve(dir);
      if (/[\s'"$`\\%]/.test(abs)) throw new UsageError(`the sweep folder's path '${abs}' contains spaces, quotes or %; Slurm log paths cannot hold them — move the folder`);
      const so: SlurmScriptOptions = {
        dir: abs, cells: plan.cells, awd: o.awd ?? defaultAwdCommand(),
        partition: word('--partition', o.partition, /^[A-Za-z0-9_.,-]+$/, 'a partition name'),
        time: word('--time', o.time, /^(\d+-)?\d+(:\d+){0,2}$/, 'a Slurm time such as 02:00:00 or 1-00:00:00'),
        cpusPerTask: parseInteger('--cpus-per-task', o.cpusPerTask, 1, 1024),
        mem: word('--mem', o.mem, /^\d+[KMGT]?$/, 'a size such as 4G'),
        account: word('--account', o.account, /^[A-Za-z0-9_.-]+$/, 'an account name'),
        throttle: o.throttle === undefined ? undefined : parseInteger('--throttle', o.throttle, 1),
        mergeAfter: parseChoice('--merge-after', o.mergeAfter, ['afterok', 'afterany'] as const),
        jobName: word('--job-name', o.jobName, /^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -') as string,
      };
      const threads = plan.settings.threads;
      if (threads !== 'auto' && threads > so.cpusPerTask) process.stderr.write(`awd: warning: the plan fits each cell with ${threads} threads but --cpus-per-task is ${so.cpusPerTask}; give --cpus-per-task ${threads}\n`);
      if (o.submit) {
        // Before anything is written: can this machine submit at all?
        const probe = spawnSync('sbatch', ['--version'], { encoding: 'utf8' });
        if (probe.error) throw new UsageError(`cannot run sbatch (${(probe.error as NodeJS.ErrnoException).code}); write the scripts without --submit and submit them on the cluster's login node with: bash ${join(abs, 'slurm', 'submit.sh')}`);
      }
      mkdirSync(join(abs, 'logs'), { recursive: true });
      const files = { array: join(abs, 'slurm', 'array.sbatch'), merge: join(abs, 'slurm', 'merge.sbatch'), submit: join(abs, 'slurm', 'submit.sh') };
      writeFileAtomic(files.array, slurmArrayScript(so));
      writeFileAtomic(files.merge, slurmMergeScript(so));
      writeFileAtomic(files.submit, slurmSubmitScript(so));
      ctx.say(`wrote ${files.array}, ${files.merge} and ${files.submit}`);
      let jobs: { array: string; merge: string } | null = null;
      if (o.submit) {
        const sbatch = (args: string[]): string => {
          const r = spawnSync('sbatch', ['--parsable', ...args], { encoding: 'utf8' });
          if (r.error) throw new UsageError(`cannot run sbatch (${(r.error as NodeJS.ErrnoException).code}); submit on the cluster's login node with: bash ${files.submit}`);
          if (r.status !== 0) throw new AwdError('sweep slurm', `sbatch failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
          return r.stdout.trim().split(';')[0];
        };
        const array = sbatch([files.array]);
        const merge = sbatch([`--dependency=${so.mergeAfter}:${array}`, files.merge]);
        jobs = { array, merge };
        writeJsonAtomic(join(abs, 'slurm', 'jobs.json'), { array, merge, submitted: new Date().toISOString() });
        ctx.say(`submitted array job ${array} (${plan.cells} cells) and merge job ${merge} (${so.mergeAfter}:${array}); watch with: awd sweep status ${dir}`);
      } else ctx.say(`submit with: bash ${files.submit}   (or rerun with --submit)`);
      ctx.result({ dir, files, jobs, cells: plan.cells });
    });

  sweep
    .command('k8s')
    .description('write a Kubernetes Indexed Job (one completion index per cell) and a merge Job into DIR/k8s/')
    .argument('<DIR>', 'the sweep folder (on a volume the pods mount at /sweep)')
    .option('--image <image>', 'a container image with awd installed', 'awd:latest')
    .option('--pvc <claim>', 'the PersistentVolumeClaim holding the sweep folder', 'awd-sweep')
    .option('--sub-path <path>', "the sweep folder's path inside the claim (default: its root)", '')
    .option('--parallelism <n>', 'pods at once', '4')
    .option('--cpus <n>', 'CPUs per pod', '1')
    .option('--name <name>', 'job name', 'awd-sweep')
    .option('--awd <command>', 'the awd command inside the image', 'awd')
    .action((dir: string, o: { image: string; pvc: string; subPath: string; parallelism: string; cpus: string; name: string; awd: string }, c: Command) => {
      const ctx = contextOf(c);
      const plan = asUsage(() => readSweepPlan(dir));
      if (!/^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/.test(o.name)) throw new UsageError(`--name must be a DNS label (lower-case letters, digits, -), got '${o.name}'`);
      const m = k8sManifests({
        cells: plan.cells, name: o.name, image: o.image, pvc: o.pvc, subPath: o.subPath,
        parallelism: parseInteger('--parallelism', o.parallelism, 1), cpus: parseInteger('--cpus', o.cpus, 1), awd: o.awd.split(/\s+/).filter(Boolean),
      });
      const files = { job: join(dir, 'k8s', 'job.yaml'), merge: join(dir, 'k8s', 'merge.yaml') };
      writeFileAtomic(files.job, m.job);
      writeFileAtomic(files.merge, m.merge);
      ctx.say(`wrote ${files.job} and ${files.merge}; kubectl apply -f ${files.job}`);
      ctx.result({ dir, files, cells: plan.cells });
    });

}
