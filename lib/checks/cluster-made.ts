/**
 * Objects the cluster makes itself, which an export of a namespace (`kubectl get all,cm,secret
 * -o yaml`) holds beside the team's own: the ConfigMap `kube-root-ca.crt` that every namespace
 * gets (its cluster's CA), a ServiceAccount's token Secret as the token controller filled it (the
 * account's uid in its annotation), and the Endpoints the endpoints controller writes for a
 * Service with a selector (its pods named by uid). Applied from a manifest, each carries what one
 * cluster made at one time, and fights the controller that keeps it at every apply. Known by
 * what the cluster writes into them, so a hand-written one (a Service's Endpoints of fixed
 * addresses, a token Secret that asks for a token by the account's name) passes. Also what to do
 * with a claim exported bound to a volume the stage does not make (missingVolumeHint). Pure.
 */
import { isRecord, type KubeObject } from '../model/object.js';
import type { Emit, Finding } from './finding.js';

/** The ConfigMap the root-ca-cert-publisher controller keeps in every namespace. */
const ROOT_CA = 'kube-root-ca.crt';
/** The annotation the token controller writes on a token Secret: the ServiceAccount's uid. */
const ACCOUNT_UID = 'kubernetes.io/service-account.uid';
const ACCOUNT_NAME = 'kubernetes.io/service-account.name';

/** Whether an Endpoints object names a pod by uid, as the endpoints controller writes them. */
const namesPodsByUid = (subsets: unknown): boolean =>
  Array.isArray(subsets) &&
  subsets.some(
    (s) =>
      isRecord(s) &&
      [s.addresses, s.notReadyAddresses].some(
        (list) => Array.isArray(list) && list.some((a) => isRecord(a) && isRecord(a.targetRef) && typeof a.targetRef.uid === 'string'),
      ),
  );

/**
 * Whether `o` is a ServiceAccount's token Secret as the token controller filled it (the account's
 * uid in its annotation): its data (token, ca.crt, namespace) is the cluster's, never to be moved
 * under `secrets:` (secrets.ts leaves it to this check's finding).
 */
export const isFilledTokenSecret = (o: KubeObject): boolean =>
  o.apiVersion === 'v1' &&
  o.kind === 'Secret' &&
  o.type === 'kubernetes.io/service-account-token' &&
  typeof o.metadata?.annotations?.[ACCOUNT_UID] === 'string';

/** The finding on an object of the core group that the cluster makes, if `o` is one. */
export function clusterMadeFinding(emit: Emit, o: KubeObject): Finding | undefined {
  if (o.apiVersion !== 'v1') return undefined;
  const md = o.metadata;
  if (o.kind === 'ConfigMap' && md?.name === ROOT_CA) {
    return emit(
      'api/cluster-made',
      ['metadata', 'name'],
      `the cluster publishes ConfigMap ${ROOT_CA} in every namespace (its API server's CA, which pods read with their service account token): applied from a manifest it carries the CA of the cluster it was exported from, and each apply fights the controller that keeps it`,
      `remove the ConfigMap from the manifests: every namespace has ${ROOT_CA}`,
    );
  }
  if (isFilledTokenSecret(o)) {
    const account = md?.annotations?.[ACCOUNT_NAME];
    const named = typeof account === 'string';
    return emit(
      'api/cluster-made',
      ['metadata', 'annotations', ACCOUNT_UID],
      `the token controller made this Secret for ${named ? `ServiceAccount ${account}` : 'a ServiceAccount'} (the annotation is the account's uid in the cluster it was exported from), with a token signed by that cluster`,
      `remove the Secret from the manifests; for a token Secret, write one of type kubernetes.io/service-account-token with only the annotation ${ACCOUNT_NAME}: ${named ? account : "<the account's name>"}, and the token controller fills it`,
    );
  }
  if (o.kind === 'Endpoints' && namesPodsByUid(o.subsets)) {
    return emit(
      'api/cluster-made',
      ['subsets'],
      `the endpoints controller wrote these Endpoints for Service ${String(md?.name)}, naming its pods by uid: applied from a manifest they send the Service's traffic to the pod addresses of the cluster they were exported from, until the controller writes them again`,
      `remove the Endpoints from the manifests: the endpoints controller writes them for a Service with a selector`,
    );
  }
  return undefined;
}

/** The annotation the PersistentVolume controller writes on a claim it has bound. */
const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';

/**
 * What to do with a claim whose `volumeName` names a PersistentVolume the stage does not make: one
 * exported bound (the PersistentVolume controller's annotation on it) names the volume a cluster
 * provisioned for it, which a new cluster does not have (the controller marks such a claim Lost,
 * and its pods never start); a written one is fixed or given its volume.
 */
export function missingVolumeHint(o: KubeObject): string {
  if (o.metadata?.annotations?.[BIND_COMPLETED] === undefined) return 'fix volumeName, or add the PersistentVolume';
  return `this claim was exported bound (${BIND_COMPLETED}): for a new volume, remove volumeName and the pv.kubernetes.io/* annotations, and the cluster provisions one from the storage class; to keep the data, add the PersistentVolume too (exported, with its claimRef's uid and resourceVersion removed)`;
}
