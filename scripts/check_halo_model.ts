/**
 * Validates the halo model of the convergence-map simulator (`simulator: 'halo'`,
 * docs/cosmology-simulator.md, "The halo model") against the theory it implements, and writes the
 * figures of that section (docs/img/halo-*.svg):
 *
 *  1. power spectrum of noiseless, unsmoothed 256×256 maps vs C_bg(ℓ) + C_1h(ℓ) = C(ℓ) (the lognormal
 *     background's C − C_1h plus the halos' 1-halo term), and of the halo part
 *     alone vs C_1h(ℓ) (bin averages over the FFT modes of each ℓ bin);
 *  2. one-point distribution: pixel variance and skewness of unsmoothed maps vs their exact
 *     cumulants (lognormal: κ_0²(e^s − 1), κ_0³(e^s − 1)²(e^s + 2) with s = σ_G²; halos: Poisson
 *     shot-noise cumulants N/n_pix · Σ_p v_p^k of single painted halos, one per (z, M) cell;
 *     noise: σ_n²), and the pixel histograms of the study's maps (noise, 1′ smoothing);
 *  3. peak counts per map above ν (κ in units of the smoothed noise's std) vs Ω_m at σ8 = 0.8,
 *     halo vs lognormal maps (64×64, the study's settings);
 *  4. which peaks are halo-dominated: for peaks above ν, the fraction whose halo part is more than
 *     half the peak's κ, and the fraction within max(θ_s, 1 pixel) of a halo of M ≥ 10¹⁴ M_sun/h
 *     (with the fraction of all pixels that are, as the chance baseline), at 64 and 256;
 *  5. time per map of both simulators at 64×64 and 256×256 (all 10 cosmologies).
 *
 *   nice -n 10 node --import tsx scripts/check_halo_model.ts [--maps64 100] [--maps256 10] [--seed 0] [--out f.json] [--figures docs/img]
 */
import { COSMOLOGIES, simulateMap, simulateMapFor, simulateMapComponents, mapSeed, cosmologyModel, convergencePowerSpectrum, oneHaloPowerSpectrum, backgroundPowerSpectrum, type Cosmology, type SimulatorOptions } from '../src/data/convergence.ts';
import { haloTable, haloLens, paintHalos } from '../src/data/halos.ts';
import { Fft2, fftIndexFreq } from '../src/data/fft2.ts';
import { findPeaks } from '../src/predictors/peaks.ts';
import { linePlot, PALETTE, type Series } from '../src/report/svg.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';
import { Rng } from '../src/util/rng.ts';
import { join } from 'node:path';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const maps64 = Number(arg('maps64', '100'));
const maps256 = Number(arg('maps256', '10'));
const seed = Number(arg('seed', '0'));
const outPath = arg('out', '');
const figDir = arg('figures', '');
const out: Record<string, unknown> = { seed, maps64, maps256 };
const f = (v: number, d: number): string => v.toFixed(d);
const ARCMIN = Math.PI / (180 * 60);
const FIELD = 3.5 * 60 * ARCMIN;
const SWEEP: Cosmology[] = [0.18, 0.24, 0.3, 0.36, 0.42].map((omegaM) => ({ omegaM, sigma8: 0.8 }));
const figure = (name: string, svg: string): void => {
  if (figDir) writeFileAtomic(join(figDir, name), svg);
};

