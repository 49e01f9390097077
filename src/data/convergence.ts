/**
 * A simulator of weak-lensing convergence (κ) maps standing in for MassiveNuS (which is not
 * reachable from here). Model, parameters and measured statistics: docs/cosmology-simulator.md.
 *
 * One map = a shifted-lognormal random field on a periodic square grid whose power spectrum
 * (amplitude and tilt) and lognormal shift depend on (Ω_m, σ8), plus galaxy shape noise, then
 * Gaussian smoothing. With `simulator: 'halo'`, NFW halos drawn from the Sheth–Tormen mass
 * function (src/data/halos.ts) carry the 1-halo part C_1h of the spectrum and the lognormal field
 * the rest, C − C_1h (the halo model's split; the total stays C). Every map has its own seed
 * derived from (seed, cosmology, map index), so any map can be regenerated alone and data sets of
 * any size can be streamed in bounded memory.
 */
import { Fft2, fftIndexFreq } from './fft2.ts';
import { Rng } from '../util/rng.ts';
import { AwdError, assertInt } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';
import { HALO_MODEL, haloTable, oneHaloSpectrum, paintHalos, sampleHalos, type Halo } from './halos.ts';

/** A cosmology: matter density Ω_m and power-spectrum normalisation σ8. */
export interface Cosmology {
  omegaM: number;
  sigma8: number;
}

/**
 * The 10 simulated cosmologies: Ω_m evenly spread over [0.18, 0.42] (the MassiveNuS range),
 * σ8 over [0.60, 1.00] in a Latin-hypercube order, so that Ω_m and σ8 are not aligned.
 */
export const COSMOLOGIES: readonly Readonly<Cosmology>[] = Object.freeze(
  [
    [0.18, 0.87],
    [0.21, 0.69],
    [0.23, 1.0],
    [0.26, 0.78],
    [0.29, 0.6],
    [0.31, 0.91],
    [0.34, 0.73],
    [0.37, 0.96],
    [0.39, 0.64],
    [0.42, 0.82],
  ].map(([omegaM, sigma8]) => Object.freeze({ omegaM, sigma8 })),
);

/** Options of one simulated map; every field has a documented default. */
export interface SimulatorOptions {
  /** Side of the square map in pixels, a power of two (default 64; the paper uses 256). */
  size?: number;
  /** Master seed (default 0). */
  seed?: number;
  /** Side of the map on the sky in degrees (default 3.5, as MassiveNuS). */
  fieldDeg?: number;
  /** Gaussian smoothing scale θ_s in arcmin, 0 for none (default 1). */
  smoothingArcmin?: number;
  /** Source galaxies per arcmin² (default 30); `Infinity` or `noise: false` for no shape noise. */
  nGal?: number;
  /** Intrinsic ellipticity dispersion σ_e (default 0.4). */
  sigmaE?: number;
  /** Add galaxy shape noise (default true). */
  noise?: boolean;
  /**
   * The sky model (default 'lognormal'): 'halo' = NFW halos drawn from a mass function (the 1-halo
   * term) on a lognormal background carrying the rest of the spectrum (docs/cosmology-simulator.md,
   * "The halo model").
   */
  simulator?: SimulatorKind;
}

/** The sky models of the simulator. */
export type SimulatorKind = 'lognormal' | 'halo';

/** The accepted values of `simulator`. */
export const SIMULATORS: readonly SimulatorKind[] = Object.freeze(['lognormal', 'halo'] as SimulatorKind[]);

