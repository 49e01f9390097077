/**
 * The wavelet-constraint terms of the AWD objective (paper Eq. 8; DESIGN.md §2), each with its
 * exact gradient w.r.t. the lowpass filter h. With the reference's normalisations:
 *
 * | term           | value                                                         |
 * | -------------- | ------------------------------------------------------------- |
 * | lowpass_sum    | ½ (Σ h − √2)²                                                 |
 * | highpass_sum   | ½ (Σ g)²,  g[n] = (−1)ⁿ h[N−1−n]                              |
 * | unit_norm      | ½ (Σ h² − 1)²                                                 |
 * | cmf            | ½ Σ_{k<N/2} (|H_k|² + |H_{k+N/2}|² − 2)²,  H = N-point DFT of h |
 * | orthogonality  | ½ Σ_k (Σ_n h[n] h[n−2k] − δ_k)², every shift k with overlap    |
 *
 * All vanish exactly for an orthonormal wavelet (Mallat, "A Wavelet Tour", Thm. 7.2: the
 * conjugate-mirror-filter condition |H(ω)|² + |H(ω+π)|² = 2 and H(0) = √2).
 * @module
 */
import { cosSinTurn } from '../util/twiddle.ts';

/** A loss value with its gradient w.r.t. h. */
export interface TermValue {
  value: number;
  grad: Float64Array;
}

/** The highpass filter g[n] = (−1)ⁿ h[N−1−n] (the reference's and PyWavelets' rec_hi). */
export function highpassOf(h: ArrayLike<number>): Float64Array {
  const N = h.length;
  const g = new Float64Array(N);
  for (let n = 0; n < N; n++) g[n] = (n % 2 === 0 ? 1 : -1) * h[N - 1 - n];
  return g;
}

/** Adds the gradient w.r.t. g into a gradient w.r.t. h (the chain rule through `highpassOf`). */
export function addHighpassGrad(dg: ArrayLike<number>, dh: Float64Array): void {
  const N = dh.length;
  for (let n = 0; n < N; n++) dh[N - 1 - n] += (n % 2 === 0 ? 1 : -1) * dg[n];
}

/** ½ (Σ h − √2)² */
export function lowpassSum(h: ArrayLike<number>): TermValue {
  let s = 0;
  for (let i = 0; i < h.length; i++) s += h[i];
  const r = s - Math.SQRT2;
  return { value: 0.5 * r * r, grad: new Float64Array(h.length).fill(r) };
}

/** ½ (Σ g)² */
export function highpassSum(h: ArrayLike<number>): TermValue {
  const g = highpassOf(h);
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i];
  const grad = new Float64Array(h.length);
  addHighpassGrad(new Float64Array(h.length).fill(s), grad);
  return { value: 0.5 * s * s, grad };
}

/** ½ (Σ h² − 1)² */
export function unitNorm(h: ArrayLike<number>): TermValue {
  let s = 0;
  for (let i = 0; i < h.length; i++) s += h[i] * h[i];
  const r = s - 1;
  const grad = new Float64Array(h.length);
  for (let i = 0; i < h.length; i++) grad[i] = 2 * r * h[i];
  return { value: 0.5 * r * r, grad };
}

/**
 * ½ Σ_{k<N/2} (|H_k|² + |H_{k+N/2}|² − 2)². With P_k = |H_k|² = Σ_{n,m} h_n h_m cos(2πk(n−m)/N),
 * ∂P_k/∂h_n = 2 Σ_m h_m cos(2πk(n−m)/N).
 */
export function cmf(h: ArrayLike<number>): TermValue {
  const N = h.length;
  const half = N >> 1;
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    let a = 0;
    let b = 0;
    for (let n = 0; n < N; n++) {
      // e^{iφ}, φ = −2πkn/N (engine-independent cos/sin: the same bits in Node and browsers)
      const t = cosSinTurn((k * n) % N, N);
      a += h[n] * t.cos;
      b += h[n] * -t.sin;
    }
    re[k] = a;
    im[k] = b;
  }
  let value = 0;
  const grad = new Float64Array(N);
  for (let k = 0; k < half; k++) {
    const r = re[k] * re[k] + im[k] * im[k] + re[k + half] * re[k + half] + im[k + half] * im[k + half] - 2;
    value += 0.5 * r * r;
    // ∂|H_k|²/∂h_n = 2 Re(conj(H_k) e^{-2πikn/N}) = 2 (re_k cos φ + im_k sin φ), φ = −2πkn/N
    for (let n = 0; n < N; n++) {
      const t1 = cosSinTurn((k * n) % N, N);
      const t2 = cosSinTurn(((k + half) * n) % N, N);
      const d = 2 * (re[k] * t1.cos + im[k] * -t1.sin) + 2 * (re[k + half] * t2.cos + im[k + half] * -t2.sin);
      grad[n] += r * d;
    }
  }
  return { value, grad };
}

/** ½ Σ_k (Σ_n h[n] h[n−2k] − δ_k)² over every even lag 2k with |2k| < N (both signs). */
export function orthogonality(h: ArrayLike<number>): TermValue {
  const N = h.length;
  let value = 0;
  const grad = new Float64Array(N);
  for (let lag = -(N - 1); lag < N; lag++) {
    if (lag % 2 !== 0) continue;
    let c = 0;
    for (let n = 0; n < N; n++) {
      const m = n - lag;
      if (m >= 0 && m < N) c += h[n] * h[m];
    }
    const r = c - (lag === 0 ? 1 : 0);
    value += 0.5 * r * r;
    for (let n = 0; n < N; n++) {
      const m = n - lag;
      if (m >= 0 && m < N) {
        grad[n] += r * h[m];
        grad[m] += r * h[n];
      }
    }
  }
  return { value, grad };
}
