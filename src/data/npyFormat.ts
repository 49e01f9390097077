/**
 * Parsing and encoding NumPy `.npy` bytes (format versions 1.0, 2.0 and 3.0).
 *
 * Supported on read: floats `f8`, `f4`, `f2`; integers `i8`, `i4`, `i2`, `i1`, `u8`, `u4`, `u2`,
 * `u1`; booleans `b1`; either byte order (`<`, `>`; native `=` is treated as little-endian);
 * C or Fortran order (Fortran arrays come back in C order, same shape). Every value is converted
 * to float64 (int64 values beyond ±2^53 lose precision).
 * Written: `<f8` (default) or `<f4`, format 1.0 (2.0 when the header needs it).
 *
 * Format reference: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 *
 * No Node API: this module runs in browsers (the playground's uploads); files are read and
 * written by `npy.ts`.
 */
import { AwdError } from '../util/checks.ts';
import { ndarray, sizeOf, type NdArray } from '../util/ndarray.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const FIX = 'save it with np.save(path, np.ascontiguousarray(x).astype(np.float64))';

/** Parsed `.npy` header. */
export interface NpyHeader {
  version: [number, number];
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset where the data starts. */
  dataOffset: number;
}

/** Parses only the header of `.npy` bytes (checks magic, version, descr, order, shape). */
export function parseNpyHeader(bytes: Uint8Array, name = 'the .npy data'): NpyHeader {
  const where = 'parseNpy';
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new AwdError(
      where,
      `${name} is not a NumPy .npy file (the magic string \\x93NUMPY is missing); ` +
        `if it is .npz, CSV or text, convert it: ${FIX}`,
    );
  }
  const major = bytes[6];
  const minor = bytes[7];
  let headerLen: number;
  let start: number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new AwdError(where, `${name} is truncated inside its header; ${FIX}`);
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new AwdError(where, `${name} has .npy format version ${major}.${minor}, which is not supported (1.0, 2.0, 3.0 are); ${FIX}`);
  }
  if (start + headerLen > bytes.length) {
    throw new AwdError(where, `${name} is truncated: its header says ${headerLen} header bytes but the file ends before; re-save the file`);
  }
  const headerBytes = bytes.subarray(start, start + headerLen);
  const header = major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : latin1(headerBytes);
  const descrM = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrM || !fortM || !shapeM) {
    if (/['"]descr['"]\s*:\s*\[/.test(header)) {
      throw new AwdError(where, `${name} holds a structured (record) array, which is not supported; ${FIX}`);
    }
    throw new AwdError(where, `${name} has a malformed header ${JSON.stringify(header.trim())}; ${FIX}`);
  }
  const shape = shapeM[1]
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s);
      if (!Number.isInteger(v) || v < 0) {
        throw new AwdError(where, `${name} has a malformed shape (${shapeM[1]}) in its header; ${FIX}`);
      }
      return v;
    });
  return {
    version: [major, minor],
    descr: descrM[1],
    fortranOrder: fortM[1] === 'True',
    shape,
    dataOffset: start + headerLen,
  };
}

/** Parses the bytes of a `.npy` file into a float64 NdArray. */
export function parseNpy(bytes: Uint8Array, name = 'the .npy data'): NdArray {
  const where = 'parseNpy';
  const h = parseNpyHeader(bytes, name);
  const { descr } = h;
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) {
    throw new AwdError(where, `${name} has dtype '${descr}', which is not supported (numeric arrays only); ${FIX}`);
  }
  const [, order, kind, sizeStr] = m;
  const size = Number(sizeStr);
  const le = order !== '>';
  const supported: Record<string, number[]> = { f: [2, 4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };
  if (!supported[kind].includes(size)) {
    throw new AwdError(where, `${name} has dtype '${descr}', which is not supported; ${FIX}`);
  }
  const n = sizeOf(h.shape);
  const need = n * size;
  const have = bytes.length - h.dataOffset;
  if (have < need) {
    throw new AwdError(
      where,
      `${name} is truncated: shape [${h.shape.join(', ')}] of '${descr}' needs ${need} data bytes but only ${have} are present; ` +
        're-save or re-copy the file',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, need);
  const out = new Float64Array(n);
  const key = kind + size;
  switch (key) {
    case 'f8':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, le);
      break;
    case 'f4':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, le);
      break;
    case 'f2':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, le));
      break;
    case 'i8':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(i * 8, le));
      break;
    case 'i4':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, le);
      break;
    case 'i2':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, le);
      break;
    case 'i1':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 'u8':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigUint64(i * 8, le));
      break;
    case 'u4':
      for (let i = 0; i < n; i++) out[i] = view.getUint32(i * 4, le);
      break;
    case 'u2':
      for (let i = 0; i < n; i++) out[i] = view.getUint16(i * 2, le);
      break;
    case 'u1':
    case 'b1':
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i) === 0 ? 0 : kind === 'b' ? 1 : view.getUint8(i);
      break;
  }
  if (h.fortranOrder && h.shape.length > 1) return ndarray(fortranToC(out, h.shape), h.shape);
  return ndarray(out, h.shape);
}

/** Encodes an NdArray as `.npy` bytes, as `<f8` (default) or `<f4`, C order. */
export function encodeNpy(a: NdArray, dtype: 'f8' | 'f4' = 'f8'): Uint8Array {
  const where = 'writeNpy';
  if (dtype !== 'f8' && dtype !== 'f4') {
    throw new AwdError(where, `dtype must be 'f8' or 'f4', got '${String(dtype)}'`);
  }
  if (sizeOf(a.shape) !== a.data.length) {
    throw new AwdError(where, `shape [${a.shape.join(', ')}] does not match the data length ${a.data.length}`);
  }
  const shapeStr = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let dict = `{'descr': '<${dtype}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // Pad with spaces so that magic + version + len + header (ending in '\n') is a multiple of 64.
  let version = 1;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    version = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  dict = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  const itemSize = dtype === 'f8' ? 8 : 4;
  const out = new Uint8Array(total + a.data.length * itemSize);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  if (dtype === 'f8') {
    for (let i = 0; i < a.data.length; i++) view.setFloat64(total + i * 8, a.data[i], true);
  } else {
    for (let i = 0; i < a.data.length; i++) view.setFloat32(total + i * 4, a.data[i], true);
  }
  return out;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** The C-order copy of values stored in Fortran (column-major) order. */
function fortranToC(f: Float64Array, shape: number[]): Float64Array {
  const k = shape.length;
  const fStride = new Array<number>(k);
  let st = 1;
  for (let d = 0; d < k; d++) {
    fStride[d] = st;
    st *= shape[d];
  }
  const out = new Float64Array(f.length);
  const idx = new Array<number>(k).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = f[src];
    // Advance the C-order multi-index (last axis fastest), keeping the Fortran offset in step.
    for (let d = k - 1; d >= 0; d--) {
      idx[d]++;
      src += fStride[d];
      if (idx[d] < shape[d]) break;
      src -= fStride[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}
