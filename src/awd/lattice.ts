/**
 * The lattice (angle) parametrisation of orthogonal wavelet lowpass filters (Vaidyanathan,
 * "Multirate Systems and Filter Banks", 1993, §6.4–6.5): every filter it produces is an
 * orthonormal wavelet filter exactly (up to rounding), whatever the angles — the basis of
 * `parametrization: 'lattice'` in `AdaptiveWavelet.fit`. Derivation in docs/objective.md
 * ("The lattice parametrisation").
 *
 * A lowpass filter h of length N = 2K is split into its polyphase components
 * `A(z) = Σ h[2n] z⁻ⁿ`, `B(z) = Σ h[2n+1] z⁻ⁿ` (each K taps). The orthonormality of the filter
 * bank (`Σ_n h[n] h[n−2k] = δ_k`) is exactly `A(z)A(1/z) + B(z)B(1/z) = 1`, i.e. the column
 * `p(z) = [A(z); B(z)]` is a lossless (paraunitary) vector, and every such vector of degree K−1 is
 *
 *     p(z) = R(θ₀) Λ(z) R(θ₁) Λ(z) ⋯ Λ(z) R(θ_{K−1}) [1; 0],
 *     R(θ) = [cos θ, −sin θ; sin θ, cos θ],   Λ(z) = diag(1, z⁻¹).
 *
 * At z = 1, Λ = I, so `Σh = A(1) + B(1) = cos Σθ + sin Σθ` and `Σg = ±(A(1) − B(1))`: one vanishing
 * moment (`Σh = √2`, `Σg = 0`) is exactly `Σθ ≡ π/4 (mod 2π)`. The fit therefore optimises the K−1
 * *free* angles θ₀ … θ_{K−2}, with `θ_{K−1} = π/4 − Σ_{k<K−1} θ_k`.
 *
 * With `vanishingMoments: p > 1` the fit also keeps p vanishing moments, by a projection after
 * every step ({@link projectMoments}) — not by construction.
 *
 * @example
 * import { familyLowpass, latticeAngles, latticeFilter, filterFromFreeAngles, freeAnglesVjp } from 'awd';
 * const theta = latticeAngles(familyLowpass('db5'));    // 5 angles
 * const h = latticeFilter(theta);                        // db5 again, to ~1e-15
 * const free = theta.slice(0, 4);                        // the fit's parameters
 * const dFree = freeAnglesVjp(free, dLdh);               // chain ∂L/∂h (from awdLoss) to the angles
 * @module
 */
import { AwdError, assertFinite } from '../util/checks.ts';
import { Adam, type AdamState } from './adam.ts';

/** How the fit parametrises the filter: the taps h with soft penalties, or lattice angles. */
export type Parametrization = 'penalty' | 'lattice';
export const PARAMETRIZATIONS: readonly Parametrization[] = ['penalty', 'lattice'];

/** Checks a parametrisation name. */
export function parseParametrization(p: unknown, where = 'parametrization'): Parametrization {
  if (p === 'penalty' || p === 'lattice') return p;
  throw new AwdError(where, `unknown parametrization '${String(p)}'; use 'penalty' (taps with soft constraints, the reference's) or 'lattice' (exactly orthogonal angles)`);
}

function checkAngles(where: string, angles: ArrayLike<number>): void {
  if (angles == null || typeof angles.length !== 'number' || angles.length < 1) {
    throw new AwdError(where, 'angles must be a non-empty array of numbers (K angles give a filter of length 2K)');
  }
  assertFinite(where, 'the angles', angles);
}

