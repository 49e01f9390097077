/**
 * Wavelet packets, as PyWavelets 1.1.1's `WaveletPacket` and `WaveletPacket2D`: a tree of nodes
 * named by paths ('a', 'd', 'ad', …; in 2D 'a', 'h', 'v', 'd'), decomposed on demand with `dwt`
 * (`dwt2`), listed level by level in natural or frequency order, and reconstructed with `idwt`
 * (`idwt2`), missing nodes counting as zeros. Also a batched full decomposition,
 * `waveletPacketBatch`, for many signals at once.
 * @module
 */
import { AwdError } from '../util/checks.ts';
import { ndarray, type NdArray } from '../util/ndarray.ts';
import { analyzeRows } from './kernels.ts';
import { dwtMaxLevel, extensionMap, parseMode, type Mode } from './modes.ts';
import { dwt, idwt, checkFinite } from './transform1d.ts';
import { dwt2, idwt2, wavedec2Batch } from './transform2d.ts';
import { resolveWavelet, type Wavelet } from './wavelet.ts';
import type { FilterBank } from './families.ts';

type WaveletLike = Wavelet | FilterBank | string;

/** Node order of `getLevel`: left to right in the tree, or by frequency band (Gray code). */
export type PacketOrder = 'natural' | 'freq';

/** PyWavelets' `get_graycode_order`: the paths of a level sorted by frequency band. */
export function graycodeOrder(level: number, x = 'a', y = 'd'): string[] {
  let order = [x, y];
  for (let i = 1; i < level; i++) order = [...order.map((p) => x + p), ...order.slice().reverse().map((p) => y + p)];
  return order;
}

/** A node of a packet tree: its path, level and data (null for a node created without data). */
export interface PacketNode<D> {
  path: string;
  level: number;
  data: D | null;
}

/** What differs between the 1D and the 2D tree. */
interface Ops<D> {
  parts: readonly string[];
  decompose(data: D): D[];
  reconstruct(parts: (D | null)[], shape: D | null): D;
  check(data: D, path: string): D;
}

/** The tree logic shared by `WaveletPacket` and `WaveletPacket2D`. */
abstract class PacketTree<D> {
  protected readonly nodes = new Map<string, PacketNode<D>>();
  /** The shape each node had when it was created with data (crops reconstructions). */
  protected readonly shapes = new Map<string, D>();
  readonly wavelet: Wavelet;
  readonly mode: Mode;
  readonly maxlevel: number;

  protected constructor(private readonly ops: Ops<D>, data: D, w: WaveletLike, mode: Mode, maxlevel: number, where: string) {
    this.wavelet = resolveWavelet(w);
    this.mode = parseMode(mode, where);
    if (!Number.isInteger(maxlevel) || maxlevel < 0) throw new AwdError(where, `maxlevel must be an integer >= 0, got ${maxlevel}`);
    this.maxlevel = maxlevel;
    this.put('', data);
  }

  private put(path: string, data: D | null): PacketNode<D> {
    const node = { path, level: path.length, data };
    this.nodes.set(path, node);
    if (data !== null) this.shapes.set(path, data);
    else this.shapes.delete(path);
    return node;
  }

  private checkPath(where: string, path: string): void {
    if (typeof path !== 'string' || [...path].some((p) => !this.ops.parts.includes(p))) {
      throw new AwdError(where, `invalid node path ${JSON.stringify(path)}: use the letters ${this.ops.parts.map((p) => `'${p}'`).join(', ')}, e.g. '${this.ops.parts[0]}${this.ops.parts[this.ops.parts.length - 1]}'`);
    }
    if (path.length > this.maxlevel) throw new AwdError(where, `the path '${path}' is deeper than maxlevel ${this.maxlevel}`);
  }

  /** Creates the children of a node from its data (all of them, as PyWavelets' `decompose`). */
  private decomposeNode(path: string): void {
    const node = this.nodes.get(path)!;
    if (node.level >= this.maxlevel) throw new AwdError('WaveletPacket', `node '${path}' is at the maximum decomposition level ${this.maxlevel}`);
    const children = node.data === null ? this.ops.parts.map(() => null) : this.ops.decompose(node.data);
    this.ops.parts.forEach((p, i) => {
      if (node.data !== null || !this.nodes.has(path + p)) this.put(path + p, children[i]);
    });
  }

