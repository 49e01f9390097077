/**
 * Loading real fluorescence tracks (e.g. clathrin traces of the molecular-partner study) from
 * `.npy` or CSV files, with an optional response, so that a user's own tracks run through the
 * same pipeline as the simulator's.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { AwdError, assertInt } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';
import { readNpy } from './npy.ts';
import { resampleLinear } from './resample.ts';

export { resampleLinear, resampleReference } from './resample.ts';

/** Options of {@link loadTracks}. */
export interface LoadTracksOptions {
  /** Path of the tracks: `.npy` (n × T, or n × 1 × T) or a delimited text file (`.csv`, `.tsv`, `.txt`), one track per row. */
  data: string;
  /** Path of a separate response file: `.npy` (n or n × 1 values) or text with one value per line (optional header line). */
  response?: string;
  /**
   * The response as a column of the data file: a header name, or a 0-based column index
   * (negative counts from the end of each row, −1 = last). That column is removed from the tracks.
   */
  responseColumn?: string | number;
  /**
   * Resample every track to this length by linear interpolation. With it, tracks may have
   * different lengths: trailing empty cells (CSV) or trailing NaN (CSV, `.npy`) are padding
   * and are dropped before resampling.
   */
  resampleTo?: number;
  /** Whether the CSV's first row is a header: `'auto'` (default) treats it as one when any cell is not a number. */
  header?: boolean | 'auto';
  /** CSV cell separator. Default `,` (tab for `.tsv`). */
  delimiter?: string;
}

/** Result of {@link loadTracks}. */
export interface LoadedTracks {
  /** n × T tracks (T = `resampleTo` when given). */
  X: NdArray;
  /** The response, when one was asked for. */
  y?: Float64Array;
  /** Each track's length in the file, before resampling. */
  lengths: Int32Array;
  /** The CSV header's track-column names, when the file had a header. */
  columns?: string[];
}

const where = 'loadTracks';

type Cell = { kind: 'empty' } | { kind: 'nan' } | { kind: 'num'; value: number } | { kind: 'bad' };

function parseCell(raw: string): Cell {
  let s = raw.trim();
  if (s.length >= 2 && ((s[0] === '"' && s[s.length - 1] === '"') || (s[0] === "'" && s[s.length - 1] === "'"))) {
    s = s.slice(1, -1).trim();
  }
  if (s === '') return { kind: 'empty' };
  if (/^[+-]?nan$/i.test(s)) return { kind: 'nan' };
  if (/^[+-]?inf(inity)?$/i.test(s)) return { kind: 'num', value: s[0] === '-' ? -Infinity : Infinity };
  const v = Number(s);
  if (Number.isNaN(v) || /^0[xob]/i.test(s)) return { kind: 'bad' };
  return { kind: 'num', value: v };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new AwdError(where, `cannot read '${path}': ${(err as Error).message}`);
  }
}

interface CsvRow {
  line: number;
  cells: string[];
}

function splitCsv(text: string, delimiter: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
    rows.push({ line: i + 1, cells: l.split(delimiter) });
  }
  return rows;
}

function describeColumn(col: number, header?: string[]): string {
  return header && header[col] !== undefined ? `column ${col + 1} ("${header[col].trim()}")` : `column ${col + 1}`;
}

/** Parses the numeric cells of one track row; trailing empty/NaN cells are padding when `padded`. */
function parseTrackRow(path: string, row: CsvRow, rowNo: number, cols: number[], header: string[] | undefined, padded: boolean): number[] {
  const cells = cols.map((c) => parseCell(row.cells[c] ?? ''));
  let end = cells.length;
  if (padded) while (end > 0 && (cells[end - 1].kind === 'empty' || cells[end - 1].kind === 'nan')) end--;
  const out: number[] = [];
  for (let k = 0; k < end; k++) {
    const cell = cells[k];
    const at = `'${path}' track ${rowNo} (line ${row.line}), ${describeColumn(cols[k], header)}`;
    if (cell.kind === 'num') {
      if (!Number.isFinite(cell.value)) throw new AwdError(where, `${at} is ${cell.value}; tracks must be finite numbers`);
      out.push(cell.value);
    } else if (cell.kind === 'nan') {
      throw new AwdError(where, `${at} is NaN; remove or impute missing values${padded ? ' (only trailing NaN are treated as padding)' : ', or pass resampleTo if NaN pads shorter tracks at the end'}`);
    } else if (cell.kind === 'empty') {
      throw new AwdError(where, `${at} is empty; fill it${padded ? ' (only trailing empty cells are treated as padding)' : ', or pass resampleTo if empty cells pad shorter tracks at the end'}`);
    } else {
      throw new AwdError(where, `${at}: "${row.cells[cols[k]].trim()}" is not a number`);
    }
  }
  if (out.length === 0) throw new AwdError(where, `'${path}' track ${rowNo} (line ${row.line}) has no values`);
  return out;
}

