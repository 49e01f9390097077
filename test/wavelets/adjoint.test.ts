/**
 * The DWT engine's adjoints and filter derivatives (DESIGN.md §6: "each operator has its adjoint
 * and its derivative w.r.t. the filter, checked against finite differences"; STYLE.md: "gradients
 * through boundary modes are where wavelet code goes wrong: test them for every mode").
 *
 * For every boundary mode, several wavelets (haar, db2, db5, sym4 and a random filter pair that is
 * not orthogonal, lo and hi independent) and even, odd and short lengths:
 *  (a) single-level kernels: ⟨analyze x, c⟩ = ⟨x, scatter c⟩, row and column forms, and the
 *      filter derivative (exact: the single level is linear in the filters);
 *  (b) multilevel 1D and 2D: ⟨A x, c⟩ = ⟨x, Aᵀ c⟩ (analysis backward with wantInput) and
 *      ⟨S c, y⟩ = ⟨c, Sᵀ y⟩ (synthesis backward without filter gradients);
 *  (c) multilevel filter derivatives against central finite differences, lo and hi perturbed
 *      separately;
 *  (d) the specialised kernels (generated per filter length) and the generic loops agree.
 */
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { MODES, extensionMap, dwtCoeffLen, type Mode } from '../../src/wavelets/modes.ts';
import { familyLowpass, filterBankFromLowpass } from '../../src/wavelets/families.ts';
import * as K from '../../src/wavelets/kernels.ts';
import { setWasmKernels, wasmKernelsAvailable } from '../../src/wavelets/simdKernels.ts';
import { wavedec, waverec, wavedecBatch, waverecBatch, wavedec2, waverec2, wavedec2Batch, waverec2Batch } from '../../src/wavelets/index.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import {
  Plan1D,
  analysis1d,
  analysisBackward1d,
  synthesis1d,
  synthesisBackward1d,
  type Coeffs1D,
} from '../../src/wavelets/multilevel1d.ts';
import {
  Plan2D,
  analysis2d,
  analysisBackward2d,
  synthesis2d,
  synthesisBackward2d,
  type Coeffs2D,
  type Details2D,
} from '../../src/wavelets/multilevel2d.ts';

const rng = new Rng(12345);

interface Filters {
  name: string;
  lo: Float64Array;
  hi: Float64Array;
}

function named(name: string): Filters {
  const bank = filterBankFromLowpass(familyLowpass(name));
  return { name, lo: Float64Array.from(bank.recLo), hi: Float64Array.from(bank.recHi) };
}

/** A random even-length pair, neither orthogonal nor related: the kernels take lo and hi independently. */
function randomPair(len: number): Filters {
  return { name: `random${len}`, lo: rng.fillNormal(new Float64Array(len)), hi: rng.fillNormal(new Float64Array(len)) };
}

const FILTERS: Filters[] = [named('haar'), named('db2'), named('db5'), named('sym4'), randomPair(6)];
const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 11, 16, 19, 32, 33];

function rand(n: number): Float64Array {
  return rng.fillNormal(new Float64Array(n));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, aOff = 0, bOff = 0, len = a.length - aOff): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[aOff + i] * b[bOff + i];
  return s;
}

function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** |lhs − rhs| ≤ tol · scale, with a message that names the case. */
function close(lhs: number, rhs: number, scale: number, tol: number, what: string): void {
  const err = Math.abs(lhs - rhs);
  assert.ok(err <= tol * Math.max(scale, 1e-300), `${what}: ${lhs} vs ${rhs} (|diff| ${err.toExponential(2)} > ${tol} · ${scale.toExponential(2)})`);
}

/**
 * Leaves freed memory full of NaN bit patterns, so that an output array allocated without a zero
 * fill (`uninitializedArray`) that the kernels fail to write entirely is likely to show NaN.
 */
function dirtyTheHeap(): void {
  for (let i = 0; i < 8; i++) Buffer.allocUnsafeSlow(1 << 20).fill(0xff);
}

function validModeLength(mode: Mode, n: number): boolean {
  return !((mode === 'reflect' || mode === 'antireflect') && n === 1);
}

// ---------------------------------------------------------------------------------------------
// (a) single-level kernels
// ---------------------------------------------------------------------------------------------

