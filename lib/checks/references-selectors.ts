/**
 * Objects that select pods or Services by label, checked against what the scope has:
 * NetworkPolicies (their own pods and same-namespace peers), PodDisruptionBudgets (what they
 * cover, and whether a drain can ever evict one), ServiceMonitors and PodMonitors (when their CRD is known), and
 * pods left out by the NetworkPolicies of their namespace.
 */
import { podLabels } from '../model/custom-workloads.js';
import { objectHandle, type KubeObject, asRecord, recordsIn } from '../model/object.js';
import { finder, guessing, type FieldPath, type Finding } from './finding.js';
import { KINDS, listed, type ObjectIndex, type Workload } from './object-index.js';
import { groupKind, groupOf } from '../k8s.js';
import { CUSTOM_SCALED_KINDS } from './custom-workloads.js';
import { SCALED_KINDS, autoscaledTarget } from '../model/kinds.js';
import { workloadTemplatePath } from '../model/pod-specs.js';
import { formatLabels, formatSelector, selectorMatches, type Requirement, type Selector } from './selectors.js';
import { workloadOverlaps } from './workload-overlaps.js';

/** The apiVersion of the Prometheus Operator's ServiceMonitor. */
export const SERVICE_MONITOR = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' } as const;
/** The apiVersion of the Prometheus Operator's PodMonitor. */
export const POD_MONITOR = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor' } as const;

/** A LabelSelector field as a Selector, or undefined when the field is absent or not a mapping. */
export function labelSelector(v: unknown, path: FieldPath): Selector | undefined {
  const s = asRecord(v);
  if (!s) return undefined;
  const ml = asRecord(s.matchLabels) ?? {};
  return {
    matchLabels: Object.fromEntries(Object.entries(ml).map(([k, x]) => [k, String(x)])),
    matchExpressions: recordsIn(s.matchExpressions) as unknown as Requirement[],
    path,
  };
}

const isEmpty = (s: Selector) => Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
const describe = formatSelector;
const workloadList = (ws: readonly Workload[]) =>
  listed(ws.map((w) => `${w.object.kind} ${objectHandle(w.object)} (${formatLabels(podLabels(w.object, w.template)) || 'no labels'})`));

function checkNetworkPolicy(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[]): void {
  const spec = asRecord(o.spec);
  if (!spec) return;
  const emit = finder(o);
  const pods = index.workloadsIn(ns);
  const own = labelSelector(spec.podSelector, ['spec', 'podSelector']);
  if (own && !isEmpty(own) && index.workloadsSelected(ns, own).length === 0) {
    out.push(
      emit(
        'refs/network-policy-selector',
        own.path,
        `selects the pods ${describe(own)}, but no pod template in namespace '${ns}' matches; the workloads there are: ${workloadList(pods)}`,
        "make podSelector match the pods' labels (an empty podSelector selects every pod of the namespace)",
      ),
    );
  }
  for (const direction of ['ingress', 'egress'] as const) {
    const peers = direction === 'ingress' ? 'from' : 'to';
    for (const [i, rule] of recordsIn(spec[direction]).entries())
      for (const [j, peer] of recordsIn(rule[peers]).entries()) {
        // a peer with a namespaceSelector selects pods in other namespaces: not ours to know
        if (peer.namespaceSelector !== undefined) continue;
        const sel = labelSelector(peer.podSelector, ['spec', direction, i, peers, j, 'podSelector']);
        if (sel && !isEmpty(sel) && index.workloadsSelected(ns, sel).length === 0) {
          out.push(
            emit(
              'refs/network-policy-peer',
              sel.path,
              `allows traffic ${peers} the pods ${describe(sel)}, but no pod template in namespace '${ns}' matches; the workloads there are: ${workloadList(pods)}`,
              "make the peer's podSelector match the pods' labels, or add a namespaceSelector for pods in other namespaces",
            ),
          );
        }
      }
  }
}

/** The autoscalers the reference checks look up: a HorizontalPodAutoscaler, a KEDA ScaledObject (lib/model/kinds.ts `autoscaledTarget`). */
const AUTOSCALERS = [KINDS.HorizontalPodAutoscaler, 'keda.sh/ScaledObject'] as const;

/**
 * The pods a workload runs, at least: its replicas; without them, the fewest an autoscaler that
 * scales it keeps (a HorizontalPodAutoscaler's minReplicas, a KEDA ScaledObject's minReplicaCount:
 * the autoscaler owns the count then), else Kubernetes's default of 1.
 * Undefined when it depends on the cluster (DaemonSets) or the workload runs to completion. A
 * custom workload that scales (an Argo Rollout: CUSTOM_SCALED_KINDS) counts as a Deployment.
 */
