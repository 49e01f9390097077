/**
 * The WebAssembly SIMD forward SWT (`simdSwtLevels`, which `swt` / `swtBatch` run where it can)
 * gives the same bits as the JavaScript kernels for every filter length it serves (every even
 * length up to MAX_TAPS = 40: db1–db20, and so every family filter that short), every dilation, with
 * and without trimApprox, startLevel, signal lengths from 2 (a lone vector) up, and batches that
 * take several chunks; the test sees that the SIMD path really ran (`simdKernelCalls`), so no case
 * compares JavaScript with itself. Longer filters (db21, dmey) take the JavaScript kernels.
 * Agreement with PyWavelets on the SIMD path is the fixture test of swt.test.ts (signals of 8 and
 * more samples run it by default).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { ndarray, type NdArray } from '../../src/util/ndarray.ts';
import { swt, swtBatch, swtMaxLevel, type SwtBatchLevel } from '../../src/wavelets/swt.ts';
import { wavelet } from '../../src/wavelets/wavelet.ts';
import { setWasmKernels, simdKernelCalls, wasmKernelsAvailable } from '../../src/wavelets/simdKernels.ts';
import { MAX_TAPS } from '../../src/wavelets/simdModule.ts';

const rng = new Rng(1616);
const rand = (n: number): Float64Array => rng.fillNormal(new Float64Array(n));

function on<T>(setting: 'always' | 'never', fn: () => T): T {
  const prev = setWasmKernels(setting);
  try {
    return fn();
  } finally {
    setWasmKernels(prev);
  }
}

/** Every array of a `swtBatch` result, in order. */
function arrays(r: SwtBatchLevel[] | NdArray[]): Float64Array[] {
  return (r as (SwtBatchLevel | NdArray)[]).flatMap((l) => ('cA' in l ? [l.cA.data, l.cD.data] : [l.data]));
}

function sameBits(a: Float64Array[], b: Float64Array[], what: string): void {
  assert.equal(a.length, b.length, `${what}: number of arrays`);
  a.forEach((x, i) => {
    assert.equal(x.length, b[i].length, `${what}: array ${i} length`);
    for (let j = 0; j < x.length; j++) if (!Object.is(x[j], b[i][j])) assert.fail(`${what}: array ${i}[${j}]: ${x[j]} (SIMD) vs ${b[i][j]} (JavaScript)`);
  });
}

test('the SIMD kernels can run here (else this whole file would compare JavaScript with itself)', () => {
  assert.ok(wasmKernelsAvailable(), 'WebAssembly SIMD is missing: use Node 20 or later');
});

test('SIMD forward SWT = JavaScript kernels bit for bit, every filter length 2…40, lengths 2…96, trimApprox, startLevel (the SIMD path ran for each)', () => {
  for (let F = 2; F <= MAX_TAPS; F += 2) {
    const w = `db${F / 2}`;
    assert.equal(wavelet(w).length, F);
    for (const n of [2, 6, 8, 24, 96]) {
      const max = swtMaxLevel(n);
      for (const [level, startLevel] of [[max, 0], [1, max - 1], [Math.max(1, max - 1), Math.min(1, max - 1)]]) {
        for (const trimApprox of [false, true]) {
          const b = 3;
          const X = ndarray(rand(b * n), [b, n]);
          const opts = { startLevel, trimApprox } as { trimApprox: true };
          const before = simdKernelCalls(F);
          const simd = arrays(on('always', () => swtBatch(X, w, level, opts)));
          const what = `${w} n=${n} level=${level} start=${startLevel} trim=${trimApprox}`;
          assert.equal(simdKernelCalls(F), before + 1, `${what}: the SIMD path ran`);
          const js = arrays(on('never', () => swtBatch(X, w, level, opts)));
          assert.equal(simdKernelCalls(F), before + 1, `${what}: 'never' runs JavaScript`);
          sameBits(simd, js, what);
        }
      }
    }
  }
});

test('SIMD forward SWT over several chunks of rows (long rows, the longest filter, large dilations), single signals, biorthogonal filters', () => {
  for (const [w, b, n, level] of [['db20', 30, 1024, 3], ['bior3.5', 70, 512, 5], ['sym4', 1, 4096, 8], ['coif3', 5, 64, 6]] as [string, number, number, number][]) {
    const F = wavelet(w).length;
    const X = ndarray(rand(b * n), [b, n]);
    const before = simdKernelCalls(F);
    const simd = arrays(on('always', () => swtBatch(X, w, level)));
    assert.equal(simdKernelCalls(F), before + 1, `${w}: the SIMD path ran`);
    sameBits(simd, arrays(on('never', () => swtBatch(X, w, level))), `${w} ${b}×${n} level ${level}`);
    if (b === 1) {
      const one = on('always', () => swt(X.data, w, level, { trimApprox: true }));
      assert.equal(simdKernelCalls(F), before + 2, `${w} swt: the SIMD path ran`);
      sameBits(one, on('never', () => swt(X.data, w, level, { trimApprox: true })), `${w} swt`);
    }
  }
});

test('filters longer than MAX_TAPS take the JavaScript kernels, with the same results', () => {
  for (const w of ['db21', 'dmey']) {
    const F = wavelet(w).length;
    assert.ok(F > MAX_TAPS);
    const X = ndarray(rand(2 * 64), [2, 64]);
    const before = simdKernelCalls(F);
    const a = arrays(on('always', () => swtBatch(X, w, 3)));
    assert.equal(simdKernelCalls(F), before, `${w}: no SIMD call`);
    sameBits(a, arrays(on('never', () => swtBatch(X, w, 3))), w);
  }
});
