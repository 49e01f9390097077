/**
 * FITS images and cubes (the Flexible Image Transport System, astronomy's format; weak-lensing
 * convergence maps are distributed in it). Reads the primary HDU or an IMAGE extension:
 * BITPIX 8, 16, 32, 64, -32, -64 (big-endian, as the standard requires), BSCALE/BZERO scaling,
 * and BLANK (integer null values, read as NaN). Pure bytes in, an NdArray out.
 *
 * The axes are reversed into C order, as astropy does: NAXIS1 (the fastest-varying axis, image
 * columns) is the last dimension, so a cube of NAXIS1 = W, NAXIS2 = H, NAXIS3 = N is [N, H, W].
 *
 * Format reference: FITS Standard 4.0 (IAU FITS Working Group, 2018), §3–§5, §7.1. No npm
 * reader of FITS is maintained (fitsjs was last released in 2013), hence this small one.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';

const BLOCK = 2880;
const CARD = 80;

/** One header-data unit: its keywords and where its data lie. */
export interface FitsHdu {
  /** 0 for the primary HDU, then 1, 2, … for the extensions. */
  index: number;
  /** 'PRIMARY', or the XTENSION value ('IMAGE', 'BINTABLE', 'TABLE', …). */
  type: string;
  /** EXTNAME, if any. */
  extname: string | null;
  /** Keyword → value (strings unquoted, logicals as booleans, numbers as numbers). */
  header: Map<string, string | number | boolean>;
  bitpix: number;
  /** FITS axis lengths, NAXIS1 first. */
  naxis: number[];
  dataOffset: number;
  dataBytes: number;
}

function parseValue(raw: string): string | number | boolean {
  const s = raw.trim();
  if (s.startsWith("'")) {
    // A string: quotes doubled inside, ended by a lone quote; trailing blanks are not significant.
    let out = '';
    for (let i = 1; i < s.length; i++) {
      if (s[i] === "'") {
        if (s[i + 1] === "'") (out += "'"), i++;
        else break;
      } else out += s[i];
    }
    return out.trimEnd();
  }
  const v = s.split('/')[0].trim();
  if (v === 'T') return true;
  if (v === 'F') return false;
  const n = Number(v.replace(/[dD]/, 'e'));
  return v !== '' && Number.isFinite(n) ? n : v;
}

/** Every HDU of FITS bytes (headers parsed, data located, not read). */
export function fitsHdus(bytes: Uint8Array, name = 'the FITS data'): FitsHdu[] {
  const where = 'readFits';
  const ascii = (a: number, b: number): string => String.fromCharCode(...bytes.subarray(a, b));
  if (bytes.length < BLOCK || ascii(0, 30) !== 'SIMPLE  =                    T') {
    throw new AwdError(where, `${name} is not a FITS file (it must start with 'SIMPLE  = T' in a 2880-byte block)`);
  }
  const hdus: FitsHdu[] = [];
  let p = 0;
  while (p + BLOCK <= bytes.length) {
    const header = new Map<string, string | number | boolean>();
    let end = -1;
    for (let c = p; c + CARD <= bytes.length; c += CARD) {
      const key = ascii(c, c + 8).trimEnd();
      if (key === 'END') {
        end = c + CARD;
        break;
      }
      if (ascii(c + 8, c + 10) === '= ' && !header.has(key)) header.set(key, parseValue(ascii(c + 10, c + CARD)));
    }
    if (end < 0) throw new AwdError(where, `${name} is truncated: HDU ${hdus.length} has no END card`);
    const index = hdus.length;
    const type = index === 0 ? 'PRIMARY' : String(header.get('XTENSION') ?? '').trim();
    if (index > 0 && type === '') break; // not an extension: special records or padding after the last HDU
    const bitpix = Number(header.get('BITPIX'));
    const n = Number(header.get('NAXIS'));
    if (![8, 16, 32, 64, -32, -64].includes(bitpix)) throw new AwdError(where, `${name}: HDU ${index} has BITPIX ${header.get('BITPIX')}; FITS allows 8, 16, 32, 64, -32, -64`);
    if (!Number.isInteger(n) || n < 0 || n > 999) throw new AwdError(where, `${name}: HDU ${index} has NAXIS ${header.get('NAXIS')}`);
    const naxis: number[] = [];
    for (let k = 1; k <= n; k++) {
      const len = Number(header.get(`NAXIS${k}`));
      if (!Number.isInteger(len) || len < 0) throw new AwdError(where, `${name}: HDU ${index} has NAXIS${k} = ${header.get(`NAXIS${k}`)}`);
      naxis.push(len);
    }
    const pcount = Number(header.get('PCOUNT') ?? 0);
    const gcount = Number(header.get('GCOUNT') ?? 1);
    // Random groups (NAXIS1 = 0 in the primary HDU) skip the first axis.
    const elems = n === 0 ? 0 : naxis.slice(index === 0 && naxis[0] === 0 && header.get('GROUPS') === true ? 1 : 0).reduce((a, b) => a * b, 1);
    const dataBytes = n === 0 ? 0 : (Math.abs(bitpix) / 8) * gcount * (pcount + elems);
    const dataOffset = Math.ceil(end / BLOCK) * BLOCK;
    const extname = header.has('EXTNAME') ? String(header.get('EXTNAME')).trim() : null;
    hdus.push({ index, type, extname, header, bitpix, naxis, dataOffset, dataBytes });
    p = dataOffset + Math.ceil(dataBytes / BLOCK) * BLOCK;
    if (dataOffset + dataBytes > bytes.length) {
      throw new AwdError(where, `${name} is truncated: HDU ${index} needs ${dataBytes} data bytes from offset ${dataOffset} but the file has ${bytes.length} bytes`);
    }
  }
  return hdus;
}

