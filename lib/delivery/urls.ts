/**
 * URLs as compared: two spellings of one address (a trailing `/`, a host in capitals, the default
 * port) are one cluster's API server or one Git repository. Pure.
 */
import { scpAsSsh } from '../config/delivery.js';

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
 * them), but a file there as an older stagecraft or a hand wrote it may.
 */
export function shownUrl(url: string): string {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    // not a URL (scp-style, a port that is no number): cut by hand
  }
  // an empty host: no authority was read (a scheme it does not know, `ci:pass@host:path`), and the credentials are in the path
  if (u === undefined || u.host === '') return shownByHand(url);
  const web = u.protocol === 'http:' || u.protocol === 'https:';
  const user = !web && u.username && !u.password ? `${u.username}@` : '';
  return `${u.protocol}//${user}${u.host}${u.pathname}`;
}

/**
 * `shownUrl` of what `new URL()` cannot read: without its query, and without what is before its last
 * `@` when that holds a password (a `:`), or over http(s); a bare user (scp-style `git@host:path`'s
 * ssh account) stays. A path holding `@` after a user may lose more than the user: never a password.
 */
function shownByHand(url: string): string {
  const query = url.indexOf('?');
  const bare = query < 0 ? url : url.slice(0, query);
  const scheme = /^[a-z][a-z\d+.-]*:\/\//i.exec(bare)?.[0] ?? '';
  const rest = bare.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  const web = /^https?:/i.test(scheme);
  return at < 0 || (!web && !rest.slice(0, at).includes(':')) ? bare : `${scheme}${rest.slice(at + 1)}`;
}
