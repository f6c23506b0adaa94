/**
 * The project's repository as Git of its own checkout tells it (lib/cli/delivery-checkout.ts), held to what the
 * project file says of it (`delivery.repository`): where the engines read `dist/<stage>` from (`path`, which must be
 * where the project is in its work tree), unless the repository is a deploy repository CI copies dist/ into
 * (`copied: true`), whose layout no Git of this checkout tells, and which may not be the checkout's own. Pure.
 */
import type { Engine, ProjectFile } from '../config/delivery.js';
import { argumentWord, escapeName, nameList } from '../errors.js';
import { escapeInvisible, hasInvisible } from '../model/invisible-characters.js';
import { stagePath, type ProjectCheckout, type RemoteReading, type RevisionReading } from './delivery-plan.js';
import { repositoryHostPath, shownUrl } from './urls.js';
import { versionRange } from '../config/version-range.js';

/**
 * A checkout whose answers are given: the project's directory in it, and its remotes by name (their URLs), each
 * undefined where no Git says.
 */
export function checkoutOf(prefix?: string, remotes?: ReadonlyMap<string, readonly string[]>): ProjectCheckout {
  return { prefix: () => prefix, remotesOf: (hostPath, only) => (remotes ? remoteReading(hostPath, remotes, only) : undefined) };
}

/** A project in no Git checkout: nothing known. */
export const NO_CHECKOUT: ProjectCheckout = checkoutOf();

type ProjectRepository = NonNullable<NonNullable<ProjectFile['delivery']>['repository']>;

/**
 * What `remotes` (by name, their URLs) say of the repository at `hostPath` (`repositoryHostPath`): the first remote one
 * of whose URLs names it; else, when there are remotes and each URL names a host, all their names (none is it).
 */
export function remoteReading(hostPath: string, remotes: ReadonlyMap<string, readonly string[]>, only?: 'naming'): RemoteReading {
  const naming = [...remotes].find(([, urls]) => urls.some((url) => repositoryHostPath(url) === hostPath))?.[0];
  if (naming !== undefined) return { naming };
  if (only === 'naming') return {};
  const hostless = [...remotes.values()].flat().some((url) => repositoryHostPath(url) === undefined);
  return remotes.size && !hostless ? { others: [...remotes.keys()] } : {};
}

/**
 * A remote's or a branch's name (or a list of them, `nameList`) as a message prints it: with the control characters and
 * those that print as nothing or turn the line around (U+202E, pasted with a name) as their escapes.
 */
const shownName = (name: string) => escapeInvisible(escapeName(name));

/** A branch's name in double quotes, as JSON writes it, with what prints as nothing as its escape too (`"trunk\u202e"`). */
const quoted = (name: string) => escapeInvisible(JSON.stringify(name));

/** `word` as a command a hint gives writes it (`argumentWord`); undefined where a line to copy cannot show it (U+202E in it). */
const commandWord = (word: string) => (hasInvisible(word) ? undefined : argumentWord(word));

/** The prefix of a wanted entry (`followedRefs`) that stands for the tags in a version range, not a ref (no ref's name holds a `:`). */
const RANGE = 'range:';

/**
 * The refs `engine` may follow `revision` as, each of which a checkout's list of branches and tags answers for: a full
 * ref (`refs/heads/<branch>`, `refs/tags/<tag>`) as itself; a bare revision as the branch so named (Flux's
 * `ref.branch`), or, by Argo CD, as the branch or the tag so named (it resolves a bare revision against every branch and
 * tag of the repository, `v1.2.3` included), and first, when it reads as a semver constraint (`1.2.x`, `v1`, `>=1.2.0
 * <1.3.0`: `versionRange`), as any tag in that range, written `range:<the revision, URI-encoded>` (no blank, as a ref).
 * Undefined of a revision no such list answers for, of which nothing is asked: a commit (40-hex; 7 to 39, which Argo CD
 * looks up as a commit written short, its IsTruncatedCommitSHA), HEAD, another ref (a pull request's).
 */
