// Scratch memory (src/wavelets/scratch.ts) and the element-wise SIMD passes
// (src/wavelets/simdKernels.ts): pooled arrays are reused between scopes, the arena places them in
// the kernels' memory, zeroed arrays are zero even in dirty memory, and the SIMD passes equal the
// plain loops (odd lengths included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { uninitializedArray, withScratch, zeroedArray, scratchCopy } from '../../src/wavelets/scratch.ts';
import { addScaledSign, kernelMemory, residual, setWasmKernels, signScale, sumAbs } from '../../src/wavelets/simdKernels.ts';

function withSetting<T>(s: 'never' | 'always', fn: () => T): T {
  const prev = setWasmKernels(s);
  try {
    return fn();
  } finally {
    setWasmKernels(prev);
  }
}

test('without the kernels, a scope reuses the arrays of the previous scope (same size), and zeroedArray clears them', () => {
  withSetting('never', () => {
    const first = withScratch(() => {
      const a = uninitializedArray(5000);
      a.fill(7);
      return a;
    });
    const again = withScratch(() => zeroedArray(5000));
    assert.equal(again, first, 'the pooled array comes back');
    assert.ok(again.every((v) => v === 0), 'zeroed');
    // Outside a scope every request is a fresh array.
    assert.notEqual(uninitializedArray(5000), first);
  });
});

test('with the kernels, scope arrays live in the kernels\' memory (after the arena has grown once)', () => {
  withSetting('always', () => {
    const km = kernelMemory();
    assert.ok(km, 'WebAssembly SIMD is available on Node 20');
    const n = 1 << 20; // 8 MiB: more than the arena has at first
    withScratch(() => {
      uninitializedArray(n).fill(3);
      uninitializedArray(n).fill(3);
    });
    const inArena = withScratch(() => {
      const a = uninitializedArray(n);
      const z = zeroedArray(n);
      const c = scratchCopy(Float64Array.from({ length: 5000 }, (_, i) => i));
      assert.equal(a.buffer, km.memory.buffer, 'uninitializedArray in the arena');
      assert.equal(z.buffer, km.memory.buffer, 'zeroedArray in the arena');
      assert.ok(z.every((v) => v === 0), 'zeroed although the memory held 3s');
      assert.equal(c.buffer, km.memory.buffer);
      assert.equal(c[4999], 4999);
      return true;
    });
    assert.ok(inArena);
    // Small arrays are ordinary ones.
    withScratch(() => assert.notEqual(uninitializedArray(100).buffer, km.memory.buffer));
  });
});

test('the element-wise SIMD passes (Σ|a|, s·sign, += s·sign, residual) equal the plain loops, odd lengths included', () => {
  const rng = new Rng(5);
  for (const n of [1001, 4096, 4097]) {
    const src = rng.fillNormal(new Float64Array(n));
    src[3] = 0;
    const xh = rng.fillNormal(new Float64Array(n));
    const base = rng.fillNormal(new Float64Array(n));
    const results = (['never', 'always'] as const).map((s) =>
      withSetting(s, () => withScratch(() => {
        // scratchCopy puts the inputs in the kernels' memory when they run in place.
        const a = scratchCopy(src);
        const b = scratchCopy(xh);
        const out = uninitializedArray(n);
        signScale(a, out, 0.25);
        const acc = scratchCopy(Float64Array.from(base)); // (a copy: without the arena it is changed in place)
        addScaledSign(acc, a, -0.5);
        const g = uninitializedArray(n);
        const r2 = residual(a, b, g, -2 / 3);
        return { resident: a.buffer !== src.buffer, sum: sumAbs(a), sign: Float64Array.from(out), acc: Float64Array.from(acc), r2, g: Float64Array.from(g) };
      })));
    const [js, simd] = results;
    if (n >= 4096) assert.ok(simd.resident, `n=${n}: the SIMD run works in place`);
    assert.ok(Math.abs(simd.sum - js.sum) <= 1e-12 * js.sum, `n=${n} sumAbs`);
    assert.ok(Math.abs(simd.r2 - js.r2) <= 1e-12 * js.r2, `n=${n} residual sum`);
    assert.deepEqual(simd.sign, js.sign, `n=${n} signScale`);
    assert.equal(js.sign[3], 0);
    assert.deepEqual(simd.acc, js.acc, `n=${n} addScaledSign`);
    assert.deepEqual(simd.g, js.g, `n=${n} residual gradient`);
  }
});

test('the kernels\' memory grows no further than KERNEL_MEMORY.maxBytes; what does not fit uses ordinary arrays', async () => {
  const { KERNEL_MEMORY } = await import('../../src/wavelets/scratch.ts');
  withSetting('always', () => {
    const km = kernelMemory();
    assert.ok(km);
    const before = km.memory.buffer.byteLength;
    const saved = KERNEL_MEMORY.maxBytes;
    KERNEL_MEMORY.maxBytes = before; // no growth allowed
    try {
      const n = before / 8; // more than fits after the kernels' own area
      for (let i = 0; i < 3; i++) {
        withScratch(() => {
          const a = uninitializedArray(n);
          assert.notEqual(a.buffer, km.memory.buffer, 'does not fit: an ordinary array');
          a.fill(1);
        });
      }
      assert.equal(km.memory.buffer.byteLength, before, 'the memory did not grow');
    } finally {
      KERNEL_MEMORY.maxBytes = saved;
    }
  });
});
