/**
 * Access to the pod templates of workloads. Where they live in each kind is data (the kind table,
 * kinds.ts), so that every pass over pods (labels, images, node selectors, checks) covers the same kinds.
 */
import { isRecord, type KubeObject } from './object.js';
import { POD_TEMPLATE_PATHS } from './kinds.js';
import { builtInClusterScoped, groupKind } from '../k8s.js';
import { customTemplatePath } from './custom-workloads.js';

export { POD_TEMPLATE_PATHS };

/** The container lists of a pod spec. */
export const CONTAINER_LISTS = ['initContainers', 'containers'] as const;

/** One of CONTAINER_LISTS. */
export type ContainerList = (typeof CONTAINER_LISTS)[number];

/** A container of a pod spec with where it is: its list and index there (its field path is `[...spec's, list, index]`). */
export interface PlacedContainer {
  readonly container: Record<string, unknown>;
  readonly list: string;
  readonly index: number;
}

/**
 * The index of the first item of `list` from `from` on that is a mapping, or -1: the items that are
 * not (a null one, `env: [null, ...]`) are counted, so that a finding at an item's index is at its
 * place. A step of the walks below, by index and making nothing per item (with a callback per item
 * instead, `placedContainers`, asked about seven times per workload, took half as long again).
 */
function nextMapping(list: readonly unknown[], from: number): number {
  for (let i = from; i < list.length; i++) if (isRecord(list[i])) return i;
  return -1;
}

/**
 * The items of a list that are mappings, each as `[index, item]` with its index in the list,
 * counting the items that are not (`nextMapping`). None when `list` is no list.
 */
export function mappingItems(list: unknown): [index: number, item: Record<string, unknown>][] {
  const items: [number, Record<string, unknown>][] = [];
  if (!Array.isArray(list)) return items;
  for (let i = nextMapping(list, 0); i >= 0; i = nextMapping(list, i + 1)) items.push([i, list[i] as Record<string, unknown>]);
  return items;
}

/**
 * The containers of a pod spec with their list and index, init containers first: the entries of
 * its CONTAINER_LISTS (or of `lists`, with `ephemeralContainers`) that are mappings, each at its
 * index in its list, counting the entries that are not. The one walk over a pod's containers.
 */
export function placedContainers(spec: unknown, lists: readonly string[] = CONTAINER_LISTS): PlacedContainer[] {
  const placed: PlacedContainer[] = [];
  if (!isRecord(spec)) return placed;
  // without mappingItems' pairs: the checks and transforms ask this about seven times per workload
  for (let l = 0; l < lists.length; l++) {
    const list = lists[l];
    const entries = spec[list];
    if (!Array.isArray(entries)) continue;
    for (let i = nextMapping(entries, 0); i >= 0; i = nextMapping(entries, i + 1))
      placed.push({ container: entries[i] as Record<string, unknown>, list, index: i });
  }
  return placed;
}

/**
 * A container as messages name it: `container 'web'`; one with no name (Knative Serving's, which
 * Knative names user-container) is said so, never `'undefined'`.
 */
export const containerNamed = (c: Record<string, unknown>): string =>
  typeof c.name === 'string' && c.name !== '' ? `container '${c.name}'` : 'the container with no name';

/** The containers of a pod spec, init containers first: the entries of its CONTAINER_LISTS that are mappings. */
export function containersOf(spec: unknown): Record<string, unknown>[] {
  return placedContainers(spec).map((p) => p.container);
}

/**
 * A copy of `spec` (a pod spec) with each entry of its CONTAINER_LISTS replaced by `update(entry,
 * list, index)`; a list that is not one is left as it is.
 */
export function mapContainers(
  spec: Record<string, unknown>,
  update: (container: unknown, list: ContainerList, index: number) => unknown,
): Record<string, unknown> {
  const out = { ...spec };
  for (const list of CONTAINER_LISTS) {
    const entries = spec[list];
    if (Array.isArray(entries)) out[list] = entries.map((c: unknown, i) => update(c, list, i));
  }
  return out;
}

/** Container env sources that name an API object (`env[].valueFrom`), by the kind of object they name. */
export const ENV_VALUE_FROM: Readonly<Record<string, 'ConfigMap' | 'Secret'>> = { configMapKeyRef: 'ConfigMap', secretKeyRef: 'Secret' };
/** Container sources of whole environments (`envFrom[]`), by the kind of object they name. */
export const ENV_FROM: Readonly<Record<string, 'ConfigMap' | 'Secret'>> = { configMapRef: 'ConfigMap', secretRef: 'Secret' };

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: Record<string, unknown>;
}

/** The mapping at `path` from `o` (a pod template, where a kind keeps one), or undefined when there is none. */
export function templateAt(o: KubeObject, path: readonly string[]): PodTemplate | undefined {
  let node: unknown = o;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return isRecord(node) ? (node as PodTemplate) : undefined;
}

/**
 * Whether `o` is a built-in workload: a kind that keeps a pod template (POD_TEMPLATE_PATHS), of
 * the group Kubernetes serves it in. By group and kind: a kind of another group named like a
 * workload (OpenKruise's apps.kruise.io StatefulSet, an example.com Deployment) is none.
 */
export const isBuiltInWorkload = (o: KubeObject): boolean =>
  POD_TEMPLATE_PATHS[o.kind] !== undefined && builtInClusterScoped(o.apiVersion, o.kind) === false;

