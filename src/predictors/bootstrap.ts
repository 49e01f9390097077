/**
 * RMSE with a bootstrap standard error, as the paper's Table 2 (reference `rmse_bootstrap` in
 * notebooks/cosmology/eval_cosmology.py): resample the test pairs with replacement `resamples`
 * times (default 10,000), compute the RMSE of each resample, report the RMSE of the full set and
 * the (population, ddof = 0, as `np.std`) standard deviation of the resampled RMSEs.
 */
import { AwdError } from '../util/checks.ts';
import { Rng } from '../util/rng.ts';

/** Result of {@link bootstrapRmse}. */
export interface BootstrapRmse {
  /** RMSE of all pairs. */
  rmse: number;
  /** Standard deviation of the RMSE over the bootstrap resamples. */
  std: number;
  /** Mean of the resampled RMSEs. */
  mean: number;
  resamples: number;
}

/**
 * RMSE of `yPred` against `y` with a seeded bootstrap standard deviation.
 *
 * @example
 * const { rmse, std } = bootstrapRmse([0.3, 0.2, 0.4], [0.31, 0.2, 0.37], { seed: 1 });
 */
export function bootstrapRmse(
  y: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: { resamples?: number; seed?: number } = {},
): BootstrapRmse {
  const where = 'bootstrapRmse';
  const n = y.length;
  if (yPred.length !== n) throw new AwdError(where, `y has ${n} values, yPred ${yPred.length}`);
  if (n === 0) throw new AwdError(where, 'need at least one pair');
  const resamples = options.resamples ?? 10000;
  if (!Number.isInteger(resamples) || resamples < 1) throw new AwdError(where, `resamples must be an integer >= 1, got ${resamples}`);
  const sq = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i] - yPred[i];
    if (!Number.isFinite(e)) throw new AwdError(where, `pair ${i} is not finite (${y[i]}, ${yPred[i]})`);
    sq[i] = e * e;
    total += sq[i];
  }
  const rng = new Rng(options.seed ?? 1);
  let mean = 0;
  let m2 = 0; // Welford's running sum of squared deviations
  for (let b = 0; b < resamples; b++) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += sq[Math.floor(rng.uniform() * n)];
    const r = Math.sqrt(acc / n);
    const delta = r - mean;
    mean += delta / (b + 1);
    m2 += delta * (r - mean);
  }
  const std = Math.sqrt(m2 / resamples);
  return { rmse: Math.sqrt(total / n), std, mean, resamples };
}