function loadCsv(opts: LoadTracksOptions): { tracks: number[][]; y?: Float64Array; columns?: string[] } {
  const path = opts.data;
  const delimiter = opts.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : ',');
  const rows = splitCsv(readText(path), delimiter);
  if (rows.length === 0) throw new AwdError(where, `'${path}' is empty: it holds no tracks`);
  let header: string[] | undefined;
  const h = opts.header ?? 'auto';
  if (h === true || (h === 'auto' && rows[0].cells.some((c) => parseCell(c).kind === 'bad'))) {
    header = rows[0].cells.map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    rows.shift();
  }
  if (rows.length === 0) throw new AwdError(where, `'${path}' has a header but no tracks`);

  const padded = opts.resampleTo !== undefined;
  // The response column, resolved per row (a negative index counts from that row's last non-empty cell).
  let respCol: ((row: CsvRow) => number) | undefined;
  const rc = opts.responseColumn;
  if (typeof rc === 'string') {
    if (!header) throw new AwdError(where, `responseColumn "${rc}" is a name but '${path}' has no header; pass a 0-based column index instead`);
    const idx = header.findIndex((name) => name === rc);
    if (idx < 0) throw new AwdError(where, `'${path}' has no column named "${rc}"; its columns are ${header.map((x) => `"${x}"`).join(', ')}`);
    respCol = () => idx;
  } else if (typeof rc === 'number') {
    if (!Number.isInteger(rc)) throw new AwdError(where, `responseColumn must be a column name or an integer index, got ${rc}`);
    respCol = (row) => {
      let len = row.cells.length;
      while (len > 0 && row.cells[len - 1].trim() === '') len--;
      const idx = rc < 0 ? len + rc : rc;
      if (idx < 0 || idx >= len) throw new AwdError(where, `'${path}' line ${row.line} has ${len} columns, so responseColumn ${rc} does not exist`);
      return idx;
    };
  }

  const tracks: number[][] = [];
  const y = respCol ? new Float64Array(rows.length) : undefined;
  let firstLen = header ? header.length : -1;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!padded) {
      if (firstLen < 0) firstLen = row.cells.length;
      else if (row.cells.length !== firstLen) {
        throw new AwdError(
          where,
          `'${path}' has ragged rows: track ${r + 1} (line ${row.line}) has ${row.cells.length} cells but ${header ? 'the header' : 'track 1'} has ${firstLen}; ` +
            'every track must have the same length, or pass resampleTo to resample tracks of different lengths',
        );
      }
    }
    let cells = row.cells.length;
    if (padded) while (cells > 0 && row.cells[cells - 1].trim() === '') cells--;
    const skip = respCol ? respCol(row) : -1;
    const cols: number[] = [];
    for (let c = 0; c < cells; c++) if (c !== skip) cols.push(c);
    if (y && respCol) {
      const cell = parseCell(row.cells[skip] ?? '');
      const at = `'${path}' track ${r + 1} (line ${row.line}), response ${describeColumn(skip, header)}`;
      if (cell.kind !== 'num' || !Number.isFinite(cell.value)) {
        throw new AwdError(where, `${at}: "${(row.cells[skip] ?? '').trim()}" is not a finite number`);
      }
      y[r] = cell.value;
    }
    const track = parseTrackRow(path, row, r + 1, cols, header, padded);
    tracks.push(track);
  }
  let columns: string[] | undefined;
  if (header) {
    const hdr = header;
    const skip = typeof rc === 'string' ? hdr.indexOf(rc) : typeof rc === 'number' ? (rc < 0 ? hdr.length + rc : rc) : -1;
    columns = hdr.filter((_, c) => c !== skip);
  }
  return { tracks, y, columns };
}

