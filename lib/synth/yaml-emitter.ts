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
const TYPED_SCALARS: readonly RegExp[] = SCHEMA_TAGS
  .filter((t) => t.default && 'test' in t && t.test instanceof RegExp)
  .map((t) => (t as { test: RegExp }).test);

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
    else out = NOT_PLAIN.test(s) || TYPED_SCALARS.some((t) => t.test(s)) ? `"${s}"` : s;
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

function mapping(m: Record<string, unknown>, indent: string, compareKeys: (a: string, b: string) => number): string {
  // the library leaves out undefined values; a null value is written differently (`? key` when all are null)
  const keys = Object.keys(m).filter((k) => m[k] !== undefined).sort(compareKeys);
  return keys
    .map((k) => {
      const v = m[k];
      if (v === null) throw UNSUPPORTED;
      const written = text(k);
      if (written.length > MAX_IMPLICIT_KEY) throw UNSUPPORTED;
      const key = `${indent}${written}:`;
      if (!isBlock(v)) return `${key} ${inline(v, indent)}`;
      return `${key}\n${block(v, `${indent}  `, compareKeys)}`;
    })
    .join('\n');
}

function sequence(items: readonly unknown[], indent: string, compareKeys: (a: string, b: string) => number): string {
  return items
    .map((item) => {
      if (Array.isArray(item) && item.length > 0) throw UNSUPPORTED; // `- - x`: left to the library
      if (!isBlock(item)) return `${indent}- ${inline(item, indent)}`;
      // the first entry of a mapping shares the line of its `- `
      return `${indent}- ${mapping(item as Record<string, unknown>, `${indent}  `, compareKeys).slice(indent.length + 2)}`;
    })
    .join('\n');
}

function block(v: unknown, indent: string, compareKeys: (a: string, b: string) => number): string {
  return Array.isArray(v) ? sequence(v, indent, compareKeys) : mapping(v as Record<string, unknown>, indent, compareKeys);
}

/**
 * `value` (a mapping) as one YAML document ending in a newline, with each mapping's keys in
 * `compareKeys` order; undefined when the value is outside the fast path.
 */
export function emitBlockYaml(value: unknown, compareKeys: (a: string, b: string) => number): string | undefined {
  if (!isBlock(value) || Array.isArray(value)) return undefined;
  try {
    return `${mapping(value as Record<string, unknown>, '', compareKeys)}\n`;
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
}
