/**
 * A blue/green app whose live color is given a new image: its pods are replaced while they serve
 * traffic, which is what blue/green deployment is there to avoid (a release goes to the idle color,
 * where `npm run promote` writes it, and `npm run switch` sends traffic to it once it runs). Found
 * by comparing the stage file with the stage's output as it is (`dist/<stage>/`): the color that
 * was live stays live, and its Deployment's image changes. A warning, and only about this change:
 * the next synthesis compares with the output this one wrote, so it is not kept with the stage's
 * warnings (lib/cli/fingerprint.ts replays those).
 */
import { STACKS } from '../apps/index.js';
import type { LoadedStage } from './config/load.js';
import type { Problem } from './errors.js';
import { parseManifests } from './checks/manifests.js';
import type { KubeObject } from './model/object.js';
import { COLOR_LABEL, colorName, idleColor, settingAt, type BlueGreenSettings } from './release.js';
import { chartFileName } from './synth/output.js';

/** Reads a file of the stage's output as it is, by its name in `dist/<stage>/`; undefined when there is none. */
export type OutputReader = (file: string) => string | undefined;

/** A warning for each blue/green app of `loaded` whose live color keeps being live with another image than its output has. */
export function liveImageEdits(loaded: LoadedStage, readOutput: OutputReader | undefined): Problem[] {
  if (!readOutput) return [];
  const problems: Problem[] = [];
  for (const app of loaded.apps) {
    const path = STACKS[app.stack as keyof typeof STACKS].release?.blueGreen;
    const colors = path && (settingAt(app.settings, path) as BlueGreenSettings | undefined);
    if (!path || !colors) continue;
    const deployed = objectsIn(readOutput(chartFileName(app.name)));
    const live = colors.live;
    const selector = (
      deployed.find((o) => o.kind === 'Service' && o.metadata.name === app.name)?.spec as { selector?: unknown } | undefined
    )?.selector as Record<string, unknown> | undefined;
    // a switch, or no output yet: the live color changes (or starts), and may come with its image
    if (selector?.[COLOR_LABEL] !== live) continue;
    const before = imageOf(
      deployed.find((o) => o.kind === 'Deployment' && o.metadata.name === colorName(app.name, live)),
      app.name,
    );
    if (before === undefined || before === colors[live]) continue;
    const setting = ['apps', app.name, ...path, live];
    problems.push({
      code: 'release/live-image',
      severity: 'warning',
      location: loaded.locate(setting),
      message: `${setting.join('.')}: the ${live} color is live, and its image changes from ${before} to ${colors[live]}: its pods are replaced while they serve traffic, which blue/green deployment avoids`,
      hint: `give the new image to the idle color instead (${idleColor(live)}; npm run promote writes it there), apply, then npm run switch -- ${loaded.context.name} ${app.name}`,
    });
  }
  return problems;
}

/** The objects of an output file; none when there is no file, or it is not one stagecraft could read. */
function objectsIn(text: string | undefined): readonly KubeObject[] {
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
