/**
 * A tiny benchmark harness: timing with warm-up and medians, a registry of suites, a table
 * printer, and a persistent Python helper so a reference implementation (PyWavelets, PyTorch…)
 * can be timed in the same run, interleaved rep by rep with ours, on the same arrays.
 *
 * A suite is a named async function returning rows; `bench/run.ts` runs every registered suite
 * (or those whose name contains the filter argument: `npm run bench -- wavelets`).
 * @module
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';

/** Timing summary of repeated runs, in seconds. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  /** Every measured repetition (warm-up runs excluded). */
  times: number[];
}

/** Summarises a list of times (seconds). */
export function summarize(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
  return { median, min: sorted[0], max: sorted[sorted.length - 1], times };
}

/**
 * Times `fn` `reps` times after `warmup` untimed runs (default 2, so the JIT has compiled the
 * hot loops) and returns the median, min and max in seconds.
 */
export async function timeIt(fn: () => unknown, reps = 5, warmup = 2): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  return summarize(times);
}

/** One row of a result table. `ref` is the reference implementation's time, when measured. */
export interface BenchRow {
  suite: string;
  name: string;
  ours: Timing;
  ref?: Timing;
  refName?: string;
  /** A published or previously measured number to compare with (seconds), with its source. */
  anchor?: { seconds: number; source: string };
  note?: string;
}

/** A benchmark suite: a name and a function producing rows. */
export interface Suite {
  name: string;
  description: string;
  run(): Promise<BenchRow[]>;
}

const registry: Suite[] = [];

/** Adds a suite to the registry (names must be unique). */
export function registerSuite(suite: Suite): void {
  if (registry.some((s) => s.name === suite.name)) throw new Error(`Error in registerSuite: suite '${suite.name}' is already registered`);
  registry.push(suite);
}

/** The registered suites, in registration order. */
export function suites(): readonly Suite[] {
  return registry;
}

function fmt(s: number | undefined): string {
  return s === undefined ? '—' : s.toFixed(3);
}

/** Prints rows as an aligned text table (times in seconds, medians; ratio = ours / reference). */
export function printTable(rows: BenchRow[], out: (line: string) => void = console.log): void {
  const header = ['suite', 'workload', 'ours (s)', 'min', 'reference', 'ref (s)', 'min', 'ours/ref', 'anchor (s)'];
  const body = rows.map((r) => [
    r.suite,
    r.name,
    fmt(r.ours.median),
    fmt(r.ours.min),
    r.refName ?? '—',
    fmt(r.ref?.median),
    fmt(r.ref?.min),
    r.ref ? (r.ours.median / r.ref.median).toFixed(2) : '—',
    r.anchor ? `${r.anchor.seconds} (${r.anchor.source})` : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 || i === 4 || i === 8 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  out(line(header));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) out(line(row));
  for (const r of rows) if (r.note) out(`  ${r.suite}/${r.name}: ${r.note}`);
}

/** The Python interpreter used for reference timings (override with AWD_BENCH_PYTHON). */
export const PYTHON = process.env.AWD_BENCH_PYTHON ?? '/usr/bin/python3';

/** True when `python -c 'import <module>'` succeeds. */
export function pythonHas(module: string): boolean {
  const r = spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * A long-lived Python process that answers one JSON line per request line, so reference timings
 * can be interleaved with ours (the same machine load for both). The script must read requests
 * from stdin line by line and print one JSON object per line, flushing after each.
 */
export class PythonSession {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: Array<(line: string) => void> = [];
  private stderr = '';
  private exited = false;

  constructor(script: string, args: string[] = []) {
    this.proc = spawn(PYTHON, ['-u', '-c', script, ...args]);
    this.proc.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
    this.proc.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.splice(0)) p('');
    });
  }

  /** Sends one request line and resolves with the parsed JSON answer. */
  request<T>(line: string): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`Error in PythonSession: the process has exited: ${this.stderr}`));
    return new Promise<T>((resolve, reject) => {
      this.pending.push((answer) => {
        if (answer === '') reject(new Error(`Error in PythonSession: no answer to '${line}': ${this.stderr}`));
        else resolve(JSON.parse(answer) as T);
      });
      this.proc.stdin.write(line + '\n');
    });
  }

  /** Ends the process. */
  close(): void {
    this.proc.stdin.end();
    this.lines.close();
  }
}
