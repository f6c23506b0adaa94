import type { KubeObject } from '../model/object.js';
import { MANAGED_BY, STAGE_LABEL, standardLabels, type LabelOptions } from '../model/labels.js';
import { withPodTemplate } from '../model/pod-specs.js';

export { MANAGED_BY, STAGE_LABEL, standardLabels, type LabelOptions } from '../model/labels.js';

/** The labels that say which stage owns an object: what the stage's `kubectl apply --prune -l ...` selects by. */
function ownershipLabels(stage: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': MANAGED_BY, [STAGE_LABEL]: stage };
}

/**
 * Adds the standard labels to every object and, unless `podTemplates` is false (a team's own
 * manifests, whose templates are kept as written so that adopting them restarts no pod), to
 * every pod template (so pods are found by release and stage too); selectors are never touched.
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
export function addStandardLabels(
  objects: readonly KubeObject[],
  options: LabelOptions,
  { podTemplates = true }: { readonly podTemplates?: boolean } = {},
): KubeObject[] {
  const labels = standardLabels(options);
  const owner = ownershipLabels(options.stage);
  return objects.map((o) => {
    const labelled = { ...o, metadata: { ...o.metadata, labels: { ...labels, ...o.metadata.labels, ...owner } } };
    if (!podTemplates) return labelled;
    return withPodTemplate(labelled, (t) => ({ ...t, metadata: { ...t.metadata, labels: { ...labels, ...t.metadata?.labels } } }));
  });
}
