/**
 * What a synthesis says about the delivery objects it stops writing, which stay at work in the
 * engine's cluster: the commands that delete an engine's objects once it delivers no stage any more
 * or once the project is renamed, what goes first when a delivered stage is removed, the Flux
 * Kustomizations that, as an older stagecraft wrote them (no `deletionPolicy: Orphan`), would make
 * Flux delete their stage's objects when they are deleted or pruned, and the Argo CD Applications
 * pruned while their stage stays, which a finalizer added by hand would have take it with them
 * (lib/delivery/orphan.ts).
 */
import { DELIVERY_DIR, DELIVERY_LABEL, deliveryDeleteCommands, deliveryProjectOf } from '../delivery/index.js';
import { RESOURCES_FINALIZER, applicationOrphanCommand, orphanCommand, type DeletingKustomization } from '../delivery/orphan.js';
import type { StageTarget } from '../delivery/target.js';
import type { Problem } from '../errors.js';
import { ARGOCD_NAMESPACE } from '../delivery/argocd.js';
import { ENGINES, type Engine, engineName } from '../model/engines.js';
import { andList } from '../model/limits.js';
import { fileText, type FileTree } from '../synth/file-content.js';
import { INVENTORY_FILE, keyParts, parseInventory } from '../synth/inventory.js';
import { applicationsIn, deletingIn, objectsIn, type AppliedApplication } from './delivery-on-disk.js';
import { DIST_DIR } from './project.js';

const FLUX_DIR = `${DELIVERY_DIR}/flux`;

/**
 * Those leaving with `removed` (ids of objects only in `dist/delivery/`, `Kustomization
 * flux-system/stagecraft-qa`, as `npm run diff` lists them), as `before` (files of `dist/delivery/`
 * as they are) holds them.
 */
export function deletingKustomizationsRemoved(before: FileTree, removed: readonly string[]): DeletingKustomization[] {
  return deletingIn(objectsIn(before)).filter((k) => removed.includes(`Kustomization ${k.namespace}/${k.name}`));
}

/**
 * Of `applied` (the `kind` objects of `engine`'s directory as it was: `deletingKustomizationsOnDisk`,
 * `applicationsIn`), those that the new `dist/delivery/` (`delivery`) no longer holds, by its inventory.
 */
export function leavingDelivery<T extends { readonly namespace: string; readonly name: string }>(
  engine: Engine,
  kind: 'Kustomization' | 'Application',
  applied: readonly T[],
  delivery: FileTree | undefined,
): T[] {
  const inventory = delivery?.get(`${engine}/${INVENTORY_FILE}`);
  const kept = new Set(
    [...parseInventory(inventory === undefined ? '' : fileText(inventory)).keys()]
      .map(keyParts)
      .filter((k) => k.kind === kind)
      .map((k) => `${k.namespace}/${k.name}`),
  );
  return applied.filter((k) => !kept.has(`${k.namespace}/${k.name}`));
}

/** Why the `orphanCommand`s come first: `files`, as applied, give their Kustomizations no deletionPolicy: Orphan. */
function orphanReason(leaving: readonly DeletingKustomization[]): string {
  const files = [...new Set(leaving.map((k) => k.file))].join(', ');
  return (
    `the patch first: ${files}, as applied, ${leaving.length === 1 ? 'gives its Kustomization' : 'give their Kustomizations'} no deletionPolicy: Orphan ` +
    '(written by an older stagecraft), and without it Flux deletes every object a deleted Kustomization applied (prune: true), the Namespace and its claims too'
  );
}

/**
 * What an engine that delivers no stage any more leaves in the cluster it runs in (from its inventory
 * as it was): its Applications or Kustomizations go on applying their stages, and no apply command of
 * dist/delivery/ will prune them; the commands that delete them, by name, after those that make the
 * engine leave the stages' objects where deleting them would delete those too: Flux's where a
 * Kustomization in `leaving` would; Argo CD's for every Application, since a finalizer added by hand
 * (`RESOURCES_FINALIZER`) is in no file.
 * @param kept the keys of objects the engine's new inventory holds, which are not deleted
 */
