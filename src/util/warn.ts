const seen = new Set<string>();

/** Emits a warning on stderr once per distinct message (like Python's default warning filter). */
export function warnOnce(message: string): void {
  if (seen.has(message)) return;
  seen.add(message);
  process.emitWarning(message, { type: 'AwdWarning' });
}
