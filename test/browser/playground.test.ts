/**
 * The playground in real headless Chromium (Debian's, through playwright-core): data loaded from
 * .npy files, a fit started, paused, resumed and finished, the loss falling, the wavelet file
 * downloaded and loaded in Node by `loadWavelet`, whose h must equal, bit for bit, the h of the
 * same fit run in Node. Bit for bit (not to a tolerance) because the page runs the same code
 * (JavaScript + the same WebAssembly SIMD kernels, IEEE-754 double arithmetic without fused
 * operations, the same shard order across threads) on the same inputs; any difference would be a
 * platform dependency we want to know about. Twice: cross-origin isolated with 2 threads (shared
 * memory, Web Workers), and not isolated (single-thread fallback) on a built-in data set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { loadWavelet } from '../../src/awd/serialize.ts';
import { encodeNpy } from '../../src/data/npy.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';
import { builtinDataset } from '../../playground/data.ts';
import { buildPlayground, launchChromium, requireChromium, ROOT, serve } from './harness.ts';

interface PageState { phase: string; simd: boolean; steps: number[][]; lastJson: string | null; fitSeconds: number | null; threads: number; isolated: boolean; error: string | null; snapshots: number }

const stateOf = (page: Page) => page.evaluate(() => (globalThis as unknown as { awdPlayground: PageState }).awdPlayground);
/** The state without its large arrays, for polling. */
const phaseOf = (page: Page) => page.evaluate(() => {
  const a = (globalThis as unknown as { awdPlayground: PageState }).awdPlayground;
  return { ...a, steps: [], lastJson: null };
});

async function waitFor(page: Page, what: string, ok: (s: PageState) => boolean, timeoutMs = 60_000): Promise<PageState> {
  const t0 = Date.now();
  for (;;) {
    const s = await phaseOf(page);
    if (s.error) throw new Error(`the page reports: ${s.error}`);
    if (ok(s)) return stateOf(page);
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}; phase ${s.phase}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [id, v] of Object.entries(values)) {
    const tag = await page.locator(`#${id}`).evaluate((el) => el.tagName);
    if (tag === 'SELECT') await page.selectOption(`#${id}`, v);
    else await page.fill(`#${id}`, v);
  }
}

async function download(page: Page, dir: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const path = join(dir, dl.suggestedFilename());
  await dl.saveAs(path);
  return path;
}

