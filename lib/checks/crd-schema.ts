/**
 * A CustomResourceDefinition's structural schema as JSON Schema for ajv (`toJsonSchema`), compiled
 * by the one ajv of the process (`ajv`, with `x-kubernetes-list-map-keys` as a keyword), what makes
 * a schema not structural (`structuralProblems`, which the API server refuses), and whether it has
 * CEL rules (`hasCel`). The mapping:
 *
 * - `x-kubernetes-preserve-unknown-fields: true` keeps unknown fields; everywhere else an object
 *   accepts only its `properties` (the API server prunes the rest; here they are reported, with
 *   "did you mean", because a misspelled field is silently dropped there);
 * - `x-kubernetes-int-or-string` is an integer or a string; `nullable: true` also accepts null;
 * - `pattern` is a Go (RE2) expression, read as JavaScript reads it with its leading flags
 *   translated (`goRegExp`); one JavaScript cannot read is left out, with a warning on the CRD;
 * - `x-kubernetes-list-type: set` has unique items, `map` unique `x-kubernetes-list-map-keys`;
 * - `x-kubernetes-embedded-resource` accepts `apiVersion`, `kind` and `metadata`;
 * - defaults are not applied (a missing required field is missing, default or not);
 * - a null in a field that is not `nullable` is dropped before validation, as the API server
 *   drops it (`withoutNonNullableNulls`);
 * - the root `metadata` is Kubernetes' ObjectMeta, checked by api-rules-meta.ts like any object's.
 *
 * Pure.
 */
import type { ErrorObject } from 'ajv';
import AjvModule from 'ajv';
import { didYouMean } from '../model/did-you-mean.js';
import type { FieldPath, Finding, finder } from './finding.js';

// ajv is published as CommonJS with a default export
const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;

export type Schema = Record<string, unknown>;
export const asObj = (v: unknown): Schema | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined);

/** The types a structural schema may use. */
const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
/** OpenAPI v3 keywords copied as they are (JSON Schema has the same meaning). */
const VALUE_KEYWORDS = [
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'multipleOf',
  'minProperties',
  'maxProperties',
  'required',
];
export const LIST_MAP_KEYS = 'x-kubernetes-list-map-keys';

/**
 * What RE2 reads otherwise than the JavaScript RegExp goRegExp makes, which takes it without a
 * word: an escape (a backslash after an even number of them; `\\pL` is a backslash and `pL` to
 * both) of a Unicode class (`\pL`, `\p{Greek}`), `\z`, `\A`, `\C`, `\Q...\E` or a hex code point
 * in braces (`\x{41}`), and a POSIX class anywhere in brackets (`[[:alpha:]]`, `[_[:alnum:]]`,
 * `[^[:space:]]`: sets of the characters between them there; one outside brackets, a set of its
 * characters to both, is rare enough to be left out with them).
 */
