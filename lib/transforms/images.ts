/**
 * Image substitution: on a stage whose architecture is not amd64, every container and init
 * container of every pod template runs an image built for that architecture, whatever construct
 * produced the object. Images come from the stage's own entries, then the built-in table
 * (`arm-images.ts`); an image that is in neither fails synthesis, naming the object, the
 * container and the image, and saying what the stage file and the table know of it. Each
 * substitution is recorded on the object as an annotation `images.stagecraft.dev/<container>:
 * <image as written>`, so that reviewers (and `npm run synth`) see what was changed; a container with
 * no name (a Knative Service's, which Knative names itself) by its place, `images.stagecraft.dev/containers.1`.
 */
import type { Architecture, StageImages } from '../config/stage-schema.js';
import { ProblemsError, type Problem } from '../errors.js';
import { IMAGE_TABLE, normalizeImage, repositoryOf, type ImageTable, type OtherArchitecture } from './arm-images.js';
import { describeObject, type KubeObject } from '../model/object.js';
import { formatFieldPath, type FieldPath } from '../model/field-path.js';
import { imageParts, withoutDockerHub, TAG_PLACEHOLDER } from '../model/image.js';
import {
  containerNamed,
  mapContainers,
  placedContainers,
  withPodTemplate,
  workloadTemplate,
  workloadTemplateOf,
} from '../model/pod-specs.js';
import { andList } from '../model/limits.js';
import { AMD64_WORD, amd64Build, covers, hasTagOrDigest, resolveImage, resolverFor, runsAsIs } from './image-resolution.js';

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

/** Docker Hub's namespace of the official images built for one architecture, per architecture: `amd64/nginx`, `arm32v7/nginx`. */
const HUB_ARCHITECTURE: Readonly<Record<OtherArchitecture, string>> = { arm: 'arm32v7', arm64: 'arm64v8' };

/** An architecture as messages name it: `arm` is the 32-bit one (armhf, arm/v7). */
function archName(arch: OtherArchitecture): string {
  return arch === 'arm' ? '32-bit arm' : arch;
}

/** Why an image has no build for the stage, and what to do: see `noBuildReason`. */
export interface NoBuildReason {
  /** What the stage file and the image table say of the image, without the image and the stage. */
  readonly why: string;
  readonly hint: string;
}

/**
 * Why `image`, which `resolveImage` does not resolve on `architecture`, has no build there, from
 * what the stage's entries and the image table say of it (every branch reads the table's data):
 * a stage entry for another tag of it, or a repository substitute and a reference pinned by
 * digest; the table's multi-arch entry, exact mapping or pattern for other architectures; the
 * table's build for another architecture; other tags of its repository in the table; or nothing.
 * The hint offers what fits: the architecture the image has, images.native (not for an image the
 * table says is not built for the architecture), a substitute for every tag or for this one.
 */
