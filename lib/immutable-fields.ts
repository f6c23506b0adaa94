/**
 * The fields of an object that the API server will not change once it is created (Kubernetes'
 * ValidateXUpdate in pkg/apis/<group>/validation): a claim's spec but a growing storage request, a
 * PersistentVolume's source, a controller's selector, a Job's template, a Pod's spec (but for its images and what
 * POD_UPDATABLE allows), a Service's clusterIP, the
 * data of an immutable ConfigMap or Secret; and a ReplicationController's selector, which may change
 * but lets go of the pods it made (lib/selector-changes.ts). Pure: two versions of an object in, the refused changes
 * out (lib/field-changes.ts; lib/output-changes.ts says where they come from and what to do).
 */
import { isDeepStrictEqual } from 'node:util';
import { valueAt, type FieldPath } from './model/field-path.js';
import { isRecord, type KubeObject, kubectlTarget, ownEntry } from './model/object.js';
import { compareQuantities } from './model/quantity.js';
import { podTemplateWithDefaults, resourcesByValue, type ClassPriority } from './model/pod-defaults.js';
import { KEPT_ON_UPDATE, POD_FIXED, POD_UPDATABLE, podSpecCompared } from './model/pod-updates.js';
import { narrowed, specOf, type FieldChange } from './field-changes.js';
import { recreate, replicationControllerSelector } from './selector-changes.js';
import { chartClasses } from './synth/app-summary.js';
import type { RenderedChart } from './synth/rendered.js';
import { firstPin, movedDataHint } from './volume-nodes.js';

/** The fields of a PersistentVolume's spec that are not its volume source (the others are: hostPath, nfs, csi...). */
const PV_NON_SOURCE = new Set([
  'accessModes',
  'capacity',
  'claimRef',
  'mountOptions',
  'nodeAffinity',
  'persistentVolumeReclaimPolicy',
  'storageClassName',
  'volumeMode',
  'volumeAttributesClassName',
]);

/** Per kind, the spec fields the API server refuses to change (ValidateXUpdate in Kubernetes' pkg/apis/<group>/validation). */
export const IMMUTABLE_SPEC: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['selector'],
  ReplicaSet: ['selector'],
  DaemonSet: ['selector'],
  // all of its spec but replicas, template, updateStrategy, minReadySeconds and persistentVolumeClaimRetentionPolicy
  StatefulSet: ['selector', 'volumeClaimTemplates', 'serviceName', 'podManagementPolicy', 'revisionHistoryLimit'],
  // completions: until Kubernetes 1.27 (elastic Indexed Jobs)
  Job: ['selector', 'template', 'completionMode', 'completions'],
};

/**
 * Per kind, the values the API server gives immutable spec fields when a manifest leaves them out
 * (SetDefaults_* in Kubernetes' pkg/apis/<group>/v1/defaults.go): a manifest that now writes the
 * default (`podManagementPolicy: OrderedReady`, a claim's `volumeMode: Filesystem`) changes nothing
 * in the object, nor does one that no longer writes it (the update is defaulted again).
 */
const SPEC_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  StatefulSet: { podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 10 },
  Job: { completionMode: 'NonIndexed' },
  PersistentVolume: { volumeMode: 'Filesystem' },
  PersistentVolumeClaim: { volumeMode: 'Filesystem' },
};

/**
 * `o` (a version of `created`, the object as it was applied first) with the defaults the API server
 * gave its immutable fields: SPEC_DEFAULTS, those of a StatefulSet's claim templates (a claim's),
 * a Job's `completions: 1` when it was created with neither completions nor parallelism
 * (parallelism is then 1 too, so a completions removed later is not defaulted again), and those of
 * a Job's pod template (lib/model/pod-defaults.ts); a Pod's spec as podSpecCompared compares it
 * (with the PriorityClasses `classes`).
 */
function withDefaults(o: KubeObject, created: KubeObject, classes: ReadonlyMap<string, ClassPriority>): KubeObject {
  const spec: Record<string, unknown> = { ...specOf(o) };
  for (const [k, v] of Object.entries(ownEntry(SPEC_DEFAULTS, o.kind) ?? {})) spec[k] ??= v;
  if (o.kind === 'StatefulSet' && Array.isArray(spec.volumeClaimTemplates))
    spec.volumeClaimTemplates = spec.volumeClaimTemplates.map((t: unknown) =>
      isRecord(t) && isRecord(t.spec)
        ? { ...t, spec: { ...SPEC_DEFAULTS.PersistentVolumeClaim, ...t.spec, resources: resourcesByValue(t.spec.resources) } }
        : t,
    );
  const first = specOf(created);
  if (o.kind === 'Job' && spec.completions === undefined && first.completions === undefined && first.parallelism === undefined)
    spec.completions = 1;
  // a Job's template is compared as the API server keeps it: `terminationMessagePolicy: File` written now changes nothing
  if (o.kind === 'Job' && spec.template !== undefined) spec.template = podTemplateWithDefaults(spec.template);
  // a claim's resources by value: its limits may not change, `2Gi` written `2048Mi` is no change
  if (o.kind === 'PersistentVolumeClaim' && spec.resources !== undefined) spec.resources = resourcesByValue(spec.resources);
  if (o.kind === 'Pod') return { ...o, spec: podSpecCompared(spec, first, classes) };
  return { ...o, spec };
}

