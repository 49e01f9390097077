/**
 * WebAssembly SIMD (f64x2) versions of the interiors of the filter-bank kernels of `kernels.ts`.
 *
 * The JavaScript kernels run at about one multiply-add per 4–5 cycles; the same arithmetic on two
 * doubles per instruction, with the accumulators in registers and no bounds checks, runs several
 * times faster. These functions cover the interiors (`layoutOf`), where every tap reads the signal
 * itself; borders stay in JavaScript (`kernels.ts` calls these first and does the borders after).
 *
 * The six kernels, on byte addresses in the module's own memory:
 * - `downRows`: analysis along rows. Taps go in pairs: one 16-byte load of (x[2o+t], x[2o+t+1])
 *   times (lo[t], lo[t+1]); the two lanes are summed at the end. Two outputs per iteration.
 * - `upRows`: the adjoint in its polyphase form (module comment of `kernels.ts`): a pair of
 *   outputs (ye[2v+1], ye[2v+2]) is one vector, Σ_i (lo[F−2−2i], lo[F−1−2i])·cA[v−F/2+1+i] + (same
 *   for hi, cD). Two pairs per iteration.
 * - `gradRows`: Σ_o gA[o]·(x[2o+t], x[2o+t+1]) accumulates ∂/∂(lo[t], lo[t+1]) as one vector.
 * - `downCols`, `upCols`, `gradCols`: the column forms, vectorised across columns, eight columns
 *   (four vectors) at a time, then two, then one.
 *
 * Data are copied into the module's memory in chunks, the kernel runs, results are copied back
 * (memcpy-speed `TypedArray.set`). Sums are in a different order than the JavaScript loops', so
 * results agree to rounding (≈1e-16 relative), not bit for bit. The module is assembled at run time
 * (`wasmAssembler.ts`); where WebAssembly SIMD is missing everything falls back to JavaScript.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { assembleModule, FunctionBuilder, I32, F64, V128, type ValType } from './wasmAssembler.ts';

/** When the SIMD kernels run: where they pay off ('auto'), wherever they can ('always'), never. */
export type WasmKernelSetting = 'auto' | 'always' | 'never';

/** The setting at start: `AWD_KERNELS` = auto | always | never (default auto). */
function initialSetting(): WasmKernelSetting {
  const v = typeof process !== 'undefined' ? process.env.AWD_KERNELS : undefined;
  if (v === undefined || v === '') return 'auto';
  if (v === 'auto' || v === 'always' || v === 'never') return v;
  throw new AwdError('AWD_KERNELS', `the environment variable must be auto, always or never, got '${v}'; unset it for the default (auto)`);
}

let setting: WasmKernelSetting = initialSetting();

/**
 * Chooses when the WebAssembly SIMD kernels run: 'auto' (default; where they pay off), 'always'
 * (wherever they can: tests), 'never' (JavaScript only). Returns the previous setting. Results
 * agree to rounding (≈1e-16 relative) either way; the environment variable `AWD_KERNELS` sets the
 * starting value.
 *
 * @example
 * const previous = setWasmKernels('never'); // JavaScript kernels only
 * // … transforms …
 * setWasmKernels(previous);
 */
export function setWasmKernels(s: WasmKernelSetting): WasmKernelSetting {
  const prev = setting;
  setting = s;
  return prev;
}

/** Longest filter the kernels are built for (they are unrolled over the taps; db20 has 40). */
const MAX_TAPS = 40;
const PAGES = 256; // 16 MiB: taps and the staging area; scratch arrays (the arena) come after
/** The memory can grow to 4 GiB (the arena of `scratch.ts`). */
const MAX_PAGES = 65536;
const LO = 0;
const HI = 512;
const LO_R = 1024;
const HI_R = 1536;
const OUT = 2048;
const DATA = 4096;
const DATA_DOUBLES = (PAGES * 65536 - DATA) / 8;
/**
 * Work per kernel call, in doubles copied in and out: small enough (512 KiB) that what is copied
 * in is still in the core's cache when the kernel reads it, and its output when it is copied out.
 */
const CHUNK_DOUBLES = 1 << 16;

/** How many units (rows) of `perUnit` doubles, after `fixed` doubles, one call takes; 0 if none fits. */
function unitsPerCall(perUnit: number, fixed = 0): number {
  const n = Math.floor((CHUNK_DOUBLES - fixed) / perUnit);
  if (n >= 1) return n;
  return fixed + perUnit <= DATA_DOUBLES ? 1 : 0;
}

interface Exports {
  borderGradCols: (x: number, w: number, nb: number, table: number, a: number, d: number) => void;
  borderDownCols: (x: number, w: number, nb: number, table: number, a: number, d: number) => void;
  sumAbs: (p: number, nB: number) => number;
  signScale: (src: number, dst: number, nB: number, s: number) => void;
  addSign: (dst: number, src: number, nB: number, s: number) => void;
  residual: (x: number, xh: number, g: number, nB: number, s: number) => number;
  downRows: (...a: number[]) => void;
  upRows: (...a: number[]) => void;
  gradRows: (...a: number[]) => void;
  downCols: (...a: number[]) => void;
  upCols: (...a: number[]) => void;
  gradCols: (...a: number[]) => void;
}

// ---------------------------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------------------------

function params(n: number): ValType[] {
  return Array.from({ length: n }, () => I32);
}

/** dst = dst + a·b on locals (v128 or f64). */
function mac(f: FunctionBuilder, dst: number, a: number, b: number, vector: boolean): void {
  f.get(dst).get(a).get(b);
  if (vector) f.mulV().addV();
  else f.mulF().addF();
  f.set(dst);
}

/** `n` new locals of type `t`. */
function locals(f: FunctionBuilder, n: number, t: ValType): number[] {
  return Array.from({ length: n }, () => f.local(t));
}

/**
 * downRows(x, xs, rows, nB, a, as, d, ds) for filter length F = 2H: strides and lengths in bytes;
 * nB = outputs·8. The tap pairs (lo[2j], lo[2j+1]) live in locals; two outputs per iteration share
 * their loads (output o+1 with pair j reads what output o reads with pair j+1).
 */
function downRows(F: number): FunctionBuilder {
  const H = F / 2;
  const f = new FunctionBuilder('downRows', params(8));
  const [x, xs, rows, nB, a, as, d, ds] = [0, 1, 2, 3, 4, 5, 6, 7];
  const r = f.local(I32), ob = f.local(I32), p = f.local(I32);
  const LP = locals(f, H, V128), HP = locals(f, H, V128);
  const v = f.local(V128), w = f.local(V128);
  const A0 = f.local(V128), A1 = f.local(V128), D0 = f.local(V128), D1 = f.local(V128);
  for (let j = 0; j < H; j++) {
    f.i32(0).loadV(LO + 16 * j).set(LP[j]);
    f.i32(0).loadV(HI + 16 * j).set(HP[j]);
  }
  const hsum = (base: number, acc: number, off: number): void => {
    f.get(base).get(ob).add32().get(acc).lane(0).get(acc).lane(1).addF().storeF(off);
  };
  f.i32(0).set(r);
  f.whileLoop(() => f.get(r).get(rows).ltS(), () => {
    f.i32(0).set(ob);
    f.whileLoop(() => f.get(ob).i32(16).add32().get(nB).leS(), () => {
      f.get(x).get(ob).get(ob).add32().add32().set(p);
      for (const acc of [A0, A1, D0, D1]) f.zeroV().set(acc);
      // v = the pair at 16j (output o, pair j; output o+1, pair j−1).
      for (let j = 0; j <= H; j++) {
        f.get(p).loadV(16 * j).set(v);
        if (j < H) {
          mac(f, A0, LP[j], v, true);
          mac(f, D0, HP[j], v, true);
        }
        if (j > 0) {
          mac(f, A1, LP[j - 1], v, true);
          mac(f, D1, HP[j - 1], v, true);
        }
      }
      hsum(a, A0, 0);
      hsum(d, D0, 0);
      hsum(a, A1, 8);
      hsum(d, D1, 8);
      f.inc(ob, 16);
    });
    f.ifElse(() => f.get(ob).get(nB).ltS(), () => {
      f.get(x).get(ob).get(ob).add32().add32().set(p);
      f.zeroV().set(A0);
      f.zeroV().set(D0);
      for (let j = 0; j < H; j++) {
        f.get(p).loadV(16 * j).set(v);
        mac(f, A0, LP[j], v, true);
        mac(f, D0, HP[j], v, true);
      }
      hsum(a, A0, 0);
      hsum(d, D0, 0);
    });
    void w;
    f.inc(x, () => f.get(xs));
    f.inc(a, () => f.get(as));
    f.inc(d, () => f.get(ds));
    f.inc(r, 1);
  });
  return f;
}

