/**
 * TensorFlow.js backend set-up for awd's teachers: one place that chooses the backend, points
 * the wasm backend at its `.wasm` binaries in node_modules (no network), and registers the
 * kernels the wasm backend lacks (see wasm_kernels.ts).
 *
 * @example
 * await ensureBackend('wasm'); // ~10-25x faster than 'cpu' for matmul and conv
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { AwdError } from '../util/checks.ts';
import { registerWasmKernels } from './wasm_kernels.ts';

export type BackendName = 'wasm' | 'cpu';

let wasmPathsSet = false;
let chosen: BackendName | null = null;

/** Folder (with trailing separator) holding the wasm backend's `.wasm` files. */
export function wasmDistDir(): string {
  const req = createRequire(import.meta.url);
  const main = req.resolve('@tensorflow/tfjs-backend-wasm');
  const dir = dirname(main);
  if (!existsSync(join(dir, 'tfjs-backend-wasm.wasm'))) {
    throw new AwdError('ensureBackend', `the wasm binaries are missing from ${dir}; reinstall @tensorflow/tfjs-backend-wasm`);
  }
  return dir.endsWith('/') ? dir : dir + '/';
}

/**
 * Makes `name` the active tfjs backend (initialising it on first use) and returns its name.
 * Without a name: keeps the backend chosen by the last call, or picks 'wasm' on the first.
 * The wasm backend loads its binary from the installed package, so it works offline.
 */
export async function ensureBackend(name?: BackendName): Promise<BackendName> {
  if (name === undefined) name = chosen ?? 'wasm';
  if (name !== 'wasm' && name !== 'cpu') {
    throw new AwdError('ensureBackend', `backend must be 'wasm' or 'cpu', got '${String(name)}'`);
  }
  if (name === 'wasm') {
    if (!wasmPathsSet) {
      // In Node the emscripten loader reads a plain folder path with fs (no fetch, no network).
      setWasmPaths(wasmDistDir());
      wasmPathsSet = true;
    }
    registerWasmKernels();
  }
  if (tf.engine().backendName !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) {
      throw new AwdError('ensureBackend', `the tfjs '${name}' backend failed to initialise; try ensureBackend('cpu')`);
    }
  }
  await tf.ready();
  if (name === 'cpu') {
    // The cpu backend prints a "install tfjs-node" banner on first write; tfjs-node cannot be
    // installed here (DESIGN.md §6), so silence it.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
  chosen = name;
  return name;
}

/** The active backend's name. */
export function currentBackend(): string {
  return tf.getBackend();
}
