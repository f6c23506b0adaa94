/**
 * A value as a line of every command shows it (npm run diff's `path: from -> to`, promote's and
 * switch's edit lines): one way of writing what does not print, so that a value reads alike
 * wherever it is shown. Pure.
 */
import { escapeName } from '../errors.js';
import { escapeInvisible } from './invisible-characters.js';

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
