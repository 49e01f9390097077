import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HALO_MODEL,
  nfwProjected,
  nfwFourier,
  nfwMassFactor,
  shethTormen,
  sigmaR,
  growthFactor,
  comovingDistance,
  sineCosineIntegrals,
  haloTable,
  haloLens,
  sampleHalos,
  paintHalos,
  oneHaloSpectrum,
} from '../../src/data/halos.ts';
import {
  COSMOLOGIES,
  simulateMap,
  simulateMapFor,
  simulateMapComponents,
  mapBatches,
  cosmologyModel,
  mapSeed,
  convergencePowerSpectrum,
  oneHaloPowerSpectrum,
} from '../../src/data/convergence.ts';
import { findPeaks } from '../../src/predictors/peaks.ts';
import { Rng } from '../../src/util/rng.ts';

/** Simpson's rule of f on [a, b] with n (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

test('projected truncated NFW: integrates to the mass inside r_200 and equals the line-of-sight integral of ρ', () => {
  for (const c of [3, 5.5, 10]) {
    // ∫_0^c x F(x) dx = m(c), i.e. ∫ 2πR Σ dR = M (substitution x = c s² removes the edge's square root)
    const enclosed = simpson((s) => (s === 0 ? 0 : 2 * c * s * (c * s * s) * nfwProjected(c * s * s, c)), 0, 1, 200000);
    assert.ok(Math.abs(enclosed / nfwMassFactor(c) - 1) < 2e-4, `c=${c}: ${enclosed} vs ${nfwMassFactor(c)}`);
    // F(x) = ∫_0^√(c²−x²) dl / (r (1 + r)²), r = √(x² + l²): Σ = 2∫ρ dl in units of M/(2π r_s² m(c))
    for (const x of [0.05, 0.5, 0.999995, 1, 1.3, 2.5, 0.9 * c]) {
      if (x >= c) continue;
      const L = Math.sqrt(c * c - x * x);
      // l = L (1 − (1 − t)²): dense near l = L, where the integrand's range ends with a square root in x
      const los = simpson((t) => {
        const l = L * (1 - (1 - t) ** 2);
        const r = Math.hypot(x, l);
        return (2 * L * (1 - t)) / (r * (1 + r) ** 2);
      }, 0, 1, 20000);
      const F = nfwProjected(x, c);
      assert.ok(Math.abs(F / los - 1) < 1e-5, `c=${c}, x=${x}: F=${F}, line of sight ${los}`);
    }
    assert.equal(nfwProjected(c, c), 0);
    assert.equal(nfwProjected(c * 1.01, c), 0);
  }
});

test('Si, Ci and the NFW Fourier transform match numerical integrals', () => {
  // Si(x) = ∫_0^x sin t / t dt; Ci(x) − Ci(1) = ∫_1^x cos t / t dt
  for (const x of [0.3, 1.7, 2.5, 9, 40]) {
    const { si, ci } = sineCosineIntegrals(x);
    assert.ok(Math.abs(si - simpson((t) => (t === 0 ? 1 : Math.sin(t) / t), 0, x, 40000)) < 1e-9, `Si(${x})`);
    const ci1 = sineCosineIntegrals(1).ci;
    assert.ok(Math.abs(ci - ci1 - simpson((t) => Math.cos(t) / t, 1, x, 40000)) < 1e-8, `Ci(${x})`);
  }
  assert.ok(Math.abs(sineCosineIntegrals(1).ci - 0.3374039229009681) < 1e-12);
  // u(k) = (1/m(c)) ∫_0^c r sin(kr) / (kr (1 + r)²) dr (k in 1/r_s)
  for (const c of [4, 9]) {
    for (const k of [1e-3, 0.3, 1.5, 6, 30]) {
      const num = simpson((r) => (r === 0 ? 0 : (r * Math.sin(k * r)) / (k * r * (1 + r) ** 2)), 0, c, 40000) / nfwMassFactor(c);
      assert.ok(Math.abs(nfwFourier(k, c) - num) < 1e-7, `c=${c}, k=${k}: ${nfwFourier(k, c)} vs ${num}`);
    }
  }
});

test('Sheth–Tormen: ∫ f dln ν = 1 with A = 0.3222 (the analytic normalisation A⁻¹ = 1 + 2^−p Γ(½−p)/√π)', () => {
  const num = simpson((t) => shethTormen(Math.exp(t)), Math.log(1e-14), Math.log(30), 200000);
  const gammaOf02 = 4.590843711998803; // Γ(0.2) for p = 0.3
  const exact = HALO_MODEL.stA * (1 + (2 ** -HALO_MODEL.stP * gammaOf02) / Math.sqrt(Math.PI));
  assert.ok(Math.abs(num - exact) < 1e-4, `${num} vs ${exact}`);
  assert.ok(Math.abs(num - 1) < 1e-3);
});

test('background cosmology: σ(8) = σ8, growth and distance exact for Ω_m = 1', () => {
  assert.ok(Math.abs(sigmaR(0.3, 0.8, 8) - 0.8) < 1e-12);
  assert.ok(sigmaR(0.3, 0.8, 4) > sigmaR(0.3, 0.8, 8) && sigmaR(0.3, 0.8, 16) < 0.8);
  for (const z of [0.3, 1, 2]) {
    assert.ok(Math.abs(growthFactor(0.999999, z) - 1 / (1 + z)) < 1e-5, `D(${z})`);
    assert.ok(Math.abs(comovingDistance(1 - 1e-12, z) / (2 * 2997.92458 * (1 - 1 / Math.sqrt(1 + z))) - 1) < 1e-9);
  }
  assert.ok(growthFactor(0.3, 1) > 1 / 2, 'Λ slows growth: D(1)/D(0) > the EdS 1/2');
});

test('halo table: more halos with σ8 and Ω_m; the drawn numbers follow the Poisson mean; the cell lens rescaling is exact', () => {
  const area = (3.5 * Math.PI / 180) ** 2;
  const n = (om: number, s8: number) => haloTable(om, s8).cumulative.at(-1)! * area;
  assert.ok(n(0.3, 0.9) > n(0.3, 0.7) && n(0.4, 0.8) > n(0.2, 0.8));
  const t = haloTable(0.3, 0.8);
  const rng = new Rng(5);
  let total = 0;
  const draws = 8;
  let maxDev = 0;
  for (let i = 0; i < draws; i++) {
    const hs = sampleHalos(t, area, 64, rng);
    total += hs.length;
    for (const h of hs.slice(0, 20)) {
      assert.ok(h.mass >= HALO_MODEL.minMass * 0.999999 && h.mass <= HALO_MODEL.maxMass);
      assert.ok(h.row >= 0 && h.row < 64 && h.col >= 0 && h.col < 64);
      const zi = t.slices.findIndex((s) => s.z === h.z);
      const ref = haloLens(t, zi, h.mass);
      for (const k of ['concentration', 'thetaS', 'kappaS', 'kappaIntegral'] as const) {
        maxDev = Math.max(maxDev, Math.abs(h[k] / ref[k] - 1));
      }
    }
  }
  assert.ok(maxDev < 1e-10, `cell rescaling deviates by ${maxDev}`);
  const mean = n(0.3, 0.8) * draws;
  assert.ok(Math.abs(total - mean) < 5 * Math.sqrt(mean), `${total} halos in ${draws} maps, expected ${mean}`);
});

test('paintHalos conserves every halo\'s ∫κ dΩ and follows the profile away from the centre', () => {
  const t = haloTable(0.3, 0.8);
  const size = 64;
  const pix = ((3.5 * 60) / size) * (Math.PI / 180 / 60);
  const big = { ...haloLens(t, 8, 5e14), row: 10.3, col: 60.7 }; // wraps around the right edge
  const small = { ...haloLens(t, 30, 1.2e13), row: 40.2, col: 20.9 };
  const out = new Float64Array(size * size);
  paintHalos(out, size, pix, [big, small]);
  const sum = out.reduce((a, v) => a + v, 0) * pix * pix;
  assert.ok(Math.abs(sum / (big.kappaIntegral + small.kappaIntegral) - 1) < 1e-12);
  // 2 pixels from the big halo's centre the pixel holds κ_s F(θ/θ_s) (up to the small mass renormalisation)
  const r = 12;
  const c = 62;
  const d = Math.hypot(r - big.row, c - big.col) * pix;
  const expect = big.kappaS * nfwProjected(d / big.thetaS, big.concentration);
  assert.ok(Math.abs(out[r * size + c] / expect - 1) < 0.03, `${out[r * size + c]} vs ${expect}`);
});

test('one-halo spectrum: C_1h(ℓ → 0) = Σ N (∫κ)², interpolated exactly at grid points', () => {
  const t = haloTable(0.3, 0.8);
  const nM = t.lnMassEdges.length - 1;
  let lim = 0;
  for (let zi = 0; zi < t.slices.length; zi++) {
    for (let mi = 0; mi < nM; mi++) {
      const k = haloLens(t, zi, Math.exp(0.5 * (t.lnMassEdges[mi] + t.lnMassEdges[mi + 1]))).kappaIntegral;
      lim += t.perSr[zi * nM + mi] * k * k;
    }
  }
  assert.ok(Math.abs(oneHaloSpectrum(t, [1e-3])[0] / lim - 1) < 1e-9);
  const cos = { omegaM: 0.3, sigma8: 0.8 };
  const [a, b] = oneHaloSpectrum(t, [1000, 1e4]);
  assert.ok(a > b, 'the 1-halo term falls beyond the halos\' scale radii');
  assert.ok(Math.abs(oneHaloPowerSpectrum(cos, 1000) / a - 1) < 1e-9, 'the grid holds ℓ = 1000 exactly');
  assert.ok(a < convergencePowerSpectrum(cos, 1000) && a > 0.05 * convergencePowerSpectrum(cos, 1000));
});

test("simulator 'halo': deterministic, streamable, different from 'lognormal', zero mean, high peaks halo-dominated", () => {
  const o = { size: 64, seed: 3, simulator: 'halo' as const };
  const a = simulateMap(9, 4, o);
  assert.deepEqual(a, simulateMap(9, 4, o));
  assert.ok(a.every(Number.isFinite));
  const ln = simulateMap(9, 4, { size: 64, seed: 3 });
  assert.ok(a.some((v, i) => v !== ln[i]));
  assert.deepEqual(ln, simulateMap(9, 4, { size: 64, seed: 3, simulator: 'lognormal' }), 'the default is lognormal');
  const batches = [...mapBatches({ ...o, mapsPerCosmology: 2, cosmologies: [9, 2], batchSize: 3 })];
  assert.deepEqual(batches[0].X.data.subarray(0, 64 * 64), simulateMap(9, 0, o));
  assert.deepEqual(batches[1].X.data.subarray(0, 64 * 64), simulateMap(2, 1, o));
  const comp = simulateMapComponents(COSMOLOGIES[9], mapSeed(3, 9, 4), o);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(comp.kappa[i] - a[i]) < 1e-12);
  assert.ok(comp.halos.length > 1000 && comp.haloKappa.some((v) => v > 0.02));
  const m = cosmologyModel(COSMOLOGIES[9], o);
  assert.ok(Math.abs(comp.halos.length - m.expectedHalos) < 5 * Math.sqrt(m.expectedHalos));
  // high peaks are halo-dominated: noiseless maps, peaks above 6 map standard deviations
  let all = 0;
  let allHalo = 0;
  let high = 0;
  let highHalo = 0;
  let mean = 0;
  for (let i = 0; i < 12; i++) {
    const m = simulateMapComponents(COSMOLOGIES[5], mapSeed(1, 5, 100 + i), { size: 64, noise: false, simulator: 'halo' });
    const x = m.kappa;
    const mu = x.reduce((s, v) => s + v, 0) / x.length;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - mu) ** 2, 0) / x.length);
    mean += mu / 12;
    for (const p of findPeaks(x, 64, 64)) {
      const dominated = m.haloKappa[p] > 0.5 * x[p] ? 1 : 0;
      all++;
      allHalo += dominated;
      if (x[p] > 6 * sd) {
        high++;
        highHalo += dominated;
      }
    }
  }
  assert.ok(Math.abs(mean) < 2e-3, `halo maps' mean ${mean}`);
  assert.ok(high >= 10, `${high} peaks above 6σ`);
  assert.ok(highHalo / high > 0.5 && highHalo / high > 1.5 * (allHalo / all), `halo-dominated: ${highHalo}/${high} high peaks, ${allHalo}/${all} of all`);
  // the halo part is the heavy tail: its pixels are far more kurtotic than the background's
  const kurt = (x: Float64Array) => {
    const mu = x.reduce((s, v) => s + v, 0) / x.length;
    let m2 = 0;
    let m4 = 0;
    for (const v of x) {
      m2 += (v - mu) ** 2;
      m4 += (v - mu) ** 4;
    }
    return (m4 / x.length) / (m2 / x.length) ** 2 - 3;
  };
  const c = simulateMapComponents(COSMOLOGIES[5], mapSeed(1, 5, 7), { size: 64, noise: false, simulator: 'halo' });
  const bg = c.kappa.map((v, i) => v - c.haloKappa[i]);
  assert.ok(kurt(c.haloKappa) > 3 * kurt(bg), `excess kurtosis: halos ${kurt(c.haloKappa)}, background ${kurt(bg)}`);
});

test('halo model: the background carries C − C_1h, so the pixel variance matches the lognormal maps\'', () => {
  for (const c of [0, 9]) {
    const ln = cosmologyModel(COSMOLOGIES[c], { size: 64 });
    const h = cosmologyModel(COSMOLOGIES[c], { size: 64, simulator: 'halo' });
    assert.equal(ln.simulator, 'lognormal');
    assert.equal(ln.expectedHalos, 0);
    // Σ_k C_1h(ℓ_k) / A_pix / n² + background variance = the lognormal maps' variance (exact by construction)
    const n = 64;
    const L = (3.5 * Math.PI) / 180;
    let oneHalo = 0;
    for (let u = 0; u < n; u++) {
      for (let v = 0; v < n; v++) {
        const fu = u < n / 2 ? u : u - n;
        const fv = v < n / 2 ? v : v - n;
        if (fu === 0 && fv === 0) continue;
        const ell = ((2 * Math.PI) / L) * Math.hypot(fu, fv);
        oneHalo += Math.min(oneHaloPowerSpectrum(COSMOLOGIES[c], ell), (1 - HALO_MODEL.backgroundFloor) * convergencePowerSpectrum(COSMOLOGIES[c], ell)) / (L / n) ** 2;
      }
    }
    oneHalo /= n * n;
    assert.ok(Math.abs(h.kappaVariance + oneHalo - ln.kappaVariance) < 1e-9 * ln.kappaVariance, `${h.kappaVariance} + ${oneHalo} vs ${ln.kappaVariance}`);
    assert.ok(h.kappaVariance < 0.9 * ln.kappaVariance && h.expectedHalos > 1000 && h.haloMeanKappa > 0);
  }
});

test('simulator option: a one-line error for unknown values', () => {
  assert.throws(() => simulateMap(0, 0, { simulator: 'nbody' as never }), /^AwdError: Error in simulateMapFor: simulator must be 'lognormal' or 'halo', got 'nbody'$/m);
  assert.throws(() => simulateMapFor(COSMOLOGIES[0], 1, { simulator: 'Halo' as never }), (e: Error) => !e.message.includes('\n'));
  assert.throws(() => [...mapBatches({ mapsPerCosmology: 1, simulator: 'x' as never })], /simulator must be/);
});
