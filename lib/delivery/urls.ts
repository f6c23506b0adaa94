/**
 * URLs as compared: two spellings of one address (a trailing `/`, a host in capitals, the default
 * port) are one cluster's API server or one Git repository. Pure.
 */
import { scpAsSsh } from '../config/repository-url.js';
import { hostUser } from '../config/repository-credentials.js';
import { mayHidePassword, pastPassword, readings, urlParts } from '../config/url-authority.js';
import { isRecord, ownEntry } from '../model/object.js';

/** The default ports of the schemes that URL does not know (it leaves out those of http and https itself). */
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'ssh:': '22', 'git:': '9418' };

/**
 * `url` as compared: scheme and host in lower case, without the scheme's default port and any
 * trailing `/` (`https://Git.example.com:443/team/app/` is `https://git.example.com/team/app`), a
 * path's `%40` as the `@` it stands for (a path's `@` is written so where a URL may carry
 * credentials: lib/config/repository-credentials.ts); one that does not parse as a URL (scp-style
 * `git@host:path`) only without the trailing `/`.
 */
export function normalUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${u.username}@` : '';
    const host = u.port === DEFAULT_PORTS[u.protocol] ? u.hostname : u.host;
    // the host in lower case here too: URL lowers it for http(s) only, not for ssh://
    return `${u.protocol}//${user}${host.toLowerCase()}${u.pathname.replace(/\/+$/, '').replace(/%40/gi, '@')}${u.search}`;
  } catch {
    return url.replace(/\/+$/, '');
  }
}

/**
 * `normalUrl` of a Git repository, without the `.git` its hosts let one leave out (`.../app.git` is
 * `.../app`), and an scp-style URL as its `ssh://` form (`git@host:team/app` is `ssh://git@host/team/app`):
 * Flux clones only the second, so a stage delivered by Flux writes it for the project file's first.
 * The credentials a URL carries (`addressOf`) are no part of the repository it names.
 */
export const normalRepositoryUrl = (url: string): string => normalAddress(scpAsSsh(url) ?? url).replace(/\.git$/, '');

/**
 * The host and path a repository URL names, as Git reads it, whatever its transport, user, port or `.git`
 * (`git.example.com/platform/deploy`): a repository cloned over ssh and read over https has one. A URL with no
 * `scheme://` and a `:` before any `/` is scp-style ssh to Git, with or without a user (`git.example.com:team/app`,
 * whose user an ssh config names; an alias no `insteadOf` rewrote, `gh:team/app`, is host `gh`). In lower case, a
 * percent-escaped letter or digit as itself: GitHub and GitLab read a path whatever its case, and Argo CD finds a
 * repository's credentials by its URL in lower case. Undefined for what names no host (a local path), and for a URL Git
 * hands to a remote helper (`GIT_TRANSPORTS`), which reads its address as it likes.
 */
