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
import { finder, missingHint, type Finding } from './finding.js';
import { declareHint, namespacedNames } from './declared-names.js';

import { KINDS, listed, type ObjectIndex } from './object-index.js';
import type { ReferenceOptions } from './references-namespaces.js';
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
    out.push(
      emit(
        'refs/rollout-service',
        ['spec', 'strategy', strategy, field],
        `names Service '${name}' as its ${field}, but the Services in namespace '${ns}' are: ${listed(names)}; Argo Rollouts stops the rollout at a Service it cannot find`,
        missingHint(name, names, 'add the Service'),
      ),
    );
  }
}

/** How Argo Rollouts scales down the Deployment a Rollout takes its pods from (`workloadRef.scaleDown`), besides `never`, the default. */
const SCALES_DOWN: ReadonlySet<unknown> = new Set(['onsuccess', 'progressively']);

/**
 * An Argo Rollout that runs the pods of a Deployment of the objects (`spec.workloadRef`) whose
 * Deployment runs pods of its own (`refs/rollout-workload`, a warning): Argo Rollouts leaves it as it
 * is unless `scaleDown` says otherwise, so both run (the Rollout's pods and the Deployment's, which
 * the Rollout's Services select too, taking the canary's share of traffic); with `scaleDown`, it
 * scales the Deployment to zero, and every apply of `spec.replicas` scales it up again. A Deployment
 * the objects do not make: `checkRolloutDeployment`.
 */
export function checkRolloutWorkload(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions = {}): void {
  const ref = isRecord(o.spec) && isRecord(o.spec.workloadRef) ? o.spec.workloadRef : undefined;
  if (ref?.kind !== 'Deployment' || typeof ref.name !== 'string' || groupKind(String(o.apiVersion), o.kind) !== 'argoproj.io/Rollout')
    return;
  if (typeof ref.apiVersion === 'string' && groupKind(ref.apiVersion, 'Deployment') !== 'apps/Deployment') return;
  const deployment = index.get('apps/Deployment', ns, ref.name);
  if (!deployment) {
    checkRolloutDeployment(o, ref.name, ns, index, out, options);
    return;
  }
  if (!isRecord(deployment.spec)) return;
  const replicas = deployment.spec.replicas;
  const scalesDown = SCALES_DOWN.has(ref.scaleDown);
  if (replicas === 0 || (scalesDown && replicas === undefined)) return;
  const runs = typeof replicas === 'number' ? `${replicas} pod${replicas === 1 ? '' : 's'}` : 'one pod (no spec.replicas: 1)';
  out.push(
    finder(o, 'warning')(
      'refs/rollout-workload',
      ['spec', 'workloadRef', 'name'],
      scalesDown
        ? `runs the pods of Deployment '${ref.name}', which Argo Rollouts scales to zero (scaleDown: ${String(ref.scaleDown)}), but its spec.replicas (${String(replicas)}) scales it up again at every apply: the Deployment's pods run beside the Rollout's, which its Services select too`
        : `runs the pods of Deployment '${ref.name}', which runs ${runs} of its own: Argo Rollouts leaves it as it is (workloadRef.scaleDown: never, the default), so its pods run beside the Rollout's, and the Rollout's Services select them too`,
      `set spec.replicas: 0 on Deployment ${ns}/${ref.name} (the Rollout's spec.replicas is the number of pods)${scalesDown ? ', or leave spec.replicas out of it' : ', or let Argo Rollouts scale it down: workloadRef.scaleDown: onsuccess (and leave spec.replicas out of it)'}`,
    ),
  );
}

/**
 * An Argo Rollout whose `workloadRef` names a Deployment the objects do not make in its namespace
 * (`refs/rollout-deployment`): Argo Rollouts reads the Deployment of the Rollout's namespace, and
 * without it marks the Rollout InvalidSpec and runs no pods. One made outside them (the Helm release
 * the Rollout migrates from) is no finding, as a store or an issuer made outside; the name is a
 * mistake when the objects make that Deployment only in another namespace, or one of a near name in
 * this one, unless it is declared as made outside (`Deployment/<namespace>/<name>`).
 */
function checkRolloutDeployment(
  o: KubeObject,
  name: string,
  ns: string,
  index: ObjectIndex,
  out: Finding[],
  options: ReferenceOptions,
): void {
  const names = namespacedNames(index, 'Deployment', ns, options.existingObjects);
  if (names.includes(name)) return;
  const elsewhere = index
    .objectsOf('apps/Deployment')
    .filter((d) => d.metadata?.name === name)
    .map((d) => `'${index.namespaceOf(d)}'`);
  const guess = didYouMean(name, names);
  if (elsewhere.length === 0 && guess === undefined) return;
  out.push(
    finder(o)(
      'refs/rollout-deployment',
      ['spec', 'workloadRef', 'name'],
      `runs the pods of Deployment '${name}', but the Deployments in namespace '${ns}' are: ${listed(names)}` +
        `${elsewhere.length ? `; the objects' Deployment '${name}' is in namespace ${elsewhere.join(', ')}, and a Rollout runs the pods of a Deployment of its own namespace` : ''}` +
        `; Argo Rollouts marks the Rollout InvalidSpec (deployments.apps "${name}" not found) and runs no pods`,
      guess !== undefined
        ? `did you mean '${guess}'? Or, ${declareHint('Deployment', ns, name, options.written)}`
        : `add the Deployment '${name}' to namespace '${ns}', or move the Rollout to namespace ${elsewhere.join(', ')}; or, ${declareHint('Deployment', ns, name, options.written)}`,
    ),
  );
}
