/**
 * Output paths that would destroy an input. Every command calls {@link refuseOverwrite} with
 * its inputs and the exact files it will write, before doing any work: an output that is one of
 * the inputs (same real path after following symbolic links, or the same file through a hard
 * link) is refused with a `UsageError` (exit 2).
 * @module
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.ts';

/** An input of a command: a file, or a folder whose files are all inputs (e.g. a saved teacher). */
export interface InputPath {
  option: string;
  path: string;
}

/** A file a command will write. */
export interface OutputPath {
  option: string;
  path: string;
}

/** The real path of `p`, following links; for a path that does not exist yet, its nearest existing ancestor's real path joined with the rest. */
export function realPathOf(p: string): string {
  const abs = resolve(p);
  if (existsSync(abs)) {
    try {
      return realpathSync(abs);
    } catch {
      return abs;
    }
  }
  const parent = dirname(abs);
  if (parent === abs) return abs;
  return join(realPathOf(parent), basename(abs));
}

/** Identity of an existing file (device + inode), catching hard links; null if it does not exist. */
function fileId(p: string): string | null {
  try {
    const s = statSync(p);
    return `${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
}

/** The files of an input: itself, or (for a folder) every file in it, two levels deep at most. */
function inputFiles(p: string, depth = 0): string[] {
  let st;
  try {
    st = statSync(p);
  } catch {
    return [p];
  }
  if (!st.isDirectory()) return [p];
  const files: string[] = [p];
  if (depth >= 2) return files;
  let names: string[] = [];
  try {
    names = readdirSync(p);
  } catch {
    return files;
  }
  for (const n of names.slice(0, 1000)) files.push(...inputFiles(join(p, n), depth + 1));
  return files;
}

/**
 * Throws a `UsageError` when an output is one of the inputs (or a file inside an input folder),
 * or when two outputs are the same file. Call before any work.
 */
export function refuseOverwrite(inputs: readonly (InputPath | null | undefined | false)[], outputs: readonly (OutputPath | null | undefined | false)[]): void {
  const ins: { option: string; path: string; real: string; id: string | null }[] = [];
  for (const i of inputs) {
    if (!i) continue;
    for (const f of inputFiles(i.path)) ins.push({ option: i.option, path: f, real: realPathOf(f), id: fileId(f) });
  }
  const outs: { option: string; path: string; real: string; id: string | null }[] = [];
  for (const o of outputs) {
    if (!o) continue;
    const out = { option: o.option, path: o.path, real: realPathOf(o.path), id: fileId(o.path) };
    for (const i of ins) {
      if (out.real === i.real || (out.id !== null && out.id === i.id)) {
        const what = i.path === i.real || resolve(i.path) === i.real ? `'${i.path}'` : `'${i.path}' (${i.real})`;
        throw new UsageError(`${o.option} '${o.path}' is the input ${i.option} ${what}; writing it would destroy the input — choose another output path`);
      }
    }
    for (const p of outs) {
      if (out.real === p.real) throw new UsageError(`${o.option} '${o.path}' and ${p.option} '${p.path}' are the same file; give them different paths`);
    }
    outs.push(out);
  }
}

/** Checks that an output folder is not an existing file (so the work is not done in vain). */
export function outputDir(option: string, path: string): string {
  if (existsSync(path) && !statSync(path).isDirectory()) {
    throw new UsageError(`${option} '${path}' is an existing file, expected a folder; give a folder path (it is created if needed)`);
  }
  return path;
}
