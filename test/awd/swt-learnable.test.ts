/**
 * The learnable SWT (FitOptions.transform = 'swt', src/awd/engineSwt.ts): the AWD objective on the
 * undecimated transform against a brute-force reference written here (explicit modulo loops and
 * an explicit synthesis matrix for the attributions Sᵀu), its gradient against central finite
 * differences term by term, dot-product adjoints of the engine, and a short fit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { familyLowpass } from '../../src/wavelets/families.ts';
import { highpassOf } from '../../src/awd/constraints.ts';
import { makeEngine } from '../../src/awd/engine.ts';
import { awdLoss } from '../../src/awd/loss.ts';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { iswt, swt } from '../../src/wavelets/swt.ts';

const rng = new Rng(4242);
const rand = (n: number): Float64Array => rng.fillNormal(new Float64Array(n));
const mod = (i: number, n: number): number => ((i % n) + n) % n;

/** Brute force: level j of the SWT, cA[k] = Σ_u h[u] x[(k + s(u + 1 − F/2)) mod n]. */
function bruteSwt(x: Float64Array, h: Float64Array, J: number): { approx: Float64Array; details: Float64Array[] } {
  const g = highpassOf(h);
  const F = h.length;
  const n = x.length;
  let a = x;
  const details: Float64Array[] = [];
  for (let j = 1; j <= J; j++) {
    const s = 2 ** (j - 1);
    const A = new Float64Array(n);
    const D = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      for (let u = 0; u < F; u++) {
        const v = a[mod(k + s * (u + 1 - F / 2), n)];
        A[k] += h[u] * v;
        D[k] += g[u] * v;
      }
    }
    details.push(D);
    a = A;
  }
  return { approx: a, details };
}

/** Brute force inverse, PyWavelets' way: average of the even- and odd-phase periodization idwts. */
function bruteIswt(approx: Float64Array, details: Float64Array[], h: Float64Array): Float64Array {
  const g = highpassOf(h);
  const F = h.length;
  const n = approx.length;
  let out = Float64Array.from(approx);
  for (let j = details.length; j >= 1; j--) {
    const s = 2 ** (j - 1);
    const D = details[j - 1];
    const next = new Float64Array(n);
    // idwt (periodization) of a phase with m = n / s samples: y[(2o + 1 + t − F/2) mod m] += h[t] a[o] + g[t] d[o]
    for (let first = 0; first < s; first++) {
      const idx = Array.from({ length: n / s }, (_, i) => first + i * s);
      const m = idx.length;
      for (const phase of [0, 1]) {
        const y = new Float64Array(m);
        for (let o = 0; phase + 2 * o < m; o++) {
          const k = idx[phase + 2 * o];
          for (let t = 0; t < F; t++) y[mod(2 * o + 1 + t - F / 2 + phase, m)] += h[t] * out[k] + g[t] * D[k];
        }
        for (let i = 0; i < m; i++) next[idx[i]] += y[i] / 2;
      }
    }
    out = next;
  }
  return out;
}

function filter(): Float64Array {
  const h = familyLowpass('db3');
  for (let i = 0; i < h.length; i++) h[i] += 0.05 * rng.normal();
  return h;
}

test('brute force: the SWT here is PyWavelets\' swt / iswt (db3: the library functions agree with the loops above)', () => {
  const h = familyLowpass('db3');
  const x = rand(16);
  const mine = bruteSwt(x, h, 2);
  const lib = swt(x, 'db3', 2);
  for (let i = 0; i < 16; i++) {
    assert.ok(Math.abs(mine.approx[i] - lib[0].cA[i]) < 1e-12);
    assert.ok(Math.abs(mine.details[1][i] - lib[0].cD[i]) < 1e-12);
    assert.ok(Math.abs(mine.details[0][i] - lib[1].cD[i]) < 1e-12);
  }
  const back = bruteIswt(mine.approx, mine.details, h);
  const libBack = iswt(lib, 'db3');
  for (let i = 0; i < 16; i++) assert.ok(Math.abs(back[i] - libBack[i]) < 1e-12, `iswt[${i}]`);
});

