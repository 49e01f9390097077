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
 *   itself: `cA[o] = Σ_t lo[t] x[2o + 1 − shift + t]`. They are computed straight from `x`, with
 *   no gather copy; only the few border outputs go through the map;
 * - for the adjoint, the polyphase ("gather") form of the scatter: the extended output
 *   `ye[k] = Σ_{2o+1+t=k} lo[t] cA[o] + hi[t] cD[o]` splits into pairs
 *
 *       ye[2v+1] = Σ_{r<F/2} lo[F−2−2r] cA[v−F/2+1+r] + hi[F−2−2r] cD[v−F/2+1+r]
 *       ye[2v+2] = Σ_{r<F/2} lo[F−1−2r] cA[v−F/2+1+r] + hi[F−1−2r] cD[v−F/2+1+r]
 *
 *   (both outputs of a pair read the same F/2 coefficients). Interior pairs `v ∈ [vLo, vHi)`
 *   have all their coefficients and both targets `x[2v+1−shift]`, `x[2v+2−shift]` inside the
 *   arrays: each output is one sum and one store, instead of F read-modify-writes. The remaining
 *   indices (`borderK`) are summed generically and folded back through the map. For the
 *   synthesis maps of every mode but periodization there is no border at all: the inverse DWT is a
 *   "valid" convolution.
 * - column kernels (`…Cols`) do the same with whole rows: each output row accumulates its taps in
 *   registers over the row and stores once.
 *
 * The interior loops exist twice: a generic loop over the taps (readable, any F), and a version
 * generated once per filter length with the taps hoisted into local constants and the loop
 * unrolled (`new Function`, cached). Both sum in the same order, so they give identical results;
 * `setSpecializedKernels(false)` forces the generic loops (tests compare both).
 *
 * Batched forms (`analyzeRows`, `scatterRows`, `filterGradRows`) run many signals of a batch in
 * one call, so per-call costs (map lookups, loading the taps) are paid once per batch. The loops
 * are allocation-free.
 * @module
 */
import { extensionMap, idwtOutputLen, type ExtensionMap, type Mode } from './modes.ts';

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
}

const layouts = new WeakMap<ExtensionMap, MapLayout>();

/** The (cached) layout of an extension map. */
export function layoutOf(em: ExtensionMap): MapLayout {
  const hit = layouts.get(em);
  if (hit) return hit;
  const { map, filterLen: F, outLen, n } = em;
  const half = F >> 1;
  const len = map.length;
  const shift = em.mode === 'periodization' ? half : F - 1;
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
  const layout: MapLayout = { shift, oLo, oHi, borderO: Int32Array.from(borderO), vLo, vHi, borderK: Int32Array.from(borderK) };
  layouts.set(em, layout);
  return layout;
}

// ---------------------------------------------------------------------------------------------
// Interior kernels: generic loops, and versions specialised per filter length
// ---------------------------------------------------------------------------------------------

/**
 * Row analysis of the interior: for r < rows, q < count,
 * `cA[a + r·aS + q] = Σ_t lo[t] src[p + r·pS + 2q + t]` (and cD with hi).
 */
type DownRows = (
  src: Float64Array, p: number, pS: number, rows: number, count: number,
  cA: Float64Array, a: number, aS: number, cD: Float64Array, d: number, dS: number,
  lo: Float64Array, hi: Float64Array,
) => void;

/**
 * Row adjoint of the interior, `count` pairs per row: pair q reads `cA[a + r·aS + q + i]`,
 * i < F/2, and writes `x[p + r·xS + 2q]` and `x[p + r·xS + 2q + 1]` (added, or assigned when
 * `add` is false).
 */
type UpRows = (
  cA: Float64Array, a: number, aS: number, cD: Float64Array, d: number, dS: number, rows: number, count: number,
  x: Float64Array, p: number, xS: number, lo: Float64Array, hi: Float64Array, add: boolean,
) => void;

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
 * adds into rows `p + 2q·width` and `p + (2q + 1)·width` of x.
 */
type UpCols = (
  cA: Float64Array, a: number, cD: Float64Array, d: number, width: number, count: number,
  x: Float64Array, p: number, lo: Float64Array, hi: Float64Array,
) => void;

interface InteriorKernels {
  downRows: DownRows;
  upRows: UpRows;
  downCols: DownCols;
  upCols: UpCols;
}

// The generic loops. Sums run over the taps in increasing t (analysis) and over the coefficient
// window in increasing i, lowpass then highpass (adjoint): the generated kernels use the same
// order, so both give bit-identical results.

