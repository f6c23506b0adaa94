/**
 * The API server's rules of single kinds that their schema does not say (pkg/apis/{core,networking,apps,...}/validation):
 * Ingresses (api-rules-ingress.ts); claim and volume sizes, access modes and hostPaths;
 * workloads' replicas, rolling-update strategy and pod restart policy; autoscaler bounds;
 * NodePorts of ClusterIP Services, and cluster IPs exported with them (a warning); PodDisruptionBudgets; RBAC role references and verbs;
 * NetworkPolicy CIDRs (an except within its cidr) and port ranges (api-rules-network.ts); PriorityClasses and RuntimeClasses (api-rules-classes.ts);
 * custom workloads' restart policy. Dispatched by group and kind,
 * so an object of another kind costs two lookups. Called by `checkApiRules` (api-rules.ts); data in, findings out.
 */
import { builtInClusterScoped, groupKind } from '../k8s.js';
import { isRecord, type KubeObject, ownEntry } from '../model/object.js';
import { parseQuantity } from '../model/quantity.js';
import { hostPathBackstep } from './api-rules-pods.js';
import { checkIngress } from './api-rules-ingress.js';
import type { Emit, FieldPath, Finding } from './finding.js';
import { checkClassRules } from './api-rules-classes.js';
import { networkPolicy } from './api-rules-network.js';

type Rule = (emit: Emit, spec: Record<string, unknown>, out: Finding[]) => void;

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function positiveStorage(emit: Emit, q: unknown, at: FieldPath, what: string, out: Finding[]): void {
  const n = parseQuantity(q);
  if (n !== undefined && n <= 0) {
    out.push(emit('api/storage', at, `${what} ${JSON.stringify(q)} is not greater than zero`, 'give a size, e.g. 1Gi'));
  }
}

function claimSpec(emit: Emit, spec: Record<string, unknown>, at: FieldPath, out: Finding[]): void {
  if (Array.isArray(spec.accessModes) && spec.accessModes.length === 0) {
    out.push(
      emit('api/storage', [...at, 'accessModes'], 'accessModes is empty; a claim needs at least one', 'add one, e.g. [ReadWriteOnce]'),
    );
  }
  const requests = isRecord(spec.resources) ? spec.resources.requests : undefined;
  if (isRecord(requests)) positiveStorage(emit, requests.storage, [...at, 'resources', 'requests', 'storage'], 'requested storage', out);
}

const claim: Rule = (emit, spec, out) => claimSpec(emit, spec, ['spec'], out);

const volume: Rule = (emit, spec, out) => {
  if (isRecord(spec.capacity)) positiveStorage(emit, spec.capacity.storage, ['spec', 'capacity', 'storage'], 'capacity', out);
  if (Array.isArray(spec.accessModes) && spec.accessModes.length === 0) {
    out.push(
      emit('api/storage', ['spec', 'accessModes'], 'accessModes is empty; a volume needs at least one', 'add one, e.g. [ReadWriteOnce]'),
    );
  }
  if (isRecord(spec.hostPath)) hostPathBackstep(emit, spec.hostPath.path, ['spec', 'hostPath', 'path'], out);
};

function replicas(emit: Emit, spec: Record<string, unknown>, out: Finding[]): void {
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    out.push(emit('api/workload', ['spec', 'replicas'], `replicas ${spec.replicas} is negative`, 'use 0 or more'));
  }
}

/** The pod template of a controller restarts its containers Always (the default): the controller replaces pods, never ends them. */
function restartAlways(emit: Emit, spec: Record<string, unknown>, kind: string, out: Finding[]): void {
  const t = spec.template;
  const policy = isRecord(t) && isRecord(t.spec) ? t.spec.restartPolicy : undefined;
  // another value than the three the schema's enum allows is the schema check's
  if (policy === 'OnFailure' || policy === 'Never') {
    out.push(
      emit(
        'api/workload',
        ['spec', 'template', 'spec', 'restartPolicy'],
        `restartPolicy ${policy} is refused for a ${kind}'s pods, which run until replaced`,
        'remove restartPolicy (it is Always); for pods that end, use a Job',
      ),
    );
  }
}

