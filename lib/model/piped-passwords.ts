/**
 * A password piped to a login that reads it from standard input (`echo <password> | docker login --password-stdin`, a
 * here-string's `<<< <password>`): the content rule `piped-password` (secret-rules.ts) and how messages say it is given.
 * A part of command-line-secrets.ts, which names the login's client. Pure and synchronous.
 */
import { clientAt, clientName } from './command-line-secrets.js';
import { commandStart, shellWords } from './command-line-words.js';
import { isSecretSetting } from './secret-names.js';
import { given, unquote } from './positional-passwords.js';

/**
 * A password a shell command pipes to a login that reads it from standard input (`echo hunter2 | docker login -u ci
 * --password-stdin`, `printf '%s' hunter2 | helm registry login ...`): the word echoed (group 1), before a `|` and a
 * command with `--password-stdin`, or `chpasswd`, which sets a user's (`echo 'admin:hunter2' | chpasswd`: `user:password`);
 * read from each `echo` or `printf` to the end of the command after it. Or given it
 * as a here-string (`docker login --password-stdin <<< hunter2`: group 2), at most 4 words after `--password-stdin`
 * (a bound: from each `--password-stdin` of a line the rest of it was read again).
 */
export const PIPED_PASSWORD =
  /(?<![^\s'"(`;&|])(?:echo|printf)(?:[ \t]+-[a-zA-Z]+)*(?:[ \t]+(?:'%s[^'\n]*'|"%s[^"\n]*"))?[ \t]+("[^"\n]*"|'[^'\n]*'|[^\s|;&'"]+)[ \t]*\|(?:[^\n;|&]*?[ \t]--password-stdin|[ \t]*(?:sudo[ \t]+)?(?:\/usr\/s?bin\/)?chpasswd)(?![\w-])|(?<![\w-])--password-stdin(?![\w-])(?:[ \t]+[^\s;|&<]+){0,4}?[ \t]*<<<[ \t]*("[^"\n]*"|'[^'\n]*'|[^\s|;&'"]+)/g;

/** Whether a `PIPED_PASSWORD` match pipes to chpasswd, whose line is `user:password`. */
const toChpasswd = (m: RegExpExecArray): boolean => m[1] !== undefined && m[0].endsWith('chpasswd');

/**
 * Whether the word a `PIPED_PASSWORD` match (`m`) echoes is a password (for chpasswd, what follows the user's `:`): not a
 * reference the shell expands (`"$CI_REGISTRY_PASSWORD"`, `$(cat /run/pw)`, `"root:$ROOT_PASSWORD"`).
 */
export function pipedPassword(m: RegExpExecArray): boolean {
  const word = m[1] ?? m[2]!;
  const password = given(toChpasswd(m) ? unquote(word).slice(unquote(word).indexOf(':') + 1) : word);
  return password !== undefined && password.length >= 4 && isSecretSetting('password', password);
}

/**
 * How a `PIPED_PASSWORD` match gives the password, for messages: the login it is piped to by its client's name
 * (`echo <password> | docker login --password-stdin`, `helm registry login --password-stdin <<< <password>`), `<command>`
 * for another; words of the client's own, never the command's. The login of a here-string is before the match, in its command.
 */
export function pipedGiven(m: RegExpExecArray): string {
  if (toChpasswd(m)) return 'echo <user>:<password> | chpasswd';
  const piped = m[1] !== undefined;
  const command = piped ? m[0].slice(m[0].indexOf('|') + 1) : m.input.slice(commandStart(m.input, m.index), m.index);
  const words = shellWords(command);
  const at = words.findIndex((_, i) => clientAt(words, i) === 'login');
  const login = `${at >= 0 ? clientName(words, at, 'login') : '<command>'} --password-stdin`;
  return piped ? `echo <password> | ${login}` : `${login} <<< <password>`;
}
