/**
 * What every command shares: argument parsing with --help and --version, the streams and
 * environment a command runs with (`Io`, injectable, so that tests run commands in this process),
 * and turning problems into messages and exit codes. Nothing here ends the process: `main`
 * returns the exit code, and only the entry points (lib/cli/run.cjs, or a command file started
 * directly) hand it to the process, which then ends once its output has drained (./process.ts).
 */
import { accessSync, constants } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ExitCode, ProblemsError, shellWord, type Problem } from '../errors.js';
import { didYouMean } from '../model/did-you-mean.js';
import { COMPILER_VERSION } from '../compile.js';
import { fsProblem, isFsError } from '../fs-problems.js';
import { releaseHeldLocks } from './lock.js';
import { forgetCompilerDigests } from './digests.js';
import { noteWritten, printProblem, readsEscapes, useColor, writtenSoFar, type Io } from './print.js';
import { discardRenderCache } from './project.js';
import { useValidatorStore } from '../model/validator-code.js';
import { diskValidatorStore } from './validator-store.js';
import { isWithin } from './read-file.js';

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

/**
 * The exit codes that end a command's help: 0 and 2 as every command has them, 1 as `failed` says
 * what it means for that command (each exits 1 for reasons of its own, and diff, which writes
 * nothing, only when the checks find errors in a stage it compiled); `ok` what 0 means.
 */
export function exitCodesHelp(failed: string, ok = 'ok'): string {
  return `Exit codes:
  0  ${ok}
  1  ${failed}
  2  bad input (a stage file, the command line, a file that is not Kubernetes YAML)
`;
}

export { printProblem, useColor } from './print.js';

/** Runs `command` with `argv` (the arguments after the command's name) and returns its exit code. */
export function main<V>(command: Command<V>, argv: readonly string[], io: Io): ExitCode {
  const color = useColor(io);
  noteWritten(undefined);
  // compiled validators are kept between runs (lib/model/validator-code.ts)
  useValidatorStore(validatorStore);
  try {
    const { values, positionals } = parseOptions(command, argv);
    if (values.help) {
      io.stdout.write(command.usage);
      return ExitCode.ok;
    }
    if (values.version) {
      io.stdout.write(`stagecraft ${COMPILER_VERSION}\n`);
      return ExitCode.ok;
    }
    const kept = optionsNpmKept(command, values, io.env);
    try {
      return command.run(values as V, positionals, io);
    } catch (e) {
      throw e instanceof ProblemsError && kept.length ? withNpmNotes(e, kept, command) : e;
    }
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

/**
 * The absolute `path` from the project directory, as every message names files (`.` for the
 * directory itself), when it is in it; as it is otherwise.
 */
function fromProject(io: Io, path: string): string {
  const rel = relative(io.cwd, path);
  if (rel === '') return '.';
  return isWithin(io.cwd, path) ? rel : path;
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

/** The options every command takes besides its own. */
const COMMON_OPTIONS = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } } as const;

/** How each command's help says the options of COMMON_OPTIONS: one table, so that no command says them otherwise. */
const COMMON_OPTIONS_HELP: readonly (readonly [string, string])[] = [
  ['-h, --help', 'show this help'],
  ['-V, --version', 'print the version'],
];

/** The rows of COMMON_OPTIONS_HELP for the end of a command's Options table, whose descriptions start at `column`. */
export function commonOptionsHelp(column: number): string {
  return COMMON_OPTIONS_HELP.map(([option, what]) => `  ${option.padEnd(column - 2)}${what}`).join('\n');
}

/**
 * The command line as options and positional arguments. Parsed by Node.js's parseArgs without its
 * strict mode, whose errors are its own text (an unbalanced quote, advice to pass the option as a
 * stage name) and name no option: each option is checked here instead, as the strict mode would
 * (unknown, a value missing or not taken), every problem at once with a "did you mean".
 * @throws ProblemsError (bad input) naming every option that is wrong
 */
function parseOptions<V>(command: Command<V>, argv: readonly string[]) {
  const options: Command<V>['options'] = { ...command.options, ...COMMON_OPTIONS };
  const parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  const help = `npm run ${command.name} -- --help lists the options`;
  const problems: Problem[] = [];
  // the value each option of one value was given first: a second, other value would win silently
  const given = new Map<string, string>();
  let position = 0; // of the positional argument, counted from 1
  for (const token of parsed.tokens) {
    if (token.kind === 'positional') position++;
    if (token.kind === 'positional' && token.value === '') {
      // what "$STAGE" gives when the variable is unset or empty: no name to match, nor to guess one from
      problems.push({
        code: 'cli/usage',
        message: `argument ${position} is empty ('')`,
        hint: `a shell variable that is unset or empty gives one (npm run ${command.name} -- "$NAME" with no NAME set): set it; ${help.replace(' options', ' arguments and options')}`,
      });
    }
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option?.type === 'string' && !option.multiple && token.value !== undefined) {
      const first = given.get(token.name);
      if (first === undefined) given.set(token.name, token.value);
      else if (first !== token.value)
        problems.push({
          code: 'cli/usage',
          message: `option '--${token.name}' is given twice ('${first}', then '${token.value}'), and it takes one value`,
          hint: `give --${token.name} once; ${help}`,
        });
    }
    if (!option) {
      const guess = didYouMean(token.name, Object.keys(options), { prefix: true });
      problems.push({
        code: 'cli/usage',
        message: `unknown option '${token.rawName}'${guess ? `; did you mean '--${guess}'?` : ''}`,
        hint: help,
      });
    } else if (option.type === 'string' && (token.value === undefined || (!token.inlineValue && /^-./.test(token.value)))) {
      // `--app --force`: the next argument is an option, not the value (the strict mode refuses it too)
      const form = new RegExp(`--${token.name} (<[^>]+>)`).exec(command.usage)?.[1] ?? '<value>';
      problems.push({
        code: 'cli/usage',
        message: `option '${token.rawName}' needs a value${token.value === undefined ? '' : ` (found the option '${token.value}')`}`,
        hint: `write --${token.name} ${form}${token.value === undefined ? '' : `, or --${token.name}=${token.value} if '${token.value}' is the value`}; ${help}`,
      });
    } else if (option.type === 'string' && token.value === '') {
      problems.push({
        code: 'cli/usage',
        message: `option '${token.rawName}' is given an empty value`,
        hint: `a shell variable that is unset or empty gives one (--${token.name} "$NAME" with no NAME set): set it; ${help}`,
      });
    } else if (option.type === 'boolean' && token.value !== undefined) {
      problems.push({ code: 'cli/usage', message: `option '${token.rawName}' takes no value (found '${token.value}')`, hint: help });
    }
  }
  if (problems.length) throw new ProblemsError(problems);
  return parsed;
}

