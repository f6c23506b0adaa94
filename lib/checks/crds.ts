/**
 * The CustomResourceDefinitions custom resources are validated against, as the API server does
 * (custom-resources.ts): each served version's `openAPIV3Schema` is a structural schema, compiled
 * with ajv once per CRD and version, with the Kubernetes extensions mapped to JSON Schema
 * (lib/checks/crd-schema.ts); the kinds at cluster scope; a custom group. CEL rules
 * (`x-kubernetes-validations`) are not evaluated: no well-kept CEL library for JavaScript implements
 * the Kubernetes CEL environment; a CRD that has them gets one warning.
 *
 * Reuse: `crdRegistry(crdObjects)` once per set of CRDs (a stage, a folder), then
 * `checkCustomResource(object, registry)` (custom-resources.ts) per object; `registry.crdFindings`
 * are the CRDs' own problems (not structural, CEL not evaluated). Pure: objects in, findings out.
 */
import type { ValidateFunction } from 'ajv';
import { groupOf } from '../k8s.js';
import { asRecord, type KubeObject } from '../model/object.js';
import { finder, type FieldPath, type Finding } from './finding.js';
import { ajv, hasCel, structuralProblems, toJsonSchema, type Schema } from './crd-schema.js';
import { PROJECTS_CLUSTER_KINDS } from './cluster-kinds.js';

/** One version of one custom kind. */
export interface CustomKind {
  /** The CRD that defines it. */
  readonly crd: KubeObject;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly served: boolean;
  /** Whether objects are stored in this version (the one version a CRD marks storage: true). */
  readonly storage: boolean;
  /** Whether the version's schema has CEL rules (not evaluated). */
  readonly cel: boolean;
  /** Whether the version has the status subresource: the API server then drops a status sent with the object. */
  readonly statusSubresource: boolean;
  /** The version's `openAPIV3Schema`, if it has one. */
  readonly schema: Schema | undefined;
  /** The compiled schema, or undefined when the version has none (or it does not compile). */
  validator(): ValidateFunction | undefined;
}

export interface CrdRegistry {
  /** The custom kind of `apiVersion` + `kind`, served or not; undefined when no CRD defines it. */
  lookup(apiVersion: string, kind: string): CustomKind | undefined;
  /** The versions the CRDs define for `group` and `kind` (for messages). */
  versionsOf(group: string, kind: string): readonly string[];
  /** The kinds the CRDs define in `group` (for a misspelt kind's guess). */
  kindsOf(group: string): readonly string[];
  /**
   * The CRD whose definition of `group` and `kind` counts (the last one naming them), undefined when none
   * does: all that `lookup` and `versionsOf` say of the kind is read from it.
   */
  definitionOf(group: string, kind: string): KubeObject | undefined;
  /** The CRDs' own problems: schemas that are not structural, CEL rules not evaluated. */
  readonly crdFindings: readonly Finding[];
  /** Whether any kind's schema has CEL rules. */
  readonly cel: boolean;
  /** `group/kind` of the custom kinds at cluster scope, as `clusterScopedKinds` lists them. */
  readonly clusterScopedKinds: readonly string[];
}

/** Compiled versions per CRD object, kept for the process: a CRD folder is compiled once however many scopes use it. */
const compiled = new WeakMap<KubeObject, Map<string, ValidateFunction | null>>();

interface CrdSpec {
  group?: unknown;
  scope?: unknown;
  names?: { kind?: unknown; plural?: unknown };
  versions?: unknown;
}
interface CrdVersion {
  name?: unknown;
  served?: unknown;
  storage?: unknown;
  subresources?: { status?: unknown };
  schema?: { openAPIV3Schema?: unknown };
}

/** Whether `o` is a CustomResourceDefinition of the apiextensions API (a kind of that name in another group is not). */
export const isCrd = (o: KubeObject): boolean =>
  o.kind === 'CustomResourceDefinition' && String(o.apiVersion).startsWith('apiextensions.k8s.io/');

/**
 * The custom kinds that `crds` define (objects of any kind may be passed: only
 * CustomResourceDefinitions count), and the CRDs' own problems. A kind defined twice is its last
 * CRD's, whole (its versions, schemas, scope and CEL rules, as `clusterScopedKinds` takes its scope):
 * pass a folder's CRDs before a stage's own, which replace them.
 */
