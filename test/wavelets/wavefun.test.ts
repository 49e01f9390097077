import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { familyLowpass, filterBankFromLowpass, WAVELET_NAMES } from '../../src/wavelets/families.ts';
import { wavefun } from '../../src/wavelets/wavefun.ts';

interface WavefunFixture {
  cases: Array<{ wavelet: string; level: number; phi: number[]; psi: number[]; x: number[] }>;
}
const fx = JSON.parse(
  readFileSync(new URL('../../fixtures/pywt/wavefun.json', import.meta.url), 'utf8'),
) as WavefunFixture;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length}, PyWavelets ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(d <= tol, `${what}[${i}]: ${actual[i]} vs PyWavelets ${expected[i]} (|diff| ${d} > ${tol})`);
  }
}

const bankOf = (name: string) => filterBankFromLowpass(familyLowpass(name));

test('wavefun matches pywt.Wavelet(name).wavefun(level) for phi, psi and x (db2, db5, sym5, coif2, haar; levels 3-6)', () => {
  assert.ok(fx.cases.length >= 20);
  for (const c of fx.cases) {
    const r = wavefun(bankOf(c.wavelet), c.level);
    const what = `${c.wavelet} level ${c.level}`;
    assertClose(r.phi, c.phi, 1e-10, `${what} phi`);
    assertClose(r.psi, c.psi, 1e-10, `${what} psi`);
    assertClose(r.x, c.x, 1e-12, `${what} x`);
  }
});

test('default level is 8, as in PyWavelets: (N-1) 2^8 + 1 samples, x from 0 to N-1', () => {
  const r = wavefun(bankOf('db5'));
  assert.equal(r.psi.length, 9 * 256 + 1);
  assert.equal(r.phi.length, r.x.length);
  assert.equal(r.x[0], 0);
  assert.equal(r.x[r.x.length - 1], 9);
});

test('cascade sanity for every orthogonal family but dmey: ∫φ = 1, ∫ψ = 0, ∫φ² = ∫ψ² = 1, ∫φψ = 0 (Riemann sums, exact for orthonormal filters)', () => {
  // (dmey, an FIR approximation of Meyer's wavelet, is orthonormal only to ~2e-3.)
  for (const name of WAVELET_NAMES.filter((n) => n !== 'dmey')) {
    const level = 6;
    const { phi, psi } = wavefun(bankOf(name), level);
    const dx = 2 ** -level;
    let sPhi = 0;
    let sPsi = 0;
    let ePhi = 0;
    let ePsi = 0;
    let cross = 0;
    for (let i = 0; i < phi.length; i++) {
      sPhi += phi[i];
      sPsi += psi[i];
      ePhi += phi[i] * phi[i];
      ePsi += psi[i] * psi[i];
      cross += phi[i] * psi[i];
    }
    assert.ok(Math.abs(sPhi * dx - 1) < 1e-9, `${name} ∫φ = ${sPhi * dx}`);
    assert.ok(Math.abs(sPsi * dx) < 1e-9, `${name} ∫ψ = ${sPsi * dx}`);
    assert.ok(Math.abs(ePhi * dx - 1) < 1e-8, `${name} ∫φ² = ${ePhi * dx}`);
    assert.ok(Math.abs(ePsi * dx - 1) < 1e-8, `${name} ∫ψ² = ${ePsi * dx}`);
    assert.ok(Math.abs(cross * dx) < 1e-8, `${name} ∫φψ = ${cross * dx}`);
  }
});

test('haar: φ is the box on [0, 1), ψ is +1 then -1', () => {
  const { phi, psi, x } = wavefun(bankOf('haar'), 3);
  assert.equal(phi.length, 10);
  for (let i = 1; i <= 8; i++) {
    assert.ok(Math.abs(phi[i] - 1) < 1e-12);
    assert.ok(Math.abs(psi[i] - (i <= 4 ? 1 : -1)) < 1e-12);
  }
  assert.equal(phi[0], 0);
  assert.equal(phi[9], 0);
  assert.ok(Math.abs(x[8] - 1) < 1e-15);
});

test('wavefun works for a learned (non-family) filter and rejects bad input', () => {
  const h = Float64Array.from(familyLowpass('db5'), (v, i) => v + 0.01 * Math.sin(i));
  const r = wavefun(filterBankFromLowpass(h), 4);
  assert.equal(r.psi.length, 9 * 16 + 1);
  assert.throws(() => wavefun(bankOf('db2'), 0), /Error in wavefun: level must be an integer in \[1, 30\], got 0/);
  assert.throws(() => wavefun(bankOf('db2'), 2.5), /level must be an integer/);
  const bad = bankOf('db2');
  bad.recHi = new Float64Array(2);
  assert.throws(() => wavefun(bad, 3), /Error in wavefun: bank.recLo and bank.recHi must have the same length/);
  const nan = bankOf('db2');
  nan.recLo[1] = NaN;
  assert.throws(() => wavefun(nan, 3), /Error in wavefun: bank.recLo contains NaN at index 1/);
});
