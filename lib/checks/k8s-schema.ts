/**
 * JSON Schemas of the Kubernetes 1.25 kinds, built from the jsii assembly of cdk8s-plus-25
 * (installed by `npm ci`, so this works offline): every `k8s.*` interface there carries its
 * OpenAPI name (`docs.custom.schema`, e.g. `io.k8s.api.core.v1.Container#name`), whether each
 * property is optional, and its type. Validators are compiled lazily, once per kind and process.
 * What is built from the assembly is kept by the CLI's validator store for the next run of the
 * same compiler with the same packages (`derived`).
 */
import { readFileSync } from 'node:fs';
import AjvModule, { type ValidateFunction } from 'ajv';
import { k8s, plusPackageFile } from '../k8s.js';
import { FIELD_ENUMS } from './enums.js';
import { compileValidator, compileValidatorSet, derivedText } from '../model/validator-code.js';
import { kindInfo } from '../model/kinds.js';
import { sha256Hex } from '../model/sha256.js';
import { QUANTITY_PATTERN } from '../model/quantity.js';

/** Whether `kind` is one of the kind table's (lib/model/kinds.ts), whatever its API version. */
const inKindTable = (kind: string) => kindInfo(kind) !== undefined;

// ajv is published as CommonJS with a default export
const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;

const PREFIX = 'cdk8s-plus-25.k8s.';
/** jsii cannot tell integers from numbers; in the 1.25 API every number is an int32/int64 except these doubles. */
const DOUBLE_FIELDS = new Set(
  ['maximum', 'minimum', 'multipleOf'].map((f) => `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps#${f}`),
);

/**
 * Fields the API server accepts as null although the definitions type them: `kubectl create
 * --dry-run -o yaml` and many tools write `creationTimestamp: null`.
 */
const NULLABLE_FIELDS = new Set(['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta#creationTimestamp']);

interface JsiiType {
  kind: string;
  name: string;
  fqn: string;
  base?: string;
  docs?: { custom?: { schema?: string } };
  properties?: { name: string; optional?: boolean; static?: boolean; type: JsiiTypeRef; docs?: { custom?: { schema?: string } } }[];
}
type JsiiTypeRef = { primitive: string } | { fqn: string } | { collection: { kind: 'array' | 'map'; elementtype: JsiiTypeRef } };

type Schema = Record<string, unknown>;

export interface KindInfo {
  readonly apiVersion: string;
  readonly kind: string;
  /** OpenAPI name, e.g. `io.k8s.api.core.v1.Pod`. */
  readonly openApiName: string;
  /** The jsii props interface. */
  readonly fqn: string;
}

const refTo = (fqn: string) => ({ $ref: `k8s#/definitions/${fqn.slice(PREFIX.length)}` });

/** What the jsii assembly gives: the kinds (by `apiVersion/kind`), the definitions and their digest (for the keys of kept validators). */
interface Derived {
  readonly kinds: readonly (readonly [string, KindInfo])[];
  readonly definitions: Record<string, Schema>;
  readonly digest: string;
}

/**
 * The kinds and definitions, read from the assembly of the installed cdk8s-plus (2.5 MB of JSON)
 * or, when an earlier run of the same compiler with the same packages kept them, from the
 * validator store (lib/model/validator-code.ts `derivedText`): about 20 ms of a small synthesis.
 */
function derived(): Derived {
  let built: Derived | undefined;
  const text = derivedText('kubernetes-definitions', () => JSON.stringify((built = buildDefinitions())));
  if (built) return built;
  try {
    const kept = JSON.parse(text) as Derived;
    if (Array.isArray(kept?.kinds) && typeof kept.definitions === 'object' && typeof kept.digest === 'string') return kept;
  } catch {
    // not what was kept: built below
  }
  return buildDefinitions();
}

