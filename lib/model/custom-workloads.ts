/**
 * Custom resources that run pods from a pod template of their own, by API group and kind (a data
 * table, as the built-in kinds' is, lib/model/kinds.ts): their controllers make pods from the
 * PodTemplateSpec at the path given. By group and kind, never by the kind's name or the object's
 * shape: a kind of another group (an example.com/v1 Deployment with a template) runs no pods
 * anyone knows of. Pure.
 */
import { groupKind } from '../k8s.js';
import { ownEntry, type KubeObject } from './object.js';

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

/** The path to the pod template of a custom resource of CUSTOM_POD_TEMPLATE_PATHS, else undefined. */
export function customTemplatePath(o: KubeObject): readonly string[] | undefined {
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return undefined;
  return ownEntry(CUSTOM_POD_TEMPLATE_PATHS, groupKind(o.apiVersion, o.kind));
}
