/**
 * A value as a line of every command shows it (npm run diff's `path: from -> to`, promote's and
 * switch's edit lines): one way of writing what does not print, so that a value reads alike
 * wherever it is shown. Pure.
 */
import { escapeName } from '../errors.js';
import { escapeInvisible, hasInvisible } from './invisible-characters.js';

/**
 * `text` in double quotes, each control character as a name's escape (`\x1b`, `\n`, `\t`, and a
 * backslash as `\\`, so that the text `\x1b` shows otherwise than ESC), each character that prints as
 * nothing or turns the text around as its escape (`\u202e`, `\u200b`), and a `"` as `\"`.
 */
export function quotedText(text: string): string {
  return `"${escapeInvisible(escapeName(text)).replaceAll('"', '\\"')}"`;
}

/**
 * `value` as JSON writes it (a `toJSON` answering for its object, an undefined member left out, an
 * undefined item and a number JSON has not as `null`), but each string and key as `quotedText`:
 * JSON.stringify writes ESC as `\u001b` where a name and an edit line write `\x1b`, and leaves DEL,
 * C1 (`\x9b`, CSI to some terminals) and the invisible characters as they are.
 */
export function shownJson(value: unknown): string {
  if (typeof value === 'string') return quotedText(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const own = value as { toJSON?: () => unknown };
  if (typeof own.toJSON === 'function') return shownJson(own.toJSON());
  if (Array.isArray(value)) return `[${value.map(shownJson).join(',')}]`;
  const members = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  return `{${members.map(([k, v]) => `${quotedText(k)}:${shownJson(v)}`).join(',')}}`;
}

/**
 * A value of a stage file where an edit's line (lib/config/edit.ts) shows it: as it is, but as `quotedText` writes it (in
 * double quotes, `\n`, `\t`, `\x1b`, `\u202e`, as diff's lines show a value) when it is empty, has
 * blanks at an end or holds one (a block scalar's lines, an escape), or would read as another value
 * (`"1.2"`, `a -> b`, `(not set)`), so that each edit stays one
 * line, what it holds shows, and no terminal acts on it: as diff's lines show values (lib/diff/lines.ts).
 * Problems that name a value say it so too (lib/refused-changes.ts).
 */
export function shownValue(value: string): string {
  // a value in quotes of its own, one holding the arrow between the two values, or the words said of none would read as another
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters to show as escapes
  if (!/^$|^\s|\s$|^"| -> |^\(not set\)$|[\x00-\x1f\x7f-\x9f]/.test(value) && !hasInvisible(value)) return value;
  return quotedText(value);
}
