/**
 * Scaling function φ and wavelet ψ of an orthogonal filter bank by the cascade algorithm,
 * matching `pywt.Wavelet(name).wavefun(level)` (PyWavelets 1.1.1, orthogonal branch).
 *
 * @module
 */
import { AwdError, assertInt } from '../util/checks.ts';
import type { FilterBank } from './families.ts';

/** φ, ψ sampled on the grid `x`, all three of the same length. */
export interface WaveFunctions {
  /** Scaling function φ at `x`. */
  phi: Float64Array;
  /** Wavelet ψ at `x`. */
  psi: Float64Array;
  /** Sample positions: `x[i] = i / 2^level`, from 0 to about N − 1 (N = filter length). */
  x: Float64Array;
}

/**
 * Approximates the scaling function φ and the wavelet ψ of an orthogonal filter bank on a grid
 * of spacing `2^-level` by the cascade algorithm, exactly as PyWavelets' `Wavelet.wavefun` does
 * for orthogonal wavelets:
 *
 * 1. start from one coefficient `2^(level/2)` (PyWavelets' `n = sqrt(2)^level`);
 * 2. synthesise once with `recLo` (for φ) or `recHi` (for ψ), then `level − 1` more times with
 *    `recLo`; each step is an upsampling full convolution (insert a zero between coefficients,
 *    convolve with the filter, keep all `2L + N − 2` outputs) — PyWavelets' `upcoef`;
 * 3. keep the centred `K` samples, `K_0 = 1`, `K_{j+1} = 2 K_j + N − 2` (no-op for orthogonal
 *    filters), put one 0 in front and pad zeros at the end to the output length
 *    `max((N − 1) 2^level + 1, K + 2)`.
 *
 * `x` is `linspace(0, (len − 1) / 2^level, len)`, so φ is supported on about [0, N − 1]. Only
 * `recLo` and `recHi` are used, so for a learned filter pass `filterBankFromLowpass(h)`.
 * Matches PyWavelets to ~1e-12 for the built-in families (test/wavelets/wavefun.test.ts).
 *
 * @param bank filter bank; `recLo` and `recHi` must have the same length N >= 2.
 * @param level number of cascade iterations (>= 1; PyWavelets' default 8). The arrays have
 *   about `(N − 1) 2^level + 1` samples.
 * @throws AwdError for a bad level or mismatched, empty or non-finite filters.
 *
 * @example
 * ```ts
 * import { familyLowpass, filterBankFromLowpass } from './families.ts';
 * import { wavefun } from './wavefun.ts';
 * const { phi, psi, x } = wavefun(filterBankFromLowpass(familyLowpass('db2')), 5);
 * console.log(psi.length, x[x.length - 1]);   // 97 3
 * ```
 */
export function wavefun(bank: FilterBank, level = 8): WaveFunctions {
  const where = 'wavefun';
  assertInt(where, 'level', level, 1, 30);
  if (bank == null || bank.recLo == null || bank.recHi == null) {
    throw new AwdError(where, 'bank must be a FilterBank with recLo and recHi; build one with filterBankFromLowpass(h)');
  }
  const lo = Float64Array.from(bank.recLo);
  const hi = Float64Array.from(bank.recHi);
  const f = lo.length;
  if (f < 2 || hi.length !== f) {
    throw new AwdError(
      where,
      `bank.recLo and bank.recHi must have the same length >= 2, got ${lo.length} and ${hi.length}; ` +
        'build the bank with filterBankFromLowpass(h)',
    );
  }
  for (const [what, a] of [['bank.recLo', lo], ['bank.recHi', hi]] as const) {
    for (let i = 0; i < f; i++) {
      if (!Number.isFinite(a[i])) throw new AwdError(where, `${what} contains ${a[i]} at index ${i}; filters must be finite`);
    }
  }

  const p = 2 ** level;
  const n = Math.SQRT2 ** level;
  let keepLength = 1;
  for (let i = 0; i < level; i++) keepLength = 2 * keepLength + f - 2;
  let outputLength = (f - 1) * p + 1;
  if (outputLength - keepLength - 2 < 0) outputLength = keepLength + 2;
  const rightExtent = outputLength - keepLength - 1;

  const cascade = (first: Float64Array): Float64Array => {
    let c = upsampleConvolveFull(Float64Array.of(n), first);
    for (let i = 1; i < level; i++) c = upsampleConvolveFull(c, lo);
    return c;
  };
  const place = (c: Float64Array): Float64Array => {
    const out = new Float64Array(1 + Math.min(keepLength, c.length) + rightExtent);
    const start = keepLength < c.length ? Math.floor((c.length - keepLength) / 2) : 0;
    const len = Math.min(keepLength, c.length);
    out.set(c.subarray(start, start + len), 1);
    return out;
  };
  const phi = place(cascade(lo));
  const psi = place(cascade(hi));
  const x = new Float64Array(outputLength);
  // numpy.linspace(0, stop, num): step = stop / (num - 1), x[i] = i * step, last set to stop.
  const stop = (outputLength - 1) / p;
  const step = stop / (outputLength - 1);
  for (let i = 0; i < outputLength; i++) x[i] = i * step;
  x[outputLength - 1] = stop;
  return { phi, psi, x };
}

/**
 * Upsampling full convolution (PyWavelets' `upsampling_convolution_full`): insert a zero between
 * the coefficients and convolve with the filter, `out[2i + j] += c[i] f[j]`, length `2L + F − 2`.
 */
function upsampleConvolveFull(c: Float64Array, filt: Float64Array): Float64Array {
  const out = new Float64Array(2 * c.length + filt.length - 2);
  for (let i = 0; i < c.length; i++) {
    const ci = c[i];
    const o = 2 * i;
    for (let j = 0; j < filt.length; j++) out[o + j] += ci * filt[j];
  }
  return out;
}
