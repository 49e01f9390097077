/**
 * `npx tsx bench/browser.ts [--repeats N] [--screenshot PATH]`: the playground's fit of the
 * molecular-size data set (2,936 × 40, 50 epochs, db5, J = 4, the molecular study's settings) in
 * headless Chromium, against the same fit in Node, alternating (Chromium, Node, Chromium, …) so
 * both see the same machine load. The browser's time is the fit worker's (AdaptiveWavelet.fit
 * with the page's live snapshots, ~10 per second); Node's is AdaptiveWavelet.fit alone. The data
 * are simulated identically on both sides (same seed; checked: the fitted h must agree to 1e-12).
 * With --screenshot, a separate, untimed run is photographed mid-fit.
 * @module
 */
import { mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { AdaptiveWavelet } from '../src/awd/adaptive.ts';
import { waveletFromJson } from '../src/awd/waveletFile.ts';
import { builtinDataset } from '../playground/data.ts';
import { buildPlayground, launchChromium, serve } from '../test/browser/harness.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const repeats = Number(arg('--repeats') ?? 3);
const shot = arg('--screenshot');
const SETTINGS = { wavelet: 'db5', levels: 4, lambda: 0.005, gamma: 0.043, epochs: 50, batchSize: 100, learningRate: 0.001, seed: 0 } as const;
const N = 2936;

interface PageState { phase: string; fitSeconds: number | null; lastJson: string | null; error: string | null; steps: number[][]; threads: number }

const out = await buildPlayground();
const { url, server } = await serve(out);
const chrome = await launchChromium();
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function browserFit(opts: { screenshotAtEpoch?: number; path?: string; updates?: string } = {}): Promise<{ seconds: number; h: Float64Array; wall: number }> {
  const page = await chrome.browser.newPage();
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(`${url}/`);
  await page.selectOption('#builtin', 'molecular');
  const fields: Record<string, string> = { n: String(N), dataSeed: '0', levels: '4', lambda: '0.005', gamma: '0.043', epochs: '50', batchSize: '100', learningRate: '0.001', seed: '0' };
  for (const [id, v] of Object.entries(fields)) await page.fill(`#${id}`, v);
  await page.selectOption('#wavelet', 'db5');
  await page.selectOption('#threads', 'auto');
  await page.selectOption('#updates', opts.updates ?? '100');
  const t0 = Date.now();
  await page.click('#start');
  let shotTaken = false;
  for (;;) {
    // A small projection of the page's state, polled 4 times a second (cheap for the page).
    const s = await page.evaluate(() => {
      const a = (globalThis as unknown as { awdPlayground: PageState }).awdPlayground;
      return { phase: a.phase, fitSeconds: a.fitSeconds, error: a.error, nSteps: a.steps.length, lastJson: a.phase === 'done' ? a.lastJson : null };
    });
    if (s.error) throw new Error(s.error);
    if (opts.path && !shotTaken && s.nSteps >= (opts.screenshotAtEpoch ?? 10) * 30) {
      mkdirSync(dirname(opts.path), { recursive: true });
      await page.screenshot({ path: opts.path, fullPage: true });
      shotTaken = true;
    }
    if (s.phase === 'done') {
      const w = waveletFromJson(s.lastJson!);
      await page.close();
      return { seconds: s.fitSeconds!, h: w.h, wall: (Date.now() - t0) / 1000 };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function nodeFit(): { seconds: number; h: Float64Array } {
  const data = builtinDataset('molecular', N, 0);
  const t0 = performance.now();
  const w = AdaptiveWavelet.fit(data.X, { teacherGrads: data.G, ...SETTINGS });
  return { seconds: (performance.now() - t0) / 1000, h: w.h };
}

try {
  console.log(`node ${process.version}, ${cpus().length} CPU(s): ${cpus()[0]?.model ?? 'unknown'}; chromium: ${chrome.browser.browser()?.version() ?? '(persistent context)'}`);
  const b: number[] = [];
  const q: number[] = [];
  const n: number[] = [];
  let maxDev = 0;
  for (let r = 0; r < repeats; r++) {
    const x = await browserFit();
    const y = nodeFit();
    const z = await browserFit({ updates: 'Infinity' });
    maxDev = Math.max(maxDev, ...Array.from(x.h, (v, i) => Math.abs(v - y.h[i])), ...Array.from(z.h, (v, i) => Math.abs(v - y.h[i])));
    b.push(x.seconds);
    n.push(y.seconds);
    q.push(z.seconds);
    console.log(`repeat ${r + 1}: chromium fit ${x.seconds.toFixed(3)} s with 10 plot updates/s (page wall ${x.wall.toFixed(2)} s incl. data), node fit ${y.seconds.toFixed(3)} s, chromium fit ${z.seconds.toFixed(3)} s with updates once per epoch`);
  }
  if (maxDev > 1e-12) throw new Error(`the browser and Node fits differ: max |Δh| = ${maxDev}`);
  console.log(`median: chromium ${median(b).toFixed(3)} s (10 updates/s), ${median(q).toFixed(3)} s (per epoch); node ${median(n).toFixed(3)} s; ratios ${(median(b) / median(n)).toFixed(2)}, ${(median(q) / median(n)).toFixed(2)}; max |Δh| = ${maxDev}`);
  if (shot) {
    await browserFit({ path: shot, screenshotAtEpoch: 12 });
    console.log(`screenshot: ${shot}`);
  }
} finally {
  await chrome.close();
  server.close();
  rmSync(out, { recursive: true, force: true });
}
