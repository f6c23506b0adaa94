/**
 * One app's release moved in a promotion: the image the source runs goes to the target's `image`,
 * or to its idle color when the target runs blue/green, and the settings that travel with the
 * release are copied; a later release in the target (a hotfix brought back) is refused unless on
 * purpose. Pure: the two instances of the app in, edits, notes and refusals out; lib/promotion.ts
 * decides which apps move.
 */
import type { Problem } from './errors.js';
import type { AppInstance, LoadedStage } from './config/load.js';
import type { ValueEdit } from './config/edit.js';
import { formatFieldPath as dotted } from './model/field-path.js';
import { repositoryOf } from './model/image.js';
import { imageFor, imageSettings, namesNoRelease } from './promotion-images.js';
import { compareReleases, digitsAlone, hotfixReading, paddedNumbers, releaseTag, sameNumbers } from './release-order.js';
import { idleColor, settingAt, type BlueGreenSettings, type ReleaseSettings, type SettingPath } from './release.js';

/** An app both stages deploy, of one stack with a release, for `planAppRelease`. */
export interface AppMove {
  readonly from: LoadedStage;
  readonly to: LoadedStage;
  /** The app in the source stage. */
  readonly source: AppInstance;
  /** The same app in the target stage. */
  readonly target: AppInstance;
  readonly release: ReleaseSettings;
  /** Write the source's image as it is where the target names another image. */
  readonly force: boolean;
  /** Take the target back to an older release than it runs. */
  readonly rollback: boolean;
}

/** What moving one app's release writes and says. */
export interface AppRelease {
  /** The values to write into the target stage file (only those that differ). */
  readonly edits: readonly ValueEdit[];
  /** What was left alone or is worth knowing, for the user. */
  readonly notes: readonly string[];
  /** Why the release cannot move (another image, an older release): none of `edits` is to be written. */
  readonly refusals: readonly Problem[];
  /** The target already runs the source's release in its idle color only: `npm run switch` makes it live. */
  readonly idle: boolean;
}

/** Where the image an app runs is set: its live color's, when it runs blue/green, else `release.image`. */
export function releaseImagePath(release: ReleaseSettings, settings: unknown): SettingPath {
  const colors = release.blueGreen && (settingAt(settings, release.blueGreen) as BlueGreenSettings | undefined);
  return colors ? [...release.blueGreen!, colors.live] : release.image;
}

/** The edits that give the target the source's release of one app, with what to say of them. */
export function planAppRelease(move: AppMove): AppRelease {
  const { source, target, release } = move;
  const out = { edits: [] as ValueEdit[], notes: [] as string[], refusals: [] as Problem[], idle: false };
  const at = (path: SettingPath) => ['apps', source.name, ...path];
  const imagePath = releaseImagePath(release, source.settings);
  /** The target's image that the promotion replaces, if it does. */
  let replaced: string | undefined;
  const image = settingAt(source.settings, imagePath) as string | undefined;
  const targetColors = release.blueGreen && (settingAt(target.settings, release.blueGreen) as BlueGreenSettings | undefined);
  if (image === undefined) {
    out.notes.push(`apps.${source.name}: ${dotted(at(release.image))} is not set in ${move.from.context.name}; the image is left alone`);
  } else if (!targetColors) {
    const current = settingAt(target.settings, release.image) as string | undefined;
    const edit = movedImage(move, out, { path: release.image, image, current, running: current, sourcePath: imagePath });
    if (edit && current !== edit.value) {
      out.edits.push(edit);
      replaced = current;
    }
  } else {
    replaced = intoIdleColor(move, out, image, imagePath, targetColors);
  }
  for (const path of release.with ?? []) {
    const value = settingAt(source.settings, path);
    if (typeof value !== 'string') continue;
    const current = settingAt(target.settings, path) as string | undefined;
    // an image that travels with the release keeps the target's registry as the app's does; any other setting is copied
    const edit =
      path[path.length - 1] === 'image'
        ? movedImage(move, out, { path, image: value, current, running: current, sourcePath: path })
        : { path: at(path), value };
    if (!edit || current === edit.value) continue;
    out.edits.push(edit);
    // the release goes to the idle color, but this setting is the app's, not a color's: the promotion is not only the idle color's
    if (targetColors)
      out.notes.push(
        `${dotted(at(path))}: one for both colors, so it changes under ${targetColors.live} (live) too once applied, and npm run switch -- ${move.to.context.name} ${source.name} does not take it back`,
      );
  }
  if (replaced !== undefined) out.notes.push(...imagesLeftBehind(move, replaced));
  return out;
}

