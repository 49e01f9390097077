/**
 * The AWD objective (paper Eq. 8) with the reference's exact normalisations (DESIGN.md §2), and
 * its exact gradient w.r.t. the lowpass filter h — first-order only (DESIGN.md §3).
 *
 * For a batch of B samples x_i with teacher input-gradients u_i = ∇f(x_i):
 *   c = W_h x,  x̂ = S_h c (S_h = W_h⁻¹, the synthesis),  a = S_hᵀ u  (TRIM saliency, Eq. 7)
 *   reconstruction = Σ_i ‖x_i − x̂_i‖² / B
 *   l1_wave        = Σ |c| / (J+1) / B           (γ, sparsity)
 *   l1_attr        = Σ |a| / (J+1) / B           (λ, interpretation)
 * plus the constraint terms of `constraints.ts`. The gradient of l1_attr uses
 * ∂/∂h Σ|S_hᵀ u| = ∂/∂h ⟨S_h s, u⟩ with s = sign(a) held fixed: an ordinary first-order
 * derivative of the synthesis. No second derivative of the teacher is ever needed.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { addHighpassGrad, cmf, highpassOf, highpassSum, lowpassSum, orthogonality, unitNorm, type TermValue } from './constraints.ts';
import type { FilterBankEngine } from './engine.ts';
import { scratchCopy, uninitializedArray, withScratch } from '../wavelets/scratch.ts';
import { addScaledSign, residual, signScale, sumAbs } from '../wavelets/simdKernels.ts';

/** Names of the weighted terms (the reconstruction weight is fixed at 1). */
export const WEIGHTED_TERMS = ['lowpass_sum', 'highpass_sum', 'unit_norm', 'cmf', 'orthogonality', 'l1_wave', 'l1_attr'] as const;
export type WeightedTerm = (typeof WEIGHTED_TERMS)[number];
export type TermName = 'reconstruction' | WeightedTerm;
export const TERM_NAMES: readonly TermName[] = ['reconstruction', ...WEIGHTED_TERMS];

/** Term weights; the reference's defaults are 1 for the constraints and 0 for the two L1 terms. */
export type Weights = Record<WeightedTerm, number>;

export const DEFAULT_WEIGHTS: Readonly<Weights> = Object.freeze({
  lowpass_sum: 1, highpass_sum: 1, unit_norm: 1, cmf: 1, orthogonality: 1, l1_wave: 0, l1_attr: 0,
});

/** Fills defaults and checks that every weight is a finite number ≥ 0. */
export function resolveWeights(w: Partial<Weights> = {}, where = 'resolveWeights'): Weights {
  const out = { ...DEFAULT_WEIGHTS };
  for (const [k, v] of Object.entries(w)) {
    if (!(WEIGHTED_TERMS as readonly string[]).includes(k)) {
      throw new AwdError(where, `unknown loss weight '${k}'; the weights are ${WEIGHTED_TERMS.join(', ')}`);
    }
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new AwdError(where, `the weight of ${k} must be a finite number >= 0, got ${v}`);
    }
    out[k as WeightedTerm] = v;
  }
  return out;
}

/** Everything one evaluation of the objective produces. */
export interface LossResult {
  terms: Record<TermName, number>;
  total: number;
  /** ∂total/∂h */
  grad: Float64Array;
  /** ∂term/∂h for every term (unweighted), when asked for. */
  termGrads?: Record<TermName, Float64Array>;
  /** Coefficient blocks, reconstruction and attribution blocks, when asked for. */
  coeffs?: Float64Array[];
  reconstruction?: Float64Array;
  attributions?: Float64Array[];
}

/** Options of `awdLoss`. */
export interface LossOptions {
  weights?: Partial<Weights>;
  /** Also return each term's own gradient (costs extra backward passes). */
  termGrads?: boolean;
  /** Also return coefficients, reconstruction and attributions. */
  outputs?: boolean;
}

function sumAbsBlocks(blocks: Float64Array[]): number {
  let s = 0;
  for (const b of blocks) s += sumAbs(b);
  return s;
}

function signScaled(blocks: Float64Array[], scale: number): Float64Array[] {
  return blocks.map((b) => {
    const o = uninitializedArray(b.length);
    signScale(b, o, scale);
    return o;
  });
}

/**
 * Evaluates the AWD objective and its gradient w.r.t. h on one batch.
 * `x` and `u` are b samples of the engine's sample shape (flat, row-major).
 */
export function awdLoss(
  engine: FilterBankEngine, h: Float64Array, x: Float64Array, u: Float64Array, b: number, opts: LossOptions = {},
): LossResult {
  if (opts.outputs) return evaluate(engine, h, x, u, b, opts);
  // Without outputs nothing large leaves the evaluation: its intermediates can be pooled, and a
  // large batch is evaluated in chunks (below).
  const per = chunkSamples(engine.sampleSize);
  if (opts.termGrads || b <= per) return withScratch(() => evaluate(engine, h, x, u, b, opts));
  return evaluateInChunks(engine, h, x, u, b, opts, per);
}

