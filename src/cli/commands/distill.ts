/**
 * `awd distill`, `awd predict`, `awd evaluate`, `awd explain`: the two-command workflow (distil,
 * then predict) and the checks around it. Every bad input is refused with one line and exit 2
 * before any work is done.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Distiller, DEFAULT_BASELINES, removeDistillCheckpoints, teacherPredictions, checkXy, inferTask, scorePredictions, type Scores } from '../../distill/distiller.ts';
import { explainFigure } from '../../distill/explainFigure.ts';
import { distillReport, rankingTable } from '../../distill/report.ts';
import type { FeatureDef } from '../../distill/features.ts';
import type { Task } from '../../distill/heads.ts';
import { renderReport } from '../../report/html.ts';
import { formatCell, tableToMarkdown, tableToText } from '../../report/table.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic.ts';
import { AwdError } from '../../util/checks.ts';
import { ndarray, type NdArray } from '../../util/ndarray.ts';
import { Rng } from '../../util/rng.ts';
import { familyLowpass } from '../../wavelets/families.ts';
import { checkSamples, existingDir, parseChoice, parseInteger, parseNumberList, required } from '../args.ts';
import { contextOf } from '../context.ts';
import { UsageError } from '../errors.ts';
import { parseInterval } from '../checkpointOptions.ts';
import { CheckpointError } from '../../awd/checkpoint.ts';
import { readDataOption, writeDataOption } from '../data.ts';
import { outputDir, refuseOverwrite } from '../paths.ts';
import { phaseBars } from '../progress.ts';

/** Runs `fn`, turning a library input error into a bad-input error (exit 2). */
function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AwdError) throw new UsageError(e.message.replace(/^Error in [^:]+: /, ''));
    throw e;
  }
}

/** Targets from a data file (.npy, .npz:key, .h5:/ds, FITS, CSV): n values (n or n × 1). */
async function readTargets(option: string, path: string): Promise<Float64Array> {
  const y = await readDataOption(option, path);
  if (!(y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1))) {
    throw new UsageError(`${option} '${path}' has shape [${y.shape.join(', ')}]; expected one target per sample (n or n × 1)`);
  }
  return y.data;
}

/** Samples from a data file (every format `readDataOption` reads). */
async function readSamples(option: string, path: string): Promise<NdArray> {
  const X = await readDataOption(option, path);
  checkSamples(option, path, X);
  return X;
}

/** The model file of `--model`: a folder holding model.json, or the file itself. */
export function modelPath(spec: string): string {
  if (!existsSync(spec)) throw new UsageError(`--model: '${spec}' does not exist; give the folder written by awd distill (or its model.json)`);
  return statSync(spec).isDirectory() ? join(spec, 'model.json') : spec;
}

function loadModel(spec: string): Distiller {
  const path = modelPath(spec);
  if (!existsSync(path)) throw new UsageError(`--model: '${spec}' holds no model.json; give the folder written by awd distill`);
  return asUsage(() => Distiller.load(path));
}

function checkInputFor(model: Distiller, option: string, path: string, X: NdArray): void {
  const s = model.fitted.inputShape;
  if (X.shape.length !== s.length + 1 || X.shape.slice(1).some((v, i) => v !== s[i])) {
    throw new UsageError(`${option} '${path}' has samples of shape [${X.shape.slice(1).join(', ')}] but the model was fitted on [${s.join(', ')}]`);
  }
  asUsage(() => checkXy('awd', X, new Float64Array(X.shape[0]).map((_, i) => i), 'regression'));
}

/** Seeded bootstrap percentile interval (2.5 %, 97.5 %) of a metric over resampled pairs. */
export function bootstrapInterval(y: Float64Array, pred: Float64Array, metric: (y: Float64Array, p: Float64Array) => number, resamples = 1000, seed = 1): { low: number; high: number } {
  const rng = new Rng(seed);
  const n = y.length;
  const vals: number[] = [];
  const yb = new Float64Array(n), pb = new Float64Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rng.uniform() * n);
      yb[i] = y[k];
      pb[i] = pred[k];
    }
    const v = metric(yb, pb);
    if (Number.isFinite(v)) vals.push(v);
  }
  vals.sort((a, b) => a - b);
  const q = (p: number) => vals[Math.min(vals.length - 1, Math.max(0, Math.round(p * (vals.length - 1))))];
  return { low: q(0.025), high: q(0.975) };
}

