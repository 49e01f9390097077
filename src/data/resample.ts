/**
 * Resampling a track to a fixed length (linear interpolation, or the reference preprocessing's
 * subsampling and zero padding). No Node API: the simulator and the browser playground use it.
 */
import { AwdError, assertInt } from '../util/checks.ts';

/**
 * Resamples a track to `length` points by linear interpolation: output point i sits at position
 * `i·(n−1)/(length−1)` of the input. A one-point track becomes constant.
 *
 * @example
 * resampleLinear([0, 10], 5); // Float64Array [0, 2.5, 5, 7.5, 10]
 */
export function resampleLinear(track: ArrayLike<number>, length: number): Float64Array {
  assertInt('resampleLinear', 'length', length, 2);
  const n = track.length;
  if (n === 0) throw new AwdError('resampleLinear', 'the track is empty; a track needs at least one value');
  const out = new Float64Array(length);
  if (n === 1) return out.fill(track[0]);
  const step = (n - 1) / (length - 1);
  for (let i = 0; i < length; i++) {
    const pos = i * step;
    const j = Math.min(Math.floor(pos), n - 2);
    const f = pos - j;
    out[i] = (1 - f) * track[j] + f * track[j + 1];
  }
  out[length - 1] = track[n - 1];
  return out;
}

/**
 * The resampling of the reference preprocessing (Yu-Group's auxilin-prediction
 * `features.downsample`, which produced the paper's `X_same_length` tracks): a track with at
 * least `length` points is subsampled at indices `floor((n−1)·i/(length−1))`; a shorter track is
 * zero-padded at the end.
 *
 * @example
 * resampleReference([1, 2, 3, 4, 5], 3); // Float64Array [1, 3, 5]
 * resampleReference([1, 2], 4);          // Float64Array [1, 2, 0, 0]
 */
export function resampleReference(track: ArrayLike<number>, length: number): Float64Array {
  assertInt('resampleReference', 'length', length, 2);
  const n = track.length;
  const out = new Float64Array(length);
  if (n >= length) {
    for (let i = 0; i < length; i++) out[i] = track[Math.floor(((n - 1) * i) / (length - 1))];
  } else {
    for (let i = 0; i < n; i++) out[i] = track[i];
  }
  return out;
}
