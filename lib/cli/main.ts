/**
 * What every command shares: argument parsing with --help and --version, the streams and
 * environment a command runs with (`Io`, injectable, so that tests run commands in this process),
 * and turning problems into messages and exit codes. Nothing here ends the process: `main`
 * returns the exit code, and only the entry points (lib/cli/run.cjs, or a command file started
 * directly) hand it to the process, which then ends once its output has drained (./process.ts).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ExitCode, ProblemsError } from '../errors.js';
import { COMPILER_VERSION } from '../compile.js';
import { fsProblem, isFsError } from '../fs-problems.js';
import { releaseHeldLocks } from './lock.js';
import { forgetCompilerDigests } from './digests.js';
import { printProblem, useColor, type Io } from './print.js';
import { discardRenderCache } from './project.js';
import { useValidatorStore } from '../model/validator-code.js';
import { diskValidatorStore } from './validator-store.js';

const validatorStore = diskValidatorStore();

export type { Io, Writer } from './print.js';

export interface Command<V> {
  /** The name after `npm run`, e.g. `synth`. */
  readonly name: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Whether the command writes files (its failures then say that nothing was written). @default true */
  readonly writes?: boolean;
  run(values: V, positionals: string[], io: Io): ExitCode;
}

/** The exit codes as every command's help and the README state them. */
export const EXIT_CODES_HELP = `Exit codes: 0 ok, 1 a check failed or the command was refused (nothing written),
2 bad input (a stage file, the command line, a file that is not Kubernetes YAML).
`;

export { printProblem, useColor } from './print.js';

/** Runs `command` with `argv` (the arguments after the command's name) and returns its exit code. */
export function main<V>(command: Command<V>, argv: readonly string[], io: Io): ExitCode {
  const color = useColor(io);
  // compiled validators are kept between runs (lib/model/validator-code.ts)
  useValidatorStore(validatorStore);
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...command.options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } },
      allowPositionals: true,
    });
    if (values.help) {
      io.stdout.write(command.usage);
      return ExitCode.ok;
    }
    if (values.version) {
      io.stdout.write(`stagecraft ${COMPILER_VERSION}\n`);
      return ExitCode.ok;
    }
    return command.run(values as V, positionals, io);
  } catch (e) {
    return reportFailure(e, command, io, color);
  } finally {
    // a command run in-process (tests, tools) must not keep the project locked, nor leave
    // unflushed render-cache entries behind, after it returns
    discardRenderCache();
    releaseHeldLocks();
    // the next command run in-process takes the compiler's digests afresh (lib/cli/digests.ts)
    forgetCompilerDigests();
  }
}

/** A failure as messages and an exit code; anything but a problem, a bad command line or a file-system error is a bug: rethrown. */
function reportFailure<V>(e: unknown, command: Command<V>, io: Io, color: boolean): ExitCode {
  if (e instanceof ProblemsError) {
    io.stderr.write(e.problems.map((p) => printProblem(p, color)).join('\n') + '\n');
    const errors = e.problems.reduce((n, p) => (p.severity === 'warning' ? n : n + (p.counts ?? 1)), 0);
    io.stderr.write(`${errors} problem${errors === 1 ? '' : 's'}${command.writes === false ? '.' : '; nothing was written.'}\n`);
    return e.exitCode;
  }
  if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`${printProblem({ code: 'cli/arguments', message: e.message }, color)}\n\n${command.usage}`);
    return ExitCode.badInput;
  }
  if (isFsError(e)) {
    // a file the command wrote or read that the file system refused: a message, not a trace
    const p = fsProblem(
      e,
      e.path ?? 'a file',
      /^(open|read|stat|lstat|scandir|readlink|realpath)$/.test(e.syscall ?? '') ? 'reading' : 'writing',
    );
    io.stderr.write(`${printProblem(p, color)}\n1 problem${command.writes === false ? '.' : '; nothing was written.'}\n`);
    return ExitCode.badInput;
  }
  throw e;
}

/** @throws ProblemsError (bad input) when a command that takes no positional arguments got some */
export function refusePositionals(command: string, positionals: readonly string[], form: string): void {
  if (positionals.length) {
    throw new ProblemsError([
      {
        code: 'cli/arguments',
        message: `npm run ${command} takes no arguments but options (found ${positionals.map((p) => `'${p}'`).join(' ')})`,
        hint: form,
      },
    ]);
  }
}

/**
 * A progress line on a terminal for work that takes a while: `update` rewrites one stderr line,
 * shown only once `delayMs` have passed since the start, and `during` clears it after the work
 * (before any problem is printed). Silent when
 * stderr is not a terminal (pipes and files get no progress lines).
 */
export function progress(io: Io, delayMs = 1000): Progress {
  const now = io.clock ?? Date.now;
  const start = now();
  let shown = false;
  const done = () => {
    if (shown) io.stderr.write('\r\x1b[2K');
    shown = false;
  };
  return {
    update(text) {
      if (!io.stderr.isTTY || now() - start < delayMs) return;
      io.stderr.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    during(work) {
      try {
        return work();
      } finally {
        done();
      }
    },
  };
}

export interface Progress {
  /** Shows `text` as the progress line (once the delay has passed, on a terminal). */
  update(text: string): void;
  /** Runs `work` and clears the line after it, whether it succeeds or throws. */
  during<T>(work: () => T): T;
}
