/**
 * Custom resources validated against their CustomResourceDefinitions, as the API server does:
 * each served version's `openAPIV3Schema` is a structural schema, compiled with ajv once per
 * CRD and version, with the Kubernetes extensions mapped to JSON Schema:
 *
 * - `x-kubernetes-preserve-unknown-fields: true` keeps unknown fields; everywhere else an object
 *   accepts only its `properties` (the API server prunes the rest; here they are reported, with
 *   "did you mean", because a misspelled field is silently dropped there);
 * - `x-kubernetes-int-or-string` is an integer or a string; `nullable: true` also accepts null;
 * - `x-kubernetes-list-type: set` has unique items, `map` unique `x-kubernetes-list-map-keys`;
 * - `x-kubernetes-embedded-resource` accepts `apiVersion`, `kind` and `metadata`;
 * - defaults are not applied (a missing required field is missing, default or not);
 * - the root `metadata` is Kubernetes' ObjectMeta, checked by api-rules.ts like any object's.
 *
 * CEL rules (`x-kubernetes-validations`) are not evaluated: no well-kept CEL library for
 * JavaScript implements the Kubernetes CEL environment; a CRD that has them gets one warning.
 *
 * Reuse: `crdRegistry(crdObjects)` once per set of CRDs (a stage, a folder), then
 * `checkCustomResource(object, registry)` per object; `registry.crdFindings` are the CRDs' own
 * problems (not structural, CEL not evaluated). Pure: objects in, findings out.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import AjvModule from 'ajv';
import { didYouMean } from '../model/did-you-mean.js';
import { groupOf } from '../k8s.js';
import type { KubeObject } from '../model/object.js';
import { finder, type FieldPath, type Finding } from './finding.js';
import { findingFromAjv } from './schema.js';

// ajv is published as CommonJS with a default export
const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;

type Schema = Record<string, unknown>;
const asObj = (v: unknown): Schema | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined);

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
const LIST_MAP_KEYS = 'x-kubernetes-list-map-keys';

/** One version of one custom kind. */
export interface CustomKind {
  /** The CRD that defines it. */
  readonly crd: KubeObject;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly served: boolean;
  /** Whether the version's schema has CEL rules (not evaluated). */
  readonly cel: boolean;
  /** The compiled schema, or undefined when the version has none (or it does not compile). */
  validator(): ValidateFunction | undefined;
}

export interface CrdRegistry {
  /** The custom kind of `apiVersion` + `kind`, served or not; undefined when no CRD defines it. */
  lookup(apiVersion: string, kind: string): CustomKind | undefined;
  /** The versions the CRDs define for `group` and `kind` (for messages). */
  versionsOf(group: string, kind: string): readonly string[];
  /** The CRDs' own problems: schemas that are not structural, CEL rules not evaluated. */
  readonly crdFindings: readonly Finding[];
  /** Whether any kind's schema has CEL rules. */
  readonly cel: boolean;
}

