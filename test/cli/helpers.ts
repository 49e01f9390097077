/** Running the `awd` command as a user would: a child process of `node bin/awd.js`. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const BIN = new URL('../../bin/awd.js', import.meta.url).pathname;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ROOT = new URL('../../', import.meta.url).pathname;
let fresh = false;

/** The CLI runs from dist/ (bin/awd.js): refuse to test a build older than the sources. */
function assertBuildFresh(): void {
  if (fresh) return;
  const stamp = join(ROOT, 'dist', '.built');
  assert.ok(existsSync(stamp), 'dist/ is not built: run `npm run build` (npm test does it first)');
  const built = statSync(stamp).mtimeMs;
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  assert.ok(newest(join(ROOT, 'src')) <= built, 'dist/ is older than src/: run `npm run build` (npm test does it first)');
  fresh = true;
}

/** Runs `awd ...args` in `cwd`; stdout and stderr are pipes (not terminals), so no progress bars. */
export function awd(args: string[], cwd: string): Promise<Run> {
  assertBuildFresh();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'awd-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Error lines of stderr (warnings and info lines excluded). */
export function errorLines(r: Run): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('awd: warning:') && !l.startsWith('awd: info:'));
}

/** Asserts a failed run: non-zero exit, exactly one `awd: …` line on stderr matching `pattern`, no stack trace, nothing on stdout. */
export function assertFails(r: Run, pattern: RegExp): void {
  assert.notEqual(r.code, 0, `expected a non-zero exit; stdout: ${r.stdout} stderr: ${r.stderr}`);
  const lines = errorLines(r);
  assert.equal(lines.length, 1, `expected one error line, got:\n${r.stderr}`);
  assert.match(lines[0], /^awd: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace without --debug');
  assert.equal(r.stdout, '');
}

/** Asserts a successful run. */
export function assertOk(r: Run): void {
  assert.equal(r.code, 0, `exit ${r.code}; stderr:\n${r.stderr}`);
}
