/**
 * The HTML report and the run directory, from a small hand-made StudyResult (no study run):
 * the page holds its tables, figures, learned wavelets, findings and settings, works offline
 * (no scripts, no external assets), and headless Chromium finds the figures and the table in
 * its DOM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { waveletToJson } from '../../src/awd/serialize.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';
import { renderReport } from '../../src/report/html.ts';
import { linePlot } from '../../src/report/svg.ts';
import { formatCell, tableToMarkdown, tableToText } from '../../src/report/table.ts';
import { readStudyRun, writeStudyRun } from '../../src/studies/write.ts';
import type { StudyResult } from '../../src/studies/types.ts';

function smallResult(): StudyResult {
  const rng = new Rng(1);
  const X = ndarray(rng.fillNormal(new Float64Array(20 * 16)), [20, 16]);
  const G = ndarray(rng.fillNormal(new Float64Array(20 * 16)), [20, 16]);
  const w = AdaptiveWavelet.fit(X, { teacherGrads: G, wavelet: 'db2', levels: 2, epochs: 3, batchSize: 10, lambda: 0.1, seed: 1 });
  return {
    study: 'handmade',
    title: 'A hand-made study <test>',
    settings: { size: 'tiny', seed: 1, grid: { lambdas: [0, 0.1] } },
    tables: [
      { title: 'Table 1: R² by model', columns: ['model', 'R² (test)', 'compression'], rows: [['AWD', 0.2513, 0.00123], ['db5', 0.1999, null], ['LSTM', -0.5, 12345678.9]], notes: ['mean over 5 seeds'] },
    ],
    figures: [
      { name: 'fig-curve', title: 'A curve', caption: 'y = x² on five points.', svg: linePlot([{ label: 'x²', x: [0, 1, 2, 3, 4], y: [0, 1, 4, 9, 16] }], { title: 'parabola' }) },
      { name: 'fig-evil', title: 'Scripted', caption: 'a script inside must not survive.', svg: '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="5" height="5"/></svg>' },
    ],
    results: { r2: { awd: 0.2513 } },
    timings: { data: 0.5, awd: 1.25 },
    findings: ['AWD beats db5 here & the LSTM does not.'],
    artifacts: { 'awd-wavelet': waveletToJson(w), 'notes.txt': 'plain text' },
  };
}

test('formatCell and the Markdown / text tables', () => {
  assert.equal(formatCell(0.123456), '0.1235');
  assert.equal(formatCell(3), '3');
  assert.equal(formatCell(0.00012346), '1.235e-4');
  assert.equal(formatCell(null), '—');
  assert.equal(formatCell(Number.NaN), 'NaN');
  const t = smallResult().tables[0];
  const md = tableToMarkdown(t);
  assert.match(md, /^### Table 1: R² by model\n\n\| model \| R² \(test\) \| compression \|\n\| --- \| --- \| --- \|\n\| AWD \| 0\.2513 \| 0\.00123 \|/);
  assert.match(md, /\| db5 \| 0\.1999 \| — \|/);
  assert.match(md, /- mean over 5 seeds/);
  const txt = tableToText(t).split('\n');
  assert.equal(txt[0], 'Table 1: R² by model');
  assert.equal(txt[1].length, txt[3].length, 'columns aligned');
});

test('renderReport: tables, figures, learned wavelet, findings, timings and settings; offline and script-free', () => {
  const html = renderReport(smallResult(), { generated: 'today' });
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.match(html, /<title>A hand-made study &lt;test&gt; — awd report<\/title>/);
  assert.match(html, /<caption>Table 1: R² by model<\/caption>/);
  assert.match(html, /<td class="num">0\.2513<\/td>/);
  assert.match(html, /<td class="num">1\.235e\+7<\/td>/);
  assert.match(html, /AWD beats db5 here &amp; the LSTM does not\./);
  assert.match(html, /<figcaption><b>A curve\.<\/b> y = x² on five points\.<\/figcaption>/);
  assert.match(html, /parabola/);
  // The learned wavelet: its summary figure, final loss terms and filter.
  assert.match(html, /<h3 id="wavelet-awd-wavelet">awd-wavelet<\/h3>/);
  assert.match(html, /start db2, λ = 0\.1, γ = 0, J = 2, mode zero, 3 epochs, seed 1/);
  assert.match(html, /Final epoch \(3\) loss terms/);
  assert.match(html, /training curves/);
  assert.match(html, /&quot;lambdas&quot;: \[/);
  assert.match(html, /<td><b>total<\/b><\/td><td class="num"><b>1\.75<\/b><\/td>/);
  // 2 study figures + 1 wavelet figure, no scripts, no external assets.
  assert.equal(html.match(/<svg /g)?.length, 3);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<\?xml/);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
});

test('writeStudyRun writes tables (.md, .json), figures, artifacts, results, settings and the report; readStudyRun reads them back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'awd-run-'));
  const r = smallResult();
  const files = writeStudyRun(r, dir);
  assert.ok(existsSync(join(dir, 'tables', '1-table-1-r-by-model.md')));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'tables', '1-table-1-r-by-model.json'), 'utf8')).rows[1], ['db5', 0.1999, null]);
  assert.equal(readFileSync(join(dir, 'figures', 'fig-curve.svg'), 'utf8'), r.figures[0].svg);
  assert.ok(existsSync(join(dir, 'artifacts', 'awd-wavelet.json')));
  assert.equal(readFileSync(join(dir, 'artifacts', 'notes.txt'), 'utf8'), 'plain text');
  assert.deepEqual(JSON.parse(readFileSync(files.results, 'utf8')), r.results);
  assert.deepEqual(JSON.parse(readFileSync(files.settings, 'utf8')), r.settings);
  assert.match(readFileSync(files.report, 'utf8'), /<caption>Table 1: R² by model<\/caption>/);
  const back = readStudyRun(dir);
  assert.deepEqual(back.tables, r.tables);
  assert.deepEqual(back.figures, r.figures);
  assert.deepEqual(back.artifacts, r.artifacts);
  assert.deepEqual(back.findings, r.findings);
  // A second run with fewer outputs leaves no stale files of the first.
  writeStudyRun({ ...r, figures: [r.figures[0]], artifacts: {} }, dir);
  assert.equal(existsSync(join(dir, 'figures', 'fig-evil.svg')), false);
  assert.equal(existsSync(join(dir, 'artifacts', 'awd-wavelet.json')), false);
  assert.ok(existsSync(join(dir, 'figures', 'fig-curve.svg')));
  assert.throws(() => readStudyRun(join(dir, 'tables')), /not a run directory \(no run\.json\)/);
  rmSync(dir, { recursive: true, force: true });
});

const CHROMIUM = '/usr/bin/chromium';

test('the report renders in headless Chromium with its figures and table in the DOM', () => {
  // Never skipped: without the browser the test fails with the one command that fixes it.
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is not installed: run 'apt-get update && apt-get install -y chromium' (as .ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'awd-chromium-'));
  const profile = mkdtempSync(join(tmpdir(), 'awd-chromium-profile-'));
  const page = join(dir, 'report.html');
  writeFileSync(page, renderReport(smallResult()));
  const r = spawnSync(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--dump-dom', `file://${page}`],
    { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
  rmSync(profile, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, `chromium failed: ${r.error?.message ?? ''} ${r.stderr.slice(-2000)}`);
  const dom = r.stdout;
  // The DOM as the browser parsed it: 3 svg elements with their drawing, the table with its cells.
  assert.equal(dom.match(/<svg[\s>]/g)?.length, 3, 'three inline svg figures');
  assert.ok((dom.match(/<polyline/g)?.length ?? 0) >= 2, 'plotted lines');
  assert.match(dom, /<table>\s*<caption>Table 1: R² by model<\/caption>/);
  assert.match(dom, /<td class="num">0\.2513<\/td>/);
  assert.match(dom, /<figcaption><b>A curve\.<\/b>/);
  assert.doesNotMatch(dom, /<script/i);
});
