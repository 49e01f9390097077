// The gradient of Eq. 8 w.r.t. h against central finite differences, on random cases: 1D and
// 2D, several wavelets, levels, modes and lengths including odd ones (DESIGN.md §2–3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEngine } from '../../src/awd/engine.ts';
import { awdLoss, TERM_NAMES, type Weights } from '../../src/awd/loss.ts';
import { Rng } from '../../src/util/rng.ts';
import { familyLowpass } from '../../src/wavelets/families.ts';
import type { Mode } from '../../src/wavelets/modes.ts';
import { setWasmKernels, type WasmKernelSetting } from '../../src/wavelets/simdKernels.ts';

const weights: Weights = { lowpass_sum: 0.7, highpass_sum: 1.3, unit_norm: 0.9, cmf: 1.1, orthogonality: 0.8, l1_wave: 0.3, l1_attr: 0.6 };

interface Case { name: string; wavelet: string; shape: number[]; levels: number; mode: Mode; b: number; kernels?: WasmKernelSetting }
const cases: Case[] = [
  { name: '1D db5 n=40 J=4 zero', wavelet: 'db5', shape: [40], levels: 4, mode: 'zero', b: 3 },
  { name: '1D sym4 n=37 (odd) J=3 zero', wavelet: 'sym4', shape: [37], levels: 3, mode: 'zero', b: 2 },
  { name: '1D db2 n=33 (odd) J=2 symmetric', wavelet: 'db2', shape: [33], levels: 2, mode: 'symmetric', b: 2 },
  { name: '1D coif2 n=64 J=2 periodization', wavelet: 'coif2', shape: [64], levels: 2, mode: 'periodization', b: 2 },
  { name: '1D haar n=19 (odd) J=3 reflect', wavelet: 'haar', shape: [19], levels: 3, mode: 'reflect', b: 2 },
  { name: '2D db3 16×16 J=2 zero', wavelet: 'db3', shape: [16, 16], levels: 2, mode: 'zero', b: 2 },
  { name: '2D db2 13×11 (odd) J=2 zero', wavelet: 'db2', shape: [13, 11], levels: 2, mode: 'zero', b: 2 },
  { name: '2D sym2 12×9 J=1 periodization', wavelet: 'sym2', shape: [12, 9], levels: 1, mode: 'periodization', b: 1 },
  // Large enough (≥ 4096 values per array) that the WebAssembly SIMD kernels run in place on
  // scratch arrays in their own memory.
  { name: '1D db4 n=301 (odd) J=3 symmetric, SIMD in place', wavelet: 'db4', shape: [301], levels: 3, mode: 'symmetric', b: 16, kernels: 'always' },
  { name: '2D db5 70×67 (odd) J=2 zero, SIMD in place', wavelet: 'db5', shape: [70, 67], levels: 2, mode: 'zero', b: 2, kernels: 'always' },
];

/** Runs `fn` with the given kernel setting (and restores the previous one). */
function withKernels<T>(k: WasmKernelSetting | undefined, fn: () => T): T {
  if (k === undefined) return fn();
  const prev = setWasmKernels(k);
  try {
    return fn();
  } finally {
    setWasmKernels(prev);
  }
}

for (const c of cases) {
  test(`∂(Eq. 8)/∂h matches central finite differences: ${c.name}`, () => withKernels(c.kernels, () => {
    const rng = new Rng(7);
    const size = c.shape.reduce((a, b) => a * b, 1);
    const x = rng.fillNormal(new Float64Array(c.b * size));
    const u = rng.fillNormal(new Float64Array(c.b * size));
    const h = familyLowpass(c.wavelet);
    for (let i = 0; i < h.length; i++) h[i] += 0.1 * rng.normal(); // away from the optimum
    const engine = makeEngine(c.shape, h.length, c.mode, c.levels);
    const r = awdLoss(engine, h, x, u, c.b, { weights, termGrads: true });
    // Tolerances ≈ 20× the largest errors measured over these cases (total 4.7e-9, terms 1.5e-8,
    // fast vs per-term path 2.5e-15; constraint gradients at the family wavelets 1.8e-9).
    const step = 1e-6;
    for (let i = 0; i < h.length; i++) {
      const hp = Float64Array.from(h);
      const hm = Float64Array.from(h);
      hp[i] += step;
      hm[i] -= step;
      const lp = awdLoss(engine, hp, x, u, c.b, { weights });
      const lm = awdLoss(engine, hm, x, u, c.b, { weights });
      const fdTotal = (lp.total - lm.total) / (2 * step);
      const scale = Math.max(1, Math.abs(fdTotal));
      assert.ok(Math.abs(r.grad[i] - fdTotal) < 1e-7 * scale, `total, h[${i}]: analytic ${r.grad[i]} vs FD ${fdTotal}`);
      for (const t of TERM_NAMES) {
        const fd = (lp.terms[t] - lm.terms[t]) / (2 * step);
        const g = r.termGrads![t][i];
        // The L1 terms are piecewise linear: FD is exact away from kinks, which random data avoids.
        assert.ok(Math.abs(g - fd) < 3e-7 * Math.max(1, Math.abs(fd)), `${t}, h[${i}]: analytic ${g} vs FD ${fd}`);
      }
    }
    // The combined (training) path gives the same gradient as the sum of the term gradients.
    const fast = awdLoss(engine, h, x, u, c.b, { weights });
    for (let i = 0; i < h.length; i++) assert.ok(Math.abs(fast.grad[i] - r.grad[i]) < 1e-13 * Math.max(1, Math.abs(r.grad[i])), `fast path grad[${i}]`);
  }));
}

