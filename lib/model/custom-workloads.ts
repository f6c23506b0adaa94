/**
 * Custom resources that run pods from a pod template of their own, by API group and kind (a data
 * table, as the built-in kinds' is, lib/model/kinds.ts): their controllers make pods from the
 * PodTemplateSpec at the path given. By group and kind, never by the kind's name or the object's
 * shape: a kind of another group (an example.com/v1 Deployment with a template) runs no pods
 * anyone knows of. Pure.
 */
import { groupOf } from '../k8s.js';
import type { KubeObject } from './object.js';

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
 * CUSTOM_POD_TEMPLATE_PATHS by kind, then by group: looked up by the object's own kind string (whose
 * hash V8 keeps), so that no `group/kind` string is made for the objects of every other kind. The
 * checks and transforms ask this about seven times per object; under the synthesis's V8 flags a
 * `group/kind` made and looked up each time cost 110 ns per object, this 26 (bench/README.md).
 */
const BY_KIND = new Map<string, Map<string, readonly string[]>>();
for (const [key, path] of Object.entries(CUSTOM_POD_TEMPLATE_PATHS)) {
  const slash = key.lastIndexOf('/');
  const kind = key.slice(slash + 1);
  const groups = BY_KIND.get(kind) ?? new Map<string, readonly string[]>();
  groups.set(key.slice(0, slash), path);
  BY_KIND.set(kind, groups);
}

/** The path to the pod template of a custom resource of CUSTOM_POD_TEMPLATE_PATHS, else undefined. */
export function customTemplatePath(o: KubeObject): readonly string[] | undefined {
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return undefined;
  return BY_KIND.get(o.kind)?.get(groupOf(o.apiVersion));
}
