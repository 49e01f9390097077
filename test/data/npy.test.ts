import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { readNpy, parseNpy, writeNpy, encodeNpy } from '../../src/data/npy.ts';
import { ndarray } from '../../src/util/ndarray.ts';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'npy');
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as Record<
  string,
  { shape: number[]; data: number[] }
>;

test('npy: reads every NumPy-written fixture (f8/f4/f2/i8/i4/u1, 0-D to 3-D, versions 1-3)', () => {
  assert.ok(Object.keys(expected).length >= 10);
  for (const [name, exp] of Object.entries(expected)) {
    const a = readNpy(join(FIX, name));
    assert.deepEqual(a.shape, exp.shape, name);
    assert.ok(a.data instanceof Float64Array, name);
    assert.deepEqual(Array.from(a.data), exp.data, name);
  }
});

test('npy: rejects complex, truncated and bad-magic files with advice', () => {
  const cases: [string, RegExp][] = [
    ['complex.npy', /dtype '<c16'.*not supported.*astype\(np\.float64\)/],
    ['truncated.npy', /truncated.*needs 96 data bytes but only 83/],
    ['bad_magic.npy', /not a NumPy \.npy file/],
  ];
  for (const [name, re] of cases) {
    assert.throws(() => readNpy(join(FIX, name)), (e: Error) => {
      assert.match(e.message, /^Error in parseNpy: /);
      assert.match(e.message, re);
      assert.ok(e.message.includes(name), 'message names the file');
      return true;
    });
  }
  assert.throws(() => readNpy(join(FIX, 'does_not_exist.npy')), /Error in readNpy: cannot read/);
  assert.throws(() => parseNpy(new Uint8Array([1, 2, 3])), /not a NumPy/);
});

test('npy: write/read round trip (f8 exact, f4 rounded) and byte-identical to NumPy for f8', () => {
  const dir = mkdtempSync(join(tmpdir(), 'awd-npy-'));
  try {
    const a = ndarray(new Float64Array([0.1, -2, 3.5e-300, Math.PI, 1e300, -0]), [2, 3]);
    writeNpy(join(dir, 'a.npy'), a);
    const b = readNpy(join(dir, 'a.npy'));
    assert.deepEqual(b.shape, [2, 3]);
    assert.deepEqual(Array.from(b.data), Array.from(a.data));
    writeNpy(join(dir, 'a4.npy'), a, 'f4');
    const c = readNpy(join(dir, 'a4.npy'));
    assert.deepEqual(Array.from(c.data), Array.from(Float32Array.from(a.data)));
    const v = readNpy(join(dir, 'a.npy'));
    writeNpy(join(dir, 'v.npy'), ndarray(v.data.slice(0, 5), [5]));
    assert.deepEqual(readNpy(join(dir, 'v.npy')).shape, [5]);
    // Header layout identical to np.save's for format 1.0.
    const ref = readFileSync(join(FIX, 'f8_2d.npy'));
    const mine = encodeNpy(readNpy(join(FIX, 'f8_2d.npy')));
    assert.deepEqual(Buffer.from(mine), ref);
    const ref1 = readFileSync(join(FIX, 'f8_1d.npy'));
    assert.deepEqual(Buffer.from(encodeNpy(readNpy(join(FIX, 'f8_1d.npy')))), ref1);
    // NumPy reads our files back (a missing NumPy fails the test with the command that installs it).
    assert.ok(existsSync('/usr/bin/python3'), 'no /usr/bin/python3: run apt-get install -y python3 python3-numpy');
    const r = spawnSync('/usr/bin/python3', ['-c', `import numpy as np; x = np.load(${JSON.stringify(join(dir, 'a4.npy'))}); print(x.dtype, x.shape, x.astype('<f8').tobytes().hex())`], { encoding: 'utf8' });
    assert.equal(r.status, 0, `NumPy could not read the file (${r.stderr.trim().split('\n').pop()}); if NumPy is missing: apt-get install -y python3-numpy`);
    const values = Buffer.from(Float64Array.from(Float32Array.from(a.data)).buffer).toString('hex');
    assert.equal(r.stdout.trim(), `float32 (2, 3) ${values}`);
    assert.throws(() => writeNpy(join(dir, 'bad.npy'), { data: new Float64Array(5), shape: [2, 3] }), /does not match/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