/**
 * upRows(a, as, d, ds, rows, cB, x, xs, add) for F = 2H: pair p of a row reads coefficients p …
 * p+H−1 (at a + 8p …) and writes x[2p], x[2p+1]; cB = pairs·8. The reversed tap pairs (lo[F−2−2i],
 * lo[F−1−2i]) live in locals; two pairs per iteration share their coefficient loads.
 */
function upRows(F: number): FunctionBuilder {
  const H = F / 2;
  const f = new FunctionBuilder('upRows', params(9));
  const [a, as, d, ds, rows, cB, x, xs, add] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const r = f.local(I32), vb = f.local(I32), pa = f.local(I32), pd = f.local(I32), px = f.local(I32);
  const LR = locals(f, H, V128), HR = locals(f, H, V128);
  const c = f.local(V128);
  const Y0a = f.local(V128), Y0d = f.local(V128), Y1a = f.local(V128), Y1d = f.local(V128);
  for (let i = 0; i < H; i++) {
    f.i32(0).loadV(LO_R + 16 * i).set(LR[i]);
    f.i32(0).loadV(HI_R + 16 * i).set(HR[i]);
  }
  const put = (ya: number, yd: number, off: number): void => {
    f.ifElse(() => f.get(add), () => {
      f.get(px).get(px).loadV(off).get(ya).addV().get(yd).addV().storeV(off);
    }, () => {
      f.get(px).get(ya).get(yd).addV().storeV(off);
    });
  };
  const pairs = (two: boolean): void => {
    for (const acc of two ? [Y0a, Y0d, Y1a, Y1d] : [Y0a, Y0d]) f.zeroV().set(acc);
    f.get(a).get(vb).add32().set(pa);
    f.get(d).get(vb).add32().set(pd);
    // Coefficient v + i serves pair v with tap pair i and pair v+1 with tap pair i−1.
    for (let i = 0; i <= (two ? H : H - 1); i++) {
      f.get(pa).splatLoadV(8 * i).set(c);
      if (i < H) mac(f, Y0a, LR[i], c, true);
      if (two && i > 0) mac(f, Y1a, LR[i - 1], c, true);
      f.get(pd).splatLoadV(8 * i).set(c);
      if (i < H) mac(f, Y0d, HR[i], c, true);
      if (two && i > 0) mac(f, Y1d, HR[i - 1], c, true);
    }
    f.get(x).get(vb).get(vb).add32().add32().set(px);
    put(Y0a, Y0d, 0);
    if (two) put(Y1a, Y1d, 16);
  };
  f.i32(0).set(r);
  f.whileLoop(() => f.get(r).get(rows).ltS(), () => {
    f.i32(0).set(vb);
    f.whileLoop(() => f.get(vb).i32(16).add32().get(cB).leS(), () => {
      pairs(true);
      f.inc(vb, 16);
    });
    f.ifElse(() => f.get(vb).get(cB).ltS(), () => pairs(false));
    f.inc(a, () => f.get(as));
    f.inc(d, () => f.get(ds));
    f.inc(x, () => f.get(xs));
    f.inc(r, 1);
  });
  return f;
}

/**
 * gradRows(x, xs, rows, nB, a, as, d, ds) for F = 2H: adds Σ gA[o]·(x[2o+2j], x[2o+2j+1]) into
 * the tap-pair sums at OUT + 16j (gD: OUT + 8F + 16j). The 2H vector sums stay in locals over all
 * rows.
 */
function gradRows(F: number): FunctionBuilder {
  const H = F / 2;
  const f = new FunctionBuilder('gradRows', params(8));
  const [x, xs, rows, nB, a, as, d, ds] = [0, 1, 2, 3, 4, 5, 6, 7];
  const r = f.local(I32), ob = f.local(I32), p = f.local(I32);
  const SA = locals(f, H, V128), SD = locals(f, H, V128);
  const v = f.local(V128), ga = f.local(V128), gd = f.local(V128);
  for (const acc of [...SA, ...SD]) f.zeroV().set(acc);
  f.i32(0).set(r);
  f.whileLoop(() => f.get(r).get(rows).ltS(), () => {
    f.i32(0).set(ob);
    f.whileLoop(() => f.get(ob).get(nB).ltS(), () => {
      f.get(x).get(ob).get(ob).add32().add32().set(p);
      f.get(a).get(ob).add32().splatLoadV(0).set(ga);
      f.get(d).get(ob).add32().splatLoadV(0).set(gd);
      for (let j = 0; j < H; j++) {
        f.get(p).loadV(16 * j).set(v);
        mac(f, SA[j], ga, v, true);
        mac(f, SD[j], gd, v, true);
      }
      f.inc(ob, 8);
    });
    f.inc(x, () => f.get(xs));
    f.inc(a, () => f.get(as));
    f.inc(d, () => f.get(ds));
    f.inc(r, 1);
  });
  for (let j = 0; j < H; j++) {
    f.i32(0).i32(0).loadV(OUT + 16 * j).get(SA[j]).addV().storeV(OUT + 16 * j);
    f.i32(0).i32(0).loadV(OUT + 8 * F + 16 * j).get(SD[j]).addV().storeV(OUT + 8 * F + 16 * j);
  }
  return f;
}

/** Column blocks: 4 vectors (8 columns), 1 vector (2 columns), 1 scalar (the last column). */
const COL_BLOCKS: { width: number; vectors: number; scalar: boolean }[] = [
  { width: 64, vectors: 4, scalar: false },
  { width: 16, vectors: 1, scalar: false },
  { width: 8, vectors: 1, scalar: true },
];

/** Loops the column blocks over a row of `rowB` bytes, byte offset in `cb`. */
function forColumnBlocks(f: FunctionBuilder, cb: number, rowB: number, block: (vectors: number, scalar: boolean) => void): void {
  f.i32(0).set(cb);
  for (const b of COL_BLOCKS) {
    f.whileLoop(() => f.get(cb).i32(b.width).add32().get(rowB).leS(), () => {
      block(b.vectors, b.scalar);
      f.inc(cb, b.width);
    });
  }
}

/**
 * downCols(x, w, count, a, d) for filter length F: output row q from input rows 2q … 2q+F−1;
 * the taps unrolled, read from LO, HI as splats (the compiler keeps what fits in registers).
 */