export function followedRefs(engine: Engine, revision: string): readonly string[] | undefined {
  if (revision === 'HEAD' || /^[0-9a-f]{40}$/i.test(revision)) return undefined;
  if (revision.startsWith('refs/')) return /^refs\/(heads|tags)\/./.test(revision) ? [revision] : undefined;
  if (engine === 'flux') return [`refs/heads/${revision}`];
  if (/^[0-9a-f]{7,39}$/i.test(revision)) return undefined;
  // (a range's blanks, *, ~ and ^ no ref's name holds)
  const named = /^[\w./-]+$/.test(revision) ? [`refs/heads/${revision}`, `refs/tags/${revision}`] : [];
  return versionRange(revision) ? [...named, `${RANGE}${encodeURIComponent(revision)}`] : named;
}

/**
 * The version range a wanted entry (`followedRefs`) stands for; undefined of a ref, and of an entry no revision was encoded
 * to, which a fingerprint's record edited by hand may ask again (lib/cli/delivery-checkout.ts): its `%` no escape, no crash.
 */
function entryRange(entry: string): ((tag: string) => boolean) | undefined {
  if (!entry.startsWith(RANGE)) return undefined;
  try {
    return versionRange(decodeURIComponent(entry.slice(RANGE.length)));
  } catch {
    return undefined;
  }
}

/**
 * Whether one of `wanted` (`followedRefs`) is a branch or tag of the checkout's (`refs`, as lib/cli/delivery-checkout.ts
 * `gitRefs` names them), a tag in its version range, or a branch of its remote `remote` as last fetched; undefined of
 * one not found while `remote` was never fetched (added by hand, none of its branches known: the revision may be one of
 * them). The branch HEAD is on, when none is.
 */
export function revisionReading(
  { head, refs }: { readonly head: string; readonly refs: ReadonlySet<string> },
  remote: string,
  wanted: readonly string[],
): RevisionReading | undefined {
  const tracked = (ref: string) => ref.startsWith('refs/heads/') && refs.has(`refs/remotes/${remote}/${ref.slice('refs/heads/'.length)}`);
  const ranged = (entry: string) => {
    const inRange = entryRange(entry);
    return inRange !== undefined && [...refs].some((ref) => ref.startsWith('refs/tags/') && inRange(ref.slice('refs/tags/'.length)));
  };
  const found = wanted.some((ref) => refs.has(ref) || tracked(ref) || ranged(ref));
  if (found) return { found };
  const fetched = [...refs].some((ref) => ref.startsWith(`refs/remotes/${remote}/`));
  return fetched ? { found, head: head.slice('refs/heads/'.length) } : undefined;
}

/** What the checkout's remotes say of the repository `url` names (`only`: see `remotesOf`); undefined when it names no host, or no Git says. */
const remotesOfUrl = (url: string, checkout: ProjectCheckout, only?: 'naming'): RemoteReading | undefined => {
  const declared = repositoryHostPath(url);
  return declared === undefined ? undefined : checkout.remotesOf(declared, only);
};

/**
 * The name of the remote of the project's own checkout that the project file's repository URL names, host
 * and path alike (over ssh or https, with or without `.git`; a URL it fetches from or pushes to), when it says `copied: true`: a deploy repository
 * that is the project's own is no other repository, and its layout is Git's to tell. Undefined otherwise.
 */
export function ownRepository(repository: ProjectRepository | undefined, checkout: ProjectCheckout): string | undefined {
  if (repository?.copied !== true || repository.url === undefined) return undefined;
  return remotesOfUrl(repository.url, checkout, 'naming')?.naming;
}

/** Why `copied: true` is refused of the project's own repository (`url`, its remote `remote`). */
export function ownCopied(url: string, remote: string, projectSource: string): { message: string; hint: string } {
  return {
    message: `${shownUrl(url)} is this project's own repository (git remote ${shownName(remote)}), not one CI copies dist/ into, so the engines read dist/<stage> where the project is in it, which Git says`,
    hint: `remove copied: true from delivery.repository in ${projectSource}`,
  };
}

