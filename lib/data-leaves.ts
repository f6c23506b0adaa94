/**
 * A claim, or a PersistentVolume with a volume source, that leaves a stage's output: `kubectl apply
 * --prune` deletes it, and an app renamed (or a claim renamed) starts on an empty one. The warning
 * is placed at the setting that keeps the old name when an app now makes such an object under a
 * name a setting may give, with the settings that keep the name and the data's place as its hint
 * (lib/output-changes.ts finds the objects that leave).
 */
import type { LoadedStage } from './config/load.js';
import type { Problem } from './errors.js';
import { appliedByHand, type DeliveredBy, engineName } from './model/engines.js';
import { formatFieldPath } from './model/field-path.js';
import { describeObject, isRecord, kubectlTarget, type KubeObject } from './model/object.js';
import type { ObjectName } from './stack.js';
import { DIST_DIR } from './synth/disk.js';
import type { NamespaceHoldings } from './synth/delete-commands.js';
import { volumeSource } from './immutable-fields.js';
import { KEPT_FROM_PRUNE, keptFromPrune, unappliedKeep } from './delivery/object-options.js';
import { namesOf, placeOf } from './setting-places.js';
import { requiredSecretsOf } from './required-secrets.js';

/** The kinds whose objects may take data with them when they leave the output (a Namespace: all it holds). */
export const DATA_KINDS = new Set(['PersistentVolumeClaim', 'PersistentVolume', 'Namespace']);

/** Whether an object that leaves the output takes data with it: a claim, or a volume with a source. */
export function holdsData(o: KubeObject): boolean {
  return o.kind === 'PersistentVolumeClaim' || (o.kind === 'PersistentVolume' && volumeSource(o) !== undefined);
}

/**
 * How what leaves a stage's output is deleted, by who applies the stage and its sync policy:
 * `kubectl` by `kubectl apply --prune`; `push`, the engine's prune as soon as the commit syncs;
 * `sync`, an Argo CD sync with prune (by hand, or for an automated stage that does not prune);
 * `resume`, Flux's prune once its suspended Kustomization is resumed; `never`, Flux without prune;
 * `kept`, an object the engine never prunes by its own metadata as applied (`kept` says which).
 */
interface Pruning {
  readonly how: 'kubectl' | 'push' | 'sync' | 'resume' | 'never' | 'kept';
  readonly delivery?: DeliveredBy;
  /** What keeps the object from the engine's prune, in words (lib/delivery/object-options.ts `keptFromPrune`). */
  readonly kept?: string;
  /** Flux's keep-from-prune setting in the old manifest that Flux never put on the object in the cluster (`unappliedKeep`). */
  readonly unapplied?: string;
}

/** How `old` (as the output before had it, so as applied) is deleted once it leaves the output. */
function pruning(delivery: DeliveredBy | undefined, old: KubeObject): Pruning {
  if (!delivery) return { how: 'kubectl' };
  const kept = keptFromPrune(delivery.engine, old);
  if (kept) return { how: 'kept', delivery, kept };
  const unapplied = unappliedKeep(delivery.engine, old);
  return { ...stagePruning(delivery), ...(unapplied ? { unapplied } : {}) };
}

/** How the stage's engine deletes an object of its output that leaves it, by its sync policy alone. */
function stagePruning(delivery: DeliveredBy): Pruning & { readonly how: 'push' | 'sync' | 'resume' | 'never' } {
  if (delivery.automated && delivery.prune) return { how: 'push', delivery };
  // an Application synced by hand writes no prune: the sync command says it
  if (delivery.engine === 'argocd') return { how: 'sync', delivery };
  return { how: delivery.prune ? 'resume' : 'never', delivery };
}

/** The command by hand that prunes what left the stage's output (`sync`: Argo CD's sync with prune; `resume`: Flux's resume). */
const pruningCommand = ({ how, delivery }: Pruning) => `${appliedByHand(delivery!)}${how === 'sync' ? ' --prune' : ''}`;