const genericDownRows: DownRows = (src, p, pS, rows, count, cA, a, aS, cD, d, dS, lo, hi) => {
  const F = lo.length;
  for (let r = 0; r < rows; r++) {
    const ia = a + r * aS;
    const id = d + r * dS;
    let s = p + r * pS;
    for (let q = 0; q < count; q++, s += 2) {
      let sa = 0;
      let sd = 0;
      for (let t = 0; t < F; t++) {
        const v = src[s + t];
        sa += lo[t] * v;
        sd += hi[t] * v;
      }
      cA[ia + q] = sa;
      cD[id + q] = sd;
    }
  }
};

const genericUpRows: UpRows = (cA, a, aS, cD, d, dS, rows, count, x, p, xS, lo, hi, add) => {
  const F = lo.length;
  const half = F >> 1;
  for (let r = 0; r < rows; r++) {
    const ia = a + r * aS;
    const id = d + r * dS;
    const ix = p + r * xS;
    for (let q = 0; q < count; q++) {
      // ye[2v+1] uses the even taps, ye[2v+2] the odd ones, in decreasing order over the window.
      let y0 = 0;
      let y1 = 0;
      for (let i = 0; i < half; i++) {
        const va = cA[ia + q + i];
        const vd = cD[id + q + i];
        y0 += lo[F - 2 - 2 * i] * va;
        y0 += hi[F - 2 - 2 * i] * vd;
        y1 += lo[F - 1 - 2 * i] * va;
        y1 += hi[F - 1 - 2 * i] * vd;
      }
      if (add) {
        x[ix + 2 * q] += y0;
        x[ix + 2 * q + 1] += y1;
      } else {
        x[ix + 2 * q] = y0;
        x[ix + 2 * q + 1] = y1;
      }
    }
  }
};

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

const genericUpCols: UpCols = (cA, a, cD, d, width, count, x, p, lo, hi) => {
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
      x[x0 + c] += y0;
      x[x1 + c] += y1;
    }
  }
};

const GENERIC: InteriorKernels = { downRows: genericDownRows, upRows: genericUpRows, downCols: genericDownCols, upCols: genericUpCols };

/** Filter lengths up to this get generated kernels; longer filters use the generic loops. */
export const MAX_SPECIALIZED_LENGTH = 40;

const specialized = new Map<number, InteriorKernels>();
let useSpecialized = true;

/**
 * Turns the kernels generated per filter length on or off (then every length uses the generic
 * loops). Returns the previous setting. The results are identical either way; this exists for
 * tests and measurements.
 */
