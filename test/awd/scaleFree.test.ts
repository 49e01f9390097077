// Scale-free λ and γ (issue 11.3, docs/objective.md): the normalised objective's gradient against
// finite differences, and that λ means the same when the teacher's gradients or the data are rescaled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { makeEngine } from '../../src/awd/engine.ts';
import { awdLoss, scaleFreeTerms, scaleFreeWeights, termScales } from '../../src/awd/loss.ts';
import { Rng } from '../../src/util/rng.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { familyLowpass } from '../../src/wavelets/families.ts';

function setup(gScale = 1, xScale = 1) {
  const rng = new Rng(3);
  const b = 4, n = 40, levels = 3;
  const x = rng.fillNormal(new Float64Array(b * n)).map((v) => v * xScale);
  const u = rng.fillNormal(new Float64Array(b * n)).map((v) => v * gScale);
  const h = familyLowpass('db4');
  const hr = new Rng(5);
  for (let i = 0; i < h.length; i++) h[i] += 0.05 * hr.normal();
  const engine = makeEngine([n], h.length, 'zero', levels);
  const C = engine.blockShapes.reduce((a, s) => a + s.reduce((p, q) => p * q, 1), 0);
  return { b, n, x, u, h, engine, levels, scales: termScales(x, u, C, levels) };
}

test('scale-free objective: ∂/∂h matches central finite differences', () => {
  const { b, x, u, h, engine, scales } = setup(0.01, 3);
  const w = scaleFreeWeights(0.3, 0.05, scales);
  const weights = { l1_attr: w.l1_attr, l1_wave: w.l1_wave };
  const r = awdLoss(engine, h, x, u, b, { weights });
  const eps = 1e-6;
  for (let i = 0; i < h.length; i++) {
    const hp = Float64Array.from(h); hp[i] += eps;
    const hm = Float64Array.from(h); hm[i] -= eps;
    const fd = (awdLoss(engine, hp, x, u, b, { weights }).total - awdLoss(engine, hm, x, u, b, { weights }).total) / (2 * eps);
    assert.ok(Math.abs(fd - r.grad[i]) < 1e-6 * Math.max(1, Math.abs(fd)), `tap ${i}: fd ${fd} vs ${r.grad[i]}`);
  }
});

test('scale-free terms do not change when the teacher gradients or the data are rescaled', () => {
  const a = setup(1, 1), g = setup(1e-3, 1), x = setup(1, 50);
  const terms = (s: ReturnType<typeof setup>) => scaleFreeTerms(awdLoss(s.engine, s.h, s.x, s.u, s.b).terms, s.scales);
  const ta = terms(a), tg = terms(g), tx = terms(x);
  assert.ok(Math.abs(ta.l1_attr - tg.l1_attr) < 1e-12 * ta.l1_attr, `${ta.l1_attr} vs ${tg.l1_attr}`);
  assert.ok(Math.abs(ta.l1_wave - tx.l1_wave) < 1e-12 * ta.l1_wave, `${ta.l1_wave} vs ${tx.l1_wave}`);
  // The raw terms do change (the problem the switch solves).
  const raw = (s: ReturnType<typeof setup>) => awdLoss(s.engine, s.h, s.x, s.u, s.b).terms.l1_attr;
  assert.ok(raw(a) / raw(g) > 900);
  // The raw weight that a scale-free λ turns into grows as the gradients shrink: λ·l1_attr_sf is unchanged.
  const wa = scaleFreeWeights(0.1, 0, a.scales).l1_attr * raw(a);
  const wg = scaleFreeWeights(0.1, 0, g.scales).l1_attr * raw(g);
  assert.ok(Math.abs(wa - wg) < 1e-12 * wa);
});

test('AdaptiveWavelet.fit with scaleFree: same filter whatever the gradients\' units; raw switch unchanged', () => {
  const rng = new Rng(11);
  const n = 60, d = 32;
  const X = ndarray(rng.fillNormal(new Float64Array(n * d)), [n, d]);
  const Gd = rng.fillNormal(new Float64Array(n * d));
  const G1 = ndarray(Gd, [n, d]);
  const G2 = ndarray(Gd.map((v) => v * 1e-4), [n, d]);
  const opts = { lambda: 0.3, gamma: 0.01, levels: 3, epochs: 3, batchSize: 20, threads: 1 };
  const a = AdaptiveWavelet.fit(X, { ...opts, teacherGrads: G1, scaleFree: true });
  const b = AdaptiveWavelet.fit(X, { ...opts, teacherGrads: G2, scaleFree: true });
  for (let i = 0; i < a.h.length; i++) assert.ok(Math.abs(a.h[i] - b.h[i]) < 1e-10, `tap ${i}`);
  assert.equal(a.settings!.scaleFree!.lambda, 0.3);
  assert.ok(a.settings!.weights.l1_attr !== 0.3);
  const raw = AdaptiveWavelet.fit(X, { ...opts, teacherGrads: G1 });
  assert.equal(raw.settings!.weights.l1_attr, 0.3);
  assert.equal(raw.settings!.scaleFree, undefined);
});