/**
 * An option of a command that npm may have taken for itself, given before `--` (`npm run promote test qa
 * --force`): npm keeps it in the script's environment as `trace` and passes the rest on (the value of
 * `--app web` as an argument). The same variables come from an .npmrc (`force=true`) or the environment
 * (an exported npm_config_force), which the command cannot tell from the command line: they are told
 * where the command's outcome depends on the option (`withNpmNotes`), never a reason to refuse alone.
 */
interface NpmKept {
  readonly option: string;
  /** The variables npm set (`npm_config_force`; `--app` is npm's `-a -p`: `npm_config_all and npm_config_parseable`). */
  readonly trace: string;
  /** Whether the option takes a value, which npm passed on as an argument when given apart (`--app web`). */
  readonly takesValue: boolean;
}

/**
 * The variables npm leaves for an option given before `--`, where they differ from `npm_config_<name>`:
 * npm expands `--app` as its short options `-a -p`. `--verbose` (npm's loglevel), `--no-cache` and
 * `--format` (npm's --format-package-lock, a default) leave none a command could read as theirs.
 */
const NPM_TRACES: Readonly<Record<string, readonly string[]>> = {
  app: ['npm_config_all', 'npm_config_parseable'],
  verbose: [],
  'no-cache': [],
  format: [],
};

/**
 * The options of `command` not on its command line (`values`) whose npm trace is set, when the command
 * runs as its own npm script (npm_lifecycle_event names it): another script's environment is not about it.
 * A variable set to `false` or empty is no option given.
 */
function optionsNpmKept<V>(command: Command<V>, values: Record<string, unknown>, env: Io['env']): NpmKept[] {
  if (env.npm_lifecycle_event !== command.name) return [];
  return Object.entries(command.options).flatMap(([option, { type }]) => {
    const vars = Object.hasOwn(NPM_TRACES, option) ? NPM_TRACES[option] : [`npm_config_${option.replaceAll('-', '_')}`];
    const set = vars.length > 0 && vars.every((v) => env[v] !== undefined && env[v] !== '' && env[v] !== 'false');
    return values[option] === undefined && set ? [{ option, trace: vars.join(' and '), takesValue: type === 'string' }] : [];
  });
}

/** Problem codes of arguments that were not what the command takes (one too many; a path that is not there). */
const ARGUMENT_CODES = new Set(['cli/arguments', 'cli/no-such-path']);

/**
 * `e` with a warning after the problems whose outcome an option npm kept (`kept`) would change: a refusal
 * whose hint names that option (promote's order or dist-currency refusal and --force), and arguments one
 * too many or not found, one of which may be the value of an option npm took (`--app web`). It says that
 * the variable is set and where the command's own option goes, never to give it: it lifts refusals.
 */
