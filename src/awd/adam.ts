/**
 * base^n for an integer n ≥ 0 by repeated squaring: only IEEE-754 multiplications, so the same
 * bits on every JavaScript engine (Math.pow, like Math.exp and Math.log, differs by an ulp between
 * V8 versions, e.g. Node 20's and a current browser's, and fits would drift apart from there).
 */
export function powInt(base: number, n: number): number {
  let result = 1;
  let b = base;
  for (let k = n; k > 0; k >>>= 1) {
    if (k & 1) result *= b;
    b *= b;
  }
  return result;
}

/**
 * Adam (Kingma & Ba, 2015) with bias correction, exactly as `torch.optim.Adam` with its defaults
 * (lr 1e-3, betas 0.9/0.999, eps 1e-8, no weight decay).
 */
export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(
    size: number,
    readonly lr = 1e-3,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** The moments and step count (for checkpoints), copied. */
  state(): AdamState {
    return { m: Float64Array.from(this.m), v: Float64Array.from(this.v), t: this.t };
  }

  /** Continues from a state saved by `state()`. */
  restore(st: AdamState): void {
    if (st.m.length !== this.m.length || st.v.length !== this.v.length || !Number.isInteger(st.t) || st.t < 0) {
      throw new Error(`Error in Adam.restore: the state is for ${st.m.length} parameters, this optimiser has ${this.m.length}`);
    }
    this.m.set(st.m);
    this.v.set(st.v);
    this.t = st.t;
  }

  /** Updates `params` in place with the gradient `grad`. */
  step(params: Float64Array, grad: ArrayLike<number>): void {
    this.t++;
    const c1 = 1 - powInt(this.beta1, this.t);
    const c2 = 1 - powInt(this.beta2, this.t);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * g;
      this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * g * g;
      const mHat = this.m[i] / c1;
      const vHat = this.v[i] / c2;
      params[i] -= (this.lr * mHat) / (Math.sqrt(vHat) + this.eps);
    }
  }
}

/** Adam's state: first and second moments and the step count. */
export interface AdamState {
  m: Float64Array;
  v: Float64Array;
  t: number;
}
