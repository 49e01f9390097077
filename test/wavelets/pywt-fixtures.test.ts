/**
 * The DWT engine (src/wavelets/index.ts) against PyWavelets 1.1.1, case by case, from the
 * fixtures written by scripts/make_fixtures.py (fixtures/pywt/dwt1d.json, dwt2d.json):
 * coefficient lengths, dwt / idwt, wavedec / waverec for every level up to one above the maximum
 * (PyWavelets warns there and still returns a result), dwt2 / idwt2 / wavedec2 / waverec2, and
 * perfect reconstruction. Tolerance 1e-10 (relative to 1 + |expected|).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  dwt,
  dwt2,
  dwtCoeffLen,
  dwtMaxLevel,
  idwt,
  idwt2,
  wavedec,
  wavedec2,
  waverec,
  waverec2,
  wavelet,
  Wavelet,
  familyLowpass,
  type Mode,
} from '../../src/wavelets/index.ts';

const TOL = 1e-10;

interface Array2 {
  rows: number;
  cols: number;
  data: number[];
}
interface Case1D {
  wavelet: string;
  mode: Mode;
  n: number;
  filterLen: number;
  coeffLen: number;
  maxLevel: number;
  dwtError?: string;
  cA?: number[];
  cD?: number[];
  idwt?: number[];
  idwtA?: number[];
  idwtD?: number[];
  wavedec: Array<{ level: number; error?: string; warns?: boolean; coeffs?: number[][]; waverec?: number[] }>;
}
interface Case2D {
  wavelet: string;
  mode: Mode;
  input: string;
  rows: number;
  cols: number;
  maxLevel: number;
  dwt2: { cA: Array2; cH: Array2; cV: Array2; cD: Array2 };
  idwt2: Array2;
  wavedec2: Array<{
    level: number;
    error?: string;
    warns?: boolean;
    approx?: Array2;
    details?: Array<{ cH: Array2; cV: Array2; cD: Array2 }>;
    waverec2?: Array2;
  }>;
}

function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/pywt/${file}`, import.meta.url), 'utf8')) as T;
}
const fx1 = load<{ signals: Record<string, number[]>; cases: Case1D[] }>('dwt1d.json');
const fx2 = load<{ inputs: Record<string, Array2>; cases: Case2D[] }>('dwt2d.json');
// Biorthogonal wavelets in every mode, and the modes smooth, antisymmetric, antireflect.
const fx1more = load<{ signals: Record<string, number[]>; cases: Case1D[] }>('dwt1d_more.json');
const fx2more = load<{ inputs: Record<string, Array2>; cases: Case2D[] }>('dwt2d_more.json');

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length}, PyWavelets ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(d <= TOL * (1 + Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs PyWavelets ${expected[i]}`);
  }
}

function assertImage(actual: { data: ArrayLike<number>; rows: number; cols: number }, expected: Array2, what: string): void {
  assert.equal(actual.rows, expected.rows, `${what}: rows ${actual.rows}, PyWavelets ${expected.rows}`);
  assert.equal(actual.cols, expected.cols, `${what}: cols ${actual.cols}, PyWavelets ${expected.cols}`);
  assertClose(actual.data, expected.data, what);
}

// ---- warnings: PyWavelets warns (UserWarning) for a level above dwt_max_level and still returns.
// The engine may warn through process.emitWarning or console.warn, and (like Python's default
// filter) only once per distinct message; so: no warning where PyWavelets gives none, and at least
// one warning per distinct (function, input size, filter length, level) where PyWavelets warns.
const captured: string[] = [];
const originalEmit = process.emitWarning;
const originalConsoleWarn = console.warn;
process.emitWarning = ((warning: string | Error) => {
  captured.push(String(warning));
}) as typeof process.emitWarning;
console.warn = (...args: unknown[]) => {
  captured.push(args.map(String).join(' '));
};
after(() => {
  process.emitWarning = originalEmit;
  console.warn = originalConsoleWarn;
});
const warnedByKey = new Map<string, boolean>();

function withWarnings<T>(fn: () => T): { result: T; warned: boolean } {
  const before = captured.length;
  const result = fn();
  return { result, warned: captured.length > before };
}

function recordWarning(key: string, pywtWarns: boolean, warned: boolean, what: string): void {
  if (!pywtWarns) {
    assert.ok(!warned, `${what}: warned, but PyWavelets does not (${captured[captured.length - 1]})`);
    return;
  }
  warnedByKey.set(key, (warnedByKey.get(key) ?? false) || warned);
}

// ---------------------------------------------------------------------------------------- 1D
const groups1 = new Map<string, (Case1D & { x: number[] })[]>();
for (const f of [fx1, fx1more]) {
  for (const c of f.cases) {
    const k = `${c.wavelet} ${c.mode}`;
    groups1.set(k, [...(groups1.get(k) ?? []), { ...c, x: f.signals[String(c.n)] }]);
  }
}

for (const [group, cases] of groups1) {
  test(`1D ${group}: dwt_coeff_len, dwt_max_level, dwt, idwt, wavedec/waverec at every level vs PyWavelets`, () => {
    for (const c of cases) {
      const x = c.x;
      const what = `${c.wavelet} ${c.mode} n=${c.n}`;
      const w = wavelet(c.wavelet);
      assert.equal(w.length, c.filterLen, `${what}: filter length`);
      assert.equal(dwtCoeffLen(c.n, c.filterLen, c.mode), c.coeffLen, `${what}: dwtCoeffLen`);
      assert.equal(dwtMaxLevel(c.n, c.filterLen), c.maxLevel, `${what}: dwtMaxLevel`);

      if (c.dwtError !== undefined) {
        // PyWavelets raises (or never returns, for reflect on one sample): the engine must throw.
        assert.throws(() => dwt(x, w, c.mode), Error, `${what}: dwt should throw (${c.dwtError})`);
      } else {
        const { cA, cD } = dwt(x, c.wavelet, c.mode);
        assertClose(cA, c.cA!, `${what} cA`);
        assertClose(cD, c.cD!, `${what} cD`);
        assertClose(idwt(c.cA!, c.cD!, w, c.mode), c.idwt!, `${what} idwt`);
        assertClose(idwt(c.cA!, null, w, c.mode), c.idwtA!, `${what} idwt(cA, null)`);
        assertClose(idwt(null, c.cD!, w, c.mode), c.idwtD!, `${what} idwt(null, cD)`);
        // perfect reconstruction of the engine's own coefficients (first n samples)
        assertClose(idwt(cA, cD, w, c.mode).subarray(0, c.n), x, `${what} idwt(dwt(x)) = x`);
      }

      for (const e of c.wavedec) {
        const lw = `${what} level ${e.level}`;
        if (e.error !== undefined) {
          assert.throws(() => wavedec(x, w, c.mode, e.level), Error, `${lw}: wavedec should throw (${e.error})`);
          continue;
        }
        const { result: coeffs, warned } = withWarnings(() => wavedec(x, w, c.mode, e.level));
        recordWarning(`wavedec|${c.n}|${c.filterLen}|${e.level}`, e.warns === true, warned, lw);
        assert.equal(coeffs.length, e.coeffs!.length, `${lw}: number of coefficient arrays`);
        e.coeffs!.forEach((ref, j) => assertClose(coeffs[j], ref, `${lw} coeffs[${j}] ([cA_J, cD_J, ..., cD_1])`));
        // waverec from PyWavelets' coefficients: exactly PyWavelets' output (n + 1 samples for some odd n)
        assertClose(waverec(e.coeffs!, w, c.mode), e.waverec!, `${lw} waverec`);
        // perfect reconstruction from the engine's own coefficients
        assertClose(waverec(coeffs, w, c.mode).subarray(0, c.n), x, `${lw} waverec(wavedec(x)) = x`);
      }
    }
  });
}

test('1D: a Wavelet built from the lowpass filter gives the same coefficients as the name (db5, sym4)', () => {
  for (const c of fx1.cases.filter((c) => (c.wavelet === 'db5' || c.wavelet === 'sym4') && c.n === 33)) {
    const { cA, cD } = dwt(fx1.signals['33'], Wavelet.fromLowpass(familyLowpass(c.wavelet)), c.mode);
    assertClose(cA, c.cA!, `${c.wavelet} ${c.mode} fromLowpass cA`);
    assertClose(cD, c.cD!, `${c.wavelet} ${c.mode} fromLowpass cD`);
  }
});

test('1D: the default mode is symmetric, as in PyWavelets', () => {
  const c = fx1.cases.find((c) => c.wavelet === 'db2' && c.mode === 'symmetric' && c.n === 13)!;
  const { cA, cD } = dwt(fx1.signals['13'], 'db2');
  assertClose(cA, c.cA!, 'default-mode cA');
  assertClose(cD, c.cD!, 'default-mode cD');
  assertClose(wavedec(fx1.signals['13'], 'db2')[0], c.wavedec[c.maxLevel - 1].coeffs![0], 'default level = dwtMaxLevel');
});

// ---------------------------------------------------------------------------------------- 2D
const groups2 = new Map<string, (Case2D & { inputData: Array2 })[]>();
for (const f of [fx2, fx2more]) {
  for (const c of f.cases) {
    const k = `${c.wavelet} ${c.mode}`;
    groups2.set(k, [...(groups2.get(k) ?? []), { ...c, inputData: f.inputs[c.input] }]);
  }
}

for (const [group, cases] of groups2) {
  test(`2D ${group}: dwt2, idwt2, wavedec2/waverec2 at every level vs PyWavelets`, () => {
    for (const c of cases) {
      const input = c.inputData;
      const x = input.data;
      const what = `${c.wavelet} ${c.mode} ${c.rows}x${c.cols}`;
      const w = wavelet(c.wavelet);

      const co = dwt2(x, c.rows, c.cols, w, c.mode);
      for (const band of ['cA', 'cH', 'cV', 'cD'] as const) {
        assertImage({ data: co[band], rows: co.rows, cols: co.cols }, c.dwt2[band], `${what} dwt2 ${band}`);
      }
      const ref = c.dwt2;
      const fromRef = {
        cA: Float64Array.from(ref.cA.data),
        cH: Float64Array.from(ref.cH.data),
        cV: Float64Array.from(ref.cV.data),
        cD: Float64Array.from(ref.cD.data),
        rows: ref.cA.rows,
        cols: ref.cA.cols,
      };
      assertImage(idwt2(fromRef, w, c.mode), c.idwt2, `${what} idwt2`);
      assertClose(cropImage(idwt2(co, w, c.mode), c.rows, c.cols), x, `${what} idwt2(dwt2(x)) = x`);

      for (const e of c.wavedec2) {
        const lw = `${what} level ${e.level}`;
        if (e.error !== undefined) {
          assert.throws(() => wavedec2(x, c.rows, c.cols, w, c.mode, e.level), Error, `${lw}: wavedec2 should throw (${e.error})`);
          continue;
        }
        const { result: dec, warned } = withWarnings(() => wavedec2(x, c.rows, c.cols, w, c.mode, e.level));
        recordWarning(`wavedec2|${c.rows}x${c.cols}|${w.length}|${e.level}`, e.warns === true, warned, lw);
        assertImage(dec.approx, e.approx!, `${lw} approx`);
        assert.equal(dec.details.length, e.details!.length, `${lw}: number of detail levels`);
        e.details!.forEach((d, j) => {
          for (const band of ['cH', 'cV', 'cD'] as const) {
            assertImage(
              { data: dec.details[j][band], rows: dec.details[j].rows, cols: dec.details[j].cols },
              d[band],
              `${lw} details[${j}] (0 = coarsest) ${band}`,
            );
          }
        });
        const refDec = {
          approx: { data: Float64Array.from(e.approx!.data), rows: e.approx!.rows, cols: e.approx!.cols },
          details: e.details!.map((d) => ({
            cH: Float64Array.from(d.cH.data),
            cV: Float64Array.from(d.cV.data),
            cD: Float64Array.from(d.cD.data),
            rows: d.cH.rows,
            cols: d.cH.cols,
          })),
        };
        assertImage(waverec2(refDec, w, c.mode), e.waverec2!, `${lw} waverec2`);
        assertClose(cropImage(waverec2(dec, w, c.mode), c.rows, c.cols), x, `${lw} waverec2(wavedec2(x)) = x`);
      }
    }
  });
}

/** The top-left rows × cols block of an image (PyWavelets may return one more row / column). */
function cropImage(img: { data: Float64Array; rows: number; cols: number }, rows: number, cols: number): Float64Array {
  assert.ok(img.rows >= rows && img.cols >= cols, `reconstruction ${img.rows}x${img.cols} smaller than ${rows}x${cols}`);
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) out.set(img.data.subarray(r * img.cols, r * img.cols + cols), r * cols);
  return out;
}

