/**
 * The inventory of a stage's output: `dist/<stage>/inventory.txt`, one line per object with a
 * digest of its content, plus the compiler version and the digest of the stage file. A commit's
 * diff of this file says at a glance which objects it adds, changes or removes. Pure.
 *
 * The file is text, not YAML, on purpose: `kubectl apply -f dist/<stage>` reads every `.yaml`,
 * `.yml` and `.json` file of the directory and would take an inventory in YAML for a manifest.
 */
import { STAGE_LABEL, MANAGED_BY } from '../transforms/labels.js';
import { PRUNE_ALLOWLIST, allowlistEntry, inKindTable, sortAllowlist } from '../model/kinds.js';
import { sortByCodePoints } from '../model/order.js';
import type { KubeObject } from '../model/object.js';
import { sha256Hex } from '../model/sha256.js';
import { INVENTORY_FILE, generatedLine } from './disk.js';

export { INVENTORY_FILE };

/** The inventory line naming namespaces its objects expect to exist (`existing namespaces: argocd`). */
export const EXISTING_NAMESPACES = 'existing namespaces';

/** The inventory line naming the stores and issuers its objects expect to exist (`existing objects: ClusterSecretStore/vault`). */
export const EXISTING_OBJECTS = 'existing objects';

/**
 * The words of an inventory's line `<label>: a, b` (its first), none without one; read as a hand may
 * have left it: a carriage return at its end (checked out with git's core.autocrlf), tabs between words.
 */
function listLine(text: string, label: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`${label}:`));
  return line
    ? line
        .slice(label.length + 1)
        .split(/[\s,]+/)
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
export function stageSelector(stage: string): string {
  return `${STAGE_LABEL}=${stage},app.kubernetes.io/managed-by=${MANAGED_BY}`;
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
