/**
 * In which order a new AppProject and the stages' commit must reach the cluster. Argo CD refuses to
 * sync an object its project does not permit, so what the AppProject gains must be applied before
 * the push; and it leaves out of its comparison every live object its project does not permit
 * (controller/state.go, `IsLiveResourcePermitted`: the kind in the project's whitelist and, for a
 * namespaced object, its namespace among the destinations on the Application's cluster), so it
 * never prunes one: what the AppProject loses must be applied only once the push has been synced
 * and pruned. Pure.
 */
import { keyParts, parseInventory } from '../synth/inventory.js';
import type { StageTarget } from './target.js';
import { addresses, sameAddresses } from './urls.js';

type GroupKind = { readonly group?: string; readonly kind?: string };
type Destination = { readonly server?: string; readonly name?: string; readonly namespace?: string };

/** An AppProject as far as what it permits is concerned (lib/delivery/argocd.ts writes it). */
interface ProjectObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly clusterResourceWhitelist?: readonly GroupKind[];
    readonly namespaceResourceWhitelist?: readonly GroupKind[];
    readonly destinations?: readonly Destination[];
  };
}

/** The lists of an AppProject that decide what it permits. */
const LISTS = ['clusterResourceWhitelist', 'namespaceResourceWhitelist', 'destinations'] as const;

/** A stage that an Application applies to the same cluster before and after, with what it held then. */
export interface KeptStage {
  /** Its Application and cluster (`deliveryTargets`). */
  readonly target: StageTarget;
  /** Its inventory as it was: the objects live in the cluster until its next sync. */
  readonly inventory: string;
}

export interface ProjectOrder {
  /** The AppProject's name. */
  readonly name: string;
  /** Whether it permits something it did not. */
  readonly gains: boolean;
  /** The Applications with live objects it no longer permits, and what of them (`PodDisruptionBudget`, `objects in kube-system`). */
  readonly losses: readonly { readonly application: string; readonly what: readonly string[] }[];
  /** When it both gains and loses: a merge patch of its spec that permits what either permits. */
  readonly union?: string;
}

/** An entry of a list as compared: its fields in one order. */
const entryKey = (e: object) => JSON.stringify(Object.entries(e).sort(([a], [b]) => (a < b ? -1 : 1)));

/** A kind as the whitelists are compared: `<group> <kind>`. */
const groupKind = (group: string, kind: string | undefined) => `${group} ${kind}`;

/**
 * Whether `project` permits the kind and the namespace of an object (an inventory key) applied to
 * the cluster of `target`. What depends on the project and the target alone (the whitelists, the
 * namespaces of the destinations on that cluster, each server's addresses read once) is worked
 * out before: a stage's inventory holds thousands of keys.
 */
function permits(project: ProjectObject, target: StageTarget): (key: string) => { kind: boolean; namespace: boolean } {
  const kinds = (list: readonly GroupKind[] | undefined) => new Set((list ?? []).map((k) => groupKind(k.group ?? '', k.kind)));
  const [clusterKinds, namespacedKinds] = [kinds(project.spec?.clusterResourceWhitelist), kinds(project.spec?.namespaceResourceWhitelist)];
  const onCluster = (d: Destination) =>
    target.form === 'server' ? d.server !== undefined && sameAddresses(addresses(d.server), target.ids) : d.name === target.id;
  const namespaces = new Set((project.spec?.destinations ?? []).filter(onCluster).map((d) => d.namespace));
  return (key) => {
    const { apiVersion, kind, namespace } = keyParts(key);
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    return {
      kind: (namespace === undefined ? clusterKinds : namespacedKinds).has(groupKind(group, kind)),
      namespace: namespace === undefined || namespaces.has(namespace),
    };
  };
}

/**
 * What the AppProject `after` (of the new dist/delivery/argocd/) gains on `before` (as it was;
 * undefined: none), and what of the live objects of `kept` it no longer permits; undefined when
 * `after` is no AppProject.
 */
export function projectOrder(before: unknown, after: unknown, kept: readonly KeptStage[]): ProjectOrder | undefined {
  const was = before as ProjectObject | undefined;
  const now = after as ProjectObject | undefined;
  if (now?.kind !== 'AppProject') return undefined;
  const entries = (p: ProjectObject | undefined, list: (typeof LISTS)[number]) =>
    new Map(((p?.spec?.[list] ?? []) as readonly object[]).map((e) => [entryKey(e), e]));
  const gains = LISTS.some((list) => {
    const old = entries(was, list);
    return [...entries(now, list).keys()].some((k) => !old.has(k));
  });
  const losses = kept.flatMap(({ target, inventory }) => {
    const what = new Set<string>();
    const permitted = permits(now, target);
    for (const key of parseInventory(inventory).keys()) {
      const { kind, namespace } = permitted(key);
      if (!kind) what.add(keyParts(key).kind);
      if (!namespace) what.add(`objects in ${keyParts(key).namespace}`);
    }
    return what.size ? [{ application: target.subject.slice(target.subject.indexOf('/') + 1), what: [...what].sort() }] : [];
  });
  // both: the project is first given what it gains, keeping what it loses until the stages' prune
  const union =
    gains && losses.length
      ? JSON.stringify({
          spec: Object.fromEntries(LISTS.map((list) => [list, [...new Map([...entries(was, list), ...entries(now, list)]).values()]])),
        })
      : undefined;
  return { name: now.metadata?.name ?? '', gains, losses, ...(union !== undefined ? { union } : {}) };
}
