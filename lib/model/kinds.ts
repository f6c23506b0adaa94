/**
 * The kinds stagecraft knows, in one table: what the render order, the prune allow-list and the
 * walks over pod templates are derived from. A stack that emits a new kind adds one row here
 * (test/model/kinds.test.ts fails until it does).
 *
 * Order is apply order, as Helm installs: namespaces, then policies, accounts, config and
 * storage, RBAC, services, then workloads, then what routes to them.
 */
import { groupKind } from '../k8s.js';
import { compareCodePoints } from './order.js';
import { isRecord, kubectlTarget, type KubeObject } from './object.js';

export interface KindInfo {
  readonly kind: string;
  /** `apiVersion` as written in manifests: `v1` for the core group, else `group/version`. */
  readonly apiVersion: string;
  /**
   * Whether `kubectl apply --prune` may delete objects of this kind that a stage no longer has.
   * True for every kind a stage may hold (the stacks make it, or the manifests stack includes it),
   * whether or not a stage has one now (a kind that leaves the stage must still be pruned). Prune
   * deletes only objects that carry kubectl's last-applied annotation and the stage's labels, so
   * the ReplicaSets and Pods that controllers make are never touched. False on purpose for:
   * Secret (stagecraft never writes Secrets, and one pruned by mistake takes values that are in no
   * commit; those that `npm run secrets` prints carry the stage label but not managed-by, so the
   * prune selector passes them over too); CustomResourceDefinition (deleting one
   * deletes every custom resource of its kind, in every namespace); APIService (deleting one
   * takes an aggregated API, such as metrics.k8s.io, away from the whole cluster).
   */
  readonly prunable: boolean;
  /**
   * Whether the kind's 1.25 definition has a `status`: an empty `status: {}`, as
   * `kubectl create --dry-run=client -o yaml` writes it, is then a known field, not an exported one.
   */
  readonly status?: true;
  /** Path from the object to its pod template (`{ metadata, spec }`); `[]` when the object is the pod; absent for other kinds. */
  readonly podTemplate?: readonly string[];
}

const TEMPLATE = ['spec', 'template'];

