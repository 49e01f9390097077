import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTracks, resampleLinear, resampleReference } from '../../src/data/tracks.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { ndarray } from '../../src/util/ndarray.ts';

const dir = mkdtempSync(join(tmpdir(), 'awd-tracks-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function file(content: string, ext = '.csv'): string {
  const p = join(dir, `f${counter++}${ext}`);
  writeFileSync(p, content);
  return p;
}

test('resampleLinear and resampleReference', () => {
  assert.deepEqual([...resampleLinear([0, 10], 5)], [0, 2.5, 5, 7.5, 10]);
  assert.deepEqual([...resampleLinear([1, 3, 2], 3)], [1, 3, 2]);
  assert.deepEqual([...resampleLinear([0, 4, 8, 12, 16], 3)], [0, 8, 16]);
  assert.deepEqual([...resampleLinear([7], 3)], [7, 7, 7]);
  assert.deepEqual([...resampleReference([1, 2, 3, 4, 5], 3)], [1, 3, 5]);
  assert.deepEqual([...resampleReference([1, 2], 4)], [1, 2, 0, 0]);
});

test('CSV without header, response from a separate file', () => {
  const data = file('1,2,3\n4,5,6\n\n7,8,9\n');
  const resp = file('y\n0.5\n1.5\n2.5\n', '.txt');
  const out = loadTracks({ data, response: resp });
  assert.deepEqual(out.X.shape, [3, 3]);
  assert.deepEqual([...out.X.data], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual([...out.y!], [0.5, 1.5, 2.5]);
  assert.equal(out.columns, undefined);
});

test('CSV with header and named / indexed response column', () => {
  const data = file('t0,t1,aux,t2\r\n1,2,10,3\r\n4,5,20,6\r\n');
  const byName = loadTracks({ data, responseColumn: 'aux' });
  assert.deepEqual([...byName.X.data], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...byName.y!], [10, 20]);
  assert.deepEqual(byName.columns, ['t0', 't1', 't2']);
  const byIndex = loadTracks({ data, responseColumn: 2 });
  assert.deepEqual([...byIndex.y!], [10, 20]);
  const last = loadTracks({ data, responseColumn: -1 });
  assert.deepEqual([...last.y!], [3, 6]);
  assert.deepEqual([...last.X.data], [1, 2, 10, 4, 5, 20]);
});

test('CSV tracks of different lengths, resampled to a target length (trailing empty/NaN = padding)', () => {
  const data = file('0,10,,\n0,5,10,15\n0,2,4,NaN\n');
  const out = loadTracks({ data, resampleTo: 5 });
  assert.deepEqual(out.X.shape, [3, 5]);
  assert.deepEqual([...out.lengths], [2, 4, 3]);
  assert.deepEqual([...out.X.data.subarray(0, 5)], [0, 2.5, 5, 7.5, 10]);
  assert.deepEqual([...out.X.data.subarray(5, 10)], [0, 3.75, 7.5, 11.25, 15]);
  assert.deepEqual([...out.X.data.subarray(10, 15)], [0, 1, 2, 3, 4]);
  // response as first column with variable-length tracks
  const withY = loadTracks({ data: file('1,0,10\n2,0,5,10,15\n'), responseColumn: 0, resampleTo: 3 });
  assert.deepEqual([...withY.y!], [1, 2]);
  assert.deepEqual([...withY.X.data], [0, 5, 10, 0, 7.5, 15]);
});

test('CSV bad inputs give clear errors', () => {
  assert.throws(() => loadTracks({ data: file('') }), /is empty: it holds no tracks/);
  assert.throws(() => loadTracks({ data: file('\n  \n') }), /is empty/);
  assert.throws(() => loadTracks({ data: file('a,b,c\n') }), /has a header but no tracks/);
  assert.throws(() => loadTracks({ data: file('1,2,3\n4,5\n') }), /ragged rows: track 2 \(line 2\) has 2 cells but track 1 has 3.*resampleTo/);
  assert.throws(() => loadTracks({ data: file('a,b\n1,2\n3,4,5\n') }), /ragged rows: track 2 \(line 3\) has 3 cells but the header has 2/);
  assert.throws(() => loadTracks({ data: file('t0,t1,t2\n1,2,3\n4,x5,6\n') }), /track 2 \(line 3\), column 2 \("t1"\): "x5" is not a number/);
  assert.throws(() => loadTracks({ data: file('1,2,3\n4,nan,6\n') }), /track 2 \(line 2\), column 2 is NaN/);
  assert.throws(() => loadTracks({ data: file('1,NaN,3\n'), resampleTo: 4 }), /column 2 is NaN.*only trailing NaN/);
  assert.throws(() => loadTracks({ data: file('1,,3\n') }), /column 2 is empty/);
  assert.throws(() => loadTracks({ data: file('1,2,inf\n') }), /is Infinity/);
  assert.throws(() => loadTracks({ data: file('1,2\n3,4\n'), responseColumn: 'y' }), /is a name but .* has no header/);
  assert.throws(() => loadTracks({ data: file('a,b\n1,2\n'), responseColumn: 'y' }), /no column named "y"; its columns are "a", "b"/);
  assert.throws(() => loadTracks({ data: file('1,2\n3,4\n'), response: file('1\n2\n3\n') }), /has 3 values but the data has 2 tracks/);
  assert.throws(() => loadTracks({ data: file('1,2\n3,4\n'), response: file('1\nfoo\n') }), /line 2: "foo" is not a finite number/);
  assert.throws(() => loadTracks({ data: file('1,2\n'), response: 'x', responseColumn: 0 }), /not both/);
  assert.throws(() => loadTracks({ data: join(dir, 'missing.csv') }), /cannot read/);
});

test('npy tracks, with response from a column or a separate .npy file', () => {
  const data = join(dir, 'tracks.npy');
  writeNpy(data, ndarray(new Float64Array([1, 2, 3, 9, 4, 5, 6, 8]), [2, 4]));
  const plain = loadTracks({ data });
  assert.deepEqual(plain.X.shape, [2, 4]);
  const col = loadTracks({ data, responseColumn: -1 });
  assert.deepEqual([...col.y!], [9, 8]);
  assert.deepEqual([...col.X.data], [1, 2, 3, 4, 5, 6]);
  const resp = join(dir, 'y.npy');
  writeNpy(resp, ndarray(new Float64Array([0.1, 0.2]), [2, 1]));
  assert.deepEqual([...loadTracks({ data, response: resp }).y!], [0.1, 0.2]);
  // n × 1 × T with NaN padding, resampled
  const padded = join(dir, 'padded.npy');
  writeNpy(padded, ndarray(new Float64Array([0, 10, NaN, 0, 5, 10]), [2, 1, 3]));
  const r = loadTracks({ data: padded, resampleTo: 3 });
  assert.deepEqual([...r.X.data], [0, 5, 10, 0, 5, 10]);
  assert.deepEqual([...r.lengths], [2, 3]);
});

test('npy bad inputs give clear errors', () => {
  const nan = join(dir, 'nan.npy');
  writeNpy(nan, ndarray(new Float64Array([1, NaN, 3, 4]), [2, 2]));
  assert.throws(() => loadTracks({ data: nan }), /track 1 \(row index 0\), time point 1 is NaN/);
  const flat = join(dir, 'flat.npy');
  writeNpy(flat, ndarray(new Float64Array([1, 2, 3]), [3]));
  assert.throws(() => loadTracks({ data: flat }), /tracks must be n × T/);
  const empty = join(dir, 'empty.npy');
  writeNpy(empty, ndarray(new Float64Array(0), [0, 40]));
  assert.throws(() => loadTracks({ data: empty }), /is empty/);
  const ok = join(dir, 'ok.npy');
  writeNpy(ok, ndarray(new Float64Array([1, 2, 3, 4]), [2, 2]));
  assert.throws(() => loadTracks({ data: ok, responseColumn: 'y' }), /no column names/);
  const badY = join(dir, 'bady.npy');
  writeNpy(badY, ndarray(new Float64Array([1, 2, 3]), [3]));
  assert.throws(() => loadTracks({ data: ok, response: badY }), /has 3 values but the data has 2 tracks/);
});