/** The model constants (fiducial Ω_m = 0.3, σ8 = 0.8). Exported for the documentation. */
export const MODEL = Object.freeze({
  /** C(ℓ_p) at the fiducial cosmology, in sr (ℓ²C/2π ≈ 1e-4 at ℓ = 1000). */
  amplitudeFid: 6e-10,
  /** Power amplitude ∝ σ8² Ω_m^alpha. */
  alpha: 1.2,
  /** Pivot multipole ℓ_p of the amplitude and the tilt. */
  ellPivot: 1000,
  /** Large-scale turnover ℓ_0. */
  ellTurn: 300,
  /** Slope γ at the fiducial Ω_m: C(ℓ) ∝ ℓ^-γ for ℓ ≫ ℓ_0. */
  tiltFid: 1.25,
  /** dγ/dΩ_m (more matter → more small-scale power → shallower spectrum). */
  tiltSlope: -1.0,
  /** Lognormal shift κ_0 at the fiducial Ω_m. */
  shiftFid: 0.04,
  /** κ_0 ∝ Ω_m^shiftPower (the empty-beam convergence scales with Ω_m). */
  shiftPower: 1.0,
});

/** The derived quantities of one cosmology at one resolution. */
export interface CosmologyModel {
  /** C(ℓ_p) in sr. */
  amplitude: number;
  /** γ: C(ℓ) = A [(1 + (ℓ/ℓ_0)²) / (1 + (ℓ_p/ℓ_0)²)]^(-γ/2). */
  tilt: number;
  /** Lognormal shift κ_0: κ = κ_0 (exp(G − σ_G²/2) − 1) > −κ_0. */
  shift: number;
  /** Pixel variance of κ before noise and smoothing (from the discrete spectrum). */
  kappaVariance: number;
  /** Variance σ_G² of the underlying Gaussian field. */
  gaussianVariance: number;
  /** Pixel side in arcmin. */
  pixelArcmin: number;
  /** Shape-noise standard deviation per pixel, σ_e / sqrt(2 n_gal A_pix). */
  noiseStd: number;
  /** The sky model. */
  simulator: SimulatorKind;
  /** 'halo': expected number of halos per map (M ≥ HALO_MODEL.minMass); 0 otherwise. */
  expectedHalos: number;
  /** 'halo': the halos' expected mean κ, subtracted from every map (zero-mean sky); 0 otherwise. */
  haloMeanKappa: number;
}

interface Resolved {
  size: number;
  seed: number;
  fieldDeg: number;
  smoothingArcmin: number;
  nGal: number;
  sigmaE: number;
  noise: boolean;
  simulator: SimulatorKind;
}

function resolve(where: string, o: SimulatorOptions = {}): Resolved {
  const r: Resolved = {
    size: o.size ?? 64,
    seed: o.seed ?? 0,
    fieldDeg: o.fieldDeg ?? 3.5,
    smoothingArcmin: o.smoothingArcmin ?? 1,
    nGal: o.nGal ?? 30,
    sigmaE: o.sigmaE ?? 0.4,
    noise: o.noise ?? true,
    simulator: o.simulator ?? 'lognormal',
  };
  if (!SIMULATORS.includes(r.simulator)) {
    throw new AwdError(where, `simulator must be 'lognormal' or 'halo', got '${String(r.simulator)}'`);
  }
  if (!Number.isInteger(r.size) || r.size < 4 || (r.size & (r.size - 1)) !== 0) {
    throw new AwdError(where, `size must be a power of two >= 4, got ${r.size}`);
  }
  if (!Number.isFinite(r.seed)) throw new AwdError(where, `seed must be a finite number, got ${r.seed}`);
  if (!(r.fieldDeg > 0)) throw new AwdError(where, `fieldDeg must be > 0, got ${r.fieldDeg}`);
  if (!(r.smoothingArcmin >= 0)) throw new AwdError(where, `smoothingArcmin must be >= 0, got ${r.smoothingArcmin}`);
  if (!(r.nGal > 0)) throw new AwdError(where, `nGal must be > 0, got ${r.nGal}`);
  if (!(r.sigmaE >= 0)) throw new AwdError(where, `sigmaE must be >= 0, got ${r.sigmaE}`);
  return r;
}

function checkCosmology(where: string, c: Cosmology): void {
  if (!(c.omegaM > 0 && c.omegaM < 1) || !(c.sigma8 > 0 && c.sigma8 < 3)) {
    throw new AwdError(where, `cosmology needs 0 < omegaM < 1 and 0 < sigma8 < 3, got ${JSON.stringify(c)}`);
  }
}

