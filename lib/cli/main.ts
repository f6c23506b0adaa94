/**
 * What every command shares: argument parsing with --help, and turning problems into
 * messages and exit codes.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ExitCode, ProblemsError, formatProblem } from '../errors.js';
import { fsProblem, isFsError } from '../fs-problems.js';

export interface Command<V> {
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Whether the command writes files (its failures then say that nothing was written). @default true */
  readonly writes?: boolean;
  run(values: V, positionals: string[]): ExitCode | Promise<ExitCode>;
}

/** Runs a command with the process's arguments and exits with its code. */
export async function main<V>(command: Command<V>, argv = process.argv.slice(2)): Promise<never> {
  let code: ExitCode;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(command.usage);
      process.exit(ExitCode.ok);
    }
    code = await command.run(values as V, positionals);
  } catch (e) {
    if (e instanceof ProblemsError) {
      process.stderr.write(e.problems.map(formatProblem).join('\n') + '\n');
      const errors = e.problems.filter((p) => p.severity !== 'warning').length;
      process.stderr.write(`${errors} problem${errors === 1 ? '' : 's'}${command.writes === false ? '.' : '; nothing was written.'}\n`);
      code = e.exitCode;
    } else if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${e.message}\n\n${command.usage}`);
      code = ExitCode.badInput;
    } else if (isFsError(e)) {
      // a file the command wrote or read that the file system refused: a message, not a trace
      const p = fsProblem(e, e.path ?? 'a file', /^(open|read|stat|lstat|scandir|readlink|realpath)$/.test(e.syscall ?? '') ? 'reading' : 'writing');
      process.stderr.write(`${formatProblem(p)}\n1 problem${command.writes === false ? '.' : '; nothing was written.'}\n`);
      code = ExitCode.badInput;
    } else {
      throw e;
    }
  }
  process.exit(code);
}
