/**
 * What a synthesis changes in a stage's output that the cluster cannot take as an update: an
 * object that holds data leaves the output (a PersistentVolumeClaim, or a PersistentVolume with a
 * volume source: `kubectl apply --prune` deletes it, and a renamed claim starts empty), or a field
 * the API server will not change is changed (a claim's volumeName, a Deployment's selector, a
 * Job's template...: the apply is refused), or a workload no longer writes spec.replicas (the apply
 * drops it to one pod), or its autoscaler leaves while it writes none (lib/replica-changes.ts). Found by comparing the new output with the stage's
 * output as it is (`dist/<stage>/`), as lib/live-edits.ts does: the two inventories say which
 * objects changed, and only the files that hold changed objects of the kinds below are read and
 * parsed, so a stage of 1,000 apps where one app changes reads that app's file (and none when only
 * objects of other kinds changed). Warnings, said once: the next synthesis compares with the
 * output this one wrote (not kept with the stage's warnings, which lib/cli/fingerprint.ts replays).
 * The comparison of the inventories is also the summary line's (lib/cli/output.ts), which reads
 * neither again.
 */
import type { LoadedStage } from './config/load.js';
import type { Engine } from './model/engines.js';
import type { Problem } from './errors.js';
import { objectsIn, type OutputReader } from './live-edits.js';
import { includedPlaces } from './checks/manifests.js';
import { formatFieldPath } from './model/field-path.js';
import { describeObject, type KubeObject, kubectlTarget, ownEntry } from './model/object.js';
import { STAGE_LABEL } from './model/labels.js';
import { DIST_DIR } from './synth/disk.js';
import { fileText, type StageFileTree } from './synth/file-content.js';
import {
  INVENTORY_FILE,
  compareInventories,
  entryKey,
  inventoryChanges,
  keyParts,
  parseInventory,
  type InventoryChanges,
} from './synth/inventory.js';
import { KUSTOMIZATION_FILE, chartFileName } from './synth/output.js';
import { chartHeads } from './synth/app-summary.js';
import { IMMUTABLE_SPEC, immutableChanges } from './immutable-fields.js';
import type { FieldChange } from './field-changes.js';
import type { RenderedChart } from './synth/rendered.js';
import { DATA_KINDS, engineName, holdsData, leaves, namespaceLeaves } from './data-leaves.js';
import { placeOf } from './setting-places.js';
import { SCALED_KINDS } from './model/kinds.js';
import { autoscalersLeaving, replicasReset } from './replica-changes.js';
import { requiredSecretChanges } from './required-secret-changes.js';
import { configNotRolled, rollsOut, templateNotRolled } from './config-rollouts.js';
import { FORCE_ANNOTATION, recreatedAtSync, type Recreation } from './delivery/recreated.js';
import { recreate } from './selector-changes.js';

/** Reads a file of the project, by its path from the project root (`StageSource.readSource`); undefined when there is none. */
type SourceReader = (path: string) => ReadonlyMap<string, string> | undefined;

/** The kinds compared: a change to an object of another kind never costs a file read. */
const WATCHED = new Set([
  'PersistentVolumeClaim',
  'PersistentVolume',
  'Service',
  'Secret',
  'ConfigMap',
  ...Object.keys(IMMUTABLE_SPEC),
  // a Pod's spec is fixed once it is created, but for its images (immutableChanges)
  'Pod',
  ...SCALED_KINDS,
  // the stage's own, for the Secrets it requires
  'Namespace',
]);

/** What a stage's new output changes in its output as it is, read once (`outputChanges`). */
export interface OutputComparison {
  /** Warnings about what the cluster cannot take: data that leaves, fields the API server will not update. */
  readonly problems: Problem[];
  /**
   * How the stage's objects changed from the inventory of its own output (`dist/<stage>/`), for the
   * summary line (lib/cli/output.ts); undefined when it has none (a new stage, even one compared
   * with the output of its namespace).
   */
  readonly changes?: InventoryChanges;
}

/**
 * Warnings about what `files` (the stage's new output, rendered as `charts`) changes in the
 * stage's output as it is (`readOutput`) that the cluster cannot take: data that leaves it, and
 * fields the API server will not update; and how its objects changed, for the summary line. The
 * inventories are compared once, for both: the warnings look only at the objects of the watched
 * kinds among those that changed.
 * @param pruner the engine that delivers the stage, when it prunes on its own as a commit syncs
 * @param engine the engine that delivers the stage, whatever its sync policy
 */