/** The forward pass, keeping the input q of every rotation but the innermost (for the backward pass). */
function forward(angles: ArrayLike<number>, keep: { qa: Float64Array; qb: Float64Array }[] | null): Float64Array {
  const K = angles.length;
  let a = new Float64Array([Math.cos(angles[K - 1])]);
  let b = new Float64Array([Math.sin(angles[K - 1])]);
  for (let k = K - 2; k >= 0; k--) {
    const L = K - k; // length after the delay
    const qa = new Float64Array(L);
    const qb = new Float64Array(L);
    qa.set(a); // Λ(z): A unchanged …
    qb.set(b, 1); // … B delayed by one tap
    if (keep) keep[k] = { qa, qb };
    const c = Math.cos(angles[k]);
    const s = Math.sin(angles[k]);
    a = new Float64Array(L);
    b = new Float64Array(L);
    for (let n = 0; n < L; n++) {
      a[n] = c * qa[n] - s * qb[n];
      b[n] = s * qa[n] + c * qb[n];
    }
  }
  const h = new Float64Array(2 * K);
  for (let n = 0; n < K; n++) {
    h[2 * n] = a[n];
    h[2 * n + 1] = b[n];
  }
  return h;
}

/**
 * The lowpass filter h (length 2K) of K lattice angles. It is orthonormal for any angles
 * (`Σ_n h[n] h[n−2k] = δ_k`); `Σh = √2` exactly when the angles sum to π/4 (mod 2π).
 */
export function latticeFilter(angles: ArrayLike<number>): Float64Array {
  checkAngles('latticeFilter', angles);
  return forward(angles, null);
}

/**
 * Vector–Jacobian product: `∂L/∂θ = (∂h/∂θ)ᵀ ∂L/∂h` for the filter of {@link latticeFilter}
 * (exact; the backward pass of the lattice, for backpropagation).
 */
export function latticeVjp(angles: ArrayLike<number>, dh: ArrayLike<number>): Float64Array {
  const where = 'latticeVjp';
  checkAngles(where, angles);
  const K = angles.length;
  if (dh.length !== 2 * K) throw new AwdError(where, `dh must have ${2 * K} values (the filter's length), got ${dh.length}`);
  const keep: { qa: Float64Array; qb: Float64Array }[] = new Array(K - 1);
  forward(angles, keep);
  const out = new Float64Array(K);
  let ga = new Float64Array(K);
  let gb = new Float64Array(K);
  for (let n = 0; n < K; n++) {
    ga[n] = dh[2 * n];
    gb[n] = dh[2 * n + 1];
  }
  for (let k = 0; k <= K - 2; k++) {
    const { qa, qb } = keep[k];
    const L = qa.length;
    const c = Math.cos(angles[k]);
    const s = Math.sin(angles[k]);
    let d = 0;
    const pa = new Float64Array(L - 1);
    const pb = new Float64Array(L - 1);
    for (let n = 0; n < L; n++) {
      // p = R q: ∂p/∂θ = R′ q with R′ = [−s, −c; c, −s]; ∂L/∂q = Rᵀ ∂L/∂p.
      d += ga[n] * (-s * qa[n] - c * qb[n]) + gb[n] * (c * qa[n] - s * qb[n]);
      const gqa = c * ga[n] + s * gb[n];
      const gqb = -s * ga[n] + c * gb[n];
      if (n < L - 1) pa[n] = gqa; // the delay's adjoint: A passes, B advances one tap
      if (n >= 1) pb[n - 1] = gqb;
    }
    out[k] = d;
    ga = pa;
    gb = pb;
  }
  out[K - 1] = -Math.sin(angles[K - 1]) * ga[0] + Math.cos(angles[K - 1]) * gb[0];
  return out;
}

