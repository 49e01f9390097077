/** `awd inspect`: filters, history, wavelet constraints and nearest named wavelet of a wavelet. */
import type { Command } from 'commander';
import { cmf, highpassSum, lowpassSum, orthogonality, unitNorm } from '../../awd/constraints.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import { returnedRecord } from '../../awd/returned.ts';
import { waveletDistanceToNamed } from '../../wavelets/distance.ts';
import { formatCell } from '../../report/table.ts';
import { waveletSummaryPlot } from '../../report/wavelets.ts';
import { parseInteger } from '../args.ts';
import { waveletArg, waveletFileInput } from '../common.ts';
import { refuseOverwrite } from '../paths.ts';
import { contextOf } from '../context.ts';

/** The named wavelets `inspect` compares with. */
export const NEAREST_CANDIDATES: readonly string[] = [
  ...Array.from({ length: 10 }, (_, i) => `db${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `sym${i + 2}`),
  ...Array.from({ length: 5 }, (_, i) => `coif${i + 1}`),
];

/** The five wavelet-constraint terms of Eq. 8 at h (each 0 for an orthogonal wavelet). */
export function constraintTerms(h: ArrayLike<number>): Record<string, number> {
  return {
    lowpass_sum: lowpassSum(h).value,
    highpass_sum: highpassSum(h).value,
    unit_norm: unitNorm(h).value,
    cmf: cmf(h).value,
    orthogonality: orthogonality(h).value,
  };
}

export function addInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('show a wavelet: filters h and g, the last loss terms, how close it is to a valid wavelet, the nearest named wavelet')
    .argument('<wavelet>', 'a wavelet file (from awd fit) or a family name such as db5')
    .option('--plot <out.svg>', 'also write φ, ψ, the filters and the training curves as SVG')
    .option('--level <n>', 'cascade level of the φ/ψ plot', '6')
    .action((spec: string, o: { plot?: string; level: string }, c: Command) => {
      const ctx = contextOf(c);
      const level = parseInteger('--level', o.level, 1, 12);
      if (o.plot) refuseOverwrite([waveletFileInput(spec, 'wavelet')], [{ option: '--plot', path: o.plot }]);
      const w = waveletArg(spec);
      const h = Array.from(w.h);
      const g = Array.from(w.g);
      const constraints = constraintTerms(w.h);
      const constraintSum = Object.values(constraints).reduce((a, b) => a + b, 0);
      const distances = NEAREST_CANDIDATES.map((name) => ({ name, distance: waveletDistanceToNamed(w.h, name) })).sort((a, b) => a.distance - b.distance);
      const last = returnedRecord(w);
      if (o.plot) writeFileAtomic(o.plot, waveletSummaryPlot(w, { level, title: spec }));

      const fmtArr = (a: number[]) => a.map((v) => (v >= 0 ? ' ' : '') + v.toFixed(8)).join(' ');
      ctx.say(`wavelet ${spec}: ${h.length} taps, J = ${w.levels}, mode ${w.mode}`);
      if (w.settings) {
        const s = w.settings;
        ctx.say(`  fitted from ${typeof s.init === 'string' ? s.init : 'a given filter'}${s.initNoise ? ` + noise ${s.initNoise}` : ''}, λ = ${s.weights.l1_attr}, γ = ${s.weights.l1_wave}, ${w.history.length} epochs, batch ${s.batchSize}, lr ${s.learningRate}, seed ${s.seed}, ${s.nTrain} samples of shape [${s.sampleShape.join(', ')}]`);
      }
      ctx.say(`  h (lowpass):  ${fmtArr(h)}`);
      ctx.say(`  g (highpass): ${fmtArr(g)}`);
      if (last) {
        ctx.say(`  ${last.epoch === w.history.length ? 'last epoch' : `epoch of the saved filter (best validation, ${w.history.length} run)`} (${last.epoch}) training terms: ` + Object.entries(last.train).map(([k, v]) => `${k} ${formatCell(v)}`).join(', '));
        if (last.validation) ctx.say(`  epoch ${last.epoch} validation total: ${formatCell(last.validation.total)}`);
      } else {
        ctx.say('  no training history (not fitted)');
      }
      ctx.say(`  wavelet constraints at h (0 for an orthogonal wavelet; sum ${formatCell(constraintSum)}): ` + Object.entries(constraints).map(([k, v]) => `${k} ${formatCell(v)}`).join(', '));
      ctx.say(`  nearest named wavelets (distance, DESIGN §5.1, level 5): ` + distances.slice(0, 3).map((d) => `${d.name} ${formatCell(d.distance)}`).join(', '));
      if (o.plot) ctx.say(`  plot written to ${o.plot}`);
      ctx.result({
        wavelet: spec, taps: h.length, levels: w.levels, mode: w.mode, h, g, settings: w.settings,
        last, constraints, constraintSum, nearest: distances[0], distances, plot: o.plot ?? null,
      });
    });
}
