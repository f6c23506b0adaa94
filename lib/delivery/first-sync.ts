/**
 * Argo CD's first sync of a Namespace a stage makes: it runs the PreSync hooks before it applies
 * anything else of the stage, the Namespace included, whatever their sync waves (the PreSync phase
 * comes before the Sync phase). A PreSync hook in that Namespace (a team's migration Job, or a Helm
 * chart's pre-install hook, which Argo CD runs as one) is then refused ("namespaces ... not found"),
 * the sync fails before the Namespace is made, and so does every retry: the stage is never applied
 * (argo-cd#3762). The Application's `CreateNamespace=true` would not help: Argo CD makes no Namespace
 * that the manifests hold (gitops-engine autoCreateNamespace). Pure: lib/output-changes.ts finds
 * the Namespaces that are new in a stage's output and the hooks in them, and places the warning.
 */
import type { Problem, SourceLocation } from '../errors.js';
import type { FieldPath } from '../model/field-path.js';
import { ARGOCD_HOOK, HELM_HOOK, argoCdPreSync } from '../model/hooks.js';
import { describeObject, isRecord, type KubeObject } from '../model/object.js';

const CODE = 'delivery/first-sync-hook';

/** Cheap markers of a PreSync hook in a file's text (Argo CD's own, or a Helm hook it runs as one), before a file is parsed. */
const PRE_SYNC_MARKERS = ['PreSync', 'pre-install', 'pre-upgrade'];

/** Whether the text of an output file may hold a PreSync hook: only such a file is parsed. */
export const mayHoldPreSyncHook = (text: string): boolean => PRE_SYNC_MARKERS.some((m) => text.includes(m));

/**
 * A warning for each of `objects` that Argo CD runs as a PreSync hook in a Namespace of `fresh`
 * (the Namespaces the stage's output makes that its output did not make before), placed by `place`
 * at its hook annotation (an included manifest's object), else named.
 */
export function hooksBeforeTheirNamespace(
  objects: readonly KubeObject[],
  fresh: ReadonlySet<string>,
  place: (o: KubeObject, path: FieldPath) => SourceLocation | undefined,
): Problem[] {
  const problems: Problem[] = [];
  for (const o of objects) {
    const ns = o.metadata?.namespace;
    if (typeof ns !== 'string' || !fresh.has(ns) || !isRecord(o.metadata.annotations) || !argoCdPreSync(o.metadata.annotations)) continue;
    const message =
      `Argo CD runs this PreSync hook before it applies anything else of the stage, and the Namespace ${ns} is new: on its first sync ` +
      `the hook is refused (namespaces "${ns}" not found), and so is every retry, since the Namespace comes after it: the stage is never applied`;
    const hint =
      `before pushing this commit, create the Namespace in the cluster (kubectl create namespace ${ns}), with what the hook reads from it ` +
      '(its Secrets, ConfigMaps and ServiceAccount: the first sync makes them after it too); Argo CD applies the rest over them. ' +
      'If the sync failed already, do so, then argocd app sync the stage, since Argo CD does not sync that commit again by itself';
    const location = place(o, ['metadata', 'annotations', ARGOCD_HOOK in o.metadata.annotations ? ARGOCD_HOOK : HELM_HOOK]);
    problems.push(
      location
        ? { code: CODE, severity: 'warning', location, message: `${describeObject(o)}: ${message}`, hint }
        : { code: CODE, severity: 'warning', subject: describeObject(o), message, hint },
    );
  }
  return problems;
}
