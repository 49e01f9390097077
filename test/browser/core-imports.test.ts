/**
 * The core (wavelets, the AWD objective and fit, the wavelet file format, the predictors, the
 * browser thread host) imports no Node API, so it bundles for browsers as is: every module
 * reachable from the core's entry modules by static imports is checked for `node:` (and other
 * Node built-in) specifiers. Node-only pieces (serialize.ts: files; lossWorker.ts: worker_threads)
 * stay outside; Node's worker threads are found at run time (threadHost.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './harness.ts';

const ENTRIES = [
  'src/wavelets/index.ts',
  'src/awd/adaptive.ts',
  'src/awd/loss.ts',
  'src/awd/waveletFile.ts',
  'src/awd/threadHost.browser.ts',
  'src/awd/lossWorker.browser.ts',
  'src/data/synthetic.ts',
  'src/data/convergence.ts',
  // The package's main entry (`import 'awd'`) and the playground's page and worker: a bundler
  // must not meet a Node built-in on the way (the playground build used to warn about node:fs
  // from npy.ts / tracks.ts; the format and the resampling now live in Node-free modules).
  'src/index.ts',
  'playground/main.ts',
  'playground/fit.worker.ts',
  ...readdirSync(join(ROOT, 'src/predictors')).filter((f) => f.endsWith('.ts')).map((f) => `src/predictors/${f}`),
];
/** npm packages the core may import (they run in browsers). */
const ALLOWED_PACKAGES = new Set(['fft.js']);

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  // `import type` / `export type` are erased by the compiler: they load nothing.
  for (const m of text.matchAll(/^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
    out.push(m[1] ?? m[2] ?? m[3]);
  }
  return out;
}

test('the core imports no Node API (every module reachable from its entries)', () => {
  const seen = new Set<string>();
  const bad: string[] = [];
  const stack = ENTRIES.map((e) => resolve(ROOT, e));
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        stack.push(resolve(dirname(file), spec));
        continue;
      }
      const name = spec.replace(/^node:/, '');
      if (spec.startsWith('node:') || builtinModules.includes(name) || !ALLOWED_PACKAGES.has(spec)) bad.push(`${relative(ROOT, file)} imports '${spec}'`);
    }
  }
  assert.ok(seen.size > 30, `walked ${seen.size} modules`);
  assert.deepEqual(bad, []);
  // And the Node-only modules really are outside it.
  for (const nodeOnly of ['src/awd/serialize.ts', 'src/awd/lossWorker.ts', 'src/util/atomic.ts', 'src/data/npy.ts', 'src/data/tracks.ts']) assert.ok(!seen.has(resolve(ROOT, nodeOnly)), nodeOnly);
});