export function noBuildReason(
  image: string,
  architecture: OtherArchitecture,
  stage: StageImages,
  stageName: string,
  table: ImageTable = IMAGE_TABLE,
): NoBuildReason {
  const ref = normalizeImage(image);
  const repository = repositoryOf(ref);
  const { rules } = resolverFor(architecture, stage, table);
  const arch = archName(architecture);
  const said: string[] = [];
  // the stage's own entries that come near: another tag of it, or its repository and a digest
  const nearby = [...rules.exact.values()].filter((r) => repositoryOf(normalizeImage(r.entry.entry)) === repository);
  for (const setting of ['substitute', 'native'] as const) {
    const entries = nearby.filter((r) => r.entry.setting === setting).map((r) => `'${r.entry.entry}'`);
    if (entries.length) {
      said.push(`images.${setting} names ${andList(entries)} only: an entry with a tag covers that tag alone`);
    }
  }
  const byRepository = rules.repositories.get(repository);
  if (byRepository?.to !== undefined) {
    said.push(`images.substitute maps the tags of '${byRepository.entry.entry}', and this reference is pinned by digest`);
  }
  const amd64 = amd64Build(image);
  // a native repository, or the table's multi-arch one, that would cover it but for its tag of one architecture
  const asIs = [
    ...(byRepository && byRepository.to === undefined ? [`images.native '${byRepository.entry.entry}'`] : []),
    ...(table.multiArch.some((m) => !hasTagOrDigest(m.image) && covers(m.image, ref))
      ? [`the image table's multi-arch ${repository}`]
      : []),
  ];
  if (amd64 === 'tag' && asIs.length) {
    said.push(`its tag says it is an amd64 build, which ${andList(asIs)} (the repository's multi-arch tags) does not cover`);
  }
  // the table's entries for the image on other architectures (only those: it does not resolve here)
  let otherArchitecture: OtherArchitecture | undefined;
  const multi = table.multiArch.find((m) => runsAsIs(m.image, ref));
  const mapped = Object.entries(table.exact).find(([from]) => normalizeImage(from) === ref)?.[1];
  const builtFor = (Object.entries(table.exact) as [string, Partial<Record<OtherArchitecture, string>>][]).flatMap(([from, to]) =>
    (Object.entries(to) as [OtherArchitecture, string][]).filter(([, t]) => normalizeImage(t) === ref).map(([a]) => ({ from, a })),
  );
  const pattern = table.patterns.find((p) => p.match.test(ref));
  const produced = table.patterns.flatMap((p) =>
    (Object.entries(p.produces) as [OtherArchitecture, RegExp][]).filter(([, re]) => re.test(ref)).map(([a]) => ({ p, a })),
  );
  let known = true;
  let otherTags = false;
  if (multi) {
    otherArchitecture = multi.architectures[0];
    said.push(`the image table lists it as published for amd64 and ${andList(multi.architectures)} only, with no ${arch} build`);
  } else if (mapped) {
    const to = Object.entries(mapped).map(([a, t]) => `${t} on ${a}`);
    said.push(`the image table maps it only to ${andList(to)}, not to an ${architecture} build`);
  } else if (builtFor.length) {
    said.push(
      `it is the build the image table runs in place of ${andList(builtFor.map((b) => `${b.from} on ${b.a}`))}, not an ${architecture} build`,
    );
  } else if (produced.length) {
    said.push(`it is an ${andList(produced.map((b) => b.a))} build (${produced[0].p.reason}), not an ${architecture} build`);
  } else if (pattern) {
    said.push(`the image table's rule for it has no ${architecture} build (${pattern.reason})`);
  } else if (amd64) {
    if (!asIs.length) said.push(`its ${amd64} says it is an amd64 build, and the image table does not name it`);
  } else {
    known = false;
    // other tags of its repository that the table knows
    const tags = new Map<string, string[]>();
    for (const m of table.multiArch) {
      if (!hasTagOrDigest(m.image) || repositoryOf(normalizeImage(m.image)) !== repository) continue;
      const archs = andList(m.architectures);
      tags.set(archs, [...(tags.get(archs) ?? []), imageParts(m.image).tag ?? '']);
    }
    for (const from of Object.keys(table.exact)) {
      if (repositoryOf(normalizeImage(from)) !== repository) continue;
      const archs = andList(Object.keys(table.exact[from]));
      tags.set(archs, [...(tags.get(archs) ?? []), imageParts(normalizeImage(from)).tag ?? '']);
    }
    if (tags.size) {
      otherTags = true;
      const each = [...tags].map(([archs, t]) => `${andList(t)} (for ${archs})`);
      said.push(`the image table lists other tags of ${imageParts(ref).name}, not this one: ${each.join('; ')}`);
    } else said.push(said.length ? 'the image table does not name it' : "neither the stage file's images: nor the image table names it");
  }

  const { name, tag, digest } = imageParts(image);
  const file = `environments/${stageName}.yaml`;
  // the key of an entry for this image alone: without a tag or digest, a key is a repository (every tag), so `latest` is written out
  const alone = tag === undefined && digest === undefined ? `${image}:latest` : image;
  const substitute =
    digest === undefined
      ? `under images.substitute, for every tag ('${name}': <${architecture} repository>, which keeps the tag, or '<repository>:${TAG_PLACEHOLDER}-${architecture}') or for this tag only ('${alone}': <${architecture} image>)`
      : `under images.substitute ('${image}': <${architecture} image>: a reference pinned by digest is mapped on its own)`;
  // an amd64 build by its name or tag: its build for the architecture is most often named alike, `-arm` for `-amd64`
  const renamed = (s: string) => s.replace(new RegExp(AMD64_WORD.source, 'g'), (w) => w.replace('amd64', architecture));
  const hub = withoutDockerHub(name);
  const renamedName = hub.startsWith('amd64/')
    ? `${HUB_ARCHITECTURE[architecture]}/${hub.slice('amd64/'.length)}`
    : `${name.slice(0, name.lastIndexOf('/') + 1)}${renamed(name.slice(name.lastIndexOf('/') + 1))}`;
  const hint = amd64
    ? `it is one architecture's image: map it to its ${architecture} build in ${file} under images.substitute, ` +
      (amd64 === 'tag'
        ? `for this tag ('${image}': ${name}:${renamed(tag!)}, if the registry publishes it), or run a multi-arch tag of ${name} instead`
        : `for every tag ('${name}': ${renamedName}, if the registry publishes it; the tag is kept)`) +
      '; images.native would run the amd64 build, which fails on the node with exec format error; built-in entries: lib/transforms/arm-images.ts'
    : known
      ? // the table says it is not built for the architecture: images.native would be untrue
        `${otherArchitecture === 'arm64' && architecture === 'arm' ? `set architecture: arm64 in ${file} if the nodes run a 64-bit OS, or map it to an arm build there` : `map it to an ${architecture} build in ${file}`} ` +
        `${substitute}; built-in entries: lib/transforms/arm-images.ts`
      : `if it is built for ${architecture} too (multi-arch, as images of your own can be), list ` +
        // the repository would cover the tags the table says are not built for the architecture; a native repository
        // comes after the stage's substitute of it, so a digest it does not map is listed on its own
        `${otherTags || byRepository?.to !== undefined ? `'${alone}' under images.native in ${file}` : `'${name}' under images.native in ${file} (a repository without a tag covers every tag)`}; ` +
        `else map it to an ${architecture} build ${substitute}; built-in entries: lib/transforms/arm-images.ts`;
  return { why: said.join('; '), hint };
}

