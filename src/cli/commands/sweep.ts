/**
 * `awd sweep`: fit a (λ, γ) grid, all cells or one (`--cell K`, for spreading a sweep over
 * machines), and `awd sweep merge` to collect the cells into one file. The scale-out commands
 * (`plan`, `run`, `status`, `slurm`, `k8s`, and `merge` of a plan folder) are in sweepPlan.ts
 * (library) and sweepPlanCommands.ts (CLI).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { cellParams, gridSize, mergeSweep, fitCell, type CellResult, type Grid } from '../../awd/sweep.ts';
import { arraySha256, cellFileText, cellMismatch, mergedSweepDocument, parseCellFile, sweepFingerprint, type CellPoint, type SweepFingerprint, type SweepSettings } from '../../awd/sweepPlan.ts';
import { chooseThreads } from '../../awd/parallel.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic.ts';
import { tableToText } from '../../report/table.ts';
import { parseInteger, parseNumberList, required } from '../args.ts';
import { addDataOptions, addFitOptions, fitOptionsFrom, loadDataAndGrads, refuseDataOverwrite, type DataOpts, type FitCliOpts } from '../common.ts';
import { outputDir, refuseOverwrite } from '../paths.ts';
import { contextOf } from '../context.ts';
import { UsageError } from '../errors.ts';
import { progressBar } from '../progress.ts';
import { addPlanCommands, mergePlanFolder } from './sweepPlanCommands.ts';
import { removeCheckpoint } from '../../awd/checkpoint.ts';
import { checkpointFrom, withCheckpointErrors } from '../checkpointOptions.ts';
import { sweepTable } from '../sweepTable.ts';

export { CELL_FORMAT } from '../../awd/sweepPlan.ts';
export const SWEEP_FORMAT = 'awd-sweep';

export { sweepTable } from '../sweepTable.ts';

/** With --resume: the result of a cell already in DIR, or a usage error if it belongs to another sweep. */
function finishedCell(file: string, fp: SweepFingerprint, k: number): CellResult {
  try {
    const doc = parseCellFile(readFileSync(file, 'utf8'), `'${file}'`);
    const why = cellMismatch(doc, fp, k);
    if (why) throw new UsageError(`--resume: '${file}' ${why}; use another --out folder, or delete it`);
    return doc.result;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--resume: ${(e as Error).message.replace(/^Error in sweep: /, '')}`);
  }
}

/** The fingerprint of an `awd sweep --out DIR` run (same definition as a plan's). */
function legacyFingerprint(X: { data: Float64Array; shape: number[] }, G: { data: Float64Array; shape: number[] }, o: FitCliOpts, opts: ReturnType<typeof fitOptionsFrom>['opts'], grid: Grid, trainSize: number): SweepFingerprint {
  const settings: SweepSettings = {
    levels: opts.levels ?? 4, mode: opts.mode ?? 'zero', epochs: opts.epochs ?? 50, batchSize: opts.batchSize ?? 100,
    learningRate: opts.learningRate ?? 1e-3, initNoise: opts.initNoise ?? 0, valFraction: Number(o.valFraction ?? '0'),
    patience: opts.patience ?? null, threads: chooseThreads(opts.threads, trainSize, opts.epochs ?? 50),
  };
  const start = typeof opts.wavelet === 'string' ? opts.wavelet : Array.from(opts.wavelet as ArrayLike<number>);
  return sweepFingerprint({ X: arraySha256(X), G: arraySha256(G) }, settings, grid, [start], [opts.seed ?? 0]);
}

export function addSweepCommand(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('fit AWD over a grid of λ (interpretation) × γ (sparsity) weights; cells numbered λ-major')
    .option('--lambdas <list>', 'λ values, e.g. 0,0.005,0.05')
    .option('--gammas <list>', 'γ values, e.g. 0,0.043')
    .option('--out <DIR>', 'folder for cell-K.json files (and sweep.json when all cells run)')
    .option('--cell <K>', 'fit only cell K (0-based) and write DIR/cell-K.json');
  addDataOptions(cmd);
  addFitOptions(cmd, false);
  cmd
    .option('--checkpoint-every <N|Ts|Tm>', 'checkpoint each cell while it is fitted (DIR/cell-K.ckpt) every N steps, seconds or minutes')
    .option('--resume', 'skip cells already in DIR (same data and settings) and resume a checkpointed one');
  cmd.addHelpText('after', `
Examples:
  awd sweep --data X.npy --grads G.npy --lambdas 0,0.01,0.1 --gammas 0,0.05 --out sweep/
  awd sweep --data X.npy --grads G.npy --lambdas 0,0.01,0.1 --gammas 0,0.05 --out part1/ --cell 3
  awd sweep merge part1/ part2/ --out merged.json`);
  cmd.action(async (o: DataOpts & FitCliOpts & { lambdas?: string; gammas?: string; out?: string; cell?: string; checkpointEvery?: string; resume?: boolean }, c: Command) => {
    const ctx = contextOf(c);
    const grid: Grid = {
      lambdas: parseNumberList('--lambdas', required('--lambdas', o.lambdas, 'a comma-separated list such as 0,0.01,0.1')),
      gammas: parseNumberList('--gammas', required('--gammas', o.gammas, 'a comma-separated list such as 0,0.05')),
    };
    const outDir = required('--out', o.out, 'a folder for the cell results');
    const size = gridSize(grid);
    const cells = o.cell === undefined ? Array.from({ length: size }, (_, i) => i) : [parseInteger('--cell', o.cell, 0, size - 1)];
    refuseDataOverwrite(o, [{ option: '--out', path: outDir }, ...[...cells.map((k) => `cell-${k}.json`), ...(o.cell === undefined ? ['sweep.json'] : [])].map((f) => ({ option: '--out', path: join(outDir, f) }))]);
    outputDir('--out', outDir);
    const loaded = await loadDataAndGrads(o, ctx);
    const { X, G, opts } = fitOptionsFrom(o, loaded.X, loaded.G, ctx);
    const fingerprint = legacyFingerprint(loaded.X, loaded.G, o, opts, grid, X.data.length);
    const n = X.shape[0];
    const batches = Math.ceil(n / Math.min(opts.batchSize ?? 100, n));
    const perCell = (opts.epochs ?? 50) * batches;
    const bar = progressBar('sweep', cells.length * perCell, ctx.bars);
    const results: CellResult[] = [];
    const files: string[] = [];
    const t0 = performance.now();
    try {
      for (const [i, k] of cells.entries()) {
        const { lambda, gamma } = cellParams(grid, k);
        const file = join(outDir, `cell-${k}.json`);
        const done = o.resume && existsSync(file) ? finishedCell(file, fingerprint, k) : null;
        if (done) {
          results.push(done);
          files.push(file);
          continue;
        }
        const ckpt = checkpointFrom({ checkpointEvery: o.checkpointEvery, resume: o.resume }, join(outDir, `cell-${k}.ckpt`), [o.data, o.grads]);
        const r = withCheckpointErrors(() => fitCell(X, { ...opts, teacherGrads: G, ...(ckpt ? { checkpoint: ckpt } : {}), onProgress: (p) => bar.update(i * perCell + (p.epoch - 1) * p.batches + p.batch, undefined, `cell ${k} λ=${lambda} γ=${gamma}`) }, grid, k));
        const point: CellPoint = { cell: k, lambda, gamma, start: fingerprint.starts[0], seed: fingerprint.seeds[0] };
        writeFileAtomic(file, cellFileText(fingerprint, point, r));
        if (ckpt) removeCheckpoint(ckpt.path);
        results.push(r);
        files.push(file);
      }
    } finally {
      bar.stop();
    }
    const seconds = (performance.now() - t0) / 1000;
    let merged: string | null = null;
    if (o.cell === undefined) {
      merged = join(outDir, 'sweep.json');
      const all = mergeSweep(grid, [results]);
      writeJsonAtomic(merged, mergedSweepDocument(fingerprint, all.map((r) => ({ cell: r.cell, lambda: r.lambda, gamma: r.gamma, start: fingerprint.starts[0], seed: fingerprint.seeds[0] })), all));
    }
    ctx.say(tableToText(sweepTable(grid, results)));
    ctx.say(`${results.length} of ${size} cells fitted in ${seconds.toFixed(2)} s; wrote ${files.length === 1 ? files[0] : `${outDir}/cell-*.json`}${merged ? ` and ${merged}` : ''}`);
    ctx.result({ grid, cells, files, merged, seconds, results: results.map(({ wavelet: _w, ...r }) => r) });
  });

  cmd
    .command('merge')
    .description('merge cells into one sweep file, validating every cell first (fingerprint of data and settings, checksum): a plan folder, or folders/files of `awd sweep --cell K`')
    .argument('<paths...>', 'a sweep plan folder (writes DIR/sweep.json by default), or folders written by `awd sweep --cell K`, or cell-K.json files')
    .option('--out <merged.json>', 'the merged sweep file (default DIR/sweep.json for a plan folder)')
    .action((paths: string[], o: { out?: string }, c: Command) => {
      const ctx = contextOf(c);
      // commander hands an --out after `merge` to the parent `sweep` command, which has one too.
      const outOpt = o.out ?? (c.parent?.opts() as { out?: string } | undefined)?.out;
      if (paths.length === 1 && existsSync(join(paths[0], 'plan.json'))) {
        mergePlanFolder(paths[0], outOpt, ctx);
        return;
      }
      const out = required('--out', outOpt, 'where to write the merged sweep, e.g. --out merged.json');
      refuseOverwrite(paths.map((path) => ({ option: 'cell', path })), [{ option: '--out', path: out }]);
      const files: string[] = [];
      for (const p of paths) {
        if (!existsSync(p)) throw new UsageError(`'${p}' does not exist`);
        if (statSync(p).isDirectory()) {
          const found = readdirSync(p).filter((f) => /^cell-\d+\.json$/.test(f)).sort((a, b) => Number(a.slice(5, -5)) - Number(b.slice(5, -5)));
          if (found.length === 0) throw new UsageError(`folder '${p}' holds no cell-K.json files; give the --out folder of \`awd sweep\``);
          files.push(...found.map((f) => join(p, f)));
        } else files.push(p);
      }
      for (const f of files) if (resolve(f) === resolve(out)) throw new UsageError(`--out '${out}' is one of the cells to merge; write the merged sweep elsewhere`);
      // Validate everything before writing anything.
      let fp: SweepFingerprint | null = null;
      let fpFrom = '';
      const where = new Map<number, string[]>();
      const results: CellResult[] = [];
      const points: CellPoint[] = [];
      for (const f of files) {
        let doc;
        try {
          doc = parseCellFile(readFileSync(f, 'utf8'), `'${f}'`);
        } catch (e) {
          throw new UsageError((e as Error).message.replace(/^Error in sweep: /, ''));
        }
        if (fp === null) {
          fp = doc.fingerprint;
          fpFrom = f;
        }
        const k = doc.point.cell;
        const size = gridSize(fp.grid) * fp.starts.length * fp.seeds.length;
        if (!(Number.isInteger(k) && k >= 0 && k < size)) throw new UsageError(`'${f}' holds cell ${k}, outside the grid's ${size} cells`);
        const why = cellMismatch(doc, fp, k);
        if (why) throw new UsageError(`'${f}' does not belong with '${fpFrom}': it ${why.replace(/the sweep/g, `'${fpFrom}'`)}`);
        where.set(doc.result.cell, [...(where.get(doc.result.cell) ?? []), f]);
        results.push(doc.result);
        points.push(doc.point);
      }
      const g = (fp as SweepFingerprint).grid;
      const size = gridSize(g) * (fp as SweepFingerprint).starts.length * (fp as SweepFingerprint).seeds.length;
      const missing = Array.from({ length: size }, (_, k) => k).filter((k) => !where.has(k));
      const dups = [...where.entries()].filter(([, fs]) => fs.length > 1);
      const outOfGrid = [...where.keys()].filter((k) => !(Number.isInteger(k) && k >= 0 && k < size));
      if (missing.length || dups.length || outOfGrid.length) {
        const parts: string[] = [];
        if (missing.length) parts.push(`${missing.length} of ${size} cells missing (${missing.join(', ')}; run them with --cell K)`);
        if (dups.length) parts.push(`duplicate cells: ${dups.map(([k, fs]) => `${k} in ${fs.join(' and ')}`).join('; ')}`);
        if (outOfGrid.length) parts.push(`cells outside the grid: ${outOfGrid.join(', ')}`);
        throw new UsageError(`cannot merge: ${parts.join('; ')}`);
      }
      const merged = mergeSweep(g, [results]);
      const mergedPoints = merged.map((r) => points[results.indexOf(r)]);
      writeJsonAtomic(out, mergedSweepDocument(fp as SweepFingerprint, mergedPoints, merged));
      ctx.say(tableToText(sweepTable(g, merged)));
      ctx.say(`merged ${merged.length} cells from ${files.length} files into ${out}`);
      ctx.result({ out, grid: g, cells: merged.length, files, results: merged.map(({ wavelet: _w, ...r }) => r) });
    });

  addPlanCommands(cmd);
}
