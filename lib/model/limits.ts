/**
 * The bounds on every input stagecraft reads (stage files, and manifests given to `check`), so
 * that any input, however hostile, costs bounded time and memory and gets a message of bounded
 * length. The README ("Bounds on input") states each of them.
 */
import type { Problem, SourceLocation } from '../errors.js';

/** Bytes read from one input file; a larger file is refused before it is parsed. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Nesting of mappings and sequences in one YAML document (Kubernetes objects need about 15). */
export const MAX_DEPTH = 100;
/** Alias expansions in one stage file (the yaml library's own `maxAliasCount`). */
export const MAX_STAGE_ALIASES = 100;
/** Alias expansions in one document of a manifest file. */
export const MAX_MANIFEST_ALIASES = 1000;
/** Problems reported per file: the first ones in file order, then a count of the others. */
export const MAX_PROBLEMS_PER_FILE = 50;
/** Characters of a key or value quoted in a message; longer ones are shortened with an ellipsis. */
export const MAX_QUOTED_CHARS = 60;

/** `s`, cut to `max` characters with an ellipsis in the middle, saying how long it was. */
export function shorten(s: string, max = MAX_QUOTED_CHARS): string {
  if (s.length <= max) return s;
  const half = Math.floor((max - 1) / 2);
  return `${s.slice(0, half)}…${s.slice(s.length - half)} (${s.length} characters)`;
}

/**
 * The YAML tags the yaml library reads into values JSON has no type for (`!!timestamp` a Date,
 * `!!binary` bytes, `!!set` a Set, `!!omap` a Map), each with what to write instead: no
 * Kubernetes object or stage file holds such a value.
 */
const FOREIGN_TAGS: readonly { tag: string; is: (v: unknown) => boolean; hint: string }[] = [
  {
    tag: '!!timestamp',
    is: (v) => v instanceof Date,
    // unquoted, YAML 1.1 readers (kubectl's go-yaml) still read a date as a timestamp
    hint: 'drop the !!timestamp tag and quote the value ("2001-12-14"): a date is a string here',
  },
  { tag: '!!binary', is: (v) => v instanceof Uint8Array, hint: 'drop the !!binary tag: base64 text is a string here' },
  { tag: '!!set', is: (v) => v instanceof Set, hint: 'drop the !!set tag: a set is written as a list ([a, b]) here' },
  {
    tag: '!!omap',
    is: (v) => v instanceof Map,
    hint: 'drop the !!omap tag: an ordered mapping is written as a mapping ({a: 1, b: 2}) here',
  },
];

/** The YAML tag `v` was read with when it is a value no Kubernetes object holds (FOREIGN_TAGS), with what to do; else undefined. */
export function yamlTagOf(v: unknown): { tag: string; hint: string } | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const found = FOREIGN_TAGS.find((t) => t.is(v));
  return found && { tag: found.tag, hint: found.hint };
}

/** `n` and the noun, plural but for one: `1 object`, `8 stages`. */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Items as a sentence lists them: `a`, `a and b`, `a, b and c`. */
export function andList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A value as a message shows it: `"abc"`, `3`, `.inf`, `a mapping`, `a YAML !!timestamp value`; never longer than about MAX_QUOTED_CHARS. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  const tagged = yamlTagOf(v);
  if (tagged) return `a YAML ${tagged.tag} value`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' && !Number.isFinite(v)) {
    // JSON.stringify would say null; YAML's own words, and why 1e400 is among them
    return Number.isNaN(v) ? '.nan (not a number)' : `${v > 0 ? '' : '-'}.inf (infinity, or a number too large to be finite such as 1e400)`;
  }
  if (typeof v === 'string') return JSON.stringify(shorten(v));
  return shorten(JSON.stringify(v) ?? String(v));
}

/**
 * The first MAX_PROBLEMS_PER_FILE problems of each file (sorted), then one line counting the
 * others, placed at `end` (the end of the file, after every problem shown).
 */
export function capProblems(sorted: readonly Problem[], end: SourceLocation): Problem[] {
  if (sorted.length <= MAX_PROBLEMS_PER_FILE) return [...sorted];
  const more = sorted.length - MAX_PROBLEMS_PER_FILE;
  return [
    ...sorted.slice(0, MAX_PROBLEMS_PER_FILE),
    {
      code: 'config/more-problems',
      location: end,
      message: `and ${more} more problem${more === 1 ? '' : 's'} in this file (only the first ${MAX_PROBLEMS_PER_FILE} are shown)`,
      hint: 'fix these and run again',
      counts: more,
    },
  ];
}
