/**
 * Options of a command that npm took for itself, given before `--` on `npm run`'s command line: npm
 * keeps them in the script's environment (`npm_config_<name>`) and runs the command without them.
 */
import { ProblemsError, type Problem } from '../errors.js';
import { lineArgument, shownArgument } from '../model/shown-arguments.js';
import type { Command } from './command.js';
import { npmArguments } from './npm-log.js';
import type { Io } from './print.js';

/**
 * An option of a command that npm may have taken for itself, given before `--` (`npm run promote test qa
 * --force`): npm keeps it in the script's environment as `trace` and passes the rest on (the value of
 * `--app web` as an argument). The same variables come from an .npmrc (`force=true`) or the environment
 * (an exported npm_config_force), which the command cannot tell from the command line: they are told
 * where the command's outcome depends on the option (`withNpmNotes`), never a reason to refuse alone.
 */
export interface NpmKept {
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
export function optionsNpmKept<V>(command: Command<V>, values: Record<string, unknown>, env: Io['env']): NpmKept[] {
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
export function withNpmNotes<V>(e: ProblemsError, kept: readonly NpmKept[], command: Command<V>): ProblemsError {
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
 * Options of `command` given with their value before `--` (`npm run synth --stage=qa`,
 * `npm run check --pod-security=restricted -- dist/qa`), when it runs as its own npm script: npm keeps
 * the value (npm_config_stage=qa), passes nothing on, and the command would do otherwise than asked
 * without a word (compile every stage, check at the default level). Refused, with the command line
 * that gives them after `--` (and the arguments the usage requires, when none came); nothing but such an option leaves a value other than `true` in the
 * variable of an option only this command has (an .npmrc or the environment that sets one is told
 * to unset it). So is one given there with no value: empty (`--stage=`, `--no-stage`, `--stage=false`),
 * or `true` (`--stage`, `--stage=true`) when no argument (`positionals`) came that could be the value
 * npm passed on (`npm run synth --stage qa` runs `synth qa`, as meant; `npm run check --pod-security --
 * dist/qa` runs `check dist/qa`, and dist/qa is no level: `mayBeValue`). Options with traces of their
 * own (`NPM_TRACES`: `--app=web` is `-a -p` and its value an argument) are `optionsNpmKept`'s.
 */
export function npmTookValues<V>(
  command: Command<V>,
  values: Record<string, unknown>,
  positionals: readonly string[],
  argv: readonly string[],
  env: Io['env'],
  npmArgs: (env: Io['env']) => readonly string[] | undefined = npmArguments,
): Problem[] {
  if (env.npm_lifecycle_event !== command.name) return [];
  const taken = Object.entries(command.options).flatMap(([option, { type, multiple }]): Taken[] => {
    const value = type === 'string' && values[option] === undefined ? npmKeptValue(option, env) : undefined;
    const variable = `npm_config_${option.replaceAll('-', '_')}`;
    if (value === '' || (value === 'true' && !positionals.some((p) => mayBeValue(command, option, p))))
      return [{ option, given: [], variable, none: value }];
    if (value === undefined || value === 'true') return [];
    // an option given more than once (--stage=qa --stage=lab): npm joins its values with a blank line
    const given = (multiple ? value.split('\n\n') : [value]).map((v) => `--${option}=${v}`);
    return [{ option, given, variable, none: undefined }];
  });
  if (taken.length === 0) return [];
  // the arguments the command requires, as its usage names them, when none came (npm run switch --release=1.2, npm run
  // check --pod-security=restricted: check's options but --no-cache are for checking files): else the line is refused in turn
  const required = positionals.length ? undefined : /npm run \S+ -- (?:\[options\] )?(<[^>]+>(?: <[^>]+>)*)/.exec(command.usage)?.[1];
  const paths = required ? ` ${required}` : '';
  // npm's line as its log says it, its own options (--workspace web, --prefix <dir>) where they were and the options it
  // took moved after '--'; without its log, npm run <command>
  const npm = npmWordsWithout(command.name, env, npmArgs, taken);
  const [before, after] = npm ? [npm.before, npm.after] : [['run', command.name], argv];
  /** The line of npm's words and `words`, quoted where the shell needs it, then `placeholder` (`<name>`) as it is. */
  const lineOf = (words: readonly string[], placeholder = '') => {
    // a word that holds a secret (a token given as the option's value, or pasted as an argument) is never printed back
    const all = [...before, '--', ...words].map(lineArgument);
    return all.every((w) => w !== undefined) ? `npm ${all.join(' ')}${placeholder}` : undefined;
  };
  const hidden = npm !== undefined && [...npm.before, ...npm.after].some(heldBack);
  const instead = (option: string) =>
    hidden
      ? `give --${option} after '--', and npm's own options as you gave them (npm's log holds a credential or hides a word among them, not repeated here)`
      : undefined;
  // npm's log read and no such option before '--' in it: the variable came from an .npmrc or the environment, and a
  // line that gives the option after '--' would ask for what the command line never did (npm run synth -- lab, with
  // stage=qa in an .npmrc, told to write npm run synth -- --stage=qa lab)
  const elsewhere = (t: Taken) => npm !== undefined && !npm.given.has(t.option);
  const line = lineOf([...taken.filter((t) => !elsewhere(t)).flatMap((t) => t.given), ...after]);
  return taken.map((t) => {
    if (elsewhere(t))
      return {
        code: 'cli/usage',
        message: `${t.variable} is set by an .npmrc or the environment, not on the command line (npm's log of this run has no --${t.option} before '--'), and ${command.name} cannot tell it from --${t.option} given before '--', which npm takes for itself and ${command.name} would run without`,
        hint: `remove ${t.option} from the .npmrc that sets it (npm config list shows which) or unset ${t.variable}, then run the command again; ${command.name}'s options go after '--'`,
      };
    // the variable is all the command sees: an .npmrc or the environment may have set it, not the command line
    const unset = `if an .npmrc or the environment sets ${t.variable}, unset it`;
    if (t.none !== undefined) {
      const form = new RegExp(`--${t.option} (<[^>]+>)`).exec(command.usage)?.[1] ?? '<value>';
      const valueless = lineOf([...after, `--${t.option}`], ` ${form}`);
      const by =
        t.none === ''
          ? `--${t.option}=, --no-${t.option} or --${t.option}=false given before '--'`
          : `--${t.option} given before '--' with no value after it, or --${t.option}=true`;
      return {
        code: 'cli/usage',
        message: `${t.variable} is set ${t.none === '' ? 'and empty' : 'to true'} (by ${by}, which npm takes for itself, or by an .npmrc or the environment)${t.none === 'true' && positionals.length ? `, no argument is one of its values (${command.choices?.[t.option]?.join(', ')}) that npm could have passed on,` : ','} and ${command.name} runs without --${t.option}`,
        hint: `${instead(t.option) ?? (valueless ? `write ${valueless}${paths}` : `give --${t.option} ${form} after '--'`)}: ${command.name}'s options go after '--', each with its value (${unset})`,
      };
    }
    return {
      code: 'cli/usage',
      message: `${t.variable} is set (by ${t.given.map((g) => shownArgument(g)).join(' ')} given before '--', which npm takes for itself, or by an .npmrc or the environment), and ${command.name} runs without ${t.given.length === 1 ? 'it' : 'them'}`,
      hint: `${instead(t.option) ?? (line ? `write ${line}${paths}` : `give --${t.option} after '--'`)}: ${command.name}'s options go after '--' (${unset})`,
    };
  });
}

/**
 * Whether the argument `word` may be the value of `option` that npm passed on, having taken the option
 * before `--` (`npm run check --pod-security restricted dist/qa` runs `check restricted dist/qa`): any word
 * but for an option of a few values (`Command.choices`), where it must be one of them. So
 * `npm run check --pod-security -- dist/qa`, which npm runs as `check dist/qa`, is told apart.
 */
function mayBeValue<V>(command: Command<V>, option: string, word: string): boolean {
  const choices = command.choices?.[option];
  return choices === undefined || choices.includes(word);
}

/** An option npm took before `--`: as each was given with its value (`--stage=qa`), or with none (`none`: its variable, '' or true). */
interface Taken {
  readonly option: string;
  readonly given: readonly string[];
  readonly variable: string;
  readonly none: string | undefined;
}

/**
 * The value npm kept of the option `option` (one that takes a value) given before `--`
 * (npm_config_<option>): what was given with it, `''` for one given empty (`--stage=`, `--no-stage`),
 * `true` for one given without (`--stage`: a value given apart comes as an argument); undefined when
 * unset or `false`, or for an option whose trace is npm's own (`NPM_TRACES`). lib/cli/fast.ts asks
 * it too, so that such a run is refused by the command rather than answered without it.
 */
export function npmKeptValue(option: string, env: Io['env']): string | undefined {
  if (Object.hasOwn(NPM_TRACES, option)) return undefined;
  const value = env[`npm_config_${option.replaceAll('-', '_')}`];
  return value === 'false' ? undefined : value;
}

/**
 * `--no-cache` given before `--` (`npm run synth --no-cache -- dev`), which npm takes for its own
 * cache and leaves no variable of (its warning `invalid config cache=false`, none under `npm run
 * --silent`): the command would render with the cache it was asked not to use. Told by npm's own
 * log of the run (./npm-log.ts, `npmArgs`), when the command runs as its own npm script, takes
 * --no-cache and was not given it after `--`; refused with the command line that gives it there.
 * `--verbose` is npm's loglevel as much as the command's (npm's log writes it `--loglevel verbose`,
 * as it does `--loglevel verbose` itself): a synthesis says how to see every warning anyway. Check
 * given files (`npm run check --no-cache -- dist/qa`) reads no cache: it runs as asked (and the line
 * with --no-cache after `--` is refused, lib/cli/check-command-line.ts' `noCacheWithPaths`).
 */
export function npmTookNoCache<V>(
  command: Command<V>,
  values: Record<string, unknown>,
  positionals: readonly string[],
  env: Io['env'],
  npmArgs: (env: Io['env']) => readonly string[] | undefined = npmArguments,
): Problem[] {
  if (!Object.hasOwn(command.options, 'no-cache') || values['no-cache'] !== undefined || (command.name === 'check' && positionals.length))
    return [];
  const npm = npmNoCacheArguments(command.name, env, npmArgs);
  if (npm === undefined) return [];
  // npm's line as its log says it, with its own options (--workspace web, --prefix <dir>) where they were, and
  // --no-cache moved after '--' (npm run diff --no-cache qa: npm passes qa on, so it stays before '--')
  const all = [...npm.before, '--', ...npm.after, '--no-cache'];
  const words = all.map(lineArgument);
  // a credential among npm's options (--//registry/:_authToken=...) is never printed, and a word npm's log hid (***) would not run
  const hidden = all.some(heldBack);
  const line = !hidden && words.every((w) => w !== undefined) ? `npm ${words.join(' ')}` : undefined;
  const instead = hidden
    ? "give --no-cache after '--', and npm's own options as you gave them (npm's log holds a credential or hides a word among them, not repeated here)"
    : "give --no-cache after '--'";
  return [
    {
      code: 'cli/usage',
      message:
        npm.given === '--no-cache'
          ? `--no-cache was given before '--' (npm's log of this run says so), where npm takes it for its own cache (its warning 'invalid config cache=false') and leaves ${command.name} nothing: it would run with the render cache`
          : `${npm.given} was given before '--' (npm's log of this run says so), where npm takes it for a setting of its own (npm_config_no_cache, no warning) and leaves ${command.name} nothing: it would run with the render cache`,
      hint: `${line ? `write ${line}` : instead}: ${command.name}'s options go after '--'`,
    },
  ];
}

/**
 * Whether the word `word` of npm's log's argv is not to be printed in a line to run: an npm option that holds a
 * credential (`--_authToken`, `--//registry.example.com/:_auth=...`, `--otp`, a client `--key`), whose value
 * follows it, a word npm's log hid in part (`***`: a URL's password, a token, a UUID), which would not run as is,
 * or a URL with a user (and password, or a token as the user) that it did not hide (`--registry=https://ci:<password>@...`,
 * a `--proxy`'s value given apart: an npm that logs its words as given).
 */
const heldBack = (word: string): boolean =>
  word.includes('***') ||
  /^--?(?:[^=]*[/:])?_?(?:auth|authtoken|password|otp|key|cert|token)(?:=|$)/i.test(word) ||
  /^--?\/\//.test(word) ||
  /[a-z][a-z0-9+.-]*:\/\/[^/\s@]+@/i.test(word);

/**
 * npm's words of this run as its log says them (`npmArgs`), those before `--` without the options of
 * `taken` (`--stage qa`, `--stage`, `--stage ""`, `--no-stage`: npm writes a value as the next word), and
 * those after it, with the options of `taken` found (`given`); undefined when the log cannot be read.
 */
function npmWordsWithout(
  command: string,
  env: Io['env'],
  npmArgs: (env: Io['env']) => readonly string[] | undefined,
  taken: readonly Taken[],
): { readonly before: readonly string[]; readonly after: readonly string[]; readonly given: ReadonlySet<string> } | undefined {
  // the value npm wrote after the option, one of those it kept ('' or true for none)
  const words = npmRun(
    command,
    env,
    npmArgs,
    taken.map((t) => ({
      name: t.option,
      values: t.none === undefined ? t.given.map((g) => g.slice(`--${t.option}=`.length)) : ['', 'true', 'false'],
    })),
  )?.words;
  if (words === undefined) return undefined;
  return {
    before: words.before.filter((w) => w.option === undefined).flatMap((w) => w.words),
    after: words.after,
    given: new Set(words.before.flatMap((w) => (w.option ? [w.option.name] : []))),
  };
}

/** An option of npm's to find in its log's words: its name (`stage`, `cache`), and the values its log may write as the word after it. */
export interface NpmOption {
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * One of npm's words before `--` (with the value npm wrote after it: `--stage qa`), and the option of
 * those asked for that it gives: negated (`--no-stage`, `--no-cache`), and its value (`--stage=qa`,
 * `--stage qa`, `--no-cache false`; undefined when none was written).
 */
export interface NpmWord {
  readonly words: readonly string[];
  readonly option?: { readonly name: string; readonly negated: boolean; readonly value: string | undefined };
}

/**
 * npm's words of its log's argv (`args`), those before `--` each with the option of `options` it gives,
 * as npm reads them: `--<name>`, `--no-<name>` (negated), `--<name>=<value>`, `--<name> <value>` when the
 * next word is one of the option's `values` (npm writes `--no-cache=false` as `--no-cache false`); a
 * name's underscores are its dashes (npm reads --pod_security as --pod-security, and its log writes the
 * word as given), but not in `no-` (`--no_cache` is an option of its own to npm, no_cache). Pure.
 */
export function npmWords(
  args: readonly string[],
  options: readonly NpmOption[],
): { readonly before: readonly NpmWord[]; readonly after: readonly string[] } {
  const end = args.indexOf('--');
  const words = end === -1 ? args : args.slice(0, end);
  const before: NpmWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const parts = /^--(no-)?([^=]+)(?:=(.*))?$/s.exec(words[i]);
    const name = parts?.[2].replaceAll('_', '-');
    const option = options.find((o) => o.name === name);
    if (parts === null || option === undefined) {
      before.push({ words: [words[i]] });
      continue;
    }
    const next = parts[3] === undefined && i + 1 < words.length && option.values.includes(words[i + 1]) ? words[i + 1] : undefined;
    before.push({
      words: next === undefined ? [words[i]] : [words[i], words[++i]],
      option: { name: option.name, negated: parts[1] !== undefined, value: parts[3] ?? next },
    });
  }
  return { before, after: end === -1 ? [] : args.slice(end + 1) };
}

/**
 * Whether `command`, run as its own npm script, was given --no-cache before `--`, as npm's log says
 * (`npmTookNoCache`); lib/cli/fast.ts asks it too, so that such a run is refused by the command
 * rather than answered from the last synthesis.
 */
export function npmTookNoCacheOf(
  command: string,
  env: Io['env'],
  npmArgs: (env: Io['env']) => readonly string[] | undefined = npmArguments,
): boolean {
  return npmNoCacheArguments(command, env, npmArgs) !== undefined;
}

/**
 * npm's arguments before `--` but --no-cache, and those after it, when `command`, run as its own npm
 * script, was given --no-cache (or --no_cache, `given`) before `--`, as npm's log says; else undefined.
 */
function npmNoCacheArguments(
  command: string,
  env: Io['env'],
  npmArgs: (env: Io['env']) => readonly string[] | undefined,
): { readonly before: readonly string[]; readonly after: readonly string[]; readonly given: string } | undefined {
  // npm writes --no-cache=false (the cache on) as --no-cache false, and --no-cache=true as --no-cache true; the last one counts.
  // --no_cache is npm's no_cache, no option of npm's own cache: npm keeps it as npm_config_no_cache and passes nothing on,
  // so the command would use the render cache it was asked not to, as for --no-cache (--no-no_cache: no_cache false)
  const words = npmRun(command, env, npmArgs, [
    { name: 'cache', values: ['true', 'false'] },
    { name: 'no-cache', values: ['true', 'false'] },
  ])?.words;
  if (words === undefined) return undefined;
  const noCache = (w: NpmWord) => (w.option?.name === 'cache' && w.option.negated) || w.option?.name === 'no-cache';
  const last = words.before.filter(noCache).at(-1);
  const option = last?.option;
  if (last === undefined || option === undefined || option.value === 'false' || (option.name === 'no-cache' && option.negated))
    return undefined;
  const given = option.name === 'cache' ? '--no-cache' : (/^--[^=]*/.exec(last.words[0])?.[0] ?? '--no_cache');
  return { before: words.before.filter((w) => !noCache(w)).flatMap((w) => w.words), after: words.after, given };
}

/** npm's words of a run as its log says them (`npmWords`). */
export type NpmWords = ReturnType<typeof npmWords>;

/**
 * What npm took before `--` of this run, the one reader of it for every refusal of an option npm took:
 * when `command` runs as its own npm script (npm_lifecycle_event names it: another script's environment
 * and log are not about it), npm's words as its log says them, each with the option of `options` it
 * gives (`npmWords`), or `words` undefined when the log cannot be read (not Linux, `logs-max=0`);
 * undefined when the command runs otherwise.
 */
export function npmRun(
  command: string,
  env: Io['env'],
  npmArgs: (env: Io['env']) => readonly string[] | undefined,
  options: readonly NpmOption[],
): { readonly words: NpmWords | undefined } | undefined {
  if (env.npm_lifecycle_event !== command) return undefined;
  const args = npmArgs(env);
  return { words: args === undefined ? undefined : npmWords(args, options) };
}
