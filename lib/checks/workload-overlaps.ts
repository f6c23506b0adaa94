/**
 * Two workloads of one namespace whose controllers' selectors overlap: one's selector matches the
 * other's pod template. The API server takes both, and since Kubernetes 1.6 each controller keeps to
 * the pods and ReplicaSets it owns (their ownerReferences), so they do not take each other's running
 * pods; but whatever finds a workload's pods by its selector finds the other's too (an autoscaler's
 * metrics, through the scale subresource's selector; `kubectl get/logs -l`; a Service or
 * PodDisruptionBudget written from it), and each adopts the other's orphaned pods and ReplicaSets.
 * Kubernetes's documentation says not to overlap them: a warning, as the API server accepts them.
 * Pure.
 */
import { objectHandle, recordsIn, type KubeObject } from '../model/object.js';
import { finder, listed, type Finding } from './finding.js';
import type { ObjectIndex } from './object-index.js';
import { formatLabels, formatSelector, workloadSelector } from './selectors.js';

const OVERLAP = 'refs/workload-overlap';

/** Whether `a` and `b` are one object: `b` itself, read, and its stand-in are two. */
const sameObject = (a: KubeObject, b: KubeObject) =>
  a.kind === b.kind && a.apiVersion === b.apiVersion && objectHandle(a) === objectHandle(b);

/**
 * Whether a controller made `o` (its `ownerReferences` name one: a Deployment's ReplicaSet, that
 * one's Pod, exported from a cluster): its owner's selector matches it by design, and it is
 * api/owner-reference's to remove, not a workload of its own to relabel.
 */
const controlled = (o: KubeObject) => recordsIn(o.metadata.ownerReferences).some((r) => r.controller === true);

/** The command that deletes workload `o` and leaves its pods running, in its namespace when it names one (else kubectl's context's). */
const deleteCommand = (o: KubeObject) => {
  const ns = o.metadata.namespace;
  return `kubectl delete ${o.kind.toLowerCase()} ${String(o.metadata.name)}${typeof ns === 'string' && ns !== '' ? ` -n ${ns}` : ''} --cascade=orphan`;
};

/**
 * How to change the selector of workload `o`, which cannot change: the end of an overlap's hint, after
 * what to relabel, which lib/app-findings.ts replaces for a stack's workload and keeps this.
 */
export const selectorChange = (o: KubeObject) =>
  `a selector cannot change: delete the workload whose selector changes before the apply, its pods left running (for this one: ${deleteCommand(o)})`;

/**
 * The warning of workload `o` (a Deployment, ReplicaSet, StatefulSet, DaemonSet or
 * ReplicationController: a Job's selector is one Kubernetes generates) whose selector matches the
 * pod template of another workload of its namespace `ns`, at its selector; none otherwise.
 */
export function workloadOverlaps(o: KubeObject, ns: string, index: ObjectIndex): Finding[] {
  const selector = o.kind === 'Job' ? undefined : workloadSelector(o);
  if (!selector || (Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0) || controlled(o)) return [];
  // by their heads and labels: a cached app's workload is not read for its kind and name, nor for its owners unless it
  // overlaps (their identities are the lookup's, so a change of its owners is seen)
  const others = index
    .podLabelsSelected(ns, selector)
    .filter((w) => w.object !== o && !sameObject(w.object, o) && !controlled(index.workload(w.object)?.object ?? w.object));
  if (others.length === 0) return [];
  // a Pod is its own template
  const named = others.map(
    (w) => `${w.object.kind === 'Pod' ? '' : 'the pod template of '}${w.object.kind} ${objectHandle(w.object)} (${formatLabels(w.labels)})`,
  );
  return [
    {
      ...finder(o)(
        OVERLAP,
        selector.path,
        `selects the pods ${formatSelector(selector)}, which ${listed(named)} ${others.length === 1 ? 'matches' : 'match'} too: Kubernetes takes both, but whatever finds this ${o.kind}'s pods by its selector counts the other's too (an autoscaler's CPU average, kubectl get and logs -l, a Service or PodDisruptionBudget written with it), and each controller adopts the other's orphaned pods`,
        `relabel the other's pods so that this selector matches them no more, or give this ${o.kind}'s pods a label of their own that its selector names (a stack's workload selects as its stack writes it: relabel the other's; a manifests app's pod templates are as written, with no label of stagecraft's); ${selectorChange(o)}`,
      ),
      severity: 'warning',
    },
  ];
}