function replicasOf(w: Workload, ns: string, index: ObjectIndex): number | undefined {
  const { kind, apiVersion } = w.object;
  if (kind === 'Pod') return 1;
  if (!SCALED_KINDS.includes(kind) && !CUSTOM_SCALED_KINDS.has(groupKind(String(apiVersion), kind))) return undefined;
  const r = asRecord(w.object.spec)?.replicas;
  if (typeof r === 'number') return r;
  for (const autoscaler of AUTOSCALERS.flatMap((gk) => index.objectsOf(gk, ns))) {
    const target = autoscaledTarget(autoscaler);
    // by group too: an autoscaler of another group's kind (or of none: the core group) scales something else
    if (target?.kind === kind && target.name === w.object.metadata.name && groupOf(target.apiVersion ?? '') === groupOf(apiVersion))
      return target.minReplicas;
  }
  return 1;
}

function checkDisruptionBudget(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[]): void {
  const spec = asRecord(o.spec);
  const sel = labelSelector(spec?.selector, ['spec', 'selector']);
  if (!spec || !sel) return;
  const emit = finder(o);
  const selected = index.workloadsSelected(ns, sel);
  if (selected.length === 0) {
    out.push(
      emit(
        'refs/pdb-selector',
        sel.path,
        `covers the pods ${describe(sel) || '(all)'}, but no pod template in namespace '${ns}' matches; the workloads there are: ${workloadList(index.workloadsIn(ns))}`,
        "make the selector match the pods' labels",
      ),
    );
    return;
  }
  const blocks = (path: FieldPath, why: string) =>
    out.push({
      ...emit(
        'refs/pdb-blocks-drain',
        path,
        `${why}: no pod it covers can ever be evicted, so draining a node for maintenance waits forever`,
        'allow at least one disruption: lower minAvailable below the replicas, or set maxUnavailable to 1 or more',
      ),
      severity: 'warning',
    });
  /** The replicas the workloads it covers run, when each says (a DaemonSet's are its nodes'). */
  const replicas = () => {
    const counts = selected.map((w) => replicasOf(w, ns, index));
    return counts.every((n) => n !== undefined) ? (counts as number[]).reduce((a, b) => a + b, 0) : undefined;
  };
  const { maxUnavailable: maxU, minAvailable: minA } = spec;
  // no pod to evict (every workload it covers scaled to 0): no drain waits for one, whatever the budget
  if (maxU === 0 || maxU === '0%') {
    if (replicas() !== 0) blocks(['spec', 'maxUnavailable'], `maxUnavailable is ${JSON.stringify(maxU)}`);
  } else if (minA === '100%') {
    if (replicas() !== 0) blocks(['spec', 'minAvailable'], 'minAvailable is 100%');
  } else if (typeof minA === 'number') {
    const total = replicas();
    if (total !== undefined && total > 0 && minA >= total) {
      blocks(
        ['spec', 'minAvailable'],
        `minAvailable ${minA} is at least the ${total} replica${total === 1 ? '' : 's'} it covers (${selected.map((w) => `${w.object.kind} ${objectHandle(w.object)}`).join(', ')})`,
      );
    }
  }
}

/**
 * The namespaces a monitor's `namespaceSelector` looks in whose objects are known: its own, and those of
 * `matchNames` the objects make (another's holds what they do not show; an empty list is its own); undefined for `any: true` (every
 * namespace of the cluster). Shared by ServiceMonitors and PodMonitors.
 */
function monitoredNamespaces(spec: Record<string, unknown>, ns: string, index: ObjectIndex): string[] | undefined {
  const nsSel = asRecord(spec.namespaceSelector);
  if (nsSel?.any === true) return undefined;
  // no matchNames, or none (`matchNames: []`, a Helm value left empty), is its own namespace, as the Prometheus operator reads it
  const written = Array.isArray(nsSel?.matchNames) && nsSel.matchNames.length > 0 ? nsSel.matchNames.map(String) : [ns];
  // each once: a namespace named twice (a chart's [{{ .Release.Namespace }}, monitoring] installed in monitoring) is
  // looked in once, its Services and pods said once (each namespace's are asked of the index in turn)
  return [...new Set(written)].filter((n) => n === ns || index.get(KINDS.Namespace, '', n) !== undefined);
}
const namespacesSaid = (namespaces: readonly string[]) =>
  `namespace${namespaces.length === 1 ? '' : 's'} ${namespaces.map((n) => `'${n}'`).join(', ')}`;

