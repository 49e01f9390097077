/**
 * Parsing and checking command-line values: numbers, integers, comma lists, input files.
 * Every failure is a `UsageError` naming the option and the value that came.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { readNpy } from '../data/npy.ts';
import { AwdError } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';
import { UsageError } from './errors.ts';

/** A finite number, optionally with bounds. */
export function parseNumber(option: string, value: unknown, opts: { min?: number; max?: number; exclusiveMin?: boolean } = {}): number {
  const s = String(value).trim();
  const v = s === '' ? NaN : Number(s);
  if (!Number.isFinite(v)) throw new UsageError(`${option} must be a number, got '${String(value)}'`);
  if (opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min)) {
    throw new UsageError(`${option} must be ${opts.exclusiveMin ? '>' : '>='} ${opts.min}, got ${s}`);
  }
  if (opts.max !== undefined && v > opts.max) throw new UsageError(`${option} must be <= ${opts.max}, got ${s}`);
  return v;
}

/** An integer >= min. */
export function parseInteger(option: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const s = String(value).trim();
  const v = /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(v)) throw new UsageError(`${option} must be an integer, got '${String(value)}'`);
  if (v < min || v > max) throw new UsageError(`${option} must be ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}, got ${v}`);
  return v;
}

/** A comma-separated list of numbers >= min, e.g. `0,0.01,0.1`. */
export function parseNumberList(option: string, value: unknown, min = 0): number[] {
  const parts = String(value).split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new UsageError(`${option} must be a comma-separated list of numbers such as 0,0.01,0.1, got '${String(value)}'`);
  }
  return parts.map((p) => parseNumber(option, p, { min }));
}

/** A comma-separated list of positive integers, e.g. `32,32`. */
export function parseIntList(option: string, value: unknown, min = 1): number[] {
  const parts = String(value).split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`${option} must be a comma-separated list of integers such as 32,32, got '${String(value)}'`);
  return parts.map((p) => parseInteger(option, p, min));
}

/** One of the allowed words. */
export function parseChoice<T extends string>(option: string, value: unknown, choices: readonly T[]): T {
  const s = String(value);
  if (!(choices as readonly string[]).includes(s)) throw new UsageError(`${option} must be one of ${choices.join(', ')}, got '${s}'`);
  return s as T;
}

/** Requires an option to be given. */
export function required<T>(option: string, value: T | undefined, hint = ''): T {
  if (value === undefined || value === null || value === '') throw new UsageError(`${option} is required${hint ? `: ${hint}` : ''}`);
  return value;
}

/** What kind of thing is at a path, in words ("a folder", "a FIFO (named pipe)", …). */
export function kindOf(path: string): string {
  const st = statSync(path);
  if (st.isFile()) return 'a file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Checks that a file exists and is a regular file (not a folder, FIFO, socket or device). */
export function existingFile(option: string, path: string): string {
  if (!existsSync(path)) throw new UsageError(`${option}: file '${path}' does not exist`);
  if (!statSync(path).isFile()) throw new UsageError(`${option}: '${path}' is ${kindOf(path)}, expected a regular file`);
  return path;
}

/** Checks that a folder exists. */
export function existingDir(option: string, path: string): string {
  if (!existsSync(path)) throw new UsageError(`${option}: folder '${path}' does not exist`);
  if (!statSync(path).isDirectory()) throw new UsageError(`${option}: '${path}' is ${kindOf(path)}, expected a folder`);
  return path;
}

/**
 * Runs `read` on an input file named by the user; a library error while reading (a malformed,
 * truncated or foreign file) becomes a `UsageError` (exit 2, as docs/cli.md promises).
 */
export function readInput<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof AwdError) throw new UsageError(e.message);
    throw e;
  }
}

/** The async form of {@link readInput}. */
export async function readInputAsync<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof AwdError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * Reads a `.npy` file given by an option.
 * @deprecated Use `readDataOption` (src/cli/data.ts): it reads every data format (.npy, .npz, HDF5, FITS, CSV).
 */
export function readNpyOption(option: string, path: string): NdArray {
  existingFile(option, path);
  return readInput(() => readNpy(path));
}

/** Refuses data with NaN or ±Infinity (before any work), naming the first bad value. */
export function assertFiniteInput(option: string, path: string, X: NdArray): void {
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new UsageError(`${option} '${path}' contains ${Number.isNaN(d[i]) ? 'NaN' : d[i] > 0 ? 'Infinity' : '-Infinity'} at flat index ${i}; remove or impute non-finite values first`);
    }
  }
}

/** Checks that a data set is n × L (signals) or n × H × W (images). */
export function checkSamples(option: string, path: string, X: NdArray): void {
  if (X.shape.length !== 2 && X.shape.length !== 3) {
    throw new UsageError(
      `${option} '${path}' has shape [${X.shape.join(', ')}]; expected n × length (signals) or n × rows × cols (images)`,
    );
  }
  if (X.shape[0] < 1) throw new UsageError(`${option} '${path}' has no samples`);
  assertFiniteInput(option, path, X);
}