// ---- 1. power spectrum --------------------------------------------------------------------
{
  const n = 256;
  const fft = new Fft2(n, n);
  const pixSr = (FIELD / n) ** 2;
  const dEll = (2 * Math.PI) / FIELD;
  const nb = 14;
  const lo = Math.log(dEll);
  const hi = Math.log(dEll * (n / 2));
  const binOf = (ell: number): number => Math.min(nb - 1, Math.floor(((Math.log(ell) - lo) / (hi - lo)) * nb));
  const opts: SimulatorOptions = { size: n, noise: false, smoothingArcmin: 0, simulator: 'halo' };
  console.log(`\n### Power spectrum, 256×256, noiseless and unsmoothed, ${maps256} maps per cosmology\n`);
  console.log('| Ω_m | ℓ (bin centre) | measured / (C_bg + C_1h) | halo part / C_1h | C_1h / C |');
  console.log('| --- | --- | --- | --- | --- |');
  const rows: unknown[] = [];
  const series: Series[] = [];
  SWEEP.filter((_, i) => i % 2 === 0).forEach((cos, ci) => {
    const meas = new Float64Array(nb);
    const measH = new Float64Array(nb);
    const theo = new Float64Array(nb);
    const theoH = new Float64Array(nb);
    const theoLn = new Float64Array(nb);
    const cnt = new Float64Array(nb);
    const ellSum = new Float64Array(nb);
    for (let u = 0; u < n; u++) {
      for (let v = 0; v < n; v++) {
        const k = Math.hypot(fftIndexFreq(u, n), fftIndexFreq(v, n));
        if (k === 0 || k > n / 2) continue;
        const ell = dEll * k;
        const b = binOf(ell);
        const c1 = oneHaloPowerSpectrum(cos, ell);
        const c0 = convergencePowerSpectrum(cos, ell);
        theo[b] += backgroundPowerSpectrum(cos, ell) + c1;
        theoH[b] += c1;
        theoLn[b] += c0;
        cnt[b]++;
        ellSum[b] += ell;
      }
    }
    for (let i = 0; i < maps256; i++) {
      const m = simulateMapComponents(cos, mapSeed(seed, 50 + ci, i), opts);
      for (const [x, acc] of [[m.kappa, meas], [m.haloKappa, measH]] as const) {
        const X = fft.forward(x);
        for (let u = 0; u < n; u++) {
          for (let v = 0; v < n; v++) {
            const k = Math.hypot(fftIndexFreq(u, n), fftIndexFreq(v, n));
            if (k === 0 || k > n / 2) continue;
            const j = 2 * (u * n + v);
            acc[binOf(dEll * k)] += ((X[j] ** 2 + X[j + 1] ** 2) * pixSr) / (n * n) / maps256;
          }
        }
      }
    }
    const ells: number[] = [];
    const d2 = (c: number, ell: number) => (ell * ell * c) / (2 * Math.PI);
    const [mT, tT, mH, tH, tL] = [[], [], [], [], []] as number[][];
    for (let b = 0; b < nb; b++) {
      if (cnt[b] === 0) continue;
      const ell = ellSum[b] / cnt[b];
      ells.push(Math.log10(ell));
      const r = { omegaM: cos.omegaM, ell, ratio: meas[b] / theo[b], haloRatio: measH[b] / theoH[b], oneHaloFraction: theoH[b] / theoLn[b] };
      rows.push(r);
      mT.push(d2(meas[b] / cnt[b], ell));
      tT.push(d2(theo[b] / cnt[b], ell));
      mH.push(d2(measH[b] / cnt[b], ell));
      tH.push(d2(theoH[b] / cnt[b], ell));
      tL.push(d2(theoLn[b] / cnt[b], ell));
      if (b % 2 === 1) console.log(`| ${cos.omegaM} | ${f(ell, 0)} | ${f(r.ratio, 3)} | ${f(r.haloRatio, 3)} | ${f(r.oneHaloFraction, 3)} |`);
    }
    const color = PALETTE[ci];
    series.push({ label: `${cos.omegaM} maps`, x: ells, y: mT, color, width: 2.4 });
    series.push({ label: `${cos.omegaM} theory`, x: ells, y: tT, color, dashed: true });
    series.push({ label: `${cos.omegaM} halo part`, x: ells, y: mH, color, width: 1 });
    series.push({ label: `${cos.omegaM} C_1h`, x: ells, y: tH, color, dashed: true, width: 1 });
  });
  out.powerSpectrum = rows;
  figure('halo-power-spectrum.svg', linePlot(series, {
    title: 'Halo maps, Ω_m = 0.18 / 0.3 / 0.42 (σ8 = 0.8): measured (solid), theory C_bg + C_1h (dashed)',
    xLabel: 'log10 ℓ', yLabel: 'ℓ²C(ℓ)/2π', logY: true, width: 760, height: 420,
  }));
}

