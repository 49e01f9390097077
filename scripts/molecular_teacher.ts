/**
 * Chooses the molecular study's LSTM capacity by k-fold CV on the training split only, then
 * trains the chosen teacher with early stopping and scores it once on the test split. Data: the
 * study's default simulator set (seed 0: 2,936 training / 1,005 test tracks of length 40).
 * Prints one JSON line per candidate (CV R² mean ± std, seconds) and one for the final teacher.
 *
 *   nice -n 10 node --import tsx scripts/molecular_teacher.ts [--hidden 10,20,40] [--folds 3] [--epochs 50] [--patience 6]
 *
 * `--folds 0` skips the CV and trains the final teacher with the first `--hidden` value.
 */
import { simulateMolecular } from '../src/data/molecular.ts';
import { ndarray } from '../src/util/ndarray.ts';
import { crossValidateTeacher, r2Score, trainTeacher, type TrainOptions } from '../src/teachers/index.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const hidden = arg('--hidden', '10,20,40').split(',').map(Number);
const folds = Number(arg('--folds', '3'));
const epochs = Number(arg('--epochs', '50'));
const patience = Number(arg('--patience', '6'));
const sim = simulateMolecular({ seed: 0, nTrain: 2936, nTest: 1005, tracksPerCell: 300 });
const X = sim.train.X;
const y = ndarray(Float64Array.from(sim.train.y), [sim.train.y.length]);
// --patience 0: no early stopping (all epochs; the best validation epoch's weights are still kept).
const base: TrainOptions = { seed: 0, valSeed: 0, epochs, validationFraction: 0.1, ...(patience > 0 ? { patience } : {}) };
const scores: { hidden: number; r2Mean: number }[] = [];
for (const h of folds > 0 ? hidden : []) {
  const t0 = performance.now();
  const cv = await crossValidateTeacher('lstm', X, y, { ...base, hidden: h, folds, onFold: (f, k, r2) => process.stderr.write(`hidden ${h} fold ${f}/${k} R² ${r2.toFixed(4)} ${((performance.now() - t0) / 1000).toFixed(0)} s\n`) });
  scores.push({ hidden: h, r2Mean: cv.r2Mean });
  console.log(JSON.stringify({ hidden: h, folds, r2: cv.r2, r2Mean: cv.r2Mean, r2Std: cv.r2Std, epochsKept: cv.epochs, seconds: Math.round((performance.now() - t0) / 1000) }));
}
const best = folds > 0 ? scores.reduce((a, b) => (b.r2Mean > a.r2Mean ? b : a)) : { hidden: hidden[0], r2Mean: NaN };
const t0 = performance.now();
const r = await trainTeacher('lstm', X, y, { ...base, hidden: best.hidden, onProgress: (e, n, l) => process.stderr.write(`final epoch ${e}/${n} val ${l.valLoss}\n`) });
const pred = await r.teacher.predict(sim.test.X);
console.log(JSON.stringify({
  chosen: best.hidden, patience, maxEpochs: epochs, valR2: r.valR2, bestEpoch: r.bestEpoch, epochsRun: r.history.length,
  testR2: r2Score(sim.test.y, pred), seconds: Math.round((performance.now() - t0) / 1000),
  curve: r.history.map((h) => [h.epoch, h.trainLoss, h.valLoss]),
}));
r.teacher.dispose();
