/**
 * `Wavelet`: a two-channel filter bank, orthogonal (`db5`) or biorthogonal (`bior2.2`), named
 * (`wavelet('db5')`), built from a custom lowpass filter (`Wavelet.fromLowpass(h)`), or from four
 * filters, as PyWavelets' `pywt.Wavelet`.
 * @module
 */
import { AwdError, assertFinite } from '../util/checks.ts';
import { familyFilterBank, filterBankFromLowpass, type FilterBank } from './families.ts';

function reversed(a: Float64Array): Float64Array {
  const n = a.length;
  const r = new Float64Array(n);
  for (let k = 0; k < n; k++) r[k] = a[n - 1 - k];
  return r;
}

/**
 * A wavelet given by its four filters (PyWavelets' convention). For an orthogonal wavelet
 * `recLo` is the project's lowpass `h`, `recHi[n] = (-1)^n h[N-1-n]` and `decLo`/`decHi` are
 * their reverses; a biorthogonal wavelet has independent analysis (`dec…`) and synthesis
 * (`rec…`) filters.
 *
 * The engine's analysis kernels correlate with the reversed analysis filters, `anaLo`/`anaHi`
 * (`cA[o] = Σ_t anaLo[t] xe[2o+1+t]`); for an orthogonal wavelet these are exactly (bit for
 * bit) `recLo`/`recHi`, so orthogonal transforms compute what they always did.
 *
 * @example
 * const w = wavelet('db5');
 * w.length;          // 10
 * w.recLo[0];        // 0.16010239797419294
 * const learned = Wavelet.fromLowpass(w.recLo, 'my-wavelet');
 * wavelet('bior2.2').orthogonal;  // false
 */
export class Wavelet implements FilterBank {
  readonly decLo: Float64Array;
  readonly decHi: Float64Array;
  readonly recLo: Float64Array;
  readonly recHi: Float64Array;
  /** Reversed `decLo`: the lowpass taps of the engine's analysis kernels. */
  readonly anaLo: Float64Array;
  /** Reversed `decHi`: the highpass taps of the engine's analysis kernels. */
  readonly anaHi: Float64Array;
  /**
   * True when the analysis filters are the reversed synthesis filters (bit for bit), so analysis
   * and synthesis share one pair of taps. (Orthonormality itself is not checked.)
   */
  readonly orthogonal: boolean;

  constructor(readonly name: string, bank: FilterBank) {
    if (bank == null || [bank.decLo, bank.decHi, bank.recLo, bank.recHi].some((f) => f == null || typeof f.length !== 'number')) {
      throw new AwdError('Wavelet', 'a filter bank needs four filters decLo, decHi, recLo, recHi (arrays of numbers); build one with filterBankFromLowpass(h)');
    }
    this.decLo = Float64Array.from(bank.decLo);
    this.decHi = Float64Array.from(bank.decHi);
    this.recLo = Float64Array.from(bank.recLo);
    this.recHi = Float64Array.from(bank.recHi);
    const n = this.recLo.length;
    if (this.decLo.length !== n || this.decHi.length !== n || this.recHi.length !== n) {
      throw new AwdError('Wavelet', `all four filters must have the same length, got ${[this.decLo, this.decHi, this.recLo, this.recHi].map((f) => f.length).join(', ')}`);
    }
    for (const [what, f] of [['decLo', this.decLo], ['decHi', this.decHi], ['recLo', this.recLo], ['recHi', this.recHi]] as const) assertFinite('Wavelet', what, f);
    const anaLo = reversed(this.decLo);
    const anaHi = reversed(this.decHi);
    let same = true;
    for (let k = 0; k < n && same; k++) same = Object.is(anaLo[k], this.recLo[k]) && Object.is(anaHi[k], this.recHi[k]);
    this.orthogonal = same;
    // Orthogonal: share the synthesis arrays, so analysis and synthesis run on the same taps.
    this.anaLo = same ? this.recLo : anaLo;
    this.anaHi = same ? this.recHi : anaHi;
  }

  /** Filter length N. */
  get length(): number {
    return this.recLo.length;
  }

  /** PyWavelets' `dec_len` (all four filters have the same length here). */
  get decLen(): number {
    return this.decLo.length;
  }

  /** PyWavelets' `rec_len`. */
  get recLen(): number {
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
 * A named wavelet: every discrete family of PyWavelets (haar, db1–db38, sym2–sym20,
 * coif1–coif17, dmey, bior*, rbio*). Unknown names throw an error that lists the families.
 */
export function wavelet(name: string): Wavelet {
  return new Wavelet(name, familyFilterBank(name));
}

/** Accepts a `Wavelet`, a filter bank or a name. */
export function resolveWavelet(w: Wavelet | FilterBank | string): Wavelet {
  if (typeof w === 'string') return wavelet(w);
  if (w instanceof Wavelet) return w;
  return new Wavelet('custom', w);
}
