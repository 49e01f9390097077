/**
 * One interface over the batched 1D and 2D filter banks, so the AWD objective is written once.
 * Coefficients are a flat list of blocks in the reference's order:
 * 1D `[approx_J, detail_1, …, detail_J]`; 2D `[approx_J, cH_1, cV_1, cD_1, …, cH_J, cV_J, cD_J]`.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import type { Mode } from '../wavelets/modes.ts';
import {
  analysis1d, analysisBackward1d, Plan1D, synthesis1d, synthesisBackward1d, synthesisFilterGrad1d,
  type Analysis1D, type Synthesis1D,
} from '../wavelets/multilevel1d.ts';
import {
  analysis2d, analysisBackward2d, Plan2D, synthesis2d, synthesisBackward2d, synthesisFilterGrad2d,
  type Analysis2D, type Details2D, type Synthesis2D, type SynthesisTrace2D,
} from '../wavelets/multilevel2d.ts';
import { EngineSwt1D, EngineSwt2D } from './engineSwt.ts';
import type { AdjointTrace, FilterBankEngine, ForwardState, SynthesisState, TransformKind } from './engineTypes.ts';

export type { ForwardState, SynthesisState, AdjointTrace, FilterBankEngine, TransformKind } from './engineTypes.ts';

/**
 * The engine for samples of shape [n] (1D) or [rows, cols] (2D). With `transform: 'swt'` the
 * undecimated transform (`mode` is then ignored: the SWT is periodic).
 */
export function makeEngine(sampleShape: number[], filterLen: number, mode: Mode, levels: number, transform: TransformKind = 'dwt'): FilterBankEngine {
  if (transform === 'swt') {
    if (sampleShape.length === 1) return new EngineSwt1D(sampleShape[0], filterLen, levels);
    if (sampleShape.length === 2) return new EngineSwt2D(sampleShape[0], sampleShape[1], filterLen, levels);
    throw new AwdError('makeEngine', `samples must be 1D (signals) or 2D (images), got per-sample shape [${sampleShape.join(', ')}]`);
  }
  if (sampleShape.length === 1) return new Engine1D(sampleShape[0], filterLen, mode, levels);
  if (sampleShape.length === 2) return new Engine2D(sampleShape[0], sampleShape[1], filterLen, mode, levels);
  throw new AwdError('makeEngine', `samples must be 1D (signals) or 2D (images), got per-sample shape [${sampleShape.join(', ')}]`);
}

class Engine1D implements FilterBankEngine {
  readonly plan: Plan1D;
  readonly sampleShape: number[];
  readonly sampleSize: number;
  readonly blockShapes: number[][];
  constructor(n: number, filterLen: number, readonly mode: Mode, readonly levels: number) {
    this.plan = new Plan1D(n, filterLen, mode, levels);
    this.sampleShape = [n];
    this.sampleSize = n;
    this.blockShapes = [[this.plan.lens[levels]]];
    for (let j = 1; j <= levels; j++) this.blockShapes.push([this.plan.lens[j]]);
  }
  analyze(x: Float64Array, b: number, lo: Float64Array, hi: Float64Array) {
    const a = analysis1d(this.plan, x, b, lo, hi);
    return { blocks: [a.approx, ...a.details], state: { kind: 1 as const, a } };
  }
  analyzeBackward(state: ForwardState, b: number, g: Float64Array[], lo: Float64Array, hi: Float64Array, dLo: Float64Array, dHi: Float64Array): void {
    if (state.kind !== 1) throw new AwdError('Engine1D', 'internal: 2D state given to the 1D engine');
    analysisBackward1d(this.plan, state.a, b, g[0], g.slice(1), lo, hi, dLo, dHi, false);
  }
  synthesize(blocks: Float64Array[], b: number, lo: Float64Array, hi: Float64Array) {
    const s = synthesis1d(this.plan, { approx: blocks[0], details: blocks.slice(1) }, b, lo, hi, this.plan.n);
    return { out: s.out, state: { kind: 1 as const, s } };
  }
  synthesizeBackward(state: SynthesisState | null, b: number, gOut: Float64Array, lo: Float64Array, hi: Float64Array, dLo: Float64Array | null, dHi: Float64Array | null, trace?: AdjointTrace): Float64Array[] {
    if (state !== null && state.kind !== 1) throw new AwdError('Engine1D', 'internal: 2D state given to the 1D engine');
    if (trace && trace.kind !== 1) throw new AwdError('Engine1D', 'internal: 2D trace given to the 1D engine');
    const c = synthesisBackward1d(this.plan, state?.s ?? null, b, gOut, this.plan.n, lo, hi, dLo, dHi, trace?.t);
    return [c.approx, ...c.details];
  }
  newTrace(): AdjointTrace {
    return { kind: 1, t: [] };
  }
  synthesisFilterGrad(state: SynthesisState, b: number, trace: AdjointTrace, dLo: Float64Array, dHi: Float64Array): void {
    if (state.kind !== 1 || trace.kind !== 1) throw new AwdError('Engine1D', 'internal: 2D state or trace given to the 1D engine');
    synthesisFilterGrad1d(this.plan, state.s, b, trace.t, dLo, dHi);
  }
}