interface Container {
  name?: string;
  image?: string;
  [key: string]: unknown;
}

/** Whether container `c` has a name: Knative Serving lets a Service's containers go without one and names them itself. */
const hasName = (c: Container): c is Container & { name: string } => typeof c.name === 'string' && c.name !== '';

/**
 * The container a substitution's annotation names: its name, or for a container with no name its place, `containers.1`
 * (a dot, which no container's name has, so that it is never another container's key), read back as `containers[1]`.
 */
const substitutionName = (c: Container, list: string, index: number): string => (hasName(c) ? c.name : `${list}.${index}`);
const placeOf = (name: string): string => name.replace(/\.(\d+)$/, '[$1]');

/** How container `c`, `index` of `list`, is listed (a substitution's, a no-build problem's objects): its name, or its place, `containers[1]`. */
export const containerLabel = (c: unknown, list: string, index: number): string =>
  placeOf(substitutionName((c ?? {}) as Container, list, index));

/** The containers of `o`'s pod template by the name their substitutions' annotations give them (`substitutionName`). */
function containersBySubstitution(o: KubeObject): Map<string, Container> {
  const spec = workloadTemplateOf(o)?.spec;
  return new Map(
    placedContainers(spec).map((p) => [substitutionName(p.container as Container, p.list, p.index), p.container as Container]),
  );
}

