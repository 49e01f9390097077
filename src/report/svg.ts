/**
 * Minimal, dependency-free SVG figures for reports: line plots (several series), image
 * heatmaps, and grids of small panels. Every figure is standalone SVG text, viewable offline.
 * @module
 */

export interface Series {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
  width?: number;
}

export interface LinePlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Log scale on y (values ≤ 0 are skipped). */
  logY?: boolean;
  legend?: boolean;
  /** Put the legend in a column right of the plot area (many series) instead of inside it. */
  legendOutside?: boolean;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Formats a tick value compactly. */
export function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12 * step; t += step) ticks.push(Math.abs(t) < 1e-12 * step ? 0 : t);
  return ticks;
}

/** The inner content of a line plot placed at (ox, oy) with size w × h (no <svg> wrapper). */
export function linePlotBody(series: Series[], ox: number, oy: number, w: number, h: number, opts: LinePlotOptions = {}): string {
  const outside = opts.legendOutside === true && opts.legend !== false && series.length > 1;
  const m = { l: 52, r: outside ? 175 : 10, t: opts.title ? 22 : 8, b: opts.xLabel ? 34 : 22 };
  const pw = w - m.l - m.r;
  const ph = h - m.t - m.b;
  const tf = (v: number) => (opts.logY ? Math.log10(v) : v);
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const yv = s.y[i];
      if (!Number.isFinite(yv) || (opts.logY && yv <= 0)) continue;
      xmin = Math.min(xmin, s.x[i]); xmax = Math.max(xmax, s.x[i]);
      ymin = Math.min(ymin, tf(yv)); ymax = Math.max(ymax, tf(yv));
    }
  }
  if (!Number.isFinite(xmin)) { xmin = 0; xmax = 1; ymin = 0; ymax = 1; }
  if (xmax === xmin) { xmin -= 0.5; xmax += 0.5; }
  if (ymax === ymin) { ymin -= 0.5; ymax += 0.5; }
  const pad = 0.05 * (ymax - ymin);
  ymin -= pad; ymax += pad;
  const X = (v: number) => ox + m.l + ((v - xmin) / (xmax - xmin)) * pw;
  const Y = (v: number) => oy + m.t + (1 - (tf(v) - ymin) / (ymax - ymin)) * ph;
  const parts: string[] = [];
  parts.push(`<rect x="${ox + m.l}" y="${oy + m.t}" width="${pw}" height="${ph}" fill="white" stroke="#999"/>`);
  for (const t of niceTicks(xmin, xmax)) {
    const px = X(t).toFixed(1);
    parts.push(`<line x1="${px}" y1="${oy + m.t + ph}" x2="${px}" y2="${oy + m.t + ph + 4}" stroke="#666"/><text x="${px}" y="${oy + m.t + ph + 15}" font-size="10" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(ymin, ymax)) {
    const py = (oy + m.t + (1 - (t - ymin) / (ymax - ymin)) * ph).toFixed(1);
    const label = opts.logY ? fmt(Math.pow(10, t)) : fmt(t);
    parts.push(`<line x1="${ox + m.l - 4}" y1="${py}" x2="${ox + m.l + pw}" y2="${py}" stroke="#eee"/><text x="${ox + m.l - 6}" y="${Number(py) + 3}" font-size="10" text-anchor="end">${label}</text>`);
  }
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      const yv = s.y[i];
      if (!Number.isFinite(yv) || (opts.logY && yv <= 0)) continue;
      pts.push(`${X(s.x[i]).toFixed(1)},${Y(yv).toFixed(1)}`);
    }
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="${s.width ?? 1.6}"${s.dashed ? ' stroke-dasharray="5,3"' : ''} points="${pts.join(' ')}"><title>${escapeXml(s.label)}</title></polyline>`);
  });
  if (opts.legend !== false && series.length > 1) {
    series.forEach((s, k) => {
      const color = s.color ?? PALETTE[k % PALETTE.length];
      const ly = oy + m.t + 12 + k * 13;
      const lx = outside ? ox + m.l + pw + 12 : ox + m.l + pw - 120;
      parts.push(`<line x1="${lx}" y1="${ly - 3}" x2="${lx + 18}" y2="${ly - 3}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/><text x="${lx + 22}" y="${ly}" font-size="10">${escapeXml(s.label)}</text>`);
    });
  }
  if (opts.title) parts.push(`<text x="${ox + m.l + pw / 2}" y="${oy + 15}" font-size="12" font-weight="bold" text-anchor="middle">${escapeXml(opts.title)}</text>`);
  if (opts.xLabel) parts.push(`<text x="${ox + m.l + pw / 2}" y="${oy + h - 4}" font-size="11" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`);
  if (opts.yLabel) parts.push(`<text transform="translate(${ox + 12},${oy + m.t + ph / 2}) rotate(-90)" font-size="11" text-anchor="middle">${escapeXml(opts.yLabel)}</text>`);
  return parts.join('\n');
}