/** Jacobian–vector product: `dh = (∂h/∂θ) dθ` (forward mode, exact). */
export function latticeJvp(angles: ArrayLike<number>, dTheta: ArrayLike<number>): Float64Array {
  const where = 'latticeJvp';
  checkAngles(where, angles);
  const K = angles.length;
  if (dTheta.length !== K) throw new AwdError(where, `dTheta must have ${K} values (one per angle), got ${dTheta.length}`);
  const c0 = Math.cos(angles[K - 1]);
  const s0 = Math.sin(angles[K - 1]);
  let a = [c0], b = [s0];
  let da = [-s0 * dTheta[K - 1]], db = [c0 * dTheta[K - 1]];
  for (let k = K - 2; k >= 0; k--) {
    const L = K - k;
    const qa = [...a, 0], qb = [0, ...b];
    const dqa = [...da, 0], dqb = [0, ...db];
    const c = Math.cos(angles[k]);
    const s = Math.sin(angles[k]);
    const t = dTheta[k];
    a = new Array(L); b = new Array(L); da = new Array(L); db = new Array(L);
    for (let n = 0; n < L; n++) {
      a[n] = c * qa[n] - s * qb[n];
      b[n] = s * qa[n] + c * qb[n];
      da[n] = c * dqa[n] - s * dqb[n] + t * (-s * qa[n] - c * qb[n]);
      db[n] = s * dqa[n] + c * dqb[n] + t * (c * qa[n] - s * qb[n]);
    }
  }
  const dh = new Float64Array(2 * K);
  for (let n = 0; n < K; n++) {
    dh[2 * n] = da[n];
    dh[2 * n + 1] = db[n];
  }
  return dh;
}

/**
 * The K lattice angles of an orthonormal lowpass filter of length 2K (the inverse of
 * {@link latticeFilter}), by degree reduction: at each stage the rotation that turns the first
 * (or, if larger, the last) polyphase tap pair onto an axis makes the other end vanish
 * (orthonormality at the largest lag), so one delay can be removed. Exact for an orthonormal
 * filter (every named db, sym and coif filter reconstructs to ~1e-15); for a filter that is not
 * orthonormal the neglected remainders are dropped (see {@link latticeFit} for a least-squares
 * projection).
 */
export function latticeAngles(h: ArrayLike<number>): Float64Array {
  const where = 'latticeAngles';
  if (h == null || typeof h.length !== 'number' || h.length < 2 || h.length % 2 !== 0) {
    throw new AwdError(where, `the filter must have an even length >= 2, got ${h?.length}`);
  }
  assertFinite(where, 'the filter', h);
  const K = h.length / 2;
  let a = new Float64Array(K);
  let b = new Float64Array(K);
  for (let n = 0; n < K; n++) {
    a[n] = h[2 * n];
    b[n] = h[2 * n + 1];
  }
  const angles = new Float64Array(K);
  for (let k = 0; k <= K - 2; k++) {
    const L = a.length;
    const first = Math.hypot(a[0], b[0]);
    const last = Math.hypot(a[L - 1], b[L - 1]);
    // Rᵀ(θ) (a₀, b₀) = (r, 0), or Rᵀ(θ) (a_{L−1}, b_{L−1}) = (0, r′).
    const theta = first >= last ? Math.atan2(b[0], a[0]) : Math.atan2(b[L - 1], a[L - 1]) - Math.PI / 2;
    angles[k] = theta;
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    const na = new Float64Array(L - 1);
    const nb = new Float64Array(L - 1);
    for (let n = 0; n < L; n++) {
      const qa = c * a[n] + s * b[n];
      const qb = -s * a[n] + c * b[n];
      if (n < L - 1) na[n] = qa; // qa[L−1] ≈ 0 is dropped
      if (n >= 1) nb[n - 1] = qb; // qb[0] ≈ 0 is dropped (the delay removed)
    }
    a = na;
    b = nb;
  }
  angles[K - 1] = Math.atan2(b[0], a[0]);
  return angles;
}

/** π/4: the sum of the angles that gives `Σh = √2` (one vanishing moment). */
export const ANGLE_SUM = Math.PI / 4;

/** The full K angles from the K−1 free ones: `θ_{K−1} = π/4 − Σ free`. */
export function fullAngles(free: ArrayLike<number>): Float64Array {
  const K = free.length + 1;
  const t = new Float64Array(K);
  let sum = 0;
  for (let k = 0; k < K - 1; k++) {
    t[k] = free[k];
    sum += free[k];
  }
  t[K - 1] = ANGLE_SUM - sum;
  return t;
}

/** The filter of K−1 free angles (length 2K, orthonormal, `Σh = √2`, `Σg = 0`). */
export function filterFromFreeAngles(free: ArrayLike<number>): Float64Array {
  assertFinite('filterFromFreeAngles', 'the angles', free);
  return forward(fullAngles(free), null);
}

