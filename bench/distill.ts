/**
 * Benchmark (not a test) of the whole `awd distill` command, issue 11: 3,000 × 64 signals, an MLP
 * teacher trained here, the default 12-cell (λ, γ) grid, the default predictor families and
 * baselines — goal ≤ 60 s on 2 cores. The data: x ~ N(0, 1), y = <W_db5 x, β> + N(0, 0.1²) with
 * β = 2 at detail level 3, positions 7–9 (the synthetic study's target), seeded. Runs the real
 * command as a child process and reports its wall time and the phases it logs.
 *
 * Run alone: `npx tsx bench/distill.ts` (or `npm run bench -- distill`).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../src/data/npy.ts';
import { ndarray } from '../src/util/ndarray.ts';
import { Rng } from '../src/util/rng.ts';
import { AdaptiveWavelet } from '../src/awd/adaptive.ts';
import { registerSuite, summarize, type BenchRow } from './harness.ts';

/** Writes the benchmark's data (n × d signals and targets) into `dir`. */
export function writeBenchData(dir: string, n = 3000, d = 64, seed = 0): void {
  const rng = new Rng(seed);
  const X = ndarray(new Float64Array(n * d).map(() => rng.normal()), [n, d]);
  const c = AdaptiveWavelet.fromName('db5', 4, 'zero').transform(X)[3]; // detail level 3
  const len = c.shape[1];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = 2 * (c.data[i * len + 7] + c.data[i * len + 8] + c.data[i * len + 9]) + 0.1 * rng.normal();
  writeNpy(join(dir, 'X.npy'), X);
  writeNpy(join(dir, 'y.npy'), ndarray(y, [n]));
}

async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'awd-bench-distill-'));
  try {
    writeBenchData(dir);
    const bin = new URL('../bin/awd.js', import.meta.url).pathname;
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'distill', '--data', 'X.npy', '--target', 'y.npy', '--teacher-kind', 'mlp', '--out', 'model', '--json'], { cwd: dir, encoding: 'utf8' });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`awd distill failed: ${r.stderr}`);
    process.stderr.write(r.stderr);
    const res = JSON.parse(r.stdout) as { chosen: string; cpuSeconds: number; candidates: { name: string; cvScore: number | null }[] };
    return [{
      suite: 'distill', name: 'awd distill 3,000 × 64, MLP teacher, 12 cells', ours: summarize([wall]), oursCpu: summarize([res.cpuSeconds]),
      note: `goal ≤ 60 s on 2 cores; CPU ${res.cpuSeconds.toFixed(1)} s (user + system, all threads); chosen ${res.chosen} (CV R² ${res.candidates.find((c) => c.name === res.chosen)?.cvScore?.toFixed(4)})`,
    }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

registerSuite({ name: 'distill', description: 'awd distill end to end (3,000 × 64, MLP teacher, 12-cell grid)', run });

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await run();
  console.log(rows.map((x) => `${x.name}: ${x.ours.median.toFixed(1)} s wall (${x.note})`).join('\n'));
}
