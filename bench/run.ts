/**
 * `npm run bench [-- FILTER…]`: runs every registered benchmark suite, or those whose name
 * contains one of the filters (`npm run bench -- wavelets`), and prints one table.
 *
 * To add a suite: write `bench/<name>.ts` that calls `registerSuite` (see `bench/harness.ts`)
 * and import it below.
 * @module
 */
import { cpus } from 'node:os';
import { printTable, suites, type BenchRow } from './harness.ts';
import './wavelets.ts';
import './awd.ts';
import './distill.ts';

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = suites().filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
if (chosen.length === 0) {
  console.error(`No suite matches ${filters.join(', ')}; registered: ${suites().map((s) => s.name).join(', ')}`);
  process.exitCode = 1;
} else {
  console.log(`node ${process.version}, ${cpus().length} CPU(s): ${cpus()[0]?.model ?? 'unknown'}`);
  const rows: BenchRow[] = [];
  for (const s of chosen) {
    console.log(`running ${s.name}: ${s.description}`);
    rows.push(...(await s.run()));
  }
  console.log('');
  printTable(rows);
}