/**
 * Samples per chunk of a large batch: about 2¹⁹ values (4 MiB per array), so the working memory of
 * an evaluation stays at ~0.1–0.2 GB (and in cache-sized pieces) whatever the batch size.
 */
const CHUNK_VALUES = 1 << 19;

function chunkSamples(sampleSize: number): number {
  return Math.max(1, Math.floor(CHUNK_VALUES / sampleSize));
}

/**
 * The objective over a batch as the sample-weighted mean of its chunks' (every data term is a mean
 * over the samples, the constraint terms are the same in every chunk): equal to one evaluation of
 * the whole batch up to rounding.
 */
function evaluateInChunks(
  engine: FilterBankEngine, h: Float64Array, x: Float64Array, u: Float64Array, b: number, opts: LossOptions, per: number,
): LossResult {
  const n = engine.sampleSize;
  const terms = {} as Record<TermName, number>;
  for (const k of TERM_NAMES) terms[k] = 0;
  let total = 0;
  const grad = new Float64Array(h.length);
  for (let s = 0; s < b; s += per) {
    const bs = Math.min(per, b - s);
    const r = withScratch(() => evaluate(engine, h, x.subarray(s * n, (s + bs) * n), u.subarray(s * n, (s + bs) * n), bs, opts));
    for (const k of TERM_NAMES) terms[k] += r.terms[k] * bs;
    total += r.total * bs;
    for (let i = 0; i < grad.length; i++) grad[i] += r.grad[i] * bs;
  }
  for (const k of TERM_NAMES) terms[k] /= b;
  total /= b;
  for (let i = 0; i < grad.length; i++) grad[i] /= b;
  return { terms, total, grad };
}

function evaluate(
  engine: FilterBankEngine, h: Float64Array, xIn: Float64Array, uIn: Float64Array, b: number, opts: LossOptions,
): LossResult {
  const N = h.length;
  const weights = resolveWeights(opts.weights, 'awdLoss');
  const n = engine.sampleSize;
  if (xIn.length !== b * n || uIn.length !== b * n) {
    throw new AwdError('awdLoss', `expected ${b} samples of ${n} values for X and the teacher gradients, got ${xIn.length} and ${uIn.length}`);
  }
  // In a scratch scope the data go where the SIMD kernels read them in place.
  const x = opts.outputs ? xIn : scratchCopy(xIn);
  const u = opts.outputs ? uIn : scratchCopy(uIn);
  const lo = h;
  const hi = highpassOf(h);
  const nArrays = engine.levels + 1;
  const l1Scale = 1 / (nArrays * b);

  // Forward: coefficients, reconstruction, attributions.
  const fwd = engine.analyze(x, b, lo, hi);
  const syn = engine.synthesize(fwd.blocks, b, lo, hi);
  // The adjoint pass Sᵀu keeps its per-level gradients: the l1_attr derivative reuses them.
  const wantAttrGrad = opts.termGrads || weights.l1_attr > 0;
  const trace = wantAttrGrad ? engine.newTrace() : undefined;
  const attr = engine.synthesizeBackward(null, b, u, lo, hi, null, null, trace);
  const gOut = uninitializedArray(b * n);
  const recon = residual(x, syn.out, gOut, -2 / b) / b;

  const constraintTerms: Record<string, TermValue> = {
    lowpass_sum: lowpassSum(h), highpass_sum: highpassSum(h), unit_norm: unitNorm(h), cmf: cmf(h), orthogonality: orthogonality(h),
  };
  const terms = {
    reconstruction: recon,
    lowpass_sum: constraintTerms.lowpass_sum.value,
    highpass_sum: constraintTerms.highpass_sum.value,
    unit_norm: constraintTerms.unit_norm.value,
    cmf: constraintTerms.cmf.value,
    orthogonality: constraintTerms.orthogonality.value,
    l1_wave: sumAbsBlocks(fwd.blocks) * l1Scale,
    l1_attr: sumAbsBlocks(attr) * l1Scale,
  } satisfies Record<TermName, number>;
  let total = recon;
  for (const k of WEIGHTED_TERMS) total += weights[k] * terms[k];

  // Filter gradients of the three data terms (w.r.t. lo and hi, mapped to h at the end).
  const toH = (dLo: Float64Array, dHi: Float64Array): Float64Array => {
    const dh = Float64Array.from(dLo);
    addHighpassGrad(dHi, dh);
    return dh;
  };
  const reconGradBlocks = (dLo: Float64Array, dHi: Float64Array): Float64Array[] =>
    engine.synthesizeBackward(syn.state, b, gOut, lo, hi, dLo, dHi);
  const attrGrad = (scale: number, dLo: Float64Array, dHi: Float64Array): void => {
    const s = signScaled(attr, scale);
    const synS = engine.synthesize(s, b, lo, hi);
    engine.synthesisFilterGrad(synS.state, b, trace!, dLo, dHi);
  };

  const grad = new Float64Array(N);
  let termGrads: Record<TermName, Float64Array> | undefined;
  if (opts.termGrads) {
    const rLo = new Float64Array(N), rHi = new Float64Array(N);
    const gc = reconGradBlocks(rLo, rHi);
    engine.analyzeBackward(fwd.state, b, gc, lo, hi, rLo, rHi);
    const wLo = new Float64Array(N), wHi = new Float64Array(N);
    engine.analyzeBackward(fwd.state, b, signScaled(fwd.blocks, l1Scale), lo, hi, wLo, wHi);
    const aLo = new Float64Array(N), aHi = new Float64Array(N);
    attrGrad(l1Scale, aLo, aHi);
    termGrads = {
      reconstruction: toH(rLo, rHi),
      lowpass_sum: constraintTerms.lowpass_sum.grad,
      highpass_sum: constraintTerms.highpass_sum.grad,
      unit_norm: constraintTerms.unit_norm.grad,
      cmf: constraintTerms.cmf.grad,
      orthogonality: constraintTerms.orthogonality.grad,
      l1_wave: toH(wLo, wHi),
      l1_attr: toH(aLo, aHi),
    };
    for (const k of TERM_NAMES) {
      const w = k === 'reconstruction' ? 1 : weights[k];
      const g = termGrads[k];
      for (let i = 0; i < N; i++) grad[i] += w * g[i];
    }
  } else {
    // One analysis backward pass for reconstruction + sparsity together.
    const dLo = new Float64Array(N), dHi = new Float64Array(N);
    const gc = reconGradBlocks(dLo, dHi);
    if (weights.l1_wave > 0) gc.forEach((g, k) => addScaledSign(g, fwd.blocks[k], l1Scale * weights.l1_wave));
    engine.analyzeBackward(fwd.state, b, gc, lo, hi, dLo, dHi);
    if (weights.l1_attr > 0) attrGrad(l1Scale * weights.l1_attr, dLo, dHi);
    grad.set(toH(dLo, dHi));
    for (const k of ['lowpass_sum', 'highpass_sum', 'unit_norm', 'cmf', 'orthogonality'] as const) {
      const g = constraintTerms[k].grad;
      for (let i = 0; i < N; i++) grad[i] += weights[k] * g[i];
    }
  }

  const result: LossResult = { terms, total, grad };
  if (termGrads) result.termGrads = termGrads;
  if (opts.outputs) {
    result.coeffs = fwd.blocks;
    result.reconstruction = syn.out;
    result.attributions = attr;
  }
  return result;
}

