// Reproduces the reference implementation's values (fixtures/reference/awd_loss_golden.json, vendored):
// coefficients, reconstruction, attributions, every loss term, the total, and the gradient of
// every term and of the total w.r.t. h (DESIGN.md §2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeEngine } from '../../src/awd/engine.ts';
import { awdLoss, TERM_NAMES, type WeightedTerm } from '../../src/awd/loss.ts';
import type { Mode } from '../../src/wavelets/modes.ts';

const here = dirname(fileURLToPath(import.meta.url));
const goldenPath = join(here, '..', '..', 'fixtures', 'reference', 'awd_loss_golden.json');

interface GoldenCase {
  name: string;
  J: number;
  mode: Mode;
  h: number[];
  g: number[];
  x_shape: number[];
  x: number[];
  teacher_input_grad: number[];
  coeff_shapes: number[][];
  coeffs: number[][];
  reconstruction: number[];
  attributions: number[][];
  lambdas: Record<WeightedTerm, number>;
  terms: Record<string, number>;
  total: number;
  grad_total_wrt_h: number[];
  grad_terms_wrt_h: Record<string, number[]>;
}

/** |a − b| ≤ tol · max(1, |b|) elementwise, with a message naming the place. */
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    assert.ok(err <= tol * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs reference ${expected[i]} (err ${err})`);
  }
}

/**
 * The reference stores 2D detail blocks as (B, 1, 3, h, w); ours are three separate blocks
 * (cH, cV, cD), each (B, h, w). Re-pack ours into the reference's layout for one level.
 */
function packReference(blocks: Float64Array[], level: number, B: number, is2d: boolean): Float64Array {
  if (!is2d) return blocks[level];
  if (level === 0) return blocks[0];
  const parts = [blocks[1 + 3 * (level - 1)], blocks[2 + 3 * (level - 1)], blocks[3 + 3 * (level - 1)]];
  const per = parts[0].length / B;
  const out = new Float64Array(3 * parts[0].length);
  for (let i = 0; i < B; i++) for (let s = 0; s < 3; s++) out.set(parts[s].subarray(i * per, (i + 1) * per), (i * 3 + s) * per);
  return out;
}

const cases: GoldenCase[] = existsSync(goldenPath) ? JSON.parse(readFileSync(goldenPath, 'utf8')) : [];

test('the golden file of the reference implementation is present', () => {
  assert.ok(cases.length >= 3, `expected the reference values at ${goldenPath}`);
});

for (const c of cases) {
  test(`Eq. 8 reproduces the reference: ${c.name}`, () => {
    const B = c.x_shape[0];
    const sampleShape = c.x_shape.slice(2); // drop batch and channel axes
    const engine = makeEngine(sampleShape, c.h.length, c.mode, c.J);
    const h = Float64Array.from(c.h);
    const r = awdLoss(engine, h, Float64Array.from(c.x), Float64Array.from(c.teacher_input_grad), B, {
      weights: c.lambdas,
      termGrads: true,
      outputs: true,
    });
    const tol = 1e-9;
    const is2d = sampleShape.length === 2;
    for (let k = 0; k < c.coeffs.length; k++) {
      close(packReference(r.coeffs!, k, B, is2d), c.coeffs[k], tol, `coeffs[${k}]`);
      close(packReference(r.attributions!, k, B, is2d), c.attributions[k], tol, `attributions[${k}]`);
    }
    close(r.reconstruction!, c.reconstruction, tol, 'reconstruction');
    for (const name of TERM_NAMES) {
      close([r.terms[name]], [c.terms[name]], tol, `term ${name}`);
      close(r.termGrads![name], c.grad_terms_wrt_h[name], tol, `grad of ${name}`);
    }
    close([r.total], [c.total], tol, 'total');
    close(r.grad, c.grad_total_wrt_h, tol, 'grad of the total');
  });
}
