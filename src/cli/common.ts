/**
 * Options and loading shared by `awd fit` and `awd sweep`: the data, the teacher gradients
 * (from a file or a saved teacher), the fit options, and resolving a wavelet argument.
 * @module
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { AdaptiveWavelet, type FitOptions } from '../awd/adaptive.ts';
import { loadWavelet } from '../awd/serialize.ts';
import { sameShape, takeRows, type NdArray } from '../util/ndarray.ts';
import { Rng } from '../util/rng.ts';
import { familyLowpass } from '../wavelets/families.ts';
import { dwtMaxLevel, MODES, type Mode } from '../wavelets/modes.ts';
import { warnOnce } from '../util/warn.ts';
import { cmf, highpassSum, lowpassSum, orthogonality, unitNorm } from '../awd/constraints.ts';
import { assertFiniteInput, checkSamples, existingDir, parseChoice, parseInteger, parseNumber, readInput, readInputAsync, readNpyOption, required } from './args.ts';
import { DATA_FORMATS, readDataOption, writeDataOption } from './data.ts';
import { PARAMETRIZATIONS } from '../awd/lattice.ts';
import type { Ctx } from './context.ts';
import { UsageError } from './errors.ts';
import { isWaveletFile, readWaveletFile } from './waveletFile.ts';
import { progressBar } from './progress.ts';
import { refuseOverwrite, type InputPath, type OutputPath } from './paths.ts';

/** Adds --data, --grads, --teacher, --output-index, --save-grads. */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .option('--data <X.npy>', `samples: n × length (1D) or n × rows × cols (2D); ${DATA_FORMATS}`)
    .option('--grads <G.npy>', "the teacher's input gradients at the samples (same shape as --data)")
    .option('--teacher <DIR>', 'a teacher saved by `awd teacher train`; its input gradients are computed here')
    .option('--output-index <k>', 'with --teacher: which output to differentiate', '0')
    .option('--save-grads <G.npy>', 'with --teacher: also save the computed gradients');
}

/** Adds the AWD fit options (defaults are the paper's / the reference's). */
export function addFitOptions(cmd: Command, withPenalties = true): Command {
  cmd
    .option('--wavelet <name|file.json>', 'starting wavelet: a family name (db5, sym5, coif2, …) or a saved wavelet file', 'db5')
    .option('--levels <J>', 'decomposition levels', '4')
    .option('--mode <mode>', `boundary mode (${MODES.join(', ')})`, 'zero');
  if (withPenalties) {
    cmd.option('--lambda <λ>', 'weight of the interpretation loss l1_attr', '0').option('--gamma <γ>', 'weight of the sparsity loss l1_wave', '0');
    cmd.option('--scale-free', "λ and γ in scale-free units (per coefficient, relative to the gradients' and data's RMS; docs/objective.md) instead of the reference's raw ones");
  }
  return cmd
    .option('--epochs <n>', 'passes over the data', '50')
    .option('--batch-size <n>', 'mini-batch size', '100')
    .option('--lr <rate>', 'Adam learning rate', '1e-3')
    .option('--seed <n>', 'seed of the initial noise, shuffling and validation split', '0')
    .option('--init-noise <σ>', 'std of Gaussian noise added to the starting filter', '0')
    .option('--val-fraction <f>', 'hold out this fraction of the samples (seeded) for the validation history', '0')
    .option('--patience <n>', 'early stopping: epochs without validation improvement (needs --val-fraction)')
    .option('--parametrization <form>', "'penalty' (taps + soft constraints, the reference's) or 'lattice' (angles: exactly orthogonal at every step)", 'penalty')
    .option('--vanishing-moments <p>', 'vanishing moments the wavelet keeps (more than 1 needs --parametrization lattice)', '1');
}

export interface DataOpts {
  data?: string;
  grads?: string;
  teacher?: string;
  outputIndex?: string;
  saveGrads?: string;
}

/** The input files of the data options and --wavelet (a saved file; a family name is no file). */
export function dataInputs(o: DataOpts & { wavelet?: string }): InputPath[] {
  const ins: InputPath[] = [];
  if (o.data) ins.push({ option: '--data', path: o.data });
  if (o.grads) ins.push({ option: '--grads', path: o.grads });
  if (o.teacher) ins.push({ option: '--teacher', path: o.teacher });
  if (o.wavelet && (o.wavelet.endsWith('.json') || existsSync(o.wavelet))) ins.push({ option: '--wavelet', path: o.wavelet });
  return ins;
}

/** Refuses (before any work) outputs that would overwrite --data, --grads, --teacher's files or --wavelet, including --save-grads. */
export function refuseDataOverwrite(o: DataOpts & { wavelet?: string }, outputs: OutputPath[]): void {
  refuseOverwrite(dataInputs(o), [...(o.saveGrads ? [{ option: '--save-grads', path: o.saveGrads }] : []), ...outputs]);
}

