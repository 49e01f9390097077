import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COSMOLOGIES,
  simulateMap,
  simulateMapFor,
  mapSeed,
  mapBatches,
  simulateCosmologyDataset,
  cosmologyModel,
  convergencePowerSpectrum,
  PAPER_SPLIT,
} from '../../src/data/convergence.ts';
import { findPeaks } from '../../src/predictors/peaks.ts';

test('COSMOLOGIES: 10 (Ω_m, σ8) pairs in the MassiveNuS range, Ω_m increasing', () => {
  assert.equal(COSMOLOGIES.length, 10);
  for (let c = 0; c < 10; c++) {
    const { omegaM, sigma8 } = COSMOLOGIES[c];
    assert.ok(omegaM >= 0.18 && omegaM <= 0.42 && sigma8 >= 0.6 && sigma8 <= 1.0);
    if (c > 0) assert.ok(omegaM > COSMOLOGIES[c - 1].omegaM);
  }
  assert.ok(Object.isFrozen(COSMOLOGIES) && Object.isFrozen(COSMOLOGIES[0]));
});

test('simulateMap: same seed → same map; any map regenerates alone; seeds and indices matter', () => {
  const a = simulateMap(3, 5, { size: 32, seed: 9 });
  simulateMap(7, 1, { size: 32, seed: 9 }); // generating others in between changes nothing
  const b = simulateMap(3, 5, { size: 32, seed: 9 });
  assert.equal(a.length, 32 * 32);
  assert.deepEqual(a, b);
  assert.notDeepEqual(simulateMap(3, 6, { size: 32, seed: 9 }), a);
  assert.notDeepEqual(simulateMap(3, 5, { size: 32, seed: 10 }), a);
  assert.notDeepEqual(simulateMap(4, 5, { size: 32, seed: 9 }), a);
  assert.deepEqual(simulateMapFor(COSMOLOGIES[3], mapSeed(9, 3, 5), { size: 32 }), a);
  assert.ok(a.every(Number.isFinite));
  assert.throws(() => simulateMap(10, 0), /cosmologyIndex/);
  assert.throws(() => simulateMap(0, 0, { size: 48 }), /power of two/);
});

test('mapSeed separates seeds, cosmologies and map indices', () => {
  const seen = new Set<number>();
  for (const s of [0, 1, 2 ** 40]) for (let c = 0; c < 10; c++) for (let i = 0; i < 50; i++) seen.add(mapSeed(s, c, i));
  assert.equal(seen.size, 3 * 10 * 50);
});

test('mapBatches streams the same maps as simulateMap, in bounded batches, shuffled or not', () => {
  const opts = { size: 16, seed: 4, mapsPerCosmology: 3, cosmologies: [1, 8], batchSize: 4 };
  const batches = [...mapBatches(opts)];
  assert.deepEqual(batches.map((b) => b.X.shape), [[4, 16, 16], [2, 16, 16]]);
  // unshuffled order: map index major, cosmology minor
  assert.deepEqual(Array.from(batches[0].cosmology), [1, 8, 1, 8]);
  assert.deepEqual(Array.from(batches[0].mapIndex), [0, 0, 1, 1]);
  assert.deepEqual(Array.from(batches[0].y), [COSMOLOGIES[1].omegaM, COSMOLOGIES[8].omegaM, COSMOLOGIES[1].omegaM, COSMOLOGIES[8].omegaM]);
  const shuffled = [...mapBatches({ ...opts, shuffle: true })];
  const seen = new Set<string>();
  for (const b of [...batches, ...shuffled]) {
    for (let j = 0; j < b.y.length; j++) {
      const want = simulateMap(b.cosmology[j], b.mapIndex[j], { size: 16, seed: 4 });
      assert.deepEqual(b.X.data.subarray(j * 256, (j + 1) * 256), want);
      assert.equal(b.sigma8[j], COSMOLOGIES[b.cosmology[j]].sigma8);
    }
  }
  for (const b of shuffled) for (let j = 0; j < b.y.length; j++) seen.add(`${b.cosmology[j]}:${b.mapIndex[j]}`);
  assert.equal(seen.size, 6);
  const range = [...mapBatches({ ...opts, mapRange: [2, 3] })];
  assert.deepEqual(Array.from(range[0].mapIndex), [2, 2]);
  assert.throws(() => mapBatches({ size: 16 }).next(), /mapsPerCosmology or mapRange/);
});

