/**
 * A small writer of NumPy `.npz` archives: a ZIP file of `.npy` members, *stored* (method 0,
 * no compression), with the CRC-32 of every member. `np.load('x.npz')` reads it.
 *
 * ZIP layout (PKWARE APPNOTE 6.3.x, §4.3): for each member a local file header (signature
 * 0x04034b50) followed by the data; then a central directory entry per member (0x02014b50);
 * then the end-of-central-directory record (0x06054b50). No ZIP64: the archive must stay
 * under 4 GiB and 65,535 members.
 * @module
 */
import { encodeNpy } from '../data/npy.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { AwdError } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';

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

/**
 * Writes named arrays to a `.npz` file atomically (float64 `.npy` members, stored).
 *
 * @example
 * writeNpz('coeffs.npz', { approx_4: a4, detail_1: d1 });
 * // python: np.load('coeffs.npz')['approx_4']
 */
export function writeNpz(path: string, arrays: Record<string, NdArray>): void {
  const members = Object.entries(arrays).map(([name, a]) => ({ name: `${name}.npy`, data: encodeNpy(a) }));
  writeFileAtomic(path, zipStored(members));
}