/** Loads X and the teacher gradients G (from --grads, or computed with --teacher). */
export async function loadDataAndGrads(o: DataOpts, ctx: Ctx): Promise<{ X: NdArray; G: NdArray; gradsFrom: string }> {
  const dataPath = required('--data', o.data, 'give the samples as a .npy file (n × length or n × rows × cols)');
  if (o.grads && o.teacher) throw new UsageError('give either --grads or --teacher, not both');
  if (!o.grads && !o.teacher) throw new UsageError('give the teacher gradients with --grads G.npy, or a saved teacher with --teacher DIR');
  if (o.saveGrads && !o.teacher) throw new UsageError('--save-grads needs --teacher (the gradients are only computed with a teacher)');
  const X = await readDataOption('--data', dataPath);
  checkSamples('--data', dataPath, X);
  if (o.grads) {
    const G = await readDataOption('--grads', o.grads);
    assertFiniteInput('--grads', o.grads, G);
    if (!sameShape(G.shape, X.shape)) {
      throw new UsageError(`--grads '${o.grads}' has shape [${G.shape.join(', ')}] but --data has [${X.shape.join(', ')}]; the gradients must be taken at the samples, one per value`);
    }
    return { X, G, gradsFrom: o.grads };
  }
  const dir = existingDir('--teacher', o.teacher as string);
  const outputIndex = parseInteger('--output-index', o.outputIndex ?? '0', 0);
  const G = await teacherGradients(dir, X, outputIndex, ctx);
  if (o.saveGrads) await writeDataOption('--save-grads', o.saveGrads, G);
  return { X, G, gradsFrom: `teacher ${dir}` };
}

/** Input gradients of a saved teacher at X, with a progress bar. */
export async function teacherGradients(dir: string, X: NdArray, outputIndex: number, ctx: Ctx): Promise<NdArray> {
  const t = await import('../teachers/index.ts');
  const teacher = await readInputAsync(() => t.loadTeacher(dir));
  try {
    if (outputIndex >= teacher.outputDim) throw new UsageError(`--output-index ${outputIndex} is out of range: the teacher has ${teacher.outputDim} output(s)`);
    const bar = progressBar('gradients', X.shape[0], ctx.bars);
    try {
      return await teacher.inputGradients(X, { outputIndex, onProgress: (done, total) => bar.update(done, total) });
    } finally {
      bar.stop();
    }
  } finally {
    teacher.dispose();
  }
}

export interface FitCliOpts {
  wavelet?: string;
  levels?: string;
  mode?: string;
  lambda?: string;
  gamma?: string;
  epochs?: string;
  batchSize?: string;
  lr?: string;
  seed?: string;
  initNoise?: string;
  valFraction?: string;
  patience?: string;
  scaleFree?: boolean;
  parametrization?: string;
  vanishingMoments?: string;
}

/** The starting filter of --wavelet: a family name or the h of a saved wavelet file. */
export function startingFilter(spec: string): string | Float64Array {
  if (spec.endsWith('.json') || existsSync(spec)) {
    if (!existsSync(spec)) throw new UsageError(`--wavelet: file '${spec}' does not exist`);
    return Float64Array.from(readInput(() => loadWavelet(spec)).h);
  }
  familyLowpass(spec); // throws a helpful error for an unknown name
  return spec;
}

