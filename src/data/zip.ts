/**
 * ZIP archives, as NumPy's `.npz` uses them: reading members stored (method 0) or deflated
 * (method 8, `np.savez_compressed`), and writing stored archives. Pure bytes in, bytes out; the
 * caller supplies raw-deflate decompression (Node: `zlib.inflateRawSync`; browsers:
 * `DecompressionStream('deflate-raw')`), so this module runs anywhere.
 *
 * ZIP layout (PKWARE APPNOTE 6.3.x, §4.3): for each member a local file header (signature
 * 0x04034b50) followed by the data; then a central directory entry per member (0x02014b50);
 * then the end-of-central-directory record (0x06054b50). Reading follows the central directory
 * and understands the ZIP64 extra field (NumPy writes members with `force_zip64=True`); writing
 * makes no ZIP64: the archive must stay under 4 GiB and 65,535 members.
 * @module
 */
import { AwdError } from '../util/checks.ts';

/** Raw-deflate decompression: compressed bytes → `expectedSize` bytes. */
export type Inflate = (compressed: Uint8Array, expectedSize: number) => Uint8Array;

/** One member of a ZIP archive. */
export interface ZipMember {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Byte offset of the member's local file header. */
  headerOffset: number;
}

let crcTable: Uint32Array | null = null;

/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as ZIP and zlib compute it.
 *
 * @example
 * crc32(new TextEncoder().encode('123456789')); // 0xcbf43926
 */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The members listed in a ZIP archive's central directory. */
export function zipMembers(bytes: Uint8Array, name = 'the archive'): ZipMember[] {
  const where = 'readZip';
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is 22 bytes plus a comment of up to 65,535 bytes.
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 0xffff); p--) {
    if (v.getUint32(p, true) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new AwdError(where, `${name} is not a ZIP/.npz archive (no end-of-central-directory record); it may be truncated or another format`);
  let count = v.getUint16(eocd + 10, true);
  let cdSize = v.getUint32(eocd + 12, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  if ((count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) && eocd >= 20 && v.getUint32(eocd - 20, true) === 0x07064b50) {
    const z64 = Number(v.getBigUint64(eocd - 20 + 8, true));
    if (z64 + 56 > bytes.length || v.getUint32(z64, true) !== 0x06064b50) throw new AwdError(where, `${name} has a damaged ZIP64 end record`);
    count = Number(v.getBigUint64(z64 + 32, true));
    cdSize = Number(v.getBigUint64(z64 + 40, true));
    cdOffset = Number(v.getBigUint64(z64 + 48, true));
  }
  if (cdOffset + cdSize > bytes.length) throw new AwdError(where, `${name} is truncated (its central directory lies beyond the end of the file)`);
  const members: ZipMember[] = [];
  const dec = new TextDecoder();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || v.getUint32(p, true) !== 0x02014b50) throw new AwdError(where, `${name} has a damaged central directory (entry ${i})`);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let headerOffset = v.getUint32(p + 42, true);
    const memberName = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extended information (§4.5.3): the 64-bit values of the fields that are 0xffffffff, in order.
    let e = p + 46 + nameLen;
    const end = e + extraLen;
    while (e + 4 <= end) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) (size = Number(v.getBigUint64(q, true))), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = Number(v.getBigUint64(q, true))), (q += 8);
        if (headerOffset === 0xffffffff) headerOffset = Number(v.getBigUint64(q, true));
      }
      e += 4 + len;
    }
    members.push({ name: memberName, method, compressedSize, size, crc32: crc, headerOffset });
    p = end + commentLen;
  }
  return members;
}

