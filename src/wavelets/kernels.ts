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
 * (⟨g, S c⟩ = ⟨Sᵀ g, c⟩). The loops are allocation-free; callers pass work buffers.
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

/** Single-signal analysis. `xe` is a work buffer of at least `map.length` values. */
export function analyze(
  x: Float64Array, xOff: number, em: ExtensionMap, lo: Float64Array, hi: Float64Array,
  xe: Float64Array, cA: Float64Array, aOff: number, cD: Float64Array, dOff: number,
): void {
  const map = em.map;
  const len = map.length;
  for (let k = 0; k < len; k++) {
    const m = map[k];
    xe[k] = m >= 0 ? x[xOff + m] : 0;
  }
  const F = lo.length;
  const outLen = em.outLen;
  for (let o = 0; o < outLen; o++) {
    const base = 2 * o + 1;
    let sa = 0;
    let sd = 0;
    for (let t = 0; t < F; t++) {
      const v = xe[base + t];
      sa += lo[t] * v;
      sd += hi[t] * v;
    }
    cA[aOff + o] = sa;
    cD[dOff + o] = sd;
  }
}

/**
 * Single-signal adjoint of `analyze`: adds Pᵀ Cᵀ (cA, cD) into `x` (length `em.n`, not cleared).
 * `cA` or `cD` may be null (treated as zeros). `ye` is a work buffer of at least `map.length`.
 */
export function scatter(
  cA: Float64Array | null, aOff: number, cD: Float64Array | null, dOff: number,
  em: ExtensionMap, lo: Float64Array, hi: Float64Array,
  ye: Float64Array, x: Float64Array, xOff: number,
): void {
  const map = em.map;
  const len = map.length;
  ye.fill(0, 0, len);
  const F = lo.length;
  const outLen = em.outLen;
  for (let o = 0; o < outLen; o++) {
    const a = cA === null ? 0 : cA[aOff + o];
    const d = cD === null ? 0 : cD[dOff + o];
    const base = 2 * o + 1;
    for (let t = 0; t < F; t++) ye[base + t] += lo[t] * a + hi[t] * d;
  }
  for (let k = 0; k < len; k++) {
    const m = map[k];
    if (m >= 0) x[xOff + m] += ye[k];
  }
}

/**
 * Single-signal filter derivative: adds ∂⟨(gA, gD), analyze(x)⟩/∂lo into `dLo` and ∂/∂hi into
 * `dHi`. `xe` is a work buffer.
 */
export function filterGrad(
  x: Float64Array, xOff: number, em: ExtensionMap,
  gA: Float64Array, aOff: number, gD: Float64Array, dOff: number,
  xe: Float64Array, dLo: Float64Array, dHi: Float64Array,
): void {
  const map = em.map;
  const len = map.length;
  for (let k = 0; k < len; k++) {
    const m = map[k];
    xe[k] = m >= 0 ? x[xOff + m] : 0;
  }
  const F = dLo.length;
  const outLen = em.outLen;
  for (let t = 0; t < F; t++) {
    let sa = 0;
    let sd = 0;
    for (let o = 0; o < outLen; o++) {
      const v = xe[2 * o + 1 + t];
      sa += gA[aOff + o] * v;
      sd += gD[dOff + o] * v;
    }
    dLo[t] += sa;
    dHi[t] += sd;
  }
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
  const map = em.map;
  const F = lo.length;
  const outLen = em.outLen;
  for (let o = 0; o < outLen; o++) {
    const ao = aOff + o * width;
    const dof = dOff + o * width;
    cA.fill(0, ao, ao + width);
    cD.fill(0, dof, dof + width);
    const base = 2 * o + 1;
    for (let t = 0; t < F; t++) {
      const r = map[base + t];
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
  const map = em.map;
  const F = lo.length;
  const outLen = em.outLen;
  for (let o = 0; o < outLen; o++) {
    const ao = aOff + o * width;
    const dof = dOff + o * width;
    const base = 2 * o + 1;
    for (let t = 0; t < F; t++) {
      const r = map[base + t];
      if (r < 0) continue;
      const l = lo[t];
      const h = hi[t];
      const xo = xOff + r * width;
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
