/**
 * Image substitution: on a stage whose architecture is not amd64, every container and init
 * container of every pod template runs an image built for that architecture, whatever construct
 * produced the object. Images come from the stage's own entries, then the built-in table
 * (`arm-images.ts`); an image that is in neither fails synthesis, naming the object, the
 * container and the image. Each substitution is recorded on the object as an annotation
 * `images.stagecraft.dev/<container>: <image as written>`, so that reviewers (and `npm run
 * synth`) see what was changed.
 */
import type { Architecture, StageImages } from '../config/stage-schema.js';
import { ProblemsError, type Problem } from '../errors.js';
import { IMAGE_TABLE, normalizeImage, repositoryOf, type ImageTable, type OtherArchitecture } from './arm-images.js';
import { describeObject, type KubeObject } from '../model/object.js';
import { formatFieldPath, type FieldPath } from '../model/field-path.js';
import { imageParts, withTagOf } from '../model/image.js';
import { CONTAINER_LISTS, POD_TEMPLATE_PATHS, podTemplateOf, withPodTemplate } from '../model/pod-specs.js';

/** Prefix of the annotations that record substituted images, one per container. */
export const SUBSTITUTION_PREFIX = 'images.stagecraft.dev/';

export interface ImageOptions {
  readonly architecture: Architecture;
  /** The stage's additions (they win over the built-in table). */
  readonly stage: StageImages;
  /** The stage's name, for messages. */
  readonly stageName: string;
  /** @default IMAGE_TABLE */
  readonly table?: ImageTable;
}

/** An entry of the stage file's `images:`, as written: a key of `substitute`, or an item of `native`. */
export interface StageImageEntry {
  readonly setting: 'substitute' | 'native';
  readonly entry: string;
}

/** How an image is made to run on an architecture: the image to run and the rule that said so. */
export interface Resolution {
  readonly image: string;
  /**
   * `stage` (the stage file's images.substitute or images.native), `exact`, `pattern`, `multi-arch`,
   * `built-for` (an image the table substitutes in: built for the architecture) or `amd64`.
   */
  readonly rule: 'stage' | 'exact' | 'pattern' | 'multi-arch' | 'built-for' | 'amd64';
  /** The stage file's entry that gave it, for rule `stage`. @default - none */
  readonly entry?: StageImageEntry;
}

/** Whether a reference as written names a tag or a digest (else it is a repository: every tag of it). */
function hasTagOrDigest(image: string): boolean {
  const { tag, digest } = imageParts(image);
  return tag !== undefined || digest !== undefined;
}

/** Whether a table entry (a repository, any tag; or `repository:tag`) covers a normalized reference. */
function covers(entry: string, ref: string): boolean {
  return hasTagOrDigest(entry) ? normalizeImage(entry) === ref : repositoryOf(normalizeImage(entry)) === repositoryOf(ref);
}

/** A stage entry, and for a substitute the image it gives. */
interface StageRule {
  readonly entry: StageImageEntry;
  /** For a substitute: the image to run (a repository key's keeps the tag: `withTagOf`). */
  readonly to?: string;
}

/**
 * A stage's entries, keyed as they are looked up: those with a tag or digest by normalized
 * reference, the others (repositories) by repository; in each, substitutes before natives and the
 * first entry written first (an entry that another shadows is never used).
 */
interface StageRules {
  readonly exact: ReadonlyMap<string, StageRule>;
  readonly repositories: ReadonlyMap<string, StageRule>;
}

function stageRules(stage: StageImages): StageRules {
  const exact = new Map<string, StageRule>();
  const repositories = new Map<string, StageRule>();
  const add = (key: string, rule: StageRule) => {
    const ref = normalizeImage(key);
    if (hasTagOrDigest(key)) {
      if (!exact.has(ref)) exact.set(ref, rule);
    } else if (!repositories.has(repositoryOf(ref))) repositories.set(repositoryOf(ref), rule);
  };
  for (const [from, to] of Object.entries(stage.substitute)) add(from, { entry: { setting: 'substitute', entry: from }, to });
  for (const entry of stage.native) add(entry, { entry: { setting: 'native', entry } });
  return { exact, repositories };
}

/** What the images pass knows of a stage: its rules, once, and each image's resolution, once. */
interface Resolver {
  readonly rules: StageRules;
  readonly resolved: Map<string, Resolution | null>;
}

/**
 * Resolvers by table, stage entries (the same object for every chart of a stage: `StageContext.images`)
 * and architecture. The pass runs per container on fleets of 60,000 objects: the rules are read once
 * per stage, and an image is resolved once per stage however many containers run it.
 */
const resolvers = new WeakMap<ImageTable, WeakMap<StageImages, Partial<Record<OtherArchitecture, Resolver>>>>();

function resolverFor(architecture: OtherArchitecture, stage: StageImages, table: ImageTable): Resolver {
  let byStage = resolvers.get(table);
  if (!byStage) resolvers.set(table, (byStage = new WeakMap()));
  let byArch = byStage.get(stage);
  if (!byArch) byStage.set(stage, (byArch = {}));
  return (byArch[architecture] ??= { rules: stageRules(stage), resolved: new Map() });
}

/**
 * The stage's rule for `image`: an entry naming it (with its tag or digest), else one naming its
 * repository (a substitute keyed by repository maps tags, not digests: a digest pins one image).
 */
function stageRule(rules: StageRules, image: string, ref: string): StageRule | undefined {
  const exact = rules.exact.get(ref);
  if (exact) return exact;
  const repository = rules.repositories.get(repositoryOf(ref));
  if (repository?.to !== undefined && imageParts(image).digest !== undefined) return undefined;
  return repository;
}

