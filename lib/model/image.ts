/**
 * What an image reference says: its parts (name, tag, digest), the release it is, the name it was
 * most likely meant to have when it has capitals, and the image a tag-keeping substitute gives.
 */
import { MAX_LABEL_VALUE } from './labels.js';

/**
 * The distribution reference grammar (github.com/distribution/reference), as the kubelet parses
 * it, as a pattern: `name[:tag][@algorithm:hex]`, the name in lowercase but for its registry host.
 * `tag` is the pattern of a tag: a template of one may put `{tag}` where a character goes.
 */
export function imageReferencePattern(tag = '[\\w][\\w.-]{0,127}'): string {
  const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
  const domain =
    '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
  const name = `(?:${domain}/)?${component}(?:/${component})*`;
  const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
  return `^${name}(?::${tag})?(?:@${digest})?$`;
}

/** An image reference as written, in parts: `localhost:5000/team/app:2@sha256:...`. */
export interface ImageParts {
  /** Registry and repository: `localhost:5000/team/app` (a registry's port is not a tag). */
  readonly name: string;
  /** @default - none (Docker pulls `latest`) */
  readonly tag?: string;
  /** `algorithm:hex`. @default - none */
  readonly digest?: string;
}

/** `ref` without Docker Hub's host and `library/`, as Docker resolves it: `docker.io/library/nginx:1` is `nginx:1`, `docker.io/team/api` is `team/api`. */
export const withoutDockerHub = (ref: string): string =>
  ref.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');

/** The parts of `image` as written (nothing normalized: see `normalizeImage` in lib/transforms/arm-images.ts). */
export function imageParts(image: string): ImageParts {
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const colon = base.indexOf(':', base.lastIndexOf('/') + 1);
  return {
    name: colon >= 0 ? base.slice(0, colon) : base,
    ...(colon >= 0 ? { tag: base.slice(colon + 1) } : {}),
    ...(at >= 0 ? { digest: image.slice(at + 1) } : {}),
  };
}

/**
 * The repository of `image` as Docker resolves it (registry and path, no tag or digest, without
 * Docker Hub's host and `library/`), the one rule for whether two images are of one repository:
 * `nginx:1`, `library/nginx` and `docker.io/library/nginx:2` are all `nginx`.
 */
export const repositoryOf = (image: string): string => withoutDockerHub(imageParts(image).name);

/**
 * `image` with its name and digest in lowercase and its tag as written (`Team/API:1.0-Alpine` ->
 * `team/api:1.0-Alpine`): repository names are lowercase, tags may hold capitals. Undefined when
 * only the tag has capitals (nothing to change).
 */
export function lowercaseName(image: string): string | undefined {
  const { name, tag, digest } = imageParts(image);
  const lowered = `${name.toLowerCase()}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest.toLowerCase()}`}`;
  return lowered === image ? undefined : lowered;
}

/** What stands for the tag of the image a repository-level substitute maps (`demoapp: registry/demoapp:{tag}-arm`). */
export const TAG_PLACEHOLDER = '{tag}';

/**
 * The image a substitute keyed by repository gives for `image`, which it covers: `to` with the tag
 * of `image` put in, where `to` says `{tag}` (`latest` when `image` has no tag, as Docker reads it);
 * when `to` has no tag, `image`'s tag as written on `to`'s repository (none when it has none).
 * An image pinned by digest has none to give: its digest names an image of its own repository, not
 * of `to`'s, and dropping it would run whatever `to`'s tag (or `latest`) is at the time; a repository
 * substitute does not cover it (lib/transforms/image-resolution.ts `stageRule`), so one here is a
 * caller's mistake, thrown rather than answered with another image.
 */
export function withTagOf(to: string, image: string): string {
  const { tag, digest } = imageParts(image);
  if (digest !== undefined) throw new Error(`withTagOf: '${image}' is pinned by digest, which no repository substitute maps`);
  if (imageParts(to).tag !== undefined) return to.replaceAll(TAG_PLACEHOLDER, tag ?? 'latest');
  return tag === undefined ? to : `${to}:${tag}`;
}

/**
 * The release of an image as a label value (`app.kubernetes.io/version`): its tag, or its digest
 * with `-` for `:`, `latest` when it has neither. A tag may be 128 characters long and end with
 * `.`, `-` or `_`, which no label value may: it is cut to 63 characters and such ends dropped,
 * so that every image a stage file may name gives objects the API server accepts.
 */
export function imageVersion(image: string): string {
  const digest = image.indexOf('@');
  if (digest >= 0) return labelValue(image.slice(digest + 1).replace(':', '-'));
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon >= 0 ? labelValue(image.slice(colon + 1)) : 'latest';
}

/**
 * A version as `--release` gives it: an image (`demoapp:1.1`), a digest (`sha256:...`) or a tag, as
 * the label `imageVersion` makes of it.
 */
export function releaseVersion(release: string): string {
  if (/^sha(256|384|512):[0-9a-f]+$/.test(release)) return imageVersion(`@${release}`);
  return release.includes(':') ? imageVersion(release) : labelValue(release);
}

function labelValue(version: string): string {
  return version
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, MAX_LABEL_VALUE)
    .replace(/[^A-Za-z0-9]+$/, '');
}