function downCols(F: number): FunctionBuilder {
  const f = new FunctionBuilder('downCols', params(5));
  const [x, w, count, a, d] = [0, 1, 2, 3, 4];
  const rowB = f.local(I32), q = f.local(I32), cb = f.local(I32), p = f.local(I32), tb = f.local(I32);
  const lv = f.local(V128), hv = f.local(V128), vv = f.local(V128);
  const ls = f.local(F64), hs = f.local(F64), vs = f.local(F64);
  const AV = locals(f, 4, V128), DV = locals(f, 4, V128);
  const AS = f.local(F64), DS = f.local(F64);
  f.get(w).i32(3).shl32().set(rowB);
  f.i32(0).set(q);
  f.whileLoop(() => f.get(q).get(count).ltS(), () => {
    forColumnBlocks(f, cb, rowB, (vectors, scalar) => {
      const A = scalar ? [AS] : AV.slice(0, vectors);
      const D = scalar ? [DS] : DV.slice(0, vectors);
      // A loop over the taps, not unrolled: unrolled, the compiler hoists every load of the block
      // to its top and spills them.
      for (const acc of [...A, ...D]) (scalar ? f.f64(0) : f.zeroV()).set(acc);
      f.get(x).get(cb).add32().set(p);
      f.i32(0).set(tb);
      f.whileLoop(() => f.get(tb).i32(8 * F).ltS(), () => {
        if (scalar) {
          f.get(tb).loadF(LO).set(ls);
          f.get(tb).loadF(HI).set(hs);
        } else {
          f.get(tb).splatLoadV(LO).set(lv);
          f.get(tb).splatLoadV(HI).set(hv);
        }
        for (let k = 0; k < A.length; k++) {
          if (scalar) f.get(p).loadF(0).set(vs);
          else f.get(p).loadV(16 * k).set(vv);
          const l = scalar ? ls : lv, h = scalar ? hs : hv, val = scalar ? vs : vv;
          mac(f, A[k], l, val, !scalar);
          mac(f, D[k], h, val, !scalar);
        }
        f.inc(p, () => f.get(rowB));
        f.inc(tb, 8);
      });
      for (let k = 0; k < A.length; k++) {
        if (scalar) {
          f.get(a).get(cb).add32().get(A[k]).storeF(0);
          f.get(d).get(cb).add32().get(D[k]).storeF(0);
        } else {
          f.get(a).get(cb).add32().get(A[k]).storeV(16 * k);
          f.get(d).get(cb).add32().get(D[k]).storeV(16 * k);
        }
      }
    });
    f.inc(x, () => f.get(rowB).get(rowB).add32());
    f.inc(a, () => f.get(rowB));
    f.inc(d, () => f.get(rowB));
    f.inc(q, 1);
  });
  return f;
}

/**
 * upCols(a, d, w, count, x, add) for F = 2H: output rows 2q, 2q+1 from coefficient rows q … q+H−1:
 * row 2q with the taps lo[F−2−2i], row 2q+1 with lo[F−1−2i] (and hi), read from LO_R, HI_R.
 */
function upCols(F: number): FunctionBuilder {
  const H = F / 2;
  const f = new FunctionBuilder('upCols', params(6));
  const [a, d, w, count, x, add] = [0, 1, 2, 3, 4, 5];
  const rowB = f.local(I32), q = f.local(I32), cb = f.local(I32), pa = f.local(I32), pd = f.local(I32), px = f.local(I32), ib = f.local(I32);
  const l0 = f.local(V128), l1 = f.local(V128), h0 = f.local(V128), h1 = f.local(V128), va = f.local(V128), vd = f.local(V128);
  const l0s = f.local(F64), l1s = f.local(F64), h0s = f.local(F64), h1s = f.local(F64), vas = f.local(F64), vds = f.local(F64);
  const Y0 = locals(f, 4, V128), Y1 = locals(f, 4, V128);
  const Y0s = f.local(F64), Y1s = f.local(F64);
  f.get(w).i32(3).shl32().set(rowB);
  f.i32(0).set(q);
  f.whileLoop(() => f.get(q).get(count).ltS(), () => {
    forColumnBlocks(f, cb, rowB, (vectors, scalar) => {
      const y0 = scalar ? [Y0s] : Y0.slice(0, vectors);
      const y1 = scalar ? [Y1s] : Y1.slice(0, vectors);
      for (const acc of [...y0, ...y1]) (scalar ? f.f64(0) : f.zeroV()).set(acc);
      f.get(a).get(cb).add32().set(pa);
      f.get(d).get(cb).add32().set(pd);
      // A loop over the tap pairs (not unrolled, as in downCols).
      f.i32(0).set(ib);
      f.whileLoop(() => f.get(ib).i32(16 * H).ltS(), () => {
        if (scalar) {
          f.get(ib).loadF(LO_R).set(l0s);
          f.get(ib).loadF(LO_R + 8).set(l1s);
          f.get(ib).loadF(HI_R).set(h0s);
          f.get(ib).loadF(HI_R + 8).set(h1s);
        } else {
          f.get(ib).splatLoadV(LO_R).set(l0);
          f.get(ib).splatLoadV(LO_R + 8).set(l1);
          f.get(ib).splatLoadV(HI_R).set(h0);
          f.get(ib).splatLoadV(HI_R + 8).set(h1);
        }
        for (let k = 0; k < y0.length; k++) {
          if (scalar) {
            f.get(pa).loadF(0).set(vas);
            f.get(pd).loadF(0).set(vds);
          } else {
            f.get(pa).loadV(16 * k).set(va);
            f.get(pd).loadV(16 * k).set(vd);
          }
          const A = scalar ? vas : va, D = scalar ? vds : vd;
          mac(f, y0[k], scalar ? l0s : l0, A, !scalar);
          mac(f, y0[k], scalar ? h0s : h0, D, !scalar);
          mac(f, y1[k], scalar ? l1s : l1, A, !scalar);
          mac(f, y1[k], scalar ? h1s : h1, D, !scalar);
        }
        f.inc(pa, () => f.get(rowB));
        f.inc(pd, () => f.get(rowB));
        f.inc(ib, 16);
      });
      f.get(x).get(cb).add32().set(px);
      const put = (acc: number, off: number, second: boolean): void => {
        const addr = (): void => {
          if (second) f.get(px).get(rowB).add32();
          else f.get(px);
        };
        f.ifElse(() => f.get(add), () => {
          addr();
          addr();
          if (scalar) f.loadF(off).get(acc).addF().storeF(off);
          else f.loadV(off).get(acc).addV().storeV(off);
        }, () => {
          addr();
          f.get(acc);
          if (scalar) f.storeF(off);
          else f.storeV(off);
        });
      };
      for (let k = 0; k < y0.length; k++) {
        put(y0[k], scalar ? 0 : 16 * k, false);
        put(y1[k], scalar ? 0 : 16 * k, true);
      }
    });
    f.inc(x, () => f.get(rowB).get(rowB).add32());
    f.inc(a, () => f.get(rowB));
    f.inc(d, () => f.get(rowB));
    f.inc(q, 1);
  });
  return f;
}

/**
 * borderDownCols(x, w, nb, table, a, d) for filter length F: the border output rows of `analyzeCols`.
 * Border row j has F + 1 int32 entries at `table + 4(F+1)j`: its output row's byte offset (from a
 * and d), then for each tap t the byte offset of its source row (from x), or −1 where the
 * extension is zero. Taps in increasing t, each added to a sum that starts at 0: the arithmetic
 * of the JavaScript border loop, so both give the same bits.
 */