const ARCMIN = Math.PI / (180 * 60);

/** Convergence power spectrum C(ℓ) of a cosmology, in sr (ℓ > 0). */
export function convergencePowerSpectrum(cosmology: Cosmology, ell: number): number {
  const m = MODEL;
  const amp = m.amplitudeFid * (cosmology.sigma8 / 0.8) ** 2 * (cosmology.omegaM / 0.3) ** m.alpha;
  const tilt = m.tiltFid + m.tiltSlope * (cosmology.omegaM - 0.3);
  const q = (1 + (ell / m.ellTurn) ** 2) / (1 + (m.ellPivot / m.ellTurn) ** 2);
  return amp * q ** (-tilt / 2);
}

interface Spectral {
  model: CosmologyModel;
  /** sqrt of the eigenvalues of the Gaussian field's circulant covariance, per FFT bin. */
  sqrtLambda: Float64Array;
}

const spectralCache = new Map<string, Spectral>();
const smoothCache = new Map<string, Float64Array>();
const fftCache = new Map<number, Fft2>();

const work = new Map<number, Float64Array>();

/**
 * The complex work array of a map of `npix` pixels, reused from map to map (a fresh 1 MB array per
 * 256×256 map left gigabytes of garbage behind in a streamed run).
 */
function workFor(npix: number): Float64Array {
  let w = work.get(npix);
  if (!w) {
    w = new Float64Array(2 * npix);
    work.set(npix, w);
  }
  return w;
}

function fftFor(size: number): Fft2 {
  let f = fftCache.get(size);
  if (!f) {
    f = new Fft2(size, size);
    fftCache.set(size, f);
  }
  return f;
}

function spectralFor(cosmology: Cosmology, r: Resolved): Spectral {
  const key = `${cosmology.omegaM}|${cosmology.sigma8}|${r.size}|${r.fieldDeg}|${r.nGal}|${r.sigmaE}|${r.noise}|${r.simulator}`;
  const hit = spectralCache.get(key);
  if (hit) return hit;
  const n = r.size;
  const npix = n * n;
  const pixelArcmin = (r.fieldDeg * 60) / n;
  const pixSr = (pixelArcmin * ARCMIN) ** 2;
  const dEll = (2 * Math.PI) / (r.fieldDeg * 60 * ARCMIN);
  const m = MODEL;
  const shift = m.shiftFid * (cosmology.omegaM / 0.3) ** m.shiftPower;
  // Discrete covariance eigenvalues of κ: λ_κ = C(ℓ)/A_pix (so that pixel variance = Σλ/N²);
  // the k = 0 mode is dropped (each map has zero mean). 'halo': the lognormal background carries
  // C(ℓ) − C_1h(ℓ) (the halo model's 2-halo part; at least HALO_MODEL.backgroundFloor · C), the
  // halos the 1-halo part, so the total spectrum stays C(ℓ).
  const spectrum = (ell: number): number =>
    r.simulator === 'halo' ? backgroundPowerSpectrum(cosmology, ell) : convergencePowerSpectrum(cosmology, ell);
  const buf = new Float64Array(2 * npix);
  let kappaVariance = 0;
  for (let u = 0; u < n; u++) {
    const fu = fftIndexFreq(u, n);
    for (let v = 0; v < n; v++) {
      const fv = fftIndexFreq(v, n);
      const ell = dEll * Math.hypot(fu, fv);
      const lam = ell === 0 ? 0 : spectrum(ell) / pixSr;
      buf[2 * (u * n + v)] = lam;
      kappaVariance += lam;
    }
  }
  kappaVariance /= npix;
  // Lognormal transform of the correlation function: ξ_G = ln(1 + ξ_κ/κ_0²), so that
  // κ = κ_0 (exp(G − σ_G²/2) − 1) has exactly the target spectrum (up to clipping below).
  const fft = fftFor(n);
  fft.inverseComplex(buf);
  for (let i = 0; i < npix; i++) {
    const arg = Math.max(1 + buf[2 * i] / (shift * shift), 1e-12);
    buf[2 * i] = Math.log(arg);
    buf[2 * i + 1] = 0;
  }
  fft.forwardComplex(buf);
  const sqrtLambda = new Float64Array(npix);
  let gaussianVariance = 0;
  for (let i = 0; i < npix; i++) {
    const lam = Math.max(buf[2 * i], 0); // clip the (tiny) negative eigenvalues
    sqrtLambda[i] = Math.sqrt(lam);
    gaussianVariance += lam;
  }
  gaussianVariance /= npix;
  const noiseStd = r.noise && Number.isFinite(r.nGal) ? r.sigmaE / Math.sqrt(2 * r.nGal * pixelArcmin * pixelArcmin) : 0;
  const model: CosmologyModel = {
    amplitude: m.amplitudeFid * (cosmology.sigma8 / 0.8) ** 2 * (cosmology.omegaM / 0.3) ** m.alpha,
    tilt: m.tiltFid + m.tiltSlope * (cosmology.omegaM - 0.3),
    shift,
    kappaVariance,
    gaussianVariance,
    pixelArcmin,
    noiseStd,
    simulator: r.simulator,
    expectedHalos: 0,
    haloMeanKappa: 0,
  };
  if (r.simulator === 'halo') {
    const t = haloTable(cosmology.omegaM, cosmology.sigma8);
    model.expectedHalos = t.cumulative[t.cumulative.length - 1] * (r.fieldDeg * 60 * ARCMIN) ** 2;
    model.haloMeanKappa = t.meanKappa;
  }
  const s = { model, sqrtLambda };
  spectralCache.set(key, s);
  return s;
}