test('the playground fits in headless Chromium and its wavelet file loads in Node with the same h, bit for bit', { timeout: 180_000 }, async () => {
  requireChromium();
  const work = mkdtempSync(join(tmpdir(), 'awd-playground-test-'));
  const out = await buildPlayground();
  const { url, server } = await serve(out);
  const chrome = await launchChromium();
  try {
    // 1. Cross-origin isolated, the user's own .npy files, 2 threads, paused and resumed mid-fit.
    const rng = new Rng(3);
    const n = 240, d = 32;
    const X = ndarray(rng.fillNormal(new Float64Array(n * d)), [n, d]);
    const G = ndarray(rng.fillNormal(new Float64Array(n * d)), [n, d]);
    writeFileSync(join(work, 'X.npy'), encodeNpy(X));
    writeFileSync(join(work, 'G.npy'), encodeNpy(G));
    const opts = { wavelet: 'db3', levels: 3, lambda: 0.1, gamma: 1, epochs: 30, batchSize: 20, learningRate: 0.01, seed: 5 } as const;
    const page = await chrome.browser.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(String(e)));
    await page.goto(`${url}/`);
    assert.equal((await stateOf(page)).isolated, true, 'served with COOP/COEP, the page is cross-origin isolated');
    await page.check('input[name=source][value=files]');
    await page.setInputFiles('#fileX', join(work, 'X.npy'));
    await page.setInputFiles('#fileG', join(work, 'G.npy'));
    await fill(page, { wavelet: opts.wavelet, initNoise: '0', levels: '3', lambda: '0.1', gamma: '1', epochs: '30', batchSize: '20', learningRate: '0.01', seed: '5', threads: '2' });
    // Start, and click Stop the moment it is enabled: the fit pauses at its first step, whatever
    // the machine's speed (a fit this small ends in a fraction of a second).
    await page.evaluate(() => new Promise<void>((resolve) => {
      const stop = document.getElementById('stop') as HTMLButtonElement;
      const seen = new MutationObserver(() => {
        if (stop.disabled) return;
        seen.disconnect();
        stop.click();
        resolve();
      });
      seen.observe(stop, { attributes: true });
      (document.getElementById('start') as HTMLButtonElement).click();
    }));
    const paused = await waitFor(page, 'the pause', (s) => s.phase === 'paused' || s.phase === 'done');
    assert.equal(paused.phase, 'paused', 'the fit paused before it ended (30 epochs)');
    assert.equal(paused.threads, 2);
    assert.equal(paused.simd, true, 'the WebAssembly SIMD kernels run in the browser');
    const mid = loadWavelet(await download(page, work));
    assert.equal(mid.h.length, 6);
    await page.click('#resume');
    const done = await waitFor(page, 'the end of the fit', (s) => s.phase === 'done');
    assert.equal(done.steps.length, 30 * (n / 20), 'every step reported once');
    // The loss falls: the mean total of the last epoch's steps is below the first epoch's.
    const per = n / 20;
    const mean = (a: number[][]) => a.reduce((s, r) => s + r[1], 0) / a.length;
    assert.ok(mean(done.steps.slice(-per)) < 0.98 * mean(done.steps.slice(0, per)), `loss fell: ${mean(done.steps.slice(0, per))} → ${mean(done.steps.slice(-per))}`);
    const file = await download(page, work);
    const browserFit = loadWavelet(file); // checks format and SHA-256 checksum
    const nodeFit = AdaptiveWavelet.fit(X, { teacherGrads: G, ...opts, threads: 2 });
    assert.deepEqual(Array.from(browserFit.h), Array.from(nodeFit.h), 'h bit for bit');
    assert.notDeepEqual(Array.from(browserFit.h), Array.from(mid.h), 'the fit moved on after the pause');
    assert.equal(browserFit.settings?.threads, 2);
    assert.deepEqual(browserFit.history.map((r) => r.train.total), nodeFit.history.map((r) => r.train.total), 'history bit for bit');
    await page.close();

    // 2. Not isolated (single-thread fallback), a built-in data set generated in the worker.
    const page2 = await chrome.browser.newPage();
    page2.on('pageerror', (e) => logs.push(String(e)));
    await page2.goto(`${url}/plain/`);
    assert.equal((await stateOf(page2)).isolated, false);
    await fill(page2, { builtin: 'molecular', n: '150', dataSeed: '2', wavelet: 'db5', levels: '4', lambda: '0.005', gamma: '0.043', epochs: '3', batchSize: '50', learningRate: '0.001', seed: '1', threads: 'auto' });
    await page2.click('#start');
    const done2 = await waitFor(page2, 'the built-in fit', (s) => s.phase === 'done');
    assert.equal(done2.threads, 1);
    const b2 = loadWavelet(await download(page2, work));
    const data = builtinDataset('molecular', 150, 2);
    const n2 = AdaptiveWavelet.fit(data.X, { teacherGrads: data.G, wavelet: 'db5', levels: 4, lambda: 0.005, gamma: 0.043, epochs: 3, batchSize: 50, learningRate: 0.001, seed: 1 });
    // The simulator draws normals by Box–Muller (Math.sin/cos), which V8 versions compute to within
    // 1 ulp of each other (Chromium's V8 uses glibc-derived sin/cos, Node 20's fdlibm): the data,
    // hence h, agree to rounding here, not bit for bit.
    const dev = Math.max(...Array.from(b2.h, (v, i) => Math.abs(v - n2.h[i])));
    assert.ok(dev <= 1e-12, `built-in data and fit agree to 1e-12 (max |Δh| = ${dev})`);
    console.log(`# built-in molecular: max |Δh| browser vs Node = ${dev}`);

    // Stop (the worker is ended) at the first snapshot, then Resume: a new fit from the last
    // filter for the epochs not completed.
    await fill(page2, { epochs: '300', batchSize: '50' });
    await page2.evaluate(() => new Promise<void>((resolve) => {
      const status = document.getElementById('status')!;
      const seen = new MutationObserver(() => {
        if (!status.textContent!.startsWith('Epoch')) return;
        seen.disconnect();
        (document.getElementById('stop') as HTMLButtonElement).click();
        resolve();
      });
      seen.observe(status, { childList: true, characterData: true, subtree: true });
      (document.getElementById('start') as HTMLButtonElement).click();
    }));
    const stopped = await waitFor(page2, 'the stop', (s) => s.phase === 'stopped' || s.phase === 'done');
    assert.equal(stopped.phase, 'stopped', 'stopped before 300 epochs ended');
    await page2.click('#resume');
    const resumed = await waitFor(page2, 'the resumed fit', (s) => s.phase === 'done');
    const r2 = loadWavelet(await download(page2, work));
    assert.ok(Array.isArray(r2.settings?.init), 'the resumed fit started from the stopped filter');
    assert.ok((r2.settings?.epochs ?? 0) >= 1 && (r2.settings?.epochs ?? 0) <= 300);
    assert.ok(resumed.steps.length > r2.settings!.epochs * 3 - 1, 'the steps of both fits are kept');

    // A built-in set of images: cosmology maps (2D AWD).
    await fill(page2, { builtin: 'cosmology', n: '20', levels: '2', epochs: '1', batchSize: '10' });
    await page2.click('#start');
    await waitFor(page2, 'the 2D fit', (s) => s.phase === 'done');
    const c2 = loadWavelet(await download(page2, work));
    assert.deepEqual(c2.settings?.sampleShape, [32, 32]);
    assert.deepEqual(logs.filter((l) => /error/i.test(l)), [], 'no errors in the page');
  } finally {
    await chrome.close();
    server.close();
    rmSync(out, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});

test('the playground type-checks (strict, DOM and worker libraries)', () => {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(ROOT, 'playground/tsconfig.json')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `tsc: ${r.stdout}${r.stderr}`);
});
