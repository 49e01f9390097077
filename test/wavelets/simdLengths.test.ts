/**
 * The WebAssembly SIMD kernels are built and checked against the generic loops for every even
 * filter length they serve (up to MAX_TAPS = 40: every family filter up to db20/sym20/coif6), and
 * the test sees that the SIMD path really ran (`simdKernelCalls`), so no length compares
 * JavaScript with itself. Longer family filters (db21–38, coif7–17, dmey: up to 102 taps) run the
 * loops: the test checks that the SIMD path is *not* taken for them. A failed build is never silent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as K from '../../src/wavelets/kernels.ts';
import { familyLowpass, WAVELET_NAMES } from '../../src/wavelets/families.ts';
import { extensionMap } from '../../src/wavelets/modes.ts';
import { setWasmKernels, simdKernelCalls } from '../../src/wavelets/simdKernels.ts';
import { MAX_TAPS } from '../../src/wavelets/simdModule.ts';
import { Rng } from '../../src/util/rng.ts';

const rng = new Rng(5);
const rand = (n: number): Float64Array => rng.fillNormal(new Float64Array(n));

function onPath<T>(simd: boolean, fn: () => T): T {
  const prevSpecialized = K.setSpecializedKernels(simd);
  const prevWasm = setWasmKernels(simd ? 'always' : 'never');
  try {
    return fn();
  } finally {
    K.setSpecializedKernels(prevSpecialized);
    setWasmKernels(prevWasm);
  }
}

function close(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= 1e-13 * (1 + Math.abs(b[i])))) assert.fail(`${what}: index ${i}: ${a[i]} (SIMD) vs ${b[i]} (loops)`);
}

test('SIMD kernels = loops for every even filter length they serve (the SIMD path ran for each); longer family filters take the loops', () => {
  const longest = Math.max(...WAVELET_NAMES.map((n) => familyLowpass(n).length));
  assert.ok(longest >= MAX_TAPS && MAX_TAPS >= 40, `longest family filter ${longest}, SIMD up to ${MAX_TAPS}`);
  for (let F = 2; F <= longest; F += 2) {
    const lo = rand(F);
    const hi = rand(F);
    for (const mode of ['zero', 'symmetric', 'periodization'] as const) {
      const n = 2 * F + 37; // odd, long enough for SIMD interiors
      const em = extensionMap(n, F, mode);
      const m = em.outLen;
      const b = 3;
      const w = 13;
      const x = rand(b * n);
      const X = rand(n * w);
      const before = simdKernelCalls(F);
      const [s, l] = [true, false].map((simd) => onPath(simd, () => {
        const A = new Float64Array(b * m);
        const D = new Float64Array(b * m);
        K.analyzeRows(x, 0, n, b, em, lo, hi, A, 0, m, D, 0, m);
        const z = new Float64Array(b * n);
        K.scatterRows(A, 0, m, D, 0, m, b, em, lo, hi, z, 0, n);
        const dLo = new Float64Array(F);
        const dHi = new Float64Array(F);
        K.filterGradRows(x, 0, n, b, em, A, 0, m, D, 0, m, dLo, dHi);
        const Ac = new Float64Array(m * w);
        const Dc = new Float64Array(m * w);
        K.analyzeCols(X, 0, w, em, lo, hi, Ac, 0, Dc, 0);
        const zc = new Float64Array(n * w);
        K.scatterCols(Ac, 0, Dc, 0, w, em, lo, hi, zc, 0);
        const gLo = new Float64Array(F);
        const gHi = new Float64Array(F);
        K.filterGradCols(X, 0, w, em, Ac, 0, Dc, 0, gLo, gHi);
        return [A, D, z, dLo, dHi, Ac, Dc, zc, gLo, gHi];
      }));
      if (F <= MAX_TAPS) assert.ok(simdKernelCalls(F) >= before + 6, `F = ${F} ${mode}: the SIMD kernels ran for all six operators (${simdKernelCalls(F) - before} calls)`);
      else assert.equal(simdKernelCalls(F), before, `F = ${F} ${mode}: beyond MAX_TAPS the loops run`);
      s.forEach((a, i) => close(a, l[i], `F = ${F} ${mode} output ${i}`));
    }
  }
});
