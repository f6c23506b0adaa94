/**
 * The checks' findings on an app's objects, said where the stage file wrote the app: at its key, or
 * at the entry that wrote a container beside the app's (`Stack.containerSetting`: a sidecar), with a
 * policy finding's hint naming the stage file's exception setting (`Stack.policyExceptions`) and a
 * stack's overlapping workloads told to select by a component of their own. Pure.
 */
import type { LoadedStage } from './config/load.js';
import type { AppFinding } from './errors.js';
import { type FieldPath, formatFieldPath as dotted } from './model/field-path.js';
import { CONTAINER_LISTS } from './model/pod-specs.js';
import type { KubeObject } from './model/object.js';
import { POLICY_CONTROLS, POLICY_EXCEPTION_PREFIX } from './policy.js';
import type { Stack } from './stack.js';
import { chartHeads } from './synth/app-summary.js';
import { NAMESPACE_CHART, type RenderedStage } from './synth/rendered.js';
import { objectKey } from './stage-references.js';
import { selectorChange } from './checks/workload-overlaps.js';

/**
 * `findings` with each one about an object of an app (its chart's, not the stage's Namespace) placed
 * at that app's key in the stage file (`Finding.appAt`): the object, named in the message, is the
 * app's stack's making from that app's settings. An object of an included file is placed in that
 * file instead (`placedProblems`, lib/checks/manifests.ts), which it prefers.
 */
export function atApps(
  findings: readonly AppFinding[],
  rendered: RenderedStage,
  loaded: LoadedStage,
  stacks: Readonly<Record<string, Stack>> = {},
): AppFinding[] {
  if (!findings.length) return [];
  const stackOf = new Map(loaded.apps.map((a) => [a.name, stacks[a.stack]]));
  const stackNameOf = new Map(loaded.apps.map((a) => [a.name, a.stack]));
  const apps = new Set(loaded.apps.map((a) => a.name));
  /** The app of each object, by description: from what is known without reading a cached app (`chartHeads`). */
  const appOf = new Map<string, string>();
  for (const chart of rendered.charts) {
    if (chart.name === NAMESPACE_CHART || !apps.has(chart.name)) continue;
    for (const o of chartHeads(chart)) if (!appOf.has(objectKey(o))) appOf.set(objectKey(o), chart.name);
  }
  const settingsOf = new Map(loaded.apps.map((a) => [a.name, a.settings]));
  return findings.map((f) => {
    const app = appOf.get(objectKey(f.object));
    if (app === undefined || f.appAt) return f;
    const stack = stackOf.get(app);
    const exceptions = stack?.policyExceptions;
    // a container the app's entry wrote beside its own (a sidecar): said where that container is written
    const container = stack?.containerSetting?.(settingsOf.get(app), f.path);
    return {
      ...f,
      appAt: container ? loaded.locate(['apps', app, ...container.path], container.key) : loaded.locate(['apps'], app),
      ...(exceptions ? { hint: exceptionHint(f, ['apps', app, ...exceptions]) } : {}),
      ...(f.code === OVERLAP && !STAGE_FILE_WORKLOADS.has(stackNameOf.get(app) ?? 'manifests') ? { hint: overlapHint(f.object, app) } : {}),
    };
  });
}

/** The code of the checks' finding about a workload selecting another's pods (lib/checks/workload-overlaps.ts). */
const OVERLAP = 'refs/workload-overlap';

/**
 * The stacks whose workloads the stage file writes: one per app (and its blue/green colors, kept apart
 * by their color), or a manifests app's YAML as written. An overlap of theirs is with another app's
 * pods, or in a team's own YAML, which the checks' hint fits; a stack of several workloads gets `overlapHint`.
 */
const STAGE_FILE_WORKLOADS: ReadonlySet<string> = new Set(['manifests', 'service', 'cron']);

/**
 * An overlap's hint for a stack's workload `o`: the checks tell to relabel the other's pods, which a
 * stack cannot do for its own, since the labels transform writes the app's instance label on every
 * pod template of the app; what it can is select each workload by a component of its own. Then, as
 * the checks' hint ends, how to change a selector, which cannot change (`selectorChange`).
 */
const overlapHint = (o: KubeObject, app: string): string =>
  `every pod template of the app carries its instance label, so give each workload of ${dotted(['apps', app])} a selector of its own in the stack, appSelector(name, stage, '<component>') (lib/stack.ts), the one of the instance label alone too; ${selectorChange(o)}`;

/**
 * A policy finding's hint with the exception declared where the stage file declares it (`at`, the
 * app's `Stack.policyExceptions`), not as the annotation on the object the checks name, which the
 * stage file cannot write (its annotations settings refuse stagecraft.dev keys). Another hint is kept.
 */
function exceptionHint(f: AppFinding, at: FieldPath): string | undefined {
  // an exception nothing needs: the stage file's setting wrote the annotation, and is what to remove
  const annotation = f.path.at(-1);
  if (f.code === 'policy/unused-exception' && typeof annotation === 'string' && annotation.startsWith(POLICY_EXCEPTION_PREFIX))
    return `remove ${dotted([...at, annotation.slice(POLICY_EXCEPTION_PREFIX.length)])} from the stage file, so that the exception cannot hide a later change`;
  const control = f.code.startsWith('policy/') ? f.code.slice('policy/'.length) : undefined;
  if (control === undefined || !(POLICY_CONTROLS as readonly string[]).includes(control) || f.hint === undefined) return f.hint;
  // the exception is the workload's: said of a list's second container or a later one, it excuses the others
  // too. Told from the finding's path alone: the pod of a cached app is not at hand (its finding is on a
  // stand-in), and reading it would render the app again, so a first container's hint says nothing of the others
  const list = f.path.findIndex((p) => (CONTAINER_LISTS as readonly unknown[]).includes(p));
  const index = f.path[list + 1];
  const several = list >= 0 && typeof index === 'number' && index > 0;
  return f.hint.replace(
    `declare the exception on the ${f.object.kind}: ${POLICY_EXCEPTION_PREFIX}${control}: <reason>`,
    `declare the exception in the stage file${several ? `, for every container of the ${f.object.kind}` : ''}: ${dotted([...at, control])}: <reason>`,
  );
}