/**
 * A blue/green target: the new release goes next to the live one, into the idle color, where
 * `npm run switch` sends traffic to it; nothing when the live color runs it already. Returns the
 * image the promotion replaces there, if it does.
 */
function intoIdleColor(
  move: AppMove,
  out: { edits: ValueEdit[]; notes: string[]; refusals: Problem[]; idle: boolean },
  image: string,
  imagePath: SettingPath,
  targetColors: BlueGreenSettings,
): string | undefined {
  const { from, to, source, release, force } = move;
  const live = targetColors.live;
  const idle = idleColor(live);
  const liveImage = imageFor({ from: from.context.name, to: to.context.name, image, current: targetColors[live], force });
  if ('value' in liveImage && targetColors[live] === liveImage.value) {
    out.notes.push(`apps.${source.name}: ${liveImage.value} is already live (${live}) in ${to.context.name}`);
    return undefined;
  }
  const edit = movedImage(move, out, {
    path: [...release.blueGreen!, idle],
    image,
    current: targetColors[idle],
    running: targetColors[live],
    live,
    sourcePath: imagePath,
  });
  if (edit && targetColors[idle] !== edit.value) {
    out.edits.push(edit);
    return targetColors[idle];
  }
  if (edit) {
    out.idle = true;
    const switchTo = `npm run switch -- ${to.context.name} ${source.name}`;
    // the live color may run a later release (a hotfix made there): switching to this one would undo it
    const rollback = (compareReleases(releaseTag(edit.value), releaseTag(targetColors[live])) ?? 0) < 0;
    out.notes.push(
      `apps.${source.name}: ${edit.value} is already in ${idle}, ${to.context.name}'s idle color, while ${live} (live) runs ${targetColors[live]}` +
        (rollback ? `, a later release: ${switchTo} would take it back to ${edit.value} (a rollback)` : `: ${switchTo} makes it live`),
    );
  }
  return undefined;
}

/** An image to write at `path` in the target, for `movedImage`. */
interface ImageSetting {
  readonly path: SettingPath;
  /** The image the source runs (at `sourcePath` in the source). */
  readonly image: string;
  /** What the target has at `path` now. */
  readonly current: string | undefined;
  /** Blue/green, what the target runs in its other color; else `current`. */
  readonly running: string | undefined;
  /** Blue/green, the live color, which runs `running`. */
  readonly live?: string;
  readonly sourcePath: SettingPath;
}

