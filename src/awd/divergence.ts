/**
 * Divergence of a fit: a loss that is no longer finite, that grew by orders of magnitude beyond
 * any sensible scale, or a filter that left the scale of every wavelet (‖h‖ ≫ 1). Each is an
 * error naming what to change: the learning rate first, then the weights λ, γ.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import type { Weights } from './loss.ts';

/** Loss growth (over the reference scale) taken as divergence. */
export const DIVERGENCE_FACTOR = 1e6;
/** Filter norm taken as divergence (every orthogonal wavelet has ‖h‖ = 1). */
export const MAX_FILTER_NORM = 100;

/** Watches the batch losses and the filter of a fit; throws an `AwdError` when it diverges. */
export class DivergenceGuard {
  private reference = 0;
  private start = NaN;

  constructor(
    private readonly where: string,
    private readonly learningRate: number,
    private readonly weights: Weights,
  ) {}

  private advice(): string {
    const lr = this.learningRate;
    const w = this.weights.l1_attr > 0 || this.weights.l1_wave > 0 ? `, or the weights λ = ${this.weights.l1_attr}, γ = ${this.weights.l1_wave} (--lambda, --gamma)` : '';
    return `lower the learning rate (now ${lr}; --lr ${lr / 10} or less, the paper uses 1e-3)${w}, or standardise X`;
  }

  /**
   * Checks one batch: its loss `total`, the filter `h` after the step, and (on the first batch)
   * the data `x` that set the loss scale.
   */
  check(epoch: number, batch: number, total: number, h: Float64Array, x: Float64Array): void {
    if (!Number.isFinite(total)) {
      throw new AwdError(this.where, `the fit diverged: the loss became ${total} at epoch ${epoch}, batch ${batch}; ${this.advice()}`);
    }
    if (Number.isNaN(this.start)) {
      // The scale: the starting loss, the data's mean square (the loss of a zero filter), and 1
      // (the scale of the wavelet constraints, which are in units of ‖h‖ = 1).
      let sq = 0;
      for (let i = 0; i < x.length; i++) sq += x[i] * x[i];
      this.start = total;
      this.reference = Math.max(total, x.length ? sq / x.length : 0, 1);
    }
    if (total > DIVERGENCE_FACTOR * this.reference) {
      throw new AwdError(this.where, `the fit diverged: the loss grew to ${total.toExponential(2)} at epoch ${epoch}, batch ${batch} (it started at ${this.start.toExponential(2)}); ${this.advice()}`);
    }
    let n2 = 0;
    for (let i = 0; i < h.length; i++) n2 += h[i] * h[i];
    const norm = Math.sqrt(n2);
    if (!Number.isFinite(norm) || norm > MAX_FILTER_NORM) {
      throw new AwdError(this.where, `the fit diverged: the filter's norm grew to ${norm.toExponential(2)} at epoch ${epoch}, batch ${batch} (a wavelet's is 1), so h is far from any wavelet; ${this.advice()}`);
    }
  }
}