/**
 * An image or cube of FITS bytes as float64, with BSCALE/BZERO applied and BLANK values as NaN.
 * `hdu`: an index (0 = primary) or an EXTNAME; default: the first HDU holding an image.
 *
 * @example
 * const maps = parseFits(bytes);           // a cube NAXIS1 = 64, NAXIS2 = 64, NAXIS3 = 100 → [100, 64, 64]
 * const sci = parseFits(bytes, 'SCI');     // the IMAGE extension named SCI
 */
export function parseFits(bytes: Uint8Array, hdu?: number | string, opts: { name?: string } = {}): NdArray {
  const where = 'readFits';
  const name = opts.name ?? 'the FITS data';
  const hdus = fitsHdus(bytes, name);
  const isImage = (h: FitsHdu): boolean => (h.type === 'PRIMARY' || h.type === 'IMAGE') && h.naxis.length > 0 && h.dataBytes > 0;
  const list = hdus.map((h) => `${h.index} ${h.type}${h.extname ? ` '${h.extname}'` : ''} [${[...h.naxis].reverse().join(' × ')}]`).join('; ');
  const compressed = hdus.find((x) => x.header.get('ZIMAGE') === true);
  const fix = compressed ? `; HDU ${compressed.index} is a tile-compressed image, which is not read: decompress it first (funpack, or astropy's CompImageHDU)` : '';
  let h: FitsHdu | undefined;
  if (hdu === undefined) {
    h = hdus.find(isImage);
    if (!h) throw new AwdError(where, `${name} holds no image (HDUs: ${list})${fix}`);
  } else {
    const asIndex = typeof hdu === 'number' ? hdu : /^\d+$/.test(hdu) ? Number(hdu) : null;
    h = asIndex !== null ? hdus[asIndex] : hdus.find((x) => x.extname?.toUpperCase() === String(hdu).toUpperCase());
    if (!h) throw new AwdError(where, `${name} has no HDU ${asIndex !== null ? asIndex : `'${hdu}'`} (HDUs: ${list})`);
    if (!isImage(h)) throw new AwdError(where, `${name}: HDU ${h.index} is ${h.type === 'PRIMARY' || h.type === 'IMAGE' ? 'empty' : `a ${h.type}, not an image`} (HDUs: ${list})${fix}`);
  }
  const n = h.naxis.reduce((a, b) => a * b, 1);
  const bscale = Number(h.header.get('BSCALE') ?? 1);
  const bzero = Number(h.header.get('BZERO') ?? 0);
  const blank = h.header.has('BLANK') && h.bitpix > 0 ? Number(h.header.get('BLANK')) : null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, n * (Math.abs(h.bitpix) / 8));
  const out = new Float64Array(n);
  switch (h.bitpix) {
    case 8:
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i);
      break;
    case 16:
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, false);
      break;
    case 32:
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, false);
      break;
    case 64:
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(8 * i, false));
      break;
    case -32:
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, false);
      break;
    case -64:
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, false);
      break;
  }
  if (blank !== null || bscale !== 1 || bzero !== 0) {
    for (let i = 0; i < n; i++) out[i] = blank !== null && out[i] === blank ? NaN : bzero + bscale * out[i];
  }
  return ndarray(out, [...h.naxis].reverse());
}
