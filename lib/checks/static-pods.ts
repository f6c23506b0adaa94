/**
 * What the kubelet accepts in a static Pod (a manifest in its `--pod-manifest-path`).
 *
 * The kubelet starts static pods on its own, before (or without) an API server, and the API server
 * refuses their mirror pods when they refer to other API objects (the NodeRestriction and
 * ServiceAccount admission plugins). So a static pod's spec may not name a ServiceAccount, Secret,
 * ConfigMap or PersistentVolumeClaim, in volumes, environment or image pull secrets. Which fields
 * do that is data, below. Lives in `lib/checks/`: pure checks over synthesized objects, no I/O.
 */
import type { Problem } from '../errors.js';
import { describeObject, isRecord, type KubeObject, ownEntry } from '../model/object.js';
import { ENV_FROM, ENV_VALUE_FROM, placedContainers } from '../model/pod-specs.js';

export const STATIC_POD_HINT =
  'a static pod runs without the API server, so its spec cannot refer to API objects: use hostPath volumes and literal env values, ' +
  'or run the pod through the API server instead of as a node file';

type Found = (value: Record<string, unknown>) => string | undefined;
const named =
  (key: string): Found =>
  (v) =>
    typeof v[key] === 'string' ? `'${v[key]}'` : undefined;

/** Pod spec fields that refer to API objects: what they refer to, and the name to show. */
const POD_SPEC_FIELDS: Readonly<Record<string, readonly [what: string, found?: (v: unknown) => string | undefined]>> = {
  serviceAccountName: ['a ServiceAccount', (v) => `'${v}'`],
  serviceAccount: ['a ServiceAccount', (v) => `'${v}'`],
  imagePullSecrets: ['Secrets', (v) => (Array.isArray(v) ? v.map((s) => `'${(s as { name?: string }).name}'`).join(', ') : undefined)],
  resourceClaims: ['ResourceClaims'],
  ephemeralContainers: ['ephemeral containers, which are added through the API'],
};

/** Volume sources that refer to API objects. */
const VOLUME_SOURCES: Readonly<Record<string, readonly [what: string, found: Found]>> = {
  secret: ['a Secret', named('secretName')],
  configMap: ['a ConfigMap', named('name')],
  persistentVolumeClaim: ['a PersistentVolumeClaim', named('claimName')],
  ephemeral: ['a PersistentVolumeClaim (an ephemeral volume creates one)', () => undefined],
};

/** Sources of a projected volume that refer to API objects (downwardAPI is fine). */
const PROJECTED_SOURCES: Readonly<Record<string, readonly [what: string, found: Found]>> = {
  secret: ['a Secret', named('name')],
  configMap: ['a ConfigMap', named('name')],
  serviceAccountToken: ['a ServiceAccount token', named('audience')],
  clusterTrustBundle: ['a ClusterTrustBundle', named('name')],
};

/** Keys inside other volume sources (cephfs, rbd, csi, ...) that name a Secret. */
const VOLUME_SECRET_KEYS = ['secretRef', 'nodePublishSecretRef', 'secretName'];

type Obj = Record<string, unknown>;
/** The entries of `v` that are mappings, each with its index in the list (one that is not is the schema check's). */
const entries = (v: unknown): [Obj, number][] =>
  Array.isArray(v) ? v.flatMap((x: unknown, i) => (isRecord(x) ? [[x, i] as [Obj, number]] : [])) : [];

/**
 * Every reason the kubelet would refuse `pod` as a static pod, as problems about `subject`
 * (e.g. `environments/mink8s.yaml: Pod kube-system/etcd`).
 */
export function staticPodProblems(pod: KubeObject, subject = describeObject(pod)): Problem[] {
  const problems: Problem[] = [];
  const refer = (field: string, what: string, found?: string) =>
    problems.push({
      code: 'static-pod/api-reference',
      subject,
      message: `${field}: a static pod cannot refer to ${what}${found ? ` (found ${found})` : ''}`,
      hint: STATIC_POD_HINT,
    });
  if (pod.kind !== 'Pod' || pod.apiVersion !== 'v1') {
    return [
      {
        code: 'static-pod/kind',
        subject,
        message: `a node's manifest directory holds only Pods (found ${pod.apiVersion} ${pod.kind})`,
        hint: "build the static pod as a v1 Pod, or put this object in the stack's chart",
      },
    ];
  }
  const spec = isRecord(pod.spec) ? pod.spec : {};
  for (const [key, [what, found]] of Object.entries(POD_SPEC_FIELDS)) {
    if (spec[key] !== undefined) refer(`spec.${key}`, what, found?.(spec[key]));
  }
  for (const [volume, i] of entries(spec.volumes)) {
    const at = `spec.volumes[${i}]`;
    for (const [source, value] of Object.entries(volume)) {
      if (source === 'name' || !isRecord(value)) continue;
      const known = ownEntry(VOLUME_SOURCES, source);
      if (known) {
        const [what, found] = known;
        refer(`${at}.${source}`, what, found(value));
      } else if (source === 'projected') {
        for (const [s, j] of entries(value.sources)) {
          for (const [kind, v] of Object.entries(s)) {
            const projected = ownEntry(PROJECTED_SOURCES, kind);
            if (projected && isRecord(v)) {
              const [what, found] = projected;
              refer(`${at}.projected.sources[${j}].${kind}`, what, found(v));
            }
          }
        }
      } else {
        for (const key of VOLUME_SECRET_KEYS) {
          if (value[key] !== undefined) refer(`${at}.${source}.${key}`, 'a Secret');
        }
      }
    }
  }
  for (const { container: c, list, index: i } of placedContainers(spec)) {
    const at = `spec.${list}[${i}]`;
    for (const [e, j] of entries(c.env)) {
      const from = isRecord(e.valueFrom) ? e.valueFrom : {};
      // container env sources that refer to API objects (fieldRef and resourceFieldRef are fine)
      for (const [key, kind] of Object.entries(ENV_VALUE_FROM)) {
        if (isRecord(from[key])) refer(`${at}.env[${j}].valueFrom.${key}`, `a ${kind}`, named('name')(from[key] as Obj));
      }
    }
    for (const [e, j] of entries(c.envFrom)) {
      for (const [key, kind] of Object.entries(ENV_FROM)) {
        if (isRecord(e[key])) refer(`${at}.envFrom[${j}].${key}`, `a ${kind}`, named('name')(e[key] as Obj));
      }
    }
  }
  return problems;
}
