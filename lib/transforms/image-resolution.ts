/**
 * Which image runs on an architecture (`resolveImage`): the stage file's own entries
 * (images.substitute, images.native) first, then the built-in table (`arm-images.ts`): an exact
 * mapping, a multi-arch image, an image the table substitutes in (built for the architecture), a
 * pattern. Each stage's entries are read once and each image resolved once per stage (fleets of
 * 60,000 objects). The images transform (`images.ts`) applies it and says why an image has no build.
 */
import type { Architecture, StageImages } from '../config/stage-schema.js';
import { IMAGE_TABLE, normalizeImage, repositoryOf, type ImageTable, type OtherArchitecture } from './arm-images.js';
import { imageParts, withTagOf, withoutDockerHub } from '../model/image.js';

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
export function hasTagOrDigest(image: string): boolean {
  const { tag, digest } = imageParts(image);
  return tag !== undefined || digest !== undefined;
}

/** Whether a table entry (a repository, any tag; or `repository:tag`) covers a normalized reference. */
export function covers(entry: string, ref: string): boolean {
  return hasTagOrDigest(entry) ? normalizeImage(entry) === ref : repositoryOf(normalizeImage(entry)) === repositoryOf(ref);
}

/** `amd64` as a word of a tag or name: `1.0-amd64`, `amd64-1.0`, `pause-amd64`, `v2_amd64`. */
export const AMD64_WORD = /(?:^|[-_.])amd64(?:$|[-_.])/;

/**
 * What says that `image` is an amd64 build, one architecture's image and no multi-arch one: its tag
 * (`team/web:1.0-amd64`, a repository's per-architecture tag) or its name: the last part of it
 * (`gcr.io/google_containers/pause-amd64`), or Docker Hub's `amd64/` namespace (`amd64/nginx`);
 * undefined when neither does.
 */
export function amd64Build(image: string): 'tag' | 'name' | undefined {
  const { name, tag } = imageParts(image);
  if (tag !== undefined && AMD64_WORD.test(tag)) return 'tag';
  return AMD64_WORD.test(name.slice(name.lastIndexOf('/') + 1)) || withoutDockerHub(name).startsWith('amd64/') ? 'name' : undefined;
}

/**
 * Whether an entry that says its images run as they are (images.native, the table's multi-arch
 * images) covers a reference: an entry of a repository covers its tags, but not one whose tag says it
 * is an amd64 build (`team/web:1.0-amd64` beside the multi-arch `team/web:1.0`), which would fail with
 * `exec format error` on the node; an entry naming that tag still does.
 */
export function runsAsIs(entry: string, ref: string): boolean {
  return covers(entry, ref) && (hasTagOrDigest(entry) || amd64Build(ref) !== 'tag');
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
 * first entry written first (an entry that another shadows is never used, and is warned about).
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

/**
 * Whether a stage entry names `image`, whichever entry comes first: by its reference, or, without
 * a tag or digest, by its repository (a substitute's tags only, as `stageRule` reads them).
 */
export function stageEntryCovers({ setting, entry }: StageImageEntry, image: string): boolean {
  const ref = normalizeImage(image);
  if (hasTagOrDigest(entry)) return normalizeImage(entry) === ref;
  return setting === 'native'
    ? runsAsIs(entry, ref)
    : repositoryOf(normalizeImage(entry)) === repositoryOf(ref) && imageParts(image).digest === undefined;
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

export function resolverFor(architecture: OtherArchitecture, stage: StageImages, table: ImageTable): Resolver {
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
  // a native repository runs its multi-arch tags as they are, not a tag of one architecture (amd64)
  if (repository?.to === undefined && repository && !runsAsIs(repository.entry.entry, ref)) return undefined;
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
  if (table.multiArch.some((m) => m.architectures.includes(arch) && runsAsIs(m.image, ref))) return { image, rule: 'multi-arch' };
  // what the table substitutes is built for the architecture, so a stack may also name it directly
  const target = Object.values(table.exact).some((m) => m[arch] !== undefined && normalizeImage(m[arch]) === ref);
  if (target || table.patterns.some((p) => p.produces[arch]?.test(ref))) return { image, rule: 'built-for' };
  for (const p of table.patterns) {
    const to = p.replace[arch];
    if (to !== undefined && p.match.test(ref)) return { image: ref.replace(p.match, to), rule: 'pattern' };
  }
  return undefined;
}