/** `∂L/∂free = (∂h/∂free)ᵀ ∂L/∂h`, through `θ_{K−1} = π/4 − Σ free`. */
export function freeAnglesVjp(free: ArrayLike<number>, dh: ArrayLike<number>): Float64Array {
  const full = latticeVjp(fullAngles(free), dh);
  const K = full.length;
  const out = new Float64Array(K - 1);
  for (let k = 0; k < K - 1; k++) out[k] = full[k] - full[K - 1];
  return out;
}

/** The free angles of a filter (its first K−1 lattice angles, wrapped to (−π, π]). */
export function freeAnglesOf(h: ArrayLike<number>): Float64Array {
  return latticeAngles(h).slice(0, h.length / 2 - 1);
}

/** The result of {@link latticeFit}. */
export interface LatticeProjection {
  /** The K−1 free angles. */
  free: Float64Array;
  /** Their filter: orthonormal, `Σh = √2`. */
  h: Float64Array;
  /** ‖h − target‖₂ (0 up to rounding when the target is an orthonormal filter with Σh = √2). */
  residual: number;
}

/**
 * The lattice filter with `Σh = √2` closest to `target` (least squares over the free angles,
 * Levenberg–Marquardt from the angles of {@link latticeAngles}). For an orthonormal target with
 * `Σh = √2` the start is already exact and nothing moves; for a perturbed one (a noisy start) it
 * is the nearest orthogonal wavelet filter of the same length found from that start.
 */
export function latticeFit(target: ArrayLike<number>, maxIter = 100): LatticeProjection {
  const where = 'latticeFit';
  const N = target.length;
  if (N < 2 || N % 2 !== 0) throw new AwdError(where, `the filter must have an even length >= 2, got ${N}`);
  assertFinite(where, 'the filter', target);
  let s = 0;
  for (let i = 0; i < N; i++) s += target[i];
  if (!(s > 0)) throw new AwdError(where, `the filter sums to ${s}; a lowpass filter with Σh = √2 is needed (negate it)`);
  let free = freeAnglesOf(target);
  const M = free.length;
  const resid = (f: Float64Array): { h: Float64Array; r: Float64Array; cost: number } => {
    const h = filterFromFreeAngles(f);
    const r = new Float64Array(N);
    let cost = 0;
    for (let i = 0; i < N; i++) {
      r[i] = h[i] - target[i];
      cost += r[i] * r[i];
    }
    return { h, r, cost };
  };
  let cur = resid(free);
  let mu = 1e-3;
  for (let it = 0; it < maxIter && M > 0 && cur.cost > 1e-30; it++) {
    // Jacobian columns by unit JVPs through the free-angle map.
    const J: Float64Array[] = [];
    const full = fullAngles(free);
    for (let j = 0; j < M; j++) {
      const d = new Float64Array(M + 1);
      d[j] = 1;
      d[M] = -1;
      J.push(latticeJvp(full, d));
    }
    const JtJ = new Float64Array(M * M);
    const Jtr = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      for (let n = 0; n < N; n++) Jtr[i] += J[i][n] * cur.r[n];
      for (let j = 0; j <= i; j++) {
        let v = 0;
        for (let n = 0; n < N; n++) v += J[i][n] * J[j][n];
        JtJ[i * M + j] = v;
        JtJ[j * M + i] = v;
      }
    }
    let improved = false;
    for (let tries = 0; tries < 30; tries++) {
      const A = Float64Array.from(JtJ);
      for (let i = 0; i < M; i++) A[i * M + i] += mu * (1 + JtJ[i * M + i]);
      const step = solveSpd(A, Jtr, M);
      if (!step) {
        mu *= 10;
        continue;
      }
      const next = new Float64Array(M);
      for (let i = 0; i < M; i++) next[i] = free[i] - step[i];
      const cand = resid(next);
      if (cand.cost < cur.cost) {
        free = next;
        const gain = cur.cost - cand.cost;
        cur = cand;
        mu = Math.max(mu / 10, 1e-12);
        improved = gain > 1e-32;
        break;
      }
      mu *= 10;
    }
    if (!improved) break;
  }
  return { free, h: cur.h, residual: Math.sqrt(cur.cost) };
}