  /**
   * The node at `path` (as `wp[path]`), decomposing its ancestors as needed.
   * @throws AwdError for an invalid path or one deeper than `maxlevel`.
   */
  node(path: string): PacketNode<D> {
    this.checkPath('WaveletPacket.node', path);
    for (let k = 1; k <= path.length; k++) {
      if (!this.nodes.has(path.slice(0, k))) {
        const parent = path.slice(0, k - 1);
        if (!this.nodes.has(parent)) throw new AwdError('WaveletPacket.node', `node '${parent}' was removed; set it first`);
        this.decomposeNode(parent);
      }
    }
    return this.nodes.get(path)!;
  }

  /** The data of the node at `path` (`wp[path].data`). */
  get(path: string): D | null {
    return this.node(path).data;
  }

  /** Replaces the data of the node at `path` (`wp[path] = data`), creating it if needed. */
  set(path: string, data: D): void {
    this.checkPath('WaveletPacket.set', path);
    if (path.length > 0) this.node(path.slice(0, -1));
    this.put(path, this.ops.check(data, path));
  }

  /** Removes the node at `path` and its subtree (`del wp[path]`); it then counts as zeros. */
  remove(path: string): void {
    this.checkPath('WaveletPacket.remove', path);
    if (path === '') throw new AwdError('WaveletPacket.remove', 'the root node cannot be removed');
    for (const key of [...this.nodes.keys()]) {
      if (key.startsWith(path)) {
        this.nodes.delete(key);
        this.shapes.delete(key);
      }
    }
  }

  /**
   * The nodes of one level, as `get_level(level, order, decompose)`: `natural` is left to right
   * in the tree; `freq` sorts by frequency band (1D: a list; 2D: see `WaveletPacket2D`).
   */
  protected levelNodes(level: number, decompose: boolean): PacketNode<D>[] {
    if (!Number.isInteger(level) || level < 0) throw new AwdError('getLevel', `level must be an integer >= 0, got ${level}`);
    if (level > this.maxlevel) throw new AwdError('getLevel', `the level cannot be greater than the maximum decomposition level (${this.maxlevel})`);
    const out: PacketNode<D>[] = [];
    const walk = (path: string): void => {
      const node = this.nodes.get(path);
      if (!node) return;
      if (node.level === level) {
        out.push(node);
        return;
      }
      if (node.level < this.maxlevel) {
        if (decompose && !this.ops.parts.some((p) => this.nodes.has(path + p))) this.decomposeNode(path);
        for (const p of this.ops.parts) walk(path + p);
      }
    };
    walk('');
    return out;
  }

