/**
 * Boundary modes (signal extension) and output sizes, as PyWavelets defines them.
 *
 * How each mode extends the signal `1 2 3` (left | signal | right):
 *
 * | mode            | extension                      |
 * | --------------- | ------------------------------ |
 * | `zero`          | `0 0 0 0 | 1 2 3 | 0 0 0 0`     |
 * | `constant`      | `1 1 1 1 | 1 2 3 | 3 3 3 3`     |
 * | `symmetric`     | `3 2 1 1 | 1 2 3 | 3 2 1 1`     |
 * | `reflect`       | `2 3 2 1 | 1 2 3 | 3 2 1 2`     |
 * | `periodic`      | `3 1 2 3 | 1 2 3 | 1 2 3 1`     |
 * | `periodization` | like `periodic`, but the transform keeps only ceil(N/2) coefficients (an odd signal is first extended by repeating its last sample) |
 *
 * PyWavelets' plain functions default to `symmetric`; the adaptive (AWD) transform defaults to
 * `zero`, the reference implementation's mode, used in every experiment of the paper.
 * @module
 */
import { AwdError } from '../util/checks.ts';

export const MODES = ['zero', 'constant', 'symmetric', 'reflect', 'periodic', 'periodization'] as const;

/** A boundary mode name. */
export type Mode = (typeof MODES)[number];

/** Validates a mode name, with a clear error for unknown ones. */
export function parseMode(mode: string, where = 'parseMode'): Mode {
  if ((MODES as readonly string[]).includes(mode)) return mode as Mode;
  const aliases: Record<string, Mode> = { zpd: 'zero', cpd: 'constant', sym: 'symmetric', ppd: 'periodic', per: 'periodization', periodisation: 'periodization' };
  const hint = aliases[mode] ? ` (did you mean '${aliases[mode]}'?)` : '';
  throw new AwdError(where, `unknown mode '${mode}'${hint}; use one of ${MODES.join(', ')}`);
}

/**
 * Number of coefficients of a single-level DWT, as `pywt.dwt_coeff_len`:
 * `floor((n + F - 1) / 2)`, or `ceil(n / 2)` for `periodization`.
 */
export function dwtCoeffLen(n: number, filterLen: number, mode: Mode): number {
  if (!Number.isInteger(n) || n < 1) throw new AwdError('dwtCoeffLen', `signal length must be a positive integer, got ${n}`);
  if (!Number.isInteger(filterLen) || filterLen < 1) throw new AwdError('dwtCoeffLen', `filter length must be a positive integer, got ${filterLen}`);
  return mode === 'periodization' ? Math.ceil(n / 2) : Math.floor((n + filterLen - 1) / 2);
}

/**
 * The deepest useful decomposition level, as `pywt.dwt_max_level`:
 * `floor(log2(n / (F - 1)))`, and 0 when the signal is shorter than the filter.
 */
export function dwtMaxLevel(n: number, filterLen: number): number {
  if (!Number.isInteger(n) || n < 1) throw new AwdError('dwtMaxLevel', `signal length must be a positive integer, got ${n}`);
  if (!Number.isInteger(filterLen) || filterLen < 2) throw new AwdError('dwtMaxLevel', `filter length must be an integer >= 2, got ${filterLen}`);
  if (n < filterLen - 1) return 0;
  return Math.floor(Math.log2(n / (filterLen - 1)));
}

/** Index of sample `i` (any integer) of the extended signal, or -1 for a zero. */
function extendedIndex(i: number, n: number, mode: Mode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'zero':
      return -1;
    case 'constant':
      return i < 0 ? 0 : n - 1;
    case 'symmetric': {
      const p = 2 * n;
      const k = ((i % p) + p) % p;
      return k < n ? k : p - 1 - k;
    }
    case 'reflect': {
      const p = 2 * n - 2;
      const k = ((i % p) + p) % p;
      return k < n ? k : p - k;
    }
    case 'periodic':
    case 'periodization':
      return ((i % n) + n) % n;
  }
}

/**
 * The gather map of one analysis step: the analysis reads `xe[k] = x[map[k]]` (0 where
 * `map[k] = -1`) for k in [0, 2·outLen + F − 1), and computes
 * `cA[o] = Σ_t recLo[t] xe[2o + 1 + t]`, `cD[o] = Σ_t recHi[t] xe[2o + 1 + t]`,
 * which is PyWavelets' `cA[o] = Σ_j decLo[j] x[2o + 1 − j]` with `decLo = reversed recLo`.
 */
export interface ExtensionMap {
  n: number;
  filterLen: number;
  mode: Mode;
  outLen: number;
  map: Int32Array;
}

const mapCache = new Map<string, ExtensionMap>();

/** The (cached) extension map for a signal of length n, filter length F and a mode. */
export function extensionMap(n: number, filterLen: number, mode: Mode): ExtensionMap {
  const key = `${n}|${filterLen}|${mode}`;
  const hit = mapCache.get(key);
  if (hit) return hit;
  if (mode === 'reflect' && n === 1) {
    throw new AwdError('extensionMap', "mode 'reflect' cannot extend a signal of length 1 (it mirrors about the edge sample, excluding it); use 'symmetric', or fewer levels so no level sees a single sample");
  }
  const outLen = dwtCoeffLen(n, filterLen, mode);
  const len = 2 * outLen + filterLen - 1;
  const map = new Int32Array(len);
  if (mode === 'periodization') {
    // Odd n: the signal is first extended by repeating its last sample (index n-1), then
    // periodised with period m = n + 1. PyWavelets' phase: xe[k] = xx[(k - F/2) mod m].
    const m = n + (n % 2);
    const half = filterLen >> 1;
    for (let k = 0; k < len; k++) {
      const j = (((k - half) % m) + m) % m;
      map[k] = j < n ? j : n - 1;
    }
  } else {
    for (let k = 0; k < len; k++) map[k] = extendedIndex(k - (filterLen - 1), n, mode);
  }
  const result: ExtensionMap = { n, filterLen, mode, outLen, map };
  if (mapCache.size > 4096) mapCache.clear();
  mapCache.set(key, result);
  return result;
}

/**
 * Length of a single-level inverse DWT from `m` coefficients, as PyWavelets' `idwt`:
 * `2m − F + 2`, or `2m` for `periodization`.
 */
export function idwtOutputLen(m: number, filterLen: number, mode: Mode): number {
  return mode === 'periodization' ? 2 * m : 2 * m - filterLen + 2;
}
