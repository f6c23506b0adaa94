/**
 * A fast path for `toYaml` (serialize.ts): block YAML for the plain data Kubernetes objects are
 * made of, byte for byte what the `yaml` library writes with serialize.ts's options (YAML 1.1,
 * no line folding, no anchors, `sortMapEntries`), about ten times faster, because it builds no
 * document tree. It covers only what it can reproduce exactly: mappings, sequences of scalars
 * and mappings, integers, booleans, printable ASCII strings without `"` or `\` on one line,
 * and printable ASCII on several lines (a literal block, `|` or `|-`). For anything else it
 * returns undefined and the caller uses the library (nested sequences, nulls, other numbers,
 * non-ASCII text, blocks with leading or trailing blanks). test/synth/serialize.test.ts
 * compares both on every committed object and on the edge cases.
 */
import { Document } from 'yaml';

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
  return text.replace(UNSAFE_CHARS_GLOBAL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Whether the library takes the string for another type's value (`<<` is the merge key) and writes it its own way. */
const claimedByTag = (s: string) => SCHEMA_TAGS.some((t) => t.identify?.(s));

/** What a plain scalar may not look like (the `yaml` library's plainString rule, verbatim). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Printable ASCII without `"` and `\`: quoted, such a string is itself between double quotes. */
const SIMPLE_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** A line starting like this would start a new document (the library indents or quotes it). */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/;
/** Several lines that the library writes as a literal block with no indentation indicator: no blanks at either end. */
const LITERAL_TEXT = /^[\x21-\x7e][\x20-\x7e\n]*[\x21-\x7e]\n?$/;
const LINE_MARKER = /^(%|---|\.\.\.)/m;
/** Keys longer than this (as written) are written as explicit keys (`? key`) by the library. */
const MAX_IMPLICIT_KEY = 1024;

/** Strings as written, or UNSUPPORTED: labels, names and images repeat in every object (one entry per distinct string of the process). */
const written = new Map<string, string | typeof UNSUPPORTED>();

function text(s: string): string {
  let out = written.get(s);
  if (out === undefined) {
    if (!SIMPLE_TEXT.test(s) || DOCUMENT_MARKER.test(s) || claimedByTag(s)) out = UNSUPPORTED;
    else out = NOT_PLAIN.test(s) || TYPED_SCALARS.some((t) => t.test(s)) || mustQuote(s) ? `"${s}"` : s;
    written.set(s, out);
  }
  if (out === UNSUPPORTED) throw UNSUPPORTED;
  return out;
}

/**
 * Several lines as a literal block whose lines start at `indent`: strip the final newline
 * (`|-`) or keep the one there is (`|`), as the library chooses; lines stay as they are.
 */
function literal(s: string, indent: string): string {
  if (!LITERAL_TEXT.test(s) || LINE_MARKER.test(s)) throw UNSUPPORTED;
  const clip = s.endsWith('\n');
  return `|${clip ? '' : '-'}\n${indent}${(clip ? s.slice(0, -1) : s).replace(/\n+/g, `$&${indent}`)}`;
}

/** A scalar value; `indent` is where the lines of a literal block start. */
function scalar(v: unknown, indent: string): string {
  if (typeof v === 'string') return v.includes('\n') ? literal(v, indent) : text(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
  throw UNSUPPORTED;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A value after `key:` or `- ` (on a line indented by `indent`): an empty collection in flow style, or a scalar. */
function inline(v: unknown, indent: string): string {
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (isMapping(v) && Object.keys(v).length === 0) return '{}';
  return scalar(v, `${indent}  `);
}

function isBlock(v: unknown): boolean {
  return (Array.isArray(v) && v.length > 0) || (isMapping(v) && Object.values(v).some((x) => x !== undefined));
}

type CompareKeys = (a: string, b: string) => number;

/** Whether `keys` are in `compareKeys` order already (a stable sort would leave them as they are). */
function inOrder(keys: readonly string[], compareKeys: CompareKeys): boolean {
  for (let i = 1; i < keys.length; i++) if (compareKeys(keys[i - 1], keys[i]) > 0) return false;
  return true;
}

/**
 * Appends the lines of a mapping to `out`, each ending in a newline: one array of lines for the
 * whole document, joined once, instead of a string per mapping and sequence joined again by each
 * enclosing one (a document was copied once per level of nesting). `first` starts the first line
 * instead of `indent`: `- ` for a mapping that is an item of a sequence.
 */
function mapping(m: Record<string, unknown>, indent: string, compareKeys: CompareKeys, out: string[], first = indent): void {
  // the library leaves out undefined values; a null value is written differently (`? key` when all are null)
  const keys = Object.keys(m).filter((k) => m[k] !== undefined);
  // mostly in order already (cdk8s sorts keys): sorting would copy the array for nothing
  if (!inOrder(keys, compareKeys)) keys.sort(compareKeys);
  for (let i = 0; i < keys.length; i++) {
    const v = m[keys[i]];
    if (v === null) throw UNSUPPORTED;
    const written = text(keys[i]);
    if (written.length > MAX_IMPLICIT_KEY) throw UNSUPPORTED;
    const key = `${i === 0 ? first : indent}${written}:`;
    if (!isBlock(v)) out.push(`${key} ${inline(v, indent)}\n`);
    else {
      out.push(`${key}\n`);
      block(v, `${indent}  `, compareKeys, out);
    }
  }
}

function sequence(items: readonly unknown[], indent: string, compareKeys: CompareKeys, out: string[]): void {
  for (const item of items) {
    if (Array.isArray(item) && item.length > 0) throw UNSUPPORTED; // `- - x`: left to the library
    if (!isBlock(item)) out.push(`${indent}- ${inline(item, indent)}\n`);
    // the first entry of a mapping shares the line of its `- `
    else mapping(item as Record<string, unknown>, `${indent}  `, compareKeys, out, `${indent}- `);
  }
}

function block(v: unknown, indent: string, compareKeys: CompareKeys, out: string[]): void {
  if (Array.isArray(v)) sequence(v, indent, compareKeys, out);
  else mapping(v as Record<string, unknown>, indent, compareKeys, out);
}

/**
 * `value` (a mapping) as one YAML document ending in a newline, with each mapping's keys in
 * `compareKeys` order; undefined when the value is outside the fast path.
 */
export function emitBlockYaml(value: unknown, compareKeys: (a: string, b: string) => number): string | undefined {
  if (!isBlock(value) || Array.isArray(value)) return undefined;
  try {
    const out: string[] = [];
    mapping(value as Record<string, unknown>, '', compareKeys, out);
    return out.join('');
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
}
