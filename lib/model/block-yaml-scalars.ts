/**
 * The scalars of lib/model/block-yaml.ts' reader: the characters it reads keys and plain scalars by,
 * and the value of a plain scalar as the yaml library's core schema reads it (its own tags, so that
 * `010`, `0x1F`, `.inf`, `yes` mean exactly what they mean there); `Outside`, thrown where the text
 * leaves the subset the reader is sure of.
 */
import { Schema, isScalar } from 'yaml';

/** The core schema's scalar tags that apply to plain scalars without a tag, in the library's order. */
const PLAIN_TAGS = new Schema({ schema: 'core' }).tags.filter((t) => t.default === true && t.test);
const RESOLVE_OPTIONS = { intAsBigInt: false };

/** Thrown inside the reader when the text leaves the subset; never escapes readBlockYaml. */
export class Outside {}
export const outside = (): never => {
  throw new Outside();
};

export const SPACE = 32;
export const HASH = 35;
export const DASH = 45;
export const COLON = 58;
export const DQUOTE = 34;
export const SQUOTE = 39;

/** A letter, digit or `_`: how a plain key may start. */
export const isKeyStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
/** A plain key's other characters: also `. / -`. */
export const isKeyChar = (c: number): boolean => isKeyStart(c) || c === 46 || c === 47 || c === DASH;
/** First characters of a plain scalar that make it something else (indicators), or that readYaml should judge. */
export const NOT_PLAIN_START = new Set([...'&*!|>%@`?,[]{}#\'"'].map((c) => c.charCodeAt(0)));
/** Characters that end a plain scalar in a flow collection, or that readYaml should judge there. */
export const NOT_IN_FLOW_PLAIN = new Set([...',[]{}#\'"&*!|>%@`?:'].map((c) => c.charCodeAt(0)));

/**
 * The tests of the core schema's tags, as the yaml library writes them: each matches only the
 * empty string or strings whose first character is one of MAY_NOT_BE_STRING's. Checked when the
 * module loads (PLAIN_SHORTCUT, asserted by the tests): if the library's tags change, every scalar
 * goes through every test again.
 */
const KNOWN_TESTS = [
  '^(?:~|[Nn]ull|NULL)?$',
  '^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$',
  '^0o[0-7]+$',
  '^[-+]?[0-9]+$',
  '^0x[0-9a-fA-F]+$',
  '^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$',
  '^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)[eE][-+]?[0-9]+$',
  '^[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)$',
];
const MAY_NOT_BE_STRING = new Set([...'~nNtTfF0123456789+-.'].map((c) => c.charCodeAt(0)));
export const PLAIN_SHORTCUT = PLAIN_TAGS.every((t) => KNOWN_TESTS.includes(t.test?.source ?? ''));

/** The value of a plain scalar as the yaml library's core schema reads it. */
export function plainValue(s: string): unknown {
  // most scalars (names, images, paths, quantities) start with a letter no tag's test accepts
  if (PLAIN_SHORTCUT && s.length > 0 && !MAY_NOT_BE_STRING.has(s.charCodeAt(0))) return s;
  for (const tag of PLAIN_TAGS) {
    if (tag.test?.test(s)) {
      const res = tag.resolve(s, outside, RESOLVE_OPTIONS);
      return isScalar(res) ? res.value : res;
    }
  }
  return s;
}
