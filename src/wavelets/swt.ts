/**
 * The stationary (undecimated, "à trous") wavelet transform, as PyWavelets 1.1.1: `swt`, `iswt`,
 * `swt2`, `iswt2`, their batched forms, `swtMaxLevel`, and the per-level operators with their
 * adjoints (for the learnable SWT and the adjoint tests).
 *
 * Level i (0-based, i = start_level, …) filters with the filters dilated by s = 2^i, periodically,
 * without downsampling: with the kernels' analysis taps `lo` = reversed `dec_lo` (see `Wavelet`),
 *
 *   cA[k] = Σ_u lo[u] · x[(k + s·(u + 1 − F/2)) mod n]      (the same for cD with hi)
 *
 * which is PyWavelets' phase (checked against its fixtures). PyWavelets' `iswt` averages the two
 * periodization inverses of the even and odd samples (four in 2D); that average is the single
 * dilated sum
 *
 *   y[k] = ½ Σ_u (recLo[F−1−u] · cA[(k + s·(u − F/2)) mod n] + recHi[F−1−u] · cD[…])
 *
 * computed here in one pass (equal to PyWavelets' to rounding). For an orthogonal wavelet this is
 * ½ × the adjoint of the analysis, so `iswt(swt(x)) = x`.
 *
 * Like PyWavelets' `iswt`, the inverse assumes the decomposition started at level 0 (the k-th
 * array from the end is level k).
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';
import { warnOnce } from '../util/warn.ts';
import { checkFinite } from './transform1d.ts';
import { specializedKernelsEnabled } from './kernels.ts';
import { uninitializedArray } from './scratch.ts';
import { simdSwtLevels } from './simdKernels.ts';
import { fromRows, inversePerm, normalizeAxis, rowsAlongAxis, toEndPerm, transpose } from './axis.ts';
import { resolveWavelet, type Wavelet } from './wavelet.ts';
import type { FilterBank } from './families.ts';

type WaveletLike = Wavelet | FilterBank | string;

/** Options of `swt` / `swt2`, as PyWavelets' keyword arguments. */
export interface SwtOptions {
  /** Levels to skip before the first computed one (PyWavelets' `start_level`, default 0). */
  startLevel?: number;
  /**
   * Keep only the last approximation (PyWavelets' `trim_approx`): `swt` then returns
   * `[cA_n, cD_n, …, cD_1]`, `swt2` an `{ approx, details }` object.
   */
  trimApprox?: boolean;
  /** Scale the filters by 1/√2 so the transform preserves energy (orthogonal wavelets). */
  norm?: boolean;
  /** The axis to transform along (batched 1D functions; PyWavelets' `axis`, default −1). */
  axis?: number;
}

/** One level of `swt`: approximation and detail, each as long as the signal. */
export interface SwtLevel {
  cA: Float64Array;
  cD: Float64Array;
}

/** One level of `swt2`; every subband is rows × cols, row-major. */
export interface Swt2Level {
  cA: Float64Array;
  cH: Float64Array;
  cV: Float64Array;
  cD: Float64Array;
  rows: number;
  cols: number;
}

/** `swt2` with `trimApprox`: the last approximation, and the details (coarsest first). */
export interface Swt2Trimmed {
  approx: Float64Array;
  details: Array<{ cH: Float64Array; cV: Float64Array; cD: Float64Array }>;
  rows: number;
  cols: number;
}

/**
 * The number of SWT levels a length allows, as `pywt.swt_max_level`: how many times `n` can be
 * halved exactly.
 */
export function swtMaxLevel(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new AwdError('swtMaxLevel', `the length must be a positive integer, got ${n}`);
  let j = 0;
  while (n % 2 === 0) {
    n /= 2;
    j++;
  }
  return j;
}

// ---------------------------------------------------------------------------------------------
// Kernels: dilated periodic correlations along rows (contiguous) and along columns
// ---------------------------------------------------------------------------------------------

const mod = (i: number, n: number): number => ((i % n) + n) % n;

/**
 * For `rows` rows of length n (`x[r·n …]`): `o0[k] = Σ_u f0[u] x[(k + s(u + c)) mod n]`, and the
 * same for f1 into o1 (either output may be null).
 */
export function dilatedRows(
  x: Float64Array, rows: number, n: number, f0: Float64Array, f1: Float64Array, s: number, c: number,
  o0: Float64Array | null, o1: Float64Array | null,
): void {
  const F = f0.length;
  // Each row is first wrapped periodically into xp (xp[i] = x[(i + s·c) mod n]), so the sums
  // read xp[k + s·u] with no index arithmetic: out[k] = Σ_u f[u] xp[k + s·u].
  const P = n + s * (F - 1);
  const xp = new Float64Array(P);
  const first = mod(s * c, n);
  const o0s = o0 ?? new Float64Array(rows * n);
  const o1s = o1 ?? new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const xo = r * n;
    wrapRow(x, xo, n, first, xp, P);
    const gen = generated(F);
    if (gen) {
      gen.rows(xp, n, s, f0, f1, o0s, o1s, xo);
      continue;
    }
    for (let k = 0; k < n; k++) {
      let a = 0;
      let d = 0;
      for (let u = 0, i = k; u < F; u++, i += s) {
        const v = xp[i];
        a += f0[u] * v;
        d += f1[u] * v;
      }
      o0s[xo + k] = a;
      o1s[xo + k] = d;
    }
  }
}

/** xp[i] = x[xo + (first + i) mod n] for i < P. */
function wrapRow(x: Float64Array, xo: number, n: number, first: number, xp: Float64Array, P: number): void {
  for (let i = 0, j = xo + first, end = xo + n; i < P; i++) {
    xp[i] = x[j++];
    if (j === end) j = xo;
  }
}

// Generated kernels per filter length: the taps in registers, one load per sample and tap, one
// store per output; the same operations in the same order as the loops (identical results).
interface SwtGenerated {
  rows(xp: Float64Array, n: number, s: number, f0: Float64Array, f1: Float64Array, o0: Float64Array, o1: Float64Array, oo: number): void;
  rowsSum(ap: Float64Array, dp: Float64Array, n: number, s: number, g0: Float64Array, g1: Float64Array, scale: number, out: Float64Array, oo: number): void;
  cols(x: Float64Array, rowOff: Int32Array, W: number, f0: Float64Array, f1: Float64Array, o0: Float64Array, o1: Float64Array, oo: number): void;
  colsSum(a: Float64Array, d: Float64Array, rowOff: Int32Array, W: number, g0: Float64Array, g1: Float64Array, scale: number, out: Float64Array, oo: number): void;
}
const MAX_GENERATED_TAPS = 40;
const generatedKernels = new Map<number, SwtGenerated | null>();
let swtCodegen = true;

