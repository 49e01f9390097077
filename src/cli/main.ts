/**
 * The `awd` command. Every failure ends in one line on stderr, `awd: <message>`, and a non-zero
 * exit code (2 for a bad argument or file, 1 otherwise); `--debug` adds the stack trace.
 * @module
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.ts';
import { initialSetting } from '../wavelets/simdKernels.ts';
import { oneLine } from './errors.ts';
import { addDemoCommand } from './commands/demo.ts';
import { addDistillCommands } from './commands/distill.ts';
import { addFitCommand } from './commands/fit.ts';
import { addInspectCommand } from './commands/inspect.ts';
import { addReportCommand } from './commands/report.ts';
import { addSweepCommand } from './commands/sweep.ts';
import { addTeacherCommand } from './commands/teacher.ts';
import { addTransformCommand } from './commands/transform.ts';

/** The commander program with every subcommand. */
export function buildProgram(): Command {
  const program = new Command('awd')
    .description('Adaptive wavelet distillation: distil a trained neural network into a learned wavelet and a tiny interpretable predictor')
    .version(VERSION, '-V, --version')
    .option('--json', 'print machine-readable results (JSON) on stdout, and nothing else there')
    .option('-q, --quiet', 'no progress bars and no human-readable output')
    .option('--debug', 'print stack traces of errors')
    .showSuggestionAfterError(true)
    .addHelpText('after', `
Start here:
  awd demo                       the synthetic study (about 5 minutes), report in runs/synthetic/report.html
  awd teacher train --kind mlp --data X.npy --target y.npy --out teacher/
  awd teacher grads --teacher teacher/ --data X.npy --out G.npy
  awd fit --data X.npy --grads G.npy --lambda 0.005 --gamma 0.043 --out wavelet.json
  awd inspect wavelet.json --plot wavelet.svg
Docs: docs/cli.md, docs/tutorial.md`);
  addDemoCommand(program);
  addFitCommand(program);
  addSweepCommand(program);
  addTeacherCommand(program);
  addTransformCommand(program);
  addInspectCommand(program);
  addReportCommand(program);
  addDistillCommands(program);
  const configure = (cmd: Command): void => {
    cmd.exitOverride().configureOutput({
      outputError: (str, write) => write(`awd: ${oneLine(str.replace(/^error: /, ''))}\n`),
    });
    cmd.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs the command line `argv` (without `node` and the script); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    initialSetting(); // a bad AWD_KERNELS is a bad argument: one line, exit 2
  } catch (e) {
    process.stderr.write(`awd: ${oneLine(e)}\n`);
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit with 0; parse errors were already printed as one line.
      return e.exitCode === 0 ? 0 : 2;
    }
    const err = e as Error;
    process.stderr.write(`awd: ${oneLine(err)}\n`);
    if (debug && err?.stack) process.stderr.write(err.stack + '\n');
    return err?.name === 'UsageError' ? 2 : 1;
  }
}

/** Prints process warnings as one line each, `awd: warning: <message>` (instead of Node's two-line format). */
export function oneLineWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (w: Error) => {
    if (w.name === 'DeprecationWarning' || w.name === 'ExperimentalWarning') return;
    process.stderr.write(`awd: warning: ${oneLine(w)}\n`);
  });
}

const isMain = process.argv[1] !== undefined && /(?:bin[\\/]awd(?:\.js)?|cli[\\/]main\.ts)$/.test(process.argv[1]);
/**
 * A closed stdout or stderr (`awd --help | head -3`) ends the command quietly, as every Unix
 * tool does, instead of an unhandled EPIPE error.
 */
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

if (isMain) {
  quietOnClosedPipe();
  oneLineWarnings();
  const code = await runCli(process.argv.slice(2));
  process.exitCode = code;
}
