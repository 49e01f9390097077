/**
 * Data files on the command line: every data option of every command reads through here
 * (src/node/io.ts: .npy, .npz[:key], HDF5 .h5[:/dataset], FITS .fits[:hdu], CSV), and array
 * outputs are written as .npy, .npz or HDF5. A bad file is a UsageError (exit 2) naming the option.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';
import { parseArraySpec, readArray, writeArray, writeArrays } from '../node/io.ts';
import { existingFile } from './args.ts';
import { UsageError } from './errors.ts';

/** The help text's name for a data argument. */
export const DATA_FORMATS = '.npy, .npz[:key], .h5[:/dataset], .fits[:hdu] or .csv';

const plain = (e: AwdError): string => e.message.replace(/^Error in [^:]+: /, '');

/** Reads the array a data option names; a missing, unreadable or malformed file is a UsageError. */
export async function readDataOption(option: string, spec: string): Promise<NdArray> {
  try {
    const src = parseArraySpec(spec);
    existingFile(option, src.path); // names a FIFO, a folder, … as such (before any read)
    return await readArray(src);
  } catch (e) {
    if (e instanceof AwdError) throw new UsageError(`${option}: ${plain(e)}`);
    throw e;
  }
}

/** Writes an output array (.npy, .npz[:key], .h5[:/dataset]); an unknown extension is a UsageError. */
export async function writeDataOption(option: string, spec: string, a: NdArray): Promise<void> {
  if (!/\.(npy|npz|h5|hdf5|hdf|he5)(:[^:]+)?$/i.test(spec)) throw new UsageError(`${option}: cannot write '${spec}'; give a .npy, .npz or .h5 file`);
  await writeArray(spec, a);
}

/** Writes named output arrays to one .npz or .h5 file. */
export async function writeDataArrays(option: string, path: string, arrays: Record<string, NdArray>): Promise<void> {
  if (!/\.(npz|h5|hdf5|hdf|he5)$/i.test(path)) throw new UsageError(`${option}: cannot write several arrays to '${path}'; give a .npz or .h5 file`);
  await writeArrays(path, arrays);
}
