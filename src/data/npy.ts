/**
 * Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
 *
 * Supported on read: floats `f8`, `f4`, `f2`; integers `i8`, `i4`, `i2`, `i1`, `u8`, `u4`, `u2`,
 * `u1`; booleans `b1`; either byte order (`<`, `>`; native `=` is treated as little-endian);
 * C or Fortran order (Fortran arrays come back in C order, same shape). Every value is converted
 * to float64 (int64 values beyond ±2^53 lose precision).
 * Written: `<f8` (default) or `<f4`, format 1.0 (2.0 when the header needs it).
 *
 * Format reference: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 *
 * The format itself (parse, encode) is `npyFormat.ts`, which has no Node API; this module adds
 * the files.
 */
import { readFileSync } from 'node:fs';
import { AwdError } from '../util/checks.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import type { NdArray } from '../util/ndarray.ts';
import { encodeNpy, parseNpy } from './npyFormat.ts';

export { encodeNpy, parseNpy, parseNpyHeader, type NpyHeader } from './npyFormat.ts';

/** Reads a `.npy` file into a float64 NdArray. */
export function readNpy(path: string): NdArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new AwdError('readNpy', `cannot read '${path}': ${(err as Error).message}`);
  }
  return parseNpy(bytes, path);
}

/** Writes an NdArray to a `.npy` file atomically, as `<f8` (default) or `<f4`. */
export function writeNpy(path: string, a: NdArray, dtype: 'f8' | 'f4' = 'f8'): void {
  writeFileAtomic(path, encodeNpy(a, dtype));
}
