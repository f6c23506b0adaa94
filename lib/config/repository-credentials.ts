/**
 * What a repository URL carries besides its address that is a credential (a password, a token as its
 * user name over http(s), a query), which neither a committed file nor dist/delivery/ may hold, and a
 * query that names a revision alone (`?ref=main`), which is none. Pure.
 */
import { argumentWord } from '../errors.js';
import { detectSecret } from '../model/secret-rules.js';
import { mayHidePassword, pastPassword, scpAsSsh } from './url-authority.js';

/**
 * Query parameters that name a revision (`?ref=main`, kustomize's and Terraform's remote form), no
 * credential: a URL whose query is one of them and a value that reads as a branch, tag or commit.
 */
export const REVISION_PARAMETERS: ReadonlySet<string> = new Set(['ref', 'rev', 'revision', 'branch', 'tag', 'version', 'commit', 'sha']);
export const REVISION_VALUE = /^\w[\w./+-]{0,199}$/;

/** Where the query of `url` starts and the revision it names, when it names one alone (`?ref=main`); else undefined. */
export function revisionQuery(url: string): { readonly at: number; readonly revision: string } | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  const end = url.indexOf('#', at);
  // an Azure DevOps repository's page (its path ends in _git/<repository>): its version names the revision
  const azure = AZURE_PAGE.test(url.slice(0, at));
  // kustomize's own remote parameters beside it (?ref=v1.2.3&timeout=120s), with the values it reads, are no credential either; nor are a page's
  const parameters = [...new URLSearchParams(url.slice(at + 1, end < 0 ? undefined : end))].filter(
    ([name, value]) =>
      !KUSTOMIZE_PARAMETERS[name.toLowerCase()]?.test(value) &&
      !(azure && AZURE_PAGE_PARAMETERS[name]?.test(value) && detectSecret(value) === undefined),
  );
  if (parameters.length !== 1) return undefined;
  const [name, value] = parameters[0];
  const revision = azure && name.toLowerCase() === 'version' ? azureVersion(value) : value;
  if (
    revision === undefined ||
    !REVISION_PARAMETERS.has(name.toLowerCase()) ||
    !REVISION_VALUE.test(revision) ||
    detectSecret(revision) !== undefined
  )
    return undefined;
  return { at, revision };
}

/**
 * The path of a Bitbucket Server or Data Center repository's page, under any sub-path of the host (`base`): a
 * project's (`/projects/PLAT/repos/app/browse`) or a user's (`/users/jdoe/repos/app`), the repository's own
 * page (`/repos/app`, which shows its files) or its files' and commits' (`/browse/dist/qa`, `/commits`).
 * `/projects/` and `/users/` begin no GitLab group (top-level routes), and Gitea's repositories are two names deep.
 */
