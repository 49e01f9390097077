/**
 * What every command gets: the global flags and the two output channels. Human-readable text
 * goes to stdout, or to stderr under `--json`, whose single JSON document is the only thing
 * written to stdout.
 * @module
 */
import type { Command } from 'commander';
import { barsEnabled } from './progress.ts';

export interface Ctx {
  json: boolean;
  quiet: boolean;
  debug: boolean;
  /** Draw progress bars (stderr and stdout are terminals, not --quiet). */
  bars: boolean;
  /** A line of human-readable output. */
  say(text: string): void;
  /**
   * A diagnostic line on stderr, `awd: info: …` (e.g. the loss terms at the start of a fit): shown
   * as work starts, apart from the results on stdout, so a command that then fails still prints
   * nothing on stdout. Silenced by --quiet.
   */
  info(text: string): void;
  /** The machine-readable result (printed only under --json). */
  result(value: unknown): void;
}

/** The context of a command from its (global) options. */
export function contextOf(cmd: Command): Ctx {
  const g = cmd.optsWithGlobals() as { json?: boolean; quiet?: boolean; debug?: boolean };
  const json = Boolean(g.json);
  const quiet = Boolean(g.quiet);
  return {
    json,
    quiet,
    debug: Boolean(g.debug),
    bars: barsEnabled(quiet),
    say(text) {
      if (quiet) return;
      if (json) process.stderr.write(text.endsWith('\n') ? text : text + '\n');
      else process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    },
    info(text) {
      if (!quiet) process.stderr.write(`awd: info: ${text}\n`);
    },
    result(value) {
      if (json) process.stdout.write(JSON.stringify(value, jsonReplacer, 2) + '\n');
    },
  };
}

/** JSON for typed arrays (as plain arrays) and non-finite numbers (as strings). */
export function jsonReplacer(_key: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}
