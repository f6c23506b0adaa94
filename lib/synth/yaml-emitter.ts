/**
 * A fast path for `toYaml` (serialize.ts): block YAML for the plain data Kubernetes objects are
 * made of, byte for byte what the `yaml` library writes with serialize.ts's options (YAML 1.1,
 * no line folding, no anchors, `sortMapEntries`), about ten times faster, because it builds no
 * document tree. It covers only what it can reproduce exactly: mappings, sequences of scalars
 * and mappings, integers, booleans, nulls (`null`, as the library writes them: an included
 * manifest's, kept for kubectl apply), strings on one line (plain, or quoted as the library quotes
 * them), and strings on several lines (a literal block, `|` or `|-`), none with control
 * characters. For anything else it returns undefined and the caller uses the library (nested
 * sequences, other numbers, tabs, the characters `mustQuote` escapes, blocks with leading or
 * trailing blanks).
 * test/synth/serialize.test.ts compares both on every committed object, on the edge cases and on
 * random strings, on one line and over several.
 */
import { Document } from 'yaml';
import { BoundedMap } from '../model/bounded-map.js';
import { hexEscape } from '../errors.js';

/** Thrown inside the emitter when a value is outside the fast path; never escapes this module. */
const UNSUPPORTED = Symbol('unsupported');

const SCHEMA = new Document(null, { version: '1.1' }).schema;
const SCHEMA_TAGS = [...SCHEMA.tags, ...(SCHEMA.compat ?? [])].filter((t) => t.tag !== 'tag:yaml.org,2002:str');

/**
 * The implicit types of YAML 1.1 (int, float, bool, null, timestamp...), from the `yaml`
 * library's own schema, tested as its plainString does: a string they would match is quoted.
 */
const TYPED_SCALARS: readonly RegExp[] = SCHEMA_TAGS.filter((t) => t.default && 'test' in t && t.test instanceof RegExp).map(
  (t) => (t as { test: RegExp }).test,
);

/**
 * Plain scalars that some reader of YAML 1.1 or 1.2 takes for a non-string, beyond the `yaml`
 * library's 1.1 schema: go-yaml (kubectl, kustomize) reads ints with Go's strconv, so `0o17`,
 * `0O17`, `0X1F`, `0B101` and `1_000` are numbers there; YAML 1.2 (js-yaml, yaml) reads `0o17`,
 * `1e5` and `.inf`; YAML 1.1 reads `1:20` (base 60), `y`/`n` and timestamps. Any string one of
 * them could read otherwise is quoted, so that every reader reads the string.
 */
const AMBIGUOUS_SCALARS: readonly RegExp[] = [
  /^[-+]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/, // ints, any radix, with separators
  /^[-+]?(\.[0-9_]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/, // floats, exponent without a dot too
  /^[-+]?\.(inf|nan)$/i,
  /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/, // base 60 (YAML 1.1)
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]|$)/, // timestamps (YAML 1.1, go-yaml)
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|<<|=)$/,
];

/**
 * Characters some reader rejects or changes when written as they are: C0 and C1 controls, DEL,
 * NEL (U+0085, a line break in YAML 1.1), the line and paragraph separators U+2028/U+2029, a
 * byte-order mark, and lone surrogates (not UTF-8). Strings holding them are double-quoted with
 * these escaped (`escapeForEveryReader`).
 */
const UNSAFE_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the control characters to escape
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_CHARS_GLOBAL = new RegExp(UNSAFE_CHARS.source, 'g');

/**
 * go-yaml v2 (sigs.k8s.io/yaml, in kubectl and kustomize) reads a plain scalar that starts with a
 * digit or a sign as a number when Go's strconv can, after removing every `_`: so `-_1` and `1_`
 * are numbers there, and so are `09`, `0x1p-2` and `+inf`.
 */
