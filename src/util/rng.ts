/**
 * Seeded pseudo-random numbers. Every random choice in awd takes a seed and goes through this
 * generator, so the same seed gives the same numbers on every machine.
 *
 * Generator: xoshiro128** (Blackman & Vigna), seeded through splitmix32. Gaussian numbers by the
 * Box–Muller transform (both values of each pair are used).
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform();   // in [0, 1)
 * rng.normal();    // N(0, 1)
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Error in Rng: seed must be a finite number, got ${seed}`);
    let state = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
    const next = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [a, b). */
  uniformIn(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new Error(`Error in Rng.int: n must be >= 1, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fills `out` with N(mean, std²) values and returns it. */
  fillNormal(out: Float64Array, mean = 0, std = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The generator's full state (for checkpoints): `Rng.fromState(r.state())` continues r's stream exactly. */
  state(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare };
  }

  /** Sets the state saved by `state()`. */
  restore(st: RngState): void {
    const ok = Array.isArray(st?.s) && st.s.length === 4 && st.s.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32) && (st.spare === null || Number.isFinite(st.spare));
    if (!ok) throw new Error('Error in Rng.restore: not a generator state saved by Rng.state()');
    [this.s0, this.s1, this.s2, this.s3] = st.s.map((v) => v | 0);
    this.spare = st.spare;
  }

  /** A new generator whose stream is independent of this one's (for sub-tasks). */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}

/** The state of an `Rng` (four 32-bit words and the spare Gaussian value). */
export interface RngState {
  s: number[];
  spare: number | null;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
