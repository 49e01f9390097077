/**
 * The halo model behind `simulator: 'halo'` of the convergence-map simulator
 * (docs/cosmology-simulator.md, section "The halo model"): a flat ΛCDM background, the linear
 * matter variance σ(M) (BBKS transfer function normalised to σ8), the Sheth–Tormen mass function,
 * the Duffy et al. (2008) concentration–mass relation, and the projected convergence of NFW halos
 * truncated at r_200m, lensing sources at one redshift z_s.
 *
 * Units: lengths in Mpc/h, masses in M_sun/h, angles in radians, densities comoving unless said
 * physical. Everything here is deterministic; the random draws are in `sampleHalos`.
 */
import { Rng } from '../util/rng.ts';
import { AwdError } from '../util/checks.ts';

/** The settled constants of the halo model (fixed before any AWD run on halo maps; see the docs). */
export const HALO_MODEL = Object.freeze({
  /** Hubble parameter h (enters only the BBKS shape parameter Γ = Ω_m h). */
  h: 0.7,
  /** Primordial spectral index n_s. */
  ns: 0.97,
  /** Source redshift (MassiveNuS maps: z_s = 1). */
  zSource: 1.0,
  /** Lens redshift bins in (0, z_s) (midpoints are used). */
  zBins: 40,
  /** Smallest halo mass drawn, M_sun/h (lighter halos stay in the lognormal background). */
  minMass: 1e13,
  /** Largest halo mass, M_sun/h. */
  maxMass: 1e16,
  /** Mass bins per decade (masses are drawn log-uniformly within a bin). */
  massBinsPerDecade: 20,
  /** Spherical-collapse threshold δ_c. */
  deltaC: 1.686,
  /** Sheth–Tormen parameters (A, a, p); A normalises ∫ f dlnν to 1. */
  stA: 0.3222,
  stQ: 0.707,
  stP: 0.3,
  /** Duffy et al. (2008), full sample, Δ = 200 × mean: c = A (M / M_pivot)^B (1 + z)^C. */
  cA: 10.14,
  cB: -0.081,
  cC: -1.01,
  cPivot: 2e12,
  /** The lognormal background keeps at least this fraction of C(ℓ) (C − C_1h otherwise). */
  backgroundFloor: 0.05,
});

/** c / H0 in Mpc/h. */
const HUBBLE_DISTANCE = 2997.92458;
/** Critical density today, (M_sun/h) / (Mpc/h)³. */
const RHO_CRIT0 = 2.77536627e11;
/** c² / (4πG), M_sun / Mpc (physical): Σ_crit = this · D_s / (D_l D_ls), also in h units. */
const C2_4PIG = 1.6624541e18;

/** E(z) = H(z)/H0 of flat ΛCDM. */
export function hubbleE(omegaM: number, z: number): number {
  const a = 1 + z;
  return Math.sqrt(omegaM * a * a * a + 1 - omegaM);
}

/** Comoving distance χ(z) in Mpc/h (Simpson's rule, 2·256 intervals). */
export function comovingDistance(omegaM: number, z: number): number {
  if (z <= 0) return 0;
  const n = 512;
  const dz = z / n;
  let s = 1 / hubbleE(omegaM, 0) + 1 / hubbleE(omegaM, z);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) / hubbleE(omegaM, i * dz);
  return (HUBBLE_DISTANCE * s * dz) / 3;
}

/**
 * Linear growth factor D(z) / D(0) of flat ΛCDM: D(a) ∝ E(a) ∫_0^a da' / (a' E(a'))³ (exact for
 * ΛCDM), by Simpson's rule in a.
 */
export function growthFactor(omegaM: number, z: number): number {
  const g = (a: number): number => {
    const n = 1024;
    const da = a / n;
    let s = 0;
    for (let i = 1; i <= n; i++) {
      const x = i * da;
      const e = hubbleE(omegaM, 1 / x - 1);
      const f = 1 / (x * e) ** 3;
      s += (i === n ? 1 : i % 2 === 1 ? 4 : 2) * f; // the integrand → 0 as a → 0 (∝ a^{3/2})
    }
    return hubbleE(omegaM, 1 / a - 1) * ((s * da) / 3);
  };
  return g(1 / (1 + z)) / g(1);
}