/**
 * Scales of the two L1 terms on a data set, for scale-free weights (docs/objective.md): the RMS of
 * the samples and of the teacher gradients, the number of coefficients per sample C and of
 * coefficient arrays J+1.
 */
export interface TermScales {
  dataRms: number;
  gradRms: number;
  coefficientsPerSample: number;
  arrays: number;
}

function rms(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s / Math.max(1, v.length));
}

/** The {@link TermScales} of samples X and teacher gradients G (flat values). */
export function termScales(X: ArrayLike<number>, G: ArrayLike<number>, coefficientsPerSample: number, levels: number): TermScales {
  const dataRms = rms(X);
  const gradRms = rms(G);
  if (!(dataRms > 0)) throw new AwdError('termScales', 'the samples are all zero; scale-free weights need data with a nonzero RMS');
  if (!(gradRms > 0)) throw new AwdError('termScales', 'the teacher gradients are all zero (a constant teacher?); scale-free λ needs nonzero gradients');
  return { dataRms, gradRms, coefficientsPerSample, arrays: levels + 1 };
}

/**
 * Raw weights (the reference's normalisation) equivalent to scale-free λ and γ. The scale-free
 * terms are the mean |attribution| per coefficient in units of the gradients' RMS and the mean
 * |coefficient| per coefficient in units of the data's RMS:
 *   l1_attr_sf = l1_attr · (J+1) / (C · rms(∇f)),   l1_wave_sf = l1_wave · (J+1) / (C · rms(x)),
 * so λ_sf·l1_attr_sf = λ_raw·l1_attr with λ_raw = λ_sf·(J+1)/(C·rms(∇f)), likewise for γ.
 */
export function scaleFreeWeights(lambda: number, gamma: number, s: TermScales): { l1_attr: number; l1_wave: number } {
  return {
    l1_attr: (lambda * s.arrays) / (s.coefficientsPerSample * s.gradRms),
    l1_wave: (gamma * s.arrays) / (s.coefficientsPerSample * s.dataRms),
  };
}

/** The scale-free values of the two L1 terms from their raw values. */
export function scaleFreeTerms(terms: { l1_attr: number; l1_wave: number }, s: TermScales): { l1_attr: number; l1_wave: number } {
  return {
    l1_attr: (terms.l1_attr * s.arrays) / (s.coefficientsPerSample * s.gradRms),
    l1_wave: (terms.l1_wave * s.arrays) / (s.coefficientsPerSample * s.dataRms),
  };
}