/**
 * A ServiceMonitor's Services (its selector, in its namespace or those of `namespaceSelector.matchNames` the
 * objects make), and the Service ports its `endpoints` scrape by name. A selector that matches no Service is a
 * warning, as a PodMonitor's: an operator makes Services from its custom resources (Strimzi's Kafka bootstrap and
 * brokers, the Prometheus operator's prometheus-operated), which no object here shows. A namespace the objects do
 * not make, or every namespace (`any: true`), is not looked in.
 */
function checkServiceMonitor(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[]): void {
  const spec = asRecord(o.spec);
  const sel = labelSelector(spec?.selector, ['spec', 'selector']);
  if (!spec || !sel) return;
  const namespaces = monitoredNamespaces(spec, ns, index);
  if (!namespaces?.length) return;
  const emit = finder(o);
  // each namespace's Services by the index, not every Service of the stage filtered (a ServiceMonitor per app of a 1,000-app stage)
  const services = namespaces.flatMap((n) => index.objectsOf(KINDS.Service, n));
  const selected = services.filter((s) => selectorMatches(sel, s.metadata?.labels ?? {}));
  if (selected.length === 0) {
    out.push(
      finder(o, 'warning')(
        'refs/service-monitor-selector',
        sel.path,
        `selects the Services ${describe(sel) || '(all)'} in ${namespacesSaid(namespaces)}, but no Service there has these labels; the Services are: ${listed(services.map((s) => `${objectHandle(s)} (${formatLabels(s.metadata?.labels) || 'no labels'})`))}; unless an operator makes such a Service (from a custom resource, as Strimzi's Kafka, or the Prometheus operator's prometheus-operated), it scrapes nothing`,
        "make the selector match the Services' labels (not the pods'); Services an operator makes carry the labels its documentation gives",
      ),
    );
    return;
  }
  const portNames = new Set(
    selected.flatMap((s) => recordsIn(asRecord(s.spec)?.ports).map((p) => p.name)).filter((n): n is string => typeof n === 'string'),
  );
  recordsIn(spec.endpoints).forEach((e, i) => {
    if (typeof e.port === 'string' && !portNames.has(e.port)) {
      out.push(
        emit(
          'refs/service-monitor-port',
          ['spec', 'endpoints', i, 'port'],
          `scrapes the port named '${e.port}', but the selected Services (${selected.map(objectHandle).join(', ')}) have the named ports: ${listed([...portNames].sort())}`,
          guessing(e.port, [...portNames].sort(), "use the name of a Service port (ServiceMonitors scrape Services' named ports)"),
        ),
      );
    }
  });
}

/**
 * The container ports a service mesh's injected sidecar declares, which no pod template shows: Istio's istio-proxy
 * (http-envoy-prom, its merged Prometheus metrics), Linkerd's linkerd-proxy (linkerd-admin).
 */
const SIDECAR_PORTS: ReadonlySet<unknown> = new Set(['http-envoy-prom', 'linkerd-admin']);

/**
 * A PodMonitor's pods (its selector, in its namespace or those of `namespaceSelector.matchNames`), and the
 * container ports its `podMetricsEndpoints` scrape by name: Prometheus keeps only the targets of a pod
 * container port of that name, so a selector that matches no pod, or a name no selected container
 * declares, scrapes nothing, silently. A namespace the objects do not make (another's) is not looked
 * in, nor every namespace (`any: true`); a port a mesh's sidecar declares (`SIDECAR_PORTS`) is not looked for.
 */