/** BBKS transfer function at k (h/Mpc) for the shape parameter Γ. */
function bbks(k: number, gamma: number): number {
  const q = k / gamma;
  if (q < 1e-8) return 1;
  return (Math.log(1 + 2.34 * q) / (2.34 * q)) * (1 + 3.89 * q + (16.1 * q) ** 2 + (5.46 * q) ** 3 + (6.71 * q) ** 4) ** -0.25;
}

function topHat(x: number): number {
  if (x < 1e-3) return 1 - (x * x) / 10;
  return (3 * (Math.sin(x) - x * Math.cos(x))) / (x * x * x);
}

/** Linear rms σ(R) at z = 0 of a top-hat sphere of radius R (Mpc/h), normalised so that σ(8) = σ8. */
export function sigmaR(omegaM: number, sigma8: number, radius: number): number {
  const raw = (r: number): number => {
    // ∫ dln k k³ P(k) W²(kR) / (2π²), P ∝ k^n_s T², on ln k ∈ [ln 1e-5, ln 1e3] (Simpson, 2000 intervals)
    const n = 2000;
    const lo = Math.log(1e-5);
    const hi = Math.log(1e3);
    const h = (hi - lo) / n;
    const gamma = omegaM * HALO_MODEL.h;
    let s = 0;
    for (let i = 0; i <= n; i++) {
      const k = Math.exp(lo + i * h);
      const t = bbks(k, gamma);
      const w = topHat(k * r);
      s += (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * k ** (3 + HALO_MODEL.ns) * t * t * w * w;
    }
    return (s * h) / 3;
  };
  return sigma8 * Math.sqrt(raw(radius) / raw(8));
}

/** Mean comoving matter density ρ̄_m, (M_sun/h)/(Mpc/h)³. */
export function meanMatterDensity(omegaM: number): number {
  return omegaM * RHO_CRIT0;
}

/**
 * The Sheth–Tormen multiplicity ν f(ν) per unit ln ν (ν = δ_c/σ): the fraction of mass in halos
 * per unit ln ν, so that ∫ f dln ν = 1 over ν ∈ (0, ∞).
 */
export function shethTormen(nu: number): number {
  const { stA, stQ, stP } = HALO_MODEL;
  const a2 = stQ * nu * nu;
  return stA * Math.sqrt((2 * a2) / Math.PI) * (1 + a2 ** -stP) * Math.exp(-a2 / 2);
}

/** Duffy et al. (2008) concentration c_200m of mass M (M_sun/h) at redshift z. */
export function concentration(mass: number, z: number): number {
  const { cA, cB, cC, cPivot } = HALO_MODEL;
  return cA * (mass / cPivot) ** cB * (1 + z) ** cC;
}

/** r_200m in physical Mpc/h of mass M at redshift z: M = (4π/3) 200 ρ̄_m (1+z)³ r³. */
export function r200m(omegaM: number, mass: number, z: number): number {
  const rho = 200 * meanMatterDensity(omegaM) * (1 + z) ** 3;
  return Math.cbrt((3 * mass) / (4 * Math.PI * rho));
}

/** m(c) = ln(1 + c) − c/(1 + c): the NFW mass inside r_s·c in units of 4πρ_s r_s³. */
export function nfwMassFactor(c: number): number {
  return Math.log(1 + c) - c / (1 + c);
}

/**
 * Dimensionless projected density of an NFW halo truncated at r = c·r_s (Takada & Jain 2003):
 * Σ(R) = M / (2π r_s² m(c)) · F(R / r_s), so that ∫_0^{c r_s} 2πR Σ dR = M. F = 0 for x ≥ c.
 */
export function nfwProjected(x: number, c: number): number {
  if (x >= c) return 0;
  if (x < 1e-8) x = 1e-8;
  const c1 = 1 + c;
  if (Math.abs(x - 1) < 1e-5) return (Math.sqrt(c * c - 1) / (3 * c1)) * (1 + 1 / c1);
  const x2 = x * x;
  const root = Math.sqrt(c * c - x2);
  const arg = (x2 + c) / (x * c1);
  if (x < 1) {
    const q = 1 - x2;
    return (-root / c1 + Math.log(arg + Math.sqrt(arg * arg - 1)) / Math.sqrt(q)) / q; // acosh
  }
  const q = x2 - 1;
  return (root / c1 - Math.acos(Math.min(arg, 1)) / Math.sqrt(q)) / q;
}

/** Sine and cosine integrals Si(x), Ci(x) for x > 0 (series below 2, continued fraction above; Numerical Recipes' cisi). */
export function sineCosineIntegrals(x: number): { si: number; ci: number } {
  const EULER = 0.5772156649015329;
  if (!(x > 0)) throw new AwdError('sineCosineIntegrals', `x must be > 0, got ${x}`);
  if (x > 2) {
    // E1(ix) = −Ci(x) + i(Si(x) − π/2) by the modified Lentz continued fraction
    let br = 1;
    let bi = x;
    let cr = 1e300;
    let ci = 0;
    let dr: number;
    let di: number;
    {
      const den = br * br + bi * bi;
      dr = br / den;
      di = -bi / den;
    }
    let hr = dr;
    let hi = di;
    for (let i = 2; i < 200; i++) {
      const a = -(i - 1) * (i - 1);
      br += 2;
      // d = 1 / (a d + b)
      let tr = a * dr + br;
      let ti = a * di + bi;
      let den = tr * tr + ti * ti;
      dr = tr / den;
      di = -ti / den;
      // c = b + a / c
      den = cr * cr + ci * ci;
      tr = br + (a * cr) / den;
      ti = bi - (a * ci) / den;
      cr = tr;
      ci = ti;
      const delr = cr * dr - ci * di;
      const deli = cr * di + ci * dr;
      const nhr = hr * delr - hi * deli;
      const nhi = hr * deli + hi * delr;
      hr = nhr;
      hi = nhi;
      if (Math.abs(delr - 1) + Math.abs(deli) < 1e-15) break;
    }
    // h ← (cos x − i sin x) h
    const cs = Math.cos(x);
    const sn = Math.sin(x);
    const fr = cs * hr + sn * hi;
    const fi = cs * hi - sn * hr;
    return { ci: -fr, si: Math.PI / 2 + fi };
  }
  // series: Si = Σ (−1)^k x^{2k+1} / ((2k+1)(2k+1)!), Ci = γ + ln x + Σ (−1)^k x^{2k} / (2k (2k)!)
  let si = 0;
  let cis = 0;
  let term = x;
  for (let k = 0; k < 40; k++) {
    // term = (−1)^k x^{2k+1} / (2k+1)!
    si += term / (2 * k + 1);
    const t2 = (-term * x) / (2 * k + 2); // (−1)^{k+1} x^{2k+2} / (2k+2)!
    cis += t2 / (2 * k + 2);
    term = (t2 * x) / (2 * k + 3);
    if (Math.abs(term) < 1e-18) break;
  }
  return { si, ci: EULER + Math.log(x) + cis };
}

/**
 * Normalised Fourier transform u(k) = ∫ ρ e^{-ik·r} d³r / M of an NFW halo truncated at c·r_s
 * (Cooray & Sheth 2002, eq. 81); k in units of 1/r_s. u(0) = 1.
 */
export function nfwFourier(kr: number, c: number): number {
  if (kr < 1e-6) return 1;
  const a = sineCosineIntegrals(kr);
  const b = sineCosineIntegrals((1 + c) * kr);
  const v =
    Math.sin(kr) * (b.si - a.si) - Math.sin(c * kr) / ((1 + c) * kr) + Math.cos(kr) * (b.ci - a.ci);
  return v / nfwMassFactor(c);
}

/** One lens-redshift slice of the halo table. */
interface ZSlice {
  z: number;
  /** Physical angular-diameter distance to the lens, Mpc/h. */
  dA: number;
  /** Σ_crit(z_l, z_s), (M_sun/h)/(Mpc/h)² physical. */
  sigmaCrit: number;
}

/** A cosmology's halo population: expected counts per steradian in (z, ln M) cells. */
export interface HaloTable {
  omegaM: number;
  sigma8: number;
  slices: ZSlice[];
  /** ln M bin edges (nM + 1). */
  lnMassEdges: Float64Array;
  /** Expected halos per steradian in cell (zi, mi), row-major zi·nM + mi. */
  perSr: Float64Array;
  /** Cumulative of perSr (for drawing cells), last entry = total per sr. */
  cumulative: Float64Array;
  /** Expected mean convergence of all halos, Σ N M / (Σ_crit D_A²) per sr. */
  meanKappa: number;
}

const tableCache = new Map<string, HaloTable>();

/**
 * The expected halo counts per steradian of a cosmology, in 40 redshift slices of (0, z_s) and
 * 20 mass bins per decade from `minMass` to `maxMass`: dN/dΩ = dV/dz/dΩ Δz · (ρ̄_m/M) f(ν) |Δ ln ν|
 * with ν = δ_c / (σ(M) D(z)). Cached per (Ω_m, σ8).
 */
export function haloTable(omegaM: number, sigma8: number): HaloTable {
  const key = `${omegaM}|${sigma8}`;
  const hit = tableCache.get(key);
  if (hit) return hit;
  const m = HALO_MODEL;
  const rhoM = meanMatterDensity(omegaM);
  const nM = Math.round(Math.log10(m.maxMass / m.minMass) * m.massBinsPerDecade);
  const lnEdges = new Float64Array(nM + 1);
  for (let i = 0; i <= nM; i++) lnEdges[i] = Math.log(m.minMass) + (i / nM) * Math.log(m.maxMass / m.minMass);
  // σ(M) at the edges (z = 0)
  const sigEdges = new Float64Array(nM + 1);
  for (let i = 0; i <= nM; i++) {
    const r = Math.cbrt((3 * Math.exp(lnEdges[i])) / (4 * Math.PI * rhoM));
    sigEdges[i] = sigmaR(omegaM, sigma8, r);
  }
  const chiS = comovingDistance(omegaM, m.zSource);
  const dz = m.zSource / m.zBins;
  const slices: ZSlice[] = [];
  const perSr = new Float64Array(m.zBins * nM);
  let meanKappa = 0;
  for (let zi = 0; zi < m.zBins; zi++) {
    const z = (zi + 0.5) * dz;
    const chi = comovingDistance(omegaM, z);
    const dA = chi / (1 + z);
    const dS = chiS / (1 + m.zSource);
    const dLS = (chiS - chi) / (1 + m.zSource);
    const sigmaCrit = (C2_4PIG * dS) / (dA * dLS);
    slices.push({ z, dA, sigmaCrit });
    const dVdzdO = (chi * chi * HUBBLE_DISTANCE) / hubbleE(omegaM, z);
    const D = growthFactor(omegaM, z);
    for (let mi = 0; mi < nM; mi++) {
      const nuLo = m.deltaC / (sigEdges[mi] * D);
      const nuHi = m.deltaC / (sigEdges[mi + 1] * D);
      const nuMid = Math.sqrt(nuLo * nuHi);
      const mass = Math.exp(0.5 * (lnEdges[mi] + lnEdges[mi + 1]));
      const n = (rhoM / mass) * shethTormen(nuMid) * Math.log(nuHi / nuLo); // per (Mpc/h)³
      const cnt = n * dVdzdO * dz;
      perSr[zi * nM + mi] = cnt;
      meanKappa += (cnt * mass) / (sigmaCrit * dA * dA);
    }
  }
  const cumulative = new Float64Array(perSr.length);
  let acc = 0;
  for (let i = 0; i < perSr.length; i++) {
    acc += perSr[i];
    cumulative[i] = acc;
  }
  const t: HaloTable = { omegaM, sigma8, slices, lnMassEdges: lnEdges, perSr, cumulative, meanKappa };
  tableCache.set(key, t);
  return t;
}

/** The lensing properties of one halo. */
export interface HaloLens {
  mass: number;
  z: number;
  concentration: number;
  /** Angular scale radius θ_s = r_s / D_A, radians. */
  thetaS: number;
  /** κ normalisation: κ(θ) = kappaS · F(θ/θ_s, c), kappaS = M / (2π r_s² m(c) Σ_crit). */
  kappaS: number;
  /** Total ∫κ dΩ = M / (Σ_crit D_A²), sr. */
  kappaIntegral: number;
}

/** The lens of a halo of mass M in redshift slice `zi` of a table. */
export function haloLens(table: HaloTable, zi: number, mass: number): HaloLens {
  const s = table.slices[zi];
  const c = concentration(mass, s.z);
  const rs = r200m(table.omegaM, mass, s.z) / c;
  return {
    mass,
    z: s.z,
    concentration: c,
    thetaS: rs / s.dA,
    kappaS: mass / (2 * Math.PI * rs * rs * nfwMassFactor(c) * s.sigmaCrit),
    kappaIntegral: mass / (s.sigmaCrit * s.dA * s.dA),
  };
}

/**
 * The 1-halo convergence power spectrum C_1h(ℓ) = Σ_cells dN/dΩ · (M u(ℓ/D_A) / (Σ_crit D_A²))² of
 * the halos of the table (Poisson halos at uniform positions), at each ℓ of `ells`.
 */
export function oneHaloSpectrum(table: HaloTable, ells: ArrayLike<number>): Float64Array {
  const nM = table.lnMassEdges.length - 1;
  const out = new Float64Array(ells.length);
  for (let zi = 0; zi < table.slices.length; zi++) {
    for (let mi = 0; mi < nM; mi++) {
      const cnt = table.perSr[zi * nM + mi];
      if (cnt === 0) continue;
      const lens = haloLens(table, zi, Math.exp(0.5 * (table.lnMassEdges[mi] + table.lnMassEdges[mi + 1])));
      for (let j = 0; j < ells.length; j++) {
        const u = nfwFourier(ells[j] * lens.thetaS, lens.concentration);
        out[j] += cnt * (lens.kappaIntegral * u) ** 2;
      }
    }
  }
  return out;
}

const lensCache = new WeakMap<HaloTable, HaloLens[]>();

/** The lens of every (z, M) cell at the cell's lower mass edge. */
function cellLenses(table: HaloTable): HaloLens[] {
  let l = lensCache.get(table);
  if (!l) {
    const nM = table.lnMassEdges.length - 1;
    l = [];
    for (let zi = 0; zi < table.slices.length; zi++) for (let mi = 0; mi < nM; mi++) l.push(haloLens(table, zi, Math.exp(table.lnMassEdges[mi])));
    lensCache.set(table, l);
  }
  return l;
}

/** A drawn halo: its lens and its position in pixel coordinates (continuous, [0, n)). */
export interface Halo extends HaloLens {
  row: number;
  col: number;
}

/**
 * Draws the halos of one map of `areaSr` steradians: a Poisson number with the table's mean, each
 * in a (z, M) cell drawn by its expected count, ln M uniform within the cell, uniform position.
 */
export function sampleHalos(table: HaloTable, areaSr: number, size: number, rng: Rng): Halo[] {
  const total = table.cumulative[table.cumulative.length - 1];
  const lambda = total * areaSr;
  // Poisson(λ): the number of unit-rate exponential arrivals before λ (exact; O(λ) draws)
  let count = 0;
  let t = -Math.log(1 - rng.uniform());
  while (t < lambda) {
    count++;
    t -= Math.log(1 - rng.uniform());
  }
  const nM = table.lnMassEdges.length - 1;
  const base = cellLenses(table);
  const e = 1 / 3 - HALO_MODEL.cB; // θ_s ∝ r_200m / c ∝ M^(1/3 − B)
  const halos: Halo[] = [];
  for (let h = 0; h < count; h++) {
    const u = rng.uniform() * total;
    let lo = 0;
    let hi = table.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (table.cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    const zi = Math.floor(lo / nM);
    const mi = lo % nM;
    // M = M_lo e^t within the cell; c ∝ M^B, θ_s ∝ M^(1/3 − B), κ_s ∝ M^(1/3 + 2B), ∫κ ∝ M
    // (the cell's lens at its lower edge M_lo, rescaled: exactly haloLens(table, zi, M))
    const t = rng.uniform() * (table.lnMassEdges[mi + 1] - table.lnMassEdges[mi]);
    const b = base[zi * nM + mi];
    const fm = Math.exp(t);
    const conc = b.concentration * Math.exp(HALO_MODEL.cB * t);
    const thetaS = b.thetaS * Math.exp(e * t);
    const kappaIntegral = b.kappaIntegral * fm;
    halos.push({
      mass: b.mass * fm,
      z: b.z,
      concentration: conc,
      thetaS,
      kappaS: kappaIntegral / (2 * Math.PI * thetaS * thetaS * nfwMassFactor(conc)),
      kappaIntegral,
      row: rng.uniform() * size,
      col: rng.uniform() * size,
    });
  }
  return halos;
}

/** Sub-samples per pixel side near a halo's centre (the projected NFW profile has a log cusp). */
const SUB = 4;

/**
 * Adds the convergence of `halos` to the periodic `size × size` map `out` (row-major; pixel (r, c)
 * centred at row r, column c). A halo whose truncation radius r_200m is under one pixel goes whole
 * into its nearest pixel; otherwise each pixel gets the profile at its centre or, within one pixel
 * of the halo's centre, the mean of 4×4 sub-pixel samples, and the halo's painted total is
 * rescaled to its exact ∫κ dΩ (mass conservation at the pixel scale).
 */
export function paintHalos(out: Float64Array, size: number, pixelRad: number, halos: readonly Halo[]): void {
  const pixSr = pixelRad * pixelRad;
  const maxR = (size - 1) / 2;
  let idx = new Int32Array(0);
  let val = new Float64Array(0);
  const wrap = (i: number): number => ((i % size) + size) % size;
  for (const h of halos) {
    const c = h.concentration;
    const ts = h.thetaS / pixelRad; // θ_s in pixels
    const rPix = Math.min(c * ts, maxR);
    if (rPix < 1) {
      out[wrap(Math.round(h.row)) * size + wrap(Math.round(h.col))] += h.kappaIntegral / pixSr;
      continue;
    }
    const r0 = Math.floor(h.row - rPix);
    const r1 = Math.ceil(h.row + rPix);
    const c0 = Math.floor(h.col - rPix);
    const c1 = Math.ceil(h.col + rPix);
    const cap = (r1 - r0 + 1) * (c1 - c0 + 1);
    if (idx.length < cap) {
      idx = new Int32Array(cap);
      val = new Float64Array(cap);
    }
    let k = 0;
    let sum = 0;
    for (let r = r0; r <= r1; r++) {
      const dr = r - h.row;
      const rw = wrap(r);
      for (let q = c0; q <= c1; q++) {
        const dq = q - h.col;
        const d2 = dr * dr + dq * dq;
        let v: number;
        if (d2 < 1) {
          let s = 0;
          for (let a = 0; a < SUB; a++) {
            const sr = dr + (a + 0.5) / SUB - 0.5;
            for (let b = 0; b < SUB; b++) {
              const sq = dq + (b + 0.5) / SUB - 0.5;
              s += nfwProjected(Math.sqrt(sr * sr + sq * sq) / ts, c);
            }
          }
          v = s / (SUB * SUB);
        } else {
          const d = Math.sqrt(d2);
          if (d >= rPix) continue;
          v = nfwProjected(d / ts, c);
        }
        if (v === 0) continue;
        idx[k] = rw * size + wrap(q);
        val[k] = v;
        sum += v;
        k++;
      }
    }
    const scale = h.kappaIntegral / (sum * pixSr);
    for (let j = 0; j < k; j++) out[idx[j]] += val[j] * scale;
  }
}
