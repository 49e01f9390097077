/**
 * `awd sweep`: fit a (λ, γ) grid, all cells or one (`--cell K`, for spreading a sweep over
 * machines), and `awd sweep merge` to collect the cells into one file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { cellParams, cellWavelet, gridSize, mergeSweep, fitCell, type CellResult, type Grid } from '../../awd/sweep.ts';
import { writeJsonAtomic } from '../../util/atomic.ts';
import { waveletDistanceToNamed } from '../../wavelets/distance.ts';
import { tableToText } from '../../report/table.ts';
import type { Table } from '../../studies/types.ts';
import { parseInteger, parseNumberList, required } from '../args.ts';
import { addDataOptions, addFitOptions, fitOptionsFrom, loadDataAndGrads, refuseDataOverwrite, type DataOpts, type FitCliOpts } from '../common.ts';
import { outputDir, refuseOverwrite } from '../paths.ts';
import { contextOf } from '../context.ts';
import { UsageError } from '../errors.ts';
import { progressBar } from '../progress.ts';

export const CELL_FORMAT = 'awd-sweep-cell';
export const SWEEP_FORMAT = 'awd-sweep';

interface CellFile {
  format: typeof CELL_FORMAT;
  formatVersion: 1;
  grid: Grid;
  data: { path: string; shape: number[]; grads: string };
  result: CellResult;
}

/** A summary table of cell results (final training terms, distance to the start wavelet). */
export function sweepTable(grid: Grid, results: CellResult[]): Table {
  const rows = results.map((r) => {
    const w = cellWavelet(r);
    const init = w.settings?.init;
    const dist = typeof init === 'string' ? waveletDistanceToNamed(w.h, init) : null;
    return [r.cell, r.lambda, r.gamma, r.train.total ?? null, r.train.reconstruction ?? null, r.train.l1_wave ?? null, r.train.l1_attr ?? null, r.validation?.total ?? null, dist];
  });
  return {
    title: `AWD sweep: ${grid.lambdas.length} λ × ${grid.gammas.length} γ`,
    columns: ['cell', 'λ', 'γ', 'train total', 'reconstruction', 'l1_wave', 'l1_attr', 'validation total', 'distance to start'],
    rows,
    notes: ['Training terms of the returned filter\'s epoch (the best validation epoch with --val-fraction, else the last); distance to the starting family member by DESIGN §5.1 (level 5).'],
  };
}

function mergedDocument(grid: Grid, results: CellResult[]): Record<string, unknown> {
  return { format: SWEEP_FORMAT, formatVersion: 1, grid, cells: gridSize(grid), results };
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
  cmd.addHelpText('after', `
Examples:
  awd sweep --data X.npy --grads G.npy --lambdas 0,0.01,0.1 --gammas 0,0.05 --out sweep/
  awd sweep --data X.npy --grads G.npy --lambdas 0,0.01,0.1 --gammas 0,0.05 --out part1/ --cell 3
  awd sweep merge part1/ part2/ --out merged.json`);
  cmd.action(async (o: DataOpts & FitCliOpts & { lambdas?: string; gammas?: string; out?: string; cell?: string }, c: Command) => {
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
        const r = fitCell(X, { ...opts, teacherGrads: G, onProgress: (p) => bar.update(i * perCell + (p.epoch - 1) * p.batches + p.batch, undefined, `cell ${k} λ=${lambda} γ=${gamma}`) }, grid, k);
        const file = join(outDir, `cell-${k}.json`);
        const doc: CellFile = { format: CELL_FORMAT, formatVersion: 1, grid, data: { path: o.data as string, shape: loaded.X.shape, grads: loaded.gradsFrom }, result: r };
        writeJsonAtomic(file, doc);
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
      writeJsonAtomic(merged, mergedDocument(grid, mergeSweep(grid, [results])));
    }
    ctx.say(tableToText(sweepTable(grid, results)));
    ctx.say(`${results.length} of ${size} cells fitted in ${seconds.toFixed(2)} s; wrote ${files.length === 1 ? files[0] : `${outDir}/cell-*.json`}${merged ? ` and ${merged}` : ''}`);
    ctx.result({ grid, cells, files, merged, seconds, results: results.map(({ wavelet: _w, ...r }) => r) });
  });

  cmd
    .command('merge')
    .description('merge cell results (folders of cell-K.json or the files) into one sweep file; reports missing and duplicate cells')
    .argument('<paths...>', 'folders written by `awd sweep --cell K`, or cell-K.json files')
    .option('--out <merged.json>', 'the merged sweep file')
    .action((paths: string[], o: { out?: string }, c: Command) => {
      const ctx = contextOf(c);
      // commander hands an --out after `merge` to the parent `sweep` command, which has one too.
      const out = required('--out', o.out ?? (c.parent?.opts() as { out?: string } | undefined)?.out, 'where to write the merged sweep, e.g. --out merged.json');
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
      let grid: Grid | null = null;
      let gridFrom = '';
      const where = new Map<number, string[]>();
      const results: CellResult[] = [];
      for (const f of files) {
        let doc: CellFile;
        try {
          doc = JSON.parse(readFileSync(f, 'utf8'));
        } catch (e) {
          throw new UsageError(`'${f}' is not valid JSON (${(e as Error).message}); rerun that cell`);
        }
        if (!doc || doc.format !== CELL_FORMAT || !doc.result || !doc.grid) throw new UsageError(`'${f}' is not a sweep cell file (written by \`awd sweep\`)`);
        if (grid === null) {
          grid = doc.grid;
          gridFrom = f;
        } else if (JSON.stringify(grid) !== JSON.stringify(doc.grid)) {
          throw new UsageError(`'${f}' comes from a different grid than '${gridFrom}' (λ ${doc.grid.lambdas.join(',')} × γ ${doc.grid.gammas.join(',')} vs λ ${grid.lambdas.join(',')} × γ ${grid.gammas.join(',')})`);
        }
        where.set(doc.result.cell, [...(where.get(doc.result.cell) ?? []), f]);
        results.push(doc.result);
      }
      const g = grid as Grid;
      const size = gridSize(g);
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
      writeJsonAtomic(out, mergedDocument(g, merged));
      ctx.say(tableToText(sweepTable(g, merged)));
      ctx.say(`merged ${merged.length} cells from ${files.length} files into ${out}`);
      ctx.result({ out, grid: g, cells: merged.length, files, results: merged.map(({ wavelet: _w, ...r }) => r) });
    });
}