/** The image to run for `image` on `architecture`, or undefined when nothing says it runs there. */
export function resolveImage(
  image: string,
  architecture: Architecture,
  stage: StageImages,
  table: ImageTable = IMAGE_TABLE,
): Resolution | undefined {
  if (architecture === 'amd64') return { image, rule: 'amd64' };
  const { rules, resolved } = resolverFor(architecture, stage, table);
  let found = resolved.get(image);
  if (found === undefined) resolved.set(image, (found = resolveOnce(image, architecture, rules, table) ?? null));
  return found ?? undefined;
}

function resolveOnce(image: string, arch: OtherArchitecture, rules: StageRules, table: ImageTable): Resolution | undefined {
  const ref = normalizeImage(image);
  const own = stageRule(rules, image, ref);
  if (own) {
    const to = own.to === undefined ? image : hasTagOrDigest(own.entry.entry) ? own.to : withTagOf(own.to, image);
    return { image: to, rule: 'stage', entry: own.entry };
  }
  const exact = Object.entries(table.exact).find(([from]) => normalizeImage(from) === ref)?.[1][arch];
  if (exact) return { image: exact, rule: 'exact' };
  if (table.multiArch.some((m) => m.architectures.includes(arch) && covers(m.image, ref))) return { image, rule: 'multi-arch' };
  // what the table substitutes is built for the architecture, so a stack may also name it directly
  const target = Object.values(table.exact).some((m) => m[arch] !== undefined && normalizeImage(m[arch]) === ref);
  if (target || table.patterns.some((p) => p.produces[arch]?.test(ref))) return { image, rule: 'built-for' };
  for (const p of table.patterns) {
    const to = p.replace[arch];
    if (to !== undefined && p.match.test(ref)) return { image: ref.replace(p.match, to), rule: 'pattern' };
  }
  return undefined;
}

interface Container {
  name?: string;
  image?: string;
  [key: string]: unknown;
}

/**
 * Replaces the image of every container of every pod template by the one that runs on the
 * stage's architecture; on amd64, returns the objects as they are.
 * @throws ProblemsError naming every container whose image has no build for the architecture
 */
export function substituteImages(objects: readonly KubeObject[], options: ImageOptions): KubeObject[] {
  const { architecture, stage, stageName, table } = options;
  if (architecture === 'amd64') return [...objects];
  const problems: Problem[] = [];
  const out = objects.map((o) => {
    const template = podTemplateOf(o);
    if (!template?.spec) return o;
    const recorded: Record<string, string> = {};
    const spec: Record<string, unknown> = { ...template.spec };
    for (const list of CONTAINER_LISTS) {
      const containers = template.spec[list] as Container[] | undefined;
      if (!Array.isArray(containers)) continue;
      spec[list] = containers.map((c, i) => {
        if (typeof c.image !== 'string') return c;
        const resolved = resolveImage(c.image, architecture, stage, table);
        if (!resolved) {
          problems.push(unmappedImage(o, [...POD_TEMPLATE_PATHS[o.kind], 'spec', list, i], c, architecture, stageName));
          return c;
        }
        if (resolved.image === c.image) return c;
        recorded[`${SUBSTITUTION_PREFIX}${c.name}`] = c.image;
        return { ...c, image: resolved.image };
      });
    }
    if (Object.keys(recorded).length === 0) return o;
    const replaced = withPodTemplate(o, (t) => ({ ...t, spec }));
    return { ...replaced, metadata: { ...replaced.metadata, annotations: { ...replaced.metadata.annotations, ...recorded } } };
  });
  if (problems.length) throw new ProblemsError(problems);
  return out;
}

/** The problem of container `c` at `container` (its path in `o`), whose image has no build for `architecture`. */
function unmappedImage(o: KubeObject, container: FieldPath, c: Container, architecture: Architecture, stageName: string): Problem {
  return {
    code: 'images/no-build-for-architecture',
    subject: describeObject(o),
    field: { object: o, path: [...container, 'image'] },
    message:
      `${formatFieldPath(container)}: container '${c.name}' runs image '${c.image}', which has no known ${architecture} build ` +
      `(stage '${stageName}' runs on ${architecture}; the image is not in the image table and not known to be multi-arch)`,
    hint:
      `map it to an ${architecture} build in environments/${stageName}.yaml under images.substitute ('${c.image}': <${architecture} image>), ` +
      `or list it under images.native if it already runs on ${architecture} (built-in entries: lib/transforms/arm-images.ts)`,
  };
}

export interface Substitution {
  /** The object, as `Kind namespace/name`. */
  readonly object: string;
  readonly container: string;
  readonly from: string;
  readonly to: string;
}

/** The substitutions recorded on synthesized objects, in the objects' order. */
export function imageSubstitutions(objects: readonly KubeObject[]): Substitution[] {
  return objects.flatMap((o) => {
    const template = podTemplateOf(o);
    const containers = CONTAINER_LISTS.flatMap((l) => (template?.spec?.[l] as Container[] | undefined) ?? []);
    return Object.entries(o.metadata.annotations ?? {})
      .filter(([k]) => k.startsWith(SUBSTITUTION_PREFIX))
      .map(([k, from]) => {
        const container = k.slice(SUBSTITUTION_PREFIX.length);
        return { object: describeObject(o), container, from, to: String(containers.find((c) => c.name === container)?.image) };
      });
  });
}
