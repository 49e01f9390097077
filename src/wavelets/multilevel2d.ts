/**
 * Batched multilevel 2D (separable) filter bank with its adjoints and filter derivatives.
 *
 * A batch is `b` images of `rows × cols`, one contiguous row-major buffer. The same filters act
 * along both axes. Subbands follow PyWavelets' `dwt2` naming: `cH` = highpass along axis 0 and
 * lowpass along axis 1 ('da'), `cV` = lowpass along axis 0 and highpass along axis 1 ('ad'),
 * `cD` = highpass along both ('dd'). Coefficients use the reference's order: `approx` (level J),
 * then `details[0]` (level 1, finest) … `details[J-1]`.
 * @module
 */
import { type ExtensionMap, type Mode } from './modes.ts';
import { analyzeCols, analyzeRows, filterGradCols, filterGradRows, layoutOf, scatterColsInto, scatterRows } from './kernels.ts';
import { uninitializedArray, zeroedArray } from './scratch.ts';
import { Plan1D } from './multilevel1d.ts';

/** The three detail subbands of one level, each b × rows_j × cols_j. */
export interface Details2D {
  cH: Float64Array;
  cV: Float64Array;
  cD: Float64Array;
}

/** Coefficients of a 2D batch, reference order. */
export interface Coeffs2D {
  approx: Float64Array;
  details: Details2D[];
}

/** Sizes and maps of a J-level 2D transform: one 1D plan per axis. */
export class Plan2D {
  readonly rowPlan: Plan1D; // along axis 0 (length `rows`)
  readonly colPlan: Plan1D; // along axis 1 (length `cols`)
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly filterLen: number,
    readonly mode: Mode,
    readonly levels: number,
  ) {
    this.rowPlan = new Plan1D(rows, filterLen, mode, levels);
    this.colPlan = new Plan1D(cols, filterLen, mode, levels);
  }
  /** [rows_j, cols_j] at level j (j = 0 is the input). */
  shape(j: number): [number, number] {
    return [this.rowPlan.lens[j], this.colPlan.lens[j]];
  }
}

/** Analysis result with intermediates for the backward pass. */
export interface Analysis2D extends Coeffs2D {
  /** approximations[j]: A_j (b × rows_j × cols_j); [0] is the input. */
  approximations: Float64Array[];
  /** Row-pass outputs of level j at j-1: lowpass (L) and highpass (H) along axis 1, b × rows_{j-1} × cols_j. */
  rowPass: { L: Float64Array; H: Float64Array }[];
}

/** Forward multilevel 2D analysis of `b` images. */
export function analysis2d(plan: Plan2D, x: Float64Array, b: number, lo: Float64Array, hi: Float64Array): Analysis2D {
  const approximations: Float64Array[] = [x];
  const details: Details2D[] = [];
  const rowPass: { L: Float64Array; H: Float64Array }[] = [];
  for (let j = 1; j <= plan.levels; j++) {
    const [R, C] = plan.shape(j - 1);
    const [Rs, Cs] = plan.shape(j);
    const src = approximations[j - 1];
    // Every value of these is written below.
    const L = uninitializedArray(b * R * Cs);
    const H = uninitializedArray(b * R * Cs);
    const a = uninitializedArray(b * Rs * Cs);
    const cH = uninitializedArray(b * Rs * Cs);
    const cV = uninitializedArray(b * Rs * Cs);
    const cD = uninitializedArray(b * Rs * Cs);
    for (let i = 0; i < b; i++) {
      analysisLevel2d(plan, j, src, i * R * C, L, H, i * R * Cs, a, i * Rs * Cs, cH, cV, cD, i * Rs * Cs, lo, hi);
    }
    approximations.push(a);
    details.push({ cH, cV, cD });
    rowPass.push({ L, H });
  }
  return { approx: approximations[plan.levels], details, approximations, rowPass };
}

/**
 * One level of the 2D analysis of one image (offset `xOff` in `src`): the row pass (along axis 1)
 * into L and H at `lhOff`, then the column pass (along axis 0) into the four subbands at
 * `outOff`. Image by image, so the row-pass output is still in cache for the column pass.
 */
