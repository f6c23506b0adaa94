/**
 * Which apps a promotion moves: the apps both stages deploy, of one stack with a release; what is
 * said of the others (an app named with --app that cannot move, an app only one stage deploys, one
 * that looks renamed). Pure: stage files in, problems and notes out; lib/promotion.ts plans a
 * promotion with it, lib/promotion-release.ts moves each app's release.
 */
import type { Problem } from './errors.js';
import { didYouMean } from './model/did-you-mean.js';
import { andList } from './model/limits.js';
import { shownArgument } from './model/shown-arguments.js';
import type { AppInstance, LoadedStage } from './config/load.js';
import { releaseImagePath } from './promotion-release.js';
import { releasePathMistakes, settingAt } from './release.js';
import type { Stack } from './stack.js';

/**
 * The options of the line that promote was given (`line`), with the apps listed in one --app (`app`) as
 * one --app each (`listed`), where it was, each app once, and --force and --rollback as given.
 */
function listedLine(
  line: { readonly apps: readonly string[]; readonly force?: boolean; readonly rollback?: boolean },
  app: string,
  listed: readonly string[],
): string {
  const apps = [...new Set(line.apps.flatMap((a) => (a === app ? listed : [a])))];
  return [...apps.map((a) => `--app ${a}`), ...(line.force ? ['--force'] : []), ...(line.rollback ? ['--rollback'] : [])].join(' ');
}

/**
 * The problem of an app named with --app that the source does not deploy: a name of no app (bad
 * input, with the nearest name), or the target's app renamed in the source (`refusal`: the stages
 * stand in its way, as a promotion of every app says it).
 */
export function namedAppProblem(
  from: LoadedStage,
  to: LoadedStage,
  app: string,
  line: { readonly apps: readonly string[]; readonly force?: boolean; readonly rollback?: boolean } = { apps: [app] },
): { problem: Problem; refusal: boolean } {
  const names = from.apps.map((a) => a.name);
  // the target's app of that name, renamed in the source: the source's apps of its stack that the target does not deploy
  const stack = to.apps.find((a) => a.name === app)?.stack;
  const renamed = from.apps.filter((a) => a.stack === stack && !to.apps.some((t) => t.name === a.name)).map((a) => a.name);
  const guess = renamed.length === 1 ? renamed[0] : didYouMean(app, names);
  // apps listed in one --app (--app api,db), each an app of the source: one --app is one app
  const parts = app.split(/[\s,]+/).filter((p) => p !== '');
  const listed = parts.length > 1 && parts.every((p) => names.includes(p)) ? parts : [];
  return {
    refusal: renamed.length > 0,
    problem: {
      code: 'promote/no-app',
      location: from.locate([], 'apps'),
      message:
        `stage ${from.context.name} deploys no app ${shownArgument(app)}` +
        (renamed.length
          ? `; ${to.context.name} deploys it, and ${from.context.name} deploys ${andList(renamed.map((r) => `apps.${r}`))} of its stack ('${stack}'), which ${to.context.name} does not: was it renamed?`
          : guess
            ? `; did you mean '${guess}'?`
            : ''),
      hint: renamed.length
        ? `promote copies releases, not apps: give it its name ${app} again in ${from.source}, or rename apps.${app} to ${renamed[0]} in ${to.source} too (its objects are renamed with it: npm run synth says what that takes); then promote again`
        : listed.length
          ? `each --app names one app: npm run promote -- ${from.context.name} ${to.context.name} ${listedLine(line, app, listed)} (the apps of ${from.context.name} are: ${names.join(', ')})`
          : `the apps of ${from.context.name} are: ${names.join(', ') || 'none'}`,
    },
  };
}

/**
 * Why an app of the source cannot be promoted to `target`, its instance in the target stage
 * (undefined: not deployed there), or undefined when it can: `refusal` when the stages stand in its
 * way (not deployed in the target, of another stack there), else the stack has no release to move;
 * `mistake` when the stack names its release wrongly (its code's mistake, whichever apps are promoted).
 */
