/** The plain shape of a synthesized Kubernetes object, as the transforms and checks see it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Whether `v` is a mapping (as YAML and JSON read one): an object that is neither null nor an array. */
export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `v` when it is a mapping (`isRecord`), else undefined: a field of any type read as a mapping, `asRecord(spec.template)?.spec`. */
export const asRecord = (v: unknown): Record<string, unknown> | undefined => (isRecord(v) ? v : undefined);

/** The mappings of list `v` (its other items left out), none when `v` is no list. */
export const recordsIn = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/**
 * `table[key]` when the table has `key` itself, else undefined: for a table read with a key from
 * input (a kind, a field's name, an annotation's value), so that one named like a property every
 * object has (`constructor`, `__proto__`, `valueOf`) finds nothing, not Object.prototype's.
 */
export const ownEntry = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/**
 * An object as reports and lookups name it, and no more: apiVersion, kind, and the name and
 * namespace it has (an absent one stays absent). The stand-ins of cached apps' objects
 * (lib/synth/app-summary.ts) and the objects findings keep once a stage is written (lib/cli/staging.ts).
 */
export function namedObject(apiVersion: string, kind: string, name?: string, namespace?: string): KubeObject {
  // literals, no spread: a stage of 1,000 cached apps makes 15,000 of these per synthesis
  const metadata =
    namespace === undefined ? (name === undefined ? {} : { name }) : name === undefined ? { namespace } : { name, namespace };
  return { apiVersion, kind, metadata };
}

/**
 * Handles of objects without `metadata.name`, set by the checks (`numberNameless`): the object's
 * 1-based position among the checked objects of its kind, so that messages can tell nameless
 * objects apart (`Pod #3 (no name)`) and the same input always gives the same handle.
 */
const namelessOrdinals = new WeakMap<object, number>();

/** Numbers the objects without a name (and without generateName) by position among their kind. */
export function numberNameless(objects: readonly KubeObject[]): void {
  const perKind = new Map<string, number>();
  for (const o of objects) {
    const n = (perKind.get(o.kind) ?? 0) + 1;
    perKind.set(o.kind, n);
    const md = o.metadata as KubeObject['metadata'] | undefined;
    // no metadata at all, no name, or an empty one: nothing else tells such objects apart
    if (typeof md !== 'object' || md === null || md.name === undefined || md.name === '') namelessOrdinals.set(o, n);
  }
}

/** The name of an object as messages show it: its name, `generateName*`, `#3 (no name)` or `#3 (empty name)`. */
export function objectHandle(o: KubeObject): string {
  const md = o.metadata;
  if (typeof md?.name === 'string' && md.name !== '') return md.name;
  if (typeof md?.generateName === 'string' && md.generateName !== '') return `${md.generateName}*`;
  const n = namelessOrdinals.get(o);
  const what = md?.name === '' ? '(empty name)' : '(no name)';
  return n === undefined ? what : `#${n} ${what}`;
}

/**
 * The object `o` as kubectl takes one object: `deployment web -n qa` (kubectl delete, annotate) or,
 * with `separator` '/', `deployment/web -n qa` (kubectl rollout restart, apply edit-last-applied).
 */
export function kubectlTarget(o: Pick<KubeObject, 'kind' | 'metadata'>, separator: ' ' | '/' = ' '): string {
  const ns = o.metadata?.namespace;
  return `${o.kind.toLowerCase()}${separator}${String(o.metadata?.name)}${ns ? ` -n ${ns}` : ''}`;
}

/** `Kind namespace/name` (or `Kind name` at cluster scope): how messages name an object. */
export function describeObject(o: KubeObject): string {
  const ns = o.metadata?.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${objectHandle(o)}`;
}

/**
 * Characters of the content hash a hashed ConfigMap's name ends with (`demoapp-config-<hash>`):
 * enough to make a collision between two releases negligible. Written by
 * lib/constructs/hashed-config-map.ts, recognized by lib/diff/.
 */
export const CONTENT_HASH_LENGTH = 10;