export function engineLeft(
  engine: Engine,
  inventory: string,
  objects: string,
  leaving: readonly DeletingKustomization[],
  kept: ReadonlySet<string> = new Set(),
): string {
  const commands = deliveryDeleteCommands(engine, inventory, kept);
  if (commands.length === 0) return '';
  const orphans =
    engine === 'flux'
      ? leaving.map(orphanCommand)
      : deletedApplications(inventory, kept).map((a) => applicationOrphanCommand(a.name, a.namespace));
  const reason = engine === 'flux' ? (leaving.length ? orphanReason(leaving) : '') : orphans.length ? APPLICATION_ORPHAN_REASON : '';
  return (
    `  ${objects} stay in the cluster ${engineName(engine)} runs in, where they go on applying the stages they name; delete them with:\n` +
    [...orphans, ...commands].map((c) => `    ${c}\n`).join('') +
    (reason ? `  ${reason}\n` : '')
  );
}

/** Why the Applications' patches come first: a finalizer added by hand would have Argo CD delete the stages with them. */
const APPLICATION_ORPHAN_REASON =
  `the patches first: an Application that carries ${RESOURCES_FINALIZER} (added by hand: stagecraft writes none) has Argo CD delete every object it applied when it is deleted, ` +
  'the Namespace and its claims too, while the stage may still be in use; each patch removes its finalizers, and changes nothing on one without';

/** The Applications of an Argo CD inventory, but for those of `kept`. */
function deletedApplications(inventory: string, kept: ReadonlySet<string>): { name: string; namespace: string }[] {
  return [...parseInventory(inventory).keys()]
    .filter((k) => !kept.has(k))
    .map(keyParts)
    .filter((k) => k.kind === 'Application')
    .map((k) => ({ name: k.name, namespace: k.namespace ?? '' }));
}

/**
 * What deletes an object that leaves an engine's directory of dist/delivery/: the directory's apply
 * command, which prunes it (`prune`); the delete commands synth prints, since the engine delivers no
 * stage any more (`engine-gone`), or since the project is renamed and the apply prunes only the new
 * name's objects (`renamed`).
 */
export type LeavingBy = 'prune' | 'engine-gone' | 'renamed';

/**
 * The warning for a Kustomization that the new `dist/delivery/flux/` no longer holds, which as applied
 * makes Flux delete every object of its stage when it is deleted: while Flux delivers other stages, by
 * the directory's apply command, which prunes it; else by the delete commands synth prints (`by`).
 */
export function kustomizationDeletesStage(k: DeletingKustomization, by: LeavingBy = 'prune'): Problem {
  const how = {
    prune: 'the next kubectl apply --prune of that directory deletes it',
    'engine-gone': 'the delete command npm run synth prints then (Flux delivers no stage any more) deletes it',
    renamed:
      "the delete commands npm run synth prints then for the project's old name delete it (the apply of that directory prunes only the new name's objects)",
  }[by];
  return {
    code: 'delivery/deletes-stage',
    severity: 'warning',
    subject: `Kustomization ${k.namespace}/${k.name}`,
    message:
      `leaves ${DIST_DIR}/${FLUX_DIR}/, so ${how} from the cluster Flux runs in; ` +
      `as applied from ${k.file} (written by an older stagecraft) it has no spec.deletionPolicy: Orphan, so Flux then deletes every object it applied, the Namespace and its claims too, while the stage may still be in use`,
    hint: `before that ${by === 'prune' ? 'apply' : 'delete'}, run in the cluster Flux runs in: ${orphanCommand(k)}`,
  };
}

/**
 * Those leaving with `removed` (ids of objects only in `dist/delivery/`, as `npm run diff` lists
 * them), as `before` (files of `dist/delivery/` as they are) holds them, whose stage no engine
 * delivers in `now` (`deliveryTargets` of the new dist/delivery/): one Argo CD delivers under another name (a renamed
 * project) is left in place, and synth prints its patch with the commands that delete it; one whose
 * stage Flux delivers now is said by the move's warning, which gives its patch in the order of its steps
 * (lib/delivery/engine-moves.ts).
 */
