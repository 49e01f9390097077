#!/usr/bin/env node
// The package build (npm run build; `npm ci` runs it through `prepare`, `npm test` before the
// tests): TypeScript src/ → dist/ (ES modules, .d.ts, source maps) with tsc -p tsconfig.build.json.
//   1. outputs whose source is gone are removed (no stale modules in dist/ or the tarball);
//      if any expected output is missing, tsc's incremental state is dropped so it emits all;
//   2. tsc (incremental: a build with nothing changed takes ~2 s);
//   3. relative '.ts' specifiers in the .d.ts files become '.js';
//   4. dist/awd/lossWorkerBoot.mjs: the worker thread's entry, which from dist/ loads the
//      compiled worker directly (src/awd/lossWorkerBoot.mjs registers tsx for the sources).
// dist/playground/ (the browser build) is left alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const info = join(dist, '.tsbuildinfo');

const walk = (dir) => readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? walk(p) : [p];
});

if (existsSync(dist)) {
  for (const f of walk(dist)) {
    const rel = relative(dist, f);
    if (rel.startsWith('playground') || rel === '.tsbuildinfo' || rel === '.built' || rel === join('awd', 'lossWorkerBoot.mjs')) continue;
    const stem = rel.replace(/(\.d)?\.(js|ts)(\.map)?$/, '');
    if (!existsSync(join(src, `${stem}.ts`))) rmSync(f);
  }
}
const sources = walk(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
if (sources.some((f) => !existsSync(join(dist, relative(src, f)).replace(/\.ts$/, '.js')))) rmSync(info, { force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write('build: tsc failed (see above)\n');
  process.exit(r.status ?? 1);
}
mkdirSync(join(dist, 'awd'), { recursive: true });
// Declarations keep the sources' `./x.ts` specifiers (tsc rewrites them in .js only); TypeScript
// 5 resolves those to x.d.ts, older versions do not, so they become `./x.js` (same length: the
// declaration maps stay valid).
for (const f of walk(dist)) {
  if (!f.endsWith('.d.ts') || relative(dist, f).startsWith('playground')) continue;
  const text = readFileSync(f, 'utf8');
  const fixed = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3');
  if (fixed !== text) writeFileSync(f, fixed);
}
// The time of the last successful build: the CLI tests refuse a dist/ older than src/.
writeFileSync(join(dist, '.built'), `${new Date().toISOString()}\n`);
writeFileSync(join(dist, 'awd', 'lossWorkerBoot.mjs'), "// Entry of the loss worker threads in the build: the compiled worker, no TypeScript loader.\nimport './lossWorker.js';\n");
