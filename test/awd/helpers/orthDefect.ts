/**
 * The largest |Σ_n h[n] h[n−2k] − δ_k| over every even lag: 0 for an orthonormal filter. Written
 * here, apart from the library's constraint terms, as an independent check of orthogonality (the
 * lattice tests and scripts/compare_parametrizations.ts use it).
 */
export function orthDefect(h: ArrayLike<number>): number {
  let d = 0;
  for (let lag = 0; lag < h.length; lag += 2) {
    let c = 0;
    for (let n = lag; n < h.length; n++) c += h[n] * h[n - lag];
    d = Math.max(d, Math.abs(c - (lag === 0 ? 1 : 0)));
  }
  return d;
}
