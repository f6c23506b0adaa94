/**
 * Promotion: what `npm run promote -- <from> <to>` changes in the target stage file. The release
 * settings of every app both stages deploy (see `ReleaseSettings`) are copied: the image the
 * source runs (its live color, when it runs blue/green) goes to the target's `image`, or to its
 * idle color when the target runs blue/green; the settings that travel with the release are
 * copied. An image (the app's, or one of those settings named `image`) keeps the target's
 * repository, so that a stage that pulls from a registry of its own keeps it, and takes the
 * source's tag or digest (`imageFor`). Pure: stage files in, edits out.
 */
import type { Problem } from './errors.js';
import { didYouMean } from './model/did-you-mean.js';
import { andList } from './model/limits.js';
import type { AppInstance, LoadedStage } from './config/load.js';
import type { ValueEdit } from './config/edit.js';
import { formatFieldPath as dotted } from './model/field-path.js';
import {
  compareReleases,
  hotfixReading,
  idleColor,
  releasePathMistakes,
  releaseTag,
  sameNumbers,
  settingAt,
  type BlueGreenSettings,
  type SettingPath,
} from './release.js';
import { withoutDockerHub } from './model/image.js';
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

/** An image reference in its parts: `registry.example.com:5000/team/web:2@sha256:...`. */
interface ImageParts {
  /** Registry and path, `registry.example.com:5000/team/web`. */
  readonly repository: string;
  /** The last component of the path, `web`: the image's name, whatever registry serves it. */
  readonly name: string;
  /** What follows the repository: `:2`, `@sha256:...`, both, or nothing (`latest`). */
  readonly version: string;
}

function imageParts(image: string): ImageParts {
  const digest = image.indexOf('@');
  const named = digest < 0 ? image : image.slice(0, digest);
  // a tag follows the last '/': the ':' of registry.example.com:5000/web is the port's
  const tag = named.indexOf(':', named.lastIndexOf('/') + 1);
  const repository = tag < 0 ? named : named.slice(0, tag);
  return { repository, name: repository.slice(repository.lastIndexOf('/') + 1), version: image.slice(repository.length) };
}

/** Where an image's version moves from stage to stage, for `imageFor`. */
interface ImageMove {
  readonly from: string;
  readonly to: string;
  /** The image the source runs. */
  readonly image: string;
  /** The image the target has there now, if any. */
  readonly current?: string;
  readonly force: boolean;
}

/**
 * The image to write where the target has `current`: the source's image with the target's
 * repository (a stage that pulls from a registry or mirror of its own keeps it) and the source's
 * tag or digest, saying so when the repository differs. When the names differ (`web` and `api`)
 * the image is another one, not a release of it: refused, unless `force` (the source's image as it is).
 */
function imageFor({ from, to, image, current, force }: ImageMove): { value: string; why?: string } | { refused: string } {
  if (current === undefined || current === image) return { value: image };
  const source = imageParts(image);
  const target = imageParts(current);
  if (withoutDockerHub(source.repository) === withoutDockerHub(target.repository)) {
    // one repository, spelled as the target spells it (docker.io/library/web or web)
    return { value: `${target.repository}${source.version}` };
  }
  if (source.name !== target.name) {
    return force
      ? { value: image, why: `${from}'s image as it is, with --force: the image names differ (${target.name}, ${source.name})` }
      : { refused: `${to} runs ${current} where ${from} runs ${image}, another image (${target.name}, not ${source.name})` };
  }
  const what = source.version.startsWith('@')
    ? 'the digest'
    : source.version.includes('@')
      ? 'the tag and digest'
      : source.version
        ? 'the tag'
        : 'the version (no tag: latest)';
  return { value: `${target.repository}${source.version}`, why: `${what} of ${from}'s ${image}; ${to}'s registry kept` };
}

/**
 * The edits that give `to` the release of `from`, for every app both deploy (or only `app`).
 * @param force write the source's image as it is where the target names another image
 * @param rollback take the target back to an older numbered release than it runs (a rollback on
 *   purpose); nothing else: the other refusals stand
 * @returns problems instead when `app` is named but cannot be promoted (`refused` when each can be
 *   overridden: an image that is not the same as the source's with --force, an older release with --rollback)
 */