function borderDownCols(F: number): FunctionBuilder {
  const f = new FunctionBuilder('borderDownCols', params(6));
  const [x, w, nb, table, a, d] = [0, 1, 2, 3, 4, 5];
  const rowB = f.local(I32), j = f.local(I32), te = f.local(I32), dst = f.local(I32), cb = f.local(I32), t = f.local(I32), off = f.local(I32);
  const lv = f.local(V128), hv = f.local(V128), vv = f.local(V128), ls = f.local(F64), hs = f.local(F64), vs = f.local(F64);
  const AV = locals(f, 4, V128), DV = locals(f, 4, V128), AS = f.local(F64), DS = f.local(F64);
  f.get(w).i32(3).shl32().set(rowB);
  f.i32(0).set(j);
  f.whileLoop(() => f.get(j).get(nb).ltS(), () => {
    f.get(table).get(j).i32(4 * (F + 1)).mul32().add32().set(te);
    f.get(te).loadI(0).set(dst);
    forColumnBlocks(f, cb, rowB, (vectors, scalar) => {
      const A = scalar ? [AS] : AV.slice(0, vectors);
      const D = scalar ? [DS] : DV.slice(0, vectors);
      for (const acc of [...A, ...D]) (scalar ? f.f64(0) : f.zeroV()).set(acc);
      f.i32(0).set(t);
      f.whileLoop(() => f.get(t).i32(F).ltS(), () => {
        f.get(te).get(t).i32(2).shl32().add32().loadI(4).set(off);
        f.ifElse(() => f.get(off).i32(0).geS(), () => {
          if (scalar) {
            f.get(t).i32(3).shl32().loadF(LO).set(ls);
            f.get(t).i32(3).shl32().loadF(HI).set(hs);
          } else {
            f.get(t).i32(3).shl32().splatLoadV(LO).set(lv);
            f.get(t).i32(3).shl32().splatLoadV(HI).set(hv);
          }
          for (let k = 0; k < A.length; k++) {
            if (scalar) f.get(x).get(off).add32().get(cb).add32().loadF(0).set(vs);
            else f.get(x).get(off).add32().get(cb).add32().loadV(16 * k).set(vv);
            mac(f, A[k], scalar ? ls : lv, scalar ? vs : vv, !scalar);
            mac(f, D[k], scalar ? hs : hv, scalar ? vs : vv, !scalar);
          }
        });
        f.inc(t, 1);
      });
      for (let k = 0; k < A.length; k++) {
        f.get(a).get(dst).add32().get(cb).add32().get(A[k]);
        if (scalar) f.storeF(0); else f.storeV(16 * k);
        f.get(d).get(dst).add32().get(cb).add32().get(D[k]);
        if (scalar) f.storeF(0); else f.storeV(16 * k);
      }
    });
    f.inc(j, 1);
  });
  return f;
}

/**
 * borderGradCols(x, w, nb, table, a, d) for filter length F: the border rows' part of
 * `filterGradCols`, added into the running sums at OUT (dLo at OUT[t], dHi at OUT[F+t], which the
 * caller fills first and reads back). `table` as for `borderDownCols`, the first entry of a border
 * row being its gradient row (from a and d). Each dot product is summed in the lane order of
 * `laneDot` (src/wavelets/simdKernels.ts), which the JavaScript border loop uses too.
 */
function borderGradCols(F: number): FunctionBuilder {
  const f = new FunctionBuilder('borderGradCols', params(6));
  const [x, w, nb, table, a, d] = [0, 1, 2, 3, 4, 5];
  const rowB = f.local(I32), j = f.local(I32), te = f.local(I32), src = f.local(I32), cb = f.local(I32), t = f.local(I32), off = f.local(I32);
  const vv = f.local(V128), gv = f.local(V128), vs = f.local(F64), gs = f.local(F64), tv = f.local(V128);
  const S = locals(f, 4, V128), T = locals(f, 4, V128), sa = f.local(F64), sd = f.local(F64);
  f.get(w).i32(3).shl32().set(rowB);
  f.i32(0).set(j);
  f.whileLoop(() => f.get(j).get(nb).ltS(), () => {
    f.get(table).get(j).i32(4 * (F + 1)).mul32().add32().set(te);
    f.get(te).loadI(0).set(src);
    f.i32(0).set(t);
    f.whileLoop(() => f.get(t).i32(F).ltS(), () => {
      f.get(te).get(t).i32(2).shl32().add32().loadI(4).set(off);
      f.ifElse(() => f.get(off).i32(0).geS(), () => {
        for (const acc of [...S, ...T]) f.zeroV().set(acc);
        f.f64(0).set(sa);
        f.f64(0).set(sd);
        forColumnBlocks(f, cb, rowB, (vectors, scalar) => {
          for (let k = 0; k < vectors; k++) {
            if (scalar) {
              f.get(x).get(off).add32().get(cb).add32().loadF(0).set(vs);
              f.get(a).get(src).add32().get(cb).add32().loadF(0).set(gs);
              mac(f, sa, gs, vs, false);
              f.get(d).get(src).add32().get(cb).add32().loadF(0).set(gs);
              mac(f, sd, gs, vs, false);
            } else {
              f.get(x).get(off).add32().get(cb).add32().loadV(16 * k).set(vv);
              f.get(a).get(src).add32().get(cb).add32().loadV(16 * k).set(gv);
              mac(f, S[k], gv, vv, true);
              f.get(d).get(src).add32().get(cb).add32().loadV(16 * k).set(gv);
              mac(f, T[k], gv, vv, true);
            }
          }
        });
        for (const [V, sc, base] of [[S, sa, 0], [T, sd, 8 * F]] as const) {
          f.get(V[0]).get(V[1]).addV().get(V[2]).addV().get(V[3]).addV().set(tv);
          f.get(t).i32(3).shl32();
          f.get(t).i32(3).shl32().loadF(OUT + base);
          f.get(tv).lane(0).get(tv).lane(1).addF().get(sc).addF();
          f.addF().storeF(OUT + base);
        }
      });
      f.inc(t, 1);
    });
    f.inc(j, 1);
  });
  return f;
}

/**
 * gradCols(x, w, count, a, d, Fb): adds Σ_q ⟨gA_q, x_{2q+t}⟩ into OUT[t], the gD sums into
 * OUT[F+t]. Taps go in pairs (t, t+1), whose source rows 2q+t, 2q+t+1 are neighbours: per block of
 * columns, the two gradient rows are loaded once for both taps.
 */
function gradCols(): FunctionBuilder {
  const f = new FunctionBuilder('gradCols', params(6));
  const [x, w, count, a, d, Fb] = [0, 1, 2, 3, 4, 5];
  const rowB = f.local(I32), tb = f.local(I32), q = f.local(I32), cb = f.local(I32), px = f.local(I32), pa = f.local(I32), pd = f.local(I32);
  const v0 = f.local(V128), v1 = f.local(V128), ga = f.local(V128), gd = f.local(V128);
  const v0s = f.local(F64), v1s = f.local(F64), gas = f.local(F64), gds = f.local(F64);
  // Accumulators [tap t, tap t+1] × [gA, gD] × 2 vectors.
  const SA0 = locals(f, 2, V128), SA1 = locals(f, 2, V128), SD0 = locals(f, 2, V128), SD1 = locals(f, 2, V128);
  const sa0 = f.local(F64), sa1 = f.local(F64), sd0 = f.local(F64), sd1 = f.local(F64), t = f.local(V128);
  const blocks = [
    { width: 32, vectors: 2, scalar: false },
    { width: 16, vectors: 1, scalar: false },
    { width: 8, vectors: 1, scalar: true },
  ];
  f.get(w).i32(3).shl32().set(rowB);
  f.i32(0).set(tb);
  f.whileLoop(() => f.get(tb).get(Fb).ltS(), () => {
    for (const acc of [...SA0, ...SA1, ...SD0, ...SD1]) f.zeroV().set(acc);
    for (const acc of [sa0, sa1, sd0, sd1]) f.f64(0).set(acc);
    // Source row t of output row 0 is x + t·rowB.
    f.get(x).get(tb).i32(3).shrS().get(rowB).mul32().add32().set(px);
    f.get(a).set(pa);
    f.get(d).set(pd);
    f.i32(0).set(q);
    f.whileLoop(() => f.get(q).get(count).ltS(), () => {
      f.i32(0).set(cb);
      for (const blk of blocks) {
        f.whileLoop(() => f.get(cb).i32(blk.width).add32().get(rowB).leS(), () => {
          for (let k = 0; k < blk.vectors; k++) {
            if (blk.scalar) {
              f.get(px).get(cb).add32().loadF(0).set(v0s);
              f.get(px).get(cb).add32().get(rowB).add32().loadF(0).set(v1s);
              f.get(pa).get(cb).add32().loadF(0).set(gas);
              f.get(pd).get(cb).add32().loadF(0).set(gds);
              mac(f, sa0, gas, v0s, false);
              mac(f, sa1, gas, v1s, false);
              mac(f, sd0, gds, v0s, false);
              mac(f, sd1, gds, v1s, false);
            } else {
              f.get(px).get(cb).add32().loadV(16 * k).set(v0);
              f.get(px).get(cb).add32().get(rowB).add32().loadV(16 * k).set(v1);
              f.get(pa).get(cb).add32().loadV(16 * k).set(ga);
              f.get(pd).get(cb).add32().loadV(16 * k).set(gd);
              mac(f, SA0[k], ga, v0, true);
              mac(f, SA1[k], ga, v1, true);
              mac(f, SD0[k], gd, v0, true);
              mac(f, SD1[k], gd, v1, true);
            }
          }
          f.inc(cb, blk.width);
        });
      }
      f.inc(px, () => f.get(rowB).get(rowB).add32());
      f.inc(pa, () => f.get(rowB));
      f.inc(pd, () => f.get(rowB));
      f.inc(q, 1);
    });
    const out = (accs: number[], scalarAcc: number, off: () => void, plus: number): void => {
      f.get(accs[0]).get(accs[1]).addV().set(t);
      off();
      f.get(t).lane(0).get(t).lane(1).addF().get(scalarAcc).addF().storeF(OUT + plus);
    };
    out(SA0, sa0, () => f.get(tb), 0);
    out(SA1, sa1, () => f.get(tb), 8);
    out(SD0, sd0, () => f.get(tb).get(Fb).add32(), 0);
    out(SD1, sd1, () => f.get(tb).get(Fb).add32(), 8);
    f.inc(tb, 16);
  });
  return f;
}

