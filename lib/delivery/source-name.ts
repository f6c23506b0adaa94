/**
 * The names of Flux GitRepositories, made from what each follows (lib/delivery/plan.ts gives each
 * Flux stage the name of its own; lib/delivery/flux.ts makes the objects). Pure.
 */
import { sha256Hex } from '../model/sha256.js';
import { normalRepositoryUrl } from './urls.js';

/** The longest object name made here: a DNS label, which every kind accepts as a name. */
const MAX_NAME = 63;
/** Hex digits of the SHA-256 of `url revision` that tell apart two repositories whose readable names are alike. */
const NAME_HASH_LENGTH = 6;

/** `text` in lowercase with every run of other characters than a-z and 0-9 as one `-`, none at the ends. */
const dnsPart = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * The name of the GitRepository that follows `repository`, made from what it follows and never
 * from its place among the others, so that adding, removing or reordering repositories renames
 * none of them (the cluster would see a rename as a delete and a create):
 * - the project file's repository at its revision (`main` when it names none): `<project>`;
 * - that repository at another revision that is a DNS label as written: `<project>-<revision>`
 *   (`stagecraft-release`);
 * - anything else: what can be read of it (the repository's last path segment when the URL is
 *   another; the revision without `refs/heads/` or `refs/tags/`, with other characters than a-z
 *   and 0-9 as `-`) and the first 6 hex digits of the SHA-256 of `<url> <revision>`, so that two
 *   that read alike stay apart (`refs/tags/v1.2.3` -> `stagecraft-v1-2-3-<hash>`); a name longer
 *   than 63 characters is cut before its hash.
 * Two repositories that still come out alike (a revision written as another's name with its hash,
 * or two hashes alike) are refused by the plan (lib/delivery/plan.ts).
 */
export function sourceName(
  project: string,
  repository: { readonly url: string; readonly revision: string },
  defaults: { readonly url?: string; readonly revision: string },
): string {
  const { url, revision } = repository;
  const sameUrl = url === defaults.url;
  if (sameUrl && revision === defaults.revision) return project;
  const repo = dnsPart(normalRepositoryUrl(url).replace(/^.*[/:]/, ''));
  // a branch or tag by its full ref reads as its short name (with a hash, so refs/heads/x is not the name of x)
  const rev = dnsPart(revision.replace(/^refs\/(heads|tags)\//, ''));
  const readable = [project, ...(sameUrl ? [] : [repo]), ...(revision === defaults.revision ? [] : [rev])].filter(Boolean).join('-');
  if (sameUrl && rev === revision && readable.length <= MAX_NAME) return readable;
  const hash = sha256Hex(`${url} ${revision}`).slice(0, NAME_HASH_LENGTH);
  return `${readable.slice(0, MAX_NAME - NAME_HASH_LENGTH - 1).replace(/-+$/, '')}-${hash}`;
}