  /**
   * Reconstructs the data of the root from the leaves (as `reconstruct(update)`): each node with
   * children is the inverse transform of its children (a missing child is zeros), cropped to the
   * node's original size. With `update` the nodes on the way keep the reconstructions.
   */
  reconstruct(update = true): D {
    const rec = (path: string): D | null => {
      const node = this.nodes.get(path);
      if (!node) return null;
      if (!this.ops.parts.some((p) => this.nodes.has(path + p))) return node.data;
      const parts = this.ops.parts.map((p) => rec(path + p));
      if (parts.every((d) => d === null)) throw new AwdError('WaveletPacket.reconstruct', `every subnode of '${path}' is empty; cannot reconstruct it`);
      const out = this.ops.reconstruct(parts, this.shapes.get(path) ?? null);
      if (update && path !== '') node.data = out;
      return out;
    };
    const out = rec('')!;
    if (update) this.nodes.get('')!.data = out;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// 1D
// ---------------------------------------------------------------------------------------------

/**
 * A 1D wavelet packet tree, as `pywt.WaveletPacket(data, wavelet, mode='symmetric', maxlevel)`.
 * @example
 * const wp = new WaveletPacket(signal, 'db2', 'symmetric');
 * wp.get('ad');                                   // the node 'ad' (decomposed on demand)
 * wp.getLevel(2, 'freq').map((n) => n.path);      // ['aa', 'ad', 'dd', 'da']
 * wp.reconstruct();                               // the signal again
 */
export class WaveletPacket extends PacketTree<Float64Array> {
  constructor(data: ArrayLike<number>, w: WaveletLike, mode: Mode = 'symmetric', maxlevel?: number) {
    if (data.length === 0) throw new AwdError('WaveletPacket', 'the signal is empty');
    checkFinite('WaveletPacket', 'the signal', data);
    const x = Float64Array.from(data);
    const wl = resolveWavelet(w);
    const m = parseMode(mode, 'WaveletPacket');
    super(
      {
        parts: ['a', 'd'],
        decompose: (d) => {
          const { cA, cD } = dwt(d, wl, m);
          return [cA, cD];
        },
        reconstruct: ([a, d], shape) => {
          const rec = idwt(a, d, wl, m);
          return shape !== null && rec.length > shape.length ? rec.slice(0, shape.length) : rec;
        },
        check: (d, path) => {
          checkFinite('WaveletPacket.set', `the data of '${path}'`, d);
          return Float64Array.from(d);
        },
      },
      x, wl, m, maxlevel ?? dwtMaxLevel(x.length, wl.length), 'WaveletPacket',
    );
  }

  /** The nodes of a level, left to right (`natural`) or by frequency band (`freq`). */
  getLevel(level: number, order: PacketOrder = 'natural', decompose = true): PacketNode<Float64Array>[] {
    const nodes = this.levelNodes(level, decompose);
    if (order === 'natural') return nodes;
    if (order !== 'freq') throw new AwdError('getLevel', `order must be 'natural' or 'freq', got '${order}'`);
    const byPath = new Map(nodes.map((n) => [n.path, n]));
    return graycodeOrder(level).filter((p) => byPath.has(p)).map((p) => byPath.get(p)!);
  }
}

// ---------------------------------------------------------------------------------------------
// 2D
// ---------------------------------------------------------------------------------------------

/** An image of a 2D packet tree. */
export interface PacketImage {
  data: Float64Array;
  rows: number;
  cols: number;
}

const EXPAND: Record<string, [string, string]> = { a: ['l', 'l'], h: ['h', 'l'], v: ['l', 'h'], d: ['h', 'h'] };

/**
 * A 2D wavelet packet tree, as `pywt.WaveletPacket2D(data, wavelet, mode='smooth', maxlevel)`:
 * children 'a' (approximation), 'h', 'v', 'd' (the `dwt2` details cH, cV, cD).
 */
export class WaveletPacket2D extends PacketTree<PacketImage> {
  constructor(data: ArrayLike<number>, rows: number, cols: number, w: WaveletLike, mode: Mode = 'smooth', maxlevel?: number) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || data.length !== rows * cols) {
      throw new AwdError('WaveletPacket2D', `the image must have rows × cols values, got ${data.length} for ${rows} × ${cols}`);
    }
    checkFinite('WaveletPacket2D', 'the image', data);
    const wl = resolveWavelet(w);
    const m = parseMode(mode, 'WaveletPacket2D');
    super(
      {
        parts: ['a', 'h', 'v', 'd'],
        decompose: (img) => {
          const c = dwt2(img.data, img.rows, img.cols, wl, m);
          return [c.cA, c.cH, c.cV, c.cD].map((d) => ({ data: d, rows: c.rows, cols: c.cols }));
        },
        reconstruct: (parts, shape) => {
          const ref = parts.find((p) => p !== null)!;
          const zeros = new Float64Array(ref.rows * ref.cols);
          const [a, h, v, d] = parts.map((p) => p?.data ?? zeros);
          const rec = idwt2({ cA: a, cH: h, cV: v, cD: d, rows: ref.rows, cols: ref.cols }, wl, m);
          if (shape === null || (rec.rows <= shape.rows && rec.cols <= shape.cols)) return rec;
          const R = Math.min(rec.rows, shape.rows);
          const C = Math.min(rec.cols, shape.cols);
          const out = new Float64Array(R * C);
          for (let r = 0; r < R; r++) out.set(rec.data.subarray(r * rec.cols, r * rec.cols + C), r * C);
          return { data: out, rows: R, cols: C };
        },
        check: (img, path) => {
          if (img.data.length !== img.rows * img.cols) throw new AwdError('WaveletPacket2D.set', `the data of '${path}' has ${img.data.length} values, not ${img.rows} × ${img.cols}`);
          checkFinite('WaveletPacket2D.set', `the data of '${path}'`, img.data);
          return { data: Float64Array.from(img.data), rows: img.rows, cols: img.cols };
        },
      },
      { data: Float64Array.from(data), rows, cols }, wl, m, maxlevel ?? dwtMaxLevel(Math.min(rows, cols), wl.length), 'WaveletPacket2D',
    );
  }

