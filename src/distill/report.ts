/**
 * The distill report: every candidate ranked by its training CV score (test scores beside it only
 * when test data were given — they never reach a choice), the chosen model's learned wavelet
 * against its start, and its explanation figure. Returned as a `StudyResult`, so the HTML and
 * Markdown renderers of src/report serve it.
 * @module
 */
import type { ReportContent, Table } from '../report/types.ts';

/** A report page with its machine-readable results: structurally a study's `StudyResult`. */
export type DistillReport = ReportContent & { results: Record<string, unknown> };
import type { NdArray } from '../util/ndarray.ts';
import { waveletFunctionsPlot } from '../report/wavelets.ts';
import { familyLowpass } from '../wavelets/families.ts';
import type { Distiller, Scores } from './distiller.ts';
import { explainFigure } from './explainFigure.ts';

/** Test results given to the report (computed after the fit). */
export interface TestResults {
  /** Per candidate (same order as `fitted.candidates`); null for the teacher when it cannot be scored. */
  scores: (Scores | null)[];
  n: number;
}

function main(task: string, s: Scores | null | undefined): number | null {
  if (!s) return null;
  return task === 'regression' ? s.r2 ?? null : s.accuracy ?? null;
}

/** The ranking table (by training CV score, best first; the teacher without a CV score last). */
export function rankingTable(model: Distiller, test?: TestResults): Table {
  const st = model.fitted;
  const metric = st.task === 'regression' ? 'R²' : 'accuracy';
  const order = st.candidates.map((c, i) => i).sort((a, b) => (st.candidates[b].cvScore ?? -Infinity) - (st.candidates[a].cvScore ?? -Infinity) || a - b);
  const columns = ['rank', 'candidate', 'kind', 'features', 'head', `training CV ${metric}`, 'nonzero weights'];
  if (test) columns.push(`test ${metric}`, st.task === 'regression' ? 'test RMSE' : 'test AUC');
  const rows = order.map((i, r) => {
    const c = st.candidates[i];
    const row: (string | number | null)[] = [r + 1, c === st.chosen ? `★ ${c.name}` : c.name, c.kind, c.features?.family ?? '—', c.head ? `${c.head.kind} (α ${c.head.alpha.toPrecision(3)})` : '—', c.cvScore, c.nonzeros];
    if (test) {
      const s = test.scores[i];
      row.push(main(st.task, s), st.task === 'regression' ? s?.rmse ?? null : s?.auc ?? null);
    }
    return row;
  });
  const notes = [
    `Every candidate goes through the same ${st.settings.cv.folds}-fold ${st.settings.cv.grouped ? 'grouped ' : ''}cross-validation (seed ${st.settings.cv.seed}) on the training data only; ★ marks the chosen model (the best AWD λ > 0 candidate).`,
    st.settings.teacher.cvScore !== undefined && st.settings.teacher.cvScore !== null
      ? `The teacher's training column is its ${st.settings.cv.folds}-fold CV score on the same folds (one teacher trained per fold).`
      : st.settings.teacher.source === 'trained' && st.task === 'regression' ? "The teacher's training column is its R² on its own 10 % validation split (not cross-validated: teacherCv off)." : 'The teacher has no training-CV score here (a given teacher was trained on all the data; it is scored on test data only).',
    test ? `Test columns: ${test.n} held-out samples, scored after every choice was made.` : 'No test data were given: no test scores.',
  ];
  return { title: `Candidates ranked by training CV ${metric}`, columns, rows, notes };
}

/** The whole report (`renderReport` turns it into HTML; `writeStudyRun` writes it as a run folder). */
export function distillReport(model: Distiller, opts: { test?: TestResults; explainX?: NdArray; timings?: Record<string, number> } = {}): DistillReport {
  const st = model.fitted;
  const table = rankingTable(model, opts.test);
  const figures: DistillReport['figures'] = [];
  const c = st.chosen;
  if (c.wavelet) {
    figures.push({
      name: 'fig-distill-wavelet', title: 'The chosen wavelet',
      caption: `The learned wavelet of the chosen model (λ = ${c.wavelet.lambda}, γ = ${c.wavelet.gamma}, ${st.settings.scaleFree ? 'scale-free' : 'raw'} units) against its start ${c.wavelet.start}.`,
      svg: waveletFunctionsPlot([{ label: 'AWD (chosen)', h: c.wavelet.h }, { label: c.wavelet.start, h: familyLowpass(c.wavelet.start), dashed: true }]),
    });
  }
  if (opts.explainX) {
    figures.push({
      name: 'fig-distill-explain', title: 'What drives each prediction',
      caption: 'For a few samples: the input with the atoms of its largest contributing coefficients (each atom times its coefficient), and the contributions (weight × coefficient) as bars; green adds to the prediction, red subtracts.',
      svg: explainFigure(model, opts.explainX, { samples: 3 }),
    });
  }
  const findings: string[] = [];
  const metric = st.task === 'regression' ? 'R²' : 'accuracy';
  const best = (k: string) => st.candidates.filter((x) => x.kind === k && x.cvScore !== null).reduce<number | null>((a, x) => (a === null || x.cvScore! > a ? x.cvScore! : a), null);
  const awd = c.cvScore!;
  const wav = best('wavelet'), raw = best('raw'), teacher = best('teacher');
  findings.push(`Chosen: ${c.name}, training CV ${metric} ${awd.toFixed(4)}.`);
  if (wav !== null) findings.push(`Best named wavelet: training CV ${metric} ${wav.toFixed(4)} — AWD ${awd >= wav ? 'matches or beats it' : 'is below it'}.`);
  if (raw !== null) findings.push(`Linear model on the raw inputs: training CV ${metric} ${raw.toFixed(4)} — AWD ${awd >= raw ? 'matches or beats it' : 'is below it'}.`);
  if (teacher !== null) findings.push(`Teacher (validation split): ${metric} ${teacher.toFixed(4)}.`);
  findings.push(`AWD terms at the start: ${Object.entries(st.startTerms).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')}.`);
  return {
    study: 'distill', title: 'awd distill: the distilled model and every candidate', settings: { ...st.settings, fingerprint: st.fingerprint },
    tables: [table], figures, results: { chosen: c.name, task: st.task, candidates: st.candidates.map((x, i) => ({ name: x.name, kind: x.kind, cvScore: x.cvScore, test: opts.test?.scores[i] ?? null })) },
    timings: opts.timings ?? {}, findings,
  };
}
