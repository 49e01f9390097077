import { AwdError } from '../util/checks.ts';

/**
 * The compression factor of DESIGN.md §5: the fraction of wavelet coefficients whose magnitude
 * AND whose attribution magnitude both exceed `threshold` (strictly). `coeffs[j]` and
 * `attributions[j]` are the j-th coefficient array (e.g. approximation, then each detail level)
 * and its attributions, flattened over all (test-set) samples; matching arrays must have the
 * same length. Lower is sparser (more compressed).
 *
 * @example
 * compressionFactor([[0.5, 0, 2], [1]], [[1, 1, 0], [0.01]]); // 2 of 4 → 0.5
 */
export function compressionFactor(
  coeffs: ArrayLike<number>[],
  attributions: ArrayLike<number>[],
  threshold = 1e-3,
): number {
  const where = 'compressionFactor';
  if (coeffs.length !== attributions.length) {
    throw new AwdError(where, `got ${coeffs.length} coefficient arrays but ${attributions.length} attribution arrays; pass one attribution array per coefficient array`);
  }
  if (!(threshold >= 0) || !Number.isFinite(threshold)) {
    throw new AwdError(where, `threshold must be a finite number >= 0, got ${threshold}`);
  }
  let total = 0;
  let kept = 0;
  for (let j = 0; j < coeffs.length; j++) {
    const c = coeffs[j];
    const a = attributions[j];
    if (c.length !== a.length) {
      throw new AwdError(where, `coefficient array ${j} has ${c.length} values but its attributions have ${a.length}`);
    }
    for (let i = 0; i < c.length; i++) {
      const cv = c[i];
      const av = a[i];
      if (Number.isNaN(cv) || Number.isNaN(av)) {
        throw new AwdError(where, `NaN in ${Number.isNaN(cv) ? 'coefficient' : 'attribution'} array ${j} at index ${i}`);
      }
      if (Math.abs(cv) > threshold && Math.abs(av) > threshold) kept++;
    }
    total += c.length;
  }
  if (total === 0) throw new AwdError(where, 'no coefficients given; pass at least one non-empty array');
  return kept / total;
}
