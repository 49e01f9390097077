/**
 * NumPy `.npz` archives (`np.savez`, `np.savez_compressed`): a ZIP of `.npy` members, one per
 * named array. Pure bytes in, bytes out (see zip.ts for decompression).
 * @module
 */
import { AwdError } from '../util/checks.ts';
import type { NdArray } from '../util/ndarray.ts';
import { encodeNpy, parseNpy } from './npyFormat.ts';
import { zipMemberData, zipMembers, zipStored, type Inflate } from './zip.ts';

/** The array names in `.npz` bytes (member names without `.npy`), in archive order. */
export function npzKeys(bytes: Uint8Array, name = 'the .npz data'): string[] {
  return zipMembers(bytes, name).map((m) => m.name.replace(/\.npy$/, ''));
}

/**
 * One array of `.npz` bytes, as float64. Without `key`, the archive must hold exactly one array.
 *
 * @example
 * const X = parseNpz(bytes, 'X');               // np.savez('d.npz', X=X, y=y)
 */
export function parseNpz(bytes: Uint8Array, key?: string, opts: { name?: string; inflate?: Inflate } = {}): NdArray {
  const name = opts.name ?? 'the .npz data';
  const members = zipMembers(bytes, name);
  const keys = members.map((m) => m.name.replace(/\.npy$/, ''));
  if (members.length === 0) throw new AwdError('parseNpz', `${name} holds no arrays`);
  let k: number;
  if (key === undefined) {
    if (members.length !== 1) {
      throw new AwdError('parseNpz', `${name} holds ${members.length} arrays (${keys.join(', ')}); name one, e.g. '${name.replace(/^'(.*)'$/, '$1')}:${keys[0]}'`);
    }
    k = 0;
  } else {
    k = keys.indexOf(key);
    if (k < 0) throw new AwdError('parseNpz', `${name} has no array '${key}'; it holds ${keys.join(', ')}`);
  }
  const data = zipMemberData(bytes, members[k], opts.inflate, name);
  return parseNpy(data, `${name}:${keys[k]}`);
}

/**
 * `.npz` bytes of named arrays (float64 `.npy` members, stored, fixed timestamps: the same
 * arrays give the same bytes). `np.load` reads them.
 */
export function encodeNpz(arrays: Record<string, NdArray>): Uint8Array {
  for (const n of Object.keys(arrays)) {
    if (n === '' || n.includes('/') || n.includes('\\')) throw new AwdError('encodeNpz', `array name '${n}' is not a plain name; use letters, digits and _`);
  }
  return zipStored(Object.entries(arrays).map(([n, a]) => ({ name: `${n}.npy`, data: encodeNpy(a) })));
}
