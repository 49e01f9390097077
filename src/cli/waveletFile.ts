/**
 * Reading a wavelet from any file awd writes that holds one: a wavelet file (`awd fit`), a sweep
 * cell file (`awd sweep --cell K`, format `awd-sweep-cell`), a merged sweep file (`awd sweep`,
 * format `awd-sweep`; pick the cell with `file.json#K`), or a distilled model (`awd distill`,
 * its chosen wavelet). A bad or unknown file is a bad input (exit 2).
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { AdaptiveWavelet } from '../awd/adaptive.ts';
import { waveletFromJson } from '../awd/serialize.ts';
import { AwdError } from '../util/checks.ts';
import { UsageError } from './errors.ts';

/** Splits `file.json#K` into the path and the cell index. */
function splitCell(spec: string): { path: string; cell: number | null } {
  const m = /^(.*)#(\d+)$/.exec(spec);
  if (m && !existsSync(spec)) return { path: m[1], cell: Number(m[2]) };
  return { path: spec, cell: null };
}

/** True when `spec` names a file (possibly with `#K`). */
export function isWaveletFile(spec: string): boolean {
  const { path } = splitCell(spec);
  return path.endsWith('.json') || existsSync(path);
}

/** The wavelet held by a file (see the module comment). */
export function readWaveletFile(spec: string): AdaptiveWavelet {
  const { path, cell } = splitCell(spec);
  if (!existsSync(path)) throw new UsageError(`wavelet file '${path}' does not exist`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let obj: { format?: string; result?: { wavelet?: string; cell?: number }; results?: { wavelet?: string; cell?: number }[]; chosen?: { wavelet?: { h: number[]; levels: number; mode: string } | null } };
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`'${path}' is not valid JSON (${(e as Error).message}); it may be truncated`);
  }
  try {
    if (obj && obj.format === 'awd-sweep-cell') {
      if (typeof obj.result?.wavelet !== 'string') throw new UsageError(`'${path}' is a sweep cell file without a wavelet`);
      return waveletFromJson(obj.result.wavelet, `${path} (sweep cell ${obj.result.cell})`);
    }
    if (obj && obj.format === 'awd-sweep') {
      const results = Array.isArray(obj.results) ? obj.results : [];
      if (cell === null) throw new UsageError(`'${path}' is a merged sweep of ${results.length} cells; name one as '${path}#K' (K = 0 … ${results.length - 1})`);
      const r = results.find((x) => x.cell === cell);
      if (!r || typeof r.wavelet !== 'string') throw new UsageError(`'${path}' has no cell ${cell}; cells are 0 … ${results.length - 1}`);
      return waveletFromJson(r.wavelet, `${path} (sweep cell ${cell})`);
    }
    if (obj && obj.format === 'awd-distilled-model') {
      const w = obj.chosen?.wavelet;
      if (!w) throw new UsageError(`'${path}' is a distilled model without a wavelet (its chosen predictor uses the raw inputs)`);
      return new AdaptiveWavelet(Float64Array.from(w.h), w.levels, w.mode as never);
    }
    if (cell !== null) throw new UsageError(`'${path}#${cell}': only merged sweep files hold cells`);
    return waveletFromJson(text, path);
  } catch (e) {
    if (e instanceof AwdError) throw new UsageError(e.message.replace(/^Error in [^:]+: /, ''));
    throw e;
  }
}
