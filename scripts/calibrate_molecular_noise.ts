/**
 * Calibrates the molecular simulator's `'real-like'` noise preset (docs/molecular-simulator.md,
 * "Noise presets") against the LSTM teacher and the db5 baseline ONLY — never against AWD. For
 * each value of the auxilin log-sd (the event-to-event variability of the response that the
 * clathrin trace cannot explain), it simulates the study's default data set (seed 0, 2,936 /
 * 1,005 tracks), scores the db5 baseline (the study's downstream model: 6 largest coefficients
 * per array, ridge with α by 5-fold CV on the training split) and, unless `--lstm 0`, trains the
 * study's LSTM teacher with the study's settings (`trainTeacherOnTraining`: 40 hidden units,
 * 50 epochs, 10 % validation split, best validation epoch kept) and scores both on the test split.
 * The reference notebooks' real-data numbers are LSTM 0.237, db5 0.197 (test R²).
 * One JSON line per value.
 *
 *   nice -n 10 node --import tsx scripts/calibrate_molecular_noise.ts --sd 0.6,1.0 [--lstm 1] [--seed 0]
 */
import { AdaptiveWavelet } from '../src/awd/index.ts';
import { simulateMolecular } from '../src/data/molecular.ts';
import { r2Score } from '../src/predictors/metrics.ts';
import { fitDownstream, LEVELS, trainTeacherOnTraining } from '../src/studies/molecular.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const sds = arg('--sd', '0.3').split(',').map(Number);
const lstm = arg('--lstm', '1') !== '0';
const seed = Number(arg('--seed', '0'));
for (const sd of sds) {
  const t0 = performance.now();
  const sim = simulateMolecular({ seed, nTrain: 2936, nTest: 1005, tracksPerCell: 300, noise: { auxilinLogSd: sd } });
  const train = { X: sim.train.X, y: sim.train.y };
  const db5 = fitDownstream(AdaptiveWavelet.fromName('db5', LEVELS, 'zero'), train.X, train.y, { folds: 5, seed });
  const db5Test = r2Score(sim.test.y, db5.model.predict(sim.test.X));
  const out: Record<string, unknown> = { auxilinLogSd: sd, seed, db5: { cvR2: db5.cvR2, testR2: db5Test } };
  if (lstm) {
    const tr = await trainTeacherOnTraining(train, 50, seed);
    const pred = await tr.teacher.predict(sim.test.X);
    out.lstm = { testR2: r2Score(sim.test.y, pred.data), valR2: tr.valR2, bestEpoch: tr.bestEpoch, hidden: tr.hidden, epochsRun: tr.history.length };
    tr.teacher.dispose();
  }
  out.seconds = Math.round((performance.now() - t0) / 1000);
  console.log(JSON.stringify(out));
}
