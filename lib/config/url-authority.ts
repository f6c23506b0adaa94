/**
 * Where the authority of a URL ends, one rule for every reader of a repository or cluster server URL
 * (lib/config/delivery.ts refuses credentials by it, lib/delivery/urls.ts shows and compares URLs
 * by it). Pure.
 */

/**
 * After `scheme://`, the authority ends at its first `/`, `?` or `#` (as Git, curl, Go's net/url
 * and new URL() read it; `\` too, which new URL() reads as `/` over http(s)), its userinfo before
 * the last `@` in it. A password written with one of them unescaped (`ci:12/Zq@host`,
 * `admin:12?x@host:6443`, `ci:p#Zq@host`, `ci:p@ss/w@host`) puts an `@` after that end: in the
 * first segment after it (to the next `/`, or the end of the URL), after some text and before more
 * (a host, a port, a path or nothing). No reading tells such a password from a path (`/team@v1`),
 * so a URL so written may hide one (`mayHidePassword`); an `@` in a later segment is the path's
 * (`/team/app@v1.git`), and one right after the `/` too (`/@scope/app.git`). A password holding two
 * `/` reads as a path. Group 1: the scheme, group 2: what follows the last `@` of that segment.
 */
const MISREAD_AUTHORITY = /^([a-z][a-z\d+.-]*:\/\/)[^/?#\\]*[/?#\\][^/]+@(?=[^/@])([^/@]*(?:\/.*)?)$/is;

/** Whether the password of `url` may run past where its authority ends (`MISREAD_AUTHORITY`): no reading can cut it out. */
export const mayHidePassword = (url: string): boolean => MISREAD_AUTHORITY.test(url);

/**
 * `url` read as a password past its authority would have it (`mayHidePassword`): the scheme and
 * what follows the `@` that ends that password (`https://ci:12/Zq@host/app` is `https://host/app`);
 * `url` itself otherwise.
 */
export const pastPassword = (url: string): string => url.replace(MISREAD_AUTHORITY, '$1$2');
