/**
 * check's command line as it was meant: its options, what a refusal of them says, and the command line
 * a hint gives to write instead (options given after a second `--`, a report format npm passed on as a path).
 */
import { DIST_DIR } from './project.js';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ProblemsError, type Problem } from '../errors.js';
import { didYouMean } from '../model/did-you-mean.js';
import { bareArgument, linePath, shownArgument } from '../model/shown-arguments.js';
import { detectSecret } from '../model/secret-rules.js';
import { REPORT_FORMATS } from '../checks/report.js';
import { POD_SECURITY_LEVELS } from '../checks/pod-security.js';

/**
 * check's options of a few values, and what one of them is called: a word among the paths that is one
 * was given with its option before `--`, which npm took, passing the value on as a path (`npm run check
 * --format json dist/qa`, `--pod-security restricted`). check.ts gives them as `Command.choices`.
 */
export const CHOICES = {
  format: { values: REPORT_FORMATS, called: 'a report format' },
  'pod-security': { values: POD_SECURITY_LEVELS, called: 'a Pod Security level' },
} as const satisfies Record<string, { values: readonly string[]; called: string }>;

/** The option of a few values (`CHOICES`) that `word` is a value of. */
const choiceOf = (word: string) =>
  (Object.keys(CHOICES) as (keyof typeof CHOICES)[]).find((o) => (CHOICES[o].values as readonly string[]).includes(word));

/** check's options, as Node.js's parseArgs gives them. */
export interface CheckOptions {
  format?: string;
  'pod-security'?: string;
  'namespace-exists'?: string[];
  'object-exists'?: string[];
  crds?: string[];
  'require-crds'?: boolean;
  'scope-per-dir'?: boolean;
  'no-cache'?: boolean;
}

/** @throws ProblemsError (bad input): `--<name> <value>` is none of `allowed`, with the one probably meant and what to write */
export function badOption(name: string, value: string, allowed: readonly string[]): never {
  const guess = didYouMean(value, allowed, { prefix: true });
  throw new ProblemsError([
    {
      code: 'cli/option',
      message: `--${name} must be one of ${allowed.join(', ')} (found ${shownArgument(value)})${guess ? `; did you mean '${guess}'?` : ''}`,
      hint: `write --${name} ${guess ?? allowed[0]}; npm run check -- --help lists the options`,
    },
  ]);
}

/**
 * The hint for a path to check that does not exist: a stage's name where its output was meant
 * (`npm run check -- qa`: dist/qa), an option after a second `--` (read as a path), or a value of an
 * option of a few values (`npm run check --format json dist/qa`: npm took --format before `--` and
 * passed `json` on; `--pod-security restricted` alike: `CHOICES`), with
 * the command line that gives them as options (`commandLine`), else to name what exists.
 */
export function missingPathHint(cwd: string, path: string, commandLine: CommandLine): string {
  const where = 'a relative path is read from the directory you run npm in';
  // the word as given, read from where npm ran (`qa` in dist/ is dist/qa): what it may mean is in the word
  const word = commandLine.wordOf.get(path) ?? path;
  const stageDir = linePath(commandLine.typed(join(DIST_DIR, word)));
  if (/^[a-z0-9][a-z0-9-]*$/.test(word) && existsSync(join(cwd, DIST_DIR, word)) && stageDir !== undefined)
    return `${word} is a stage: npm run check -- ${stageDir} checks its output, npm run check (without paths) every stage against its stage file; ${where}`;
  const line = commandLine.options.length ? commandLine.text() : undefined;
  const option = commandLine.optionOfValue.get(word);
  if (option !== undefined)
    return `${bareArgument(word)} is the value of ${option}, which follows a second '--' and is read as a path with it: ${line ? `write ${line}` : "give options after the first '--' and before the paths"} (npm run check -- --help lists them)`;
  if (word.startsWith('-'))
    return `what follows a second '--' is read as paths, so ${bareArgument(word)} is not taken as an option: ${line ? `write ${line}` : "give options after the first '--' and before the paths"} (npm run check -- --help lists them)`;
  const choice = choiceOf(word);
  if (line && choice !== undefined)
    return `${word} is ${CHOICES[choice].called}: --${choice} given before '--' is npm's, which passes its value on as a path; give it after '--': ${line}`;
  return `name files or directories that exist; ${where}`;
}

/**
 * The command line of check as it was meant, for a hint: its options first (those parsed, then any given
 * after a second `--` and a value of an option of a few values npm passed on), then its paths
 * (`npm run check -- --format=json dist/qa`).
 */
