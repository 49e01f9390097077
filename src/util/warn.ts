const seen = new Set<string>();

/** Emits a warning on stderr once per distinct message (like Python's default warning filter). */
export function warnOnce(message: string): void {
  if (seen.has(message)) return;
  seen.add(message);
  // Node: a process warning (stderr, --no-warnings, 'warning' events); browsers: the console.
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') process.emitWarning(message, { type: 'AwdWarning' });
  else console.warn(`AwdWarning: ${message}`);
}
