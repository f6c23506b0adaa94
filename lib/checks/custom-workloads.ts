/**
 * Custom resources that run pods from a pod template of their own, by API group and kind (a data
 * table, as the built-in kinds' is): their controllers make pods from the PodTemplateSpec at the
 * path given, which Services, PodDisruptionBudgets and NetworkPolicies select by its labels. By
 * group and kind, never by the kind's name or the object's shape: a kind of another group (an
 * example.com/v1 Deployment with a template) runs no pods anyone knows of. Only for selection (and
 * a PodDisruptionBudget's count of replicas): the pod checks of built-in workloads (references,
 * policy, images) walk the built-in kinds, by group too (`podTemplateOf`: OpenKruise's StatefulSet is
 * none of theirs). Pure.
 */
import { groupKind } from '../k8s.js';
import { isRecord, ownEntry, type KubeObject } from '../model/object.js';
import { templateAt, type PodTemplate } from '../model/pod-specs.js';

const TEMPLATE = ['spec', 'template'];

/** `group/kind` -> the path from the object to its pod template. */
const CUSTOM_POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  // Argo Rollouts: a Deployment's spec with canary or blue/green steps (its stable and canary Services select the pods)
  'argoproj.io/Rollout': TEMPLATE,
  // OpenKruise's workloads
  'apps.kruise.io/CloneSet': TEMPLATE,
  'apps.kruise.io/StatefulSet': TEMPLATE,
  'apps.kruise.io/DaemonSet': TEMPLATE,
};

/**
 * The kinds of CUSTOM_POD_TEMPLATE_PATHS whose `spec.replicas` is the number of pods they run, 1
 * when it is not given, which an autoscaler may set instead (as SCALED_KINDS, lib/model/kinds.ts).
 */
export const CUSTOM_SCALED_KINDS: ReadonlySet<string> = new Set([
  'argoproj.io/Rollout',
  'apps.kruise.io/CloneSet',
  'apps.kruise.io/StatefulSet',
]);

/** The pod template of a custom resource of CUSTOM_POD_TEMPLATE_PATHS (a mapping with a `spec`), else undefined. */
export function customPodTemplate(o: KubeObject): PodTemplate | undefined {
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return undefined;
  const path = ownEntry(CUSTOM_POD_TEMPLATE_PATHS, groupKind(o.apiVersion, o.kind));
  const template = path && templateAt(o, path);
  return template && isRecord(template.spec) ? template : undefined;
}
