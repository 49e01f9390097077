/** A failed build of the SIMD kernels is never silent: a warning once ('auto'), an error ('always'). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as K from '../../src/wavelets/kernels.ts';
import { extensionMap } from '../../src/wavelets/modes.ts';
import { setWasmKernels, simdKernelCalls } from '../../src/wavelets/simdKernels.ts';
import { simdBuildHooks } from '../../src/wavelets/simdModule.ts';
import { Rng } from '../../src/util/rng.ts';

test('a failed SIMD build warns once and the loops run; under always it is an error naming the cause', async () => {
  const F = 6; // not built yet in this process (each test file runs in its own)
  simdBuildHooks.fail = (len) => len === F;
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  const rng = new Rng(1);
  const lo = rng.fillNormal(new Float64Array(F));
  const hi = rng.fillNormal(new Float64Array(F));
  const n = 301;
  const em = extensionMap(n, F, 'zero');
  const x = rng.fillNormal(new Float64Array(4 * n));
  const run = (): Float64Array => {
    const A = new Float64Array(4 * em.outLen);
    const D = new Float64Array(4 * em.outLen);
    K.analyzeRows(x, 0, n, 4, em, lo, hi, A, 0, em.outLen, D, 0, em.outLen);
    return A;
  };
  const prev = setWasmKernels('auto');
  try {
    const a = run();
    run();
    await new Promise((r) => setImmediate(r));
    assert.equal(warnings.filter((w) => /SIMD kernels for filter length 6 failed to build \(simulated build failure/.test(w)).length, 1, `one warning: ${warnings.join(' | ')}`);
    assert.equal(simdKernelCalls(F), 0, 'the SIMD path did not run');
    setWasmKernels('never');
    assert.deepEqual(run(), a, 'the loops gave the result');
    setWasmKernels('always');
    assert.throws(run, /SIMD kernels for filter length 6 failed to build \(simulated build failure .*asks for them always/);
  } finally {
    setWasmKernels(prev);
    process.off('warning', onWarning);
    simdBuildHooks.fail = undefined;
  }
});