export function setSpecializedKernels(enabled: boolean): boolean {
  const prev = useSpecialized;
  useSpecialized = enabled;
  return prev;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** `Σ_i terms(i)` as a left-to-right sum (the generic loops' order). */
const sum = (n: number, term: (i: number) => string): string => range(n).map(term).join(' + ');

/**
 * Source of the kernels for filter length F. The taps become local constants (`l0 … h{F-1}`;
 * for the adjoint `le/lo/he/ho{i}` = the even/odd taps in window order) so the JIT keeps them out
 * of memory, and the row kernels do two outputs per iteration to reuse the loaded samples.
 */
function specializedSource(F: number): Record<keyof InteriorKernels, string> {
  const half = F >> 1;
  const taps = range(F).map((t) => `const l${t} = lo[${t}], h${t} = hi[${t}];`).join('\n');
  // Adjoint taps in window order i: even output uses lo[F-2-2i], odd output lo[F-1-2i].
  const upTaps = range(half)
    .map((i) => `const le${i} = lo[${F - 2 - 2 * i}], he${i} = hi[${F - 2 - 2 * i}], lo${i} = lo[${F - 1 - 2 * i}], ho${i} = hi[${F - 1 - 2 * i}];`)
    .join('\n');
  const dot = (tap: string, off: number): string => sum(F, (t) => `${tap}${t} * v${t + off}`);
  const downRows = `${taps}
for (let r = 0; r < rows; r++) {
  const ia = a + r * aS, id = d + r * dS;
  let s = p + r * pS, q = 0;
  for (; q + 1 < count; q += 2, s += 4) {
    ${range(F + 2).map((t) => `const v${t} = src[s + ${t}];`).join(' ')}
    cA[ia + q] = ${dot('l', 0)};
    cD[id + q] = ${dot('h', 0)};
    cA[ia + q + 1] = ${dot('l', 2)};
    cD[id + q + 1] = ${dot('h', 2)};
  }
  if (q < count) {
    ${range(F).map((t) => `const v${t} = src[s + ${t}];`).join(' ')}
    cA[ia + q] = ${dot('l', 0)};
    cD[id + q] = ${dot('h', 0)};
  }
}`;
  const upSum = (even: boolean, off: number): string =>
    sum(half, (i) => `${even ? 'le' : 'lo'}${i} * A${i + off} + ${even ? 'he' : 'ho'}${i} * D${i + off}`);
  const upBody = (op: string): string => `
  for (; q + 1 < count; q += 2, o += 4) {
    ${range(half + 1).map((i) => `const A${i} = cA[ia + q + ${i}], D${i} = cD[id + q + ${i}];`).join(' ')}
    x[o] ${op} ${upSum(true, 0)};
    x[o + 1] ${op} ${upSum(false, 0)};
    x[o + 2] ${op} ${upSum(true, 1)};
    x[o + 3] ${op} ${upSum(false, 1)};
  }
  if (q < count) {
    ${range(half).map((i) => `const A${i} = cA[ia + q + ${i}], D${i} = cD[id + q + ${i}];`).join(' ')}
    x[o] ${op} ${upSum(true, 0)};
    x[o + 1] ${op} ${upSum(false, 0)};
  }`;
  const upRows = `${upTaps}
for (let r = 0; r < rows; r++) {
  const ia = a + r * aS, id = d + r * dS;
  let o = p + r * xS, q = 0;
  if (add) {${upBody('+=')}
  } else {${upBody('=')}
  }
}`;
  const downCols = `${taps}
for (let q = 0; q < count; q++) {
  const b0 = p + 2 * q * width;
  ${range(F - 1).map((t) => `const b${t + 1} = b${t} + width;`).join(' ')}
  const ia = a + q * width, id = d + q * width;
  for (let c = 0; c < width; c++) {
    ${range(F).map((t) => `const v${t} = x[b${t} + c];`).join(' ')}
    cA[ia + c] = ${dot('l', 0)};
    cD[id + c] = ${dot('h', 0)};
  }
}`;
  const upCols = `${upTaps}
for (let q = 0; q < count; q++) {
  const a0 = a + q * width, d0 = d + q * width;
  ${range(half - 1).map((i) => `const a${i + 1} = a${i} + width, d${i + 1} = d${i} + width;`).join(' ')}
  const x0 = p + 2 * q * width, x1 = x0 + width;
  for (let c = 0; c < width; c++) {
    ${range(half).map((i) => `const A${i} = cA[a${i} + c], D${i} = cD[d${i} + c];`).join(' ')}
    x[x0 + c] += ${upSum(true, 0)};
    x[x1 + c] += ${upSum(false, 0)};
  }
}`;
  return { downRows, upRows, downCols, upCols };
}

/** The generated kernels for filter length F (built on first use, then cached). */
function specializedKernels(F: number): InteriorKernels {
  let k = specialized.get(F);
  if (!k) {
    const src = specializedSource(F);
    k = {
      downRows: new Function('src', 'p', 'pS', 'rows', 'count', 'cA', 'a', 'aS', 'cD', 'd', 'dS', 'lo', 'hi', src.downRows) as DownRows,
      upRows: new Function('cA', 'a', 'aS', 'cD', 'd', 'dS', 'rows', 'count', 'x', 'p', 'xS', 'lo', 'hi', 'add', src.upRows) as UpRows,
      downCols: new Function('x', 'p', 'width', 'count', 'cA', 'a', 'cD', 'd', 'lo', 'hi', src.downCols) as DownCols,
      upCols: new Function('cA', 'a', 'cD', 'd', 'width', 'count', 'x', 'p', 'lo', 'hi', src.upCols) as UpCols,
    };
    specialized.set(F, k);
  }
  return k;
}

/** The interior kernels to use for filter length F. */
function kernelsFor(F: number): InteriorKernels {
  return useSpecialized && F <= MAX_SPECIALIZED_LENGTH && F % 2 === 0 ? specializedKernels(F) : GENERIC;
}

/** A zero array of at least `n` values (stands in for a null coefficient array). */
let zerosBuf = new Float64Array(64);
function zerosOf(n: number): Float64Array {
  if (zerosBuf.length < n) zerosBuf = new Float64Array(Math.max(n, 2 * zerosBuf.length));
  return zerosBuf;
}

// ---------------------------------------------------------------------------------------------
// Batched row kernels (many signals, each along a row)
// ---------------------------------------------------------------------------------------------

/**
 * Analysis of `rows` signals: signal r is `x[xOff + r·xStride …]` (length `em.n`); its
 * coefficients go to `cA[aOff + r·aStride …]` and `cD[dOff + r·dStride …]` (`em.outLen` each).
 */
export function analyzeRows(
  x: Float64Array, xOff: number, xStride: number, rows: number, em: ExtensionMap, lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number,
): void {
  const L = layoutOf(em);
  const F = lo.length;
  const kern = kernelsFor(F);
  const outLen = em.outLen;
  const interior = L.oHi - L.oLo;
  // Borders: outputs [0, left) and [outLen − right, outLen). Their windows of the extended
  // signal (xe[1 …] and xe[2(outLen − right) + 1 …]) are gathered through the map, then run
  // through the same kernel as the interior.
  const left = interior > 0 ? L.oLo : 0;
  const right = outLen - (interior > 0 ? L.oHi : 0);
  const wl = left > 0 ? 2 * left + F - 2 : 0;
  const wr = right > 0 ? 2 * right + F - 2 : 0;
  const map = em.map;
  const k0 = 2 * (outLen - right) + 1;
  // Rows go in chunks small enough to stay in cache between the interior and the border pass.
  const chunk = Math.max(1, Math.min(rows, Math.floor(CHUNK_VALUES / Math.max(xStride, wl + wr, 1))));
  const buf = scratchOf(chunk * (wl + wr));
  const rightBase = chunk * wl;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const nr = Math.min(chunk, rows - r0);
    const a = aOff + r0 * aStride;
    const d = dOff + r0 * dStride;
    // Interior: output o reads x[2o + 1 − shift + t].
    if (interior > 0) kern.downRows(x, xOff + r0 * xStride + 2 * L.oLo + 1 - L.shift, xStride, nr, interior, cA, a + L.oLo, aStride, cD, d + L.oLo, dStride, lo, hi);
    if (wl + wr === 0) continue;
    for (let r = 0; r < nr; r++) {
      const xo = xOff + (r0 + r) * xStride;
      const bl = r * wl;
      for (let j = 0; j < wl; j++) {
        const m = map[1 + j];
        buf[bl + j] = m >= 0 ? x[xo + m] : 0;
      }
      const br = rightBase + r * wr;
      for (let j = 0; j < wr; j++) {
        const m = map[k0 + j];
        buf[br + j] = m >= 0 ? x[xo + m] : 0;
      }
    }
    if (left > 0) kern.downRows(buf, 0, wl, nr, left, cA, a, aStride, cD, d, dStride, lo, hi);
    if (right > 0) kern.downRows(buf, rightBase, wr, nr, right, cA, a + outLen - right, aStride, cD, d + outLen - right, dStride, lo, hi);
  }
}

/** Rows are processed in chunks of about this many values (64 KiB), which stay in cache. */
const CHUNK_VALUES = 8192;
let scratch = new Float64Array(CHUNK_VALUES);
/** A module-level work buffer of at least `n` values (the kernels are not re-entrant). */
function scratchOf(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch;
}

/**
 * Adjoint of `analyzeRows`: adds Pᵀ Cᵀ (cA, cD) of each of the `rows` signals into
 * `x[xOff + r·xStride …]` (length `em.n`). Null arrays are zeros. With `accumulate = false` the
 * targets must hold zeros on entry (a fresh array): interior outputs are then stored, not added,
 * which saves a load per output.
 */
export function scatterRows(
  cA: Float64Array | null, aOff: number, aStride: number, cD: Float64Array | null, dOff: number, dStride: number,
  rows: number, em: ExtensionMap, lo: Float64Array, hi: Float64Array,
  x: Float64Array, xOff: number, xStride: number, accumulate = true,
): void {
  const L = layoutOf(em);
  const F = lo.length;
  const half = F >> 1;
  const outLen = em.outLen;
  let A = cA;
  let D = cD;
  if (A === null) {
    A = zerosOf(outLen);
    aOff = 0;
    aStride = 0;
  }
  if (D === null) {
    D = zerosOf(outLen);
    dOff = 0;
    dStride = 0;
  }
  if (L.vHi > L.vLo) {
    // Interior pairs: pair v reads coefficients v − half + 1 …, writes x[2v + 1 − shift], x[2v + 2 − shift].
    const first = L.vLo - half + 1;
    kernelsFor(F).upRows(A, aOff + first, aStride, D, dOff + first, dStride, rows, L.vHi - L.vLo, x, xOff + 2 * L.vLo + 1 - L.shift, xStride, lo, hi, accumulate);
  }
  // Border: ye[k] = Σ_{2o+1+t=k} lo[t] cA[o] + hi[t] cD[o], folded back through the map.
  const map = em.map;
  const border = L.borderK;
  for (let r = 0; r < rows; r++) {
    const ia = aOff + r * aStride;
    const id = dOff + r * dStride;
    const xo = xOff + r * xStride;
    for (let b = 0; b < border.length; b++) {
      const k = border[b];
      let y = 0;
      // t ≡ k − 1 (mod 2), o = (k − 1 − t) / 2 ∈ [0, outLen).
      for (let t = (k - 1) & 1; t < F; t += 2) {
        const o = (k - 1 - t) >> 1;
        if (o < 0) break;
        if (o >= outLen) continue;
        y += lo[t] * A[ia + o] + hi[t] * D[id + o];
      }
      x[xo + map[k]] += y;
    }
  }
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
  const L = layoutOf(em);
  const F = dLo.length;
  const map = em.map;
  const border = L.borderO;
  const base = 2 * L.oLo + 1 - L.shift;
  for (let t = 0; t < F; t++) {
    let sa = 0;
    let sd = 0;
    for (let r = 0; r < rows; r++) {
      const ia = aOff + r * aStride;
      const id = dOff + r * dStride;
      // Interior outputs read x[2o + 1 − shift + t].
      let s = xOff + r * xStride + base + t;
      for (let o = L.oLo; o < L.oHi; o++, s += 2) {
        const v = x[s];
        sa += gA[ia + o] * v;
        sd += gD[id + o] * v;
      }
      const xo = xOff + r * xStride;
      for (let b = 0; b < border.length; b++) {
        const o = border[b];
        const m = map[2 * o + 1 + t];
        if (m < 0) continue;
        const v = x[xo + m];
        sa += gA[ia + o] * v;
        sd += gD[id + o] * v;
      }
    }
    dLo[t] += sa;
    dHi[t] += sd;
  }
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

/**
 * Column-wise analysis of a block of `rows × width` values (row-major, rows along the transform
 * axis): every column is transformed at once, a row of the output at a time, so the inner loop
 * runs over contiguous memory. Output blocks are `em.outLen × width`.
 */
export function analyzeCols(
  x: Float64Array, xOff: number, width: number, em: ExtensionMap, lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, cD: Float64Array, dOff: number,
): void {
  const L = layoutOf(em);
  const F = lo.length;
  if (L.oHi > L.oLo) {
    // Interior output row o reads rows 2o + 1 − shift + t, t < F.
    kernelsFor(F).downCols(x, xOff + (2 * L.oLo + 1 - L.shift) * width, width, L.oHi - L.oLo, cA, aOff + L.oLo * width, cD, dOff + L.oLo * width, lo, hi);
  }
  // Border rows: one pass over the row per tap that reads the signal.
  const map = em.map;
  const border = L.borderO;
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
  const L = layoutOf(em);
  const F = lo.length;
  const half = F >> 1;
  const outLen = em.outLen;
  if (L.vHi > L.vLo && cA !== null && cD !== null) {
    const first = (L.vLo - half + 1) * width;
    kernelsFor(F).upCols(cA, aOff + first, cD, dOff + first, width, L.vHi - L.vLo, x, xOff + (2 * L.vLo + 1 - L.shift) * width, lo, hi);
  } else if (L.vHi > L.vLo) {
    // One half is null: use a zero block for it (rare: idwt2 with missing subbands).
    const z = zerosOf(outLen * width);
    const first = (L.vLo - half + 1) * width;
    kernelsFor(F).upCols(cA ?? z, (cA ? aOff : 0) + first, cD ?? z, (cD ? dOff : 0) + first, width, L.vHi - L.vLo, x, xOff + (2 * L.vLo + 1 - L.shift) * width, lo, hi);
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
  const map = em.map;
  const F = dLo.length;
  const outLen = em.outLen;
  for (let o = 0; o < outLen; o++) {
    const ao = aOff + o * width;
    const dof = dOff + o * width;
    const base = 2 * o + 1;
    for (let t = 0; t < F; t++) {
      const r = map[base + t];
      if (r < 0) continue;
      const xo = xOff + r * width;
      let sa = 0;
      let sd = 0;
      for (let c = 0; c < width; c++) {
        const v = x[xo + c];
        sa += gA[ao + c] * v;
        sd += gD[dof + c] * v;
      }
      dLo[t] += sa;
      dHi[t] += sd;
    }
  }
}
