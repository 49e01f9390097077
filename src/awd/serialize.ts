/**
 * Saving and loading a fitted wavelet as JSON: the filter, the settings, the history and the
 * library version, with a SHA-256 checksum so a truncated or edited file is detected on load.
 * Files are written atomically (temporary file + rename).
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AwdError } from '../util/checks.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { VERSION } from '../version.ts';
import { AdaptiveWavelet, type EpochRecord, type FitSettings } from './adaptive.ts';
import { parseMode, type Mode } from '../wavelets/modes.ts';

export const WAVELET_FILE_FORMAT = 'awd-wavelet';
export const WAVELET_FILE_VERSION = 1;

interface Payload {
  format: string;
  formatVersion: number;
  library: { name: string; version: string };
  h: number[];
  levels: number;
  mode: Mode;
  settings: FitSettings | null;
  history: EpochRecord[];
}

function checksum(p: Payload): string {
  return createHash('sha256').update(JSON.stringify(p)).digest('hex');
}

/** The JSON text of a wavelet file. */
export function waveletToJson(w: AdaptiveWavelet): string {
  const payload: Payload = {
    format: WAVELET_FILE_FORMAT,
    formatVersion: WAVELET_FILE_VERSION,
    library: { name: 'awd', version: VERSION },
    h: Array.from(w.h),
    levels: w.levels,
    mode: w.mode,
    settings: w.settings,
    history: w.history,
  };
  return JSON.stringify({ ...payload, sha256: checksum(payload) }, null, 2) + '\n';
}

/** Saves a wavelet to `path` atomically. */
export function saveWavelet(w: AdaptiveWavelet, path: string): void {
  writeFileAtomic(path, waveletToJson(w));
}

/** Parses a wavelet file's text, checking that it is whole and unedited. */
export function waveletFromJson(text: string, source = 'the wavelet file'): AdaptiveWavelet {
  const where = 'loadWavelet';
  let obj: Payload & { sha256?: string };
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new AwdError(where, `${source} is not valid JSON (${(e as Error).message}); it may be truncated — save it again with AdaptiveWavelet.save or 'awd fit'`);
  }
  if (obj === null || typeof obj !== 'object' || obj.format !== WAVELET_FILE_FORMAT) {
    throw new AwdError(where, `${source} is not an awd wavelet file (missing "format": "${WAVELET_FILE_FORMAT}")`);
  }
  if (obj.formatVersion !== WAVELET_FILE_VERSION) {
    throw new AwdError(where, `${source} has format version ${obj.formatVersion}; this awd (${VERSION}) reads version ${WAVELET_FILE_VERSION}`);
  }
  const { sha256, ...rest } = obj;
  const payload: Payload = {
    format: rest.format, formatVersion: rest.formatVersion, library: rest.library, h: rest.h,
    levels: rest.levels, mode: rest.mode, settings: rest.settings, history: rest.history,
  };
  if (typeof sha256 !== 'string' || sha256 !== checksum(payload)) {
    throw new AwdError(where, `${source} fails its checksum: it was edited or corrupted after saving. Refit, or restore the original file`);
  }
  if (!Array.isArray(payload.h) || payload.h.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new AwdError(where, `${source} holds no valid filter "h"`);
  }
  return new AdaptiveWavelet(Float64Array.from(payload.h), payload.levels, parseMode(payload.mode, where), payload.settings, payload.history);
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
