/**
 * The images of a stage as its stage file gives them: an image with no build for the stage's
 * architecture reported once per place, at the stage-file setting that gave it where there is one,
 * naming every object that runs it; and the entries of `images.substitute` and `images.native`
 * that no container of the stage uses (warnings). The images transform (lib/transforms/images.ts)
 * stays a pure pass over objects that knows nothing of stage files; this is the compiler's step
 * after it. Pure.
 */
import type { LoadedStage } from './config/load.js';
import type { Problem } from './errors.js';
import { formatFieldPath as dotted, valueAt, type FieldPath } from './model/field-path.js';
import { describeObject, type KubeObject } from './model/object.js';
import { compareCodePoints } from './model/order.js';
import { workloadTemplateOf } from './model/pod-specs.js';
import { COLORS, COLOR_LABEL } from './release.js';
import type { Stack } from './stack.js';
import type { RenderedStage } from './synth/rendered.js';
import { resolveImage, stageEntryCovers, type StageImageEntry } from './transforms/image-resolution.js';
import { containerLabel, noBuildReason, writtenImages } from './transforms/images.js';

const NO_BUILD = 'images/no-build-for-architecture';

/** How many objects a problem about one image names before it says `and N more`. */
const NAMED_OBJECTS = 5;

/** At most how many settings of an app holding one image are told apart (a blue/green app's two colors hold one). */
const HOLDERS = 3;

/** The settings of the app's `settings` whose value is `image`, as paths from them: at most `HOLDERS`. */
function settingsHolding(settings: unknown, image: string): FieldPath[] {
  const found: FieldPath[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (found.length >= HOLDERS) return;
    if (value === image) found.push([...path]);
    else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, [...path, i]);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    }
  };
  walk(settings, []);
  return found;
}

/**
 * The setting of the app's `settings` that gave `image` to `object`, as a path from them: the only one whose value it
 * is; or, when both colors of the app's blue/green setting (`blueGreen`, its stack's `release.blueGreen`) hold it, the
 * one of the color `object` runs (its pod template's `color` label), the other color's being another object's. Else
 * undefined: the image cannot be said to come from one of them.
 */
function settingGiving(settings: unknown, image: string, object: KubeObject, blueGreen: FieldPath | undefined): FieldPath | undefined {
  const holding = settingsHolding(settings, image);
  if (holding.length === 1) return holding[0];
  const color = workloadTemplateOf(object)?.metadata?.labels?.[COLOR_LABEL];
  if (!blueGreen || !(COLORS as readonly unknown[]).includes(color)) return undefined;
  const other = dotted([...blueGreen, COLORS.find((c) => c !== color)!]);
  const own = holding.filter((p) => dotted(p) !== other);
  return own.length === 1 ? own[0] : undefined;
}

/** One container running an image with no build. */
interface Use {
  readonly object: KubeObject;
  readonly container: string;
}

/**
 * `placed` (the problems of rendering the stage, those about objects of included files already
 * placed there: `placedFieldProblems`), with those about an image with no build for the stage
 * placed at the setting of the object's app that gave it that image (`settingGiving`: the only one
 * that holds it, or the object's color's of a blue/green app whose colors run one image, where
 * `stacks` say their blue/green setting is; `original`, the same problems before placing, still
 * name object, field and app). The problems about one image at one setting become one, naming
 * every object that runs it; so do those about one image placed nowhere (a stack's default image),
 * at the stage file. An image at a field of an included file keeps its own problem there.
 */