export function applicationsRemoved(
  before: FileTree,
  removed: readonly string[],
  now: ReadonlyMap<string, StageTarget>,
): AppliedApplication[] {
  return applicationsIn(objectsIn(before)).filter(
    (a) => removed.includes(`Application ${a.namespace}/${a.name}`) && !now.has(`argocd/${a.stage}`) && !now.has(`flux/${a.stage}`),
  );
}

/**
 * The warning for an Application that leaves the new `dist/delivery/argocd/` while its stage stays,
 * delivered by no engine (one moved to Flux is said by the move's warning, whose first step is the
 * same patch: lib/delivery/engine-moves.ts): its prune by the directory's apply command (`pruned`;
 * else the delete command synth prints, Argo CD delivering no stage any more) deletes it, and with
 * `RESOURCES_FINALIZER` added by hand, which no file shows, Argo CD then deletes every object it
 * applied, the stage now delivered by hand: the patch that removes its finalizers comes first, as for
 * a Kustomization (`kustomizationDeletesStage`).
 */
export function applicationDeletesStage(a: AppliedApplication, pruned = true): Problem {
  const how = pruned
    ? 'the next kubectl apply --prune of that directory deletes it'
    : 'the delete command npm run synth prints then (Argo CD delivers no stage any more) deletes it';
  return {
    code: 'delivery/deletes-stage',
    severity: 'warning',
    subject: `Application ${a.namespace}/${a.name}`,
    message:
      `leaves ${DIST_DIR}/${DELIVERY_DIR}/argocd/ while ${DIST_DIR}/${a.stage} stays (no engine delivers it now), so ${how} from the cluster Argo CD runs in; ` +
      `should it carry ${RESOURCES_FINALIZER} (added by hand: stagecraft writes none, and no file shows it), Argo CD then deletes every object it applied, the Namespace and its claims too, while the stage is still in use`,
    hint: `before that ${pruned ? 'apply' : 'delete'}, run in the cluster Argo CD runs in (it removes the Application's finalizers, and changes nothing on one without): ${applicationOrphanCommand(a.name, a.namespace)}`,
  };
}

/**
 * Whether `engine`'s inventory names another project in `after` (the new dist/delivery/) than in
 * `before` (dist/delivery/ as it is): its apply command then prunes none of the old name's objects,
 * and synth prints their delete commands instead (`renamedProjects`).
 */
export function renamedIn(before: FileTree, after: FileTree | undefined, engine: Engine): boolean {
  const was = before.get(`${engine}/${INVENTORY_FILE}`);
  const is = after?.get(`${engine}/${INVENTORY_FILE}`);
  if (was === undefined || is === undefined) return false;
  const [a, b] = [was, is].map((f) => deliveryProjectOf(fileText(f)));
  return a !== undefined && b !== undefined && a !== b;
}

/**
 * What a new project name (`project:` of the project file) leaves in the cluster of each engine that
 * still delivers (`before`: its inventory as it was, by engine; `delivery`: the new dist/delivery/):
 * the apply command prunes by the new name's label only, so what was written under the old name
 * (its AppProject or GitRepositories, an Application or Kustomization per stage) is never pruned and
 * goes on applying the stages it names, beside what the new name applies. Per engine, the lines
 * synth prints: what changed, and the commands that delete those objects (for Flux after the patch
 * that keeps a Kustomization in `leaving` from deleting its stage's objects).
 */