test('(a) analyze and scatter are adjoint: ⟨analyze x, (cA, cD)⟩ = ⟨x, scatter(cA, cD)⟩, every mode, filter and length', () => {
  for (const mode of MODES) {
    for (const f of FILTERS) {
      const F = f.lo.length;
      for (const n of LENGTHS) {
        if (!validModeLength(mode, n)) continue;
        // Both the analysis map of length n and the synthesis map from n coefficients.
        const maps = [extensionMap(n, F, mode)];
        if (2 * n - F + 2 >= 1 || mode === 'periodization') maps.push(K.synthesisMap(n, F, mode));
        for (const em of maps) {
          const m = em.outLen;
          const xOff = 3;
          const aOff = 2;
          const dOff = 5;
          const x = rand(em.n + xOff + 1);
          const work = new Float64Array(em.map.length);
          const A = new Float64Array(m + aOff);
          const D = new Float64Array(m + dOff);
          K.analyze(x, xOff, em, f.lo, f.hi, work, A, aOff, D, dOff);
          const cA = rand(m + aOff);
          const cD = rand(m + dOff);
          const y = rand(em.n + xOff + 1);
          const y0 = Float64Array.from(y);
          K.scatter(cA, aOff, cD, dOff, em, f.lo, f.hi, work, y, xOff);
          for (let i = 0; i < em.n + xOff + 1; i++) y[i] -= y0[i]; // scatter adds into y
          const what = `${mode} ${f.name} n=${em.n} (map for ${em.n === n ? 'analysis' : 'synthesis'})`;
          assert.equal(y[0] + y[1] + y[2] + y[em.n + xOff], 0, `${what}: scatter wrote outside its signal`);
          const lhs = dot(A, cA, aOff, aOff, m) + dot(D, cD, dOff, dOff, m);
          const rhs = dot(x, y, xOff, xOff, em.n);
          close(lhs, rhs, norm(x) * (norm(cA) + norm(cD)) * F, 1e-13, what);
          // Null arrays are zeros.
          const yA = new Float64Array(em.n);
          K.scatter(cA, aOff, null, 0, em, f.lo, f.hi, work, yA, 0);
          const yD = new Float64Array(em.n);
          K.scatter(null, 0, cD, dOff, em, f.lo, f.hi, work, yD, 0);
          for (let i = 0; i < em.n; i++) close(yA[i] + yD[i], y[xOff + i], norm(y) + 1, 1e-13, `${what}: null halves`);
        }
      }
    }
  }
});

test('(a) filterGrad is the exact derivative of ⟨(gA, gD), analyze x⟩ w.r.t. lo and hi (linear in each)', () => {
  for (const mode of MODES) {
    for (const f of FILTERS) {
      const F = f.lo.length;
      for (const n of [1, 2, 5, 8, 13]) {
        if (!validModeLength(mode, n)) continue;
        const em = extensionMap(n, F, mode);
        const m = em.outLen;
        const x = rand(n + 2);
        const gA = rand(m + 1);
        const gD = rand(m + 1);
        const work = new Float64Array(em.map.length);
        const dLo = rand(F); // filterGrad adds into these
        const dHi = rand(F);
        const dLo0 = Float64Array.from(dLo);
        const dHi0 = Float64Array.from(dHi);
        K.filterGrad(x, 2, em, gA, 1, gD, 1, work, dLo, dHi);
        const A = new Float64Array(m);
        const D = new Float64Array(m);
        const zero = new Float64Array(F);
        for (let t = 0; t < F; t++) {
          const e = new Float64Array(F);
          e[t] = 1;
          K.analyze(x, 2, em, e, zero, work, A, 0, D, 0);
          close(dLo[t] - dLo0[t], dot(gA, A, 1, 0, m), norm(x) * norm(gA), 1e-13, `${mode} ${f.name} n=${n} dLo[${t}]`);
          K.analyze(x, 2, em, zero, e, work, A, 0, D, 0);
          close(dHi[t] - dHi0[t], dot(gD, D, 1, 0, m), norm(x) * norm(gD), 1e-13, `${mode} ${f.name} n=${n} dHi[${t}]`);
        }
      }
    }
  }
});