export function outputChanges(
  loaded: LoadedStage,
  charts: readonly RenderedChart[],
  files: StageFileTree,
  readOutput: OutputReader | undefined,
  readSource?: SourceReader,
  pruner?: Engine,
  engine?: Engine,
): OutputComparison {
  const newInventory = files.get(INVENTORY_FILE);
  const base = comparedOutput(loaded, readOutput, readSource);
  if (!base || newInventory === undefined) return { problems: [] };
  const { read: readOld, inventory: oldInventory, dir, own } = base;
  const newText = fileText(newInventory);
  // the same output (npm run check of a current stage): nothing to compare
  if (newText === oldInventory) return { problems: [], ...(own ? { changes: { added: [], changed: [], removed: [] } } : {}) };
  const all = inventoryChanges(oldInventory, newText);
  const changes = own ? all : undefined;
  // an inventory with git merge conflict markers is not compared for the summary; the warnings compare its lines, both sides'
  const compared = all.conflicted ? compareInventories(parseInventory(oldInventory), parseInventory(newText)) : all;
  // the watched objects that change, and the claims and volumes that leave (added: of the watched kinds)
  const changed = new Set(compared.changed.filter((k) => WATCHED.has(keyParts(k).kind)));
  const gone = new Set(compared.removed.filter((k) => DATA_KINDS.has(keyParts(k).kind)));
  // an autoscaler that leaves may leave its workload with no number of pods (autoscalersLeaving)
  const unscaled = compared.removed.filter((k) => keyParts(k).kind === 'HorizontalPodAutoscaler');
  // the objects that left and are read from the old output
  const sought = new Set([...gone, ...unscaled]);
  if (changed.size === 0 && sought.size === 0) return { problems: [], changes };
  const added = new Set(compared.added.filter((k) => WATCHED.has(keyParts(k).kind)));

  // a changed object is read from its chart's file, old and new; one that left from the old files
  // that are gone, else from those of the charts that changed (a claim removed from an app that
  // stays changes some other object of it, as a rule), else from every other old file
  const chartOf = new Map<string, string>();
  const changedFiles = new Set<string>();
  // (an object is keyed only when its name is one of theirs, unless a claim or volume left: a
  // one-app change of a 1,000-app stage would key 15,000 objects for the one or two that changed)
  const names = sought.size ? undefined : new Set([...changed].map((k) => k.slice(Math.max(k.lastIndexOf(' '), k.lastIndexOf('/')) + 1)));
  for (const c of charts) {
    for (const o of chartHeads(c)) {
      if (names && !names.has(String(o.metadata?.name))) continue;
      const key = keyOf(o);
      chartOf.set(key, c.name);
      if (added.has(key) || changed.has(key)) changedFiles.add(chartFileName(c.name));
    }
  }
  const oldObjects = new Map<string, { object: KubeObject; file: string }>();
  const newObjects = new Map<string, KubeObject>();
  const readFiles = new Set<string>();
  const readOldFile = (file: string) => {
    readFiles.add(file);
    for (const o of objectsIn(readOld(file))) oldObjects.set(keyOf(o), { object: o, file });
  };
  for (const file of new Set([...changed].map((k) => chartFileName(chartOf.get(k)!)))) {
    readOldFile(file);
    const content = files.get(file);
    if (content !== undefined) for (const o of objectsIn(fileText(content))) newObjects.set(keyOf(o), o);
  }
  if (sought.size) {
    const resources = oldResources(readOld).filter((f) => !readFiles.has(f));
    const missing = () => [...sought].some((k) => !oldObjects.has(k));
    for (const f of resources) if (!files.has(f)) readOldFile(f);
    if (missing()) for (const f of resources) if (changedFiles.has(f) && !readFiles.has(f)) readOldFile(f);
    // a Namespace that leaves takes the claims of the StatefulSets in it: every file is read for them
    const namespace = [...gone].some((k) => keyParts(k).kind === 'Namespace');
    if (namespace || missing()) for (const f of resources) if (!readFiles.has(f)) readOldFile(f);
  }

  const problems: Problem[] = [];
  // every object that is new, and each workload whose pods the apply replaces: one that changes with its ConfigMap rolls out
  // (a changed object of a kind not read is taken as rolled out: no warning said wrongly)
  let rolled: Set<string> | undefined;
  const rolledOut = () =>
    (rolled ??= new Set([
      ...compared.added,
      ...compared.changed.filter((k) => {
        const old = oldObjects.get(k)?.object;
        const now = newObjects.get(k);
        return !old || !now || rollsOut(old, now);
      }),
    ]));
  let heads: KubeObject[] | undefined;
  const allHeads = () => (heads ??= charts.flatMap((c) => chartHeads(c)));
  const included = includedPlaces(loaded.context.files, loaded.context.namespace);
  for (const key of [...gone].sort()) {
    const old = oldObjects.get(key);
    if (old?.object.kind === 'Namespace')
      problems.push(
        namespaceLeaves(
          loaded,
          old.object,
          old.file,
          [...oldObjects.values()].map((o) => o.object),
          dir,
          pruner,
        ),
      );
    else if (old && holdsData(old.object)) problems.push(leaves(loaded, old.object, old.file, added, dir, pruner));
  }
  // the workloads replicasReset warned about
  const resetWorkloads = new Set<string>();
  for (const key of [...changed].sort()) {
    const old = oldObjects.get(key)?.object;
    const now = newObjects.get(key);
    if (!old || !now) continue;
    // what the engine deletes and creates anew (a hook, an object it is told to force) has no update to refuse: harmless
    // for a hook and a Job (it runs again), not for a workload's pods, a Service's clients, a claim's data (refused says so)
    const recreation = recreatedAtSync(engine, now);
    if (!recreation || holdsData(now) || (recreation.when !== 'hook' && now.kind !== 'Job'))
      for (const change of immutableChanges(old, now, charts))
        problems.push(refused(loaded, old, now, change, chartOf.get(key), included, engine, recreation));
    const reset = replicasReset(
      loaded,
      old,
      now,
      allHeads,
      [...oldObjects.values()].map((o) => o.object),
      chartOf.get(key),
      included,
      engine,
    );
    if (reset) {
      problems.push(reset);
      resetWorkloads.add(key);
    }
    if (now.kind === 'ConfigMap') problems.push(...configNotRolled(loaded, old, now, allHeads(), rolledOut(), included, chartOf.get(key)));
    const kept = templateNotRolled(loaded, old, now, included, chartOf.get(key));
    if (kept) problems.push(kept);
    if (now.kind === 'Namespace' && now.metadata.name === loaded.context.namespace)
      problems.push(...requiredSecretChanges(loaded, old, now, charts));
  }
  const leaving = unscaled.flatMap((k) => oldObjects.get(k)?.object ?? []);
  if (leaving.length) problems.push(...autoscalersLeaving(loaded, leaving, charts, included, (o) => resetWorkloads.has(keyOf(o))));
  return { problems, changes };
}

