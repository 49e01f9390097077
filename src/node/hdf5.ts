/**
 * HDF5 files through h5wasm (the HDF5 C library compiled to WebAssembly; loaded on first use,
 * ~0.1 s): one numeric dataset read as float64, named arrays written as float64 datasets.
 *
 * Written files are byte-reproducible: the HDF5 library stamps every object header with the
 * time it was written, so after writing, the four times of each version-2 object header are set
 * to zero and the header's checksum recomputed (HDF5 File Format Specification 3.0, §IV.A.1.b;
 * the checksum is Jenkins' lookup3). A header is only changed where its checksum first verifies.
 * @module
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwdError } from '../util/checks.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { ndarray, sizeOf, type NdArray } from '../util/ndarray.ts';

type H5 = typeof import('h5wasm');
let h5: Promise<H5> | null = null;

async function h5wasm(): Promise<H5> {
  h5 ??= import('h5wasm/node').then(async (m) => {
    const lib = ((m as unknown as { default?: H5 }).default ?? m) as H5;
    await lib.ready;
    return lib;
  });
  return h5;
}

/** Paths of every dataset in an open file (depth first). */
function datasetPaths(group: InstanceType<H5['Group']>, lib: H5, prefix = ''): string[] {
  const out: string[] = [];
  for (const key of group.keys()) {
    const e = group.get(key);
    if (e instanceof lib.Dataset) out.push(`${prefix}/${key}`);
    else if (e instanceof lib.Group) out.push(...datasetPaths(e, lib, `${prefix}/${key}`));
  }
  return out;
}

/**
 * One numeric dataset of an HDF5 file, as float64. Without `dataset`, the file must hold exactly
 * one dataset.
 *
 * @example
 * const X = await readHdf5('maps.h5', '/train/kappa');
 */
export async function readHdf5(path: string, dataset?: string): Promise<NdArray> {
  const where = 'readHdf5';
  const bytes = readFileSync(path);
  if (bytes.length < 8 || !(bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46)) {
    throw new AwdError(where, `'${path}' is not an HDF5 file (no \\x89HDF signature at its start)`);
  }
  const lib = await h5wasm();
  let f: InstanceType<H5['File']>;
  try {
    f = new lib.File(path, 'r');
  } catch (e) {
    throw new AwdError(where, `cannot open '${path}' as HDF5: ${(e as Error).message}`);
  }
  try {
    const all = datasetPaths(f, lib);
    let name = dataset;
    if (name === undefined) {
      if (all.length !== 1) {
        throw new AwdError(where, all.length === 0 ? `'${path}' holds no dataset` : `'${path}' holds ${all.length} datasets (${all.slice(0, 8).join(', ')}${all.length > 8 ? ', …' : ''}); name one, e.g. '${path}:${all[0]}'`);
      }
      name = all[0];
    }
    const e = f.get(name);
    if (!(e instanceof lib.Dataset)) {
      throw new AwdError(where, `'${path}' has no dataset '${name}'${all.length ? `; it holds ${all.slice(0, 8).join(', ')}${all.length > 8 ? ', …' : ''}` : ''}`);
    }
    const md = e.metadata;
    // type 0 integer, 1 float (H5T_class_t)
    if (md.type !== 0 && md.type !== 1) throw new AwdError(where, `'${path}:${name}' is not numeric (HDF5 type class ${md.type}); store numbers as float64`);
    const shape = e.shape ?? [];
    const v = e.value as ArrayLike<number | bigint> | null;
    if (v === null || typeof v !== 'object' || typeof (v as { length?: unknown }).length !== 'number') throw new AwdError(where, `'${path}:${name}' has no readable values`);
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = Number(v[i]);
    if (sizeOf(shape) !== out.length) throw new AwdError(where, `'${path}:${name}': shape [${shape.join(', ')}] does not match its ${out.length} values`);
    return ndarray(out, shape);
  } finally {
    f.close();
  }
}

