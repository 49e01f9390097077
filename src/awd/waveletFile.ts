/**
 * The wavelet file format (JSON): a fitted wavelet's filter, settings, history and the library
 * version, with a SHA-256 checksum so a truncated or edited file is detected on load. Pure (no
 * file system): used in Node by `serialize.ts` (saveWavelet / loadWavelet) and in browsers by the
 * playground, which therefore write byte-identical files for the same wavelet.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { sha256Hex } from '../util/sha256.ts';
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
  return sha256Hex(JSON.stringify(p));
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
