/**
 * What every command shares: the streams and environment a command runs with (`Io`, injectable, so
 * that tests run commands in this process), --help and --version, and turning problems into messages
 * and exit codes; the command line is read in ./arguments.ts, and what npm took of it in
 * ./npm-options.ts. Nothing here ends the process: `main`
 * returns the exit code, and only the entry points (lib/cli/run.cjs, or a command file started
 * directly) hand it to the process, which then ends once its output has drained (./process.ts).
 */
import { accessSync, constants } from 'node:fs';
import { ExitCode, ProblemsError, escapeName } from '../errors.js';
import { escapeInvisible } from '../model/invisible-characters.js';
import { COMPILER_VERSION } from '../compile.js';
import { fsProblem, isFsError } from '../fs-problems.js';
import { releaseHeldLocks } from './lock.js';
import { forgetCompilerDigests } from './digests.js';
import { forgetCheckoutAnswers } from './delivery-checkout.js';
import { unkeptState } from './unkept-state.js';
import { noteWritten, printProblem, printProblems, readsEscapes, useColor, writtenSoFar, type Io } from './print.js';
import { discardRenderCache } from './project.js';
import { forgetSpares } from '../synth/full-disk.js';
import { useValidatorStore } from '../model/validator-code.js';
import { diskValidatorStore } from './validator-store.js';
import type { Command } from './command.js';
import { fromProject, parseOptions } from './arguments.js';
import { npmTookMeant } from './npm-meant.js';
import { npmTookNoCache, npmTookValues, optionsNpmKept, withNpmNotes } from './npm-options.js';

const validatorStore = diskValidatorStore();

export type { Io, Writer } from './print.js';
export type { Command } from './command.js';
export { callerDir, commonOptionsHelp, givenPath, refusePositionals, takeArguments, type ArgumentsHelp } from './arguments.js';

/**
 * The exit codes that end a command's help: 1 as `failed` says what it means for that command (each
 * exits 1 for reasons of its own, and diff, which writes nothing, only when the checks find errors in
 * a stage it compiled); `ok` what 0 means; `bad` the bad input of 2 (secrets reads no manifest, and
 * exits 2 for a key without a value).
 */
export function exitCodesHelp(
  failed: string,
  ok = 'ok',
  bad = 'a stage file, the command line, a file that is not Kubernetes YAML',
): string {
  return `Exit codes:
  0  ${ok}
  1  ${failed}
  2  bad input (${bad})
`;
}

export { printProblem, useColor } from './print.js';

/** Runs `command` with `argv` (the arguments after the command's name) and returns its exit code. */
export function main<V>(command: Command<V>, argv: readonly string[], io: Io): ExitCode {
  const color = useColor(io);
  noteWritten(undefined);
  // nothing run in-process before this command (a test's render cache of its own) gives room back for it
  forgetSpares();
  // compiled validators are kept between runs (lib/model/validator-code.ts)
  useValidatorStore(validatorStore);
  // what stood in the way of the state files is said once per command (an earlier command in-process said its own)
  unkeptState();
  try {
    const { values, positionals } = parseOptions(command, argv);
    refuseClosedStdout(command, Boolean(values.help || values.version), io);
    if (values.help) {
      io.stdout.write(command.usage);
      return ExitCode.ok;
    }
    if (values.version) {
      io.stdout.write(`stagecraft ${COMPILER_VERSION}\n`);
      return ExitCode.ok;
    }
    const lost = [
      ...npmTookValues(command, values, positionals, argv, io.env, io.npmArguments),
      ...npmTookNoCache(command, values, positionals, io.env, io.npmArguments),
      ...npmTookMeant(command, values, positionals, io.env, io.npmArguments),
    ];
    if (lost.length) throw new ProblemsError(lost);
    const kept = optionsNpmKept(command, values, io.env);
    try {
      return command.run(values as V, positionals, io);
    } catch (e) {
      throw e instanceof ProblemsError && kept.length ? withNpmNotes(e, kept, command) : e;
    }
  } catch (e) {
    return reportFailure(e, command, io, color);
  } finally {
    // best effort, never a failure: said last, once, whatever the command's outcome
    printProblems(io, unkeptState());
    // a command run in-process (tests, tools) must not keep the project locked, nor leave
    // unflushed render-cache entries behind, after it returns
    discardRenderCache();
    // what may give room back on a full disk is this command's (lib/synth/full-disk.ts)
    forgetSpares();
    releaseHeldLocks();
    // the next command run in-process takes the compiler's digests afresh (lib/cli/digests.ts)
    forgetCompilerDigests();
    forgetCheckoutAnswers();
  }
}

/**
 * Stdout closed (`>&-`, `Io.stdout.closed`): --help and --version, whose printing is all they do, are
 * refused; a command is told, once, and runs, since its exit code is a verdict (synth written, check
 * current, diff's errors, secrets' keys without a value) that a program starting it with its output
 * discarded (/dev/null opened the same way: Python's subprocess.DEVNULL, Node.js's 'ignore') counts on.
 * @throws ProblemsError (bad input) for --help and --version
 */
