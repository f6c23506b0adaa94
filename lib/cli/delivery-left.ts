/**
 * What a synthesis says about the delivery objects it stops writing, which stay at work in the
 * engine's cluster: the commands that delete an engine's objects once it delivers no stage any more,
 * and the Flux Kustomizations that, as an older stagecraft wrote them (no `deletionPolicy: Orphan`),
 * would make Flux delete their stage's objects when they are deleted or pruned (lib/delivery/orphan.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DELIVERY_DIR, DELIVERY_LABEL, deliveryDeleteCommands, deliveryProjectOf } from '../delivery/index.js';
import { ARGOCD_NAMESPACE } from '../delivery/argocd.js';
import { deletingKustomizations, orphanCommand, type DeletingKustomization } from '../delivery/orphan.js';
import { projectOrder, type KeptStage, type ProjectOrder } from '../delivery/project-order.js';
import { manifestsOf } from '../diff/objects.js';
import { ProblemsError, type Problem } from '../errors.js';
import { ENGINES, type Engine } from '../model/engines.js';
import { MAX_GENERATED_BYTES, readRegularFile } from '../synth/disk.js';
import { fileText, type FileTree } from '../synth/file-content.js';
import {
  INVENTORY_FILE,
  changeLines,
  changeSummary,
  deleteCommand,
  inventoryChanges,
  keyParts,
  objectsUnchanged,
  parseInventory,
} from '../synth/inventory.js';
import { STAGE_LABEL } from '../model/labels.js';
import { sameCluster, targetOf, type StageTarget } from '../delivery/target.js';
import { andList } from '../model/limits.js';
import { DIST_DIR, readStageTree, type Project } from './project.js';
import type { ClusterSpec, ProjectFile } from '../config/delivery.js';

const FLUX_DIR = `${DELIVERY_DIR}/flux`;

/**
 * The objects of each file of `tree` (files of `dist/delivery/` by path), with the file's path
 * from the project root. A file that cannot be read as YAML (a merge conflict) is
 * passed over: its objects are said nothing of.
 */
