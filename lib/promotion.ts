/**
 * Promotion: what `npm run promote -- <from> <to>` changes in the target stage file. The release
 * settings of every app both stages deploy (see `ReleaseSettings`) are copied: the image the
 * source runs (its live color, when it runs blue/green) goes to the target's `image`, or to its
 * idle color when the target runs blue/green; the settings that travel with the release are
 * copied as they are. Pure: stage files in, edits out.
 */
import type { Problem } from './errors.js';
import type { LoadedStage } from './config/load.js';
import type { ValueEdit } from './config/edit.js';
import { formatFieldPath as dotted } from './model/field-path.js';
import { idleColor, settingAt, type BlueGreenSettings, type SettingPath } from './release.js';
import type { Stack } from './stack.js';

export interface PromotionPlan {
  /** The values to write into the target stage file (only those that differ). */
  readonly edits: readonly ValueEdit[];
  /** What was left alone and why, for the user. */
  readonly notes: readonly string[];
}

/** Why moving a release from `from` to `to` is out of order, or undefined when `to` is next. */
export function orderProblem(from: string, to: string, order: readonly string[]): Problem | undefined {
  const i = order.indexOf(from);
  if (i >= 0 && order[i + 1] === to) return undefined;
  const where = (s: string) => (order.includes(s) ? '' : ` ('${s}' is not in the promotion order)`);
  const next = i >= 0 && i + 1 < order.length ? `; the next stage after ${from} is ${order[i + 1]}` : '';
  return {
    code: 'promote/order',
    message: `releases move ${order.join(' -> ')}, so ${from} is not promoted to ${to}${where(from)}${where(to)}${next}`,
    hint: 'promote one stage at a time, or pass --force to move the release anyway (PROMOTION_ORDER in apps/index.ts declares the order)',
  };
}

/**
 * The edits that give `to` the release of `from`, for every app both deploy (or only `app`).
 * @returns problems instead when `app` is named but cannot be promoted
 */
export function planPromotion(
  from: LoadedStage,
  to: LoadedStage,
  stacks: Readonly<Record<string, Stack>>,
  app?: string,
): PromotionPlan | { problems: Problem[] } {
  const edits: ValueEdit[] = [];
  const notes: string[] = [];
  const problems: Problem[] = [];
  const targets = new Map(to.apps.map((a) => [a.name, a]));
  const sources = from.apps.filter((a) => app === undefined || a.name === app);
  if (app !== undefined && sources.length === 0) {
    problems.push({ code: 'promote/no-app', message: `${from.source} deploys no app '${app}'`, hint: `the apps of ${from.context.name} are: ${from.apps.map((a) => a.name).join(', ') || 'none'}` });
  }
  for (const source of sources) {
    const target = targets.get(source.name);
    const release = stacks[source.stack].release;
    const skip = (message: string) => (app === undefined ? notes.push(`apps.${source.name}: ${message}`) : problems.push({ code: 'promote/app', message: `apps.${source.name}: ${message}` }));
    if (!target) { skip(`not deployed in ${to.context.name}; left alone`); continue; }
    if (target.stack !== source.stack) { skip(`is stack '${source.stack}' in ${from.context.name} but '${target.stack}' in ${to.context.name}; left alone`); continue; }
    if (!release) { skip(`stack '${source.stack}' declares no release settings; left alone`); continue; }
    const at = (path: SettingPath) => ['apps', source.name, ...path];
    const sourceColors = release.blueGreen && (settingAt(source.settings, release.blueGreen) as BlueGreenSettings | undefined);
    const image = sourceColors ? sourceColors[sourceColors.live] : (settingAt(source.settings, release.image) as string | undefined);
    const targetColors = release.blueGreen && (settingAt(target.settings, release.blueGreen) as BlueGreenSettings | undefined);
    if (image === undefined) {
      notes.push(`apps.${source.name}: ${dotted(at(release.image))} is not set in ${from.context.name}; the image is left alone`);
    } else if (!targetColors) {
      if (settingAt(target.settings, release.image) !== image) edits.push({ path: at(release.image), value: image });
    } else if (targetColors[targetColors.live] === image) {
      notes.push(`apps.${source.name}: ${image} is already live (${targetColors.live}) in ${to.context.name}`);
    } else {
      // the new release goes next to the live one; `npm run switch` sends traffic to it
      const idle = idleColor(targetColors.live);
      if (targetColors[idle] !== image) edits.push({ path: at([...release.blueGreen!, idle]), value: image });
    }
    for (const path of release.with ?? []) {
      const value = settingAt(source.settings, path);
      if (typeof value === 'string' && settingAt(target.settings, path) !== value) edits.push({ path: at(path), value });
    }
  }
  return problems.length ? { problems } : { edits, notes };
}
