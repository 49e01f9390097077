/** Tiny data sets for the distill tests: y depends on a few samples of the signal (timing matters). */
import { Rng } from '../../src/util/rng.ts';
import { ndarray, type NdArray } from '../../src/util/ndarray.ts';

export interface Tiny { X: NdArray; y: Float64Array; G: NdArray; beta: Float64Array }

/** n signals of length d, y = <x, β> + noise with β on three neighbouring samples; G = β (a linear teacher). */
export function tinyRegression(n = 240, d = 32, seed = 1): Tiny {
  const rng = new Rng(seed);
  const X = ndarray(new Float64Array(n * d).map(() => rng.normal()), [n, d]);
  const beta = new Float64Array(d);
  beta[10] = 1; beta[11] = -1; beta[12] = 0.5;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X.data[i * d + j] * beta[j];
    y[i] = s + 0.1 * rng.normal();
  }
  const G = ndarray(new Float64Array(n * d).map((_, k) => beta[k % d]), [n, d]);
  return { X, y, G, beta };
}
