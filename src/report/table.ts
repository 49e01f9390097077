/**
 * Rendering study tables as Markdown, plain text (for the terminal) and HTML, with one number
 * format shared by all three.
 * @module
 */
import type { Table } from './types.ts';
import { escapeXml } from './svg.ts';

/**
 * One cell as text: `null` → `—`; integers as they are; other numbers with 4 significant digits
 * (exponent notation below 1e-3 or from 1e6).
 *
 * @example
 * formatCell(0.123456); // '0.1235'
 * formatCell(null);     // '—'
 */
export function formatCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

function checkTable(t: Table): void {
  if (!t || !Array.isArray(t.columns) || !Array.isArray(t.rows)) throw new Error('Error in renderTable: a table needs columns and rows');
}

/**
 * A GitHub-flavoured Markdown table, with the title as a heading and the notes below.
 *
 * @example
 * tableToMarkdown({ title: 'R²', columns: ['model', 'R²'], rows: [['AWD', 0.25]] });
 */
export function tableToMarkdown(t: Table): string {
  checkTable(t);
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`### ${t.title}`, '', `| ${t.columns.map(esc).join(' | ')} |`, `|${t.columns.map(() => ' --- |').join('')}`];
  for (const r of t.rows) lines.push(`| ${t.columns.map((_, j) => esc(formatCell(r[j]))).join(' | ')} |`);
  if (t.notes?.length) {
    lines.push('');
    for (const n of t.notes) lines.push(`- ${n}`);
  }
  return lines.join('\n') + '\n';
}

/** A table aligned in columns for the terminal (title, header, rule, rows, notes). */
export function tableToText(t: Table): string {
  checkTable(t);
  const cells = [t.columns, ...t.rows.map((r) => t.columns.map((_, j) => formatCell(r[j])))];
  const widths = t.columns.map((_, j) => Math.max(...cells.map((r) => [...r[j]].length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ').trimEnd();
  const out = [t.title, line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of cells.slice(1)) out.push(line(r));
  for (const n of t.notes ?? []) out.push(`  note: ${n}`);
  return out.join('\n') + '\n';
}

/** An HTML `<table>` with a caption and the notes in a following list. */
export function tableToHtml(t: Table): string {
  checkTable(t);
  const head = t.columns.map((c) => `<th>${escapeXml(c)}</th>`).join('');
  const body = t.rows
    .map((r) => `<tr>${t.columns.map((_, j) => `<td${typeof r[j] === 'number' ? ' class="num"' : ''}>${escapeXml(formatCell(r[j]))}</td>`).join('')}</tr>`)
    .join('\n');
  const notes = t.notes?.length ? `\n<ul class="notes">${t.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>` : '';
  return `<table>\n<caption>${escapeXml(t.title)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${notes}`;
}
