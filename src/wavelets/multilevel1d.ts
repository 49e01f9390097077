/**
 * Batched multilevel 1D filter bank with its adjoints and filter derivatives: the engine under
 * `wavedec`/`waverec` and under the adaptive wavelet transform.
 *
 * A batch is `b` signals of length `n`, one contiguous row-major buffer. Coefficients use the
 * reference's order: `approx` (level J) then `details[0]` (level 1, finest) … `details[J-1]`.
 * Level j maps a signal of length s_{j-1} to two arrays of length s_j (s_0 = n).
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { extensionMap, dwtCoeffLen, idwtOutputLen, type ExtensionMap, type Mode } from './modes.ts';
import { analyzeRows, filterGradRows, layoutOf, scatterRows, synthesisMap } from './kernels.ts';
import { uninitializedArray, zeroedArray } from './scratch.ts';

/** Precomputed sizes and extension maps of a J-level transform of signals of length n. */
export class Plan1D {
  /** s_0 = n, s_1, …, s_J: the signal / coefficient length at each level. */
  readonly lens: number[];
  /** Analysis map of level j at index j-1. */
  readonly analysisMaps: ExtensionMap[];
  /** Synthesis map of level j at index j-1 (output length `synthesisLens[j-1]`). */
  readonly synthesisMaps: ExtensionMap[];
  /** Length of the inverse of level j before cropping: s_{j-1} or s_{j-1} + 1. */
  readonly synthesisLens: number[];

  constructor(
    readonly n: number,
    readonly filterLen: number,
    readonly mode: Mode,
    readonly levels: number,
  ) {
    if (!Number.isInteger(levels) || levels < 1) {
      throw new AwdError('Plan1D', `the number of levels must be an integer >= 1, got ${levels}`);
    }
    if (filterLen < 2 || filterLen % 2 !== 0) {
      throw new AwdError('Plan1D', `the filter length must be even and >= 2, got ${filterLen}`);
    }
    this.lens = [n];
    this.analysisMaps = [];
    this.synthesisMaps = [];
    this.synthesisLens = [];
    for (let j = 1; j <= levels; j++) {
      const prev = this.lens[j - 1];
      const s = dwtCoeffLen(prev, filterLen, mode);
      const rec = idwtOutputLen(s, filterLen, mode);
      if (rec < 1) {
        throw new AwdError('Plan1D', `level ${j} leaves ${s} coefficient(s), too few to invert with a filter of length ${filterLen}; use fewer levels`);
      }
      this.lens.push(s);
      const am = extensionMap(prev, filterLen, mode);
      const sm = synthesisMap(s, filterLen, mode);
      this.analysisMaps.push(am);
      this.synthesisMaps.push(sm);
      this.synthesisLens.push(rec);
    }
  }

  /** Total number of coefficients per signal (approx + all details). */
  get coeffCount(): number {
    let total = this.lens[this.levels];
    for (let j = 1; j <= this.levels; j++) total += this.lens[j];
    return total;
  }
}

/** Coefficients of a batch, reference order. Each array is `b × s_j`. */
export interface Coeffs1D {
  approx: Float64Array;
  details: Float64Array[];
}

/** Analysis result with the intermediate approximations (needed by the backward pass). */
export interface Analysis1D extends Coeffs1D {
  /** approximations[j] is A_j (b × s_j); approximations[0] is the input. */
  approximations: Float64Array[];
}

/**
 * Signals per chunk: the multilevel loops run every level on a chunk of signals before moving
 * on, so each level reads what the previous one wrote while it is still in cache.
 */
export function chunkRows(rowLen: number): number {
  return Math.max(1, Math.floor(CHUNK_VALUES / Math.max(1, rowLen)));
}
const CHUNK_VALUES = 8192;

