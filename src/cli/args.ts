/**
 * Parsing and checking command-line values: numbers, integers, comma lists, input files.
 * Every failure is a `UsageError` naming the option and the value that came.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { readNpy } from '../data/npy.ts';
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

/** Checks that a file exists and is a file (not a folder). */
export function existingFile(option: string, path: string): string {
  if (!existsSync(path)) throw new UsageError(`${option}: file '${path}' does not exist`);
  if (!statSync(path).isFile()) throw new UsageError(`${option}: '${path}' is a folder, expected a file`);
  return path;
}

/** Checks that a folder exists. */
export function existingDir(option: string, path: string): string {
  if (!existsSync(path)) throw new UsageError(`${option}: folder '${path}' does not exist`);
  if (!statSync(path).isDirectory()) throw new UsageError(`${option}: '${path}' is a file, expected a folder`);
  return path;
}

/**
 * Reads a `.npy` file given by an option.
 * @deprecated Use `readDataOption` (src/cli/data.ts): it reads every data format (.npy, .npz, HDF5, FITS, CSV).
 */
export function readNpyOption(option: string, path: string): NdArray {
  return readNpy(existingFile(option, path));
}

/** Checks that a data set is n × L (signals) or n × H × W (images). */
export function checkSamples(option: string, path: string, X: NdArray): void {
  if (X.shape.length !== 2 && X.shape.length !== 3) {
    throw new UsageError(
      `${option} '${path}' has shape [${X.shape.join(', ')}]; expected n × length (signals) or n × rows × cols (images)`,
    );
  }
  if (X.shape[0] < 1) throw new UsageError(`${option} '${path}' has no samples`);
}