/** What deletes an object that leaves a stage's output. */
function deletedBy(prune: Pruning): string {
  const { how, delivery, kept } = prune;
  const name = delivery && engineName(delivery.engine);
  switch (how) {
    case 'kubectl':
      return 'kubectl apply --prune deletes it';
    case 'push':
    case 'resume':
      return `${name}, which delivers the stage and prunes, deletes it ${prunedWhen(prune)}`;
    case 'sync':
      return `${name}, which delivers the stage ${delivery!.automated ? 'without prune' : 'synced by hand'}, deletes it ${prunedWhen(prune)}`;
    case 'never':
      return `${name}, which delivers the stage without prune, leaves it in the cluster until it is deleted by hand`;
    case 'kept':
      return `${name}, which delivers the stage, never prunes it (${kept}, as applied): it stays in the cluster until it is deleted by hand`;
  }
}

/**
 * What an object its engine never prunes does to the stage, said last in the warning: Argo CD's docs
 * (sync options, "No Prune Resources"): the app is out of sync while it expects a prune.
 */
function keptOutOfSync({ how, delivery }: Pruning, it = 'it'): string {
  return how === 'kept' && delivery!.engine === 'argocd'
    ? `, and the Application is OutOfSync while ${it} is there (unless it is annotated argocd.argoproj.io/compare-options: IgnoreExtraneous)`
    : '';
}

/**
 * The hint's last words for an object whose old manifest has Flux's keep-from-prune setting that Flux
 * may not have put in the cluster (`prune.unapplied`), as `kubectl annotate` arguments (`pvc mysql -n qa`):
 * it protects only once it is on the object in the cluster. '' when Flux does not prune (`never`), and
 * when the hint's step before the prune (`beforePruned`) already annotates it.
 */
function unappliedNote(prune: Pruning, object: string, annotated = false): string {
  if (!prune.unapplied || prune.how === 'never' || annotated) return '';
  return `; ${prune.unapplied} keeps it from Flux's prune only once it is on the object in the cluster, where it may not be, since Flux skips a manifest that excludes itself and applies one of ssa: IfNotPresent only while there is none (kubectl annotate ${object} ${KEPT_FROM_PRUNE.flux})`;
}

/** Whether the step before the prune (`beforePruned`) keeps the objects from the engine's prune with `kubectl annotate`. */
const annotatedFirst = ({ how }: Pruning) => how === 'push' || how === 'resume';

/** When the engine that delivers a stage prunes what leaves its output, by `stagePruning` (`push`, `sync` or `resume`). */
function prunedWhen(prune: Pruning): string {
  if (prune.how === 'push') return 'as soon as the commit syncs';
  return prune.how === 'sync'
    ? `at a sync with prune (${pruningCommand(prune)})`
    : `once its suspended Kustomization is resumed (${pruningCommand(prune)})`;
}

/** The step before which what leaves is copied or backed up, by `pruning`. */
function prunedAt(prune: Pruning): string {
  switch (prune.how) {
    case 'kubectl':
      return 'applying with --prune';
    case 'push':
      return 'pushing the commit (its engine prunes it as the commit syncs)';
    case 'sync':
      return `syncing with prune (${pruningCommand(prune)})`;
    case 'resume':
      return `resuming the stage (${pruningCommand(prune)}), which prunes it`;
    default:
      return 'deleting it by hand';
  }
}

/**
 * What to do before the step that deletes `objects` (`kubectl annotate` arguments: `namespace qa`,
 * `pvc mysql -n qa`) as the stage is applied, so that it is left while the data is copied: keep it
 * from the engine's prune (as the commit syncs, or as the stage is resumed), sync or apply without
 * prune; '' when nothing deletes it. `what` names the objects, and `them` says them again (`it`).
 */
