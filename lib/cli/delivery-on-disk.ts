/**
 * `dist/delivery/` as a synthesis finds it before replacing it, read once: the objects of each of its
 * files, where each stage is applied (`deliveryTargets`), the AppProject of argocd/, and the Flux
 * Kustomizations that, as applied from flux/, would take their stage's objects with them when
 * deleted. What lib/cli/delivery-left.ts, delivery-moves.ts and delivery-changes.ts compare with the
 * new one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_NAMESPACE } from '../delivery/argocd.js';
import { DELIVERY_DIR } from '../delivery/index.js';
import { deletingKustomizations, type DeletingKustomization } from '../delivery/orphan.js';
import { clonedRepositories, targetOf, type StageTarget } from '../delivery/target.js';
import { manifestsOf } from '../diff/objects.js';
import { ProblemsError } from '../errors.js';
import { MAX_GENERATED_BYTES, readRegularFile } from '../synth/disk.js';
import type { FileTree } from '../synth/file-content.js';
import { INVENTORY_FILE, digest, entryKey, parseInventory } from '../synth/inventory.js';
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
    return { applied: [], applications: [], targets: new Map(), inventories, tree: new Map(), edited: [] };
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
    edited: editedObjects(tree),
  };
}

/** An object of `dist/delivery/` that is not as stagecraft wrote it (`editedObjects`). */
export interface EditedObject {
  /** Its file, by path below `dist/delivery/` (`argocd/10-qa.yaml`). */
  readonly path: string;
  /** The object (`Application argocd/stagecraft-qa`). */
  readonly object: string;
}

/**
 * The objects of `tree` (`dist/delivery/` as it is) edited since stagecraft wrote them: each
 * document of an engine's file whose digest is not the one its directory's inventory records for
 * that object (inventory.txt holds the digest of each object's YAML as written), or that it does not
 * list. A directory without an inventory, or whose files do not read as YAML, is passed over.
 */
export function editedObjects(tree: FileTree): EditedObject[] {
  const edited: EditedObject[] = [];
  // each directory's inventory parsed once, not once per file (1,000 delivered stages: 0.66-0.99 s)
  const inventories = new Map<string, ReturnType<typeof parseInventory> | undefined>();
  for (const [path, text] of tree) {
    const slash = path.indexOf('/');
    if (slash < 0 || !path.endsWith('.yaml')) continue;
    const dir = path.slice(0, slash);
    if (!inventories.has(dir)) {
      const inventory = tree.get(`${dir}/${INVENTORY_FILE}`);
      inventories.set(dir, inventory === undefined ? undefined : parseInventory(inventory));
    }
    const recorded = inventories.get(dir);
    if (recorded === undefined) continue;
    // the documents as serializeObjects joins them, after the header's comment lines
    const stream = text.replace(/^(?:#.*\n)*/, '');
    for (const [i, document] of stream.split(/^---\n/m).entries()) {
      const [object] = objectsIn(new Map([[path, document]]))[0]?.objects ?? [];
      const { apiVersion, kind, metadata } = (object ?? {}) as {
        apiVersion?: unknown;
        kind?: unknown;
        metadata?: { namespace?: unknown; name?: unknown };
      };
      // no object to name (edited into no YAML, or without its name): the file's document, by its place
      if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof metadata?.name !== 'string') {
        edited.push({ path, object: `its document ${i + 1}` });
        continue;
      }
      const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
      const key = entryKey({ apiVersion, kind, namespace, name: metadata.name });
      if (recorded.get(key) !== digest(document))
        edited.push({ path, object: `${kind} ${namespace ? `${namespace}/` : ''}${metadata.name}` });
    }
  }
  return edited;
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
  /** Its objects edited since stagecraft wrote them (`editedObjects`). */
  readonly edited: readonly EditedObject[];
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