export function appObstacle(
  from: LoadedStage,
  to: LoadedStage,
  stacks: Readonly<Record<string, Stack>>,
  source: AppInstance,
  target: AppInstance | undefined,
): { message: string; hint: string; refusal: boolean } | { mistake: Problem } | undefined {
  const release = stacks[source.stack].release;
  if (!target) {
    // the app named may have been renamed in one of the stages, as a promotion of every app asks
    const renamed = renamedApp(from, to, source);
    return {
      message: `not deployed in ${to.context.name}${renamed ? ` (${renamed.question})` : ''}`,
      hint: renamed?.hint ?? `promote copies releases, not apps: add apps.${source.name} to ${to.source} first, or promote another app`,
      refusal: true,
    };
  }
  if (target.stack !== source.stack) {
    return {
      message: `is stack '${source.stack}' in ${from.context.name} but '${target.stack}' in ${to.context.name}`,
      hint: `a release moves between instances of one stack: give apps.${source.name} the same stack in both stage files, or promote another app`,
      refusal: true,
    };
  }
  if (!release) {
    return {
      message: `stack '${source.stack}' declares no release settings`,
      hint: `stack '${source.stack}' has no release to promote: edit its image in ${to.source} by hand`,
      refusal: false,
    };
  }
  // a stack typed loosely (not through defineStack) may name settings it does not have: its mistake, never a quiet no-op
  const mistakes = releasePathMistakes(stacks[source.stack].settings, release);
  if (mistakes.length) {
    return {
      mistake: {
        code: 'promote/app',
        message: `apps.${source.name}: stack '${source.stack}' names its release wrongly (${mistakes.join('; ')}), so no release of it can be promoted`,
        hint: `the mistake is in the stack's code, not in the stage files: fix release: in stack '${source.stack}' (apps/), whose settings are its schema's`,
      },
    };
  }
  return undefined;
}

/**
 * Whether `app`, which the source deploys and the target does not, looks renamed: the target deploys
 * apps of its stack that the source does not (`olds`); the question to ask, and the hint that renames it.
 */
function renamedApp(from: LoadedStage, to: LoadedStage, app: AppInstance): { olds: string[]; question: string; hint: string } | undefined {
  const [source, target] = [from.context.name, to.context.name];
  const olds = to.apps.filter((t) => t.stack === app.stack && !from.apps.some((s) => s.name === t.name)).map((t) => t.name);
  if (olds.length === 0) return undefined;
  return {
    olds,
    question: `${target} deploys ${andList(olds.map((o) => `apps.${o}`))} of the same stack ('${app.stack}'), which ${source} does not: was it renamed?`,
    hint: `promote copies releases, not apps: to rename it in ${target} too, rename apps.${olds[0]} to ${app.name} in ${to.source} (its objects are renamed with it: npm run synth says what that takes), or give it its name ${olds[0]} again in ${from.source}; then promote again`,
  };
}

/**
 * What a promotion of every app says of the apps only one of the stages deploys (`notDeployed`, the
 * source's): a note for each; and, for when nothing else is written, a problem for each of the
 * source's with a release that looks renamed: the target deploys an app of its stack that the source
 * does not, so the target runs it, under its old name, at a release that may not be the source's.
 * An app the target never had is a note only (an experiment in dev that test does not run): the
 * target is not behind on it, and a promotion on every merge must not fail for it.
 */
export function unmatchedApps(
  from: LoadedStage,
  to: LoadedStage,
  stacks: Readonly<Record<string, Stack>>,
  notDeployed: readonly AppInstance[],
): { notes: string[]; problems: Problem[] } {
  const [source, target] = [from.context.name, to.context.name];
  const inSource = new Set(from.apps.map((s) => s.name));
  const onlyInTarget = to.apps.filter((t) => !inSource.has(t.name));
  const notes: string[] = [];
  const problems: Problem[] = [];
  const renamedFrom = new Set<string>();
  for (const app of notDeployed) {
    const renamed = renamedApp(from, to, app);
    if (!renamed) {
      notes.push(`apps.${app.name}: not deployed in ${target}; left alone`);
      continue;
    }
    for (const o of renamed.olds) renamedFrom.add(o);
    notes.push(`apps.${app.name}: not deployed in ${target}; left alone (${renamed.question})`);
    const release = stacks[app.stack]?.release;
    if (!release) continue;
    const image = settingAt(app.settings, releaseImagePath(release, app.settings));
    problems.push({
      code: 'promote/app',
      location: from.locate(['apps'], app.name),
      message:
        `apps.${app.name}: deployed in ${source}, not in ${target}, so ${target} does not have its release` +
        `${typeof image === 'string' ? ` (${image})` : ''}; ${renamed.question}`,
      hint: renamed.hint,
    });
  }
  for (const t of onlyInTarget) {
    if (!renamedFrom.has(t.name)) notes.push(`apps.${t.name}: deployed in ${target}, not in ${source}; left as it is`);
  }
  return { notes, problems };
}
