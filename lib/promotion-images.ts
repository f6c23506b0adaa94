/**
 * How an image moves from stage to stage in a promotion: the target keeps its repository (a stage
 * that pulls from a registry or mirror of its own) and takes the source's tag or digest; an image
 * of another name is another image, not a release of it. Pure: image references in, the reference
 * to write out; lib/promotion.ts plans a promotion with it.
 */
import { imageParts, withoutDockerHub } from './model/image.js';

/** An image reference as a promotion reads it: `registry.example.com:5000/team/web:2@sha256:...`. */
interface ImageParts {
  /** Registry and path, `registry.example.com:5000/team/web`. */
  readonly repository: string;
  /** The last component of the path, `web`: the image's name, whatever registry serves it. */
  readonly name: string;
  /** What follows the repository: `:2`, `@sha256:...`, both, or nothing (`latest`). */
  readonly version: string;
}

function partsOf(image: string): ImageParts {
  const repository = imageParts(image).name;
  return { repository, name: repository.slice(repository.lastIndexOf('/') + 1), version: image.slice(repository.length) };
}

/** Whether `image` is tagged `latest` or not at all (nor pinned by digest): a name, not a release. */
export function namesNoRelease(image: string): boolean {
  return ['', ':latest'].includes(partsOf(image).version);
}

/** Where an image's version moves from stage to stage, for `imageFor`. */
export interface ImageMove {
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
export function imageFor({ from, to, image, current, force }: ImageMove): { value: string; why?: string } | { refused: string } {
  if (current === undefined || current === image) return { value: image };
  const source = partsOf(image);
  const target = partsOf(current);
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

/** The settings named `image` in an app's settings, through mappings and lists (`initContainers[0].image`), with their paths. */
export function imageSettings(settings: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: string }[] {
  if (Array.isArray(settings)) return settings.flatMap((v, i) => imageSettings(v, [...path, i]));
  if (typeof settings !== 'object' || settings === null) return [];
  return Object.entries(settings).flatMap(([k, v]) =>
    k === 'image' && typeof v === 'string' ? [{ path: [...path, k], value: v }] : imageSettings(v, [...path, k]),
  );
}
