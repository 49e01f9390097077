import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend, wasmDistDir } from '../../src/teachers/backend.ts';
import { conv2dBackpropFilterViaConv, conv2dBackpropInputViaConv } from '../../src/teachers/wasm_kernels.ts';
import { Rng } from '../../src/util/rng.ts';
import { existsSync } from 'node:fs';

type Pad = 'same' | 'valid';
type Case = { x: [number, number, number, number]; f: [number, number, number, number]; s: number | [number, number]; pad: Pad };

function randn(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** Gradients of sum(conv2d(x, w)^2 * r) w.r.t. x and w on the given backend. */
async function convGrads(backend: 'wasm' | 'cpu', c: Case, xs: Float32Array, ws: Float32Array): Promise<[Float32Array, Float32Array]> {
  await ensureBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, c.x);
    const w = tf.tensor4d(ws, c.f);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad)));
    const [gx, gw] = tf.grads(f)([x, w]);
    return [gx.dataSync() as Float32Array, gw.dataSync() as Float32Array] as [Float32Array, Float32Array];
  });
}

function relErr(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

test('wasm backend loads from the installed package (no network) and has Conv2DBackpropFilter', async () => {
  assert.ok(existsSync(wasmDistDir() + 'tfjs-backend-wasm-simd.wasm'));
  await ensureBackend('wasm');
  assert.equal(tf.getBackend(), 'wasm');
  const names = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  assert.ok(names.has('Conv2DBackpropFilter'));
  assert.ok(names.has('Conv2DBackpropInput'));
});

test('Conv2DBackpropFilter and the replaced Conv2DBackpropInput on wasm match the cpu backend (strides 1-3, same/valid, odd sizes, 1x1)', async () => {
  const rng = new Rng(11);
  const cases: Case[] = [
    { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
    { x: [2, 9, 8, 3], f: [3, 3, 3, 4], s: 2, pad: 'same' },
    { x: [2, 8, 8, 2], f: [3, 3, 2, 5], s: 2, pad: 'same' },
    { x: [1, 10, 10, 2], f: [3, 3, 2, 5], s: 2, pad: 'valid' },
    { x: [2, 11, 11, 2], f: [3, 3, 2, 3], s: 2, pad: 'valid' },
    { x: [3, 7, 7, 1], f: [1, 1, 1, 4], s: 2, pad: 'same' },
    { x: [2, 8, 8, 4], f: [5, 3, 4, 2], s: 1, pad: 'valid' },
    { x: [1, 12, 13, 2], f: [2, 2, 2, 3], s: [3, 2], pad: 'valid' },
    { x: [2, 6, 6, 2], f: [4, 4, 2, 3], s: 3, pad: 'same' },
  ];
  for (const c of cases) {
    const xs = randn(rng, c.x.reduce((a, b) => a * b, 1));
    const ws = randn(rng, c.f.reduce((a, b) => a * b, 1));
    const [gxW, gwW] = await convGrads('wasm', c, xs, ws);
    const [gxC, gwC] = await convGrads('cpu', c, xs, ws);
    const label = JSON.stringify(c);
    assert.ok(relErr(gwW, gwC) < 1e-5, `dW ${label}: ${relErr(gwW, gwC)}`);
    assert.ok(relErr(gxW, gxC) < 1e-5, `dX ${label}: ${relErr(gxW, gxC)}`);
  }
});

test('conv2dBackprop{Filter,Input}ViaConv: NCHW gives the NHWC result; explicit padding matches cpu', async () => {
  await ensureBackend('wasm');
  const rng = new Rng(5);
  const x = tf.tensor4d(randn(rng, 2 * 7 * 6 * 3), [2, 7, 6, 3]);
  const w = tf.tensor4d(randn(rng, 3 * 3 * 3 * 4), [3, 3, 3, 4]);
  const dy = tf.tensor4d(randn(rng, 2 * 4 * 3 * 4), [2, 4, 3, 4]);
  const a = conv2dBackpropFilterViaConv(x, dy, [3, 3, 3, 4], 2, 'same');
  const b = conv2dBackpropFilterViaConv(tf.transpose(x, [0, 3, 1, 2]), tf.transpose(dy, [0, 3, 1, 2]), [3, 3, 3, 4], 2, 'same', 'NCHW');
  assert.ok(relErr(b.dataSync() as Float32Array, a.dataSync() as Float32Array) < 1e-6);
  const c = conv2dBackpropInputViaConv(dy, w, [2, 7, 6, 3], 2, 'same');
  const d = conv2dBackpropInputViaConv(tf.transpose(dy, [0, 3, 1, 2]), w, [2, 3, 7, 6], 2, 'same', 'NCHW');
  assert.ok(relErr(tf.transpose(d, [0, 2, 3, 1]).dataSync() as Float32Array, c.dataSync() as Float32Array) < 1e-6);
  // Explicit (asymmetric, larger than the filter) padding: compare with the cpu backend.
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [1, 3], [0, 2], [0, 0]];
  const xs = x.dataSync() as Float32Array;
  const ws = w.dataSync() as Float32Array;
  const outs: Float32Array[][] = [];
  for (const be of ['wasm', 'cpu'] as const) {
    await ensureBackend(be);
    outs.push(
      tf.tidy(() => {
        const f = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 2, pad)));
        return tf.grads(f)([tf.tensor4d(xs, [2, 7, 6, 3]), tf.tensor4d(ws, [3, 3, 3, 4])]).map((g) => g.dataSync() as Float32Array);
      }),
    );
  }
  assert.ok(relErr(outs[0][0], outs[1][0]) < 1e-5 && relErr(outs[0][1], outs[1][1]) < 1e-5);
  await ensureBackend('wasm');
  tf.dispose([x, w, dy, a, b, c, d]);
});
