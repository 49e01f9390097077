/**
 * The single-level two-channel filter-bank kernels on typed arrays. Everything else (1D and 2D,
 * single and multilevel, forward, inverse, adjoints and filter derivatives) is built from three
 * operations that share one extension map (see `modes.ts`):
 *
 *   analyze:   xe[k] = x[map[k]],  cA[o] = Σ_t lo[t] xe[2o+1+t],  cD[o] = Σ_t hi[t] xe[2o+1+t]
 *   scatter:   the exact adjoint of `analyze`: x += Pᵀ Cᵀ (cA, cD)
 *   filterGrad: ∂⟨(gA, gD), analyze(x)⟩ / ∂(lo, hi)
 *
 * With the analysis map of a mode, `analyze` is PyWavelets' `dwt` (lo = rec_lo, hi = rec_hi).
 * With the map of the synthesis (`synthesisMap`), `scatter` is PyWavelets' `idwt`, its adjoint is
 * `analyze`, and the derivative of the synthesis w.r.t. the filters is again `filterGrad`
 * (⟨g, S c⟩ = ⟨Sᵀ g, c⟩).
 *
 * ## How the loops are organised (performance)
 *
 * Every extension map is the identity up to a shift in its interior: `map[k] = k − shift`
 * (shift = F − 1, or F/2 for periodization). `layoutOf(map)` records, once per map:
 *
 * - the interior outputs `o ∈ [oLo, oHi)` of the analysis, whose F taps all read the signal
 *   itself: `cA[o] = Σ_t lo[t] x[2o + 1 − shift + t]`, computed straight from `x` (no gather
 *   copy); the few border outputs sum only the taps whose `map` entry is not −1, read through the
 *   map;
 * - for the adjoint, the polyphase ("gather") form of the scatter: the extended output
 *   `ye[k] = Σ_{2o+1+t=k} lo[t] cA[o] + hi[t] cD[o]` splits into pairs
 *
 *       ye[2v+1] = Σ_{i<F/2} lo[F−2−2i] cA[v−F/2+1+i] + hi[F−2−2i] cD[v−F/2+1+i]
 *       ye[2v+2] = Σ_{i<F/2} lo[F−1−2i] cA[v−F/2+1+i] + hi[F−1−2i] cD[v−F/2+1+i]
 *
 *   (both outputs of a pair read the same F/2 coefficients). Interior pairs `v ∈ [vLo, vHi)`
 *   have all their coefficients and both targets `x[2v+1−shift]`, `x[2v+2−shift]` inside the
 *   arrays: each output is one sum and one store, instead of F read-modify-writes. The remaining
 *   indices (`borderK`) are summed term by term and folded back through the map. For the
 *   synthesis maps of every mode but periodization there is no border at all: the inverse DWT is
 *   a "valid" convolution.
 * - column kernels (`…Cols`) do the same with whole rows: each output row accumulates its taps in
 *   registers over the row and stores once.
 *
 * ## Generic and generated code
 *
 * Each kernel exists as a plain loop over the taps (readable, any filter length: the reference
 * for the arithmetic) and as code generated with `new Function` and cached:
 *
 * - row kernels, per extension map: the taps become local constants, the border outputs and
 *   short interiors become straight-line code with constant indices (every sample is loaded once
 *   and every output stored once), longer interiors a loop doing two outputs per iteration. Short
 *   signals (the multilevel transforms' deep levels) spend most of their time at the borders, so
 *   this matters most there;
 * - column kernels, per filter length: the taps as local constants, the row offsets hoisted.
 *
 * The generated code performs the same floating-point operations in the same order as the loops,
 * so both give identical results (up to the sign of a zero); `setSpecializedKernels(false)`
 * switches to the loops (tests compare both). Filters longer than `MAX_SPECIALIZED_LENGTH` always
 * use the loops, and so does everything where the runtime forbids `new Function`.
 *
 * ## WebAssembly SIMD
 *
 * Where interiors are long enough (`simdKernels.ts`, setting `setWasmKernels`), the interiors run
 * as WebAssembly f64x2 kernels instead: in place when the arrays lie in the kernels' memory (the
 * scratch arrays of the AWD objective, `scratch.ts`), else copied in and out in cache-sized
 * chunks. The borders then run as generated border-only JavaScript (row kernels) or, in place, as
 * SIMD border kernels with the same arithmetic as the JavaScript border loops (column kernels).
 * SIMD results agree with the loops to rounding (≈1e-16), and do not depend on whether the arrays
 * were in place or copied (tested bit for bit).
 *
 * ## Affine modes
 *
 * smooth, antisymmetric and antireflect extend by linear combinations of samples, which a gather
 * map cannot express. Their maps carry an `affine` description (`modes.ts`): every kernel then
 * extends a block of signals explicitly (`affine.ts`), runs the same generated / SIMD code on the
 * identity map of the extended buffer, and folds adjoints back through the extension's transpose.
 *
 * Batched forms (`analyzeRows`, `scatterRows`, `filterGradRows`) run many signals of a batch in
 * one call, so per-call costs (map lookups, loading the taps) are paid once per batch. The loops
 * are allocation-free. Callers allocate outputs that the kernels write entirely with
 * `uninitializedArray` (no zero fill); `layoutOf(map).covers` says when an adjoint that stores
 * instead of adding writes its whole target.
 * @module
 */
import { extensionMap, idwtOutputLen, type ExtensionMap, type Mode } from './modes.ts';
import { affineRowBlock, extendCols, extendRows, foldCols, foldRows } from './affine.ts';
import { laneDot, simdAnalyzeRows, simdBorderDownCols, simdBorderGradCols, simdDownCols, simdFilterGradRows, simdGradCols, simdScatterRows, simdUpCols } from './simdKernels.ts';

/**
 * The map that makes `scatter` the single-level inverse DWT from `m` coefficients: the inverse is
 * the adjoint of a zero-mode (or periodization) analysis of a signal of the output length.
 */
export function synthesisMap(m: number, filterLen: number, mode: Mode): ExtensionMap {
  const nOut = idwtOutputLen(m, filterLen, mode);
  return extensionMap(nOut, filterLen, mode === 'periodization' ? 'periodization' : 'zero');
}

// ---------------------------------------------------------------------------------------------
// Layout of an extension map: its interior and its borders
// ---------------------------------------------------------------------------------------------

/** Where an extension map is a plain shift, and what is left for the generic border code. */
export interface MapLayout {
  /** In the interior, `map[k] = k − shift`. */
  shift: number;
  /** Analysis outputs o ∈ [oLo, oHi) read only interior samples (oLo = oHi when there are none). */
  oLo: number;
  oHi: number;
  /** The other analysis outputs. */
  borderO: Int32Array;
  /** Adjoint pairs v ∈ [vLo, vHi): all F/2 coefficients exist and both targets are interior. */
  vLo: number;
  vHi: number;
  /** Extended indices k ≥ 1 with `map[k] ≥ 0` that no interior pair writes. */
  borderK: Int32Array;
  /**
   * True when the interior pairs write every sample of the signal once and there is no border
   * (the synthesis maps of every mode but periodization): an adjoint that stores instead of adding
   * then needs no zeroed target.
   */
  covers: boolean;
}

const layouts = new WeakMap<ExtensionMap, MapLayout>();

