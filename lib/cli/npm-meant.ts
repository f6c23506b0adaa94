/**
 * npm's own options given before `--` that mean a value of an option of the command (`npm run check --json -- dist`:
 * npm's JSON output, npm_config_json, where check's is `--format json`): npm takes the word for itself and passes the
 * rest on, so the command would run without it (a report in text to a reader of JSON). Read in npm's log of the run,
 * as `--no-cache` is (./npm-options.ts): an .npmrc's `json=true`, which npm's log gives no option for, refuses nothing,
 * but where it spoils a report the command was given (`--format sarif`: `spoils`), told by npm's variable.
 */
import type { Problem } from '../errors.js';
import { lineArgument } from '../model/shown-arguments.js';
import type { Command } from './command.js';
import { npmArguments } from './npm-log.js';
import { npmRun } from './npm-options.js';
import type { Io } from './print.js';

/**
 * npm's option (its name), and the option of a command and its value that a user giving it means; `withPaths`: an
 * option that applies only to paths given (check's --format: without paths, check reports in text whatever it is given);
 * `spoils`: the values of the command's option, given after `--`, whose report npm's option breaks (npm --json writes
 * its own JSON error object after the command's report on stdout whenever it exits non-zero: findings, exit 1, and
 * `> results.sarif` is no SARIF, nor the JSON report one document).
 */
const NPM_MEANT: readonly {
  readonly npm: string;
  readonly option: string;
  readonly value: string;
  readonly withPaths?: boolean;
  readonly spoils: readonly string[];
}[] = [{ npm: 'json', option: 'format', value: 'json', withPaths: true, spoils: ['json', 'sarif'] }];

/**
 * A problem for each of npm's options that `command`, run as its own npm script, was given before `--` (as npm's log
 * says) meaning a value of an option of its own it was not given, or breaking the report of one it was given (`spoils`):
 * what npm did with it, and the line that gives the command its option without npm's.
 */
export function npmTookMeant<V>(
  command: Command<V>,
  values: Record<string, unknown>,
  positionals: readonly string[],
  env: Io['env'],
  npmArgs: (env: Io['env']) => readonly string[] | undefined = npmArguments,
): Problem[] {
  const given = (m: (typeof NPM_MEANT)[number]) => values[m.option] as string | undefined;
  const meant = NPM_MEANT.filter(
    (m) =>
      command.choices?.[m.option]?.includes(m.value) &&
      (given(m) === undefined || m.spoils.includes(given(m)!)) &&
      (!m.withPaths || positionals.length > 0),
  );
  // npm's log is read only for a command that may have been meant an option (the one reader: ./npm-options.ts npmRun)
  const run = meant.length
    ? npmRun(
        command.name,
        env,
        npmArgs,
        meant.map((m) => ({ name: m.npm, values: ['true', 'false'] })),
      )
    : undefined;
  if (run === undefined) return [];
  // (a log that cannot be read: no option known to be on the line, and npm's variable all there is to go by)
  const unread = run.words === undefined;
  const words = run.words ?? { before: [], after: [] };
  return meant.flatMap((m) => {
    // the last one counts, as npm reads them: --json false, --no-json turn it off
    const option = words.before.filter((w) => w.option?.name === m.npm).at(-1)?.option;
    const onTheLine = option !== undefined && !option.negated && option.value !== 'false';
    const value = given(m);
    const variable = `npm_config_${m.npm}`;
    // the report given after '--' is spoilt by npm's option however it was set (an .npmrc's json=true, the environment's
    // NPM_CONFIG_JSON): npm acts on its variable; without npm's option on the line, that is where to remove it
    if (value !== undefined && !onTheLine) {
      if (env[variable] === undefined || env[variable] === '' || env[variable] === 'false') return [];
      return [
        {
          code: 'cli/usage',
          message: `${variable} is set (by ${unread ? `--${m.npm} given before '--', ` : ''}an .npmrc or the environment${unread ? '' : `: npm's log of this run has no --${m.npm} before '--'`}), and npm takes it for its own ${m.npm} output: whenever ${command.name} exits non-zero (findings, exit 1), npm writes its own JSON error after ${command.name}'s ${value} report on stdout, which is then no ${value} document`,
          hint: `remove ${m.npm} from the .npmrc that sets it (npm config list shows which) or unset ${variable}${unread ? `, and give no --${m.npm} before '--'` : ''}, then run the command again`,
        },
      ];
    }
    if (!onTheLine) return [];
    // the line with the command's own option after '--' (as given there, or added), and npm's words before it left out
    // (one may hold a credential), none when a word after it holds a secret (a token pasted as a path), never printed back
    const line = [...words.after, ...(value === undefined ? [`--${m.option}`, m.value] : [])].map(lineArgument);
    // --silent: npm writes its banner (`> check`) on stdout too, before a report meant for a reader of JSON (README: `npm run --silent check`)
    const written = line.every((w) => w !== undefined) ? `npm run --silent ${command.name} -- ${line.join(' ')}` : undefined;
    if (value !== undefined)
      return [
        {
          code: 'cli/usage',
          message: `--${m.npm} was given before '--' (npm's log of this run says so), where npm takes it for its own ${m.npm} output (npm_config_${m.npm}): whenever ${command.name} exits non-zero (findings, exit 1), npm writes its own JSON error after ${command.name}'s ${value} report on stdout, which is then no ${value} document`,
          hint: `${written ? `write ${written}` : `leave --${m.npm} out before '--'`}: --${m.option} ${value} after '--' is the report`,
        },
      ];
    return [
      {
        code: 'cli/usage',
        message: `--${m.npm} was given before '--' (npm's log of this run says so), where npm takes it for its own ${m.npm} output (npm_config_${m.npm}) and leaves ${command.name} nothing: it would report in ${command.choices?.[m.option]?.[0] ?? 'its default'}`,
        hint: `${written ? `write ${written}` : `give --${m.option} ${m.value} after '--'`}: ${command.name}'s options go after '--'`,
      },
    ];
  });
}
