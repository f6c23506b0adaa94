/**
 * The custom resources that run pods (the table of lib/model/custom-workloads.ts, by API group and
 * kind) as the checks see them: their pods are selected by the Services, PodDisruptionBudgets and
 * NetworkPolicies of their namespace by their template's labels, their replicas counted for a
 * PodDisruptionBudget, and their pod template held to what a built-in workload's is (through
 * `workloadTemplate`, lib/model/pod-specs.ts): the policy (pod-security.ts), the API server's rules
 * of pod specs (api-rules.ts, api-limits.ts) and the references of pods (references-pods.ts). The
 * API server stores a custom resource as its CRD's schema allows, but its controller makes a
 * ReplicaSet or pods of the template, and the API server refuses those (an Argo Rollout whose
 * template names a container twice stays at zero pods, its events saying why). Pure.
 */
import { groupKind } from '../k8s.js';
import { customTemplatePath } from '../model/custom-workloads.js';
import { didYouMean } from '../model/did-you-mean.js';
import { isRecord, type KubeObject } from '../model/object.js';
import { finder, type Finding } from './finding.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';
import { labelSelector, type Selector } from './selectors.js';

/**
 * The kinds of custom workloads (lib/model/custom-workloads.ts) whose `spec.replicas` is the number of pods they run, 1
 * when it is not given, which an autoscaler may set instead (as SCALED_KINDS, lib/model/kinds.ts).
 */
export const CUSTOM_SCALED_KINDS: ReadonlySet<string> = new Set([
  'argoproj.io/Rollout',
  'apps.kruise.io/CloneSet',
  'apps.kruise.io/StatefulSet',
]);

/**
 * The label selector of a custom workload's pods: `spec.selector`, a LabelSelector over its own
 * pod template as a Deployment's (Argo Rollouts and OpenKruise refuse one that does not match the
 * template's labels), or undefined when `o` is none or has no selector (a Rollout that runs a
 * Deployment's pods, `workloadRef`).
 */
export function customSelector(o: KubeObject): Selector | undefined {
  if (!customTemplatePath(o) || !isRecord(o.spec) || !isRecord(o.spec.selector)) return undefined;
  return labelSelector(o.spec.selector, ['spec', 'selector']);
}

/** The fields of an Argo Rollout's strategy that name a Service of its namespace: its controller sends the traffic through them. */
const ROLLOUT_SERVICES: readonly (readonly [strategy: string, field: string])[] = [
  ['canary', 'stableService'],
  ['canary', 'canaryService'],
  ['blueGreen', 'activeService'],
  ['blueGreen', 'previewService'],
];

/**
 * An Argo Rollout's Services (`ROLLOUT_SERVICES`) that are not in its namespace: the API server
 * takes the Rollout, but its controller stops the rollout at a Service it cannot find (a
 * misspelled canaryService leaves the new pods without traffic and the Rollout degraded).
 */
export function checkRolloutServices(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[]): void {
  if (!isRecord(o.spec) || !isRecord(o.spec.strategy) || groupKind(String(o.apiVersion), o.kind) !== 'argoproj.io/Rollout') return;
  const emit = finder(o);
  for (const [strategy, field] of ROLLOUT_SERVICES) {
    const settings = o.spec.strategy[strategy];
    const name = isRecord(settings) ? settings[field] : undefined;
    if (typeof name !== 'string' || index.get(KINDS.Service, ns, name)) continue;
    const names = index.namesOf(KINDS.Service, ns);
    const guess = didYouMean(name, names);
    out.push(
      emit(
        'refs/rollout-service',
        ['spec', 'strategy', strategy, field],
        `names Service '${name}' as its ${field}, but the Services in namespace '${ns}' are: ${listed(names)}; Argo Rollouts stops the rollout at a Service it cannot find`,
        guess !== undefined ? `did you mean '${guess}'? Otherwise add the Service` : 'fix the name, or add the Service',
      ),
    );
  }
}
