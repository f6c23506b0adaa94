/**
 * What the API server allows of a label value, the label that makes each app's objects unique in a
 * cluster, and the standard labels stagecraft writes on every object (lib/transforms/labels.ts).
 */

/** The longest label value the API server accepts. */
export const MAX_LABEL_VALUE = 63;

/** The node label the kubelet sets to its CPU architecture, which pods select (lib/transforms/arch-selector.ts). */
export const ARCH_LABEL = 'kubernetes.io/arch';

/**
 * Why pods that select the architecture `chosen` cannot run in `stage`, whose nodes run another,
 * and what to do (`remove`: what sets it): one rule for a setting (lib/config/workload.ts) and a
 * rendered pod template (lib/transforms/arch-selector.ts).
 */
export function architectureConflict(
  chosen: string,
  stage: { readonly name: string; readonly architecture: string },
  remove: string,
): { readonly reason: string; readonly hint: string } {
  return {
    reason: `but stage '${stage.name}' runs on ${stage.architecture} (its stage file's architecture:, amd64 when it has none)`,
    hint: `remove ${remove} (stagecraft gives every pod the stage's own ${ARCH_LABEL}), or set architecture: ${chosen} in the stage file`,
  };
}

/** The label every object of an app carries (lib/transforms/labels.ts), unique in the cluster. */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** The value of INSTANCE_LABEL for an app (or the stage's own Namespace chart) of a stage: `<instance>-<stage>`. */
export const instanceLabel = (instance: string, stage: string): string => `${instance}-${stage}`;

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
