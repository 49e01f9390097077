/**
 * cos and sin of 2πj/N for integers j, N, the same bits on every JavaScript engine: only IEEE-754
 * additions, multiplications and divisions (Math.cos and Math.sin differ by an ulp between V8
 * versions, e.g. Node 20's and a current browser's, which made fits drift apart). Range reduction
 * is exact in integers (to an octant), then Taylor series on [0, π/4] to full double precision.
 * @module
 */

/** Taylor series of cos and sin on |θ| ≤ π/4 (terms below 2^-60 of the first are dropped). */
function cosSinSmall(theta: number): { cos: number; sin: number } {
  const t2 = theta * theta;
  let c = 0;
  let s = 0;
  let termC = 1;
  let termS = theta;
  for (let k = 1; k <= 12; k++) {
    c += termC;
    s += termS;
    termC *= -t2 / ((2 * k - 1) * (2 * k));
    termS *= -t2 / ((2 * k) * (2 * k + 1));
  }
  return { cos: c, sin: s };
}

/** cos(2πj/N) and sin(2πj/N), `N` a positive integer, `j` any integer. */
export function cosSinTurn(j: number, N: number): { cos: number; sin: number } {
  const m = ((j % N) + N) % N;
  const o = Math.floor((8 * m) / N); // octant 0..7
  // Distance to the nearer octant boundary, as a fraction of a turn: exact integer numerator.
  const even = o % 2 === 0;
  const num = even ? 8 * m - o * N : (o + 1) * N - 8 * m;
  const { cos: c, sin: s } = cosSinSmall((2 * Math.PI * num) / (8 * N));
  switch (o) {
    case 0: return { cos: c, sin: s };
    case 1: return { cos: s, sin: c };
    case 2: return { cos: -s, sin: c };
    case 3: return { cos: -c, sin: s };
    case 4: return { cos: -c, sin: -s };
    case 5: return { cos: -s, sin: -c };
    case 6: return { cos: s, sin: -c };
    default: return { cos: c, sin: -s };
  }
}
