/**
 * The data formats (src/node/io.ts and the parsers in src/data): every fixture in
 * fixtures/formats/ was written by NumPy, h5py or astropy (scripts/make_format_fixtures.py) with
 * the values NumPy holds for it saved as <case>.expected.npy; our readers must return the same
 * shape and the same values. Writing goes the other way: NumPy and h5py read what we write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArraySpec, readArray, writeArray, writeArrays } from '../../src/node/io.ts';
import { clearObjectHeaderTimes, lookup3 } from '../../src/node/hdf5.ts';
import { readNpy } from '../../src/data/npy.ts';
import { parseFits } from '../../src/data/fits.ts';
import { parseCsv } from '../../src/data/csv.ts';
import { npzKeys } from '../../src/data/npz.ts';
import { crc32, zipMembers } from '../../src/data/zip.ts';
import { ndarray, type NdArray } from '../../src/util/ndarray.ts';

const DIR = new URL('../../fixtures/formats/', import.meta.url).pathname;
const f = (name: string): string => join(DIR, name);

function assertSame(got: NdArray, want: NdArray, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  for (let i = 0; i < want.data.length; i++) {
    const a = got.data[i];
    const b = want.data[i];
    if (Number.isNaN(b)) assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`);
    else assert.equal(a, b, `${what}[${i}]`);
  }
}

const CASES: [string, string][] = [
  ['numpy_savez.npz:X', 'numpy_savez.X'],
  ['numpy_savez.npz:G', 'numpy_savez.G'],
  ['numpy_savez.npz:y', 'numpy_savez.y'],
  ['numpy_compressed.npz', 'numpy_compressed.maps'],
  ['numpy_compressed.npz:maps', 'numpy_compressed.maps'],
  ['numpy_single.npz', 'numpy_single.arr_0'],
  ['h5py.h5:/train/X', 'h5py.train_X'],
  ['h5py.h5:train/G', 'h5py.train_G'],
  ['h5py.h5:/labels', 'h5py.labels'],
  ['h5py.h5:/maps/kappa', 'h5py.maps_kappa'],
  ['h5py_single.h5', 'h5py_single'],
  ['astropy_cube_f64.fits', 'astropy_cube_f64'],
  ['astropy_image_f32.fits', 'astropy_image_f32'],
  ['astropy_image_i32.fits', 'astropy_image_i32'],
  ['astropy_image_i64.fits', 'astropy_image_i64'],
  ['astropy_image_u8.fits', 'astropy_image_u8'],
  ['astropy_scaled_i16.fits', 'astropy_scaled_i16'],
  ['astropy_u16.fits', 'astropy_u16'],
  ['astropy_blank.fits', 'astropy_blank'],
  ['astropy_extensions.fits', 'astropy_extensions.MAPS'],
  ['astropy_extensions.fits:2', 'astropy_extensions.MAPS'],
  ['astropy_extensions.fits:GRADS', 'astropy_extensions.GRADS'],
  ['astropy_extensions.fits:grads', 'astropy_extensions.GRADS'],
  ['numpy.csv', 'numpy_csv'],
];

test('every fixture written by NumPy, h5py and astropy reads back with NumPy\'s shape and values', async () => {
  const manifest = JSON.parse(readFileSync(f('manifest.json'), 'utf8')) as { cases: Record<string, unknown> };
  const covered = new Set(CASES.map(([, c]) => c));
  assert.deepEqual(Object.keys(manifest.cases).filter((c) => !covered.has(c)), [], 'every fixture case is tested');
  for (const [spec, c] of CASES) assertSame(await readArray(f(spec)), readNpy(f(`${c}.expected.npy`)), spec);
});

test('FITS: the scaled int16 fixture really is BITPIX 16 with BSCALE ≠ 1, and the reader applies it', () => {
  const bytes = readFileSync(f('astropy_scaled_i16.fits'));
  const m = JSON.parse(readFileSync(f('manifest.json'), 'utf8')).cases.astropy_scaled_i16 as { bitpix: number; bscale: number; bzero: number };
  assert.equal(m.bitpix, 16);
  // Read the raw integers by overwriting BSCALE/BZERO with neutral values: the physical values must differ.
  const raw = new TextDecoder('latin1').decode(bytes).replace(/BSCALE  = [^/]{20}/, 'BSCALE  =                    1').replace(/BZERO   = [^/]{20}/, 'BZERO   =                    0');
  const unscaled = parseFits(Uint8Array.from(raw, (ch) => ch.charCodeAt(0)));
  const scaled = parseFits(bytes);
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(scaled.data[i] - (m.bzero + m.bscale * unscaled.data[i])) < 1e-12 * Math.max(1, Math.abs(scaled.data[i])));
  assert.ok(unscaled.data.every(Number.isInteger));
});

test('array specs: the key follows the last colon; one-array formats take none; unknown extensions are refused', () => {
  assert.deepEqual(parseArraySpec('a/b.npz:X'), { path: 'a/b.npz', format: 'npz', key: 'X' });
  assert.deepEqual(parseArraySpec('d.h5:/g/x'), { path: 'd.h5', format: 'hdf5', key: '/g/x' });
  assert.deepEqual(parseArraySpec('m.fits'), { path: 'm.fits', format: 'fits' });
  assert.throws(() => parseArraySpec('x.npy:a'), /holds one array/);
  assert.throws(() => parseArraySpec('x.mat'), /no known data extension.*\.npy, \.npz/);
});

test('bad files give one clear line naming the file and what to do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'awd-formats-'));
  const cases: [string, Uint8Array | string, string, RegExp][] = [
    ['two.npz', readFileSync(f('numpy_savez.npz')), 'two.npz', /holds 3 arrays \(X, G, y\); name one, e\.g\. '.*two\.npz:X'/],
    ['two.npz', readFileSync(f('numpy_savez.npz')), 'two.npz:Z', /has no array 'Z'; it holds X, G, y/],
    ['trunc.npz', readFileSync(f('numpy_savez.npz')).subarray(0, 300), 'trunc.npz', /not a ZIP\/\.npz archive/],
    ['crc.npz', (() => { const b = new Uint8Array(readFileSync(f('numpy_single.npz'))); b[200] ^= 0xff; return b; })(), 'crc.npz', /CRC-32/],
    ['many.h5', readFileSync(f('h5py.h5')), 'many.h5', /holds 5 datasets .*name one/],
    ['many.h5', readFileSync(f('h5py.h5')), 'many.h5:/nope', /has no dataset '\/nope'/],
    ['many.h5', readFileSync(f('h5py.h5')), 'many.h5:/name', /not numeric/],
    ['fake.h5', 'plain text', 'fake.h5', /not an HDF5 file/],
    ['fake.fits', 'plain text', 'fake.fits', /not a FITS file/],
    ['trunc.fits', readFileSync(f('astropy_cube_f64.fits')).subarray(0, 4000), 'trunc.fits', /truncated: HDU 0 needs 1152 data bytes/],
    ['ext.fits', readFileSync(f('astropy_extensions.fits')), 'ext.fits:1', /HDU 1 is a BINTABLE, not an image/],
    ['ext.fits', readFileSync(f('astropy_extensions.fits')), 'ext.fits:7', /has no HDU 7/],
    ['ragged.csv', 'a,b\n1,2\n3\n', 'ragged.csv', /line 3 has 1 fields, expected 2/],
    ['words.csv', '1,2\n3,x\n', 'words.csv', /line 2, column 2: 'x' is not a finite number/],
    ['missing.npy', '', 'nothere.npy', /does not exist/],
    ['comp.fits', readFileSync(f('astropy_compressed.fits')), 'comp.fits', /holds no image .*HDU 1 is a tile-compressed image, which is not read: decompress it first/],
  ];
  for (const [name, content, spec, re] of cases) {
    writeFileSync(join(dir, name), content);
    await assert.rejects(readArray(join(dir, spec)), (e: Error) => {
      assert.match(e.message, re, spec);
      assert.doesNotMatch(e.message, /\n/, 'one line');
      return true;
    });
  }
});

function python(code: string): string {
  if (!existsSync('/usr/bin/python3')) assert.fail('this test needs /usr/bin/python3 with NumPy and h5py: apt-get install -y python3-numpy python3-h5py');
  const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, `python failed (install: apt-get install -y python3-numpy python3-h5py):\n${r.stderr}`);
  return r.stdout.trim();
}

test('written .npz and HDF5 files read back in NumPy and h5py with the same values; same arrays → same bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'awd-formats-'));
  const X = readNpy(f('numpy_savez.X.expected.npy'));
  const M = readNpy(f('astropy_cube_f64.expected.npy'));
  await writeArrays(join(dir, 'a.npz'), { X, maps: M });
  await writeArrays(join(dir, 'a.h5'), { 'train/X': X, maps: M });
  await writeArray(join(dir, 'one.h5:/g/X'), X);
  await writeArray(join(dir, 'one.npz:X'), X);
  await writeArray(join(dir, 'one.npy'), X);
  await new Promise((r) => setTimeout(r, 1100)); // HDF5 stamps times in seconds
  await writeArrays(join(dir, 'b.h5'), { 'train/X': X, maps: M });
  assert.deepEqual(readFileSync(join(dir, 'b.h5')), readFileSync(join(dir, 'a.h5')), 'HDF5 output is byte-reproducible');
  const out = python(`
import numpy as np, h5py, json
d = ${JSON.stringify(dir)}
z = np.load(d + '/a.npz'); h = h5py.File(d + '/a.h5', 'r'); h1 = h5py.File(d + '/one.h5', 'r')
X = np.load(${JSON.stringify(f('numpy_savez.X.expected.npy'))}); M = np.load(${JSON.stringify(f('astropy_cube_f64.expected.npy'))})
print(json.dumps([bool(np.array_equal(z['X'], X)), bool(np.array_equal(z['maps'], M)), bool(np.array_equal(h['train/X'][:], X)),
  bool(np.array_equal(h['maps'][:], M)), str(h['maps'].dtype), bool(np.array_equal(h1['g/X'][:], X)),
  bool(np.array_equal(np.load(d + '/one.npz')['X'], X)), bool(np.array_equal(np.load(d + '/one.npy'), X))]))`);
  assert.deepEqual(JSON.parse(out), [true, true, true, true, 'float64', true, true, true]);
  // And our own readers read them back.
  assertSame(await readArray(join(dir, 'a.h5:/train/X')), X, 'a.h5');
  assertSame(await readArray(join(dir, 'a.npz:maps')), M, 'a.npz');
  assert.deepEqual(npzKeys(readFileSync(join(dir, 'a.npz'))), ['X', 'maps']);
  await assert.rejects(writeArray(join(dir, 'x.fits'), X), /outputs are \.npy, \.npz\[:key\] or \.h5/);
  await assert.rejects(writeArrays(join(dir, 'x.npy'), { X }), /give a \.npz or \.h5 file/);
});

test('zip: CRC-32 check value; members of a NumPy archive with ZIP64 extras are located', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const m = zipMembers(readFileSync(f('numpy_savez.npz')));
  assert.deepEqual(m.map((x) => x.name), ['X.npy', 'G.npy', 'y.npy']);
});

test('HDF5 header times: lookup3 matches its published check values; only headers whose checksum verifies change', () => {
  // Bob Jenkins' lookup3.c driver: hashlittle("", 0, 0) = 0xdeadbeef; "Four score and seven years ago" = 0x17770551.
  assert.equal(lookup3(new Uint8Array(0)), 0xdeadbeef);
  assert.equal(lookup3(new TextEncoder().encode('Four score and seven years ago')), 0x17770551);
  const junk = new TextEncoder().encode('OHDR\x02\x20' + 'x'.repeat(60));
  const copy = Uint8Array.from(junk);
  assert.equal(clearObjectHeaderTimes(copy), 0);
  assert.deepEqual(copy, junk);
});

test('CSV: header detection and separators', () => {
  assert.deepEqual(parseCsv('1;2\n3;4\n').values, ndarray(Float64Array.from([1, 2, 3, 4]), [2, 2]));
  assert.deepEqual(parseCsv('a\tb\n1\t2\n').columns, ['a', 'b']);
});
