/**
 * The stages that the new `dist/delivery/` has an engine apply to another cluster than it did
 * (neither engine deletes what it applied from a cluster it no longer targets: lib/delivery/target.ts),
 * or read from another repository (whose credentials the engine needs: lib/delivery/repository-moves.ts).
 */
import type { ClusterSpec, ProjectFile } from '../config/delivery.js';
import { engineMoves } from '../delivery/engine-moves.js';
import { lostWaits } from '../delivery/lost-waits.js';
import { repositoryMoves } from '../delivery/repository-moves.js';
import { sameCluster, type StageTarget } from '../delivery/target.js';
import type { Problem } from '../errors.js';
import { ENGINES, type Engine, engineName } from '../model/engines.js';
import { STAGE_LABEL } from '../model/labels.js';
import { andList } from '../model/limits.js';
import type { FileTree } from '../synth/file-content.js';
import { INVENTORY_FILE, keyParts, parseInventory } from '../synth/inventory.js';
import { deliveryTargets } from './delivery-on-disk.js';
import { DIST_DIR } from './project.js';
import { outsideLine, removedDeletion } from './removed-stage.js';

/**
 * How to tell whether `was` and `now`, which name a cluster two ways (`sameCluster`: `maybe`), name
 * one: the hint's first step, before anything is deleted.
 */
function howToTell(was: StageTarget, now: StageTarget): string {
  const forms = new Set([was.form, now.form]);
  const argocd = forms.has('server') || forms.has('name');
  const secrets = [was, now].filter((t) => t.form === 'kubeconfig').map((t) => t.id);
  const kubeconfigs = `the server: of the kubeconfig${secrets.length === 1 ? '' : 's'} in ${andList(secrets.map((s) => `the Secret flux-system/${s}`))}`;
  // a stage moved from one engine to the other: Argo CD's server, and Flux's kubeconfig or own cluster
  const flux = secrets.length ? kubeconfigs : forms.has('own') ? 'the cluster Flux runs in' : undefined;
  if (argocd) return `argocd cluster list gives the server of each cluster Argo CD names${flux ? `; compare it with ${flux}` : ''}`;
  return forms.has('own') ? `compare ${kubeconfigs} with the cluster Flux runs in` : `compare ${kubeconfigs}`;
}

/**
 * An Application that names the cluster it did by another spelling of its server (a host in
 * capitals, the default port: one address, as `sameCluster` compares), as a warning: Argo CD finds
 * a cluster by its server as written (a trailing `/` aside, argo-cd#3993), as `argocd cluster add`
 * took it from the kubeconfig (an EKS endpoint's host in capitals, an AKS server's `:443`), so one
 * of the two spellings names a cluster it does not know. Nothing to delete: the stage is where it was.
 */
function serverRespelled(was: StageTarget, now: StageTarget): Problem[] {
  const [old, server] = [was.server?.replace(/\/+$/, ''), now.server?.replace(/\/+$/, '')];
  if (old === undefined || server === undefined || old === server) return [];
  return [
    {
      code: 'delivery/moves-cluster',
      severity: 'warning',
      subject: now.subject,
      message:
        `names its cluster ${server} now, where it named it ${old}: one address, but Argo CD finds a cluster by its server as written ` +
        '(destination.server against the server its cluster Secret holds), so the Application finds none unless the cluster is registered as written now',
      hint: `argocd cluster list shows the server each cluster is registered with: write that in stagecraft.yaml, or register the cluster as ${server} (argocd cluster add takes the server of the kubeconfig)`,
    },
  ];
}

/**
 * The stages that the new `dist/delivery/` (`after`) has an engine apply to another cluster than
 * it did (`before`: `deliveryTargets` of the tree it replaces; `targets`: of the new one), as warnings: neither engine deletes
 * what it applied from a cluster it no longer targets, so the stage's objects stay at work there,
 * claims and data too, while it starts on new, empty claims in the other. A cluster named another
 * way (another server URL, a name for a server URL, another kubeconfig Secret: `sameCluster`) may be the same one, where
 * deleting the stage would delete it at work, data too: the warning says it may be another, and the
 * hint deletes only once that is found to be so; a cluster of the project file that names both ways
 * (`declared`: a server beside a kubeconfig Secret) is one, and nothing is said.
 * @param inventoryOf the stage's inventory as it was (the objects left in the old cluster)
 * @param declared the clusters of the project file as it is now (`declaredClusters`)
 */