function refuseClosedStdout<V>(command: Command<V>, printsOnly: boolean, io: Io): void {
  if (!io.stdout.closed) return;
  const fix = 'give it somewhere to go (> file, | less), or > /dev/null to discard it on purpose';
  const closed = 'standard output is closed (>&-) or /dev/null opened for reading and writing';
  if (printsOnly)
    throw new ProblemsError([{ code: 'cli/stdout-closed', message: `${closed}, so what ${command.name} prints would be lost`, hint: fix }]);
  printProblems(io, [
    {
      code: 'cli/stdout-closed',
      severity: 'warning',
      message: `${closed}, so what ${command.name} prints is lost (its exit code stands)`,
      hint: fix,
    },
  ]);
}

/** A failure as messages and an exit code; anything but a problem, a bad command line or a file-system error is a bug: rethrown. */
function reportFailure<V>(e: unknown, command: Command<V>, io: Io, color: boolean): ExitCode {
  // what a command that writes did before it failed: nothing, or (a synthesis) dist/, which stands
  const written = writtenSoFar();
  const outcome =
    command.writes === false ? '.' : written ? `; ${written} was written before it (its files stand).` : '; nothing was written.';
  if (e instanceof ProblemsError) {
    io.stderr.write(e.problems.map((p) => printProblem(p, color)).join('\n') + '\n');
    const errors = e.problems.reduce((n, p) => (p.severity === 'warning' ? n : n + (p.counts ?? 1)), 0);
    io.stderr.write(`${errors} problem${errors === 1 ? '' : 's'}${outcome}\n`);
    return e.exitCode;
  }
  if (isFsError(e)) {
    // a file the command wrote or read that the file system refused: a message, not a trace
    const p = fsProblem(e, e.path ?? 'a file', wasReading(e) ? 'reading' : 'writing', (path) => fromProject(io, path));
    io.stderr.write(`${printProblem(p, color)}\n1 problem${outcome}\n`);
    return ExitCode.badInput;
  }
  throw e;
}

/** Codes of an open(2) that can refuse the creation or the writing of a file as well as its reading. */
const REFUSALS = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EDQUOT']);

/**
 * Whether the file-system error `e` came from reading its file. An error of open(2) does not say
 * why the file was opened: one that refused to open a file that is not there (to create it, as a
 * lock or a temporary file is) or one that can be read (to write it) was writing; read-only file
 * systems refuse writes only.
 */
function wasReading(e: NodeJS.ErrnoException): boolean {
  const syscall = e.syscall ?? '';
  if (/^(read|stat|lstat|scandir|readlink|realpath)$/.test(syscall)) return true;
  if (syscall !== 'open') return false;
  if (e.code === 'EROFS') return false;
  if (!REFUSALS.has(e.code ?? '') || e.path === undefined) return true;
  try {
    accessSync(e.path, constants.R_OK);
    return false;
  } catch (again) {
    return (again as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * A progress line on a terminal for work that takes a while: `update` rewrites one stderr line,
 * shown only once `delayMs` have passed since the start, and `during` clears it after the work
 * (before any problem is printed). Silent when
 * stderr is not a terminal that reads escapes (pipes and files, and a TERM=dumb terminal, get no progress lines).
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
      if (!readsEscapes(io) || now() - start < delayMs) return;
      io.stderr.write(`\r\x1b[2K${progressLine(text, io.stderr.columns)}`);
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

/**
 * Characters a terminal shows two columns wide: the East Asian wide and full-width ones, and the emoji
 * shown as emoji by default (`Emoji_Presentation`: 🚀 U+1F680, 🫠, ⌚, ⭐, not only the two blocks of
 * faces and symbols) but the regional indicators, one column each (a flag, two of them, takes two).
 * A count too high cuts the line early; one too low lets it wrap, which the update cannot clear.
 */
const WIDE =
  /(?![\u{1f1e6}-\u{1f1ff}])\p{Emoji_Presentation}|[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{16fe0}-\u{16fe4}\u{17000}-\u{18aff}\u{1b000}-\u{1b2ff}\u{1f200}-\u{1f2ff}\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
/** Characters a terminal draws over the one before them (combining marks), in no column of their own. */
const COMBINING = /[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff\ufe20-\ufe2f]/u;
const columnsOf = (c: string): number => (COMBINING.test(c) ? 0 : WIDE.test(c) ? 2 : 1);

/**
 * `text` as the progress line shows it: each control character as a name's escape (a file's name
 * may hold ESC), and cut with `…` to fit a terminal `columns` wide (less one: some terminals wrap at
 * once on the last column), since a line that wraps is cleared only on its last row, leaving a row
 * above at every update. Undefined `columns` (a width not known): as it is.
 */
export function progressLine(text: string, columns: number | undefined): string {
  const shown = escapeInvisible(escapeName(text));
  const chars = [...shown];
  const widths = chars.map(columnsOf);
  const room = (columns ?? 0) - 1;
  if (columns === undefined || room < 1 || widths.reduce((a, b) => a + b, 0) <= room) return shown;
  let cut = '';
  for (let i = 0, used = 0; i < chars.length && used + widths[i] <= room - 1; used += widths[i++]) cut += chars[i];
  return `${cut}…`;
}

export interface Progress {
  /** Shows `text` as the progress line (once the delay has passed, on a terminal). */
  update(text: string): void;
  /** Runs `work` and clears the line after it, whether it succeeds or throws. */
  during<T>(work: () => T): T;
}