function generated(F: number): SwtGenerated | null {
  if (!swtCodegen || F > MAX_GENERATED_TAPS || !specializedKernelsEnabled()) return null;
  let g = generatedKernels.get(F);
  if (g !== undefined) return g;
  const us = Array.from({ length: F }, (_, u) => u);
  const taps = (p: string, q: string): string => us.map((u) => `const ${p}${u} = ${q}[${u}];`).join(' ');
  const sum = (terms: string[]): string => terms.join(' + ');
  try {
    g = {
      // Outputs k and k + s share F − 1 samples: when n is a multiple of 2s they are computed
      // together (F + 1 loads for two outputs).
      rows: new Function('xp', 'n', 's', 'f0', 'f1', 'o0', 'o1', 'oo', `${taps('a', 'f0')} ${taps('b', 'f1')}
        if (n % (2 * s) === 0) {
          for (let k0 = 0; k0 < n; k0 += 2 * s) {
            for (let k = k0; k < k0 + s; k++) {
              ${[...us, F].map((u) => `const v${u} = xp[k + ${u} * s];`).join(' ')}
              o0[oo + k] = ${sum(us.map((u) => `a${u} * v${u}`))};
              o1[oo + k] = ${sum(us.map((u) => `b${u} * v${u}`))};
              o0[oo + k + s] = ${sum(us.map((u) => `a${u} * v${u + 1}`))};
              o1[oo + k + s] = ${sum(us.map((u) => `b${u} * v${u + 1}`))};
            }
          }
          return;
        }
        for (let k = 0; k < n; k++) {
          ${us.map((u) => `const v${u} = xp[k + ${u} * s];`).join(' ')}
          o0[oo + k] = ${sum(us.map((u) => `a${u} * v${u}`))};
          o1[oo + k] = ${sum(us.map((u) => `b${u} * v${u}`))};
        }`) as SwtGenerated['rows'],
      rowsSum: new Function('ap', 'dp', 'n', 's', 'g0', 'g1', 'scale', 'out', 'oo', `${taps('a', 'g0')} ${taps('b', 'g1')}
        for (let k = 0; k < n; k++) {
          ${us.map((u) => `const i${u} = k + ${u} * s;`).join(' ')}
          out[oo + k] = scale * (${sum(us.map((u) => `(a${u} * ap[i${u}] + b${u} * dp[i${u}])`))});
        }`) as SwtGenerated['rowsSum'],
      cols: new Function('x', 'rowOff', 'W', 'f0', 'f1', 'o0', 'o1', 'oo', `${taps('a', 'f0')} ${taps('b', 'f1')} ${taps('r', 'rowOff')}
        for (let j = 0; j < W; j++) {
          ${us.map((u) => `const v${u} = x[r${u} + j];`).join(' ')}
          o0[oo + j] = ${sum(us.map((u) => `a${u} * v${u}`))};
          o1[oo + j] = ${sum(us.map((u) => `b${u} * v${u}`))};
        }`) as SwtGenerated['cols'],
      colsSum: new Function('a', 'd', 'rowOff', 'W', 'g0', 'g1', 'scale', 'out', 'oo', `${taps('p', 'g0')} ${taps('q', 'g1')} ${taps('r', 'rowOff')}
        for (let j = 0; j < W; j++) {
          out[oo + j] = scale * (${sum(us.map((u) => `(p${u} * a[r${u} + j] + q${u} * d[r${u} + j])`))});
        }`) as SwtGenerated['colsSum'],
    };
  } catch {
    swtCodegen = false; // code generation disallowed: the loops run
    g = null;
  }
  generatedKernels.set(F, g);
  return g;
}

/**
 * For `rows` rows of length n: `out[k] (+)= scale · Σ_u (g0[u] a[(k + s(u + c)) mod n] +
 * g1[u] d[(…)])`; a or d may be null (zeros).
 */
export function dilatedRowsSum(
  a: Float64Array | null, d: Float64Array | null, rows: number, n: number, g0: Float64Array, g1: Float64Array,
  s: number, c: number, scale: number, out: Float64Array, accumulate: boolean,
): void {
  const F = g0.length;
  const P = n + s * (F - 1);
  const ap = new Float64Array(P);
  const dp = new Float64Array(P);
  const first = mod(s * c, n);
  const gen = accumulate ? null : generated(F);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    if (a) wrapRow(a, o, n, first, ap, P);
    if (d) wrapRow(d, o, n, first, dp, P);
    if (gen) {
      gen.rowsSum(ap, dp, n, s, g0, g1, scale, out, o);
      continue;
    }
    for (let k = 0; k < n; k++) {
      let sum = 0;
      for (let u = 0, i = k; u < F; u++, i += s) sum += g0[u] * ap[i] + g1[u] * dp[i];
      out[o + k] = accumulate ? out[o + k] + scale * sum : scale * sum;
    }
  }
}

/**
 * The column form of `dilatedRows` on an n × W block (transform along axis 0): row k of each
 * output is Σ_u f[u] · row (k + s(u + c)) mod n of x, accumulated over contiguous rows.
 */
export function dilatedCols(
  x: Float64Array, xOff: number, n: number, W: number, f0: Float64Array, f1: Float64Array, s: number, c: number,
  o0: Float64Array | null, o1: Float64Array | null, oOff: number,
): void {
  const F = f0.length;
  const o0s = o0 ?? new Float64Array(oOff + n * W);
  const o1s = o1 ?? new Float64Array(oOff + n * W);
  const rowOff = new Int32Array(F);
  const gen = generated(F);
  for (let k = 0; k < n; k++) {
    for (let u = 0; u < F; u++) rowOff[u] = xOff + mod(k + s * (u + c), n) * W;
    const ok = oOff + k * W;
    if (gen) {
      gen.cols(x, rowOff, W, f0, f1, o0s, o1s, ok);
      continue;
    }
    for (let j = 0; j < W; j++) {
      let a = 0;
      let d = 0;
      for (let u = 0; u < F; u++) {
        const v = x[rowOff[u] + j];
        a += f0[u] * v;
        d += f1[u] * v;
      }
      o0s[ok + j] = a;
      o1s[ok + j] = d;
    }
  }
}

