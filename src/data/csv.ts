/**
 * Numeric tables in CSV (comma-, semicolon- or tab-separated) as n × k arrays: one row per
 * line, an optional header line of column names (any non-numeric field in the first line
 * makes it a header), blank lines ignored. Every other field must be a finite number.
 * (Tracks of varying length with metadata columns are `loadTracks`'s job.)
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';

/** A numeric CSV table: its values (rows × columns) and its header, if it had one. */
export interface CsvTable {
  values: NdArray;
  columns: string[] | null;
}

/**
 * Parses CSV text into a float64 rows × columns array.
 *
 * @example
 * parseCsv('a,b\n1,2\n3,4\n').values.shape; // [2, 2]
 */
export function parseCsv(text: string, name = 'the CSV data'): CsvTable {
  const where = 'readCsv';
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l, i) => ({ l, i: i + 1 })).filter(({ l }) => l.trim() !== '');
  if (lines.length === 0) throw new AwdError(where, `${name} is empty`);
  const first = lines[0].l;
  const sep = first.includes(',') ? ',' : first.includes(';') ? ';' : first.includes('\t') ? '\t' : ',';
  const split = (l: string): string[] => l.split(sep).map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
  const isNum = (f: string): boolean => f !== '' && Number.isFinite(Number(f));
  let columns: string[] | null = null;
  let rows = lines;
  if (!split(first).every(isNum)) {
    columns = split(first);
    rows = lines.slice(1);
  }
  if (rows.length === 0) throw new AwdError(where, `${name} has a header but no rows of numbers`);
  const k = split(rows[0].l).length;
  if (columns && columns.length !== k) throw new AwdError(where, `${name}: the header has ${columns.length} columns but line ${rows[0].i} has ${k}`);
  const out = new Float64Array(rows.length * k);
  rows.forEach(({ l, i }, r) => {
    const f = split(l);
    if (f.length !== k) throw new AwdError(where, `${name}: line ${i} has ${f.length} fields, expected ${k} (as in line ${rows[0].i})`);
    for (let j = 0; j < k; j++) {
      if (!isNum(f[j])) throw new AwdError(where, `${name}: line ${i}, column ${j + 1}: '${f[j]}' is not a finite number`);
      out[r * k + j] = Number(f[j]);
    }
  });
  return { values: ndarray(out, [rows.length, k]), columns };
}