const READ_OTHERWISE = /(?<!\\)(?:\\\\)*\\(?:[pPzACQ]|x\{)|\[:\^?[a-z]+:\]/;

/** RE2's `\s` as the body of a class: ASCII space, tab, newline, form feed and carriage return; not JavaScript's vertical tab, no-break and other Unicode spaces. */
const RE2_SPACE = '\\t\\n\\f\\r ';
/** RE2's `\S` as the body of a class: every code point but RE2_SPACE's (a `u` RegExp's class reaches U+10FFFF). */
const RE2_NOT_SPACE = '\\0-\\x08\\x0b\\x0e-\\x1f\\x21-\\u{10ffff}';
/**
 * The escapes of a set of characters: in a class, a `-` right after one is a `-` to RE2 (`[\w-.]`,
 * `[\d-\w]`), no range, where `u` mode throws. (One right before one is a `-` to RE2 only first
 * in a class, as to JavaScript, or right after another; `[a-\w]` is an error to both.)
 */
const CLASS_ESCAPES = 'wWdDsS';
/** What JavaScript's `u` mode allows escaped outside a class: its syntax characters. RE2 allows any punctuation escaped. */
const SYNTAX_CHARACTER = /[\^$\\.*+?()[\]{}|/]/;

/**
 * An RE2 expression (its leading flags taken off) as the source of a JavaScript RegExp with the
 * `u` flag, which reads code points as RE2 does (a `.` or `[^/]` is one emoji there, two halves of
 * one without it). What each reads otherwise is written as RE2 means it: `.` is any code point but
 * a newline (JavaScript's leaves out `\r`, U+2028 and U+2029 too), or any at all with `(?s)`;
 * `\s` and `\S` are RE2's ASCII sets, in a class too; with `(?m)`, `^` and `$` are at a newline
 * only (JavaScript's are at `\r`, U+2028 and U+2029 too); a `]` first in a class is a `]`, and
 * a brace or `]` that is no repetition or class (`a{,3}`, `a]`) the character, and so is a `-` in a
 * class right after `\w`, `\d`, `\s` or their negations (CLASS_ESCAPES); punctuation escaped
 * that `u` mode refuses escaped (`\_`, `\:`, `\-` outside a class) is the character. What else
 * JavaScript's `u` mode refuses (a back reference, `(?i)` within the pattern) throws.
 */
function re2Source(source: string, dotAll: boolean, multiline: boolean): string {
  let out = '';
  let inClass = false;
  let classStart = false;
  let classEscape = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const first = classStart;
    const afterClassEscape = classEscape;
    classStart = classEscape = false;
    if (c === '\\') {
      const n = source[++i];
      if (n === undefined) throw new SyntaxError('a pattern may not end with a backslash');
      classEscape = inClass && CLASS_ESCAPES.includes(n);
      if (n === 's') out += inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
      else if (n === 'S') out += inClass ? RE2_NOT_SPACE : `[${RE2_NOT_SPACE}]`;
      else if (/[\p{L}\p{N}]/u.test(n) || SYNTAX_CHARACTER.test(n) || (n === '-' && inClass)) out += `\\${n}`;
      else out += n;
    } else if (inClass) {
      if (c === ']') {
        out += first ? '\\]' : ']';
        inClass = first;
      } else if (c === '-' && afterClassEscape) out += '\\-';
      else out += c;
    } else if (c === '[') {
      inClass = classStart = true;
      out += source[i + 1] === '^' ? '[^' : '[';
      if (source[i + 1] === '^') i++;
    } else if (c === '{') {
      // a repetition, {2} {2,} {2,5}, as it is; another brace is a brace to RE2 (a{,3}), an error to `u` mode
      const repeat = /^\{\d+(?:,\d*)?\}/.exec(source.slice(i, i + 24))?.[0];
      out += repeat ?? '\\{';
      i += (repeat?.length ?? 1) - 1;
    } else if (c === '}' || c === ']') out += `\\${c}`;
    else if (c === '.') out += dotAll ? '[^]' : '[^\\n]';
    else if (multiline && c === '^') out += '(?<![^\\n])';
    else if (multiline && c === '$') out += '(?![^\\n])';
    else out += c;
  }
  return out;
}

/**
 * A pattern of a CRD, a Go (RE2) expression, as a JavaScript RegExp: the flags it starts with
 * (`(?i)`, `(?s)`, `(?m)`, or several, `(?is)`; after a leading `^` too, as the Prometheus
 * Operator's `^(?i)(abort|warn)?$`), which JavaScript has no inline syntax for, are read as
 * re2Source reads them, and `(?P<name>` is a named group. Throws where JavaScript reads no such
 * expression, or reads it otherwise (READ_OTHERWISE).
 */
export function goRegExp(pattern: string): RegExp {
  if (READ_OTHERWISE.test(pattern)) throw new SyntaxError(`JavaScript reads ${pattern} otherwise than RE2`);
  const flags = /^(\^?)\(\?([ims]+)\)/.exec(pattern);
  const source = flags ? flags[1] + pattern.slice(flags[0].length) : pattern;
  const inline = flags?.[2] ?? '';
  return new RegExp(
    re2Source(source.replaceAll('(?P<', '(?<'), inline.includes('s'), inline.includes('m')),
    inline.includes('i') ? 'iu' : 'u',
  );
}
goRegExp.code = 'goRegExp';

