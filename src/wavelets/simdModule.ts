/**
 * The WebAssembly SIMD (f64x2) filter-bank kernels, assembled at run time (`wasmAssembler.ts`):
 * one module per filter length F (taps unrolled where that helps), all sharing one memory whose
 * layout is below. `simdKernels.ts` calls them; this module only builds them.
 *
 * The kernels, on byte addresses in the shared memory:
 * - `downRows`: analysis along rows. Taps go in pairs: one 16-byte load of (x[2o+t], x[2o+t+1])
 *   times (lo[t], lo[t+1]); the two lanes are summed at the end. Two outputs per iteration.
 * - `upRows`: the adjoint in its polyphase form (module comment of `kernels.ts`): a pair of
 *   outputs (ye[2v+1], ye[2v+2]) is one vector, Σ_i (lo[F−2−2i], lo[F−1−2i])·cA[v−F/2+1+i] + (same
 *   for hi, cD). Two pairs per iteration.
 * - `gradRows`: Σ_o gA[o]·(x[2o+t], x[2o+t+1]) accumulates ∂/∂(lo[t], lo[t+1]) as one vector.
 * - `downCols`, `upCols`, `gradCols`: the column forms, vectorised across columns (eight, then
 *   two, then one at a time), looping over the taps.
 * - `borderDownCols`, `borderGradCols`: the border rows of the column analysis and derivative,
 *   from a table of source rows, in the arithmetic order of the JavaScript loops.
 * - `sumAbs`, `signScale`, `addSign`, `residual`: the element-wise passes of the AWD objective.
 * - `swtRows`, `wrapRows`: one level of the undecimated transform (`swt.ts`) on rows wrapped
 *   periodically beforehand; outputs (k, k+1) are one vector, with the JavaScript kernels' sums.
 *
 * A lesson from V8's code: with the taps unrolled, its scheduler hoists every load of a block to
 * the top and spills them, so the column kernels loop over the taps instead.
 * @module
 */
import { assembleModule, FunctionBuilder, I32, F64, V128, type ValType } from './wasmAssembler.ts';

// Memory layout (bytes): taps, reversed tap pairs and sums at the start, then a staging area for
// arrays copied in, then (from PAGES·64 KiB on) the arena of `scratch.ts`.
/** Longest filter the kernels are built for (they are unrolled over the taps; db20 has 40). */
export const MAX_TAPS = 40;
export const PAGES = 256; // 16 MiB: taps and the staging area; scratch arrays (the arena) come after
/** The memory can grow to 4 GiB (the arena of `scratch.ts`). */
export const MAX_PAGES = 65536;
export const LO = 0;
export const HI = 512;
export const LO_R = 1024;
export const HI_R = 1536;
export const OUT = 2048;
export const DATA = 4096;
export const DATA_DOUBLES = (PAGES * 65536 - DATA) / 8;