/** The 1-halo spectrum of a cosmology on a log grid of ℓ (20 per decade, 10 to 10⁶), cached. */
const oneHaloCache = new Map<string, { logEll: Float64Array; c1h: Float64Array }>();
const ONE_HALO_LOG_ELL = Float64Array.from({ length: 101 }, (_, i) => 1 + i / 20);

function oneHaloGrid(cosmology: Cosmology): { logEll: Float64Array; c1h: Float64Array } {
  const key = `${cosmology.omegaM}|${cosmology.sigma8}`;
  let g = oneHaloCache.get(key);
  if (!g) {
    const t = haloTable(cosmology.omegaM, cosmology.sigma8);
    g = { logEll: ONE_HALO_LOG_ELL, c1h: oneHaloSpectrum(t, Array.from(ONE_HALO_LOG_ELL, (l) => 10 ** l)) };
    oneHaloCache.set(key, g);
  }
  return g;
}

/**
 * The halo model's 1-halo convergence spectrum C_1h(ℓ) (sr) of the halos the 'halo' simulator draws
 * (M ≥ HALO_MODEL.minMass, sources at HALO_MODEL.zSource), interpolated log-log from a grid of ℓ.
 *
 * @example
 * oneHaloPowerSpectrum({ omegaM: 0.3, sigma8: 0.8 }, 1000); // ≈ 0.37 · convergencePowerSpectrum(…, 1000)
 */
export function oneHaloPowerSpectrum(cosmology: Cosmology, ell: number): number {
  checkCosmology('oneHaloPowerSpectrum', cosmology);
  const { logEll, c1h } = oneHaloGrid(cosmology);
  const x = Math.log10(ell);
  const i = Math.min(Math.max(Math.floor((x - logEll[0]) * 20), 0), logEll.length - 2);
  const w = (x - logEll[i]) * 20;
  return Math.exp((1 - w) * Math.log(c1h[i]) + w * Math.log(c1h[i + 1]));
}

/**
 * The lognormal background's spectrum under the halo model: C(ℓ) − C_1h(ℓ), at least
 * HALO_MODEL.backgroundFloor · C(ℓ) (the floor does not bind for the 10 cosmologies: C_1h ≤ 0.5 C).
 *
 * @example
 * backgroundPowerSpectrum({ omegaM: 0.3, sigma8: 0.8 }, 1000); // ≈ 0.63 · convergencePowerSpectrum(…, 1000)
 */
