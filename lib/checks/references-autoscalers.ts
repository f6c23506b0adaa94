/**
 * Autoscalers' references (a HorizontalPodAutoscaler's, a KEDA ScaledObject's): the target that is
 * not there (`refs/scale-target`), one that writes spec.replicas, which every apply sets back
 * against the autoscaler (`refs/autoscaled-replicas`), and, for a HorizontalPodAutoscaler on CPU
 * utilization, a target whose containers do not all request CPU (`refs/autoscaler-cpu-request`).
 * One of references.ts's kind checks (`BY_KIND`).
 */
import { groupKind } from '../k8s.js';
import { replicasPutBack } from '../model/engines.js';
import { autoscaledTarget, dropLastAppliedReplicas, scaleTargetOf } from '../model/kinds.js';
import { asRecord, type KubeObject } from '../model/object.js';
import { workloadTemplateOf } from '../model/pod-specs.js';
import { declareHint, namespacedNames } from './declared-names.js';
import { finder, type Finding } from './finding.js';
import { listed, type ObjectIndex } from './object-index.js';
import type { ReferenceOptions } from './references-namespaces.js';

type Obj = Record<string, unknown>;

/**
 * A HorizontalPodAutoscaler's target (`spec.scaleTargetRef`), checked by `checkScaleTarget`, and, when it scales on CPU
 * utilization, the target's containers without a CPU request (`checkCpuRequests`).
 */
export const checkAutoscaler = (o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions): void => {
  const workload = checkScaleTarget(o, asRecord(asRecord(o.spec)?.scaleTargetRef), ns, index, out, options);
  if (workload) checkCpuRequests(o, workload, out);
};

/**
 * Where `hpa` scales on CPU utilization (a share of its pods' CPU requests), and of which containers: every container
 * (autoscaling/v1, whose target is CPU utilization, 80 % unless given; autoscaling/v2 without metrics, which defaults to
 * the same; or a Resource metric of cpu, Utilization), or the one a ContainerResource metric names.
 */
function cpuUtilizationMetrics(hpa: KubeObject): { path: (string | number)[]; container?: string }[] {
  const spec = asRecord(hpa.spec) ?? {};
  if (hpa.apiVersion === 'autoscaling/v1')
    return [{ path: ['spec', spec.targetCPUUtilizationPercentage === undefined ? 'scaleTargetRef' : 'targetCPUUtilizationPercentage'] }];
  if (hpa.apiVersion !== 'autoscaling/v2' && hpa.apiVersion !== 'autoscaling/v2beta2') return [];
  const metrics = Array.isArray(spec.metrics) ? spec.metrics : [];
  if (metrics.length === 0) return [{ path: ['spec', 'scaleTargetRef'] }];
  return metrics.flatMap((m, i) => {
    const metric = asRecord(m);
    const resource = asRecord(
      metric?.type === 'Resource' ? metric.resource : metric?.type === 'ContainerResource' ? metric.containerResource : undefined,
    );
    if (resource?.name !== 'cpu' || asRecord(resource.target)?.type !== 'Utilization') return [];
    const container = metric?.type === 'ContainerResource' ? resource.container : undefined;
    if (metric?.type === 'ContainerResource' && typeof container !== 'string') return [];
    return [{ path: ['spec', 'metrics', i], ...(typeof container === 'string' ? { container } : {}) }];
  });
}

/**
 * An autoscaler on CPU utilization over pods whose containers do not all request CPU (`refs/autoscaler-cpu-request`): the
 * controller divides each pod's CPU use by its containers' requests, and without one it cannot ("missing request for
 * cpu"), so it never scales. A CPU limit alone requests as much (the API server sets the request to it).
 */
function checkCpuRequests(hpa: KubeObject, workload: KubeObject, out: Finding[]): void {
  const containers = asRecord(workloadTemplateOf(workload)?.spec)?.containers;
  if (!Array.isArray(containers)) return;
  const requestsCpu = (c: Obj) =>
    asRecord(asRecord(c.resources)?.requests)?.cpu !== undefined || asRecord(asRecord(c.resources)?.limits)?.cpu !== undefined;
  for (const { path, container } of cpuUtilizationMetrics(hpa)) {
    const without = containers
      .map((c) => asRecord(c) ?? {})
      .filter((c) => (container === undefined || c.name === container) && !requestsCpu(c))
      .map((c) => `'${String(c.name)}'`);
    if (without.length === 0) continue;
    out.push({
      ...finder(hpa)(
        'refs/autoscaler-cpu-request',
        path,
        `scales ${workload.kind} '${workload.metadata?.name}' on CPU utilization, a share of each pod's CPU request, but its container${without.length === 1 ? '' : 's'} ${listed(without)} request${without.length === 1 ? 's' : ''} no CPU: the autoscaler cannot work the utilization out ("missing request for cpu") and never scales it`,
        `set resources.requests.cpu on every container of the ${workload.kind}'s pod template (a LimitRange of the namespace that gives a default request does it too)`,
      ),
      severity: 'warning',
    });
    return;
  }
}

/**
 * A KEDA ScaledObject's target: KEDA makes a HorizontalPodAutoscaler of its `scaleTargetRef`, whose kind and apiVersion
 * default to apps/v1 Deployment (`autoscaledTarget`), so it is checked as one's (a target with spec.replicas, one not there).
 */
