/**
 * A blue/green app whose live color is given a new image: its pods are replaced while they serve
 * traffic, which is what blue/green deployment is there to avoid (a release goes to the idle color,
 * where `npm run promote` writes it, and `npm run switch` sends traffic to it once it runs). Found
 * by comparing the stage file with the stage's output as it is (`dist/<stage>/`): the color that
 * is live after this synthesis (the same, or switched to in the same edit) has another image than
 * its Deployment there. A warning, and only about this change: the next synthesis compares with the
 * output this one wrote, so it is not kept with the stage's warnings (lib/cli/fingerprint.ts
 * replays those).
 */
import { STACKS } from '../apps/index.js';
import type { LoadedStage } from './config/load.js';
import type { Problem } from './errors.js';
import { appliedByHand, type DeliveredBy, engineName } from './model/engines.js';
import { parseManifests } from './checks/manifests.js';
import type { KubeObject } from './model/object.js';
import { COLOR_LABEL, colorName, idleColor, settingAt, type BlueGreenSettings } from './release.js';
import { chartFileName } from './synth/output.js';

/** Reads a file of the stage's output as it is, by its path from `dist/<stage>/` (`../<stage>/<file>` for another stage's); undefined when there is none. */
export type OutputReader = (file: string) => string | undefined;

/**
 * A warning for each blue/green app of `loaded` whose live color (kept, or switched to) runs
 * another image than the output has: the live pods are replaced while they serve traffic.
 * @param by the engine that delivers the stage (its `delivery:`, else the project file's) and its sync policy, when one does
 */
export function liveImageEdits(loaded: LoadedStage, readOutput: OutputReader | undefined, by?: DeliveredBy): Problem[] {
  if (!readOutput) return [];
  const problems: Problem[] = [];
  // a stage an engine delivers is applied by it from the pushed commit: the push is the apply,
  // and a switch goes in a commit of its own once the engine has synced the idle color's image;
  // one synced by hand (or a suspended Kustomization) applies a pushed commit only once told to
  const delivered = by && syncedOnce(by);
  const stage = loaded.context.name;
  for (const app of loaded.apps) {
    const path = STACKS[app.stack as keyof typeof STACKS].release?.blueGreen;
    const colors = path && (settingAt(app.settings, path) as BlueGreenSettings | undefined);
    if (!path || !colors) continue;
    const deployed = objectsIn(readOutput(chartFileName(app.name)));
    const live = colors.live;
    const selector = (
      deployed.find((o) => o.kind === 'Service' && o.metadata.name === app.name)?.spec as { selector?: unknown } | undefined
    )?.selector as Record<string, unknown> | undefined;
    const wasLive = selector?.[COLOR_LABEL];
    const before = imageOf(
      deployed.find((o) => o.kind === 'Deployment' && o.metadata.name === colorName(app.name, live)),
      app.name,
    );
    // no output yet, or the live color's image as it was
    if (wasLive === undefined || before === undefined || before === colors[live]) continue;
    const setting = ['apps', app.name, ...path, live];
    const change = `its image changes from ${before} to ${colors[live]}`;
    problems.push({
      code: 'release/live-image',
      severity: 'warning',
      location: loaded.locate(setting),
      ...(wasLive === live
        ? {
            message: `${setting.join('.')}: the ${live} color is live, and ${change}: its pods are replaced while they serve traffic, which blue/green deployment avoids`,
            hint: delivered
              ? `give the new image to the idle color instead (${idleColor(live)}; npm run promote writes it there), commit and push it; once ${delivered}, npm run switch -- ${stage} ${app.name}, then commit and push that`
              : `give the new image to the idle color instead (${idleColor(live)}; npm run promote writes it there), apply, then npm run switch -- ${stage} ${app.name}`,
          }
        : {
            message: `${setting.join('.')}: traffic switches to the ${live} color while ${change}: it goes to pods being replaced, not to a release that runs`,
            hint: delivered
              ? `push the new image with ${String(wasLive)} still live, and switch in a commit of its own once ${delivered} (npm run switch -- ${stage} ${app.name} checks that the idle color runs it)`
              : `apply the new image with ${String(wasLive)} still live, then switch (npm run switch -- ${stage} ${app.name} checks that the idle color runs it)`,
          }),
    });
  }
  return problems;
}

/** When the engine has applied a pushed commit, in words: once it has synced it, or once it is told to (`appliedByHand`). */
function syncedOnce(by: DeliveredBy): string {
  const { engine, automated } = by;
  const name = engineName(engine);
  if (automated) return `${name} has synced it`;
  return engine === 'flux'
    ? `${name} has applied it, which it does only once its suspended Kustomization is resumed (${appliedByHand(by)})`
    : `${name} has synced it, which it does only when the stage is synced by hand (${appliedByHand(by)})`;
}

/** The objects of an output file; none when there is no file, or it is not one stagecraft could read. */
export function objectsIn(text: string | undefined): readonly KubeObject[] {
  if (text === undefined) return [];
  try {
    return parseManifests([{ file: 'output', text }]).objects;
  } catch {
    return [];
  }
}

/** The image of the container `name` of a Deployment (or of its only container). */
function imageOf(deployment: KubeObject | undefined, name: string): string | undefined {
  const containers = (deployment?.spec as { template?: { spec?: { containers?: unknown } } } | undefined)?.template?.spec?.containers;
  if (!Array.isArray(containers)) return undefined;
  const container = containers.find((c) => c?.name === name) ?? (containers.length === 1 ? containers[0] : undefined);
  return typeof container?.image === 'string' ? container.image : undefined;
}
