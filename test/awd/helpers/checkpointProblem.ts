/** The tiny fit problem shared by the checkpoint tests and their child process. */
import type { AdaptiveWavelet, FitOptions } from '../../../src/awd/adaptive.ts';
import { ndarray, sliceRows, type NdArray } from '../../../src/util/ndarray.ts';
import { Rng } from '../../../src/util/rng.ts';

export function ckptProblem(n = 48, len = 32) {
  const rng = new Rng(11);
  const X = ndarray(rng.fillNormal(new Float64Array(n * len)), [n, len]);
  const G = ndarray(rng.fillNormal(new Float64Array(n * len), 0, 0.3), [n, len]);
  const V = ndarray(rng.fillNormal(new Float64Array(8 * len)), [8, len]);
  const VG = ndarray(rng.fillNormal(new Float64Array(8 * len), 0, 0.3), [8, len]);
  const opts: Omit<FitOptions, 'teacherGrads'> = {
    wavelet: 'db3', levels: 2, lambda: 0.05, gamma: 0.02, initNoise: 0.05, epochs: 8, batchSize: 10,
    learningRate: 5e-3, seed: 4, threads: 1, validation: { X: V, teacherGrads: VG }, patience: 5,
  };
  // fitStream: the epoch's batches in a seeded order (deterministic in the epoch number).
  const stream = function* (epoch: number): Iterable<{ X: NdArray; teacherGrads: NdArray }> {
    const perm = new Rng(1000 + epoch).permutation(Math.ceil(n / 10));
    for (const b of perm) yield { X: sliceRows(X, b * 10, Math.min(n, b * 10 + 10)), teacherGrads: sliceRows(G, b * 10, Math.min(n, b * 10 + 10)) };
  };
  return { X, G, n, sampleShape: [len], opts, stream };
}

/** What must be bit-identical between a straight and a resumed fit: h's bytes, settings, history without timings. */
export function fingerprintOf(w: AdaptiveWavelet): { h: string; settings: unknown; history: unknown } {
  return {
    h: Buffer.from(w.h.buffer, w.h.byteOffset, w.h.byteLength).toString('hex'),
    settings: w.settings,
    history: w.history.map(({ seconds: _s, ...r }) => r),
  };
}
