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

/** The labels that say which stage owns an object: what the stage's `kubectl apply --prune -l ...` selects by. */
function ownershipLabels(stage: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': MANAGED_BY, [STAGE_LABEL]: stage };
}

/**
 * Adds the standard labels to every object and to every pod template (so pods are found by
 * release and stage too); selectors are never touched.
 *
 * On an object's own metadata its labels win, except the two ownership labels: those are always
 * stagecraft's. An included Helm manifest keeps `app.kubernetes.io/managed-by: Helm` otherwise,
 * so the stage's prune (`-l stagecraft.dev/stage=<stage>,app.kubernetes.io/managed-by=stagecraft`)
 * would never delete it once the stage drops it; and an object labelled `stagecraft.dev/stage: qa`
 * included in another stage would be deleted by qa's prune.
 *
 * On a pod template the template's own labels win, ownership labels included: a workload's
 * selector must keep matching its template's labels (the API server refuses it otherwise), and
 * pods are not what prune deletes (their workload is).
 */
export function addStandardLabels(objects: readonly KubeObject[], options: LabelOptions): KubeObject[] {
  const labels = standardLabels(options);
  const owner = ownershipLabels(options.stage);
  return objects.map((o) =>
    withPodTemplate({ ...o, metadata: { ...o.metadata, labels: { ...labels, ...o.metadata.labels, ...owner } } }, (t) => ({
      ...t,
      metadata: { ...t.metadata, labels: { ...labels, ...t.metadata?.labels } },
    })),
  );
}