function beforePruned({ how, delivery }: Pruning, stage: string, objects: readonly string[], what = 'it', them = 'it'): string {
  if (how === 'never' || how === 'kept') return '';
  if (how === 'kubectl') return `apply it without --prune first (kubectl apply -k ${DIST_DIR}/${stage}), `;
  if (how === 'sync') return `sync it without --prune first (${appliedByHand(delivery!)}), `;
  const { engine } = delivery!;
  const annotate = objects.map((o) => `kubectl annotate ${o} ${KEPT_FROM_PRUNE[engine]}`).join('; ');
  const when = how === 'push' ? 'as soon as the commit syncs, so before pushing' : 'once the stage is resumed, so before resuming it';
  return `${engineName(engine)} prunes ${what} ${when}, keep ${them} from the prune (${annotate}), or write delivery: { sync: { prune: false } } in that commit; then `;
}

/** The app a chart file is of (`10-shop.yaml` -> `shop`). */
const appOfFile = (file: string) => /^10-(.+)\.yaml$/.exec(file)?.[1];

/**
 * A claim, or a volume with data, that leaves the output. When an app now makes an object of its
 * kind under a name a setting may give (a renamed app, or a renamed object), the warning is at that
 * setting and the hint says what keeps the old name (and the data's place).
 */
export function leaves(
  loaded: LoadedStage,
  old: KubeObject,
  file: string,
  added: ReadonlySet<string>,
  dir: string,
  delivery?: DeliveredBy,
): Problem {
  const what = describeObject(old);
  const name = String(old.metadata.name);
  const ns = old.metadata.namespace ? `${old.metadata.namespace}/` : '';
  // of the new objects a setting may name, the one whose name starts and ends most like the old one's
  // (shop-mysqlbackup-test for mysqlbackup-test, mysqlbackup-staging for mysqlbackup-qa)
  let successor: { app: string; n: ObjectName } | undefined;
  let best = -1;
  // the same object in the stage's namespace, when that changed (namespace: in the stage file)
  const moved =
    ns !== '' && ns !== `${loaded.context.namespace}/` && added.has(`${old.apiVersion} ${old.kind} ${loaded.context.namespace}/${name}`);
  for (const a of moved ? [] : loaded.apps) {
    for (const n of namesOf(loaded, a.name)) {
      if (n.kind !== old.kind || !n.setting || !added.has(`${old.apiVersion} ${n.kind} ${ns}${n.name}`)) continue;
      const alike = alikeEnds(n.name, name);
      if (alike > best) {
        best = alike;
        successor = { app: a.name, n };
      }
    }
  }
  const source = old.kind === 'PersistentVolume' ? volumeSource(old) : undefined;
  const dataAt = source ? ` (data in ${source[0]} ${dataPlace(source[1])})` : '';
  const lost =
    old.kind === 'PersistentVolume'
      ? 'and its data is left behind'
      : 'and the volume bound to it is released (or deleted, as its reclaim policy says)';
  const instead = successor
    ? `, while ${describeObject({ ...old, metadata: { ...old.metadata, name: successor.n.name } })} starts empty`
    : moved
      ? `, while ${describeObject({ ...old, metadata: { ...old.metadata, namespace: loaded.context.namespace } })} starts empty`
      : '';
  // (a claim its engine never prunes keeps its volume bound)
  const prune = pruning(delivery, old);
  const body =
    dir === `${DIST_DIR}/${loaded.context.name}/`
      ? `leaves ${dir}: ${deletedBy(prune)}${prune.how === 'kept' ? '' : `, ${lost}`}${instead}${keptOutOfSync(prune)}`
      : `is in ${dir}, the output of namespace ${loaded.context.namespace}, which stage ${loaded.context.name} now makes, but not in this stage's output: once it is deleted, ${lost.replace(/^and /, '')}${instead}`;
  const code = 'output/data-leaves';
  // a moved object's hint keeps it from the prune first where the engine prunes as the commit syncs or once resumed
  const note = unappliedNote(prune, kubectlTarget(old), moved && annotatedFirst(prune));
  if (successor) {
    const setting = ['apps', successor.app, ...successor.n.setting!];
    const keep = [`${formatFieldPath(setting)}: ${name}`];
    if (source && successor.n.data) keep.push(`${formatFieldPath(['apps', successor.app, ...successor.n.data])}: ${dataPlace(source[1])}`);
    return {
      code,
      severity: 'warning',
      location: loaded.locate(setting),
      message: `${what}${dataAt} ${body}`,
      hint: `to keep the data, set ${keep.join(' and ')}; to move it on purpose, copy the data over before ${prunedAt(prune)}${note}`,
    };
  }
  if (moved)
    return {
      code,
      severity: 'warning',
      location: loaded.locate(['namespace']),
      message: `${what}${dataAt} ${body}`,
      hint: `to keep the data, keep the stage's namespace (namespace: ${old.metadata.namespace}); to move it on purpose, ${
        prune.how === 'kubectl' || prune.how === 'never'
          ? `copy the data over before ${prunedAt(prune)}`
          : `${beforePruned(prune, loaded.context.name, [kubectlTarget(old)])}copy the data over, then delete it by hand`
      }${note}`,
    };
  const app = appOfFile(file);
  const place = placeOf(loaded, app, undefined);
  const hint = `to keep the data, keep the object in the stage (${app ? `apps.${app}, ` : ''}with its names: a renamed app keeps them through its stack's settings, e.g. the demoapp stack's database.names.* and database.hostPath); to remove it on purpose, back the data up before ${prunedAt(prune)}${note}`;
  return place.location
    ? { code, severity: 'warning', location: place.location, message: `${what}${dataAt} ${body}`, hint }
    : { code, severity: 'warning', subject: what, message: `it${dataAt} ${body}`, hint };
}

