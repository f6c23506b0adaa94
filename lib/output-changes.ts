/**
 * What a synthesis changes in a stage's output that the cluster cannot take as an update: an
 * object that holds data leaves the output (a PersistentVolumeClaim, or a PersistentVolume with a
 * volume source: `kubectl apply --prune` deletes it, and a renamed claim starts empty), or a field
 * the API server will not change is changed (a claim's volumeName, a Deployment's selector, a
 * Job's template...: the apply is refused, said by lib/refused-changes.ts), or a workload no longer writes spec.replicas (the apply
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
import type { DeliveredBy } from './model/engines.js';
import type { Problem } from './errors.js';
import { objectsIn, type OutputReader } from './live-edits.js';
import { includedPlaces } from './checks/manifests.js';
import type { KubeObject } from './model/object.js';
import { DIST_DIR } from './synth/disk.js';
import { fileText, type StageFileTree } from './synth/file-content.js';
import { INVENTORY_FILE, entryKey, inventorySource, keyParts, parseInventory } from './synth/inventory.js';
import { compareInventories, inventoryChanges, type InventoryChanges } from './synth/inventory-changes.js';
import { KUSTOMIZATION_FILE, chartFileName } from './synth/output.js';
import { chartHeads } from './synth/app-summary.js';
import { IMMUTABLE_SPEC, immutableChanges } from './immutable-fields.js';
import type { RenderedChart } from './synth/rendered.js';
import { DATA_KINDS, holdsData, leaves, namespaceLeaves } from './data-leaves.js';
import { SCALED_KINDS, isAutoscaler } from './model/kinds.js';
import { autoscalersLeaving, replicasReset } from './replica-changes.js';
import { requiredSecretChanges } from './required-secret-changes.js';
import { configNotRolled, rollsOut, templateNotRolled } from './config-rollouts.js';
import { recreatedAtSync } from './delivery/recreated.js';
import { notUpdated } from './delivery/object-options.js';
import { appliedAgain, refused } from './refused-changes.js';
import { secretValues } from './checks/secret-texts.js';
import { hooksBeforeTheirNamespace, mayHoldPreSyncHook, movedFrom } from './delivery/first-sync.js';
import { DELIVERY_DIR } from './delivery/index.js';
import { relabeledOnly } from './label-only-changes.js';
import type { ClusterSpec } from './config/delivery.js';

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
 * @param delivery the engine that delivers the stage and its sync policy, when one does
 * @param cluster the cluster the engine applies the stage to, as the project file names it, when one does
 */
export function outputChanges(
  loaded: LoadedStage,
  charts: readonly RenderedChart[],
  files: StageFileTree,
  readOutput: OutputReader | undefined,
  readSource?: SourceReader,
  delivery?: DeliveredBy,
  cluster?: ClusterSpec,
): OutputComparison {
  const base = comparedOutput(loaded, readOutput, readSource);
  const compared = comparedChanges(loaded, charts, files, base, delivery);
  // a PreSync hook in a Namespace that Argo CD makes at this sync: said once, as the output that makes it (or moves it to another cluster) is written
  const inventory = files.get(INVENTORY_FILE);
  const argocd = delivery?.engine === 'argocd' && readOutput && inventory !== undefined;
  const from = argocd ? movedFrom((f) => readOutput(`../${DELIVERY_DIR}/${f}`), loaded.context.name, cluster) : undefined;
  const first = argocd ? firstSyncHooks(loaded, files, fileText(inventory), from === undefined ? base?.inventory : undefined, from) : [];
  return first.length ? { ...compared, problems: [...first, ...compared.problems] } : compared;
}

/**
 * The PreSync hooks Argo CD runs before it makes their Namespace (lib/delivery/first-sync.ts): in a
 * Namespace the new inventory has and the old one (`before`, when there is one) had not; in any,
 * when the stage moves to another cluster (`from`). Only the output files that may hold such a hook
 * are parsed, and only when a Namespace is new.
 */
