/**
 * The stationary wavelet transform (src/wavelets/swt.ts) against PyWavelets 1.1.1
 * (fixtures/pywt/swt.json from scripts/make_fixtures.py): swt / iswt / swt2 / iswt2 with level,
 * start_level, trim_approx and norm, errors where PyWavelets raises; the batched forms equal the
 * single ones; dot-product adjoint tests of the level operators.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Rng } from '../../src/util/rng.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { wavelet } from '../../src/wavelets/wavelet.ts';
import { setSpecializedKernels } from '../../src/wavelets/kernels.ts';
import { setWasmKernels } from '../../src/wavelets/simdKernels.ts';
import {
  swt, iswt, swt2, iswt2, swtBatch, iswtBatch, swt2Batch, iswt2Batch, swtMaxLevel,
  swtLevelRows, swtLevelRowsAdjoint, swtTaps, dilatedCols, dilatedColsSum, dilatedRows, dilatedRowsSum,
  SwtPlan1D, SwtPlan2D, swtAnalysis1d, swtAnalysisBackward1d, swtAnalysis2d, swtAnalysisBackward2d,
  type SwtLevel, type Swt2Level,
} from '../../src/wavelets/swt.ts';
import { quiet } from './helpers/quiet.ts';

const TOL = 1e-10;
interface Array2 { rows: number; cols: number; data: number[] }
interface Case1 {
  wavelet: string; n: number; level: number; startLevel: number; trimApprox: boolean; norm: boolean; maxLevel: number;
  error?: string; coeffs?: number[][]; levels?: { cA: number[]; cD: number[] }[]; iswt?: number[];
}
interface Case2 {
  wavelet: string; input: string; rows: number; cols: number; level: number; startLevel: number; trimApprox: boolean; norm: boolean;
  error?: string; approx?: Array2; details?: { cH: Array2; cV: Array2; cD: Array2 }[];
  levels?: { cA: Array2; cH: Array2; cV: Array2; cD: Array2 }[]; iswt2?: Array2;
}
const fx = JSON.parse(readFileSync(new URL('../../fixtures/pywt/swt.json', import.meta.url), 'utf8')) as {
  signals: Record<string, number[]>; cases: Case1[]; inputs: Record<string, Array2>; cases2: Case2[];
};

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= TOL * (1 + Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs PyWavelets ${expected[i]}`);
  }
}


test('swtMaxLevel is pywt.swt_max_level', () => {
  for (const c of fx.cases) assert.equal(swtMaxLevel(c.n), c.maxLevel, `n=${c.n}`);
});

test('swt / iswt vs PyWavelets: every wavelet, length, level, start_level; trim_approx and norm', () => {
  assert.ok(fx.cases.some((c) => c.error) && fx.cases.some((c) => c.trimApprox) && fx.cases.some((c) => c.norm));
  for (const c of fx.cases) {
    const x = fx.signals[String(c.n)];
    const what = `${c.wavelet} n=${c.n} level=${c.level} start=${c.startLevel} trim=${c.trimApprox} norm=${c.norm}`;
    const opts = { startLevel: c.startLevel, norm: c.norm };
    if (c.error) {
      assert.throws(() => swt(x, c.wavelet, c.level, opts), /Error in swt/, `${what}: should throw (${c.error})`);
      continue;
    }
    if (c.trimApprox) {
      const got = quiet(() => swt(x, c.wavelet, c.level, { ...opts, trimApprox: true }));
      assert.equal(got.length, c.coeffs!.length, what);
      c.coeffs!.forEach((ref, j) => close(got[j], ref, `${what} coeffs[${j}]`));
      close(iswt(c.coeffs!, c.wavelet, { norm: c.norm }), c.iswt!, `${what} iswt`);
      // batched = single
      const gb = quiet(() => swtBatch(ndarray(Float64Array.from([...x, ...x]), [2, c.n]), c.wavelet, c.level, { ...opts, trimApprox: true }));
      gb.forEach((a, j) => close(a.data.subarray(c.n), c.coeffs![j], `${what} batch row 1 coeffs[${j}]`));
      close(iswtBatch(gb, c.wavelet, { norm: c.norm }).data.subarray(0, c.n), c.iswt!, `${what} iswtBatch`);
    } else {
      const got = quiet(() => swt(x, c.wavelet, c.level, opts));
      assert.equal(got.length, c.levels!.length, what);
      c.levels!.forEach((ref, j) => {
        close(got[j].cA, ref.cA, `${what} levels[${j}].cA`);
        close(got[j].cD, ref.cD, `${what} levels[${j}].cD`);
      });
      const refLevels: SwtLevel[] = c.levels!.map((l) => ({ cA: Float64Array.from(l.cA), cD: Float64Array.from(l.cD) }));
      close(iswt(refLevels, c.wavelet, { norm: c.norm }), c.iswt!, `${what} iswt`);
      if (c.startLevel === 0) close(iswt(got, c.wavelet, { norm: c.norm }), x, `${what} iswt(swt(x)) = x`);
      const gb = quiet(() => swtBatch(ndarray(Float64Array.from([...x, ...x]), [2, c.n]), c.wavelet, c.level, opts));
      gb.forEach((l, j) => close(l.cD.data.subarray(c.n), c.levels![j].cD, `${what} batch row 1 levels[${j}].cD`));
    }
  }
});

test('swt2 / iswt2 vs PyWavelets: wavelets, shapes, levels, start_level; trim_approx and norm', () => {
  for (const c of fx.cases2) {
    const x = fx.inputs[c.input].data;
    const what = `${c.wavelet} ${c.rows}x${c.cols} level=${c.level} start=${c.startLevel} trim=${c.trimApprox} norm=${c.norm}`;
    const opts = { startLevel: c.startLevel, norm: c.norm };
    if (c.error) {
      assert.throws(() => swt2(x, c.rows, c.cols, c.wavelet, c.level, opts), /Error in swt2/, `${what}: should throw (${c.error})`);
      continue;
    }
    if (c.trimApprox) {
      const got = swt2(x, c.rows, c.cols, c.wavelet, c.level, { ...opts, trimApprox: true });
      close(got.approx, c.approx!.data, `${what} approx`);
      c.details!.forEach((d, j) => {
        for (const band of ['cH', 'cV', 'cD'] as const) close(got.details[j][band], d[band].data, `${what} details[${j}].${band}`);
      });
      close(iswt2(got, c.wavelet, { norm: c.norm }).data, c.iswt2!.data, `${what} iswt2`);
    } else {
      const got = swt2(x, c.rows, c.cols, c.wavelet, c.level, opts);
      c.levels!.forEach((l, j) => {
        for (const band of ['cA', 'cH', 'cV', 'cD'] as const) close(got[j][band], l[band].data, `${what} levels[${j}].${band}`);
      });
      const ref: Swt2Level[] = c.levels!.map((l) => ({
        cA: Float64Array.from(l.cA.data), cH: Float64Array.from(l.cH.data), cV: Float64Array.from(l.cV.data), cD: Float64Array.from(l.cD.data), rows: c.rows, cols: c.cols,
      }));
      close(iswt2(ref, c.wavelet, { norm: c.norm }).data, c.iswt2!.data, `${what} iswt2`);
      if (c.startLevel === 0) close(iswt2(got, c.wavelet, { norm: c.norm }).data, x, `${what} iswt2(swt2(x)) = x`);
      const gb = swt2Batch(ndarray(Float64Array.from([...x, ...x]), [2, c.rows, c.cols]), c.wavelet, c.level, opts);
      const n = c.rows * c.cols;
      gb.forEach((l, j) => close(l.cD.data.subarray(n), c.levels![j].cD.data, `${what} batch image 1 levels[${j}].cD`));
      close(iswt2Batch(gb, c.wavelet, { norm: c.norm }).data.subarray(n), c.iswt2!.data, `${what} iswt2Batch image 1`);
    }
  }
});

const rng = new Rng(777);
const rand = (n: number): Float64Array => rng.fillNormal(new Float64Array(n));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

test('adjoints: ⟨SWT level x, (gA, gD)⟩ = ⟨x, SWT levelᵀ (gA, gD)⟩ (rows and columns, every dilation, short and long signals, biorthogonal too)', () => {
  for (const name of ['haar', 'db2', 'db5', 'bior2.2', 'coif3']) {
    const t = swtTaps('test', wavelet(name), false);
    for (const n of [2, 4, 8, 12, 32, 64]) {
      for (const s of [1, 2, 4, 8]) {
        const rows = 3;
        const x = rand(rows * n);
        const gA = rand(rows * n);
        const gD = rand(rows * n);
        const A = new Float64Array(rows * n);
        const D = new Float64Array(rows * n);
        swtLevelRows(x, rows, n, t, s, A, D);
        const gx = new Float64Array(rows * n);
        swtLevelRowsAdjoint(gA, gD, rows, n, t, s, gx);
        const lhs = dot(A, gA) + dot(D, gD);
        const rhs = dot(x, gx);
        assert.ok(Math.abs(lhs - rhs) <= 1e-12 * (1 + Math.abs(lhs)), `${name} n=${n} s=${s}: ${lhs} vs ${rhs}`);
        // column form: the same operator along axis 0 of an n × 5 block, against the row form on the transpose
        const W = 5;
        const X = rand(n * W);
        const cA = new Float64Array(n * W);
        const cD = new Float64Array(n * W);
        dilatedCols(X, 0, n, W, t.lo, t.hi, s, 1 - t.F / 2, cA, cD, 0);
        const XT = new Float64Array(n * W);
        for (let i = 0; i < n; i++) for (let j = 0; j < W; j++) XT[j * n + i] = X[i * W + j];
        const aT = new Float64Array(n * W);
        dilatedRows(XT, W, n, t.lo, t.hi, s, 1 - t.F / 2, aT, null);
        for (let i = 0; i < n; i++) for (let j = 0; j < W; j++) assert.ok(Math.abs(aT[j * n + i] - cA[i * W + j]) < 1e-12, `${name} cols`);
        const Y = new Float64Array(n * W);
        dilatedColsSum(cA, cD, 0, n, W, t.rlo, t.rhi, s, -t.F / 2, 0.5, Y, 0);
        const yT = new Float64Array(n * W);
        const aT2 = new Float64Array(n * W);
        const dT2 = new Float64Array(n * W);
        for (let i = 0; i < n; i++) for (let j = 0; j < W; j++) {
          aT2[j * n + i] = cA[i * W + j];
          dT2[j * n + i] = cD[i * W + j];
        }
        dilatedRowsSum(aT2, dT2, W, n, t.rlo, t.rhi, s, -t.F / 2, 0.5, yT, false);
        for (let i = 0; i < n; i++) for (let j = 0; j < W; j++) assert.ok(Math.abs(yT[j * n + i] - Y[i * W + j]) < 1e-12, `${name} cols sum`);
      }
    }
  }
});

test('for an orthogonal wavelet the inverse level is ½ × the adjoint of the analysis level; norm=True preserves energy', () => {
  const x = rand(64);
  const lv = swt(x, 'db3', 3, { norm: true, trimApprox: true });
  let e = 0;
  for (const c of lv) e += dot(c, c);
  assert.ok(Math.abs(e - dot(x, x)) < 1e-9 * dot(x, x), `energy ${e} vs ${dot(x, x)}`);
});

test('bad arguments are refused with the fix', () => {
  assert.throws(() => swt([1, 2, 3], 'db2'), /no level of stationary wavelet decomposition is possible for length 3/);
  assert.throws(() => swt(new Float64Array(8), 'db2', 4), /level 4 is too high: the maximum for length 8 and startLevel 0 is 3/);
  assert.throws(() => swt(new Float64Array(8), 'db2', 1, { startLevel: 3 }), /startLevel must be less than 3/);
  assert.throws(() => iswt([new Float64Array(8), new Float64Array(7)], 'db2'), /coefficient array 1 has 7 values, expected 8/);
  assert.throws(() => swt([1, NaN], 'haar'), /NaN/);
  assert.throws(() => swt2(new Float64Array(8 * 12), 8, 12, 'db2', 3), /level 3 is too high: the maximum for a 8 × 12 image and startLevel 0 is 2 \(the sides must be multiples of 2\^\(level \+ startLevel\)\)/);
  assert.throws(() => swt2(new Float64Array(8 * 12), 8, 12, 'db2', 1, { startLevel: 2 }), /startLevel must be less than 2 for a 8 × 12 image/);
});

test('the generated SWT kernels and the generic loops give identical results (1D and 2D, forward and inverse)', () => {
  const x = rand(3 * 32);
  const img = rand(2 * 16 * 8);
  const run = (): Float64Array[] => {
    const l1 = swtBatch(ndarray(x, [3, 32]), 'db5', 3);
    const r1 = iswtBatch(l1, 'db5');
    const l2 = swt2Batch(ndarray(img, [2, 16, 8]), 'bior2.2', 2);
    const r2 = iswt2Batch(l2, 'bior2.2');
    return [...l1.flatMap((l) => [l.cA.data, l.cD.data]), r1.data, ...l2.flatMap((l) => [l.cA.data, l.cH.data, l.cV.data, l.cD.data]), r2.data];
  };
  // The JavaScript kernels only (the SIMD forward has its own test, swtSimd.test.ts).
  const prevWasm = setWasmKernels('never');
  let gen: Float64Array[];
  let loops: Float64Array[];
  try {
    gen = run();
    const prev = setSpecializedKernels(false);
    try {
      loops = run();
    } finally {
      setSpecializedKernels(prev);
    }
  } finally {
    setWasmKernels(prevWasm);
  }
  gen.forEach((a, i) => assert.deepEqual(Array.from(a), Array.from(loops[i]), `array ${i}`));
});

test('adjoints of the multilevel operators of the learnable SWT: ⟨A x, c⟩ = ⟨x, Aᵀ c⟩ (analysis backward with wantInput), 1D and 2D, lo and hi independent', () => {
  for (const F of [2, 4, 6]) {
    const lo = rand(F);
    const hi = rand(F);
    for (const [n, J] of [[8, 3], [12, 2], [32, 2]]) {
      const b = 2;
      const plan = new SwtPlan1D(n, F, J);
      const x = rand(b * n);
      const fwd = swtAnalysis1d(plan, x, b, lo, hi);
      const gA = rand(b * n);
      const gD = Array.from({ length: J }, () => rand(b * n));
      const gx = swtAnalysisBackward1d(plan, fwd, b, gA, gD, lo, hi, new Float64Array(F), new Float64Array(F), true)!;
      const lhs = dot(fwd.approx, gA) + fwd.details.reduce((s, d, j) => s + dot(d, gD[j]), 0);
      const rhs = dot(x, gx);
      assert.ok(Math.abs(lhs - rhs) <= 1e-12 * (1 + Math.abs(lhs)), `1D F=${F} n=${n} J=${J}: ${lhs} vs ${rhs}`);
    }
    for (const [R, C, J] of [[4, 8, 2], [8, 4, 1]]) {
      const b = 2;
      const plan = new SwtPlan2D(R, C, F, J);
      const size = b * R * C;
      const x = rand(size);
      const fwd = swtAnalysis2d(plan, x, b, lo, hi);
      const gA = rand(size);
      const gD = Array.from({ length: J }, () => ({ cH: rand(size), cV: rand(size), cD: rand(size) }));
      const gx = swtAnalysisBackward2d(plan, fwd, b, gA, gD, lo, hi, new Float64Array(F), new Float64Array(F), true)!;
      const lhs = dot(fwd.approx, gA) + fwd.details.reduce((s, d, j) => s + dot(d.cH, gD[j].cH) + dot(d.cV, gD[j].cV) + dot(d.cD, gD[j].cD), 0);
      const rhs = dot(x, gx);
      assert.ok(Math.abs(lhs - rhs) <= 1e-12 * (1 + Math.abs(lhs)), `2D F=${F} ${R}×${C} J=${J}: ${lhs} vs ${rhs}`);
    }
  }
});
