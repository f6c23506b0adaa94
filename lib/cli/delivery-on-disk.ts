/**
 * `dist/delivery/` as a synthesis finds it before replacing it, read once: the objects of each of its
 * files, where each stage is applied (`deliveryTargets`), the AppProject of argocd/, and the Flux
 * Kustomizations that, as applied from flux/, would take their stage's objects with them when
 * deleted. What lib/cli/delivery-left.ts, delivery-moves.ts and delivery-changes.ts compare with the
 * new one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ARGOCD_NAMESPACE } from '../delivery/argocd.js';
import { DELIVERY_DIR, deliveryKustomization } from '../delivery/index.js';
import { deletingKustomizations, type DeletingKustomization } from '../delivery/orphan.js';
import { clonedRepositories, targetOf, type StageTarget } from '../delivery/target.js';
import { manifestsOf } from '../diff/manifests.js';
import { ProblemsError } from '../errors.js';
import { MAX_GENERATED_BYTES, readRegularFile } from '../synth/disk.js';
import type { FileTree } from '../synth/file-content.js';
import { INVENTORY_FILE, digest, entryKey, keyParts, parseInventory } from '../synth/inventory.js';
import { KUSTOMIZATION_FILE } from '../synth/output.js';
import { compareCodePoints } from '../model/order.js';
import { DIST_DIR, readStageTree, type Project } from './project.js';

/**
 * The objects of each file of `tree` (files of `dist/delivery/` by path), with the file's path
 * from the project root. A file that cannot be read as YAML (a merge conflict) is
 * passed over: its objects are said nothing of.
 */
export function objectsIn(tree: FileTree): { file: string; objects: unknown[] }[] {
  const dir = `${DIST_DIR}/${DELIVERY_DIR}`;
  return [...tree].flatMap(([path, text]) => {
    try {
      return [{ file: `${dir}/${path}`, objects: manifestsOf(new Map([[path, text]]), dir).map((m) => m.value) }];
    } catch (e) {
      if (e instanceof ProblemsError) return [];
      throw e;
    }
  });
}

/** The objects of each file of `dist/delivery/`, with the file's path from the project root (`objectsIn`). */
export type DeliveryFiles = readonly { readonly file: string; readonly objects: unknown[] }[];

/** The Kustomizations of `files` (`objectsIn`) whose deletion makes Flux delete what they applied. */
export function deletingIn(files: DeliveryFiles): DeletingKustomization[] {
  const flux = `${DIST_DIR}/${DELIVERY_DIR}/flux/`;
  return files.flatMap(({ file, objects }) => (file.startsWith(flux) ? deletingKustomizations(objects, file) : []));
}

/**
 * `dist/delivery/` as it is, read once before a synthesis replaces it: the Kustomizations applied
 * from its flux/ that would take their stage's objects with them when deleted (what the cluster runs
 * when they were applied from these files), where it applies each stage (`deliveryTargets`), and
 * the inventory of each of those stages as it is (what `clusterMoves` says the old cluster keeps).
 */
export function deliveryOnDisk(project: Project): DeliveryOnDisk {
  const inventories = new Map<string, string>();
  if (!existsSync(join(project.root, DIST_DIR, DELIVERY_DIR)))
    return {
      applied: [],
      applications: [],
      targets: new Map(),
      inventories,
      tree: new Map(),
      edited: [],
      editedKustomizations: [],
      placed: [],
    };
  const tree = readStageTree(project, DELIVERY_DIR);
  const files = objectsIn(tree);
  const targets = targetsIn(files);
  for (const { stage } of targets.values()) {
    try {
      inventories.set(stage, readRegularFile(join(project.root, DIST_DIR, stage, INVENTORY_FILE), MAX_GENERATED_BYTES));
    } catch {
      // no inventory to read (the stage's output is gone): the warning names the stage's label instead of a command
    }
  }
  return {
    applied: deletingIn(files),
    applications: applicationsIn(files),
    targets,
    inventories,
    appProject: appProjectIn(files),
    tree,
    ...editedFields(handEditsIn(tree)),
  };
}

/** `handEditsIn` as the fields of `DeliveryOnDisk`. */
const editedFields = ({ objects, kustomizations, placed }: ReturnType<typeof handEditsIn>) => ({
  edited: objects,
  editedKustomizations: kustomizations,
  placed,
});

/** A document of a file of `dist/delivery/` as stagecraft wrote it (its digest the one its inventory records), wherever it is. */
export interface PlacedObject {
  /** The file holding it, by path below `dist/delivery/` (`argocd/10-production.yaml`). */
  readonly path: string;
  /** The object (`Application argocd/stagecraft-qa`). */
  readonly object: string;
  /** The digest of its document (`sha256:...`), as the inventory records it. */
  readonly digest: string;
}