export function backgroundPowerSpectrum(cosmology: Cosmology, ell: number): number {
  const c = convergencePowerSpectrum(cosmology, ell);
  return Math.max(c - oneHaloPowerSpectrum(cosmology, ell), HALO_MODEL.backgroundFloor * c);
}

function smoothingFor(r: Resolved): Float64Array {
  const key = `${r.size}|${r.fieldDeg}|${r.smoothingArcmin}`;
  const hit = smoothCache.get(key);
  if (hit) return hit;
  const n = r.size;
  const dEll = (2 * Math.PI) / (r.fieldDeg * 60 * ARCMIN);
  const theta = r.smoothingArcmin * ARCMIN;
  const w = new Float64Array(n * n);
  for (let u = 0; u < n; u++) {
    const fu = fftIndexFreq(u, n);
    for (let v = 0; v < n; v++) {
      const ell = dEll * Math.hypot(fu, fftIndexFreq(v, n));
      w[u * n + v] = Math.exp(-0.5 * ell * ell * theta * theta);
    }
  }
  smoothCache.set(key, w);
  return w;
}

/**
 * Standard normals by Marsaglia's polar method on 32-bit uniforms from `rng` (3× faster than
 * Box–Muller on 53-bit uniforms; the maps need millions of draws).
 */
function fillNormals(rng: Rng, out: Float64Array): void {
  const n = out.length;
  let i = 0;
  while (i < n) {
    const u = rng.nextUint32() * 4.656612873077393e-10 - 1;
    const v = rng.nextUint32() * 4.656612873077393e-10 - 1;
    const s = u * u + v * v;
    if (s >= 1 || s === 0) continue;
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    out[i++] = u * f;
    if (i < n) out[i++] = v * f;
  }
}

/**
 * The derived model quantities (amplitude, tilt, lognormal shift, variances, noise) of a
 * cosmology at the given resolution.
 *
 * @example
 * const m = cosmologyModel(COSMOLOGIES[0], { size: 256 });
 * m.shift; // κ_0 = 0.04 · (0.18 / 0.3)
 */
export function cosmologyModel(cosmology: Cosmology, options: SimulatorOptions = {}): CosmologyModel {
  checkCosmology('cosmologyModel', cosmology);
  return { ...spectralFor(cosmology, resolve('cosmologyModel', options)).model };
}

function mix32(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae3d);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The seed of map `mapIndex` of cosmology `cosmologyIndex` under master seed `seed`: a 32-bit hash,
 * so every map is generated independently of all others.
 *
 * @example
 * mapSeed(0, 3, 17) === mapSeed(0, 3, 17); // true
 */
export function mapSeed(seed: number, cosmologyIndex: number, mapIndex: number): number {
  const s = Math.floor(seed);
  const hi = Math.floor(s / 4294967296) >>> 0;
  return mix32(mix32(mix32(mix32(0x243f6a88, s >>> 0), hi), cosmologyIndex >>> 0), mapIndex >>> 0);
}

/**
 * Simulates one map of an arbitrary cosmology from an explicit map seed (row-major,
 * `size × size`), written into `out` when given.
 *
 * @example
 * const kappa = simulateMapFor({ omegaM: 0.3, sigma8: 0.8 }, 1234, { size: 64 });
 */
export function simulateMapFor(
  cosmology: Cosmology,
  mapSeedValue: number,
  options: SimulatorOptions = {},
  out?: Float64Array,
): Float64Array {
  const where = 'simulateMapFor';
  checkCosmology(where, cosmology);
  return simulate(where, cosmology, mapSeedValue, resolve(where, options), out, null);
}