interface DistillCli {
  data?: string; target?: string; teacher?: string; grads?: string; teacherKind?: string; out?: string;
  testData?: string; testTarget?: string; baselines: string; task?: string; cv: string; groups?: string; seed: string;
  lambdas?: string; gammas?: string; epochs: string; levels: string; families?: string; start: string;
  rawLambda?: boolean; teacherEpochs?: string; batchSize: string; fitSeeds?: string; checkpointEvery?: string; resume?: boolean;
}

const FAMILY_CHOICES = ['maxcoef', 'maxabs', 'maxcoef-ref', 'coefficients', 'peaks'] as const;

export function addDistillCommands(program: Command): void {
  program
    .command('distill')
    .description('distil a teacher into a small interpretable predictor: AWD over a (λ, γ) grid, every candidate scored by training CV, model + report')
    .option('--data <X.npy>', 'training samples: n × length or n × rows × cols')
    .option('--target <y.npy>', 'training targets: n values (numbers, or integer class labels)')
    .option('--teacher <DIR>', 'a teacher saved by awd teacher train')
    .option('--grads <G.npy>', "the teacher's input gradients at --data (from any framework)")
    .option('--teacher-kind <kind>', 'train a teacher here: mlp, lstm or cnn')
    .option('--teacher-epochs <n>', 'with --teacher-kind: training epochs (default: the kind\'s)')
    .option('--out <DIR>', 'folder for model.json, report.html and tables/')
    .option('--checkpoint-every <N|Ts|Tm>', 'checkpoint the AWD phase in DIR/checkpoints/ every N steps, or seconds (30s) / minutes (5m); removed when the model is saved')
    .option('--resume', 'continue a killed awd distill from DIR/checkpoints/ (finished cells read back, the interrupted one resumed): the same model as a straight run')
    .option('--test-data <X.npy>', 'held-out samples, scored after every choice (never used to choose)')
    .option('--test-target <y.npy>', 'held-out targets')
    .option('--baselines <list>', 'named wavelets compared through the same path', DEFAULT_BASELINES.join(','))
    .option('--task <task>', 'regression or classification (default: inferred from --target)')
    .option('--cv <K>', 'cross-validation folds', '5')
    .option('--groups <g.npy>', 'a group label per training sample: grouped CV (e.g. tracks of one cell)')
    .option('--seed <n>', 'seed of the CV folds, the AWD fits and the teacher', '0')
    .option('--lambdas <list>', 'λ grid (scale-free units; default 0,0.001,0.01,0.03,0.1,0.3)')
    .option('--gammas <list>', 'γ grid (scale-free units; default 0,0.01)')
    .option('--raw-lambda', "λ, γ in the reference's raw units instead of scale-free")
    .option('--start <list>', 'starting wavelet(s), e.g. db5 or db5,sym5 (each start is a further sweep)', 'db5')
    .option('--fit-seeds <list>', 'AWD fit seeds (each a further sweep); default: --seed')
    .option('--families <list>', `predictor families (${FAMILY_CHOICES.join(', ')}); default: 1D maxcoef,maxabs,coefficients; 2D peaks`)
    .option('--epochs <n>', 'AWD epochs per grid cell', '50')
    .option('--batch-size <n>', 'AWD mini-batch size', '100')
    .option('--levels <J>', 'decomposition levels', '4')
    .addHelpText('after', `
Examples:
  awd distill --data X.npy --target y.npy --teacher-kind mlp --out model/
  awd distill --data X.npy --target y.npy --grads G.npy --out model/ --test-data Xt.npy --test-target yt.npy
  awd predict --model model/ --data Xnew.npy --out yhat.npy`)
    .action(async (o: DistillCli, c: Command) => {
      const ctx = contextOf(c);
      const t0 = performance.now();
      // ---- every argument and input checked before any work ----
      const dataPath = required('--data', o.data, 'the training samples as .npy');
      const targetPath = required('--target', o.target, 'the training targets as .npy (n values)');
      const out = required('--out', o.out, 'a folder for the model and the report, e.g. --out model/');
      const sources = [o.teacher, o.grads, o.teacherKind].filter((v) => v !== undefined).length;
      if (sources !== 1) throw new UsageError('give exactly one of --teacher DIR, --grads G.npy or --teacher-kind mlp|lstm|cnn');
      refuseOverwrite(
        [['--data', dataPath], ['--target', targetPath], ['--grads', o.grads], ['--teacher', o.teacher], ['--test-data', o.testData], ['--test-target', o.testTarget], ['--groups', o.groups]]
          .filter((e): e is [string, string] => e[1] !== undefined).map(([option, path]) => ({ option, path })),
        ['model.json', 'report.html', 'results.json', join('tables', 'candidates.json'), join('tables', 'candidates.md'), join('teacher', 'teacher.json'), join('teacher', 'weights.bin')].map((f) => ({ option: '--out', path: join(out, f) })),
      );
      outputDir('--out', out);
      const inputs = [dataPath, targetPath, o.grads, o.testData, o.testTarget, o.groups].filter((p): p is string => p !== undefined).map((p) => resolve(p));
      for (const f of ['model.json', 'report.html', 'results.json', join('tables', 'candidates.json'), join('tables', 'candidates.md')]) {
        if (inputs.includes(resolve(out, f))) throw new UsageError(`--out '${out}' would overwrite the input ${join(out, f)}; choose another folder`);
      }
      if (inputs.includes(resolve(out))) throw new UsageError(`--out '${out}' is one of the input files; choose a folder for the outputs`);
      if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out '${out}' is a file; give a folder`);
      const X = await readSamples('--data', dataPath);
      const y = await readTargets('--target', targetPath);
      const task = o.task === undefined ? undefined : parseChoice('--task', o.task, ['regression', 'classification'] as const);
      const yy = asUsage(() => checkXy('--target', X, y, task));
      const resolvedTask = task ?? inferTask(yy);
      let test: { X: NdArray; y: Float64Array } | null = null;
      if ((o.testData === undefined) !== (o.testTarget === undefined)) throw new UsageError('give --test-data and --test-target together');
      if (o.testData && o.testTarget) {
        const Xt = await readSamples('--test-data', o.testData);
        if (Xt.shape.length !== X.shape.length || Xt.shape.slice(1).some((v, i) => v !== X.shape[i + 1])) {
          throw new UsageError(`--test-data '${o.testData}' has samples of shape [${Xt.shape.slice(1).join(', ')}] but --data has [${X.shape.slice(1).join(', ')}]`);
        }
        const yt = await readTargets('--test-target', o.testTarget);
        if (yt.length !== Xt.shape[0]) throw new UsageError(`--test-target has ${yt.length} values but --test-data has ${Xt.shape[0]} samples`);
        asUsage(() => checkXy('--test-target', Xt, yt, 'regression'));
        test = { X: Xt, y: yt };
      }
      let G: NdArray | undefined;
      if (o.grads) {
        G = await readDataOption('--grads', o.grads);
        if (G.shape.length !== X.shape.length || G.shape.some((v, i) => v !== X.shape[i])) {
          throw new UsageError(`--grads '${o.grads}' has shape [${G.shape.join(', ')}] but --data has [${X.shape.join(', ')}]; the gradients must be taken at the samples`);
        }
      }
      const teacherKind = o.teacherKind === undefined ? undefined : parseChoice('--teacher-kind', o.teacherKind, ['mlp', 'lstm', 'cnn'] as const);
      const teacherDir = o.teacher === undefined ? undefined : existingDir('--teacher', o.teacher);
      const folds = parseInteger('--cv', o.cv, 2, Math.max(2, Math.floor(X.shape[0] / 2)));
      let groups: Float64Array | undefined;
      if (o.groups) {
        groups = await readTargets('--groups', o.groups);
        if (groups.length !== X.shape[0]) throw new UsageError(`--groups has ${groups.length} labels but --data has ${X.shape[0]} samples`);
        const distinct = new Set(groups).size;
        if (distinct < folds) throw new UsageError(`--groups holds ${distinct} distinct groups, fewer than the ${folds} CV folds; use --cv ${Math.max(2, distinct)} or more groups`);
      }
      const seed = parseInteger('--seed', o.seed, 0, 2 ** 32 - 1);
      const baselines = o.baselines.trim() === '' || o.baselines === 'none' ? [] : o.baselines.split(',').map((s) => s.trim());
      baselines.forEach((b) => asUsage(() => familyLowpass(b)));
      const starts = o.start.split(',').map((v) => v.trim());
      starts.forEach((v) => asUsage(() => familyLowpass(v)));
      const fitSeeds = o.fitSeeds === undefined ? undefined : o.fitSeeds.split(',').map((v) => parseInteger('--fit-seeds', v, 0, 2 ** 32 - 1));
      const grid = o.lambdas || o.gammas ? {
        lambdas: o.lambdas ? parseNumberList('--lambdas', o.lambdas) : [0, 0.001, 0.01, 0.03, 0.1, 0.3],
        gammas: o.gammas ? parseNumberList('--gammas', o.gammas) : [0, 0.01],
      } : undefined;
      const families: FeatureDef[] | undefined = o.families === undefined ? undefined : o.families.split(',').map((f) => {
        const fam = parseChoice('--families', f.trim(), FAMILY_CHOICES);
        return fam === 'maxcoef' || fam === 'maxabs' || fam === 'maxcoef-ref' ? { family: fam, k: 6 } : fam === 'peaks' ? { family: fam, bins: 22 } : { family: fam };
      });
      const epochs = parseInteger('--epochs', o.epochs, 0);
      const levels = parseInteger('--levels', o.levels, 1, 30);
      const batchSize = parseInteger('--batch-size', o.batchSize, 1);
      const teacherEpochs = o.teacherEpochs === undefined ? undefined : parseInteger('--teacher-epochs', o.teacherEpochs, 0);

      const checkpointDir = o.checkpointEvery !== undefined || o.resume ? join(out, 'checkpoints') : null;
      if (o.checkpointEvery !== undefined) parseInterval(o.checkpointEvery);
      // ---- the work ----
      const bars = phaseBars(ctx.bars, (line) => ctx.say(line));
      let model: Distiller;
      let teacher: import('../../teachers/index.ts').Teacher | undefined;
      try {
        if (teacherDir) {
          const t = await import('../../teachers/index.ts');
          teacher = await t.loadTeacher(teacherDir);
        }
        model = await new Distiller().fit(X, yy, {
          teacherGrads: G, teacher, teacherKind, teacherOptions: { seed, ...(teacherEpochs !== undefined ? { epochs: teacherEpochs } : {}) },
          ...(checkpointDir ? { checkpoint: { dir: checkpointDir, resume: o.resume === true, ...(o.checkpointEvery === undefined ? { everySeconds: 60 } : parseInterval(o.checkpointEvery)) } } : {}),
          task: resolvedTask, grid, scaleFree: !o.rawLambda, starts, seeds: fitSeeds ?? [seed], levels, epochs, batchSize,
          cv: { folds, seed, groups }, families, baselines,
          onProgress: bars.onProgress, onLog: (l) => ctx.info(l),
        }).catch((e) => {
          if (e instanceof CheckpointError) throw new UsageError(e.message.replace(/^Error in [^:]+: /, ''));
          if (e instanceof AwdError && /^Error in Distiller\.fit/.test(e.message) && !/loss became/.test(e.message)) throw new UsageError(e.message.replace(/^Error in [^:]+: /, ''));
          throw e;
        });
      } finally {
        bars.stop();
      }
      const fitSeconds = (performance.now() - t0) / 1000;
      const st = model.fitted;
      let testResults: { scores: (Scores | null)[]; n: number } | undefined;
      if (test) {
        const scores = model.scoreCandidates(test.X, test.y);
        const tch = teacher ?? model.trainedTeacher ?? undefined;
        const ti = st.candidates.findIndex((x) => x.kind === 'teacher');
        if (tch && ti >= 0) {
          const P = await tch.predict(test.X);
          scores[ti] = scorePredictions(st.task, test.y, teacherPredictions(st.task, st.classes, P));
        }
        testResults = { scores, n: test.X.shape[0] };
      }
      // ---- outputs (validated before writing: the model reloads) ----
      const text = model.toJson();
      Distiller.fromJson(text);
      // No clock in the files: the same inputs and seed give byte-identical outputs.
      const report = distillReport(model, { test: testResults, explainX: test?.X ?? X });
      const table = rankingTable(model, testResults);
      writeFileAtomic(join(out, 'model.json'), text);
      writeJsonAtomic(join(out, 'tables', 'candidates.json'), table);
      writeJsonAtomic(join(out, 'results.json'), report.results); // the report points to it
      writeFileAtomic(join(out, 'tables', 'candidates.md'), tableToMarkdown(table));
      writeFileAtomic(join(out, 'report.html'), renderReport(report, { generated: `from data ${st.fingerprint.sha256.slice(0, 16)}` }));
      if (model.trainedTeacher) await model.trainedTeacher.save(join(out, 'teacher'));
      if (checkpointDir) removeDistillCheckpoints(checkpointDir);
      teacher?.dispose();
      model.trainedTeacher?.dispose();
      ctx.say(tableToText(table));
      for (const f of report.findings) ctx.say(`- ${f}`);
      ctx.say(`model written to ${join(out, 'model.json')}, report to ${join(out, 'report.html')} (${fitSeconds.toFixed(1)} s)`);
      ctx.result({
        out, model: join(out, 'model.json'), report: join(out, 'report.html'), task: st.task, chosen: st.chosen.name, seconds: fitSeconds,
        cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
        candidates: st.candidates.map((x, i) => ({ name: x.name, kind: x.kind, cvScore: x.cvScore, nonzeros: x.nonzeros, test: testResults?.scores[i] ?? null })),
        startTerms: st.startTerms,
      });
    });

  program
    .command('predict')
    .description('predictions of a distilled model (awd distill) for new samples')
    .option('--model <DIR|model.json>', 'the folder written by awd distill')
    .option('--data <X.npy>', 'samples of the shape the model was fitted on')
    .option('--out <yhat.npy>', 'where to write the predictions (values, or class labels)')
    .action(async (o: { model?: string; data?: string; out?: string }, c: Command) => {
      const ctx = contextOf(c);
      const spec = required('--model', o.model, 'the folder written by awd distill');
      const dataPath = required('--data', o.data, 'the samples as .npy');
      const out = required('--out', o.out, 'where to write the predictions, e.g. yhat.npy');
      refuseOverwrite([{ option: '--data', path: dataPath }, { option: '--model', path: spec }], [{ option: '--out', path: out }]);
      const model = loadModel(spec);
      const X = await readSamples('--data', dataPath);
      checkInputFor(model, '--data', dataPath, X);
      const pred = model.predict(X);
      await writeDataOption('--out', out, ndarray(pred, [pred.length]));
      ctx.say(`${pred.length} predictions (${model.fitted.task}) written to ${out}`);
      ctx.result({ out, n: pred.length, task: model.fitted.task });
    });

  program
    .command('evaluate')
    .description('scores of a distilled model on labelled data: R² and RMSE, or accuracy and AUC, with bootstrap intervals')
    .option('--model <DIR|model.json>', 'the folder written by awd distill')
    .option('--data <X.npy>', 'samples')
    .option('--target <y.npy>', 'their targets')
    .option('--seed <n>', 'seed of the bootstrap', '1')
    .action(async (o: { model?: string; data?: string; target?: string; seed: string }, c: Command) => {
      const ctx = contextOf(c);
      const model = loadModel(required('--model', o.model, 'the folder written by awd distill'));
      const dataPath = required('--data', o.data, 'the samples as .npy');
      const X = await readSamples('--data', dataPath);
      checkInputFor(model, '--data', dataPath, X);
      const y = await readTargets('--target', required('--target', o.target, 'the targets as .npy'));
      const st = model.fitted;
      const yy = asUsage(() => checkXy('--target', X, y, 'regression'));
      if (st.task === 'classification') {
        const unknown = Array.from(yy).find((v) => !st.classes!.includes(v));
        if (unknown !== undefined) throw new UsageError(`--target holds the label ${unknown}, which the model never saw (classes ${st.classes!.join(', ')})`);
      }
      const seed = parseInteger('--seed', o.seed, 0, 2 ** 32 - 1);
      const s = model.scores(X, yy);
      const pred = model.predict(X);
      const metric = st.task === 'regression'
        ? (a: Float64Array, b: Float64Array) => scorePredictions('regression', a, b).r2!
        : (a: Float64Array, b: Float64Array) => scorePredictions('classification', a, b).accuracy!;
      const ci = bootstrapInterval(yy, pred, metric, 1000, seed);
      const name = st.task === 'regression' ? 'R²' : 'accuracy';
      const val = st.task === 'regression' ? s.r2! : s.accuracy!;
      ctx.say(`${name} ${formatCell(val)} (95 % bootstrap interval ${formatCell(ci.low)} – ${formatCell(ci.high)}, 1000 resamples) on ${yy.length} samples`);
      if (st.task === 'regression') ctx.say(`RMSE ${formatCell(s.rmse!)}`);
      else if (s.auc !== undefined && s.auc !== null) ctx.say(`AUC ${formatCell(s.auc)}`);
      ctx.result({ task: st.task, n: yy.length, ...s, interval: { metric: name, ...ci, resamples: 1000, seed } });
    });

  program
    .command('explain')
    .description('which wavelet coefficients (level, position, sign) drive each prediction of a distilled model')
    .option('--model <DIR|model.json>', 'the folder written by awd distill')
    .option('--data <X.npy>', 'samples to explain')
    .option('--top <n>', 'contributions per prediction', '5')
    .option('--samples <n>', 'samples shown in the text output and the plot', '3')
    .option('--plot <f.svg>', 'also write the figure (atoms on the input, contributions)')
    .action(async (o: { model?: string; data?: string; top: string; samples: string; plot?: string }, c: Command) => {
      const ctx = contextOf(c);
      const spec = required('--model', o.model, 'the folder written by awd distill');
      const dataPath = required('--data', o.data, 'the samples as .npy');
      if (o.plot) refuseOverwrite([{ option: '--data', path: dataPath }, { option: '--model', path: spec }], [{ option: '--plot', path: o.plot }]);
      const model = loadModel(spec);
      const X = await readSamples('--data', dataPath);
      checkInputFor(model, '--data', dataPath, X);
      const top = parseInteger('--top', o.top, 1);
      const samples = parseInteger('--samples', o.samples, 1);
      const ex = model.explain(X, top);
      ex.slice(0, samples).forEach((e, i) => {
        ctx.say(`sample ${i}: prediction ${formatCell(e.prediction)} = intercept ${formatCell(e.intercept)} + …`);
        for (const k of e.contributions) {
          const where = k.band === 'input' ? `input[${k.position}]` : k.band === 'peaks' ? `peak bin ${k.feature}` : `${k.band} level ${k.level} position ${k.position}`;
          ctx.say(`  ${where}: coefficient ${formatCell(k.value)} → ${k.contribution >= 0 ? '+' : ''}${formatCell(k.contribution)}`);
        }
      });
      if (o.plot) {
        writeFileAtomic(o.plot, explainFigure(model, X, { samples, top }));
        ctx.say(`figure written to ${o.plot}`);
      }
      ctx.result({ model: model.fitted.chosen.name, explanations: ex, plot: o.plot ?? null });
    });
}

