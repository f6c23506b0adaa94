/**
 * What changing a workload's fixed field takes, for lib/immutable-fields.ts: a ReplicationController's
 * selector, which the API server takes but which lets go of the pods it made, and how to replace a
 * workload whose selector (or another fixed field) changes, with what happens to its pods. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { formatSelector, selectorMatches, workloadSelector } from './checks/selectors.js';
import { narrowed, specOf, type FieldChange } from './field-changes.js';
import { valueAt } from './model/field-path.js';
import { isRecord, kubectlTarget, type KubeObject } from './model/object.js';
import { workloadTemplateOf } from './model/pod-specs.js';

/** A ReplicationController's selector as its manifest writes it (a mapping of labels), or undefined. */
function writtenSelector(o: KubeObject): Record<string, string> | undefined {
  const selector = specOf(o).selector;
  return isRecord(selector) && Object.keys(selector).length ? (selector as Record<string, string>) : undefined;
}

const templateLabels = (o: KubeObject) => (workloadTemplateOf(o)?.metadata?.labels ?? {}) as Record<string, string>;
const labelSelector = (matchLabels: Record<string, string>) => ({ matchLabels, matchExpressions: [] });

/**
 * What `kubectl apply` does with a ReplicationController's selector, which may change
 * (ValidateReplicationControllerUpdate) but must match its template's labels. Written by neither
 * manifest, it stays the one the API server gave it from its template's labels when it was created
 * (SetDefaults_ReplicationController defaults it then, and apply leaves a field it never applied:
 * kubernetes#26202), so new labels it does not match are refused. Else the pods it made that no
 * longer match it are let go, and keep running.
 */
export function replicationControllerSelector(old: KubeObject, now: KubeObject): FieldChange | undefined {
  const was = writtenSelector(old) ?? templateLabels(old);
  const labels = templateLabels(now);
  const ns = now.metadata.namespace ? ` -n ${now.metadata.namespace}` : '';
  const shown = formatSelector(labelSelector(was));
  if (!writtenSelector(old) && !writtenSelector(now)) {
    if (selectorMatches(labelSelector(was), labels)) return undefined;
    // shown where the labels differ (a label of the stage's, which the labels transform adds, is the same in both)
    const path = narrowed(old, now, ['spec', 'template', 'metadata', 'labels']);
    return {
      path,
      before: valueAt(old, path),
      after: valueAt(now, path),
      why:
        'its selector no longer matches its labels: written in neither manifest, the selector stays what the API server gave it from ' +
        'its labels when it was created, since kubectl apply leaves a field it never applied',
      hint: (keep) =>
        `${keep}; or write spec.selector, of labels the new template has, which the API server takes, letting go of the pods it made; ` +
        `or delete the ReplicationController and apply again on purpose (kubectl delete ${kubectlTarget(now)}): its pods go with it`,
    };
  }
  const after = writtenSelector(now) ?? labels;
  if (isDeepStrictEqual(was, after) || selectorMatches(labelSelector(after), templateLabels(old))) return undefined;
  // the new pods match the old selector too when it was narrowed ({app: cache} -> {app: cache, v: "2"}): leave them
  // out by a label of the new selector that the old pods do not have (there is one: the old template does not match it)
  const [key, value] = Object.entries(after).find(([k, v]) => templateLabels(old)[k] !== v)!;
  const remove = `delete the old ones: kubectl delete pod${ns} -l '${shown}${selectorMatches(labelSelector(was), labels) ? `,${key}!=${value}` : ''}'`;
  return {
    path: ['spec', 'selector'],
    before: specOf(old).selector ?? was,
    after: specOf(now).selector ?? after,
    why: 'the pods it made no longer match it',
    outcome:
      'which the API server takes, but the pods it made do not match the new selector: the ReplicationController lets them go ' +
      'and makes new ones, and the old pods keep running with no controller (the Services that select them still send them traffic)',
    hint: (keep) => `${keep}; or, once the new pods are ready, ${remove}`,
  };
}

/**
 * How to replace a workload whose spec field `field` cannot change (`old`, as it is, into `o`):
 * delete it so that the next apply makes it anew, and what that does to its pods (and a
 * StatefulSet's claims).
 */
export function recreate(old: KubeObject, o: KubeObject, field: string): string {
  const ref = kubectlTarget(o);
  if (o.kind === 'Job') return `delete the Job and apply again on purpose (kubectl delete ${ref}): it then runs again, with the new spec`;
  const orphan = `delete the ${o.kind} but not its pods, then apply again: kubectl delete ${ref} --cascade=orphan`;
  if (field === 'selector') {
    const ns = o.metadata.namespace ? ` -n ${o.metadata.namespace}` : '';
    const selector = workloadSelector(old);
    const matching = selector ? ` -l '${formatSelector(selector)}'` : '';
    // the orphaned ReplicaSet still owns the old pods: it makes again any pod deleted by hand
    if (o.kind === 'Deployment')
      return `${orphan}; its old ReplicaSet keeps the old pods running; once the new pods are ready, delete it: kubectl delete rs${ns} <its name> (the older of those kubectl get rs${ns}${matching} lists)`;
    // a StatefulSet's pods have fixed names: the new one makes web-0 only once the old web-0 is gone
    if (o.kind === 'StatefulSet')
      return `${orphan}; then delete the old pods one at a time (kubectl delete pod${ns} ${String(o.metadata.name)}-0, then the next once its replacement is ready): the new StatefulSet makes each pod, under the same name, only once the old one is gone, so each is down in between (keeping the selector avoids it)`;
    return `${orphan}; its old pods keep running until the new ones are ready, then delete them by hand${matching ? ` (kubectl delete pod${ns}${matching})` : ''}, since the new selector does not match them`;
  }
  const claims =
    field === 'volumeClaimTemplates'
      ? '; the claims it made before keep their size and class (grow each one by hand, where its StorageClass allows expansion)'
      : '';
  return `${orphan}; the new ${o.kind} takes over the running pods${claims}`;
}