function clusterMoves(
  before: ReadonlyMap<string, StageTarget>,
  targets: ReadonlyMap<string, StageTarget>,
  inventoryOf: (stage: string) => string | undefined,
  declared: readonly ClusterSpec[],
): Problem[] {
  return [...targets].flatMap(([key, now]) => {
    // where the stage was applied: by this engine, else by the other one, which no longer applies it
    // (a stage moved to the other engine and cluster at once: the old engine leaves it in the old one too)
    const other = `${ENGINES.find((e) => `${e}/${now.stage}` !== key)}/${now.stage}`;
    const wasKey = before.has(key) ? key : !targets.has(other) && before.has(other) ? other : undefined;
    const was = wasKey === undefined ? undefined : before.get(wasKey);
    const same = was && sameCluster(was, now, declared);
    if (was && same === 'same') return serverRespelled(was, now);
    if (!was) return [];
    const engine = engineName(wasKey!.split('/')[0] as Engine);
    const inventory = inventoryOf(now.stage);
    // as for a removed stage: its namespace's objects, not what the rest of that cluster may run on (lab's flannel in kube-system)
    const removal = inventory === undefined ? undefined : removedDeletion(undefined, now.stage, inventory);
    const outside = removal && outsideLine(now.stage, removal);
    // without an inventory, what it held is unknown: it may have held claims
    const claims =
      inventory === undefined || [...parseInventory(inventory).keys()].some((k) => keyParts(k).kind === 'PersistentVolumeClaim');
    const left =
      `${engine} leaves what it applied there: the stage's objects stay at work in ${was.cluster}` +
      (claims ? `, its claims with their data, while it starts on new, empty claims in ${now.cluster}` : '');
    const deletion =
      `${claims ? 'copy what is to be kept first; then, ' : ''}with kubectl pointed at ${was.cluster}, delete the stage there: ` +
      deletedThere(now.stage, inventory, removal) +
      (outside ? `; ${outside}` : '');
    const applies = `applies ${DIST_DIR}/${now.stage} to ${now.cluster} now`;
    return [
      {
        code: 'delivery/moves-cluster',
        severity: 'warning',
        subject: now.subject,
        ...(same === 'other'
          ? { message: `${applies}, no longer to ${was.cluster}, and ${left}`, hint: deletion }
          : {
              message:
                `${applies}, where it applied it to ${was.cluster}: that may be another cluster, or the same one named another way; ` +
                `if it is another, ${left}`,
              hint:
                `first find out whether it is another cluster (${howToTell(was, now)}); ` +
                `only if it is another: ${deletion}; if it is the same, delete nothing: that would delete the stage at work${claims ? ', with its data' : ''}`,
            }),
      },
    ];
  });
}

/**
 * What deletes a stage moved to another cluster from the old one, before the line of what it leaves out: the
 * command of its namespace; else, said as it is, that its namespace held none of its objects (all of them
 * outside it, named by the line after), that its inventory lists none, or that it cannot be read (what the
 * stage's labels select there is then all that is known).
 */
function deletedThere(stage: string, inventory: string | undefined, removal: ReturnType<typeof removedDeletion>): string {
  if (removal?.command) return removal.command;
  if (removal) return `nothing in namespace ${removal.namespace} (none of its objects is there)`;
  return inventory === undefined
    ? `what is labelled ${STAGE_LABEL}=${stage} (${DIST_DIR}/${stage}/${INVENTORY_FILE} could not be read: which objects those are, and whether the rest of the cluster runs on some, is not known; list them first)`
    : `nothing (its ${INVENTORY_FILE} lists no object)`;
}

/**
 * What the new `dist/delivery/` (`after`) moves of the stages as `before` (`deliveryTargets` of the
 * tree it replaces) delivered them: to the other engine (lib/delivery/engine-moves.ts: the order of
 * the steps that hand the stage over), to another cluster (`clusterMoves`), or to another repository
 * (lib/delivery/repository-moves.ts), and the stages that no longer wait for the stage before them
 * because either moved to the other engine (lib/delivery/lost-waits.ts), as warnings said once.
 * @param inventoryOf the stage's inventory as it was (the objects left in the old cluster)
 * @param declared the clusters of the project file as it is now (`declaredClusters`)
 * @param whole the whole new dist/delivery/, when `after` holds only the objects of some stages (npm run diff)
 */
export function stageMoves(
  before: ReadonlyMap<string, StageTarget>,
  after: FileTree | undefined,
  inventoryOf: (stage: string) => string | undefined,
  declared: readonly ClusterSpec[] = [],
  whole: FileTree | undefined = after,
): Problem[] {
  const targets = deliveryTargets(after ?? new Map());
  const all = whole === after ? targets : deliveryTargets(whole ?? new Map());
  const stays = (engine: Engine) => [...(whole?.keys() ?? [])].some((p) => p.startsWith(`${engine}/`));
  return [
    ...engineMoves(before, targets, stays),
    ...clusterMoves(before, targets, inventoryOf, declared),
    ...repositoryMoves(before, targets, all),
    ...lostWaits(before, targets, all),
  ];
}

/**
 * The clusters a project file declares (`delivery.clusters`), for `clusterMoves`: from the project
 * file as the compilation loaded it (`Compiled.projectFile`: empty without one; one with problems
 * stops the compilation before it gets there), never read again.
 */
export const declaredClusters = (projectFile: ProjectFile): ClusterSpec[] => Object.values(projectFile.delivery?.clusters ?? {});