export const BITBUCKET_SERVER_PAGE =
  /^(?<base>(?:\/[^/]+)*?)\/(?<owner>projects|users)\/(?<project>[^/]+)\/repos\/(?<slug>[^/]+)(?:\/(?:browse|commits)(?:\/[^?#]*)?)?$/;

/** What a Bitbucket Server page's query names: `?at=` the revision picked in it (`refs/heads/main`, a commit), URL-encoded. */
export function bitbucketServerAt(query: string): string | undefined {
  const parameters = [...new URLSearchParams(query)];
  if (parameters.length !== 1 || parameters[0][0] !== 'at') return undefined;
  const revision = parameters[0][1];
  return REVISION_VALUE.test(revision) && detectSecret(revision) === undefined ? revision : undefined;
}

/**
 * Where a Git host's page's own query starts, no credential: GitLab's (`.../-/tree/main?ref_type=heads`, as
 * GitLab writes its branch and tag pages' addresses), Bitbucket Server's (`.../repos/app/browse?at=refs%2Fheads%2Fmain`,
 * the revision picked in the page). `repositoryUrlForm` refuses the URL as the page it is. Undefined for another URL.
 */
export function pageQuery(url: string): number | undefined {
  const at = url.indexOf('?');
  if (at <= 0 || url.includes('#', at)) return undefined;
  const path = /^https?:\/\/[^/?#]+(\/[^?#]*)$/i.exec(url.slice(0, at))?.[1] ?? '';
  if (path.includes('/-/') && /^\?ref_type=(?:heads|tags)$/.test(url.slice(at))) return at;
  return BITBUCKET_SERVER_PAGE.test(path.replace(/\/+$/, '')) && bitbucketServerAt(url.slice(at + 1)) !== undefined ? at : undefined;
}

/** The path of an Azure DevOps repository (`/<organization>/<project>/_git/<repository>`, the server's too). */
const AZURE_PAGE = /\/_git\/[^/]+\/?$/;

/**
 * The parameters an Azure DevOps repository's page writes besides its version (`?path=/&version=GBmain&_a=contents`):
 * `_a` one of the page's own views, so that no other value (a token) passes as one and is printed back.
 */
const AZURE_PAGE_PARAMETERS: Readonly<Record<string, RegExp>> = {
  path: /^\/[^\s]*$/,
  _a: /^(?:contents|history|compare|blame|preview|readme|files|commits|diff)$/,
};

/**
 * The revision an Azure DevOps page's `version` names, as both engines read it: `GB<branch>`,
 * `GT<tag>` (as its full ref, which Flux follows as the tag), `GC<commit>`; undefined for another.
 */
function azureVersion(version: string): string | undefined {
  const named = /^G([BTC])(.+)$/.exec(version);
  if (!named) return undefined;
  return named[1] === 'T' ? `refs/tags/${named[2]}` : named[2];
}

/** The parameters kustomize reads of a remote URL's query besides its revision, with the values each takes. */
const KUSTOMIZE_PARAMETERS: Readonly<Record<string, RegExp>> = { timeout: /^\d{1,6}(?:s|m|h)?$/, submodules: /^(?:true|false)$/ };

/**
 * What to do with a repository's credentials, wherever a URL would carry them: the engines keep
 * them in Secrets of their own namespace, found by the URL (Argo CD) or named by `repository.secret`
 * (Flux), so that neither a committed file nor `dist/delivery/` holds them.
 */
export const REPOSITORY_CREDENTIALS_HINT =
  'give the credentials to the engine where it keeps them: Argo CD finds a repository Secret in argocd by the URL (argocd repo add <url> --username ... --password ...); ' +
  'Flux reads the Secret in flux-system that delivery.repository.secret names (flux create secret git <name> --url=<url> --username=... --password=...)';

/** A repository URL that carries credentials: why it is refused (the URL hidden), and what to write instead. */
export interface RepositoryCredentials {
  readonly code: 'delivery/repository-credentials';
  readonly setting: 'url';
  readonly message: string;
  readonly hint: string;
}

/** Where a stage file and the project file write the repository URL, as a dotted path. */
export const REPOSITORY_URL = 'delivery.repository.url';

/**
 * The credentials a repository URL carries besides its address, which would go into every
 * Application's `repoURL`, the GitRepository's `url` and its name, and the messages that name
 * them: a password, a user name over http(s) (Git hosts take a token as one:
 * `https://<token>@github.com/...`; over ssh:// the user, `git@`, is the account and no secret) but
 * one a Git host writes in the clone URL it shows (`hostUser`), a query (`?private_token=...`: a Git
 * repository's address has none). Undefined when it carries
 * none. Refused whether or not the secret screening (lib/secrets.ts) finds them too, and whatever a
 * stage's `secrets.allow` says: the screening's exception lets a value into `dist/`, and no
 * credential belongs there. Neither the URL nor what it carries is printed: the message names the
 * query's parameters only, and the hint the URL without them.
 */
export function repositoryCredentials(url: string): RepositoryCredentials | undefined {
  // a password holding a `/`, `?` or `#`, which new URL() reads as a host and a path, and would let through
  if (mayHidePassword(url)) {
    const past = pastPassword(url);
    return credentials(
      "what may be a password holding a '/', '?' or '#' (an '@' after where its host ends; an '@' of the path is written %40)",
      past === undefined ? undefined : past.replace(/[?#].*$/s, ''),
      "if the '@' is the path's, write it %40",
    );
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // scp-style git@host:path: its user is the ssh account; a query would still be one, but for a revision (`repositoryUrlForm`)
    const query = url.indexOf('?');
    if (query < 0 || revisionQuery(url)) return undefined;
    return credentials(`a query (${parameters(url.slice(query))})`, url.slice(0, query));
  }
  const web = u.protocol === 'http:' || u.protocol === 'https:';
  const found = [
    ...(u.password
      ? ['a password']
      : web && u.username && hostUser(u) === undefined
        ? ['a user name (a token, as Git hosts take one there)']
        : []),
    // a query naming a revision alone (`?ref=main`) is no credential: `repositoryUrlForm` refuses it for what it is
    ...(u.search && !revisionQuery(url) && !pageQuery(url) ? [`a query (${parameters(u.search)})`] : []),
  ];
  if (!found.length) return undefined;
  const user = (!web && u.username) || hostUser(u) !== undefined ? `${u.username}@` : '';
  return credentials(found.join(' and '), `${u.protocol}//${user}${u.host}${u.pathname}`);
}

/** A user name as Bitbucket takes one: letters, digits, `_`, `-` and `.`, short (an app password or token is longer). */
const ACCOUNT_NAME = /^[a-z\d][\w.-]{0,29}$/i;

/**
 * Whether `name` reads as a generated token rather than a name a person chose. A user name in the
 * URL is never needed (the engine's credentials carry one), so a name taken for a token costs its
 * removal from the URL, a token taken for a name its leak: 16 characters or more that mix capitals,
 * small letters and digits (`Zx8kLm3Qp9RtVw2Y`); of letters and digits alone, hex digits with a
 * digit among them (`a3f9c2e81b7d4f60`), or digits scattered as a person's seldom are, between
 * letters twice or in three places (`k3j9x2m8p1q7r5t0`; `jdoe2024platform`, `k8sdeploybot1` are
 * names); or what the secret screening finds. Of random lowercase tokens with few digits, one in nine
 * of 16 characters still reads as a name (one in 26 of 20, one in 400 of 30).
 */
const tokenLike = (name: string) =>
  (name.length >= 16 && /[A-Z]/.test(name) && /[a-z]/.test(name) && /\d/.test(name)) ||
  (/^[a-z\d]{16,}$/i.test(name) &&
    ((/^[\da-f]+$/i.test(name) && /\d/.test(name)) ||
      (name.match(/(?<=[a-z])\d+(?=[a-z])/gi)?.length ?? 0) >= 2 ||
      (name.match(/\d+/g)?.length ?? 0) >= 3)) ||
  detectSecret(name) !== undefined;

/**
 * The user name of `u` (a URL over http(s) without a password) when it is one a Git host writes in
 * the clone URL it shows, naming an account, no credential: Azure DevOps's organization, which it
 * repeats as the path's first segment (`https://contoso@dev.azure.com/contoso/shop/_git/app`) or the
 * host's first label (`https://contoso@contoso.visualstudio.com/shop/_git/app`), and a Bitbucket
 * account (`https://jdoe@bitbucket.org/team/app.git`; Bitbucket Server's `https://jdoe@git.example.com/scm/team/app.git`)
 * that reads as a name, not a token. Undefined for any other user name, which may be a token
 * (`https://<token>@github.com/...`, a GitLab or GitHub URL, which Git hosts show without a user).
 */
export function hostUser(u: URL): string | undefined {
  if (u.password || !u.username || (u.protocol !== 'https:' && u.protocol !== 'http:')) return undefined;
  const user = u.username;
  const host = u.hostname.toLowerCase();
  const first = u.pathname.split('/')[1] ?? '';
  if (host === 'dev.azure.com') return user.toLowerCase() === first.toLowerCase() ? user : undefined;
  if (host.endsWith('.visualstudio.com')) return user.toLowerCase() === host.split('.')[0] ? user : undefined;
  const bitbucket = host === 'bitbucket.org' || first === 'scm';
  return bitbucket && ACCOUNT_NAME.test(user) && !tokenLike(user) ? user : undefined;
}

/** The names of a query's parameters, their values left out (`?private_token=...`); a name that might be a token itself as `?`. */
const parameters = (search: string) =>
  [...new URLSearchParams(search).keys()].map((k) => `${/^[a-zA-Z_.-]{1,24}$/.test(k) ? k : '?'}=...`).join('&') || '?';

/**
 * @param address the URL without what it carries, undefined when no reading can tell where its host is
 * @param unsure what the hint says first when the reading may be wrong (an `@` the path's own)
 */
function credentials(carried: string, address: string | undefined, unsure?: string): RepositoryCredentials {
  const write = address === undefined ? 'take the password out of the URL' : `write the URL as ${address}`;
  return {
    code: 'delivery/repository-credentials',
    setting: 'url',
    message: `the repository URL carries ${carried}, which would go into dist/delivery/ (committed) and the engine's objects in the cluster; the URL is not printed`,
    hint: `${unsure ? `${unsure}; otherwise ` : ''}${write}, and ${address === undefined ? REPOSITORY_CREDENTIALS_HINT : credentialsHint(address)}`,
  };
}

/**
 * `REPOSITORY_CREDENTIALS_HINT` with the commands written for `address` (the URL without its credentials), which a shell
 * reads back as printed (`argumentWord`): no `<url>` a shell would take for a redirect. The hint without it when no
 * command can hold it.
 */
function credentialsHint(address: string): string {
  const url = argumentWord(address);
  // over ssh (ssh://, scp-style) an engine takes a private key, no password, and the flux command an ssh:// URL alone
  const ssh = address.startsWith('ssh://') ? address : scpAsSsh(address);
  const flag = argumentWord(`--url=${ssh ?? address}`);
  if (url === undefined || flag === undefined) return REPOSITORY_CREDENTIALS_HINT;
  const [argocd, flux] = ssh
    ? ['--ssh-private-key-path ...', '--private-key-file=...']
    : ['--username ... --password ...', '--username=... --password=...'];
  return (
    `give the credentials to the engine where it keeps them: Argo CD finds a repository Secret in argocd by the URL (argocd repo add ${url} ${argocd}); ` +
    `Flux reads the Secret in flux-system that delivery.repository.secret names (flux create secret git git-credentials ${flag} ${flux}, then secret: git-credentials beside the url)`
  );
}
