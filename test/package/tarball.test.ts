/**
 * The package as a user gets it: `npm pack` → the tarball unpacked into an empty folder's
 * node_modules/awd (what `npm install awd-x.tgz` puts there) → a plain .mjs imports `awd`,
 * `awd/node` and `awd/wavelets` and runs a fit; the CLI runs from the tarball; a .ts file
 * type-checks against the shipped .d.ts files with the repository's tsc.
 *
 * The dependencies are not downloaded: each one `awd` declares in package.json is linked from
 * this repository's node_modules (installed by `npm ci`), so the test runs offline, and a module
 * the package uses without declaring it is missing here, as it would be for a user. (`npm install
 * --offline` of the tarball would need every dependency's metadata in the npm cache, which a
 * copied node_modules does not leave.) `npm test` builds dist/ first, so the tarball is current.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('npm pack → install into an empty folder → import awd and fit; the CLI and the types work from the tarball', { timeout: 120_000 }, () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/ is missing: run `npm run build` (npm test does)');
  const tmp = mkdtempSync(join(tmpdir(), 'awd-tarball-'));
  try {
    // --ignore-scripts: dist/ was just built by `npm test`; `prepare` would build it again.
    const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], ROOT)) as { filename: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    for (const need of ['dist/index.js', 'dist/index.d.ts', 'dist/node/index.js', 'dist/teachers/index.d.ts', 'dist/awd/lossWorkerBoot.mjs', 'dist/cli/main.js', 'bin/awd.js', 'package.json']) {
      assert.ok(files.includes(need), `the tarball holds ${need}`);
    }
    assert.equal(files.filter((f) => f.startsWith('test/') || f.startsWith('fixtures/') || f.startsWith('node_modules/')).length, 0, 'no tests, fixtures or node_modules in the tarball');

    // Declarations import './x.js' (what every TypeScript version resolves), not the sources' './x.ts'.
    const dts = files.filter((f) => f.endsWith('.d.ts'));
    const tsSpecifiers = dts.filter((f) => /(?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]+\.ts['"]/.test(readFileSync(join(ROOT, f), 'utf8')));
    assert.deepEqual(tsSpecifiers, [], 'no .d.ts imports a .ts path');

    const app = join(tmp, 'app');
    const pkgDir = join(app, 'node_modules', 'awd');
    mkdirSync(pkgDir, { recursive: true });
    run('tar', ['-xzf', join(tmp, packed[0].filename), '-C', pkgDir, '--strip-components=1'], tmp);
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies)) {
      const to = join(app, 'node_modules', dep);
      mkdirSync(dirname(to), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), to, 'dir');
    }
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));

    writeFileSync(join(app, 'fit.mjs'), `
import { AdaptiveWavelet, ndarray, Rng, wavedec, wavelet } from 'awd';
import { writeArray, readArray, saveWavelet, loadWavelet } from 'awd/node';
import { dwt } from 'awd/wavelets';
const rng = new Rng(1);
const X = ndarray(rng.fillNormal(new Float64Array(40 * 32)), [40, 32]);
const G = ndarray(rng.fillNormal(new Float64Array(40 * 32), 0, 0.1), [40, 32]);
await writeArray('X.npz:X', X);
const X2 = await readArray('X.npz:X');
const w = AdaptiveWavelet.fit(X2, { teacherGrads: G, lambda: 0.005, gamma: 0.04, wavelet: 'db4', levels: 2, epochs: 2, seed: 0 });
saveWavelet(w, 'w.json');
// Two threads: the worker starts from dist/awd/lossWorkerBoot.mjs inside the installed package.
const w2 = AdaptiveWavelet.fit(X2, { teacherGrads: G, lambda: 0.005, gamma: 0.04, wavelet: 'db4', levels: 2, epochs: 1, batchSize: 40, seed: 0, threads: 2 });
const back = loadWavelet('w.json');
const c = wavedec(Array.from(X.data.subarray(0, 32)), wavelet('db4'), 'zero', 2);
console.log(JSON.stringify({ epochs: w.history.length, same: back.h.every((v, i) => v === w.h[i]), levels: c.length, dwt: typeof dwt, threaded: w2.history.length === 1 && w2.h.every(Number.isFinite) }));
`);
    const out = JSON.parse(run(process.execPath, ['fit.mjs'], app).trim().split('\n').pop() as string) as Record<string, unknown>;
    assert.deepEqual(out, { epochs: 2, same: true, levels: 3, dwt: 'function', threaded: true });

    // Importing the core loads no TensorFlow.js: no module under @tensorflow is ever resolved.
    writeFileSync(join(app, 'hooks.mjs'), "export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('@tensorflow')) process.stdout.write('TF ' + r.url + '\\n'); return r; }\n");
    writeFileSync(join(app, 'core.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\nawait import('awd');\nawait import('awd/node');\nconsole.log('core ok');\n");
    assert.equal(run(process.execPath, ['core.mjs'], app).trim(), 'core ok');
    writeFileSync(join(app, 'tf.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\nawait import('awd/teachers');\n");
    assert.match(run(process.execPath, ['tf.mjs'], app), /^TF /m, 'the hook sees TensorFlow.js when awd/teachers loads (so the check above can fail)');

    // The CLI from the tarball.
    const help = run(process.execPath, [join(pkgDir, 'bin', 'awd.js'), '--help'], app);
    assert.match(help, /Usage: awd/);
    run(process.execPath, [join(pkgDir, 'bin', 'awd.js'), 'transform', '--wavelet', 'db2', '--data', 'X.npz:X', '--levels', '2', '--out', 'c.h5'], app);
    assert.ok(existsSync(join(app, 'c.h5')));

    // A TypeScript user's file type-checks against the shipped declarations (and a wrong call does not).
    writeFileSync(join(app, 'use.ts'), `
import { AdaptiveWavelet, ndarray, type NdArray, type FitOptions } from 'awd';
import { readArray } from 'awd/node';
import { wavedec } from 'awd/wavelets';
const X: NdArray = ndarray(new Float64Array(8), [2, 4]);
const opts: FitOptions = { teacherGrads: X, lambda: 0.1, epochs: 1 };
const w: AdaptiveWavelet = AdaptiveWavelet.fit(X, opts);
const p: Promise<NdArray> = readArray('x.npy');
export const out: [AdaptiveWavelet, Promise<NdArray>, number] = [w, p, wavedec([1, 2, 3, 4], 'haar', 'zero', 1).length];
`);
    const tsconfig = { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['use.ts'] };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // skipLibCheck is off so the shipped .d.ts files are checked too; TensorFlow.js's own
    // declarations have errors under strict settings (theirs, not ours), so only those are allowed.
    const typed = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
    const errors = typed.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    assert.deepEqual(errors.filter((l) => !l.includes('/node_modules/@tensorflow/')), [], `type errors outside TensorFlow.js:\n${typed.stdout}`);
    assert.ok(typed.status === 0 || errors.length > 0, typed.stderr);
    writeFileSync(join(app, 'bad.ts'), "import { AdaptiveWavelet } from 'awd';\nAdaptiveWavelet.fit('not an array');\n");
    writeFileSync(join(app, 'tsconfig.bad.json'), JSON.stringify({ ...tsconfig, files: ['bad.ts'] }));
    const bad = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.bad.json'], { cwd: app, encoding: 'utf8' });
    assert.match(bad.stdout, /^bad\.ts\(2,\d+\): error TS\d+/m, 'a wrong call fails to type-check');
    assert.deepEqual(readdirSync(app).filter((f) => f.endsWith('.tgz')), []);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
