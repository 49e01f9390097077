import FFT from 'fft.js';
import { AwdError } from '../util/checks.ts';

/**
 * Two-dimensional FFTs on row-major grids, built from `fft.js` 1D transforms (a pass over the
 * rows, then a pass over the columns). Both sides must be powers of two (>= 2), as `fft.js`
 * requires.
 *
 * Conventions (numpy's): forward `X[u,v] = Σ_{r,c} x[r,c] e^{-2πi(ur/R + vc/C)}`, unscaled;
 * inverse scaled by `1/(R·C)`. Complex arrays are interleaved `[re, im, re, im, ...]`, row-major,
 * of length `2·R·C`.
 *
 * @example
 * const f = new Fft2(4, 8);
 * const x = new Float64Array(32).map((_, i) => Math.sin(i));
 * const X = f.forward(x);        // complex spectrum, 64 numbers
 * const back = f.inverse(X);     // ≈ x
 */
export class Fft2 {
  readonly rows: number;
  readonly cols: number;
  private readonly fr: FFT;
  private readonly fc: FFT;
  private readonly colIn: Float64Array;
  private readonly colOut: Float64Array;
  private readonly rowOut: Float64Array;
  private readonly scratch: Float64Array;

  constructor(rows: number, cols: number) {
    for (const [what, n] of [['rows', rows], ['cols', cols]] as const) {
      if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0) {
        throw new AwdError('Fft2', `${what} must be a power of two >= 2, got ${n}`);
      }
    }
    this.rows = rows;
    this.cols = cols;
    this.fr = new FFT(cols);
    this.fc = new FFT(rows);
    this.colIn = new Float64Array(2 * rows);
    this.colOut = new Float64Array(2 * rows);
    this.rowOut = new Float64Array(2 * cols);
    this.scratch = new Float64Array(2 * rows * cols);
  }

  /** In-place forward complex 2D FFT of an interleaved array of length `2·rows·cols`. */
  forwardComplex(data: Float64Array): Float64Array {
    this.checkComplex('Fft2.forwardComplex', data);
    this.pass(data, false);
    return data;
  }

  /** In-place inverse complex 2D FFT (scaled by `1/(rows·cols)`). */
  inverseComplex(data: Float64Array): Float64Array {
    this.checkComplex('Fft2.inverseComplex', data);
    this.pass(data, true);
    return data;
  }

  /**
   * Forward FFT of a real grid (`rows·cols` values): returns the full complex spectrum
   * (interleaved, `2·rows·cols`), written into `out` when given.
   */
  forward(input: Float64Array, out?: Float64Array): Float64Array {
    const { rows, cols } = this;
    if (input.length !== rows * cols) {
      throw new AwdError('Fft2.forward', `input has ${input.length} values, expected ${rows}×${cols} = ${rows * cols}`);
    }
    const res = out ?? new Float64Array(2 * rows * cols);
    this.checkComplex('Fft2.forward', res);
    const ro = this.rowOut;
    for (let r = 0; r < rows; r++) {
      const row = input.subarray(r * cols, (r + 1) * cols);
      if (cols >= 4) {
        this.fr.realTransform(ro, row);
        this.fr.completeSpectrum(ro);
      } else {
        for (let c = 0; c < cols; c++) {
          this.colIn[2 * c] = row[c];
          this.colIn[2 * c + 1] = 0;
        }
        this.fr.transform(ro, this.colIn.subarray(0, 2 * cols));
      }
      res.set(ro, 2 * r * cols);
    }
    this.columns(res, false);
    return res;
  }

  /**
   * Inverse FFT returning the real part (`rows·cols` values) — the exact inverse when the
   * spectrum is Hermitian (the spectrum of a real grid). `spectrum` is left unchanged.
   */
  inverse(spectrum: Float64Array, out?: Float64Array): Float64Array {
    this.checkComplex('Fft2.inverse', spectrum);
    const n = this.rows * this.cols;
    const res = out ?? new Float64Array(n);
    if (res.length !== n) throw new AwdError('Fft2.inverse', `out must hold ${n} values, got ${res.length}`);
    const s = this.scratch;
    s.set(spectrum);
    this.pass(s, true);
    for (let i = 0; i < n; i++) res[i] = s[2 * i];
    return res;
  }

  private checkComplex(where: string, data: Float64Array): void {
    const n = 2 * this.rows * this.cols;
    if (data.length !== n) {
      throw new AwdError(where, `complex array must hold 2·${this.rows}·${this.cols} = ${n} numbers, got ${data.length}`);
    }
  }

  private pass(data: Float64Array, inverse: boolean): void {
    const { rows, cols } = this;
    const ro = this.rowOut;
    for (let r = 0; r < rows; r++) {
      const row = data.subarray(2 * r * cols, 2 * (r + 1) * cols);
      if (inverse) this.fr.inverseTransform(ro, row);
      else this.fr.transform(ro, row);
      row.set(ro);
    }
    this.columns(data, inverse);
  }

  private columns(data: Float64Array, inverse: boolean): void {
    const { rows, cols } = this;
    const ci = this.colIn;
    const co = this.colOut;
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) {
        const k = 2 * (r * cols + c);
        ci[2 * r] = data[k];
        ci[2 * r + 1] = data[k + 1];
      }
      if (inverse) this.fc.inverseTransform(co, ci);
      else this.fc.transform(co, ci);
      for (let r = 0; r < rows; r++) {
        const k = 2 * (r * cols + c);
        data[k] = co[2 * r];
        data[k + 1] = co[2 * r + 1];
      }
    }
  }
}

/**
 * Signed integer frequency of FFT bin `k` of an `n`-point transform (numpy's `fftfreq(n) * n`):
 * `k` for `k <= n/2`, else `k - n`.
 *
 * @example
 * fftIndexFreq(7, 8); // -1
 */
export function fftIndexFreq(k: number, n: number): number {
  return k <= n / 2 ? k : k - n;
}
