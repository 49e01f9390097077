/**
 * AWD fit benchmarks (issue 3; DESIGN.md §4): the full objective (reconstruction, the five
 * constraints, sparsity γ and interpretation λ, with their exact first-order gradients) fitted
 * with Adam, batch 100, db5, J = 4, mode zero, at the three studies' scales:
 *
 * - `molecular`: 2,936 × 40 signals, 50 epochs (reference on an H200: 2.49 s/epoch → 124.5 s);
 * - `synthetic`: 50,000 × 64 signals, 50 epochs (reference: 21.4 s/epoch → 1,070 s);
 * - `cosmology`: one epoch of 20,000 maps of 256 × 256, streamed in batches of 100 through
 *   `fitStream` (reference: 178 s/epoch), with the peak resident memory.
 *
 * The teacher gradients are random here: the fit never evaluates the teacher (DESIGN.md §3), so
 * its cost does not depend on where the gradients came from. For cosmology a pool of 4 batches
 * is generated once and cycled, so data generation is not timed and memory stays bounded.
 * @module
 */
import { availableParallelism } from 'node:os';
import { AdaptiveWavelet } from '../src/awd/index.ts';
import { Rng } from '../src/util/rng.ts';
import { ndarray, type NdArray } from '../src/util/ndarray.ts';
import { registerSuite, summarize, type BenchRow } from './harness.ts';

const FIT = { wavelet: 'db5', levels: 4, mode: 'zero' as const, batchSize: 100, lambda: 0.005, gamma: 0.043, learningRate: 1e-3 };
const REF = 'reference awave (double backprop), PyTorch on one H200 GPU (DESIGN.md §4)';

function randomSet(seed: number, shape: number[]): { X: NdArray; G: NdArray } {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { X: ndarray(rng.fillNormal(new Float64Array(size)), shape), G: ndarray(rng.fillNormal(new Float64Array(size), 0, 0.1), shape) };
}

function fitRow(name: string, X: NdArray, G: NdArray, epochs: number, anchorSeconds: number, goal: string): BenchRow {
  // One short warm-up fit so the JIT has compiled the kernels.
  AdaptiveWavelet.fit(X, { ...FIT, teacherGrads: G, epochs: 1 });
  const t0 = performance.now();
  const w = AdaptiveWavelet.fit(X, { ...FIT, teacherGrads: G, epochs, seed: 1 });
  const seconds = (performance.now() - t0) / 1000;
  const last = w.history[w.history.length - 1].train.total;
  return {
    suite: 'awd',
    name,
    ours: summarize([seconds]),
    anchor: { seconds: anchorSeconds, source: REF },
    note: `${(seconds / epochs).toFixed(3)} s/epoch; goal ${goal}; final loss ${last.toFixed(4)}`,
  };
}

registerSuite({
  name: 'awd',
  description: 'AWD fits (full objective, batch 100, db5, J=4) at the molecular, synthetic and cosmology scales',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const mol = randomSet(1, [2936, 40]);
    rows.push(fitRow('fit molecular 2,936×40, 50 epochs', mol.X, mol.G, 50, 124.5, '≤ 5 s'));
    const syn = randomSet(2, [50000, 64]);
    rows.push(fitRow('fit synthetic 50,000×64, 50 epochs', syn.X, syn.G, 50, 21.4 * 50, '≤ 60 s'));

    const nMaps = Number(process.env.AWD_BENCH_COSMO_MAPS ?? 20000);
    const pool = Array.from({ length: 4 }, (_, i) => {
      const r = randomSet(10 + i, [100, 256, 256]);
      return { X: r.X, teacherGrads: r.G };
    });
    const batches = Math.ceil(nMaps / 100);
    // As 'auto' chooses for the full 20,000 maps, also when AWD_BENCH_COSMO_MAPS asks for fewer.
    const threads = Math.min(2, availableParallelism());
    let peakRss = process.memoryUsage().rss;
    const t0 = performance.now();
    AdaptiveWavelet.fitStream([256, 256], nMaps, function* () {
      for (let k = 0; k < batches; k++) {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        yield pool[k % pool.length];
      }
    }, { ...FIT, epochs: 1, threads });
    const seconds = (performance.now() - t0) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    rows.push({
      suite: 'awd',
      name: `fit cosmology ${nMaps.toLocaleString('en')}×256×256, 1 epoch (streamed)`,
      ours: summarize([seconds]),
      anchor: { seconds: 178 * (nMaps / 20000), source: REF },
      note: `${threads} thread(s); goal ≤ 90 s; peak RSS ${(peakRss / 2 ** 30).toFixed(2)} GiB (goal < 2 GB)`,
    });
    return rows;
  },
});