function analysisLevel2d(
  plan: Plan2D, j: number, src: Float64Array, xOff: number, L: Float64Array, H: Float64Array, lhOff: number,
  a: Float64Array, aOff: number, cH: Float64Array, cV: Float64Array, cD: Float64Array, outOff: number, lo: Float64Array, hi: Float64Array,
): void {
  const [R, C] = plan.shape(j - 1);
  const Cs = plan.colPlan.lens[j];
  const emC = plan.colPlan.analysisMaps[j - 1];
  const emR = plan.rowPlan.analysisMaps[j - 1];
  analyzeRows(src, xOff, C, R, emC, lo, hi, L, lhOff, Cs, H, lhOff, Cs);
  analyzeCols(L, lhOff, Cs, emR, lo, hi, a, aOff, cH, outOff);
  analyzeCols(H, lhOff, Cs, emR, lo, hi, cV, outOff, cD, outOff);
}

/**
 * The coefficients of `analysis2d` without the intermediates the backward pass needs: each image
 * goes through all levels at once, its row passes and intermediate approximations in small work
 * buffers that stay in cache. For transforms that are not differentiated, such as
 * `wavedec2Batch`. Same values as `analysis2d`.
 */
export function analysis2dCoeffs(plan: Plan2D, x: Float64Array, b: number, lo: Float64Array, hi: Float64Array): Coeffs2D {
  const J = plan.levels;
  const [RJ, CJ] = plan.shape(J);
  // Every value of the outputs is written below.
  const approx = uninitializedArray(b * RJ * CJ);
  const details: Details2D[] = [];
  for (let j = 1; j <= J; j++) {
    const [Rs, Cs] = plan.shape(j);
    details.push({ cH: uninitializedArray(b * Rs * Cs), cV: uninitializedArray(b * Rs * Cs), cD: uninitializedArray(b * Rs * Cs) });
  }
  const [R0, C0] = plan.shape(0);
  // Work buffers for the largest level (sizes can grow with the level for images smaller than the
  // filter).
  let rowPassSize = 0;
  let levelSize = 0;
  for (let j = 1; j <= J; j++) {
    rowPassSize = Math.max(rowPassSize, plan.shape(j - 1)[0] * plan.shape(j)[1]);
    levelSize = Math.max(levelSize, plan.shape(j)[0] * plan.shape(j)[1]);
  }
  const L = new Float64Array(rowPassSize);
  const H = new Float64Array(rowPassSize);
  const work = [new Float64Array(levelSize), new Float64Array(levelSize)];
  for (let i = 0; i < b; i++) {
    let src = x;
    let srcOff = i * R0 * C0;
    for (let j = 1; j <= J; j++) {
      const [Rs, Cs] = plan.shape(j);
      const last = j === J;
      const a = last ? approx : work[j & 1];
      const aOff = last ? i * Rs * Cs : 0;
      const d = details[j - 1];
      analysisLevel2d(plan, j, src, srcOff, L, H, 0, a, aOff, d.cH, d.cV, d.cD, i * Rs * Cs, lo, hi);
      src = a;
      srcOff = aOff;
    }
  }
  return { approx, details };
}

/**
 * Backward pass of the 2D analysis: adds the filter gradient into dLo/dHi; returns the gradient
 * w.r.t. the input when `wantInput`.
 */
export function analysisBackward2d(
  plan: Plan2D, fwd: Analysis2D, b: number, gApprox: Float64Array, gDetails: Details2D[],
  lo: Float64Array, hi: Float64Array, dLo: Float64Array, dHi: Float64Array, wantInput = false,
): Float64Array | null {
  let g = gApprox;
  for (let j = plan.levels; j >= 1; j--) {
    const [R, C] = plan.shape(j - 1);
    const [Rs, Cs] = plan.shape(j);
    const emC = plan.colPlan.analysisMaps[j - 1];
    const emR = plan.rowPlan.analysisMaps[j - 1];
    const gd = gDetails[j - 1];
    const { L, H } = fwd.rowPass[j - 1];
    const gL = zeroedArray(b * R * Cs);
    const gH = zeroedArray(b * R * Cs);
    for (let i = 0; i < b; i++) {
      const inOff = i * R * Cs;
      const outOff = i * Rs * Cs;
      filterGradCols(L, inOff, Cs, emR, g, outOff, gd.cH, outOff, dLo, dHi);
      filterGradCols(H, inOff, Cs, emR, gd.cV, outOff, gd.cD, outOff, dLo, dHi);
      scatterColsInto(g, outOff, gd.cH, outOff, Cs, emR, lo, hi, gL, inOff, false);
      scatterColsInto(gd.cV, outOff, gd.cD, outOff, Cs, emR, lo, hi, gH, inOff, false);
    }
    const src = fwd.approximations[j - 1];
    filterGradRows(src, 0, C, b * R, emC, gL, 0, Cs, gH, 0, Cs, dLo, dHi);
    if (j === 1 && !wantInput) return null;
    const gPrev = zeroedArray(b * R * C);
    scatterRows(gL, 0, Cs, gH, 0, Cs, b * R, emC, lo, hi, gPrev, 0, C, false);
    g = gPrev;
  }
  return g;
}

