/**
 * Promotion: what `npm run promote -- <from> <to>` changes in the target stage file. The release
 * settings of every app both stages deploy (see `ReleaseSettings`) are copied: the image the
 * source runs (its live color, when it runs blue/green) goes to the target's `image`, or to its
 * idle color when the target runs blue/green; the settings that travel with the release are
 * copied as they are. Pure: stage files in, edits out.
 */
import type { Problem, SourceLocation } from './errors.js';
import { didYouMean } from './model/did-you-mean.js';
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

/**
 * The promotion order, as data: for each stage that declares `promotion: { from: <stage> }` in its
 * stage file, the stage its releases come from. Stages that declare nothing are not promoted to.
 */
export type PromotionOrder = ReadonlyMap<string, string>;

/** A stage's declaration, for `promotionProblems`. */
export interface PromotionDeclaration {
  readonly stage: string;
  /** `promotion.from`, when the stage file sets it. */
  readonly from?: string;
  /** Where `promotion.from` is written. */
  readonly location?: SourceLocation;
}

/** The order declared by `stages`. */
export function promotionOrder(stages: readonly PromotionDeclaration[]): PromotionOrder {
  return new Map(stages.filter((s) => s.from !== undefined).map((s) => [s.stage, s.from!]));
}

/**
 * What is wrong with the declared order: a `from` that names no stage of the project (`existing`),
 * the stage itself, or a cycle. Each problem points at the `promotion.from` that causes it.
 */
export function promotionProblems(stages: readonly PromotionDeclaration[], existing: readonly string[]): Problem[] {
  const order = promotionOrder(stages);
  const problems: Problem[] = [];
  for (const { stage, from, location } of stages) {
    if (from === undefined) continue;
    const at = { code: 'config/promotion', ...(location ? { location } : { subject: `stage '${stage}'` }) };
    if (from === stage) {
      problems.push({
        ...at,
        message: `promotion.from names the stage itself ('${stage}')`,
        hint: 'name the stage whose releases come here, e.g. promotion: { from: qa }',
      });
    } else if (!existing.includes(from)) {
      const guess = didYouMean(from, existing);
      problems.push({
        ...at,
        message: `promotion.from names no stage of the project (found '${from}')${guess ? `; did you mean '${guess}'?` : ''}`,
        hint: `the stages are: ${existing.join(', ')}`,
      });
    } else {
      // follow the chain back: coming back to this stage is a cycle
      const seen = [stage];
      for (let s: string | undefined = from; s !== undefined; s = order.get(s)) {
        if (s === stage) {
          problems.push({
            ...at,
            message: `promotion.from makes a cycle: ${[...seen, stage].reverse().join(' -> ')}`,
            hint: 'one stage of the cycle must not be promoted from another: remove its promotion.from',
          });
          break;
        }
        if (seen.includes(s)) break; // a cycle elsewhere, reported at its own stages
        seen.push(s);
      }
    }
  }
  return problems;
}

/** The order as people read it: `dev -> test -> qa -> {production, staging}`, one tree per first stage. */
export function formatOrder(order: PromotionOrder): string {
  const next = (stage: string) =>
    [...order]
      .filter(([, f]) => f === stage)
      .map(([s]) => s)
      .sort();
  const tree = (stage: string, depth = 0): string => {
    const after = depth > 50 ? [] : next(stage);
    if (after.length === 0) return stage;
    const rest = after.map((s) => tree(s, depth + 1));
    return `${stage} -> ${rest.length === 1 ? rest[0] : `{${rest.join(', ')}}`}`;
  };
  const roots = [...new Set(order.values())].filter((s) => !order.has(s)).sort();
  return roots.map((r) => tree(r)).join('; ') || '(no stage declares promotion.from)';
}

/** Why moving a release from `from` to `to` is out of order, or undefined when `to` is promoted from `from`. */
export function orderProblem(from: string, to: string, order: PromotionOrder): Problem | undefined {
  if (order.get(to) === from) return undefined;
  const inOrder = (s: string) => order.has(s) || [...order.values()].includes(s);
  const where = (s: string) => (inOrder(s) ? '' : ` ('${s}' is not in the promotion order)`);
  const after = [...order]
    .filter(([, f]) => f === from)
    .map(([s]) => s)
    .sort();
  const next = after.length ? `; the next stage after ${from} is ${after.join(' or ')}` : '';
  return {
    code: 'promote/order',
    message: `releases move ${formatOrder(order)}, so ${from} is not promoted to ${to}${where(from)}${where(to)}${next}`,
    hint: `promote one stage at a time, or pass --force to move the release anyway (promotion.from in each stage file declares the order)`,
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
    problems.push({
      code: 'promote/no-app',
      message: `${from.source} deploys no app '${app}'`,
      hint: `the apps of ${from.context.name} are: ${from.apps.map((a) => a.name).join(', ') || 'none'}`,
    });
  }
  for (const source of sources) {
    const target = targets.get(source.name);
    const release = stacks[source.stack].release;
    // promoting every app, one that cannot be is a note; the app named with --app, a problem with a hint
    const skip = (message: string, hint: string) =>
      app === undefined
        ? notes.push(`apps.${source.name}: ${message}; left alone`)
        : problems.push({ code: 'promote/app', message: `apps.${source.name}: ${message}, so its release cannot be promoted`, hint });
    if (!target) {
      skip(
        `not deployed in ${to.context.name}`,
        `promote copies releases, not apps: add apps.${source.name} to ${to.source} first, or promote another app`,
      );
      continue;
    }
    if (target.stack !== source.stack) {
      skip(
        `is stack '${source.stack}' in ${from.context.name} but '${target.stack}' in ${to.context.name}`,
        `a release moves between instances of one stack: give apps.${source.name} the same stack in both stage files, or promote another app`,
      );
      continue;
    }
    if (!release) {
      skip(
        `stack '${source.stack}' declares no release settings`,
        `stack '${source.stack}' has no release to promote: edit its image in ${to.source} by hand`,
      );
      continue;
    }
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