/** The parts of a 'halo' map, for validation. */
export interface MapComponents {
  /** The map, as {@link simulateMapFor} returns it. */
  kappa: Float64Array;
  /** The halos' convergence alone, mean-subtracted and smoothed as the map (zeros for 'lognormal'). */
  haloKappa: Float64Array;
  /** The halos drawn (positions in pixels: row, col ∈ [0, size)); [] for 'lognormal'. */
  halos: Halo[];
}

/**
 * Simulates one map as {@link simulateMapFor} and returns its halo part and halo catalogue too
 * (for the validation of the halo model: which peaks sit on halos).
 *
 * @example
 * const { kappa, haloKappa, halos } = simulateMapComponents({ omegaM: 0.3, sigma8: 0.8 }, 7, { simulator: 'halo' });
 */
export function simulateMapComponents(cosmology: Cosmology, mapSeedValue: number, options: SimulatorOptions = {}): MapComponents {
  const where = 'simulateMapComponents';
  checkCosmology(where, cosmology);
  const r = resolve(where, options);
  const parts = { haloKappa: new Float64Array(r.size * r.size), halos: [] as Halo[] };
  const kappa = simulate(where, cosmology, mapSeedValue, r, undefined, parts);
  return { kappa, ...parts };
}

/** Seed offset of a map's halo stream (halos are drawn from their own generator). */
const HALO_STREAM = 0x68616c6f;

function simulate(
  where: string,
  cosmology: Cosmology,
  mapSeedValue: number,
  r: Resolved,
  out: Float64Array | undefined,
  parts: { haloKappa: Float64Array; halos: Halo[] } | null,
): Float64Array {
  const n = r.size;
  const npix = n * n;
  const res = out ?? new Float64Array(npix);
  if (res.length !== npix) throw new AwdError(where, `out must hold ${npix} values, got ${res.length}`);
  const { model, sqrtLambda } = spectralFor(cosmology, r);
  const fft = fftFor(n);
  const rng = new Rng(mapSeedValue);
  // Gaussian field: Re IFFT(√λ · √n · (u + iv)) with u, v iid N(0,1) has the circulant
  // covariance with eigenvalues λ (the FFT of complex white noise is complex white noise).
  const buf = workFor(npix);
  fillNormals(rng, buf);
  const scale = Math.sqrt(npix);
  for (let i = 0; i < npix; i++) {
    const s = sqrtLambda[i] * scale;
    buf[2 * i] *= s;
    buf[2 * i + 1] *= s;
  }
  fft.inverseComplex(buf);
  const k0 = model.shift;
  const half = model.gaussianVariance / 2;
  const sn = model.noiseStd;
  if (sn > 0) fillNormals(rng, res);
  for (let i = 0; i < npix; i++) {
    res[i] = k0 * (Math.exp(buf[2 * i] - half) - 1) + (sn > 0 ? sn * res[i] : 0);
  }
  if (r.simulator === 'halo') {
    const halos = sampleHalos(haloTable(cosmology.omegaM, cosmology.sigma8), (r.fieldDeg * 60 * ARCMIN) ** 2, n, new Rng(mix32(mapSeedValue >>> 0, HALO_STREAM)));
    const pixelRad = model.pixelArcmin * ARCMIN;
    const mk = model.haloMeanKappa;
    if (parts) {
      const hk = parts.haloKappa;
      paintHalos(hk, n, pixelRad, halos);
      for (let i = 0; i < npix; i++) {
        hk[i] -= mk;
        res[i] += hk[i];
      }
      parts.halos = halos;
      if (r.smoothingArcmin > 0) smoothInPlace(hk, r, buf);
    } else {
      paintHalos(res, n, pixelRad, halos);
      for (let i = 0; i < npix; i++) res[i] -= mk;
    }
  }
  if (r.smoothingArcmin > 0) smoothInPlace(res, r, buf);
  return res;
}

/** Gaussian smoothing of a real map by FFT (`buf`: complex work array of the map's size). */
function smoothInPlace(x: Float64Array, r: Resolved, buf: Float64Array): void {
  const w = smoothingFor(r);
  const fft = fftFor(r.size);
  fft.forward(x, buf);
  for (let i = 0; i < x.length; i++) {
    buf[2 * i] *= w[i];
    buf[2 * i + 1] *= w[i];
  }
  fft.inverse(buf, x);
}

