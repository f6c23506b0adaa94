/**
 * Words of a command line as messages, the command lines hints give and the project's lock show them: a word that holds
 * a secret (a token pasted in the place of a stage or an app) never shown, a very long one cut. Pure.
 */
import { argumentWord, shellWord } from '../errors.js';
import { MAX_QUOTED_CHARS, shorten } from './limits.js';
import { detectSecret } from './secret-rules.js';
import { escapeInvisible, hasInvisible } from './invisible-characters.js';

/**
 * A word of the command line as a message quotes it: `'qa'`, one of more than `max` characters cut in the middle,
 * saying its length (a path is given `Infinity`: it is shown whole, to be found); one that holds a secret (a token
 * pasted in the place of a stage, `npm run secrets -- qa ghp_...`) by what it looks like, never its text, as an
 * unknown option's value is never said: `(a 40-character argument that looks like a GitHub token, hidden)`. Pure.
 */
export function shownArgument(word: string, max = MAX_QUOTED_CHARS): string {
  // a character that prints as nothing or turns the line around (U+202E pasted with a name) as its escape, as a value's
  return hiddenArgument(word) ?? `'${escapeInvisible(shorten(word, max))}'`;
}

/** `shownArgument` unquoted, for a message that names the word bare (`--format is not taken as an option`). Pure. */
export function bareArgument(word: string, max = MAX_QUOTED_CHARS): string {
  return hiddenArgument(word) ?? escapeInvisible(shorten(word, max));
}

/** How a message says a word that holds a secret, or undefined for one that holds none. */
function hiddenArgument(word: string): string | undefined {
  const found = detectSecret(word);
  return found && `(a ${word.length}-character argument that looks like ${found.rule.description}, hidden)`;
}

/**
 * `word` as a command line that a hint gives writes it (`argumentWord`: an option stays an option); undefined when it
 * cannot, or must not: a word that holds a secret, which the hint then says in words instead, or a character that
 * prints as nothing or turns the line around (U+202E pasted with a name), which a line to copy cannot show escaped. Pure.
 */
export function lineArgument(word: string): string | undefined {
  return detectSecret(word) || hasInvisible(word) ? undefined : argumentWord(word);
}

/** `lineArgument` of a name or a path (`shellWord`: one starting with `-` as `./-x`). Pure. */
export function linePath(word: string): string | undefined {
  return detectSecret(word) || hasInvisible(word) ? undefined : shellWord(word);
}

/**
 * A command line given as one text as the project's lock and a write's journal keep it (lib/cli/lock.ts `commandRan`,
 * which judges a process's own arguments each whole), each word that holds a secret as `(hidden)`: other commands print
 * it (`waiting for pid 4711 (npm run promote -- ...)`, `recovered:`), and a killed command leaves it on disk. Pure.
 */
export function withoutSecretWords(line: string): string {
  return line
    .split(' ')
    .map((w) => (detectSecret(w) ? '(hidden)' : w))
    .join(' ');
}