test('(a) column kernels: analyzeCols equals analyze per column, scatterCols is its adjoint, filterGradCols sums filterGrad', () => {
  const widths = [1, 3, 8];
  for (const mode of MODES) {
    for (const f of FILTERS) {
      const F = f.lo.length;
      for (const n of [1, 2, 3, 6, 11, 20]) {
        if (!validModeLength(mode, n)) continue;
        for (const em of [extensionMap(n, F, mode), ...(2 * n - F + 2 >= 1 || mode === 'periodization' ? [K.synthesisMap(n, F, mode)] : [])]) {
          const N = em.n;
          const m = em.outLen;
          for (const w of widths) {
            const what = `${mode} ${f.name} n=${N} width=${w}`;
            const xOff = 4;
            const x = rand(xOff + N * w);
            const A = new Float64Array(1 + m * w);
            const D = new Float64Array(2 + m * w);
            K.analyzeCols(x, xOff, w, em, f.lo, f.hi, A, 1, D, 2);
            // Against the row kernel, column by column.
            const col = new Float64Array(N);
            const a = new Float64Array(m);
            const d = new Float64Array(m);
            const work = new Float64Array(em.map.length);
            for (let c = 0; c < w; c++) {
              for (let r = 0; r < N; r++) col[r] = x[xOff + r * w + c];
              K.analyze(col, 0, em, f.lo, f.hi, work, a, 0, d, 0);
              for (let o = 0; o < m; o++) {
                close(A[1 + o * w + c], a[o], norm(col) * 4, 1e-14, `${what} cA`);
                close(D[2 + o * w + c], d[o], norm(col) * 4, 1e-14, `${what} cD`);
              }
            }
            // Adjoint.
            const cA = rand(1 + m * w);
            const cD = rand(2 + m * w);
            const y = new Float64Array(xOff + N * w);
            K.scatterCols(cA, 1, cD, 2, w, em, f.lo, f.hi, y, xOff);
            const lhs = dot(A, cA, 1, 1, m * w) + dot(D, cD, 2, 2, m * w);
            const rhs = dot(x, y, xOff, xOff, N * w);
            close(lhs, rhs, norm(x) * (norm(cA) + norm(cD)) * F, 1e-13, `${what} adjoint`);
            const yA = new Float64Array(N * w);
            const yD = new Float64Array(N * w);
            K.scatterCols(cA, 1, null, 0, w, em, f.lo, f.hi, yA, 0);
            K.scatterCols(null, 0, cD, 2, w, em, f.lo, f.hi, yD, 0);
            for (let i = 0; i < N * w; i++) close(yA[i] + yD[i], y[xOff + i], norm(y) + 1, 1e-13, `${what} null halves`);
            // filterGradCols = Σ over columns of filterGrad.
            const dLo = new Float64Array(F);
            const dHi = new Float64Array(F);
            K.filterGradCols(x, xOff, w, em, cA, 1, cD, 2, dLo, dHi);
            const eLo = new Float64Array(F);
            const eHi = new Float64Array(F);
            const ga = new Float64Array(m);
            const gd = new Float64Array(m);
            for (let c = 0; c < w; c++) {
              for (let r = 0; r < N; r++) col[r] = x[xOff + r * w + c];
              for (let o = 0; o < m; o++) {
                ga[o] = cA[1 + o * w + c];
                gd[o] = cD[2 + o * w + c];
              }
              K.filterGrad(col, 0, em, ga, 0, gd, 0, work, eLo, eHi);
            }
            for (let t = 0; t < F; t++) {
              close(dLo[t], eLo[t], norm(x) * norm(cA), 1e-13, `${what} dLo`);
              close(dHi[t], eHi[t], norm(x) * norm(cD), 1e-13, `${what} dHi`);
            }
          }
        }
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------
// (b) multilevel adjoints
// ---------------------------------------------------------------------------------------------

/** Plans for every mode × filter × length × levels that are valid (too many levels throw). */
function* plans1d(lengths: number[], maxLevels: number): Generator<{ mode: Mode; f: Filters; plan: Plan1D }> {
  for (const mode of MODES) {
    for (const f of FILTERS) {
      for (const n of lengths) {
        for (let J = 1; J <= maxLevels; J++) {
          let plan: Plan1D;
          try {
            plan = new Plan1D(n, f.lo.length, mode, J);
          } catch {
            continue;
          }
          yield { mode, f, plan };
        }
      }
    }
  }
}

function randomCoeffs1d(plan: Plan1D, b: number): Coeffs1D {
  const J = plan.levels;
  return { approx: rand(b * plan.lens[J]), details: plan.lens.slice(1).map((s) => rand(b * s)) };
}

function dotCoeffs1d(a: Coeffs1D, c: Coeffs1D): number {
  return dot(a.approx, c.approx) + a.details.reduce((s, d, j) => s + dot(d, c.details[j]), 0);
}

test('(b) multilevel 1D: analysis backward (wantInput) is the adjoint of the analysis, every mode', () => {
  const b = 3;
  let cases = 0;
  for (const { mode, f, plan } of plans1d([2, 5, 9, 16, 23, 64], 4)) {
    if (!validModeLength(mode, plan.lens[plan.levels - 1])) continue;
    const x = rand(b * plan.n);
    const fwd = analysis1d(plan, x, b, f.lo, f.hi);
    const c = randomCoeffs1d(plan, b);
    const dLo = new Float64Array(f.lo.length);
    const dHi = new Float64Array(f.lo.length);
    const gx = analysisBackward1d(plan, fwd, b, c.approx, c.details, f.lo, f.hi, dLo, dHi, true);
    assert.ok(gx !== null);
    const what = `${mode} ${f.name} n=${plan.n} J=${plan.levels}`;
    close(dotCoeffs1d(fwd, c), dot(x, gx), norm(x) * norm(gx) + dotCoeffs1d(c, c), 1e-12, what);
    cases++;
  }
  assert.ok(cases > 100, `only ${cases} cases`);
});

test('(b) multilevel 1D: synthesis backward without filter gradients is the adjoint Sᵀ of the synthesis, every mode', () => {
  const b = 2;
  for (const { mode, f, plan } of plans1d([2, 5, 9, 16, 23, 64], 4)) {
    const c = randomCoeffs1d(plan, b);
    const syn = synthesis1d(plan, c, b, f.lo, f.hi);
    assert.equal(syn.outLen, plan.n);
    const y = rand(b * plan.n);
    const back = synthesisBackward1d(plan, null, b, y, plan.n, f.lo, f.hi, null, null);
    const what = `${mode} ${f.name} n=${plan.n} J=${plan.levels}`;
    close(dot(syn.out, y), dotCoeffs1d(c, back), norm(y) * Math.sqrt(dotCoeffs1d(c, c)) * 10, 1e-12, what);
  }
});

function randomCoeffs2d(plan: Plan2D, b: number): Coeffs2D {
  const [rJ, cJ] = plan.shape(plan.levels);
  const details: Details2D[] = [];
  for (let j = 1; j <= plan.levels; j++) {
    const [r, c] = plan.shape(j);
    details.push({ cH: rand(b * r * c), cV: rand(b * r * c), cD: rand(b * r * c) });
  }
  return { approx: rand(b * rJ * cJ), details };
}

function dotCoeffs2d(a: Coeffs2D, c: Coeffs2D): number {
  let s = dot(a.approx, c.approx);
  a.details.forEach((d, j) => {
    s += dot(d.cH, c.details[j].cH) + dot(d.cV, c.details[j].cV) + dot(d.cD, c.details[j].cD);
  });
  return s;
}

function* plans2d(shapes: [number, number][], maxLevels: number): Generator<{ mode: Mode; f: Filters; plan: Plan2D }> {
  for (const mode of MODES) {
    for (const f of FILTERS) {
      for (const [R, C] of shapes) {
        for (let J = 1; J <= maxLevels; J++) {
          let plan: Plan2D;
          try {
            plan = new Plan2D(R, C, f.lo.length, mode, J);
          } catch {
            continue;
          }
          if ((mode === 'reflect' || mode === 'antireflect') && (plan.shape(J - 1)[0] === 1 || plan.shape(J - 1)[1] === 1)) continue;
          yield { mode, f, plan };
        }
      }
    }
  }
}

const SHAPES_2D: [number, number][] = [
  [5, 8],
  [12, 7],
  [17, 20],
];

test('(b) multilevel 2D: analysis backward (wantInput) is the adjoint of the analysis, every mode', () => {
  const b = 2;
  for (const { mode, f, plan } of plans2d(SHAPES_2D, 3)) {
    const x = rand(b * plan.rows * plan.cols);
    const fwd = analysis2d(plan, x, b, f.lo, f.hi);
    const c = randomCoeffs2d(plan, b);
    const dLo = new Float64Array(f.lo.length);
    const dHi = new Float64Array(f.lo.length);
    const gx = analysisBackward2d(plan, fwd, b, c.approx, c.details, f.lo, f.hi, dLo, dHi, true);
    assert.ok(gx !== null);
    const what = `${mode} ${f.name} ${plan.rows}×${plan.cols} J=${plan.levels}`;
    close(dotCoeffs2d(fwd, c), dot(x, gx), norm(x) * norm(gx) + dotCoeffs2d(c, c), 1e-12, what);
  }
});

test('(b) multilevel 2D: synthesis backward without filter gradients is the adjoint of the synthesis, every mode', () => {
  const b = 2;
  for (const { mode, f, plan } of plans2d(SHAPES_2D, 3)) {
    const c = randomCoeffs2d(plan, b);
    const syn = synthesis2d(plan, c, b, f.lo, f.hi);
    const y = rand(b * plan.rows * plan.cols);
    const back = synthesisBackward2d(plan, null, b, y, plan.rows, plan.cols, f.lo, f.hi, null, null);
    const what = `${mode} ${f.name} ${plan.rows}×${plan.cols} J=${plan.levels}`;
    close(dot(syn.out, y), dotCoeffs2d(c, back), norm(y) * Math.sqrt(dotCoeffs2d(c, c)) * 10, 1e-12, what);
  }
});

test('(b) the adjoints hold on batches large enough to be allocated without a zero fill (dirtied memory, every mode)', () => {
  const f = named('db2');
  for (const mode of MODES) {
    dirtyTheHeap();
    const b = 90;
    const plan = new Plan1D(61, 4, mode, 3);
    const x = rand(b * plan.n);
    const fwd = analysis1d(plan, x, b, f.lo, f.hi);
    const c = randomCoeffs1d(plan, b);
    const gx = analysisBackward1d(plan, fwd, b, c.approx, c.details, f.lo, f.hi, new Float64Array(4), new Float64Array(4), true);
    assert.ok(gx !== null);
    close(dotCoeffs1d(fwd, c), dot(x, gx), norm(x) * norm(gx) + dotCoeffs1d(c, c), 1e-12, `1D analysis ${mode}`);
    const syn = synthesis1d(plan, c, b, f.lo, f.hi);
    const y = rand(b * plan.n);
    const back = synthesisBackward1d(plan, syn, b, y, plan.n, f.lo, f.hi, new Float64Array(4), new Float64Array(4));
    close(dot(syn.out, y), dotCoeffs1d(c, back), norm(y) * Math.sqrt(dotCoeffs1d(c, c)) * 10, 1e-12, `1D synthesis ${mode}`);
    dirtyTheHeap();
    const plan2 = new Plan2D(67, 70, 4, mode, 2);
    const b2 = 2;
    const x2 = rand(b2 * 67 * 70);
    const fwd2 = analysis2d(plan2, x2, b2, f.lo, f.hi);
    const c2 = randomCoeffs2d(plan2, b2);
    const gx2 = analysisBackward2d(plan2, fwd2, b2, c2.approx, c2.details, f.lo, f.hi, new Float64Array(4), new Float64Array(4), true);
    assert.ok(gx2 !== null);
    close(dotCoeffs2d(fwd2, c2), dot(x2, gx2), norm(x2) * norm(gx2) + dotCoeffs2d(c2, c2), 1e-12, `2D analysis ${mode}`);
    const syn2 = synthesis2d(plan2, c2, b2, f.lo, f.hi);
    const y2 = rand(b2 * 67 * 70);
    const back2 = synthesisBackward2d(plan2, syn2, b2, y2, 67, 70, f.lo, f.hi, new Float64Array(4), new Float64Array(4));
    close(dot(syn2.out, y2), dotCoeffs2d(c2, back2), norm(y2) * Math.sqrt(dotCoeffs2d(c2, c2)) * 10, 1e-12, `2D synthesis ${mode}`);
  }
});

// ---------------------------------------------------------------------------------------------
// (c) filter derivatives against central finite differences
// ---------------------------------------------------------------------------------------------

const STEP = 1e-6;
const FD_TOL = 1e-6;

/**
 * Checks an analytic gradient (dLo, dHi) of a scalar loss(lo, hi) against central differences,
 * perturbing each tap of lo and of hi separately. Relative to the gradient's norm.
 */
function checkFd(what: string, lo: Float64Array, hi: Float64Array, loss: (lo: Float64Array, hi: Float64Array) => number, dLo: Float64Array, dHi: Float64Array): void {
  const scale = Math.max(1, norm(dLo) + norm(dHi));
  for (const which of ['lo', 'hi'] as const) {
    const g = which === 'lo' ? dLo : dHi;
    for (let t = 0; t < lo.length; t++) {
      const l = Float64Array.from(lo);
      const h = Float64Array.from(hi);
      const p = which === 'lo' ? l : h;
      const v = p[t];
      p[t] = v + STEP;
      const up = loss(l, h);
      p[t] = v - STEP;
      const down = loss(l, h);
      const fd = (up - down) / (2 * STEP);
      close(g[t], fd, scale, FD_TOL, `${what} d${which}[${t}]`);
    }
  }
}

const FD_FILTERS = () => [named('db2'), named('sym4'), randomPair(6)];

test('(c) multilevel 1D analysis: filter derivatives match central finite differences (odd lengths, several levels, every mode)', () => {
  const b = 2;
  for (const mode of MODES) {
    for (const f of FD_FILTERS()) {
      for (const [n, J] of [[13, 1], [21, 2], [37, 3]] as const) {
        const plan = new Plan1D(n, f.lo.length, mode, J);
        const x = rand(b * n);
        const g = randomCoeffs1d(plan, b);
        const loss = (lo: Float64Array, hi: Float64Array): number => dotCoeffs1d(analysis1d(plan, x, b, lo, hi), g);
        const dLo = new Float64Array(f.lo.length);
        const dHi = new Float64Array(f.lo.length);
        analysisBackward1d(plan, analysis1d(plan, x, b, f.lo, f.hi), b, g.approx, g.details, f.lo, f.hi, dLo, dHi);
        checkFd(`${mode} ${f.name} n=${n} J=${J}`, f.lo, f.hi, loss, dLo, dHi);
      }
    }
  }
});

test('(c) multilevel 1D synthesis: filter derivatives match central finite differences (odd lengths, several levels, every mode)', () => {
  const b = 2;
  for (const mode of MODES) {
    for (const f of FD_FILTERS()) {
      for (const [n, J] of [[13, 1], [21, 2], [37, 3]] as const) {
        const plan = new Plan1D(n, f.lo.length, mode, J);
        const c = randomCoeffs1d(plan, b);
        const y = rand(b * n);
        const loss = (lo: Float64Array, hi: Float64Array): number => dot(synthesis1d(plan, c, b, lo, hi).out, y);
        const dLo = new Float64Array(f.lo.length);
        const dHi = new Float64Array(f.lo.length);
        const fwd = synthesis1d(plan, c, b, f.lo, f.hi);
        synthesisBackward1d(plan, fwd, b, y, n, f.lo, f.hi, dLo, dHi);
        checkFd(`${mode} ${f.name} n=${n} J=${J}`, f.lo, f.hi, loss, dLo, dHi);
      }
    }
  }
});

test('(c) multilevel 2D analysis and synthesis: filter derivatives match central finite differences (odd sizes, every mode)', () => {
  const b = 2;
  for (const mode of MODES) {
    for (const f of FD_FILTERS()) {
      for (const [R, C, J] of [[9, 13, 1], [19, 15, 2]] as const) {
        const plan = new Plan2D(R, C, f.lo.length, mode, J);
        const what = `${mode} ${f.name} ${R}×${C} J=${J}`;
        // Analysis.
        const x = rand(b * R * C);
        const g = randomCoeffs2d(plan, b);
        const dLo = new Float64Array(f.lo.length);
        const dHi = new Float64Array(f.lo.length);
        analysisBackward2d(plan, analysis2d(plan, x, b, f.lo, f.hi), b, g.approx, g.details, f.lo, f.hi, dLo, dHi);
        checkFd(`analysis ${what}`, f.lo, f.hi, (lo, hi) => dotCoeffs2d(analysis2d(plan, x, b, lo, hi), g), dLo, dHi);
        // Synthesis.
        const c = randomCoeffs2d(plan, b);
        const y = rand(b * R * C);
        const sLo = new Float64Array(f.lo.length);
        const sHi = new Float64Array(f.lo.length);
        synthesisBackward2d(plan, synthesis2d(plan, c, b, f.lo, f.hi), b, y, R, C, f.lo, f.hi, sLo, sHi);
        checkFd(`synthesis ${what}`, f.lo, f.hi, (lo, hi) => dot(synthesis2d(plan, c, b, lo, hi).out, y), sLo, sHi);
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------
// (d) specialised kernels vs the generic loops
// ---------------------------------------------------------------------------------------------

type KernelPath = 'generated' | 'generic' | 'simd';

/** Runs `fn` with one implementation of the kernels: generated JavaScript, generic loops, or WebAssembly SIMD wherever it can run. */
function onPath<T>(path: KernelPath, fn: () => T): T {
  const prevSpecialized = K.setSpecializedKernels(path !== 'generic');
  const prevWasm = setWasmKernels(path === 'simd' ? 'always' : 'never');
  try {
    return fn();
  } finally {
    K.setSpecializedKernels(prevSpecialized);
    setWasmKernels(prevWasm);
  }
}

/** Runs `fn` with the generated kernels, then with the generic loops, and returns both results. */
function bothPaths<T>(fn: () => T): [T, T] {
  return [onPath('generated', fn), onPath('generic', fn)];
}

function assertSame(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) assert.fail(`${what}: index ${i}: ${a[i]} (specialised) vs ${b[i]} (generic)`);
  }
}

/** Equal to rounding: the SIMD kernels sum in another order. */
function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  // smooth and antireflect extend a short signal linearly over a long filter (extended values up
  // to ~F times the signal's), so the sums cancel more and rounding shows more relative to them.
  const tol = /^(smooth|antireflect) /.test(what) ? 1e-11 : 1e-13;
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])))) assert.fail(`${what}: index ${i}: ${a[i]} (SIMD) vs ${b[i]} (generic)`);
  }
}

/**
 * Every single-level kernel on every mode, filter and signal length, on the path `path`, against
 * the generic loops (`compare`).
 */
function compareKernels(path: KernelPath, compare: (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => void, lengths: number[]): void {
  // Every even length the families use, odd and even signal lengths, all kernels, every mode.
  const filters = [named('haar'), named('db2'), named('db5'), named('coif2'), named('db10'), named('sym20'), randomPair(8), randomPair(42)];
  for (const mode of MODES) {
    for (const f of filters) {
      const F = f.lo.length;
      for (const n of lengths) {
        const em = extensionMap(n, F, mode);
        // The synthesis map from n coefficients (an idwt needs 2n − F + 2 ≥ 1 outside periodization).
        const sm = 2 * n - F + 2 >= 1 || mode === 'periodization' ? K.synthesisMap(n, F, mode) : em;
        const b = 3;
        const w = path === 'simd' ? 13 : 5; // 13 = 8 + 2 + 2 + 1 columns: every SIMD column block
        const m = em.outLen;
        const x = rand(b * n);
        const cA = rand(b * sm.outLen);
        const cD = rand(b * sm.outLen);
        const what = `${mode} ${f.name} n=${n}`;
        // Row kernels, batched, with odd strides and offsets.
        const [ra, rb] = [path, 'generic' as const].map((p) => onPath(p, () => {
          const A = new Float64Array(b * m + 1);
          const D = new Float64Array(b * m + 2);
          K.analyzeRows(x, 0, n, b, em, f.lo, f.hi, A, 1, m, D, 2, m);
          const y = new Float64Array(b * sm.n);
          K.scatterRows(cA, 0, sm.outLen, cD, 0, sm.outLen, b, sm, f.lo, f.hi, y, 0, sm.n, false);
          const z = new Float64Array(b * n + 3);
          K.scatterRows(A, 1, m, D, 2, m, b, em, f.lo, f.hi, z, 3, n);
          const dLo = new Float64Array(F);
          const dHi = new Float64Array(F);
          K.filterGradRows(x, 0, n, b, em, A, 1, m, D, 2, m, dLo, dHi);
          return [A, D, y, z, dLo, dHi];
        }));
        ra.forEach((arr, i) => compare(arr, rb[i], `${what} row kernel ${i}`));
        // Column kernels on an n × w block.
        const X = rand(n * w);
        const cAw = rand(sm.outLen * w);
        const cDw = rand(sm.outLen * w);
        const [ca, cb] = [path, 'generic' as const].map((p) => onPath(p, () => {
          const A = new Float64Array(m * w);
          const D = new Float64Array(m * w);
          K.analyzeCols(X, 0, w, em, f.lo, f.hi, A, 0, D, 0);
          const y = new Float64Array(sm.n * w);
          K.scatterCols(cAw, 0, cDw, 0, w, sm, f.lo, f.hi, y, 0);
          const z = new Float64Array(n * w);
          K.scatterCols(A, 0, D, 0, w, em, f.lo, f.hi, z, 0);
          const dLo = new Float64Array(F);
          const dHi = new Float64Array(F);
          K.filterGradCols(X, 0, w, em, A, 0, D, 0, dLo, dHi);
          return [A, D, y, z, dLo, dHi];
        }));
        ca.forEach((arr, i) => compare(arr, cb[i], `${what} column kernel ${i}`));
      }
    }
  }
}

test('(d) the kernels generated per filter length and the generic loops give identical results', () => {
  compareKernels('generated', assertSame, [3, 16, 37, 70]);
});

test('(e) the WebAssembly SIMD kernels agree with the generic loops to rounding (every kernel, mode, filter; odd strides and offsets)', () => {
  assert.ok(wasmKernelsAvailable(), 'WebAssembly SIMD is available on Node 20');
  compareKernels('simd', assertClose, [3, 16, 37, 70, 131]);
});

test('(d) multilevel 1D and 2D transforms are identical with and without the generated kernels', () => {
  const f = named('db5');
  for (const mode of MODES) {
    const plan = new Plan1D(64, 10, mode, 3);
    const x = rand(4 * 64);
    const [a, g] = bothPaths(() => {
      const fwd = analysis1d(plan, x, 4, f.lo, f.hi);
      const syn = synthesis1d(plan, fwd, 4, f.lo, f.hi);
      return [fwd.approx, ...fwd.details, syn.out];
    });
    a.forEach((arr, i) => assertSame(arr, g[i], `1D ${mode} array ${i}`));
    const plan2 = new Plan2D(33, 40, 10, mode, 2);
    const x2 = rand(2 * 33 * 40);
    const [a2, g2] = bothPaths(() => {
      const fwd = analysis2d(plan2, x2, 2, f.lo, f.hi);
      const syn = synthesis2d(plan2, fwd, 2, f.lo, f.hi);
      return [fwd.approx, fwd.details[0].cD, fwd.details[1].cH, syn.out];
    });
    a2.forEach((arr, i) => assertSame(arr, g2[i], `2D ${mode} array ${i}`));
  }
});

test('(d) the batched PyWavelets-style functions equal the single-signal ones, row by row (every mode, odd lengths, crops)', () => {
  for (const mode of MODES) {
    for (const name of ['haar', 'db2', 'db5']) {
      // (n = 3 with db5: the coefficient arrays grow with the level, 3 → 6 → 7 → 8.)
      for (const [n, J] of [[1, 1], [3, 3], [7, 2], [64, 4], [45, 3], [300, 5]] as const) {
        try {
          new Plan1D(n, familyLowpass(name).length, mode, J);
        } catch {
          continue; // 'reflect' cannot extend a level of length 1 (haar halves 3 → 2 → 1)
        }
        // Enough rows at n = 300 for the outputs to be large (allocated without a zero fill).
        const rows = n === 300 ? 40 : 3;
        dirtyTheHeap();
        const what = `${mode} ${name} n=${n} J=${J}`;
        const X = ndarray(rand(rows * n), [rows, n]);
        const batch = wavedecBatch(X, name, mode, J);
        const rec = waverecBatch(batch, name, mode, n);
        assert.deepEqual(rec.shape, [rows, n], what);
        for (let r = 0; r < rows; r++) {
          const xr = X.data.subarray(r * n, (r + 1) * n);
          const single = wavedec(xr, name, mode, J);
          assert.equal(single.length, batch.length, what);
          single.forEach((c, k) => {
            const len = batch[k].shape[1];
            assert.equal(c.length, len, `${what} coefficient ${k} length`);
            for (let i = 0; i < len; i++) close(batch[k].data[r * len + i], c[i], 1 + Math.abs(c[i]), 1e-13, `${what} coefficient ${k}[${i}]`);
          });
          const back = waverec(single, name, mode);
          for (let i = 0; i < n; i++) close(rec.data[r * n + i], back[i], 1 + Math.abs(back[i]), 1e-13, `${what} waverec[${i}]`);
          for (let i = 0; i < n; i++) close(rec.data[r * n + i], xr[i], 1, 1e-12, `${what} perfect reconstruction[${i}]`);
        }
      }
    }
  }
});

test('(d) wavedec2Batch / waverec2Batch equal wavedec2 / waverec2 image by image and reconstruct (every mode, odd sizes)', () => {
  const b = 3;
  for (const mode of MODES) {
    for (const [R, C, J] of [[3, 2, 3], [9, 14, 1], [33, 20, 2], [40, 41, 3], [81, 70, 1]] as const) {
      dirtyTheHeap();
      const what = `${mode} ${R}×${C} J=${J}`;
      const X = ndarray(rand(b * R * C), [b, R, C]);
      const batch = wavedec2Batch(X, 'db2', mode, J);
      const rec = waverec2Batch(batch, 'db2', mode);
      for (let i = 0; i < b; i++) {
        const img = X.data.subarray(i * R * C, (i + 1) * R * C);
        const single = wavedec2(img, R, C, 'db2', mode, J);
        const sz = single.approx.rows * single.approx.cols;
        for (let k = 0; k < sz; k++) close(batch.approx.data[i * sz + k], single.approx.data[k], 1 + Math.abs(single.approx.data[k]), 1e-13, `${what} approx`);
        single.details.forEach((d, j) => {
          const dsz = d.rows * d.cols;
          for (const key of ['cH', 'cV', 'cD'] as const) {
            for (let k = 0; k < dsz; k++) close(batch.details[j][key].data[i * dsz + k], d[key][k], 1 + Math.abs(d[key][k]), 1e-13, `${what} ${key} level ${j}`);
          }
        });
        const back = waverec2(single, 'db2', mode);
        const [rr, rc] = [rec.shape[1], rec.shape[2]];
        assert.deepEqual([back.rows, back.cols], [rr, rc], what);
        for (let k = 0; k < rr * rc; k++) close(rec.data[i * rr * rc + k], back.data[k], 1 + Math.abs(back.data[k]), 1e-13, `${what} waverec2`);
        for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) close(rec.data[i * rr * rc + r * rc + c], img[r * C + c], 1, 1e-12, `${what} perfect reconstruction`);
      }
    }
  }
});

test('(d) signals shorter than the filter, whose coefficient arrays grow with the level, in big batches (1D and 2D)', () => {
  for (const mode of ['zero', 'symmetric', 'periodic', 'reflect'] as const) {
    // 1D: db5 on length 3: 3 → 6 → 7 → 8 coefficients; 3000 signals fill several work chunks.
    const rows = 3000;
    const X = ndarray(rand(rows * 3), [rows, 3]);
    const batch = wavedecBatch(X, 'db5', mode, 3);
    const rec = waverecBatch(batch, 'db5', mode, 3);
    for (const r of [0, 1, 1499, 2400, 2729, 2730, 2999]) {
      const single = wavedec(X.data.subarray(r * 3, r * 3 + 3), 'db5', mode, 3);
      single.forEach((c, k) => {
        const len = batch[k].shape[1];
        for (let i = 0; i < len; i++) close(batch[k].data[r * len + i], c[i], 1 + Math.abs(c[i]), 1e-13, `1D ${mode} row ${r} coefficient ${k}`);
      });
      for (let i = 0; i < 3; i++) close(rec.data[r * 3 + i], X.data[r * 3 + i], 1, 1e-12, `1D ${mode} row ${r} reconstruction`);
    }
    // 2D: db5 on 3 × 2 images: 3 × 2 → 6 × 5 → 7 × 7.
    const b = 4;
    const I = ndarray(rand(b * 6), [b, 3, 2]);
    const c2 = wavedec2Batch(I, 'db5', mode, 2);
    const r2 = waverec2Batch(c2, 'db5', mode);
    for (let i = 0; i < b; i++) {
      const single = wavedec2(I.data.subarray(i * 6, i * 6 + 6), 3, 2, 'db5', mode, 2);
      const sz = single.approx.rows * single.approx.cols;
      for (let k = 0; k < sz; k++) close(c2.approx.data[i * sz + k], single.approx.data[k], 1 + Math.abs(single.approx.data[k]), 1e-13, `2D ${mode} approx`);
      const [rr, rc] = [r2.shape[1], r2.shape[2]];
      for (let r = 0; r < 3; r++) for (let c = 0; c < 2; c++) close(r2.data[i * rr * rc + r * rc + c], I.data[i * 6 + r * 2 + c], 1, 1e-12, `2D ${mode} reconstruction`);
    }
  }
});

test('(d) where code generation is forbidden (node --disallow-code-generation-from-strings) the generic loops give the same results', () => {
  const script = `
    import { wavedecBatch, waverecBatch } from ${JSON.stringify(new URL('../../src/wavelets/index.ts', import.meta.url).href)};
    const x = new Float64Array(4 * 37).map((_, i) => Math.sin(i * 0.7) + 0.1 * i);
    const c = wavedecBatch({ data: x, shape: [4, 37] }, 'db5', 'symmetric', 2);
    const r = waverecBatch(c, 'db5', 'symmetric', 37);
    console.log(JSON.stringify([...c.map((a) => Array.from(a.data)), Array.from(r.data)]));
  `;
  const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const child = JSON.parse(run.stdout) as number[][];
  const x = new Float64Array(4 * 37).map((_, i) => Math.sin(i * 0.7) + 0.1 * i);
  const c = wavedecBatch(ndarray(x, [4, 37]), 'db5', 'symmetric', 2);
  const r = waverecBatch(c, 'db5', 'symmetric', 37);
  [...c.map((a) => a.data), r.data].forEach((arr, i) => assertSame(arr, Float64Array.from(child[i]), `array ${i}`));
});

test('(b) sanity: the coefficient lengths the plans use are PyWavelets\' dwt_coeff_len', () => {
  const plan = new Plan1D(64, 10, 'zero', 4);
  assert.deepEqual(plan.lens, [64, 36, 22, 15, 12]);
  assert.equal(plan.lens[1], dwtCoeffLen(64, 10, 'zero'));
});

test('(e) the column analysis and filter derivative in place in the kernels\' memory (borders included) give the same bits as on ordinary arrays, every mode', async () => {
  const { withScratch, uninitializedArray } = await import('../../src/wavelets/scratch.ts');
  const prev = setWasmKernels('always');
  try {
    const f = named('db5');
    const w = 13;
    for (const mode of MODES) {
      for (const n of [37, 70]) {
        const em = extensionMap(n, 10, mode);
        const m = em.outLen;
        const X = rand(n * w);
        const A0 = new Float64Array(m * w), D0 = new Float64Array(m * w);
        K.analyzeCols(X, 0, w, em, f.lo, f.hi, A0, 0, D0, 0);
        const GA = rand(m * w), GD = rand(m * w);
        const dLo0 = new Float64Array(10).fill(0.5), dHi0 = new Float64Array(10).fill(-0.25);
        K.filterGradCols(X, 0, w, em, GA, 0, GD, 0, dLo0, dHi0);
        // Twice: the first scope may have to grow the arena.
        for (let run = 0; run < 2; run++) {
          const [A1, D1, dLo1, dHi1, inPlace] = withScratch(() => {
            const x = uninitializedArray(Math.max(4096, n * w));
            x.set(X);
            const A = uninitializedArray(Math.max(4096, m * w)), D = uninitializedArray(Math.max(4096, m * w));
            K.analyzeCols(x, 0, w, em, f.lo, f.hi, A, 0, D, 0);
            const ga = uninitializedArray(Math.max(4096, m * w)), gd = uninitializedArray(Math.max(4096, m * w));
            ga.set(GA);
            gd.set(GD);
            const dLo = new Float64Array(10).fill(0.5), dHi = new Float64Array(10).fill(-0.25);
            K.filterGradCols(x, 0, w, em, ga, 0, gd, 0, dLo, dHi);
            return [A.slice(0, m * w), D.slice(0, m * w), dLo, dHi, x.buffer !== X.buffer && x.buffer === A.buffer] as const;
          });
          if (run === 1) assert.ok(inPlace, 'the arrays are in the kernels\' memory');
          assertSame(A1, A0, `${mode} n=${n} cA`);
          assertSame(D1, D0, `${mode} n=${n} cD`);
          assertSame(dLo1, dLo0, `${mode} n=${n} dLo`);
          assertSame(dHi1, dHi0, `${mode} n=${n} dHi`);
        }
      }
    }
  } finally {
    setWasmKernels(prev);
  }
});