const GO_NUMBER =
  /^[-+]?(0[xX][0-9a-fA-F.]*([pP][-+]?[0-9]+)?|0[oObB]?[0-9]+|[0-9]+\.?[0-9]*([eE][-+]?[0-9]+)?|\.[0-9]+([eE][-+]?[0-9]+)?|inf|infinity|nan)$/i;

/** Whether a string must be double-quoted for every reader to read it as the same string. */
export function mustQuote(s: string): boolean {
  return (
    UNSAFE_CHARS.test(s) ||
    AMBIGUOUS_SCALARS.some((r) => r.test(s)) ||
    (/^[-+0-9]/.test(s) && GO_NUMBER.test(s.replace(/_/g, ''))) ||
    // a line of only blanks: in a literal block, go-yaml takes its blanks for indentation and drops them
    (s.includes('\n') && /(^|\n)[ \t]+(\n|$)/.test(s))
  );
}

/**
 * The text of a document the `yaml` library wrote with every `mustQuote` string double-quoted,
 * with the characters it leaves as they are inside double quotes escaped (`\u2028`, `\x7f`...).
 * Only double-quoted scalars can hold them (every string holding one was forced to be one).
 */
export function escapeForEveryReader(text: string): string {
  return text.replace(UNSAFE_CHARS_GLOBAL, hexEscape);
}

/** Whether the library takes the string for another type's value (`<<` is the merge key) and writes it its own way. */
const claimedByTag = (s: string) => SCHEMA_TAGS.some((t) => t.identify?.(s));

/** What a plain scalar may not look like (the `yaml` library's plainString rule, verbatim). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Text on one line without control characters (tabs included); UNSAFE_CHARS' are left to the library too. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters it leaves out
const ONE_LINE_TEXT = /^[^\x00-\x1f]*$/;
/** A line starting like this would start a new document (the library indents or quotes it). */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/;
/**
 * Several lines that the library writes as a literal block with no indentation indicator: no
 * blanks at either end, no control characters but the line feeds (`mustQuote`'s strings are left
 * to the library too).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters it leaves out
const LITERAL_TEXT = /^[^\s\x00-\x1f][^\x00-\x09\x0b-\x1f]*[^\s\x00-\x1f]\n?$/;
const LINE_MARKER = /^(%|---|\.\.\.)/m;
/** Keys longer than this (as written) are written as explicit keys (`? key`) by the library. */
const MAX_IMPLICIT_KEY = 1024;

/**
 * Entries kept by each of the caches below before it starts again: labels, names, images and keys
 * repeat in every object, and a process that writes many distinct strings must not keep them all.
 */
const MAX_CACHED = 50_000;

/** Strings as written, or UNSUPPORTED. */
const written = new BoundedMap<string, string | typeof UNSUPPORTED>(MAX_CACHED);

function text(s: string): string {
  let out = written.get(s);
  if (out === undefined) {
    if (!ONE_LINE_TEXT.test(s) || UNSAFE_CHARS.test(s) || DOCUMENT_MARKER.test(s) || claimedByTag(s)) out = UNSUPPORTED;
    // forced to double quotes (`libraryYaml`): JSON's, which escape `"` and `\` as the library does
    // (the other characters it escapes are not in such a string)
    else if (mustQuote(s)) out = JSON.stringify(s);
    // the library quotes with `'` a string holding `"` but no `'`, else with `"`
    else if (NOT_PLAIN.test(s) || TYPED_SCALARS.some((t) => t.test(s)))
      out = s.includes('"') && !s.includes("'") ? `'${s}'` : JSON.stringify(s);
    else out = s;
    written.set(s, out);
  }
  if (out === UNSUPPORTED) throw UNSUPPORTED;
  return out;
}

/** String values as written on one line, with the line's newline: no string is built per line for them. */
const writtenLines = new BoundedMap<string, string>(MAX_CACHED);

/**
 * Several lines as a literal block whose lines start at `indent`: strip the final newline
 * (`|-`) or keep the one there is (`|`), as the library chooses; lines stay as they are.
 */