function buildDefinitions(): Derived {
  const assembly = JSON.parse(readFileSync(plusPackageFile('.jsii'), 'utf8')) as { types: Record<string, JsiiType> };
  const types = Object.values(assembly.types).filter((t) => t.fqn.startsWith(PREFIX));
  const definitions: Record<string, Schema> = {};
  const kinds: [string, KindInfo][] = [];
  const bindings = k8s as unknown as Record<string, { GVK?: { apiVersion: string; kind: string } }>;
  for (const t of types) {
    if (t.kind === 'interface') definitions[t.fqn.slice(PREFIX.length)] = definition(t);
    // an enum's values are the binding's (DeleteOptions' kind, in an Eviction's deleteOptions: "DeleteOptions")
    else if (t.kind === 'enum') definitions[t.fqn.slice(PREFIX.length)] = { type: 'string', enum: Object.values(bindings[t.name] ?? {}) };
  }
  for (const t of types) {
    const gvk = t.kind === 'class' && t.base === 'cdk8s.ApiObject' ? bindings[t.name]?.GVK : undefined;
    const props = assembly.types[`${t.fqn}Props`];
    if (!gvk || !props) continue;
    kinds.push([
      `${gvk.apiVersion}/${gvk.kind}`,
      { apiVersion: gvk.apiVersion, kind: gvk.kind, openApiName: t.docs?.custom?.schema ?? t.name, fqn: props.fqn },
    ]);
    const def = definitions[props.fqn.slice(PREFIX.length)] as { properties: Record<string, Schema>; required: string[] };
    // not required: a top-level object always has both (they chose this validator), and the same
    // definition is embedded where the API makes them optional (a StatefulSet's volumeClaimTemplates)
    def.properties = { apiVersion: { const: gvk.apiVersion }, kind: { const: gvk.kind }, ...def.properties };
  }
  return { kinds, definitions, digest: sha256Hex(JSON.stringify(definitions)) };
}