/** Fit options (without the data) from the command line, plus the validation split. */
export function fitOptionsFrom(o: FitCliOpts, X: NdArray, G: NdArray, ctx: Ctx): { X: NdArray; G: NdArray; opts: Omit<FitOptions, 'teacherGrads'> & { lambda?: number; gamma?: number } } {
  const seed = parseInteger('--seed', o.seed ?? '0', 0, 2 ** 32 - 1);
  const opts: Omit<FitOptions, 'teacherGrads'> = {
    wavelet: startingFilter(o.wavelet ?? 'db5'),
    levels: parseInteger('--levels', o.levels ?? '4', 1, 30),
    mode: parseChoice('--mode', o.mode ?? 'zero', MODES as readonly Mode[]),
    epochs: parseInteger('--epochs', o.epochs ?? '50', 0),
    batchSize: parseInteger('--batch-size', o.batchSize ?? '100', 1),
    learningRate: parseNumber('--lr', o.lr ?? '1e-3', { min: 0, exclusiveMin: true }),
    seed,
    initNoise: parseNumber('--init-noise', o.initNoise ?? '0', { min: 0 }),
  };
  if (o.parametrization !== undefined && o.parametrization !== 'penalty') {
    opts.parametrization = parseChoice('--parametrization', o.parametrization, PARAMETRIZATIONS);
  }
  if (o.vanishingMoments !== undefined && o.vanishingMoments !== '1') {
    opts.vanishingMoments = parseInteger('--vanishing-moments', o.vanishingMoments, 1, 20);
    if (opts.parametrization !== 'lattice') throw new UsageError('--vanishing-moments above 1 needs --parametrization lattice (the penalty form has no moment constraint)');
    const len = typeof opts.wavelet === 'string' ? familyLowpass(opts.wavelet).length : (opts.wavelet as Float64Array).length;
    if (opts.vanishingMoments > len / 2) throw new UsageError(`--vanishing-moments ${opts.vanishingMoments} is more than a filter of length ${len} can have (at most ${len / 2}); start from a longer wavelet, e.g. --wavelet db${opts.vanishingMoments}`);
  }
  if (o.lambda !== undefined) opts.lambda = parseNumber('--lambda', o.lambda, { min: 0 });
  if (o.gamma !== undefined) opts.gamma = parseNumber('--gamma', o.gamma, { min: 0 });
  if (o.scaleFree) opts.scaleFree = true;
  const frac = parseNumber('--val-fraction', o.valFraction ?? '0', { min: 0, max: 0.9 });
  if (o.patience !== undefined) {
    if (frac === 0) throw new UsageError('--patience needs a validation set: add --val-fraction, e.g. 0.1');
    opts.patience = parseInteger('--patience', o.patience, 1);
  }
  settingWarnings(X.shape.slice(1), typeof opts.wavelet === 'string' ? familyLowpass(opts.wavelet).length : (opts.wavelet as Float64Array).length, opts.levels as number, opts.epochs);
  if (frac === 0) return { X, G, opts };
  const n = X.shape[0];
  const nVal = Math.round(n * frac);
  if (nVal < 1 || n - nVal < 1) throw new UsageError(`--val-fraction ${frac} leaves ${nVal} validation and ${n - nVal} training samples out of ${n}; both need at least one`);
  const perm = new Rng(seed).fork().permutation(n);
  const va = Array.from(perm.subarray(0, nVal)).sort((a, b) => a - b);
  const tr = Array.from(perm.subarray(nVal)).sort((a, b) => a - b);
  opts.validation = { X: takeRows(X, va), teacherGrads: takeRows(G, va) };
  ctx.say(`validation: ${nVal} of ${n} samples held out (seed ${seed})`);
  return { X: takeRows(X, tr), G: takeRows(G, tr), opts };
}

/** The input file of a wavelet argument (null for a family name). */
export function waveletFileInput(spec: string, option = '--wavelet'): InputPath | null {
  return spec.endsWith('.json') || existsSync(spec) ? { option, path: spec } : null;
}

/**
 * Warnings (one `awd: warning: …` line each) for settings that run but give little: no epochs,
 * signals shorter than the filter, more levels than the useful maximum (PyWavelets' rule).
 */
export function settingWarnings(sampleShape: readonly number[], filterLen: number, levels: number, epochs?: number): void {
  if (epochs === 0) warnOnce('--epochs 0: nothing is fitted, the saved wavelet is the starting filter');
  const n = Math.min(...sampleShape);
  if (n < filterLen) {
    warnOnce(`the samples (length ${n}) are shorter than the filter (${filterLen} taps): every coefficient has boundary effects; use a shorter wavelet (e.g. db2) or longer samples`);
  } else {
    const max = dwtMaxLevel(n, filterLen);
    if (levels > max) warnOnce(`--levels ${levels} is more than the useful maximum ${max} for length ${n} and ${filterLen} taps: the coarser levels are mostly boundary effects (PyWavelets warns alike; the reference runs J = 4 with db5 on length 40 on purpose)`);
  }
}

/** Warns when a fitted filter is far from every wavelet (its constraint terms sum beyond 0.5). */
export function farFromWaveletWarning(h: Float64Array, lambda: number, gamma: number): void {
  const sum = lowpassSum(h).value + highpassSum(h).value + unitNorm(h).value + cmf(h).value + orthogonality(h).value;
  if (sum > 0.5) {
    let n2 = 0;
    for (const v of h) n2 += v * v;
    warnOnce(`the fitted filter is far from a wavelet (constraint terms sum ${sum.toPrecision(3)}, ‖h‖ = ${Math.sqrt(n2).toPrecision(3)}; 0 and 1 for a wavelet): λ = ${lambda}, γ = ${gamma} outweigh the wavelet constraints — use smaller --lambda/--gamma`);
  }
}

/** A wavelet argument of transform / inspect: a saved file, or a family name (with levels, mode). */
export function waveletArg(spec: string, levels?: number, mode?: Mode): AdaptiveWavelet {
  if (isWaveletFile(spec)) {
    const w = readWaveletFile(spec); // wavelet, sweep cell, merged sweep (#K) or distilled model files
    if (levels === undefined && mode === undefined) return w;
    return new AdaptiveWavelet(w.h, levels ?? w.levels, mode ?? w.mode, w.settings, w.history);
  }
  return AdaptiveWavelet.fromName(spec, levels ?? 4, mode ?? 'zero');
}