/**
 * Writes named arrays as float64 datasets of a new HDF5 file, atomically and byte-reproducibly.
 * A name may contain groups: `{ 'train/X': X }` makes the group /train.
 *
 * @example
 * await writeHdf5('coeffs.h5', { approx_4: a4, detail_1: d1 });
 * // python: h5py.File('coeffs.h5')['approx_4'][:]
 */
export async function writeHdf5(path: string, arrays: Record<string, NdArray>): Promise<void> {
  const where = 'writeHdf5';
  for (const [n, a] of Object.entries(arrays)) {
    if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(n.replace(/^\//, ''))) throw new AwdError(where, `dataset name '${n}' must be names of letters, digits, _ . - separated by /`);
    if (sizeOf(a.shape) !== a.data.length) throw new AwdError(where, `'${n}': shape [${a.shape.join(', ')}] does not match the data length ${a.data.length}`);
  }
  const lib = await h5wasm();
  const dir = mkdtempSync(join(tmpdir(), 'awd-h5-'));
  const tmp = join(dir, 'out.h5');
  try {
    const f = new lib.File(tmp, 'w');
    try {
      for (const [n, a] of Object.entries(arrays)) {
        const parts = n.replace(/^\//, '').split('/');
        let g = '';
        for (const p of parts.slice(0, -1)) {
          g += `/${p}`;
          if (f.get(g) === null) f.create_group(g.slice(1));
        }
        f.create_dataset({ name: parts.join('/'), data: Float64Array.from(a.data), shape: a.shape, dtype: '<d' });
      }
    } finally {
      f.close();
    }
    const bytes = new Uint8Array(readFileSync(tmp));
    clearObjectHeaderTimes(bytes);
    writeFileAtomic(path, bytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rot = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** Jenkins' lookup3 `hashlittle` (initval 0), byte-wise, as HDF5's H5_checksum_lookup3. */
export function lookup3(k: Uint8Array): number {
  let length = k.length;
  let a = (0xdeadbeef + length) >>> 0;
  let b = a;
  let c = a;
  let o = 0;
  const word = (i: number): number => (k[i] | (k[i + 1] << 8) | (k[i + 2] << 16) | (k[i + 3] << 24)) >>> 0;
  while (length > 12) {
    a = (a + word(o)) >>> 0;
    b = (b + word(o + 4)) >>> 0;
    c = (c + word(o + 8)) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    length -= 12;
    o += 12;
  }
  if (length === 0) return c;
  const tail = new Uint8Array(12);
  tail.set(k.subarray(o, o + length));
  const t = (i: number): number => (tail[i] | (tail[i + 1] << 8) | (tail[i + 2] << 16) | (tail[i + 3] << 24)) >>> 0;
  a = (a + t(0)) >>> 0;
  b = (b + t(4)) >>> 0;
  c = (c + t(8)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return c;
}

/**
 * Sets the access/modification/change/birth times of every version-2 object header ("OHDR")
 * to 0 and recomputes its checksum. Returns how many headers were changed.
 */
export function clearObjectHeaderTimes(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let changed = 0;
  for (let p = bytes.indexOf(0x4f); p >= 0 && p + 8 <= bytes.length; p = bytes.indexOf(0x4f, p + 1)) {
    if (bytes[p + 1] !== 0x48 || bytes[p + 2] !== 0x44 || bytes[p + 3] !== 0x52 || bytes[p + 4] !== 2) continue;
    const flags = bytes[p + 5];
    if (!(flags & 0x20)) continue;
    let q = p + 6 + 16 + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    if (q + width > bytes.length) continue;
    let size = 0;
    for (let i = width - 1; i >= 0; i--) size = size * 256 + bytes[q + i];
    q += width;
    const sumAt = q + size;
    if (sumAt + 4 > bytes.length) continue;
    if (lookup3(bytes.subarray(p, sumAt)) !== v.getUint32(sumAt, true)) continue;
    bytes.fill(0, p + 6, p + 22);
    v.setUint32(sumAt, lookup3(bytes.subarray(p, sumAt)), true);
    changed++;
  }
  return changed;
}