export const checkScaledObject = (o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions): void => {
  const target = autoscaledTarget(o);
  if (target) checkScaleTarget(o, { ...scaleTargetOf(o), kind: target.kind, apiVersion: target.apiVersion }, ns, index, out, options);
};

/** Checks an autoscaler's target (`ref`); returns the target when the objects make it. */
function checkScaleTarget(
  o: KubeObject,
  ref: Obj | undefined,
  ns: string,
  index: ObjectIndex,
  out: Finding[],
  { engine, sync, existingObjects, written }: ReferenceOptions,
): KubeObject | undefined {
  if (typeof ref?.kind !== 'string' || typeof ref.name !== 'string') return undefined;
  // the autoscaler finds its target by group and kind; without an apiVersion, in the core group
  // (which has no Deployment: "no matches for kind Deployment in group ''")
  const versioned = typeof ref.apiVersion === 'string' && ref.apiVersion !== '';
  const target = groupKind(versioned ? String(ref.apiVersion) : 'v1', ref.kind);
  const workload = index.get(target, ns, ref.name);
  const replicas = asRecord(workload?.spec)?.replicas;
  // found on the autoscaler, the object checked: what a check finds is kept with the object it checks (lib/checks/check-run.ts);
  // a null (a Helm template's `replicas: {{ .Values.replicas }}` with no value) is sent by kubectl apply to remove the
  // field, and the API server then sets the default, 1: as much a number as any other, at every apply
  if (workload && (typeof replicas === 'number' || replicas === null)) {
    const pods = replicas === null ? 1 : replicas;
    const plural = pods === 1 ? '' : 's';
    const does =
      replicas === null
        ? 'an apply sends it to remove the field, and the API server sets the default: every apply sets it back to 1 pod'
        : `every apply sets it back to ${replicas} pod${plural}`;
    // said of the stage's engine as its sync policy has it when it has one (selfHeal or Flux's interval
    // puts the number back while the load lasts; a sync a commit or a hand starts, once), else of every applier
    const put = engine === undefined ? undefined : replicasPutBack({ engine, ...(sync ?? { automated: true, selfHeal: true }) });
    const appliers = put === undefined ? `kubectl apply; ${FLUX_APPLIES}; ${ARGOCD_APPLIES}` : `the stage's engine: ${put.when}`;
    const effect =
      put === undefined || put.fights
        ? `(${appliers}, so that the two fight for as long as the load lasts, pods started and stopped again and again, the ${ref.kind} never above ${pods} pod${plural} for long), in the middle of a load peak too`
        : `(${appliers}): each such sync takes it down to ${pods} pod${plural}, in the middle of a load peak too, until the autoscaler scales it up again`;
    const lastApplied = `first ${dropLastAppliedReplicas(workload)} (or that apply scales it to 1)`;
    const handOver = 'the synthesis that removes it says how to hand the field over to the autoscaler (output/replicas-reset)';
    const then =
      engine === undefined
        ? `where kubectl or Argo CD applied it with it, ${lastApplied}; where Flux did, ${handOver}`
        : engine === 'flux'
          ? `as Flux applies the stage, ${handOver}`
          : `where Argo CD (or kubectl) applied it with it, ${lastApplied}`;
    out.push({
      ...finder(o)(
        'refs/autoscaled-replicas',
        ['spec', 'scaleTargetRef'],
        `scales ${ref.kind} '${ref.name}', which has spec.replicas: ${replicas}: ${does} ${effect}`,
        `remove spec.replicas from the ${ref.kind} and let the autoscaler set the number; ${then}`,
      ),
      severity: 'warning',
    });
  }
  if (!workload) {
    // a Deployment made outside the objects (another release's) may be declared, as one a Rollout's workloadRef names
    const declarable = target === 'apps/Deployment';
    const names = declarable ? namespacedNames(index, 'Deployment', ns, existingObjects) : index.namesOf(target, ns);
    if (declarable && names.includes(ref.name)) return undefined;
    out.push(
      finder(o)(
        'refs/scale-target',
        ['spec', 'scaleTargetRef'],
        `scales ${ref.kind} '${ref.name}'${versioned ? '' : ' of the core API group (scaleTargetRef has no apiVersion)'}, but the ${ref.kind}s${versioned ? '' : ' of that group'} in namespace '${ns}' are: ${listed(names)}`,
        versioned
          ? `fix the apiVersion, kind or name of scaleTargetRef${declarable ? `; ${declareHint('Deployment', ns, ref.name, written)}` : ''}`
          : "set scaleTargetRef.apiVersion to the target's (apps/v1 for a Deployment), or fix the kind or name",
      ),
    );
  }
  return workload;
}

/** How Flux applies a stage's spec.replicas again: what `refs/autoscaled-replicas` says of it. */
const FLUX_APPLIES = 'Flux at every interval of the stage';
/** How Argo CD applies a stage's spec.replicas again: what `refs/autoscaled-replicas` says of it. */
const ARGOCD_APPLIES = 'Argo CD at every sync and, with selfHeal, within seconds of each scaling';
