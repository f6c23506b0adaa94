/**
 * The inventory of a stage's output: `dist/<stage>/inventory.txt`, one line per object with a
 * digest of its content, plus the compiler version and the digest of the stage file. A commit's
 * diff of this file says at a glance which objects it adds, changes or removes. Pure.
 *
 * The file is text, not YAML, on purpose: `kubectl apply -f dist/<stage>` reads every `.yaml`,
 * `.yml` and `.json` file of the directory and would take an inventory in YAML for a manifest.
 */
import { STAGE_LABEL, MANAGED_BY } from '../transforms/labels.js';
import { PRUNE_ALLOWLIST, allowlistEntry, applyRank, inKindTable, sortAllowlist } from '../model/kinds.js';
import { groupOf } from '../k8s.js';
import { sortByCodePoints } from '../model/order.js';
import type { KubeObject } from '../model/object.js';
import { sha256Hex } from '../model/sha256.js';
import { hasConflictMarkers } from '../model/conflict-markers.js';
import { generatedLine } from './disk.js';

export const INVENTORY_FILE = 'inventory.txt';
/** The inventory line naming namespaces its objects expect to exist (`existing namespaces: argocd`). */
export const EXISTING_NAMESPACES = 'existing namespaces';

/** The inventory line naming the stores and issuers its objects expect to exist (`existing objects: ClusterSecretStore/vault`). */
export const EXISTING_OBJECTS = 'existing objects';

/** The words of an inventory's line `<label>: a, b` (its first), none without one. */
function listLine(text: string, label: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`${label}: `));
  return line
    ? line
        .slice(label.length + 2)
        .split(/[ ,]+/)
        .filter(Boolean)
    : [];
}

/** The namespaces an inventory says its objects expect to exist (the stage file's checks.existingNamespaces, the engine's). */
export const existingNamespaces = (text: string): string[] => listLine(text, EXISTING_NAMESPACES);

/** The stores and issuers an inventory says its objects expect to exist (the stage file's checks.existingObjects). */
export const existingObjects = (text: string): string[] => listLine(text, EXISTING_OBJECTS);

/** Hex characters of a digest: enough that two different contents never share one in practice. */
const DIGEST_LENGTH = 16;

/** The digest of a text (an object's YAML, a stage file), as written in the inventory. */
export function digest(text: string): string {
  return `sha256:${sha256Hex(text).slice(0, DIGEST_LENGTH)}`;
}

/** One object of the inventory. */
export interface InventoryEntry {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Digest of the object's YAML as written in its file. */
  readonly digest: string;
}

/** `apps/v1 Deployment qa/demoapp`: what identifies an object in a stage. */
export function entryKey(e: Omit<InventoryEntry, 'digest'>): string {
  return `${e.apiVersion} ${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`;
}

/**
 * The kinds of `objects` that the kind table does not know (custom resources, such as an
 * ExternalSecret or a cert-manager Certificate), as `--prune-allowlist` takes them. kubectl
 * prunes only the kinds it is told, so a stage's command names these while the stage holds one.
 */
export function heldKinds(objects: readonly Pick<InventoryEntry, 'apiVersion' | 'kind'>[]): string[] {
  const outside = objects.filter((o) => !inKindTable(o.apiVersion, o.kind)).map((o) => allowlistEntry(o.apiVersion, o.kind));
  return [...new Set(outside)];
}

/**
 * The command that applies a stage and deletes the objects it no longer has (found by their
 * labels): the kind table's prunable kinds, and the other kinds `objects` hold.
 */
export function pruneCommand(stage: string, distDir: string, objects: readonly Pick<InventoryEntry, 'apiVersion' | 'kind'>[] = []): string {
  return [
    `kubectl apply -k ${distDir}/${stage} --prune -l ${stageSelector(stage)}`,
    ...sortAllowlist([...PRUNE_ALLOWLIST, ...heldKinds(objects)]).map((k) => `--prune-allowlist=${k}`),
  ].join(' ');
}

/** The labels every object of a stage carries, as `-l` takes them: what its prune and delete commands select by. */
function stageSelector(stage: string): string {
  return `${STAGE_LABEL}=${stage},app.kubernetes.io/managed-by=${MANAGED_BY}`;
}

/** `daemonset.apps`, `configmap`: a kind of `apiVersion` as `kubectl delete` and `get` take it. */
function resourceOf(apiVersion: string, kind: string): string {
  const group = groupOf(apiVersion);
  return group ? `${kind.toLowerCase()}.${group}` : kind.toLowerCase();
}

