/**
 * Measures CNN teacher settings on the cosmology study's default-size maps (64×64; maps 0–199 /
 * 200–219 / 220–249 of each of the 10 cosmologies for train / validation / test, seed 0: the split
 * of `runCosmologyStudy({ size: 'default' })`). Prints one JSON line per configuration: validation
 * and test R², test RMSE, best epoch, epochs run, seconds.
 *
 *   nice -n 10 node --import tsx scripts/cosmology_teacher.ts '{"channels":[8,16,32],"stemStride":2,"epochs":40}' ...
 *
 * Each argument is a JSON object of trainTeacher options (merged over the defaults below);
 * `"name"` labels the line. `--size 32` and `--maps 200,20,30` change the maps (for quick trials);
 * `--simulator halo` takes the halo-model maps (docs/cosmology-simulator.md).
 * `--test-out FILE` writes the test scores to FILE (one JSON line per configuration, appended)
 * instead of the printed line, so that settings can be chosen on the validation maps only and
 * the chosen one's test score read once, without training it again.
 */
import { appendFileSync } from 'node:fs';
import { mapBatches, SIMULATORS, type SimulatorKind } from '../src/data/convergence.ts';
import { ndarray } from '../src/util/ndarray.ts';
import { trainTeacher, r2Score, type TrainOptions } from '../src/teachers/index.ts';

const args = process.argv.slice(2);
let size = 64;
let maps = [200, 20, 30];
let simulator: SimulatorKind = 'lognormal';
let testOut: string | null = null;
const configs: (TrainOptions & { name?: string })[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--size') size = Number(args[++i]);
  else if (args[i] === '--maps') maps = args[++i].split(',').map(Number);
  else if (args[i] === '--simulator') simulator = args[++i] as SimulatorKind;
  else if (args[i] === '--test-out') testOut = args[++i];
  else configs.push(JSON.parse(args[i]));
}
if (!SIMULATORS.includes(simulator)) throw new Error(`--simulator must be one of ${SIMULATORS.join(', ')}, got '${simulator}'`);
const load = (range: [number, number]) => {
  const b = mapBatches({ size, seed: 0, simulator, mapRange: range, batchSize: 1e9 }).next().value!;
  return { X: b.X, y: ndarray(Float64Array.from(b.y), [b.y.length]) };
};
const [nTr, nVa, nTe] = maps;
const train = load([0, nTr]);
const val = load([nTr, nTr + nVa]);
const test = load([nTr + nVa, nTr + nVa + nTe]);
const defaults: TrainOptions = {
  seed: 0, epochs: 40, batchSize: 32, learningRate: 3e-3, channels: [8, 16, 32], stemStride: 2,
  lrSchedule: 'cosine', augment: 'd4', patience: 10,
};
for (const c of configs) {
  const { name, ...o } = c;
  const opts: TrainOptions = { ...defaults, ...o };
  const t0 = performance.now();
  const r = await trainTeacher('cnn', train.X, train.y, {
    ...opts,
    validation: val,
    onProgress: (e, total, l) => process.stderr.write(`${name ?? ''} epoch ${e}/${total} train ${l.trainLoss.toExponential(3)} val ${l.valLoss?.toExponential(3)} ${((performance.now() - t0) / 1000).toFixed(0)} s\n`),
  });
  const seconds = (performance.now() - t0) / 1000;
  let testR2: number | null = null;
  let testRmse: number | null = null;
  const pred = await r.teacher.predict(test.X);
  let se = 0;
  for (let i = 0; i < pred.data.length; i++) se += (pred.data[i] - test.y.data[i]) ** 2;
  testR2 = r2Score(test.y, pred);
  testRmse = Math.sqrt(se / pred.data.length);
  if (testOut) {
    appendFileSync(testOut, `${JSON.stringify({ name, testR2, testRmse })}\n`);
    testR2 = null;
    testRmse = null;
  }
  console.log(JSON.stringify({
    name, size, maps, simulator, opts: { ...opts }, valR2: r.valR2, testR2, testRmse,
    bestEpoch: r.bestEpoch, epochsRun: r.history.length, seconds: Math.round(seconds),
    curve: r.history.map((h) => [h.epoch, h.trainLoss, h.valLoss]),
  }));
  r.teacher.dispose();
}