/**
 * A Namespace that leaves the output (the stage file's `namespace:` changed, or a manifests app no
 * longer includes one): `kubectl apply --prune` deletes it, and the API server then deletes
 * everything in it, also what no file of `dist/` holds: the Secrets the stage requires (its
 * `stagecraft.dev/required-secrets`), whose values are in no commit, and the claims its
 * StatefulSets made from their volumeClaimTemplates, with their data. One its engine never prunes
 * stays, and what no file of `dist/` holds with it, while the engine prunes the objects of `dist/`
 * in it one by one, as it prunes what leaves the stage.
 * @param file the file of the output it is in
 * @param objects the objects of the output it leaves
 * @param delivery the engine that delivers the stage and its sync policy, when one does
 */
export function namespaceLeaves(
  loaded: LoadedStage,
  old: KubeObject,
  file: string,
  objects: Iterable<KubeObject>,
  dir: string,
  delivery?: DeliveredBy,
): Problem {
  const name = String(old.metadata.name);
  // the stage's own (00-namespace.yaml), not one a manifests app includes (10-<app>.yaml)
  const app = appOfFile(file);
  const own = app === undefined;
  const inside = [...objects].filter((o) => o.metadata.namespace === name);
  const { secrets, claims: claimsOf } = namespaceHoldings(old, inside);
  const lost = [
    ...(secrets.length ? [`the Secrets ${secrets.join(', ')}, whose values are in no commit`] : []),
    ...(claimsOf.length ? [`the claims its StatefulSets made (${claimsOf.join(', ')}) with their data`] : []),
  ];
  const now = loaded.context.namespace;
  const prune = pruning(delivery, old);
  const moved = own && name !== now ? ` (the stage's namespace is ${now} now)` : '';
  // an engine that prunes deletes the claims of dist/ in it too, one by one
  const claims = inside.some((o) => o.kind === 'PersistentVolumeClaim') ? [`persistentvolumeclaim --all -n ${name}`] : [];
  const stage = loaded.context.name;
  let message = `${describeObject(old)} leaves ${dir}${moved}: ${deletedBy(prune)}`;
  let first: string;
  if (prune.how === 'kept') {
    // the Namespace stays, and what no file of dist/ holds with it; its engine prunes the rest as it prunes what leaves the stage
    const rest = stagePruning(prune.delivery!);
    message +=
      (lost.length ? `, and so does what no file of ${DIST_DIR}/ holds in it: ${lost.join('; ')}` : '') +
      (rest.how === 'never'
        ? `; nor does ${engineName(rest.delivery!.engine)} prune the objects of ${DIST_DIR}/ in it (it delivers the stage without prune)`
        : `; the objects of ${DIST_DIR}/ in it are pruned one by one ${prunedWhen(rest)}, unless they are kept from the prune too`) +
      keptOutOfSync(prune, describeObject(old));
    first = claims.length ? beforePruned(rest, stage, claims, `the claims of ${DIST_DIR}/ in it`, 'them') : '';
  } else {
    message += `, and with it everything in it${lost.length ? `, also what no file of ${DIST_DIR}/ holds: ${lost.join('; ')}` : ''}`;
    first = beforePruned(prune, stage, [kubectlTarget(old), ...claims]);
  }
  // a moved stage's hint keeps it from the prune first (`first`) where the engine prunes as the commit syncs or once resumed
  const note = unappliedNote(prune, kubectlTarget(old), moved !== '' && annotatedFirst(prune));
  // one a manifests app included: at that app (else, the app gone, at apps:)
  const hint = moved
    ? `to keep them, set namespace: ${name} back; to move the stage on purpose, ${first}make the Secrets in namespace ${now} and copy the data over, then delete namespace ${name} by hand${note}`
    : `to keep them, keep Namespace ${name} in the stage${app ? ` (among the files apps.${app} includes)` : ''}; to remove it on purpose, ${
        prune.how === 'kept' ? first : ''
      }back up what it holds before ${prunedAt(prune)}${note}`;
  const location = moved ? loaded.locate(['namespace']) : (placeOf(loaded, app, undefined).location ?? loaded.locate(['apps']));
  return { code: 'output/data-leaves', severity: 'warning', location, message, hint };
}

