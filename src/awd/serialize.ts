/**
 * Saving and loading a fitted wavelet as JSON (Node: files): the format, its checksum and the
 * parsing are in `waveletFile.ts` (no file system, shared with browsers). Files are written
 * atomically (temporary file + rename).
 * @module
 */
import { readFileSync } from 'node:fs';
import { AwdError } from '../util/checks.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import type { AdaptiveWavelet } from './adaptive.ts';
import { waveletFromJson, waveletToJson } from './waveletFile.ts';

export { WAVELET_FILE_FORMAT, WAVELET_FILE_VERSION, waveletToJson, waveletFromJson } from './waveletFile.ts';

/** Saves a wavelet to `path` atomically. */
export function saveWavelet(w: AdaptiveWavelet, path: string): void {
  writeFileAtomic(path, waveletToJson(w));
}

/** Loads a wavelet saved by `saveWavelet`. */
export function loadWavelet(path: string): AdaptiveWavelet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AwdError('loadWavelet', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return waveletFromJson(text, path);
}