test('a level above dwtMaxLevel warns at least once (as PyWavelets), and never throws', () => {
  assert.ok(warnedByKey.size > 0, 'the fixtures hold cases above the maximum level');
  const silent = [...warnedByKey].filter(([, warned]) => !warned).map(([key]) => key);
  assert.deepEqual(silent, [], `no warning for these (function|size|filter length|level): ${silent.join(', ')}`);
});

// ------------------------------------------------------------- every family × every mode
interface FamilyCase {
  wavelet: string;
  mode: Mode;
  n: number;
  dwtError?: string;
  cA?: number[];
  cD?: number[];
  idwt?: number[];
}
const fxFam = load<{ signals: Record<string, number[]>; cases: FamilyCase[] }>('families.json');

test('every discrete family (106) × every mode (9) × lengths 7 and 16: dwt as PyWavelets; idwt of its coefficients; perfect reconstruction', () => {
  const seen = new Set<string>();
  for (const c of fxFam.cases) {
    const x = fxFam.signals[String(c.n)];
    const what = `${c.wavelet} ${c.mode} n=${c.n}`;
    const w = wavelet(c.wavelet);
    seen.add(c.wavelet);
    if (c.dwtError !== undefined) {
      assert.throws(() => dwt(x, w, c.mode), Error, `${what}: dwt should throw (${c.dwtError})`);
      continue;
    }
    const { cA, cD } = dwt(x, w, c.mode);
    assertClose(cA, c.cA!, `${what} cA`);
    assertClose(cD, c.cD!, `${what} cD`);
    if (c.idwt) assertClose(idwt(c.cA!, c.cD!, w, c.mode), c.idwt, `${what} idwt`);
    // Perfect reconstruction. dmey is only nearly a perfect-reconstruction bank (PyWavelets' own
    // round trip errs by ~1e-3 relative), so it is held to PyWavelets' coefficients only.
    if (c.wavelet !== 'dmey') assertClose(idwt(cA, cD, w, c.mode).subarray(0, c.n), x, `${what} idwt(dwt(x)) = x`);
  }
  assert.equal(seen.size, 106);
});
