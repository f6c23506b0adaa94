/**
 * The command line of a command: its options parsed and checked (with --help and --version, which
 * every command takes), its positional arguments counted against what it takes, and the paths on it
 * read from where the user runs npm. Every mistake is bad input naming the word and what to write.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProblemsError, type Problem } from '../errors.js';
import { didYouMean } from '../model/did-you-mean.js';
import { lineArgument, linePath, shownArgument } from '../model/shown-arguments.js';
import type { Command } from './command.js';
import type { Io } from './print.js';
import { isWithin } from './read-file.js';

/** The options every command takes besides its own. */
export const COMMON_OPTIONS = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } } as const;

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
export function parseOptions<V>(command: Command<V>, argv: readonly string[]) {
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
          message: `option '--${token.name}' is given twice (${shownArgument(first)}, then ${shownArgument(token.value)}), and it takes one value`,
          hint: `give --${token.name} once; ${help}`,
        });
    }
    if (!option) {
      const short = /^-[^-]$/.test(token.rawName);
      // a value of an option of a few given as an option of its own (`--json`, as other tools take it): that option with it
      const valued = short ? undefined : Object.entries(command.choices ?? {}).find(([, values]) => values.includes(token.name))?.[0];
      const guess = valued
        ? `'--${valued} ${token.name}'`
        : short
          ? shortGuesses(token.name, options)
          : didYouMean(token.name, Object.keys(options), { prefix: true });
      // that option given too (`--json --format sarif`): adding it would give it twice
      const twice = valued !== undefined && parsed.tokens.some((t) => t.kind === 'option' && t.name === valued);
      problems.push({
        code: 'cli/usage',
        message: twice
          ? `unknown option '${token.rawName}', a value of --${valued}, which is given too`
          : `unknown option '${token.rawName}'${guess ? `; did you mean ${short || valued ? guess : `'--${guess}'`}?` : ''}`,
        hint: twice
          ? `leave ${token.rawName} out, or give it as --${valued} ${token.name} in place of the other; ${help}`
          : valued
            ? `write --${valued} ${token.name}; ${help}`
            : help,
      });
    } else if (option.type === 'string' && (token.value === undefined || (!token.inlineValue && /^-./.test(token.value)))) {
      // `--app --force`: the next argument is an option, not the value (the strict mode refuses it too)
      const form = new RegExp(`--${token.name} (<[^>]+>)`).exec(command.usage)?.[1] ?? '<value>';
      // the word as the value offered only where it is quoted whole: not a secret's (`--app -ghp_...`), nor one cut short
      const shown = token.value === undefined ? undefined : shownArgument(token.value);
      problems.push({
        code: 'cli/usage',
        message: `option '${token.rawName}' needs a value${shown === undefined ? '' : ` (found the option ${shown})`}`,
        hint: `write --${token.name} ${form}${shown === `'${token.value}'` ? `, or --${token.name}=${token.value} if ${shown} is the value` : ''}; ${help}`,
      });
    } else if (option.type === 'string' && token.value === '') {
      problems.push({
        code: 'cli/usage',
        message: `option '${token.rawName}' is given an empty value`,
        hint: `a shell variable that is unset or empty gives one (--${token.name} "$NAME" with no NAME set): set it; ${help}`,
      });
    } else if (option.type === 'boolean' && token.value !== undefined) {
      problems.push({
        code: 'cli/usage',
        message: `option '${token.rawName}' takes no value (found ${shownArgument(token.value)})`,
        hint: `write ${token.rawName} alone to turn it on, or leave it out; ${help}`,
      });
    }
  }
  if (problems.length) throw new ProblemsError(problems);
  if (!command.pathArguments) refuseOptionsAfterSecondDashes(command, argv, parsed.tokens);
  return parsed;
}

/**
 * What an unknown one-letter option (`-v`) may have meant: the option of that letter in the other case
 * (`-V`, --version) and the options whose name starts with it (`--verbose`), as `'--verbose' or '-V'
 * (--version)`; undefined when none does. A letter is too little to guess one name by distance from.
 */
function shortGuesses<V>(letter: string, options: Command<V>['options']): string | undefined {
  const lower = letter.toLowerCase();
  const byShort = Object.entries(options).filter(([, o]) => 'short' in o && o.short?.toLowerCase() === lower);
  const shorts = byShort.map(([name, o]) => `'-${'short' in o ? o.short : ''}' (--${name})`);
  const longs = Object.keys(options)
    .filter((name) => name.startsWith(lower) && !byShort.some(([n]) => n === name))
    .map((name) => `'--${name}'`);
  const all = [...longs, ...shorts];
  return all.length ? `${all.slice(0, -1).join(', ')}${all.length > 1 ? ' or ' : ''}${all.at(-1)}` : undefined;
}

/**
 * Options given after a second `--` (`npm run synth -- lab -- --verbose`: the first is npm's, the
 * second the command's own end of options), which the command reads as names (a stage `--verbose`).
 * Refused with the command line that gives them as options: each one (with its value, for an option
 * that takes one and was given it apart) moved before the names, every `--` after npm's dropped;
 * when that line has problems of its own (`--verbos`), those are said instead, with their "did you mean".
 * @throws ProblemsError (bad input) when a word after the command's own `--` starts with `-`
 */