// ---- 2. one-point distribution --------------------------------------------------------------
/** Halo shot-noise cumulants κ_2, κ_3 of the pixel value (per map of size n, unsmoothed). */
function haloCumulants(cos: Cosmology, n: number): { k2: number; k3: number } {
  const t = haloTable(cos.omegaM, cos.sigma8);
  const nM = t.lnMassEdges.length - 1;
  const area = FIELD * FIELD;
  const pix = FIELD / n;
  const rng = new Rng(17);
  const reps = 3;
  const buf = new Float64Array(n * n);
  let k2 = 0;
  let k3 = 0;
  for (let zi = 0; zi < t.slices.length; zi++) {
    for (let mi = 0; mi < nM; mi++) {
      const perMap = t.perSr[zi * nM + mi] * area;
      for (let r = 0; r < reps; r++) {
        const lnM = t.lnMassEdges[mi] + rng.uniform() * (t.lnMassEdges[mi + 1] - t.lnMassEdges[mi]);
        const h = { ...haloLens(t, zi, Math.exp(lnM)), row: n / 2 + rng.uniform(), col: n / 2 + rng.uniform() };
        buf.fill(0);
        paintHalos(buf, n, pix, [h]);
        let s2 = 0;
        let s3 = 0;
        for (const v of buf) {
          s2 += v * v;
          s3 += v * v * v;
        }
        k2 += (perMap * s2) / (n * n) / reps;
        k3 += (perMap * s3) / (n * n) / reps;
      }
    }
  }
  return { k2, k3 };
}

function moments(x: Float64Array, acc: { s1: number; s2: number; s3: number; n: number }): void {
  for (const v of x) {
    acc.s1 += v;
    acc.s2 += v * v;
    acc.s3 += v * v * v;
  }
  acc.n += x.length;
}
function varSkew(a: { s1: number; s2: number; s3: number; n: number }): { variance: number; skewness: number } {
  const m = a.s1 / a.n;
  const v = a.s2 / a.n - m * m;
  return { variance: v, skewness: (a.s3 / a.n - 3 * m * v - m ** 3) / v ** 1.5 };
}
{
  console.log(`\n### One-point distribution: unsmoothed 64×64 maps with noise, ${maps64} maps each, vs exact cumulants\n`);
  console.log('| Ω_m | simulator | pixel variance (theory) | skewness (theory) | skewness, study maps (1′ smoothing) |');
  console.log('| --- | --- | --- | --- | --- |');
  const rows: unknown[] = [];
  const histSeries: Series[] = [];
  const edges = Array.from({ length: 41 }, (_, i) => -0.08 + (i * 0.34) / 40);
  SWEEP.forEach((cos, ci) => {
    for (const sim of ['lognormal', 'halo'] as const) {
      const m = cosmologyModel(cos, { size: 64, simulator: sim });
      const e = Math.exp(m.gaussianVariance) - 1;
      let k2 = m.shift ** 2 * e + m.noiseStd ** 2;
      let k3 = m.shift ** 3 * e * e * (e + 3);
      if (sim === 'halo') {
        const h = haloCumulants(cos, 64);
        k2 += h.k2;
        k3 += h.k3;
      }
      const raw = { s1: 0, s2: 0, s3: 0, n: 0 };
      const sm = { s1: 0, s2: 0, s3: 0, n: 0 };
      const hist = new Float64Array(edges.length - 1);
      for (let i = 0; i < maps64; i++) {
        moments(simulateMapFor(cos, mapSeed(seed, 60 + ci, i), { size: 64, smoothingArcmin: 0, simulator: sim }), raw);
        const x = simulateMapFor(cos, mapSeed(seed, 60 + ci, i), { size: 64, simulator: sim });
        moments(x, sm);
        for (const v of x) {
          const b = Math.floor((v - edges[0]) / (edges[1] - edges[0]));
          if (b >= 0 && b < hist.length) hist[b] += 1 / (maps64 * 64 * 64 * (edges[1] - edges[0]));
        }
      }
      const r = varSkew(raw);
      const s = varSkew(sm);
      rows.push({ omegaM: cos.omegaM, simulator: sim, variance: r.variance, varianceTheory: k2, skewness: r.skewness, skewnessTheory: k3 / k2 ** 1.5, smoothedSkewness: s.skewness, smoothedVariance: s.variance });
      console.log(`| ${cos.omegaM} | ${sim} | ${r.variance.toExponential(3)} (${k2.toExponential(3)}) | ${f(r.skewness, 3)} (${f(k3 / k2 ** 1.5, 3)}) | ${f(s.skewness, 3)} |`);
      if (ci % 2 === 0) {
        histSeries.push({ label: `Ω_m=${cos.omegaM} ${sim}`, x: edges.slice(0, -1).map((v) => v + (edges[1] - edges[0]) / 2), y: Array.from(hist), color: PALETTE[ci / 2], dashed: sim === 'lognormal' });
      }
    }
  });
  out.onePoint = rows;
  figure('halo-pixel-pdf.svg', linePlot(histSeries, { title: 'Pixel PDF of the study\'s maps (64×64, noise, 1′ smoothing; σ8 = 0.8)', xLabel: 'κ', yLabel: 'density', logY: true, width: 620, height: 380 }));
}

