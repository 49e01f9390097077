import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateMolecular } from '../../src/data/molecular.ts';

const small = { nTrain: 300, nTest: 120, tracksPerCell: 60 };

test('simulateMolecular: shapes, finite values, disjoint cells, default sizes', () => {
  const { train, test: te, meta } = simulateMolecular({ ...small, seed: 3 });
  assert.deepEqual(train.X.shape, [300, 40]);
  assert.deepEqual(te.X.shape, [120, 40]);
  for (const s of [train, te]) {
    const n = s.X.shape[0];
    for (const a of [s.y, s.yRaw, s.peak, s.uncoatingRate]) assert.equal(a.length, n);
    assert.ok(s.X.data.every(Number.isFinite));
    assert.ok(s.y.every(Number.isFinite));
    assert.ok(s.lifetime.every((l) => l > 15), 'only tracks longer than 15 frames, as in the reference');
  }
  const trainCells = new Set(train.cell);
  assert.ok([...new Set(te.cell)].every((c) => !trainCells.has(c)));
  assert.equal(meta.cellsTrain, 5);
  // Per-cell standardisation: each cell's X has mean 0 and std 1 over all its values.
  const cell0 = [...Array(300).keys()].filter((i) => train.cell[i] === train.cell[0]);
  const vals = cell0.flatMap((i) => [...train.X.data.subarray(i * 40, i * 40 + 40)]);
  const m = vals.reduce((a, b) => a + b, 0) / vals.length;
  const sd = Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length);
  assert.ok(Math.abs(m) < 1e-9 && Math.abs(sd - 1) < 1e-9);
  const full = simulateMolecular({ seed: 1, nTest: 10 });
  assert.deepEqual(full.train.X.shape, [2936, 40]);
});

test('simulateMolecular: same seed → identical arrays, different seed → different', () => {
  const a = simulateMolecular({ ...small, seed: 11 });
  const b = simulateMolecular({ ...small, seed: 11 });
  const c = simulateMolecular({ ...small, seed: 12 });
  assert.deepEqual(a.train.X.data, b.train.X.data);
  assert.deepEqual(a.test.y, b.test.y);
  assert.deepEqual(a.train.successful, b.train.successful);
  assert.notDeepEqual(a.train.X.data, c.train.X.data);
  assert.notDeepEqual(a.test.y, c.test.y);
});

test('simulateMolecular: successful events have a higher mean response than abortive ones', () => {
  const { train } = simulateMolecular({ ...small, seed: 5 });
  const mean = (k: number) => {
    const v = [...train.y].filter((_, i) => train.successful[i] === k);
    assert.ok(v.length > 30);
    return v.reduce((a, b) => a + b, 0) / v.length;
  };
  assert.ok(mean(1) > mean(0) + 0.5, `successful ${mean(1)} vs abortive ${mean(0)}`);
  const raw = (k: number) => {
    const v = [...train.yRaw].filter((_, i) => train.successful[i] === k);
    return v.reduce((a, b) => a + b, 0) / v.length;
  };
  assert.ok(raw(1) > 2 * raw(0), `raw: successful ${raw(1)} vs abortive ${raw(0)}`);
});

test('simulateMolecular: options and bad inputs', () => {
  const r = simulateMolecular({ nTrain: 50, nTest: 20, length: 32, seed: 0, resample: 'reference', normalize: 'none' });
  assert.deepEqual(r.train.X.shape, [50, 32]);
  assert.deepEqual(r.train.y, r.train.yRaw);
  assert.throws(() => simulateMolecular({ seed: NaN }), /seed must be a finite number/);
  assert.throws(() => simulateMolecular({ seed: 0, nTrain: 0 }), /nTrain must be an integer/);
  assert.throws(() => simulateMolecular({ seed: 0, resample: 'cubic' as 'linear' }), /resample must be/);
});

test('simulateMolecular noise presets: simulator is the default, real-like changes only the response and widens its unexplained spread', () => {
  const base = simulateMolecular({ ...small, seed: 7 });
  const sim = simulateMolecular({ ...small, seed: 7, noise: 'simulator' });
  const real = simulateMolecular({ ...small, seed: 7, noise: 'real-like' });
  assert.deepEqual(sim.train.X.data, base.train.X.data);
  assert.deepEqual(sim.test.yRaw, base.test.yRaw);
  assert.equal(sim.meta.noise, 'simulator');
  assert.equal(real.meta.noise, 'real-like');
  // The random stream is the same (one draw per event either way): the traces are identical, the
  // responses are not.
  assert.deepEqual(real.train.X.data, base.train.X.data);
  assert.deepEqual(real.train.successful, base.train.successful);
  assert.notDeepEqual(real.train.yRaw, base.train.yRaw);
  // Among events with a burst, log(response) spreads more around what the trace explains: its
  // sd grows with the preset's auxilin log-sd.
  const sdLog = (s: typeof base.train) => {
    const v = [...s.yRaw].filter((y, i) => s.successful[i] === 1 && y > 0).map(Math.log);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
  };
  assert.ok(sdLog(real.train) > sdLog(base.train) + 0.1, `${sdLog(real.train)} vs ${sdLog(base.train)}`);
  const custom = simulateMolecular({ ...small, seed: 7, noise: { auxilinLogSd: 0.3 } });
  assert.deepEqual(custom.train.yRaw, base.train.yRaw);
  assert.throws(() => simulateMolecular({ seed: 0, noise: 'loud' as 'simulator' }), /noise must be 'simulator' or 'real-like'/);
  assert.throws(() => simulateMolecular({ seed: 0, noise: { auxilinLogSd: -1 } }), /auxilinLogSd must be a finite number >= 0/);
});