  /** The nodes of a level, in natural order (a flat list). */
  getLevel(level: number, order?: 'natural', decompose?: boolean): PacketNode<PacketImage>[];
  /** The nodes of a level by frequency: rows by the band along axis 0, columns along axis 1. */
  getLevel(level: number, order: 'freq', decompose?: boolean): PacketNode<PacketImage>[][];
  getLevel(level: number, order: PacketOrder = 'natural', decompose = true): PacketNode<PacketImage>[] | PacketNode<PacketImage>[][] {
    const nodes = this.levelNodes(level, decompose);
    if (order === 'natural') return nodes;
    if (order !== 'freq') throw new AwdError('getLevel', `order must be 'natural' or 'freq', got '${order}'`);
    const grid = new Map<string, Map<string, PacketNode<PacketImage>>>();
    for (const n of nodes) {
      const rowPath = [...n.path].map((p) => EXPAND[p][0]).join('');
      const colPath = [...n.path].map((p) => EXPAND[p][1]).join('');
      if (!grid.has(rowPath)) grid.set(rowPath, new Map());
      grid.get(rowPath)!.set(colPath, n);
    }
    const gray = graycodeOrder(level, 'l', 'h');
    return gray.filter((r) => grid.has(r)).map((r) => gray.filter((c) => grid.get(r)!.has(c)).map((c) => grid.get(r)!.get(c)!));
  }
}

// ---------------------------------------------------------------------------------------------
// Batched full decomposition
// ---------------------------------------------------------------------------------------------

/** Every node of one level of a batch's packet trees: `paths[i]` ↔ `coeffs[i]` (b × len). */
export interface PacketLevelBatch {
  paths: string[];
  coeffs: NdArray[];
}

/**
 * The full packet decomposition of every row of a batch (b × n) down to `level`: the nodes of
 * that level in natural or frequency order, each b × len — what `WaveletPacket(row).getLevel(level,
 * order)` gives for every row, computed level by level with the batched kernels.
 */
export function waveletPacketBatch(X: NdArray, w: WaveletLike, mode: Mode = 'symmetric', level = 1, order: PacketOrder = 'natural'): PacketLevelBatch {
  if (X.shape.length !== 2 || X.shape[0] < 1 || X.shape[1] < 1) throw new AwdError('waveletPacketBatch', `expected a batch of shape [n, length], got [${X.shape.join(', ')}]`);
  checkFinite('waveletPacketBatch', 'the signals', X.data);
  const m = parseMode(mode, 'waveletPacketBatch');
  const wl = resolveWavelet(w);
  const [b, n] = X.shape;
  if (!Number.isInteger(level) || level < 1) throw new AwdError('waveletPacketBatch', `level must be an integer >= 1, got ${level}`);
  let nodes: { path: string; data: Float64Array }[] = [{ path: '', data: X.data }];
  let len = n;
  for (let j = 0; j < level; j++) {
    const em = extensionMap(len, wl.length, m);
    const s = em.outLen;
    const next: { path: string; data: Float64Array }[] = [];
    for (const node of nodes) {
      const a = new Float64Array(b * s);
      const d = new Float64Array(b * s);
      analyzeRows(node.data, 0, len, b, em, wl.anaLo, wl.anaHi, a, 0, s, d, 0, s);
      next.push({ path: node.path + 'a', data: a }, { path: node.path + 'd', data: d });
    }
    nodes = next;
    len = s;
  }
  if (order === 'freq') {
    const byPath = new Map(nodes.map((nd) => [nd.path, nd]));
    nodes = graycodeOrder(level).map((p) => byPath.get(p)!);
  }
  return { paths: nodes.map((nd) => nd.path), coeffs: nodes.map((nd) => ndarray(nd.data, [b, len])) };
}

/**
 * The full 2D packet decomposition of every image of a batch (b × rows × cols) down to `level`:
 * the nodes of that level in natural order ('a', 'h', 'v', 'd' per step), each b × rows_j × cols_j
 * — what `WaveletPacket2D(image).getLevel(level)` gives for every image.
 */
export function waveletPacket2DBatch(X: NdArray, w: WaveletLike, mode: Mode = 'smooth', level = 1): PacketLevelBatch {
  if (X.shape.length !== 3 || X.shape.some((d) => d < 1)) throw new AwdError('waveletPacket2DBatch', `expected a batch of shape [n, rows, cols], got [${X.shape.join(', ')}]`);
  if (!Number.isInteger(level) || level < 1) throw new AwdError('waveletPacket2DBatch', `level must be an integer >= 1, got ${level}`);
  const wl = resolveWavelet(w);
  let nodes: { path: string; data: NdArray }[] = [{ path: '', data: X }];
  for (let j = 0; j < level; j++) {
    const next: { path: string; data: NdArray }[] = [];
    for (const node of nodes) {
      const c = wavedec2Batch(node.data, wl, mode, 1);
      const d = c.details[0];
      next.push({ path: node.path + 'a', data: c.approx }, { path: node.path + 'h', data: d.cH }, { path: node.path + 'v', data: d.cV }, { path: node.path + 'd', data: d.cD });
    }
    nodes = next;
  }
  return { paths: nodes.map((n) => n.path), coeffs: nodes.map((n) => n.data) };
}
