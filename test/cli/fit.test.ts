/**
 * `awd fit`, `awd transform`, `awd inspect` run as a user would (child processes on tiny data),
 * each with bad inputs that must end in one `awd: …` line and a non-zero exit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { loadWavelet } from '../../src/awd/serialize.ts';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { parseNpy, readNpy } from '../../src/data/npy.ts';
import { crc32 } from '../../src/data/zip.ts';
import { awd, assertFails, assertOk, tempDir } from './helpers.ts';
import { writeTinyData } from './data.ts';

const dir = tempDir();
writeTinyData(dir);
const FIT = ['--epochs', '2', '--batch-size', '20', '--levels', '2', '--wavelet', 'db2'];

test('awd fit: 1D fit saves a loadable wavelet; --json prints only JSON on stdout', async () => {
  const r = await awd(['fit', '--data', 'X.npy', '--grads', 'G.npy', ...FIT, '--lambda', '0.1', '--gamma', '0.05', '--out', 'w.json', '--json'], dir);
  assertOk(r);
  const out = JSON.parse(r.stdout); // throws if anything else is on stdout
  assert.equal(out.dims, '1D');
  assert.equal(out.epochs, 2);
  const w = loadWavelet(join(dir, 'w.json'));
  assert.deepEqual(Array.from(w.h), out.h);
  assert.equal(w.history.length, 2);
  assert.equal(w.settings?.weights.l1_attr, 0.1);
  assert.equal(w.settings?.weights.l1_wave, 0.05);
  assert.equal(w.levels, 2);
  assert.match(r.stderr, /fitted wavelet saved to w\.json/); // human text goes to stderr under --json
});

test('awd fit: 2D data (n × H × W) fits a 2D wavelet; same seed gives the same filter', async () => {
  const [a, b] = await Promise.all([
    awd(['fit', '--data', 'X2.npy', '--grads', 'G2.npy', ...FIT, '--lambda', '0.1', '--seed', '3', '--init-noise', '0.01', '--out', 'w2a.json'], dir),
    awd(['fit', '--data', 'X2.npy', '--grads', 'G2.npy', ...FIT, '--lambda', '0.1', '--seed', '3', '--init-noise', '0.01', '--out', 'w2b.json'], dir),
  ]);
  assertOk(a);
  assertOk(b);
  assert.match(a.stdout, /\(2D\)/);
  const wa = loadWavelet(join(dir, 'w2a.json'));
  const wb = loadWavelet(join(dir, 'w2b.json'));
  assert.deepEqual(wa.settings?.sampleShape, [16, 16]);
  assert.deepEqual(Array.from(wa.h), Array.from(wb.h));
});

test('awd fit: bad inputs end in one line and a non-zero exit', async () => {
  const cases: [string[], RegExp][] = [
    [['fit', '--data', 'missing.npy', '--grads', 'G.npy', '--out', 'x.json'], /missing\.npy' does not exist/],
    [['fit', '--data', 'vec.npy', '--grads', 'G.npy', '--out', 'x.json'], /shape \[32\]; expected n × length/],
    [['fit', '--data', 'X.npy', '--grads', 'G2.npy', '--out', 'x.json'], /--grads 'G2\.npy' has shape \[4, 16, 16\] but --data has \[40, 32\]/],
    [['fit', '--data', 'X.npy', '--grads', 'G.npy', '--wavelet', 'db55', '--out', 'x.json'], /unknown wavelet "db55"\. Did you mean 'db5'/],
    [['fit', '--data', 'X.npy', '--grads', 'G.npy', '--lambda', 'abc', '--out', 'x.json'], /--lambda must be a number, got 'abc'/],
    [['fit', '--data', 'X.npy', '--out', 'x.json'], /--grads G\.npy, or a saved teacher with --teacher/],
    [['fit', '--data', 'X.npy', '--grads', 'G.npy', '--out', 'x.json', '--bogus'], /unknown option '--bogus'/],
  ];
  const runs = await Promise.all(cases.map(([args]) => awd(args, dir)));
  runs.forEach((r, i) => assertFails(r, cases[i][1]));
  assert.equal(existsSync(join(dir, 'x.json')), false);
});

test('awd transform: .json, .npz and a folder of .npy hold the coefficients in the reference order', async () => {
  const [j, z, d] = await Promise.all([
    awd(['transform', '--wavelet', 'w.json', '--data', 'X.npy', '--out', 'c.json'], dir),
    awd(['transform', '--wavelet', 'db2', '--levels', '2', '--data', 'X2.npy', '--out', 'c.npz'], dir),
    awd(['transform', '--wavelet', 'sym3', '--levels', '2', '--mode', 'periodization', '--data', 'X.npy', '--out', 'cdir'], dir),
  ]);
  for (const r of [j, z, d]) assertOk(r);
  const X = readNpy(join(dir, 'X.npy'));
  // .json, from the fitted wavelet file
  const doc = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
  const ref = loadWavelet(join(dir, 'w.json')).transform(X);
  assert.deepEqual(doc.arrays.map((a: { name: string }) => a.name), ['approx_2', 'detail_1', 'detail_2']);
  doc.arrays.forEach((a: { shape: number[]; data: number[] }, k: number) => {
    assert.deepEqual(a.shape, ref[k].shape);
    assert.deepEqual(a.data, Array.from(ref[k].data));
  });
  // .npz: a stored zip whose members are .npy files with correct CRC-32s
  const X2 = readNpy(join(dir, 'X2.npy'));
  const ref2 = AdaptiveWavelet.fromName('db2', 2, 'zero').transform(X2);
  const members = readZip(readFileSync(join(dir, 'c.npz')));
  assert.deepEqual(members.map((m) => m.name), ['approx_2.npy', 'cH_1.npy', 'cV_1.npy', 'cD_1.npy', 'cH_2.npy', 'cV_2.npy', 'cD_2.npy']);
  members.forEach((m, k) => {
    const a = parseNpy(m.data);
    assert.deepEqual(a.shape, ref2[k].shape);
    assert.deepEqual(Array.from(a.data), Array.from(ref2[k].data));
  });
  // folder of .npy
  const ref3 = AdaptiveWavelet.fromName('sym3', 2, 'periodization').transform(X);
  assert.deepEqual(Array.from(readNpy(join(dir, 'cdir', 'detail_1.npy')).data), Array.from(ref3[1].data));
});

test('awd transform: bad inputs', async () => {
  const cases: [string[], RegExp][] = [
    [['transform', '--wavelet', 'db99', '--data', 'X.npy', '--out', 'y.json'], /unknown wavelet "db99"/],
    [['transform', '--wavelet', 'nope.json', '--data', 'X.npy', '--out', 'y.json'], /wavelet file 'nope\.json' does not exist/],
    [['transform', '--data', 'missing.npy', '--out', 'y.json'], /missing\.npy' does not exist/],
    [['transform', '--data', 'X.npy', '--levels', '0', '--out', 'y.json'], /--levels must be in \[1, 30\], got 0/],
    [['transform', '--data', 'X.npy', '--mode', 'mirror', '--out', 'y.json'], /--mode must be one of zero/],
  ];
  const runs = await Promise.all(cases.map(([args]) => awd(args, dir)));
  runs.forEach((r, i) => assertFails(r, cases[i][1]));
});

test('awd inspect: filters, history, constraints, nearest named wavelet, and the plot', async () => {
  writeFileSync(join(dir, 'edited.json'), readFileSync(join(dir, 'w.json'), 'utf8').replace('"levels": 2', '"levels": 3'));
  const [fitted, named, edited, missing] = await Promise.all([
    awd(['inspect', 'w.json', '--plot', 'w.svg'], dir),
    awd(['inspect', 'sym4', '--json'], dir),
    awd(['inspect', 'edited.json'], dir),
    awd(['inspect', 'missing.json'], dir),
  ]);
  assertOk(fitted);
  const h = loadWavelet(join(dir, 'w.json')).h;
  assert.ok(fitted.stdout.includes(h[0].toFixed(8)), 'prints h');
  assert.match(fitted.stdout, /last epoch \(2\) training terms: total/);
  assert.match(fitted.stdout, /wavelet constraints at h .*orthogonality/);
  assert.match(fitted.stdout, /nearest named wavelets .*: (db2|sym2) /);
  const svg = readFileSync(join(dir, 'w.svg'), 'utf8');
  assert.match(svg, /^<svg /);
  assert.match(svg, /training curves/);
  assertOk(named);
  const j = JSON.parse(named.stdout);
  assert.equal(j.nearest.name, 'sym4');
  assert.equal(j.nearest.distance, 0);
  assert.ok(j.constraintSum < 1e-20, `an orthogonal wavelet satisfies the constraints, got ${j.constraintSum}`);
  assert.equal(j.last, null);
  assertFails(edited, /fails its checksum/);
  assertFails(missing, /wavelet file 'missing\.json' does not exist/);
});

/** zlib's CRC-32 where this Node has it (>= 20.15), else ours (checked against the standard value below). */
const zlibCrc = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
const refCrc = (b: Uint8Array): number => (zlibCrc ? zlibCrc(b) : crc32(b));

test('crc32 matches the standard check value and zlib', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const bytes = new Uint8Array(1000).map((_, i) => (i * 7919) % 251);
  if (zlibCrc) assert.equal(crc32(bytes), zlibCrc(bytes));
});

/** A minimal reader of stored zip archives via the central directory, checking each CRC-32. */
function readZip(buf: Uint8Array): { name: string; data: Uint8Array }[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const eocd = buf.length - 22;
  assert.equal(v.getUint32(eocd, true), 0x06054b50, 'end of central directory record');
  const count = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  const out: { name: string; data: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(v.getUint32(p, true), 0x02014b50);
    assert.equal(v.getUint16(p + 10, true), 0, 'stored');
    const crc = v.getUint32(p + 16, true);
    const size = v.getUint32(p + 20, true);
    const nameLen = v.getUint16(p + 28, true);
    const local = v.getUint32(p + 42, true);
    const name = new TextDecoder().decode(buf.subarray(p + 46, p + 46 + nameLen));
    assert.equal(v.getUint32(local, true), 0x04034b50);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    const data = buf.subarray(start, start + size);
    assert.equal(refCrc(data), crc, `CRC of ${name}`);
    out.push({ name, data });
    p += 46 + nameLen + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  return out;
}