test('simulateCosmologyDataset: stratified splits by map index, the paper fractions by default', () => {
  assert.deepEqual({ ...PAPER_SPLIT }, { train: 0.8, validation: 0.08, test: 0.12 });
  const ds = simulateCosmologyDataset({ mapsPerCosmology: 25, size: 16, seed: 2 });
  assert.deepEqual(ds.ranges, { train: [0, 20], validation: [20, 22], test: [22, 25] });
  assert.deepEqual(ds.train.X.shape, [200, 16, 16]);
  assert.deepEqual(ds.validation.X.shape, [20, 16, 16]);
  assert.deepEqual(ds.test.X.shape, [30, 16, 16]);
  for (let c = 0; c < 10; c++) assert.equal(ds.train.cosmology.filter((v) => v === c).length, 20);
  const j = 17;
  assert.deepEqual(ds.test.X.data.subarray(j * 256, (j + 1) * 256), simulateMap(ds.test.cosmology[j], ds.test.mapIndex[j], { size: 16, seed: 2 }));
  const none = simulateCosmologyDataset({ mapsPerCosmology: 4, size: 16, fractions: { train: 0.5, validation: 0, test: 0.5 } });
  assert.deepEqual(none.validation.X.shape, [0, 16, 16]);
  assert.throws(() => simulateCosmologyDataset({ mapsPerCosmology: 4, fractions: { train: 0.5, validation: 0.1, test: 0.1 } }), /sum to 1/);
});

test('the model: amplitude, tilt and lognormal shift depend on Ω_m; the map variance matches the spectrum', () => {
  const lo = cosmologyModel({ omegaM: 0.2, sigma8: 0.8 }, { size: 64 });
  const hi = cosmologyModel({ omegaM: 0.4, sigma8: 0.8 }, { size: 64 });
  assert.ok(hi.amplitude > lo.amplitude && hi.shift > lo.shift && hi.tilt < lo.tilt);
  const ratio = convergencePowerSpectrum({ omegaM: 0.3, sigma8: 1.6 }, 1000) / convergencePowerSpectrum({ omegaM: 0.3, sigma8: 0.8 }, 1000);
  assert.ok(Math.abs(ratio - 4) < 1e-12);
  // noiseless, unsmoothed maps have the model's pixel variance and a positive skewness
  const opts = { size: 32, noise: false, smoothingArcmin: 0 };
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const m = 40;
  for (let i = 0; i < m; i++) {
    for (const v of simulateMapFor({ omegaM: 0.3, sigma8: 0.8 }, i, opts)) {
      s1 += v;
      s2 += v * v;
      s3 += v * v * v;
    }
  }
  const n = m * 32 * 32;
  const model = cosmologyModel({ omegaM: 0.3, sigma8: 0.8 }, opts);
  assert.ok(Math.abs(s1 / n) < 0.1 * Math.sqrt(model.kappaVariance));
  assert.ok(Math.abs(s2 / n / model.kappaVariance - 1) < 0.1, `variance ${s2 / n} vs ${model.kappaVariance}`);
  assert.ok(s3 / n > 0);
  // κ > −κ_0 (the lognormal floor)
  const x = simulateMapFor({ omegaM: 0.3, sigma8: 0.8 }, 1, opts);
  assert.ok(x.every((v) => v > -model.shift));
  // the noise level follows σ_e / sqrt(2 n_gal A_pix)
  const pix = (3.5 * 60) / 64;
  assert.ok(Math.abs(cosmologyModel({ omegaM: 0.3, sigma8: 0.8 }, { size: 64 }).noiseStd - 0.4 / Math.sqrt(2 * 30 * pix * pix)) < 1e-15);
});

test('peak statistics change with Ω_m at fixed σ8', () => {
  const peakStats = (omegaM: number): { height: number; count: number } => {
    let h = 0;
    let n = 0;
    const m = 30;
    for (let i = 0; i < m; i++) {
      const x = simulateMapFor({ omegaM, sigma8: 0.8 }, mapSeed(0, 77, i), { size: 32 });
      const p = findPeaks(x, 32, 32);
      for (const k of p) h += x[k];
      n += p.length;
    }
    return { height: h / n, count: n / m };
  };
  const a = peakStats(0.2);
  const b = peakStats(0.3);
  const c = peakStats(0.42);
  assert.ok(a.height < b.height && b.height < c.height, `${a.height} ${b.height} ${c.height}`);
  assert.ok(c.height > 1.2 * a.height);
});
