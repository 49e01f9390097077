/**
 * The types of the filter-bank engines (engine.ts: the DWT; engineSwt.ts: the SWT), apart from
 * both so that neither imports the other for them.
 * @module
 */
import type { Mode } from '../wavelets/modes.ts';
import type { Analysis1D, Synthesis1D } from '../wavelets/multilevel1d.ts';
import type { Analysis2D, Synthesis2D, SynthesisTrace2D } from '../wavelets/multilevel2d.ts';

/** Forward state kept for a backward pass. */
export type ForwardState = { kind: 1; a: Analysis1D } | { kind: 2; a: Analysis2D };
export type SynthesisState = { kind: 1; s: Synthesis1D } | { kind: 2; s: Synthesis2D };
/** Per-level gradients of an adjoint pass, reusable for filter derivatives (see `synthesisFilterGrad`). */
export type AdjointTrace = { kind: 1; t: Float64Array[] } | { kind: 2; t: SynthesisTrace2D[] };

/** Batched multilevel filter bank for samples of a fixed shape ([n] or [rows, cols]). */
export interface FilterBankEngine {
  readonly sampleShape: number[];
  readonly sampleSize: number;
  readonly levels: number;
  readonly mode: Mode;
  /** Shape (per sample) of each coefficient block. */
  readonly blockShapes: number[][];
  analyze(x: Float64Array, b: number, lo: Float64Array, hi: Float64Array): { blocks: Float64Array[]; state: ForwardState };
  analyzeBackward(state: ForwardState, b: number, gBlocks: Float64Array[], lo: Float64Array, hi: Float64Array, dLo: Float64Array, dHi: Float64Array): void;
  synthesize(blocks: Float64Array[], b: number, lo: Float64Array, hi: Float64Array): { out: Float64Array; state: SynthesisState };
  /** Backward of the synthesis; with null state and null dLo/dHi it is the adjoint Sᵀ. */
  synthesizeBackward(state: SynthesisState | null, b: number, gOut: Float64Array, lo: Float64Array, hi: Float64Array, dLo: Float64Array | null, dHi: Float64Array | null, trace?: AdjointTrace): Float64Array[];
  /** An empty trace to pass to `synthesizeBackward`. */
  newTrace(): AdjointTrace;
  /** ∂⟨g, S c⟩/∂(lo, hi) for the synthesis `state` of c, from the trace of g's adjoint pass. */
  synthesisFilterGrad(state: SynthesisState, b: number, trace: AdjointTrace, dLo: Float64Array, dHi: Float64Array): void;
}

/** The wavelet transform an engine runs: decimated (the paper's) or undecimated (stationary). */
export type TransformKind = 'dwt' | 'swt';
