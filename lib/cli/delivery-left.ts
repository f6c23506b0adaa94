/**
 * What a synthesis says about the delivery objects it stops writing, which stay at work in the
 * engine's cluster: the commands that delete an engine's objects once it delivers no stage any more
 * or once the project is renamed, what goes first when a delivered stage is removed, and the Flux
 * Kustomizations that, as an older stagecraft wrote them (no `deletionPolicy: Orphan`), would make
 * Flux delete their stage's objects when they are deleted or pruned (lib/delivery/orphan.ts).
 */
import { DELIVERY_DIR, DELIVERY_LABEL, deliveryDeleteCommands, deliveryProjectOf } from '../delivery/index.js';
import { orphanCommand, type DeletingKustomization } from '../delivery/orphan.js';
import type { StageTarget } from '../delivery/target.js';
import type { Problem } from '../errors.js';
import { ENGINES, type Engine } from '../model/engines.js';
import { fileText, type FileTree } from '../synth/file-content.js';
import { INVENTORY_FILE, keyParts, parseInventory } from '../synth/inventory.js';
import { deletingIn, objectsIn } from './delivery-on-disk.js';
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

/** Of `applied` (`deletingKustomizationsOnDisk`), those that the new `dist/delivery/` (`delivery`) no longer holds. */
export function kustomizationsLeaving(applied: readonly DeletingKustomization[], delivery: FileTree | undefined): DeletingKustomization[] {
  const inventory = delivery?.get(`flux/${INVENTORY_FILE}`);
  const kept = new Set(
    [...parseInventory(inventory === undefined ? '' : fileText(inventory)).keys()]
      .map(keyParts)
      .filter((k) => k.kind === 'Kustomization')
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
 * dist/delivery/ will prune them; the commands that delete them, by name, after those that make Flux
 * leave the stages' objects where a Kustomization in `leaving` would delete them.
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
  const orphans = engine === 'flux' ? leaving : [];
  return (
    `  ${objects} stay in the cluster ${engine} runs in, where they go on applying the stages they name; delete them with:\n` +
    [...orphans.map(orphanCommand), ...commands].map((c) => `    ${c}\n`).join('') +
    (orphans.length ? `  ${orphanReason(orphans)}\n` : '')
  );
}

/**
 * The warning for a Kustomization that the new `dist/delivery/flux/` no longer holds, which as applied
 * makes Flux delete every object of its stage when it is deleted: while Flux delivers other stages, by
 * the directory's apply command, which prunes it; else by the delete command synth prints (`pruned: false`).
 */
export function kustomizationDeletesStage(k: DeletingKustomization, pruned = true): Problem {
  const how = pruned
    ? 'the next kubectl apply --prune of that directory deletes it'
    : 'the delete command npm run synth prints then (Flux delivers no stage any more) deletes it';
  return {
    code: 'delivery/deletes-stage',
    severity: 'warning',
    subject: `Kustomization ${k.namespace}/${k.name}`,
    message:
      `leaves ${DIST_DIR}/${FLUX_DIR}/, so ${how} from the cluster Flux runs in; ` +
      `as applied from ${k.file} (written by an older stagecraft) it has no spec.deletionPolicy: Orphan, so Flux then deletes every object it applied, the Namespace and its claims too, while the stage may still be in use`,
    hint: `before that ${pruned ? 'apply' : 'delete'}, run in the cluster Flux runs in: ${orphanCommand(k)}`,
  };
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
 * follows), putting back what the delete removed. Undefined for a stage no engine delivered.
 * @param commands where the commands that delete it are, said after it
 */
export function removedStageDelivery(
  stage: string,
  targets: ReadonlyMap<string, StageTarget>,
  delivery: FileTree | undefined,
  commands = 'with the commands below',
): { where: string; first: string } | undefined {
  const engine = ENGINES.find((e) => targets.has(`${e}/${stage}`));
  if (engine === undefined) return undefined;
  const target = targets.get(`${engine}/${stage}`)!;
  const dir = `${DIST_DIR}/${DELIVERY_DIR}/${engine}`;
  const still = [...(delivery?.keys() ?? [])].some((p) => p.startsWith(`${engine}/`));
  const prune = still
    ? `apply ${dir} (the command on the third line of its ${INVENTORY_FILE}), which prunes ${target.subject}`
    : `delete ${target.subject} (${commands})`;
  return {
    where: `${target.cluster}, where ${target.subject} applied them`,
    first:
      `first ${prune}, else it applies them again from a revision that still holds ${DIST_DIR}/${stage} (a tag or a commit it follows); ` +
      `then, with kubectl pointed at ${target.cluster}, `,
  };
}