/** The parts of an inventory key (`apps/v1 DaemonSet kube-system/kube-flannel-ds`). */
export function keyParts(key: string): { apiVersion: string; kind: string; namespace?: string; name: string } {
  const [apiVersion, kind, ...rest] = key.split(' ');
  const named = rest.join(' ');
  const slash = named.indexOf('/');
  return slash < 0
    ? { apiVersion, kind, name: named }
    : { apiVersion, kind, namespace: named.slice(0, slash), name: named.slice(slash + 1) };
}

/**
 * The command that deletes from its cluster every object of the inventory `text` (the stage's
 * output as it was), found by the stage's labels, of each kind the inventory lists, in every
 * namespace it held (kube-system's too) and the cluster-scoped ones: what a stage whose file is
 * removed leaves running, since no prune command of it will ever run again. Kinds in reverse apply
 * order, the namespace last; with `namespace`, in that namespace only (and the cluster-scoped ones). Undefined
 * when the inventory lists no object.
 */
export function deleteCommand(stage: string, text: string, namespace?: string): string | undefined {
  return deleteCommandOf(stage, [...parseInventory(text).keys()], namespace);
}

/** `deleteCommand` of the objects of inventory keys `keys` (`apps/v1 DaemonSet kube-system/flannel`). */
export function deleteCommandOf(stage: string, keys: readonly string[], namespace?: string): string | undefined {
  const kinds = keys.map(keyParts).sort((a, b) => applyRank(b.kind) - applyRank(a.kind));
  if (kinds.length === 0) return undefined;
  const resources = [...new Set(kinds.map((k) => resourceOf(k.apiVersion, k.kind)))];
  // `namespace`: its objects there and the cluster-scoped ones (kubectl reads -n for namespaced kinds only; lib/cli/removed-stage.ts)
  const where = namespace !== undefined ? `-n ${word(namespace)}` : kinds.some((k) => k.namespace !== undefined) ? '--all-namespaces' : '';
  return `kubectl delete ${word(resources.join(','))}${where ? ` ${where}` : ''} -l ${word(stageSelector(stage))}`;
}

/**
 * A word of a printed command read from a hand-editable inventory.txt (a kind, a namespace), as a POSIX shell
 * reads it back when the command is pasted: as it is when plain (as lib/errors.ts `argumentWord`, however long:
 * a stage's kinds make one word), else in single quotes, so that `kube-system$(...)` is a namespace kubectl
 * refuses, not a command the shell runs; a control character is left to the printing's `escapeName`.
 */
export const word = (w: string) => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`);

/** What a Namespace holds that no file of `dist/` does (lib/data-leaves.ts reads it from the output that made it). */
export interface NamespaceHoldings {
  /** The Secrets its stage requires, whose values are in no commit. */
  readonly secrets: readonly string[];
  /** The claims its StatefulSets make from their volumeClaimTemplates, as `<template>-<statefulset>-*`. */
  readonly claims: readonly string[];
}

/**
 * What a removed stage's delete command (`deleteCommand`) deletes that holds data, as a line to
 * print under it: its claims (their volumes are released, or deleted with their data, as their
 * reclaim policy says), its PersistentVolumes, and with its namespaces everything in them that
 * `dist/` never held (the Secrets, whose values are in no commit, and the claims of StatefulSets).
 * Undefined when it deletes none of these.
 * @param holdings by namespace, what the stage's namespaces hold besides its objects, read from its
 *   output while it is there; a namespace without an entry (its files unreadable) may hold both
 * @param kept the keys of the objects that the stages now using its namespace make (a stage renamed
 *   with its namespace kept): applied first, they carry those stages' labels, so the command leaves
 *   them, the namespace too, with what it holds
 */
export function deletedData(
  text: string,
  holdings: ReadonlyMap<string, NamespaceHoldings> = new Map(),
  kept: ReadonlySet<string> = new Set(),
): string | undefined {
  const plural = (names: readonly string[], what: string) => `${what}${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
  const keys = [...parseInventory(text).keys()].filter((k) => !kept.has(k)).map(keyParts);
  const named = (kind: string) => keys.filter((k) => k.kind === kind).map((k) => (k.namespace ? `${k.namespace}/${k.name}` : k.name));
  const claims = named('PersistentVolumeClaim');
  const volumes = named('PersistentVolume');
  const namespaces = named('Namespace').flatMap((ns) => {
    const held = holdings.get(ns);
    if (!held) return [`with namespace ${ns}, everything in it, also the Secrets (values in no commit) and the claims of StatefulSets`];
    const lost = [
      ...(held.secrets.length ? [`${plural(held.secrets, 'the Secret')} (values in no commit)`] : []),
      ...(held.claims.length ? [`the claims its StatefulSets made (${held.claims.join(', ')})`] : []),
    ];
    return lost.length ? [`with namespace ${ns}, everything in it, also ${lost.join(' and ')}`] : [];
  });
  if (claims.length === 0 && volumes.length === 0 && namespaces.length === 0) return undefined;
  return [
    'that deletes data too: ',
    [
      ...(claims.length
        ? [`${plural(claims, 'the claim')} (their volumes are released, or deleted with their data, as their reclaim policy says)`]
        : []),
      ...(volumes.length ? [plural(volumes, 'the PersistentVolume')] : []),
      ...namespaces,
    ].join('; '),
    // a stage renamed that keeps the namespace keeps the claims it makes too
    `; copy what is to be kept first${kept.size ? '' : ' (a stage renamed starts on new, empty claims)'}`,
  ].join('');
}

