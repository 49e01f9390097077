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
 * | `smooth`        | `-3 -2 -1 0 | 1 2 3 | 4 5 6 7` (linear: first-order extrapolation) |
 * | `antisymmetric` | `3 -3 -2 -1 | 1 2 3 | -3 -2 -1 1` (symmetric, negated every other period) |
 * | `antireflect`   | `-3 -2 -1 0 | 1 2 3 | 4 5 6 7` (point reflection about the edge sample: `2·x₀ − x_k`) |
 *
 * The last three are not a gather of samples but linear combinations of them; they match
 * `pywt.pad` and PyWavelets' transforms, also for signals shorter than the filter (an extension
 * longer than the signal continues the pattern, as numpy's `pad` does).
 *
 * PyWavelets' plain functions default to `symmetric`; the adaptive (AWD) transform defaults to
 * `zero`, the reference implementation's mode, used in every experiment of the paper.
 * @module
 */
import { AwdError } from '../util/checks.ts';

export const MODES = ['zero', 'constant', 'symmetric', 'reflect', 'periodic', 'periodization', 'smooth', 'antisymmetric', 'antireflect'] as const;

/** The modes whose extension only copies samples (or zeros): an `ExtensionMap` without `affine`. */
export const GATHER_MODES = ['zero', 'constant', 'symmetric', 'reflect', 'periodic', 'periodization'] as const;

/** A boundary mode name. */
export type Mode = (typeof MODES)[number];

/** Validates a mode name, with a clear error for unknown ones. */
export function parseMode(mode: string, where = 'parseMode'): Mode {
  if ((MODES as readonly string[]).includes(mode)) return mode as Mode;
  const aliases: Record<string, Mode> = { zpd: 'zero', cpd: 'constant', sym: 'symmetric', ppd: 'periodic', per: 'periodization', periodisation: 'periodization', sp1: 'smooth', asym: 'antisymmetric', areflect: 'antireflect' };
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
    default:
      return -1; // the affine modes: their border values come from `affineRows`
  }
}

/** A linear combination of samples: Σ coef[j] · x[idx[j]]. */
type Combo = Map<number, number>;

function axpy(a: number, x: Combo, b: number, y: Combo): Combo {
  const out: Combo = new Map();
  for (const [i, v] of x) out.set(i, a * v);
  for (const [i, v] of y) out.set(i, (out.get(i) ?? 0) + b * v);
  for (const [i, v] of out) if (v === 0) out.delete(i);
  return out;
}

/**
 * The extension of a signal of length n by P samples on each side in one of the affine modes, as
 * linear combinations of the samples: element P + i is sample i. Follows `pywt.pad` (numpy's
 * `pad` for antireflect, `reflect_type='odd'`, including its chunk-by-chunk growth when P ≥ n).
 */
function affineExtension(n: number, P: number, mode: Mode): Combo[] {
  const unit = (i: number): Combo => new Map([[i, 1]]);
  const v: Combo[] = Array.from({ length: n + 2 * P }, () => new Map());
  for (let i = 0; i < n; i++) v[P + i] = unit(i);
  if (mode === 'smooth' && n === 1) {
    // PyWavelets' transforms extend a single sample as a constant (unlike pywt.pad).
    for (let k = 0; k < v.length; k++) v[k] = unit(0);
  } else if (mode === 'smooth') {
    const left = v[P];
    const slopeL = axpy(1, left, -1, v[P + 1]);
    for (let k = 1; k <= P; k++) v[P - k] = axpy(1, left, k, slopeL);
    const right = v[P + n - 1];
    const slopeR = axpy(1, right, -1, v[P + n - 2]);
    for (let k = 1; k <= P; k++) v[P + n - 1 + k] = axpy(1, right, k, slopeR);
  } else if (mode === 'antisymmetric') {
    for (let i = -P; i < n + P; i++) {
      if (i >= 0 && i < n) continue;
      const p = 2 * n;
      const k = ((i % p) + p) % p;
      const j = k < n ? k : p - 1 - k;
      const sign = Math.floor(i / n) % 2 === 0 ? 1 : -1;
      v[P + i] = new Map([[j, sign]]);
    }
  } else if (mode === 'antireflect') {
    if (n === 1) {
      for (let k = 0; k < P; k++) v[k] = unit(0);
      for (let k = P + 1; k < 2 * P + 1; k++) v[k] = unit(0);
    } else {
      // numpy's _set_reflect_both, reflect_type='odd', include_edge=False, iterated.
      let lp = P;
      let rp = P;
      const size = v.length;
      while (lp > 0 || rp > 0) {
        const oldLength = size - lp - rp - 1;
        if (lp > 0) {
          const chunk = Math.min(oldLength, lp);
          const edge = v[lp];
          const vals: Combo[] = [];
          for (let j = 0; j < chunk; j++) vals.push(axpy(2, edge, -1, v[lp + chunk - j])); // padded[start:stop:-1]
          for (let j = 0; j < chunk; j++) v[lp - chunk + j] = vals[j];
          lp -= chunk;
        }
        if (rp > 0) {
          const chunk = Math.min(oldLength, rp);
          const edge = v[size - rp - 1];
          const vals: Combo[] = [];
          for (let j = 0; j < chunk; j++) vals.push(axpy(2, edge, -1, v[size - rp - 2 - j]));
          for (let j = 0; j < chunk; j++) v[size - rp + j] = vals[j];
          rp -= chunk;
        }
      }
    }
  }
  return v;
}

