/** `awd teacher train` and `awd teacher grads`: a neural teacher and its input gradients. */
import type { Command } from 'commander';
import { formatCell } from '../../report/table.ts';
import { existingDir, parseChoice, parseIntList, parseInteger, parseNumber, required } from '../args.ts';
import { DATA_FORMATS, readDataOption, writeDataOption } from '../data.ts';
import { teacherGradients } from '../common.ts';
import { contextOf } from '../context.ts';
import { UsageError } from '../errors.ts';
import { progressBar } from '../progress.ts';

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
    .option('--val-fraction <f>', 'held-out fraction for the validation R² (seeded)', '0.1')
    .addHelpText('after', `
Example:
  awd teacher train --kind lstm --data X.npy --target y.npy --out teacher/ --epochs 50`)
    .action(async (o: TrainCli, c: Command) => {
      const ctx = contextOf(c);
      const kind = parseChoice('--kind', required('--kind', o.kind, 'mlp, lstm or cnn'), KINDS);
      const dataPath = required('--data', o.data, 'the inputs as .npy');
      const targetPath = required('--target', o.target, 'the targets as .npy (n or n × k)');
      const out = required('--out', o.out, 'a folder to save the teacher to');
      const opts = {
        seed: parseInteger('--seed', o.seed, 0, 2 ** 32 - 1),
        epochs: o.epochs === undefined ? undefined : parseInteger('--epochs', o.epochs, 0),
        batchSize: parseInteger('--batch-size', o.batchSize, 1),
        learningRate: parseNumber('--lr', o.lr, { min: 0, exclusiveMin: true }),
        validationFraction: parseNumber('--val-fraction', o.valFraction, { min: 0, max: 0.9 }),
        hidden: undefined as number | number[] | undefined,
        channels: o.channels === undefined ? undefined : parseIntList('--channels', o.channels),
        stemStride: undefined as 1 | 2 | undefined,
      };
      if (o.hidden !== undefined) {
        const h = parseIntList('--hidden', o.hidden);
        if (kind === 'lstm' && h.length !== 1) throw new UsageError(`--hidden for an lstm is one number of hidden units, got '${o.hidden}'`);
        opts.hidden = kind === 'lstm' ? h[0] : h;
      }
      if (o.stemStride !== undefined) opts.stemStride = parseChoice('--stem-stride', o.stemStride, ['1', '2'] as const) === '1' ? 1 : 2;
      const X = await readDataOption('--data', dataPath);
      const y = await readDataOption('--target', targetPath);
      const want = kind === 'cnn' ? 3 : 2;
      if (X.shape.length !== want && !(kind === 'lstm' && X.shape.length === 3)) {
        throw new UsageError(`--data '${dataPath}' has shape [${X.shape.join(', ')}]; a ${kind} teacher takes ${kind === 'cnn' ? 'n × rows × cols' : 'n × length'}`);
      }
      if (y.shape.length > 2 || y.shape[0] !== X.shape[0]) {
        throw new UsageError(`--target '${targetPath}' has shape [${y.shape.join(', ')}]; expected [${X.shape[0]}] or [${X.shape[0]}, k] (one row per sample of --data)`);
      }
      const t = await import('../../teachers/index.ts');
      const bar = progressBar(`train ${kind}`, opts.epochs ?? 1, ctx.bars);
      const t0 = performance.now();
      let res;
      try {
        res = await t.trainTeacher(kind, X, y, {
          ...opts,
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
      ctx.say(`  ${res.history.length} epochs in ${seconds.toFixed(1)} s; validation R² ${res.valR2 === null ? '— (no validation split)' : formatCell(res.valR2)}${last ? `; last train mse ${formatCell(last.trainLoss)}` : ''}`);
      ctx.say(`  next: awd teacher grads --teacher ${out} --data ${dataPath} --out grads.npy`);
      ctx.result({ out, kind, shape: X.shape, epochs: res.history.length, valR2: res.valR2, history: res.history, seconds });
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
      const outputIndex = parseInteger('--output-index', o.outputIndex, 0);
      const X = await readDataOption('--data', dataPath);
      const t0 = performance.now();
      const G = await teacherGradients(dir, X, outputIndex, ctx);
      const seconds = (performance.now() - t0) / 1000;
      await writeDataOption('--out', out, G);
      let sq = 0;
      for (let i = 0; i < G.data.length; i++) sq += G.data[i] * G.data[i];
      ctx.say(`wrote the input gradients of output ${outputIndex} at ${X.shape[0]} samples to ${out} (shape ${G.shape.join(' × ')}, ${seconds.toFixed(1)} s, rms ${formatCell(Math.sqrt(sq / Math.max(1, G.data.length)))})`);
      ctx.result({ out, shape: G.shape, outputIndex, seconds });
    });
}
