/**
 * What the cluster writes into an object, which manifests exported with `kubectl get -o yaml` carry:
 * an object's status (refused here as written by the cluster, `schema/status`, unless it is the zero
 * status `kubectl create --dry-run=client -o yaml` writes), and the status of a StatefulSet's
 * volumeClaimTemplates, a PersistentVolumeClaim's field the API server itself sets there
 * (`status: { phase: Pending }`) and keeps. Pure.
 */
import { groupOf } from '../k8s.js';
import { isRecord, type KubeObject } from '../model/object.js';
import { finder, type Finding } from './finding.js';

/**
 * `object` without its status, which the API server drops on create (a built-in kind's, a custom
 * kind's with the status subresource), with a finding in `out` when it has one: what `kubectl get
 * -o yaml` prints was exported, not written. The zero status that `kubectl create --dry-run=client
 * -o yaml` writes passes where the kind has a status (`hasStatus`). `object` itself when it has none.
 */
export function withoutStatus(object: KubeObject, out: Finding[], hasStatus: boolean): KubeObject {
  if (!('status' in object)) return object;
  const { status, ...rest } = object;
  if (!(hasStatus && isZeroStatus(status))) {
    out.push(
      finder(object)('schema/status', ['status'], 'status is written by the cluster, not by manifests', 'remove status from the manifest'),
    );
  }
  return rest as KubeObject;
}

/**
 * Whether `status` is a status type's zero value as Go prints it, which is what `kubectl create
 * --dry-run=client -o yaml` writes: `{}`, a Service's `{ loadBalancer: {} }`, a PodDisruptionBudget's
 * counts at 0.
 */
function isZeroStatus(status: unknown): boolean {
  return isRecord(status) && Object.values(status).every((v) => v === 0 || isZeroStatus(v));
}

/**
 * `object` without the status of its volumeClaimTemplates when it is a StatefulSet: the 1.25 schema read from
 * cdk8s-plus-25 has no status of a claim, but the API server's PersistentVolumeClaim type has one, which it takes in
 * a template and defaults there (kubectl get -o yaml prints `status: { phase: Pending }`), so an exported StatefulSet
 * is not refused for it. Copies only along the path; `object` itself when no template has a status.
 */
export function withoutClaimTemplateStatus(object: KubeObject): KubeObject {
  if (object.kind !== 'StatefulSet' || groupOf(object.apiVersion) !== 'apps' || !isRecord(object.spec)) return object;
  const templates = object.spec.volumeClaimTemplates;
  if (!Array.isArray(templates) || !templates.some((t) => isRecord(t) && 'status' in t)) return object;
  const stripped = templates.map((t: unknown) => {
    if (!isRecord(t) || !('status' in t)) return t;
    const { status: _status, ...rest } = t;
    return rest;
  });
  return { ...object, spec: { ...object.spec, volumeClaimTemplates: stripped } };
}
