/** What an image reference says about the release it is. */

/** The release of an image: its tag (or digest, shortened to a label value), `latest` when it has none. */
export function imageVersion(image: string): string {
  const digest = image.indexOf('@');
  if (digest >= 0)
    return image
      .slice(digest + 1)
      .replace(':', '-')
      .slice(0, 63);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon >= 0 ? image.slice(colon + 1) : 'latest';
}