/** Forward multilevel analysis of `b` signals (`x` is b × n). */
export function analysis1d(plan: Plan1D, x: Float64Array, b: number, lo: Float64Array, hi: Float64Array): Analysis1D {
  const approximations: Float64Array[] = [x];
  const details: Float64Array[] = [];
  for (let j = 1; j <= plan.levels; j++) {
    // Every value is written below.
    approximations.push(uninitializedArray(b * plan.lens[j]));
    details.push(uninitializedArray(b * plan.lens[j]));
  }
  const chunk = chunkRows(plan.n);
  for (let r0 = 0; r0 < b; r0 += chunk) {
    const nr = Math.min(chunk, b - r0);
    for (let j = 1; j <= plan.levels; j++) {
      const sIn = plan.lens[j - 1];
      const s = plan.lens[j];
      analyzeRows(approximations[j - 1], r0 * sIn, sIn, nr, plan.analysisMaps[j - 1], lo, hi, approximations[j], r0 * s, s, details[j - 1], r0 * s, s);
    }
  }
  return { approx: approximations[plan.levels], details, approximations };
}

/**
 * The coefficients of `analysis1d` without the intermediate approximations (they live in two
 * small work buffers): for transforms that are not differentiated, such as `wavedecBatch`.
 * Same values as `analysis1d`.
 */
export function analysis1dCoeffs(plan: Plan1D, x: Float64Array, b: number, lo: Float64Array, hi: Float64Array): Coeffs1D {
  const J = plan.levels;
  const lens = plan.lens;
  // Every value of the outputs is written below.
  const approx = uninitializedArray(b * lens[J]);
  const details: Float64Array[] = [];
  for (let j = 1; j <= J; j++) details.push(uninitializedArray(b * lens[j]));
  const chunk = chunkRows(plan.n);
  // (Coefficient lengths can grow with the level when the signal is shorter than the filter.)
  const widest = Math.max(...lens.slice(1));
  const work = [new Float64Array(chunk * widest), new Float64Array(chunk * widest)];
  for (let r0 = 0; r0 < b; r0 += chunk) {
    const nr = Math.min(chunk, b - r0);
    let src = x;
    let srcOff = r0 * plan.n;
    for (let j = 1; j <= J; j++) {
      const s = lens[j];
      const last = j === J;
      const dst = last ? approx : work[j & 1];
      const dstOff = last ? r0 * s : 0;
      analyzeRows(src, srcOff, lens[j - 1], nr, plan.analysisMaps[j - 1], lo, hi, dst, dstOff, s, details[j - 1], r0 * s, s);
      src = dst;
      srcOff = dstOff;
    }
  }
  return { approx, details };
}

/**
 * Backward pass of the analysis: given gradients on the coefficients, adds the gradient w.r.t.
 * the filters into dLo/dHi and returns the gradient w.r.t. the input (b × n) when `wantInput`.
 */
export function analysisBackward1d(
  plan: Plan1D, fwd: Analysis1D, b: number, gApprox: Float64Array, gDetails: (Float64Array | null)[],
  lo: Float64Array, hi: Float64Array, dLo: Float64Array, dHi: Float64Array, wantInput = false,
): Float64Array | null {
  let g = gApprox;
  for (let j = plan.levels; j >= 1; j--) {
    const sIn = plan.lens[j - 1];
    const s = plan.lens[j];
    const em = plan.analysisMaps[j - 1];
    const gd = gDetails[j - 1] ?? zeroedArray(b * s);
    const src = fwd.approximations[j - 1];
    filterGradRows(src, 0, sIn, b, em, g, 0, s, gd, 0, s, dLo, dHi);
    if (j === 1 && !wantInput) return null;
    const gPrev = zeroedArray(b * sIn);
    scatterRows(g, 0, s, gd, 0, s, b, em, lo, hi, gPrev, 0, sIn, false);
    g = gPrev;
  }
  return g;
}

/** Synthesis result with the (cropped) approximations fed to each level. */
export interface Synthesis1D {
  /** b × outLen */
  out: Float64Array;
  outLen: number;
  /** inputs[j-1]: the approximation entering level j's inverse (b × s_j). */
  inputs: Float64Array[];
  /** The detail arrays the synthesis used (reference order). */
  details: Float64Array[];
}

/**
 * Forward multilevel synthesis (inverse DWT). Each level's output is cropped to the next finer
 * level's length, as PyWavelets' `waverec`; the final output to `outLen` (default: the plan's n).
 */
