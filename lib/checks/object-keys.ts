/**
 * How the object index (object-index.ts) keys the objects: by API group and kind (`groupKind`, the
 * built-in kinds the reference checks look up in `KINDS`), namespace (`namespaceOf`: '' at cluster
 * scope, `default` when none is written) and name, as the key a `get` looks up and traces
 * (`get:<group>/<kind>/<namespace>/<name>`), and the other lookups as traced (`Query`). Pure.
 */
import { groupKind, isClusterScoped, type KindGroups } from '../k8s.js';
import type { Trace } from '../model/kept-checks.js';
import type { KubeObject } from '../model/object.js';
import { sha256Hex } from '../model/sha256.js';
import type { Selector } from './selectors.js';

/** The namespace objects without `metadata.namespace` land in when applied with kubectl's default context. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * `group/kind` (lib/k8s.ts `groupKind`) of the built-in kinds the reference checks look up: what
 * `get`, `namesOf` and `objectsOf` take.
 */
export const KINDS = {
  ConfigMap: '/ConfigMap',
  HorizontalPodAutoscaler: 'autoscaling/HorizontalPodAutoscaler',
  Namespace: '/Namespace',
  NetworkPolicy: 'networking.k8s.io/NetworkPolicy',
  PersistentVolume: '/PersistentVolume',
  PersistentVolumeClaim: '/PersistentVolumeClaim',
  Secret: '/Secret',
  Service: '/Service',
  ServiceAccount: '/ServiceAccount',
} as const;

/** How a traced `get` starts (the other queries are JSON arrays, starting with `[`). */
export const GET = 'get:';

/** Whether a traced query is a `get` (a lookup by group and kind, namespace and name). */
export const isGet = (query: string): boolean => query.startsWith(GET);

/** What the keys of the objects of one apiVersion and kind are made of. */
export interface KindKeys {
  /** `group/kind` (lib/k8s.ts `groupKind`). */
  readonly groupKind: string;
  /** `get:<group>/<kind>/`: how the key of each of its objects starts. */
  readonly prefix: string;
}

/** apiVersion -> kind -> its KindKeys: made once per pair, not once per object (a stage may have 17,000). */
const kindKeysOf = new Map<unknown, Map<unknown, KindKeys>>();

/** Pairs kept at most: the input names them (a hostile file may name many), and the few real ones stay found. */
const MAX_KIND_KEYS = 10_000;
let kindKeysMade = 0;

/** The KindKeys of `o`'s apiVersion and kind. */
export function kindKeys(o: KubeObject): KindKeys {
  let byKind = kindKeysOf.get(o.apiVersion);
  let keys = byKind?.get(o.kind);
  if (keys) return keys;
  if (++kindKeysMade > MAX_KIND_KEYS) {
    kindKeysOf.clear();
    kindKeysMade = 1;
    byKind = undefined;
  }
  if (!byKind) kindKeysOf.set(o.apiVersion, (byKind = new Map()));
  const gk = groupKind(String(o.apiVersion), String(o.kind));
  byKind.set(o.kind, (keys = { groupKind: gk, prefix: `${GET}${gk}/` }));
  return keys;
}

/**
 * The namespace of an object: '' at cluster scope (its group and kind, `customKinds` those the CRDs
 * put there: `isClusterScoped`), `default` when a namespaced object names none.
 */
export function namespaceOf(o: KubeObject, customKinds?: KindGroups): string {
  if (isClusterScoped(o.apiVersion, o.kind, customKinds)) return '';
  return o.metadata?.namespace ?? DEFAULT_NAMESPACE;
}

/** The lookups traced as JSON (a `get` is traced as `get:<its key>`); kinds as `group/kind`. */
export type Query =
  | readonly ['names', groupKind: string, ns: string]
  | readonly ['labelled', ns: string, labels: Readonly<Record<string, string>>]
  | readonly ['selected', ns: string, selector: Pick<Selector, 'matchLabels' | 'matchExpressions'>]
  | readonly ['in', ns: string]
  | readonly ['kind', groupKind: string, ns?: string]
  | readonly ['cert-manager'];

/** What a `get` of one group and kind, namespace and name finds (`ObjectIndex.gets`). */
export interface Got {
  /** The query of the lookup traced, which is the key the index files the object under. */
  readonly key: string;
  readonly found: KubeObject | undefined;
  /** The lookup as traced, once it was: one tuple for every object that makes it (traces are read, never changed). */
  trace?: Trace;
}

/** `text`, or its SHA-256 when it is long (what a lookup found is kept with every object that made it). */
export const short = (text: string) => (text.length > 64 ? `sha256:${sha256Hex(text)}` : text);
