/**
 * Whitespace at a value's start or end (`' /healthz'`, `'/ready '`), most often a slip of the keyboard when the value without it
 * is what the setting takes: where it is, for the hint that takes it out. Pure.
 */

/** Where `value` has whitespace that `value.trim()` takes out: `start`, `end`, `start and end`; undefined for none. */
export function blankEnds(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === value) return undefined;
  const at = [value.startsWith(trimmed) ? undefined : 'start', value.endsWith(trimmed) ? undefined : 'end'];
  return at.filter((w) => w !== undefined).join(' and ');
}

/**
 * The hint for `value` refused by `pattern` (a JSON Schema pattern) only for its whitespace at the start or end: take it out,
 * `shown` being the value without it as the hint prints it; undefined when it has none, or is refused without it too.
 */
export function blankEndsHint(value: string, pattern: string, shown: (trimmed: string) => string): string | undefined {
  const at = blankEnds(value);
  if (at === undefined || !new RegExp(pattern, 'u').test(value.trim())) return undefined;
  return `take out the whitespace at its ${at}, which looks like a slip: ${shown(value.trim())}`;
}