export function synthesis1d(
  plan: Plan1D, c: Coeffs1D, b: number, lo: Float64Array, hi: Float64Array, outLen = plan.n,
): Synthesis1D {
  const inputs: Float64Array[] = new Array(plan.levels);
  let cur = c.approx;
  let curLen = plan.lens[plan.levels];
  for (let j = plan.levels; j >= 1; j--) {
    const s = plan.lens[j];
    inputs[j - 1] = curLen === s ? cur : cropRows(cur, b, curLen, s);
    const rec = plan.synthesisLens[j - 1];
    const target = j === 1 ? outLen : plan.lens[j - 1];
    const em = plan.synthesisMaps[j - 1];
    // Stored entirely by the kernel when the map covers the output; else it must start at zero.
    const full = layoutOf(em).covers ? uninitializedArray(b * rec) : zeroedArray(b * rec);
    scatterRows(inputs[j - 1], 0, s, c.details[j - 1], 0, s, b, em, lo, hi, full, 0, rec, false);
    cur = full;
    curLen = rec;
    if (j === 1 && target !== rec) {
      cur = cropRows(full, b, rec, target);
      curLen = target;
    }
  }
  return { out: cur, outLen: curLen, inputs, details: c.details };
}

/**
 * Backward pass of the synthesis: given the gradient on the output (b × outLen), adds the
 * gradient w.r.t. the filters into dLo/dHi (when given) and returns the gradient w.r.t. the
 * coefficients. With dLo = dHi = null and no forward result this is the adjoint Sᵀ of the
 * synthesis operator (used for attributions, DESIGN.md §3).
 */
export function synthesisBackward1d(
  plan: Plan1D, fwd: Synthesis1D | null, b: number, gOut: Float64Array, outLen: number,
  lo: Float64Array, hi: Float64Array, dLo: Float64Array | null, dHi: Float64Array | null,
  trace?: Float64Array[],
): Coeffs1D {
  const details: Float64Array[] = new Array(plan.levels);
  // Gradient on the full (uncropped) output of level 1.
  let gLen = plan.synthesisLens[0];
  let g = outLen === gLen ? gOut : padRows(gOut, b, outLen, gLen);
  for (let j = 1; j <= plan.levels; j++) {
    const s = plan.lens[j];
    const em = plan.synthesisMaps[j - 1];
    trace?.push(g);
    if (dLo !== null && dHi !== null && fwd !== null) {
      filterGradRows(g, 0, gLen, b, em, fwd.inputs[j - 1], 0, s, fwd.details[j - 1], 0, s, dLo, dHi);
    }
    const gIn = uninitializedArray(b * s); // written entirely by analyzeRows
    const gD = uninitializedArray(b * s);
    analyzeRows(g, 0, gLen, b, em, lo, hi, gIn, 0, s, gD, 0, s);
    details[j - 1] = gD;
    if (j < plan.levels) {
      const nextLen = plan.synthesisLens[j];
      g = nextLen === s ? gIn : padRows(gIn, b, s, nextLen);
      gLen = nextLen;
    } else {
      g = gIn;
      gLen = s;
    }
  }
  return { approx: g, details };
}

/**
 * The filter derivative of a synthesis, ∂⟨g, S c⟩/∂(lo, hi), from the per-level gradients that
 * `synthesisBackward1d` recorded in `trace` for the output gradient g (they do not depend on c).
 * Used when one output gradient meets several coefficient sets: the adjoint chain runs once.
 */
export function synthesisFilterGrad1d(plan: Plan1D, fwd: Synthesis1D, b: number, trace: Float64Array[], dLo: Float64Array, dHi: Float64Array): void {
  for (let j = 1; j <= plan.levels; j++) {
    const s = plan.lens[j];
    const g = trace[j - 1];
    const gLen = g.length / b;
    filterGradRows(g, 0, gLen, b, plan.synthesisMaps[j - 1], fwd.inputs[j - 1], 0, s, fwd.details[j - 1], 0, s, dLo, dHi);
  }
}

/** Copies the first `to` columns of each of `b` rows of length `from`. */
export function cropRows(x: Float64Array, b: number, from: number, to: number): Float64Array {
  const out = zeroedArray(b * to);
  for (let i = 0; i < b; i++) out.set(x.subarray(i * from, i * from + to), i * to);
  return out;
}

/** Zero-pads each of `b` rows from length `from` to `to` (the adjoint of `cropRows`). */
export function padRows(x: Float64Array, b: number, from: number, to: number): Float64Array {
  const out = zeroedArray(b * to);
  for (let i = 0; i < b; i++) out.set(x.subarray(i * from, (i + 1) * from), i * to);
  return out;
}