test('the AWD objective on the SWT equals the brute-force reference: reconstruction, l1_wave, l1_attr (Sᵀu from an explicit matrix)', () => {
  const n = 16, J = 2, b = 3;
  const h = filter();
  const x = rand(b * n);
  const u = rand(b * n);
  const engine = makeEngine([n], h.length, 'zero', J, 'swt');
  const r = awdLoss(engine, h, x, u, b, { weights: { l1_wave: 0.3, l1_attr: 0.2 }, outputs: true });
  let recon = 0, l1w = 0, l1a = 0;
  // Synthesis matrix: column c = S e_c over the (J + 1) · n coefficients.
  const cols = (J + 1) * n;
  const S: Float64Array[] = [];
  for (let c = 0; c < cols; c++) {
    const blocks = Array.from({ length: J + 1 }, () => new Float64Array(n));
    blocks[Math.floor(c / n)][c % n] = 1;
    S.push(bruteIswt(blocks[0], blocks.slice(1), h));
  }
  for (let i = 0; i < b; i++) {
    const xi = x.subarray(i * n, (i + 1) * n);
    const ui = u.subarray(i * n, (i + 1) * n);
    const c = bruteSwt(Float64Array.from(xi), h, J);
    const rec = bruteIswt(c.approx, c.details, h);
    for (let k = 0; k < n; k++) recon += (xi[k] - rec[k]) ** 2;
    for (const blk of [c.approx, ...c.details]) for (const v of blk) l1w += Math.abs(v);
    for (let col = 0; col < cols; col++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += S[col][k] * ui[k];
      l1a += Math.abs(dot);
    }
  }
  recon /= b;
  l1w /= (J + 1) * b;
  l1a /= (J + 1) * b;
  const close = (a: number, e: number, what: string): void => assert.ok(Math.abs(a - e) <= 1e-10 * (1 + Math.abs(e)), `${what}: ${a} vs brute force ${e}`);
  close(r.terms.reconstruction, recon, 'reconstruction');
  close(r.terms.l1_wave, l1w, 'l1_wave');
  close(r.terms.l1_attr, l1a, 'l1_attr');
  assert.ok(r.terms.reconstruction > 1e-6, 'a perturbed filter does not reconstruct exactly (the term can fail)');
  assert.equal(r.coeffs!.length, J + 1);
  for (const blk of r.coeffs!) assert.equal(blk.length, b * n);
});

test('the SWT objective\'s gradient matches central finite differences, term by term', () => {
  const n = 16, J = 2, b = 2;
  const h = filter();
  const x = rand(b * n);
  const u = rand(b * n);
  const engine = makeEngine([n], h.length, 'zero', J, 'swt');
  const weights = { l1_wave: 0.3, l1_attr: 0.2 };
  const r = awdLoss(engine, h, x, u, b, { weights, termGrads: true });
  const eps = 1e-6;
  for (const term of ['reconstruction', 'l1_wave', 'l1_attr'] as const) {
    for (let i = 0; i < h.length; i++) {
      const hp = Float64Array.from(h); hp[i] += eps;
      const hm = Float64Array.from(h); hm[i] -= eps;
      const fd = (awdLoss(engine, hp, x, u, b, { weights }).terms[term] - awdLoss(engine, hm, x, u, b, { weights }).terms[term]) / (2 * eps);
      const an = r.termGrads![term][i];
      assert.ok(Math.abs(fd - an) <= 1e-5 * (1 + Math.abs(fd)), `${term} ∂/∂h[${i}]: analytic ${an} vs finite difference ${fd}`);
    }
  }
  // the total's gradient is the weighted sum
  const total = awdLoss(engine, h, x, u, b, { weights });
  for (let i = 0; i < h.length; i++) {
    const hp = Float64Array.from(h); hp[i] += eps;
    const hm = Float64Array.from(h); hm[i] -= eps;
    const fd = (awdLoss(engine, hp, x, u, b, { weights }).total - awdLoss(engine, hm, x, u, b, { weights }).total) / (2 * eps);
    assert.ok(Math.abs(fd - total.grad[i]) <= 1e-5 * (1 + Math.abs(fd)), `total ∂/∂h[${i}]: ${total.grad[i]} vs ${fd}`);
  }
});

test('engine adjoint: ⟨S c, y⟩ = ⟨c, Sᵀ y⟩ (the analysis adjoint ⟨A x, c⟩ = ⟨x, Aᵀ c⟩ is in test/wavelets/swt.test.ts)', () => {
  const n = 32, J = 3, b = 2;
  const h = filter();
  const g = highpassOf(h);
  const engine = makeEngine([n], h.length, 'zero', J, 'swt');
  const c = Array.from({ length: J + 1 }, () => rand(b * n));
  const y = rand(b * n);
  const Sc = engine.synthesize(c, b, h, g).out;
  const STy = engine.synthesizeBackward(null, b, y, h, g, null, null);
  let lhs = 0, rhs = 0;
  for (let i = 0; i < y.length; i++) lhs += Sc[i] * y[i];
  c.forEach((blk, k) => { for (let i = 0; i < blk.length; i++) rhs += blk[i] * STy[k][i]; });
  assert.ok(Math.abs(lhs - rhs) <= 1e-12 * (1 + Math.abs(lhs)), `${lhs} vs ${rhs}`);
});