/** Whether goRegExp reads `pattern`. */
export function readsPattern(pattern: string): boolean {
  try {
    goRegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** One ajv for every CRD: custom kinds of one process share compiled code. */
let ajvInstance: InstanceType<typeof Ajv> | undefined;
export function ajv(): InstanceType<typeof Ajv> {
  if (ajvInstance) return ajvInstance;
  // unicodeRegExp: false, because CRD patterns are Go (RE2) expressions: goRegExp makes them `u` RegExps itself
  const a = new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    validateFormats: false,
    unicodeRegExp: false,
    code: { optimize: false, regExp: goRegExp },
  });
  a.addKeyword({
    keyword: LIST_MAP_KEYS,
    type: 'array',
    schemaType: 'array',
    errors: true,
    validate: function listMapKeys(
      this: unknown,
      keys: string[],
      data: unknown[],
      _schema?: unknown,
      cxt?: { instancePath: string },
    ): boolean {
      const seen = new Set<string>();
      const v = listMapKeys as unknown as { errors?: Partial<ErrorObject>[] };
      v.errors = [];
      data.forEach((item, i) => {
        const o = asObj(item);
        if (!o) return;
        const key = JSON.stringify(keys.map((k) => o[k] ?? null));
        if (seen.has(key)) {
          v.errors!.push({
            keyword: LIST_MAP_KEYS,
            instancePath: `${cxt?.instancePath ?? ''}/${i}`,
            message: `repeats the key ${keys.map((k) => `${k} ${JSON.stringify(o[k])}`).join(' and ')} of an earlier item`,
            params: { keys },
          });
        }
        seen.add(key);
      });
      return v.errors.length === 0;
    },
  });
  return (ajvInstance = a);
}

/** A structural schema as JSON Schema for ajv (see the module comment). */
export function toJsonSchema(s: Schema, root = false): Schema {
  const out: Schema = {};
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s['x-kubernetes-int-or-string'] === true) out.type = s.nullable === true ? ['integer', 'string', 'null'] : ['integer', 'string'];
  // an invalid type is the CRD's finding (crd/structural); its custom resources are checked without it
  else if (typeof s.type === 'string' && TYPES.includes(s.type)) out.type = s.nullable === true ? [s.type, 'null'] : s.type;
  for (const k of VALUE_KEYWORDS) if (s[k] !== undefined) out[k] = s[k];
  // a pattern JavaScript cannot read is left out (crd/pattern-not-checked): the rest of the schema still checks
  if (typeof s.pattern === 'string' && readsPattern(s.pattern)) out.pattern = s.pattern;
  // OpenAPI v3 marks exclusive bounds with booleans, JSON Schema with the bound itself
  if (s.exclusiveMinimum === true && typeof s.minimum === 'number') {
    out.exclusiveMinimum = s.minimum;
    delete out.minimum;
  }
  if (s.exclusiveMaximum === true && typeof s.maximum === 'number') {
    out.exclusiveMaximum = s.maximum;
    delete out.maximum;
  }
  if (s['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (s['x-kubernetes-list-type'] === 'map' && Array.isArray(s[LIST_MAP_KEYS])) out[LIST_MAP_KEYS] = s[LIST_MAP_KEYS];
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k])) out[k] = (s[k] as Schema[]).map((x) => toJsonSchema(x));
  }
  if (asObj(s.not)) out.not = toJsonSchema(s.not as Schema);
  const items = asObj(s.items);
  if (items) out.items = toJsonSchema(items);
  const props = asObj(s.properties);
  const properties: Schema = {};
  for (const [k, v] of Object.entries(props ?? {})) if (asObj(v)) properties[k] = toJsonSchema(v as Schema);
  if (s['x-kubernetes-embedded-resource'] === true || root) {
    // apiVersion, kind and metadata are the API server's (ObjectMeta is checked elsewhere)
    properties.apiVersion = { type: 'string' };
    properties.kind = { type: 'string' };
    properties.metadata = { type: 'object' };
  }
  if (Object.keys(properties).length) out.properties = properties;
  const additional = s.additionalProperties;
  if (asObj(additional)) out.additionalProperties = toJsonSchema(additional as Schema);
  else if (typeof additional === 'boolean') out.additionalProperties = additional;
  else if (!preserve && s.type === 'object') out.additionalProperties = false; // unknown fields would be pruned
  return out;
}

/**
 * A custom resource as the API server validates it: a null in a field whose schema is not
 * `nullable` is dropped first (its PruneNonNullableNullsWithoutDefaults), so that an optional
 * field left empty (`duration:`, as a template renders an empty value) is simply absent, and a
 * required one is missing. A null item of a list, or a null where the schema does not say what
 * the field is, stays. The value itself when nothing is dropped: most objects hold no null.
 */
