/**
 * How a removed stage's objects are deleted from its cluster (its stage file gone, its output still in
 * `dist/`): the command that deletes those in its own namespace, and the line that names what it leaves
 * out (what it holds elsewhere, which the rest of the cluster may run on). Pure but for reading its
 * Namespace file in `dist/` when not given the one applied (lib/cli/removed-stage.ts reads that one).
 */
import { join } from 'node:path';
import { builtInClusterScoped } from '../k8s.js';
import { andList } from '../model/limits.js';
import { objectsIn } from '../live-edits.js';
import { DIST_DIR, MAX_GENERATED_BYTES, readRegularFile } from '../synth/disk.js';
import { INVENTORY_FILE, keyParts, parseInventory } from '../synth/inventory.js';
import { deleteCommand, deleteCommandOf, word } from '../synth/delete-commands.js';
import { chartFileName } from '../synth/output.js';
import { NAMESPACE_CHART } from '../synth/rendered.js';
import type { Project } from './project.js';

/**
 * How the objects of a removed stage are deleted from its cluster (`removedDeletion`): the command,
 * the inventory of what it deletes, and what it leaves out.
 */
export interface RemovedDeletion {
  /**
   * `kubectl delete <kinds> -n <namespace> -l <the stage's labels>`: its objects in its namespace, its Namespace and PersistentVolumes;
   * when it holds another Namespace, its own by name on a command of its own (`--field-selector metadata.name=<namespace>`).
   * Undefined when its namespace holds none of its objects (all it holds is outside it, or unread).
   */
  readonly command?: string;
  /** The removed stage's inventory without the objects the command leaves out, for the line about the data it deletes. */
  readonly inventory: string;
  /** The stage's own namespace (`ownNamespace`). */
  readonly namespace: string;
  /** The keys of the objects the command leaves out (`outsideLine`). */
  readonly outside: readonly string[];
  /**
   * The keys of the objects it leaves out that are in the namespace the stage's output in `dist/` makes where the one applied
   * (`namespaceFile`) makes another: its stage file's `namespace:` changed, synthesized and never committed, so applied nowhere
   * (`outsideLine` says so, not that the rest of the cluster may run on them).
   */
  readonly unapplied: readonly string[];
  /** The lines of its inventory that do not read as stagecraft writes them, in no command (`outsideLine`). */
  readonly unread: readonly string[];
}

/**
 * The stage's own namespace: the one its output's Namespace file makes (`00-namespace.yaml`, made for
 * every stage: its stage file's `namespace:`, else its name) when its inventory lists it (`names`); else
 * the one of those named as the stage (that file edited by hand to make another: kube-system, where the
 * stage's flannel is); else the file's, its inventory's line taken out by hand; else the only one its
 * inventory lists; else the stage's name, as a stage without `namespace:` has it. Never none: a command
 * of every namespace would take what the stage holds in kube-system with it.
 */
function ownNamespace(project: Project | undefined, stage: string, names: readonly string[], applied?: string): string {
  const name = namespaceMadeBy(applied ?? namespaceFileInDist(project, stage));
  if (name !== undefined && names.includes(name)) return name;
  if (names.includes(stage)) return stage;
  return name ?? (names.length === 1 ? names[0]! : stage);
}

/** The Namespace file (`00-namespace.yaml`) of the stage's output in `dist/`, if it reads (also `appliedNamespaceFile`'s, lib/cli/removed-stage.ts). */
export function namespaceFileInDist(project: Project | undefined, stage: string): string | undefined {
  try {
    return project && readRegularFile(join(project.root, DIST_DIR, stage, chartFileName(NAMESPACE_CHART)), MAX_GENERATED_BYTES);
  } catch {
    return undefined;
  }
}

/** The namespace a Namespace file (`text`) makes, when it makes one whose name is a DNS label. */
function namespaceMadeBy(text: string | undefined): string | undefined {
  const made = objectsIn(text).find((o) => o.kind === 'Namespace' && typeof o.metadata.name === 'string' && isLabel(o.metadata.name));
  return made && String(made.metadata.name);
}

/** A DNS label, as a namespace's name is (RFC 1123). */
const isLabel = (name: string) => name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);

/** A DNS-1123 subdomain, as an API group is (`rbac.authorization.k8s.io`, `example.com`). */
const isSubdomain = (name: string) => name.length <= 253 && name.split('.').every((l) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l));
/** A DNS-1035 label (starting with a letter), as the API server requires a custom resource's version, and its kind lower-cased, to be. */
const isDns1035 = (name: string) => name.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name);

/**
 * Whether an inventory key reads as lib/synth/inventory.ts writes one, so that a command may name its
 * kind and namespace: an apiVersion the API server serves (`v1`, the core group's only version, or
 * `group/version`: a DNS subdomain, and a DNS-1035 label, which a custom resource's version may be
 * without a number: `v1beta`, `stable`), a kind as the API server accepts one (a DNS-1035 label once
 * lower-cased: `Service`, a CRD's `mykind` or `My-Kind`), a name, a namespace that is a DNS label, and no
 * namespace on a kind the API server keeps at cluster scope. A line edited by hand (`v1 Secret,namespace
 * lab/x`, `v1 Namespace lab/x`, `apps..x/v1 Deployment lab/x`) would otherwise add kinds to the command,
 * or delete a cluster-scoped object with the stage's namespace.
 */
