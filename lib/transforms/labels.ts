import type { KubeObject } from '../model/object.js';
import { INSTANCE_LABEL, instanceLabel } from '../model/labels.js';
import { withPodTemplate } from '../model/pod-specs.js';

/** The label that names the stage an object belongs to (and selects a stage's objects for `kubectl apply --prune`). */
export const STAGE_LABEL = 'stagecraft.dev/stage';
export const MANAGED_BY = 'stagecraft';

export interface LabelOptions {
  /** Stage name. */
  readonly stage: string;
  /** Stack name, for `app.kubernetes.io/name`. */
  readonly app: string;
  /** Instance name; `app.kubernetes.io/instance` is `<instance>-<stage>`, unique in the cluster. */
  readonly instance: string;
  /** Release, for `app.kubernetes.io/version`. */
  readonly version: string;
  /** For `app.kubernetes.io/part-of`. */
  readonly partOf: string;
}

/**
 * The recommended Kubernetes labels plus the stage label, in the order they are written (sorted),
 * so that the YAML emitter finds them in order and sorts nothing.
 */
export function standardLabels({ stage, app, instance, version, partOf }: LabelOptions): Record<string, string> {
  return {
    [INSTANCE_LABEL]: instanceLabel(instance, stage),
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/version': version,
    [STAGE_LABEL]: stage,
  };
}

/**
 * Adds the standard labels to every object and to every pod template (so pods are found by
 * release and stage too). Labels an object already has win; selectors are never touched.
 */
export function addStandardLabels(objects: readonly KubeObject[], options: LabelOptions): KubeObject[] {
  const labels = standardLabels(options);
  return objects.map((o) =>
    withPodTemplate({ ...o, metadata: { ...o.metadata, labels: { ...labels, ...o.metadata.labels } } }, (t) => ({
      ...t,
      metadata: { ...t.metadata, labels: { ...labels, ...t.metadata?.labels } },
    })),
  );
}