/** The documents of a file of `dist/delivery/` as stagecraft joins them (`serializeObjects`), after the header's comment lines. */
export const documentsOf = (text: string): string[] => text.replace(/^(?:#.*\n)*/, '').split(/^---\n/m);

/** An object of `dist/delivery/` that is not as stagecraft wrote it (`handEditsIn`). */
export interface EditedObject {
  /** Its file, by path below `dist/delivery/` (`argocd/10-qa.yaml`); of an object deleted, its directory (`argocd`). */
  readonly path: string;
  /** The object (`Application argocd/stagecraft-qa`). */
  readonly object: string;
  /** Of an object deleted (in none of its directory's files): its inventory key, which finds the file written again. */
  readonly deleted?: string;
  /** Of an object the inventory does not record: added to the file, or named otherwise (renamed) in it. */
  readonly added?: true;
}

/** A kustomization of `dist/delivery/` that is not as stagecraft wrote it (`handEditsIn`). */
export interface EditedKustomization {
  /** By path below `dist/delivery/` (`argocd/Kustomization`). */
  readonly path: string;
  readonly how: 'edited' | 'deleted';
}

/**
 * What of `tree` (`dist/delivery/` as it is) was edited since stagecraft wrote it, read in one pass:
 * - `objects`: each document of an engine's file whose digest is not the one its directory's
 *   inventory records for that object (inventory.txt holds the digest of each object's YAML as
 *   written), or that it does not list; and each object the inventory lists that none of the
 *   directory's files holds (its document or its whole file deleted), unless a document there no
 *   longer reads as an object (it may be that one, edited);
 * - `kustomizations`: each directory's kustomization deleted, or not the one stagecraft writes
 *   (`deliveryKustomization`) for the files that hold the objects its inventory records (and, while
 *   one of those objects is in no file, the other files it lists, which may have held it): a resource
 *   left out, which `kubectl apply -k --prune` then deletes from the cluster, one added (a file
 *   stagecraft did not write, which the kustomization written again no longer applies), a patch or a
 *   comment added;
 * - `placed`: each document of an object its directory's inventory records as written, with the
 *   file that holds it, which may be another than stagecraft wrote it in (a document moved by hand);
 *   one headed by comment lines, as written below them, too (among `objects` as well: a comment
 *   added in its own file is an edit).
 * A directory without an inventory is passed over.
 */
export function handEditsIn(tree: FileTree): { objects: EditedObject[]; kustomizations: EditedKustomization[]; placed: PlacedObject[] } {
  const objects: EditedObject[] = [];
  const placed: PlacedObject[] = [];
  // each directory's inventory parsed once, not once per file (1,000 delivered stages: 0.66-0.99 s)
  const directories = new Map<string, { recorded: Map<string, string>; found: Set<string>; holding: Set<string>; unread: boolean }>();
  for (const [path, text] of tree) {
    if (!path.endsWith(`/${INVENTORY_FILE}`) || path.indexOf('/') !== path.lastIndexOf('/')) continue;
    directories.set(path.split('/')[0], { recorded: parseInventory(text), found: new Set(), holding: new Set(), unread: false });
  }
  for (const [path, text] of tree) {
    const slash = path.indexOf('/');
    const directory = slash < 0 || !path.endsWith('.yaml') ? undefined : directories.get(path.slice(0, slash));
    if (directory === undefined) continue;
    const documents = documentsOf(text);
    for (const [i, document] of documents.entries()) {
      // a document of comments and blank lines alone holds no object: one whose object was deleted
      if (/^(?:[ \t]*(?:#.*)?(?:\n|$))*$/.test(document)) continue;
      const key = keyOf(path, document);
      // no object to name (edited into no YAML, or without its name): the file's document, by its place
      if (key === undefined) {
        objects.push({ path, object: `its document ${i + 1}` });
        directory.unread = true;
        continue;
      }
      directory.found.add(key);
      const recorded = directory.recorded.get(key);
      if (recorded !== undefined) directory.holding.add(path.slice(slash + 1));
      const written = digest(document);
      if (recorded === written) {
        placed.push({ path, object: keyName(key), digest: written });
        continue;
      }
      objects.push({ path, object: keyName(key), ...(recorded === undefined ? { added: true } : {}) });
      // pasted with the comment lines heading the file it was cut from (cat 10-qa.yaml >> 10-production.yaml): as
      // written but those, placed too; `handEdits` says it as moved when it is in another file than stagecraft writes it in
      const bare = recorded === undefined ? document : document.replace(/^(?:#.*\n)+/, '');
      if (bare !== document && digest(bare) === recorded) placed.push({ path, object: keyName(key), digest: recorded });
    }
  }
  const kustomizations: EditedKustomization[] = [];
  for (const [dir, { recorded, found, holding, unread }] of directories) {
    const lost = unread ? [] : [...recorded.keys()].filter((key) => !found.has(key));
    // an object no document names may be one that no longer reads: deleted only when every document does
    for (const key of lost) objects.push({ path: dir, object: keyName(key), deleted: key });
    const path = `${dir}/${KUSTOMIZATION_FILE}`;
    const text = tree.get(path);
    if (text === undefined) {
      kustomizations.push({ path, how: 'deleted' });
      continue;
    }
    // while an object the inventory records is in no file (deleted, renamed, or no longer read), the files the
    // kustomization lists may be those that held it, as stagecraft listed them (gone, or left holding none of its
    // objects); else any file it lists beside those holding them was added by hand (`kubectl apply -k` reads it)
    const listed = unread || lost.length ? listedResources(text) : [];
    const resources = [...new Set([...holding, ...listed])].sort(compareCodePoints);
    // the second line of the inventory is the comment the kustomization starts with
    const header = tree.get(`${dir}/${INVENTORY_FILE}`)!.split('\n')[1] ?? '';
    if (text !== deliveryKustomization(header, resources)) kustomizations.push({ path, how: 'edited' });
  }
  return { objects, kustomizations, placed };
}

/** The objects of `tree` (`dist/delivery/` as it is) edited or deleted since stagecraft wrote them (`handEditsIn`). */
export const editedObjects = (tree: FileTree): EditedObject[] => handEditsIn(tree).objects;

/** The inventory key of the object of one `document` of the file `path`; undefined when it names none. */
function keyOf(path: string, document: string): string | undefined {
  const [object] = objectsIn(new Map([[path, document]]))[0]?.objects ?? [];
  const { apiVersion, kind, metadata } = (object ?? {}) as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { namespace?: unknown; name?: unknown };
  };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof metadata?.name !== 'string') return undefined;
  return entryKey({
    apiVersion,
    kind,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    name: metadata.name,
  });
}

/** An object by its inventory key, as messages name it (`Application argocd/stagecraft-qa`). */
function keyName(key: string): string {
  const { kind, namespace, name } = keyParts(key);
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The files a kustomization lists under `resources`; none when it does not read as one. */
function listedResources(text: string): string[] {
  try {
    const resources = (parse(text) as { resources?: unknown } | null)?.resources;
    return Array.isArray(resources) ? resources.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/** `dist/delivery/` as it was (`deliveryOnDisk`). */
export interface DeliveryOnDisk {
  readonly applied: DeletingKustomization[];
  /** The Applications of argocd/, each of which a finalizer added by hand may have take its stage with it when deleted. */
  readonly applications: AppliedApplication[];
  readonly targets: Map<string, StageTarget>;
  readonly inventories: Map<string, string>;
  /** The AppProject of argocd/. */
  readonly appProject?: unknown;
  /** The files as read (by path below `dist/delivery/`). */
  readonly tree: FileTree;
  /** Its objects edited or deleted since stagecraft wrote them (`handEditsIn`). */
  readonly edited: readonly EditedObject[];
  /** Its kustomizations edited or deleted since stagecraft wrote them (`handEditsIn`). */
  readonly editedKustomizations: readonly EditedKustomization[];
  /** Its objects as stagecraft wrote them, in whichever file holds each (`handEditsIn`): one moved to another file is among them. */
  readonly placed: readonly PlacedObject[];
}

/** An Application of dist/delivery/argocd/ as it was: its name and namespace, and the stage it applies. */
export interface AppliedApplication {
  readonly name: string;
  readonly namespace: string;
  readonly stage: string;
}

/** The Applications of the argocd/ files of `files` (`objectsIn`) that apply a stage (`targetOf`). */
export function applicationsIn(files: DeliveryFiles): AppliedApplication[] {
  const argocd = `${DIST_DIR}/${DELIVERY_DIR}/argocd/`;
  return files.flatMap(({ file, objects }) =>
    file.startsWith(argocd)
      ? objects.flatMap((o) => {
          const stage = (o as { kind?: unknown })?.kind === 'Application' ? targetOf(o)?.stage : undefined;
          const metadata = (o as { metadata?: { name?: string; namespace?: string } }).metadata;
          return stage === undefined ? [] : [{ name: metadata?.name ?? '', namespace: metadata?.namespace ?? ARGOCD_NAMESPACE, stage }];
        })
      : [],
  );
}

/** The AppProject of the argocd/ files of `files` (`objectsIn`). */
export function appProjectIn(files: DeliveryFiles): unknown {
  const argocd = `${DIST_DIR}/${DELIVERY_DIR}/argocd/`;
  return files
    .flatMap(({ file, objects }) => (file.startsWith(argocd) ? objects : []))
    .find((o) => (o as { kind?: unknown })?.kind === 'AppProject');
}

/** Where each stage of `files` (`objectsIn`) is applied, and from which repository, by `<engine>/<stage>`. */
export function targetsIn(files: DeliveryFiles): Map<string, StageTarget> {
  const targets = new Map<string, StageTarget>();
  // a Kustomization's GitRepository may be in another file of the directory (00-<project>.yaml)
  const repositories = clonedRepositories(files.flatMap((f) => f.objects));
  for (const { file, objects } of files) {
    const engine = file.slice(`${DIST_DIR}/${DELIVERY_DIR}/`.length).split('/')[0];
    for (const t of objects.flatMap((o) => targetOf(o, repositories) ?? [])) targets.set(`${engine}/${t.stage}`, t);
  }
  return targets;
}

/** Where each stage of `tree` (files of `dist/delivery/` by path) is applied, by `<engine>/<stage>`. */
export const deliveryTargets = (tree: FileTree): Map<string, StageTarget> => targetsIn(objectsIn(tree));