export function planPromotion(
  from: LoadedStage,
  to: LoadedStage,
  stacks: Readonly<Record<string, Stack>>,
  app?: string,
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
  const sources = from.apps.filter((a) => app === undefined || a.name === app);
  if (app !== undefined && sources.length === 0) {
    const names = from.apps.map((a) => a.name);
    // the target's app of that name, renamed in the source: the source's apps of its stack that the target does not deploy
    const stack = targets.get(app)?.stack;
    const renamed = from.apps.filter((a) => a.stack === stack && !targets.has(a.name)).map((a) => a.name);
    const guess = renamed.length === 1 ? renamed[0] : didYouMean(app, names);
    // a name of no app is bad input (exit 2); the target's app renamed in the source, a refusal as a promotion of every app says it
    (renamed.length ? refusals : problems).push({
      code: 'promote/no-app',
      location: from.locate([], 'apps'),
      message:
        `stage ${from.context.name} deploys no app '${app}'` +
        (renamed.length
          ? `; ${to.context.name} deploys it, and ${from.context.name} deploys ${andList(renamed.map((r) => `apps.${r}`))} of its stack ('${stack}'), which ${to.context.name} does not: was it renamed?`
          : guess
            ? `; did you mean '${guess}'?`
            : ''),
      hint: renamed.length
        ? `promote copies releases, not apps: give it its name ${app} again in ${from.source}, or rename apps.${app} to ${renamed[0]} in ${to.source} too (its objects are renamed with it: npm run synth says what that takes); then promote again`
        : `the apps of ${from.context.name} are: ${names.join(', ') || 'none'}`,
    });
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
    /**
     * Promoting every app, one that cannot be is a note; the app named with --app, a problem with a hint: refused (exit 1)
     * when the stages stand in its way (`refusal`: not deployed in the target, of another stack there), as a promotion of
     * every app refuses them; else the command asks what cannot be (a stack with no release), bad input (exit 2)
     */
    const skip = (message: string, hint: string, { refusal = false } = {}) => {
      if (app === undefined) {
        notes.push(`apps.${source.name}: ${message}; left alone`);
        return;
      }
      if (refusal) refused.add(source.name);
      (refusal ? refusals : problems).push({
        code: 'promote/app',
        // at the app in the source file, as a promotion of every app says it
        location: from.locate(['apps'], source.name),
        message: `apps.${source.name}: ${message}, so its release cannot be promoted`,
        hint,
      });
    };
    if (!target && app === undefined) {
      notDeployed.push(source);
      continue;
    }
    if (!target) {
      // the app named may have been renamed in one of the stages, as a promotion of every app asks
      const renamed = renamedApp(from, to, source);
      skip(
        `not deployed in ${to.context.name}${renamed ? ` (${renamed.question})` : ''}`,
        renamed?.hint ?? `promote copies releases, not apps: add apps.${source.name} to ${to.source} first, or promote another app`,
        { refusal: true },
      );
      continue;
    }
    if (target.stack !== source.stack) {
      const why = `is stack '${source.stack}' in ${from.context.name} but '${target.stack}' in ${to.context.name}`;
      const hint = `a release moves between instances of one stack: give apps.${source.name} the same stack in both stage files, or promote another app`;
      skip(why, hint, { refusal: true });
      if (app === undefined && release) {
        lacking.push({
          code: 'promote/app',
          location: from.locate(['apps'], source.name),
          message: `apps.${source.name}: ${why}, so ${to.context.name} does not have its release`,
          hint,
        });
      }
      continue;
    }
    if (!release) {
      skip(
        `stack '${source.stack}' declares no release settings`,
        `stack '${source.stack}' has no release to promote: edit its image in ${to.source} by hand`,
      );
      continue;
    }
    // a stack typed loosely (not through defineStack) may name settings it does not have: its mistake, never a quiet no-op
    const mistakes = releasePathMistakes(stacks[source.stack].settings, release);
    if (mistakes.length) {
      problems.push({
        code: 'promote/app',
        message: `apps.${source.name}: stack '${source.stack}' names its release wrongly (${mistakes.join('; ')}), so no release of it can be promoted`,
        hint: `the mistake is in the stack's code, not in the stage files: fix release: in stack '${source.stack}' (apps/), whose settings are its schema's`,
      });
      continue;
    }
    shared.push(source.name);
    const at = (path: SettingPath) => ['apps', source.name, ...path];
    /**
     * The edit that writes the source's `image` (at `sourcePath` in the source) at `path`, where the target has `current`
     * (and, blue/green, `running` in its other color); undefined when refused.
     */
    const moved = (
      path: SettingPath,
      image: string,
      current: string | undefined,
      running = current,
      sourcePath = path,
    ): ValueEdit | undefined => {
      const result = imageFor({ from: from.context.name, to: to.context.name, image, current, force });
      if (!('value' in result)) {
        refused.add(source.name);
        refusals.push({
          code: 'promote/app',
          message: `${dotted(at(path))}: ${result.refused}, so its release cannot be moved by its tag`,
          hint: `give both stages the same image (their registries may differ), pass --force to write ${image} as it is, or edit ${to.source} by hand`,
        });
        return undefined;
      }
      // a later release in the target (a hotfix that came back from a later stage) would be lost: the tags say which
      // (compareReleases), a digest-pinned image's too (web:1.2@sha256:... is 1.2); a name or a digest alone says nothing
      const version = releaseTag(image);
      const later =
        rollback || result.value === current
          ? undefined
          : [running, current].find((r) => r !== undefined && (compareReleases(version, releaseTag(r)) ?? 0) < 0);
      /** How the tags were read, when only a hotfix suffix orders them (semver reads it otherwise). */
      const reading = (later: string) => {
        const why = hotfixReading(releaseTag(later), version);
        return why ? ` (${why})` : '';
      };
      if (later !== undefined) {
        // the later release brought back to the source by hand, in the source's registry: promoting the target back
        // to the source would move every other release of the target there too (a database image it is not ready for)
        const back = imageFor({ from: to.context.name, to: from.context.name, image: later, current: image, force: false });
        refused.add(source.name);
        refusals.push({
          code: 'promote/older',
          location: to.locate(at(path)),
          message: `${dotted(at(path))}: ${to.context.name} runs ${later}, a later release than ${from.context.name}'s ${image}${reading(later)}: the promotion would take it back to ${version}`,
          hint:
            `to keep it, set ${dotted(at(sourcePath))} to ${'value' in back ? back.value : later} in ${from.source} by hand ` +
            `(that setting alone; npm run promote -- ${to.context.name} ${from.context.name} would move ${to.context.name}'s other releases too), ` +
            `synthesize and commit ${from.context.name}, then promote again; or pass --rollback to take ${to.context.name} back to ${version} on purpose`,
        });
        return undefined;
      }
      // a variant of the same numbers (1.2.1-oracle, 1.2.1) may be a later build, which the tags do not say: said, not refused
      const numbers = current === undefined || result.value === current ? undefined : sameNumbers(version, releaseTag(current));
      if (numbers !== undefined) {
        notes.push(
          `${dotted(at(path))}: ${current} -> ${result.value}: the tags have the same numbers (${numbers}) and do not say which is later; if ${to.context.name}'s is a later build (a hotfix), promote takes it back: check before applying`,
        );
      }
      // latest is a name, not a release: the target's nodes pull whatever it is when a pod starts, not what the source ran
      if (result.value !== current && ['', ':latest'].includes(imageParts(image).version)) {
        notes.push(
          `${dotted(at(path))}: ${image} names no release (latest: each node pulls what it is when a pod starts, not necessarily what ${from.context.name} ran); give ${dotted(at(sourcePath))} a tag or digest in ${from.source} to promote one`,
        );
      }
      return { path: at(path), value: result.value, ...(result.why ? { why: result.why } : {}) };
    };
    const imagePath = releaseImagePath(release, source.settings);
    /** The target's image that the promotion replaces, if it does. */
    let replaced: string | undefined;
    const image = settingAt(source.settings, imagePath) as string | undefined;
    const targetColors = release.blueGreen && (settingAt(target.settings, release.blueGreen) as BlueGreenSettings | undefined);
    if (image === undefined) {
      notes.push(`apps.${source.name}: ${dotted(at(release.image))} is not set in ${from.context.name}; the image is left alone`);
    } else if (!targetColors) {
      const current = settingAt(target.settings, release.image) as string | undefined;
      const edit = moved(release.image, image, current, current, imagePath);
      if (edit && current !== edit.value) {
        edits.push(edit);
        replaced = current;
      }
    } else {
      const live = targetColors.live;
      const idle = idleColor(live);
      const liveImage = imageFor({ from: from.context.name, to: to.context.name, image, current: targetColors[live], force });
      if ('value' in liveImage && targetColors[live] === liveImage.value) {
        notes.push(`apps.${source.name}: ${liveImage.value} is already live (${live}) in ${to.context.name}`);
      } else {
        // the new release goes next to the live one; `npm run switch` sends traffic to it
        const edit = moved([...release.blueGreen!, idle], image, targetColors[idle], targetColors[live], imagePath);
        if (edit && targetColors[idle] !== edit.value) {
          edits.push(edit);
          replaced = targetColors[idle];
        } else if (edit) {
          waiting.push(source.name);
          const switchTo = `npm run switch -- ${to.context.name} ${source.name}`;
          // the live color may run a later release (a hotfix made there): switching to this one would undo it
          const rollback = (compareReleases(releaseTag(edit.value), releaseTag(targetColors[live])) ?? 0) < 0;
          notes.push(
            `apps.${source.name}: ${edit.value} is already in ${idle}, ${to.context.name}'s idle color, while ${live} (live) runs ${targetColors[live]}` +
              (rollback
                ? `, a later release: ${switchTo} would take it back to ${edit.value} (a rollback)`
                : `: ${switchTo} makes it live`),
          );
        }
      }
    }
    for (const path of release.with ?? []) {
      const value = settingAt(source.settings, path);
      if (typeof value !== 'string') continue;
      const current = settingAt(target.settings, path) as string | undefined;
      // an image that travels with the release keeps the target's registry as the app's does; any other setting is copied
      const edit = path[path.length - 1] === 'image' ? moved(path, value, current) : { path: at(path), value };
      if (!edit || current === edit.value) continue;
      edits.push(edit);
      // the release goes to the idle color, but this setting is the app's, not a color's: the promotion is not only the idle color's
      if (targetColors)
        notes.push(
          `${dotted(at(path))}: one for both colors, so it changes under ${targetColors.live} (live) too once applied, and npm run switch -- ${to.context.name} ${source.name} does not take it back`,
        );
    }
    // an image of the app's own repository elsewhere in its settings (a migration's init container) is not a release
    // setting, and stays at the release it names: said, since it often means to move with the app
    if (replaced !== undefined) {
      const repository = withoutDockerHub(imageParts(replaced).repository);
      const releasePaths = [release.image, ...(release.blueGreen ? [release.blueGreen] : []), ...(release.with ?? [])].map((p) =>
        dotted(p),
      );
      for (const { path, value } of imageSettings(target.settings)) {
        const shown = dotted(path);
        if (releasePaths.some((r) => shown === r || shown.startsWith(`${r}.`))) continue;
        if (withoutDockerHub(imageParts(value).repository) !== repository) continue;
        notes.push(
          `${dotted(['apps', source.name, ...path])}: ${value}, of the app's repository, stays as it is: promote moves ${dotted(at(release.image))} and the settings released with it, not this one (edit it by hand if it moves with the release)`,
        );
      }
    }
  }
  if (problems.length) return { problems: [...problems, ...refusals] };
  if (refusals.length) {
    // promoting every app, one refused holds back the others' releases: said, with the line that moves them meanwhile
    const others = [...new Set(edits.map((e) => String(e.path[1])))].filter((a) => !refused.has(a));
    const meanwhile = others.length
      ? `; the other apps' releases can move meanwhile: ${others.map((a) => `npm run promote -- ${from.context.name} ${to.context.name} --app ${a}`).join(' and ')}`
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

/** The settings named `image` in an app's settings, through mappings and lists (`initContainers[0].image`), with their paths. */
function imageSettings(settings: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: string }[] {
  if (Array.isArray(settings)) return settings.flatMap((v, i) => imageSettings(v, [...path, i]));
  if (typeof settings !== 'object' || settings === null) return [];
  return Object.entries(settings).flatMap(([k, v]) =>
    k === 'image' && typeof v === 'string' ? [{ path: [...path, k], value: v }] : imageSettings(v, [...path, k]),
  );
}

/** Where the image an app runs is set: its live color's, when it runs blue/green, else `release.image`. */
function releaseImagePath(release: NonNullable<Stack['release']>, settings: unknown): SettingPath {
  const colors = release.blueGreen && (settingAt(settings, release.blueGreen) as BlueGreenSettings | undefined);
  return colors ? [...release.blueGreen!, colors.live] : release.image;
}

/**
 * What a promotion of every app says of the apps only one of the stages deploys (`notDeployed`, the
 * source's): a note for each; and, for when nothing else is written, a problem for each of the
 * source's with a release that looks renamed: the target deploys an app of its stack that the source
 * does not, so the target runs it, under its old name, at a release that may not be the source's.
 * An app the target never had is a note only (an experiment in dev that test does not run): the
 * target is not behind on it, and a promotion on every merge must not fail for it.
 */
function unmatchedApps(
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
