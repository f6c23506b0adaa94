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
  let text = applied;
  try {
    text ??= project && readRegularFile(join(project.root, DIST_DIR, stage, chartFileName(NAMESPACE_CHART)), MAX_GENERATED_BYTES);
  } catch {
    text = undefined;
  }
  const made = objectsIn(text).find((o) => o.kind === 'Namespace' && typeof o.metadata.name === 'string' && isLabel(o.metadata.name));
  const name = made && String(made.metadata.name);
  if (name !== undefined && names.includes(name)) return name;
  if (names.includes(stage)) return stage;
  return name ?? (names.length === 1 ? names[0]! : stage);
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
 * lib/cli/delivery-moves.ts), its namespace is read from the inventory alone. `namespaceFile`: its Namespace file as applied
 * (`appliedNamespaceFile`, read before its output goes), else the one in `dist/<stage>/`.
 */
export function removedDeletion(
  project: Project | undefined,
  stage: string,
  inventory: string,
  namespaceFile?: string,
): RemovedDeletion | undefined {
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
  const outside = keys.filter((k) => !own(k));
  const owned = withoutObjects(inventory, new Set([...outside, ...unread]));
  // a Namespace is cluster-scoped: `-n` does not keep `-l` from selecting every Namespace the stage labelled, and one left
  // out (ingress-nginx's, from a manifests app) went with everything in it; its own is then deleted by name too, last
  const ownNamespaceKey = keys.find((k) => keyParts(k).kind === 'Namespace' && keyParts(k).name === namespace);
  const another = ownNamespaceKey !== undefined && outside.some((k) => keyParts(k).kind === 'Namespace');
  const objects = deleteCommand(stage, another ? withoutObjects(owned, new Set([ownNamespaceKey])) : owned, namespace);
  const itself = another ? deleteCommandOf(stage, [ownNamespaceKey]) : undefined;
  const command = itself ? `${objects ? `${objects} && ` : ''}${itself} --field-selector ${word(`metadata.name=${namespace}`)}` : objects;
  if (command === undefined && outside.length === 0 && unread.length === 0) return undefined;
  return { command, inventory: owned, namespace, outside, unread };
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

/**
 * What `removedDeletion` leaves out of the delete command, as a line under it: which objects, why (the
 * rest of the cluster may run on them), and the commands that delete them, by namespace and then the
 * cluster-scoped ones, selected by the stage's labels as the command is (so that an object another stage
 * has applied since, under its own labels, is left); undefined when it leaves out none. `kept`: the keys
 * of the objects the stages now using its namespace make (`keptByHolding`), which are theirs.
 */
export function outsideLine(stage: string, deletion: RemovedDeletion, kept: ReadonlySet<string> = new Set()): string | undefined {
  const keys = deletion.outside.filter((k) => !kept.has(k));
  const n = deletion.unread.length;
  const lines = `${n === 1 ? 'a line' : `${n} lines`} of its ${INVENTORY_FILE} that ${n === 1 ? 'does' : 'do'} not read as stagecraft writes one (edited by hand? git log -p ${DIST_DIR}/${stage}/${INVENTORY_FILE} shows how it was written): ${andList(deletion.unread.slice(0, OUTSIDE_SHOWN).map((k) => `'${k}'`))}${n > OUTSIDE_SHOWN ? ` and ${n - OUTSIDE_SHOWN} more` : ''}`;
  const unread = n ? `${lines}, in no command` : undefined;
  if (keys.length === 0) return unread && `it leaves out ${unread}`;
  const parts = keys.map(keyParts);
  const named = (k: (typeof parts)[number]) => {
    const name = `${k.kind} ${k.namespace === undefined ? '' : `${k.namespace}/`}${k.name}`;
    if (k.kind === 'DaemonSet')
      return `${name} (on every node, as a network plugin or a node agent runs: pods of every namespace may need it)`;
    if (k.kind === 'PersistentVolumeClaim') return `${name} (its volume holds data)`;
    return name;
  };
  const more = parts.length - OUTSIDE_SHOWN;
  const shown = `${andList(parts.slice(0, OUTSIDE_SHOWN).map(named))}${more > 0 ? ` and ${more} more` : ''}`;
  // one command per namespace, then one for the cluster-scoped objects
  const groups = new Map<string | undefined, string[]>();
  for (const [i, k] of parts.entries()) groups.set(k.namespace, [...(groups.get(k.namespace) ?? []), keys[i]!]);
  const order = [...groups.keys()].sort((a, b) => (a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : a > b ? 1 : 0));
  const commands = order.flatMap((ns) => deleteCommandOf(stage, groups.get(ns)!, ns) ?? []);
  return (
    `it leaves out what the stage holds outside namespace ${deletion.namespace}, which the rest of the cluster may run on (other stages' objects, the cluster's own): ${shown}; ` +
    (unread ? `and ${unread}; ` : '') +
    `once nothing uses ${keys.length === 1 ? 'it' : 'them'}, delete ${keys.length === 1 ? 'it' : 'them'} with: ${commands.join(' && ')}`
  );
}