/**
 * Element-wise kernels over `nB` bytes (a multiple of 16: the caller does an odd last element):
 * the passes of the AWD objective over whole batches (`loss.ts`), two doubles per instruction.
 */
function elementwise(): FunctionBuilder[] {
  // sumAbs(p, nB) → Σ|p[i]|, four vector sums.
  const sum = new FunctionBuilder('sumAbs', [I32, I32], [F64]);
  {
    const [p, nB] = [0, 1];
    const i = sum.local(I32), S = locals(sum, 4, V128), t = sum.local(V128);
    for (const acc of S) sum.zeroV().set(acc);
    sum.i32(0).set(i);
    sum.whileLoop(() => sum.get(i).i32(64).add32().get(nB).leS(), () => {
      for (let k = 0; k < 4; k++) sum.get(S[k]).get(p).get(i).add32().loadV(16 * k).absV().addV().set(S[k]);
      sum.inc(i, 64);
    });
    sum.whileLoop(() => sum.get(i).get(nB).ltS(), () => {
      sum.get(S[0]).get(p).get(i).add32().loadV(0).absV().addV().set(S[0]);
      sum.inc(i, 16);
    });
    sum.get(S[0]).get(S[1]).addV().get(S[2]).addV().get(S[3]).addV().set(t);
    sum.get(t).lane(0).get(t).lane(1).addF();
  }
  // signScale(src, dst, nB, s): dst = s·sign(src) (0 where src is 0).
  const sign = new FunctionBuilder('signScale', [I32, I32, I32, F64]);
  {
    const [src, dst, nB, sc] = [0, 1, 2, 3];
    const i = sign.local(I32), pos = sign.local(V128), neg = sign.local(V128), v = sign.local(V128);
    sign.get(sc).splatV().set(pos);
    sign.f64(0).get(sc).subF().splatV().set(neg);
    sign.i32(0).set(i);
    sign.whileLoop(() => sign.get(i).get(nB).ltS(), () => {
      sign.get(src).get(i).add32().loadV(0).set(v);
      sign.get(dst).get(i).add32();
      sign.get(v).zeroV().gtV().get(pos).andV();
      sign.get(v).zeroV().ltV().get(neg).andV();
      sign.orV().storeV(0);
      sign.inc(i, 16);
    });
  }
  // addSign(dst, src, nB, s): dst += s·sign(src).
  const addSign = new FunctionBuilder('addSign', [I32, I32, I32, F64]);
  {
    const [dst, src, nB, sc] = [0, 1, 2, 3];
    const f = addSign;
    const i = f.local(I32), pos = f.local(V128), neg = f.local(V128), v = f.local(V128);
    f.get(sc).splatV().set(pos);
    f.f64(0).get(sc).subF().splatV().set(neg);
    f.i32(0).set(i);
    f.whileLoop(() => f.get(i).get(nB).ltS(), () => {
      f.get(src).get(i).add32().loadV(0).set(v);
      f.get(dst).get(i).add32();
      f.get(dst).get(i).add32().loadV(0);
      f.get(v).zeroV().gtV().get(pos).andV();
      f.get(v).zeroV().ltV().get(neg).andV();
      f.orV().addV().storeV(0);
      f.inc(i, 16);
    });
  }
  // residual(x, xh, g, nB, s) → Σ(x − xh)²; g = s·(x − xh).
  const res = new FunctionBuilder('residual', [I32, I32, I32, I32, F64], [F64]);
  {
    const [x, xh, g, nB, sc] = [0, 1, 2, 3, 4];
    const f = res;
    const i = f.local(I32), s2 = f.local(V128), r = f.local(V128), S0 = f.local(V128), S1 = f.local(V128), t = f.local(V128);
    f.get(sc).splatV().set(s2);
    f.zeroV().set(S0);
    f.zeroV().set(S1);
    f.i32(0).set(i);
    f.whileLoop(() => f.get(i).i32(32).add32().get(nB).leS(), () => {
      for (let k = 0; k < 2; k++) {
        const S = k === 0 ? S0 : S1;
        f.get(x).get(i).add32().loadV(16 * k).get(xh).get(i).add32().loadV(16 * k).subV().set(r);
        f.get(S).get(r).get(r).mulV().addV().set(S);
        f.get(g).get(i).add32().get(s2).get(r).mulV().storeV(16 * k);
      }
      f.inc(i, 32);
    });
    f.whileLoop(() => f.get(i).get(nB).ltS(), () => {
      f.get(x).get(i).add32().loadV(0).get(xh).get(i).add32().loadV(0).subV().set(r);
      f.get(S0).get(r).get(r).mulV().addV().set(S0);
      f.get(g).get(i).add32().get(s2).get(r).mulV().storeV(0);
      f.inc(i, 16);
    });
    f.get(S0).get(S1).addV().set(t);
    f.get(t).lane(0).get(t).lane(1).addF();
  }
  return [sum, sign, addSign, res];
}

let memory: WebAssembly.Memory | null = null;
const modules = new Map<number, Exports | null>();

/**
 * The kernels for filter length F (one module per length, sharing one memory), or null where
 * WebAssembly SIMD is not available.
 */
function kernels(F: number): Exports | null {
  const hit = modules.get(F);
  if (hit !== undefined) return hit;
  let k: Exports | null = null;
  try {
    memory ??= new WebAssembly.Memory({ initial: PAGES, maximum: MAX_PAGES });
    const bytes = assembleModule([downRows(F), upRows(F), gradRows(F), downCols(F), upCols(F), gradCols(), ...elementwise(), borderDownCols(F), borderGradCols(F)], PAGES);
    k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as Exports;
  } catch {
    k = null;
  }
  modules.set(F, k);
  return k;
}

/** True when the WebAssembly SIMD kernels can run here. */
export function wasmKernelsAvailable(): boolean {
  return kernels(2) !== null;
}

/**
 * The kernels' memory, for `scratch.ts` to place arrays in (from byte `base` on), so the kernels
 * read and write them in place instead of copying; null when the kernels do not run.
 */
export function kernelMemory(): { memory: WebAssembly.Memory; base: number; maxBytes: number } | null {
  if (setting === 'never' || kernels(2) === null || memory === null) return null;
  return { memory, base: PAGES * 65536, maxBytes: MAX_PAGES * 65536 };
}