/**
 * What to do before running a removed stage's delete command when other stages now use a namespace
 * it created (`holding`: a stage renamed that kept its namespace): apply their output first, so
 * that the objects there carry the new stage's labels and the command, which selects by the removed
 * stage's, leaves them and the namespace; '' when no stage does.
 */
export function applyFirst(stage: string, holding: readonly string[]): string {
  if (holding.length === 0) return '';
  const apply = holding.map((s) => `kubectl apply -k dist/${s}`).join(' && ');
  return `${holding.join(', ')} ${holding.length === 1 ? 'uses' : 'use'} its namespace, whose objects carry ${stage}'s labels until applied again: first ${apply}, then `;
}

/**
 * Of the `removed` keys, those the prune command of a stage that now holds `after` (keys) does not
 * delete: objects of a kind outside the kind table (an ExternalSecret) that the stage no longer has
 * any of, so that its command no longer names the kind.
 */
function unprunedOf(removed: readonly string[], after: Iterable<string>): string[] {
  const outside = removed.filter((k) => {
    const { apiVersion, kind } = keyParts(k);
    return !inKindTable(apiVersion, kind);
  });
  // as a rule none: the kinds the stage still holds (every key of it, 15,000 for 1,000 apps) are not looked at then
  if (outside.length === 0) return [];
  const held = new Set(heldKinds([...after].map(keyParts)));
  return outside.filter((k) => {
    const { apiVersion, kind } = keyParts(k);
    return !held.has(allowlistEntry(apiVersion, kind));
  });
}

/** `kubectl delete externalsecret.external-secrets.io -n production mysqlsecret`: one command per kind and namespace of `keys`. */
export function deleteByName(keys: readonly string[]): string[] {
  const groups = new Map<string, string[]>();
  for (const k of keys) {
    const { apiVersion, kind, namespace, name } = keyParts(k);
    const command = `kubectl delete ${resourceOf(apiVersion, kind)}${namespace ? ` -n ${namespace}` : ''}`;
    groups.set(command, [...(groups.get(command) ?? []), name]);
  }
  return [...groups].map(([command, names]) => `${command} ${names.join(' ')}`);
}

export interface InventoryInput {
  readonly stage: string;
  /** The stage file, as named in messages (`environments/qa.yaml`). */
  readonly source: string;
  /** Digest of the stage file's bytes. */
  readonly sourceDigest: string;
  readonly compilerVersion: string;
  readonly distDir: string;
  /**
   * What the stage file declares the cluster has (checks.existingNamespaces, checks.existingObjects), for
   * `npm run check -- dist/<stage>` to check the objects as synth did. @default - none
   */
  readonly existing?: { readonly namespaces?: readonly string[]; readonly objects?: readonly string[] };
  /** The API objects of the stage's chart files. */
  readonly objects: readonly InventoryEntry[];
  /** Node files, by path below the stage's directory, with the digest of their content. */
  readonly nodeFiles: readonly { readonly path: string; readonly digest: string }[];
  /**
   * Files for the edge machines (haproxy.cfg), by path below the stage's directory, with their digest.
   * @default []
   */
  readonly edgeFiles?: readonly { readonly path: string; readonly digest: string }[];
}