/** The (cached) layout of an extension map. */
export function layoutOf(em: ExtensionMap): MapLayout {
  const hit = layouts.get(em);
  if (hit) return hit;
  const { map, filterLen: F, outLen, n } = em;
  const half = F >> 1;
  const len = map.length;
  const shift = em.shift ?? (em.mode === 'periodization' ? half : F - 1);
  const inside = (k: number): boolean => k >= shift && k - shift < n && k < len && map[k] === k - shift;
  // Analysis outputs whose taps are all inside.
  let oLo = -1;
  let oHi = -1;
  for (let o = 0; o < outLen; o++) {
    let ok = true;
    for (let t = 0; t < F && ok; t++) ok = inside(2 * o + 1 + t);
    if (ok) {
      if (oLo < 0) oLo = o;
      oHi = o + 1;
    }
  }
  if (oLo < 0) oLo = oHi = 0;
  const borderO: number[] = [];
  for (let o = 0; o < outLen; o++) if (o < oLo || o >= oHi) borderO.push(o);
  // Adjoint pairs (see the module comment): coefficients v − half + 1 … v, targets 2v+1, 2v+2.
  let vLo = -1;
  let vHi = -1;
  for (let v = half - 1; v < outLen; v++) {
    if (inside(2 * v + 1) && inside(2 * v + 2)) {
      if (vLo < 0) vLo = v;
      vHi = v + 1;
    }
  }
  if (vLo < 0) vLo = vHi = 0;
  const borderK: number[] = [];
  for (let k = 1; k < len; k++) {
    const v = (k - 1) >> 1;
    if (map[k] >= 0 && !(v >= vLo && v < vHi)) borderK.push(k);
  }
  // The inside of a map is one run of k, so both ranges are runs too; check it anyway, since the
  // kernels read the interiors without the map.
  for (let o = oLo; o < oHi; o++) {
    for (let t = 0; t < F; t++) if (!inside(2 * o + 1 + t)) throw new Error(`layoutOf: analysis interior not contiguous (n=${n}, F=${F}, ${em.mode})`);
  }
  for (let v = vLo; v < vHi; v++) {
    if (!inside(2 * v + 1) || !inside(2 * v + 2)) throw new Error(`layoutOf: adjoint interior not contiguous (n=${n}, F=${F}, ${em.mode})`);
  }
  const covers = borderK.length === 0 && 2 * (vHi - vLo) === n && 2 * vLo + 1 - shift === 0 && em.affine === undefined;
  const layout: MapLayout = { shift, oLo, oHi, borderO: Int32Array.from(borderO), vLo, vHi, borderK: Int32Array.from(borderK), covers };
  layouts.set(em, layout);
  return layout;
}

// ---------------------------------------------------------------------------------------------
// Switching between generated and generic code
// ---------------------------------------------------------------------------------------------

/** Filter lengths up to this get generated kernels; longer filters use the generic loops. */
export const MAX_SPECIALIZED_LENGTH = 40;

/**
 * Interiors up to this many outputs (analysis) or pairs (adjoint) are unrolled completely in the
 * generated row kernels; longer ones get a loop.
 */
const FULL_UNROLL = 40;

let useSpecialized = true;

/**
 * Turns the generated kernels on or off (then every kernel runs its generic loop). Returns the
 * previous setting. The results are identical either way; this exists for tests and measurements.
 */
export function setSpecializedKernels(enabled: boolean): boolean {
  const prev = useSpecialized;
  useSpecialized = enabled;
  return prev;
}

/** Whether the generated kernels are on (`setSpecializedKernels`); other modules' generated code follows it. */
export function specializedKernelsEnabled(): boolean {
  return useSpecialized;
}

/** False once `new Function` has failed (code generation disallowed, e.g. by a policy). */
let codegenWorks = true;

function specializable(F: number): boolean {
  return useSpecialized && codegenWorks && F <= MAX_SPECIALIZED_LENGTH && F % 2 === 0 && F >= 2;
}

/**
 * Compiles generated source into a function, or returns null (and stops generating) where the
 * runtime forbids code generation from strings: the generic loops then run.
 */
function compile<T>(params: string[], body: string): T | null {
  try {
    return new Function(...params, body) as T;
  } catch {
    codegenWorks = false;
    return null;
  }
}

/**
 * The generated row kernels compute indices as int32 (`(base + k) | 0`, cheaper for the JIT than
 * a checked add); arrays of 2³¹ values or more (16 GiB) take the generic loops.
 */
