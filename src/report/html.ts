/**
 * The HTML report of a study run: one self-contained page (inline CSS and SVG, no scripts, no
 * external assets) with the findings, the tables, the figures, the learned wavelets with their
 * training curves, the timings and the settings. Viewable offline in any browser.
 * @module
 */
import { waveletFromJson } from '../awd/serialize.ts';
import type { ReportContent } from './types.ts';
import { VERSION } from '../version.ts';
import { waveletDistanceToNamed } from '../wavelets/distance.ts';
import { escapeXml } from './svg.ts';
import { formatCell, tableToHtml } from './table.ts';
import { waveletSummaryPlot } from './wavelets.ts';

const CSS = `
body { font-family: Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.8em; }
.meta { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; margin: 1em 0 0.4em; font-size: 0.92em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.4em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; } th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
ul.notes { font-size: 0.85em; color: #555; margin-top: 0; }
figure { margin: 1.2em 0; } figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; } figcaption b { color: #222; }
pre { background: #f7f7f7; border: 1px solid #e3e3e3; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
nav ul { columns: 2; } code { background: #f3f3f3; padding: 0 0.2em; }
`;

/** Removes an XML prolog, a doctype and any script element, so the SVG can sit inline. */
export function inlineSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*\?>/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '')
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .trim();
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'x';
}

/** Fitted wavelets among the artifacts (files in the awd wavelet format). */
function waveletArtifacts(result: ReportContent): { name: string; section: string }[] {
  const out: { name: string; section: string }[] = [];
  for (const [name, text] of Object.entries(result.artifacts ?? {})) {
    if (typeof text !== 'string' || !text.includes('"awd-wavelet"')) continue;
    let section: string;
    try {
      const w = waveletFromJson(text, `artifact ${name}`);
      const last = w.history[w.history.length - 1];
      const terms = last
        ? `<table><caption>Final epoch (${last.epoch}) loss terms</caption><thead><tr>${Object.keys(last.train).map((k) => `<th>${escapeXml(k)}</th>`).join('')}</tr></thead><tbody><tr>${Object.values(last.train).map((v) => `<td class="num">${escapeXml(formatCell(v))}</td>`).join('')}</tr></tbody></table>`
        : '<p>No training history (an unfitted wavelet).</p>';
      let dist = '';
      try {
        dist = `<p>Distance to db5 (DESIGN §5.1, level 5): ${escapeXml(formatCell(waveletDistanceToNamed(w.h, 'db5')))}.</p>`;
      } catch {
        dist = '';
      }
      const s = w.settings;
      const desc = s
        ? `start ${escapeXml(typeof s.init === 'string' ? s.init : 'custom filter')}${s.initNoise ? ` + N(0, ${s.initNoise}²) noise` : ''}, λ = ${s.weights.l1_attr}, γ = ${s.weights.l1_wave}, J = ${w.levels}, mode ${escapeXml(w.mode)}, ${w.history.length} epochs, seed ${s.seed}`
        : `J = ${w.levels}, mode ${escapeXml(w.mode)}`;
      section =
        `<h3 id="wavelet-${slug(name)}">${escapeXml(name)}</h3>\n<p>${desc}.</p>\n` +
        `<figure>${inlineSvg(waveletSummaryPlot(w))}<figcaption><b>${escapeXml(name)}.</b> φ and ψ (cascade, level 6), the filters, and the training curves.</figcaption></figure>\n` +
        `${terms}\n${dist}\n<p>h = <code>[${Array.from(w.h).map((v) => v.toPrecision(6)).join(', ')}]</code></p>`;
    } catch (e) {
      section = `<h3>${escapeXml(name)}</h3><p>Could not read this wavelet file: ${escapeXml((e as Error).message)}</p>`;
    }
    out.push({ name, section });
  }
  return out;
}

/**
 * Renders a study result as a standalone HTML page.
 *
 * @example
 * import { renderReport } from './html.ts';
 * const html = renderReport({ study: 'demo', title: 'Demo', settings: {}, tables: [], figures: [],
 *   results: {}, timings: {}, findings: ['nothing to report'] });
 * html.startsWith('<!DOCTYPE html>'); // true
 */
export function renderReport(result: ReportContent, opts: { generated?: string } = {}): string {
  if (!result || typeof result !== 'object' || !Array.isArray(result.tables) || !Array.isArray(result.figures)) {
    throw new Error('Error in renderReport: expected a study result with tables and figures');
  }
  const wavelets = waveletArtifacts(result);
  const toc: string[] = [];
  const body: string[] = [];

  if (result.findings?.length) {
    toc.push('<li><a href="#findings">Findings</a></li>');
    body.push(`<h2 id="findings">Findings</h2>\n<ul>${result.findings.map((f) => `<li>${escapeXml(f)}</li>`).join('\n')}</ul>`);
  }
  if (result.tables.length) {
    toc.push('<li><a href="#tables">Tables</a></li>');
    body.push('<h2 id="tables">Tables</h2>');
    result.tables.forEach((t, k) => body.push(`<section id="table-${k + 1}">${tableToHtml(t)}</section>`));
  }
  if (result.figures.length) {
    toc.push('<li><a href="#figures">Figures</a></li>');
    body.push('<h2 id="figures">Figures</h2>');
    for (const f of result.figures) {
      body.push(`<figure id="fig-${slug(f.name)}">${inlineSvg(f.svg)}<figcaption><b>${escapeXml(f.title)}.</b> ${escapeXml(f.caption)}</figcaption></figure>`);
    }
  }
  if (wavelets.length) {
    toc.push('<li><a href="#wavelets">Learned wavelets and training curves</a></li>');
    body.push('<h2 id="wavelets">Learned wavelets and training curves</h2>');
    for (const w of wavelets) body.push(w.section);
  }
  const timings = Object.entries(result.timings ?? {});
  if (timings.length) {
    toc.push('<li><a href="#timings">Timings</a></li>');
    const total = timings.reduce((a, [, v]) => a + (Number.isFinite(v) ? v : 0), 0);
    body.push(
      `<h2 id="timings">Timings</h2>\n<table><caption>Wall-clock seconds per phase</caption><thead><tr><th>phase</th><th>seconds</th></tr></thead><tbody>` +
        timings.map(([k, v]) => `<tr><td>${escapeXml(k)}</td><td class="num">${escapeXml(formatCell(v))}</td></tr>`).join('') +
        `<tr><td><b>total</b></td><td class="num"><b>${escapeXml(formatCell(total))}</b></td></tr></tbody></table>`,
    );
  }
  toc.push('<li><a href="#settings">Settings</a></li>');
  body.push(`<h2 id="settings">Settings</h2>\n<p>Everything needed to reproduce this run.</p>\n<pre>${escapeXml(JSON.stringify(result.settings ?? {}, null, 2))}</pre>`);

  const generated = opts.generated ?? new Date().toISOString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(result.title)} — awd report</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeXml(result.title)}</h1>
<p class="meta">Study <code>${escapeXml(result.study)}</code> · awd ${escapeXml(VERSION)} · generated ${escapeXml(generated)} · machine-readable results in <code>results.json</code></p>
<nav><ul>${toc.join('')}</ul></nav>
${body.join('\n')}
</body>
</html>
`;
}