const isZero = (v: unknown) => v === 0 || v === '0%';

/**
 * The strategy types whose rollingUpdate settings the API server refuses, by kind: a Deployment's Recreate, a
 * StatefulSet's OnDelete (a Helm value that switches the type while the chart's template keeps rollingUpdate).
 * A DaemonSet's OnDelete takes them.
 */
const NOT_ROLLING: Readonly<Record<string, { readonly type: string; readonly says: string }>> = {
  Deployment: { type: 'Recreate', says: "may not be specified when strategy `type` is 'Recreate'" },
  StatefulSet: { type: 'OnDelete', says: "only allowed for updateStrategy 'RollingUpdate'" },
};

function rollingWithoutRolling(emit: Emit, kind: string, field: string, strategy: unknown, out: Finding[]): void {
  const refused = ownEntry(NOT_ROLLING, kind);
  if (
    !refused ||
    !isRecord(strategy) ||
    strategy.type !== refused.type ||
    strategy.rollingUpdate === undefined ||
    strategy.rollingUpdate === null
  )
    return;
  const { type, says } = refused;
  out.push(
    emit(
      'api/workload',
      ['spec', field, 'rollingUpdate'],
      `rollingUpdate is set while ${field}.type is ${type}, which the API server refuses ("${says}")`,
      `remove rollingUpdate, or set ${field}.type: RollingUpdate`,
    ),
  );
}

const controller =
  (kind: string): Rule =>
  (emit, spec, out) => {
    if (kind !== 'DaemonSet') replicas(emit, spec, out);
    restartAlways(emit, spec, kind, out);
    // a Deployment's rolling update defaults to 25% and 25%, a DaemonSet's to maxSurge 0, maxUnavailable 1
    const field = kind === 'Deployment' ? 'strategy' : 'updateStrategy';
    const strategy = kind === 'Deployment' || kind === 'DaemonSet' ? spec[field] : undefined;
    // its counts are read only in a rolling update (the type's default): a DaemonSet's OnDelete takes any, and a
    // Deployment's Recreate refuses the rollingUpdate whole (rollingWithoutRolling), not for its counts
    const rolling =
      isRecord(strategy) && [undefined, null, '', 'RollingUpdate'].includes(strategy.type as never) ? strategy.rollingUpdate : undefined;
    const deployment = kind === 'Deployment';
    rollingWithoutRolling(emit, kind, field, spec[field], out);
    if (
      isRecord(rolling) &&
      isZero(rolling.maxSurge ?? (deployment ? '25%' : 0)) &&
      isZero(rolling.maxUnavailable ?? (deployment ? '25%' : 1))
    ) {
      out.push(
        emit(
          'api/workload',
          ['spec', field, 'rollingUpdate'],
          'maxSurge and maxUnavailable are both 0, so a rollout could never replace a pod',
          'let one of them be above 0, e.g. maxSurge: 1',
        ),
      );
    }
  };

const statefulSetController = controller('StatefulSet');

const statefulSet: Rule = (emit, spec, out) => {
  statefulSetController(emit, spec, out);
  if (!Array.isArray(spec.volumeClaimTemplates)) return;
  spec.volumeClaimTemplates.forEach((t: unknown, i) => {
    if (isRecord(t) && isRecord(t.spec)) claimSpec(emit, t.spec, ['spec', 'volumeClaimTemplates', i, 'spec'], out);
  });
};

const autoscaler: Rule = (emit, spec, out) => {
  const { minReplicas: min, maxReplicas: max } = spec;
  if (typeof min === 'number' && min < 1) {
    out.push(emit('api/workload', ['spec', 'minReplicas'], `minReplicas ${min} is less than 1`, 'use 1 or more, or leave it out (1)'));
  }
  if (typeof max === 'number' && max < 1)
    out.push(emit('api/workload', ['spec', 'maxReplicas'], `maxReplicas ${max} is less than 1`, 'use 1 or more'));
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    out.push(
      emit(
        'api/workload',
        ['spec', 'maxReplicas'],
        `maxReplicas ${max} is less than minReplicas ${min}`,
        'raise maxReplicas or lower minReplicas',
      ),
    );
  }
};