/** True when every array lies in the kernels' memory (then the kernels work on it in place). */
function resident(...arrays: Float64Array[]): boolean {
  const buf = memory?.buffer;
  for (const a of arrays) if (a.buffer !== buf) return false;
  return true;
}

/** Byte address of a[i] in the kernels' memory. */
const at = (a: Float64Array, i: number): number => a.byteOffset + 8 * i;

/** Adds the tap sums the gradient kernels left at OUT into dLo, dHi. */
function addOut(m: Float64Array, dLo: Float64Array, dHi: Float64Array): void {
  const F = dLo.length;
  for (let t = 0; t < F; t++) {
    dLo[t] += m[OUT / 8 + t];
    dHi[t] += m[OUT / 8 + F + t];
  }
}

// ---------------------------------------------------------------------------------------------
// Calling the kernels: copies in and out of the module's memory, in chunks that fit
// ---------------------------------------------------------------------------------------------

/** In 'auto', the shortest row interior (outputs or pairs per row) worth the copies. */
const MIN_ROW_INTERIOR = 16;
/** In 'auto', the narrowest column block worth the copies. */
const MIN_COL_WIDTH = 8;

let heap: Float64Array | null = null;

/** The kernels and a view of their memory when they should run for this filter, else null. */
function ready(F: number, size: number, minSize: number): { k: Exports; m: Float64Array } | null {
  if (setting === 'never' || F < 2 || F > MAX_TAPS || (F & 1) !== 0) return null;
  if (setting === 'auto' && size < minSize) return null;
  const k = kernels(F);
  if (k === null || memory === null) return null;
  if (heap === null || heap.buffer !== memory.buffer) heap = new Float64Array(memory.buffer);
  return { k, m: heap };
}

/** Writes the taps: lo, hi, and the reversed pairs (f[F−2−2i], f[F−1−2i]) the adjoints use. */
function putTaps(m: Float64Array, lo: Float64Array, hi: Float64Array): void {
  const F = lo.length;
  m.set(lo, LO / 8);
  m.set(hi, HI / 8);
  for (let i = 0; i < F / 2; i++) {
    m[LO_R / 8 + 2 * i] = lo[F - 2 - 2 * i];
    m[LO_R / 8 + 2 * i + 1] = lo[F - 1 - 2 * i];
    m[HI_R / 8 + 2 * i] = hi[F - 2 - 2 * i];
    m[HI_R / 8 + 2 * i + 1] = hi[F - 1 - 2 * i];
  }
}

/**
 * Copies `rows` rows of `len` values (row r at `off + r·stride` in `src`) to `m` from `at`, rows
 * `stride` apart there too when the rows can go in one block copy (`stride ≥ len`), else packed
 * `len` apart. Returns the stride used in `m`.
 */
function copyRowsIn(src: Float64Array, off: number, stride: number, rows: number, len: number, m: Float64Array, at: number): number {
  if (rows === 1) {
    m.set(src.subarray(off, off + len), at);
    return len;
  }
  if (stride >= len) {
    m.set(src.subarray(off, off + (rows - 1) * stride + len), at);
    return stride;
  }
  for (let r = 0; r < rows; r++) m.set(src.subarray(off + r * stride, off + r * stride + len), at + r * len);
  return len;
}

/** Copies `rows` rows of `len` values back: row r from `m[at + r·mStride …]` to `dst[off + r·stride …]`. */
function copyRowsOut(m: Float64Array, at: number, mStride: number, rows: number, len: number, dst: Float64Array, off: number, stride: number): void {
  if (rows > 1 && stride === len && mStride === len) {
    dst.set(m.subarray(at, at + rows * len), off);
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(m.subarray(at + r * mStride, at + r * mStride + len), off + r * stride);
}

/**
 * Interior of `analyzeRows`: for each row, outputs o ∈ [oLo, oLo + nI) read x[start + 2(o − oLo) + t]
 * (start = 2·oLo + 1 − shift); rows have `outLen` outputs. Returns false (nothing done) when the
 * kernels should not run. Where the output rows are contiguous, whole rows are copied back, border
 * outputs included: the caller must compute the border outputs afterwards.
 */
export function simdAnalyzeRows(
  x: Float64Array, xOff: number, xStride: number, rows: number, start: number, oLo: number, nI: number, outLen: number,
  lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number,
): boolean {
  const F = lo.length;
  const env = ready(F, nI, MIN_ROW_INTERIOR);
  if (env === null || nI < 1) return false;
  const { k, m } = env;
  if (resident(x, cA, cD)) {
    putTaps(m, lo, hi);
    k.downRows(at(x, xOff + start), 8 * xStride, rows, 8 * nI, at(cA, aOff + oLo), 8 * aStride, at(cD, dOff + oLo), 8 * dStride);
    return true;
  }
  const span = 2 * nI + F - 2;
  const wholeRows = rows > 1 && aStride === outLen && dStride === outLen;
  const os = wholeRows ? outLen : nI;
  const chunk = unitsPerCall(Math.max(xStride, span) + 2 * os);
  if (chunk < 1) return false;
  putTaps(m, lo, hi);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const rc = Math.min(chunk, rows - r0);
    const X = DATA / 8;
    const xs = copyRowsIn(x, xOff + r0 * xStride + start, xStride, rc, span, m, X);
    const A = X + (rc - 1) * xs + span;
    const D = A + rc * os;
    const skip = wholeRows ? oLo : 0;
    k.downRows(8 * X, 8 * xs, rc, 8 * nI, 8 * (A + skip), 8 * os, 8 * (D + skip), 8 * os);
    if (wholeRows) {
      cA.set(m.subarray(A, A + rc * outLen), aOff + r0 * outLen);
      cD.set(m.subarray(D, D + rc * outLen), dOff + r0 * outLen);
    } else {
      copyRowsOut(m, A, nI, rc, nI, cA, aOff + r0 * aStride + oLo, aStride);
      copyRowsOut(m, D, nI, rc, nI, cD, dOff + r0 * dStride + oLo, dStride);
    }
  }
  return true;
}

/**
 * Interior pairs of `scatterRows`: pair p < count of a row reads cA, cD at `first + p … first + p +
 * F/2 − 1` and writes (stores, or adds when `add`) x[xStart + 2p], x[xStart + 2p + 1]; rows of x
 * have `rowLen` values. Nothing outside the interior of x changes.
 */
export function simdScatterRows(
  cA: Float64Array, aOff: number, aStride: number, cD: Float64Array, dOff: number, dStride: number, rows: number,
  first: number, count: number, lo: Float64Array, hi: Float64Array,
  x: Float64Array, xOff: number, xStride: number, xStart: number, rowLen: number, add: boolean,
): boolean {
  const F = lo.length;
  const env = ready(F, count, MIN_ROW_INTERIOR);
  if (env === null || count < 1) return false;
  const { k, m } = env;
  if (resident(cA, cD, x)) {
    putTaps(m, lo, hi);
    k.upRows(at(cA, aOff + first), 8 * aStride, at(cD, dOff + first), 8 * dStride, rows, 8 * count, at(x, xOff + xStart), 8 * xStride, add ? 1 : 0);
    return true;
  }
  const half = F / 2;
  const cLen = count + half - 1;
  const oLen = 2 * count;
  // Contiguous rows of x go in and out whole (one copy each way); else the interiors row by row.
  const wholeRows = rows > 1 && xStride === rowLen;
  const chunk = unitsPerCall(Math.max(aStride, cLen) + Math.max(dStride, cLen) + Math.max(xStride, oLen));
  if (chunk < 1) return false;
  putTaps(m, lo, hi);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const rc = Math.min(chunk, rows - r0);
    const A = DATA / 8;
    const as = copyRowsIn(cA, aOff + r0 * aStride + first, aStride, rc, cLen, m, A);
    const D = A + (rc - 1) * as + cLen;
    const ds = copyRowsIn(cD, dOff + r0 * dStride + first, dStride, rc, cLen, m, D);
    const X = D + (rc - 1) * ds + cLen;
    if (wholeRows) {
      if (add || 2 * count !== rowLen) m.set(x.subarray(xOff + r0 * rowLen, xOff + (r0 + rc) * rowLen), X);
      k.upRows(8 * A, 8 * as, 8 * D, 8 * ds, rc, 8 * count, 8 * (X + xStart), 8 * rowLen, add ? 1 : 0);
      x.set(m.subarray(X, X + rc * rowLen), xOff + r0 * rowLen);
    } else {
      const xs = add ? copyRowsIn(x, xOff + r0 * xStride + xStart, xStride, rc, oLen, m, X) : oLen;
      k.upRows(8 * A, 8 * as, 8 * D, 8 * ds, rc, 8 * count, 8 * X, 8 * xs, add ? 1 : 0);
      copyRowsOut(m, X, xs, rc, oLen, x, xOff + r0 * xStride + xStart, xStride);
    }
  }
  return true;
}