const HEADER = '# ';

/** The inventory entry of an object whose YAML (as written) has `digest`. */
export function inventoryEntry({ apiVersion, kind, metadata }: KubeObject, digest: string): InventoryEntry {
  return { apiVersion, kind, namespace: metadata.namespace, name: metadata.name ?? '', digest };
}

/** `objects: N`, then one `<digest> <key>` line per object, in key order: the part `parseInventory` reads. */
export function objectLines(entries: readonly InventoryEntry[]): string[] {
  // each key made once, not at every comparison (a stage may have tens of thousands of objects)
  const keyed = sortByCodePoints(
    entries.map((o) => ({ key: entryKey(o), digest: o.digest })),
    (o) => o.key,
  );
  return [`objects: ${keyed.length}`, ...keyed.map((o) => `${o.digest} ${o.key}`)];
}

/** The text of `inventory.txt`: objects in key order, node files by path. */
export function inventoryText(i: InventoryInput): string {
  return (
    [
      `${HEADER}Inventory of stage ${i.stage}: every object in this directory with a digest of its content.`,
      `${HEADER}${generatedLine(i.source)}`,
      `${HEADER}Apply and delete what the stage no longer has: ${pruneCommand(i.stage, i.distDir, i.objects)}`,
      `compiler: ${MANAGED_BY} ${i.compilerVersion}`,
      `source: ${i.source} ${i.sourceDigest}`,
      ...(i.existing?.namespaces?.length ? [`${EXISTING_NAMESPACES}: ${i.existing.namespaces.join(' ')}`] : []),
      ...(i.existing?.objects?.length ? [`${EXISTING_OBJECTS}: ${i.existing.objects.join(' ')}`] : []),
      ...objectLines(i.objects),
      ...(i.nodeFiles.length ? [`node files: ${i.nodeFiles.length}`, ...i.nodeFiles.map((f) => `${f.digest} ${f.path}`)] : []),
      ...(i.edgeFiles?.length ? [`edge files: ${i.edgeFiles.length}`, ...i.edgeFiles.map((f) => `${f.digest} ${f.path}`)] : []),
    ].join('\n') + '\n'
  );
}

/**
 * The stage file an inventory says its output was written from, and the digest of that file's text
 * (its `source:` line, as `inventoryText` writes it); undefined when it has none.
 */
export function inventorySource(text: string): { readonly file: string; readonly digest: string } | undefined {
  const m = /^source: (\S+) (.*)$/m.exec(text);
  return m ? { file: m[1], digest: m[2] } : undefined;
}

/** The objects of an inventory file, by key, with their digests (node and edge files are left out). */
export function parseInventory(text: string): Map<string, string> {
  const objects = new Map<string, string>();
  let inObjects = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('objects: ')) inObjects = true;
    else if (line.startsWith('node files: ') || line.startsWith('edge files: ')) inObjects = false;
    else if (inObjects && line.startsWith('sha256:')) {
      const space = line.indexOf(' ');
      objects.set(line.slice(space + 1), line.slice(0, space));
    }
  }
  return objects;
}

export interface InventoryChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  /**
   * Of `removed`, the objects the stage's new prune command does not delete (`unprunedOf`); only
   * when there are some.
   */
  readonly unpruned?: readonly string[];
  /**
   * The inventory before held git merge conflict markers: it says two things at once, so the
   * objects were not compared with it (the lists are empty); only when so.
   */
  readonly conflicted?: true;
}

