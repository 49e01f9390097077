/** Small canvas plots for the playground (no library): lines, stems and bars. */

export interface Series {
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  label: string;
  kind?: 'line' | 'stem' | 'bar';
}

export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const PAD = { l: 56, r: 10, t: 36, b: 26 };

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-2 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/** Draws `series` on `canvas`; `logY` plots log10 of positive values. */
export function plot(canvas: HTMLCanvasElement, series: Series[], opts: { logY?: boolean; zeroLine?: boolean; marks?: number[]; decades?: number } = {}): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const W = canvas.width;
  const H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  const tf = (v: number) => (opts.logY ? (v > 0 ? Math.log10(v) : NaN) : v);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.y.length; i++) {
      const x = s.x ? s.x[i] : i;
      const y = tf(s.y[i]);
      if (!Number.isFinite(y)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (!Number.isFinite(x0) || !Number.isFinite(y0)) return;
  // Log plots show at most `decades` below the largest value (terms that are ≈ 0 sit at the floor).
  if (opts.logY && opts.decades !== undefined) y0 = Math.max(y0, y1 - opts.decades);
  if (opts.zeroLine) { y0 = Math.min(y0, 0); y1 = Math.max(y1, 0); }
  if (x1 === x0) { x0 -= 0.5; x1 += 0.5; }
  if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  const my = 0.05 * (y1 - y0);
  y0 -= my; y1 += my;
  const px = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const py = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  // Axes and ticks.
  ctx.strokeStyle = '#888';
  ctx.lineWidth = 1;
  ctx.strokeRect(PAD.l, PAD.t, W - PAD.l - PAD.r, H - PAD.t - PAD.b);
  ctx.fillStyle = '#333';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right';
  if (opts.logY) {
    // Ticks at whole decades (every other one when there are many).
    const step = y1 - y0 > 6 ? 2 : 1;
    for (let e = Math.ceil(y0 / step) * step; e <= y1; e += step) ctx.fillText(`1e${e}`, PAD.l - 4, py(e) + 4);
  } else {
    for (let k = 0; k <= 4; k++) {
      const v = y0 + ((y1 - y0) * k) / 4;
      ctx.fillText(fmt(v), PAD.l - 4, py(v) + 4);
    }
  }
  ctx.textAlign = 'center';
  for (let k = 0; k <= 4; k++) {
    const v = x0 + ((x1 - x0) * k) / 4;
    ctx.fillText(fmt(v), px(v), H - PAD.b + 14);
  }
  if (opts.zeroLine && y0 < 0 && y1 > 0) {
    ctx.strokeStyle = '#ccc';
    ctx.beginPath(); ctx.moveTo(PAD.l, py(0)); ctx.lineTo(W - PAD.r, py(0)); ctx.stroke();
  }
  ctx.strokeStyle = '#ddd';
  for (const m of opts.marks ?? []) { ctx.beginPath(); ctx.moveTo(px(m - 0.5), PAD.t); ctx.lineTo(px(m - 0.5), H - PAD.b); ctx.stroke(); }
  // Series.
  const bw = Math.max(1, ((W - PAD.l - PAD.r) / Math.max(1, x1 - x0 + 1)) * 0.8);
  series.forEach((s, si) => {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 1.5;
    const kind = s.kind ?? 'line';
    if (kind === 'line') {
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < s.y.length; i++) {
        const y = tf(s.y[i]);
        if (!Number.isFinite(y)) { pen = false; continue; }
        const X = px(s.x ? s.x[i] : i);
        const Y = py(Math.max(y, y0));
        if (pen) ctx.lineTo(X, Y); else ctx.moveTo(X, Y);
        pen = true;
      }
      ctx.stroke();
    } else {
      const base = py(opts.logY ? y0 : Math.max(y0, Math.min(0, y1)));
      for (let i = 0; i < s.y.length; i++) {
        const y = tf(s.y[i]);
        if (!Number.isFinite(y)) continue;
        const X = px(s.x ? s.x[i] : i) + (kind === 'stem' ? (si - (series.length - 1) / 2) * 4 : 0);
        if (kind === 'bar') {
          ctx.globalAlpha = 0.55;
          ctx.fillRect(X - bw / 2, Math.min(base, py(y)), bw, Math.abs(py(y) - base));
          ctx.globalAlpha = 1;
        } else {
          ctx.beginPath(); ctx.moveTo(X, base); ctx.lineTo(X, py(y)); ctx.stroke();
          ctx.beginPath(); ctx.arc(X, py(y), 2.5, 0, 2 * Math.PI); ctx.fill();
        }
      }
    }
  });
  // Legend.
  ctx.textAlign = 'left';
  let lx = PAD.l + 6;
  let ly = 6;
  for (const s of series) {
    const w = 13 + ctx.measureText(s.label).width + 12;
    if (lx + w > W - PAD.r && lx > PAD.l + 6) { lx = PAD.l + 6; ly += 13; }
    ctx.fillStyle = s.color;
    ctx.fillRect(lx, ly, 10, 10);
    ctx.fillStyle = '#222';
    ctx.fillText(s.label, lx + 13, ly + 9);
    lx += w;
  }
}
