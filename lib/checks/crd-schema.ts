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
 * - `pattern` is a Go (RE2) expression, matched by re2js, RE2's port, in time linear in the value as
 *   the API server matches it (`re2Pattern`: JavaScript's backtracking RegExp took minutes on
 *   `^(a+)+$` and 35 characters); one JavaScript has no expression for (`goRegExp`'s reading) is left
 *   out, with a warning on the CRD, and one Go 1.19 refuses (the 1.25 API server's: `(?<name>`,
 *   `a{1001}`) too, with an error (re2js's `\pC` takes in the unassigned code points, Go's does not:
 *   a value holding one fails `\PC` here);
 * - `format` is checked where the 1.25 API server checks it, as it does (lib/checks/crd-formats.ts);
 * - `x-kubernetes-list-type: set` has unique items, `map` unique `x-kubernetes-list-map-keys` (each key
 *   a scalar property of the items, required or defaulted: `listMapKeyProblems`);
 * - `x-kubernetes-embedded-resource` accepts `apiVersion`, `kind` and `metadata`;
 * - a null in a field that is not `nullable` is dropped before validation, as the API server
 *   drops it, and the defaults are filled in where a property is missing, at every level where the
 *   object exists, as the API server defaults before it validates (`asValidated`): a required property
 *   with a default is never missing, and counts for `minProperties` and in `anyOf`/`oneOf` branches
 *   (the default itself is the CRD's to get right);
 * - the root `metadata` is Kubernetes' ObjectMeta, checked by api-rules-meta.ts like any object's.
 *
 * Pure.
 */
import type { ErrorObject } from 'ajv';
import AjvModule from 'ajv';
import { RE2JS } from 're2js';
import { didYouMean } from '../model/did-you-mean.js';
import { goRegExp, patternReading, readsPattern } from './re2.js';
import { addFormats, checkedFormat } from './crd-formats.js';
import type { FieldPath, Finding, finder } from './finding.js';
import { asRecord } from '../model/object.js';
import { shownJson } from '../model/shown-values.js';

// ajv is published as CommonJS with a default export
const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;

export type Schema = Record<string, unknown>;

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
 * The format as the CRD writes it (`date-time`), kept beside the name ajv checks it by (`datetime`,
 * crd-formats.ts) for messages: a keyword ajv does not know, which it ignores (strict: false).
 */
export const WRITTEN_FORMAT = 'x-stagecraft-written-format';

/**
 * ajv's engine for a CRD's pattern (one goRegExp reads: toJsonSchema leaves the others out): RE2's
 * own matching, whose time is linear in the value whatever the pattern, as Go's regexp is; where RE2
 * refuses what goRegExp reads, goRegExp's RegExp. ajv keeps one engine per `toString()` of it (every
 * schema of the one ajv): the pattern's own text, or every pattern would be matched by the first.
 */
function re2Pattern(pattern: string): { test(value: string): boolean; toString(): string } {
  try {
    const re = RE2JS.compile(pattern);
    return { test: (value) => re.matcher(value).find(), toString: () => `re2:${pattern}` };
  } catch {
    return goRegExp(pattern);
  }
}
re2Pattern.code = 're2Pattern';

/** One ajv for every CRD: custom kinds of one process share compiled code. */
let ajvInstance: InstanceType<typeof Ajv> | undefined;
export function ajv(): InstanceType<typeof Ajv> {
  if (ajvInstance) return ajvInstance;
  // unicodeRegExp: false, because CRD patterns are Go (RE2) expressions, which re2Pattern reads
  const a = new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    // only the formats the API server checks are registered, and only those are written (toJsonSchema)
    validateFormats: true,
    unicodeRegExp: false,
    code: { optimize: false, regExp: re2Pattern },
  });
  addFormats(a);
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
        const o = asRecord(item);
        if (!o) return;
        const key = JSON.stringify(keys.map((k) => o[k] ?? null));
        if (seen.has(key)) {
          v.errors!.push({
            keyword: LIST_MAP_KEYS,
            instancePath: `${cxt?.instancePath ?? ''}/${i}`,
            message: `repeats the key ${keys.map((k) => `${k} ${shownJson(o[k])}`).join(' and ')} of an earlier item`,
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
  // a format the API server ignores (int32, a name of the CRD's own) is left out, as it is there
  const format = checkedFormat(s.format);
  if (format) {
    out.format = format;
    if (s.format !== format) out[WRITTEN_FORMAT] = s.format;
  }
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
  if (asRecord(s.not)) out.not = toJsonSchema(s.not as Schema);
  const items = asRecord(s.items);
  if (items) out.items = toJsonSchema(items);
  const props = asRecord(s.properties);
  const properties: Schema = {};
  for (const [k, v] of Object.entries(props ?? {})) if (asRecord(v)) properties[k] = toJsonSchema(v as Schema);
  if (s['x-kubernetes-embedded-resource'] === true || root) {
    // apiVersion, kind and metadata are the API server's (ObjectMeta is checked elsewhere)
    properties.apiVersion = { type: 'string' };
    properties.kind = { type: 'string' };
    properties.metadata = { type: 'object' };
  }
  if (Object.keys(properties).length) out.properties = properties;
  const additional = s.additionalProperties;
  if (asRecord(additional)) out.additionalProperties = toJsonSchema(additional as Schema);
  else if (typeof additional === 'boolean') out.additionalProperties = additional;
  else if (!preserve && s.type === 'object') out.additionalProperties = false; // unknown fields would be pruned
  return out;
}

/** `list` with each item replaced by `update(item)`: a copy when one changes, else `list` itself. */
function itemsChanged(list: readonly unknown[], update: (item: unknown) => unknown): readonly unknown[] {
  let copy: unknown[] | undefined;
  list.forEach((item, i) => {
    const updated = update(item);
    if (updated !== item) (copy ??= [...list])[i] = updated;
  });
  return copy ?? list;
}

/** The default of a field's schema: none when it has none or `default: null` (Go's nil). */
const defaultOf = (field: Schema | undefined): unknown => (field?.default === null ? undefined : field?.default);

/** Whether `v` is a null the API server replaces with the default of `field`, which is not `nullable` and has one. */
const defaultedNull = (v: unknown, field: Schema | undefined): boolean =>
  v === null && field?.nullable !== true && defaultOf(field) !== undefined;

/** Whether `v` is a null the API server drops: `field` is neither `nullable` nor has a default. */
const prunedNull = (v: unknown, field: Schema): boolean => v === null && field.nullable !== true && defaultOf(field) === undefined;

/**
 * A custom resource as the API server validates it, in one walk: a null in a field whose schema is
 * not `nullable` and has no default is dropped (its PruneNonNullableNullsWithoutDefaults), so that
 * an optional field left empty (`duration:`, as a template renders an empty value) is simply
 * absent, and a required one is missing; then, in every object the resource has, each property of
 * the schema it lacks (or holds as a null that is not `nullable`) takes the schema's default, and
 * the defaults within that default in turn (apiextensions-apiserver structuraldefaulting
 * `Default`); so does a null item of a list. A null item of a list without a default, or a null
 * where the schema does not say what the field is, stays. Only `properties`,
 * `additionalProperties` and `items` default (a structural schema has no default under `anyOf`,
 * `oneOf`, `allOf` or `not`). Copies only what it changes: the value itself when nothing is
 * dropped or defaulted, as for most objects.
 */
export function asValidated(value: unknown, s: Schema | undefined): unknown {
  if (!s || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = asRecord(s.items);
    return itemsChanged(value, (item) => asValidated(defaultedNull(item, items) ? defaultOf(items) : item, items));
  }
  const properties = asRecord(s.properties);
  const additional = asRecord(s.additionalProperties);
  const object = value as Schema;
  let copy: Schema | undefined;
  for (const [key, field] of Object.entries(properties ?? {})) {
    const fallback = defaultOf(asRecord(field));
    if (fallback !== undefined && !Object.hasOwn(object, key)) (copy ??= { ...object })[key] = fallback;
  }
  const filled = copy ?? object;
  for (const key of Object.keys(filled)) {
    const field = asRecord(properties?.[key]) ?? additional;
    if (!field) continue;
    const v = filled[key];
    if (prunedNull(v, field)) {
      copy ??= { ...object };
      delete copy[key];
      continue;
    }
    const validated = asValidated(defaultedNull(v, field) ? defaultOf(field) : v, field);
    if (validated !== v) (copy ??= { ...object })[key] = validated;
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
        `type ${shownJson(t)} is not a JSON Schema type${guess ? `; did you mean '${guess}'?` : ''}`,
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
  if (t === 'array' && !asRecord(s.items) && !inValueValidation)
    out.push(emit('crd/structural', path, 'an array schema needs items', 'add items with the schema of the list items'));
  if (asRecord(s.properties) && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    out.push(emit('crd/structural', path, 'properties and additionalProperties are exclusive in a structural schema', 'keep one of them'));
  }
  const reading = typeof s.pattern === 'string' ? patternReading(s.pattern) : 'read';
  if (typeof reading === 'object')
    out.push(
      emit(
        'crd/definition',
        [...path, 'pattern'],
        `the pattern ${shownJson(s.pattern)} is no Go 1.19 regular expression: ${reading.refused}; the 1.25 API server refuses the CRD`,
        'write it as Go 1.19 reads it (https://pkg.go.dev/regexp/syntax@go1.19)',
      ),
    );
  if (reading === 'unread') {
    out.push({
      ...emit(
        'crd/pattern-not-checked',
        [...path, 'pattern'],
        `the pattern ${shownJson(s.pattern)} is a Go (RE2) expression JavaScript cannot read as RE2 does, so values of this field are not checked against it; the API server checks them`,
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
        `x-kubernetes-list-type must be atomic, set or map (found ${shownJson(listType)})`,
      ),
    );
  }
  if (listType === 'map' && !Array.isArray(s[LIST_MAP_KEYS])) {
    out.push(
      emit('crd/structural', path, 'x-kubernetes-list-type: map needs x-kubernetes-list-map-keys', 'list the fields that identify an item'),
    );
  }
  if (listType === 'map' && Array.isArray(s[LIST_MAP_KEYS])) listMapKeyProblems(s, path, emit, out);
  for (const [k, v] of Object.entries(asRecord(s.properties) ?? {}))
    if (asRecord(v)) structuralProblems(v as Schema, [...path, 'properties', k], emit, out, inValueValidation);
  if (asRecord(s.items)) structuralProblems(s.items as Schema, [...path, 'items'], emit, out, inValueValidation);
  if (asRecord(s.additionalProperties))
    structuralProblems(s.additionalProperties as Schema, [...path, 'additionalProperties'], emit, out, inValueValidation);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k])) {
      for (const [i, x] of (s[k] as unknown[]).entries())
        if (asRecord(x)) structuralProblems(x as Schema, [...path, k, i], emit, out, true);
    }
  }
}

/**
 * What the API server refuses in the keys of a list of `x-kubernetes-list-type: map`
 * (apiextensions-apiserver validation): each key must be a property of the items, of a scalar
 * type, and present in every item: required, or with a default. A CRD made by an older
 * controller-gen, with `protocol` as a key of a pod's ports and neither, is refused so.
 */
function listMapKeyProblems(s: Schema, path: FieldPath, emit: ReturnType<typeof finder>, out: Finding[]): void {
  const items = asRecord(s.items);
  if (!items) return; // structuralProblems says an array needs items
  const properties = asRecord(items.properties) ?? {};
  const required = Array.isArray(items.required) ? items.required : [];
  const refused = 'the API server refuses the CustomResourceDefinition';
  for (const key of s[LIST_MAP_KEYS] as unknown[]) {
    const property = typeof key === 'string' ? asRecord(properties[key]) : undefined;
    if (!property) {
      out.push(
        emit(
          'crd/definition',
          [...path, LIST_MAP_KEYS],
          `the key ${shownJson(key)} of x-kubernetes-list-map-keys is no property of the items: ${refused}`,
          "name only properties of the items' schema",
        ),
      );
      continue;
    }
    const at = [...path, 'items', 'properties', String(key)];
    if (property.type === 'array' || property.type === 'object') {
      out.push(
        emit(
          'crd/definition',
          [...at, 'type'],
          `${String(key)} is a key of x-kubernetes-list-map-keys, so it must be a scalar, not an ${property.type}: ${refused}`,
          'use a key of type string, integer, number or boolean',
        ),
      );
    }
    if (defaultOf(property) === undefined && !required.includes(key)) {
      out.push(
        emit(
          'crd/definition',
          at,
          `${String(key)} is a key of x-kubernetes-list-map-keys, so it must have a default or be a required property: ${refused}`,
          `give ${String(key)} a default (a port's protocol: default: TCP), or list it in the items' required`,
        ),
      );
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