/** The changes, with `unpruned` when some of the removed objects are of kinds the new prune command no longer names. */
function withUnpruned(added: string[], changed: string[], removed: string[], after: Iterable<string>): InventoryChanges {
  const changes = { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
  const unpruned = removed.length ? unprunedOf(changes.removed, after) : [];
  return unpruned.length ? { ...changes, unpruned } : changes;
}

/** What changed from one inventory to the next, by object key, each list sorted. */
export function compareInventories(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): InventoryChanges {
  const added: string[] = [];
  const changed: string[] = [];
  for (const [key, d] of after) {
    const old = before.get(key);
    if (old === undefined) added.push(key);
    else if (old !== d) changed.push(key);
  }
  const removed = [...before.keys()].filter((k) => !after.has(k));
  return withUnpruned(added, changed, removed, after.keys());
}

/**
 * What changed from the inventory text `before` to `after`, as `compareInventories` of the two
 * parsed; in one pass over both when each lists its objects as `objectLines` writes them (in key
 * order), without a map of either: a stage of 15,000 objects was parsed twice, by key, at every synth.
 */
export function inventoryChanges(before: string, after: string): InventoryChanges {
  // both sides of the conflict would be read as objects: neither is what dist/ held
  if (hasConflictMarkers(before)) return { added: [], changed: [], removed: [], conflicted: true };
  const a = orderedObjects(before);
  const b = a && orderedObjects(after);
  if (!a || !b) return compareInventories(parseInventory(before), parseInventory(after));
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.keys.length || j < b.keys.length) {
    if (j === b.keys.length || (i < a.keys.length && a.keys[i] < b.keys[j])) removed.push(a.keys[i++]);
    else if (i === a.keys.length || b.keys[j] < a.keys[i]) added.push(b.keys[j++]);
    else {
      if (a.lines[i] !== b.lines[j]) changed.push(b.keys[j]);
      i++;
      j++;
    }
  }
  return withUnpruned(added, changed, removed, b.keys);
}

/**
 * The object lines of an inventory and their keys, when `parseInventory` would read exactly these:
 * the lines after the first `objects:` line, keys strictly increasing (by UTF-16 code unit, the
 * order `inventoryChanges` merges in), up to the end or the node or edge files. Undefined for
 * any other text (edited by hand, or by another tool).
 */
function orderedObjects(text: string): { readonly lines: string[]; readonly keys: string[] } | undefined {
  const all = text.split('\n');
  const start = all.findIndex((l) => l.startsWith('objects: '));
  if (start < 0) return { lines: [], keys: [] };
  const lines: string[] = [];
  const keys: string[] = [];
  let i = start + 1;
  for (; i < all.length && all[i].startsWith('sha256:'); i++) {
    const line = all[i];
    const key = line.slice(line.indexOf(' ') + 1);
    if (keys.length > 0 && !(keys[keys.length - 1] < key)) return undefined;
    lines.push(line);
    keys.push(key);
  }
  const next = all[i];
  const ends =
    next === undefined || (next === '' && i === all.length - 1) || next.startsWith('node files: ') || next.startsWith('edge files: ');
  return ends && !all.slice(i).some((l) => l.startsWith('objects: ')) ? { lines, keys } : undefined;
}

/** Whether the objects were compared and none was added, changed or removed (the rest of the inventory may differ: its source's digest). */
export function objectsUnchanged(changes: InventoryChanges | undefined): boolean {
  return changes !== undefined && !changes.conflicted && changes.added.length + changes.changed.length + changes.removed.length === 0;
}

/** `1 added, 2 changed, 0 removed`, or `unchanged`, or what could not be compared. */
export function changeSummary(changes: InventoryChanges): string {
  const { added, changed, removed, conflicted } = changes;
  if (conflicted) return `objects not compared: the ${INVENTORY_FILE} there held git merge conflict markers`;
  return objectsUnchanged(changes) ? 'unchanged' : `${added.length} added, ${changed.length} changed, ${removed.length} removed`;
}

/** Objects listed per stage in the summary; a larger change is counted, not listed in full. */
export const LISTED_CHANGES = 10;

/** One line per changed object (`added: Deployment qa/demoapp`), at most `LISTED_CHANGES`. */
export function changeLines({ added, changed, removed, unpruned = [] }: InventoryChanges): string[] {
  // the key starts with the apiVersion, which the kind and name already make plain
  const lines = [
    ...added.map((k) => `added: ${k.slice(k.indexOf(' ') + 1)}`),
    ...changed.map((k) => `changed: ${k.slice(k.indexOf(' ') + 1)}`),
    ...removed.map((k) => `removed: ${k.slice(k.indexOf(' ') + 1)}`),
  ];
  const listed =
    lines.length > LISTED_CHANGES ? [...lines.slice(0, LISTED_CHANGES), `... and ${lines.length - LISTED_CHANGES} more`] : lines;
  // never cut: without them, these objects stay in the cluster
  const kinds = [...new Set(unpruned.map((k) => keyParts(k).kind))].join(', ');
  return unpruned.length
    ? [
        ...listed,
        `the prune command no longer names ${kinds}, so it will not delete the removed ones; delete them with:`,
        ...deleteByName(unpruned).map((c) => `  ${c}`),
      ]
    : listed;
}