function int32Indexable(a: Float64Array, b: Float64Array, c: Float64Array): boolean {
  return a.length < 0x7fffffff && b.length < 0x7fffffff && c.length < 0x7fffffff;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** The taps of both filters as local constants `l0 … l{F−1}`, `h0 … h{F−1}`. */
const tapConstants = (F: number): string => range(F).map((t) => `const l${t} = lo[${t}], h${t} = hi[${t}];`).join('\n');
/** A left-to-right sum (the loops' order), or 0 when empty. */
const sumOf = (terms: string[]): string => (terms.length > 0 ? terms.join(' + ') : '0');

/** A zero array of at least `n` values (stands in for a null coefficient array). */
let zerosBuf = new Float64Array(64);
function zerosOf(n: number): Float64Array {
  if (zerosBuf.length < n) zerosBuf = new Float64Array(Math.max(n, 2 * zerosBuf.length));
  return zerosBuf;
}

// ---------------------------------------------------------------------------------------------
// Row kernels (many signals, each along a row): generic loops
// ---------------------------------------------------------------------------------------------

/** Analysis of `rows` signals; see `analyzeRows`. */
type RowAnalysis = (
  x: Float64Array, xOff: number, xStride: number, rows: number, lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number,
) => void;

/** Adjoint of `rows` signals; see `scatterRows` (cA, cD never null here). */
type RowAdjoint = (
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number, rows: number,
  lo: Float64Array, hi: Float64Array, x: Float64Array, xOff: number, xStride: number,
) => void;

function analyzeRowsGeneric(
  em: ExtensionMap, x: Float64Array, xOff: number, xStride: number, rows: number, lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number,
): void {
  const { shift, oLo, oHi } = layoutOf(em);
  const F = lo.length;
  for (let r = 0; r < rows; r++) {
    const xo = xOff + r * xStride;
    const ia = aOff + r * aStride;
    const id = dOff + r * dStride;
    // Interior: output o reads x[2o + 1 − shift + t].
    for (let o = oLo; o < oHi; o++) {
      const s = xo + 2 * o + 1 - shift;
      let sa = 0;
      let sd = 0;
      for (let t = 0; t < F; t++) {
        const v = x[s + t];
        sa += lo[t] * v;
        sd += hi[t] * v;
      }
      cA[ia + o] = sa;
      cD[id + o] = sd;
    }
  }
  analyzeRowsBorders(em, x, xOff, xStride, rows, lo, hi, cA, aOff, aStride, cD, dOff, dStride);
}

/** The border outputs of `analyzeRows` (the taps that read the signal, through the map). */
function analyzeRowsBorders(
  em: ExtensionMap, x: Float64Array, xOff: number, xStride: number, rows: number, lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number,
): void {
  const { borderO } = layoutOf(em);
  const map = em.map;
  const F = lo.length;
  for (let r = 0; r < rows; r++) {
    const xo = xOff + r * xStride;
    const ia = aOff + r * aStride;
    const id = dOff + r * dStride;
    for (let b = 0; b < borderO.length; b++) {
      const o = borderO[b];
      let sa = 0;
      let sd = 0;
      for (let t = 0; t < F; t++) {
        const m = map[2 * o + 1 + t];
        if (m < 0) continue;
        const v = x[xo + m];
        sa += lo[t] * v;
        sd += hi[t] * v;
      }
      cA[ia + o] = sa;
      cD[id + o] = sd;
    }
  }
}

function scatterRowsGeneric(
  em: ExtensionMap, add: boolean,
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number, rows: number,
  lo: Float64Array, hi: Float64Array, x: Float64Array, xOff: number, xStride: number,
): void {
  const { shift, vLo, vHi } = layoutOf(em);
  const F = lo.length;
  const half = F >> 1;
  for (let r = 0; r < rows; r++) {
    const ia = aOff + r * aStride;
    const id = dOff + r * dStride;
    const xo = xOff + r * xStride;
    // Interior pairs: ye[2v+1] and ye[2v+2] from the coefficients v − half + 1 … v.
    for (let v = vLo; v < vHi; v++) {
      const first = v - half + 1;
      let y0 = 0;
      let y1 = 0;
      for (let i = 0; i < half; i++) {
        const va = cA[ia + first + i];
        const vd = cD[id + first + i];
        y0 += lo[F - 2 - 2 * i] * va;
        y0 += hi[F - 2 - 2 * i] * vd;
        y1 += lo[F - 1 - 2 * i] * va;
        y1 += hi[F - 1 - 2 * i] * vd;
      }
      const m = xo + 2 * v + 1 - shift;
      if (add) {
        x[m] += y0;
        x[m + 1] += y1;
      } else {
        x[m] = y0;
        x[m + 1] = y1;
      }
    }
  }
  scatterRowsBorders(em, cA, aOff, aStride, cD, dOff, dStride, rows, lo, hi, x, xOff, xStride);
}

/**
 * The border of `scatterRows`: ye[k] = Σ_{2o+1+t=k} lo[t] cA[o] + hi[t] cD[o], folded back
 * through the map (added); t ≡ k − 1 (mod 2), o = (k − 1 − t) / 2 ∈ [0, outLen).
 */
function scatterRowsBorders(
  em: ExtensionMap, cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number, rows: number,
  lo: Float64Array, hi: Float64Array, x: Float64Array, xOff: number, xStride: number,
): void {
  const { borderK } = layoutOf(em);
  const map = em.map;
  const outLen = em.outLen;
  const F = lo.length;
  for (let r = 0; r < rows; r++) {
    const ia = aOff + r * aStride;
    const id = dOff + r * dStride;
    const xo = xOff + r * xStride;
    for (let b = 0; b < borderK.length; b++) {
      const k = borderK[b];
      let y = 0;
      for (let t = (k - 1) & 1; t < F; t += 2) {
        const o = (k - 1 - t) >> 1;
        if (o < 0) break;
        if (o >= outLen) continue;
        y += lo[t] * cA[ia + o];
        y += hi[t] * cD[id + o];
      }
      x[xo + map[k]] += y;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Row kernels: code generated per extension map
// ---------------------------------------------------------------------------------------------

/**
 * Source of the analysis of one map (see the module comment). Variables: `x{m}` = x[xo + m]
 * (loaded once per row, at first use), taps `l{t}`, `h{t}`.
 */
function rowAnalysisSource(em: ExtensionMap, bordersOnly = false): string {
  const F = em.filterLen;
  const { shift, oLo, oHi } = layoutOf(em);
  const map = em.map;
  const lines: string[] = [tapConstants(F), 'for (let r = 0; r < rows; r++) {', 'const xo = (xOff + r * xStride) | 0, ia = (aOff + r * aStride) | 0, id = (dOff + r * dStride) | 0;'];
  const loaded = new Set<number>();
  const sample = (m: number): string => {
    if (!loaded.has(m)) {
      loaded.add(m);
      lines.push(`const x${m} = x[(xo + ${m}) | 0];`);
    }
    return `x${m}`;
  };
  // One output in straight-line code: the taps whose map entry is not −1, in increasing t.
  const output = (o: number): void => {
    const a: string[] = [];
    const d: string[] = [];
    for (let t = 0; t < F; t++) {
      const m = map[2 * o + 1 + t];
      if (m < 0) continue;
      const v = sample(m);
      a.push(`l${t} * ${v}`);
      d.push(`h${t} * ${v}`);
    }
    lines.push(`cA[(ia + ${o}) | 0] = ${sumOf(a)};`, `cD[(id + ${o}) | 0] = ${sumOf(d)};`);
  };
  for (let o = 0; o < oLo; o++) output(o);
  if (bordersOnly) {
    // (the interior is done elsewhere: the SIMD kernels)
  } else if (oHi - oLo <= FULL_UNROLL) {
    for (let o = oLo; o < oHi; o++) output(o);
  } else {
    // A loop over the interior, two outputs per iteration (they share F − 2 samples).
    const dot = (tap: string, off: number): string => sumOf(range(F).map((t) => `${tap}${t} * v${t + off}`));
    lines.push(
      `let s = xo + ${2 * oLo + 1 - shift}, o = ${oLo};`,
      `for (; o + 1 < ${oHi}; o += 2, s += 4) {`,
      range(F + 2).map((t) => `const v${t} = x[s + ${t}];`).join(' '),
      `cA[ia + o] = ${dot('l', 0)};`,
      `cD[id + o] = ${dot('h', 0)};`,
      `cA[ia + o + 1] = ${dot('l', 2)};`,
      `cD[id + o + 1] = ${dot('h', 2)};`,
      '}',
      `if (o < ${oHi}) {`,
      range(F).map((t) => `const v${t} = x[s + ${t}];`).join(' '),
      `cA[ia + o] = ${dot('l', 0)};`,
      `cD[id + o] = ${dot('h', 0)};`,
      '}',
    );
  }
  for (let o = Math.max(oHi, oLo); o < em.outLen; o++) output(o);
  lines.push('}');
  return lines.join('\n');
}

/**
 * Source of the adjoint of one map (see the module comment): interior pairs first (stored, or
 * added when `add`), then the border indices added in `borderK` order, as the generic loop does.
 * Variables: `A{o}`, `D{o}` = the row's coefficients (loaded once, at first use).
 */
function rowAdjointSource(em: ExtensionMap, add: boolean, bordersOnly = false): string {
  const F = em.filterLen;
  const half = F >> 1;
  const { shift, vLo, vHi, borderK } = layoutOf(em);
  const map = em.map;
  const outLen = em.outLen;
  const op = add ? '+=' : '=';
  const lines: string[] = [tapConstants(F), 'for (let r = 0; r < rows; r++) {', 'const xo = (xOff + r * xStride) | 0, ia = (aOff + r * aStride) | 0, id = (dOff + r * dStride) | 0;'];
  const loaded = new Set<number>();
  const coeff = (o: number): [string, string] => {
    if (!loaded.has(o)) {
      loaded.add(o);
      lines.push(`const A${o} = cA[(ia + ${o}) | 0], D${o} = cD[(id + ${o}) | 0];`);
    }
    return [`A${o}`, `D${o}`];
  };
  // ye[2v+1] (even taps) and ye[2v+2] (odd taps) over the window v − half + 1 … v.
  const pairSums = (term: (i: number) => [string, string]): [string, string] => {
    const y0: string[] = [];
    const y1: string[] = [];
    for (let i = 0; i < half; i++) {
      const [a, d] = term(i);
      y0.push(`l${F - 2 - 2 * i} * ${a}`, `h${F - 2 - 2 * i} * ${d}`);
      y1.push(`l${F - 1 - 2 * i} * ${a}`, `h${F - 1 - 2 * i} * ${d}`);
    }
    return [sumOf(y0), sumOf(y1)];
  };
  if (bordersOnly) {
    // (the interior pairs are done elsewhere: the SIMD kernels)
  } else if (vHi - vLo <= FULL_UNROLL) {
    for (let v = vLo; v < vHi; v++) {
      const [y0, y1] = pairSums((i) => coeff(v - half + 1 + i));
      const m = 2 * v + 1 - shift;
      lines.push(`x[(xo + ${m}) | 0] ${op} ${y0};`, `x[(xo + ${m + 1}) | 0] ${op} ${y1};`);
    }
  } else {
    // A loop over the interior pairs, two pairs per iteration (they share half − 1 coefficients).
    const at = (i: number): [string, string] => [`a${i}`, `d${i}`];
    const [y0, y1] = pairSums(at);
    const [y2, y3] = pairSums((i) => at(i + 1));
    lines.push(
      `let q = ${vLo - half + 1}, m = xo + ${2 * vLo + 1 - shift};`,
      `for (; q + 1 < ${vHi - half + 1}; q += 2, m += 4) {`,
      range(half + 1).map((i) => `const a${i} = cA[ia + q + ${i}], d${i} = cD[id + q + ${i}];`).join(' '),
      `x[m] ${op} ${y0};`,
      `x[m + 1] ${op} ${y1};`,
      `x[m + 2] ${op} ${y2};`,
      `x[m + 3] ${op} ${y3};`,
      '}',
      `if (q < ${vHi - half + 1}) {`,
      range(half).map((i) => `const a${i} = cA[ia + q + ${i}], d${i} = cD[id + q + ${i}];`).join(' '),
      `x[m] ${op} ${y0};`,
      `x[m + 1] ${op} ${y1};`,
      '}',
    );
  }
  for (const k of borderK) {
    const terms: string[] = [];
    for (let t = (k - 1) & 1; t < F; t += 2) {
      const o = (k - 1 - t) >> 1;
      if (o < 0) break;
      if (o >= outLen) continue;
      const [a, d] = coeff(o);
      terms.push(`l${t} * ${a}`, `h${t} * ${d}`);
    }
    lines.push(`x[(xo + ${map[k]}) | 0] += ${sumOf(terms)};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** Per map: each generated kernel once built, or null when it is not generated (too large). */
interface RowKernels {
  analysis?: RowAnalysis | null;
  adjointAdd?: RowAdjoint | null;
  adjointSet?: RowAdjoint | null;
  filterGrad?: RowFilterGrad | null;
  /** The border outputs only (after the SIMD kernels did the interior). */
  analysisBorders?: RowAnalysis | null;
  adjointBorders?: RowAdjoint | null;
  filterGradBorders?: RowFilterGrad | null;
}

/**
 * Bounds of the generated row kernels, which are specific to one extension map (one signal
 * length): a map gets them only once `GENERATE_AFTER_ROWS` rows have gone through it (a batch of
 * 64 signals at once, or a length seen that often; a length seen a few times, as in a transform
 * of many differently sized signals, runs the loops instead of paying for code generation), and
 * at most `MAX_GENERATED_MAPS` maps keep them (least recently used dropped first), so memory
 * stays bounded however many lengths come.
 */
export const ROW_KERNEL_CACHE = { GENERATE_AFTER_ROWS: 64, MAX_GENERATED_MAPS: 64 };

/** Maps with generated row kernels, least recently used first. */
const rowKernels = new Map<ExtensionMap, RowKernels>();
/** Rows that went through maps without generated kernels (yet). */
const rowKernelUses = new WeakMap<ExtensionMap, number>();

/** The generated row kernels of a map, or null while too few rows (now `rows` more) went through it. */
function rowKernelsOf(em: ExtensionMap, rows: number): RowKernels | null {
  let k = rowKernels.get(em);
  if (k) {
    if (rowKernels.size >= ROW_KERNEL_CACHE.MAX_GENERATED_MAPS) {
      // Full: keep the most recently used (a plain hit costs nothing more below that).
      rowKernels.delete(em);
      rowKernels.set(em, k);
    }
    return k;
  }
  const uses = (rowKernelUses.get(em) ?? 0) + rows;
  rowKernelUses.set(em, uses);
  if (uses < ROW_KERNEL_CACHE.GENERATE_AFTER_ROWS) return null;
  k = {};
  rowKernels.set(em, k);
  while (rowKernels.size > ROW_KERNEL_CACHE.MAX_GENERATED_MAPS) {
    const oldest = rowKernels.keys().next().value as ExtensionMap;
    rowKernels.delete(oldest);
    rowKernelUses.delete(oldest);
  }
  return k;
}

/** How many extension maps hold generated row kernels now (for tests and benchmarks). */
export function generatedRowKernelMaps(): number {
  return rowKernels.size;
}

/**
 * Generated functions with more multiplications than this are not built: V8 does not optimise
 * very large functions, and they then run several times slower than the loops (seen at ~3,100
 * products with F = 40; ~2,800 with F = 30 was still optimised).
 */
const MAX_GENERATED_PRODUCTS = 2500;

/** Compiles a row kernel's source unless it is too large (then null: the loops run). */
function compileRowKernel<T>(params: string[], source: string): T | null {
  const products = source.split(' * ').length - 1;
  return products > MAX_GENERATED_PRODUCTS ? null : compile<T>(params, source);
}

/** The generated analysis of a map, or null when the generic loop must run. */
function generatedAnalysis(em: ExtensionMap, F: number, rows: number): RowAnalysis | null {
  if (!specializable(F) || F !== em.filterLen) return null;
  const k = rowKernelsOf(em, rows);
  if (k === null) return null;
  if (k.analysis === undefined) {
    k.analysis = compileRowKernel<RowAnalysis>(['x', 'xOff', 'xStride', 'rows', 'lo', 'hi', 'cA', 'aOff', 'aStride', 'cD', 'dOff', 'dStride'], rowAnalysisSource(em));
  }
  return k.analysis;
}

/** The generated adjoint of a map (adding or storing the interior), or null. */
function generatedAdjoint(em: ExtensionMap, F: number, add: boolean, rows: number): RowAdjoint | null {
  if (!specializable(F) || F !== em.filterLen) return null;
  const k = rowKernelsOf(em, rows);
  if (k === null) return null;
  const params = ['cA', 'aOff', 'aStride', 'cD', 'dOff', 'dStride', 'rows', 'lo', 'hi', 'x', 'xOff', 'xStride'];
  if (add) {
    if (k.adjointAdd === undefined) k.adjointAdd = compileRowKernel<RowAdjoint>(params, rowAdjointSource(em, true));
    return k.adjointAdd;
  }
  if (k.adjointSet === undefined) k.adjointSet = compileRowKernel<RowAdjoint>(params, rowAdjointSource(em, false));
  return k.adjointSet;
}

/** The generated border-only kernels of a map (see `RowKernels`), or null where the loops must run. */
function generatedBorders(em: ExtensionMap, F: number, rows: number): RowKernels | null {
  if (!specializable(F) || F !== em.filterLen) return null;
  const k = rowKernelsOf(em, rows);
  if (k === null) return null;
  if (k.analysisBorders === undefined) {
    k.analysisBorders = compileRowKernel<RowAnalysis>(['x', 'xOff', 'xStride', 'rows', 'lo', 'hi', 'cA', 'aOff', 'aStride', 'cD', 'dOff', 'dStride'], rowAnalysisSource(em, true));
    k.adjointBorders = compileRowKernel<RowAdjoint>(['cA', 'aOff', 'aStride', 'cD', 'dOff', 'dStride', 'rows', 'lo', 'hi', 'x', 'xOff', 'xStride'], rowAdjointSource(em, true, true));
    k.filterGradBorders = compileRowKernel<RowFilterGrad>(['x', 'xOff', 'xStride', 'rows', 'gA', 'aOff', 'aStride', 'gD', 'dOff', 'dStride', 'dLo', 'dHi'], rowFilterGradSource(em, true));
  }
  return k;
}

/** The generated filter derivative of a map, or null. */
function generatedFilterGrad(em: ExtensionMap, F: number, rows: number): RowFilterGrad | null {
  if (!specializable(F) || F !== em.filterLen) return null;
  const k = rowKernelsOf(em, rows);
  if (k === null) return null;
  if (k.filterGrad === undefined) {
    k.filterGrad = compileRowKernel<RowFilterGrad>(['x', 'xOff', 'xStride', 'rows', 'gA', 'aOff', 'aStride', 'gD', 'dOff', 'dStride', 'dLo', 'dHi'], rowFilterGradSource(em));
  }
  return k.filterGrad;
}

// ---------------------------------------------------------------------------------------------
// Batched row kernels
// ---------------------------------------------------------------------------------------------

/** Rows per SIMD call in the batched row kernels (about 256 KiB of input; at least one row). */
function simdRowChunk(xStride: number): number {
  return Math.max(1, Math.floor(32768 / Math.max(1, xStride)));
}

/**
 * Runs `chunk(r0, rc)` over the rows in SIMD-sized chunks (each does its SIMD interiors, then the
 * borders of the same rows while they are in cache). False when the first chunk declines (the SIMD
 * kernels do not run for this call: nothing was done); the decision is the same for every chunk.
 */
function inRowChunks(rows: number, xStride: number, chunk: (r0: number, rc: number) => boolean): boolean {
  const step = simdRowChunk(xStride);
  for (let r0 = 0; r0 < rows; r0 += step) {
    if (!chunk(r0, Math.min(step, rows - r0))) return false;
  }
  return true;
}

/**
 * Affine modes: runs `fn(xe, r0, rc)` on blocks of `rc` rows (from row `r0`) of x, each extended
 * explicitly into `xe` (rows of `em.affine.len`), so the ordinary kernels run on the identity map.
 */
function inExtendedRowBlocks(
  x: Float64Array, xOff: number, xStride: number, rows: number, em: ExtensionMap,
  fn: (xe: Float64Array, r0: number, rc: number) => void,
): void {
  const len = em.affine!.len;
  const blk = affineRowBlock(len);
  const xe = new Float64Array(Math.min(blk, rows) * len);
  for (let r0 = 0; r0 < rows; r0 += blk) {
    const rc = Math.min(blk, rows - r0);
    extendRows(x, xOff + r0 * xStride, xStride, rc, em, xe);
    fn(xe, r0, rc);
  }
}

/**
 * Analysis of `rows` signals: signal r is `x[xOff + r·xStride …]` (length `em.n`); its
 * coefficients go to `cA[aOff + r·aStride …]` and `cD[dOff + r·dStride …]` (`em.outLen` each).
 */
export function analyzeRows(
  x: Float64Array, xOff: number, xStride: number, rows: number, em: ExtensionMap, lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number,
): void {
  if (em.affine) {
    // Affine modes: extend a block of rows explicitly, then the ordinary kernels on the identity map.
    const A = em.affine;
    inExtendedRowBlocks(x, xOff, xStride, rows, em, (xe, r0, rc) =>
      analyzeRows(xe, 0, A.len, rc, A.valid, lo, hi, cA, aOff + r0 * aStride, aStride, cD, dOff + r0 * dStride, dStride));
    return;
  }
  const L = layoutOf(em);
  if (useSpecialized && L.oHi > L.oLo) {
    // SIMD interiors, then the borders of the same rows while they are in cache.
    const done = inRowChunks(rows, xStride, (r0, rc) => {
      const xo = xOff + r0 * xStride, ao = aOff + r0 * aStride, dof = dOff + r0 * dStride;
      if (!simdAnalyzeRows(x, xo, xStride, rc, 2 * L.oLo + 1 - L.shift, L.oLo, L.oHi - L.oLo, em.outLen, lo, hi, cA, ao, aStride, cD, dof, dStride)) return false;
      const gen = int32Indexable(x, cA, cD) ? generatedBorders(em, lo.length, rc)?.analysisBorders : null;
      if (gen) gen(x, xo, xStride, rc, lo, hi, cA, ao, aStride, cD, dof, dStride);
      else analyzeRowsBorders(em, x, xo, xStride, rc, lo, hi, cA, ao, aStride, cD, dof, dStride);
      return true;
    });
    if (done) return;
  }
  const gen = int32Indexable(x, cA, cD) ? generatedAnalysis(em, lo.length, rows) : null;
  if (gen) gen(x, xOff, xStride, rows, lo, hi, cA, aOff, aStride, cD, dOff, dStride);
  else analyzeRowsGeneric(em, x, xOff, xStride, rows, lo, hi, cA, aOff, aStride, cD, dOff, dStride);
}

/**
 * Adjoint of `analyzeRows`: adds Pᵀ Cᵀ (cA, cD) of each of the `rows` signals into
 * `x[xOff + r·xStride …]` (length `em.n`). Null arrays are zeros. With `accumulate = false` the
 * targets must hold zeros on entry (a fresh array), unless `layoutOf(em).covers`: interior
 * outputs are then stored, not added, which saves a load per output.
 */
export function scatterRows(
  cA: Float64Array | null, aOff: number, aStride: number, cD: Float64Array | null, dOff: number, dStride: number,
  rows: number, em: ExtensionMap, lo: Float64Array, hi: Float64Array,
  x: Float64Array, xOff: number, xStride: number, accumulate = true,
): void {
  if (em.affine) {
    // Affine modes: the adjoint on the extended block, then the extension's transpose (adds; with
    // accumulate = false the targets hold zeros, since an affine map never `covers`).
    const E = em.affine;
    const blk = affineRowBlock(E.len);
    const ye = new Float64Array(Math.min(blk, rows) * E.len);
    for (let r0 = 0; r0 < rows; r0 += blk) {
      const rc = Math.min(blk, rows - r0);
      if (r0 > 0) ye.fill(0);
      scatterRows(cA, aOff + r0 * aStride, aStride, cD, dOff + r0 * dStride, dStride, rc, E.valid, lo, hi, ye, 0, E.len, true);
      foldRows(ye, rc, em, x, xOff + r0 * xStride, xStride);
    }
    return;
  }
  let A = cA;
  let D = cD;
  if (A === null) {
    A = zerosOf(em.outLen);
    aOff = 0;
    aStride = 0;
  }
  if (D === null) {
    D = zerosOf(em.outLen);
    dOff = 0;
    dStride = 0;
  }
  const L = layoutOf(em);
  const half = lo.length >> 1;
  if (useSpecialized && L.vHi > L.vLo) {
    const done = inRowChunks(rows, xStride, (r0, rc) => {
      const xo = xOff + r0 * xStride, ao = aOff + r0 * aStride, dof = dOff + r0 * dStride;
      if (!simdScatterRows(A, ao, aStride, D, dof, dStride, rc, L.vLo - half + 1, L.vHi - L.vLo, lo, hi, x, xo, xStride, 2 * L.vLo + 1 - L.shift, em.n, accumulate)) return false;
      const gen = int32Indexable(x, A, D) ? generatedBorders(em, lo.length, rc)?.adjointBorders : null;
      if (gen) gen(A, ao, aStride, D, dof, dStride, rc, lo, hi, x, xo, xStride);
      else scatterRowsBorders(em, A, ao, aStride, D, dof, dStride, rc, lo, hi, x, xo, xStride);
      return true;
    });
    if (done) return;
  }
  const gen = int32Indexable(x, A, D) ? generatedAdjoint(em, lo.length, accumulate, rows) : null;
  if (gen) gen(A, aOff, aStride, D, dOff, dStride, rows, lo, hi, x, xOff, xStride);
  else scatterRowsGeneric(em, accumulate, A, aOff, aStride, D, dOff, dStride, rows, lo, hi, x, xOff, xStride);
}

/**
 * Filter derivative of `analyzeRows`: adds Σ_r ∂⟨(gA_r, gD_r), analyze(x_r)⟩/∂lo into `dLo` and
 * ∂/∂hi into `dHi`.
 */
export function filterGradRows(
  x: Float64Array, xOff: number, xStride: number, rows: number, em: ExtensionMap,
  gA: Float64Array, aOff: number, aStride: number, gD: Float64Array, dOff: number, dStride: number,
  dLo: Float64Array, dHi: Float64Array,
): void {
  if (em.affine) {
    const A = em.affine;
    inExtendedRowBlocks(x, xOff, xStride, rows, em, (xe, r0, rc) =>
      filterGradRows(xe, 0, A.len, rc, A.valid, gA, aOff + r0 * aStride, aStride, gD, dOff + r0 * dStride, dStride, dLo, dHi));
    return;
  }
  const L = layoutOf(em);
  if (useSpecialized && L.oHi > L.oLo) {
    const done = inRowChunks(rows, xStride, (r0, rc) => {
      const xo = xOff + r0 * xStride, ao = aOff + r0 * aStride, dof = dOff + r0 * dStride;
      if (!simdFilterGradRows(x, xo, xStride, rc, 2 * L.oLo + 1 - L.shift, L.oLo, L.oHi - L.oLo, gA, ao, aStride, gD, dof, dStride, dLo, dHi)) return false;
      const gen = int32Indexable(x, gA, gD) ? generatedBorders(em, dLo.length, rc)?.filterGradBorders : null;
      if (gen) gen(x, xo, xStride, rc, gA, ao, aStride, gD, dof, dStride, dLo, dHi);
      else filterGradRowsBorders(em, x, xo, xStride, rc, gA, ao, aStride, gD, dof, dStride, dLo, dHi);
      return true;
    });
    if (done) return;
  }
  const gen = int32Indexable(x, gA, gD) ? generatedFilterGrad(em, dLo.length, rows) : null;
  if (gen) gen(x, xOff, xStride, rows, gA, aOff, aStride, gD, dOff, dStride, dLo, dHi);
  else filterGradRowsGeneric(em, x, xOff, xStride, rows, gA, aOff, aStride, gD, dOff, dStride, dLo, dHi);
}

/** The border outputs' part of `filterGradRows` (after the SIMD interior), row by row. */
function filterGradRowsBorders(
  em: ExtensionMap, x: Float64Array, xOff: number, xStride: number, rows: number,
  gA: Float64Array, aOff: number, aStride: number, gD: Float64Array, dOff: number, dStride: number,
  dLo: Float64Array, dHi: Float64Array,
): void {
  const { borderO } = layoutOf(em);
  const map = em.map;
  const F = dLo.length;
  for (let r = 0; r < rows; r++) {
    const ia = aOff + r * aStride;
    const id = dOff + r * dStride;
    const xo = xOff + r * xStride;
    for (let b = 0; b < borderO.length; b++) {
      const o = borderO[b];
      const ga = gA[ia + o];
      const gd = gD[id + o];
      const k = 2 * o + 1;
      for (let t = 0; t < F; t++) {
        const m = map[k + t];
        if (m < 0) continue;
        const v = x[xo + m];
        dLo[t] += ga * v;
        dHi[t] += gd * v;
      }
    }
  }
}

/** Filter derivative of `rows` signals; see `filterGradRows`. */
type RowFilterGrad = (
  x: Float64Array, xOff: number, xStride: number, rows: number,
  gA: Float64Array, aOff: number, aStride: number, gD: Float64Array, dOff: number, dStride: number,
  dLo: Float64Array, dHi: Float64Array,
) => void;

/**
 * The loops of `filterGradRows`. For each tap t and each row, the row's sum over the outputs o
 * (in increasing o) of gA[o]·xe[2o+1+t], then added to the total over rows.
 */
function filterGradRowsGeneric(
  em: ExtensionMap, x: Float64Array, xOff: number, xStride: number, rows: number,
  gA: Float64Array, aOff: number, aStride: number, gD: Float64Array, dOff: number, dStride: number,
  dLo: Float64Array, dHi: Float64Array,
): void {
  const { shift, oLo, oHi } = layoutOf(em);
  const F = dLo.length;
  const map = em.map;
  const outLen = em.outLen;
  const interior = oHi > oLo;
  for (let t = 0; t < F; t++) {
    let sa = 0;
    let sd = 0;
    for (let r = 0; r < rows; r++) {
      const ia = aOff + r * aStride;
      const id = dOff + r * dStride;
      const xo = xOff + r * xStride;
      let ra = 0;
      let rd = 0;
      for (let o = 0; o < outLen; o++) {
        let m: number;
        if (interior && o >= oLo && o < oHi) m = 2 * o + 1 - shift + t;
        else {
          m = map[2 * o + 1 + t];
          if (m < 0) continue;
        }
        const v = x[xo + m];
        ra += gA[ia + o] * v;
        rd += gD[id + o] * v;
      }
      sa += ra;
      sd += rd;
    }
    dLo[t] += sa;
    dHi[t] += sd;
  }
}

/**
 * Source of the filter derivative of one map: per row, every tap's sum over the outputs as one
 * straight-line expression (samples `x{m}` and gradients `A{o}`, `D{o}` loaded once), or, for long
 * interiors, a loop per tap.
 */
function rowFilterGradSource(em: ExtensionMap, bordersOnly = false): string {
  const F = em.filterLen;
  const { shift, oLo, oHi } = layoutOf(em);
  const map = em.map;
  const outLen = em.outLen;
  const interior = oHi > oLo;
  const unrolled = oHi - oLo <= FULL_UNROLL;
  const lines: string[] = [
    range(F).map((t) => `let sa${t} = 0, sd${t} = 0;`).join(' '),
    'for (let r = 0; r < rows; r++) {',
    'const xo = (xOff + r * xStride) | 0, ia = (aOff + r * aStride) | 0, id = (dOff + r * dStride) | 0;',
  ];
  const loaded = new Set<string>();
  const load = (name: string, expr: string): string => {
    if (!loaded.has(name)) {
      loaded.add(name);
      lines.push(`const ${name} = ${expr};`);
    }
    return name;
  };
  const terms = (t: number, from: number, to: number): [string[], string[]] => {
    const a: string[] = [];
    const d: string[] = [];
    for (let o = from; o < to; o++) {
      const m = interior && o >= oLo && o < oHi ? 2 * o + 1 - shift + t : map[2 * o + 1 + t];
      if (m < 0) continue;
      const v = load(`x${m}`, `x[(xo + ${m}) | 0]`);
      a.push(`${load(`A${o}`, `gA[(ia + ${o}) | 0]`)} * ${v}`);
      d.push(`${load(`D${o}`, `gD[(id + ${o}) | 0]`)} * ${v}`);
    }
    return [a, d];
  };
  for (let t = 0; t < F; t++) {
    if (bordersOnly) {
      const [la, ld] = terms(t, 0, oLo);
      const [ra, rd] = terms(t, oHi, outLen);
      lines.push(`sa${t} += ${sumOf([...la, ...ra])};`, `sd${t} += ${sumOf([...ld, ...rd])};`);
    } else if (unrolled) {
      const [a, d] = terms(t, 0, outLen);
      lines.push(`sa${t} += ${sumOf(a)};`, `sd${t} += ${sumOf(d)};`);
    } else {
      // Left border, interior loop, right border: the same terms in the same order.
      const [la, ld] = terms(t, 0, oLo);
      const [ra, rd] = terms(t, oHi, outLen);
      lines.push(
        '{',
        `let ra = ${sumOf(la)}, rd = ${sumOf(ld)};`,
        `for (let o = ${oLo}, s = xo + ${2 * oLo + 1 - shift + t}; o < ${oHi}; o++, s += 2) {`,
        'const v = x[s];',
        'ra += gA[ia + o] * v;',
        'rd += gD[id + o] * v;',
        '}',
        ...ra.map((term) => `ra += ${term};`),
        ...rd.map((term) => `rd += ${term};`),
        `sa${t} += ra;`,
        `sd${t} += rd;`,
        '}',
      );
    }
  }
  lines.push('}', ...range(F).map((t) => `dLo[${t}] += sa${t}; dHi[${t}] += sd${t};`));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Column kernels' interiors: generic loops, and code generated per filter length
// ---------------------------------------------------------------------------------------------

/**
 * Column analysis of the interior: output row q (q < count) reads source rows
 * `p + (2q + t)·width`, t < F, and writes `cA[a + q·width + c]`, `cD[d + q·width + c]`.
 */
type DownCols = (
  x: Float64Array, p: number, width: number, count: number,
  cA: Float64Array, a: number, cD: Float64Array, d: number, lo: Float64Array, hi: Float64Array,
) => void;

/**
 * Column adjoint of the interior: pair q reads coefficient rows `a + (q + i)·width`, i < F/2, and
 * adds into (or, when `add` is false, stores) rows `p + 2q·width` and `p + (2q + 1)·width` of x.
 */
type UpCols = (
  cA: Float64Array, a: number, cD: Float64Array, d: number, width: number, count: number,
  x: Float64Array, p: number, lo: Float64Array, hi: Float64Array, add: boolean,
) => void;

const genericDownCols: DownCols = (x, p, width, count, cA, a, cD, d, lo, hi) => {
  const F = lo.length;
  for (let q = 0; q < count; q++) {
    const base = p + 2 * q * width;
    const ia = a + q * width;
    const id = d + q * width;
    for (let c = 0; c < width; c++) {
      let sa = 0;
      let sd = 0;
      for (let t = 0; t < F; t++) {
        const v = x[base + t * width + c];
        sa += lo[t] * v;
        sd += hi[t] * v;
      }
      cA[ia + c] = sa;
      cD[id + c] = sd;
    }
  }
};

const genericUpCols: UpCols = (cA, a, cD, d, width, count, x, p, lo, hi, add) => {
  const F = lo.length;
  const half = F >> 1;
  for (let q = 0; q < count; q++) {
    const ia = a + q * width;
    const id = d + q * width;
    const x0 = p + 2 * q * width;
    const x1 = x0 + width;
    for (let c = 0; c < width; c++) {
      let y0 = 0;
      let y1 = 0;
      for (let i = 0; i < half; i++) {
        const va = cA[ia + i * width + c];
        const vd = cD[id + i * width + c];
        y0 += lo[F - 2 - 2 * i] * va;
        y0 += hi[F - 2 - 2 * i] * vd;
        y1 += lo[F - 1 - 2 * i] * va;
        y1 += hi[F - 1 - 2 * i] * vd;
      }
      if (add) {
        x[x0 + c] += y0;
        x[x1 + c] += y1;
      } else {
        x[x0 + c] = y0;
        x[x1 + c] = y1;
      }
    }
  }
};

/**
 * Column filter derivative of the interior: output row q (q < count) pairs gradient rows
 * `a + q·width`, `d + q·width` with source rows `p + (2q + t)·width` and adds the dot products
 * into dLo[t], dHi[t].
 */
type GradCols = (
  x: Float64Array, p: number, width: number, count: number,
  gA: Float64Array, a: number, gD: Float64Array, d: number, dLo: Float64Array, dHi: Float64Array,
) => void;

const genericGradCols: GradCols = (x, p, width, count, gA, a, gD, d, dLo, dHi) => {
  const F = dLo.length;
  for (let q = 0; q < count; q++) {
    const ia = a + q * width;
    const id = d + q * width;
    for (let t = 0; t < F; t++) {
      const xo = p + (2 * q + t) * width;
      let sa = 0;
      let sd = 0;
      for (let c = 0; c < width; c++) {
        const v = x[xo + c];
        sa += gA[ia + c] * v;
        sd += gD[id + c] * v;
      }
      dLo[t] += sa;
      dHi[t] += sd;
    }
  }
};

interface ColKernels {
  downCols: DownCols;
  upCols: UpCols;
  gradCols: GradCols;
}

const GENERIC_COLS: ColKernels = { downCols: genericDownCols, upCols: genericUpCols, gradCols: genericGradCols };
const generatedCols = new Map<number, ColKernels>();

/** Source of the column kernels for filter length F (same arithmetic as the generic loops). */
function colSource(F: number): Record<keyof ColKernels, string> {
  const half = F >> 1;
  const downCols = `${tapConstants(F)}
for (let q = 0; q < count; q++) {
  const b0 = p + 2 * q * width;
  ${range(F - 1).map((t) => `const b${t + 1} = b${t} + width;`).join(' ')}
  const ia = a + q * width, id = d + q * width;
  for (let c = 0; c < width; c++) {
    ${range(F).map((t) => `const v${t} = x[b${t} + c];`).join(' ')}
    cA[ia + c] = ${sumOf(range(F).map((t) => `l${t} * v${t}`))};
    cD[id + c] = ${sumOf(range(F).map((t) => `h${t} * v${t}`))};
  }
}`;
  const y = (parity: number): string =>
    sumOf(range(half).flatMap((i) => [`l${F - 2 + parity - 2 * i} * A${i}`, `h${F - 2 + parity - 2 * i} * D${i}`]));
  const upLoop = (op: string): string => `for (let q = 0; q < count; q++) {
  const a0 = a + q * width, d0 = d + q * width;
  ${range(half - 1).map((i) => `const a${i + 1} = a${i} + width, d${i + 1} = d${i} + width;`).join(' ')}
  const x0 = p + 2 * q * width, x1 = x0 + width;
  for (let c = 0; c < width; c++) {
    ${range(half).map((i) => `const A${i} = cA[a${i} + c], D${i} = cD[d${i} + c];`).join(' ')}
    x[x0 + c] ${op} ${y(0)};
    x[x1 + c] ${op} ${y(1)};
  }
}`;
  const upCols = `${tapConstants(F)}
if (add) {
${upLoop('+=')}
} else {
${upLoop('=')}
}`;
  // The derivative: one pass over the row per group of up to 5 taps, so the group's 2 × 5
  // accumulators, the two gradients and a sample fit in registers.
  const groups: number[][] = [];
  for (let t = 0; t < F; t += 5) groups.push(range(Math.min(5, F - t)).map((i) => t + i));
  const gradCols = `for (let q = 0; q < count; q++) {
  const b0 = p + 2 * q * width;
  ${range(F - 1).map((t) => `const b${t + 1} = b${t} + width;`).join(' ')}
  const ia = a + q * width, id = d + q * width;
  ${groups
    .map(
      (g) => `{
    ${g.map((t) => `let sa${t} = 0, sd${t} = 0;`).join(' ')}
    for (let c = 0; c < width; c++) {
      const A = gA[ia + c], D = gD[id + c];
      ${g.map((t) => `const v${t} = x[b${t} + c]; sa${t} += A * v${t}; sd${t} += D * v${t};`).join('\n      ')}
    }
    ${g.map((t) => `dLo[${t}] += sa${t}; dHi[${t}] += sd${t};`).join(' ')}
  }`,
    )
    .join('\n  ')}
}`;
  return { downCols, upCols, gradCols };
}

const simdCols = new Map<number, ColKernels>();

/**
 * The column kernels for filter length F as the callers use them: the WebAssembly SIMD kernels
 * where they run (`simdKernels.ts`), else `colKernelsFor(F)`.
 */
function colKernels(F: number): ColKernels {
  if (!useSpecialized) return GENERIC_COLS;
  let k = simdCols.get(F);
  if (!k) {
    const js = colKernelsFor(F);
    k = {
      downCols: (x, p, width, count, cA, a, cD, d, lo, hi) => {
        if (!simdDownCols(x, p, width, count, cA, a, cD, d, lo, hi)) js.downCols(x, p, width, count, cA, a, cD, d, lo, hi);
      },
      upCols: (cA, a, cD, d, width, count, x, p, lo, hi, add) => {
        if (!simdUpCols(cA, a, cD, d, width, count, x, p, lo, hi, add)) js.upCols(cA, a, cD, d, width, count, x, p, lo, hi, add);
      },
      gradCols: (x, p, width, count, gA, a, gD, d, dLo, dHi) => {
        if (!simdGradCols(x, p, width, count, gA, a, gD, d, dLo, dHi)) js.gradCols(x, p, width, count, gA, a, gD, d, dLo, dHi);
      },
    };
    simdCols.set(F, k);
  }
  return k;
}

/** The column kernels for filter length F: generated (cached) or the generic loops. */
function colKernelsFor(F: number): ColKernels {
  if (!specializable(F)) return GENERIC_COLS;
  let k = generatedCols.get(F);
  if (!k) {
    const src = colSource(F);
    const downCols = compile<DownCols>(['x', 'p', 'width', 'count', 'cA', 'a', 'cD', 'd', 'lo', 'hi'], src.downCols);
    const upCols = compile<UpCols>(['cA', 'a', 'cD', 'd', 'width', 'count', 'x', 'p', 'lo', 'hi', 'add'], src.upCols);
    const gradCols = compile<GradCols>(['x', 'p', 'width', 'count', 'gA', 'a', 'gD', 'd', 'dLo', 'dHi'], src.gradCols);
    if (!downCols || !upCols || !gradCols) return GENERIC_COLS;
    k = { downCols, upCols, gradCols };
    generatedCols.set(F, k);
  }
  return k;
}

// ---------------------------------------------------------------------------------------------
// Single-signal kernels (the original API; the work buffers are no longer needed but kept)
// ---------------------------------------------------------------------------------------------

/** Single-signal analysis. `xe` is a work buffer of at least `map.length` values (unused now). */
export function analyze(
  x: Float64Array, xOff: number, em: ExtensionMap, lo: Float64Array, hi: Float64Array,
  xe: Float64Array, cA: Float64Array, aOff: number, cD: Float64Array, dOff: number,
): void {
  void xe;
  analyzeRows(x, xOff, 0, 1, em, lo, hi, cA, aOff, 0, cD, dOff, 0);
}

/**
 * Single-signal adjoint of `analyze`: adds Pᵀ Cᵀ (cA, cD) into `x` (length `em.n`, not cleared).
 * `cA` or `cD` may be null (treated as zeros). `ye` is a work buffer of at least `map.length`
 * (unused now).
 */
export function scatter(
  cA: Float64Array | null, aOff: number, cD: Float64Array | null, dOff: number,
  em: ExtensionMap, lo: Float64Array, hi: Float64Array,
  ye: Float64Array, x: Float64Array, xOff: number,
): void {
  void ye;
  scatterRows(cA, aOff, 0, cD, dOff, 0, 1, em, lo, hi, x, xOff, 0);
}

/**
 * Single-signal filter derivative: adds ∂⟨(gA, gD), analyze(x)⟩/∂lo into `dLo` and ∂/∂hi into
 * `dHi`. `xe` is a work buffer (unused now).
 */
export function filterGrad(
  x: Float64Array, xOff: number, em: ExtensionMap,
  gA: Float64Array, aOff: number, gD: Float64Array, dOff: number,
  xe: Float64Array, dLo: Float64Array, dHi: Float64Array,
): void {
  void xe;
  filterGradRows(x, xOff, 0, 1, em, gA, aOff, 0, gD, dOff, 0, dLo, dHi);
}

// ---------------------------------------------------------------------------------------------
// Column kernels (a block of rows × width, transformed along the rows)
// ---------------------------------------------------------------------------------------------

const borderTables = new WeakMap<ExtensionMap, Int32Array>();

/**
 * Per border output o of a map: o, then for each tap t the source index map[2o+1+t] (−1: zero);
 * F + 1 entries per border output (for `simdBorderDownCols`).
 */
function borderTableOf(em: ExtensionMap): Int32Array {
  let t = borderTables.get(em);
  if (!t) {
    const { borderO } = layoutOf(em);
    const F = em.filterLen;
    t = new Int32Array(borderO.length * (F + 1));
    borderO.forEach((o, j) => {
      t![j * (F + 1)] = o;
      for (let k = 0; k < F; k++) t![j * (F + 1) + 1 + k] = em.map[2 * o + 1 + k];
    });
    borderTables.set(em, t);
  }
  return t;
}

/**
 * Column-wise analysis of a block of `rows × width` values (row-major, rows along the transform
 * axis): every column is transformed at once, a row of the output at a time, so the inner loop
 * runs over contiguous memory. Output blocks are `em.outLen × width`.
 */
export function analyzeCols(
  x: Float64Array, xOff: number, width: number, em: ExtensionMap, lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, cD: Float64Array, dOff: number,
): void {
  if (em.affine) {
    const xe = new Float64Array(em.affine.len * width);
    extendCols(x, xOff, width, em, xe);
    analyzeCols(xe, 0, width, em.affine.valid, lo, hi, cA, aOff, cD, dOff);
    return;
  }
  const L = layoutOf(em);
  const F = lo.length;
  if (L.oHi > L.oLo) {
    // Interior output row o reads rows 2o + 1 − shift + t, t < F.
    colKernels(F).downCols(x, xOff + (2 * L.oLo + 1 - L.shift) * width, width, L.oHi - L.oLo, cA, aOff + L.oLo * width, cD, dOff + L.oLo * width, lo, hi);
  }
  // Border rows: one pass over the row per tap that reads the signal (in place in SIMD when the
  // arrays are in the kernels' memory, with the same arithmetic).
  const map = em.map;
  const border = L.borderO;
  if (border.length > 0 && useSpecialized && simdBorderDownCols(x, xOff, width, borderTableOf(em), lo, hi, cA, aOff, cD, dOff)) return;
  for (let b = 0; b < border.length; b++) {
    const o = border[b];
    const ao = aOff + o * width;
    const dof = dOff + o * width;
    cA.fill(0, ao, ao + width);
    cD.fill(0, dof, dof + width);
    for (let t = 0; t < F; t++) {
      const r = map[2 * o + 1 + t];
      if (r < 0) continue;
      const l = lo[t];
      const h = hi[t];
      const xo = xOff + r * width;
      for (let c = 0; c < width; c++) {
        const v = x[xo + c];
        cA[ao + c] += l * v;
        cD[dof + c] += h * v;
      }
    }
  }
}

/** Column-wise adjoint of `analyzeCols`: adds into `x` (`em.n × width`, not cleared). */
export function scatterCols(
  cA: Float64Array | null, aOff: number, cD: Float64Array | null, dOff: number, width: number,
  em: ExtensionMap, lo: Float64Array, hi: Float64Array, x: Float64Array, xOff: number,
): void {
  scatterColsInto(cA, aOff, cD, dOff, width, em, lo, hi, x, xOff, true);
}

/**
 * `scatterCols` with a choice: with `accumulate = false` the interior rows are stored instead of
 * added, so `x` must hold zeros on entry unless `layoutOf(em).covers` (as `scatterRows`).
 */
export function scatterColsInto(
  cA: Float64Array | null, aOff: number, cD: Float64Array | null, dOff: number, width: number,
  em: ExtensionMap, lo: Float64Array, hi: Float64Array, x: Float64Array, xOff: number, accumulate: boolean,
): void {
  if (em.affine) {
    const ye = new Float64Array(em.affine.len * width);
    scatterColsInto(cA, aOff, cD, dOff, width, em.affine.valid, lo, hi, ye, 0, true);
    foldCols(ye, width, em, x, xOff);
    return;
  }
  const L = layoutOf(em);
  const F = lo.length;
  const half = F >> 1;
  const outLen = em.outLen;
  if (L.vHi > L.vLo && cA !== null && cD !== null) {
    const first = (L.vLo - half + 1) * width;
    colKernels(F).upCols(cA, aOff + first, cD, dOff + first, width, L.vHi - L.vLo, x, xOff + (2 * L.vLo + 1 - L.shift) * width, lo, hi, accumulate);
  } else if (L.vHi > L.vLo) {
    // One half is null: use a zero block for it (rare: idwt2 with missing subbands).
    const z = zerosOf(outLen * width);
    const first = (L.vLo - half + 1) * width;
    colKernels(F).upCols(cA ?? z, (cA ? aOff : 0) + first, cD ?? z, (cD ? dOff : 0) + first, width, L.vHi - L.vLo, x, xOff + (2 * L.vLo + 1 - L.shift) * width, lo, hi, accumulate);
  }
  // Border rows of the extended output, folded back through the map; one pass per tap.
  const map = em.map;
  const border = L.borderK;
  for (let b = 0; b < border.length; b++) {
    const k = border[b];
    const xo = xOff + map[k] * width;
    for (let t = (k - 1) & 1; t < F; t += 2) {
      const o = (k - 1 - t) >> 1;
      if (o < 0) break;
      if (o >= outLen) continue;
      const l = lo[t];
      const h = hi[t];
      const ao = aOff + o * width;
      const dof = dOff + o * width;
      if (cA !== null && cD !== null) {
        for (let c = 0; c < width; c++) x[xo + c] += l * cA[ao + c] + h * cD[dof + c];
      } else if (cA !== null) {
        for (let c = 0; c < width; c++) x[xo + c] += l * cA[ao + c];
      } else if (cD !== null) {
        for (let c = 0; c < width; c++) x[xo + c] += h * cD[dof + c];
      }
    }
  }
}

/** Column-wise filter derivative of `analyzeCols` (adds into dLo, dHi). */
export function filterGradCols(
  x: Float64Array, xOff: number, width: number, em: ExtensionMap,
  gA: Float64Array, aOff: number, gD: Float64Array, dOff: number,
  dLo: Float64Array, dHi: Float64Array,
): void {
  if (em.affine) {
    const xe = new Float64Array(em.affine.len * width);
    extendCols(x, xOff, width, em, xe);
    filterGradCols(xe, 0, width, em.affine.valid, gA, aOff, gD, dOff, dLo, dHi);
    return;
  }
  const { shift, oLo, oHi } = layoutOf(em);
  const map = em.map;
  const F = dLo.length;
  // Output rows in increasing order (the sums into dLo, dHi keep one order on both paths):
  // border rows through the map, interior rows (reading rows 2o + 1 − shift + t) in one kernel.
  // Border rows' dot products in the SIMD kernels' lane order (`laneDot`), in SIMD when in place.
  const borderRow = (o: number): void => {
    const ao = aOff + o * width;
    const dof = dOff + o * width;
    for (let t = 0; t < F; t++) {
      const r = map[2 * o + 1 + t];
      if (r < 0) continue;
      const xo = xOff + r * width;
      dLo[t] += laneDot(gA, ao, x, xo, width);
      dHi[t] += laneDot(gD, dof, x, xo, width);
    }
  };
  const interior = oHi > oLo;
  const table = borderTableOf(em);
  const nLeft = interior ? oLo : 0;
  const borders = (from: number, to: number): void => {
    if (to <= from) return;
    const inSimd = useSpecialized && simdBorderGradCols(x, xOff, width, table.subarray(from * (F + 1), to * (F + 1)), gA, aOff, gD, dOff, dLo, dHi);
    if (!inSimd) for (let j = from; j < to; j++) borderRow(table[j * (F + 1)]);
  };
  borders(0, nLeft);
  if (!interior) {
    borders(0, table.length / (F + 1));
    return;
  }
  colKernels(F).gradCols(x, xOff + (2 * oLo + 1 - shift) * width, width, oHi - oLo, gA, aOff + oLo * width, gD, dOff + oLo * width, dLo, dHi);
  borders(nLeft, table.length / (F + 1));
}
