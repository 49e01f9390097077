/**
 * The checkpoint options of `awd fit` (and the sweep cells): `--checkpoint FILE`,
 * `--checkpoint-every N|Ts|Tm`, `--resume`.
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CheckpointError, type CheckpointOptions } from '../awd/checkpoint.ts';
import { parseInteger, parseNumber } from './args.ts';
import { UsageError } from './errors.ts';

export interface CheckpointCliOpts {
  checkpoint?: string;
  checkpointEvery?: string;
  resume?: boolean;
}

/** Adds --checkpoint, --checkpoint-every, --resume. */
export function addCheckpointOptions(cmd: Command): Command {
  return cmd
    .option('--checkpoint <file>', 'save the fit state here while fitting (default <out>.ckpt when --checkpoint-every or --resume is given); deleted when the result is saved')
    .option('--checkpoint-every <N|Ts|Tm>', 'checkpoint interval: N optimiser steps, or seconds (30s) / minutes (5m); default 60s')
    .option('--resume', 'continue from the checkpoint if it exists (a killed fit resumed ends bit-identical to a straight run)');
}

/** `--checkpoint-every`: `N` steps, `Ts` seconds or `Tm` minutes. */
export function parseInterval(value: string): Pick<CheckpointOptions, 'everySteps' | 'everySeconds'> {
  const m = /^\s*([0-9.]+)\s*([sm])\s*$/.exec(value);
  if (m) return { everySeconds: parseNumber('--checkpoint-every', m[1], { min: 0 }) * (m[2] === 'm' ? 60 : 1) };
  if (/^\s*\d+\s*$/.test(value)) return { everySteps: parseInteger('--checkpoint-every', value, 1) };
  throw new UsageError(`--checkpoint-every must be a number of steps (500), seconds (30s) or minutes (5m), got '${value}'`);
}

/** The checkpoint options, or undefined when none of the flags is given. `inputs` are refused as the checkpoint path. */
export function checkpointFrom(o: CheckpointCliOpts, defaultPath: string, inputs: (string | undefined)[]): CheckpointOptions | undefined {
  if (o.checkpoint === undefined && o.checkpointEvery === undefined && !o.resume) return undefined;
  const path = o.checkpoint ?? defaultPath;
  for (const p of inputs) {
    if (p !== undefined && resolve(p) === resolve(path)) throw new UsageError(`--checkpoint '${path}' is also an input or output of this command; choose another file`);
  }
  return { path, resume: o.resume === true, ...(o.checkpointEvery === undefined ? {} : parseInterval(o.checkpointEvery)) };
}

/** Runs `fn`, turning a checkpoint that cannot be resumed into a usage error (exit 2, one line). */
export function withCheckpointErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CheckpointError) throw new UsageError(e.message.replace(/^Error in [^:]+: /, ''));
    throw e;
  }
}