export function renamedProjects(
  before: ReadonlyMap<Engine, string>,
  delivery: FileTree | undefined,
  leaving: readonly DeletingKustomization[],
): { engine: Engine; lines: string }[] {
  return [...before].flatMap(([engine, inventory]) => {
    const now = delivery?.get(`${engine}/${INVENTORY_FILE}`);
    const after = now === undefined ? undefined : fileText(now);
    const was = deliveryProjectOf(inventory);
    const is = after === undefined ? undefined : deliveryProjectOf(after);
    if (was === undefined || is === undefined || was === is) return [];
    const left = engineLeft(engine, inventory, `the objects of the project ${was}`, leaving, new Set(parseInventory(after!).keys()));
    if (!left) return [];
    return [
      {
        engine,
        lines: `${DELIVERY_DIR}: ${DIST_DIR}/${DELIVERY_DIR}/${engine}/ is now the project ${is} (it was ${was}), and its apply command prunes only objects labelled ${DELIVERY_LABEL}=${is}\n${left}`,
      },
    ];
  });
}

/**
 * Where the objects of a removed stage that an engine delivered are (`targets`: `deliveryTargets` of
 * dist/delivery/ as it was), and what must go before the command that deletes them: its Application
 * or Kustomization, pruned by the apply of the engine's directory (`delivery`: the new dist/delivery/),
 * or deleted by the commands synth prints when the engine delivers no stage any more; left in place,
 * it applies the stage again from a revision that still holds `dist/<stage>` (a tag or a commit it
 * follows), putting back what the delete removed. An Application pruned with a finalizer added by
 * hand (`RESOURCES_FINALIZER`) has Argo CD delete the stage's objects at once, so what is to be kept
 * is copied before that apply; when other stages now use its namespace (`holding`), Argo CD would
 * delete that Namespace with everything in it, theirs too, so the patch that removes its finalizers
 * comes first of all. Undefined for a stage no engine delivered.
 * @param commands where the commands that delete it are, said after it
 * @param holding the stages that now use a namespace the removed stage created (`stagesHolding`)
 */
export function removedStageDelivery(
  stage: string,
  targets: ReadonlyMap<string, StageTarget>,
  delivery: FileTree | undefined,
  { commands = 'with the commands below', holding = [] }: { readonly commands?: string; readonly holding?: readonly string[] } = {},
): { where: string; first: string } | undefined {
  const engine = ENGINES.find((e) => targets.has(`${e}/${stage}`));
  if (engine === undefined) return undefined;
  const target = targets.get(`${engine}/${stage}`)!;
  const dir = `${DIST_DIR}/${DELIVERY_DIR}/${engine}`;
  const still = [...(delivery?.keys() ?? [])].some((p) => p.startsWith(`${engine}/`));
  // another stage's objects in its namespace: a finalizer added by hand must not get to delete that Namespace, so the patch goes first
  const shared = engine === 'argocd' && holding.length > 0;
  // a finalizer added by hand has Argo CD delete the stage's objects itself as the apply prunes the Application: before any copy
  const cascade =
    engine === 'argocd' && !shared
      ? ` (should it carry ${RESOURCES_FINALIZER}, added by hand, Argo CD then deletes the stage's objects itself, the claims' data too: copy what is to be kept before that apply)`
      : '';
  const prune = still
    ? `apply ${dir} (the command on the third line of its ${INVENTORY_FILE}), which prunes ${target.subject}${cascade}`
    : `delete ${target.subject} (${commands})`;
  const patch = shared
    ? `remove the finalizers of ${target.subject} in the cluster Argo CD runs in: ${applicationOrphanCommand(target.name, target.namespace || ARGOCD_NAMESPACE)} ` +
      `(${andList(holding)} now ${holding.length === 1 ? 'uses' : 'use'} its namespace: should it carry ${RESOURCES_FINALIZER}, added by hand, ` +
      `Argo CD would delete that Namespace with everything in it as the Application goes, the objects and claims of ${andList(holding)} too; ` +
      'the patch changes nothing on one without); then '
    : '';
  return {
    where: `${target.cluster}, where ${target.subject} applied them`,
    first:
      `first ${patch}${prune}, else it applies them again from a revision that still holds ${DIST_DIR}/${stage} (a tag or a commit it follows); ` +
      `then, with kubectl pointed at ${target.cluster}, `,
  };
}
