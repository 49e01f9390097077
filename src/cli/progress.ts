/**
 * Progress bars on stderr (cli-progress), drawn only when stderr is a terminal and not `--quiet`,
 * so pipes, logs and `--json` output stay clean.
 * @module
 */
import cliProgress from 'cli-progress';

/** A progress bar that does nothing when disabled. */
export interface Progress {
  /** Sets the value (and optionally the total and a status text). */
  update(value: number, total?: number, status?: string): void;
  stop(): void;
}

const NOOP: Progress = { update() {}, stop() {} };

/** True when bars should be drawn. */
export function barsEnabled(quiet: boolean): boolean {
  return !quiet && Boolean(process.stderr.isTTY) && Boolean(process.stdout.isTTY);
}

/** A bar labelled `label`, or a no-op when bars are disabled. */
export function progressBar(label: string, total: number, enabled: boolean): Progress {
  if (!enabled) return NOOP;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(14)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} | ETA {eta_formatted} {status}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
      barsize: 28,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(1, total), 0, { status: '' });
  let stopped = false;
  return {
    update(value, newTotal, status) {
      if (stopped) return;
      if (newTotal !== undefined) bar.setTotal(Math.max(1, newTotal));
      bar.update(value, { status: status ?? '' });
    },
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

/**
 * A bar per phase for study progress `(phase, done, total)`: a new bar starts when the phase
 * changes. Without bars, `log` (when given) gets one line per phase as it starts, with the time,
 * so a long run written to a file shows where it is.
 */
export function phaseBars(
  enabled: boolean, log?: (line: string) => void,
): { onProgress: (phase: string, done: number, total: number) => void; stop(): void } {
  let current: Progress = NOOP;
  let phase = '';
  const t0 = Date.now();
  return {
    onProgress(p, done, total) {
      if (p !== phase) {
        current.stop();
        phase = p;
        current = progressBar(p, total, enabled);
        if (!enabled && log) log(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${p} (${total} steps)`);
      }
      current.update(done, total);
    },
    stop() {
      current.stop();
    },
  };
}