export function repositoryHostPath(url: string): string | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*)(::|:\/\/)/.exec(url);
  if (scheme && (scheme[2] === '::' || !GIT_TRANSPORTS.has(scheme[1]!.toLowerCase()))) return undefined;
  const scp = url.includes('://') ? undefined : /^(?:[^@/]+@)?([^@/:]+):\/?(.*)$/s.exec(url);
  try {
    const u = new URL(scp ? `ssh://${scp[1]}/${scp[2]}` : normalRepositoryUrl(url));
    const path = u.pathname
      .replace(/%([0-9a-f]{2})/gi, (escaped, hex: string) => {
        const c = String.fromCharCode(Number.parseInt(hex, 16));
        return /^[\w.~-]$/.test(c) ? c : escaped;
      })
      .replace(/\/+$/, '')
      .replace(/\.git$/i, '');
    return u.hostname ? oneRepository(`${u.hostname}${path}`.toLowerCase()) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The schemes Git reads a `scheme://` URL of itself (transport.c). Another (`codecommit://app`, `keybase://team/x/app`),
 * or `<helper>::<address>` (`ext::ssh ...`, `gcrypt::rsync://...`), is a remote helper's, whose address names a
 * repository only as the helper reads it: no host and path to compare.
 */
const GIT_TRANSPORTS: ReadonlySet<string> = new Set(['http', 'https', 'ftp', 'ftps', 'ssh', 'git', 'git+ssh', 'ssh+git', 'file']);

/**
 * Host and path a Git host serves one repository under over https and over ssh, as one (`repositoryHostPath`): a checkout
 * cloned over ssh is the repository the engines read over https. Each rule's `from` matches a lower-case host and path.
 */
const ONE_REPOSITORY: readonly { readonly from: RegExp; readonly to: string }[] = [
  // Azure DevOps: https://dev.azure.com/<org>/<project>/_git/<repo>, git@ssh.dev.azure.com:v3/<org>/<project>/<repo>
  { from: /^dev\.azure\.com\/([^/]+)\/([^/]+)\/_git\/([^/]+)$/, to: 'dev.azure.com/$1/$2/$3' },
  { from: /^ssh\.dev\.azure\.com\/v3\/([^/]+)\/([^/]+)\/([^/]+)$/, to: 'dev.azure.com/$1/$2/$3' },
  // a project's own repository, named after it, without the project: https://dev.azure.com/<org>/_git/<project>
  { from: /^dev\.azure\.com\/([^/]+)\/_git\/([^/]+)$/, to: 'dev.azure.com/$1/$2/$2' },
  // and its older host names: https://<org>.visualstudio.com/[DefaultCollection/]<project>/_git/<repo>, <org>@vs-ssh.visualstudio.com:v3/...
  // (first the project's own repository, whose short path's DefaultCollection is no project: .../DefaultCollection/_git/<project>)
  { from: /^([^./]+)\.visualstudio\.com\/(?:defaultcollection\/)?_git\/([^/]+)$/, to: 'dev.azure.com/$1/$2/$2' },
  { from: /^([^./]+)\.visualstudio\.com\/(?:defaultcollection\/)?([^/]+)\/_git\/([^/]+)$/, to: 'dev.azure.com/$1/$2/$3' },
  // Azure DevOps Server (on premises), whatever its host: <host>[/tfs]/<collection>/<project>/_git/<repo> over https, _ssh/ over ssh
  { from: /^([^/]+(?:\/[^/]+)+)\/_ssh\/([^/]+)$/, to: '$1/_git/$2' },
  { from: /^vs-ssh\.visualstudio\.com\/v3\/([^/]+)\/([^/]+)\/([^/]+)$/, to: 'dev.azure.com/$1/$2/$3' },
  // Bitbucket Server: https://<host>[/<context>]/scm/<project>/<repo>.git, ssh://git@<host>:7999/<project>/<repo>.git;
  // served on a host of its own, never by the hosted services, where /scm/ is a group's (gitlab.com/acme/scm/team/app)
  { from: /^(?!(?:github\.com|gitlab\.com|bitbucket\.org)\/)([^/]+)(?:\/[^/]+)?\/scm\/([^/]+\/[^/]+)$/, to: '$1/$2' },
];

/** `hostPath` as the one `ONE_REPOSITORY` names its repository by, or as it is. */
function oneRepository(hostPath: string): string {
  const rule = ONE_REPOSITORY.find(({ from }) => from.test(hostPath));
  return rule ? hostPath.replace(rule.from, rule.to) : hostPath;
}

/** `normalUrl` of the address `url` reaches, without the credentials it carries (`addressOf`): a cluster's server as compared. */
export const normalAddress = (url: string): string => normalUrl(addressOf(url));

/**
 * `url` without the credentials it carries: a password, a query, a user name over http(s) (a token);
 * an ssh:// user is the account, and stays. One whose authority may end past a password holding a
 * `/`, `?` or `#` (lib/config/url-authority.ts) as the host after it (`https://ci:12/Zq@host/app` is
 * `https://host/app`); one no reading can cut (lib/config/url-authority.ts `pastPassword`) and one new URL()
 * cannot read as written: compared, never shown.
 */
function addressOf(written: string): string {
  // no reading can cut it (a path's `@` after a host): compared as written here (`addresses` reads it every way)
  return withoutCredentials(pastPassword(written) ?? written);
}

/** `url` as new URL() reads it, without its password, query and (over http(s)) user; as written where it cannot. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    const web = u.protocol === 'http:' || u.protocol === 'https:';
    const user = !web && u.username ? `${u.username}@` : '';
    return u.host === '' ? url : `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

/**
 * Every address `url` may reach, as compared: `normalAddress` first, then each other way
 * lib/config/url-authority.ts `readings` reads it, where an `@` after its authority may end a
 * password or be the path's. Compared (`sameAddresses`), never shown.
 */
export const addresses = (url: string): string[] => [
  ...new Set([normalAddress(url), ...readings(url).map((r) => normalUrl(withoutCredentials(r)))]),
];

/** `addresses` of a Git repository, each as `normalRepositoryUrl` writes one. */
export const repositoryAddresses = (url: string): string[] => [
  ...new Set(addresses(scpAsSsh(url) ?? url).map((a) => a.replace(/\.git$/, ''))),
];

/**
 * Whether two lists of `addresses` name one address. Where one URL may be read two ways and the
 * other one way only (what stagecraft writes now: the project file refuses a URL read two ways),
 * when they share one: an older file's `https://first.last:12/a/b@host:6443` is the project file's
 * `https://host:6443`, its `https://gitlab:8443/team@v1/app.git` the project file's
 * `https://gitlab:8443/team%40v1/app.git`, whichever way `normalAddress` guesses. Else as
 * `normalAddress` reads them: two that may each be read two ways share the reading past each `@`
 * (`https://git.example.com/team@v1/app.git` and `https://git.other.example/team@v1/app.git` both
 * read as `https://v1/app.git` too), which would hide a move.
 */
export const sameAddresses = (a: readonly string[], b: readonly string[]): boolean =>
  a.length > 1 && b.length > 1 ? a[0] === b[0] : a.some((x) => b.includes(x));

/** Whether two repository URLs name one repository (`repositoryAddresses`), whatever credentials either carries. */
export const sameRepository = (a: string, b: string): boolean => sameAddresses(repositoryAddresses(a), repositoryAddresses(b));

/**
 * Numbers for the credentials cut out of URLs shown together (`credentialNumbers`): the same number
 * for the same text, another for another, so that a diff of two URLs that differ by their credentials
 * alone shows that they differ, never what either holds.
 */
export type CredentialNumbers = (cut: string) => number;

/** A `CredentialNumbers` for one diff: 1 for the first text cut, 2 for the next other one, and so on. */
export function credentialNumbers(): CredentialNumbers {
  const numbers = new Map<string, number>();
  return (cut) => {
    const n = numbers.get(cut) ?? numbers.size + 1;
    numbers.set(cut, n);
    return n;
  };
}

/**
 * A repository URL as a message may show it: without a password, a query, or a user name over
 * http(s) (a token, as Git hosts take one there); an ssh:// user (`git@`) is the account, and stays,
 * and so does a user name a Git host writes in its clone URL (`hostUser`: `https://contoso@dev.azure.com/contoso/...`).
 * Only the userinfo and the query are credentials (an `@` after an ssh user is the path's). What
 * `dist/delivery/` holds carries none (lib/config/repository-credentials.ts `repositoryCredentials` refuses
 * them), but a file there as an older stagecraft or a hand wrote it may. One that may hold a password
 * where no reading can tell is `UNSURE_URL`.
 * @param numbers when given, what is cut is shown as `<credentials N>` in its place (`credentialNumbers`)
 */
export function shownUrl(url: string, numbers?: CredentialNumbers): string {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    // not a URL (scp-style, a port that is no number): cut by hand
  }
  // an empty host: no authority was read (a scheme it does not know, `ci:pass@host:path`), and the credentials are in the path
  // an `@` after the authority may end a password holding `/`, `?` or `#` (scp-style too)
  if (mayHidePassword(url)) return numbers ? `<url with credentials ${numbers(url)}>` : UNSURE_URL;
  if (u === undefined || u.host === '') return shownByHand(url, numbers);
  const web = u.protocol === 'http:' || u.protocol === 'https:';
  // an ssh user is the account; so is a user name a Git host writes in its clone URL (Azure DevOps's organization), which Argo CD matches credentials with
  const account = (!web && u.username && !u.password) || hostUser(u) !== undefined;
  const userinfo = account || (!u.username && !u.password) ? '' : `${u.username}:${u.password}`;
  const user = account ? `${u.username}@` : userinfo && numbers ? `${numbered(userinfo, numbers)}@` : '';
  // the `/` URL gives a URL written without a path (`https://host:6443`, a cluster's server) is not shown
  const path = u.pathname === '/' && !/^[^/?#]*\/\/[^/?#]*\//.test(url) ? '' : u.pathname;
  return `${u.protocol}//${user}${u.host}${path}${queryShown(u.search, numbers)}`;
}

/** What a message shows of a URL that may hold a password it cannot cut out. */
export const UNSURE_URL = '<url with credentials>';

/** `<credentials N>`: what a diff shows for credentials cut out. */
const numbered = (cut: string, numbers: CredentialNumbers) => `<credentials ${numbers(cut)}>`;

/** A query as shown: nothing, or `?<credentials N>` in a diff (`numbers`). */
const queryShown = (query: string, numbers: CredentialNumbers | undefined) =>
  query && query !== '?' && numbers ? `?${numbered(query, numbers)}` : '';

/**
 * `shownUrl` of what `new URL()` cannot read, by hand: its authority (lib/config/url-authority.ts `urlParts`)
 * without what is before its last `@` when that holds a password (a `:`), or over http(s) (a bare
 * user, scp-style `git@host:path`'s ssh account, stays), and without its query. An `@` after the
 * authority over http(s), or after a `:` (`ci:pa?ss@host`, `ci:12/ss@host`, `git@host:team/app@v1`),
 * may end a password holding a `/`, `?` or `#`: `UNSURE_URL`.
 */
function shownByHand(url: string, numbers: CredentialNumbers | undefined): string {
  const { scheme, authority, rest: after } = urlParts(url);
  const web = /^https?:/i.test(scheme);
  const at = authority.lastIndexOf('@');
  const kept = at < 0 || (!web && !authority.slice(0, at).includes(':'));
  const host = kept ? authority : authority.slice(at + 1);
  const user = !kept && numbers ? `${numbered(authority.slice(0, at), numbers)}@` : '';
  const query = /[?#].*$/s.exec(after)?.[0] ?? '';
  return `${scheme}${user}${host}${after.slice(0, after.length - query.length)}${queryShown(query.replace(/#.*$/s, ''), numbers)}`;
}

/**
 * Where a delivery object holds a repository or cluster server URL, by kind (`*`: each item of a
 * list): the fields a message shows through `shownUrl`, since a file of dist/delivery/ as an older
 * stagecraft or a hand wrote it may carry credentials there.
 */
const URL_FIELDS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Application: [
    ['spec', 'source', 'repoURL'],
    ['spec', 'sources', '*', 'repoURL'],
    ['spec', 'destination', 'server'],
  ],
  AppProject: [
    ['spec', 'sourceRepos', '*'],
    ['spec', 'destinations', '*', 'server'],
  ],
  GitRepository: [['spec', 'url']],
};

/**
 * `object` (a manifest of dist/delivery/) with each repository URL of `URL_FIELDS` as `shownUrl` shows it: for a diff printed to the terminal.
 * @param numbers shared by both sides of a diff, so that credentials changed alone show as another `<credentials N>` (`credentialNumbers`)
 */
export function withUrlsShown(object: unknown, numbers?: CredentialNumbers): unknown {
  const kind = isRecord(object) && typeof object.kind === 'string' ? object.kind : undefined;
  return (kind === undefined ? [] : (ownEntry(URL_FIELDS, kind) ?? [])).reduce((v, path) => shownAt(v, path, numbers), object);
}

/** `value` with the string at `path` (or each, through `*`) as `shownUrl` shows it; copied where it changes. */
function shownAt(value: unknown, path: readonly string[], numbers: CredentialNumbers | undefined): unknown {
  if (path.length === 0) return typeof value === 'string' ? shownUrl(value, numbers) : value;
  const [key, ...rest] = path;
  if (key === '*') return Array.isArray(value) ? value.map((v) => shownAt(v, rest, numbers)) : value;
  return isRecord(value) && value[key] !== undefined ? { ...value, [key]: shownAt(value[key], rest, numbers) } : value;
}
