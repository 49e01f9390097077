/**
 * Table 1 of the molecular study over 5 seeds at both simulator noise presets
 * (docs/study-molecular.md, "Table 1 over seeds and noise presets"). Each run is the whole study at
 * the default size with one seed s for the data, the teacher, the AWD fit and the CV folds
 * (`runMolecularStudy({ size: 'default', seed: s, noise, parametrization: 'both', seeds: 1 })`),
 * so the spread across runs covers all of them. Runs go one after the other, seed-major
 * (simulator s0, real-like s0, simulator s1, …), so a stopped job leaves whole seeds for both
 * presets; a run whose JSON already exists is skipped (resume by running the command again).
 * One JSON per run in docs/molecular-table1/<noise>-seed<s>.json; `--summary` reads them and
 * prints the Markdown tables of docs/study-molecular.md (mean ± sample std over seeds, and per seed).
 *
 *   nice -n 10 node --import tsx scripts/molecular_table1.ts [--seeds 0,1,2,3,4] [--noise simulator,real-like]
 *   node --import tsx scripts/molecular_table1.ts --summary
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMolecularStudy } from '../src/studies/molecular.ts';
import type { MolecularNoiseName } from '../src/data/molecular.ts';
import { writeJsonAtomic } from '../src/util/atomic.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
// The committed numbers: 'default' with both forms (docs/molecular-table1/) and 'full' — the
// reference's 100 AWD epochs and 105-cell grid — with the penalty form (docs/molecular-table1-full/,
// `--size full --parametrization penalty`: 16–21 min per run here). `--size tiny --out DIR` is a
// smoke test of this script (seconds) and needs --out. A run's file names its parametrisation
// unless it is 'both' (so runs of different forms never stand in for each other).
const SIZE = arg('--size', 'default') as 'tiny' | 'default' | 'full';
if (!['tiny', 'default', 'full'].includes(SIZE)) throw new Error(`--size must be tiny, default or full, got '${SIZE}'`);
if (SIZE === 'tiny' && !args.includes('--out')) throw new Error('--size tiny needs --out DIR (it must not write into docs/)');
const OUT = arg('--out', SIZE === 'full' ? 'docs/molecular-table1-full' : 'docs/molecular-table1');
const FORMS = arg('--parametrization', 'both') as 'penalty' | 'lattice' | 'both';
if (!['penalty', 'lattice', 'both'].includes(FORMS)) throw new Error(`--parametrization must be penalty, lattice or both, got '${FORMS}'`);
const fileOf = (noise: string, seed: number): string => (FORMS === 'both' ? `${noise}-seed${seed}.json` : `${noise}-${FORMS}-seed${seed}.json`);

interface Score { r2: number; compression: number; predictSeconds: number }
interface ArmRecord {
  selected: { awd: { lambda: number; gamma: number; cvR2: number }; lambda0: { gamma: number; cvR2: number } };
  awd: { mean: Score };
  lambda0: { mean: Score };
  orthogonalityError: { awd: number; lambda0: number };
}
interface RunRecord {
  noise: MolecularNoiseName;
  seed: number;
  seconds: number;
  timings: Record<string, number>;
  rows: Record<string, { r2: number; compression: number | null; predictSeconds: number; lambda: number | null; gamma: number | null }>;
  parametrizations: Record<string, ArmRecord>;
  db5: { r2: number; compression: number; cvR2: number };
  lstm: { r2: number; validationR2: number | null; bestEpoch: number; hidden: number };
  findings: string[];
  settings: Record<string, unknown>;
}

async function runAll(): Promise<void> {
  const seeds = arg('--seeds', '0,1,2,3,4').split(',').map(Number);
  const noises = arg('--noise', 'simulator,real-like').split(',') as MolecularNoiseName[];
  mkdirSync(OUT, { recursive: true });
  for (const seed of seeds) {
    for (const noise of noises) {
      const path = join(OUT, fileOf(noise, seed));
      if (existsSync(path)) {
        process.stderr.write(`${path} exists: skipped\n`);
        continue;
      }
      const t0 = performance.now();
      let last = '';
      const r = await runMolecularStudy({
        size: SIZE, seed, noise, parametrization: FORMS, seeds: 1,
        onProgress: (phase) => {
          if (phase !== last) process.stderr.write(`${noise} seed ${seed}: ${phase} at ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
          last = phase;
        },
      });
      const t1 = r.tables[0];
      const col = (name: string) => t1.columns.indexOf(name);
      const rows: RunRecord['rows'] = {};
      for (const row of t1.rows) {
        rows[String(row[0])] = {
          r2: row[col('test R²')] as number, compression: row[col('compression factor')] as number | null,
          predictSeconds: row[col('prediction time for the test set (s)')] as number, lambda: row[col('λ')] as number | null, gamma: row[col('γ')] as number | null,
        };
      }
      const res = r.results as { parametrizations: Record<string, ArmRecord>; db5: RunRecord['db5']; lstm: RunRecord['lstm'] };
      const record: RunRecord = {
        noise, seed, seconds: (performance.now() - t0) / 1000, timings: r.timings, rows,
        parametrizations: res.parametrizations, db5: res.db5,
        lstm: { r2: res.lstm.r2, validationR2: res.lstm.validationR2, bestEpoch: res.lstm.bestEpoch, hidden: res.lstm.hidden },
        findings: r.findings, settings: r.settings,
      };
      for (const v of Object.values(rows)) if (!Number.isFinite(v.r2)) throw new Error(`${noise} seed ${seed}: a non-finite R² in Table 1`);
      writeJsonAtomic(path, record);
      process.stderr.write(`${noise} seed ${seed}: done in ${record.seconds.toFixed(0)} s → ${path}\n`);
    }
  }
}

function meanStd(v: number[]): string {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return `${m.toFixed(3)} ± ${s.toFixed(3)}`;
}

function summary(): void {
  // Only this --parametrization's runs (the default 'both'; e.g. `--size full --parametrization penalty --summary`).
  const named = new RegExp(`^[a-z-]+-${FORMS === 'both' ? '' : `${FORMS}-`}seed\\d+\\.json$`);
  const files = existsSync(OUT) ? readdirSync(OUT).filter((f) => named.test(f) && (FORMS !== 'both' || !/-(penalty|lattice)-seed/.test(f))).sort() : [];
  const runs = files.map((f) => JSON.parse(readFileSync(join(OUT, f), 'utf8')) as RunRecord);
  for (const noise of ['simulator', 'real-like'] as const) {
    const rs = runs.filter((r) => r.noise === noise).sort((a, b) => a.seed - b.seed);
    if (rs.length === 0) continue;
    console.log(`\n### Noise preset \`${noise}\` — seeds ${rs.map((r) => r.seed).join(', ')}\n`);
    console.log(`| model | test R², mean ± std over ${rs.length} seeds | per seed (${rs.map((r) => r.seed).join(', ')}) | compression factor, mean ± std | selected (λ, γ) per seed |`);
    console.log('| --- | --- | --- | --- | --- |');
    const names = Object.keys(rs[0].rows);
    for (const name of names) {
      const v = rs.map((r) => r.rows[name]);
      const comp = v.every((x) => x.compression !== null) ? meanStd(v.map((x) => x.compression as number)) : '—';
      const sel = v[0].lambda === null ? '—' : v.map((x) => `(${x.lambda}, ${x.gamma})`).join(', ');
      console.log(`| ${name} | ${meanStd(v.map((x) => x.r2))} | ${v.map((x) => x.r2.toFixed(3)).join(', ')} | ${comp} | ${sel} |`);
    }
    const diff = (a: string, b: string) => rs.map((r) => r.rows[a].r2 - r.rows[b].r2);
    const pairs: [string, string][] = [['AWD', 'DB5'], ['AWD', 'LSTM'], ['AWD', 'AWD (λ = 0)'], ['AWD (lattice)', 'DB5'], ['AWD (lattice)', 'LSTM'], ['AWD (lattice)', 'AWD (λ = 0, lattice)'], ['AWD (lattice)', 'AWD'], ['LSTM', 'DB5']];
    console.log(`\n| paired difference of test R² (same seed) | mean ± std | per seed | seeds where > 0 |`);
    console.log('| --- | --- | --- | --- |');
    for (const [a, b] of pairs) {
      if (!(a in rs[0].rows) || !(b in rs[0].rows)) continue;
      const d = diff(a, b);
      console.log(`| ${a} − ${b} | ${meanStd(d)} | ${d.map((x) => (x >= 0 ? '+' : '') + x.toFixed(3)).join(', ')} | ${d.filter((x) => x > 0).length} of ${d.length} |`);
    }
    const cdiff = (a: string, b: string) => rs.map((r) => (r.rows[a].compression as number) - (r.rows[b].compression as number));
    console.log(`\n| paired difference of the compression factor (lower is sparser) | mean ± std | per seed | seeds where < 0 |`);
    console.log('| --- | --- | --- | --- |');
    for (const [a, b] of [['AWD', 'DB5'], ['AWD', 'AWD (λ = 0)'], ['AWD (lattice)', 'DB5'], ['AWD (lattice)', 'AWD (λ = 0, lattice)'], ['AWD (lattice)', 'AWD']]) {
      if (!(a in rs[0].rows) || !(b in rs[0].rows)) continue;
      const d = cdiff(a, b);
      console.log(`| ${a} − ${b} | ${meanStd(d)} | ${d.map((x) => (x >= 0 ? '+' : '') + x.toFixed(3)).join(', ')} | ${d.filter((x) => x < 0).length} of ${d.length} |`);
    }
    const orth = (form: string) => Math.max(...rs.map((r) => r.parametrizations[form]?.orthogonalityError.awd ?? NaN)).toExponential(1);
    const forms = Object.keys(rs[0].parametrizations).map((f) => `${f} ${orth(f)}`).join(', ');
    console.log(`\nOrthogonality error of the selected AWD filter, max over seeds: ${forms}. LSTM validation R² per seed: ${rs.map((r) => r.lstm.validationR2?.toFixed(3)).join(', ')}; best epoch ${rs.map((r) => r.lstm.bestEpoch).join(', ')}. Wall time per run: ${rs.map((r) => r.seconds.toFixed(0)).join(', ')} s.`);
  }
}

if (args.includes('--summary')) summary();
else await runAll();