/**
 * Why the engines would find no stage's directory: the project lies in its Git repository at
 * `checkout.prefix()` (a monorepo's `infra/k8s`), not where the project file's `delivery.repository.path`
 * says (its top when unsaid), and Argo CD's `path` and Flux's `spec.path` are read from the repository's
 * top. Undefined when they agree, or when no Git says where the project is (dist/ copied out of its
 * repository). When the repository's URL is none of the checkout's remotes, the hint offers `copied: true` too:
 * CI may copy dist/ into it.
 */
export function projectElsewhere(
  repository: ProjectRepository | undefined,
  checkout: ProjectCheckout,
  projectSource: string,
): { message: string; hint: string } | undefined {
  const path = repository?.path;
  const prefix = checkout.prefix();
  if (prefix === undefined || prefix === (path ?? '')) return undefined;
  const at = (p: string) => (p === '' ? "the repository's top" : `'${p}'`);
  const fix =
    prefix === ''
      ? `remove delivery.repository.path from ${projectSource}`
      : `write delivery: { repository: { path: ${JSON.stringify(prefix)} } } in ${projectSource} (the engines then read ${stagePath(prefix, '<stage>')})`;
  return {
    message: `the project is at ${at(prefix)} in its Git repository (git rev-parse --show-prefix), not at ${path === undefined ? "the repository's top, as delivery.repository.path unsaid means" : `'${path}', where this says`}: Argo CD's path and Flux's spec.path (${stagePath(path, '<stage>')}) are read from the repository's top, so each engine would find no directory there, and no stage would be applied`,
    hint: fix + (repository !== undefined && repository.copied !== true ? deployRepositoryHint(repository, checkout) : ''),
  };
}

/**
 * The names of the checkout's remotes when the project file's repository URL is none of them (host and path as Git
 * reads them); undefined when it is one, when the checkout has no remote or one whose URL names no host (a local path,
 * file://, which may be a clone of it), or no Git says: nothing then tells which repository is this one.
 */
const otherRemotes = (repository: ProjectRepository, checkout: ProjectCheckout): readonly string[] | undefined =>
  repository.url === undefined ? undefined : remotesOfUrl(repository.url, checkout)?.others;

/**
 * `; or, if CI copies ... write copied: true`: when the project file's repository URL is none of the
 * checkout's remotes (`otherRemotes`; its path said or not: CI may copy dist/ to that repository's top), by name (never
 * their URLs, which may carry credentials). Empty otherwise.
 */
function deployRepositoryHint(repository: ProjectRepository, checkout: ProjectCheckout): string {
  const remotes = otherRemotes(repository, checkout);
  if (!remotes) return '';
  const into = `; or, if CI copies this project's dist/ into ${shownUrl(repository.url!)} (none of this checkout's remotes: ${shownName(nameList(remotes))})`;
  // no path: CI copies it to that repository's top, as the engines then read it
  return repository.path === undefined
    ? `${into}, at its top (${stagePath(undefined, '<stage>')}), write copied: true under delivery.repository`
    : `${into}, at ${repository.path}/dist, write copied: true beside it, under delivery.repository`;
}

/**
 * Why the engines may read a repository this checkout's commits never reach: the project file's repository URL (not
 * `copied: true`, where the project is as it says) is none of the checkout's remotes (`otherRemotes`), as after the
 * repository moved (`git remote set-url origin <new URL>`) or a URL mistyped. Undefined when it is one, or nothing tells.
 */
export function notARemote(
  repository: ProjectRepository | undefined,
  checkout: ProjectCheckout,
  projectSource: string,
): { message: string; hint: string } | undefined {
  if (repository?.url === undefined || repository.copied === true) return undefined;
  const remotes = otherRemotes(repository, checkout);
  if (!remotes) return undefined;
  const shown = shownUrl(repository.url);
  return {
    message: notARemoteMessage(shown, remotes),
    hint: `${remoteUrlFix(remotes)} as delivery.repository.url in ${projectSource}; or, if CI copies dist/ into ${shown}, write copied: true under delivery.repository (an ssh host alias of ~/.ssh/config is no host to Git: write the host it stands for)`,
  };
}

