/** The pure-TypeScript SHA-256 (wavelet-file checksums in Node and browsers) against node:crypto. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sha256Hex } from '../../src/util/sha256.ts';
import { Rng } from '../../src/util/rng.ts';

const ref = (d: string | Uint8Array) => createHash('sha256').update(d).digest('hex');

test('sha256Hex: FIPS 180-4 test vectors', () => {
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

test('sha256Hex equals node:crypto on every length around the block boundaries and on UTF-8 text', () => {
  const rng = new Rng(7);
  for (let n = 0; n <= 200; n++) {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(rng.uniform() * 256);
    assert.equal(sha256Hex(b), ref(b), `length ${n}`);
  }
  const text = JSON.stringify({ h: [0.1, -1e-300, 3.0000000000000004], s: 'λ γ ψ φ — ✓ 𝔼' });
  assert.equal(sha256Hex(text), ref(text));
  const big = 'x'.repeat(100_003);
  assert.equal(sha256Hex(big), ref(big));
});