export function withoutNonNullableNulls(value: unknown, s: Schema | undefined): unknown {
  if (!s || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = asObj(s.items);
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const pruned = withoutNonNullableNulls(item, items);
      if (pruned !== item) (copy ??= [...value])[i] = pruned;
    });
    return copy ?? value;
  }
  const properties = asObj(s.properties);
  const additional = asObj(s.additionalProperties);
  const object = value as Schema;
  let copy: Schema | undefined;
  for (const key of Object.keys(object)) {
    const field = asObj(properties?.[key]) ?? additional;
    if (!field) continue;
    const v = object[key];
    if (v === null && field.nullable !== true) {
      copy ??= { ...object };
      delete copy[key];
      continue;
    }
    const pruned = withoutNonNullableNulls(v, field);
    if (pruned !== v) (copy ??= { ...object })[key] = pruned;
  }
  return copy ?? value;
}

/** What is not structural in a schema (the API server refuses such a CRD), at `path`. */
export function structuralProblems(
  s: Schema,
  path: FieldPath,
  emit: ReturnType<typeof finder>,
  out: Finding[],
  inValueValidation = false,
): void {
  const t = s.type;
  if (t !== undefined && (typeof t !== 'string' || !TYPES.includes(t))) {
    const guess = typeof t === 'string' ? didYouMean(t, TYPES) : undefined;
    out.push(
      emit(
        'crd/structural',
        [...path, 'type'],
        `type ${JSON.stringify(t)} is not a JSON Schema type${guess ? `; did you mean '${guess}'?` : ''}`,
        `use one of ${TYPES.join(', ')}`,
      ),
    );
  }
  const free = s['x-kubernetes-int-or-string'] === true || s['x-kubernetes-preserve-unknown-fields'] === true;
  if (t === undefined && !free && !inValueValidation) {
    out.push(
      emit(
        'crd/structural',
        path,
        'a structural schema gives every field a type',
        'set type (or x-kubernetes-int-or-string / x-kubernetes-preserve-unknown-fields: true)',
      ),
    );
  }
  if (t === 'array' && !asObj(s.items) && !inValueValidation)
    out.push(emit('crd/structural', path, 'an array schema needs items', 'add items with the schema of the list items'));
  if (asObj(s.properties) && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    out.push(emit('crd/structural', path, 'properties and additionalProperties are exclusive in a structural schema', 'keep one of them'));
  }
  if (typeof s.pattern === 'string' && !readsPattern(s.pattern)) {
    out.push({
      ...emit(
        'crd/pattern-not-checked',
        [...path, 'pattern'],
        `the pattern ${JSON.stringify(s.pattern)} is a Go (RE2) expression JavaScript cannot read as RE2 does, so values of this field are not checked against it; the API server checks them`,
        'test the custom resources against a cluster (kubectl apply --dry-run=server) for this pattern',
      ),
      severity: 'warning',
    });
  }
  const listType = s['x-kubernetes-list-type'];
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(String(listType))) {
    out.push(
      emit(
        'crd/structural',
        [...path, 'x-kubernetes-list-type'],
        `x-kubernetes-list-type must be atomic, set or map (found ${JSON.stringify(listType)})`,
      ),
    );
  }
  if (listType === 'map' && !Array.isArray(s[LIST_MAP_KEYS])) {
    out.push(
      emit('crd/structural', path, 'x-kubernetes-list-type: map needs x-kubernetes-list-map-keys', 'list the fields that identify an item'),
    );
  }
  for (const [k, v] of Object.entries(asObj(s.properties) ?? {}))
    if (asObj(v)) structuralProblems(v as Schema, [...path, 'properties', k], emit, out, inValueValidation);
  if (asObj(s.items)) structuralProblems(s.items as Schema, [...path, 'items'], emit, out, inValueValidation);
  if (asObj(s.additionalProperties))
    structuralProblems(s.additionalProperties as Schema, [...path, 'additionalProperties'], emit, out, inValueValidation);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k])) {
      for (const [i, x] of (s[k] as unknown[]).entries()) if (asObj(x)) structuralProblems(x as Schema, [...path, k, i], emit, out, true);
    }
  }
}

/** Whether a schema has CEL rules (`x-kubernetes-validations`) anywhere. */
export const hasCel = (s: unknown): boolean => {
  if (!s || typeof s !== 'object') return false;
  if (Array.isArray(s)) return s.some(hasCel);
  const o = s as Schema;
  return Array.isArray(o['x-kubernetes-validations']) || Object.values(o).some(hasCel);
};
