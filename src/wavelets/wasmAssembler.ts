/**
 * A very small WebAssembly binary writer: enough to build the SIMD filter-bank kernels of
 * `simdKernels.ts` at run time (one module, a memory it exports, functions over i32 byte
 * addresses, f64 and f64x2 arithmetic, structured loops). No text format, no toolchain: the
 * module is assembled from these instructions when it is first needed.
 *
 * Encoding follows the WebAssembly core specification (binary format, §5) and its fixed-width
 * SIMD extension (opcode prefix 0xFD).
 * @module
 */

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

function uleb(n: number, out: number[]): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

function name(s: string, out: number[]): void {
  const b = new TextEncoder().encode(s);
  uleb(b.length, out);
  out.push(...b);
}

/** One function body under construction; the emitting methods return `this` to chain. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(
    readonly exportName: string,
    readonly params: ValType[],
    readonly results: ValType[] = [],
  ) {}

  /** A new local of type `t`; returns its index. */
  local(t: ValType): number {
    this.localTypes.push(t);
    return this.params.length + this.localTypes.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private simd(opcode: number, ...imm: number[]): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    this.code.push(...imm);
    return this;
  }

  private memarg(align: number, offset: number): number[] {
    const out = [align];
    uleb(offset, out);
    return out;
  }

  get(i: number): this { this.code.push(0x20); uleb(i, this.code); return this; }
  set(i: number): this { this.code.push(0x21); uleb(i, this.code); return this; }
  tee(i: number): this { this.code.push(0x22); uleb(i, this.code); return this; }
  i32(c: number): this { this.code.push(0x41); sleb(c | 0, this.code); return this; }
  f64(c: number): this {
    this.code.push(0x44);
    this.code.push(...new Uint8Array(new Float64Array([c]).buffer));
    return this;
  }

  add32(): this { return this.op(0x6a); }
  sub32(): this { return this.op(0x6b); }
  mul32(): this { return this.op(0x6c); }
  shl32(): this { return this.op(0x74); }
  shrS(): this { return this.op(0x75); }
  ltS(): this { return this.op(0x48); }
  leS(): this { return this.op(0x4c); }
  eqz(): this { return this.op(0x45); }
  eq32(): this { return this.op(0x46); }

  addF(): this { return this.op(0xa0); }
  mulF(): this { return this.op(0xa2); }
  loadF(offset = 0): this { return this.op(0x2b, ...this.memarg(3, offset)); }
  loadI(offset = 0): this { return this.op(0x28, ...this.memarg(2, offset)); }
  geS(): this { return this.op(0x4e); }
  storeF(offset = 0): this { return this.op(0x39, ...this.memarg(3, offset)); }

  loadV(offset = 0): this { return this.simd(0x00, ...this.memarg(3, offset)); }
  splatLoadV(offset = 0): this { return this.simd(0x0a, ...this.memarg(3, offset)); }
  storeV(offset = 0): this { return this.simd(0x0b, ...this.memarg(3, offset)); }
  splatV(): this { return this.simd(0x14); }
  lane(l: 0 | 1): this { return this.simd(0x21, l); }
  addV(): this { return this.simd(0xf0); }
  subV(): this { return this.simd(0xf1); }
  absV(): this { return this.simd(0xec); }
  ltV(): this { return this.simd(0x49); }
  gtV(): this { return this.simd(0x4a); }
  andV(): this { return this.simd(0x4e); }
  orV(): this { return this.simd(0x50); }
  subF(): this { return this.op(0xa1); }
  mulV(): this { return this.simd(0xf2); }
  /** A v128 zero. */
  zeroV(): this { return this.f64(0).splatV(); }

  /** local += step (i32). */
  inc(i: number, step: number | (() => void)): this {
    this.get(i);
    if (typeof step === 'number') this.i32(step);
    else step();
    return this.add32().set(i);
  }

  /** `while (cond) body`: `cond` leaves an i32 on the stack. */
  whileLoop(cond: () => void, body: () => void): this {
    this.op(0x02, 0x40, 0x03, 0x40); // block, loop
    cond();
    this.op(0x45, 0x0d, 0x01); // i32.eqz, br_if 1 (leave the block)
    body();
    this.op(0x0c, 0x00, 0x0b, 0x0b); // br 0 (next iteration), end loop, end block
    return this;
  }

  /** `if (cond) then else otherwise` on the i32 `cond` leaves. */
  ifElse(cond: () => void, then: () => void, otherwise?: () => void): this {
    cond();
    this.op(0x04, 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }

  /** The encoded body (locals and code). */
  body(): number[] {
    const out: number[] = [];
    uleb(this.localTypes.length, out);
    for (const t of this.localTypes) out.push(1, t);
    out.push(...this.code, 0x0b);
    return out;
  }
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  out.push(...content);
}

/**
 * A module that imports its memory (`env.memory`, at least `pages` 64 KiB pages) and exports the
 * functions by their names.
 */
export function assembleModule(functions: FunctionBuilder[], pages: number): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(functions.length, types);
  for (const f of functions) {
    types.push(0x60);
    uleb(f.params.length, types);
    types.push(...f.params);
    uleb(f.results.length, types);
    types.push(...f.results);
  }
  section(1, types, out);
  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, i) => uleb(i, funcs));
  const imports: number[] = [1];
  name('env', imports);
  name('memory', imports);
  imports.push(0x02, 0x00);
  uleb(pages, imports);
  section(2, imports, out);
  section(3, funcs, out);
  const exports: number[] = [];
  uleb(functions.length, exports);
  functions.forEach((f, i) => {
    name(f.exportName, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  section(7, exports, out);
  const code: number[] = [];
  uleb(functions.length, code);
  for (const f of functions) {
    const b = f.body();
    uleb(b.length, code);
    code.push(...b);
  }
  section(10, code, out);
  return new Uint8Array(out);
}
