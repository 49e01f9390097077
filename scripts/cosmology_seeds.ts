/**
 * Table 2 of the cosmology study over seeds (docs/study-cosmology.md, "Table 2 over 5 seeds"). Each
 * run is the whole study with one seed s for the maps, the teacher, the AWD fits and the bootstrap
 * (`runCosmologyStudy({ size, seed: s, simulator })`, both parametrisations), so the spread across
 * runs covers all of them. A run whose JSON already exists is skipped (resume by running the
 * command again). One JSON per run in docs/cosmology-seeds/<simulator>-<size>-seed<s>.json;
 * `--summary` reads them and prints the Markdown tables of the document (mean ± sample std over
 * seeds, per seed, and paired differences within a seed).
 *
 *   nice -n 10 node --import tsx scripts/cosmology_seeds.ts [--size default] [--simulator lognormal] [--seeds 0,1,2,3,4]
 *   node --import tsx scripts/cosmology_seeds.ts --summary [--size default] [--simulator lognormal]
 *
 * `--out DIR` writes elsewhere (e.g. `--size tiny --out /tmp/x`, a smoke test of this script).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCosmologyStudy } from '../src/studies/cosmology.ts';
import { SIMULATORS, type SimulatorKind } from '../src/data/convergence.ts';
import { writeJsonAtomic } from '../src/util/atomic.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const SIZE = arg('--size', 'default') as 'tiny' | 'default' | 'full';
if (!['tiny', 'default', 'full'].includes(SIZE)) throw new Error(`--size must be tiny, default or full, got '${SIZE}'`);
const SIMULATOR = arg('--simulator', 'lognormal') as SimulatorKind;
if (!SIMULATORS.includes(SIMULATOR)) throw new Error(`--simulator must be one of ${SIMULATORS.join(', ')}, got '${SIMULATOR}'`);
const OUT = arg('--out', 'docs/cosmology-seeds');
const PREFIX = `${SIMULATOR}-${SIZE}-seed`;

interface Row { name: string; rmse: number | null; std: number | null; validationRmse: number | null; compression: number | null; cell: number | null }
interface RunRecord {
  size: string;
  simulator: SimulatorKind;
  seed: number;
  seconds: number;
  timings: Record<string, number>;
  table2: Row[];
  selected: { parametrization: string; lambda: number | null; gamma: number | null }[];
  teacher: { valR2: number | null; testR2: number; bestEpoch: number; epochsRun: number };
  findings: string[];
}

async function runAll(): Promise<void> {
  const seeds = arg('--seeds', '0,1,2,3,4').split(',').map(Number);
  mkdirSync(OUT, { recursive: true });
  for (const seed of seeds) {
    const path = join(OUT, `${PREFIX}${seed}.json`);
    if (existsSync(path)) {
      process.stderr.write(`${path} exists: skipped\n`);
      continue;
    }
    const t0 = performance.now();
    let last = '';
    const r = await runCosmologyStudy({
      size: SIZE, seed, simulator: SIMULATOR,
      onProgress: (phase) => {
        if (phase !== last) process.stderr.write(`${SIMULATOR} ${SIZE} seed ${seed}: ${phase} at ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
        last = phase;
      },
    });
    const res = r.results as {
      table2: Row[];
      selection: { byParametrization: { parametrization: string; awdCell: number | null }[] };
      cells: { cell: number; lambda: number; gamma: number }[];
      teacher: RunRecord['teacher'];
    };
    const record: RunRecord = {
      size: SIZE, simulator: SIMULATOR, seed, seconds: (performance.now() - t0) / 1000, timings: r.timings,
      table2: res.table2,
      selected: res.selection.byParametrization.map((p) => ({
        parametrization: p.parametrization,
        lambda: p.awdCell === null ? null : res.cells[p.awdCell].lambda,
        gamma: p.awdCell === null ? null : res.cells[p.awdCell].gamma,
      })),
      teacher: { valR2: res.teacher.valR2, testR2: res.teacher.testR2, bestEpoch: res.teacher.bestEpoch, epochsRun: res.teacher.epochsRun },
      findings: r.findings,
    };
    for (const row of record.table2) if (row.rmse !== null && !Number.isFinite(row.rmse)) throw new Error(`seed ${seed}: a non-finite RMSE in Table 2`);
    writeJsonAtomic(path, record);
    process.stderr.write(`seed ${seed}: done in ${record.seconds.toFixed(0)} s → ${path}\n`);
  }
}

function meanStd(v: number[], digits = 2): string {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return `${m.toFixed(digits)} ± ${s.toFixed(digits)}`;
}

function summary(): void {
  const files = existsSync(OUT) ? readdirSync(OUT).filter((f) => f.startsWith(PREFIX) && f.endsWith('.json')) : [];
  const rs = files.map((f) => JSON.parse(readFileSync(join(OUT, f), 'utf8')) as RunRecord).sort((a, b) => a.seed - b.seed);
  if (rs.length === 0) {
    console.log(`no runs in ${OUT} for ${SIMULATOR} at size ${SIZE}`);
    return;
  }
  const seeds = rs.map((r) => r.seed).join(', ');
  const rmse = (r: RunRecord, name: string): number => {
    const row = r.table2.find((x) => x.name === name);
    if (!row || row.rmse === null) throw new Error(`seed ${r.seed}: no row '${name}'`);
    return row.rmse * 100;
  };
  console.log(`\n### ${SIMULATOR} maps, size ${SIZE} — seeds ${seeds}\n`);
  console.log(`| Predictor | test RMSE ×10⁻², mean ± std over ${rs.length} seeds | per seed (${seeds}) | compression factor, mean ± std |`);
  console.log('| --- | --- | --- | --- |');
  const names = rs[0].table2.filter((x) => x.rmse !== null).map((x) => x.name);
  for (const name of names) {
    const v = rs.map((r) => rmse(r, name));
    const comp = rs.map((r) => r.table2.find((x) => x.name === name)!.compression);
    const c = comp.every((x) => x !== null) ? meanStd(comp as number[], 4) : '—';
    console.log(`| ${name} | ${meanStd(v)} | ${v.map((x) => x.toFixed(2)).join(', ')} | ${c} |`);
  }
  const have = (n: string): boolean => names.includes(n);
  const awdNames = names.filter((n) => n.startsWith('AWD') && !n.includes('λ = 0') && !n.includes('λ=0'));
  const zeroOf = (n: string): string | undefined => names.find((m) => m.startsWith('AWD') && (m.includes('λ = 0') || m.includes('λ=0')) && (n.includes('lattice') === m.includes('lattice')));
  const pairs: [string, string][] = [];
  for (const a of awdNames) {
    for (const b of ['db5', 'Laplace', 'Roberts cross', 'CNN']) if (have(b)) pairs.push([a, b]);
    const z = zeroOf(a);
    if (z) pairs.push([a, z], [z, 'db5']);
  }
  if (have('CNN')) for (const b of ['db5', 'Laplace', 'Roberts cross']) if (have(b)) pairs.push(['CNN', b]);
  console.log(`\n| paired difference of test RMSE ×10⁻² (same seed; < 0: the first is better) | mean ± std | per seed | seeds where < 0 |`);
  console.log('| --- | --- | --- | --- |');
  for (const [a, b] of pairs) {
    const d = rs.map((r) => rmse(r, a) - rmse(r, b));
    console.log(`| ${a} − ${b} | ${meanStd(d)} | ${d.map((x) => (x >= 0 ? '+' : '') + x.toFixed(2)).join(', ')} | ${d.filter((x) => x < 0).length} of ${d.length} |`);
  }
  const comp = (r: RunRecord, name: string): number | null => r.table2.find((x) => x.name === name)?.compression ?? null;
  const compPairs = awdNames.flatMap((a) => [[a, 'db5'], ...(zeroOf(a) ? [[a, zeroOf(a)!]] : [])] as [string, string][]);
  console.log(`\n| paired difference of the compression factor (same seed; < 0: the first is sparser) | mean ± std | per seed | seeds where < 0 |`);
  console.log('| --- | --- | --- | --- |');
  for (const [a, b] of compPairs) {
    const d = rs.map((r) => (comp(r, a) ?? NaN) - (comp(r, b) ?? NaN));
    if (d.some((x) => !Number.isFinite(x))) continue;
    console.log(`| ${a} − ${b} | ${meanStd(d, 4)} | ${d.map((x) => (x >= 0 ? '+' : '') + x.toFixed(4)).join(', ')} | ${d.filter((x) => x < 0).length} of ${d.length} |`);
  }
  const sel = rs.map((r) => r.selected.map((p) => `${p.parametrization} (${p.lambda}, ${p.gamma})`).join(' / ')).join('; ');
  console.log(`\nTeacher test R² per seed: ${rs.map((r) => r.teacher.testR2.toFixed(3)).join(', ')} (mean ${meanStd(rs.map((r) => r.teacher.testR2), 3)}); validation R² ${rs.map((r) => r.teacher.valR2?.toFixed(3)).join(', ')}; best epoch ${rs.map((r) => r.teacher.bestEpoch).join(', ')}. Selected AWD cell (λ, γ) per seed: ${sel}. Wall time per run: ${rs.map((r) => r.seconds.toFixed(0)).join(', ')} s.`);
}

if (args.includes('--summary')) summary();
else await runAll();
