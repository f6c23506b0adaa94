/**
 * What a synthesis says of an engine's directory of `dist/delivery/` that changed, which the engine
 * does not apply itself: what changed, and when to apply it, before the stages are pushed or, for an
 * AppProject that no longer permits what a stage's live objects are, once Argo CD has pruned them
 * (`argocdOrder`, lib/delivery/project-order.ts).
 */
import { DELIVERY_DIR } from '../delivery/index.js';
import { ARGOCD_NAMESPACE } from '../delivery/argocd.js';
import { projectOrder, type KeptStage, type ProjectOrder } from '../delivery/project-order.js';
import { sameCluster } from '../delivery/target.js';
import { type Engine, engineName } from '../model/engines.js';
import type { FileTree } from '../synth/file-content.js';
import { INVENTORY_FILE, digest, entryKey } from '../synth/inventory.js';
import { changeLines, changeSummary, inventoryChanges, objectsUnchanged } from '../synth/inventory-changes.js';
import { compareCodePoints } from '../model/order.js';
import { appProjectIn, documentsOf, objectsIn, targetsIn, type DeliveryOnDisk, type PlacedObject } from './delivery-on-disk.js';
import type { Problem } from '../errors.js';
import { andList } from '../model/limits.js';
import { DIST_DIR } from './project.js';

/**
 * What the new AppProject (of `delivery`, the new dist/delivery/) gains on the one `onDisk` holds,
 * and what it no longer permits of the live objects of the stages Argo CD applies to the same
 * cluster before and after (`projectOrder`).
 */
export function argocdOrder(onDisk: DeliveryOnDisk, delivery: FileTree | undefined): ProjectOrder | undefined {
  const files = objectsIn(new Map([...(delivery ?? [])].filter(([path]) => path.startsWith('argocd/'))));
  const kept = [...targetsIn(files)].flatMap(([key, target]): KeptStage[] => {
    const was = onDisk.targets.get(key);
    const inventory = onDisk.inventories.get(target.stage);
    return was && sameCluster(was, target) === 'same' && inventory !== undefined ? [{ target, inventory }] : [];
  });
  return projectOrder(onDisk.appProject, appProjectIn(files), kept);
}

/**
 * What a synthesis says of an engine's directory when its objects are not those of its inventory as
 * it was (`before`; undefined: new), under the line that counts them: what changed, and when to
 * apply it. The engines never apply dist/delivery/ themselves, so until its command runs the cluster
 * keeps the old objects: an AppProject without a kind a stage now has refuses that stage's sync, a
 * moved stage stays where it was; so it is applied before the stages are pushed. But an AppProject
 * that no longer permits what a stage's live objects are (`order`: `argocdOrder`) makes Argo CD
 * blind to them, so it is applied once the push has pruned them, and what it gains is given to the
 * AppProject in the cluster first. Said once (never replayed).
 */