/**
 * The fields of a claim's spec that the cluster fills in when a manifest leaves them out, with a
 * value not known at synth time: the DefaultStorageClass admission plugin gives a new claim the
 * cluster's default class, and the volume controller binds it to a volume. A manifest that now
 * writes one is refused only when it writes another value (ValidatePersistentVolumeClaimUpdate).
 */
const CLUSTER_GIVEN: Readonly<Record<string, { readonly what: string; readonly unless?: string }>> = {
  storageClassName: { what: "the class the cluster gave it when it was made (the cluster's default StorageClass, if it had one)" },
  volumeName: { what: 'the volume the cluster bound it to', unless: ', or the claim is still unbound' },
};

/** The volume source of a PersistentVolume (`hostPath`, `nfs`...), as `[key, value]`, when it has one. */
export function volumeSource(pv: KubeObject): [string, unknown] | undefined {
  return Object.entries(specOf(pv)).find(([k]) => !PV_NON_SOURCE.has(k));
}

/** The changes of `old` into `now` (one kind, namespace and name) that the API server refuses. */
export function immutableChanges(old: KubeObject, now: KubeObject, charts: readonly RenderedChart[]): FieldChange[] {
  const a = specOf(old);
  const b = specOf(now);
  // compared with the defaults the API server gives what a manifest leaves out; shown as written
  const classes = old.kind === 'Pod' ? priorityClasses(charts) : new Map<string, ClassPriority>();
  const oldValues = withDefaults(old, old, classes);
  const newValues = withDefaults(now, old, classes);
  const changes: FieldChange[] = [];
  const differs = (path: FieldPath, why: string, hint?: (keep: string) => string, outcome?: FieldChange['outcome']) => {
    if (isDeepStrictEqual(valueAt(oldValues, path), valueAt(newValues, path))) return;
    // narrowed where the values differ as the API server sees them, shown as written
    const at = narrowed(oldValues, newValues, path);
    changes.push({
      path: at,
      before: valueAt(old, at),
      after: valueAt(now, at),
      why,
      ...(hint ? { hint } : {}),
      ...(outcome ? { outcome } : {}),
    });
  };
  switch (old.kind) {
    case 'PersistentVolumeClaim': {
      // Kubernetes 1.25: a claim's spec is immutable once created, but for its requests (to grow)
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        if (k === 'resources') continue;
        const why = "a claim's spec cannot change once it is created, only its storage request grow";
        const given = ownEntry(CLUSTER_GIVEN, k);
        if (given && a[k] === undefined && typeof b[k] === 'string') {
          const value = b[k];
          const ref = kubectlTarget(now);
          differs(
            ['spec', k],
            why,
            (keep) =>
              `see which it has (kubectl get ${ref} -o jsonpath='{.spec.${k}}'): if it is ${value}, nothing changes; else ${keep}, ` +
              `or delete it and apply again on purpose (kubectl delete ${ref}): the claim goes once no pod uses it, and its data with it unless copied first`,
            (fails) =>
              `but the claim has ${given.what}, which is not known at synth time: ${fails} (${why}) unless that is ${value}${given.unless ?? ''}`,
          );
        } else differs(['spec', k], why);
      }
      // only the storage request may change (grow): its limits are as fixed as the rest of the spec
      differs(['spec', 'resources', 'limits'], "a claim's spec cannot change once it is created, only its storage request grow");
      const path = ['spec', 'resources', 'requests', 'storage'];
      const order = compareQuantities(valueAt(now, path), valueAt(old, path));
      if (order === undefined || order === 0) break;
      if (order < 0) differs(path, 'a claim never shrinks', (keep) => `${keep}, or copy the data to a new claim of the new size`);
      else if (b.storageClassName === '')
        differs(
          path,
          'a claim without a storage class (storageClassName: "") cannot be resized',
          (keep) => `${keep}, or copy the data to a new claim and volume of the new size`,
        );
      else if (!expandable(b.storageClassName, charts))
        differs(
          path,
          `its StorageClass '${String(b.storageClassName)}' does not set allowVolumeExpansion: true`,
          (keep) => `${keep}, or set allowVolumeExpansion: true on the StorageClass`,
        );
      break;
    }
    case 'PersistentVolume':
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !PV_NON_SOURCE.has(k)).sort())
        differs(['spec', k], "a PersistentVolume's source cannot change once it is created");
      differs(['spec', 'volumeMode'], "a PersistentVolume's volumeMode cannot change once it is created");
      // a nodeAffinity may be given to a volume that had none, not changed once set; a node's directory
      // keeps its data on its node either way (lib/volume-nodes.ts)
      if (isRecord(a.nodeAffinity))
        differs(
          ['spec', 'nodeAffinity'],
          "a PersistentVolume's nodeAffinity cannot change once it is set",
          movedDataHint(old, now, charts),
        );
      else {
        const pin = firstPin(old, now, charts);
        if (pin) differs(pin.path, pin.why, pin.hint, pin.outcome);
      }
      break;
    case 'Service':
      // an explicit clusterIP other than the one the Service has: the API server refuses it; none
      // (or "") keeps the one it has, None too: a headless Service stays headless (kubernetes#120937)
      // (a Service made ExternalName loses its cluster IP, None too; a NodePort or LoadBalancer one may not keep None)
      if (b.clusterIP !== undefined && b.clusterIP !== '') differs(['spec', 'clusterIP'], "a Service's clusterIP cannot change");
      else if (a.clusterIP === 'None' && (b.type === 'NodePort' || b.type === 'LoadBalancer'))
        differs(
          ['spec', 'clusterIP'],
          `the API server keeps None where no clusterIP is given, and a ${String(b.type)} Service may not have clusterIP None`,
          (keep) =>
            `${keep} (type: ${String(a.type ?? 'ClusterIP')}, clusterIP: None), or, to make it a ${String(b.type)} Service, delete it and apply again on purpose (kubectl delete ${kubectlTarget(now)}: its clients cannot reach it in between)`,
        );
      else if (a.clusterIP === 'None' && (b.type ?? 'ClusterIP') === 'ClusterIP')
        differs(
          ['spec', 'clusterIP'],
          "a Service's clusterIP cannot change",
          (keep) =>
            `${keep} (clusterIP: None), or, to give the Service a cluster IP, delete it and apply again on purpose (its clients cannot reach it in between)`,
          'but the API server keeps None where no clusterIP is given: kubectl apply succeeds and the Service stays headless, with no cluster IP',
        );
      break;
    case 'Pod': {
      // a Pod placed by hand (nodeName) and moved to another node: the API server keeps a Pod where it was made
      const hint = (keep: string) =>
        `${keep}, or delete the Pod and apply again on purpose (kubectl delete ${kubectlTarget(now)}): it does not run in between`;
      const before = specOf(oldValues);
      const after = specOf(newValues);
      const className = a.priorityClassName;
      for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
        const updatable = ownEntry(POD_UPDATABLE, k);
        if (KEPT_ON_UPDATE.includes(k) && before[k] === undefined && after[k] !== undefined) {
          // the Pod's class is not the stage's: what it gave the Pod is not known here
          const ref = kubectlTarget(now);
          differs(
            ['spec', k],
            POD_FIXED,
            (keep) =>
              `see which it has (kubectl get ${ref} -o jsonpath='{.spec.${k}}'): if it is ${String(after[k])}, nothing changes; else ${keep}, ` +
              `or delete the Pod and apply again on purpose (kubectl delete ${ref}): it does not run in between`,
            (fails) =>
              `but the Pod has the ${k} its PriorityClass '${String(className)}' gave it when it was made, which is not known at synth time: ` +
              `${fails} (${POD_FIXED}) unless that is ${String(after[k])}`,
          );
        } else if (updatable === undefined) differs(['spec', k], POD_FIXED, hint);
        else if (!updatable.allowed(before[k], after[k])) differs(['spec', k], updatable.why, hint);
      }
      break;
    }
    case 'ReplicationController': {
      const change = replicationControllerSelector(old, now);
      if (change) changes.push(change);
      break;
    }
    case 'Secret':
    case 'ConfigMap':
      if (old.immutable === true)
        for (const k of ['data', 'binaryData', 'stringData', 'immutable'])
          differs(
            [k],
            `the ${old.kind} is immutable: true`,
            (keep) =>
              `${keep}, or give the new data another ${old.kind} name (and point its users at it), or delete it and apply again on purpose (kubectl delete ${kubectlTarget(old)})`,
          );
      break;
    default:
      for (const k of ownEntry(IMMUTABLE_SPEC, old.kind) ?? [])
        differs(
          ['spec', k],
          `a ${old.kind}'s spec.${k} cannot change once it is created`,
          (keep) => `${keep}, or ${recreate(old, now, k)}`,
        );
  }
  return changes;
}

/**
 * The PriorityClasses the stage makes, by name, with what each gives a Pod of it (a Pod's class is
 * often the cluster's own, not known here). An app from the render cache is not rendered again
 * for them: its summary keeps them (`chartClasses`).
 */
function priorityClasses(charts: readonly RenderedChart[]): Map<string, ClassPriority> {
  const classes = new Map<string, ClassPriority>();
  for (const c of charts) for (const [name, given] of chartClasses(c)?.priority ?? []) classes.set(name, given);
  return classes;
}

/**
 * Whether a claim of `storageClass` may grow: unless the stage makes that StorageClass without
 * allowVolumeExpansion: true (a class of the cluster's own is not known here, so not warned about).
 * An app from the render cache is not rendered again for it: its summary keeps it (`chartClasses`).
 */
function expandable(storageClass: unknown, charts: readonly RenderedChart[]): boolean {
  if (typeof storageClass !== 'string') return true;
  for (const c of charts) for (const [name, expands] of chartClasses(c)?.storage ?? []) if (name === storageClass) return expands;
  return true;
}
