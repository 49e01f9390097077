/**
 * `Wavelet`: an orthogonal two-channel filter bank, named (`wavelet('db5')`) or built from a
 * custom lowpass filter (`Wavelet.fromLowpass(h)`), as PyWavelets' `pywt.Wavelet`.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { familyLowpass, filterBankFromLowpass, type FilterBank } from './families.ts';

/**
 * An orthogonal wavelet given by its four filters (PyWavelets' convention: `recLo` is the
 * project's lowpass `h`, `recHi[n] = (-1)^n h[N-1-n]`, `decLo`/`decHi` their reverses).
 *
 * @example
 * const w = wavelet('db5');
 * w.length;          // 10
 * w.recLo[0];        // 0.16010239797419294
 * const learned = Wavelet.fromLowpass(w.recLo, 'my-wavelet');
 */
export class Wavelet implements FilterBank {
  readonly decLo: Float64Array;
  readonly decHi: Float64Array;
  readonly recLo: Float64Array;
  readonly recHi: Float64Array;

  constructor(readonly name: string, bank: FilterBank) {
    this.decLo = Float64Array.from(bank.decLo);
    this.decHi = Float64Array.from(bank.decHi);
    this.recLo = Float64Array.from(bank.recLo);
    this.recHi = Float64Array.from(bank.recHi);
    const n = this.recLo.length;
    if (this.decLo.length !== n || this.decHi.length !== n || this.recHi.length !== n) {
      throw new AwdError('Wavelet', `all four filters must have the same length, got ${[this.decLo, this.decHi, this.recLo, this.recHi].map((f) => f.length).join(', ')}`);
    }
  }

  /** Filter length N. */
  get length(): number {
    return this.recLo.length;
  }

  /**
   * The orthogonal wavelet whose lowpass synthesis filter is `h` (even length, finite values).
   * The other three filters are derived from it.
   */
  static fromLowpass(h: ArrayLike<number>, name = 'custom'): Wavelet {
    return new Wavelet(name, filterBankFromLowpass(h));
  }
}

/**
 * A named wavelet: haar, db1–db20, sym2–sym20, coif1–coif5. Unknown names throw an error that
 * lists the families.
 */
export function wavelet(name: string): Wavelet {
  return new Wavelet(name, filterBankFromLowpass(familyLowpass(name)));
}

/** Accepts a `Wavelet`, a filter bank or a name. */
export function resolveWavelet(w: Wavelet | FilterBank | string): Wavelet {
  if (typeof w === 'string') return wavelet(w);
  if (w instanceof Wavelet) return w;
  return new Wavelet('custom', w);
}
