/**
 * The module graph of src/: no import cycles between files or between folders (dependencies run
 * one way), and the core entry
 * (`awd`) reaches neither TensorFlow.js nor the teachers through static imports.
 * Reads the import statements of every source file (static `import`/`export … from`, and
 * `import('…')` with a literal path, which counts as a dependency for cycles but not for what a
 * module loads at start).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(new URL('../../src', import.meta.url).pathname);

interface Edges {
  static: string[];
  dynamic: string[];
  packages: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|mjs)$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
  });
}

function edgesOf(file: string): Edges {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const e: Edges = { static: [], dynamic: [], packages: [] };
  const add = (spec: string, kind: 'static' | 'dynamic'): void => {
    if (spec.startsWith('.')) e[kind].push(resolve(dirname(file), spec));
    else if (kind === 'static' && !spec.startsWith('node:')) e.packages.push(spec);
  };
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm)) add(m[1], 'static');
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) add(m[1], 'static');
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[1], 'dynamic');
  return e;
}

const graph = new Map(sourceFiles(SRC).map((f) => [f, edgesOf(f)]));
const rel = (f: string): string => relative(SRC, f);

test('the import graph of src/ resolves and has no cycles', () => {
  for (const [f, e] of graph) {
    for (const t of [...e.static, ...e.dynamic]) assert.ok(graph.has(t), `${rel(f)} imports ${rel(t)}, which is not a source file`);
  }
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    const e = graph.get(f) as Edges;
    for (const t of [...e.static, ...e.dynamic]) {
      if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].map(rel).join(' → '));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.join('\n')}`);
});

test('the folders of src/ depend on each other one way (no cycle between folders)', () => {
  const folder = (f: string): string => (rel(f).includes('/') ? rel(f).split('/')[0] : '');
  const deps = new Map<string, Set<string>>();
  for (const [f, e] of graph) {
    const a = folder(f);
    if (a === '') continue; // the entry files at the root (index.ts, version.ts)
    for (const t of [...e.static, ...e.dynamic]) {
      const b = folder(t);
      if (b !== '' && b !== a) (deps.get(a) ?? deps.set(a, new Set()).get(a)!).add(b);
    }
  }
  const cycles: string[] = [];
  for (const [a, bs] of deps) for (const b of bs) if (a < b && deps.get(b)?.has(a)) cycles.push(`${a} ↔ ${b}`);
  // Longer cycles: a folder reaching itself.
  const reach = (from: string, seen = new Set<string>()): Set<string> => {
    for (const b of deps.get(from) ?? []) if (!seen.has(b)) (seen.add(b), reach(b, seen));
    return seen;
  };
  for (const a of deps.keys()) if (reach(a).has(a) && !cycles.some((c) => c.includes(a))) cycles.push(`${a} → … → ${a}`);
  assert.deepEqual(cycles, [], `folders that depend on each other:\n${cycles.join('\n')}`);
});

/** Every package a module loads at start (static imports, transitively). */
function packagesLoadedBy(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const found = new Map<string, string>();
  const walk = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    const e = graph.get(f) as Edges;
    for (const p of e.packages) if (!found.has(p)) found.set(p, rel(f));
    e.static.forEach(walk);
  };
  walk(join(SRC, entry));
  return found;
}

test("'awd', 'awd/wavelets' and 'awd/node' load no TensorFlow.js, and the HDF5 library only on first use", () => {
  for (const entry of ['index.ts', 'wavelets/index.ts', 'node/index.ts']) {
    const pk = packagesLoadedBy(entry);
    const heavy = [...pk].filter(([p]) => p.startsWith('@tensorflow') || p.startsWith('h5wasm'));
    assert.deepEqual(heavy, [], `${entry} loads ${heavy.map(([p, f]) => `${p} (via ${f})`).join(', ')}`);
  }
});

test("'awd/teachers' loads TensorFlow.js (the test above can see it)", () => {
  assert.ok([...packagesLoadedBy('teachers/index.ts').keys()].some((p) => p.startsWith('@tensorflow/tfjs')));
});
