/** What an image reference says about the release it is. */
import { MAX_LABEL_VALUE } from './labels.js';

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
