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
import ts from 'typescript';
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

/**
 * Module specifiers a file loads, from TypeScript's syntax tree: static imports and re-exports
 * (not `import type` / `export type`, which the compiler erases) and `import('…')` with a literal.
 */
function importsOf(file: string): string[] {
  return importsOfSource(readFileSync(file, 'utf8'), file);
}

function importsOfSource(text: string, name = 'source.ts'): string[] {
  const src = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) out.push(arg.text);
      else out.push(`<import() of a computed specifier at ${name}:${src.getLineAndCharacterOfPosition(node.getStart()).line + 1}>`);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out;
}

test('the import reader sees every form of import a bundler follows, and not erased ones', () => {
  const text = [
    "import a from './a.ts';",
    "import type { T } from 'node:fs';",
    "export type { U } from 'node:path';",
    "export * from './b.ts';",
    "export {\n  c, // the 'c' one\n} from 'node:os';",
    "import {\n  d,\n  e,\n} from \"node:url\";",
    "import './side.ts';",
    "const m = await import('node:worker_threads');",
    "// import x from 'node:zlib';",
    "const s = \"import y from 'node:crypto'\";",
  ].join('\n');
  assert.deepEqual(importsOfSource(text), ['./a.ts', './b.ts', 'node:os', 'node:url', './side.ts', 'node:worker_threads']);
});

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
