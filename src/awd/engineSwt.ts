/**
 * The learnable stationary wavelet transform: a `FilterBankEngine` over the undecimated 1D
 * transform (`src/wavelets/swt.ts`), so the AWD objective (loss.ts) runs unchanged on it. Every
 * coefficient block is as long as the signal (shift-invariant coefficients and attributions);
 * the synthesis is PyWavelets' `iswt` (½ × the adjoint of the analysis, per level), so for an
 * orthonormal h it inverts the analysis exactly. Boundaries are periodic, as in PyWavelets' SWT
 * (the engine's `mode` is reported as 'periodization').
 * @module
 */
import { AwdError } from '../util/checks.ts';
import {
  SwtPlan1D, swtAnalysis1d, swtAnalysisBackward1d, swtSynthesis1d, swtSynthesisBackward1d, swtSynthesisFilterGrad1d,
  SwtPlan2D, swtAnalysis2d, swtAnalysisBackward2d, swtSynthesis2d, swtSynthesisBackward2d, swtSynthesisFilterGrad2d,
  type SwtAnalysis1D, type SwtSynthesis1D, type SwtAnalysis2D, type SwtSynthesis2D, type SwtDetails2D, type SwtTrace2D,
} from '../wavelets/swt.ts';
import type { AdjointTrace, FilterBankEngine, ForwardState, SynthesisState } from './engineTypes.ts';

/** The engine's states, carried through the engine interface's opaque state types. */
type SwtForward = { kind: 'swt'; a: SwtAnalysis1D };
type SwtSynth = { kind: 'swt'; s: SwtSynthesis1D };
type SwtTrace = { kind: 'swt'; t: Float64Array[] };

/** The undecimated-transform engine for signals of length n (a multiple of 2^levels). */
export class EngineSwt1D implements FilterBankEngine {
  readonly plan: SwtPlan1D;
  readonly sampleShape: number[];
  readonly sampleSize: number;
  readonly blockShapes: number[][];
  readonly mode = 'periodization' as const;
  constructor(n: number, filterLen: number, readonly levels: number) {
    this.plan = new SwtPlan1D(n, filterLen, levels);
    this.sampleShape = [n];
    this.sampleSize = n;
    this.blockShapes = Array.from({ length: levels + 1 }, () => [n]);
  }
  analyze(x: Float64Array, b: number, lo: Float64Array, hi: Float64Array) {
    const a = swtAnalysis1d(this.plan, x, b, lo, hi);
    return { blocks: [a.approx, ...a.details], state: { kind: 'swt', a } as unknown as ForwardState };
  }
  analyzeBackward(state: ForwardState, b: number, g: Float64Array[], lo: Float64Array, hi: Float64Array, dLo: Float64Array, dHi: Float64Array): void {
    const st = state as unknown as SwtForward;
    if (st.kind !== 'swt') throw new AwdError('EngineSwt1D', 'internal: a DWT state given to the SWT engine');
    swtAnalysisBackward1d(this.plan, st.a, b, g[0], g.slice(1), lo, hi, dLo, dHi, false);
  }
  synthesize(blocks: Float64Array[], b: number, lo: Float64Array, hi: Float64Array) {
    const s = swtSynthesis1d(this.plan, blocks[0], blocks.slice(1), b, lo, hi);
    return { out: s.out, state: { kind: 'swt', s } as unknown as SynthesisState };
  }
  synthesizeBackward(state: SynthesisState | null, b: number, gOut: Float64Array, lo: Float64Array, hi: Float64Array, dLo: Float64Array | null, dHi: Float64Array | null, trace?: AdjointTrace): Float64Array[] {
    const st = state as unknown as SwtSynth | null;
    if (st !== null && st.kind !== 'swt') throw new AwdError('EngineSwt1D', 'internal: a DWT state given to the SWT engine');
    const tr = trace as unknown as SwtTrace | undefined;
    const c = swtSynthesisBackward1d(this.plan, st?.s ?? null, b, gOut, lo, hi, dLo, dHi, tr?.t);
    return [c.approx, ...c.details];
  }
  newTrace(): AdjointTrace {
    return { kind: 'swt', t: [] } as unknown as AdjointTrace;
  }
  synthesisFilterGrad(state: SynthesisState, b: number, trace: AdjointTrace, dLo: Float64Array, dHi: Float64Array): void {
    const st = state as unknown as SwtSynth;
    const tr = trace as unknown as SwtTrace;
    if (st.kind !== 'swt' || tr.kind !== 'swt') throw new AwdError('EngineSwt1D', 'internal: a DWT state or trace given to the SWT engine');
    swtSynthesisFilterGrad1d(this.plan, st.s, b, tr.t, dLo, dHi);
  }
}

