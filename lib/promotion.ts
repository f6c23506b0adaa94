/**
 * Promotion: what `npm run promote -- <from> <to>` changes in the target stage file. The release
 * settings of every app both stages deploy (see `ReleaseSettings`) are copied: the image the
 * source runs (its live color, when it runs blue/green) goes to the target's `image`, or to its
 * idle color when the target runs blue/green; the settings that travel with the release are
 * copied. An image (the app's, or one of those settings named `image`) keeps the target's
 * repository, so that a stage that pulls from a registry of its own keeps it, and takes the
 * source's tag or digest. Pure: stage files in, edits out. In steps, one module each: which apps
 * move and what is said of the others (lib/promotion-apps.ts), one app's release moved
 * (lib/promotion-release.ts), an image from registry to registry (lib/promotion-images.ts).
 */
import type { Problem } from './errors.js';
import type { AppInstance, LoadedStage } from './config/load.js';
import type { ValueEdit } from './config/edit.js';
import { appObstacle, namedAppProblem, unmatchedApps } from './promotion-apps.js';
import { planAppRelease } from './promotion-release.js';
import type { Stack } from './stack.js';

export interface PromotionPlan {
  /** The values to write into the target stage file (only those that differ). */
  readonly edits: readonly ValueEdit[];
  /** What was left alone and why, for the user. */
  readonly notes: readonly string[];
  /**
   * The apps whose release the target already runs in its idle color only: `npm run switch` makes it live.
   * @default []
   */
  readonly idle?: readonly string[];
  /**
   * Promoting every app, the apps only the source deploys, left alone: the target has no release of
   * them, so "nothing to change" is true of `shared` alone.
   * @default - none: the target deploys every app of the source
   */
  readonly sourceOnly?: readonly string[];
  /**
   * With `sourceOnly`, the apps both deploy whose releases were compared (one stack in both, with a release).
   * @default - none
   */
  readonly shared?: readonly string[];
}

/**
 * The edits that give `to` the release of `from`, for every app both deploy (or only those of `apps`).
 * @param force write the source's image as it is where the target names another image
 * @param rollback take the target back to an older numbered release than it runs (a rollback on
 *   purpose); nothing else: the other refusals stand
 * @returns problems instead when an app cannot be promoted: `refused` when the stages stand in its
 *   way (exit 1: an app named that the target lacks, an image that is not the same as the source's
 *   but with --force, an older release but with --rollback), else bad input (exit 2: an app named
 *   that is no app, or has no release)
 */
export function planPromotion(
  from: LoadedStage,
  to: LoadedStage,
  stacks: Readonly<Record<string, Stack>>,
  apps?: readonly string[],
  { force = false, rollback = false }: { force?: boolean; rollback?: boolean } = {},
): PromotionPlan | { problems: Problem[]; refused?: true } {
  const edits: ValueEdit[] = [];
  const notes: string[] = [];
  const waiting: string[] = [];
  const problems: Problem[] = [];
  const refusals: Problem[] = [];
  // the apps of the refusals, whose other edits are not written either
  const refused = new Set<string>();
  const targets = new Map(to.apps.map((a) => [a.name, a]));
  const sources = from.apps.filter((a) => apps === undefined || apps.includes(a.name));
  for (const app of new Set(apps)) {
    if (sources.some((s) => s.name === app)) continue;
    // a name of no app is bad input (exit 2); the target's app renamed in the source, a refusal as a promotion of every app says it
    const { problem, refusal } = namedAppProblem(from, to, app, { apps: apps ?? [], force, rollback });
    (refusal ? refusals : problems).push(problem);
  }
  // promoting every app, those the source deploys and the target does not (renamed, or not yet added there)
  const notDeployed: AppInstance[] = [];
  // promoting every app, the releases of the source the target does not have and cannot get, for when nothing else is written
  const lacking: Problem[] = [];
  // the apps both deploy whose releases are compared, of which "nothing to change" is said
  const shared: string[] = [];
  for (const source of sources) {
    const target = targets.get(source.name);
    const release = stacks[source.stack].release;
    if (!target && apps === undefined) {
      notDeployed.push(source);
      continue;
    }
    const obstacle = appObstacle(from, to, stacks, source, target);
    if (obstacle && 'mistake' in obstacle) {
      problems.push(obstacle.mistake);
      continue;
    }
    if (obstacle) {
      // at the app in the source file, as a promotion of every app says it
      const location = from.locate(['apps'], source.name);
      if (apps !== undefined) {
        // an app named: refused (exit 1) when the stages stand in its way, else the command asks what cannot be (exit 2)
        if (obstacle.refusal) refused.add(source.name);
        (obstacle.refusal ? refusals : problems).push({
          code: 'promote/app',
          location,
          message: `apps.${source.name}: ${obstacle.message}, so its release cannot be promoted`,
          hint: obstacle.hint,
        });
        continue;
      }
      // promoting every app, one that cannot be is a note
      notes.push(`apps.${source.name}: ${obstacle.message}; left alone`);
      // an app the target lacks never gets here (unmatchedApps says it): this one is of another stack there
      if (obstacle.refusal && release) {
        lacking.push({
          code: 'promote/app',
          location,
          message: `apps.${source.name}: ${obstacle.message}, so ${to.context.name} does not have its release`,
          hint: obstacle.hint,
        });
      }
      continue;
    }
    shared.push(source.name);
    const moved = planAppRelease({ from, to, source, target: target!, release: release!, force, rollback });
    edits.push(...moved.edits);
    notes.push(...moved.notes);
    refusals.push(...moved.refusals);
    if (moved.refusals.length) refused.add(source.name);
    if (moved.idle) waiting.push(source.name);
  }
  if (problems.length) return { problems: [...problems, ...refusals] };
  if (refusals.length) {
    // one refused holds back the others' releases: said, with the line that moves them meanwhile
    const others = [...new Set(edits.map((e) => String(e.path[1])))].filter((a) => !refused.has(a));
    const meanwhile = others.length
      ? `; the other apps' releases can move meanwhile: npm run promote -- ${from.context.name} ${to.context.name}${others.map((a) => ` --app ${a}`).join('')}`
      : '';
    return { problems: refusals.map((r) => ({ ...r, hint: `${r.hint}${meanwhile}` })), refused: true };
  }
  const unmatched = unmatchedApps(from, to, stacks, notDeployed);
  lacking.push(...unmatched.problems);
  // nothing to write, and yet the target runs under another name or stack an app whose release it lacks:
  // "nothing to change" would say the stages are equal
  if (edits.length === 0 && lacking.length) return { problems: lacking, refused: true };
  return {
    edits,
    notes: [...notes, ...unmatched.notes],
    ...(waiting.length ? { idle: waiting } : {}),
    ...(notDeployed.length ? { sourceOnly: notDeployed.map((a) => a.name), shared } : {}),
  };
}
