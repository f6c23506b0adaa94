/**
 * Pins every pod to nodes of the stage's CPU architecture, with the node label the kubelet sets
 * itself (`kubernetes.io/arch`), so that an image built for one architecture is never started on
 * another (it would fail with `exec format error`).
 */
import type { Architecture } from '../config/stage-schema.js';
import { ProblemsError, type Problem } from '../errors.js';
import { ARCH_LABEL, architectureConflict } from '../model/labels.js';
import { describeObject, type KubeObject } from '../model/object.js';
import { withPodTemplate, workloadTemplate } from '../model/pod-specs.js';
import { takesNodeSelector } from '../model/custom-workloads.js';

export interface ArchSelectorOptions {
  readonly architecture: Architecture;
  /** The stage's name, for messages. */
  readonly stageName: string;
  /**
   * Whether a template that selects no architecture gets the stage's. False for a team's own
   * manifests (`Stack.podTemplatesAsWritten`) on an amd64 stage, which ran without it: a template
   * that changes replaces every pod at the first apply, and a Job's cannot change at all (the apply
   * fails). Off amd64 their images are the architecture's, so they are pinned all the same.
   * @default true
   */
  readonly pin?: boolean;
}

/**
 * Adds `nodeSelector: { kubernetes.io/arch: <architecture> }` to every pod template the scheduler
 * places (unless `pin` is false); a pod pinned with `nodeName` bypasses the scheduler, so it is left as written.
 * @throws ProblemsError when a pod template already selects another architecture
 */
export function selectArchitecture(
  objects: readonly KubeObject[],
  { architecture, stageName, pin = true }: ArchSelectorOptions,
): KubeObject[] {
  const problems: Problem[] = [];
  const out = objects.map((o) => {
    const { path, template } = workloadTemplate(o) ?? {};
    const spec = template?.spec;
    if (!path || !spec || spec.nodeName !== undefined || !takesNodeSelector(o)) return o;
    const selector = (spec.nodeSelector ?? {}) as Record<string, string>;
    const chosen = selector[ARCH_LABEL];
    if (chosen !== undefined && chosen !== architecture) {
      const nodeSelector = [...path, 'spec', 'nodeSelector'];
      const { reason, hint } = architectureConflict(
        chosen,
        { name: stageName, architecture },
        `the ${ARCH_LABEL} node selector from the stack or the included manifest that sets it`,
      );
      problems.push({
        code: 'images/architecture-conflict',
        subject: describeObject(o),
        field: { object: o, path: [...nodeSelector, ARCH_LABEL] },
        message: `${nodeSelector.join('.')}: selects ${ARCH_LABEL} '${chosen}', ${reason}`,
        // a team's own template gets no selector from stagecraft: its own must say the stage's architecture, or go
        hint: pin ? hint : `write ${ARCH_LABEL}: ${architecture} there or remove it, or set architecture: ${chosen} in the stage file`,
      });
      return o;
    }
    if (!pin || chosen !== undefined) return o;
    return withPodTemplate(o, (t) => ({ ...t, spec: { ...t.spec, nodeSelector: { ...selector, [ARCH_LABEL]: architecture } } }));
  });
  if (problems.length) throw new ProblemsError(problems);
  return out;
}
