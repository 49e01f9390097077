/** The summary table of sweep cells printed by `awd sweep` and `awd sweep merge`. */
import { cellWavelet, type CellResult, type Grid } from '../awd/sweep.ts';
import type { Table } from '../report/types.ts';
import { waveletDistanceToNamed } from '../wavelets/distance.ts';

/** A summary table of cell results (the returned filter's training terms, distance to the start wavelet). */
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