function refuseOptionsAfterSecondDashes<V>(command: Command<V>, argv: readonly string[], tokens: readonly Token[]): void {
  const end = tokens.find((t) => t.kind === 'option-terminator')?.index;
  if (end === undefined) return;
  const after = argv.slice(end + 1);
  // a lone '-' (standard input's name to many tools) is no option: it is read as the name it is
  const isOption = (w: string) => w.startsWith('-') && w !== '-';
  if (!after.some(isOption)) return;
  const options: Command<V>['options'] = { ...command.options, ...COMMON_OPTIONS };
  const moved: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < after.length; i++) {
    const word = after[i];
    if (word === '--') continue;
    if (!isOption(word)) {
      names.push(word);
      continue;
    }
    moved.push(word);
    const name = word.replace(/^--?/, '').split('=')[0];
    const option = Object.hasOwn(options, name) ? options[name] : undefined;
    if (option?.type === 'string' && !word.includes('=') && i + 1 < after.length && !after[i + 1].startsWith('-')) moved.push(after[++i]);
  }
  const meant = [...argv.slice(0, end), ...moved, ...names];
  // an option misspelt or missing its value is said as on the command line that gives it, before this
  const own = problemsOf(() => parseOptions({ ...command, pathArguments: true }, meant));
  // a word that holds a secret is never printed back: no line then (`synth -- qa -- --stage ghp_...`)
  const words = meant.map(lineArgument);
  const line = !own.length && words.every((w) => w !== undefined) ? `npm run ${command.name} -- ${words.join(' ')}` : undefined;
  // the options, or, when there is none, the third '--' that the command would read as a name
  const dashed = after.filter(isOption);
  // an option not known is named without what follows its '=' (a value typed there may be a secret's)
  const said = (w: string) =>
    w.includes('=') && !Object.hasOwn(options, w.replace(/^--?/, '').split('=')[0]) ? w.slice(0, w.indexOf('=')) : w;
  const optionWords = (dashed.some((w) => w !== '--') ? dashed.filter((w) => w !== '--') : dashed).map(said);
  throw new ProblemsError([
    ...own,
    {
      code: 'cli/usage',
      message: `${quotedList(optionWords)} ${optionWords.length === 1 ? 'follows' : 'follow'} a second '--' (the first is npm's), after which ${command.name} reads every word as an argument, not as an option`,
      hint: `${line ? `write ${line}` : `give the options right after the first '--', and no second one`}; npm run ${command.name} -- --help lists the arguments and options`,
    },
  ]);
}

/** The problems `parse` throws (none when it returns). */
function problemsOf(parse: () => unknown): readonly Problem[] {
  try {
    parse();
    return [];
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems;
    throw e;
  }
}

/** A token of Node.js's parseArgs. */
type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/**
 * The absolute `path` from the project directory, as every message names files (`.` for the
 * directory itself), when it is in it; as it is otherwise.
 */
export function fromProject(io: Io, path: string): string {
  const rel = relative(io.cwd, path);
  if (rel === '') return '.';
  return isWithin(io.cwd, path) ? rel : path;
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
  /**
   * For a command whose arguments are stages and none of whose options takes a value (diff, secrets):
   * whether a word is a stage. An argument too many that is one was meant for another run; one that is
   * none may still be the value of an option given before `--` the command does not have (`npm run
   * secrets qa --output yaml`: npm took --output and passed `yaml` on). @default - an option of the
   * command takes a value, which, given before `--`, npm passes on as an argument (`npm run promote
   * test qa --app web`): an argument too many may be one
   */
  readonly isStage?: (word: string) => boolean;
}

/**
 * The positional arguments of `command`, checked against what it takes: `names` in order (`<stage>`,
 * `<app>`), the first `required` of them required. A message says which are missing or which are
 * too many; its hint the command line with what was given in place (`npm run switch -- qa <app>`), or,
 * for one too many, where options and their values go (never the command line without it, but where
 * the arguments are stages and no option takes a value: `isStage`).
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
  const given = [...args.slice(0, names.length).map((a, i) => linePath(a) ?? names[i]), ...missing];
  // an argument too many is no mistake to drop: it may be the value of an option given before '--' (`npm run promote
  // test qa --app web`: npm took --app), and the command line without it does more (promotes every app); where no
  // option takes a value (diff, secrets), a stage too many is meant for another run, and the line is the one without
  // it; a word that is no stage may still be the value of an option it does not have, given before '--'
  const help = `npm run ${command} -- --help lists the arguments and options`;
  const apart = "given before '--', an option is npm's and its value comes as an argument";
  const isStage = options.isStage;
  // the line of the stages given (`npm run secrets --output yaml qa`: qa), again for those too many
  const stages = isStage ? args.filter(isStage) : [];
  const line = [...stages.slice(0, names.length).map((a, i) => linePath(a) ?? names[i]), ...names.slice(stages.length, required)];
  const again = stages.slice(names.length);
  const other = isStage ? args.filter((a) => !isStage(a)) : [];
  const hint =
    extra.length === 0
      ? `write npm run ${command} -- ${given.join(' ')}, e.g. ${options.example}${options.also ? `; ${options.also}` : ''}`
      : isStage
        ? `write npm run ${command} -- ${line.join(' ')}${again.length ? `, and again for ${quotedList(again)}` : ''}${other.length ? ` (${quotedList(other)} ${other.length === 1 ? 'is' : 'are'} no stage: ${apart})` : ''}${options.also ? `; ${options.also}` : ''}; ${help}`
        : `options go after '--', each with its value (${apart}); ${help}`;
  throw new ProblemsError([{ code: 'cli/arguments', message, hint }]);
}

/** `'a' 'b'`: arguments as a message quotes them (`shownArgument`). */
function quotedList(args: readonly string[]): string {
  return args.map((a) => shownArgument(a)).join(' ');
}

/** @throws ProblemsError (bad input) when a command that takes no positional arguments got some */
export function refusePositionals(command: string, positionals: readonly string[], form: string): void {
  if (positionals.length) {
    throw new ProblemsError([
      {
        code: 'cli/arguments',
        message: `npm run ${command} takes no arguments but options (found ${quotedList(positionals)})`,
        hint: form,
      },
    ]);
  }
}