function literal(s: string, indent: string): string {
  // the library writes what `mustQuote` says in double quotes (a line of only blanks, a leading
  // date), and so must this
  if (!LITERAL_TEXT.test(s) || mustQuote(s) || LINE_MARKER.test(s)) throw UNSUPPORTED;
  const clip = s.endsWith('\n');
  return `|${clip ? '' : '-'}\n${indent}${(clip ? s.slice(0, -1) : s).replace(/\n+/g, `$&${indent}`)}`;
}

/** A scalar value and the newline that ends its line; `indent` is where the lines of a literal block start. */
function scalarLine(v: unknown, indent: string): string {
  if (typeof v === 'string') {
    if (v.includes('\n')) return `${literal(v, indent)}\n`;
    return writtenLines.get(v) ?? writtenLines.remember(v, `${text(v)}\n`);
  }
  if (typeof v === 'boolean') return v ? 'true\n' : 'false\n';
  if (v === null) return 'null\n';
  if (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0)) return `${v}\n`;
  throw UNSUPPORTED;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

type CompareKeys = (a: string, b: string) => number;

/**
 * The starts of lines, by depth of nesting: `indent` (two spaces a level), `dash` (`indent` and
 * `- `, an item of a sequence), and each key as written after `indent` (`keys`) or after the
 * `- ` of the level above (`firstKeys`, the first key of a mapping that is an item), followed by
 * `: ` (a value on the line) and by `:\n` (a block below). Made once: a document's lines are then
 * pieces already made, joined once.
 */
interface Level {
  readonly indent: string;
  readonly dash: string;
  readonly keys: BoundedMap<string, KeyLine>;
  readonly firstKeys: BoundedMap<string, KeyLine>;
  /**
   * The keys of the mapping being written at this depth, put in order when they were not
   * (`keysToWrite`): one array per depth, reused, since a mapping's lines are written before the
   * next mapping at its depth starts and its nested ones are deeper.
   */
  readonly ordered: string[];
}
interface KeyLine {
  readonly inline: string;
  readonly block: string;
}

/** The levels made once; deeper ones (rare, and their indents long) are made each time they are needed. */
const levels: Level[] = [];
const MAX_KEPT_DEPTH = 32;

function level(depth: number): Level {
  const found = levels[depth];
  if (found) return found;
  const indent = '  '.repeat(depth);
  const made = {
    indent,
    dash: `${indent}- `,
    keys: new BoundedMap<string, KeyLine>(MAX_CACHED),
    firstKeys: new BoundedMap<string, KeyLine>(MAX_CACHED),
    ordered: [],
  };
  if (depth < MAX_KEPT_DEPTH) levels[depth] = made;
  return made;
}

function keyLine(key: string, at: Level, first: Level | undefined): KeyLine {
  const lines = first ? at.firstKeys : at.keys;
  let found = lines.get(key);
  if (found === undefined) {
    const written = text(key);
    if (written.length > MAX_IMPLICIT_KEY) throw UNSUPPORTED;
    const start = `${first ? first.dash : at.indent}${written}:`;
    found = lines.remember(key, { inline: `${start} `, block: `${start}\n` });
  }
  return found;
}

/** Whether a value of `m` under one of `keys` is defined (a loop: `keys.some` made a closure per mapping). */
function anyDefined(m: Record<string, unknown>, keys: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) if (m[keys[i]] !== undefined) return true;
  return false;
}

/**
 * The keys of `m` to write, in `compareKeys` order: the library leaves out undefined values. Most
 * mappings have their keys in order already (cdk8s sorts them) and none undefined: then `keys`
 * is returned as it is, neither copied nor sorted. The others (those the transforms spread into
 * new literals: metadata with its namespace last, labels) are put in order in `into` (the level's
 * array): `filter` and `sort` made two arrays for each of them (over two fleet stages' 30,002
 * objects, 175 MB allocated against 114 MB now: bench/README.md).
 */
