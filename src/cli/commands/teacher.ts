/**
 * `awd teacher train`, `awd teacher grads`, `awd teacher predict` and `awd teacher evaluate`: a
 * neural teacher, its input gradients, its predictions and its held-out score.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { NdArray } from '../../util/ndarray.ts';
import type { NeuralTeacher } from '../../teachers/teacher.ts';
import { writeNpy } from '../../data/npy.ts';
import { formatCell } from '../../report/table.ts';
import { assertFiniteInput, existingDir, parseChoice, parseIntList, parseInteger, parseNumber, required } from '../args.ts';
import { DATA_FORMATS, readDataOption, writeDataOption } from '../data.ts';
import { teacherGradients } from '../common.ts';
import { contextOf } from '../context.ts';
import { UsageError } from '../errors.ts';
import { progressBar } from '../progress.ts';
import { outputDir, refuseOverwrite } from '../paths.ts';
import { join } from 'node:path';

const KINDS = ['mlp', 'lstm', 'cnn'] as const;

interface TrainCli {
  kind?: string;
  data?: string;
  target?: string;
  out?: string;
  epochs?: string;
  seed: string;
  batchSize: string;
  lr: string;
  hidden?: string;
  channels?: string;
  stemStride?: string;
  valFraction: string;
  valSeed: string;
  patience?: string;
  minDelta: string;
  restoreBest: boolean;
  weightDecay: string;
  dropout: string;
  lrSchedule: string;
  lrStepEpochs: string;
  lrStepFactor: string;
  lrMinFactor: string;
  augment: string;
  cv?: string;
  head?: string;
  pool: string;
  pixelChannels: string;
  moments?: string;
}

/** Loads a saved teacher; a missing, damaged or foreign folder is a bad input file (exit 2). */
async function loadTeacherArg(dir: string): Promise<NeuralTeacher> {
  const t = await import('../../teachers/index.ts');
  try {
    return await t.loadTeacher(existingDir('--teacher', dir));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--teacher '${dir}' cannot be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Checks that --data fits the teacher's input shape and is finite. */
function checkTeacherData(teacher: NeuralTeacher, path: string, X: NdArray): void {
  const per = X.shape.slice(1);
  if (X.shape.length !== teacher.inputShape.length + 1 || per.some((v, i) => v !== teacher.inputShape[i])) {
    throw new UsageError(
      `--data '${path}' has shape [${X.shape.join(', ')}] but the ${teacher.kind} teacher takes [n, ${teacher.inputShape.join(', ')}]; give data of the shape it was trained on`,
    );
  }
  if (X.shape[0] < 1) throw new UsageError(`--data '${path}' has no samples`);
  for (let i = 0; i < X.data.length; i++) {
    if (!Number.isFinite(X.data[i])) throw new UsageError(`--data '${path}' contains ${X.data[i]} at flat index ${i}; remove or fill the missing values`);
  }
}

export function addTeacherCommand(program: Command): void {
  const teacher = program.command('teacher').description('train a neural teacher (TensorFlow.js, wasm) and compute its input gradients');

  teacher
    .command('train')
    .description('train an mlp (n × d), lstm (n × T) or cnn (n × H × W) regressor and save it to a folder')
    .option('--kind <kind>', 'mlp, lstm or cnn')
    .option('--data <X.npy>', `inputs: ${DATA_FORMATS}`)
    .option('--target <y.npy>', `targets: n or n × k; ${DATA_FORMATS}`)
    .option('--out <DIR>', 'folder to save the teacher to')
    .option('--epochs <n>', 'passes over the data (default: mlp 20, lstm 50, cnn 10)')
    .option('--seed <n>', 'seed of the initialisation, split and shuffling', '0')
    .option('--batch-size <n>', 'mini-batch size', '100')
    .option('--lr <rate>', 'Adam learning rate', '1e-3')
    .option('--hidden <sizes>', 'mlp: hidden sizes, e.g. 32,32; lstm: hidden units, e.g. 20')
    .option('--channels <list>', 'cnn: channels per residual stage, e.g. 8,16,32')
    .option('--stem-stride <1|2>', 'cnn: stride of the first convolution')
    .option('--val-fraction <f>', 'held-out fraction for validation, early stopping and the validation R²', '0.1')
    .option('--val-seed <n>', 'seed of the validation split and the CV folds (independent of --seed)', '0')
    .option('--patience <n>', 'early stopping: stop after n epochs without a lower validation loss')
    .option('--min-delta <d>', 'early stopping: smallest decrease that counts as an improvement', '0')
    .option('--no-restore-best', 'keep the last epoch\'s weights instead of the best validation epoch\'s')
    .option('--weight-decay <w>', 'L2 penalty on the kernels (w · Σ w²)', '0')
    .option('--dropout <p>', 'dropout rate before the dense layers after the first (mlp) or the head (lstm, cnn)', '0')
    .option('--lr-schedule <s>', 'constant, cosine or step', 'constant')
    .option('--lr-step-epochs <n>', 'step schedule: epochs between decays', '10')
    .option('--lr-step-factor <f>', 'step schedule: factor per decay', '0.5')
    .option('--lr-min-factor <f>', 'cosine schedule: final rate as a fraction of --lr', '0.01')
    .option('--augment <a>', 'cnn: none, flips or d4 (the 8 rotations/flips; square maps)', 'none')
    .option('--head <sizes>', 'cnn: hidden sizes of an MLP on the pooled features, e.g. 32')
    .option('--pool <p>', 'cnn: global pooling, mean or logmean', 'mean')
    .option('--pixel-channels <n>', 'cnn: channels of a per-pixel (1×1) branch pooled straight to the head', '0')
    .option('--moments <views>', 'cnn: views whose moments feed the head, e.g. map or map,pool2,pool4,highpass')
    .option('--cv <k>', 'first estimate the score by k-fold cross-validation (mean ± std of the held-out R²)')
    .addHelpText('after', `
Example:
  awd teacher train --kind lstm --data X.npy --target y.npy --out teacher/ --epochs 200 --patience 15 --cv 5`)
    .action(async (o: TrainCli, c: Command) => {
      const ctx = contextOf(c);
      const kind = parseChoice('--kind', required('--kind', o.kind, 'mlp, lstm or cnn'), KINDS);
      const dataPath = required('--data', o.data, 'the inputs as .npy');
      const targetPath = required('--target', o.target, 'the targets as .npy (n or n × k)');
      const out = required('--out', o.out, 'a folder to save the teacher to');
      refuseOverwrite([{ option: '--data', path: dataPath }, { option: '--target', path: targetPath }],
        [{ option: '--out', path: out }, ...['teacher.json', 'weights.bin'].map((f) => ({ option: '--out', path: join(out, f) }))]);
      outputDir('--out', out);
      const opts = {
        seed: parseInteger('--seed', o.seed, 0, 2 ** 32 - 1),
        epochs: o.epochs === undefined ? undefined : parseInteger('--epochs', o.epochs, 0),
        batchSize: parseInteger('--batch-size', o.batchSize, 1),
        learningRate: parseNumber('--lr', o.lr, { min: 0, exclusiveMin: true }),
        validationFraction: parseNumber('--val-fraction', o.valFraction, { min: 0, max: 0.9 }),
        hidden: undefined as number | number[] | undefined,
        channels: o.channels === undefined ? undefined : parseIntList('--channels', o.channels),
        stemStride: undefined as 1 | 2 | undefined,
        valSeed: parseInteger('--val-seed', o.valSeed, 0, 2 ** 32 - 1),
        patience: o.patience === undefined ? undefined : parseInteger('--patience', o.patience, 1),
        minDelta: parseNumber('--min-delta', o.minDelta, { min: 0 }),
        restoreBest: o.restoreBest,
        weightDecay: parseNumber('--weight-decay', o.weightDecay, { min: 0 }),
        dropout: parseNumber('--dropout', o.dropout, { min: 0, max: 0.95 }),
        lrSchedule: parseChoice('--lr-schedule', o.lrSchedule, ['constant', 'cosine', 'step'] as const),
        lrStepEpochs: parseInteger('--lr-step-epochs', o.lrStepEpochs, 1),
        lrStepFactor: parseNumber('--lr-step-factor', o.lrStepFactor, { min: 0, max: 1, exclusiveMin: true }),
        lrMinFactor: parseNumber('--lr-min-factor', o.lrMinFactor, { min: 0, max: 1 }),
        augment: parseChoice('--augment', o.augment, ['none', 'flips', 'd4'] as const),
        cv: o.cv === undefined ? undefined : parseInteger('--cv', o.cv, 2, 100),
        head: o.head === undefined ? undefined : parseIntList('--head', o.head),
        pool: parseChoice('--pool', o.pool, ['mean', 'logmean'] as const),
        pixelChannels: parseInteger('--pixel-channels', o.pixelChannels, 0, 1024),
        moments: o.moments === undefined ? undefined : o.moments.split(',').map((v) => parseChoice('--moments', v.trim(), ['map', 'pool2', 'pool4', 'highpass'] as const)),
      };
      if (kind !== 'cnn' && (opts.head !== undefined || opts.pool !== 'mean' || opts.pixelChannels > 0 || opts.moments !== undefined)) {
        throw new UsageError(`--head, --pool, --pixel-channels and --moments are for cnn teachers, not ${kind}`);
      }
      if (opts.augment !== 'none' && kind !== 'cnn') throw new UsageError(`--augment ${opts.augment} is for cnn teachers (images), not ${kind}`);
      if (opts.patience !== undefined && opts.validationFraction === 0) throw new UsageError('--patience needs a validation split: give --val-fraction > 0');
      if (o.hidden !== undefined) {
        const h = parseIntList('--hidden', o.hidden);
        if (kind === 'lstm' && h.length !== 1) throw new UsageError(`--hidden for an lstm is one number of hidden units, got '${o.hidden}'`);
        opts.hidden = kind === 'lstm' ? h[0] : h;
      }
      if (o.stemStride !== undefined) opts.stemStride = parseChoice('--stem-stride', o.stemStride, ['1', '2'] as const) === '1' ? 1 : 2;
      const X = await readDataOption('--data', dataPath);
      const y = await readDataOption('--target', targetPath);
      assertFiniteInput('--data', dataPath, X);
      assertFiniteInput('--target', targetPath, y);
      const want = kind === 'cnn' ? 3 : 2;
      if (X.shape.length !== want && !(kind === 'lstm' && X.shape.length === 3)) {
        throw new UsageError(`--data '${dataPath}' has shape [${X.shape.join(', ')}]; a ${kind} teacher takes ${kind === 'cnn' ? 'n × rows × cols' : 'n × length'}`);
      }
      if (y.shape.length > 2 || y.shape[0] !== X.shape[0]) {
        throw new UsageError(`--target '${targetPath}' has shape [${y.shape.join(', ')}]; expected [${X.shape[0]}] or [${X.shape[0]}, k] (one row per sample of --data)`);
      }
      const t = await import('../../teachers/index.ts');
      if (opts.cv !== undefined && X.shape[0] < 2 * opts.cv) throw new UsageError(`--cv ${opts.cv} needs at least ${2 * opts.cv} samples, --data has ${X.shape[0]}`);
      if (opts.augment === 'd4' && X.shape[1] !== X.shape[2]) throw new UsageError(`--augment d4 needs square maps, --data has ${X.shape[1]} × ${X.shape[2]}; use --augment flips`);
      const bar = progressBar(`train ${kind}`, opts.epochs ?? 1, ctx.bars);
      const t0 = performance.now();
      let res;
      try {
        res = await t.trainTeacher(kind, X, y, {
          ...opts,
          onFold: (f, k, r2) => ctx.say(`  cv fold ${f}/${k}: held-out R² ${formatCell(r2)}`),
          onProgress: (epoch, total, logs) => bar.update(epoch, total, `train mse ${formatCell(logs.trainLoss)}${logs.valLoss !== null ? ` val mse ${formatCell(logs.valLoss)}` : ''}`),
        });
      } finally {
        bar.stop();
      }
      const seconds = (performance.now() - t0) / 1000;
      await t.saveTeacher(res.teacher, out);
      res.teacher.dispose();
      const last = res.history[res.history.length - 1] ?? null;
      ctx.say(`trained a ${kind} teacher on ${X.shape.join(' × ')} → saved to ${out}`);
      ctx.say(`  ${res.history.length} epochs in ${seconds.toFixed(1)} s${res.stoppedEarly ? ' (stopped early)' : ''}; weights of epoch ${res.bestEpoch}; validation R² ${res.valR2 === null ? '— (no validation split)' : formatCell(res.valR2)}${last ? `; last train mse ${formatCell(last.trainLoss)}` : ''}`);
      if (res.cv) ctx.say(`  ${res.cv.folds}-fold CV: R² ${formatCell(res.cv.r2Mean)} ± ${formatCell(res.cv.r2Std)}, RMSE ${formatCell(res.cv.rmseMean)} ± ${formatCell(res.cv.rmseStd)} (mean ± std over folds)`);
      ctx.say(`  next: awd teacher grads --teacher ${out} --data ${dataPath} --out grads.npy`);
      ctx.result({ out, kind, shape: X.shape, epochs: res.history.length, bestEpoch: res.bestEpoch, stoppedEarly: res.stoppedEarly, valR2: res.valR2, cv: res.cv ?? null, history: res.history, seconds });
    });

  teacher
    .command('grads')
    .description("the teacher's input gradients ∂f/∂x at every sample (computed once; AWD then never runs the teacher)")
    .option('--teacher <DIR>', 'a folder written by `awd teacher train`')
    .option('--data <X.npy>', `samples: ${DATA_FORMATS}`)
    .option('--out <G.npy>', 'where to write the gradients (same shape as --data, float64): .npy, .npz[:key] or .h5[:/dataset]')
    .option('--output-index <k>', 'which output to differentiate', '0')
    .action(async (o: { teacher?: string; data?: string; out?: string; outputIndex: string }, c: Command) => {
      const ctx = contextOf(c);
      const dir = existingDir('--teacher', required('--teacher', o.teacher, 'the folder of a saved teacher'));
      const dataPath = required('--data', o.data, 'the samples as .npy');
      const out = required('--out', o.out, 'e.g. --out grads.npy');
      refuseOverwrite([{ option: '--teacher', path: dir }, { option: '--data', path: dataPath }], [{ option: '--out', path: out }]);
      const outputIndex = parseInteger('--output-index', o.outputIndex, 0);
      const X = await readDataOption('--data', dataPath);
      assertFiniteInput('--data', dataPath, X);
      const t0 = performance.now();
      const G = await teacherGradients(dir, X, outputIndex, ctx);
      const seconds = (performance.now() - t0) / 1000;
      await writeDataOption('--out', out, G);
      let sq = 0;
      for (let i = 0; i < G.data.length; i++) sq += G.data[i] * G.data[i];
      ctx.say(`wrote the input gradients of output ${outputIndex} at ${X.shape[0]} samples to ${out} (shape ${G.shape.join(' × ')}, ${seconds.toFixed(1)} s, rms ${formatCell(Math.sqrt(sq / Math.max(1, G.data.length)))})`);
      ctx.result({ out, shape: G.shape, outputIndex, seconds });
    });

  teacher
    .command('predict')
    .description("the teacher's predictions at every sample, saved as .npy (n, or n × k for k outputs)")
    .option('--teacher <DIR>', 'a folder written by `awd teacher train`')
    .option('--data <X.npy>', 'samples of the shape the teacher was trained on')
    .option('--out <yhat.npy>', 'where to write the predictions (float64)')
    .addHelpText('after', `
Example:
  awd teacher predict --teacher teacher/ --data Xtest.npy --out yhat.npy`)
    .action(async (o: { teacher?: string; data?: string; out?: string }, c: Command) => {
      const ctx = contextOf(c);
      const dir = required('--teacher', o.teacher, 'the folder of a saved teacher');
      const dataPath = required('--data', o.data, 'the samples as .npy');
      const out = required('--out', o.out, 'e.g. --out yhat.npy');
      refuseOverwrite([{ option: '--teacher', path: dir }, { option: '--data', path: dataPath }], [{ option: '--out', path: out }]);
      const teacher = await loadTeacherArg(dir);
      try {
        const X = await readDataOption('--data', dataPath);
        checkTeacherData(teacher, dataPath, X);
        const bar = progressBar('predict', X.shape[0], ctx.bars);
        let P;
        try {
          P = await teacher.predict(X, { onProgress: (d, n) => bar.update(d, n) });
        } finally {
          bar.stop();
        }
        const Y = teacher.outputDim === 1 ? { data: P.data, shape: [P.shape[0]] } : P;
        for (let i = 0; i < Y.data.length; i++) {
          if (!Number.isFinite(Y.data[i])) throw new Error(`the teacher predicted ${Y.data[i]} for sample ${Math.floor(i / teacher.outputDim)}; nothing was written`);
        }
        writeNpy(out, Y);
        ctx.say(`wrote the ${teacher.kind} teacher's predictions for ${X.shape[0]} samples to ${out} (shape ${Y.shape.join(' × ')})`);
        ctx.result({ out, shape: Y.shape, kind: teacher.kind });
      } finally {
        teacher.dispose();
      }
    });

  teacher
    .command('evaluate')
    .description("the teacher's score on labelled data: R² and RMSE (per output and their mean)")
    .option('--teacher <DIR>', 'a folder written by `awd teacher train`')
    .option('--data <X.npy>', 'samples of the shape the teacher was trained on')
    .option('--target <y.npy>', 'true targets: n or n × k')
    .addHelpText('after', `
Example:
  awd teacher evaluate --teacher teacher/ --data Xtest.npy --target ytest.npy`)
    .action(async (o: { teacher?: string; data?: string; target?: string }, c: Command) => {
      const ctx = contextOf(c);
      const dir = required('--teacher', o.teacher, 'the folder of a saved teacher');
      const dataPath = required('--data', o.data, 'the samples as .npy');
      const targetPath = required('--target', o.target, 'the true targets as .npy (n or n × k)');
      const teacher = await loadTeacherArg(dir);
      try {
        const X = await readDataOption('--data', dataPath);
        checkTeacherData(teacher, dataPath, X);
        const y = await readDataOption('--target', targetPath);
        const n = X.shape[0];
        const k = teacher.outputDim;
        const okShape = (y.shape.length === 1 && k === 1 && y.shape[0] === n) || (y.shape.length === 2 && y.shape[0] === n && y.shape[1] === k);
        if (!okShape) {
          const want = k === 1 ? `[${n}] or [${n}, 1]` : `[${n}, ${k}]`;
          throw new UsageError(`--target '${targetPath}' has shape [${y.shape.join(', ')}]; expected ${want} (one row per sample of --data, one column per teacher output)`);
        }
        for (let i = 0; i < y.data.length; i++) {
          if (!Number.isFinite(y.data[i])) throw new UsageError(`--target '${targetPath}' contains ${y.data[i]} at index ${i}; remove or fill the missing values`);
        }
        if (n < 2) throw new UsageError(`--data '${dataPath}' has ${n} sample; R² needs at least 2`);
        const t = await import('../../teachers/index.ts');
        const P = await teacher.predict(X);
        const perOutput = Array.from({ length: k }, (_, j) => {
          const yt = new Float64Array(n);
          const yp = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            yt[i] = y.data[i * k + j];
            yp[i] = P.data[i * k + j];
          }
          return { output: j, r2: t.r2Score(yt, yp), rmse: Math.sqrt(t.meanSquaredError(yt, yp)) };
        });
        const r2 = perOutput.reduce((a, b) => a + b.r2, 0) / k;
        const rmse = Math.sqrt(perOutput.reduce((a, b) => a + b.rmse ** 2, 0) / k);
        for (const p of perOutput) {
          if (!Number.isFinite(p.r2) || !Number.isFinite(p.rmse)) throw new Error(`the teacher's predictions are not finite (output ${p.output}); the teacher is damaged`);
        }
        ctx.say(`${teacher.kind} teacher on ${n} samples of ${dataPath}: R² ${formatCell(r2)}, RMSE ${formatCell(rmse)}`);
        if (k > 1) for (const p of perOutput) ctx.say(`  output ${p.output}: R² ${formatCell(p.r2)}, RMSE ${formatCell(p.rmse)}`);
        ctx.result({ n, r2, rmse, outputs: perOutput });
      } finally {
        teacher.dispose();
      }
    });
}