/**
 * `notARemote` of a stage's own repository URL (`url`, in `stageSource`), another than the project file's: the
 * engines read the stage from it at the path the project file says, where the project is in this checkout, so it
 * should be one of the checkout's remotes too (a mirror of it, once named as one). Undefined when it is, or nothing tells.
 * @param projectSource the project file, when it has a URL the stage would read without its own; undefined when it has none
 */
export function stageNotARemote(
  url: string,
  checkout: ProjectCheckout,
  stageSource: string,
  projectSource: string | undefined,
): { message: string; hint: string } | undefined {
  const remotes = remotesOfUrl(url, checkout)?.others;
  if (!remotes) return undefined;
  // (removed with no URL in the project file, the stage would have none: no way out)
  const inherit = projectSource === undefined ? '' : `, or remove it there to read ${projectSource}'s`;
  return {
    message: notARemoteMessage(shownUrl(url), remotes),
    // (no URL in the command: it may hold credentials, and a shell reads <URL> as a redirect)
    hint: `${remoteUrlFix(remotes)} as delivery.repository.url in ${stageSource}${inherit}; if it is a mirror of this repository, add it to this checkout's remotes (git remote add, a name, then that URL)`,
  };
}

const notARemoteMessage = (shown: string, remotes: readonly string[]) =>
  `the engines clone ${shown}, which is none of this checkout's remotes (${shownName(nameList(remotes))}; host and path as Git reads them, over https, ssh or scp-style): after the repository moved (git remote set-url), or with a URL mistyped, they apply each stage as that repository holds it, which no push of this checkout reaches`;

/** `write the URL of the remote the engines should read (git remote get-url origin, ...)`, by the remote most likely meant. */
function remoteUrlFix(remotes: readonly string[]): string {
  const remote = commandWord(remotes.includes('origin') ? 'origin' : remotes[0]!);
  const getUrl = remote ? `git remote get-url ${remote}` : "git remote -v, by that remote's name";
  return `write the URL of the remote the engines should read (${getUrl}, without the credentials it may hold)`;
}

/**
 * Why the engine may find nothing to apply at `revision` of the repository `url` names, which is the checkout's own (a
 * remote names it): the revision (a branch, `refs/heads/<branch>`, `refs/tags/<tag>`; by Argo CD, a bare tag too) is none
 * of the refs `engine` follows it as (`followedRefs`) among the checkout's branches and tags, nor a branch of that remote as
 * last fetched, as after `git branch -m main trunk` or a branch deleted. Undefined when it is one, when it is none a list
 * of refs answers for (a commit: nothing is asked), or the checkout has no such list at hand (`ProjectCheckout.revisionOf`:
 * a shallow or detached CI checkout is never warned), or the repository is another.
 */