function isWritten(key: string): boolean {
  const k = keyParts(key);
  const slash = (k.apiVersion ?? '').indexOf('/');
  const [group, version] = slash < 0 ? [undefined, k.apiVersion] : [k.apiVersion.slice(0, slash), k.apiVersion.slice(slash + 1)];
  if (group === undefined ? version !== 'v1' : !isSubdomain(group) || !isDns1035(version ?? '')) return false;
  if (!isDns1035((k.kind ?? '').toLowerCase()) || !k.name) return false;
  if (k.namespace === undefined) return true;
  return isLabel(k.namespace) && builtInClusterScoped(k.apiVersion, k.kind) !== true;
}

/**
 * A removed stage's Namespace files (`00-namespace.yaml`, which names its own namespace), read before its output goes
 * (lib/cli/removed-stage.ts `appliedNamespaceFile`): as applied, its last commit's, else the one in `dist/`; and the one
 * in `dist/`, which makes another namespace when its stage file's `namespace:` changed, synthesized and never committed.
 */
export interface NamespaceFiles {
  readonly applied?: string;
  readonly inDist?: string;
}

/**
 * How a removed stage's objects are deleted from its cluster (`inventory`, its output's as it was):
 * those in its own namespace (`ownNamespace`), its Namespace, and its PersistentVolumes (the volumes of
 * its claims, whose data the line under the command names), selected by its labels; undefined when it
 * lists no object. What it holds elsewhere, in another namespace (kube-system, default, another stage's)
 * or cluster-wide (a ClusterRole, a StorageClass, another Namespace), is left out (`outside`): such objects
 * are what the rest of the cluster runs on (lab's flannel DaemonSet in kube-system is the network of every
 * pod of the cluster, its ClusterRoles may be bound by others), so a command that removes a stage, copied as
 * printed, must not take them down with it; `outsideLine` names them, with the command to delete them once
 * nothing uses them. A line of the inventory that does not read as one stagecraft writes (`isWritten`) is in
 * no command: `outsideLine` names it (`unread`). Without `project` (a stage moved to another cluster,
 * lib/cli/delivery-moves.ts), its namespace is read from the inventory alone. `namespaceFiles`: its Namespace files (`NamespaceFiles`,
 * read before its output goes); else the one in `dist/<stage>/`, as applied: what its output holds in the namespace that the one in
 * `dist/` makes where the one applied makes another is left out too, as never applied (`unapplied`).
 */
export function removedDeletion(
  project: Project | undefined,
  stage: string,
  inventory: string,
  namespaceFiles?: NamespaceFiles,
): RemovedDeletion | undefined {
  const namespaceFile = namespaceFiles === undefined ? undefined : (namespaceFiles.applied ?? namespaceFiles.inDist);
  const all = [...parseInventory(inventory).keys()];
  const unread = all.filter((k) => !isWritten(k));
  const keys = all.filter(isWritten);
  const namespaces = keys.map(keyParts).flatMap((k) => (k.kind === 'Namespace' && k.namespace === undefined ? [k.name] : []));
  const namespace = ownNamespace(project, stage, namespaces, namespaceFile);
  const own = (key: string) => {
    const k = keyParts(key);
    if (k.namespace !== undefined) return k.namespace === namespace;
    return k.kind === 'PersistentVolume' || (k.kind === 'Namespace' && k.name === namespace);
  };
  const left = keys.filter((k) => !own(k));
  // the namespace dist/ makes where the one applied makes another (its stage file's namespace: changed, never committed)
  const inDist = namespaceFiles?.applied === undefined ? undefined : namespaceMadeBy(namespaceFiles.inDist);
  const since = inDist === namespace ? undefined : inDist;
  const isSince = (key: string) => {
    const k = keyParts(key);
    return since !== undefined && (k.namespace === since || (k.namespace === undefined && k.kind === 'Namespace' && k.name === since));
  };
  const outside = left.filter((k) => !isSince(k));
  const unapplied = left.filter(isSince);
  const owned = withoutObjects(inventory, new Set([...left, ...unread]));
  // a Namespace is cluster-scoped: `-n` does not keep `-l` from selecting every Namespace the stage labelled, and one left
  // out (ingress-nginx's, from a manifests app) went with everything in it; its own is then deleted by name too, last
  const ownNamespaceKey = keys.find((k) => keyParts(k).kind === 'Namespace' && keyParts(k).name === namespace);
  const another = ownNamespaceKey !== undefined && left.some((k) => keyParts(k).kind === 'Namespace');
  const objects = deleteCommand(stage, another ? withoutObjects(owned, new Set([ownNamespaceKey])) : owned, namespace);
  const itself = another ? deleteCommandOf(stage, [ownNamespaceKey]) : undefined;
  const command = itself ? `${objects ? `${objects} && ` : ''}${itself} --field-selector ${word(`metadata.name=${namespace}`)}` : objects;
  if (command === undefined && left.length === 0 && unread.length === 0) return undefined;
  return { command, inventory: owned, namespace, outside, unapplied, unread };
}