/**
 * Replaces the image of every container of every pod template by the one that runs on the
 * stage's architecture; on amd64, returns the objects as they are.
 * @throws ProblemsError naming every container whose image has no build for the architecture
 */
export function substituteImages(objects: readonly KubeObject[], options: ImageOptions): KubeObject[] {
  const { architecture, stage, table } = options;
  if (architecture === 'amd64') return [...objects];
  const problems: Problem[] = [];
  const out = objects.map((o) => {
    const { path, template } = workloadTemplate(o) ?? {};
    if (!path || !template?.spec) return o;
    const recorded: Record<string, string> = {};
    const spec = mapContainers(template.spec, (entry, list, i) => {
      const c = entry as Container;
      if (typeof c?.image !== 'string') return c;
      const resolved = resolveImage(c.image, architecture, stage, table);
      if (!resolved) {
        problems.push(unmappedImage(o, [...path, 'spec', list, i], c, c.image, architecture, options));
        return c;
      }
      if (resolved.image === c.image) return c;
      recorded[`${SUBSTITUTION_PREFIX}${substitutionName(c, list, i)}`] = c.image;
      return { ...c, image: resolved.image };
    });
    if (Object.keys(recorded).length === 0) return o;
    const replaced = withPodTemplate(o, (t) => ({ ...t, spec }));
    return { ...replaced, metadata: { ...replaced.metadata, annotations: { ...replaced.metadata.annotations, ...recorded } } };
  });
  if (problems.length) throw new ProblemsError(problems);
  return out;
}

/** The problem of container `c` at `container` (its path in `o`), whose `image` has no build for `architecture`. */
function unmappedImage(
  o: KubeObject,
  container: FieldPath,
  c: Container,
  image: string,
  architecture: OtherArchitecture,
  { stage, stageName, table }: ImageOptions,
): Problem {
  const { why, hint } = noBuildReason(image, architecture, stage, stageName, table);
  return {
    code: 'images/no-build-for-architecture',
    subject: describeObject(o),
    field: { object: o, path: [...container, 'image'] },
    message:
      `${formatFieldPath(container)}: ${containerNamed(c)} runs image '${image}', which has no known ${architecture} build ` +
      `(stage '${stageName}' runs on ${architecture}; ${why})`,
    hint,
  };
}

export interface Substitution {
  /** The object, as `Kind namespace/name`. */
  readonly object: string;
  /** The container's name, or for one with no name its place, `containers[1]`. */
  readonly container: string;
  readonly from: string;
  readonly to: string;
}

/** The substitutions recorded on synthesized objects, in the objects' order. */
export function imageSubstitutions(objects: readonly KubeObject[]): Substitution[] {
  return objects.flatMap((o) => {
    const recorded = Object.entries(o.metadata.annotations ?? {}).filter(([k]) => k.startsWith(SUBSTITUTION_PREFIX));
    if (recorded.length === 0) return [];
    const containers = containersBySubstitution(o);
    return recorded.map(([k, from]) => {
      const name = k.slice(SUBSTITUTION_PREFIX.length);
      const container = containers.get(name);
      return {
        object: describeObject(o),
        container: container && hasName(container) ? name : placeOf(name),
        from,
        to: String(container?.image),
      };
    });
  });
}

/**
 * The images the containers of `objects` run as their stacks and included files wrote them, before
 * this pass (an image it replaced is read from its annotation), each once, in the objects' order.
 */
export function writtenImages(objects: readonly KubeObject[]): string[] {
  const images = new Set<string>();
  for (const o of objects) {
    const annotations = o.metadata.annotations ?? {};
    for (const { container, list, index } of placedContainers(workloadTemplateOf(o)?.spec)) {
      const c = container as Container;
      if (typeof c.image !== 'string') continue;
      const recorded = annotations[`${SUBSTITUTION_PREFIX}${substitutionName(c, list, index)}`];
      images.add(typeof recorded === 'string' ? recorded : c.image);
    }
  }
  return [...images];
}