// ---- 3. peak counts vs Ω_m and height; 4. halo dominance -------------------------------------
function smoothedNoiseStd(n: number): number {
  const m = cosmologyModel(COSMOLOGIES[0], { size: n });
  const dEll = (2 * Math.PI) / FIELD;
  let s = 0;
  for (let u = 0; u < n; u++) for (let v = 0; v < n; v++) {
    const ell = dEll * Math.hypot(fftIndexFreq(u, n), fftIndexFreq(v, n));
    s += Math.exp(-((ell * ARCMIN) ** 2));
  }
  return m.noiseStd * Math.sqrt(s / (n * n));
}
const NUS = [1, 2, 3, 4, 5, 6, 8, 10];
{
  const n = 64;
  const sn = smoothedNoiseStd(n);
  console.log(`\n### Peak counts per map above ν (κ / σ_noise, σ_noise = ${f(sn, 4)} after smoothing), 64×64, σ8 = 0.8, ${maps64} maps each\n`);
  console.log(`| Ω_m | simulator | ${NUS.map((v) => `ν>${v}`).join(' | ')} |`);
  console.log(`| --- | --- | ${NUS.map(() => '---').join(' | ')} |`);
  const rows: unknown[] = [];
  const series: Series[] = [];
  SWEEP.forEach((cos, ci) => {
    for (const sim of ['lognormal', 'halo'] as const) {
      const counts = new Float64Array(NUS.length);
      for (let i = 0; i < maps64; i++) {
        const x = simulateMapFor(cos, mapSeed(seed, 70 + ci, i), { size: n, simulator: sim });
        for (const p of findPeaks(x, n, n)) NUS.forEach((nu, j) => (counts[j] += x[p] > nu * sn ? 1 / maps64 : 0));
      }
      rows.push({ omegaM: cos.omegaM, simulator: sim, nu: NUS, peaksPerMap: Array.from(counts) });
      console.log(`| ${cos.omegaM} | ${sim} | ${Array.from(counts, (c) => f(c, 2)).join(' | ')} |`);
      if (ci % 2 === 0) series.push({ label: `Ω_m=${cos.omegaM} ${sim}`, x: NUS, y: Array.from(counts), color: PALETTE[ci / 2], dashed: sim === 'lognormal' });
    }
  });
  out.peakCounts = { noiseStd: sn, rows };
  figure('halo-peak-counts.svg', linePlot(series, { title: 'Peaks per map above ν (64×64, noise, 1′; halo solid, lognormal dashed)', xLabel: 'ν = κ / σ_noise', yLabel: 'peaks per map', logY: true, width: 620, height: 380 }));
}
{
  const series: Series[] = [];
  const all: unknown[] = [];
  for (const [n, maps] of [[64, maps64], [256, maps256]] as const) {
    const sn = smoothedNoiseStd(n);
    const share = new Float64Array(NUS.length);
    const near = new Float64Array(NUS.length);
    const total = new Float64Array(NUS.length);
    let basePix = 0;
    const cos = COSMOLOGIES[5];
    for (let i = 0; i < maps; i++) {
      const m = simulateMapComponents(cos, mapSeed(seed, 80, i), { size: n, simulator: 'halo' });
      const pixRad = (FIELD / n);
      const big = m.halos.filter((h) => h.mass >= 1e14);
      const mark = new Uint8Array(n * n);
      for (const h of big) {
        const rad = Math.max(h.thetaS / pixRad, 1);
        for (let r = Math.floor(h.row - rad); r <= Math.ceil(h.row + rad); r++) {
          for (let c = Math.floor(h.col - rad); c <= Math.ceil(h.col + rad); c++) {
            if ((r - h.row) ** 2 + (c - h.col) ** 2 <= rad * rad) mark[(((r % n) + n) % n) * n + (((c % n) + n) % n)] = 1;
          }
        }
      }
      for (const v of mark) basePix += v / (n * n * maps);
      for (const p of findPeaks(m.kappa, n, n)) {
        NUS.forEach((nu, j) => {
          if (m.kappa[p] <= nu * sn) return;
          total[j]++;
          if (m.haloKappa[p] > 0.5 * m.kappa[p]) share[j]++;
          if (mark[p]) near[j]++;
        });
      }
    }
    const row = { size: n, cosmology: cos, maps, noiseStd: sn, nu: NUS, peaks: Array.from(total), haloShareAboveHalf: Array.from(share, (s, j) => s / total[j]), nearMassiveHalo: Array.from(near, (s, j) => s / total[j]), baselinePixelFraction: basePix };
    all.push(row);
    console.log(`\n### Halo-dominated peaks, ${n}×${n}, cosmology 5 (Ω_m 0.31, σ8 0.91), ${maps} maps\n`);
    console.log(`| | ${NUS.map((v) => `ν>${v}`).join(' | ')} |`);
    console.log(`| --- | ${NUS.map(() => '---').join(' | ')} |`);
    console.log(`| peaks per map | ${Array.from(total, (t) => f(t / maps, 2)).join(' | ')} |`);
    console.log(`| halo part > ½ of κ | ${row.haloShareAboveHalf.map((v) => (Number.isFinite(v) ? f(v, 2) : '–')).join(' | ')} |`);
    console.log(`| within max(θ_s, 1 px) of a M ≥ 10¹⁴ halo | ${row.nearMassiveHalo.map((v) => (Number.isFinite(v) ? f(v, 2) : '–')).join(' | ')} |`);
    console.log(`\n(fraction of all pixels within max(θ_s, 1 px) of a M ≥ 10¹⁴ halo: ${f(basePix, 3)})`);
    const color = PALETTE[n === 64 ? 0 : 1];
    series.push({ label: `${n}²: halo > ½ κ`, x: NUS, y: row.haloShareAboveHalf, color });
    series.push({ label: `${n}²: on M≥1e14`, x: NUS, y: row.nearMassiveHalo, color, dashed: true });
    series.push({ label: `${n}²: chance`, x: NUS, y: NUS.map(() => basePix), color, width: 0.8, dashed: true });
  }
  out.haloDominance = all;
  figure('halo-peak-dominance.svg', linePlot(series, { title: 'Peaks above ν with halo part > ½ κ (solid) or on a M ≥ 1e14 halo (dashed)', xLabel: 'ν = κ / σ_noise', yLabel: 'fraction of peaks', width: 760, height: 420 }));
}