/**
 * Simulates map `mapIndex` of cosmology `cosmologyIndex` (an index into {@link COSMOLOGIES}).
 * The same (cosmology, map index, options) always give the same map, whatever else was generated.
 *
 * @example
 * const kappa = simulateMap(2, 0, { size: 64, seed: 7 }); // Float64Array(64 * 64)
 */
export function simulateMap(cosmologyIndex: number, mapIndex: number, options: SimulatorOptions = {}): Float64Array {
  assertInt('simulateMap', 'cosmologyIndex', cosmologyIndex, 0, COSMOLOGIES.length - 1);
  assertInt('simulateMap', 'mapIndex', mapIndex, 0, 0xffffffff);
  const seed = options.seed ?? 0;
  return simulateMapFor(COSMOLOGIES[cosmologyIndex], mapSeed(seed, cosmologyIndex, mapIndex), options);
}

/** One batch of maps: X is `b × size × size`, y the Ω_m of each map. */
export interface MapBatch {
  X: NdArray;
  /** Ω_m of each map (the regression target). */
  y: Float64Array;
  /** σ8 of each map. */
  sigma8: Float64Array;
  /** Index into COSMOLOGIES of each map. */
  cosmology: Int32Array;
  /** Index of each map within its cosmology. */
  mapIndex: Int32Array;
}

/** Options of {@link mapBatches}. */
export interface MapBatchOptions extends SimulatorOptions {
  /** Indices into COSMOLOGIES (default all 10). */
  cosmologies?: readonly number[];
  /** Maps per cosmology: map indices [0, mapsPerCosmology) (unless mapRange is given). */
  mapsPerCosmology?: number;
  /** Map indices [start, end) of every cosmology (e.g. one split). */
  mapRange?: readonly [number, number];
  /** Maps per batch (default 100); the last batch may be smaller. */
  batchSize?: number;
  /** Shuffle the order of all maps with a permutation seeded by `seed` (default false). */
  shuffle?: boolean;
}

/**
 * Streams maps in batches: only one batch is in memory at a time, so 20,000 maps of 256×256 need
 * ~50 MB per batch of 100. Order (unshuffled): map index major, cosmology minor, so every batch
 * mixes the cosmologies.
 *
 * @example
 * for (const { X, y } of mapBatches({ mapsPerCosmology: 20, size: 64, seed: 1, batchSize: 50 })) {
 *   // X.shape = [50, 64, 64]; y = Ω_m of each map
 * }
 */
export function* mapBatches(options: MapBatchOptions): Generator<MapBatch> {
  const where = 'mapBatches';
  const cos = options.cosmologies ?? COSMOLOGIES.map((_, i) => i);
  cos.forEach((c) => assertInt(where, 'cosmology index', c, 0, COSMOLOGIES.length - 1));
  let start: number;
  let end: number;
  if (options.mapRange) {
    [start, end] = options.mapRange;
  } else if (options.mapsPerCosmology !== undefined) {
    [start, end] = [0, options.mapsPerCosmology];
  } else {
    throw new AwdError(where, 'give mapsPerCosmology or mapRange');
  }
  assertInt(where, 'map range start', start, 0);
  assertInt(where, 'map range end', end, start);
  const batchSize = options.batchSize ?? 100;
  assertInt(where, 'batchSize', batchSize, 1);
  const r = resolve(where, options);
  const perMap = r.size * r.size;
  const total = (end - start) * cos.length;
  const order = options.shuffle ? new Rng(mapSeed(r.seed, 0x7fffffff, 0x5eed)).permutation(total) : null;
  for (let b0 = 0; b0 < total; b0 += batchSize) {
    const b = Math.min(batchSize, total - b0);
    const data = new Float64Array(b * perMap);
    const y = new Float64Array(b);
    const sigma8 = new Float64Array(b);
    const cosmology = new Int32Array(b);
    const mapIndex = new Int32Array(b);
    for (let j = 0; j < b; j++) {
      const g = order ? order[b0 + j] : b0 + j;
      const c = cos[g % cos.length];
      const i = start + Math.floor(g / cos.length);
      simulateMapFor(COSMOLOGIES[c], mapSeed(r.seed, c, i), r, data.subarray(j * perMap, (j + 1) * perMap));
      y[j] = COSMOLOGIES[c].omegaM;
      sigma8[j] = COSMOLOGIES[c].sigma8;
      cosmology[j] = c;
      mapIndex[j] = i;
    }
    yield { X: ndarray(data, [b, r.size, r.size]), y, sigma8, cosmology, mapIndex };
  }
}