function definition(t: JsiiType): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const p of t.properties ?? []) {
    if (p.static) continue;
    const openApi = p.docs?.custom?.schema ?? `${t.docs?.custom?.schema}#${p.name}`;
    // the JSON name is the OpenAPI one: jsii renames some (hostIPC -> hostIpc, $ref -> ref)
    const json = openApi.slice(openApi.indexOf('#') + 1);
    const schema = typeSchema(p.type, openApi);
    const values = FIELD_ENUMS[openApi];
    const typed = values ? { ...schema, enum: values } : schema;
    properties[json] = NULLABLE_FIELDS.has(openApi) && typeof typed.type === 'string' ? { ...typed, type: [typed.type, 'null'] } : typed;
    if (!p.optional) required.push(json);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

function typeSchema(t: JsiiTypeRef, openApi: string): Schema {
  if ('primitive' in t) {
    switch (t.primitive) {
      case 'string':
      case 'date':
        return { type: 'string' };
      case 'number':
        return { type: DOUBLE_FIELDS.has(openApi) ? 'number' : 'integer' };
      case 'boolean':
        return { type: 'boolean' };
      default:
        return {}; // any, json: free-form (RawExtension, JSON)
    }
  }
  if ('collection' in t) {
    const items = typeSchema(t.collection.elementtype, `${openApi}[]`);
    const enumItems = FIELD_ENUMS[`${openApi}[]`];
    const element = enumItems ? { ...items, enum: enumItems } : items;
    return t.collection.kind === 'array' ? { type: 'array', items: element } : { type: 'object', additionalProperties: element };
  }
  if (t.fqn === `${PREFIX}IntOrString`) return { type: ['integer', 'string'] };
  if (t.fqn === `${PREFIX}Quantity`) return { type: ['string', 'number'], pattern: QUANTITY_PATTERN }; // pattern applies to strings only
  if (t.fqn.startsWith(PREFIX)) return refTo(t.fqn);
  return {};
}

/** The definitions (by jsii name) and kinds (by `apiVersion/kind`) of the assembly; built once per process. */
export class KubernetesSchemas {
  readonly kinds: ReadonlyMap<string, KindInfo>;
  readonly definitions: Record<string, Schema>;
  // allErrors: report every problem at once; verbose: the parent schema, for "did you mean".
  // Compiling is most of a small synthesis, validating is not: the pod template, say, compiles once
  // as its own function shared by every workload kind (inlineRefs: false), and without ajv's
  // optimizing pass over the generated code (optimize: false); this about halves compile time
  // and validation is no slower (npm run bench -- checks)
  private static readonly OPTIONS = { allErrors: true, strict: false, verbose: true, validateFormats: false, inlineRefs: false } as const;
  /** One ajv per process for each way of compiling, so that kinds share the definitions' code. */
  private readonly ajvs: { plain?: InstanceType<typeof Ajv>; source?: InstanceType<typeof Ajv> } = {};
  /** The digest of the definitions every kind's schema refers to, for the keys of kept validators. */
  private readonly definitionsDigest: string;
  private readonly validators = new Map<string, ValidateFunction>();
  /** The validators of each set of kinds (`inKindTable`), once one of its kinds was asked for (`kindSet`). */
  private readonly sets = new Map<boolean, ReadonlyMap<string, ValidateFunction> | undefined>();

  constructor() {
    const { kinds, definitions, digest } = derived();
    this.kinds = new Map(kinds);
    this.definitions = definitions;
    this.definitionsDigest = digest;
  }

  /** An ajv holding the definitions, compiling with `source` when its code is to be kept. */
  private makeAjv(source: boolean): InstanceType<typeof Ajv> {
    const ajv = new Ajv({ ...KubernetesSchemas.OPTIONS, code: { optimize: false, source } });
    ajv.addSchema({ $id: 'k8s', definitions: this.definitions });
    return ajv;
  }

  /** The compiled validator of a kind (compiled on first use), or undefined when 1.25 has no such kind. */
  validator(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${apiVersion}/${kind}`;
    const cached = this.validators.get(key);
    if (cached) return cached;
    const info = this.kinds.get(key);
    if (!info) return undefined;
    // loaded with the other kinds of its set (`kindSet`) when there is a validator store, else
    // compiled alone, or loaded when its code was kept by an earlier run (lib/model/validator-code.ts)
    const v =
      this.kindSet(inKindTable(kind))?.get(key) ??
      compileValidator(
        (source) => (source ? (this.ajvs.source ??= this.makeAjv(true)) : (this.ajvs.plain ??= this.makeAjv(false))),
        refTo(info.fqn),
        JSON.stringify(KubernetesSchemas.OPTIONS),
        this.definitionsDigest,
      );
    this.validators.set(key, v);
    return v;
  }

  /**
   * The validators of the kinds of the kind table (`common`: those stagecraft orders for apply,
   * which stacks and most manifests hold), or of every other kind, as one module each
   * (lib/model/validator-code.ts `compileValidatorSet`): loaded once per process, when one of its
   * kinds is first asked for; made once per installation (0.3-0.4 s each), with a validator
   * store. Undefined without one. Two modules, not one: the kind table's kinds are 1 MB of code of
   * the 1.8 MB every kind's take, and a run that validates only those reads and loads the one.
   */
  private kindSet(common: boolean): ReadonlyMap<string, ValidateFunction> | undefined {
    if (!this.sets.has(common)) {
      const kinds = [...this.kinds].filter(([, info]) => inKindTable(info.kind) === common);
      this.sets.set(
        common,
        compileValidatorSet(
          (source) => this.makeAjv(source),
          new Map(kinds.map(([key, info]) => [key, refTo(info.fqn)])),
          JSON.stringify(KubernetesSchemas.OPTIONS),
          this.definitionsDigest,
        ),
      );
    }
    return this.sets.get(common);
  }
}

let schemas: KubernetesSchemas | undefined;
/** The schemas, read from the installed cdk8s-plus-25 (or kept, see `derived`) on first use. */
export function kubernetesSchemas(): KubernetesSchemas {
  return (schemas ??= new KubernetesSchemas());
}