export function crdRegistry(crds: readonly KubeObject[]): CrdRegistry {
  const kinds = new Map<string, CustomKind>();
  const versions = new Map<string, string[]>();
  const crdFindings: Finding[] = [];
  const scopes = new Map<string, boolean>();
  let anyCel = false;
  const definers = new Map<string, KubeObject>();
  for (const crd of crds) {
    const spec = isCrd(crd) ? (asRecord(crd.spec) as CrdSpec | undefined) : undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') definers.set(`${spec.group}/${spec.names.kind}`, crd);
  }
  for (const crd of crds) {
    if (!isCrd(crd)) continue;
    const spec = asRecord(crd.spec) as CrdSpec | undefined;
    // a kind a later CRD defines again is that one's
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string' && definers.get(`${spec.group}/${spec.names.kind}`) !== crd)
      continue;
    noteScope(spec, scopes);
    const group = spec?.group;
    const kind = spec?.names?.kind;
    if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(spec?.versions)) continue; // the schema check says what is missing
    const emit = finder(crd);
    crdFindings.push(...definitionProblems(crd, group, spec.names?.plural, spec.versions as CrdVersion[], emit));
    let cel = false;
    (spec.versions as CrdVersion[]).forEach((v, i) => {
      if (!v || typeof v.name !== 'string') return;
      const schema = asRecord(v.schema?.openAPIV3Schema);
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
        storage: v.storage === true,
        cel: versionCel,
        statusSubresource: asRecord(v.subresources?.status) !== undefined,
        schema,
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
    kindsOf: (group) => [...versions.keys()].filter((k) => k.startsWith(`${group}/`)).map((k) => k.slice(group.length + 1)),
    definitionOf: (group, kind) => (definers.size ? definers.get(`${group}/${kind}`) : undefined),
    crdFindings,
    cel: anyCel,
    clusterScopedKinds: clusterKinds(scopes),
  };
}

/**
 * What the API server refuses in a CRD beyond its schemas (apiextensions-apiserver
 * ValidateCustomResourceDefinition): a name other than `<plural>.<group>`, a group that is no
 * domain (no dot), and not exactly one storage version. kubectl apply fails on the CRD, and on
 * every custom resource of it after it.
 */
function definitionProblems(
  crd: KubeObject,
  group: string,
  plural: unknown,
  versions: readonly CrdVersion[],
  emit: ReturnType<typeof finder>,
): Finding[] {
  const out: Finding[] = [];
  const refused = 'the API server refuses the CustomResourceDefinition';
  const name = crd.metadata?.name;
  if (typeof plural === 'string' && typeof name === 'string' && name !== `${plural}.${group}`) {
    out.push(
      emit(
        'crd/definition',
        ['metadata', 'name'],
        `name '${name}' is not spec.names.plural, a dot and spec.group ('${plural}.${group}'): ${refused}`,
        `name it ${plural}.${group}`,
      ),
    );
  }
  if (!group.includes('.')) {
    out.push(
      emit(
        'crd/definition',
        ['spec', 'group'],
        `group '${group}' is no domain name (it has no '.'): ${refused}`,
        `use a domain of your own, such as ${group}.example.com`,
      ),
    );
  }
  const storage = versions.flatMap((v) => (v?.storage === true && typeof v.name === 'string' ? [v.name] : []));
  // a version with no boolean storage is the CRD schema's schema/required (or schema/type): one finding for it
  if (storage.length !== 1 && versions.every((v) => typeof v?.storage === 'boolean')) {
    out.push(
      emit(
        'crd/definition',
        ['spec', 'versions'],
        `${storage.length ? `marks ${storage.length} versions as the storage version (${storage.join(', ')})` : 'marks no version as the storage version'}: objects are stored in exactly one version, so ${refused}`,
        'set storage: true on the version objects are stored in, and storage: false on the others',
      ),
    );
  }
  return out;
}

/** Notes the scope of the kind a CRD's spec defines (`group/kind` -> at cluster scope), a later CRD of the kind replacing an earlier. */
function noteScope(spec: CrdSpec | undefined, scopes: Map<string, boolean>): void {
  const kind = spec?.names?.kind;
  if (typeof spec?.group === 'string' && typeof kind === 'string') scopes.set(`${spec.group}/${kind}`, spec.scope === 'Cluster');
}

/**
 * Custom kinds, as `group/kind`, that their projects' CRDs define at cluster scope (`scope: Cluster`), by project in
 * cluster-kinds.ts (`group/*`: every kind of the group): taken so while no CRD of the kind is known, so that an object
 * of one is named (`crd/unknown-kind`: `GatewayClass envoy`, not `GatewayClass lab/envoy`), its namespace not looked
 * for, and it is filed as it will be once its CRD is added. A CRD of the kind, when known, says its scope.
 */
export const KNOWN_CLUSTER_KINDS: readonly string[] = PROJECTS_CLUSTER_KINDS;

/** The kinds of `scopes` at cluster scope, with the known ones no CRD of `scopes` defines (KNOWN_CLUSTER_KINDS), sorted. */
const clusterKinds = (scopes: ReadonlyMap<string, boolean>): string[] =>
  [...[...scopes].flatMap(([gk, cluster]) => (cluster ? [gk] : [])), ...KNOWN_CLUSTER_KINDS.filter((gk) => !scopes.has(gk))].sort();

/**
 * `group/kind` of the custom kinds that `crds` define at cluster scope (`scope: Cluster`), and of those known so
 * that they do not define (KNOWN_CLUSTER_KINDS), sorted; a kind defined twice takes the scope of its last CRD. Objects of any kind may be passed: only
 * CustomResourceDefinitions count.
 */
export function clusterScopedKinds(crds: readonly KubeObject[]): string[] {
  const scopes = new Map<string, boolean>();
  for (const crd of crds) if (isCrd(crd)) noteScope(asRecord(crd.spec) as CrdSpec | undefined, scopes);
  return clusterKinds(scopes);
}

/**
 * The `*.k8s.io` groups of Kubernetes' own projects that the API server does not serve: each is
 * installed as CustomResourceDefinitions (api-approved.kubernetes.io), as any other group's kinds.
 */
const CRD_GROUPS_OF_KUBERNETES: ReadonlySet<string> = new Set([
  'gateway.networking.k8s.io',
  'policy.networking.k8s.io',
  'snapshot.storage.k8s.io',
  'groupsnapshot.storage.k8s.io',
  'autoscaling.k8s.io',
]);

/**
 * Whether an apiVersion belongs to a custom resource rather than to Kubernetes: a group with a dot
 * that is not one of Kubernetes' own `*.k8s.io` groups, or one of those installed as CRDs (Gateway
 * API's `gateway.networking.k8s.io`, `CRD_GROUPS_OF_KUBERNETES`).
 */
export function isCustomGroup(apiVersion: string): boolean {
  const group = groupOf(apiVersion);
  return group.includes('.') && ((!group.endsWith('.k8s.io') && group !== 'k8s.io') || CRD_GROUPS_OF_KUBERNETES.has(group));
}