/** The column form of `dilatedRowsSum` (output overwritten), on n × W blocks. */
export function dilatedColsSum(
  a: Float64Array | null, d: Float64Array | null, inOff: number, n: number, W: number, g0: Float64Array, g1: Float64Array,
  s: number, c: number, scale: number, out: Float64Array, outOff: number,
): void {
  const F = g0.length;
  const zeros = a && d ? null : new Float64Array(inOff + n * W);
  const A = a ?? zeros!;
  const D = d ?? zeros!;
  const rowOff = new Int32Array(F);
  const gen = generated(F);
  for (let k = 0; k < n; k++) {
    for (let u = 0; u < F; u++) rowOff[u] = inOff + mod(k + s * (u + c), n) * W;
    const ok = outOff + k * W;
    if (gen) {
      gen.colsSum(A, D, rowOff, W, g0, g1, scale, out, ok);
      continue;
    }
    for (let j = 0; j < W; j++) {
      let sum = 0;
      for (let u = 0; u < F; u++) sum += g0[u] * A[rowOff[u] + j] + g1[u] * D[rowOff[u] + j];
      out[ok + j] = scale * sum;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Filters of a transform (norm scaling) and argument checks
// ---------------------------------------------------------------------------------------------

/** The four tap arrays the SWT kernels use, `norm` applied (as PyWavelets rescales the bank). */
export interface SwtTaps {
  F: number;
  /** Analysis taps: reversed dec_lo / dec_hi (× 1/√2 with norm). */
  lo: Float64Array;
  hi: Float64Array;
  /** Synthesis taps of the gather form: reversed rec_lo / rec_hi (× √2 with norm). */
  rlo: Float64Array;
  rhi: Float64Array;
}

function scaled(a: Float64Array, f: number): Float64Array {
  return f === 1 ? a : a.map((v) => v * f);
}

function reversed(a: Float64Array): Float64Array {
  return a.slice().reverse();
}

/** Taps of a wavelet for the SWT, with PyWavelets' `norm` rescaling. */
export function swtTaps(where: string, wl: Wavelet, norm: boolean): SwtTaps {
  if (norm && !wl.orthogonal) {
    warnOnce(`${where}: norm=True, but the wavelet is not orthogonal: the conditions for energy preservation are not satisfied.`);
  }
  const fwd = norm ? 1 / Math.sqrt(2) : 1;
  const inv = norm ? Math.sqrt(2) : 1;
  return {
    F: wl.length,
    lo: scaled(wl.anaLo, fwd),
    hi: scaled(wl.anaHi, fwd),
    rlo: scaled(reversed(wl.recLo), inv),
    rhi: scaled(reversed(wl.recHi), inv),
  };
}

/**
 * The number of levels, checked as PyWavelets does: `max` levels are possible (`swtMaxLevel` of the
 * length, or of both sides); `size` names the input in the messages ("length 12", "a 6 × 8 image").
 */
function checkLevels(where: string, max: number, size: string, level: number | undefined, startLevel: number): number {
  const image = size.startsWith('a ');
  if (!Number.isInteger(startLevel) || startLevel < 0) throw new AwdError(where, `startLevel must be an integer >= 0, got ${startLevel}`);
  if (max === 0) {
    throw new AwdError(where, image
      ? `no level of stationary wavelet decomposition is possible for ${size}: both sides must be multiples of 2^level (pad the image to even sides)`
      : `no level of stationary wavelet decomposition is possible for ${size}: the length must be a multiple of 2^level (pad the signal to an even length)`);
  }
  if (startLevel >= max) throw new AwdError(where, `startLevel must be less than ${max} for ${size}, got ${startLevel}`);
  const J = level ?? max;
  if (!Number.isInteger(J) || J < 1) throw new AwdError(where, `level must be an integer >= 1, got ${J}`);
  if (J + startLevel > max) {
    throw new AwdError(where, `level ${J} is too high: the maximum for ${size} and startLevel ${startLevel} is ${max - startLevel} (the ${image ? 'sides' : 'length'} must be ${image ? 'multiples' : 'a multiple'} of 2^(level + startLevel))`);
  }
  return J;
}

// ---------------------------------------------------------------------------------------------
// 1D
// ---------------------------------------------------------------------------------------------

/** One SWT level (dilation s) of `rows` signals of length n. */
export function swtLevelRows(x: Float64Array, rows: number, n: number, t: SwtTaps, s: number, cA: Float64Array | null, cD: Float64Array | null): void {
  dilatedRows(x, rows, n, t.lo, t.hi, s, 1 - t.F / 2, cA, cD);
}

/** One ISWT level (dilation s): out = ½ Σ (synthesis of cA and cD). */
export function iswtLevelRows(cA: Float64Array | null, cD: Float64Array | null, rows: number, n: number, t: SwtTaps, s: number, out: Float64Array): void {
  dilatedRowsSum(cA, cD, rows, n, t.rlo, t.rhi, s, -t.F / 2, 0.5, out, false);
}

/**
 * Adjoint of `swtLevelRows`: adds loᵀ gA + hiᵀ gD into `gx` (the analysis taps, reversed, at the
 * mirrored phase).
 */
export function swtLevelRowsAdjoint(gA: Float64Array | null, gD: Float64Array | null, rows: number, n: number, t: SwtTaps, s: number, gx: Float64Array): void {
  dilatedRowsSum(gA, gD, rows, n, reversed(t.lo), reversed(t.hi), s, -t.F / 2, 1, gx, true);
}

/** Batched SWT: each level's arrays are b × n. */
export interface SwtBatchLevel {
  cA: NdArray;
  cD: NdArray;
}

function swtCore(where: string, x: Float64Array, b: number, n: number, w: WaveletLike, level: number | undefined, opts: SwtOptions): { levels: { cA: Float64Array; cD: Float64Array }[]; J: number } {
  const wl = resolveWavelet(w);
  const start = opts.startLevel ?? 0;
  const J = checkLevels(where, swtMaxLevel(n), `length ${n}`, level, start);
  const t = swtTaps(where, wl, opts.norm === true);
  // Every value of the outputs is written by the kernels. With trimApprox the intermediate
  // approximations are not returned: they live in two small work buffers.
  const keep = opts.trimApprox !== true;
  const levels: { cA: Float64Array; cD: Float64Array }[] = [];
  for (let i = 0; i < J; i++) {
    levels.push({ cA: keep || i === J - 1 ? uninitializedArray(b * n) : new Float64Array(0), cD: uninitializedArray(b * n) });
  }
  const kept = (i: number): boolean => keep || i === J - 1;
  // The WebAssembly SIMD kernels where they run (identical results), else the JavaScript ones.
  if (simdSwtLevels(x, b, n, t.lo, t.hi, 1 - t.F / 2, levels.map((lv, i) => ({ s: 2 ** (start + i), cA: kept(i) ? lv.cA : null, cD: lv.cD })))) {
    return { levels: levels.reverse(), J };
  }
  // All levels on a chunk of signals at a time, so each level reads what the previous one wrote
  // while it is still in cache.
  const chunk = Math.max(1, Math.floor(16384 / n));
  const work = keep ? [] : [new Float64Array(Math.min(chunk, b) * n), new Float64Array(Math.min(chunk, b) * n)];
  for (let r0 = 0; r0 < b; r0 += chunk) {
    const rc = Math.min(chunk, b - r0);
    let src = x.subarray(r0 * n, (r0 + rc) * n);
    for (let i = 0; i < J; i++) {
      const lv = levels[i];
      const dst = keep || i === J - 1 ? lv.cA.subarray(r0 * n, (r0 + rc) * n) : work[i & 1].subarray(0, rc * n);
      swtLevelRows(src, rc, n, t, 2 ** (start + i), dst, lv.cD.subarray(r0 * n, (r0 + rc) * n));
      src = dst;
    }
  }
  return { levels: levels.reverse(), J };
}

/**
 * Multilevel 1D stationary wavelet transform, as `pywt.swt(x, w, level, start_level,
 * trim_approx=, norm=)`. Returns the levels coarsest first, `[{cA_n, cD_n}, …, {cA_1, cD_1}]`,
 * or with `trimApprox` the arrays `[cA_n, cD_n, …, cD_1]` (as `wavedec`). The length must be a
 * multiple of 2^(level + startLevel); `level` defaults to `swtMaxLevel(n)`.
 * @example
 * const levels = swt(signal, 'db2', 2);            // levels[0] is level 2
 * const x = iswt(levels, 'db2');                   // = signal
 */
export function swt(x: ArrayLike<number>, w: WaveletLike, level?: number, opts?: SwtOptions & { trimApprox?: false }): SwtLevel[];
export function swt(x: ArrayLike<number>, w: WaveletLike, level: number | undefined, opts: SwtOptions & { trimApprox: true }): Float64Array[];
export function swt(x: ArrayLike<number>, w: WaveletLike, level?: number, opts: SwtOptions = {}): SwtLevel[] | Float64Array[] {
  if (x.length === 0) throw new AwdError('swt', 'the signal is empty; pass at least two samples');
  checkFinite('swt', 'the signal', x);
  const xs = x instanceof Float64Array ? x : Float64Array.from(x);
  const { levels } = swtCore('swt', xs, 1, xs.length, w, level, opts);
  if (opts.trimApprox) return [levels[0].cA, ...levels.map((l) => l.cD)];
  return levels;
}

/** `swt` of every row of a batch (b × n); arrays b × n. */
export function swtBatch(X: NdArray, w: WaveletLike, level?: number, opts?: SwtOptions & { trimApprox?: false }): SwtBatchLevel[];
export function swtBatch(X: NdArray, w: WaveletLike, level: number | undefined, opts: SwtOptions & { trimApprox: true }): NdArray[];
export function swtBatch(X: NdArray, w: WaveletLike, level?: number, opts: SwtOptions = {}): SwtBatchLevel[] | NdArray[] {
  const axis = opts.axis ?? -1;
  if (X.shape.length !== 2 || normalizeAxis('swtBatch', axis, 2) !== 1) {
    const rows = rowsAlongAxis('swtBatch', X, axis);
    const back = (a: NdArray): NdArray => fromRows(a, X.shape, axis);
    const r = swtBatch(rows, w, level, { ...opts, axis: -1 } as SwtOptions & { trimApprox: true });
    return opts.trimApprox ? r.map(back) : (r as unknown as SwtBatchLevel[]).map((l) => ({ cA: back(l.cA), cD: back(l.cD) }));
  }
  if (X.shape.length !== 2 || X.shape[0] < 1 || X.shape[1] < 1) throw new AwdError('swtBatch', `expected a batch of shape [n, length], got [${X.shape.join(', ')}]`);
  checkFinite('swtBatch', 'the signals', X.data);
  const [b, n] = X.shape;
  const { levels } = swtCore('swtBatch', X.data, b, n, w, level, opts);
  if (opts.trimApprox) return [ndarray(levels[0].cA, [b, n]), ...levels.map((l) => ndarray(l.cD, [b, n]))];
  return levels.map((l) => ({ cA: ndarray(l.cA, [b, n]), cD: ndarray(l.cD, [b, n]) }));
}

function iswtCore(where: string, approx: Float64Array, details: Float64Array[], b: number, n: number, w: WaveletLike, norm: boolean): Float64Array {
  const wl = resolveWavelet(w);
  const tn = swtTaps(where, wl, norm);
  const J = details.length;
  if (J > swtMaxLevel(n)) throw new AwdError(where, `${J} levels need a length that is a multiple of 2^${J}, got ${n}`);
  let out = Float64Array.from(approx);
  const next = new Float64Array(b * n);
  // details[0] is the coarsest level J: dilation 2^(J-1).
  for (let k = 0; k < J; k++) {
    iswtLevelRows(out, details[k], b, n, tn, 2 ** (J - 1 - k), next);
    out.set(next);
  }
  return out;
}

function checkSwtCoeffs(where: string, arrays: ArrayLike<number>[], len: number): void {
  arrays.forEach((a, i) => {
    if (a.length !== len) throw new AwdError(where, `coefficient array ${i} has ${a.length} values, expected ${len} (all SWT arrays are as long as the signal)`);
    checkFinite(where, `coefficient array ${i}`, a);
  });
}

/**
 * Inverse of `swt`, as `pywt.iswt(coeffs, w, norm=)`: takes either form `swt` returns
 * (levels, or the trimmed arrays `[cA_n, cD_n, …, cD_1]`).
 */
export function iswt(coeffs: SwtLevel[] | ArrayLike<number>[], w: WaveletLike, opts: { norm?: boolean } = {}): Float64Array {
  if (coeffs.length === 0) throw new AwdError('iswt', 'no coefficients given');
  const trimmed = !('cA' in (coeffs[0] as object));
  let approx: ArrayLike<number>;
  let details: ArrayLike<number>[];
  if (trimmed) {
    const arr = coeffs as ArrayLike<number>[];
    if (arr.length < 2) throw new AwdError('iswt', 'need at least [cA, cD]');
    approx = arr[0];
    details = arr.slice(1);
  } else {
    const lv = coeffs as SwtLevel[];
    approx = lv[0].cA;
    details = lv.map((l) => l.cD);
  }
  const n = approx.length;
  checkSwtCoeffs('iswt', [approx, ...details], n);
  return iswtCore('iswt', Float64Array.from(approx), details.map((d) => Float64Array.from(d)), 1, n, w, opts.norm === true);
}

/** `iswt` of a batch decomposition (either form of `swtBatch`); `axis` as `swtBatch`'s. */
export function iswtBatch(coeffs: SwtBatchLevel[] | NdArray[], w: WaveletLike, opts: { norm?: boolean; axis?: number } = {}): NdArray {
  if (coeffs.length === 0) throw new AwdError('iswtBatch', 'no coefficients given');
  const trimmed = !('cA' in (coeffs[0] as object));
  const axis = opts.axis ?? -1;
  const first = trimmed ? (coeffs as NdArray[])[0] : (coeffs as SwtBatchLevel[])[0].cA;
  if (first.shape.length !== 2 || normalizeAxis('iswtBatch', axis, 2) !== 1) {
    const rows = (a: NdArray): NdArray => rowsAlongAxis('iswtBatch', a, axis);
    const moved = trimmed ? (coeffs as NdArray[]).map(rows) : (coeffs as SwtBatchLevel[]).map((l) => ({ cA: rows(l.cA), cD: rows(l.cD) }));
    return fromRows(iswtBatch(moved as NdArray[], w, { norm: opts.norm }), first.shape, axis);
  }
  const approx = trimmed ? (coeffs as NdArray[])[0] : (coeffs as SwtBatchLevel[])[0].cA;
  const details = trimmed ? (coeffs as NdArray[]).slice(1) : (coeffs as SwtBatchLevel[]).map((l) => l.cD);
  if (approx.shape.length !== 2) throw new AwdError('iswtBatch', `expected arrays of shape [n, length], got [${approx.shape.join(', ')}]`);
  const [b, n] = approx.shape;
  for (const d of details) {
    if (d.shape.length !== 2 || d.shape[0] !== b || d.shape[1] !== n) throw new AwdError('iswtBatch', `every array must have shape [${b}, ${n}], got [${d.shape.join(', ')}]`);
  }
  checkSwtCoeffs('iswtBatch', [approx.data, ...details.map((d) => d.data)], b * n);
  return ndarray(iswtCore('iswtBatch', approx.data, details.map((d) => d.data), b, n, w, opts.norm === true), [b, n]);
}

// ---------------------------------------------------------------------------------------------
// 2D
// ---------------------------------------------------------------------------------------------

/** One SWT2 level of one image (R × C at `xOff`): subbands at `oOff`; `work` holds 2·R·C values. */
export function swt2LevelImage(
  x: Float64Array, xOff: number, R: number, C: number, t: SwtTaps, s: number,
  cA: Float64Array, cH: Float64Array, cV: Float64Array, cD: Float64Array, oOff: number, work: Float64Array,
): void {
  const c = 1 - t.F / 2;
  const La = work.subarray(0, R * C);
  const Ld = work.subarray(R * C, 2 * R * C);
  // Axis 0 (along the columns), then axis 1 (along the rows), as pywt.swtn with axes (0, 1).
  dilatedCols(x, xOff, R, C, t.lo, t.hi, s, c, La, Ld, 0);
  dilatedRows(La, R, C, t.lo, t.hi, s, c, cA.subarray(oOff, oOff + R * C), cV.subarray(oOff, oOff + R * C));
  dilatedRows(Ld, R, C, t.lo, t.hi, s, c, cH.subarray(oOff, oOff + R * C), cD.subarray(oOff, oOff + R * C));
}

/** One ISWT2 level of one image: ¼ Σ over the four subbands' synthesis. */
export function iswt2LevelImage(
  cA: Float64Array | null, cH: Float64Array | null, cV: Float64Array | null, cD: Float64Array | null, inOff: number,
  R: number, C: number, t: SwtTaps, s: number, out: Float64Array, outOff: number, work: Float64Array,
): void {
  const c = -t.F / 2;
  const L = work.subarray(0, R * C);
  const H = work.subarray(R * C, 2 * R * C);
  const sub = (a: Float64Array | null): Float64Array | null => (a ? a.subarray(inOff, inOff + R * C) : null);
  dilatedRowsSum(sub(cA), sub(cV), R, C, t.rlo, t.rhi, s, c, 0.5, L, false);
  dilatedRowsSum(sub(cH), sub(cD), R, C, t.rlo, t.rhi, s, c, 0.5, H, false);
  dilatedColsSum(L, H, 0, R, C, t.rlo, t.rhi, s, c, 0.5, out, outOff);
}

/** Batched SWT2 level: subbands b × rows × cols. */
export interface Swt2BatchLevel {
  cA: NdArray;
  cH: NdArray;
  cV: NdArray;
  cD: NdArray;
}

function swt2Core(where: string, x: Float64Array, b: number, R: number, C: number, w: WaveletLike, level: number | undefined, opts: SwtOptions) {
  const wl = resolveWavelet(w);
  const start = opts.startLevel ?? 0;
  const J = checkLevels(where, Math.min(swtMaxLevel(R), swtMaxLevel(C)), `a ${R} × ${C} image`, level, start);
  const t = swtTaps(where, wl, opts.norm === true);
  const work = new Float64Array(2 * R * C);
  const levels: { cA: Float64Array; cH: Float64Array; cV: Float64Array; cD: Float64Array }[] = [];
  let a = x;
  const size = R * C;
  for (let i = start; i < start + J; i++) {
    // Every value is written by the kernels.
    const lv = { cA: uninitializedArray(b * size), cH: uninitializedArray(b * size), cV: uninitializedArray(b * size), cD: uninitializedArray(b * size) };
    for (let k = 0; k < b; k++) swt2LevelImage(a, k * size, R, C, t, 2 ** i, lv.cA, lv.cH, lv.cV, lv.cD, k * size, work);
    levels.push(lv);
    a = lv.cA;
  }
  return levels.reverse();
}

function checkImage(where: string, x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) throw new AwdError(where, `rows and cols must be positive integers, got ${rows} × ${cols}`);
  if (x.length !== rows * cols) throw new AwdError(where, `the image has ${x.length} values but ${rows} × ${cols} = ${rows * cols} were expected`);
  checkFinite(where, 'the image', x);
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/**
 * 2D stationary wavelet transform, as `pywt.swt2(x, w, level, start_level, trim_approx=, norm=)`:
 * levels coarsest first, each `{cA, cH, cV, cD}` (cH: detail along axis 0, cV: along axis 1, as
 * `dwt2`); with `trimApprox` an `{ approx, details }` object. Both sides must be multiples of
 * 2^(level + startLevel).
 */
export function swt2(x: ArrayLike<number>, rows: number, cols: number, w: WaveletLike, level: number, opts?: SwtOptions & { trimApprox?: false }): Swt2Level[];
export function swt2(x: ArrayLike<number>, rows: number, cols: number, w: WaveletLike, level: number, opts: SwtOptions & { trimApprox: true }): Swt2Trimmed;
export function swt2(x: ArrayLike<number>, rows: number, cols: number, w: WaveletLike, level: number, opts: SwtOptions = {}): Swt2Level[] | Swt2Trimmed {
  const xs = checkImage('swt2', x, rows, cols);
  const levels = swt2Core('swt2', xs, 1, rows, cols, w, level, opts);
  if (opts.trimApprox) return { approx: levels[0].cA, details: levels.map(({ cH, cV, cD }) => ({ cH, cV, cD })), rows, cols };
  return levels.map((l) => ({ ...l, rows, cols }));
}

/**
 * `swt2` of every image of a batch (b × rows × cols). With `axes` (PyWavelets', default [−2, −1])
 * X may have any number of axes; the outputs keep X's axes.
 */
export function swt2Batch(X: NdArray, w: WaveletLike, level: number, opts: SwtOptions & { trimApprox?: false; axes?: [number, number] } = {}): Swt2BatchLevel[] {
  const axes = opts.axes ?? [-2, -1];
  const nd = X.shape.length;
  const ax = axes.map((a) => normalizeAxis('swt2Batch', a, nd));
  if (ax[0] === ax[1]) throw new AwdError('swt2Batch', `the two axes must differ, got [${axes.join(', ')}]`);
  if (!(nd === 3 && ax[0] === 1 && ax[1] === 2)) {
    const perm = toEndPerm(nd, ax);
    const moved = transpose(X, perm);
    const [R, C] = moved.shape.slice(nd - 2);
    const lead = moved.shape.slice(0, nd - 2);
    const inv = inversePerm(perm);
    const back = (a: NdArray): NdArray => transpose(ndarray(a.data, [...lead, R, C]), inv);
    return swt2Batch(ndarray(moved.data, [moved.data.length / (R * C), R, C]), w, level, { ...opts, axes: undefined }).map((l) => ({
      cA: back(l.cA), cH: back(l.cH), cV: back(l.cV), cD: back(l.cD),
    }));
  }
  if (X.shape.length !== 3 || X.shape.some((d) => d < 1)) throw new AwdError('swt2Batch', `expected a batch of shape [n, rows, cols], got [${X.shape.join(', ')}]`);
  checkFinite('swt2Batch', 'the images', X.data);
  const [b, R, C] = X.shape;
  return swt2Core('swt2Batch', X.data, b, R, C, w, level, opts).map((l) => ({
    cA: ndarray(l.cA, [b, R, C]), cH: ndarray(l.cH, [b, R, C]), cV: ndarray(l.cV, [b, R, C]), cD: ndarray(l.cD, [b, R, C]),
  }));
}

function iswt2Core(where: string, approx: Float64Array, details: { cH: Float64Array; cV: Float64Array; cD: Float64Array }[], b: number, R: number, C: number, w: WaveletLike, norm: boolean): Float64Array {
  const wl = resolveWavelet(w);
  const t = swtTaps(where, wl, norm);
  const J = details.length;
  if (J > Math.min(swtMaxLevel(R), swtMaxLevel(C))) throw new AwdError(where, `${J} levels need sides that are multiples of 2^${J}, got ${R} × ${C}`);
  const size = R * C;
  const out = Float64Array.from(approx);
  const next = new Float64Array(size);
  const work = new Float64Array(2 * size);
  for (let k = 0; k < J; k++) {
    const s = 2 ** (J - 1 - k);
    const d = details[k];
    for (let i = 0; i < b; i++) {
      iswt2LevelImage(out, d.cH, d.cV, d.cD, i * size, R, C, t, s, next, 0, work);
      out.set(next, i * size);
    }
  }
  return out;
}

/** Inverse of `swt2`, as `pywt.iswt2(coeffs, w, norm=)`, from either form `swt2` returns. */
export function iswt2(coeffs: Swt2Level[] | Swt2Trimmed, w: WaveletLike, opts: { norm?: boolean } = {}): { data: Float64Array; rows: number; cols: number } {
  const trimmed = !Array.isArray(coeffs);
  const rows = trimmed ? coeffs.rows : coeffs[0]?.rows;
  const cols = trimmed ? coeffs.cols : coeffs[0]?.cols;
  if (rows === undefined || cols === undefined) throw new AwdError('iswt2', 'no coefficients given');
  const approx = trimmed ? coeffs.approx : coeffs[0].cA;
  const details = trimmed ? coeffs.details : coeffs.map(({ cH, cV, cD }) => ({ cH, cV, cD }));
  checkSwtCoeffs('iswt2', [approx, ...details.flatMap((d) => [d.cH, d.cV, d.cD])], rows * cols);
  return { data: iswt2Core('iswt2', approx, details, 1, rows, cols, w, opts.norm === true), rows, cols };
}

/** `iswt2` of a batch decomposition from `swt2Batch`. */
export function iswt2Batch(levels: Swt2BatchLevel[], w: WaveletLike, opts: { norm?: boolean } = {}): NdArray {
  if (levels.length === 0) throw new AwdError('iswt2Batch', 'no coefficients given');
  const shape = levels[0].cA.shape;
  if (shape.length !== 3) throw new AwdError('iswt2Batch', `expected arrays of shape [n, rows, cols], got [${shape.join(', ')}]`);
  const [b, R, C] = shape;
  for (const l of levels) {
    for (const a of [l.cH, l.cV, l.cD]) {
      if (a.shape.join() !== shape.join()) throw new AwdError('iswt2Batch', `every subband must have shape [${shape.join(', ')}], got [${a.shape.join(', ')}]`);
    }
  }
  checkSwtCoeffs('iswt2Batch', [levels[0].cA.data, ...levels.flatMap((l) => [l.cH.data, l.cV.data, l.cD.data])], b * R * C);
  const details = levels.map((l) => ({ cH: l.cH.data, cV: l.cV.data, cD: l.cD.data }));
  return ndarray(iswt2Core('iswt2Batch', levels[0].cA.data, details, b, R, C, w, opts.norm === true), [b, R, C]);
}

// ---------------------------------------------------------------------------------------------
// Filter derivatives and the batched multilevel operators of the learnable SWT
// ---------------------------------------------------------------------------------------------

/**
 * Filter derivative of a dilated correlation: `dF[u] += scale · Σ_r Σ_k g[r,k] · x[r, (k + s(u + c)) mod n]`
 * (∂⟨g, dilatedRows(x)⟩/∂f[u], and of the synthesis through ⟨g, ½ Lᵀ a⟩ = ½ ⟨L g, a⟩).
 */
export function dilatedRowsFilterGrad(g: Float64Array, x: Float64Array, rows: number, n: number, s: number, c: number, dF: Float64Array, scale: number): void {
  const F = dF.length;
  const P = n + s * (F - 1);
  const xp = new Float64Array(P);
  const first = mod(s * c, n);
  const acc = new Float64Array(F);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    wrapRow(x, o, n, first, xp, P);
    for (let u = 0; u < F; u++) {
      let sum = 0;
      for (let k = 0, i = u * s; k < n; k++, i++) sum += g[o + k] * xp[i];
      acc[u] += sum;
    }
  }
  for (let u = 0; u < F; u++) dF[u] += scale * acc[u];
}

/** Batched multilevel 1D SWT with the kernels' taps lo, hi (b signals of length n, J levels). */
export class SwtPlan1D {
  constructor(readonly n: number, readonly filterLen: number, readonly levels: number) {
    if (!Number.isInteger(levels) || levels < 1) throw new AwdError('SwtPlan1D', `the number of levels must be an integer >= 1, got ${levels}`);
    if (n % 2 ** levels !== 0) {
      throw new AwdError('SwtPlan1D', `the undecimated transform with ${levels} levels needs a length that is a multiple of 2^${levels} = ${2 ** levels}, got ${n}; use fewer levels or pad the signals`);
    }
  }
  /** Dilation of level j (1-based). */
  step(j: number): number {
    return 2 ** (j - 1);
  }
  get c(): number {
    return 1 - this.filterLen / 2;
  }
}

/** Forward state of the multilevel SWT: approximations[j] = A_j (b × n); [0] is the input. */
export interface SwtAnalysis1D {
  approx: Float64Array;
  details: Float64Array[];
  approximations: Float64Array[];
}

/** J levels of the SWT of b signals (filters lo, hi = the kernels' analysis taps). */
export function swtAnalysis1d(plan: SwtPlan1D, x: Float64Array, b: number, lo: Float64Array, hi: Float64Array): SwtAnalysis1D {
  const { n } = plan;
  const approximations = [x];
  const details: Float64Array[] = [];
  for (let j = 1; j <= plan.levels; j++) {
    const A = new Float64Array(b * n);
    const D = new Float64Array(b * n);
    dilatedRows(approximations[j - 1], b, n, lo, hi, plan.step(j), plan.c, A, D);
    approximations.push(A);
    details.push(D);
  }
  return { approx: approximations[plan.levels], details, approximations };
}

/** Backward of `swtAnalysis1d`: filter gradients into dLo, dHi; the input gradient when asked. */
export function swtAnalysisBackward1d(
  plan: SwtPlan1D, fwd: SwtAnalysis1D, b: number, gApprox: Float64Array, gDetails: (Float64Array | null)[],
  lo: Float64Array, hi: Float64Array, dLo: Float64Array, dHi: Float64Array, wantInput = false,
): Float64Array | null {
  const { n } = plan;
  const rlo = lo.slice().reverse();
  const rhi = hi.slice().reverse();
  let g = gApprox;
  for (let j = plan.levels; j >= 1; j--) {
    const s = plan.step(j);
    const src = fwd.approximations[j - 1];
    const gd = gDetails[j - 1];
    dilatedRowsFilterGrad(g, src, b, n, s, plan.c, dLo, 1);
    if (gd) dilatedRowsFilterGrad(gd, src, b, n, s, plan.c, dHi, 1);
    if (j === 1 && !wantInput) return null;
    const prev = new Float64Array(b * n);
    dilatedRowsSum(g, gd, b, n, rlo, rhi, s, -plan.filterLen / 2, 1, prev, false);
    g = prev;
  }
  return g;
}

/** Forward state of the multilevel inverse SWT (the inputs of each level, for the backward pass). */
export interface SwtSynthesis1D {
  out: Float64Array;
  /** inputs[j-1]: the approximation entering level j. */
  inputs: Float64Array[];
  details: Float64Array[];
}

/** The inverse SWT y_{j-1} = ½ (Lᵀ y_j + Hᵀ D_j) from level J down to 1. */
export function swtSynthesis1d(plan: SwtPlan1D, approx: Float64Array, details: Float64Array[], b: number, lo: Float64Array, hi: Float64Array): SwtSynthesis1D {
  const { n } = plan;
  const rlo = lo.slice().reverse();
  const rhi = hi.slice().reverse();
  const inputs: Float64Array[] = new Array(plan.levels);
  let cur = approx;
  for (let j = plan.levels; j >= 1; j--) {
    inputs[j - 1] = cur;
    const next = new Float64Array(b * n);
    dilatedRowsSum(cur, details[j - 1], b, n, rlo, rhi, plan.step(j), -plan.filterLen / 2, 0.5, next, false);
    cur = next;
  }
  return { out: cur, inputs, details };
}

/**
 * Backward of `swtSynthesis1d` for the output gradient gOut: the coefficient gradients
 * (`[approx, details…]`), filter gradients when dLo/dHi are given, and the per-level output
 * gradients in `trace`. With fwd = null and no filters it is the adjoint Sᵀ.
 */
export function swtSynthesisBackward1d(
  plan: SwtPlan1D, fwd: SwtSynthesis1D | null, b: number, gOut: Float64Array, lo: Float64Array, hi: Float64Array,
  dLo: Float64Array | null, dHi: Float64Array | null, trace?: Float64Array[],
): { approx: Float64Array; details: Float64Array[] } {
  const { n } = plan;
  const details: Float64Array[] = new Array(plan.levels);
  let g = gOut;
  for (let j = 1; j <= plan.levels; j++) {
    const s = plan.step(j);
    trace?.push(g);
    if (fwd && dLo && dHi) {
      dilatedRowsFilterGrad(fwd.inputs[j - 1], g, b, n, s, plan.c, dLo, 0.5);
      dilatedRowsFilterGrad(fwd.details[j - 1], g, b, n, s, plan.c, dHi, 0.5);
    }
    const gA = new Float64Array(b * n);
    const gD = new Float64Array(b * n);
    dilatedRows(g, b, n, lo, hi, s, plan.c, gA, gD);
    for (let i = 0; i < gA.length; i++) {
      gA[i] *= 0.5;
      gD[i] *= 0.5;
    }
    details[j - 1] = gD;
    g = gA;
  }
  return { approx: g, details };
}

/** ∂⟨g, S c⟩/∂(lo, hi) for the synthesis `fwd` of c, from the trace of g's adjoint pass. */
export function swtSynthesisFilterGrad1d(plan: SwtPlan1D, fwd: SwtSynthesis1D, b: number, trace: Float64Array[], dLo: Float64Array, dHi: Float64Array): void {
  for (let j = 1; j <= plan.levels; j++) {
    const g = trace[j - 1];
    dilatedRowsFilterGrad(fwd.inputs[j - 1], g, b, plan.n, plan.step(j), plan.c, dLo, 0.5);
    dilatedRowsFilterGrad(fwd.details[j - 1], g, b, plan.n, plan.step(j), plan.c, dHi, 0.5);
  }
}

// ---------------------------------------------------------------------------------------------
// 2D: the batched multilevel operators of the learnable SWT on images
// ---------------------------------------------------------------------------------------------

/** Filter derivative along axis 0 of an n × W block: dF[u] += scale · Σ g[k, j] x[(k + s(u + c)) mod n, j]. */
export function dilatedColsFilterGrad(g: Float64Array, gOff: number, x: Float64Array, xOff: number, n: number, W: number, s: number, c: number, dF: Float64Array, scale: number): void {
  const F = dF.length;
  for (let u = 0; u < F; u++) {
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const xr = xOff + mod(k + s * (u + c), n) * W;
      const gr = gOff + k * W;
      for (let j = 0; j < W; j++) sum += g[gr + j] * x[xr + j];
    }
    dF[u] += scale * sum;
  }
}

/** Batched multilevel 2D SWT of b images R × C (both multiples of 2^levels). */
export class SwtPlan2D {
  constructor(readonly rows: number, readonly cols: number, readonly filterLen: number, readonly levels: number) {
    if (!Number.isInteger(levels) || levels < 1) throw new AwdError('SwtPlan2D', `the number of levels must be an integer >= 1, got ${levels}`);
    const m = 2 ** levels;
    if (rows % m !== 0 || cols % m !== 0) {
      throw new AwdError('SwtPlan2D', `the undecimated transform with ${levels} levels needs sides that are multiples of 2^${levels} = ${m}, got ${rows} × ${cols}; use fewer levels or pad the images`);
    }
  }
  step(j: number): number {
    return 2 ** (j - 1);
  }
  get c(): number {
    return 1 - this.filterLen / 2;
  }
}

/** One level's subbands (b × R × C each): cH = detail along axis 0, cV = along axis 1. */
export interface SwtDetails2D {
  cH: Float64Array;
  cV: Float64Array;
  cD: Float64Array;
}

/** Forward state of the 2D SWT. */
export interface SwtAnalysis2D {
  approx: Float64Array;
  details: SwtDetails2D[];
  /** approximations[j] = A_j; [0] is the input. */
  approximations: Float64Array[];
  /** The axis-0 pass of level j at j-1: lowpass La and highpass Ld (b × R × C). */
  colPass: { La: Float64Array; Ld: Float64Array }[];
}

function colsOf(x: Float64Array, b: number, R: number, C: number, f0: Float64Array, f1: Float64Array, s: number, c: number, o0: Float64Array, o1: Float64Array): void {
  for (let i = 0; i < b; i++) dilatedCols(x, i * R * C, R, C, f0, f1, s, c, o0, o1, i * R * C);
}

function colsSumOf(a: Float64Array, d: Float64Array, b: number, R: number, C: number, g0: Float64Array, g1: Float64Array, s: number, c: number, scale: number, out: Float64Array): void {
  for (let i = 0; i < b; i++) dilatedColsSum(a, d, i * R * C, R, C, g0, g1, s, c, scale, out, i * R * C);
}

function colsGradOf(g: Float64Array, x: Float64Array, b: number, R: number, C: number, s: number, c: number, dF: Float64Array, scale: number): void {
  for (let i = 0; i < b; i++) dilatedColsFilterGrad(g, i * R * C, x, i * R * C, R, C, s, c, dF, scale);
}

/** J levels of the 2D SWT (axis 0, then axis 1, as `swt2`). */
export function swtAnalysis2d(plan: SwtPlan2D, x: Float64Array, b: number, lo: Float64Array, hi: Float64Array): SwtAnalysis2D {
  const { rows: R, cols: C } = plan;
  const size = b * R * C;
  const approximations = [x];
  const details: SwtDetails2D[] = [];
  const colPass: { La: Float64Array; Ld: Float64Array }[] = [];
  for (let j = 1; j <= plan.levels; j++) {
    const s = plan.step(j);
    const La = new Float64Array(size), Ld = new Float64Array(size);
    colsOf(approximations[j - 1], b, R, C, lo, hi, s, plan.c, La, Ld);
    const A = new Float64Array(size), cV = new Float64Array(size), cH = new Float64Array(size), cD = new Float64Array(size);
    dilatedRows(La, b * R, C, lo, hi, s, plan.c, A, cV);
    dilatedRows(Ld, b * R, C, lo, hi, s, plan.c, cH, cD);
    approximations.push(A);
    details.push({ cH, cV, cD });
    colPass.push({ La, Ld });
  }
  return { approx: approximations[plan.levels], details, approximations, colPass };
}

/** Backward of `swtAnalysis2d`: filter gradients into dLo, dHi (and the input gradient when asked). */
export function swtAnalysisBackward2d(
  plan: SwtPlan2D, fwd: SwtAnalysis2D, b: number, gApprox: Float64Array, gDetails: SwtDetails2D[],
  lo: Float64Array, hi: Float64Array, dLo: Float64Array, dHi: Float64Array, wantInput = false,
): Float64Array | null {
  const { rows: R, cols: C } = plan;
  const size = b * R * C;
  const rlo = lo.slice().reverse();
  const rhi = hi.slice().reverse();
  const c0 = -plan.filterLen / 2;
  let g = gApprox;
  for (let j = plan.levels; j >= 1; j--) {
    const s = plan.step(j);
    const { La, Ld } = fwd.colPass[j - 1];
    const gd = gDetails[j - 1];
    // Row pass (axis 1): A = Lr La, cV = Hr La, cH = Lr Ld, cD = Hr Ld.
    dilatedRowsFilterGrad(g, La, b * R, C, s, plan.c, dLo, 1);
    dilatedRowsFilterGrad(gd.cH, Ld, b * R, C, s, plan.c, dLo, 1);
    dilatedRowsFilterGrad(gd.cV, La, b * R, C, s, plan.c, dHi, 1);
    dilatedRowsFilterGrad(gd.cD, Ld, b * R, C, s, plan.c, dHi, 1);
    const gLa = new Float64Array(size), gLd = new Float64Array(size);
    dilatedRowsSum(g, gd.cV, b * R, C, rlo, rhi, s, c0, 1, gLa, false);
    dilatedRowsSum(gd.cH, gd.cD, b * R, C, rlo, rhi, s, c0, 1, gLd, false);
    // Column pass (axis 0): La = Lc x, Ld = Hc x.
    const src = fwd.approximations[j - 1];
    colsGradOf(gLa, src, b, R, C, s, plan.c, dLo, 1);
    colsGradOf(gLd, src, b, R, C, s, plan.c, dHi, 1);
    if (j === 1 && !wantInput) return null;
    const prev = new Float64Array(size);
    colsSumOf(gLa, gLd, b, R, C, rlo, rhi, s, c0, 1, prev);
    g = prev;
  }
  return g;
}

/** Forward state of the 2D inverse SWT. */
export interface SwtSynthesis2D {
  out: Float64Array;
  /** inputs[j-1]: the approximation entering level j. */
  inputs: Float64Array[];
  details: SwtDetails2D[];
  /** The row-pass outputs of level j at j-1 (approximation and detail along axis 0). */
  rowPass: { L: Float64Array; H: Float64Array }[];
}

/** The inverse 2D SWT: per level L = ½(Lrᵀ A + Hrᵀ cV), H = ½(Lrᵀ cH + Hrᵀ cD), y = ½(Lcᵀ L + Hcᵀ H). */
export function swtSynthesis2d(plan: SwtPlan2D, approx: Float64Array, details: SwtDetails2D[], b: number, lo: Float64Array, hi: Float64Array): SwtSynthesis2D {
  const { rows: R, cols: C } = plan;
  const size = b * R * C;
  const rlo = lo.slice().reverse();
  const rhi = hi.slice().reverse();
  const c0 = -plan.filterLen / 2;
  const inputs: Float64Array[] = new Array(plan.levels);
  const rowPass: { L: Float64Array; H: Float64Array }[] = new Array(plan.levels);
  let cur = approx;
  for (let j = plan.levels; j >= 1; j--) {
    const s = plan.step(j);
    const d = details[j - 1];
    inputs[j - 1] = cur;
    const L = new Float64Array(size), H = new Float64Array(size);
    dilatedRowsSum(cur, d.cV, b * R, C, rlo, rhi, s, c0, 0.5, L, false);
    dilatedRowsSum(d.cH, d.cD, b * R, C, rlo, rhi, s, c0, 0.5, H, false);
    rowPass[j - 1] = { L, H };
    const next = new Float64Array(size);
    colsSumOf(L, H, b, R, C, rlo, rhi, s, c0, 0.5, next);
    cur = next;
  }
  return { out: cur, inputs, details, rowPass };
}

/** Per-level gradients of a 2D synthesis adjoint pass (for `swtSynthesisFilterGrad2d`). */
export interface SwtTrace2D {
  g: Float64Array;
  gL: Float64Array;
  gH: Float64Array;
}

function filterGradLevel2d(plan: SwtPlan2D, fwd: SwtSynthesis2D, b: number, j: number, t: SwtTrace2D, dLo: Float64Array, dHi: Float64Array): void {
  const { rows: R, cols: C } = plan;
  const s = plan.step(j);
  const { L, H } = fwd.rowPass[j - 1];
  const d = fwd.details[j - 1];
  colsGradOf(L, t.g, b, R, C, s, plan.c, dLo, 0.5);
  colsGradOf(H, t.g, b, R, C, s, plan.c, dHi, 0.5);
  dilatedRowsFilterGrad(fwd.inputs[j - 1], t.gL, b * R, C, s, plan.c, dLo, 0.5);
  dilatedRowsFilterGrad(d.cV, t.gL, b * R, C, s, plan.c, dHi, 0.5);
  dilatedRowsFilterGrad(d.cH, t.gH, b * R, C, s, plan.c, dLo, 0.5);
  dilatedRowsFilterGrad(d.cD, t.gH, b * R, C, s, plan.c, dHi, 0.5);
}

/** Backward of `swtSynthesis2d` (the adjoint Sᵀ with fwd = null and no filters). */
export function swtSynthesisBackward2d(
  plan: SwtPlan2D, fwd: SwtSynthesis2D | null, b: number, gOut: Float64Array, lo: Float64Array, hi: Float64Array,
  dLo: Float64Array | null, dHi: Float64Array | null, trace?: SwtTrace2D[],
): { approx: Float64Array; details: SwtDetails2D[] } {
  const { rows: R, cols: C } = plan;
  const size = b * R * C;
  const details: SwtDetails2D[] = new Array(plan.levels);
  let g = gOut;
  for (let j = 1; j <= plan.levels; j++) {
    const s = plan.step(j);
    const gL = new Float64Array(size), gH = new Float64Array(size);
    colsOf(g, b, R, C, lo, hi, s, plan.c, gL, gH);
    for (let i = 0; i < size; i++) {
      gL[i] *= 0.5;
      gH[i] *= 0.5;
    }
    const t = { g, gL, gH };
    trace?.push(t);
    if (fwd && dLo && dHi) filterGradLevel2d(plan, fwd, b, j, t, dLo, dHi);
    const gA = new Float64Array(size), cV = new Float64Array(size), cH = new Float64Array(size), cD = new Float64Array(size);
    dilatedRows(gL, b * R, C, lo, hi, s, plan.c, gA, cV);
    dilatedRows(gH, b * R, C, lo, hi, s, plan.c, cH, cD);
    for (let i = 0; i < size; i++) {
      gA[i] *= 0.5;
      cV[i] *= 0.5;
      cH[i] *= 0.5;
      cD[i] *= 0.5;
    }
    details[j - 1] = { cH, cV, cD };
    g = gA;
  }
  return { approx: g, details };
}

/** ∂⟨g, S c⟩/∂(lo, hi) for the 2D synthesis `fwd` of c, from the trace of g's adjoint pass. */
export function swtSynthesisFilterGrad2d(plan: SwtPlan2D, fwd: SwtSynthesis2D, b: number, trace: SwtTrace2D[], dLo: Float64Array, dHi: Float64Array): void {
  for (let j = 1; j <= plan.levels; j++) filterGradLevel2d(plan, fwd, b, j, trace[j - 1], dLo, dHi);
}
