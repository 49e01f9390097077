/** Runs fn with process warnings silenced: some fixture cases make the transforms warn on purpose. */
export const quiet = <T>(fn: () => T): T => {
  const orig = process.emitWarning;
  process.emitWarning = (() => {}) as typeof process.emitWarning;
  try {
    return fn();
  } finally {
    process.emitWarning = orig;
  }
};
