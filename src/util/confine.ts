/**
 * Paths read from a file are untrusted: {@link confinedPath} resolves one relative to the folder
 * the file lives in and refuses anything that leaves it — absolute paths, `..` segments, and
 * symbolic links (of the file or of a folder on the way) that point outside.
 * @module
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AwdError } from './checks.ts';

/** True when `p` is `root` or inside it (both absolute, normalised). */
function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/**
 * The path of `rel` inside `dir`, after checking that it stays inside `dir` (also through links).
 * Throws an `AwdError` naming `source` (the file the path came from) otherwise.
 */
export function confinedPath(dir: string, rel: unknown, where: string, source: string): string {
  if (typeof rel !== 'string' || rel === '') throw new AwdError(where, `${source} names a file path that is not a string: ${JSON.stringify(rel)}`);
  if (rel.includes('\0')) throw new AwdError(where, `${source} names a file path with a NUL byte`);
  if (isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel) || rel.startsWith('\\')) {
    throw new AwdError(where, `${source} names the absolute path '${rel}'; only paths inside its folder are read`);
  }
  if (rel.split(/[\\/]+/).includes('..')) throw new AwdError(where, `${source} names '${rel}', which leaves its folder ('..'); only paths inside its folder are read`);
  const root = resolve(dir);
  const p = join(root, rel);
  if (!inside(root, p)) throw new AwdError(where, `${source} names '${rel}', which leaves its folder`);
  if (existsSync(p)) {
    const realRoot = realpathSync(root);
    const real = realpathSync(p);
    if (!inside(realRoot, real)) {
      throw new AwdError(where, `${source} names '${rel}', a link to '${real}' outside its folder${sep === '/' ? '' : ''}; links leaving the folder are not followed`);
    }
  }
  return p;
}
