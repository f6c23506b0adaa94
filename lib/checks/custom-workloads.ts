/**
 * The custom resources that run pods (the table of lib/model/custom-workloads.ts, by API group and
 * kind) as the checks see them: their pods are selected by the Services, PodDisruptionBudgets and
 * NetworkPolicies of their namespace by their template's labels, their replicas counted for a
 * PodDisruptionBudget, and their pods held to the policy (pod-security.ts, through
 * `workloadTemplatePath`); the API server's rules of pod specs (api-rules.ts) and the references
 * of pods (references-pods.ts) stay with the built-in kinds, whose pod specs the API server itself
 * validates. Pure.
 */
import { customTemplatePath } from '../model/custom-workloads.js';
import { isRecord, type KubeObject } from '../model/object.js';
import { templateAt, type PodTemplate } from '../model/pod-specs.js';

/**
 * The kinds of custom workloads (lib/model/custom-workloads.ts) whose `spec.replicas` is the number of pods they run, 1
 * when it is not given, which an autoscaler may set instead (as SCALED_KINDS, lib/model/kinds.ts).
 */
export const CUSTOM_SCALED_KINDS: ReadonlySet<string> = new Set([
  'argoproj.io/Rollout',
  'apps.kruise.io/CloneSet',
  'apps.kruise.io/StatefulSet',
]);

/** The pod template of a custom resource that runs pods (lib/model/custom-workloads.ts; a mapping with a `spec`), else undefined. */
export function customPodTemplate(o: KubeObject): PodTemplate | undefined {
  const path = customTemplatePath(o);
  const template = path && templateAt(o, path);
  return template && isRecord(template.spec) ? template : undefined;
}