/**
 * Interior of `filterGradRows`: adds Σ_rows Σ_{o<nI} gA[o]·x[start + 2o + t] into dLo[t] (gD
 * into dHi[t]); gA, gD at `aOff + oLo`, `dOff + oLo` of each row.
 */
export function simdFilterGradRows(
  x: Float64Array, xOff: number, xStride: number, rows: number, start: number, oLo: number, nI: number,
  gA: Float64Array, aOff: number, aStride: number, gD: Float64Array, dOff: number, dStride: number,
  dLo: Float64Array, dHi: Float64Array,
): boolean {
  const F = dLo.length;
  const env = ready(F, nI, MIN_ROW_INTERIOR);
  if (env === null || nI < 1) return false;
  const { k, m } = env;
  // The same chunks whether the arrays are in the kernels' memory or copied there, so the sums
  // (per chunk, then over chunks) come out the same either way.
  const span = 2 * nI + F - 2;
  const chunk = unitsPerCall(Math.max(xStride, span) + Math.max(aStride, nI) + Math.max(dStride, nI));
  if (chunk < 1) return false;
  const inPlace = resident(x, gA, gD);
  m.fill(0, OUT / 8, OUT / 8 + 2 * F);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const rc = Math.min(chunk, rows - r0);
    const xAt = xOff + r0 * xStride + start, aAt = aOff + r0 * aStride + oLo, dAt = dOff + r0 * dStride + oLo;
    if (inPlace) {
      k.gradRows(at(x, xAt), 8 * xStride, rc, 8 * nI, at(gA, aAt), 8 * aStride, at(gD, dAt), 8 * dStride);
      continue;
    }
    const X = DATA / 8;
    const xs = copyRowsIn(x, xAt, xStride, rc, span, m, X);
    const A = X + (rc - 1) * xs + span;
    const as = copyRowsIn(gA, aAt, aStride, rc, nI, m, A);
    const D = A + (rc - 1) * as + nI;
    const ds = copyRowsIn(gD, dAt, dStride, rc, nI, m, D);
    k.gradRows(8 * X, 8 * xs, rc, 8 * nI, 8 * A, 8 * as, 8 * D, 8 * ds);
  }
  addOut(m, dLo, dHi);
  return true;
}

/** `downCols` of `kernels.ts` (the interior of `analyzeCols`). */
export function simdDownCols(
  x: Float64Array, p: number, width: number, count: number,
  cA: Float64Array, a: number, cD: Float64Array, d: number, lo: Float64Array, hi: Float64Array,
): boolean {
  const F = lo.length;
  const env = ready(F, width, MIN_COL_WIDTH);
  if (env === null) return false;
  const { k, m } = env;
  if (resident(x, cA, cD)) {
    putTaps(m, lo, hi);
    k.downCols(at(x, p), width, count, at(cA, a), at(cD, d));
    return true;
  }
  // Output rows: two input rows and two output rows each, plus F − 2 input rows.
  const chunk = unitsPerCall(4 * width, (F - 2) * width);
  if (chunk < 1) return false;
  putTaps(m, lo, hi);
  for (let q0 = 0; q0 < count; q0 += chunk) {
    const qc = Math.min(chunk, count - q0);
    const X = DATA / 8;
    const inLen = (2 * qc + F - 2) * width;
    m.set(x.subarray(p + 2 * q0 * width, p + 2 * q0 * width + inLen), X);
    const A = X + inLen;
    const D = A + qc * width;
    k.downCols(8 * X, width, qc, 8 * A, 8 * D);
    cA.set(m.subarray(A, A + qc * width), a + q0 * width);
    cD.set(m.subarray(D, D + qc * width), d + q0 * width);
  }
  return true;
}

/** `upCols` of `kernels.ts` (the interior of `scatterColsInto`). */
export function simdUpCols(
  cA: Float64Array, a: number, cD: Float64Array, d: number, width: number, count: number,
  x: Float64Array, p: number, lo: Float64Array, hi: Float64Array, add: boolean,
): boolean {
  const F = lo.length;
  const env = ready(F, width, MIN_COL_WIDTH);
  if (env === null) return false;
  const { k, m } = env;
  if (resident(cA, cD, x)) {
    putTaps(m, lo, hi);
    k.upCols(at(cA, a), at(cD, d), width, count, at(x, p), add ? 1 : 0);
    return true;
  }
  const half = F / 2;
  const chunk = unitsPerCall(4 * width, 2 * (half - 1) * width);
  if (chunk < 1) return false;
  putTaps(m, lo, hi);
  for (let q0 = 0; q0 < count; q0 += chunk) {
    const qc = Math.min(chunk, count - q0);
    const cLen = (qc + half - 1) * width;
    const A = DATA / 8;
    const D = A + cLen;
    const X = D + cLen;
    m.set(cA.subarray(a + q0 * width, a + q0 * width + cLen), A);
    m.set(cD.subarray(d + q0 * width, d + q0 * width + cLen), D);
    const xLen = 2 * qc * width;
    const xAt = p + 2 * q0 * width;
    if (add) m.set(x.subarray(xAt, xAt + xLen), X);
    k.upCols(8 * A, 8 * D, width, qc, 8 * X, add ? 1 : 0);
    x.set(m.subarray(X, X + xLen), xAt);
  }
  return true;
}

