/**
 * Helpers of the browser tests: Debian's Chromium driven by playwright-core (no browser download),
 * the playground built by Vite into a temporary folder, and a tiny static server on 127.0.0.1 that
 * sends the cross-origin-isolation headers (COOP/COEP), unless the path starts with /plain/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Fails (never skips) without Chromium, with the command that installs it. */
export function requireChromium(): void {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is not installed: run 'apt-get update && apt-get install -y chromium' (as .ci/run does)`);
}

/** Chromium with a temporary profile (--user-data-dir, passed by playwright as its profile). */
export async function launchChromium(): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'awd-chromium-profile-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60_000,
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Builds the playground into a fresh temporary folder (the repository's dist/ is not touched). */
export async function buildPlayground(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'awd-playground-'));
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'playground/vite.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  return out;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };

/** Serves `dir` on 127.0.0.1 (a free port); isolated unless the path starts with /plain/. */
export async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const plain = path.startsWith('/plain/');
    if (plain) path = path.slice('/plain'.length);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' };
    if (!plain) Object.assign(headers, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    res.writeHead(200, headers).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${addr.port}`, server };
}