/** Synthesis result with intermediates for the backward pass. */
export interface Synthesis2D {
  out: Float64Array;
  outRows: number;
  outCols: number;
  /** inputs[j-1]: the (cropped) approximation entering level j (b × rows_j × cols_j). */
  inputs: Float64Array[];
  details: Details2D[];
  /** Column-pass outputs of level j at j-1 (b × recRows_j × cols_j): lowpass and highpass along axis 1. */
  colPass: { L: Float64Array; H: Float64Array }[];
}

/**
 * Forward multilevel 2D synthesis; each level's output is cropped to the next finer level's
 * shape, as PyWavelets' `waverec2`, and the last to `outRows × outCols` (default: the plan's).
 */
export function synthesis2d(
  plan: Plan2D, c: Coeffs2D, b: number, lo: Float64Array, hi: Float64Array,
  outRows = plan.rows, outCols = plan.cols,
): Synthesis2D {
  const inputs: Float64Array[] = new Array(plan.levels);
  const colPass: { L: Float64Array; H: Float64Array }[] = new Array(plan.levels);
  let cur = c.approx;
  let [curR, curC] = plan.shape(plan.levels);
  for (let j = plan.levels; j >= 1; j--) {
    const [Rs, Cs] = plan.shape(j);
    const input = curR === Rs && curC === Cs ? cur : crop2d(cur, b, curR, curC, Rs, Cs);
    inputs[j - 1] = input;
    const Rr = plan.rowPlan.synthesisLens[j - 1];
    const Cr = plan.colPlan.synthesisLens[j - 1];
    const emR = plan.rowPlan.synthesisMaps[j - 1];
    const emC = plan.colPlan.synthesisMaps[j - 1];
    const d = c.details[j - 1];
    // Stored entirely by the kernels when the maps cover their outputs; else they start at zero.
    const alloc = (n: number, em: ExtensionMap): Float64Array => (layoutOf(em).covers ? uninitializedArray(n) : zeroedArray(n));
    const L = alloc(b * Rr * Cs, emR);
    const H = alloc(b * Rr * Cs, emR);
    const full = alloc(b * Rr * Cr, emC);
    for (let i = 0; i < b; i++) {
      // Image by image: the column pass's output is still in cache for the row pass.
      const inOff = i * Rs * Cs;
      const lhOff = i * Rr * Cs;
      scatterColsInto(input, inOff, d.cH, inOff, Cs, emR, lo, hi, L, lhOff, false);
      scatterColsInto(d.cV, inOff, d.cD, inOff, Cs, emR, lo, hi, H, lhOff, false);
      scatterRows(L, lhOff, Cs, H, lhOff, Cs, Rr, emC, lo, hi, full, i * Rr * Cr, Cr, false);
    }
    colPass[j - 1] = { L, H };
    cur = full;
    curR = Rr;
    curC = Cr;
  }
  if (curR !== outRows || curC !== outCols) {
    cur = crop2d(cur, b, curR, curC, outRows, outCols);
  }
  return { out: cur, outRows, outCols, inputs, details: c.details, colPass };
}

/**
 * Backward pass of the 2D synthesis: adds the filter gradient into dLo/dHi (when given, with the
 * forward result) and returns the gradient w.r.t. the coefficients. Without them it is the
 * adjoint Sᵀ of the synthesis.
 */