export function unknownRevision(
  url: string,
  revision: string,
  engine: Engine,
  checkout: ProjectCheckout,
): { message: string; hint: string } | undefined {
  const wanted = followedRefs(engine, revision);
  const remote = wanted && remotesOfUrl(url, checkout, 'naming')?.naming;
  const reading = remote === undefined || wanted === undefined ? undefined : checkout.revisionOf?.(remote, wanted);
  if (reading?.found !== false || remote === undefined) return undefined;
  const tag = revision.startsWith('refs/tags/') ? revision.slice('refs/tags/'.length) : undefined;
  // (a whole version, v1.2.3, is said as the tag it names: the range is of it alone, 1.2.3 without its v too)
  if (wanted!.some((w) => w.startsWith(RANGE)) && !WHOLE_VERSION.test(revision)) return outOfRange(url, revision, remote, reading.head);
  // a bare revision Argo CD resolves against the tags too
  const either = wanted!.length > 1;
  const name = tag ?? revision.replace(/^refs\/heads\//, '');
  const [remoteWord, nameWord, headWord] = [commandWord(remote), commandWord(name), commandWord(reading.head ?? '')];
  const push = remoteWord && nameWord ? `git push ${remoteWord} ${nameWord}` : `push it to the remote ${shownName(remote)}`;
  const fetch = fetchCommand(remote, remoteWord);
  const kind = tag ? 'tag' : either ? 'branch or tag' : 'branch';
  return {
    message: `${JSON.stringify(revision)} is no ${kind} of this checkout, nor ${either ? 'a branch of' : 'of'} its remote ${shownName(remote)} (${shownUrl(url)}) as last fetched (git ${tag ? 'tag' : either ? 'branch -a, git tag' : 'branch -a'}): unless it was pushed from elsewhere, the engine finds no such revision to apply (Argo CD: unable to resolve it to a commit SHA; Flux: couldn't find remote ref), and the stage is never applied; this checkout is on ${quoted(reading.head ?? '')}`,
    hint: tag
      ? `push the tag (${push}), or write the tag the engines should follow`
      : `if the branch was renamed (git branch -m), write ${headWord && reading.head !== name ? `${quoted(reading.head ?? '')}, the branch this checkout is on, or ` : ''}the ${kind} the engines should follow; else push it (${push}), or, if it was pushed from elsewhere, ${fetch('')}`,
  };
}

/** A version with its three numbers, which a range names alone (`v1.2.3`, `1.2.3-rc.1`). */
const WHOLE_VERSION = /^v?\d+\.\d+\.\d+(?:-[\w.-]+)?$/;

/** `unknownRevision` of a version range (`followedRefs`): no tag of the checkout in it, nor a branch or tag so named. */
function outOfRange(url: string, revision: string, remote: string, head: string | undefined): { message: string; hint: string } {
  const remoteWord = commandWord(remote);
  const push = remoteWord ? `git push ${remoteWord}, then the tag` : `to the remote ${shownName(remote)}`;
  return {
    message: `${JSON.stringify(revision)} is a version range no tag of this checkout is in (Argo CD applies the highest tag in it), nor a branch or tag of that name, nor a branch of its remote ${shownName(remote)} (${shownUrl(url)}) as last fetched (git tag, git branch -a): unless such a tag was pushed from elsewhere, Argo CD finds no revision to apply (unable to resolve it to a commit SHA), and the stage is never applied; this checkout is on ${quoted(head ?? '')}`,
    hint: `push a tag in that range (${push}), or write the range, tag or branch the engines should follow; if it was pushed from elsewhere, ${fetchCommand(remote, remoteWord)('--tags ')}`,
  };
}

/**
 * `git fetch <options><remote>` of the remote `remote` (`remoteWord`, as a command writes it), or the words where no line
 * can show its name (`commandWord`): a command holding its escape (`fork\u202eli`) would fetch from no such remote.
 */
const fetchCommand = (remote: string, remoteWord: string | undefined) => (options: string) =>
  remoteWord ? `git fetch ${options}${remoteWord}` : `fetch from the remote ${shownName(remote)} (git fetch ${options}and its name)`;

/**
 * Why the project's place in its repository was not held to the project file's `delivery.repository.path`: Git was
 * asked and could not say (`unanswered`, see `ProjectCheckout`), so a wrong path shows only in the engine.
 */
export function pathUnchecked(
  unanswered: { readonly why: string; readonly fix: string },
  repository: ProjectRepository | undefined,
): { message: string; hint: string } {
  return {
    message: `the engines read ${stagePath(repository?.path, '<stage>')} from the repository's top, and whether the project is there was not checked: ${unanswered.why}, so a wrong delivery.repository.path shows only in the engine (Argo CD's app path does not exist, Flux's kustomization path not found)`,
    hint: `${unanswered.fix}, to have it checked (git rev-parse --show-prefix) at the next synthesis`,
  };
}
