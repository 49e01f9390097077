import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DISTANCE_LEVEL, waveletDistance, waveletDistanceToNamed } from '../../src/wavelets/distance.ts';
import { familyLowpass, filterBankFromLowpass } from '../../src/wavelets/families.ts';
import { wavefun } from '../../src/wavelets/wavefun.ts';
import { Rng } from '../../src/util/rng.ts';

interface DistanceFixture {
  filters: Record<string, number[]>;
  cases: Array<{ h: string; hStar: string; level: number; distance: number }>;
}
const fx = JSON.parse(
  readFileSync(new URL('../../fixtures/pywt/distance.json', import.meta.url), 'utf8'),
) as DistanceFixture;

const psiOf = (name: string, level = DISTANCE_LEVEL) =>
  wavefun(filterBankFromLowpass(familyLowpass(name)), level).psi;

function roll(a: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) out[(j + k) % a.length] = a[j];
  return out;
}

test('DESIGN §5.1: d(ψ, ψ) = 0', () => {
  for (const name of ['haar', 'db5', 'sym5', 'coif2']) {
    assert.equal(waveletDistance(psiOf(name), psiOf(name)), 0);
    assert.equal(waveletDistanceToNamed(familyLowpass(name), name), 0);
  }
});

test('DESIGN §5.1: d is 0 for a circularly shifted or left/right flipped copy', () => {
  const psi = psiOf('db5');
  for (const k of [1, 7, 100, psi.length - 1]) {
    assert.ok(waveletDistance(roll(psi, k), psi) < 1e-12, `shift ${k}`);
    assert.ok(waveletDistance(psi, roll(psi, k)) < 1e-12, `shift ${k}, swapped`);
    assert.ok(waveletDistance(roll(psi.slice().reverse(), k), psi) < 1e-12, `flip + shift ${k}`);
  }
  assert.ok(waveletDistance(psi.slice().reverse(), psi) < 1e-12, 'flip');
});

test('DESIGN §5.1: the shorter wavelet is zero-padded (a shifted copy inside a longer zero frame is at 0)', () => {
  const psi = psiOf('db2');
  const framed = new Float64Array(psi.length + 50);
  framed.set(psi, 20);
  assert.ok(waveletDistance(psi, framed) < 1e-12);
  assert.ok(waveletDistance(framed, psi) < 1e-12);
});

test('d is positive for different wavelets, for a sign change, and symmetric in its arguments', () => {
  const names = ['db5', 'sym5', 'coif2', 'db2', 'haar'];
  for (const a of names) {
    for (const b of names) {
      const dab = waveletDistance(psiOf(a), psiOf(b));
      const dba = waveletDistance(psiOf(b), psiOf(a));
      assert.ok(Math.abs(dab - dba) < 1e-12 * (1 + dab), `${a} vs ${b}: ${dab} vs ${dba}`);
      if (a !== b) assert.ok(dab > 0.1, `${a} vs ${b}: ${dab}`);
    }
  }
  const psi = psiOf('db5');
  assert.ok(waveletDistance(psi, psi.map((v) => -v)) > 0.1, 'no sign invariance, as in the reference');
});

test('d is the minimum over shifts and flips: never above the unshifted distance, never negative', () => {
  const rng = new Rng(7);
  for (let t = 0; t < 20; t++) {
    const a = Float64Array.from({ length: 5 + (t % 4) }, () => rng.normal());
    const b = Float64Array.from({ length: 5 }, () => rng.normal());
    const d = waveletDistance(a, b);
    let plain = 0;
    for (let i = 0; i < a.length; i++) plain += (a[i] - (i < b.length ? b[i] : 0)) ** 2;
    assert.ok(d <= Math.sqrt(plain) + 1e-15);
    assert.ok(d >= 0);
  }
  assert.equal(waveletDistance([1, -1], [-1, 0]), 1);
  assert.equal(waveletDistance([0, 1, -1, 0], [1, -1]), 0);
  assert.equal(waveletDistance([1, 2, 3], [3, 2, 1]), 0);
});

test("waveletDistanceToNamed matches the reference's dist (awave, get_wavefun level 5 and 3) to 1e-10", () => {
  assert.equal(DISTANCE_LEVEL, 5);
  assert.ok(fx.cases.length > 0);
  for (const c of fx.cases) {
    const h = fx.filters[c.h];
    const got = waveletDistanceToNamed(h, c.hStar, c.level); // hStar is always a family name
    assert.ok(Math.abs(got - c.distance) <= 1e-10 * (1 + c.distance), `${c.h} vs ${c.hStar} level ${c.level}: ${got} vs ${c.distance}`);
  }
});

test('waveletDistanceToNamed depends on the level (documented): level 3 < level 5 for sym5 vs db5', () => {
  const d3 = waveletDistanceToNamed(familyLowpass('sym5'), 'db5', 3);
  const d5 = waveletDistanceToNamed(familyLowpass('sym5'), 'db5');
  assert.ok(d3 > 0 && d3 < d5);
});

test('bad inputs throw with clear messages', () => {
  assert.throws(() => waveletDistance([], [1]), /Error in waveletDistance: psi is empty/);
  assert.throws(() => waveletDistance([1], [NaN]), /Error in waveletDistance: psiStar contains NaN at flat index 0/);
  assert.throws(() => waveletDistanceToNamed(familyLowpass('db5'), 'db55'), /Error in familyLowpass: unknown wavelet "db55"/);
  assert.throws(() => waveletDistanceToNamed([1, 2, 3], 'db5'), /Error in filterBankFromLowpass: recLo has odd length 3/);
  assert.throws(() => waveletDistanceToNamed(familyLowpass('db5'), 'db5', 0), /Error in waveletDistanceToNamed: level must be an integer/);
});