function firstSyncHooks(loaded: LoadedStage, files: StageFileTree, after: string, before: string | undefined, from?: string): Problem[] {
  // the same inventory (a current stage, the usual check) has no new Namespace: not parsed twice
  if (before === after) return [];
  const namespaces = (text: string) =>
    new Set(
      [...parseInventory(text).keys()].map(keyParts).flatMap((k) => (k.kind === 'Namespace' && k.namespace === undefined ? [k.name] : [])),
    );
  const had = before === undefined ? new Set<string>() : namespaces(before);
  const fresh = new Set([...namespaces(after)].filter((n) => !had.has(n)));
  if (fresh.size === 0) return [];
  const objects = [...files].flatMap(([file, content]) => {
    if (!file.endsWith('.yaml')) return [];
    const text = fileText(content);
    return mayHoldPreSyncHook(text) ? objectsIn(text) : [];
  });
  const included = includedPlaces(loaded.context.files, loaded.context.namespace);
  return hooksBeforeTheirNamespace(
    objects,
    fresh,
    (object, path) => included({ code: 'delivery/first-sync-hook', severity: 'warning', message: '', object, path }),
    from,
  );
}

/** What `outputChanges` compares with the stage's output as it is (`base`): its warnings, and the summary line's changes. */
function comparedChanges(
  loaded: LoadedStage,
  charts: readonly RenderedChart[],
  files: StageFileTree,
  base: ComparedOutput | undefined,
  delivery: DeliveredBy | undefined,
): OutputComparison {
  const engine = delivery?.engine;
  const newInventory = files.get(INVENTORY_FILE);
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
  const unscaled = compared.removed.filter((k) => isAutoscaler(keyParts(k)));
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
  // the values of every Secret of the files read, either side, hidden in what a warning prints (as npm run diff hides them)
  let secrets: readonly string[] | undefined;
  const stageSecrets = () => (secrets ??= secretValues([...[...oldObjects.values()].map((o) => o.object), ...newObjects.values()]));
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
          delivery,
        ),
      );
    else if (old && holdsData(old.object)) problems.push(leaves(loaded, old.object, old.file, added, dir, delivery));
  }
  // the workloads replicasReset warned about
  const resetWorkloads = new Set<string>();
  for (const key of [...changed].sort()) {
    const old = oldObjects.get(key)?.object;
    const now = newObjects.get(key);
    if (!old || !now) continue;
    // what Flux never updates (ssa: IfNotPresent or Ignore, reconcile: disabled) has no update to refuse, nor any other change it applies
    if (notUpdated(engine, now)) continue;
    // what the engine deletes and creates anew (a hook, an object it is told to force) has no update to refuse: harmless
    // for a hook and a Job (it runs again), not for a workload's pods, a Service's clients, a claim's data (refused says so)
    const recreation = recreatedAtSync(engine, now, old);
    const immutable =
      !recreation || holdsData(now) || (recreation.when !== 'hook' && now.kind !== 'Job') ? immutableChanges(old, now, charts) : [];
    for (const change of immutable)
      problems.push(refused(loaded, old, now, change, chartOf.get(key), included, delivery, recreation, stageSecrets()));
    // what Flux did not update before holds what an older commit applied, which no output here shows (one it recreates is not refused)
    const skipped = recreation ? undefined : notUpdated(engine, old);
    const again =
      skipped &&
      appliedAgain(
        loaded,
        now,
        skipped,
        chartOf.get(key),
        included,
        delivery!,
        immutable.map((c) => c.path),
      );
    if (again) problems.push(again);
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
  // the objects of the files read whose release label alone changed, listed apart by the summary
  const relabeled = changes && !changes.conflicted ? relabeledOnly(changes.changed, oldObjects, newObjects) : [];
  return { problems, changes: changes && relabeled.length ? { ...changes, relabeled } : changes };
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
  const file = inventorySource(inventory)?.file;
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
