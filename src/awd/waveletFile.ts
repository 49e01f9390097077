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
import { TERM_NAMES, WEIGHTED_TERMS } from './loss.ts';
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

/**
 * The history as saved: without the wall-clock `seconds` of each epoch, so that the same inputs
 * and seed give a byte-identical file (timings are printed by `awd fit`, not stored).
 */
function savedHistory(history: readonly EpochRecord[]): EpochRecord[] {
  return history.map(({ seconds: _seconds, ...r }) => r);
}

/** The JSON text of a wavelet file (byte-reproducible: no wall-clock times). */
export function waveletToJson(w: AdaptiveWavelet): string {
  const payload: Payload = {
    format: WAVELET_FILE_FORMAT,
    formatVersion: WAVELET_FILE_VERSION,
    library: { name: 'awd', version: VERSION },
    h: Array.from(w.h),
    levels: w.levels,
    mode: w.mode,
    settings: w.settings,
    history: savedHistory(w.history),
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
  checkHistory(payload.history, source);
  checkSettings(payload.settings, source);
  if (!Number.isInteger(payload.levels) || payload.levels < 1) throw new AwdError(where, `${source} has malformed "levels" ${JSON.stringify(payload.levels)} (expected an integer >= 1)`);
  return new AdaptiveWavelet(Float64Array.from(payload.h), payload.levels, parseMode(payload.mode, where), payload.settings, payload.history);
}

/** Checks saved fit settings: null, or an object with the fields a fit writes (the ones read back). */
function checkSettings(settings: unknown, source: string): void {
  const bad = (what: string): never => {
    throw new AwdError('loadWavelet', `${source} has malformed "settings": ${what}; refit, or restore the original file`);
  };
  if (settings === null) return;
  if (typeof settings !== 'object' || Array.isArray(settings)) bad('expected an object or null');
  const st = settings as Record<string, unknown>;
  const w = st.weights;
  if (w === null || typeof w !== 'object' || Array.isArray(w)) bad('"weights" is not an object');
  for (const k of WEIGHTED_TERMS) if (typeof (w as Record<string, unknown>)[k] !== 'number') bad(`"weights.${k}" is not a number`);
  if (typeof st.init !== 'string' && !(Array.isArray(st.init) && st.init.every((v) => typeof v === 'number'))) bad('"init" is neither a wavelet name nor an array of numbers');
  for (const k of ['initNoise', 'levels', 'epochs', 'batchSize', 'learningRate', 'seed', 'nTrain']) if (typeof st[k] !== 'number') bad(`"${k}" is not a number`);
  if (!Array.isArray(st.sampleShape) || !st.sampleShape.every((v) => Number.isInteger(v))) bad('"sampleShape" is not an array of integers');
}

/** Checks a saved history: an array of { epoch, train: { term: number }, validation? }. */
function checkHistory(history: unknown, source: string): asserts history is EpochRecord[] {
  const bad = (what: string): never => {
    throw new AwdError('loadWavelet', `${source} has a malformed "history": ${what}; refit, or restore the original file`);
  };
  if (!Array.isArray(history)) bad(`expected an array of epoch records, got ${history === null ? 'null' : typeof history}`);
  const terms = (v: unknown, what: string): void => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(`${what} is not an object of loss terms`);
    for (const k of [...TERM_NAMES, 'total']) {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x !== 'number') bad(`${what}.${k} is ${x === undefined ? 'missing' : `not a number (${JSON.stringify(x)})`}`);
    }
  };
  (history as unknown[]).forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) bad(`record ${i} is not an object`);
    const rec = r as Record<string, unknown>;
    if (!Number.isInteger(rec.epoch)) bad(`record ${i} has no integer "epoch"`);
    terms(rec.train, `record ${i}.train`);
    if (rec.validation !== undefined) terms(rec.validation, `record ${i}.validation`);
  });
}
