/**
 * Memory for the large intermediate arrays of the batched transforms.
 *
 * Outside a scratch scope every request is a fresh array. Inside `withScratch(fn)` (the AWD
 * objective evaluates each batch in one), arrays come from a pool that holds the previous scope's
 * arrays, so a training loop that evaluates batches of the same shape over and over reuses the
 * same memory instead of mapping fresh pages (which the operating system zeroes and faults in)
 * and leaving the old ones to the garbage collector. At the end of a scope the pool becomes
 * exactly the arrays that scope used: memory stays at one batch's working set.
 *
 * Where the WebAssembly SIMD kernels run, the arrays of a scope are placed in the kernels' own
 * memory (an arena, bump-allocated, reset at the end of the scope) so the kernels read and write
 * them in place instead of copying them in and out. The arena grows between scopes to what the
 * last scope needed (growing detaches the views of a memory, so never during one), up to
 * `KERNEL_MEMORY.maxBytes` (2 GiB by default; what does not fit then uses ordinary arrays, as
 * slower copies in and out of the kernels). It never shrinks: a WebAssembly memory cannot, so
 * the largest batch of a process sets its size until the process ends.
 *
 * Nothing allocated inside a scope may be used after it ends; `withScratch` is for callers that
 * return only values they allocated themselves (small gradients, numbers).
 * @module
 */
import { kernelMemory } from './simdKernels.ts';

/** Arrays at least this long come from the pool (smaller ones are cheap to allocate). */
const POOLED_MIN = 4096;

let scope: Float64Array[] | null = null;
let pool = new Map<number, Float64Array[]>();

interface Arena {
  memory: WebAssembly.Memory;
  maxBytes: number;
  /** Next free byte. */
  next: number;
  /** Bytes requested that did not fit (the arena grows by this much after the scope). */
  shortfall: number;
}
let arena: Arena | null = null;

/**
 * The most bytes the kernels' memory grows to for scratch arrays (default 2 GiB, below the
 * WebAssembly limit of 4 GiB). Lower it to bound a process's memory; it cannot shrink a memory
 * that already grew.
 */
export const KERNEL_MEMORY = { maxBytes: 2 * 1024 ** 3 };

function fromArena(n: number, zeroed: boolean): Float64Array | null {
  if (arena === null) return null;
  const start = (arena.next + 15) & ~15;
  const end = start + 8 * n;
  if (end > arena.memory.buffer.byteLength) {
    arena.shortfall += 8 * n + 16;
    return null;
  }
  arena.next = end;
  const a = new Float64Array(arena.memory.buffer, start, n);
  if (zeroed) a.fill(0);
  return a;
}

/** Node's Buffer where it exists (feature-detected: the module also runs in browsers). */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

function allocate(n: number, zeroed: boolean): Float64Array {
  if (zeroed || n < POOLED_MIN) return new Float64Array(n);
  // Browsers have no uninitialised allocation: a zeroed array (same numbers, one fill more).
  if (NodeBuffer === undefined) return new Float64Array(n);
  // Its own ArrayBuffer, never Node's shared pool; contents unspecified.
  const bytes = NodeBuffer.allocUnsafeSlow(n * 8);
  return new Float64Array(bytes.buffer, bytes.byteOffset, n);
}

function take(n: number, zeroed: boolean): Float64Array {
  if (scope === null || n < POOLED_MIN) return allocate(n, zeroed);
  const inArena = fromArena(n, zeroed);
  if (inArena !== null) return inArena;
  let a = pool.get(n)?.pop();
  if (a === undefined) a = allocate(n, zeroed);
  else if (zeroed) a.fill(0);
  scope.push(a);
  return a;
}

/**
 * A Float64Array of `n` values whose contents are unspecified (not zeroed when it is large). Only
 * for outputs of which the caller writes every value: it saves the zero fill, a whole pass over
 * memory, which costs about as much as a single-level transform of the array.
 */
export function uninitializedArray(n: number): Float64Array {
  return take(n, false);
}

/** A Float64Array of `n` zeros (from the pool inside a scratch scope). */
export function zeroedArray(n: number): Float64Array {
  return take(n, true);
}

/**
 * Runs `fn` with pooled scratch arrays (see the module comment). Scopes do not nest: an inner
 * call runs `fn` inside the outer scope.
 */
export function withScratch<T>(fn: () => T): T {
  if (scope !== null) return fn();
  scope = [];
  const km = kernelMemory();
  arena = km === null ? null : { memory: km.memory, maxBytes: km.maxBytes, next: km.base, shortfall: 0 };
  try {
    return fn();
  } finally {
    if (arena !== null && arena.shortfall > 0) {
      const have = arena.memory.buffer.byteLength;
      const want = Math.min(arena.maxBytes, KERNEL_MEMORY.maxBytes, arena.next + arena.shortfall);
      if (want > have) {
        try {
          arena.memory.grow(Math.ceil((want - have) / 65536));
        } catch {
          // Out of memory for the arena: the next scopes use ordinary arrays for what does not fit.
        }
      }
    }
    arena = null;
    const next = new Map<number, Float64Array[]>();
    for (const a of scope) {
      const list = next.get(a.length);
      if (list) list.push(a);
      else next.set(a.length, [a]);
    }
    pool = next;
    scope = null;
  }
}

/**
 * `a` itself, or inside a scope where the kernels work in place, a copy of it in their memory (for
 * inputs that many kernel passes read).
 */
export function scratchCopy(a: Float64Array): Float64Array {
  if (arena === null || a.length < POOLED_MIN || a.buffer === arena.memory.buffer) return a;
  const c = fromArena(a.length, false);
  if (c === null) return a;
  c.set(a);
  return c;
}
