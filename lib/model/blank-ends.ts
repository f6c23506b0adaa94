/**
 * Whitespace at a value's start or end (`' /healthz'`, `'/ready '`), most often a slip of the keyboard when the value without it
 * is what the setting takes: where it is, for the hint that takes it out. Pure.
 */

/**
 * Whitespace that a value printed in double quotes (JSON.stringify) does not show for what it is: it escapes a tab or a line
 * break, and prints these as they are, as a space or as nothing at all. Named, since the hint's reader cannot see them.
 */
const UNSEEN: Readonly<Record<string, string>> = {
  '\u00a0': 'a no-break space',
  '\ufeff': 'a byte order mark',
  '\u3000': 'an ideographic space',
  '\u2028': 'a line separator',
  '\u2029': 'a paragraph separator',
};

/** What a printed value shows as it is, or escaped: a space, `\t`, `\n`, `\r`, `\v`, `\f`. */
const SEEN = new Set([' ', '\t', '\n', '\r', '\v', '\f']);

/**
 * Where `value` has whitespace that `value.trim()` takes out: `start`, `end`, `start and end`; undefined for none, and for a
 * value of whitespace alone (no value at its ends: nothing left that looks meant).
 */
export function blankEnds(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === value || trimmed === '') return undefined;
  const at = [value.startsWith(trimmed) ? undefined : 'start', value.endsWith(trimmed) ? undefined : 'end'];
  return at.filter((w) => w !== undefined).join(' and ');
}

/**
 * `blankEnds`, with the whitespace there that a printed value does not show named by its code point (`start (U+00A0, a
 * no-break space)`), for a hint's `take out the whitespace at its ...`.
 */
export function blankEndsPhrase(value: string): string | undefined {
  const at = blankEnds(value);
  if (at === undefined) return undefined;
  const trimmed = value.trim();
  const from = value.indexOf(trimmed);
  const blanks = [...new Set(value.slice(0, from) + value.slice(from + trimmed.length))].filter((c) => !SEEN.has(c));
  const named = blanks.map((c) => {
    const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return Object.hasOwn(UNSEEN, c) ? `${code}, ${UNSEEN[c]}` : code;
  });
  return named.length ? `${at} (${named.join('; ')})` : at;
}

/**
 * The hint for `value` refused by `pattern` (a JSON Schema pattern) only for its whitespace at the start or end: take it out,
 * `shown` being the value without it as the hint prints it; undefined when it has none, is whitespace alone, or is refused
 * without it too.
 */
export function blankEndsHint(value: string, pattern: string, shown: (trimmed: string) => string): string | undefined {
  const at = blankEndsPhrase(value);
  if (at === undefined || !new RegExp(pattern, 'u').test(value.trim())) return undefined;
  return `take out the whitespace at its ${at}, which looks like a slip: ${shown(value.trim())}`;
}
