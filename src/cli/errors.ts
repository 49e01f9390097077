/**
 * Errors of the `awd` command: a `UsageError` is a bad argument or file named by the user; the
 * library's `AwdError`s already say what is wrong. Both end in one line on stderr.
 * @module
 */

/** A bad command-line argument or input file (printed as `awd: <message>`, exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The one-line message of any thrown value (newlines folded, trailing whitespace removed). */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s*\n\s*/g, ' ').trim();
}