/** The functions of one module. */
export interface Exports {
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
  swtRows: (xp: number, pB: number, rows: number, nB: number, sB: number, a: number, d: number) => void;
  wrapRows: (src: number, nB: number, rows: number, firstB: number, dst: number, pB: number) => void;
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
  const v = f.local(V128);
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

/**
 * swtRows(xp, pB, rows, nB, sB, a, d): one undecimated (SWT) level of `rows` rows, each wrapped
 * periodically beforehand (`wrapRows`: row r at xp + r·pB): a[k] = Σ_u lo[u]·xp[k + s·u], d the
 * same with hi, for k < n (nB = n·8, sB = s·8; rows of a and d are n apart). Outputs (k, k+1) are
 * one vector, two vectors per iteration; each sum starts from its first product and adds the
 * others in tap order, as the JavaScript kernels of `swt.ts` do, so the results are identical.
 * The taps are splats from LO, HI (the compiler keeps what fits in registers).
 */
function swtRows(F: number): FunctionBuilder {
  const f = new FunctionBuilder('swtRows', params(7));
  const [xp, pB, rows, nB, sB, a, d] = [0, 1, 2, 3, 4, 5, 6];
  const r = f.local(I32), kb = f.local(I32), q = f.local(I32);
  const l = f.local(V128), h = f.local(V128), v0 = f.local(V128), v1 = f.local(V128);
  const A0 = f.local(V128), A1 = f.local(V128), D0 = f.local(V128), D1 = f.local(V128);
  const block = (two: boolean): void => {
    f.get(xp).get(kb).add32().set(q);
    for (let u = 0; u < F; u++) {
      f.i32(0).splatLoadV(LO + 8 * u).set(l);
      f.i32(0).splatLoadV(HI + 8 * u).set(h);
      f.get(q).loadV(0).set(v0);
      if (two) f.get(q).loadV(16).set(v1);
      if (u === 0) {
        f.get(l).get(v0).mulV().set(A0);
        f.get(h).get(v0).mulV().set(D0);
        if (two) {
          f.get(l).get(v1).mulV().set(A1);
          f.get(h).get(v1).mulV().set(D1);
        }
      } else {
        mac(f, A0, l, v0, true);
        mac(f, D0, h, v0, true);
        if (two) {
          mac(f, A1, l, v1, true);
          mac(f, D1, h, v1, true);
        }
      }
      if (u < F - 1) f.inc(q, () => f.get(sB));
    }
    f.get(a).get(kb).add32().get(A0).storeV(0);
    f.get(d).get(kb).add32().get(D0).storeV(0);
    if (two) {
      f.get(a).get(kb).add32().get(A1).storeV(16);
      f.get(d).get(kb).add32().get(D1).storeV(16);
    }
  };
  f.i32(0).set(r);
  f.whileLoop(() => f.get(r).get(rows).ltS(), () => {
    f.i32(0).set(kb);
    f.whileLoop(() => f.get(kb).i32(32).add32().get(nB).leS(), () => {
      block(true);
      f.inc(kb, 32);
    });
    f.ifElse(() => f.get(kb).get(nB).ltS(), () => block(false));
    f.inc(xp, () => f.get(pB));
    f.inc(a, () => f.get(nB));
    f.inc(d, () => f.get(nB));
    f.inc(r, 1);
  });
  return f;
}

/**
 * wrapRows(src, nB, rows, firstB, dst, pB): row r of `src` (n values, nB = n·8 bytes apart) is
 * written periodically wrapped to dst + r·pB: dst[i] = src[(first + i) mod n] for i < p (pB = p·8).
 */
function wrapRows(): FunctionBuilder {
  const f = new FunctionBuilder('wrapRows', params(6));
  const [src, nB, rows, firstB, dst, pB] = [0, 1, 2, 3, 4, 5];
  const r = f.local(I32), ib = f.local(I32), jb = f.local(I32);
  f.i32(0).set(r);
  f.whileLoop(() => f.get(r).get(rows).ltS(), () => {
    f.i32(0).set(ib);
    f.get(firstB).set(jb);
    f.whileLoop(() => f.get(ib).get(pB).ltS(), () => {
      f.get(dst).get(ib).add32().get(src).get(jb).add32().loadF(0).storeF(0);
      f.inc(ib, 8);
      f.inc(jb, 8);
      f.ifElse(() => f.get(jb).get(nB).eq32(), () => f.i32(0).set(jb));
    });
    f.inc(src, () => f.get(nB));
    f.inc(dst, () => f.get(pB));
    f.inc(r, 1);
  });
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

/** The shared memory (null before the first module is built, or where WebAssembly is missing). */
export function kernelsMemory(): WebAssembly.Memory | null {
  return memory;
}

/**
 * The kernels for filter length F (one module per length, sharing one memory), or null where
 * WebAssembly SIMD is not available.
 */
export function kernels(F: number): Exports | null {
  const hit = modules.get(F);
  if (hit !== undefined) return hit;
  let k: Exports | null = null;
  try {
    if (simdBuildHooks.fail?.(F)) throw new Error('simulated build failure (test hook)');
    memory ??= new WebAssembly.Memory({ initial: PAGES, maximum: MAX_PAGES });
    const bytes = assembleModule([downRows(F), upRows(F), gradRows(F), downCols(F), upCols(F), gradCols(), ...elementwise(), borderDownCols(F), borderGradCols(F), swtRows(F), wrapRows()], PAGES);
    k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as Exports;
  } catch (e) {
    k = null;
    buildErrors.set(F, typeof WebAssembly === 'undefined' ? 'WebAssembly is not available here' : String((e as Error)?.message ?? e));
  }
  modules.set(F, k);
  return k;
}

/** Why the kernels for filter length F could not be built (undefined if they were, or were not tried). */
const buildErrors = new Map<number, string>();

/** The error of a failed build of the kernels for filter length F, or null. */
export function kernelBuildError(F: number): string | null {
  return buildErrors.get(F) ?? null;
}

/** For tests: make the build for some filter lengths fail. */
export const simdBuildHooks: { fail?: (F: number) => boolean } = {};