/** The output this synthesis is compared with: how to read its files, its inventory, and its directory as messages name it. */
interface ComparedOutput {
  readonly read: OutputReader;
  readonly inventory: string;
  readonly dir: string;
  /** Whether it is the stage's own output (`dist/<stage>/`), not its namespace's. */
  readonly own: boolean;
}

/**
 * The stage's output as it is; for a stage that has none yet whose namespace names the output of
 * a stage whose file is gone (a stage renamed, keeping its namespace: qa.yaml -> staging.yaml with
 * `namespace: qa`), that output, whose objects in the namespace this stage now makes. Not the
 * output of a stage that is still there (two stages may share a namespace on two clusters).
 */
function comparedOutput(
  loaded: LoadedStage,
  readOutput: OutputReader | undefined,
  readSource: SourceReader | undefined,
): ComparedOutput | undefined {
  if (!readOutput) return undefined;
  const { name, namespace } = loaded.context;
  const own = readOutput(INVENTORY_FILE);
  if (own !== undefined) return { read: readOutput, inventory: own, dir: `${DIST_DIR}/${name}/`, own: true };
  if (namespace === name) return undefined;
  // a namespace is a DNS label: `../<namespace>/` stays in dist/
  const read: OutputReader = (file) => readOutput(`../${namespace}/${file}`);
  const inventory = read(INVENTORY_FILE);
  if (inventory === undefined || stageFileKept(inventory, readSource)) return undefined;
  return { read, inventory, dir: `${DIST_DIR}/${namespace}/`, own: false };
}

/** Whether the stage file an inventory was made from (its `source:` line) is still in the project. */
function stageFileKept(inventory: string, readSource: SourceReader | undefined): boolean {
  const file = /^source: (\S+) /m.exec(inventory)?.[1];
  if (!readSource || file === undefined) return false;
  try {
    return readSource(file) !== undefined;
  } catch {
    // a file there that cannot be read is still there
    return true;
  }
}