type Swt2Forward = { kind: 'swt2'; a: SwtAnalysis2D };
type Swt2Synth = { kind: 'swt2'; s: SwtSynthesis2D };
type Swt2Trace = { kind: 'swt2'; t: SwtTrace2D[] };

/**
 * The undecimated-transform engine for images R × C (multiples of 2^levels); blocks in the 2D
 * engine's order `[approx_J, cH_1, cV_1, cD_1, …, cH_J, cV_J, cD_J]`, every block R × C.
 */
export class EngineSwt2D implements FilterBankEngine {
  readonly plan: SwtPlan2D;
  readonly sampleShape: number[];
  readonly sampleSize: number;
  readonly blockShapes: number[][];
  readonly mode = 'periodization' as const;
  constructor(rows: number, cols: number, filterLen: number, readonly levels: number) {
    this.plan = new SwtPlan2D(rows, cols, filterLen, levels);
    this.sampleShape = [rows, cols];
    this.sampleSize = rows * cols;
    this.blockShapes = Array.from({ length: 3 * levels + 1 }, () => [rows, cols]);
  }
  private toDetails(blocks: Float64Array[]): SwtDetails2D[] {
    return Array.from({ length: this.levels }, (_, j) => ({ cH: blocks[1 + 3 * j], cV: blocks[2 + 3 * j], cD: blocks[3 + 3 * j] }));
  }
  private fromDetails(approx: Float64Array, details: SwtDetails2D[]): Float64Array[] {
    return [approx, ...details.flatMap((d) => [d.cH, d.cV, d.cD])];
  }
  analyze(x: Float64Array, b: number, lo: Float64Array, hi: Float64Array) {
    const a = swtAnalysis2d(this.plan, x, b, lo, hi);
    return { blocks: this.fromDetails(a.approx, a.details), state: { kind: 'swt2', a } as unknown as ForwardState };
  }
  analyzeBackward(state: ForwardState, b: number, g: Float64Array[], lo: Float64Array, hi: Float64Array, dLo: Float64Array, dHi: Float64Array): void {
    const st = state as unknown as Swt2Forward;
    if (st.kind !== 'swt2') throw new AwdError('EngineSwt2D', 'internal: another engine\'s state given to the 2D SWT engine');
    swtAnalysisBackward2d(this.plan, st.a, b, g[0], this.toDetails(g), lo, hi, dLo, dHi, false);
  }
  synthesize(blocks: Float64Array[], b: number, lo: Float64Array, hi: Float64Array) {
    const s = swtSynthesis2d(this.plan, blocks[0], this.toDetails(blocks), b, lo, hi);
    return { out: s.out, state: { kind: 'swt2', s } as unknown as SynthesisState };
  }
  synthesizeBackward(state: SynthesisState | null, b: number, gOut: Float64Array, lo: Float64Array, hi: Float64Array, dLo: Float64Array | null, dHi: Float64Array | null, trace?: AdjointTrace): Float64Array[] {
    const st = state as unknown as Swt2Synth | null;
    if (st !== null && st.kind !== 'swt2') throw new AwdError('EngineSwt2D', 'internal: another engine\'s state given to the 2D SWT engine');
    const tr = trace as unknown as Swt2Trace | undefined;
    const c = swtSynthesisBackward2d(this.plan, st?.s ?? null, b, gOut, lo, hi, dLo, dHi, tr?.t);
    return this.fromDetails(c.approx, c.details);
  }
  newTrace(): AdjointTrace {
    return { kind: 'swt2', t: [] } as unknown as AdjointTrace;
  }
  synthesisFilterGrad(state: SynthesisState, b: number, trace: AdjointTrace, dLo: Float64Array, dHi: Float64Array): void {
    const st = state as unknown as Swt2Synth;
    const tr = trace as unknown as Swt2Trace;
    if (st.kind !== 'swt2' || tr.kind !== 'swt2') throw new AwdError('EngineSwt2D', 'internal: another engine\'s state or trace given to the 2D SWT engine');
    swtSynthesisFilterGrad2d(this.plan, st.s, b, tr.t, dLo, dHi);
  }
}