/** Cholesky solve of a small symmetric positive definite system; null if not positive definite. */
function solveSpd(A: Float64Array, b: Float64Array, M: number): Float64Array | null {
  const L = new Float64Array(M * M);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j <= i; j++) {
      let v = A[i * M + j];
      for (let k = 0; k < j; k++) v -= L[i * M + k] * L[j * M + k];
      if (i === j) {
        if (!(v > 0)) return null;
        L[i * M + i] = Math.sqrt(v);
      } else L[i * M + j] = v / L[j * M + j];
    }
  }
  const y = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    let v = b[i];
    for (let k = 0; k < i; k++) v -= L[i * M + k] * y[k];
    y[i] = v / L[i * M + i];
  }
  const x = new Float64Array(M);
  for (let i = M - 1; i >= 0; i--) {
    let v = y[i];
    for (let k = i + 1; k < M; k++) v -= L[k * M + i] * x[k];
    x[i] = v / L[i * M + i];
  }
  return x;
}

/**
 * The rows c_j of the vanishing-moment conditions `Σ_n c_j[n] h[n] = 0`, j = 1 … p−1, in a scaled
 * basis: `c_j[n] = (−1)ⁿ t_nʲ`, `t_n = (2n − (N−1))/(N−1)` ∈ [−1, 1]. Together with `Σg = 0`
 * (j = 0, which the free angles guarantee) they span the same conditions as
 * `Σ_n (−1)ⁿ nʲ h[n] = 0`, j < p — p vanishing moments of ψ — but stay O(1) in size.
 */
function momentRows(N: number, p: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let j = 1; j < p; j++) {
    const c = new Float64Array(N);
    for (let n = 0; n < N; n++) c[n] = (n % 2 === 0 ? 1 : -1) * ((2 * n - (N - 1)) / (N - 1)) ** j;
    rows.push(c);
  }
  return rows;
}

/**
 * The residuals of the conditions for p vanishing moments beyond the first (scaled basis, see
 * `momentRows`): all 0 when ψ of h has p vanishing moments. Length p − 1.
 */
export function momentResiduals(h: ArrayLike<number>, p: number): Float64Array {
  const rows = momentRows(h.length, p);
  return Float64Array.from(rows, (c) => {
    let v = 0;
    for (let n = 0; n < h.length; n++) v += c[n] * h[n];
    return v;
  });
}

/** The residual tolerance of {@link projectMoments}. */
export const MOMENT_TOLERANCE = 1e-13;

/**
 * Moves free angles onto the filters with p vanishing moments (Gauss–Newton minimum-norm steps
 * `θ ← θ − Jᵀ(JJᵀ)⁻¹ m(θ)`, J = ∂m/∂θ exact through {@link freeAnglesVjp}) until every residual is
 * below {@link MOMENT_TOLERANCE}. Returns null when that does not happen within `maxIter` steps
 * (the angles are too far from such a filter, or p is too large for the length).
 */
export function projectMoments(free: Float64Array, p: number, maxIter = 50): Float64Array | null {
  if (p <= 1) return Float64Array.from(free);
  const N = 2 * (free.length + 1);
  const rows = momentRows(N, p);
  const M = rows.length;
  let f = Float64Array.from(free);
  for (let it = 0; it <= maxIter; it++) {
    const m = momentResiduals(filterFromFreeAngles(f), p);
    let worst = 0;
    for (const v of m) worst = Math.max(worst, Math.abs(v));
    if (worst < MOMENT_TOLERANCE) return f;
    if (it === maxIter || !Number.isFinite(worst)) break;
    const J = rows.map((c) => freeAnglesVjp(f, c));
    const A = new Float64Array(M * M);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < M; j++) {
        let v = 0;
        for (let k = 0; k < f.length; k++) v += J[i][k] * J[j][k];
        A[i * M + j] = v + (i === j ? 1e-14 : 0);
      }
    }
    const y = solveSpd(A, m, M);
    if (!y) break;
    const next = Float64Array.from(f);
    for (let i = 0; i < M; i++) for (let k = 0; k < f.length; k++) next[k] -= J[i][k] * y[i];
    f = next;
  }
  return null;
}

