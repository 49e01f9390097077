import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fft2, fftIndexFreq } from '../../src/data/fft2.ts';
import { Rng } from '../../src/util/rng.ts';

function naiveDft2(re: Float64Array, im: Float64Array, rows: number, cols: number, sign: number): Float64Array {
  const out = new Float64Array(2 * rows * cols);
  for (let u = 0; u < rows; u++) {
    for (let v = 0; v < cols; v++) {
      let sr = 0;
      let si = 0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const a = sign * 2 * Math.PI * ((u * r) / rows + (v * c) / cols);
          const x = re[r * cols + c];
          const y = im[r * cols + c];
          sr += x * Math.cos(a) - y * Math.sin(a);
          si += x * Math.sin(a) + y * Math.cos(a);
        }
      }
      out[2 * (u * cols + v)] = sr;
      out[2 * (u * cols + v) + 1] = si;
    }
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const [rows, cols] of [[2, 2], [4, 8], [8, 4], [16, 2], [2, 16], [8, 8]] as const) {
  test(`Fft2 ${rows}x${cols}: real forward matches a naive DFT, inverse recovers the input`, () => {
    const rng = new Rng(rows * 100 + cols);
    const x = rng.fillNormal(new Float64Array(rows * cols));
    const f = new Fft2(rows, cols);
    const X = f.forward(x);
    const ref = naiveDft2(x, new Float64Array(rows * cols), rows, cols, -1);
    assert.ok(maxAbsDiff(X, ref) < 1e-10, `forward differs by ${maxAbsDiff(X, ref)}`);
    const back = f.inverse(X);
    assert.ok(maxAbsDiff(back, x) < 1e-12);
  });

  test(`Fft2 ${rows}x${cols}: complex forward/inverse match a naive DFT`, () => {
    const rng = new Rng(rows * 7 + cols);
    const re = rng.fillNormal(new Float64Array(rows * cols));
    const im = rng.fillNormal(new Float64Array(rows * cols));
    const z = new Float64Array(2 * rows * cols);
    for (let i = 0; i < rows * cols; i++) {
      z[2 * i] = re[i];
      z[2 * i + 1] = im[i];
    }
    const f = new Fft2(rows, cols);
    const Z = f.forwardComplex(z.slice());
    assert.ok(maxAbsDiff(Z, naiveDft2(re, im, rows, cols, -1)) < 1e-10);
    const inv = f.inverseComplex(z.slice());
    const refInv = naiveDft2(re, im, rows, cols, 1).map((v) => v / (rows * cols));
    assert.ok(maxAbsDiff(inv, refInv) < 1e-12);
  });
}

test('Fft2 rejects sizes that are not powers of two', () => {
  assert.throws(() => new Fft2(6, 8), /power of two/);
  assert.throws(() => new Fft2(8, 1), /power of two/);
});

test('fftIndexFreq follows numpy fftfreq * n', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => fftIndexFreq(k, 8)), [0, 1, 2, 3, 4, -3, -2, -1]);
});