/** The uncompressed bytes of one member, checked against its CRC-32. */
export function zipMemberData(bytes: Uint8Array, m: ZipMember, inflate?: Inflate, name = 'the archive'): Uint8Array {
  const where = 'readZip';
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = m.headerOffset;
  if (h + 30 > bytes.length || v.getUint32(h, true) !== 0x04034b50) throw new AwdError(where, `${name}: member '${m.name}' has a damaged local header`);
  const start = h + 30 + v.getUint16(h + 26, true) + v.getUint16(h + 28, true);
  if (start + m.compressedSize > bytes.length) throw new AwdError(where, `${name} is truncated inside member '${m.name}'`);
  const raw = bytes.subarray(start, start + m.compressedSize);
  let data: Uint8Array;
  if (m.method === 0) data = raw;
  else if (m.method === 8) {
    if (!inflate) throw new AwdError(where, `${name}: member '${m.name}' is compressed and no decompressor was given`);
    data = inflate(raw, m.size);
  } else throw new AwdError(where, `${name}: member '${m.name}' uses ZIP compression method ${m.method}; only stored (np.savez) and deflate (np.savez_compressed) are read`);
  if (data.length !== m.size || crc32(data) !== m.crc32) throw new AwdError(where, `${name}: member '${m.name}' fails its CRC-32 check; the file is damaged, copy it again`);
  return data;
}

/** A stored (uncompressed) ZIP archive of the given members, as bytes. */
export function zipStored(members: { name: string; data: Uint8Array }[]): Uint8Array {
  const where = 'zipStored';
  if (members.length > 0xffff) throw new AwdError(where, `too many members (${members.length}); ZIP without ZIP64 holds at most 65535`);
  const enc = new TextEncoder();
  const names = members.map((m) => enc.encode(m.name));
  const crcs = members.map((m) => crc32(m.data));
  let localSize = 0;
  for (let i = 0; i < members.length; i++) localSize += 30 + names[i].length + members[i].data.length;
  let centralSize = 0;
  for (const n of names) centralSize += 46 + n.length;
  const total = localSize + centralSize + 22;
  if (total > 0xffffffff) throw new AwdError(where, `the archive would be ${total} bytes; without ZIP64 it must stay under 4 GiB — write a folder of .npy files instead`);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  // DOS date/time fixed at 1980-01-01 00:00 so the same input gives the same bytes.
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  const offsets: number[] = [];
  let p = 0;
  for (let i = 0; i < members.length; i++) {
    offsets.push(p);
    const size = members[i].data.length;
    v.setUint32(p, 0x04034b50, true);
    v.setUint16(p + 4, 20, true); // version needed: 2.0
    v.setUint16(p + 6, 0x0800, true); // flags: names are UTF-8
    v.setUint16(p + 8, 0, true); // method: stored
    v.setUint16(p + 10, dosTime, true);
    v.setUint16(p + 12, dosDate, true);
    v.setUint32(p + 14, crcs[i], true);
    v.setUint32(p + 18, size, true);
    v.setUint32(p + 22, size, true);
    v.setUint16(p + 26, names[i].length, true);
    v.setUint16(p + 28, 0, true);
    out.set(names[i], p + 30);
    out.set(members[i].data, p + 30 + names[i].length);
    p += 30 + names[i].length + size;
  }
  const centralStart = p;
  for (let i = 0; i < members.length; i++) {
    const size = members[i].data.length;
    v.setUint32(p, 0x02014b50, true);
    v.setUint16(p + 4, 20, true); // made by
    v.setUint16(p + 6, 20, true); // needed
    v.setUint16(p + 8, 0x0800, true);
    v.setUint16(p + 10, 0, true);
    v.setUint16(p + 12, dosTime, true);
    v.setUint16(p + 14, dosDate, true);
    v.setUint32(p + 16, crcs[i], true);
    v.setUint32(p + 20, size, true);
    v.setUint32(p + 24, size, true);
    v.setUint16(p + 28, names[i].length, true);
    // extra length, comment length, disk number, internal attrs: 0
    v.setUint32(p + 38, 0, true); // external attributes
    v.setUint32(p + 42, offsets[i], true);
    out.set(names[i], p + 46);
    p += 46 + names[i].length;
  }
  v.setUint32(p, 0x06054b50, true);
  v.setUint16(p + 8, members.length, true);
  v.setUint16(p + 10, members.length, true);
  v.setUint32(p + 12, p - centralStart, true);
  v.setUint32(p + 16, centralStart, true);
  return out;
}
