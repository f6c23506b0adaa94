/**
 * URLs as compared: two spellings of one address (a trailing `/`, a host in capitals, the default
 * port) are one cluster's API server or one Git repository. Pure.
 */
import { scpAsSsh } from '../config/delivery.js';
import { isRecord, ownEntry } from '../model/object.js';

/** The default ports of the schemes that URL does not know (it leaves out those of http and https itself). */
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'ssh:': '22', 'git:': '9418' };

/**
 * `url` as compared: scheme and host in lower case, without the scheme's default port and any
 * trailing `/` (`https://Git.example.com:443/team/app/` is `https://git.example.com/team/app`);
 * one that does not parse as a URL (scp-style `git@host:path`) only without the trailing `/`.
 */
export function normalUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${u.username}@` : '';
    const host = u.port === DEFAULT_PORTS[u.protocol] ? u.hostname : u.host;
    // the host in lower case here too: URL lowers it for http(s) only, not for ssh://
    return `${u.protocol}//${user}${host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return url.replace(/\/+$/, '');
  }
}

/**
 * `normalUrl` of a Git repository, without the `.git` its hosts let one leave out (`.../app.git` is
 * `.../app`), and an scp-style URL as its `ssh://` form (`git@host:team/app` is `ssh://git@host/team/app`):
 * Flux clones only the second, so a stage delivered by Flux writes it for the project file's first.
 */
export const normalRepositoryUrl = (url: string): string => normalUrl(scpAsSsh(url) ?? url).replace(/\.git$/, '');

/**
 * A repository URL as a message may show it: without a password, a query, or a user name over
 * http(s) (a token, as Git hosts take one there); an ssh:// user (`git@`) is the account, and stays.
 * What `dist/delivery/` holds carries none (lib/config/delivery.ts `repositoryCredentials` refuses
 * them), but a file there as an older stagecraft or a hand wrote it may. One that may hold a password
 * where no reading can tell is `UNSURE_URL`.
 */
export function shownUrl(url: string): string {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    // not a URL (scp-style, a port that is no number): cut by hand
  }
  // an empty host: no authority was read (a scheme it does not know, `ci:pass@host:path`), and the credentials are in the path;
  // an `@` after the host: a password holding `/` or `?` (`ci:12/ss@host`) was read as a port and a path
  if (u === undefined || u.host === '' || `${u.pathname}${u.search}${u.hash}`.includes('@')) return shownByHand(url);
  const web = u.protocol === 'http:' || u.protocol === 'https:';
  const user = !web && u.username && !u.password ? `${u.username}@` : '';
  return `${u.protocol}//${user}${u.host}${u.pathname}`;
}

/** What a message shows of a URL that may hold a password it cannot cut out. */
export const UNSURE_URL = '<url with credentials>';

/**
 * `shownUrl` of what `new URL()` cannot read, by hand: its authority (to the first `/`, `?` or `#`)
 * without what is before its last `@` when that holds a password (a `:`), or over http(s) (a bare
 * user, scp-style `git@host:path`'s ssh account, stays), and without its query. An `@` after the
 * authority over http(s), or after a `:` (`ci:pa?ss@host`, `ci:12/ss@host`, `git@host:team/app@v1`),
 * may end a password holding a `/`, `?` or `#`: `UNSURE_URL`.
 */
function shownByHand(url: string): string {
  const scheme = /^[a-z][a-z\d+.-]*:\/\//i.exec(url)?.[0] ?? '';
  const rest = url.slice(scheme.length);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const after = end < 0 ? '' : rest.slice(end);
  const web = /^https?:/i.test(scheme);
  // an `@` after the authority may end a password holding `/`, `?` or `#`: one over http(s) (a token), one after a `:`
  if (after.includes('@') && (web || rest.slice(0, rest.lastIndexOf('@')).includes(':'))) return UNSURE_URL;
  const at = authority.lastIndexOf('@');
  const host = at < 0 || (!web && !authority.slice(0, at).includes(':')) ? authority : authority.slice(at + 1);
  return `${scheme}${host}${after.replace(/[?#].*$/s, '')}`;
}

/**
 * Where a delivery object holds a repository URL, by kind (`*`: each item of a list): the fields a
 * message shows through `shownUrl`, since a file of dist/delivery/ as an older stagecraft or a hand
 * wrote it may carry credentials there.
 */
const URL_FIELDS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Application: [
    ['spec', 'source', 'repoURL'],
    ['spec', 'sources', '*', 'repoURL'],
  ],
  AppProject: [['spec', 'sourceRepos', '*']],
  GitRepository: [['spec', 'url']],
};

/** `object` (a manifest of dist/delivery/) with each repository URL of `URL_FIELDS` as `shownUrl` shows it: for a diff printed to the terminal. */
export function withUrlsShown(object: unknown): unknown {
  const kind = isRecord(object) && typeof object.kind === 'string' ? object.kind : undefined;
  return (kind === undefined ? [] : (ownEntry(URL_FIELDS, kind) ?? [])).reduce(shownAt, object);
}

/** `value` with the string at `path` (or each, through `*`) as `shownUrl` shows it; copied where it changes. */
function shownAt(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return typeof value === 'string' ? shownUrl(value) : value;
  const [key, ...rest] = path;
  if (key === '*') return Array.isArray(value) ? value.map((v) => shownAt(v, rest)) : value;
  return isRecord(value) && value[key] !== undefined ? { ...value, [key]: shownAt(value[key], rest) } : value;
}