/** The edit that writes the source's image at `path`, where the target has `current`; undefined when refused (said in `out`). */
function movedImage(
  { from, to, source, force, rollback }: AppMove,
  out: { notes: string[]; refusals: Problem[] },
  { path, image, current, running, live, sourcePath }: ImageSetting,
): ValueEdit | undefined {
  const at = (p: SettingPath) => ['apps', source.name, ...p];
  const result = imageFor({ from: from.context.name, to: to.context.name, image, current, force });
  if (!('value' in result)) {
    out.refusals.push({
      code: 'promote/app',
      message: `${dotted(at(path))}: ${result.refused}, so its release cannot be moved by its tag`,
      hint: `give both stages the same image (their registries may differ), pass --force to write ${image} as it is, or edit ${to.source} by hand`,
    });
    return undefined;
  }
  // a later release in the target (a hotfix that came back from a later stage) would be lost: the tags say which
  // (compareReleases), a digest-pinned image's too (web:1.2@sha256:... is 1.2); a name or a digest alone says nothing
  const version = releaseTag(image);
  const laterRunning =
    result.value === current
      ? undefined
      : [running, current].find((r) => r !== undefined && (compareReleases(version, releaseTag(r)) ?? 0) < 0);
  const later = rollback ? undefined : laterRunning;
  /** How the tags were read, when only a hotfix suffix orders them (semver reads it otherwise), or digits alone (a commit would not be ordered). */
  const reading = (later: string) => {
    const why = hotfixReading(releaseTag(later), version) ?? digitsAlone(releaseTag(later), version);
    return why ? ` (${why})` : '';
  };
  if (later !== undefined) {
    // the later release brought back to the source by hand, in the source's registry: promoting the target back
    // to the source would move every other release of the target there too (a database image it is not ready for)
    const back = imageFor({ from: to.context.name, to: from.context.name, image: later, current: image, force: false });
    out.refusals.push({
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
    out.notes.push(
      `${dotted(at(path))}: ${current} -> ${result.value}: the tags have the same numbers (${numbers}) and do not say which is later; if ${to.context.name}'s is a later build (a hotfix), promote takes it back: check before applying`,
    );
  }
  // numbers of two widths, one padded (0010 and 9): the tenth build written four wide, or a decimal's digits? said, not refused
  const unordered = current === undefined || result.value === current ? undefined : paddedNumbers(version, releaseTag(current));
  if (unordered !== undefined) {
    out.notes.push(
      `${dotted(at(path))}: ${current} -> ${result.value}: the tags do not say which is later (${unordered}); if ${to.context.name}'s is the later build, promote takes it back: check before applying`,
    );
  }
  // latest is a name, not a release: the target's nodes pull whatever it is when a pod starts, not what the source ran
  if (result.value !== current && namesNoRelease(image)) {
    out.notes.push(
      `${dotted(at(path))}: ${image} names no release (latest: each node pulls what it is when a pod starts, not necessarily what ${from.context.name} ran); give ${dotted(at(sourcePath))} a tag or digest in ${from.source} to promote one`,
    );
  }
  // --rollback taking it back: the edit's line says so, as the refusal would have; into the idle color, from the live
  // color's release (not the idle one's it replaces), once it is switched to
  const fromLive = live !== undefined && laterRunning === running && laterRunning !== current;
  const back =
    rollback && laterRunning !== undefined
      ? `a rollback from ${laterRunning}, a later release${fromLive ? `, which ${live} (live) runs, once npm run switch makes ${result.value} live` : ''}: --rollback`
      : undefined;
  const why = [result.why, back].filter((w) => w !== undefined).join('; ');
  return { path: at(path), value: result.value, ...(why ? { why } : {}) };
}

/**
 * Notes for the images of the app's own repository elsewhere in its settings (a migration's init
 * container), which are not release settings and stay at the release they name, now that the app's
 * image moves from `replaced`: said, since such an image often means to move with the app.
 */
function imagesLeftBehind({ source, target, release }: AppMove, replaced: string): string[] {
  const repository = repositoryOf(replaced);
  const releasePaths = [release.image, ...(release.blueGreen ? [release.blueGreen] : []), ...(release.with ?? [])].map((p) => dotted(p));
  const notes: string[] = [];
  for (const { path, value } of imageSettings(target.settings)) {
    const shown = dotted(path);
    if (releasePaths.some((r) => shown === r || shown.startsWith(`${r}.`))) continue;
    if (repositoryOf(value) !== repository) continue;
    notes.push(
      `${dotted(['apps', source.name, ...path])}: ${value}, of the app's repository, stays as it is: promote moves ${dotted(['apps', source.name, ...release.image])} and the settings released with it, not this one (edit it by hand if it moves with the release)`,
    );
  }
  return notes;
}
