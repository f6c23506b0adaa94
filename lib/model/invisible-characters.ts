/**
 * The characters that print as nothing or turn the text around them (Trojan Source, CVE-2021-42574),
 * which a value from a stage file or a manifest may hold: escaped where a value is shown, as the
 * control characters are (lib/errors.ts), so that what prints is what the value holds.
 */
import { hexEscape } from '../errors.js';

/**
 * The bidirectional controls (the Arabic letter mark, LRM and RLM, the embeddings and overrides
 * U+202A-U+202E, the isolates U+2066-U+2069), the zero-width and invisible characters (the soft
 * hyphen, U+180E, U+200B-U+200D, U+2060-U+2064, the deprecated U+206A-U+206F, the BOM), the line and
 * paragraph separators (U+2028, U+2029: a line's end to some log viewers) and the interlinear
 * annotation marks.
 */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/;
const EVERY_INVISIBLE = new RegExp(INVISIBLE.source, 'g');

/** Whether `text` holds an INVISIBLE character. */
export const hasInvisible = (text: string): boolean => INVISIBLE.test(text);

/** `text` with each INVISIBLE character written as its escape (`\u202e`). */
export function escapeInvisible(text: string): string {
  return text.replace(EVERY_INVISIBLE, (c) => hexEscape(c));
}
