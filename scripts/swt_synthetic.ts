/**
 * The learnable SWT next to the DWT on the synthetic study's data (docs/study-synthetic.md,
 * "Learnable SWT"): same data, the oracle input gradient (the response is linear in x, so
 * ∇f(x) is one vector for every sample), same start, λ, γ, epochs and seed; reports the wavelet
 * distance to db5 before and after, the final objective terms and the time.
 *
 *   node --import tsx scripts/swt_synthetic.ts [--n 2000] [--epochs 10] [--lambdas 0,1] [--start sym5]
 */
import { parseArgs } from 'node:util';
import { ndarray } from '../src/util/ndarray.ts';
import { AdaptiveWavelet } from '../src/awd/adaptive.ts';
import { generateSyntheticData, oracleGradient } from '../src/studies/synthetic.ts';
import { waveletDistanceToNamed } from '../src/wavelets/distance.ts';
import { familyLowpass } from '../src/wavelets/families.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    epochs: { type: 'string', default: '10' },
    lambdas: { type: 'string', default: '0,1' },
    gamma: { type: 'string', default: '1e-4' },
    start: { type: 'string', default: 'sym5' },
    seed: { type: 'string', default: '1' },
  },
});
const nTrain = Number(values.n);
const data = generateSyntheticData({ n: nTrain + 1, nTrain, seed: Number(values.seed) });
const g = oracleGradient(data);
const d = data.settings.d;
const G = new Float64Array(nTrain * d);
for (let i = 0; i < nTrain; i++) G.set(g, i * d);
const teacherGrads = ndarray(G, [nTrain, d]);
const start = values.start!;
const h0 = familyLowpass(start);
console.log(`synthetic data: ${nTrain} × ${d}, oracle gradient; start ${start} (d to db5 ${waveletDistanceToNamed(h0, 'db5').toFixed(4)}); ${values.epochs} epochs, batch 100, lr 1e-3, J = 4, γ = ${values.gamma}, seed ${values.seed}`);
console.log('| transform | λ | d(ψ, db5) before | after | reconstruction | l1_wave | l1_attr | total | seconds |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const lambda of values.lambdas!.split(',').map(Number)) {
  for (const transform of ['dwt', 'swt'] as const) {
    const t0 = performance.now();
    const w = AdaptiveWavelet.fit(data.Xtrain, {
      teacherGrads, lambda, gamma: Number(values.gamma), wavelet: start, levels: 4, mode: 'zero',
      epochs: Number(values.epochs), batchSize: 100, learningRate: 1e-3, seed: Number(values.seed), transform, threads: 1,
    });
    const s = (performance.now() - t0) / 1000;
    const last = w.history[w.history.length - 1].train;
    const f = (v: number): string => v.toPrecision(4);
    console.log(`| ${transform} | ${lambda} | ${waveletDistanceToNamed(h0, 'db5').toFixed(4)} | ${waveletDistanceToNamed(w.h, 'db5').toFixed(4)} | ${f(last.reconstruction)} | ${f(last.l1_wave)} | ${f(last.l1_attr)} | ${f(last.total)} | ${s.toFixed(1)} |`);
  }
}