test('fit with transform: "swt" lowers the objective, keeps the setting, and transforms to J + 1 blocks as long as the signal', () => {
  const n = 32, N = 40;
  const X = ndarray(rand(N * n), [N, n]);
  const G = ndarray(rand(N * n), [N, n]);
  const w = AdaptiveWavelet.fit(X, { teacherGrads: G, lambda: 0.01, gamma: 0.01, wavelet: 'db3', initNoise: 0.05, levels: 2, epochs: 6, batchSize: 20, learningRate: 1e-2, seed: 1, transform: 'swt' });
  assert.equal(w.transformKind, 'swt');
  assert.equal(w.settings!.transform, 'swt');
  const h0 = w.history[0].train.total;
  const h1 = w.history[w.history.length - 1].train.total;
  assert.ok(h1 < h0, `the training objective went from ${h0} to ${h1}`);
  const blocks = w.transform(X);
  assert.equal(blocks.length, 3);
  for (const blk of blocks) assert.deepEqual(blk.shape, [N, n]);
  assert.throws(() => AdaptiveWavelet.fit(ndarray(rand(4 * 12), [4, 12]), { teacherGrads: ndarray(rand(4 * 12), [4, 12]), levels: 3, epochs: 1, transform: 'swt' }), /multiple of 2\^3 = 8, got 12/);
});

// ------------------------------------------------------------------------------------------ 2D

/** Brute force 2D: level j along axis 0 then axis 1 with explicit modulo loops (as pywt.swt2). */
function bruteSwt2Level(x: Float64Array, R: number, C: number, h: Float64Array, s: number): Float64Array[] {
  const g = highpassOf(h);
  const F = h.length;
  const along0 = (f: Float64Array): Float64Array => {
    const o = new Float64Array(R * C);
    for (let k = 0; k < R; k++) for (let j = 0; j < C; j++) for (let u = 0; u < F; u++) o[k * C + j] += f[u] * x[mod(k + s * (u + 1 - F / 2), R) * C + j];
    return o;
  };
  const along1 = (y: Float64Array, f: Float64Array): Float64Array => {
    const o = new Float64Array(R * C);
    for (let k = 0; k < R; k++) for (let j = 0; j < C; j++) for (let u = 0; u < F; u++) o[k * C + j] += f[u] * y[k * C + mod(j + s * (u + 1 - F / 2), C)];
    return o;
  };
  const La = along0(h), Ld = along0(g);
  return [along1(La, h), along1(Ld, h), along1(La, g), along1(Ld, g)]; // A, cH, cV, cD
}

test('2D: the AWD objective on the SWT equals the brute-force reference (loops here; Sᵀu from an explicit matrix of the library iswt2, which matches PyWavelets)', async () => {
  const { iswt2 } = await import('../../src/wavelets/swt.ts');
  const R = 8, C = 4, J = 2, b = 2;
  const h = filter();
  const x = rand(b * R * C);
  const u = rand(b * R * C);
  const engine = makeEngine([R, C], h.length, 'zero', J, 'swt');
  const r = awdLoss(engine, h, x, u, b, { weights: { l1_wave: 0.3, l1_attr: 0.2 }, outputs: true });
  const bank = { decLo: h.slice().reverse(), decHi: highpassOf(h).reverse(), recLo: h, recHi: highpassOf(h) };
  const size = R * C;
  const nBlocks = 3 * J + 1;
  // Synthesis of reference-order blocks [A_J, cH_1, cV_1, cD_1, …] through iswt2 (levels coarsest first).
  const synth = (blocks: Float64Array[]): Float64Array =>
    iswt2(Array.from({ length: J }, (_, k) => {
      const j = J - k; // level
      return { cA: k === 0 ? blocks[0] : new Float64Array(size), cH: blocks[1 + 3 * (j - 1)], cV: blocks[2 + 3 * (j - 1)], cD: blocks[3 + 3 * (j - 1)], rows: R, cols: C };
    }), bank).data;
  let recon = 0, l1w = 0, l1a = 0;
  for (let i = 0; i < b; i++) {
    const xi = x.slice(i * size, (i + 1) * size);
    const ui = u.subarray(i * size, (i + 1) * size);
    let a: Float64Array = xi;
    const blocks: Float64Array[] = new Array(nBlocks);
    for (let j = 1; j <= J; j++) {
      const [A, cH, cV, cD] = bruteSwt2Level(a, R, C, h, 2 ** (j - 1));
      blocks[1 + 3 * (j - 1)] = cH;
      blocks[2 + 3 * (j - 1)] = cV;
      blocks[3 + 3 * (j - 1)] = cD;
      a = A;
    }
    blocks[0] = a;
    const rec = synth(blocks);
    for (let k = 0; k < size; k++) recon += (xi[k] - rec[k]) ** 2;
    for (const blk of blocks) for (const v of blk) l1w += Math.abs(v);
    for (let col = 0; col < nBlocks * size; col++) {
      const e = Array.from({ length: nBlocks }, () => new Float64Array(size));
      e[Math.floor(col / size)][col % size] = 1;
      const Se = synth(e);
      let dot = 0;
      for (let k = 0; k < size; k++) dot += Se[k] * ui[k];
      l1a += Math.abs(dot);
    }
  }
  recon /= b;
  // The reference's normalisation (loss.ts): the ℓ1 terms are divided by J + 1 and the batch size.
  l1w /= (J + 1) * b;
  l1a /= (J + 1) * b;
  const close = (a: number, e: number, what: string): void => assert.ok(Math.abs(a - e) <= 1e-10 * (1 + Math.abs(e)), `${what}: ${a} vs brute force ${e}`);
  close(r.terms.reconstruction, recon, 'reconstruction');
  close(r.terms.l1_wave, l1w, 'l1_wave');
  close(r.terms.l1_attr, l1a, 'l1_attr');
  assert.ok(r.terms.reconstruction > 1e-6);
  assert.equal(r.coeffs!.length, nBlocks);
});