export function synthesisBackward2d(
  plan: Plan2D, fwd: Synthesis2D | null, b: number, gOut: Float64Array, outRows: number, outCols: number,
  lo: Float64Array, hi: Float64Array, dLo: Float64Array | null, dHi: Float64Array | null,
  trace?: SynthesisTrace2D[],
): Coeffs2D {
  const details: Details2D[] = new Array(plan.levels);
  let gR = plan.rowPlan.synthesisLens[0];
  let gC = plan.colPlan.synthesisLens[0];
  let g = gR === outRows && gC === outCols ? gOut : pad2d(gOut, b, outRows, outCols, gR, gC);
  for (let j = 1; j <= plan.levels; j++) {
    const [Rs, Cs] = plan.shape(j);
    const emR = plan.rowPlan.synthesisMaps[j - 1];
    const emC = plan.colPlan.synthesisMaps[j - 1];
    const grads = dLo !== null && dHi !== null && fwd !== null;
    // Row synthesis: full[r] = scatter(L[r], H[r]); backward = analyze along axis 1.
    const gL = uninitializedArray(b * gR * Cs); // written entirely by analyzeRows
    const gH = uninitializedArray(b * gR * Cs);
    if (grads) filterGradRows(g, 0, gC, b * gR, emC, fwd.colPass[j - 1].L, 0, Cs, fwd.colPass[j - 1].H, 0, Cs, dLo, dHi);
    analyzeRows(g, 0, gC, b * gR, emC, lo, hi, gL, 0, Cs, gH, 0, Cs);
    trace?.push({ g, gR, gC, gL, gH });
    // Written entirely by analyzeCols.
    const gA = uninitializedArray(b * Rs * Cs);
    const d: Details2D = { cH: uninitializedArray(b * Rs * Cs), cV: uninitializedArray(b * Rs * Cs), cD: uninitializedArray(b * Rs * Cs) };
    for (let i = 0; i < b; i++) {
      const inOff = i * gR * Cs;
      const outOff = i * Rs * Cs;
      if (grads) {
        filterGradCols(gL, inOff, Cs, emR, fwd.inputs[j - 1], outOff, fwd.details[j - 1].cH, outOff, dLo, dHi);
        filterGradCols(gH, inOff, Cs, emR, fwd.details[j - 1].cV, outOff, fwd.details[j - 1].cD, outOff, dLo, dHi);
      }
      analyzeCols(gL, inOff, Cs, emR, lo, hi, gA, outOff, d.cH, outOff);
      analyzeCols(gH, inOff, Cs, emR, lo, hi, d.cV, outOff, d.cD, outOff);
    }
    details[j - 1] = d;
    if (j < plan.levels) {
      const nR = plan.rowPlan.synthesisLens[j];
      const nC = plan.colPlan.synthesisLens[j];
      g = nR === Rs && nC === Cs ? gA : pad2d(gA, b, Rs, Cs, nR, nC);
      gR = nR;
      gC = nC;
    } else {
      g = gA;
    }
  }
  return { approx: g, details };
}

/** Per-level gradients of one synthesis backward pass (they depend only on the output gradient). */
export interface SynthesisTrace2D {
  g: Float64Array;
  gR: number;
  gC: number;
  gL: Float64Array;
  gH: Float64Array;
}

/**
 * The filter derivative of a 2D synthesis, ∂⟨g, S c⟩/∂(lo, hi), from the per-level gradients that
 * `synthesisBackward2d` recorded in `trace` for the output gradient g.
 */
export function synthesisFilterGrad2d(plan: Plan2D, fwd: Synthesis2D, b: number, trace: SynthesisTrace2D[], dLo: Float64Array, dHi: Float64Array): void {
  for (let j = 1; j <= plan.levels; j++) {
    const [Rs, Cs] = plan.shape(j);
    const emR = plan.rowPlan.synthesisMaps[j - 1];
    const emC = plan.colPlan.synthesisMaps[j - 1];
    const { g, gR, gC, gL, gH } = trace[j - 1];
    filterGradRows(g, 0, gC, b * gR, emC, fwd.colPass[j - 1].L, 0, Cs, fwd.colPass[j - 1].H, 0, Cs, dLo, dHi);
    for (let i = 0; i < b; i++) {
      const inOff = i * gR * Cs;
      const outOff = i * Rs * Cs;
      filterGradCols(gL, inOff, Cs, emR, fwd.inputs[j - 1], outOff, fwd.details[j - 1].cH, outOff, dLo, dHi);
      filterGradCols(gH, inOff, Cs, emR, fwd.details[j - 1].cV, outOff, fwd.details[j - 1].cD, outOff, dLo, dHi);
    }
  }
}

/** Top-left `toR × toC` corner of each of `b` images of `fromR × fromC`. */
export function crop2d(x: Float64Array, b: number, fromR: number, fromC: number, toR: number, toC: number): Float64Array {
  const out = zeroedArray(b * toR * toC);
  for (let i = 0; i < b; i++) {
    for (let r = 0; r < toR; r++) {
      const src = (i * fromR + r) * fromC;
      out.set(x.subarray(src, src + toC), (i * toR + r) * toC);
    }
  }
  return out;
}

/** Zero-pads each image to `toR × toC` (the adjoint of `crop2d`). */
export function pad2d(x: Float64Array, b: number, fromR: number, fromC: number, toR: number, toC: number): Float64Array {
  const out = zeroedArray(b * toR * toC);
  for (let i = 0; i < b; i++) {
    for (let r = 0; r < fromR; r++) {
      const src = (i * fromR + r) * fromC;
      out.set(x.subarray(src, src + fromC), (i * toR + r) * toC);
    }
  }
  return out;
}