function checkPodMonitor(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[]): void {
  const spec = asRecord(o.spec);
  const sel = labelSelector(spec?.selector, ['spec', 'selector']);
  if (!spec || !sel) return;
  const namespaces = monitoredNamespaces(spec, ns, index);
  if (!namespaces?.length) return;
  const emit = finder(o);
  const where = namespacesSaid(namespaces);
  const selected = namespaces.flatMap((n) => index.workloadsSelected(n, sel));
  if (selected.length === 0) {
    // a warning: the pods may be an operator's, made from a custom resource (Strimzi's Kafka, a Flink or Spark job), which no template here shows
    out.push(
      finder(o, 'warning')(
        'refs/pod-monitor-selector',
        sel.path,
        `selects the pods ${describe(sel) || '(all)'} in ${where}, but no pod template there matches; the workloads there are: ${workloadList(namespaces.flatMap((n) => index.workloadsIn(n)))}; unless an operator makes such pods (from a custom resource, as Strimzi's Kafka), it scrapes nothing`,
        "make the selector match the pods' labels (a PodMonitor selects pods, not Services); pods an operator makes carry the labels its documentation gives",
      ),
    );
    return;
  }
  const names = [
    ...new Set(
      selected.flatMap((w) =>
        ['containers', 'initContainers'].flatMap((list) =>
          recordsIn(asRecord(w.template.spec)?.[list]).flatMap((c) => recordsIn(c.ports).map((p) => p.name)),
        ),
      ),
    ),
  ]
    .filter((n): n is string => typeof n === 'string')
    .sort();
  recordsIn(spec.podMetricsEndpoints).forEach((e, i) => {
    if (typeof e.port !== 'string' || names.includes(e.port) || SIDECAR_PORTS.has(e.port)) return;
    out.push(
      emit(
        'refs/pod-monitor-port',
        ['spec', 'podMetricsEndpoints', i, 'port'],
        `scrapes the container port named '${e.port}', but the selected pods (${selected.map((w) => `${w.object.kind} ${objectHandle(w.object)}`).join(', ')}) declare the named ports: ${listed(names)}; Prometheus keeps no target of theirs and scrapes nothing`,
        guessing(e.port, names, "name a port the pods' containers declare (ports[].name), or add the name to the container's port"),
      ),
    );
  });
}

export interface SelectionOptions {
  /** Whether ServiceMonitor's CRD is known: without it, a ServiceMonitor's fields are not trusted. */
  readonly serviceMonitors?: boolean;
  /** Whether PodMonitor's CRD is known, likewise. @default false */
  readonly podMonitors?: boolean;
}

/** A NetworkPolicy's podSelector (an absent one selects every pod), parsed once per policy. */
function podSelectorOf(policy: KubeObject): Selector {
  let found = podSelectors.get(policy);
  if (!found)
    podSelectors.set(
      policy,
      (found = labelSelector(asRecord(policy.spec)?.podSelector, []) ?? { matchLabels: {}, matchExpressions: [], path: [] }),
    );
  return found;
}
const podSelectors = new WeakMap<KubeObject, Selector>();

/** The findings of one object of the index: what it selects, and whether a NetworkPolicy of its namespace selects its pods. */
export function objectSelections(o: KubeObject, index: ObjectIndex, options: SelectionOptions = {}): Finding[] {
  if (!o?.metadata || typeof o.metadata !== 'object') return [];
  const out: Finding[] = [];
  const ns = index.namespaceOf(o);
  if (o.kind === 'NetworkPolicy' && String(o.apiVersion) === 'networking.k8s.io/v1') checkNetworkPolicy(o, ns, index, out);
  else if (o.kind === 'PodDisruptionBudget' && groupOf(o.apiVersion) === 'policy') checkDisruptionBudget(o, ns, index, out);
  else if (o.kind === SERVICE_MONITOR.kind && o.apiVersion === SERVICE_MONITOR.apiVersion && options.serviceMonitors)
    checkServiceMonitor(o, ns, index, out);
  else if (o.kind === POD_MONITOR.kind && o.apiVersion === POD_MONITOR.apiVersion && options.podMonitors)
    checkPodMonitor(o, ns, index, out);
  const w = index.workload(o);
  if (!w) return out;
  out.push(...workloadOverlaps(o, ns, index));
  const policies = index.objectsOf(KINDS.NetworkPolicy, ns).filter((p) => String(p.apiVersion) === 'networking.k8s.io/v1');
  if (policies.length === 0) return out;
  const labels = podLabels(w.object, w.template);
  if (policies.some((p) => selectorMatches(podSelectorOf(p), labels))) return out;
  out.push({
    ...finder(o)(
      'refs/network-policy-uncovered',
      // the template's metadata, where its kind keeps it (a Pod's own, a CronJob's, an Argo Rollout's)
      [...(workloadTemplatePath(o) ?? []), 'metadata'],
      `namespace '${ns}' has NetworkPolicies, but none selects these pods (${formatLabels(labels) || 'no labels'}), so their traffic is not restricted`,
      'select the pods in a NetworkPolicy (or add a default-deny policy with an empty podSelector)',
    ),
    severity: 'warning',
  });
  return out;
}
