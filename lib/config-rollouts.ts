/**
 * A ConfigMap whose data changes under its own name, read as environment variables by a workload
 * that does not change: the kubelet reads environment variables once, when a container starts, so
 * applying the change rolls nothing out and the pods keep the old values until they restart (the
 * `service` stack's and demoapp's ConfigMaps are named after a hash of their data, so their
 * workloads change with them; a `manifests` app's ConfigMap often is not). Pure: the ConfigMap as
 * it was and as it is, and the stage's new objects, in; a warning per workload that reads it out.
 */
import { isDeepStrictEqual } from 'node:util';
import type { includedPlaces } from './checks/manifests.js';
import type { LoadedStage } from './config/load.js';
import type { Problem } from './errors.js';
import { groupKind } from './k8s.js';
import { describeObject, isRecord, kubectlTarget, ownEntry, type KubeObject } from './model/object.js';
import { containersOf, envSourceKeys, workloadTemplateOf } from './model/pod-specs.js';
import { podSpecAsCreated, podTemplateWithDefaults } from './model/pod-defaults.js';
import { formatSelector, workloadSelector } from './checks/selectors.js';
import { entryKey } from './synth/inventory.js';
import { placeOf } from './setting-places.js';

/** How a workload's pods are restarted, so that they read their environment again (`w` the workload). */
type Restart = (w: KubeObject) => string;
const rolloutRestart: Restart = (w) => `kubectl rollout restart ${kubectlTarget(w, '/')}`;
const deletePods: Restart = () => 'delete its pods, which it replaces';
/** OpenKruise's kubectl plugin (kruise-tools), whose rollout restart takes a CloneSet only (its Advanced StatefulSet and DaemonSet: not supported). */
const kruiseRestart: Restart = (w) =>
  `kubectl kruise rollout restart cloneset/${String(w.metadata.name)}${w.metadata.namespace ? ` -n ${w.metadata.namespace}` : ''}`;

/**
 * The workloads whose pods run until replaced, by API group and kind (`group/kind`, as lib/k8s.ts
 * `groupKind`): whether applying a new pod template replaces their pods (`rollsOut`: a ReplicaSet's
 * or a ReplicationController's stay until they go), and how they are restarted. A custom workload
 * (lib/model/custom-workloads.ts) replaces its pods for a new template as a Deployment does: an Argo
 * Rollout through its steps, an OpenKruise CloneSet in place or anew. By group and kind: an
 * example.com/v1 Deployment runs no pods anyone knows of.
 */
const LONG_RUNNING: Readonly<Record<string, { readonly rollsOut: boolean; readonly restart: Restart }>> = {
  'apps/Deployment': { rollsOut: true, restart: rolloutRestart },
  'apps/DaemonSet': { rollsOut: true, restart: rolloutRestart },
  'apps/StatefulSet': { rollsOut: true, restart: rolloutRestart },
  'apps/ReplicaSet': { rollsOut: false, restart: deletePods },
  '/ReplicationController': { rollsOut: false, restart: deletePods },
  '/Pod': { rollsOut: false, restart: (w) => `kubectl delete ${kubectlTarget(w)}, then apply again` },
  'argoproj.io/Rollout': {
    rollsOut: true,
    restart: (w) => `kubectl argo rollouts restart ${String(w.metadata.name)}${w.metadata.namespace ? ` -n ${w.metadata.namespace}` : ''}`,
  },
  'apps.kruise.io/CloneSet': { rollsOut: true, restart: kruiseRestart },
  'apps.kruise.io/StatefulSet': { rollsOut: true, restart: deletePods },
  'apps.kruise.io/DaemonSet': { rollsOut: true, restart: deletePods },
};

/** The entry of LONG_RUNNING for `o`'s group and kind, if it has one. */
const longRunning = (o: KubeObject) =>
  typeof o.apiVersion === 'string' && typeof o.kind === 'string' ? ownEntry(LONG_RUNNING, groupKind(o.apiVersion, o.kind)) : undefined;

/**
 * Whether applying `now` over `old` (one workload) replaces its pods, so that they read their
 * environment again: a workload that rolls a new template out (LONG_RUNNING) whose pod template
 * changed, unless its updateStrategy is OnDelete (a change to its replicas or its own labels
 * replaces none; a ReplicaSet or ReplicationController never replaces its pods for a new template).
 * The templates are compared as the API server keeps them (lib/model/pod-defaults.ts), whose hash
 * names the new pods: `cpu: 1` now written `1000m`, or a default now written out, keeps the same
 * template and replaces no pod.
 */
export function rollsOut(old: KubeObject, now: KubeObject): boolean {
  if (!longRunning(now)?.rollsOut) return false;
  const strategy = isRecord(now.spec) && isRecord(now.spec.updateStrategy) ? now.spec.updateStrategy.type : undefined;
  return (
    strategy !== 'OnDelete' &&
    !isDeepStrictEqual(podTemplateWithDefaults(workloadTemplateOf(old)), podTemplateWithDefaults(workloadTemplateOf(now)))
  );
}