/**
 * An affine mode's extension (see `ExtensionMap.affine`): the extended signal `xe` (length `len`)
 * is read by the kernels through `valid` (the identity: `valid` treats `xe` as the signal);
 * `xe[k] = x[map[k]]` where `map[k] ≥ 0`, and for the other k listed in `rows`,
 * `xe[rows[i]] = Σ_{j ∈ [start[i], start[i+1])} coef[j] · x[idx[j]]`.
 */
export interface AffineExtension {
  len: number;
  valid: ExtensionMap;
  rows: Int32Array;
  start: Int32Array;
  idx: Int32Array;
  coef: Float64Array;
}

function affineRows(n: number, filterLen: number, mode: Mode, len: number): AffineExtension {
  const P = Math.max(filterLen, len - n);
  const ext = affineExtension(n, P, mode);
  const rows: number[] = [];
  const start: number[] = [0];
  const idx: number[] = [];
  const coef: number[] = [];
  for (let k = 0; k < len; k++) {
    const i = k - (filterLen - 1);
    if (i >= 0 && i < n) continue;
    rows.push(k);
    for (const [j, c] of [...ext[P + i]].sort((a, b) => a[0] - b[0])) {
      idx.push(j);
      coef.push(c);
    }
    start.push(idx.length);
  }
  const identity = new Int32Array(len);
  for (let k = 0; k < len; k++) identity[k] = k;
  const outLen = dwtCoeffLen(n, filterLen, mode);
  const valid: ExtensionMap = { n: len, filterLen, mode, outLen, map: identity, shift: 0 };
  return { len, valid, rows: Int32Array.from(rows), start: Int32Array.from(start), idx: Int32Array.from(idx), coef: Float64Array.from(coef) };
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
  /** Overrides the interior shift the kernels assume (`F − 1`, or `F/2` for periodization). */
  shift?: number;
  /**
   * Set for the affine modes (smooth, antisymmetric, antireflect): `map` holds only the interior
   * (−1 elsewhere) and the kernels extend the signal explicitly through this description.
   */
  affine?: AffineExtension;
}

/** True for the modes whose extension is a linear combination of samples. */
export function isAffineMode(mode: Mode): boolean {
  return mode === 'smooth' || mode === 'antisymmetric' || mode === 'antireflect';
}

const mapCache = new Map<string, ExtensionMap>();

/** The (cached) extension map for a signal of length n, filter length F and a mode. */
export function extensionMap(n: number, filterLen: number, mode: Mode): ExtensionMap {
  const key = `${n}|${filterLen}|${mode}`;
  const hit = mapCache.get(key);
  if (hit) return hit;
  if ((mode === 'reflect' || mode === 'antireflect') && n === 1) {
    throw new AwdError('extensionMap', `mode '${mode}' cannot extend a signal of length 1 (it mirrors about the edge sample, excluding it); use '${mode === 'reflect' ? 'symmetric' : 'antisymmetric'}', or fewer levels so no level sees a single sample`);
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
  if (isAffineMode(mode)) result.affine = affineRows(n, filterLen, mode, len);
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
