/**
 * Data formats on the command line: the same fit from .npy, .npz, HDF5, FITS and CSV inputs
 * gives the same wavelet; outputs in .npz and HDF5; bad files fail with one line and exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readArray } from '../../src/node/io.ts';
import { readNpy } from '../../src/data/npy.ts';
import { awd, assertFails, assertOk, tempDir } from './helpers.ts';

const FIX = new URL('../../fixtures/formats/', import.meta.url).pathname;

test('fit reads --data/--grads from .npz, HDF5, FITS and CSV and gets the wavelet it gets from .npy', async () => {
  const dir = tempDir();
  // The fixtures: 5 × 16 signals and gradients in numpy_savez.npz (X, G), h5py.h5 (/train/X float64), numpy.csv (X).
  const X = readNpy(join(FIX, 'numpy_savez.X.expected.npy'));
  const G = readNpy(join(FIX, 'numpy_savez.G.expected.npy'));
  const { writeNpy } = await import('../../src/data/npy.ts');
  writeNpy(join(dir, 'X.npy'), X);
  writeNpy(join(dir, 'G.npy'), G);
  for (const f of ['numpy_savez.npz', 'h5py.h5', 'numpy.csv']) copyFileSync(join(FIX, f), join(dir, f));
  const fit = ['--levels', '2', '--wavelet', 'db2', '--epochs', '2', '--batch-size', '5', '--lambda', '0.01', '--seed', '3'];
  const runs: [string, string, string][] = [
    ['npy', 'X.npy', 'G.npy'],
    ['npz', 'numpy_savez.npz:X', 'numpy_savez.npz:G'],
    ['h5+npz', 'h5py.h5:/train/X', 'numpy_savez.npz:G'],
    ['csv', 'numpy.csv', 'G.npy'],
  ];
  const hs: string[] = [];
  for (const [name, data, grads] of runs) {
    const r = await awd(['fit', '--data', data, '--grads', grads, ...fit, '--out', `w-${name}.json`, '--json'], dir);
    assertOk(r);
    hs.push(JSON.stringify(JSON.parse(readFileSync(join(dir, `w-${name}.json`), 'utf8')).h));
  }
  assert.equal(new Set(hs).size, 1, 'the same data in any format gives the same fitted filter');
});

test('transform reads a FITS cube and writes .npz and .h5; teacher-free outputs read back', async () => {
  const dir = tempDir();
  copyFileSync(join(FIX, 'astropy_cube_f64.fits'), join(dir, 'maps.fits'));
  assertOk(await awd(['transform', '--wavelet', 'haar', '--levels', '1', '--data', 'maps.fits', '--out', 'c.h5'], dir));
  assertOk(await awd(['transform', '--wavelet', 'haar', '--levels', '1', '--data', 'maps.fits', '--out', 'c.npz'], dir));
  const a = await readArray(join(dir, 'c.h5:/cD_1'));
  const b = await readArray(join(dir, 'c.npz:cD_1'));
  assert.deepEqual(a.shape, [3, 4, 3]);
  assert.deepEqual(a, b);
});

test('bad data files fail in one line with exit 2, naming the option', async () => {
  const dir = tempDir();
  copyFileSync(join(FIX, 'numpy_savez.npz'), join(dir, 'd.npz'));
  copyFileSync(join(FIX, 'h5py.h5'), join(dir, 'd.h5'));
  writeFileSync(join(dir, 'bad.fits'), 'SIMPLE  =   nonsense');
  writeFileSync(join(dir, 'G.csv'), '1,2\n3,oops\n');
  const cases: [string[], RegExp][] = [
    [['fit', '--data', 'd.npz', '--grads', 'd.npz:G'], /--data: '.*d\.npz' holds 3 arrays \(X, G, y\); name one/],
    [['fit', '--data', 'd.npz:X', '--grads', 'd.h5:/nope'], /--grads: '.*d\.h5' has no dataset '\/nope'/],
    [['fit', '--data', 'bad.fits', '--grads', 'd.npz:G'], /--data: '.*bad\.fits' is not a FITS file/],
    [['fit', '--data', 'd.npz:X', '--grads', 'G.csv'], /--grads: '.*G\.csv': line 2, column 2: 'oops' is not a finite number/],
    [['fit', '--data', 'd.mat', '--grads', 'd.npz:G'], /--data: 'd\.mat' has no known data extension/],
  ];
  for (const [args, re] of cases) {
    const r = await awd([...args, '--out', 'w.json'], dir);
    assertFails(r, re);
    assert.equal(r.code, 2, `${args.join(' ')}: exit 2`);
  }
});