function withNpmNotes<V>(e: ProblemsError, kept: readonly NpmKept[], command: Command<V>): ProblemsError {
  const named = (p: Problem, k: NpmKept) => new RegExp(`--${k.option}(?![\\w-])`).test(p.hint ?? '');
  const told = kept.filter((k) => e.problems.some((p) => named(p, k) || (k.takesValue && ARGUMENT_CODES.has(p.code))));
  if (told.length === 0) return e;
  const form = /^Usage: npm run \S+ -- ([^[]*?)\s*(\[|$)/m.exec(command.usage)?.[1] ?? '<arguments>';
  const notes: Problem[] = told.map((k) => {
    const value = k.takesValue ? ` ${new RegExp(`--${k.option} (<[^>]+>)`).exec(command.usage)?.[1] ?? '<value>'}` : '';
    return {
      code: 'cli/usage',
      severity: 'warning',
      message: `${k.trace} ${k.trace.includes(' and ') ? 'are' : 'is'} set (by --${k.option} given before '--', which npm takes for itself${k.option === 'app' ? ' as -a -p' : ''}, or by an .npmrc or the environment), and ${command.name} does not read ${k.trace.includes(' and ') ? 'them' : 'it'}${k.takesValue ? `: a value given apart from --${k.option} before '--' comes as an argument` : ''}`,
      hint: `${command.name}'s own --${k.option} goes after '--': npm run ${command.name} -- ${form} --${k.option}${value}`,
    };
  });
  return new ProblemsError([...e.problems, ...notes], e.exitCode);
}

/**
 * The directory a relative path on the command line of `command` is read from: the one the user
 * ran `npm run <command>` in (npm's INIT_CWD: npm runs the script itself in the project
 * directory), else the process's. INIT_CWD counts only in the npm script of this command
 * (npm_lifecycle_event names it): a process started by another script (`"lint": "node
 * lib/cli/run.cjs check dist"`, a test under `npm test`) inherits a variable that is not about it,
 * and its paths are written from the project directory.
 */
export function callerDir(io: Io, command: string): string {
  const initCwd = io.env.INIT_CWD;
  return initCwd && io.env.npm_lifecycle_event === command ? resolve(io.cwd, initCwd) : io.cwd;
}

/**
 * A path given on the command line of `command`, read from where the user runs it (`callerDir`),
 * as every message and report names files: relative to the project directory (`cd environments
 * && npm run check -- ../dist/qa` names dist/qa/...; SARIF's relative URIs are read from there),
 * absolute when given absolute or when it leads out of the project (`../../tmp/x.yaml` would be
 * read from the project directory, where the user need not be).
 */
export function givenPath(io: Io, command: string, path: string): string {
  return isAbsolute(path) ? path : fromProject(io, resolve(callerDir(io, command), path));
}

/** What `takeArguments` needs besides the arguments. */
export interface ArgumentsHelp {
  /** How many of the names are required. @default - all of them */
  readonly required?: number;
  /** A command line that works, for the hint (`npm run switch -- production demoapp`). */
  readonly example: string;
  /** Said after the example (`the stages are: ...`). @default - nothing */
  readonly also?: string;
}

/**
 * The positional arguments of `command`, checked against what it takes: `names` in order (`<stage>`,
 * `<app>`), the first `required` of them required. A message says which are missing or which are
 * too many; its hint the command line with what was given in place (`npm run switch -- qa <app>`), or,
 * for one too many, where options and their values go (never the command line without it).
 * @throws ProblemsError (bad input) when there are fewer than `required` or more than `names.length`
 */
export function takeArguments(command: string, names: readonly string[], args: readonly string[], options: ArgumentsHelp): void {
  const required = options.required ?? names.length;
  if (args.length >= required && args.length <= names.length) return;
  const takes =
    required === names.length ? names.join(' ') : [...names.slice(0, required), `[${names.slice(required).join(' ')}]`].join(' ');
  const found = args.length ? `found ${quotedList(args)}` : 'found no arguments';
  const missing = names.slice(args.length, required);
  const extra = args.slice(names.length);
  const message =
    extra.length > 0
      ? `${command} takes ${takes}: ${quotedList(extra)} ${extra.length === 1 ? 'is one' : `are ${extra.length}`} too many (${found})`
      : `${command} takes ${takes}: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing (${found})`;
  const given = [...args.slice(0, names.length).map((a, i) => shellWord(a) ?? names[i]), ...missing];
  // an argument too many is no mistake to drop: it may be the value of an option given before '--' (`npm run promote
  // test qa --app web`: npm took --app), and the command line without it does more (promotes every app)
  const hint =
    extra.length > 0
      ? `options go after '--', each with its value (given before '--', an option is npm's and its value comes as an argument); npm run ${command} -- --help lists the arguments and options`
      : `write npm run ${command} -- ${given.join(' ')}, e.g. ${options.example}${options.also ? `; ${options.also}` : ''}`;
  throw new ProblemsError([{ code: 'cli/arguments', message, hint }]);
}

/** `'a' 'b'`: arguments as a message quotes them. */
function quotedList(args: readonly string[]): string {
  return args.map((a) => `'${a}'`).join(' ');
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