/** One ajv for every CRD: custom kinds of one process share compiled code. */
let ajvInstance: InstanceType<typeof Ajv> | undefined;
function ajv(): InstanceType<typeof Ajv> {
  if (ajvInstance) return ajvInstance;
  // unicodeRegExp: false, because CRD patterns are Go (RE2) expressions, not unicode-mode ones
  const a = new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    validateFormats: false,
    unicodeRegExp: false,
    code: { optimize: false },
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
  if (typeof s.pattern === 'string') out.pattern = s.pattern;
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

/** What is not structural in a schema (the API server refuses such a CRD), at `path`. */
function structuralProblems(s: Schema, path: FieldPath, emit: ReturnType<typeof finder>, out: Finding[], inValueValidation = false): void {
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

const hasCel = (s: unknown): boolean => {
  if (!s || typeof s !== 'object') return false;
  if (Array.isArray(s)) return s.some(hasCel);
  const o = s as Schema;
  return Array.isArray(o['x-kubernetes-validations']) || Object.values(o).some(hasCel);
};

/** Compiled versions per CRD object, kept for the process: a CRD folder is compiled once however many scopes use it. */
const compiled = new WeakMap<KubeObject, Map<string, ValidateFunction | null>>();

interface CrdSpec {
  group?: unknown;
  scope?: unknown;
  names?: { kind?: unknown };
  versions?: unknown;
}
interface CrdVersion {
  name?: unknown;
  served?: unknown;
  schema?: { openAPIV3Schema?: unknown };
}

/** Whether `o` is a CustomResourceDefinition of the apiextensions API (a kind of that name in another group is not). */
export const isCrd = (o: KubeObject): boolean =>
  o.kind === 'CustomResourceDefinition' && String(o.apiVersion).startsWith('apiextensions.k8s.io/');

/**
 * The custom kinds that `crds` define (objects of any kind may be passed: only
 * CustomResourceDefinitions count), and the CRDs' own problems.
 */
export function crdRegistry(crds: readonly KubeObject[]): CrdRegistry {
  const kinds = new Map<string, CustomKind>();
  const versions = new Map<string, string[]>();
  const crdFindings: Finding[] = [];
  let anyCel = false;
  for (const crd of crds) {
    if (!isCrd(crd)) continue;
    const spec = asObj(crd.spec) as CrdSpec | undefined;
    const group = spec?.group;
    const kind = spec?.names?.kind;
    if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(spec?.versions)) continue; // the schema check says what is missing
    const emit = finder(crd);
    let cel = false;
    (spec.versions as CrdVersion[]).forEach((v, i) => {
      if (!v || typeof v.name !== 'string') return;
      const schema = asObj(v.schema?.openAPIV3Schema);
      const path: FieldPath = ['spec', 'versions', i, 'schema', 'openAPIV3Schema'];
      if (schema) {
        const problems: Finding[] = [];
        structuralProblems(schema, path, emit, problems);
        if (schema.type !== 'object')
          problems.push(emit('crd/structural', [...path, 'type'], "the root of a CRD's schema must be type: object"));
        crdFindings.push(...problems);
      }
      const versionCel = hasCel(schema);
      cel ||= versionCel;
      const name = v.name;
      const key = `${group}/${name}/${kind}`;
      const list = versions.get(`${group}/${kind}`) ?? [];
      list.push(name);
      versions.set(`${group}/${kind}`, list);
      kinds.set(key, {
        crd,
        group,
        version: name,
        kind,
        namespaced: spec.scope !== 'Cluster',
        served: v.served !== false,
        cel: versionCel,
        validator() {
          let byVersion = compiled.get(crd);
          if (!byVersion) compiled.set(crd, (byVersion = new Map()));
          if (!byVersion.has(name)) {
            let fn: ValidateFunction | null = null;
            // a schema that does not compile (a pattern JavaScript cannot read) leaves the kind unchecked
            try {
              fn = schema ? ajv().compile(toJsonSchema(schema, true)) : null;
            } catch {
              fn = null;
            }
            byVersion.set(name, fn);
          }
          return byVersion.get(name) ?? undefined;
        },
      });
    });
    anyCel ||= cel;
    if (cel) {
      crdFindings.push({
        ...emit(
          'crd/cel-not-evaluated',
          ['spec', 'versions'],
          `has x-kubernetes-validations (CEL) rules, which are not evaluated here; the API server checks them when ${kind} objects are applied`,
          'test the custom resources against a cluster (kubectl apply --dry-run=server) for those rules',
        ),
        severity: 'warning',
      });
    }
  }
  return {
    // most stages define no kind: no key made for each of their objects
    lookup: (apiVersion, kind) => (kinds.size ? kinds.get(`${apiVersion}/${kind}`) : undefined),
    versionsOf: (group, kind) => versions.get(`${group}/${kind}`) ?? [],
    crdFindings,
    cel: anyCel,
  };
}

/**
 * `group/kind` of the custom kinds that `crds` define at cluster scope (`scope: Cluster`), sorted;
 * a kind defined twice takes the scope of its last CRD. Objects of any kind may be passed: only
 * CustomResourceDefinitions count.
 */
export function clusterScopedKinds(crds: readonly KubeObject[]): string[] {
  const scopes = new Map<string, boolean>();
  for (const crd of crds) {
    if (!isCrd(crd)) continue;
    const spec = asObj(crd.spec) as CrdSpec | undefined;
    const kind = spec?.names?.kind;
    if (typeof spec?.group === 'string' && typeof kind === 'string') scopes.set(`${spec.group}/${kind}`, spec.scope === 'Cluster');
  }
  return [...scopes].flatMap(([gk, cluster]) => (cluster ? [gk] : [])).sort();
}

/**
 * Whether an apiVersion belongs to a custom resource rather than to Kubernetes: a group with a dot
 * that is not one of Kubernetes' own `*.k8s.io` groups.
 */
export function isCustomGroup(apiVersion: string): boolean {
  const group = groupOf(apiVersion);
  return group.includes('.') && !group.endsWith('.k8s.io') && group !== 'k8s.io';
}

export interface CustomResourceOptions {
  /**
   * What a custom resource whose CRD is not known is: an error where the object is to be written
   * (synth: what is written must pass validation with the CRDs it is applied with, as the strict
   * check of dist/ does), a warning for manifests checked on their own (`npm run check`), which may
   * be meant for a cluster where the CRD is installed.
   * @default 'warning'
   */
  readonly unknownKind?: Finding['severity'];
}

/**
 * Findings of one custom resource against its CRD: schema findings (`schema/*` codes, placed at
 * the field), a version the CRD does not serve, or, when no CRD defines the kind, one finding of
 * the severity `unknownKind` says.
 */
export function checkCustomResource(
  o: KubeObject,
  registry: CrdRegistry,
  { unknownKind = 'warning' }: CustomResourceOptions = {},
): Finding[] {
  const emit = finder(o);
  const apiVersion = String(o.apiVersion);
  const custom = registry.lookup(apiVersion, o.kind);
  if (!custom) {
    const group = groupOf(apiVersion);
    const known = registry.versionsOf(group, o.kind);
    if (known.length) {
      return [
        emit(
          'crd/version',
          ['apiVersion'],
          `the CustomResourceDefinition of ${o.kind} defines the versions ${known.join(', ')}, not ${apiVersion.slice(group.length + 1)}`,
          `use apiVersion ${group}/${known[0]}`,
        ),
      ];
    }
    const unknown = emit(
      'crd/unknown-kind',
      ['apiVersion'],
      `${apiVersion} ${o.kind} is a custom resource whose CustomResourceDefinition is not known, so it is not validated`,
      unknownKind === 'error'
        ? "add the kind's CustomResourceDefinition to the project's crds/ folder or to the manifests the stage includes"
        : 'add the CRD to the input, to the stage, or to a CRD folder (npm run check -- --crds <dir>)',
    );
    return [unknownKind === 'error' ? unknown : { ...unknown, severity: 'warning' }];
  }
  if (!custom.served) {
    return [
      emit(
        'crd/version',
        ['apiVersion'],
        `the CustomResourceDefinition of ${o.kind} does not serve version ${custom.version}`,
        'use a served version',
      ),
    ];
  }
  const validate = custom.validator();
  if (!validate || validate(o)) return [];
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const f =
      e.keyword === 'pattern'
        ? emit(
            'schema/pattern',
            instancePath(e.instancePath),
            `${JSON.stringify(e.data)} does not match the pattern ${String((e.params as { pattern: string }).pattern)}`,
          )
        : e.keyword === LIST_MAP_KEYS
          ? emit('schema/duplicate-key', instancePath(e.instancePath), e.message ?? 'repeats the key of an earlier item')
          : findingFromAjv(e, o);
    const id = `${f.code}|${f.path.join('/')}|${f.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(f);
    }
  }
  return out;
}

function instancePath(p: string): FieldPath {
  return p
    ? p
        .slice(1)
        .split('/')
        .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((k) => (/^\d+$/.test(k) ? Number(k) : k))
    : [];
}