const keyOf = (o: KubeObject) =>
  entryKey({
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.metadata?.namespace as string | undefined,
    name: String(o.metadata?.name),
  });

/** The chart files the output's kustomization lists. */
function oldResources(readOutput: OutputReader): string[] {
  const text = readOutput(KUSTOMIZATION_FILE);
  return text ? [...text.matchAll(/^ {2}- (\S+)$/gm)].map((m) => m[1]) : [];
}

/**
 * A change the API server refuses, at the setting that gave the new value when there is one, else
 * at the field in the included file the object came from (a manifests app's), else at the app. In
 * a stage an engine delivers that deletes and creates the object anew (`recreation`), what that
 * does instead.
 */
function refused(
  loaded: LoadedStage,
  old: KubeObject,
  now: KubeObject,
  change: FieldChange,
  app: string | undefined,
  included: ReturnType<typeof includedPlaces>,
  engine: Engine | undefined,
  recreation: Recreation | undefined,
): Problem {
  const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' && v !== '' ? v : JSON.stringify(v));
  const code = 'output/immutable-field';
  // a Secret's values are never shown, nor looked for among the settings
  const secret = now.kind === 'Secret';
  const what = secret ? 'changes' : `changes from ${show(change.before)} to ${show(change.after)}`;
  const place = placeOf(loaded, app, secret ? undefined : change.after, change.path);
  const keep = place.setting && !secret ? `set ${place.setting} back to ${show(change.before)}` : 'keep the old value';
  // (a change the API server takes, or refuses only at times, is said as it is: change.outcome)
  const instead = recreation && engine && !change.outcome ? recreated(old, now, change, engine, recreation, keep) : undefined;
  const fails = REFUSED_APPLY[engine ?? 'kubectl'];
  const outcome = typeof change.outcome === 'function' ? change.outcome(fails) : change.outcome;
  const body = `${formatFieldPath(change.path)} ${what}, ${outcome ?? `which the API server refuses (${change.why}): ${instead?.outcome ?? fails}`}`;
  const location =
    (place.setting ? undefined : included({ code, severity: 'warning', message: body, object: now, path: change.path })) ?? place.location;
  // a Job (of an included manifest: no stack makes one) that is to run again at each release: the engine can recreate it itself
  const forced =
    now.kind === 'Job' && engine
      ? `; or, so that ${engineName(engine)} deletes and creates it anew whenever its update is refused, annotate it in its file ${FORCE_ANNOTATION[engine]}`
      : '';
  // a team's Job whose template lost the labels stagecraft wrote into it before (an upgrade past
  // adopt3, which keeps templates as written): the old value is no file's to keep
  const unlabelled =
    now.kind === 'Job' &&
    change.path[1] === 'template' &&
    `${change.path.join()}${JSON.stringify(change.before)}`.includes(STAGE_LABEL) &&
    !JSON.stringify(change.after ?? null).includes(STAGE_LABEL);
  const fix =
    change.hint?.(keep) ??
    `${keep}, or delete it and apply again on purpose (kubectl delete ${kubectlTarget(now)})${ownEntry(COST, now.kind) ?? ''}`;
  // where the fix deletes the object by hand and the engine's sync is refused (not a change the API server takes): when to delete it
  const byHand =
    engine && typeof change.outcome !== 'string' && fix.includes(`kubectl delete ${kubectlTarget(now)}`) ? DELETED_BY_HAND[engine] : '';
  const hint = unlabelled
    ? `stagecraft no longer writes its labels (nor, on amd64, its node selector) into an included pod template, so there is no old value to keep: delete the Job before this apply (kubectl delete ${kubectlTarget(now)}); applied, it runs again${forced}`
    : (instead?.hint ?? `${fix}${byHand}${forced}`);
  return location
    ? { code, severity: 'warning', location, message: `${describeObject(now)}: ${body}`, hint }
    : { code, severity: 'warning', subject: describeObject(now), message: body, hint };
}

/**
 * What a refused update does where the stage is applied. Argo CD applies wave by wave: the object's
 * wave fails, so the waves after it and the PostSync hooks are not applied, and an automated sync
 * whose retries are spent is not tried again for that commit (gitops-engine, appcontroller
 * autoSync). Flux's server-side dry-run of every object comes before any apply (fluxcd/pkg ssa
 * ApplyAll): nothing of the stage is applied but its Namespaces and CRDs (ApplyAllStaged's first
 * stage), and the Kustomization is tried again at its retryInterval (lib/delivery/flux.ts).
 */
