/**
 * The 3×3 kernels that peak counting compares (DESIGN.md 5.3, Table 2 of the paper): Laplace,
 * Roberts cross, and 3×3 cuts of wavelet filters (db5, AWD). Kernels are row-major
 * `Float64Array(9)`, applied as a 2D cross-correlation centred on the pixel (PyTorch's
 * `F.conv2d`, as the reference does): `f[i,j] = Σ_{a,b ∈ 0..2} K[a,b] · x[i+a-1, j+b-1]`.
 */
import { AwdError } from '../util/checks.ts';

/** The reference's `laplace_v1` kernel: `10/3·[[-.05,-.2,-.05],[-.2,1,-.2],[-.05,-.2,-.05]]`. */
export const LAPLACE_KERNEL: Readonly<Float64Array> = Float64Array.from(
  [-0.05, -0.2, -0.05, -0.2, 1.0, -0.2, -0.05, -0.2, -0.05],
  (v) => (10 / 3) * v,
);

/** The reference's `laplace_v2` kernel: `4·[[0,-.25,0],[-.25,1,-.25],[0,-.25,0]]`. */
export const LAPLACE_V2_KERNEL: Readonly<Float64Array> = Float64Array.from(
  [0, -0.25, 0, -0.25, 1.0, -0.25, 0, -0.25, 0],
  (v) => 4 * v,
);

/** Roberts cross 2×2 kernels (row-major), as in the reference: Rx = [[0,1],[-1,0]], Ry = [[1,0],[0,-1]]. */
export const ROBERTS_X: Readonly<Float64Array> = Float64Array.from([0, 1, -1, 0]);
export const ROBERTS_Y: Readonly<Float64Array> = Float64Array.from([1, 0, 0, -1]);

/**
 * The Roberts-cross statistic of the reference (`roberts_cross` in peak_counting.py) at pixel
 * (r, c): the Roberts gradient magnitude `sqrt((x[a,b+1]-x[a+1,b])² + (x[a,b]-x[a+1,b+1])²)` of each
 * of the four 2×2 windows of the 3×3 neighbourhood that contain the pixel, summed. It is not one
 * linear 3×3 kernel (it is a sum of norms). Needs 1 <= r <= rows-2 and 1 <= c <= cols-2, unless
 * `periodic` (indices wrap).
 *
 * @example
 * const x = new Float64Array(9); x[4] = 1;  // a unit spike in a 3×3 map
 * robertsCrossAt(x, 3, 3, 1, 1);           // 4: each window has gradient magnitude 1
 */
export function robertsCrossAt(
  map: ArrayLike<number>,
  rows: number,
  cols: number,
  r: number,
  c: number,
  periodic = false,
): number {
  let sum = 0;
  for (let a = r - 1; a <= r; a++) {
    for (let b = c - 1; b <= c; b++) {
      let a0 = a;
      let a1 = a + 1;
      let b0 = b;
      let b1 = b + 1;
      if (periodic) {
        a0 = (a0 + rows) % rows;
        a1 = a1 % rows;
        b0 = (b0 + cols) % cols;
        b1 = b1 % cols;
      }
      const x00 = map[a0 * cols + b0];
      const x01 = map[a0 * cols + b1];
      const x10 = map[a1 * cols + b0];
      const x11 = map[a1 * cols + b1];
      const gx = x01 - x10;
      const gy = x00 - x11;
      sum += Math.sqrt(gx * gx + gy * gy);
    }
  }
  return sum;
}

/**
 * Outer product `out[i·b.length + j] = a[i]·b[j]`: the separable 2D filter with `a` along the
 * rows (vertical) and `b` along the columns (horizontal).
 *
 * @example
 * outer([1, 2], [1, 0, -1]); // Float64Array [1, 0, -1, 2, 0, -2] (2×3)
 */
export function outer(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length * b.length);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i * b.length + j] = a[i] * b[j];
  return out;
}

/** The four separable 2D filters of a 2D wavelet transform, each `n × n` row-major. */
export interface WaveletFilters2d {
  LL: Float64Array;
  LH: Float64Array;
  HL: Float64Array;
  HH: Float64Array;
  /** Side n (= filter length). */
  size: number;
}

/**
 * The 2D filters of a separable wavelet from a lowpass `h` and a highpass `g`, in the reference's
 * convention (evaluate_cosmology `extract_patches`): `LL = h⊗h`, `LH[i,j] = g[i]·h[j]` (highpass
 * along rows), `HL[i,j] = h[i]·g[j]` (highpass along columns), `HH = g⊗g`.
 *
 * @example
 * const s = Math.SQRT1_2;
 * const f = waveletFilters2d([s, s], [s, -s]); // Haar
 * f.HH; // [0.5, -0.5, -0.5, 0.5]
 */
export function waveletFilters2d(h: ArrayLike<number>, g: ArrayLike<number>): WaveletFilters2d {
  if (h.length !== g.length || h.length < 1) {
    throw new AwdError('waveletFilters2d', `h and g must have the same non-zero length, got ${h.length} and ${g.length}`);
  }
  return { LL: outer(h, h), LH: outer(g, h), HL: outer(h, g), HH: outer(g, g), size: h.length };
}

