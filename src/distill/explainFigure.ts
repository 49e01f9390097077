/**
 * The explanation figure of a distilled model: per sample, the input with the learned wavelet's
 * atoms of its largest contributions placed on it (each atom scaled by its coefficient, i.e. that
 * coefficient's share of the signal), and a bar chart of the contributions (weight × value).
 * 1D signals get both panels; 2D maps and peak counts get the bar chart.
 * @module
 */
import { escapeXml, fmt, linePlotBody, PALETTE, panelGrid, type Panel, type Series } from '../report/svg.ts';
import type { NdArray } from '../util/ndarray.ts';
import { sizeOf } from '../util/ndarray.ts';
import type { Distiller, Explanation, Contribution } from './distiller.ts';

function label(c: Contribution): string {
  if (c.band === 'input') return `x[${c.position}]`;
  if (c.band === 'peaks') return `peak bin ${c.feature}`;
  const name = c.band === 'approx' ? `approx_${c.level}` : c.band === 'detail' ? `detail_${c.level}` : `${c.band}_${c.level}`;
  return c.position >= 0 ? `${name}[${c.position}]` : `${name} (rank ${c.feature})`;
}

function barsPanel(e: Explanation, title: string): Panel {
  return (x, y, w, h) => {
    const list = e.contributions;
    const top = y + 24;
    const rowH = Math.min(22, (h - 34) / Math.max(1, list.length));
    const mx = Math.max(1e-300, ...list.map((c) => Math.abs(c.contribution)));
    const mid = x + w * 0.62;
    const half = w * 0.34;
    const parts = [`<text x="${x + w / 2}" y="${y + 15}" font-size="12" text-anchor="middle">${escapeXml(title)}</text>`,
      `<line x1="${mid}" y1="${top}" x2="${mid}" y2="${top + rowH * list.length}" stroke="#999"/>`];
    list.forEach((c, k) => {
      const len = (Math.abs(c.contribution) / mx) * half;
      const yy = top + k * rowH;
      const color = c.contribution >= 0 ? PALETTE[2] : PALETTE[1];
      parts.push(`<rect x="${c.contribution >= 0 ? mid : mid - len}" y="${yy + 2}" width="${len}" height="${rowH - 4}" fill="${color}"><title>${escapeXml(`${label(c)}: value ${c.value}, contribution ${c.contribution}`)}</title></rect>`);
      parts.push(`<text x="${x + 4}" y="${yy + rowH * 0.7}" font-size="10">${escapeXml(`${label(c)} ${c.sign > 0 ? '+' : c.sign < 0 ? '−' : ''}`)}</text>`);
      parts.push(`<text x="${c.contribution >= 0 ? mid + len + 2 : mid - len - 2}" y="${yy + rowH * 0.7}" font-size="9" text-anchor="${c.contribution >= 0 ? 'start' : 'end'}">${escapeXml(fmt(c.contribution))}</text>`);
    });
    return parts.join('\n');
  };
}

/**
 * The SVG figure for the first `samples` rows of X (default 3).
 *
 * @example
 * writeFileSync('explain.svg', explainFigure(model, Xtest, { samples: 3 }));
 */
export function explainFigure(model: Distiller, X: NdArray, opts: { samples?: number; top?: number } = {}): string {
  const m = Math.min(opts.samples ?? 3, X.shape[0]);
  const top = opts.top ?? 6;
  const per = sizeOf(X.shape.slice(1));
  const sub = { data: X.data.subarray(0, m * per), shape: [m, ...X.shape.slice(1)] };
  const ex = model.explain(sub, top);
  const st = model.fitted;
  const oneD = X.shape.length === 2 && st.chosen.wavelet !== null && st.chosen.features?.family !== 'raw';
  const panels: Panel[] = [];
  const what = st.task === 'regression' ? 'prediction' : 'predicted class';
  ex.forEach((e, i) => {
    if (oneD) {
      const d = per;
      const t = Array.from({ length: d }, (_, k) => k);
      const series: Series[] = [{ label: 'input', x: t, y: Array.from(X.data.subarray(i * d, (i + 1) * d)), color: '#888', width: 1.2 }];
      e.contributions.slice(0, 4).forEach((c, k) => {
        if (c.block < 0 || c.position < 0) return;
        const atom = model.atom(c.block, c.position);
        series.push({ label: `${label(c)} × ${fmt(c.value)}`, x: t, y: Array.from(atom, (v) => v * c.value), color: PALETTE[(k + 1) % PALETTE.length], width: 1.8 });
      });
      panels.push((x, y, w, h) => linePlotBody(series, x, y, w, h, { title: `sample ${i}: ${what} ${fmt(e.prediction)}; atoms of the top contributions`, xLabel: 'position' }));
    }
    panels.push(barsPanel(e, `sample ${i}: contributions (weight × coefficient), intercept ${fmt(e.intercept)}`));
  });
  return panelGrid(panels, oneD ? 2 : 1, 460, 260, `Why the distilled model predicts what it does (${st.chosen.name})`);
}
