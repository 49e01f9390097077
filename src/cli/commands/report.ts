/** `awd report`: (re)render the self-contained HTML report of a run directory. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { renderReport } from '../../report/html.ts';
import { readStudyRun, studyRunInputs } from '../../studies/write.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import { existingDir, readInput } from '../args.ts';
import { refuseOverwrite } from '../paths.ts';
import { contextOf } from '../context.ts';

export function addReportCommand(program: Command): void {
  program
    .command('report')
    .description('write RUN_DIR/report.html: tables, figures, learned wavelets, training curves, findings and settings in one offline page')
    .argument('<RUN_DIR>', 'a run directory written by `awd demo` (holds run.json)')
    .option('--out <file.html>', 'write the page here instead of RUN_DIR/report.html')
    .action((dir: string, o: { out?: string }, c: Command) => {
      const ctx = contextOf(c);
      existingDir('RUN_DIR', dir);
      const out = o.out ?? join(dir, 'report.html');
      const inputs = readInput(() => studyRunInputs(dir));
      refuseOverwrite(inputs.map((path) => ({ option: 'RUN_DIR', path })), [{ option: '--out', path: out }]);
      const result = readInput(() => readStudyRun(dir));
      const html = renderReport(result);
      writeFileAtomic(out, html);
      ctx.say(`report of '${result.title}' written to ${out} (${result.tables.length} tables, ${result.figures.length} figures, ${(html.length / 1024).toFixed(0)} KiB)`);
      ctx.result({ report: out, study: result.study, tables: result.tables.length, figures: result.figures.length, bytes: Buffer.byteLength(html) });
    });
}
