/**
 * Argo CD's first sync of a Namespace a stage makes: it runs the PreSync hooks before it applies
 * anything else of the stage, the Namespace included, whatever their sync waves (the PreSync phase
 * comes before the Sync phase). A PreSync hook in that Namespace (a team's migration Job, or a Helm
 * chart's pre-install hook, which Argo CD runs as one) is then refused ("namespaces ... not found"),
 * the sync fails before the Namespace is made, and so does every retry: the stage is never applied
 * (argo-cd#3762). The Application's `CreateNamespace=true` would not help: Argo CD makes no Namespace
 * that the manifests hold (gitops-engine autoCreateNamespace). Unless that Namespace is itself a
 * PreSync hook of an earlier wave, which Argo CD creates first, but also deletes, with all in it, as
 * a hook, unless its deletion policy is HookFailed alone. Whether a Namespace is in the cluster
 * no output tells: one new in the stage's output may be there already (adopted), and every one may
 * be missing from a cluster the stage moves to. Pure: lib/output-changes.ts finds the Namespaces
 * that are new in a stage's output and the hooks in them, and places the warning.
 */
import type { Problem, SourceLocation } from '../errors.js';
import type { FieldPath } from '../model/field-path.js';
import type { ClusterSpec } from '../config/delivery.js';
import { parseManifests } from '../checks/manifests.js';
import { ARGOCD_HOOK, HELM_HOOK, argoCdHook, argoCdPreSync } from '../model/hooks.js';
import { describeObject, isRecord, type KubeObject } from '../model/object.js';
import { NAMESPACE_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../model/sync-waves.js';
import { ENGINES } from '../model/engines.js';
import { goAtoi } from '../model/go-int.js';
import { hookDeletePolicies } from './recreated.js';
import { argoCdTarget, sameCluster, targetOf } from './target.js';

const CODE = 'delivery/first-sync-hook';

/** Cheap markers of a PreSync hook in a file's text (Argo CD's own, or a Helm hook it runs as one), before a file is parsed. */
const PRE_SYNC_MARKERS = ['PreSync', 'pre-install', 'pre-upgrade'];

/** Whether the text of an output file may hold a PreSync hook: only such a file is parsed. */
export const mayHoldPreSyncHook = (text: string): boolean => PRE_SYNC_MARKERS.some((m) => text.includes(m));

/** Helm's order of a hook, which Argo CD takes for the wave of an object that names no valid sync wave. */
const HELM_HOOK_WEIGHT = 'helm.sh/hook-weight';

/** `text` as Go's strconv.Atoi reads it on a 64-bit machine, else undefined (no number, or none it reads). */
function atoi(text: unknown): number | undefined {
  const value = typeof text === 'string' ? goAtoi(text) : undefined;
  return typeof value === 'bigint' ? Number(value) : undefined;
}

/**
 * An object's sync wave as Argo CD reads it (gitops-engine `pkg/sync/syncwaves` Wave): its sync-wave
 * annotation as an integer, else its Helm hook weight, else 0.
 */
function waveOf(o: KubeObject): number {
  const annotations = o.metadata.annotations;
  return atoi(annotations?.[SYNC_WAVE_ANNOTATION]) ?? atoi(annotations?.[HELM_HOOK_WEIGHT]) ?? 0;
}

/**
 * The warning for a Namespace Argo CD runs as a PreSync hook to make it before the hooks in it: Argo CD
 * deletes it by its deletion policy like any hook, and everything in it goes with it (argo-cd#3837), unless
 * that policy is HookFailed alone, which keeps a Namespace once made.
 */
function namespaceHook(namespace: KubeObject, place: (o: KubeObject, path: FieldPath) => SourceLocation | undefined): Problem | undefined {
  const annotations = namespace.metadata.annotations as Readonly<Record<string, string>>;
  const policies = hookDeletePolicies(annotations);
  if (policies.every((p) => p === 'HookFailed')) return undefined;
  const name = String(namespace.metadata.name);
  const when = policies.includes('BeforeHookCreation') ? 'before each sync creates it again' : "once each sync's PreSync phase succeeded";
  const message =
    `Argo CD runs this Namespace as a PreSync hook, so that it exists before the hooks in it, and as a hook deletes it by the deletion policy it takes ` +
    `(${policies.join(', ')}; BeforeHookCreation when none is written): ${when}, with everything in it (the stage's objects there and their data; argo-cd#3837)`;
  const hint =
    `annotate it argocd.argoproj.io/hook-delete-policy: HookFailed, alone, so that Argo CD keeps it once made; or make it an ordinary object of the stage ` +
    `and create it in the cluster before pushing this commit (kubectl create namespace ${name})`;
  const location = place(namespace, ['metadata', 'annotations', ARGOCD_HOOK in annotations ? ARGOCD_HOOK : HELM_HOOK]);
  return location
    ? { code: CODE, severity: 'warning', location, message: `${describeObject(namespace)}: ${message}`, hint }
    : { code: CODE, severity: 'warning', subject: describeObject(namespace), message, hint };
}

/**
 * The cluster that `dist/delivery/` as it is (`readDelivery`: a file of it by its path there) has
 * an engine apply `stage` to, in words, when it may be another than `cluster`, the one Argo CD now
 * applies it to (as the project file names it): there every Namespace of the stage may be missing.
 * Undefined when it is the same, or no engine delivered the stage.
 */
export function movedFrom(
  readDelivery: (path: string) => string | undefined,
  stage: string,
  cluster: ClusterSpec | undefined,
): string | undefined {
  const now = cluster && argoCdTarget(stage, cluster);
  if (!now) return undefined;
  for (const engine of ENGINES) {
    const text = readDelivery(`${engine}/10-${stage}.yaml`);
    if (text === undefined) continue;
    let objects: readonly KubeObject[];
    try {
      objects = parseManifests([{ file: `${engine}/10-${stage}.yaml`, text }]).objects;
    } catch {
      // a file that is no longer YAML (a merge conflict): nothing known of where the stage was
      continue;
    }
    const was = objects.map((o) => targetOf(o)).find((t) => t?.stage === stage);
    if (was) return sameCluster(was, now, [cluster]) === 'same' ? undefined : was.cluster;
  }
  return undefined;
}

/**
 * A warning for each of `objects` that Argo CD runs as a PreSync hook in a Namespace of `fresh`
 * (the Namespaces the stage's output makes that its output did not make before; every one when the
 * stage moves to another cluster, `from`), placed by `place` at its hook annotation (an included
 * manifest's object), else named; for a hook whose Namespace is a PreSync hook of an earlier wave, a
 * warning for that Namespace instead, which Argo CD deletes with everything in it (`namespaceHook`).
 * @param from the cluster the stage was applied to, in words, when it moves to another
 */
export function hooksBeforeTheirNamespace(
  objects: readonly KubeObject[],
  fresh: ReadonlySet<string>,
  place: (o: KubeObject, path: FieldPath) => SourceLocation | undefined,
  from?: string,
): Problem[] {
  // the Namespaces Argo CD itself creates in the PreSync phase, by name
  const early = new Map(
    objects.flatMap((o) =>
      o.kind === 'Namespace' && isRecord(o.metadata.annotations) && argoCdPreSync(o.metadata.annotations)
        ? [[String(o.metadata.name), o] as const]
        : [],
    ),
  );
  const problems: Problem[] = [];
  const warned = new Set<string>();
  for (const o of objects) {
    const ns = o.metadata?.namespace;
    if (typeof ns !== 'string' || !fresh.has(ns) || !isRecord(o.metadata.annotations) || !argoCdPreSync(o.metadata.annotations)) continue;
    const namespace = early.get(ns);
    if (namespace && waveOf(namespace) < waveOf(o)) {
      // made first, but deleted as a hook, once per Namespace
      const problem = warned.has(ns) ? undefined : namespaceHook(namespace, place);
      warned.add(ns);
      if (problem) problems.push(problem);
      continue;
    }
    const why = from
      ? `the stage now goes to another cluster than ${from}, where the Namespace ${ns} may not exist yet`
      : `the Namespace ${ns} is new to the stage's output, so it may not exist in the cluster yet`;
    const message =
      `Argo CD runs this PreSync hook before it applies anything else of the stage, and ${why}: if it does not, on its first sync ` +
      `the hook is refused (namespaces "${ns}" not found), and so is every retry, since the Namespace comes after it: the stage is never applied`;
    const hint =
      `if Namespace ${ns} does not exist in the cluster yet (kubectl get namespace ${ns}), create it there before pushing this commit (kubectl create namespace ${ns}), with what the hook reads from it ` +
      '(its Secrets, ConfigMaps and ServiceAccount: the first sync makes them after it too); Argo CD applies the rest over them. ' +
      'If the sync failed already, do so, then argocd app sync the stage, since Argo CD does not sync that commit again by itself';
    const location = place(o, ['metadata', 'annotations', ARGOCD_HOOK in o.metadata.annotations ? ARGOCD_HOOK : HELM_HOOK]);
    problems.push(
      location
        ? { code: CODE, severity: 'warning', location, message: `${describeObject(o)}: ${message}`, hint }
        : { code: CODE, severity: 'warning', subject: describeObject(o), message, hint },
    );
  }
  return problems;
}

const CRD_CODE = 'delivery/first-sync-crd';

/** The API group of an `apiVersion` (`external-secrets.io/v1` is `external-secrets.io`; `v1` is the core group, ''). */
const apiGroup = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/**
 * The group and kind a CustomResourceDefinition defines: its `spec.group` and `spec.names.kind`; the group of its
 * name (`<plural>.<group>`, which the API server requires) and any kind when its spec is not at hand (an object
 * recorded by its metadata alone).
 */
function definedKind(crd: KubeObject): { readonly group: string; readonly kind?: string } {
  const spec = isRecord(crd.spec) ? crd.spec : {};
  const names = isRecord(spec.names) ? spec.names : {};
  const name = String(crd.metadata.name ?? '');
  const group = typeof spec.group === 'string' ? spec.group : name.slice(name.indexOf('.') + 1);
  return typeof names.kind === 'string' ? { group, kind: names.kind } : { group };
}

/** Argo CD's phases of a sync that succeeds, in order: PreSync hooks, the Sync phase (every object of no hook, wave by wave), then PostSync hooks. */
const PRE_SYNC = 0;
const SYNC = 1;
const AFTER_SYNC = 2;

/**
 * When Argo CD applies `o` in a sync (gitops-engine orders by phase, then wave, then kind): a PreSync hook before
 * every object of the Sync phase whatever the waves, a PostSync one (a Helm post-install hook) after them, and the
 * others (an object of no hook, a `Sync` hook) in the Sync phase by wave; undefined for one it never applies (`Skip`,
 * a Helm test). A hook of several steps is taken at its first.
 */
function appliedAt(o: KubeObject): { readonly phase: number; readonly wave: number } | undefined {
  const annotations = isRecord(o.metadata.annotations) ? o.metadata.annotations : {};
  const hook = argoCdHook(annotations);
  if (hook === 'never') return undefined;
  // Argo CD's own `Sync` hook is applied with the Sync phase's objects; no Helm hook maps to it (lib/model/hooks.ts)
  const own = annotations[ARGOCD_HOOK];
  const sync = hook === undefined || (typeof own === 'string' && own.split(',').some((h) => h.trim() === 'Sync'));
  return { phase: argoCdPreSync(annotations) ? PRE_SYNC : sync ? SYNC : AFTER_SYNC, wave: waveOf(o) };
}

/** Whether Argo CD applies what is applied at `a` before what is applied at `b` (`appliedAt`). */
const before = (a: { phase: number; wave: number }, b: { phase: number; wave: number }): boolean =>
  a.phase < b.phase || (a.phase === b.phase && a.wave < b.wave);

/**
 * An error for each of `objects` (a stage Argo CD delivers, as its Application applies them) that Argo CD applies
 * before the CustomResourceDefinition of the stage that defines its kind (`appliedAt`: in an earlier sync wave, or as a
 * PreSync hook of any wave): a store a stage's ExternalSecrets read (wave -2, lib/model/sync-waves.ts) beside the
 * External Secrets Operator's CRDs (wave 0), say. Argo CD skips the dry run of a custom resource whose CRD is in the
 * same sync, then applies phase by phase and wave by wave: where the CRD is not in the cluster yet (the first sync, a
 * new cluster) the custom resource's apply is refused, the sync fails, and so does every retry; and a wave is started
 * only once the one before is healthy, which a custom resource its controller has not read yet (the operator, applied
 * with its CRDs) is not: Argo CD's health of a SecretStore stays Progressing ("Waiting for SecretStore") until then. A
 * PostSync hook (a Helm post-install hook, whatever its weight) comes after the CRD, and one Argo CD never applies is
 * none of its concern. Placed by `place` at the object's sync-wave annotation (an included manifest's; its hook
 * annotation for a PreSync hook), else named.
 */
export function definedAfter(
  objects: readonly KubeObject[],
  place: (o: KubeObject, path: FieldPath) => SourceLocation | undefined,
): Problem[] {
  const crds = objects.flatMap((o) => {
    const at = o.kind === 'CustomResourceDefinition' && apiGroup(o.apiVersion) === 'apiextensions.k8s.io' ? appliedAt(o) : undefined;
    return at ? [{ crd: o, at, defined: definedKind(o) }] : [];
  });
  if (crds.length === 0) return [];
  const problems: Problem[] = [];
  for (const o of objects) {
    const group = apiGroup(o.apiVersion);
    const at = appliedAt(o);
    const found = at && crds.find((c) => c.defined.group === group && (c.defined.kind ?? o.kind) === o.kind && before(at, c.at));
    if (!at || !found) continue;
    const { wave } = at;
    const crdName = String(found.crd.metadata.name);
    const crdAt =
      found.at.phase === SYNC
        ? `wave ${found.at.wave}`
        : found.at.phase === PRE_SYNC
          ? `a PreSync hook of wave ${found.at.wave}`
          : 'a hook Argo CD runs after the Sync phase';
    const preSync = at.phase === PRE_SYNC && found.at.phase !== PRE_SYNC;
    const refused =
      `where that CRD is not in the cluster yet (the first sync, or a sync to a new cluster) its apply is refused (no matches for kind "${o.kind}" in version "${o.apiVersion}"), ` +
      'the sync fails, and so does every retry, so the stage is never applied';
    const message = preSync
      ? `Argo CD runs it as a PreSync hook, before any object of the Sync phase, the CustomResourceDefinition ${crdName} that defines its kind (${crdAt}) too, in the same Application: ${refused}`
      : `Argo CD applies it ${at.phase === PRE_SYNC ? 'as a PreSync hook ' : ''}in sync wave ${wave}, before the CustomResourceDefinition ${crdName} that defines its kind (${crdAt}), in the same Application: ${refused}; ` +
        'and Argo CD starts a wave only once the one before is healthy, ' +
        "which a custom resource is only once its controller, applied with the CRD, has read it (a SecretStore stays Progressing, 'Waiting for SecretStore')";
    const operator = `deliver what defines and serves ${o.kind} (the operator: its CustomResourceDefinitions, Namespace, RBAC and Deployment) in a stage of its own that is synced first`;
    const hint = preSync
      ? `${operator}; or make ${o.kind} ${o.metadata.name ?? ''} no PreSync hook, so that Argo CD applies it in the Sync phase, in a later wave than its CRD`
      : `${operator}; ` +
        `or annotate each of them argocd.argoproj.io/sync-wave: "${Math.min(wave, Number(NAMESPACE_SYNC_WAVE)) - 1}" in the included manifests, a wave before ${o.kind} ${o.metadata.name ?? ''} and the stage's Namespace`;
    const annotations = o.metadata.annotations ?? {};
    const hookPath = ['metadata', 'annotations', ARGOCD_HOOK in annotations ? ARGOCD_HOOK : HELM_HOOK];
    const location =
      (preSync ? place(o, hookPath) : undefined) ??
      place(o, ['metadata', 'annotations', SYNC_WAVE_ANNOTATION]) ??
      place(o, ['metadata', 'name']);
    problems.push(
      location
        ? { code: CRD_CODE, location, message: `${describeObject(o)}: ${message}`, hint }
        : { code: CRD_CODE, subject: describeObject(o), message, hint },
    );
  }
  return problems;
}