/** `inventory` without the object lines of `keys`. */
function withoutObjects(inventory: string, keys: ReadonlySet<string>): string {
  return inventory
    .split('\n')
    .filter((l) => !(l.startsWith('sha256:') && keys.has(l.slice(l.indexOf(' ') + 1))))
    .join('\n');
}

/** How many of the objects left out `outsideLine` names (raspberry's are 9). */
const OUTSIDE_SHOWN = 6;

/** `keys` as `outsideLine` names them, the first OUTSIDE_SHOWN, then how many more. */
function shownKeys(keys: readonly string[]): string {
  const named = (key: string) => {
    const k = keyParts(key);
    const name = `${k.kind} ${k.namespace === undefined ? '' : `${k.namespace}/`}${k.name}`;
    if (k.kind === 'DaemonSet')
      return `${name} (on every node, as a network plugin or a node agent runs: pods of every namespace may need it)`;
    if (k.kind === 'PersistentVolumeClaim') return `${name} (its volume holds data)`;
    return name;
  };
  const more = keys.length - OUTSIDE_SHOWN;
  return `${andList(keys.slice(0, OUTSIDE_SHOWN).map(named))}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * The commands that delete the objects of `keys`, one per namespace, then one for the cluster-scoped ones, selected by
 * the stage's labels; the Namespaces of `byName` by name too (`--field-selector`), so that the command takes no other.
 */
function commandsOf(stage: string, keys: readonly string[], byName?: string): string {
  const groups = new Map<string | undefined, string[]>();
  for (const key of keys) groups.set(keyParts(key).namespace, [...(groups.get(keyParts(key).namespace) ?? []), key]);
  const order = [...groups.keys()].sort((a, b) => (a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : a > b ? 1 : 0));
  const commands = order.flatMap((ns) => deleteCommandOf(stage, groups.get(ns)!, ns) ?? []);
  if (byName !== undefined && groups.has(undefined))
    commands.push(`${commands.pop()!} --field-selector ${word(`metadata.name=${byName}`)}`);
  return commands.join(' && ');
}

/**
 * What `removedDeletion` leaves out of the delete command, as a line under it: which objects, why (the
 * rest of the cluster may run on them), and the commands that delete them, by namespace and then the
 * cluster-scoped ones, selected by the stage's labels as the command is (so that an object another stage
 * has applied since, under its own labels, is left); and those of a namespace its stage file named since its
 * last commit, never committed (`unapplied`), said as such, with their commands for a cluster they were applied
 * to all the same; undefined when it leaves out none. `kept`: the keys of the objects the stages now using its
 * namespace make (`keptByHolding`), which are theirs.
 */
export function outsideLine(stage: string, deletion: RemovedDeletion, kept: ReadonlySet<string> = new Set()): string | undefined {
  const keys = deletion.outside.filter((k) => !kept.has(k));
  const since = deletion.unapplied.filter((k) => !kept.has(k));
  const n = deletion.unread.length;
  const lines = `${n === 1 ? 'a line' : `${n} lines`} of its ${INVENTORY_FILE} that ${n === 1 ? 'does' : 'do'} not read as stagecraft writes one (edited by hand? git log -p ${DIST_DIR}/${stage}/${INVENTORY_FILE} shows how it was written): ${andList(deletion.unread.slice(0, OUTSIDE_SHOWN).map((k) => `'${k}'`))}${n > OUTSIDE_SHOWN ? ` and ${n - OUTSIDE_SHOWN} more` : ''}`;
  const unread = n ? `${lines}, in no command` : undefined;
  const namespace = since.map(keyParts).find((k) => k.namespace !== undefined)?.namespace ?? keyParts(since[0] ?? '').name;
  const them = (some: readonly string[]) => (some.length === 1 ? 'it' : 'them');
  // not applied from the last commit: in no cluster, unless applied from the working tree all the same (deleting what is not there deletes nothing)
  const unapplied = since.length
    ? `what its stage file put in namespace ${namespace} since its last commit, synthesized and never committed, so in no cluster unless applied from the working tree all the same: ${shownKeys(since)}; if it was, delete ${them(since)} with: ${commandsOf(stage, since, namespace)}`
    : undefined;
  if (keys.length === 0)
    return unread || unapplied ? `it leaves out ${[unread, unapplied].filter((c) => c !== undefined).join('; and ')}` : undefined;
  return (
    `it leaves out what the stage holds outside namespace ${deletion.namespace}, which the rest of the cluster may run on (other stages' objects, the cluster's own): ${shownKeys(keys)}; ` +
    (unread ? `and ${unread}; ` : '') +
    `once nothing uses ${them(keys)}, delete ${them(keys)} with: ${commandsOf(stage, keys)}` +
    (unapplied ? `; and ${unapplied}` : '')
  );
}