/**
 * What a Namespace holds that no file of `dist/` does, as the output that made it says: the Secrets
 * its stage requires (its `stagecraft.dev/required-secrets`) and the claims the StatefulSets among
 * `objects` in it make from their volumeClaimTemplates (`<template>-<statefulset>-*`).
 */
export function namespaceHoldings(namespace: KubeObject, objects: Iterable<KubeObject>): NamespaceHoldings {
  const name = namespace.metadata.name;
  const secrets = requiredSecretsOf(namespace).map((s) => s.name);
  const claims = [...objects]
    .filter((o) => o.kind === 'StatefulSet' && o.metadata.namespace === name)
    .flatMap((o) => {
      const templates = isRecord(o.spec) && Array.isArray(o.spec.volumeClaimTemplates) ? o.spec.volumeClaimTemplates : [];
      return templates.map((t) => `${String(isRecord(t) && isRecord(t.metadata) ? t.metadata.name : '')}-${String(o.metadata.name)}-*`);
    });
  return { secrets, claims };
}

/** How many characters `a` and `b` start with alike, plus how many they end with alike. */
function alikeEnds(a: string, b: string): number {
  const most = Math.min(a.length, b.length);
  let start = 0;
  while (start < most && a[start] === b[start]) start++;
  let end = 0;
  while (end < most - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return start + end;
}

/** Where a volume source keeps its data: a path (with its server), else the source as JSON. */
function dataPlace(source: unknown): string {
  if (!isRecord(source)) return JSON.stringify(source);
  if (typeof source.path === 'string') return typeof source.server === 'string' ? `${source.server}:${source.path}` : source.path;
  return JSON.stringify(source);
}
