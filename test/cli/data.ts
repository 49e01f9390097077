/** Tiny seeded data sets for the CLI tests, written as .npy files. */
import { join } from 'node:path';
import { writeNpy } from '../../src/data/npy.ts';
import { Rng } from '../../src/util/rng.ts';

/** Writes X.npy (n × len), G.npy (gradient-like, same shape), y.npy (n), X2.npy/G2.npy (m × s × s), vec.npy (1D). */
export function writeTinyData(dir: string, n = 40, len = 32, m = 4, s = 16): void {
  const rng = new Rng(7);
  const X = rng.fillNormal(new Float64Array(n * len));
  const G = rng.fillNormal(new Float64Array(n * len), 0, 0.1);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = X[i * len + 3] - 0.5 * X[i * len + 10];
  writeNpy(join(dir, 'X.npy'), { data: X, shape: [n, len] });
  writeNpy(join(dir, 'G.npy'), { data: G, shape: [n, len] });
  writeNpy(join(dir, 'y.npy'), { data: y, shape: [n] });
  writeNpy(join(dir, 'X2.npy'), { data: rng.fillNormal(new Float64Array(m * s * s)), shape: [m, s, s] });
  writeNpy(join(dir, 'G2.npy'), { data: rng.fillNormal(new Float64Array(m * s * s), 0, 0.1), shape: [m, s, s] });
  writeNpy(join(dir, 'vec.npy'), { data: X.slice(0, len), shape: [len] });
}
