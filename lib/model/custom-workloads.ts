/**
 * Custom resources that run pods from a pod template of their own, by API group and kind (a data
 * table, as the built-in kinds' is, lib/model/kinds.ts): their controllers make pods from the
 * PodTemplateSpec at the path given. By group and kind, never by the kind's name or the object's
 * shape: a kind of another group (an example.com/v1 Deployment with a template) runs no pods
 * anyone knows of. Pure.
 */
import { groupKind, groupOf } from '../k8s.js';
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
  // Knative Serving's Service: a Revision's pods of its template (no selector, no replicas: Knative's autoscaler scales them)
  'serving.knative.dev/Service': TEMPLATE,
  // KEDA's ScaledJob: a Job's spec (jobTargetRef) that KEDA makes a Job of per batch of events
  'keda.sh/ScaledJob': ['spec', 'jobTargetRef', 'template'],
};

/**
 * The custom workloads whose controller makes Jobs of a Job's spec of theirs, by API group and kind -> the path to that
 * spec: the API server holds each Job to the batch rules (restartPolicy OnFailure or Never, its counts), and its pods
 * run to completion, so no probe is asked of them.
 */
const JOB_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  'keda.sh/ScaledJob': ['spec', 'jobTargetRef'],
};

/**
 * The labels a custom workload's controller puts on its pods besides its template's, by API group and kind: Knative's
 * name the Service and its Configuration (of the Service's name), which NetworkPolicies and monitors select them by.
 */
const CONTROLLER_LABELS: Readonly<Record<string, (name: string) => Record<string, string>>> = {
  'serving.knative.dev/Service': (name) => ({ 'serving.knative.dev/service': name, 'serving.knative.dev/configuration': name }),
};

/**
 * The custom workloads whose pod template takes no nodeSelector: Knative's webhook refuses one unless the cluster's
 * `kubernetes.podspec-nodeselector` feature is enabled, so no transform writes one there.
 */
const NO_NODE_SELECTOR: ReadonlySet<string> = new Set(['serving.knative.dev/Service']);

/**
 * The custom workloads whose controller gives the serving container a readiness probe when none is written: Knative's
 * (a TCP probe of the container's port, which its queue-proxy runs), so no `policy/probes` readiness warning is true of them.
 */
const DEFAULT_READINESS: ReadonlySet<string> = new Set(['serving.knative.dev/Service']);

/**
 * The custom workloads whose controller names a container written without a name: Knative's (`user-container`, its
 * webhook's default). Every other's pods are made as written, and the API server refuses a container with no name.
 */
const NAMES_CONTAINERS: ReadonlySet<string> = new Set(['serving.knative.dev/Service']);

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

/** The labels of the pods of `o`, a workload whose pod template is `template`: the template's, and those its controller adds (`CONTROLLER_LABELS`). */
export function podLabels(
  o: KubeObject,
  template: { readonly metadata?: { readonly labels?: Record<string, string> } },
): Record<string, string> {
  const own = template.metadata?.labels ?? {};
  const added = customTemplatePath(o) && CONTROLLER_LABELS[groupKind(String(o.apiVersion), o.kind)];
  return added && typeof o.metadata?.name === 'string' ? { ...own, ...added(o.metadata.name) } : own;
}

/** Whether a transform may write a nodeSelector into the pod template of `o` (not Knative's: `NO_NODE_SELECTOR`). */
export const takesNodeSelector = (o: KubeObject): boolean =>
  !customTemplatePath(o) || !NO_NODE_SELECTOR.has(groupKind(String(o.apiVersion), o.kind));

/** Whether the controller of `o` gives its serving container a readiness probe when none is written (Knative's: `DEFAULT_READINESS`). */
export const defaultsReadiness = (o: KubeObject): boolean =>
  customTemplatePath(o) !== undefined && DEFAULT_READINESS.has(groupKind(String(o.apiVersion), o.kind));

/** The path to the Job's spec a custom workload's controller makes Jobs of (`JOB_SPEC_PATHS`: a KEDA ScaledJob's jobTargetRef), else undefined. */
export const customJobSpecPath = (o: KubeObject): readonly string[] | undefined =>
  customTemplatePath(o) && JOB_SPEC_PATHS[groupKind(String(o.apiVersion), o.kind)];

/**
 * Whether `o` is a custom workload whose pods the API server refuses for a container with no name (not Knative's:
 * `NAMES_CONTAINERS`). A built-in workload's is its schema's (`name` is required there), so it is none of these.
 */
export const needsContainerNames = (o: KubeObject): boolean => customTemplatePath(o) !== undefined && !namesContainers(o);

/** Whether the controller of `o` names a container written without a name, or with an empty one (Knative's: `NAMES_CONTAINERS`). */
export const namesContainers = (o: KubeObject): boolean =>
  customTemplatePath(o) !== undefined && NAMES_CONTAINERS.has(groupKind(String(o.apiVersion), o.kind));