/** `gradCols` of `kernels.ts` (the interior of `filterGradCols`). */
export function simdGradCols(
  x: Float64Array, p: number, width: number, count: number,
  gA: Float64Array, a: number, gD: Float64Array, d: number, dLo: Float64Array, dHi: Float64Array,
): boolean {
  const F = dLo.length;
  const env = ready(F, width, MIN_COL_WIDTH);
  if (env === null) return false;
  const { k, m } = env;
  // The same chunks in place or copied (see simdFilterGradRows).
  const chunk = unitsPerCall(4 * width, (F - 2) * width);
  if (chunk < 1) return false;
  const inPlace = resident(x, gA, gD);
  for (let q0 = 0; q0 < count; q0 += chunk) {
    const qc = Math.min(chunk, count - q0);
    const xAt = p + 2 * q0 * width, aAt = a + q0 * width, dAt = d + q0 * width;
    if (inPlace) {
      k.gradCols(at(x, xAt), width, qc, at(gA, aAt), at(gD, dAt), 8 * F);
    } else {
      const X = DATA / 8;
      const inLen = (2 * qc + F - 2) * width;
      m.set(x.subarray(xAt, xAt + inLen), X);
      const A = X + inLen;
      const D = A + qc * width;
      m.set(gA.subarray(aAt, aAt + qc * width), A);
      m.set(gD.subarray(dAt, dAt + qc * width), D);
      k.gradCols(8 * X, width, qc, 8 * A, 8 * D, 8 * F);
    }
    addOut(m, dLo, dHi);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Element-wise passes (SIMD when the arrays are in the kernels' memory, else plain loops)
// ---------------------------------------------------------------------------------------------

/** The kernels when `arrays` are all in their memory and long enough to bother, else null. */
function inPlace(...arrays: Float64Array[]): Exports | null {
  if (setting === 'never' || arrays[0].length < 64 || !resident(...arrays)) return null;
  return kernels(2);
}

/**
 * Sums run over blocks of this many values, block sums added in order, whether the array is in the
 * kernels' memory or copied there block by block: the same numbers either way.
 */
const SUM_BLOCK = 8192;

/** The kernels and their memory for a sum over `n` values, or null for the plain loop (short arrays). */
function forSums(n: number): { k: Exports; m: Float64Array } | null {
  return setting === 'never' || (setting === 'auto' && n < SUM_BLOCK / 2) ? null : ready(2, 0, 0);
}

/** Σ|a[i]|. */
export function sumAbs(a: Float64Array): number {
  const env = forSums(a.length);
  let s = 0;
  if (env === null) {
    for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
    return s;
  }
  const { k, m } = env;
  const here = resident(a);
  for (let i = 0; i < a.length; i += SUM_BLOCK) {
    const len = Math.min(SUM_BLOCK, a.length - i);
    const even = len & ~1;
    let p = at(a, i);
    if (!here) {
      m.set(a.subarray(i, i + len), DATA / 8);
      p = DATA;
    }
    s += k.sumAbs(p, 8 * even) + (even < len ? Math.abs(a[i + even]) : 0);
  }
  return s;
}

/** dst[i] = s·sign(src[i]) (0 where src[i] is 0). */
export function signScale(src: Float64Array, dst: Float64Array, s: number): void {
  const k = inPlace(src, dst);
  const n = src.length;
  let i = 0;
  if (k !== null) {
    i = n & ~1;
    k.signScale(at(src, 0), at(dst, 0), 8 * i, s);
  }
  for (; i < n; i++) {
    const v = src[i];
    dst[i] = v > 0 ? s : v < 0 ? -s : 0;
  }
}

/** dst[i] += s·sign(src[i]). */
export function addScaledSign(dst: Float64Array, src: Float64Array, s: number): void {
  const k = inPlace(dst, src);
  const n = dst.length;
  let i = 0;
  if (k !== null) {
    i = n & ~1;
    k.addSign(at(dst, 0), at(src, 0), 8 * i, s);
  }
  for (; i < n; i++) {
    const v = src[i];
    dst[i] += v > 0 ? s : v < 0 ? -s : 0;
  }
}

/** Σ(x[i] − xh[i])², and g[i] = s·(x[i] − xh[i]). */
export function residual(x: Float64Array, xh: Float64Array, g: Float64Array, s: number): number {
  const env = forSums(x.length);
  let sum = 0;
  if (env === null) {
    for (let i = 0; i < x.length; i++) {
      const r = x[i] - xh[i];
      sum += r * r;
      g[i] = s * r;
    }
    return sum;
  }
  const { k, m } = env;
  const here = resident(x, xh, g);
  for (let i = 0; i < x.length; i += SUM_BLOCK) {
    const len = Math.min(SUM_BLOCK, x.length - i);
    const even = len & ~1;
    if (here) {
      sum += k.residual(at(x, i), at(xh, i), at(g, i), 8 * even, s);
    } else {
      const X = DATA / 8, XH = X + SUM_BLOCK, G = XH + SUM_BLOCK;
      m.set(x.subarray(i, i + len), X);
      m.set(xh.subarray(i, i + len), XH);
      sum += k.residual(8 * X, 8 * XH, 8 * G, 8 * even, s);
      g.set(m.subarray(G, G + even), i);
    }
    if (even < len) {
      const r = x[i + even] - xh[i + even];
      sum += r * r;
      g[i + even] = s * r;
    }
  }
  return sum;
}

/**
 * The border output rows of `analyzeCols` in place (see `borderDownCols`): `table` holds, per
 * border row, its output row and its F source rows (−1: zero). False (nothing done) unless every
 * array is in the kernels' memory.
 */
export function simdBorderDownCols(
  x: Float64Array, xOff: number, width: number, table: Int32Array, lo: Float64Array, hi: Float64Array,
  cA: Float64Array, aOff: number, cD: Float64Array, dOff: number,
): boolean {
  const F = lo.length;
  const nb = table.length / (F + 1);
  const env = ready(F, width, MIN_COL_WIDTH);
  if (env === null || nb < 1 || !resident(x, cA, cD) || 4 * table.length > 8 * DATA_DOUBLES) return false;
  const { k, m } = env;
  putTaps(m, lo, hi);
  putTable(m, table, width);
  k.borderDownCols(at(x, xOff), width, nb, DATA, at(cA, aOff), at(cD, dOff));
  return true;
}

/** A border table (rows) in byte offsets for rows of `width` doubles, in the staging area (free when the arrays are in place). */
function putTable(m: Float64Array, table: Int32Array, width: number): void {
  const t32 = new Int32Array(m.buffer, DATA, table.length);
  const rowB = 8 * width;
  for (let i = 0; i < table.length; i++) t32[i] = table[i] < 0 ? -1 : table[i] * rowB;
}

/**
 * The border rows' part of `filterGradCols` in place (see `borderGradCols`): adds into dLo, dHi
 * with the arithmetic of the JavaScript loop. False (nothing done) unless every array is in the
 * kernels' memory.
 */
export function simdBorderGradCols(
  x: Float64Array, xOff: number, width: number, table: Int32Array,
  gA: Float64Array, aOff: number, gD: Float64Array, dOff: number, dLo: Float64Array, dHi: Float64Array,
): boolean {
  const F = dLo.length;
  const nb = table.length / (F + 1);
  const env = ready(F, width, MIN_COL_WIDTH);
  if (env === null || nb < 1 || !resident(x, gA, gD) || 4 * table.length > 8 * DATA_DOUBLES) return false;
  const { k, m } = env;
  putTable(m, table, width);
  m.set(dLo, OUT / 8);
  m.set(dHi, OUT / 8 + F);
  k.borderGradCols(at(x, xOff), width, nb, DATA, at(gA, aOff), at(gD, dOff));
  dLo.set(m.subarray(OUT / 8, OUT / 8 + F));
  dHi.set(m.subarray(OUT / 8 + F, OUT / 8 + 2 * F));
  return true;
}

/**
 * Σ_c a[aOff + c]·b[bOff + c] in the lane order of the SIMD column kernels: eight running sums
 * (columns c mod 8 over blocks of 8), blocks of 2 into the first two, the last odd column alone;
 * then ((s0+s2)+s4)+s6 and ((s1+s3)+s5)+s7 (the vector sums), their sum, plus the odd column.
 * The same bits as `borderGradCols`, whichever runs.
 */
export function laneDot(a: Float64Array, aOff: number, b: Float64Array, bOff: number, width: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  let c = 0;
  for (; c + 8 <= width; c += 8) {
    const p = aOff + c, q = bOff + c;
    s0 += a[p] * b[q];
    s1 += a[p + 1] * b[q + 1];
    s2 += a[p + 2] * b[q + 2];
    s3 += a[p + 3] * b[q + 3];
    s4 += a[p + 4] * b[q + 4];
    s5 += a[p + 5] * b[q + 5];
    s6 += a[p + 6] * b[q + 6];
    s7 += a[p + 7] * b[q + 7];
  }
  for (; c + 2 <= width; c += 2) {
    s0 += a[aOff + c] * b[bOff + c];
    s1 += a[aOff + c + 1] * b[bOff + c + 1];
  }
  const tail = c < width ? 0 + a[aOff + c] * b[bOff + c] : 0;
  return ((((s0 + s2) + s4) + s6) + (((s1 + s3) + s5) + s7)) + tail;
}