/** Split fractions; they must sum to 1. */
export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

/**
 * The reference's split (awave/data/cosmology.py): maps 0–19,999 train, 20,000–22,999 test,
 * 23,000–24,999 validation, i.e. 80 % / 12 % / 8 %.
 */
export const PAPER_SPLIT: Readonly<SplitFractions> = Object.freeze({ train: 0.8, validation: 0.08, test: 0.12 });

/** Options of {@link simulateCosmologyDataset}. */
export interface CosmologyDatasetOptions extends SimulatorOptions {
  mapsPerCosmology: number;
  cosmologies?: readonly number[];
  /** Default {@link PAPER_SPLIT}. */
  fractions?: SplitFractions;
}

/** An in-memory split. */
export type CosmologySplit = MapBatch;

/** An in-memory data set with train / validation / test splits. */
export interface CosmologyDataset {
  train: CosmologySplit;
  validation: CosmologySplit;
  test: CosmologySplit;
  /** Map-index range [start, end) of each split, the same for every cosmology. */
  ranges: { train: [number, number]; validation: [number, number]; test: [number, number] };
}

/**
 * Simulates a small in-memory data set. The split is stratified by map index: for every cosmology,
 * maps [0, n_train) train, then validation, then test — so each split can also be streamed with
 * `mapBatches({ mapRange: ranges.train, ... })` and gives the same maps.
 *
 * @example
 * const ds = simulateCosmologyDataset({ mapsPerCosmology: 50, size: 64, seed: 3 });
 * ds.train.X.shape; // [400, 64, 64]: 40 maps of each of the 10 cosmologies
 */
export function simulateCosmologyDataset(options: CosmologyDatasetOptions): CosmologyDataset {
  const where = 'simulateCosmologyDataset';
  const m = options.mapsPerCosmology;
  assertInt(where, 'mapsPerCosmology', m, 1);
  const f = options.fractions ?? PAPER_SPLIT;
  if (![f.train, f.validation, f.test].every((v) => v >= 0) || Math.abs(f.train + f.validation + f.test - 1) > 1e-9) {
    throw new AwdError(where, `fractions must be >= 0 and sum to 1, got ${JSON.stringify(f)}`);
  }
  const nTrain = Math.round(f.train * m);
  const nVal = Math.min(Math.round(f.validation * m), m - nTrain);
  const ranges = {
    train: [0, nTrain] as [number, number],
    validation: [nTrain, nTrain + nVal] as [number, number],
    test: [nTrain + nVal, m] as [number, number],
  };
  const one = (range: [number, number]): CosmologySplit => {
    const nCos = (options.cosmologies ?? COSMOLOGIES).length;
    const total = (range[1] - range[0]) * nCos;
    const it = mapBatches({ ...options, mapRange: range, batchSize: Math.max(total, 1), shuffle: false });
    const next = it.next();
    if (next.done) {
      const size = options.size ?? 64;
      return {
        X: ndarray(new Float64Array(0), [0, size, size]),
        y: new Float64Array(0),
        sigma8: new Float64Array(0),
        cosmology: new Int32Array(0),
        mapIndex: new Int32Array(0),
      };
    }
    return next.value;
  };
  return { train: one(ranges.train), validation: one(ranges.validation), test: one(ranges.test), ranges };
}
