/**
 * The problems of the keys of the labels and annotations a service's stage file writes (the
 * Deployment's own `labels` and `annotations`, `podAnnotations`, `service.annotations`,
 * `ingress.annotations`): stagecraft's own keys and prefix, which it writes with values it decides,
 * and the keys Kubernetes and kubectl keep for themselves. Each refused at its key.
 */
import type { SettingsProblem } from '../../lib/stack.js';
import { standardLabels } from '../../lib/model/labels.js';
import type { ServiceSettings } from './settings.js';

/** The label keys stagecraft writes on every object (lib/transforms/labels.ts), which a stage file's labels may not be. */
const STANDARD_LABEL_KEYS: ReadonlySet<string> = new Set(
  Object.keys(standardLabels({ stage: '', app: '', instance: '', version: '', partOf: '' })),
);

/** Whether an annotation key is under stagecraft's own prefix (`stagecraft.dev/`, `policy.stagecraft.dev/`...). */
const isStagecraftKey = (key: string) => /^(?:[^/]*\.)?stagecraft\.dev\//.test(key);

/** The annotation `kubectl apply` (client-side) keeps what it applied in, and diffs the next apply against. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The prefixes Kubernetes keeps for its own keys on a Deployment, each with what its owner does
 * there: a key of the stage's under one of them, among the Deployment's own labels or annotations,
 * may be overwritten, or read as theirs.
 */
const KUBERNETES_DEPLOYMENT_PREFIXES: Readonly<Record<string, string>> = {
  'deployment.kubernetes.io/':
    "the Deployment controller's: it writes the annotation deployment.kubernetes.io/revision on a Deployment, which kubectl rollout undo follows",
  'kubectl.kubernetes.io/': "kubectl's: it writes last-applied-configuration there, and reads default-container from a pod's annotations",
};

/** The prefix Kubernetes keeps of a key of a Deployment's own labels or annotations (`KUBERNETES_DEPLOYMENT_PREFIXES`), if any. */
const kubernetesDeploymentPrefix = (key: string) => Object.keys(KUBERNETES_DEPLOYMENT_PREFIXES).find((p) => key.startsWith(p));

/** The problems of the keys of the service's labels and annotations settings, each at its key (`config/invalid`). */
export function metadataProblems(
  s: Pick<ServiceSettings, 'labels' | 'annotations' | 'podAnnotations' | 'service' | 'ingress'>,
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const add = (path: (string | number)[], code: string, message: string, hint: string) => problems.push({ code, path, message, hint });
  const annotationSettings = [
    [['annotations'], s.annotations],
    [['podAnnotations'], s.podAnnotations],
    [['service', 'annotations'], s.service?.annotations],
    [['ingress', 'annotations'], s.ingress?.annotations],
  ] as const;
  for (const [path, annotations] of annotationSettings) {
    for (const key of Object.keys(annotations ?? {}).filter(isStagecraftKey)) {
      add(
        [...path, key],
        'config/invalid',
        "uses stagecraft's own prefix stagecraft.dev: stagecraft writes those annotations, and a hand-written one would be read as its own",
        "use your own prefix; a policy exception goes under security.exceptions, a Secret's keys under secrets",
      );
    }
  }
  for (const [path, annotations] of [[['labels'], s.labels] as const, ...annotationSettings]) {
    const deployment = path.length === 1 && path[0] !== 'podAnnotations';
    for (const key of Object.keys(annotations ?? {}).filter((k) => k === LAST_APPLIED || (deployment && kubernetesDeploymentPrefix(k)))) {
      const prefix = kubernetesDeploymentPrefix(key)!;
      add(
        [...path, key],
        'config/invalid',
        key === LAST_APPLIED
          ? 'is the annotation kubectl apply writes itself, with what it applied: the next apply would diff against this value, not against what was applied, and remove or keep the wrong fields'
          : `is under ${prefix}, a prefix Kubernetes keeps for its own keys (${KUBERNETES_DEPLOYMENT_PREFIXES[prefix]}): a key of yours there may be overwritten, or read as theirs`,
        'remove it; a key of your own goes under your own prefix, such as team.example.com/owner',
      );
    }
  }
  for (const key of Object.keys(s.labels ?? {}).filter((k) => isStagecraftKey(k) || STANDARD_LABEL_KEYS.has(k))) {
    add(
      ['labels', key],
      'config/invalid',
      `is a label stagecraft writes itself, with values it decides (${[...STANDARD_LABEL_KEYS].join(', ')}; every key under stagecraft.dev): another value would hide the Deployment from what selects by them (kubectl apply --prune, dashboards)`,
      'use a key of your own, such as team.example.com/owner',
    );
  }
  return problems;
}
