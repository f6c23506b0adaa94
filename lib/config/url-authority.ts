/**
 * Where the authority of a URL ends, one rule for every reader of a repository or cluster server URL
 * (lib/config/delivery.ts refuses credentials by it, lib/delivery/urls.ts shows and compares URLs
 * by it). Pure.
 */

/**
 * After `scheme://` (or from the start of an scp-style `git@host:path`), the authority ends at its
 * first `/`, `?` or `#` (as Git, curl, Go's net/url and new URL() read it; `\` too, which new URL()
 * reads as `/` over http(s)), its userinfo before the last `@` in it. Group 1: the scheme, group 2:
 * the authority, group 3: the rest.
 */
const AUTHORITY = /^([a-z][a-z\d+.-]*:\/\/|(?![a-z][a-z\d+.-]*:\/\/))([^/?#\\]*)([/?#\\].*)$/is;

/**
 * Whether the password of `url` may run past where its authority ends: a password written with a
 * `/`, `?`, `#` or `\` unescaped (`ci:12/Zq@host`, `ci:12/a/b@host`, `admin:12?x/y@host:6443`,
 * `ci:12#b/c@host`, `ci:p@ss/w@host`) puts an `@` anywhere after that end, and no reading tells
 * such a password from a path's `@` (`/team@v1/app.git`), which is written `%40` so. Over http(s) a
 * user alone is a token: any `@` after the end may close one. Over ssh and the others a user is the
 * account: only a password is a secret, so an authority that holds a user with no password
 * (`ssh://git@host/team@v1.git`, scp-style `git@host:team/app@v1.git`), or no `:` at all, hides none.
 */
export function mayHidePassword(url: string): boolean {
  const m = AUTHORITY.exec(url);
  if (!m?.[3]?.includes('@')) return false;
  const [, scheme = '', authority = ''] = m;
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
  const [, scheme = '', authority = '', rest = ''] = AUTHORITY.exec(url) ?? [];
  return HOST.test(authority) ? undefined : scheme + rest.slice(rest.indexOf('@') + 1);
}