/** Every known kind, in apply order. */
export const KINDS: readonly KindInfo[] = [
  { kind: 'Namespace', apiVersion: 'v1', prunable: true, status: true },
  { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', prunable: true, status: true },
  { kind: 'ResourceQuota', apiVersion: 'v1', prunable: true, status: true },
  { kind: 'LimitRange', apiVersion: 'v1', prunable: true },
  { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', prunable: true, status: true },
  { kind: 'ServiceAccount', apiVersion: 'v1', prunable: true },
  { kind: 'Secret', apiVersion: 'v1', prunable: false },
  { kind: 'ConfigMap', apiVersion: 'v1', prunable: true },
  { kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1', prunable: true },
  { kind: 'PersistentVolume', apiVersion: 'v1', prunable: true, status: true },
  { kind: 'PersistentVolumeClaim', apiVersion: 'v1', prunable: true, status: true },
  { kind: 'CustomResourceDefinition', apiVersion: 'apiextensions.k8s.io/v1', prunable: false, status: true },
  { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', prunable: true },
  { kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', prunable: true },
  { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', prunable: true },
  { kind: 'RoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', prunable: true },
  { kind: 'Service', apiVersion: 'v1', prunable: true, status: true },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', prunable: true, podTemplate: TEMPLATE, status: true },
  { kind: 'Pod', apiVersion: 'v1', prunable: true, podTemplate: [], status: true },
  { kind: 'ReplicationController', apiVersion: 'v1', prunable: true, podTemplate: TEMPLATE, status: true },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', prunable: true, podTemplate: TEMPLATE, status: true },
  { kind: 'Deployment', apiVersion: 'apps/v1', prunable: true, podTemplate: TEMPLATE, status: true },
  { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', prunable: true, status: true },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', prunable: true, podTemplate: TEMPLATE, status: true },
  { kind: 'Job', apiVersion: 'batch/v1', prunable: true, podTemplate: TEMPLATE, status: true },
  { kind: 'CronJob', apiVersion: 'batch/v1', prunable: true, podTemplate: ['spec', 'jobTemplate', 'spec', 'template'], status: true },
  { kind: 'IngressClass', apiVersion: 'networking.k8s.io/v1', prunable: true },
  { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', prunable: true, status: true },
  { kind: 'APIService', apiVersion: 'apiregistration.k8s.io/v1', prunable: false, status: true },
];

const BY_KIND: ReadonlyMap<string, KindInfo> = new Map(KINDS.map((k) => [k.kind, k]));

/** The table's row for a kind, if it has one. */
export function kindInfo(kind: string): KindInfo | undefined {
  return BY_KIND.get(kind);
}

/** Kinds in apply order. */
export const KIND_ORDER: readonly string[] = KINDS.map((k) => k.kind);

/** Position of a kind in apply order; kinds the table lacks come after every known kind. */
export function applyRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** `core/v1/ConfigMap`: a kind of `apiVersion` as `kubectl apply --prune-allowlist` takes it. */
export function allowlistEntry(apiVersion: string, kind: string): string {
  return `${apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`}/${kind}`;
}

const TABLE_KINDS: ReadonlySet<string> = new Set(KINDS.map((k) => groupKind(k.apiVersion, k.kind)));

/** Whether the table has a row for this kind of this group (any version: kubectl prunes a kind by any served version). */
export function inKindTable(apiVersion: string, kind: string): boolean {
  return TABLE_KINDS.has(groupKind(apiVersion, kind));
}

/** Allowlist entries in the order the command lists them: the core group first, then by group, version and kind. */
export function sortAllowlist(entries: readonly string[]): string[] {
  return [...entries].sort((a, b) => Number(!a.startsWith('core/')) - Number(!b.startsWith('core/')) || compareCodePoints(a, b));
}

/** The prunable kinds, as `--prune-allowlist` takes them, in `sortAllowlist`'s order. */
export const PRUNE_ALLOWLIST: readonly string[] = sortAllowlist(
  KINDS.filter((k) => k.prunable).map((k) => allowlistEntry(k.apiVersion, k.kind)),
);

/**
 * Path from the object to its pod template, per workload kind; `[]` means the object is the pod.
 * Without a prototype, since it is read with any object's kind: a kind named like a property every
 * object has (`constructor`, `toString`, `__proto__`) has no path, rather than a function's.
 */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = Object.assign(
  Object.create(null) as Record<string, readonly string[]>,
  Object.fromEntries(KINDS.flatMap((k) => (k.podTemplate ? [[k.kind, k.podTemplate]] : []))),
);

/**
 * The kinds whose `spec.replicas` is the number of pods they run, 1 when it is not given (the
 * API server's default), which a HorizontalPodAutoscaler may set instead.
 */
export const SCALED_KINDS: readonly string[] = ['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet'];

/** What a HorizontalPodAutoscaler scales (its `spec.scaleTargetRef`: kind and name), when it says. */
export function scaleTargetOf(hpa: KubeObject): Record<string, unknown> | undefined {
  return isRecord(hpa.spec) && isRecord(hpa.spec.scaleTargetRef) ? hpa.spec.scaleTargetRef : undefined;
}

/**
 * The autoscalers, as `group/kind`: a HorizontalPodAutoscaler, and a KEDA ScaledObject, of which KEDA makes one
 * (`autoscaledTarget` reads what each scales).
 */
const AUTOSCALER_KINDS: ReadonlySet<string> = new Set(['autoscaling/HorizontalPodAutoscaler', 'keda.sh/ScaledObject']);

/** Whether an object of `apiVersion` and `kind` is an autoscaler (`AUTOSCALER_KINDS`). */
export const isAutoscaler = ({ apiVersion, kind }: { readonly apiVersion: unknown; readonly kind: unknown }): boolean =>
  AUTOSCALER_KINDS.has(groupKind(String(apiVersion), String(kind)));

/** What an autoscaler scales (as its scaleTargetRef writes it, or KEDA reads it), and the fewest pods it keeps. */
export interface AutoscaledTarget {
  readonly apiVersion: unknown;
  readonly kind: unknown;
  readonly name: unknown;
  readonly minReplicas: number;
}

/**
 * What an autoscaler scales and the fewest pods it keeps while the workload runs any: a
 * HorizontalPodAutoscaler's `spec.scaleTargetRef` (its minReplicas, 1 when not given), or a KEDA
 * ScaledObject's (`keda.sh`), of which KEDA makes a HorizontalPodAutoscaler: its target's kind and
 * apiVersion are apps/v1 Deployment unless given (an empty one, a Helm value left empty, is none), and
 * that autoscaler's minReplicas is its minReplicaCount, at least 1 (KEDA scales to 0 and back by
 * itself: 0, the default, is the idle workload's count, when there is no pod to evict). Undefined
 * for any other object, or one with no target mapping.
 */
export function autoscaledTarget(o: KubeObject): AutoscaledTarget | undefined {
  const target = scaleTargetOf(o);
  if (!target || !isRecord(o.spec) || !isAutoscaler(o)) return undefined;
  const count = (v: unknown, otherwise: number) => (typeof v === 'number' && Number.isInteger(v) ? v : otherwise);
  if (o.kind === 'HorizontalPodAutoscaler')
    return { apiVersion: target.apiVersion, kind: target.kind, name: target.name, minReplicas: count(o.spec.minReplicas, 1) };
  const given = (v: unknown, otherwise: string) => (v === undefined || v === null || v === '' ? otherwise : v);
  return {
    apiVersion: given(target.apiVersion, 'apps/v1'),
    kind: given(target.kind, 'Deployment'),
    name: target.name,
    minReplicas: Math.max(count(o.spec.minReplicaCount, 0), 1),
  };
}

/**
 * One string for a workload `kind` `name` in namespace `ns` (`target` a scaleTargetRef, or an
 * object's kind and metadata.name), as autoscalers and workloads are matched.
 */
export function scaleTargetKey(ns: unknown, target: { readonly kind?: unknown; readonly name?: unknown } | undefined): string {
  return JSON.stringify([ns ?? null, target?.kind ?? null, target?.name ?? null]);
}

/**
 * How to take `spec.replicas` of a workload (`o`) out of what client-side `kubectl apply` last
 * applied, so that the next apply, which no longer writes it, does not drop it to the default of 1.
 */
export function dropLastAppliedReplicas(o: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `remove the field from what kubectl last applied, which changes no pod count: kubectl apply edit-last-applied ${kubectlTarget(o, '/')}, delete spec.replicas and save`;
}
