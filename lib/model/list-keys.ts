/**
 * Lists whose items have a natural key: what makes an item "the same item" in two versions of an
 * object (a container by its name, an Argo CD destination by its namespace and cluster), so that
 * `npm run diff` matches items by key, not by position, and one changed item does not read as a
 * reshuffle of the list. Data, by the field that holds the list, as Kubernetes's merge keys are
 * (`patchMergeKey`, `x-kubernetes-list-map-keys`). Not the keys the API server refuses repeats of
 * (lib/checks/api-rules.ts `unique`): those are rules at places in a kind, every key of a list
 * at once; these say how to match, by the first key that works, under a field name anywhere.
 */
import { ownEntry } from './object.js';

/**
 * One way of keying a list: the fields whose values, joined, are an item's key. A field written
 * `a|b` is whichever of them the item has (an Argo CD destination names its cluster by `server` or
 * by `name`).
 */
export type ListKey = readonly string[];

/**
 * The keys of each list, by the field that holds it, tried in order: the first under which every
 * item of the list (in each version compared) has a key, each different, is the list's key. A
 * list not named here is keyed by `name` when every item has a different one.
 */
export const LIST_KEYS: Readonly<Record<string, readonly ListKey[]>> = {
  // pod specs
  containers: [['name']],
  initContainers: [['name']],
  ephemeralContainers: [['name']],
  env: [['name']],
  volumes: [['name']],
  volumeMounts: [['mountPath']],
  volumeDevices: [['devicePath']],
  imagePullSecrets: [['name']],
  hostAliases: [['ip']],
  topologySpreadConstraints: [['topologyKey', 'whenUnsatisfiable']],
  // a Service's ports and a container's: by name when every one has one, else by number and protocol
  ports: [['name'], ['port', 'protocol'], ['containerPort', 'protocol']],
  // Argo CD's AppProject
  destinations: [['namespace', 'server|name']],
  clusterResourceWhitelist: [['group', 'kind']],
  namespaceResourceWhitelist: [['group', 'kind']],
};

/** The key of a list that LIST_KEYS does not name. */
export const DEFAULT_LIST_KEY: ListKey = ['name'];

/** Values a key field has when the item leaves it out (Kubernetes's defaults; the API rules' keyed lists use them too). */
export const LIST_KEY_DEFAULTS: Readonly<Record<string, string>> = { protocol: 'TCP' };

/**
 * The key of `item` under `key`: its fields' values joined with ', ' (`8080, TCP`), or undefined
 * when the item is not an object or lacks one of them.
 */
export function listItemKey(item: unknown, key: ListKey): string | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const values: string[] = [];
  for (const part of key) {
    let value: unknown;
    for (const field of part.split('|')) {
      value = Object.hasOwn(item, field) ? (item as Record<string, unknown>)[field] : LIST_KEY_DEFAULTS[field];
      if (value !== undefined) break;
    }
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    values.push(String(value));
  }
  return values.join(', ');
}

/**
 * How the items of the list held by `field` are keyed in each of `lists` (the versions of one list
 * compared): the first key of LIST_KEYS (or DEFAULT_LIST_KEY) that gives every item of each list
 * a key of its own; undefined when none does, or the lists are empty (the items are then compared
 * by position).
 */
export function keyOfLists(field: string | undefined, lists: readonly (readonly unknown[])[]): ListKey | undefined {
  if (lists.every((l) => l.length === 0)) return undefined;
  const candidates = (field !== undefined ? ownEntry(LIST_KEYS, field) : undefined) ?? [DEFAULT_LIST_KEY];
  return candidates.find((key) =>
    lists.every((list) => {
      const keys = list.map((item) => listItemKey(item, key));
      return keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
    }),
  );
}