const REFUSED_APPLY: Readonly<Record<Engine | 'kubectl', string>> = {
  kubectl: 'kubectl apply fails on it',
  argocd:
    "Argo CD's sync of the stage fails on it, refused by the API server: the Application stays OutOfSync, what comes in later sync waves is not applied, " +
    'and once its retries are spent Argo CD does not sync that commit again by itself',
  flux:
    "Flux's apply of the stage fails on it (its dry-run is refused), so nothing of the stage is applied but its Namespaces and CRDs: " +
    'the Kustomization is not ready, tried again every 2 minutes, and the stages that depend on it wait',
};

/**
 * In a stage an engine delivers, when to delete by hand an object whose update is refused, and what
 * applies it anew: deleted before the commit is pushed, the engine's next sync (a self-heal, Flux's
 * interval) makes it again from the commit before, as it was.
 */
const DELETED_BY_HAND: Readonly<Record<Engine, string>> = {
  argocd:
    '; Argo CD delivers the stage: delete it only once this commit is pushed and its sync has failed (deleted before, a sync of the commit before makes it again as it was), ' +
    'then sync the stage by hand (argocd app sync <its Application>), since Argo CD does not sync that commit again by itself',
  flux:
    '; Flux delivers the stage: delete it only once this commit is pushed and its apply has failed (deleted before, an apply of the commit before makes it again as it was); ' +
    'Flux applies it anew at its next try, within 2 minutes (flux reconcile kustomization <its Kustomization> does it at once)',
};

/** What deleting an object costs, by kind: the data of a claim or volume, a Service's clients for a while. */
const COST: Readonly<Record<string, string>> = {
  PersistentVolumeClaim: ': the claim goes once no pod uses it, and its data with it unless copied first',
  PersistentVolume: ': its data goes with it unless copied first',
  Service: ': its clients cannot reach it in between',
};

/** How an engine deletes and creates anew an object it recreates, by when; one phrase per case, for every kind. */
const RECREATED: Readonly<Record<Recreation['when'], (engine: string, by: string) => string>> = {
  hook: (engine) => `${engine} deletes it before each sync creates it again`,
  refused: (engine, by) => `${engine} deletes and recreates it (${by})`,
  'every-sync': (engine, by) => `${engine} deletes and recreates it at every sync, changed or not (${by})`,
};

/** The kinds whose pods go with them when they are deleted with background (or foreground) propagation, as the engines delete. */
const POD_OWNERS = new Set([...SCALED_KINDS, 'DaemonSet']);

/**
 * What the engine does in place of the refused update of `now`, which it deletes and creates anew
 * (Flux, with background propagation: a workload's pods all go at once, fluxcd/pkg#603), and how
 * to avoid what that costs: a workload's pods kept by deleting it by hand with `--cascade=orphan`
 * once the annotation that forces it is gone; a claim's data kept by removing that annotation.
 */
function recreated(
  old: KubeObject,
  now: KubeObject,
  change: FieldChange,
  engine: Engine,
  recreation: Recreation,
  keep: string,
): { outcome: string; hint: string } {
  const name = engineName(engine);
  const { by } = recreation;
  const deletes = RECREATED[recreation.when](name, by);
  if (now.kind === 'PersistentVolumeClaim' || now.kind === 'PersistentVolume') {
    // a claim in use is deleted only once no pod uses it
    const data =
      now.kind === 'PersistentVolumeClaim'
        ? `${deletes}, empty, once no pod uses it: its data goes with it`
        : `${deletes}: its data goes with it unless copied first`;
    const remove = recreation.when === 'hook' ? 'make it no hook' : `remove ${by}`;
    return {
      outcome: data,
      hint: `${keep}, and ${remove}, so that ${name} never deletes it with its data; to change it on purpose, copy the data first`,
    };
  }
  if (POD_OWNERS.has(now.kind)) {
    const field = String(change.path[1] ?? '');
    return {
      outcome: `${deletes}; its pods are deleted with it, all at once`,
      hint: `${keep}; or, so that its pods keep running, remove ${by} in this commit (${name}'s apply is then refused, deleting nothing) and, once it is pushed, ${recreate(old, now, field)}`,
    };
  }
  const cost = now.kind === 'Pod' ? ': the pod stops, and starts anew' : (ownEntry(COST, now.kind) ?? '');
  return { outcome: `${deletes}${cost}`, hint: `${keep}; or let ${name} recreate it${cost ? ` (${cost.slice(2)})` : ''}` };
}