/** Checks the vanishing-moment option of a fit: an integer in [1, N/2], more than 1 only with the lattice. */
export function checkVanishingMoments(where: string, parametrization: Parametrization, p: number, filterLength: number): void {
  if (!Number.isInteger(p) || p < 1 || p > filterLength / 2) {
    throw new AwdError(where, `vanishingMoments must be an integer in [1, ${filterLength / 2}] for a filter of length ${filterLength}, got ${p}`);
  }
  if (p > 1 && parametrization !== 'lattice') {
    throw new AwdError(where, `vanishingMoments > 1 needs parametrization: 'lattice' (the penalty form has no moment constraint)`);
  }
}

/**
 * The optimiser state of a lattice fit: Adam on the K−1 free angles, with the loss's gradient
 * w.r.t. h chained through `∂h/∂θ`. `AdaptiveWavelet.fit` uses it with
 * `parametrization: 'lattice'`. With `moments` p > 1 every step is followed by
 * {@link projectMoments}, so the filter keeps p vanishing moments (to {@link MOMENT_TOLERANCE}:
 * by projection, not by construction).
 */
export class LatticeOptimizer {
  private readonly adam: Adam;

  private constructor(private free: Float64Array, lr: number, readonly moments: number) {
    this.adam = new Adam(free.length, lr);
  }

  /**
   * Starts from a filter: projects it onto the lattice ({@link latticeFit}; exact for a named
   * wavelet), then onto p vanishing moments if asked, and overwrites `h` with the result.
   */
  static start(h: Float64Array, lr: number, moments = 1): LatticeOptimizer {
    checkVanishingMoments('LatticeOptimizer.start', 'lattice', moments, h.length);
    const p = latticeFit(h);
    const free = projectMoments(p.free, moments);
    if (!free) {
      throw new AwdError('LatticeOptimizer.start', `the starting filter is too far from a wavelet with ${moments} vanishing moments; start from a named wavelet with at least that many (e.g. db${moments} or longer)`);
    }
    h.set(filterFromFreeAngles(free));
    return new LatticeOptimizer(free, lr, moments);
  }

  /** The free angles the optimiser updates (a copy; for checkpoints). */
  get params(): Float64Array {
    return Float64Array.from(this.free);
  }

  /** The Adam state of the angles (for checkpoints). */
  adamState(): AdamState {
    return this.adam.state();
  }

  /** Continues from a checkpoint's angles and Adam state; writes the filter into `h`. */
  restore(free: Float64Array, adam: AdamState, h: Float64Array): void {
    if (free.length !== this.free.length) throw new AwdError('LatticeOptimizer.restore', `the checkpoint holds ${free.length} angles, this fit has ${this.free.length}`);
    this.free = Float64Array.from(free);
    this.adam.restore(adam);
    h.set(filterFromFreeAngles(this.free));
  }

  /** One Adam step on the angles from `∂L/∂h`; writes the new filter into `h`. */
  step(h: Float64Array, gradH: ArrayLike<number>): void {
    const trial = Float64Array.from(this.free);
    this.adam.step(trial, freeAnglesVjp(this.free, gradH));
    const projected = projectMoments(trial, this.moments);
    if (!projected) {
      throw new AwdError('AdaptiveWavelet.fit', `a step left the filters with ${this.moments} vanishing moments and could not be projected back; lower the learning rate`);
    }
    this.free = projected;
    h.set(filterFromFreeAngles(this.free));
  }
}

/** The free lattice angles of a fitted filter, for the saved settings. */
export function anglesForSettings(h: ArrayLike<number>): number[] {
  return Array.from(freeAnglesOf(h));
}