/**
 * A warning for each workload among `objects` that reads the ConfigMap `now` (changed from `old`)
 * as environment variables and is not itself among the `rolled` keys of the output (new, or its
 * pods replaced: `rollsOut`).
 * @param place where a problem about `now` goes in an included file, if it comes from one
 * @param app the app whose chart makes it: else, its place in the stage file
 */
export function configNotRolled(
  loaded: LoadedStage,
  old: KubeObject,
  now: KubeObject,
  objects: Iterable<KubeObject>,
  rolled: ReadonlySet<string>,
  place: ReturnType<typeof includedPlaces>,
  app?: string,
): Problem[] {
  if (now.immutable === true || ['data', 'binaryData'].every((k) => isDeepStrictEqual(old[k], now[k]))) return [];
  const name = String(now.metadata.name);
  const problems: Problem[] = [];
  for (const w of objects) {
    const running = longRunning(w);
    if (!running || w.metadata?.namespace !== now.metadata.namespace) continue;
    const keys = envSourceKeys(workloadTemplateOf(w)?.spec, 'ConfigMap').get(name);
    // the keys it reads (all, for envFrom): a change to another key changes none of its variables
    if (!keys || (keys !== 'all' && [...keys].every((k) => ['data', 'binaryData'].every((f) => sameKey(old[f], now[f], k))))) continue;
    const key = entryKey({
      apiVersion: w.apiVersion,
      kind: w.kind,
      namespace: w.metadata.namespace as string | undefined,
      name: String(w.metadata.name),
    });
    if (rolled.has(key)) continue;
    const code = 'output/config-not-rolled';
    const message = `its data changes, but ${describeObject(w)}, which reads it as environment variables, does not: kubectl apply rolls out nothing, and its pods keep the old values until they restart`;
    const hint = `after applying, restart them (${running.restart(w)}); or name the ConfigMap after its data (a new name with each change, as the service stack's config: does) so that the workload changes with it`;
    const location =
      place({ code, severity: 'warning', message, object: now, path: ['data'] }) ??
      placeOf(loaded, app, undefined).location ??
      loaded.locate(['apps']);
    problems.push({ code, severity: 'warning', location, message: `${describeObject(now)}: ${message}`, hint });
  }
  return problems;
}

/** The workloads, by group and kind, that make pods from a new template only to replace pods that go (a Deployment replaces them for it). */
const KEEPS_PODS = new Set(['apps/ReplicaSet', '/ReplicationController']);

/**
 * A warning when `now`, a ReplicationController or ReplicaSet, runs another pod spec than `old`
 * (compared as the pods each template makes, lib/model/pod-defaults.ts: a default now written out,
 * a Pod's `enableServiceLinks: true` too, changes nothing): applying it
 * changes the template only, and the running pods keep the old one until they are deleted. A change
 * of the template's labels alone (the release label) is not warned about: the pods still run the
 * same containers. Placed at the setting that gave a new image when one did, else at the app.
 * @param place where a problem about `now` goes in an included file, if it comes from one
 * @param app the app whose chart makes it
 */
export function templateNotRolled(
  loaded: LoadedStage,
  old: KubeObject,
  now: KubeObject,
  place: ReturnType<typeof includedPlaces>,
  app?: string,
): Problem | undefined {
  if (typeof now.apiVersion !== 'string' || !KEEPS_PODS.has(groupKind(now.apiVersion, now.kind))) return undefined;
  const before = workloadTemplateOf(old)?.spec;
  const after = workloadTemplateOf(now)?.spec;
  if (isDeepStrictEqual(podSpecAsCreated(before), podSpecAsCreated(after))) return undefined;
  const code = 'output/template-not-rolled';
  // the first container whose image changes, to say so and to place the warning at the setting that gave it
  const oldImages = new Map(containersOf(before).map((c) => [c.name, c.image]));
  const changed = containersOf(after).find((c) => oldImages.has(c.name) && oldImages.get(c.name) !== c.image);
  const what = changed
    ? `its image changes from ${String(oldImages.get(changed.name))} to ${String(changed.image)}`
    : 'its pod template changes';
  const message =
    `${what}, but a ${now.kind} makes pods from a new template only to replace pods that go: ` +
    'kubectl apply changes the template, and the running pods keep the old one until they are deleted';
  const ns = now.metadata.namespace ? ` -n ${String(now.metadata.namespace)}` : '';
  const selector = workloadSelector(now);
  const hint =
    `after applying, delete its pods one at a time (kubectl get pods${ns} -l '${selector ? formatSelector(selector) : '<its selector>'}', then kubectl delete pod${ns} <name>), ` +
    `each replaced from the new template before the next; or run it as a Deployment, which rolls a new template out itself`;
  const location =
    place({ code, severity: 'warning', message, object: now, path: ['spec', 'template'] }) ??
    placeOf(loaded, app, changed?.image, ['image']).location ??
    loaded.locate(['apps']);
  return { code, severity: 'warning', location, message: `${describeObject(now)}: ${message}`, hint };
}

/** Whether the key `key` of two `data` (or `binaryData`) maps has the same value, or is in neither. */
function sameKey(a: unknown, b: unknown, key: string): boolean {
  return isDeepStrictEqual(isRecord(a) ? a[key] : undefined, isRecord(b) ? b[key] : undefined);
}