export function deliveryChanges(engine: Engine, before: string | undefined, after: string, order?: ProjectOrder): string {
  const changes = before === undefined ? undefined : inventoryChanges(before, after);
  if (changes && objectsUnchanged(changes)) return '';
  const dir = `${DIST_DIR}/${DELIVERY_DIR}/${engine}`;
  const name = engineName(engine);
  const apply = `apply it to the cluster ${name} runs in`;
  const command = `with the command on the third line of ${dir}/${INVENTORY_FILE}`;
  const itself = `${name} does not apply ${DIST_DIR}/${DELIVERY_DIR}/ itself`;
  const losses = order?.losses ?? [];
  const lines = [
    `${DELIVERY_DIR}: ${dir}/ ${changes ? `changed (${changeSummary(changes)})` : 'is new'}`,
    ...(changes ? changeLines(changes) : []).map((l) => `  ${l}`),
    ...(losses.length === 0
      ? [
          `  ${itself}: ${apply} before pushing the stages, ${command}` +
            (engine === 'argocd' ? ' (an AppProject that lacks a kind a stage now has refuses its sync)' : ''),
        ]
      : [
          `  ${itself}, and its AppProject ${order!.name} no longer permits what live objects of ${losses.map((l) => `${l.application} are (${l.what.join(', ')})`).join(' and of ')}: ` +
            'Argo CD leaves the objects its project does not permit out of its comparison, so applied before the stages are pushed, it would never prune them',
          ...(order!.union
            ? [
                `  first, before pushing the stages, give the AppProject in the cluster ${name} runs in what it gains while keeping what it loses: kubectl patch appproject.argoproj.io -n ${ARGOCD_NAMESPACE} ${order!.name} --type merge -p '${order!.union}'`,
              ]
            : []),
          `  ${order!.union ? 'then push' : 'push'} the stages; once Argo CD has synced that commit and pruned those objects (argocd app sync ${losses.map((l) => l.application).join(' ')} --prune does it at once), ${apply}, ${command}`,
        ]),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The files of `dist/delivery/` edited since stagecraft wrote them (`DeliveryOnDisk.edited`,
 * `editedKustomizations`: an object's document edited, added or deleted, the file itself deleted,
 * its kustomization edited or deleted) that a synthesis wrote again (`delivery`: the new
 * dist/delivery/): the edit is undone, as a stage's generated file edited by hand is, and said once,
 * since the engine objects so edited may be applied (a sync policy paused by hand in the file, an
 * Application deleted, or left out of the kustomization, which the apply command's --prune then
 * deletes): the cluster keeps the edit until the directory is applied again. A file the new output
 * leaves as edited, or removes, is not said, nor an object deleted that it no longer writes.
 */
export function handEdits(onDisk: DeliveryOnDisk, delivery: FileTree | undefined): Problem[] {
  const edited = new Map<string, string[]>();
  const added = new Map<string, string[]>();
  const deleted = new Map<string, string[]>();
  const add = (to: Map<string, string[]>, path: string, object: string) => to.set(path, [...(to.get(path) ?? []), object]);
  // the file the new output writes an object deleted in, by its key
  const written = onDisk.edited.some((e) => e.deleted) ? writtenIn(delivery) : new Map<string, string>();
  const moved = movedObjects(onDisk.placed, delivery);
  for (const { path, object, deleted: key, added: unrecorded } of onDisk.edited) {
    if (unrecorded) add(added, path, object);
    // one moved into the file with the comment lines heading the one it came from is said as moved, not edited
    else if (key === undefined) {
      if (!moved.get(path)?.some((m) => m.object === object)) add(edited, path, object);
    } else if (written.has(`${path}/${key}`)) add(deleted, written.get(`${path}/${key}`)!, object);
  }
  const kustomizations = new Map(onDisk.editedKustomizations.map(({ path, how }) => [path, how]));
  return [...new Set([...edited.keys(), ...added.keys(), ...deleted.keys(), ...moved.keys(), ...kustomizations.keys()])]
    .sort(compareCodePoints)
    .flatMap((path): Problem[] => {
      const now = delivery?.get(path);
      const was = onDisk.tree.get(path);
      if (now === undefined || now === was) return [];
      const dir = `${DIST_DIR}/${DELIVERY_DIR}/${path.split('/')[0]}`;
      const inventory = `${dir}/${INVENTORY_FILE}`;
      const file = `${DIST_DIR}/${DELIVERY_DIR}/${path}`;
      const how = kustomizations.get(path);
      const gone = deleted.get(path) ?? [];
      const moves = moved.get(path) ?? [];
      // objects moved into the file from another, and nothing else done to it: the same objects, in other files
      const moving = how === undefined && !edited.has(path) && !added.has(path) && !gone.length && moves.length > 0;
      // an object deleted, or its whole file, with none edited: what the cluster keeps is the delete of the apply's --prune
      const deletion = how === 'deleted' || (how === undefined && !edited.has(path) && !added.has(path) && !moving);
      const what =
        how === 'deleted'
          ? 'the file was deleted since stagecraft wrote it'
          : how === 'edited'
            ? `the file was edited since stagecraft wrote it (it is not the kustomization of the files of the objects ${inventory} records, as stagecraft writes it)`
            : [
                ...(moving ? [] : [editsSaid(edited.get(path) ?? [], added.get(path) ?? [], gone, was === undefined, inventory)]),
                ...moves.map(({ object, from, copied }) =>
                  from === path
                    ? `${object} was copied within the file, which holds it twice`
                    : copied
                      ? `${object} was copied into the file from ${DIST_DIR}/${DELIVERY_DIR}/${from}, which holds it as stagecraft wrote it there`
                      : `${object} was moved into the file from ${DIST_DIR}/${DELIVERY_DIR}/${from}, where stagecraft writes it`,
                ),
              ].join('; ');
      const them = gone.length === 1 ? 'it' : 'them';
      // without its kustomization, kubectl apply -k of the directory applies nothing; an object twice in it, neither
      const copies = moves.filter((m) => m.copied).length;
      const cluster =
        how === 'deleted'
          ? ''
          : moving
            ? copies
              ? `; kubectl apply -k of ${dir} refuses an object it reads twice, so it applied nothing while the copy was there`
              : ''
            : deletion
              ? `; if ${dir} was applied without ${them}, the prune of its apply command deleted ${them} from the cluster, until ${dir} is applied again, with the command on the third line of ${inventory}`
              : `; if the edited file was applied, the cluster keeps the edit until ${dir} is applied again, with the command on the third line of ${inventory}`;
      return [
        {
          code: 'delivery/hand-edit',
          severity: 'warning',
          subject: file,
          message: `${what}, and the file is written again as the stage files' delivery: settings and stagecraft.yaml say: the ${deletion ? 'deletion' : moving ? (copies ? 'copy' : 'move') : 'edit'} is undone`,
          hint: moving
            ? `nothing to do: stagecraft writes each stage's objects in its own file, and the objects are the same (git diff ${file} shows the ${copies ? 'copy' : 'move'} undone, if it was committed); to change one, change those settings, then run npm run synth${cluster}`
            : `make a lasting change in those settings, then run npm run synth (git diff ${file} shows it undone, if it was committed)${cluster}`,
        },
      ];
    });
}

/** What was done to one file of objects: its `edited`, `added` and `deleted` objects, or the file deleted with them (`gone`). */
function editsSaid(
  edited: readonly string[],
  added: readonly string[],
  deleted: readonly string[],
  gone: boolean,
  inventory: string,
): string {
  const them = (list: readonly string[]) => (list.length === 1 ? 'it' : 'them');
  const was = (list: readonly string[]) => (list.length === 1 ? 'was' : 'were');
  if (gone) return `the file was deleted since stagecraft wrote it, with ${andList(deleted)} (${inventory} records ${them(deleted)})`;
  // an object the inventory does not record: added to the file, or renamed there (added, and its old name deleted)
  if (added.length && !edited.length && !deleted.length)
    return `${andList(added)} ${was(added)} added to the file since stagecraft wrote it (${inventory} records ${added.length === 1 ? 'no such object' : 'none of them'})`;
  if (added.length) {
    const done = [
      ...(edited.length ? [`${andList(edited)} edited`] : []),
      `${andList(added)} added`,
      ...(deleted.length ? [`${andList(deleted)} deleted`] : []),
    ];
    const records = [
      ...(edited.length ? ['another digest of what was edited'] : []),
      ...(deleted.length ? ['what was deleted'] : []),
      'nothing of what was added',
    ];
    return `${andList(done)} in the file since stagecraft wrote it (${inventory} records ${andList(records)})`;
  }
  if (deleted.length === 0)
    return `${andList(edited)} ${was(edited)} edited since stagecraft wrote ${them(edited)} (${inventory} records another digest)`;
  if (edited.length === 0)
    return `${andList(deleted)} ${was(deleted)} deleted from the file since stagecraft wrote ${them(deleted)} (${inventory} records ${them(deleted)})`;
  return `${andList(edited)} ${was(edited)} edited, and ${andList(deleted)} deleted from the file, since stagecraft wrote them (${inventory} records them as written)`;
}

/** An object of `dist/delivery/` as stagecraft wrote it, found in another file than the one stagecraft writes it in, or twice in that one. */
interface MovedObject {
  /** The object (`Application argocd/stagecraft-qa`). */
  readonly object: string;
  /** The file stagecraft writes it in, by path below `dist/delivery/`. */
  readonly from: string;
  /** Whether that file holds it too (a copy, which kubectl apply -k refuses; `from` the file itself when it holds it twice), or not (a move). */
  readonly copied: boolean;
}

/**
 * The objects of `placed` (each document of `dist/delivery/` as stagecraft wrote it, `handEditsIn`)
 * that a file holds which the new output (`delivery`) does not write them in, by that file: moved or
 * copied there by hand (an Application cut from one stage's file and pasted into another's), with
 * the file the new output writes them in. Found by the digest of each document, which the new
 * output writes in the same bytes while its object is unchanged (without parsing the new files
 * again); an object the new output changes too is not found so, nor one edited after it was moved
 * (said as edited in the file). One twice in the file the new output writes it in is a copy too.
 */
function movedObjects(placed: readonly PlacedObject[], delivery: FileTree | undefined): Map<string, MovedObject[]> {
  const moved = new Map<string, MovedObject[]>();
  if (!placed.length || delivery === undefined) return moved;
  // the file of each document the new output writes, by its digest
  const writtenAt = new Map<string, string>();
  for (const [path, text] of delivery) {
    if (!path.endsWith('.yaml')) continue;
    for (const document of documentsOf(text)) writtenAt.set(digest(document), path);
  }
  const at = new Set(placed.map(({ path, digest }) => `${path}\0${digest}`));
  // the objects found once so far in the file stagecraft writes them in, and those said twice there
  const once = new Set<string>();
  const twice = new Set<string>();
  const add = (path: string, found: MovedObject) => moved.set(path, [...(moved.get(path) ?? []), found]);
  for (const { path, object, digest } of placed) {
    const from = writtenAt.get(digest);
    if (from === undefined) continue;
    const here = `${path}\0${digest}`;
    if (from !== path) add(path, { object, from, copied: at.has(`${from}\0${digest}`) });
    else if (!once.has(here)) once.add(here);
    else if (!twice.has(here)) {
      twice.add(here);
      add(path, { object, from, copied: true });
    }
  }
  return moved;
}

/** The file (by path below `dist/delivery/`) of each object of `delivery`, by `<engine>/<inventory key>`. */
function writtenIn(delivery: FileTree | undefined): Map<string, string> {
  const files = new Map<string, string>();
  for (const { file, objects } of objectsIn(new Map([...(delivery ?? [])].filter(([path]) => path.endsWith('.yaml'))))) {
    const path = file.slice(`${DIST_DIR}/${DELIVERY_DIR}/`.length);
    for (const o of objects) {
      const { apiVersion, kind, metadata } = o as { apiVersion: string; kind: string; metadata: { namespace?: string; name: string } };
      files.set(`${path.split('/')[0]}/${entryKey({ apiVersion, kind, namespace: metadata.namespace, name: metadata.name })}`, path);
    }
  }
  return files;
}
