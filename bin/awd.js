#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`; `npm ci` and `npm test` build it).
try {
  await import('../dist/cli/main.js');
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/main.js')) {
    process.stderr.write('awd: the compiled CLI (dist/) is missing; run `npm run build` in the awd folder\n');
    process.exitCode = 1;
  } else {
    throw e;
  }
}
