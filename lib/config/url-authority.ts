/**
 * Where the authority of a URL ends, one rule for every reader of a repository or cluster server URL
 * (lib/config/repository-credentials.ts refuses credentials by it, lib/delivery/urls.ts shows and compares URLs
 * by it). Pure.
 */

/** A scheme with its `://`; an scp-style `git@host:path` has none. */
const SCHEME = /^[a-z][a-z\d+.-]*:\/\//i;

/**
 * The schemes over which new URL() reads a `\` as a `/` (WHATWG's special schemes but file:), and
 * so ends an authority at it; Git, ssh and new URL() read it as a character of the name over the others.
 */
const BACKSLASH_ENDS = /^(?:https?|wss?|ftp):/i;

/** A URL cut where its authority ends (`urlParts`). */
export interface UrlParts {
  /** With its `://` (`https://`); empty for an scp-style `git@host:path`. */
  readonly scheme: string;
  /** From after the scheme to where it ends, its userinfo included (`ci:pw@host:6443`). */
  readonly authority: string;
  /** From where the authority ends on (a `/`, `?`, `#`, or over http(s) a `\`); empty when nothing follows it. */
  readonly rest: string;
}

/**
 * `url` cut where its authority ends, the one rule every reader of a repository or cluster server
 * URL cuts by: after `scheme://` (or from the start of an scp-style `git@host:path`), at its first
 * `/`, `?` or `#` (as Git, curl, Go's net/url and new URL() read it; over http(s) at a `\` too,
 * which new URL() reads as `/` there), its userinfo before the last `@` in it.
 */
export function urlParts(url: string): UrlParts {
  const scheme = SCHEME.exec(url)?.[0] ?? '';
  const after = url.slice(scheme.length);
  const end = after.search(BACKSLASH_ENDS.test(scheme) ? /[/?#\\]/ : /[/?#]/);
  return end < 0 ? { scheme, authority: after, rest: '' } : { scheme, authority: after.slice(0, end), rest: after.slice(end) };
}

/**
 * Whether the password of `url` may run past where its authority ends: a password written with a
 * `/`, `?` or `#` (over http(s) `\`) unescaped (`ci:12/Zq@host`, `ci:12/a/b@host`, `admin:12?x/y@host:6443`,
 * `ci:12#b/c@host`, `ci:p@ss/w@host`) puts an `@` anywhere after that end, and no reading tells
 * such a password from a path's `@` (`/team@v1/app.git`), which is written `%40` so. Over http(s) a
 * user alone is a token: any `@` after the end may close one. Over ssh and the others a user is the
 * account: only a password is a secret, so an authority that holds a user with no password
 * (`ssh://git@host/team@v1.git`, scp-style `git@host:team/app@v1.git`), or no `:` at all, hides none.
 */
export function mayHidePassword(url: string): boolean {
  const { scheme, authority, rest } = urlParts(url);
  if (!rest.includes('@')) return false;
  if (/^https?:/i.test(scheme)) return true;
  const at = authority.lastIndexOf('@');
  return (at < 0 ? authority : authority.slice(0, at)).includes(':');
}

/** A host as an authority holds one, with or without a port: a dotted name or an IPv6 address, no user. */
const HOST = /^(?:[^@:[\]]*\.[^@:[\]]*|\[[^\]@]*\])(?::\d*)?$/;

/**
 * `url` read as a password past its authority would have it (`mayHidePassword`): the scheme and
 * what follows the first `@` after that end (`https://ci:12/a/b@host/app` is `https://host/app`),
 * when the authority cannot be a host (`ci:12`, `t0k`: no dot); undefined when it can
 * (`https://git.example.com/team@v1/app.git`: a path's `@`, or a password no reading can cut),
 * `url` itself when it hides none.
 */
export function pastPassword(url: string): string | undefined {
  if (!mayHidePassword(url)) return url;
  const { scheme, authority, rest } = urlParts(url);
  return HOST.test(authority) ? undefined : scheme + rest.slice(rest.indexOf('@') + 1);
}

/**
 * Every way `url` may be read when a password may run past its authority (`mayHidePassword`): as
 * written (each `@` the path's), then past each `@` after the authority (a password ending there:
 * `https://first.last:12/a/b@host/app` is also `https://host/app`), whether or not the authority
 * can be a host (`first.last:12` can, `gitlab:8443` too); `[url]` when it hides none. For
 * comparing, never for showing: one URL alone does not tell which reading is meant, but two URLs
 * that share one (a URL an older file carries and the one the project file writes now, which holds
 * no credentials) name one address.
 */
export function readings(url: string): string[] {
  if (!mayHidePassword(url)) return [url];
  const { scheme, rest } = urlParts(url);
  return [url, ...[...rest.matchAll(/@/g)].map((m) => scheme + rest.slice(m.index + 1))];
}

/**
 * An scp-style URL (`git@git.example.com:platform/app.git`) as the `ssh://` URL that Git hosts read
 * as the same repository (`ssh://git@git.example.com/platform/app.git`); undefined for another URL.
 * (On a plain ssh server the scp path is from the user's home directory, the ssh:// one from the root;
 * Git hosts serve both at one place.)
 */
export function scpAsSsh(url: string): string | undefined {
  const scp = /^([\w.-]+)@([\w.-]+):\/?(\S+)$/.exec(url);
  return scp ? `ssh://${scp[1]}@${scp[2]}/${scp[3]}` : undefined;
}