/**
 * A Service's cluster IP as `kubectl get -o yaml` prints the one a cluster gave it (`clusterIP`
 * and `clusterIPs`, which manifests rarely write): where another Service has that address (the one
 * exported, when this is applied to another namespace of its cluster) the API server refuses it
 * ("provided IP is already allocated"), and so does a cluster whose service range does not hold it.
 */
function exportedClusterIp(emit: Emit, spec: Record<string, unknown>, out: Finding[]): void {
  const ip = spec.clusterIP;
  if (typeof ip !== 'string' || ip === '' || ip === 'None' || !Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) return;
  out.push({
    ...emit(
      'api/cluster-ip',
      ['spec', 'clusterIP'],
      `fixes the cluster IP ${ip} (with clusterIPs), as kubectl get -o yaml prints the address a cluster gave: the API server refuses it where another Service has it ("provided IP is already allocated": the exported Service, when this one goes to another namespace of that cluster) and where the service range does not hold it (another cluster)`,
      'remove clusterIP and clusterIPs, so that the cluster gives the Service an address; keep clusterIP alone for an address clients are configured with (kube-dns)',
    ),
    severity: 'warning',
  });
}

/**
 * The fields of a Service's cluster IPs, which an ExternalName Service (a DNS name, no address of the cluster's) may not set:
 * the API server refuses each on create ("may not be set for ExternalName services"), `clusterIP: None` (headless) too.
 */
const CLUSTER_IP_FIELDS: readonly { readonly field: string; readonly set: (v: unknown) => boolean }[] = [
  { field: 'clusterIP', set: (v) => typeof v === 'string' && v !== '' },
  { field: 'clusterIPs', set: (v) => Array.isArray(v) && v.length > 0 },
  { field: 'ipFamilies', set: (v) => Array.isArray(v) && v.length > 0 },
  { field: 'ipFamilyPolicy', set: (v) => v !== undefined && v !== null },
];

function externalName(emit: Emit, spec: Record<string, unknown>, out: Finding[]): void {
  const written = CLUSTER_IP_FIELDS.filter(({ field, set }) => set(spec[field])).map(({ field }) => field);
  // clusterIPs repeats clusterIP (kubectl get -o yaml prints both): one finding for the two
  for (const field of written.includes('clusterIP') ? written.filter((f) => f !== 'clusterIPs') : written) {
    out.push(
      emit(
        'api/network',
        ['spec', field],
        `${field} ${JSON.stringify(spec[field])} is set on a Service of type ExternalName, which has no cluster IP (its DNS name answers with externalName): the API server refuses it ("may not be set for ExternalName services")`,
        `remove ${field} (a Helm chart's value for the other types); for a Service with an address in the cluster, make it type ClusterIP`,
      ),
    );
  }
}

const service: Rule = (emit, spec, out) => {
  if (spec.type === 'ExternalName') return externalName(emit, spec, out);
  exportedClusterIp(emit, spec, out);
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && spec.clusterIP === 'None')
    out.push(
      emit(
        'api/network',
        ['spec', 'clusterIP'],
        `clusterIP None (headless) is refused for a Service of type ${spec.type}, whose node ports forward to its cluster IP`,
        `remove clusterIP: None, or make the Service type ClusterIP (headless: its DNS name lists the pods)`,
      ),
    );
  if ((spec.type ?? 'ClusterIP') !== 'ClusterIP' || !Array.isArray(spec.ports)) return;
  spec.ports.forEach((p: unknown, i) => {
    if (isRecord(p) && typeof p.nodePort === 'number' && p.nodePort !== 0) {
      out.push(
        emit(
          'api/network',
          ['spec', 'ports', i, 'nodePort'],
          `nodePort ${p.nodePort} is set on a Service of type ClusterIP, which has no node ports`,
          'remove nodePort, or set type: NodePort (or LoadBalancer)',
        ),
      );
    }
  });
};