test('the objective is the same with the WebAssembly SIMD kernels (in place) and with JavaScript only, in 1D and 2D', () => {
  for (const c of cases.filter((k) => k.kernels !== undefined)) {
    const rng = new Rng(3);
    const size = c.shape.reduce((a, b) => a * b, 1);
    const x = rng.fillNormal(new Float64Array(c.b * size));
    const u = rng.fillNormal(new Float64Array(c.b * size));
    const h = familyLowpass(c.wavelet);
    for (let i = 0; i < h.length; i++) h[i] += 0.1 * rng.normal();
    const engine = makeEngine(c.shape, h.length, c.mode, c.levels);
    const js = withKernels('never', () => awdLoss(engine, h, x, u, c.b, { weights }));
    // With outputs nothing runs in a scratch scope: the kernels copy the data in and out instead
    // of working in place. The numbers must not depend on that (reproducibility).
    const staged = withKernels('always', () => awdLoss(engine, h, x, u, c.b, { weights, outputs: true }));
    // Twice: the first scope may find the arena too small and grow it, the second runs in it.
    for (let run = 0; run < 2; run++) {
      const simd = withKernels('always', () => awdLoss(engine, h, x, u, c.b, { weights }));
      assert.deepEqual(simd.terms, staged.terms, `${c.name} run ${run}: terms in place vs copied`);
      assert.deepEqual(simd.grad, staged.grad, `${c.name} run ${run}: gradient in place vs copied`);
      for (const t of TERM_NAMES) {
        assert.ok(Math.abs(simd.terms[t] - js.terms[t]) <= 1e-12 * Math.max(1, Math.abs(js.terms[t])), `${c.name} run ${run}: ${t} ${simd.terms[t]} vs ${js.terms[t]}`);
      }
      for (let i = 0; i < h.length; i++) {
        assert.ok(Math.abs(simd.grad[i] - js.grad[i]) <= 1e-11 * Math.max(1, Math.abs(js.grad[i])), `${c.name} run ${run}: grad[${i}] ${simd.grad[i]} vs ${js.grad[i]}`);
      }
    }
  }
});

test('every constraint term vanishes, with zero gradient, at every orthogonal family wavelet (but dmey)', async () => {
  const { WAVELET_NAMES } = await import('../../src/wavelets/families.ts');
  const { lowpassSum, highpassSum, unitNorm, cmf, orthogonality } = await import('../../src/awd/constraints.ts');
  // dmey, PyWavelets' FIR approximation of the Meyer wavelet, is orthonormal only to ~2e-3.
  for (const name of WAVELET_NAMES.filter((n) => n !== 'dmey')) {
    const h = familyLowpass(name);
    for (const term of [lowpassSum, highpassSum, unitNorm, cmf, orthogonality]) {
      const v = term(h);
      assert.ok(v.value < 1e-14, `${term.name}(${name}) = ${v.value}`);
      for (const g of v.grad) assert.ok(Math.abs(g) < 1e-7, `${term.name}(${name}) gradient ${g}`);
    }
  }
  const dmey = familyLowpass('dmey');
  assert.ok(highpassSum(dmey).value > 1e-8 && highpassSum(dmey).value < 1e-5, `highpassSum(dmey) = ${highpassSum(dmey).value}`);
});