export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}

/** A standalone line plot. */
export function linePlot(series: Series[], opts: LinePlotOptions = {}): string {
  const w = opts.width ?? 480;
  const h = opts.height ?? 300;
  return svgDocument(w, h, linePlotBody(series, 0, 0, w, h, opts));
}

/** Diverging colour for v in [-1, 1] (blue → white → red). */
export function divergingColor(v: number): string {
  const t = Math.max(-1, Math.min(1, v));
  const c = (a: number, b: number, s: number) => Math.round(a + (b - a) * s);
  return t >= 0 ? `rgb(255,${c(255, 40, t)},${c(255, 40, t)})` : `rgb(${c(255, 40, -t)},${c(255, 40, -t)},255)`;
}

/** Sequential colour for v in [0, 1] (white → dark blue). */
export function sequentialColor(v: number): string {
  const t = Math.max(0, Math.min(1, v));
  return `rgb(${Math.round(255 - 225 * t)},${Math.round(255 - 175 * t)},${Math.round(255 - 95 * t)})`;
}

export interface HeatmapOptions {
  title?: string;
  /** 'diverging' (symmetric around 0) or 'sequential' (min → max). */
  scale?: 'diverging' | 'sequential';
  cellSize?: number;
  /** Cells to outline: [row, col] pairs. */
  outline?: [number, number][];
}

/** The inner content of a heatmap at (ox, oy). Returns the body and its size. */
export function heatmapBody(data: ArrayLike<number>, rows: number, cols: number, ox: number, oy: number, opts: HeatmapOptions = {}): { body: string; width: number; height: number } {
  const cs = opts.cellSize ?? Math.max(1, Math.min(24, Math.floor(240 / Math.max(rows, cols))));
  const top = opts.title ? 18 : 0;
  let lo = Infinity, hi = -Infinity, amax = 0;
  for (let i = 0; i < data.length; i++) { lo = Math.min(lo, data[i]); hi = Math.max(hi, data[i]); amax = Math.max(amax, Math.abs(data[i])); }
  const parts: string[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      const color = opts.scale === 'sequential' ? sequentialColor(hi > lo ? (v - lo) / (hi - lo) : 0) : divergingColor(amax > 0 ? v / amax : 0);
      parts.push(`<rect x="${ox + c * cs}" y="${oy + top + r * cs}" width="${cs}" height="${cs}" fill="${color}"/>`);
    }
  }
  for (const [r, c] of opts.outline ?? []) parts.push(`<rect x="${ox + c * cs}" y="${oy + top + r * cs}" width="${cs}" height="${cs}" fill="none" stroke="black" stroke-width="1.5"/>`);
  parts.push(`<rect x="${ox}" y="${oy + top}" width="${cols * cs}" height="${rows * cs}" fill="none" stroke="#999"/>`);
  if (opts.title) parts.push(`<text x="${ox + (cols * cs) / 2}" y="${oy + 13}" font-size="11" text-anchor="middle">${escapeXml(opts.title)}</text>`);
  return { body: parts.join(''), width: cols * cs, height: rows * cs + top };
}

/** A standalone heatmap. */
export function heatmap(data: ArrayLike<number>, rows: number, cols: number, opts: HeatmapOptions = {}): string {
  const { body, width, height } = heatmapBody(data, rows, cols, 10, 10, opts);
  return svgDocument(width + 20, height + 20, body);
}

/** Panels of a grid: each draws itself into (x, y, w, h). */
export type Panel = (x: number, y: number, w: number, h: number) => string;

/** A grid of panels with an optional title; `rows × cols` cells of `cellW × cellH`. */
export function panelGrid(panels: Panel[], cols: number, cellW: number, cellH: number, title?: string): string {
  const rows = Math.ceil(panels.length / cols);
  const top = title ? 26 : 0;
  const parts = panels.map((p, i) => p((i % cols) * cellW, top + Math.floor(i / cols) * cellH, cellW, cellH));
  if (title) parts.push(`<text x="${(cols * cellW) / 2}" y="17" font-size="14" font-weight="bold" text-anchor="middle">${escapeXml(title)}</text>`);
  return svgDocument(cols * cellW, rows * cellH + top, parts.join('\n'));
}