const disruptionBudget: Rule = (emit, spec, out) => {
  if (spec.minAvailable !== undefined && spec.minAvailable !== null && spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    out.push(
      emit(
        'api/workload',
        ['spec'],
        'sets both minAvailable and maxUnavailable; the API server takes one',
        'keep minAvailable or maxUnavailable',
      ),
    );
  }
};

function roleRef(emit: Emit, o: KubeObject, out: Finding[]): void {
  const ref = o.roleRef;
  if (isRecord(ref) && typeof ref.apiGroup === 'string' && ref.apiGroup !== RBAC_GROUP) {
    out.push(
      emit('api/rbac', ['roleRef', 'apiGroup'], `roleRef.apiGroup '${ref.apiGroup}' is not ${RBAC_GROUP}`, `write apiGroup: ${RBAC_GROUP}`),
    );
  }
}

function ruleVerbs(emit: Emit, o: KubeObject, out: Finding[]): void {
  if (!Array.isArray(o.rules)) return;
  o.rules.forEach((r: unknown, i) => {
    if (isRecord(r) && Array.isArray(r.verbs) && r.verbs.length === 0) {
      out.push(
        emit(
          'api/rbac',
          ['rules', i, 'verbs'],
          'verbs is empty; a rule allows at least one verb',
          "list the verbs, e.g. [get, list, watch], or '*'",
        ),
      );
    }
  });
}

/** The rules of each built-in kind on its spec, by kind (of the group Kubernetes serves it in: checkKindRules). */
const SPEC_RULES: Readonly<Record<string, Rule>> = {
  PersistentVolumeClaim: claim,
  PersistentVolume: volume,
  Deployment: controller('Deployment'),
  ReplicaSet: controller('ReplicaSet'),
  ReplicationController: controller('ReplicationController'),
  DaemonSet: controller('DaemonSet'),
  StatefulSet: statefulSet,
  HorizontalPodAutoscaler: autoscaler,
  Service: service,
  PodDisruptionBudget: disruptionBudget,
  NetworkPolicy: networkPolicy,
};

/** A custom workload's pods are kept running by its controller, which refuses (or has the API server refuse) others. */
const customController =
  (kind: string): Rule =>
  (emit, spec, out) =>
    restartAlways(emit, spec, kind, out);

/**
 * The rules of custom workloads (lib/model/custom-workloads.ts), by `group/kind`: what their
 * controllers refuse as a built-in controller does. An Argo Rollout's ReplicaSet is refused by the
 * API server, and OpenKruise's webhook refuses a CloneSet, StatefulSet or DaemonSet, whose pods'
 * restartPolicy is not Always; their other fields follow their own CRDs, not apps/v1's.
 */
const CUSTOM_SPEC_RULES: Readonly<Record<string, Rule>> = {
  'argoproj.io/Rollout': customController('Rollout'),
  'apps.kruise.io/CloneSet': customController('CloneSet'),
  'apps.kruise.io/StatefulSet': customController('StatefulSet'),
  'apps.kruise.io/DaemonSet': customController('DaemonSet'),
};

/**
 * The per-kind rules of one object, chosen by group and kind: a built-in kind's of the group
 * Kubernetes serves it in, a custom workload's of CUSTOM_SPEC_RULES, none for a kind of another
 * group named like one (an example.com/v1 Deployment's controller, if any, is unknown).
 */
export function checkKindRules(emit: Emit, o: KubeObject, out: Finding[]): void {
  const builtIn = builtInClusterScoped(o.apiVersion, o.kind) !== undefined;
  const rule = builtIn
    ? ownEntry(SPEC_RULES, o.kind)
    : typeof o.apiVersion === 'string' && typeof o.kind === 'string'
      ? ownEntry(CUSTOM_SPEC_RULES, groupKind(o.apiVersion, o.kind))
      : undefined;
  if (rule && isRecord(o.spec)) rule(emit, o.spec, out);
  if (!builtIn) return;
  if (o.kind === 'Ingress') checkIngress(emit, o, out);
  else if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') roleRef(emit, o, out);
  else if (o.kind === 'Role' || o.kind === 'ClusterRole') ruleVerbs(emit, o, out);
  else checkClassRules(emit, o, out);
}