export interface CommandLine {
  readonly options: readonly string[];
  /** The words after a second `--` that are the value of an option there (`json` of `--format json`), and the option. */
  readonly optionOfValue: ReadonlyMap<string, string>;
  /** The line, quoted as a shell reads it back, or undefined when a word cannot be (a control character). */
  text(): string | undefined;
  /** The word on the command line that each path (named from the project directory) was given as. */
  readonly wordOf: ReadonlyMap<string, string>;
  /** A path named from the project directory as it is written from where npm ran (`../dist/qa` in environments/). */
  typed(path: string): string;
}

/** Where check's command line is read: the project directory, the one npm ran in, and a word's path from the project's. */
export interface CommandLineDirs {
  readonly root: string;
  readonly from: string;
  given(word: string): string;
}

/** The options of check that take a value. */
const VALUE_OPTIONS = ['format', 'pod-security', 'namespace-exists', 'object-exists', 'crds'];

/** The command line of check as it was meant (`CommandLine`): `values` parsed, and `positionals`, of which those that `exists` are paths. */
export function commandLineOf(values: CheckOptions, positionals: readonly string[], dirs: CommandLineDirs): CommandLine {
  const exists = (word: string) => existsSync(resolve(dirs.root, dirs.given(word)));
  const given = Object.entries(values).flatMap(([name, v]) =>
    v === true ? [`--${name}`] : Array.isArray(v) ? v.map((x) => `--${name}=${x}`) : typeof v === 'string' ? [`--${name}=${v}`] : [],
  );
  const moved: string[] = [];
  const optionOfValue = new Map<string, string>();
  const paths: string[] = [];
  // the options of a few values given: a word that is a value of another is one npm passed on
  const chosen = new Set(Object.keys(CHOICES).filter((o) => values[o as keyof typeof CHOICES] !== undefined));
  let valueless = false;
  for (let i = 0; i < positionals.length; i++) {
    const p = positionals[i];
    if (exists(p) || p === '-') paths.push(p);
    else if (p.startsWith('-')) {
      // an option of one value given apart (--format json) takes the next word with it
      const name = p.replace(/^--?/, '');
      const next = positionals[i + 1];
      const takesNext = VALUE_OPTIONS.includes(name) && next !== undefined && !next.startsWith('-') && !exists(next);
      chosen.add(name.split('=')[0]);
      if (takesNext) optionOfValue.set(next, p);
      // one with no value of its own there would take the next word of the line as it (--format dist/qa): no line
      else if (VALUE_OPTIONS.includes(name)) valueless = true;
      moved.push(takesNext ? `${p}=${positionals[++i]}` : p);
    } else if (choiceOf(p) !== undefined && !chosen.has(choiceOf(p)!)) {
      chosen.add(choiceOf(p)!);
      moved.push(`--${choiceOf(p)}=${p}`);
    } else paths.push(p);
  }
  const options = [...given, ...moved];
  return {
    options: moved,
    optionOfValue,
    wordOf: new Map(positionals.map((w) => [dirs.given(w), w])),
    typed: (path) => relative(dirs.from, resolve(dirs.root, path)) || '.',
    text() {
      // '-' is standard input, as given; a word that holds a secret is never printed back (no line then)
      const words = [
        ...options.map((o) => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(o) && !detectSecret(o) ? o : undefined)),
        ...paths.map((p) => (p === '-' ? p : linePath(p))),
      ];
      return !valueless && words.every((w) => w !== undefined) ? `npm run check -- ${words.join(' ')}` : undefined;
    },
  };
}

/**
 * --no-cache given with paths (`commandLine`, without it): checking files compiles nothing and reads no cache,
 * so the option would change nothing; the two command lines it may have been meant for.
 */
export function noCacheWithPaths(commandLine: CommandLine): Problem {
  const line = commandLine.text();
  return {
    code: 'cli/usage',
    message:
      '--no-cache is for npm run check without paths, which compiles every stage (afresh with it); checking files compiles nothing and reads no cache, so it would change nothing',
    hint: `${line ? `write ${line} to check these files` : 'leave --no-cache out to check these files'}, or npm run check -- --no-cache to compare dist/ with the stage files without the render cache`,
  };
}

/**
 * The options of checking files given without a file (`given`, each but --no-cache): npm run check
 * without paths compares dist/ with the stage files and would ignore them, silently.
 */
export function optionsWithoutPaths(given: readonly string[]): Problem {
  return {
    code: 'cli/option',
    message: `${given.map((k) => `--${k}`).join(', ')} ${given.length > 1 ? 'apply' : 'applies'} to checking files, and no file or directory is given: npm run check without paths compares dist/ with the stage files and reports in text`,
    hint: 'name the files or directories to check after the options (npm run check -- --format json dist/qa), or leave the options out',
  };
}
