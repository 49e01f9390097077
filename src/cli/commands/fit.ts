/** `awd fit`: fit an adaptive wavelet to data and teacher gradients, save it as JSON. */
import type { Command } from 'commander';
import { AdaptiveWavelet, initialFilter } from '../../awd/adaptive.ts';
import { scaleFreeTerms, termScales } from '../../awd/loss.ts';
import { Rng } from '../../util/rng.ts';
import { saveWavelet } from '../../awd/serialize.ts';
import { returnedRecord } from '../../awd/returned.ts';
import { removeCheckpoint } from '../../awd/checkpoint.ts';
import { addCheckpointOptions, checkpointFrom, withCheckpointErrors, type CheckpointCliOpts } from '../checkpointOptions.ts';
import { waveletDistanceToNamed } from '../../wavelets/distance.ts';
import { formatCell } from '../../report/table.ts';
import { required } from '../args.ts';
import { addDataOptions, addFitOptions, farFromWaveletWarning, fitOptionsFrom, loadDataAndGrads, refuseDataOverwrite, type DataOpts, type FitCliOpts } from '../common.ts';
import { contextOf } from '../context.ts';
import { progressBar } from '../progress.ts';

export function addFitCommand(program: Command): void {
  const cmd = program
    .command('fit')
    .description('fit an adaptive wavelet (AWD) to samples and teacher input gradients; 1D or 2D from the data shape')
    .option('--out <wavelet.json>', 'where to save the fitted wavelet');
  addDataOptions(cmd);
  addFitOptions(cmd);
  addCheckpointOptions(cmd);
  cmd.addHelpText('after', `
Examples:
  awd fit --data X.npy --grads G.npy --lambda 0.005 --gamma 0.043 --out wavelet.json
  awd fit --data X.npy --teacher teacher/ --epochs 20 --out wavelet.json
  awd fit --data X.npy --grads G.npy --epochs 500 --checkpoint-every 5m --resume --out wavelet.json`);
  cmd.action(async (o: DataOpts & FitCliOpts & CheckpointCliOpts & { out?: string }, c: Command) => {
    const ctx = contextOf(c);
    const out = required('--out', o.out, 'where to save the fitted wavelet, e.g. --out wavelet.json');
    refuseDataOverwrite(o, [{ option: '--out', path: out }]);
    const checkpoint = checkpointFrom(o, `${out}.ckpt`, [o.data, o.grads, o.out, o.saveGrads]);
    const loaded = await loadDataAndGrads(o, ctx);
    const { X, G, opts } = fitOptionsFrom(o, loaded.X, loaded.G, ctx);
    const n = X.shape[0];
    // Each term's magnitude at the starting filter, raw and scale-free (docs/objective.md).
    const startW = new AdaptiveWavelet(initialFilter(opts.wavelet ?? 'db5', 0, new Rng(0)), opts.levels ?? 4, opts.mode ?? 'zero');
    const t0terms = startW.loss(X, G, {});
    const C = startW.engineFor(X.shape.slice(1)).blockShapes.reduce((a, b) => a + b.reduce((p, q) => p * q, 1), 0);
    const sf = scaleFreeTerms(t0terms, termScales(X.data, G.data, C, startW.levels));
    ctx.info(`terms at the start: reconstruction ${formatCell(t0terms.reconstruction)}, l1_wave ${formatCell(t0terms.l1_wave)} (scale-free ${formatCell(sf.l1_wave)}), l1_attr ${formatCell(t0terms.l1_attr)} (scale-free ${formatCell(sf.l1_attr)}); λ, γ are ${opts.scaleFree ? 'scale-free' : "raw (the reference's units; --scale-free for units that carry over between data sets)"}`);
    const batches = Math.ceil(n / Math.min(opts.batchSize ?? 100, n));
    const bar = progressBar('fit', (opts.epochs ?? 50) * batches, ctx.bars);
    const t0 = performance.now();
    let w: AdaptiveWavelet;
    try {
      w = withCheckpointErrors(() => AdaptiveWavelet.fit(X, {
        ...opts,
        teacherGrads: G,
        ...(checkpoint ? { checkpoint } : {}),
        onProgress: (p) => bar.update((p.epoch - 1) * p.batches + p.batch, p.epochs * p.batches, `epoch ${p.epoch}/${p.epochs} loss ${formatCell(p.loss)}`),
      }));
    } finally {
      bar.stop();
    }
    const seconds = (performance.now() - t0) / 1000;
    if (w.history.length > 0) farFromWaveletWarning(w.h, opts.lambda ?? 0, opts.gamma ?? 0);
    saveWavelet(w, out);
    if (checkpoint) removeCheckpoint(checkpoint.path);
    const last = returnedRecord(w);
    const bestEpoch = w.settings?.bestEpoch ?? null;
    const which = last && opts.validation ? `epoch ${last.epoch} of ${w.history.length}, best validation` : 'final';
    const start = typeof opts.wavelet === 'string' ? opts.wavelet : null;
    const distance = start ? waveletDistanceToNamed(w.h, start) : null;
    const dims = X.shape.length === 2 ? '1D' : '2D';
    ctx.say(`fitted wavelet saved to ${out}`);
    ctx.say(`  data ${X.shape.join(' × ')} (${dims}), gradients from ${loaded.gradsFrom}`);
    ctx.say(`  start ${start ?? 'a saved filter'}, J = ${w.levels}, mode ${w.mode}, λ = ${opts.lambda ?? 0}, γ = ${opts.gamma ?? 0}, ${opts.parametrization === 'lattice' ? 'lattice angles, ' : ''}${w.history.length} epochs in ${seconds.toFixed(2)} s`);
    if (last) {
      ctx.say(`  ${which} training loss ${formatCell(last.train.total)}: ` + Object.entries(last.train).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${formatCell(v)}`).join(', '));
      if (last.validation) ctx.say(`  ${which === 'final' ? 'final' : 'returned filter\'s'} validation loss ${formatCell(last.validation.total)}`);
    }
    if (distance !== null) ctx.say(`  distance to the start ${start} (DESIGN §5.1): ${formatCell(distance)}`);
    ctx.result({
      out, dims, shape: X.shape, h: Array.from(w.h), g: Array.from(w.g), levels: w.levels, mode: w.mode,
      settings: w.settings, final: last ?? null, bestEpoch, epochs: w.history.length, seconds, distanceToStart: distance,
    });
  });
}
