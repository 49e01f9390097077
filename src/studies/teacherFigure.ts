/**
 * The teacher's training curve as a study figure (issue 12: every study report shows how its
 * teacher trained): training and validation MSE per epoch, log scale, the kept epoch named in the
 * caption.
 * @module
 */
import { linePlot, PALETTE, type Series } from '../report/svg.ts';
import type { EpochLog } from '../teachers/train.ts';
import type { Figure } from './types.ts';

/**
 * A figure of a teacher's per-epoch training (and, when present, validation) MSE; `null` for an
 * empty history (a teacher given by the caller, or one trained for 0 epochs).
 *
 * @example
 * const f = teacherCurveFigure('fig-molecular-teacher', 'LSTM teacher', trained.history, trained.bestEpoch, 'Its validation split: 10 % of the training tracks.');
 */
export function teacherCurveFigure(name: string, title: string, history: readonly EpochLog[], bestEpoch: number, note: string): Figure | null {
  if (history.length === 0) return null;
  const epochs = history.map((h) => h.epoch);
  const series: Series[] = [{ label: 'training MSE', x: epochs, y: history.map((h) => h.trainLoss), color: PALETTE[0] }];
  if (history.every((h) => h.valLoss !== null)) series.push({ label: 'validation MSE', x: epochs, y: history.map((h) => h.valLoss!), color: PALETTE[1] });
  return {
    name,
    title: `${title}: training curve`,
    caption: `Mean squared error per epoch on the training batches (running mean during the epoch)${series.length > 1 ? ' and on the validation set' : ''}; the returned weights are those of epoch ${bestEpoch}. ${note}`,
    svg: linePlot(series, { title, xLabel: 'epoch', yLabel: 'MSE', logY: true }),
  };
}