/** The pod template of a built-in workload (isBuiltInWorkload), or undefined for other kinds (and workloads without one). */
export function podTemplateOf(o: KubeObject): PodTemplate | undefined {
  return isBuiltInWorkload(o) ? templateAt(o, POD_TEMPLATE_PATHS[o.kind]!) : undefined;
}

/**
 * Where the pod template of a workload is: a built-in one's (isBuiltInWorkload), or a custom
 * resource's that runs pods (an Argo Rollout, an OpenKruise CloneSet: lib/model/custom-workloads.ts);
 * undefined for other objects; whether the template holds containers is not asked (`workloadTemplate`
 * asks it). For the references (object-index, references-pods, references-selectors); the passes that
 * hold every pod to one rule (policy, ARM images, node selectors) take `workloadTemplate`.
 */
export const workloadTemplatePath = (o: KubeObject): readonly string[] | undefined =>
  isBuiltInWorkload(o) ? POD_TEMPLATE_PATHS[o.kind] : customTemplatePath(o);

/**
 * The workloads, by API group and kind, whose `spec.volumeClaimTemplates` make a claim per pod that
 * the pod's containers mount by the template's name, as a volume of the pod: a StatefulSet's, and
 * OpenKruise's CloneSet and StatefulSet (their controllers add each claim to the pod as a volume of
 * that name). By group and kind: an example.com StatefulSet's templates mount nothing anyone knows of.
 */
const CLAIM_TEMPLATE_KINDS: ReadonlySet<string> = new Set(['apps/StatefulSet', 'apps.kruise.io/CloneSet', 'apps.kruise.io/StatefulSet']);

/** Whether `o` is of CLAIM_TEMPLATE_KINDS: its volumeClaimTemplates are volumes of its pods. */
export const mountsClaimTemplates = (o: KubeObject): boolean =>
  typeof o.apiVersion === 'string' && typeof o.kind === 'string' && CLAIM_TEMPLATE_KINDS.has(groupKind(o.apiVersion, o.kind));

/** A workload's pod template with its path from the object (`[...path, 'spec']` is its pod spec's). */
export interface PlacedTemplate {
  readonly path: readonly string[];
  readonly template: PodTemplate;
}

/**
 * The pod template of a built-in or custom workload with where it is (workloadTemplatePath), or
 * undefined when `o` is no workload or has no template there: the one lookup of the passes that
 * hold every pod to one rule and name its fields. A custom workload's template is one only when its
 * spec lists containers: an Argo Rollout that runs a Deployment's pods (`workloadRef`) may keep an
 * empty `template: {}`, which Argo takes and makes no pods of.
 */
export function workloadTemplate(o: KubeObject): PlacedTemplate | undefined {
  if (isBuiltInWorkload(o)) {
    const path = POD_TEMPLATE_PATHS[o.kind]!;
    const template = templateAt(o, path);
    return template && { path, template };
  }
  const path = customTemplatePath(o);
  const template = path && templateAt(o, path);
  return path && template && isRecord(template.spec) && Array.isArray(template.spec.containers) ? { path, template } : undefined;
}

/** The pod template of a built-in or custom workload (`workloadTemplate`), or undefined. */
export const workloadTemplateOf = (o: KubeObject): PodTemplate | undefined => workloadTemplate(o)?.template;

/**
 * A copy of `o` with the pod template of a built-in or custom workload (workloadTemplatePath)
 * replaced by `update(template)`; `o` itself when it has no pod template. Copies only the objects
 * along the path.
 */
export function withPodTemplate(o: KubeObject, update: (t: PodTemplate) => PodTemplate): KubeObject {
  const path = workloadTemplate(o)?.path;
  if (!path) return o;
  const rebuild = (node: Record<string, unknown>, rest: readonly string[]): Record<string, unknown> =>
    rest.length === 0
      ? (update(node as PodTemplate) as Record<string, unknown>)
      : { ...node, [rest[0]]: rebuild(node[rest[0]] as Record<string, unknown>, rest.slice(1)) };
  return rebuild(o, path) as KubeObject;
}

/**
 * The objects of `kind` that the containers of a pod spec read as environment variables
 * (`valueFrom`, `envFrom`), by name, with the keys each is read for: `all` for a whole environment
 * (`envFrom`). The kubelet reads them once, when a container starts.
 */
export function envSourceKeys(spec: Record<string, unknown> | undefined, kind: 'ConfigMap' | 'Secret'): Map<string, Set<string> | 'all'> {
  const reads = new Map<string, Set<string> | 'all'>();
  const records = (v: unknown): Record<string, unknown>[] =>
    Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
  const add = (ref: unknown, key: unknown) => {
    const name = typeof ref === 'object' && ref !== null ? (ref as { name?: unknown }).name : undefined;
    if (typeof name !== 'string') return;
    const keys = reads.get(name) ?? new Set<string>();
    reads.set(name, keys === 'all' || key === undefined ? 'all' : keys.add(String(key)));
  };
  for (const c of containersOf(spec)) {
    for (const e of records(c.env))
      for (const [field, k] of Object.entries(ENV_VALUE_FROM)) {
        const ref = (e.valueFrom as Record<string, unknown> | undefined)?.[field];
        if (k === kind && ref !== undefined) add(ref, (ref as { key?: unknown } | null)?.key ?? '');
      }
    for (const e of records(c.envFrom)) for (const [field, k] of Object.entries(ENV_FROM)) if (k === kind) add(e[field], undefined);
  }
  return reads;
}
