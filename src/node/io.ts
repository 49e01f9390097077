/**
 * Arrays from and to files, whatever format they come in: the one loader every CLI command and
 * the `awd/node` API use.
 *
 *   file.npy                   NumPy array
 *   file.npz[:key]             one array of a NumPy archive (np.savez / np.savez_compressed)
 *   file.h5[:/group/dataset]   one dataset of an HDF5 file (also .hdf5, .hdf, .he5)
 *   file.fits[:hdu]            a FITS image or cube: HDU index or EXTNAME (also .fit, .fts)
 *   file.csv                   a numeric table, rows × columns (optional header line; also .tsv, .txt)
 *
 * The key may be left out when the file holds one array. Every array comes back as float64.
 * Outputs: .npy, .npz (stored) or HDF5, written atomically, the same arrays giving the same bytes.
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { AwdError } from '../util/checks.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import type { NdArray } from '../util/ndarray.ts';
import { parseCsv } from '../data/csv.ts';
import { parseFits } from '../data/fits.ts';
import { encodeNpy, parseNpy } from '../data/npyFormat.ts';
import { encodeNpz, parseNpz } from '../data/npz.ts';
import { readHdf5, writeHdf5 } from './hdf5.ts';

/** The file formats of arrays. */
export type ArrayFormat = 'npy' | 'npz' | 'hdf5' | 'fits' | 'csv';

/** Where an array is: the file, its format, and the array inside it (if named). */
export interface ArraySource {
  path: string;
  format: ArrayFormat;
  /** npz: the array name; hdf5: the dataset path; fits: the HDU index or EXTNAME. */
  key?: string;
}

const EXT: [RegExp, ArrayFormat][] = [
  [/\.npy$/i, 'npy'],
  [/\.npz$/i, 'npz'],
  [/\.(h5|hdf5|hdf|he5)$/i, 'hdf5'],
  [/\.(fits|fit|fts)$/i, 'fits'],
  [/\.(csv|tsv|txt)$/i, 'csv'],
];

/** The formats and their file extensions, for messages. */
export const ARRAY_FORMATS = '.npy, .npz[:key], .h5[:/dataset], .fits[:hdu], .csv';

function formatOf(path: string): ArrayFormat | null {
  for (const [re, f] of EXT) if (re.test(path)) return f;
  return null;
}

/**
 * Splits `file.npz:key`, `file.h5:/group/data` or `file.fits:1` into the file, its format and
 * the key. A path that exists as given is taken whole (a file name may contain ':').
 */
export function parseArraySpec(spec: string): ArraySource {
  const where = 'readArray';
  if (typeof spec !== 'string' || spec === '') throw new AwdError(where, `expected a file name such as X.npy, got ${JSON.stringify(spec)}`);
  const whole = formatOf(spec);
  if (whole && (existsSync(spec) || !spec.includes(':'))) return { path: spec, format: whole };
  const m = /^(.*\.(?:npz|h5|hdf5|hdf|he5|fits|fit|fts)):([^:]+)$/i.exec(spec);
  if (m) {
    const format = formatOf(m[1]) as ArrayFormat;
    return { path: m[1], format, key: m[2] };
  }
  const colon = /^(.*\.(?:npy|csv|tsv|txt)):(.+)$/i.exec(spec);
  if (colon) throw new AwdError(where, `'${spec}': a ${colon[1].split('.').pop()} file holds one array, so it takes no ':${colon[2]}'`);
  throw new AwdError(where, `'${spec}' has no known data extension; give ${ARRAY_FORMATS}`);
}

function readBytes(path: string): Uint8Array {
  if (!existsSync(path)) throw new AwdError('readArray', `file '${path}' does not exist`);
  if (!statSync(path).isFile()) throw new AwdError('readArray', `'${path}' is not a file`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new AwdError('readArray', `cannot read '${path}': ${(e as Error).message}`);
  }
}

/** Raw-deflate decompression for compressed .npz members (Node's zlib). */
export function inflateRaw(compressed: Uint8Array, expectedSize: number): Uint8Array {
  try {
    const out = inflateRawSync(compressed, { maxOutputLength: Math.max(1, expectedSize) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new AwdError('readNpz', `a compressed member does not decompress (${(e as Error).message}); the file is damaged`);
  }
}

/**
 * Reads one array, as float64, from any supported file (see the module comment for the forms
 * of `spec`).
 *
 * @example
 * const X = await readArray('maps.fits');             // a FITS cube → [n, rows, cols]
 * const G = await readArray('run.npz:grads');
 * const K = await readArray('kappa.h5:/test/maps');
 */
export async function readArray(spec: string | ArraySource): Promise<NdArray> {
  const src = typeof spec === 'string' ? parseArraySpec(spec) : spec;
  const { path, key } = src;
  switch (src.format) {
    case 'npy':
      return parseNpy(readBytes(path), `'${path}'`);
    case 'npz':
      return parseNpz(readBytes(path), key, { name: `'${path}'`, inflate: inflateRaw });
    case 'fits':
      return parseFits(readBytes(path), key, { name: `'${path}'` });
    case 'csv': {
      const bytes = readBytes(path);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new AwdError('readCsv', `'${path}' is not UTF-8 text; a CSV file of numbers is expected`);
      }
      return parseCsv(text, `'${path}'`).values;
    }
    case 'hdf5':
      readBytes(path);
      return readHdf5(path, key);
  }
}

/**
 * Writes one array: `.npy`, `.npz[:key]` (default key 'arr_0', as np.savez) or
 * `.h5[:/dataset]` (default dataset '/data').
 */
export async function writeArray(spec: string, a: NdArray): Promise<void> {
  const where = 'writeArray';
  const m = /^(.*\.(?:npz|h5|hdf5|hdf|he5)):([^:]+)$/i.exec(spec);
  const path = m ? m[1] : spec;
  const format = formatOf(path);
  if (format === 'npy' && !m) return writeFileAtomic(path, encodeNpy(a));
  if (format === 'npz') return writeFileAtomic(path, encodeNpz({ [m ? m[2] : 'arr_0']: a }));
  if (format === 'hdf5') return writeHdf5(path, { [m ? m[2] : 'data']: a });
  throw new AwdError(where, `cannot write '${spec}': outputs are .npy, .npz[:key] or .h5[:/dataset]`);
}

/**
 * Writes named arrays to one `.npz` or HDF5 file.
 *
 * @example
 * await writeArrays('coeffs.h5', { approx_4: a4, detail_1: d1 });
 */
export async function writeArrays(path: string, arrays: Record<string, NdArray>): Promise<void> {
  const format = formatOf(path);
  if (format === 'npz') return writeFileAtomic(path, encodeNpz(arrays));
  if (format === 'hdf5') return writeHdf5(path, arrays);
  throw new AwdError('writeArrays', `cannot write several arrays to '${path}': give a .npz or .h5 file`);
}

/** Whether a path names a file that can hold several arrays (.npz or HDF5). */
export function isArchivePath(path: string): boolean {
  const f = formatOf(path);
  return f === 'npz' || f === 'hdf5';
}
