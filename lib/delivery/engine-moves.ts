/**
 * A stage moved from one engine to the other: its Application leaves dist/delivery/argocd/ as its
 * Kustomization comes into dist/delivery/flux/ (or the reverse), which the directories' changes say as
 * one object removed and another added. Neither engine knows of the other, and the directories are
 * applied by hand, one command each: applied in the wrong order both engines apply the stage for a
 * while, each putting back what the other changes and pruning on its own, and left half done
 * neither does. Said once, by the synthesis that makes the move (lib/cli/delivery-moves.ts), with the
 * steps in the order that hands the stage over. Pure.
 */
import type { Problem } from '../errors.js';
import { ENGINES, type Engine, engineName } from '../model/engines.js';
import { DIST_DIR } from '../synth/disk.js';
import { INVENTORY_FILE } from '../synth/inventory.js';
import { ARGOCD_NAMESPACE } from './argocd.js';
import { FLUX_NAMESPACE } from './flux.js';
import { DELIVERY_DIR } from './index.js';
import { applicationOrphanCommand, orphanCommand } from './orphan.js';
import type { StageTarget } from './target.js';

/**
 * The command that makes the old engine leave the stage's objects when its object is deleted, which
 * changes nothing on one that already does: an Application's finalizers removed (one added by hand
 * has Argo CD delete what it applied), a Kustomization's `deletionPolicy: Orphan` set (one applied
 * from an older stagecraft's file has none, and Flux then deletes what it applied).
 */
function leaveObjects(engine: Engine, was: StageTarget): { command: string; why: string } {
  return engine === 'argocd'
    ? {
        command: applicationOrphanCommand(was.name, was.namespace || ARGOCD_NAMESPACE),
        why: 'a resources-finalizer.argocd.argoproj.io added by hand, which no file shows, would have Argo CD delete every object it applied, the Namespace and its claims too, as the Application goes',
      }
    : {
        command: orphanCommand({ name: was.name, namespace: was.namespace || FLUX_NAMESPACE }),
        why: 'applied from what an older stagecraft wrote, without deletionPolicy: Orphan, Flux would delete every object it applied, the Namespace and its claims too, as the Kustomization goes',
      };
}

/** A stage `before` delivered with `old` and `after` with `engine`, as `was` and `now`. */
interface Move {
  readonly engine: Engine;
  readonly old: Engine;
  readonly was: StageTarget;
  readonly now: StageTarget;
}

/**
 * Each stage that `before` (the targets of dist/delivery/ as it was) delivers with one engine and
 * `after` (of the new dist/delivery/) with the other, under the same name. Not a stage whose project
 * is renamed at once: its old object is among those of the old name, which synth's delete commands
 * delete (lib/cli/delivery-left.ts).
 */
function movesOf(before: ReadonlyMap<string, StageTarget>, after: ReadonlyMap<string, StageTarget>): Move[] {
  return [...after].flatMap(([key, now]): Move[] => {
    const [engine] = key.split('/') as [Engine];
    const old = ENGINES.find((e) => e !== engine)!;
    const was = before.get(`${old}/${now.stage}`);
    if (was === undefined || before.has(key) || after.has(`${old}/${now.stage}`) || was.name !== now.name) return [];
    return [{ engine, old, was, now }];
  });
}

/**
 * Whether a Kustomization leaving dist/delivery/flux/ (by its name and namespace) is the old object
 * of a stage moved to Argo CD, whose `engineMoves` warning gives its patch as the first step: no
 * warning of its own about the patch (lib/cli/delivery-left.ts `kustomizationDeletesStage`) is said beside it.
 */
export function movedToArgocd(
  before: ReadonlyMap<string, StageTarget>,
  after: ReadonlyMap<string, StageTarget>,
): (k: { readonly name: string; readonly namespace: string }) => boolean {
  const moved = new Set(
    movesOf(before, after)
      .filter((m) => m.old === 'flux')
      .map(({ was }) => `${was.namespace || FLUX_NAMESPACE}/${was.name}`),
  );
  return (k) => moved.has(`${k.namespace || FLUX_NAMESPACE}/${k.name}`);
}

/**
 * Each move of `movesOf`, as a warning on the new object: a move of engine, and the order of the
 * steps that hands the stage over with neither both engines applying it at once nor, for longer than
 * between two commands, neither: the old object's objects left in place (`leaveObjects`), the old
 * object deleted (by the apply of its directory, which prunes it, or, when its engine delivers no
 * stage any more, by the delete commands synth prints), then the new directory applied.
 * @param stays whether the new dist/delivery/ still holds a directory for `engine`
 */
export function engineMoves(
  before: ReadonlyMap<string, StageTarget>,
  after: ReadonlyMap<string, StageTarget>,
  stays: (engine: Engine) => boolean,
): Problem[] {
  return movesOf(before, after).map(({ engine, old, was, now }): Problem => {
    const [from, to] = [engineName(old), engineName(engine)];
    const dir = (e: Engine) => `${DIST_DIR}/${DELIVERY_DIR}/${e}`;
    const command = (e: Engine) => `the command on the third line of ${dir(e)}/${INVENTORY_FILE}`;
    const { command: leave, why } = leaveObjects(old, was);
    const remove = stays(old)
      ? `apply ${dir(old)} (${command(old)}), which prunes ${was.subject}`
      : `delete ${was.subject} (npm run synth prints the commands under the removal of ${dir(old)}/, since ${from} delivers no stage any more)`;
    return {
      code: 'delivery/moves-engine',
      severity: 'warning',
      subject: now.subject,
      message:
        `takes ${DIST_DIR}/${now.stage} over from ${was.subject}: the stage moves from ${from} to ${to}, which the directories say as one object removed and another added; ` +
        `each is applied by a command of its own, and in another order ${from} and ${to} would both apply the stage for a while, each putting back what the other changes and pruning on its own, ` +
        'or, one left out, neither would, and no new commit of the stage would be applied',
      hint:
        `in this order, one step right after the other: first, in the cluster ${from} runs in, ${leave} (${why}; the patch changes nothing otherwise); ` +
        `then ${remove}, so that ${from} stops applying the stage and leaves its objects as they are; ` +
        `then apply ${dir(engine)} (${command(engine)}), from which ${to} applies it`,
    };
  });
}
