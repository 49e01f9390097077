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

/** CPU time (user + system) of this process so far, in seconds. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Runs `fn` once and returns its wall-clock and CPU time in seconds. On a shared machine the CPU
 * time is the steadier of the two (it leaves out the time other processes held the cores), but
 * it also counts the JIT's and garbage collector's helper threads.
 */
export async function measureOnce(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await fn();
  return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

/**
 * Times `fn` `reps` times after `warmup` untimed runs (default 2, so the JIT has compiled the
 * hot loops) and returns the median, min and max wall-clock time in seconds.
 */
export async function timeIt(fn: () => unknown, reps = 5, warmup = 2): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push((await measureOnce(fn)).wall);
  return summarize(times);
}

/** One row of a result table. `ref` is the reference implementation's time, when measured. */
export interface BenchRow {
  suite: string;
  name: string;
  /** Wall-clock time. */
  ours: Timing;
  /** CPU time, when measured. */
  oursCpu?: Timing;
  ref?: Timing;
  refCpu?: Timing;
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

function ratio(a: Timing | undefined, b: Timing | undefined): string {
  return a && b ? (a.median / b.median).toFixed(2) : '—';
}

/**
 * Prints rows as an aligned text table: medians in seconds (wall clock, then CPU time), the
 * ratios ours / reference, and the anchor.
 */
export function printTable(rows: BenchRow[], out: (line: string) => void = console.log): void {
  const header = ['suite', 'workload', 'ours (s)', 'reference', 'ref (s)', 'ours/ref', 'ours cpu', 'ref cpu', 'cpu ratio', 'anchor (s)'];
  const left = new Set([0, 1, 3, 9]);
  const body = rows.map((r) => [
    r.suite,
    r.name,
    fmt(r.ours.median),
    r.refName ?? '—',
    fmt(r.ref?.median),
    ratio(r.ours, r.ref),
    fmt(r.oursCpu?.median),
    fmt(r.refCpu?.median),
    ratio(r.oursCpu, r.refCpu),
    r.anchor ? `${r.anchor.seconds} (${r.anchor.source})` : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
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