class Engine2D implements FilterBankEngine {
  readonly plan: Plan2D;
  readonly sampleShape: number[];
  readonly sampleSize: number;
  readonly blockShapes: number[][];
  constructor(rows: number, cols: number, filterLen: number, readonly mode: Mode, readonly levels: number) {
    this.plan = new Plan2D(rows, cols, filterLen, mode, levels);
    this.sampleShape = [rows, cols];
    this.sampleSize = rows * cols;
    this.blockShapes = [this.plan.shape(levels)];
    for (let j = 1; j <= levels; j++) {
      const s = this.plan.shape(j);
      this.blockShapes.push(s, s, s);
    }
  }
  private toDetails(blocks: Float64Array[]): Details2D[] {
    const out: Details2D[] = [];
    for (let j = 0; j < this.levels; j++) out.push({ cH: blocks[1 + 3 * j], cV: blocks[2 + 3 * j], cD: blocks[3 + 3 * j] });
    return out;
  }
  private fromDetails(approx: Float64Array, details: Details2D[]): Float64Array[] {
    const blocks = [approx];
    for (const d of details) blocks.push(d.cH, d.cV, d.cD);
    return blocks;
  }
  analyze(x: Float64Array, b: number, lo: Float64Array, hi: Float64Array) {
    const a = analysis2d(this.plan, x, b, lo, hi);
    return { blocks: this.fromDetails(a.approx, a.details), state: { kind: 2 as const, a } };
  }
  analyzeBackward(state: ForwardState, b: number, g: Float64Array[], lo: Float64Array, hi: Float64Array, dLo: Float64Array, dHi: Float64Array): void {
    if (state.kind !== 2) throw new AwdError('Engine2D', 'internal: 1D state given to the 2D engine');
    analysisBackward2d(this.plan, state.a, b, g[0], this.toDetails(g), lo, hi, dLo, dHi, false);
  }
  synthesize(blocks: Float64Array[], b: number, lo: Float64Array, hi: Float64Array) {
    const s = synthesis2d(this.plan, { approx: blocks[0], details: this.toDetails(blocks) }, b, lo, hi);
    return { out: s.out, state: { kind: 2 as const, s } };
  }
  synthesizeBackward(state: SynthesisState | null, b: number, gOut: Float64Array, lo: Float64Array, hi: Float64Array, dLo: Float64Array | null, dHi: Float64Array | null, trace?: AdjointTrace): Float64Array[] {
    if (state !== null && state.kind !== 2) throw new AwdError('Engine2D', 'internal: 1D state given to the 2D engine');
    if (trace && trace.kind !== 2) throw new AwdError('Engine2D', 'internal: 1D trace given to the 2D engine');
    const c = synthesisBackward2d(this.plan, state?.s ?? null, b, gOut, this.plan.rows, this.plan.cols, lo, hi, dLo, dHi, trace?.t);
    return this.fromDetails(c.approx, c.details);
  }
  newTrace(): AdjointTrace {
    return { kind: 2, t: [] };
  }
  synthesisFilterGrad(state: SynthesisState, b: number, trace: AdjointTrace, dLo: Float64Array, dHi: Float64Array): void {
    if (state.kind !== 2 || trace.kind !== 2) throw new AwdError('Engine2D', 'internal: 1D state or trace given to the 2D engine');
    synthesisFilterGrad2d(this.plan, state.s, b, trace.t, dLo, dHi);
  }
}