export function placedImageProblems(
  original: readonly Problem[],
  placed: readonly Problem[],
  loaded: LoadedStage,
  stacks: Readonly<Record<string, Stack>> = {},
): Problem[] {
  const apps = new Map(loaded.apps.map((a) => [a.name, a]));
  const groups = new Map<string, { image: string; setting?: FieldPath; uses: Use[]; first: Problem }>();
  const out: (Problem | string)[] = [];
  placed.forEach((p, i) => {
    const field = original[i]?.field;
    const image = field && valueAt(field.object, field.path);
    if (p.code !== NO_BUILD || p.location || !field || typeof image !== 'string') {
      out.push(p);
      return;
    }
    const app = field.app === undefined ? undefined : apps.get(field.app);
    const at = app && settingGiving(app.settings, image, field.object, stacks[app.stack]?.release?.blueGreen);
    const setting = at && app ? ['apps', app.name, ...at] : undefined;
    const key = `${image}\n${setting ? dotted(setting) : ''}`;
    // the field is the container's image, [..., list, index, 'image']: a container with no name (Knative's) by its place
    const [list, index] = field.path.slice(-3, -1);
    const use = {
      object: field.object,
      container: containerLabel(valueAt(field.object, field.path.slice(0, -1)), String(list), Number(index)),
    };
    const group = groups.get(key);
    if (group) group.uses.push(use);
    else {
      groups.set(key, { image, setting, uses: [use], first: p });
      out.push(key);
    }
  });
  if (groups.size === 0) return [...placed];
  const { architecture, images, name: stage } = loaded.context;
  return out.map((p) => {
    if (typeof p !== 'string') return p;
    const { image, setting, uses, first } = groups.get(p)!;
    // one object placed nowhere: the transform's own problem, which names it
    if (!setting && uses.length === 1) return first;
    const { why, hint } = noBuildReason(image, architecture as Exclude<typeof architecture, 'amd64'>, images, stage);
    const named = uses.slice(0, NAMED_OBJECTS).map((u) => `${describeObject(u.object)} (container ${u.container})`);
    if (uses.length > NAMED_OBJECTS) named.push(`${uses.length - NAMED_OBJECTS} more`);
    const users = named.length < 2 ? named[0] : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
    const message = `image '${image}' has no known ${architecture} build (stage '${stage}' runs on ${architecture}; ${why}); it runs in ${users}`;
    return setting
      ? { code: NO_BUILD, location: loaded.locate(setting), message: `${dotted(setting)}: ${message}`, hint }
      : { code: NO_BUILD, subject: loaded.source, message, hint };
  });
}

/** The images the containers of a rendered stage run as written (an app from the render cache: from its summary). */
function stageImages(r: RenderedStage): Set<string> {
  const written = new Set<string>();
  // an app from the render cache is not rendered again for this: its summary says what it runs
  for (const c of r.charts) for (const image of c.summary ? c.summary.written : writtenImages(c.objects)) written.add(image);
  for (const f of r.nodeFiles) for (const image of writtenImages([f.document as KubeObject])) written.add(image);
  return written;
}

/**
 * A warning for each entry of the stage file's `images.substitute` and `images.native` that no
 * container of the rendered stage uses: one that names no image the stage runs, or one whose images
 * another entry decides (which, and why, is said). On amd64, where images run as written, one
 * warning at `images:`. The same with the render cache as without: an app from it gives the images
 * it runs from its summary (`AppSummary.written`).
 */
export function unusedImageEntries(loaded: LoadedStage, r: RenderedStage): Problem[] {
  const { images, architecture, name: stage } = loaded.context;
  const entries: (StageImageEntry & { readonly path: FieldPath; readonly key?: string; readonly label: string })[] = [
    ...Object.keys(images.substitute).map((entry) => ({
      setting: 'substitute' as const,
      entry,
      path: ['images', 'substitute'],
      key: entry,
      label: `images.substitute '${entry}'`,
    })),
    ...images.native.map((entry, i) => ({
      setting: 'native' as const,
      entry,
      path: ['images', 'native', i],
      label: `images.native[${i}] '${entry}'`,
    })),
  ];
  if (entries.length === 0) return [];
  if (architecture === 'amd64') {
    return [
      {
        code: 'images/unused-entry',
        severity: 'warning',
        location: loaded.locate([], 'images'),
        message: `images: is not used: stage '${stage}' runs on amd64, where every image runs as written`,
        hint: 'remove it, or set architecture: to what the nodes run (arm, arm64)',
      },
    ];
  }
  const written = [...stageImages(r)];
  const deciding = new Map<string, StageImageEntry>();
  for (const image of written) {
    const entry = resolveImage(image, architecture, images)?.entry;
    if (entry) deciding.set(image, entry);
  }
  const id = (e: StageImageEntry) => `${e.setting}\n${e.entry}`;
  const used = new Set([...deciding.values()].map(id));
  const problems: Problem[] = [];
  for (const e of entries) {
    if (used.has(id(e))) continue;
    const covered = written.filter((image) => stageEntryCovers(e, image)).sort(compareCodePoints);
    const others = [...new Set(covered.flatMap((image) => deciding.get(image) ?? []))];
    problems.push({
      code: 'images/unused-entry',
      severity: 'warning',
      location: loaded.locate(e.path, e.key),
      ...(covered.length
        ? {
            message:
              `${e.label} is not used: the images of stage '${stage}' it names (${covered.join(', ')}) are decided by ` +
              `${others.map((o) => `images.${o.setting} '${o.entry}'`).join(' and ')}, which ${others.length === 1 ? 'comes' : 'come'} first`,
            hint: 'remove one of the two entries (an entry with a tag comes before one without, a substitute before a native image, the first written first)',
          }
        : {
            message: `${e.label} is not used: no container of stage '${stage}' runs an image it names`,
            hint:
              'remove it, or write it as the stacks and included manifests name the image ' +
              '(an entry with a tag names that image only; a repository without a tag names every tag)',
          }),
    });
  }
  return problems;
}