function objectsIn(tree: FileTree): { file: string; objects: unknown[] }[] {
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
type DeliveryFiles = readonly { readonly file: string; readonly objects: unknown[] }[];

/** The Kustomizations of `files` (`objectsIn`) whose deletion makes Flux delete what they applied. */
function deletingIn(files: DeliveryFiles): DeletingKustomization[] {
  const flux = `${DIST_DIR}/${FLUX_DIR}/`;
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
  if (!existsSync(join(project.root, DIST_DIR, DELIVERY_DIR))) return { applied: [], targets: new Map(), inventories };
  const files = objectsIn(readStageTree(project, DELIVERY_DIR));
  const targets = targetsIn(files);
  for (const { stage } of targets.values()) {
    try {
      inventories.set(stage, readRegularFile(join(project.root, DIST_DIR, stage, INVENTORY_FILE), MAX_GENERATED_BYTES));
    } catch {
      // no inventory to read (the stage's output is gone): the warning names the stage's label instead of a command
    }
  }
  return { applied: deletingIn(files), targets, inventories, appProject: appProjectIn(files) };
}

/** `dist/delivery/` as it was (`deliveryOnDisk`). */
export interface DeliveryOnDisk {
  readonly applied: DeletingKustomization[];
  readonly targets: Map<string, StageTarget>;
  readonly inventories: Map<string, string>;
  /** The AppProject of argocd/. */
  readonly appProject?: unknown;
}

/** The AppProject of the argocd/ files of `files` (`objectsIn`). */
function appProjectIn(files: DeliveryFiles): unknown {
  const argocd = `${DIST_DIR}/${DELIVERY_DIR}/argocd/`;
  return files
    .flatMap(({ file, objects }) => (file.startsWith(argocd) ? objects : []))
    .find((o) => (o as { kind?: unknown })?.kind === 'AppProject');
}

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

/** Where each stage of `files` (`objectsIn`) is applied, by `<engine>/<stage>`. */
function targetsIn(files: DeliveryFiles): Map<string, StageTarget> {
  const targets = new Map<string, StageTarget>();
  for (const { file, objects } of files) {
    const engine = file.slice(`${DIST_DIR}/${DELIVERY_DIR}/`.length).split('/')[0];
    for (const t of objects.flatMap((o) => targetOf(o) ?? [])) targets.set(`${engine}/${t.stage}`, t);
  }
  return targets;
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

/** Where each stage of `tree` (files of `dist/delivery/` by path) is applied, by `<engine>/<stage>`. */
export const deliveryTargets = (tree: FileTree): Map<string, StageTarget> => targetsIn(objectsIn(tree));

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
 * The stages that the new `dist/delivery/` (`after`) has an engine apply to another cluster than
 * it did (`before`: `deliveryTargets` of the tree it replaces), as warnings: neither engine deletes
 * what it applied from a cluster it no longer targets, so the stage's objects stay at work there,
 * claims and data too, while it starts on new, empty claims in the other. A cluster named another
 * way (another server URL, a name for a server URL, another kubeconfig Secret: `sameCluster`) may be the same one, where
 * deleting the stage would delete it at work, data too: the warning says it may be another, and the
 * hint deletes only once that is found to be so; a cluster of the project file that names both ways
 * (`declared`: a server beside a kubeconfig Secret) is one, and nothing is said.
 * @param inventoryOf the stage's inventory as it was (the objects left in the old cluster)
 * @param declared the clusters of the project file as it is now (`declaredClusters`)
 */
export function clusterMoves(
  before: ReadonlyMap<string, StageTarget>,
  after: FileTree | undefined,
  inventoryOf: (stage: string) => string | undefined,
  declared: readonly ClusterSpec[] = [],
): Problem[] {
  const targets = deliveryTargets(after ?? new Map());
  return [...targets].flatMap(([key, now]) => {
    // where the stage was applied: by this engine, else by the other one, which no longer applies it
    // (a stage moved to the other engine and cluster at once: the old engine leaves it in the old one too)
    const other = `${ENGINES.find((e) => `${e}/${now.stage}` !== key)}/${now.stage}`;
    const wasKey = before.has(key) ? key : !targets.has(other) && before.has(other) ? other : undefined;
    const was = wasKey === undefined ? undefined : before.get(wasKey);
    const same = was && sameCluster(was, now, declared);
    if (!was || same === 'same') return [];
    const engine = wasKey!.split('/')[0] === 'flux' ? 'Flux' : 'Argo CD';
    const inventory = inventoryOf(now.stage);
    const command = inventory === undefined ? undefined : deleteCommand(now.stage, inventory);
    // without an inventory, what it held is unknown: it may have held claims
    const claims =
      inventory === undefined || [...parseInventory(inventory).keys()].some((k) => keyParts(k).kind === 'PersistentVolumeClaim');
    const left =
      `${engine} leaves what it applied there: the stage's objects stay at work in ${was.cluster}` +
      (claims ? `, its claims with their data, while it starts on new, empty claims in ${now.cluster}` : '');
    const deletion =
      `${claims ? 'copy what is to be kept first; then, ' : ''}with kubectl pointed at ${was.cluster}, delete the stage there: ` +
      (command ?? `every object labelled ${STAGE_LABEL}=${now.stage}`);
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
 * The clusters a project file declares (`delivery.clusters`), for `clusterMoves`: from the project
 * file as the compilation loaded it (`Compiled.projectFile`: empty without one; one with problems
 * stops the compilation before it gets there), never read again.
 */
export const declaredClusters = (projectFile: ProjectFile): ClusterSpec[] => Object.values(projectFile.delivery?.clusters ?? {});

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
  const apply = `apply it to the cluster ${engine} runs in`;
  const command = `with the command on the third line of ${dir}/${INVENTORY_FILE}`;
  const itself = `${engine} does not apply ${DIST_DIR}/${DELIVERY_DIR}/ itself`;
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
                `  first, before pushing the stages, give the AppProject in the cluster ${engine} runs in what it gains while keeping what it loses: kubectl patch appproject.argoproj.io -n ${ARGOCD_NAMESPACE} ${order!.name} --type merge -p '${order!.union}'`,
              ]
            : []),
          `  ${order!.union ? 'then push' : 'push'} the stages; once Argo CD has synced that commit and pruned those objects (argocd app sync ${losses.map((l) => l.application).join(' ')} --prune does it at once), ${apply}, ${command}`,
        ]),
  ];
  return `${lines.join('\n')}\n`;
}
