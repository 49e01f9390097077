/**
 * Runs the synthetic recovery study and writes its outputs (atomically):
 *   <out>/result.json, <out>/tables.md, <out>/<figure>.svg, <out>/<artifact>.
 *
 *   node --import tsx scripts/run_synthetic.ts --size default --seed 1 --out results/synthetic
 *   node --import tsx scripts/run_synthetic.ts --size full --epochs 50 --lambdas 0,0.1,1,10 --gammas 1e-4
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSyntheticStudy, type SyntheticSize } from '../src/studies/synthetic.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';
import type { Table } from '../src/studies/types.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'default' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    epochs: { type: 'string' },
    'teacher-epochs': { type: 'string' },
    lambdas: { type: 'string' },
    gammas: { type: 'string' },
    'no-warm-start': { type: 'boolean', default: false },
    gradients: { type: 'string', default: 'teacher' },
  },
});
const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map(Number));
const size = values.size as SyntheticSize;
const out = values.out ?? join('results', `synthetic-${size}`);
const lambdas = list(values.lambdas);
const gammas = list(values.gammas);
let lastLine = '';
const result = await runSyntheticStudy({
  size,
  seed: Number(values.seed),
  epochs: values.epochs ? Number(values.epochs) : undefined,
  teacherEpochs: values['teacher-epochs'] ? Number(values['teacher-epochs']) : undefined,
  grid: lambdas || gammas ? { lambdas: lambdas ?? [0, 0.1, 1, 10], gammas: gammas ?? [1e-4] } : undefined,
  warmStart: !values['no-warm-start'],
  gradients: values.gradients as 'teacher' | 'oracle',
  verbose: true,
  onProgress: (phase, done, total) => {
    const line = `${phase} ${Math.floor((100 * done) / total)}%`;
    if (line !== lastLine && (done === total || done % Math.max(1, Math.floor(total / 10)) === 0)) {
      process.stderr.write(`  ${line}\n`);
      lastLine = line;
    }
  },
});

function markdown(t: Table): string {
  const cell = (v: string | number | null) => (v === null ? '' : String(v));
  return [
    `### ${t.title}`, '',
    `| ${t.columns.join(' | ')} |`, `| ${t.columns.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`), '',
    ...(t.notes ?? []).map((n) => `- ${n}`), '',
  ].join('\n');
}

const { figures, artifacts, ...rest } = result;
writeJsonAtomic(join(out, 'result.json'), { ...rest, figures: figures.map(({ svg: _svg, ...f }) => f) });
writeFileAtomic(join(out, 'tables.md'), [...result.tables.map(markdown), '### Findings', '', ...result.findings.map((f) => `- ${f}`), '',
  '### Timings (s)', '', ...Object.entries(result.timings).map(([k, v]) => `- ${k}: ${v.toFixed(1)}`), ''].join('\n'));
for (const f of figures) writeFileAtomic(join(out, `${f.name}.svg`), f.svg);
for (const [name, text] of Object.entries(artifacts ?? {})) writeFileAtomic(join(out, name), text);
process.stderr.write(`wrote ${out}\n`);
for (const f of result.findings) console.log(`- ${f}`);
