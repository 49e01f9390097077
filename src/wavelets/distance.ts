/**
 * The wavelet distance of the synthetic-recovery study (DESIGN.md §5.1), as the reference
 * `awave` computes it (`dist` with `get_wavefun(level=5)`).
 *
 * @module
 */
import { AwdError, assertFinite, assertInt } from '../util/checks.ts';
import { familyLowpass, filterBankFromLowpass } from './families.ts';
import { wavefun } from './wavefun.ts';

/**
 * Distance between two sampled wavelets up to translation and time reversal:
 *
 *     d(ψ, ψ*) = min over k in [0, L) and s in {ψ, reversed ψ} of ‖roll(s, k) − ψ*‖₂
 *
 * where both are first zero-padded at the end to the longer length L and `roll(s, k)[j] =
 * s[(j − k) mod L]` is a circular shift (numpy's `np.roll`). This is the reference's `dist`
 * (awave): no rescaling and no sign change, so `d(ψ, −ψ) > 0`. It is symmetric,
 * `d(a, b) = d(b, a)`, zero for a circularly shifted or reversed copy, and a plain Euclidean
 * norm of the samples — not an L² norm of the continuous functions (divide by `2^(level/2)` for
 * that when the samples come from {@link wavefun} at `level`).
 *
 * Cost O(L²); L = (N − 1) 2^level + 1 for wavefun samples (289 for db5 at level 5).
 *
 * @param psi samples of the first wavelet (e.g. the learned one).
 * @param psiStar samples of the second wavelet (e.g. the target db5); lengths may differ.
 * @throws AwdError when either is empty or holds non-finite values.
 *
 * @example
 * ```ts
 * import { waveletDistance } from './distance.ts';
 * console.log(waveletDistance([0, 1, -1, 0], [1, -1]));   // 0 (a shift)
 * console.log(waveletDistance([1, 2, 3], [3, 2, 1]));     // 0 (a flip)
 * console.log(waveletDistance([1, -1], [-1, 0]));         // 1
 * ```
 */
export function waveletDistance(psi: ArrayLike<number>, psiStar: ArrayLike<number>): number {
  const where = 'waveletDistance';
  for (const [what, a] of [['psi', psi], ['psiStar', psiStar]] as const) {
    if (a == null || typeof a.length !== 'number') {
      throw new AwdError(where, `${what} must be an array of samples (e.g. wavefun(bank).psi), got ${String(a)}`);
    }
    if (a.length === 0) throw new AwdError(where, `${what} is empty; pass the sampled wavelet, e.g. wavefun(bank).psi`);
    assertFinite(where, what, a);
  }
  const len = Math.max(psi.length, psiStar.length);
  const a = new Float64Array(len);
  const b = new Float64Array(len);
  a.set(Array.from(psi));
  b.set(Array.from(psiStar));
  let best = Infinity;
  for (let flip = 0; flip < 2; flip++) {
    const s = flip === 0 ? a : a.slice().reverse();
    for (let k = 0; k < len; k++) {
      // ‖roll(s, k) − b‖²: roll(s, k)[j] = s[(j − k) mod len]
      let sum = 0;
      for (let j = 0; j < len && sum < best; j++) {
        const i = j - k < 0 ? j - k + len : j - k;
        const d = s[i] - b[j];
        sum += d * d;
      }
      if (sum < best) best = sum;
    }
  }
  return Math.sqrt(best);
}

/** Default cascade level of {@link waveletDistanceToNamed}: the reference's `get_wavefun(level=5)`. */
export const DISTANCE_LEVEL = 5;

/**
 * Distance {@link waveletDistance} between the wavelet ψ of a lowpass filter `h` (the project's
 * `h`, PyWavelets' `rec_lo`) and the wavelet ψ* of a built-in family, both sampled by
 * {@link wavefun} at the same `level` — the number reported by the synthetic-recovery study
 * (DESIGN.md §5.1, e.g. `waveletDistanceToNamed(hLearned, 'db5')`).
 *
 * The value depends on `level`: the samples are `2^-level` apart with amplitude ~ the continuous
 * ψ, so d grows roughly like `2^(level/2)` times the L² distance of the continuous functions
 * (for db5 vs sym5: level 3 ≈ 0.6 × level 5). The default 5 is the reference's, so numbers from
 * the paper and from awave compare directly; only compare distances computed at the same level.
 *
 * To match the reference bit for bit, ψ is cut to the length awave's `get_wavefun` yields: awave
 * builds a `pywt.Wavelet` from a filter bank, which PyWavelets treats as non-orthogonal, and its
 * `wavefun` then returns one sample fewer — a trailing zero — than the orthogonal branch
 * {@link wavefun} reproduces (length `max((N − 1) 2^level, K + 2)` instead of
 * `max((N − 1) 2^level + 1, K + 2)`). The dropped sample is always 0; it only changes which
 * circular shifts exist.
 *
 * @param h lowpass filter (even length, finite), e.g. a learned AWD filter.
 * @param name a built-in family, e.g. `'db5'` (see WAVELET_NAMES).
 * @param level cascade level, integer in [1, 20]; default {@link DISTANCE_LEVEL} = 5.
 * @throws AwdError for a bad filter, an unknown name or a bad level.
 *
 * @example
 * ```ts
 * import { familyLowpass } from './families.ts';
 * import { waveletDistanceToNamed } from './distance.ts';
 * console.log(waveletDistanceToNamed(familyLowpass('db5'), 'db5'));       // 0
 * console.log(waveletDistanceToNamed(familyLowpass('sym5'), 'db5') > 0);  // true
 * ```
 */
export function waveletDistanceToNamed(h: ArrayLike<number>, name: string, level: number = DISTANCE_LEVEL): number {
  assertInt('waveletDistanceToNamed', 'level', level, 1, 20);
  return waveletDistance(referencePsi(h, level), referencePsi(familyLowpass(name), level));
}

/** ψ of lowpass `h` at `level`, cut to the length of awave's `get_wavefun` (see above). */
function referencePsi(h: ArrayLike<number>, level: number): Float64Array {
  const f = h.length;
  const psi = wavefun(filterBankFromLowpass(h), level).psi;
  const p = 2 ** level;
  let keep = 1;
  for (let i = 0; i < level; i++) keep = 2 * keep + f - 2;
  const refLen = Math.max((f - 1) * p, keep + 2);
  return psi.subarray(0, Math.min(refLen, psi.length));
}
