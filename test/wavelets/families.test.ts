import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BIORTHOGONAL_NAMES, familyFilterBank, familyLowpass, filterBankFromLowpass, WAVELET_NAMES, wavelist } from '../../src/wavelets/families.ts';
import { wavelet } from '../../src/wavelets/wavelet.ts';

interface FiltersFixture {
  names: string[];
  filters: Record<string, { dec_lo: number[]; dec_hi: number[]; rec_lo: number[]; rec_hi: number[] }>;
}
const fx = JSON.parse(
  readFileSync(new URL('../../fixtures/pywt/filters.json', import.meta.url), 'utf8'),
) as FiltersFixture;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('wavelist() is pywt.wavelist(kind="discrete"): 76 orthogonal (WAVELET_NAMES) and 30 biorthogonal families', () => {
  assert.equal(WAVELET_NAMES.length, 76);
  assert.equal(BIORTHOGONAL_NAMES.length, 30);
  assert.deepEqual(wavelist(), fx.names);
  assert.ok(Object.isFrozen(WAVELET_NAMES));
  assert.ok(Object.isFrozen(BIORTHOGONAL_NAMES));
});

/** The 64 bits of a float64, so that -0 and 0 differ. */
function bits(a: ArrayLike<number>): string[] {
  const b = new BigUint64Array(Float64Array.from(a).buffer);
  return Array.from(b, (v) => v.toString(16));
}

test('every family (orthogonal and biorthogonal): all four filters bit for bit as PyWavelets, sign of zero included', () => {
  for (const name of fx.names) {
    const ref = fx.filters[name];
    const w = wavelet(name);
    assert.deepEqual(bits(w.decLo), bits(ref.dec_lo), `${name} dec_lo`);
    assert.deepEqual(bits(w.decHi), bits(ref.dec_hi), `${name} dec_hi`);
    assert.deepEqual(bits(w.recLo), bits(ref.rec_lo), `${name} rec_lo`);
    assert.deepEqual(bits(w.recHi), bits(ref.rec_hi), `${name} rec_hi`);
    // analysis taps are the reversed analysis filters; orthogonal ones share the synthesis arrays
    assert.deepEqual(bits(w.anaLo), bits(Array.from(ref.dec_lo).reverse()), `${name} anaLo`);
    assert.equal(w.orthogonal, WAVELET_NAMES.includes(name) || name === 'bior1.1' || name === 'rbio1.1', `${name} orthogonal`);
  }
});

test('familyLowpass refuses a biorthogonal family (no single orthogonal h); familyFilterBank gives its four filters', () => {
  assert.throws(() => familyLowpass('bior2.2'), /'bior2.2' is biorthogonal/);
  const bank = familyFilterBank('rbio3.1');
  assert.equal(bank.orthogonal, false);
  assert.deepEqual(Array.from(bank.recLo), fx.filters['rbio3.1'].rec_lo);
  assert.throws(() => familyFilterBank('bior9.9'), /unknown wavelet "bior9.9"/);
});

test('all four filters of every orthogonal family match PyWavelets to 1e-12 (DESIGN §1: h = rec_lo, g[n] = (-1)^n h[N-1-n])', () => {
  for (const name of WAVELET_NAMES) {
    const ref = fx.filters[name];
    const bank = filterBankFromLowpass(familyLowpass(name));
    assert.ok(maxAbsDiff(bank.recLo, ref.rec_lo) <= 1e-12, `${name} recLo`);
    assert.ok(maxAbsDiff(bank.decLo, ref.dec_lo) <= 1e-12, `${name} decLo`);
    assert.ok(maxAbsDiff(bank.recHi, ref.rec_hi) <= 1e-12, `${name} recHi`);
    assert.ok(maxAbsDiff(bank.decHi, ref.dec_hi) <= 1e-12, `${name} decHi`);
  }
});

test('the stored lowpass filters are bit-identical to PyWavelets rec_lo', () => {
  for (const name of WAVELET_NAMES) assert.deepEqual(Array.from(familyLowpass(name)), fx.filters[name].rec_lo, name);
});

test('every orthogonal family but dmey is orthonormal: sum h = sqrt 2, sum h^2 = 1, double-shift orthogonality', () => {
  // dmey is PyWavelets' 62-tap FIR approximation of the Meyer wavelet: orthonormal only to ~2e-3.
  for (const name of WAVELET_NAMES.filter((n) => n !== 'dmey')) {
    const h = familyLowpass(name);
    const n = h.length;
    let sum = 0;
    for (const v of h) sum += v;
    assert.ok(Math.abs(sum - Math.SQRT2) < 1e-10, `${name} sum`);
    for (let k = 0; 2 * k < n; k++) {
      let dot = 0;
      for (let i = 2 * k; i < n; i++) dot += h[i] * h[i - 2 * k];
      assert.ok(Math.abs(dot - (k === 0 ? 1 : 0)) < 1e-9, `${name} shift ${k}: ${dot}`);
    }
  }
});

test('familyLowpass returns a fresh copy', () => {
  const a = familyLowpass('db5');
  a[0] = 42;
  assert.notEqual(familyLowpass('db5')[0], 42);
});

test('filterBankFromLowpass copies its input and accepts plain arrays', () => {
  const h = [Math.SQRT1_2, Math.SQRT1_2];
  const bank = filterBankFromLowpass(h);
  h[0] = 0;
  assert.deepEqual(Array.from(bank.recLo), [Math.SQRT1_2, Math.SQRT1_2]);
  assert.deepEqual(Array.from(bank.recHi), [Math.SQRT1_2, -Math.SQRT1_2]);
  assert.deepEqual(Array.from(bank.decHi), [-Math.SQRT1_2, Math.SQRT1_2]);
});

test('unknown names throw, listing the families and suggesting the closest name', () => {
  assert.throws(() => familyLowpass('db45'), (e: Error) => {
    assert.equal(e.name, 'AwdError');
    assert.match(e.message, /^Error in familyLowpass: unknown wavelet "db45"/);
    assert.match(e.message, /haar, db1-db38, sym2-sym20, coif1-coif17, dmey, bior1.1-bior6.8, rbio1.1-rbio6.8/);
    return true;
  });
  assert.throws(() => familyLowpass('DB5'), /Did you mean 'db5'\?/);
  assert.throws(() => familyLowpass('symlet4'), /Did you mean 'sym4'\?/);
  assert.throws(() => familyLowpass('coif18'), /Did you mean 'coif1[0-8]?'\?/);
  assert.throws(() => familyLowpass('toString'), /unknown wavelet "toString"/);
  assert.throws(() => familyLowpass(''), /unknown wavelet ""/);
});

test('filterBankFromLowpass rejects empty, odd-length and non-finite filters with clear messages', () => {
  assert.throws(() => filterBankFromLowpass([]), /Error in filterBankFromLowpass: recLo is empty/);
  assert.throws(() => filterBankFromLowpass([1, 2, 3]), /Error in filterBankFromLowpass: recLo has odd length 3/);
  assert.throws(() => filterBankFromLowpass([1, NaN]), /Error in filterBankFromLowpass: recLo contains NaN at flat index 1/);
  assert.throws(() => filterBankFromLowpass(new Float64Array([Infinity, 0])), /contains Infinity at flat index 0/);
});