function keysToWrite(m: Record<string, unknown>, keys: string[], compareKeys: CompareKeys, into: string[]): string[] {
  let previous: string | undefined;
  for (let i = 0; i < keys.length; i++) {
    if (m[keys[i]] === undefined || (previous !== undefined && compareKeys(previous, keys[i]) > 0))
      return ordered(m, keys, compareKeys, into);
    previous = keys[i];
  }
  return keys;
}

/** Up to this many keys, `ordered` sorts by insertion (no array made); above, `sort` in place (insertion is quadratic). */
const INSERTION_KEYS = 16;

/** The keys of `m` with a defined value in `compareKeys` order, in `into` (emptied first); a stable sort, as `Array.prototype.sort`. */
function ordered(m: Record<string, unknown>, keys: readonly string[], compareKeys: CompareKeys, into: string[]): string[] {
  let n = 0;
  const insert = keys.length <= INSERTION_KEYS;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (m[key] === undefined) continue;
    let j = n;
    while (insert && j > 0 && compareKeys(into[j - 1], key) > 0) {
      into[j] = into[j - 1];
      j--;
    }
    into[j] = key;
    n++;
  }
  into.length = n;
  return insert ? into : into.sort(compareKeys);
}

/**
 * Appends the pieces of a mapping's lines to `out`: the lines of a whole document are joined
 * once, and are made of pieces made once (`Level`, `writtenLines`), not of strings built for each
 * line. `keys` are `Object.keys(m)`; `first` is the level above when the mapping is an item of a
 * sequence, whose first line starts with that level's `- `.
 */
function mapping(m: Record<string, unknown>, keys: string[], depth: number, compareKeys: CompareKeys, out: string[], first?: Level): void {
  const at = level(depth);
  const names = keysToWrite(m, keys, compareKeys, at.ordered);
  for (let i = 0; i < names.length; i++) {
    const v = m[names[i]];
    const line = keyLine(names[i], at, i === 0 ? first : undefined);
    if (Array.isArray(v) && v.length > 0) {
      out.push(line.block);
      sequence(v, depth + 1, compareKeys, out);
    } else if (isMapping(v)) {
      const inner = Object.keys(v);
      if (inner.length === 0) out.push(line.inline, '{}\n');
      // only undefined values: left to the library
      else if (!anyDefined(v, inner)) throw UNSUPPORTED;
      else {
        out.push(line.block);
        mapping(v, inner, depth + 1, compareKeys, out);
      }
    } else out.push(line.inline, Array.isArray(v) ? '[]\n' : scalarLine(v, level(depth + 1).indent));
  }
}

function sequence(items: readonly unknown[], depth: number, compareKeys: CompareKeys, out: string[]): void {
  const at = level(depth);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (Array.isArray(item)) {
      if (item.length > 0) throw UNSUPPORTED; // `- - x`: left to the library
      out.push(at.dash, '[]\n');
    } else if (isMapping(item)) {
      const keys = Object.keys(item);
      if (keys.length === 0) out.push(at.dash, '{}\n');
      else if (!anyDefined(item, keys)) throw UNSUPPORTED;
      // the first entry of a mapping shares the line of its `- `
      else mapping(item, keys, depth + 1, compareKeys, out, at);
    } else out.push(at.dash, scalarLine(item, level(depth + 1).indent));
  }
}

/** The pieces of the document being written (one array for every document: emptied after each). */
const pieces: string[] = [];

/**
 * `value` (a mapping) as one YAML document ending in a newline, with each mapping's keys in
 * `compareKeys` order; undefined when the value is outside the fast path.
 */
export function emitBlockYaml(value: unknown, compareKeys: (a: string, b: string) => number): string | undefined {
  if (!isMapping(value)) return undefined;
  const keys = Object.keys(value);
  if (!anyDefined(value, keys)) return undefined;
  try {
    mapping(value, keys, 0, compareKeys, pieces);
    return pieces.join('');
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  } finally {
    pieces.length = 0;
  }
}