test('2D: the SWT objective\'s gradient matches central finite differences, term by term; adjoint ⟨S c, y⟩ = ⟨c, Sᵀ y⟩', () => {
  const R = 8, C = 8, J = 2, b = 2;
  const h = filter();
  const x = rand(b * R * C);
  const u = rand(b * R * C);
  const engine = makeEngine([R, C], h.length, 'zero', J, 'swt');
  const weights = { l1_wave: 0.3, l1_attr: 0.2 };
  const r = awdLoss(engine, h, x, u, b, { weights, termGrads: true });
  const eps = 1e-6;
  for (const term of ['reconstruction', 'l1_wave', 'l1_attr'] as const) {
    for (let i = 0; i < h.length; i++) {
      const hp = Float64Array.from(h); hp[i] += eps;
      const hm = Float64Array.from(h); hm[i] -= eps;
      const fd = (awdLoss(engine, hp, x, u, b, { weights }).terms[term] - awdLoss(engine, hm, x, u, b, { weights }).terms[term]) / (2 * eps);
      const an = r.termGrads![term][i];
      assert.ok(Math.abs(fd - an) <= 1e-5 * (1 + Math.abs(fd)), `${term} ∂/∂h[${i}]: analytic ${an} vs finite difference ${fd}`);
    }
  }
  const g = highpassOf(h);
  const c = Array.from({ length: 3 * J + 1 }, () => rand(b * R * C));
  const y = rand(b * R * C);
  const Sc = engine.synthesize(c, b, h, g).out;
  const STy = engine.synthesizeBackward(null, b, y, h, g, null, null);
  let lhs = 0, rhs = 0;
  for (let i = 0; i < y.length; i++) lhs += Sc[i] * y[i];
  c.forEach((blk, k) => { for (let i = 0; i < blk.length; i++) rhs += blk[i] * STy[k][i]; });
  assert.ok(Math.abs(lhs - rhs) <= 1e-12 * (1 + Math.abs(lhs)), `${lhs} vs ${rhs}`);
});

test('a fitted SWT wavelet keeps its transform through saveWavelet / loadWavelet', async () => {
  const { saveWavelet, loadWavelet } = await import('../../src/awd/serialize.ts');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'awd-swt-'));
  try {
    const X = ndarray(rand(20 * 16), [20, 16]);
    const w = AdaptiveWavelet.fit(X, { teacherGrads: ndarray(rand(20 * 16), [20, 16]), levels: 2, epochs: 1, wavelet: 'db2', transform: 'swt' });
    saveWavelet(w, join(dir, 'w.json'));
    const back = loadWavelet(join(dir, 'w.json'));
    assert.equal(back.transformKind, 'swt');
    const a = w.transform(X);
    const b = back.transform(X);
    assert.equal(b.length, 3);
    a.forEach((blk, k) => assert.deepEqual(Array.from(b[k].data), Array.from(blk.data), `block ${k}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