function loadNpyTracks(opts: LoadTracksOptions): { tracks: number[][]; y?: Float64Array } {
  const path = opts.data;
  const a = readNpy(path);
  let shape = a.shape;
  if (shape.length === 3 && shape[1] === 1) shape = [shape[0], shape[2]];
  if (shape.length !== 2) {
    throw new AwdError(where, `'${path}' has shape [${a.shape.join(', ')}]; tracks must be n × T (or n × 1 × T)`);
  }
  const [n, T] = shape;
  if (n === 0 || T === 0) throw new AwdError(where, `'${path}' is empty (shape [${a.shape.join(', ')}]): it holds no tracks`);
  const rc = opts.responseColumn;
  if (typeof rc === 'string') throw new AwdError(where, `responseColumn "${rc}" is a name but a .npy file has no column names; pass a 0-based index`);
  let skip = -1;
  if (rc !== undefined) {
    if (!Number.isInteger(rc) || rc < -T || rc >= T) throw new AwdError(where, `responseColumn ${rc} is out of range for ${T} columns`);
    skip = rc < 0 ? T + rc : rc;
  }
  const padded = opts.resampleTo !== undefined;
  const tracks: number[][] = [];
  const y = skip >= 0 ? new Float64Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let t = 0; t < T; t++) {
      const v = a.data[i * T + t];
      if (t === skip) {
        if (!Number.isFinite(v)) throw new AwdError(where, `'${path}' track ${i + 1}, response column ${t}: ${v} is not a finite number`);
        y![i] = v;
      } else row.push(v);
    }
    let end = row.length;
    if (padded) while (end > 0 && Number.isNaN(row[end - 1])) end--;
    for (let t = 0; t < end; t++) {
      if (!Number.isFinite(row[t])) {
        throw new AwdError(
          where,
          `'${path}' track ${i + 1} (row index ${i}), time point ${t} is ${row[t]}; remove or impute non-finite values` +
            (padded ? ' (only trailing NaN are treated as padding)' : ', or pass resampleTo if NaN pads shorter tracks at the end'),
        );
      }
    }
    if (end === 0) throw new AwdError(where, `'${path}' track ${i + 1} has no values`);
    tracks.push(row.slice(0, end));
  }
  return { tracks, y };
}

function loadResponseFile(path: string, n: number): Float64Array {
  let values: Float64Array;
  if (extname(path).toLowerCase() === '.npy') {
    const a = readNpy(path);
    if (!(a.shape.length === 1 || (a.shape.length === 2 && a.shape[1] === 1))) {
      throw new AwdError(where, `response '${path}' has shape [${a.shape.join(', ')}]; it must hold one value per track (n or n × 1)`);
    }
    values = a.data;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new AwdError(where, `response '${path}' value ${i + 1} is ${values[i]}; responses must be finite`);
    }
  } else {
    const rows = splitCsv(readText(path), ',');
    if (rows.length > 0 && rows[0].cells.length === 1 && parseCell(rows[0].cells[0]).kind === 'bad') rows.shift();
    if (rows.length === 0) throw new AwdError(where, `response '${path}' is empty`);
    values = new Float64Array(rows.length);
    rows.forEach((row, i) => {
      if (row.cells.length !== 1) throw new AwdError(where, `response '${path}' line ${row.line} has ${row.cells.length} cells; put one value per line`);
      const cell = parseCell(row.cells[0]);
      if (cell.kind !== 'num' || !Number.isFinite(cell.value)) {
        throw new AwdError(where, `response '${path}' line ${row.line}: "${row.cells[0].trim()}" is not a finite number`);
      }
      values[i] = cell.value;
    });
  }
  if (values.length !== n) {
    throw new AwdError(where, `response '${path}' has ${values.length} values but the data has ${n} tracks; pass one response per track`);
  }
  return Float64Array.from(values);
}

/**
 * Loads tracks (one per row) from `.npy` or CSV, with an optional response taken from a column
 * of the data file (`responseColumn`) or from a separate file (`response`), and optionally
 * resamples every track to `resampleTo` points by linear interpolation. Errors name the file,
 * track (row), line and column of ragged rows, non-numeric cells, NaN and empty files.
 *
 * @example
 * const { X, y } = loadTracks({ data: 'tracks.csv', responseColumn: 'auxilin', resampleTo: 40 });
 * X.shape; // [n, 40]
 */
export function loadTracks(opts: LoadTracksOptions): LoadedTracks {
  if (opts.response !== undefined && opts.responseColumn !== undefined) {
    throw new AwdError(where, 'pass either response (a separate file) or responseColumn (a column of the data), not both');
  }
  if (opts.resampleTo !== undefined) assertInt(where, 'resampleTo', opts.resampleTo, 2);
  const isNpy = extname(opts.data).toLowerCase() === '.npy';
  const loaded: { tracks: number[][]; y?: Float64Array; columns?: string[] } = isNpy ? loadNpyTracks(opts) : loadCsv(opts);
  const { tracks } = loaded;
  const n = tracks.length;
  const lengths = Int32Array.from(tracks, (t) => t.length);
  const T = opts.resampleTo ?? tracks[0].length;
  const X = new Float64Array(n * T);
  for (let i = 0; i < n; i++) {
    X.set(opts.resampleTo !== undefined ? resampleLinear(tracks[i], T) : tracks[i], i * T);
  }
  let y = loaded.y;
  if (opts.response !== undefined) y = loadResponseFile(opts.response, n);
  const out: LoadedTracks = { X: ndarray(X, [n, T]), lengths };
  if (y) out.y = y;
  if (loaded.columns && opts.resampleTo === undefined) out.columns = loaded.columns;
  return out;
}