// ---- 5. time per map -----------------------------------------------------------------------
{
  console.log('\n### Time per map (ms), all 10 cosmologies, mean over maps (after one warm-up map each)\n');
  console.log('| size | maps per cosmology | lognormal | halo | halos per map (mean) |');
  console.log('| --- | --- | --- | --- | --- |');
  const rows: unknown[] = [];
  for (const [n, maps] of [[64, Math.min(maps64, 50)], [256, Math.min(maps256, 5)]] as const) {
    const ms: Record<string, number> = {};
    for (const sim of ['lognormal', 'halo'] as const) {
      for (let c = 0; c < 10; c++) simulateMap(c, 9999, { size: n, simulator: sim });
      const t0 = performance.now();
      for (let c = 0; c < 10; c++) for (let i = 0; i < maps; i++) simulateMap(c, i, { size: n, seed, simulator: sim });
      ms[sim] = (performance.now() - t0) / (10 * maps);
    }
    const halos = COSMOLOGIES.reduce((a, c) => a + cosmologyModel(c, { size: n, simulator: 'halo' }).expectedHalos, 0) / 10;
    rows.push({ size: n, maps, msLognormal: ms.lognormal, msHalo: ms.halo, halosPerMap: halos });
    console.log(`| ${n} | ${maps} | ${f(ms.lognormal, 1)} | ${f(ms.halo, 1)} | ${f(halos, 0)} |`);
  }
  out.timing = rows;
}

if (outPath) writeJsonAtomic(outPath, out);
