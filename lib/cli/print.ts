/**
 * The streams a command writes to, and problems as printed there (coloured on a terminal). Light
 * on purpose: lib/cli/fast.ts answers before the compiler is loaded and prints with these.
 */
import { ExitCode, formatLabelledProblem, type Problem } from '../errors.js';
import { fstatSync, readSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { fsProblem, isFsError } from '../fs-problems.js';
import { closedAtStart } from './closed-at-start.cjs';

/** Where a command writes text. */
export interface Writer {
  write(text: string): void;
  /** A terminal: colour (unless NO_COLOR; FORCE_COLOR colours any stream) and progress lines are allowed. */
  readonly isTTY?: boolean;
  /** Closed when the process started (`>&-`): what is written is lost (`closedAtStart`). */
  readonly closed?: boolean;
  /** A terminal's width in columns, as it is now (a window resized meanwhile): the progress line fits it. @default - not known */
  readonly columns?: number;
}

/** Where a command reads its standard input (`npm run check -- -`). */
export interface Reader {
  /** A terminal: nothing was piped in, and reading would wait for typing. */
  readonly isTTY?: boolean;
  /**
   * A pipe or a socket (`kubectl kustomize ... | npm run check -- -`), where nothing read means the command before
   * it wrote nothing; not so for /dev/null, an empty file or a standard input closed at the start (`<&-`, which
   * Node.js opens on /dev/null). @default true
   */
  readonly piped?: boolean;
  /** What there is until its end, at most `max` bytes (then the rest is left unread). */
  read(max: number): Uint8Array;
}

/** What a command runs with: the project directory, the environment and the streams. */
export interface Io {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Standard input, for the commands that read it (check's `-`). @default - none: `-` reads nothing */
  readonly stdin?: Reader;
  /** Milliseconds now, for the progress line (tests pass their own clock). @default Date.now */
  readonly clock?: () => number;
  /** What npm was given, run as an npm script (tests pass their own). @default - npm's log (lib/cli/npm-log.ts) */
  readonly npmArguments?: (env: Io['env']) => readonly string[] | undefined;
}

/**
 * Whether `writer` (stderr by default) is a terminal that reads ANSI escapes: not one whose TERM is
 * `dumb` (Emacs' shell, an editor's output pane, a serial console), which prints them as text.
 */
export function readsEscapes(io: Pick<Io, 'env' | 'stderr'>, writer: Writer = io.stderr): boolean {
  return writer.isTTY === true && io.env.TERM !== 'dumb';
}

/** The values of FORCE_COLOR that colour, as Node.js reads it (tty's getColorDepth): any other ('0', 'false', 'no', '4') colours nothing. */
const FORCE_COLOR_ON: readonly string[] = ['', '1', '2', '3', 'true'];

/**
 * Whether `writer` (stderr by default) may carry ANSI colour: a terminal that reads escapes
 * (`readsEscapes`), and no NO_COLOR (https://no-color.org); or wherever FORCE_COLOR is set to
 * colour (`FORCE_COLOR_ON`), while any other value (`0`, `false`) turns it off even on a terminal
 * (as Node.js reads it, before NO_COLOR: a CI log that renders colour, `| less -R`). The one rule for every command and stream: problems on
 * stderr, and check's text report on stdout (JSON and SARIF never). Progress lines stay a terminal's.
 */
export function useColor(io: Pick<Io, 'env' | 'stderr'>, writer: Writer = io.stderr): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return FORCE_COLOR_ON.includes(force);
  return readsEscapes(io, writer) && !io.env.NO_COLOR;
}

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', hint: '\x1b[2m' } as const;
const RESET = '\x1b[0m';

/**
 * A problem as printed on stderr: `formatLabelledProblem`'s text, with its `error:`/`warning:` label and
 * hint coloured when `color` is set.
 */
export function printProblem(p: Problem, color: boolean): string {
  const text = formatLabelledProblem(p);
  if (!color) return text;
  const label = p.severity === 'warning' ? 'warning:' : 'error:';
  return text.replace(label, `${COLORS[p.severity ?? 'error']}${label}${RESET}`).replace(/^( {2}hint: .*)$/m, `${COLORS.hint}$1${RESET}`);
}

/** Prints `problems` on stderr, one after another (nothing when there are none). */
export function printProblems(io: Pick<Io, 'env' | 'stderr'>, problems: readonly Problem[]): void {
  const color = useColor(io);
  if (problems.length) io.stderr.write(`${problems.map((p) => printProblem(p, color)).join('\n')}\n`);
}

/** What Node.js's stream of a pipe or socket is wrapped around (not part of its public API). */
interface StreamHandle {
  setBlocking?(blocking: boolean): number;
}

/** Whether the file descriptor `fd` is a pipe or a socket. */
function isPipe(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/**
 * The process's own directory, environment and streams. Writes to a pipe wait for the reader:
 * Node.js writes to a pipe without blocking and queues what does not fit, and then hands it over
 * 64 KiB per turn of its event loop (tens of megabytes of report through `| less` or into a CI
 * log: a tenth of the run); a blocking write lets the kernel hand it over as the reader reads.
 * Writes to a file go through `writeWhole`.
 */
export function processIo(): Io {
  if (!process.stdout.isTTY) (process.stdout as unknown as { _handle?: StreamHandle })._handle?.setBlocking?.(true);
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: { write: writer(process.stdout, 1), isTTY: process.stdout.isTTY === true, closed: !process.stdout.isTTY && closedAtStart(1) },
    stderr: {
      write: writer(process.stderr, 2),
      isTTY: process.stderr.isTTY === true,
      get columns() {
        return process.stderr.columns;
      },
    },
    // file descriptor 0 itself: process.stdin would make a stream of it, and read ahead what it does not need
    stdin: { isTTY: isatty(0), piped: isPipe(0), read: (max) => readWhole(0, max) },
  };
}

/**
 * Up to `max` bytes of the file descriptor `fd`, read until its end. A pipe another process left
 * non-blocking answers EAGAIN while its writer is still writing: waited for, 5 ms at a time.
 */
function readWhole(fd: number, max: number): Uint8Array {
  const buffer = Buffer.alloc(Math.min(max, 64 * 1024));
  let bytes = buffer;
  let n = 0;
  for (;;) {
    if (n === bytes.length) {
      if (n >= max) return bytes;
      const grown = Buffer.alloc(Math.min(max, bytes.length * 2));
      bytes.copy(grown);
      bytes = grown;
    }
    let got: number;
    try {
      got = readSync(fd, bytes, n, bytes.length - n, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      continue;
    }
    if (got === 0) return bytes.subarray(0, n);
    n += got;
  }
}

export { closedAtStart };

/** Whether the file descriptor `fd` is a file (or a device), which Node.js writes with one write(2) per chunk. */
function isFile(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFile() || st.isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * What writes `text` to `stream` (the process's stdout or stderr, file descriptor `fd`): a file by
 * `writeWhole`, anything else (a pipe, a terminal, a socket) through the stream, whose handle writes
 * every byte or fails.
 */
function writer(stream: NodeJS.WriteStream, fd: number): (text: string) => void {
  if (stream.isTTY || !isFile(fd)) return (text) => void stream.write(text);
  return (text) => writeWhole(stream, fd, text);
}

/**
 * Writes `text` to the file `fd` of `stream` whole, or fails on the stream. Node.js writes to a
 * file with one write(2) and takes what it returns as done: a file size limit (`ulimit -f`; Node.js
 * ignores SIGXFSZ) or a disk that fills up takes part of the text and the rest was lost without a
 * word, exit 0. Here each write goes on from where the last stopped, and the error the next one
 * gets (EFBIG, ENOSPC) is the stream's error (`quietWhenReaderLeaves`: one problem, exit 2);
 * after it, nothing more is written.
 */
export function writeWhole(stream: NodeJS.WritableStream & { destroy(e?: Error): void }, fd: number, text: string): void {
  // a stream of the process's stdio is not marked destroyed (Node.js keeps it open): failed streams are remembered here
  if (failedStreams.has(stream)) return;
  const bytes = Buffer.from(text);
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
  } catch (e) {
    failedStreams.add(stream);
    // the error event, emitted on the next tick, as the stream emits its own
    stream.destroy(e as Error);
  }
}

/** The streams `writeWhole` could not write: nothing more is written to them. */
const failedStreams = new WeakSet<object>();

/** What the command has written to files so far (`dist/`), for the message when its report cannot be printed. */
let wrote: string | undefined;

/**
 * Says that the command has written `what` (`dist/`): a report that fails after this says so, as
 * the files stand, and so does a failure of the command (lib/cli/main.ts); undefined as a command starts.
 */
export function noteWritten(what: string | undefined): void {
  wrote = what;
}

/** What the running command has written so far (`noteWritten`), or undefined. */
export function writtenSoFar(): string | undefined {
  return wrote;
}

/**
 * A reader of the process's output that goes away (`npm run check -- x | head`) ends it quietly.
 * Any other failure to write (a full disk behind `> report.json`) is one problem on stderr and exit
 * code 2, as for any file the command cannot write, saying what the command wrote before it
 * (`noteWritten`: a synthesis's `dist/` stands); thrown from the stream's error event, it was
 * an uncaught exception printing a line of the command's bundle (tens of KB) and a stack trace.
 */
export function quietWhenReaderLeaves(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      stream.destroy();
      // what is left is not wanted
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      process.exitCode = ExitCode.badInput;
      // a failing stderr says nothing more
      if (stream === process.stderr || process.stderr.destroyed) return;
      const error = isFsError(e) ? e : Object.assign(new Error(e.message), { code: 'EIO' });
      const color = useColor({ env: process.env, stderr: process.stderr });
      const problem = fsProblem(error, 'standard output', 'writing');
      // exit 2 as for any file the command cannot write, but what it already wrote stands
      // what was written stands: the command run again would not say it again, nor do it again (a switch switches back)
      const told =
        wrote === undefined
          ? problem
          : {
              ...problem,
              message: `${problem.message}; ${wrote} was written before, only this report is missing`,
              hint: [
                problem.hint?.replace(/,? (?:and|then) run (?:the command )?again$/, ''),
                'git diff shows what was written: the command run again does not do it again (a switch switches back, a promotion finds nothing to promote)',
              ]
                .filter((h) => h)
                .join('; '),
            };
      process.stderr.write(`${printProblem(told, color)}\n`);
    });
  }
}