/** Result of {@link cutKernel3x3}. */
export interface KernelCut {
  /** The 3×3 sub-filter, row-major. */
  kernel: Float64Array;
  /** Top-left row and column of the window in the large filter. */
  row: number;
  col: number;
  /** Sum of squares of the window (of the centred filter when `center` was set). */
  energy: number;
}

/**
 * Cuts the 3×3 window of a 2D filter (`rows × cols`, row-major) where its mass concentrates: the
 * window with the largest sum of squares among all `(rows−2)·(cols−2)` windows (ties: first in
 * row-major order). With `center: true` the energy is measured on the filter minus its mean (the
 * reference centres its 1D filters before searching), but the returned kernel holds the original
 * values. For separable filters the reference cuts the 1D filters instead: see {@link extractPatches}.
 *
 * @example
 * const f = new Float64Array(16); f[5] = 1; f[10] = -2;   // 4×4 filter, mass at (1,1) and (2,2)
 * cutKernel3x3(f, 4, 4).row; // 1 (the window [1..3]×[1..3] holds both)
 */
export function cutKernel3x3(
  filter2d: ArrayLike<number>,
  rows: number,
  cols: number,
  options: { center?: boolean } = {},
): KernelCut {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 3 || cols < 3 || filter2d.length !== rows * cols) {
    throw new AwdError('cutKernel3x3', `need a rows×cols filter with rows, cols >= 3; got ${rows}×${cols} with ${filter2d.length} values`);
  }
  let mean = 0;
  if (options.center) {
    for (let i = 0; i < filter2d.length; i++) mean += filter2d[i];
    mean /= filter2d.length;
  }
  let best = -1;
  let br = 0;
  let bc = 0;
  for (let r = 0; r + 3 <= rows; r++) {
    for (let c = 0; c + 3 <= cols; c++) {
      let e = 0;
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          const v = filter2d[(r + a) * cols + c + b] - mean;
          e += v * v;
        }
      }
      if (e > best) {
        best = e;
        br = r;
        bc = c;
      }
    }
  }
  const kernel = new Float64Array(9);
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) kernel[a * 3 + b] = filter2d[(br + a) * cols + bc + b];
  return { kernel, row: br, col: bc, energy: best };
}

/**
 * Start of the length-3 window of `f − mean(f)` with the largest sum of squares: the window
 * `extractPatches` cuts. The reference's loop never considers the last window
 * (`includeLastWindow = false`, the default here, as the reference).
 */
export function patchWindow(f: ArrayLike<number>, includeLastWindow = false): number {
  const includeLast = includeLastWindow;
  let mean = 0;
  for (let i = 0; i < f.length; i++) mean += f[i];
  mean /= f.length;
  const last = includeLast ? f.length - 3 : f.length - 4;
  let best = -1;
  let at = 0;
  for (let s = 0; s <= last; s++) {
    let e = 0;
    for (let k = 0; k < 3; k++) e += (f[s + k] - mean) ** 2;
    if (e > best) {
      best = e;
      at = s;
    }
  }
  return at;
}

/**
 * The reference's kernels for peak counting with a wavelet (`extract_patches(h, g)` in
 * notebooks/cosmology): cut `h` and `g` to their length-3 window of largest variation (sum of
 * squares of the mean-centred filter), form LL, LH, HL, HH as in {@link waveletFilters2d}, and
 * (with `centering`, the default) subtract the mean from LH, HL and HH. The reference's loop
 * `range(len(h)-3)` never considers the last window; `includeLastWindow: false` reproduces that,
 * the default (true) considers all windows.
 *
 * @example
 * const h = [0.483, 0.8365, 0.2241, -0.1294];        // db2
 * const g = [-0.1294, -0.2241, 0.8365, -0.483];
 * const [LL, LH, HL, HH] = extractPatches(h, g);     // four Float64Array(9)
 * // h's window is taps 1..3, so LL[0..2] = 0.8365·[0.8365, 0.2241, -0.1294]
 */
export function extractPatches(
  h: ArrayLike<number>,
  g: ArrayLike<number>,
  options: { centering?: boolean; includeLastWindow?: boolean } = {},
): [Float64Array, Float64Array, Float64Array, Float64Array] {
  const includeLast = options.includeLastWindow ?? true;
  const minLen = includeLast ? 3 : 4;
  if (h.length < minLen || g.length < minLen) {
    throw new AwdError('extractPatches', `h and g need at least ${minLen} taps, got ${h.length} and ${g.length}`);
  }
  const hs = Array.from(h).slice(patchWindow(h, includeLast)).slice(0, 3);
  const gs = Array.from(g).slice(patchWindow(g, includeLast)).slice(0, 3);
  const { LL, LH, HL, HH } = waveletFilters2d(hs, gs);
  if (options.centering ?? true) {
    for (const k of [LH, HL, HH]) {
      const m = k.reduce((a, b) => a + b, 0) / 9;
      for (let i = 0; i < 9; i++) k[i] -= m;
    }
  }
  return [LL, LH, HL, HH];
}
