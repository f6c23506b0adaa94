/**
 * A probe's HTTP headers (`httpGet.httpHeaders`), judged by their names (for the screen, secret-strings.ts): the credentials
 * header's value after its scheme, a Cookie header's cookies (a session's, or of a secret's name), any other by its name as a
 * setting's. Pure.
 */
import { detectSecret, isPlaceholder, isPlaceholderCredential, isSecretSetting } from '../model/secret-rules.js';
import type { FieldPath } from './finding.js';

/** Headers that carry credentials whatever their value's scheme (`Authorization: Token 9944b...`). */
const CREDENTIAL_HEADER = /^(?:proxy-)?authorization$/i;

/**
 * Whether the value of a probe's header `name` is a secret: the credentials header's, after its scheme
 * if it has one, unless a placeholder (`Bearer REPLACE_WITH_TOKEN`), or a name like a secret's.
 */
export const isSecretHeader = (name: string, value: string) =>
  CREDENTIAL_HEADER.test(name)
    ? !isPlaceholderCredential(value.replace(/^[A-Za-z][A-Za-z0-9_-]*[ \t]+/, ''))
    : COOKIE_HEADER.test(name)
      ? holdsSecretCookie(value)
      : isSecretSetting(name, value);

/** The header that sends cookies: a session's is a login, for whoever reads it. */
const COOKIE_HEADER = /^cookie$/i;

/** A cookie that holds a logged-in session by its name (`session`, `sessionid`, `JSESSIONID`, `PHPSESSID`, express's `connect.sid`, `sid`). */
const SESSION_COOKIE = /^(?:[A-Za-z0-9_.-]*sess(?:ion)?(?:[_.-]?id)?|[A-Za-z0-9_.-]*\.sid|sid)$/i;

/**
 * Whether a session cookie's value is a placeholder, no session: what an Authorization header's credentials are none for
 * (`isPlaceholderCredential`: words, a placeholder's name, `anonymous`, `guest`, `REPLACE_WITH_SESSION_ID`), with no run of
 * `SESSION_RUN` letters and digits, which a placeholder's words are shorter than and a session id of letters alone
 * (`sid=abcdefghijklmnop`; Django's are 32 lower-case letters and digits), of letters then digits (`abcdefgh12345678`) or of
 * digits (`1234567890123456`) is not, all of them words to `isPlaceholderCredential`.
 */
const isSessionPlaceholder = (v: string): boolean => isPlaceholderCredential(v) && !SESSION_RUN.test(v);

/** A run of letters and digits as long as a session id's: 12 (`healthcheck`, `anonymous`, `REPLACE`, `SESSION` are shorter). */
const SESSION_RUN = /[A-Za-z0-9]{12}/;

/**
 * Whether a Cookie header's value (`lang=en; JSESSIONID=...`) holds a cookie of a session, or of a secret's name (`auth_token=...`),
 * with a value that is none of a placeholder's or a reference's (`session=$(SESSION)`); a cookie of preferences (`lang=en`) is not.
 */
const holdsSecretCookie = (value: string): boolean => secretCookie(value) !== undefined;

/**
 * The name of the first cookie of a Cookie header's value that makes it secret (`holdsSecretCookie`), for a message to say which
 * (`JSESSIONID`): the header's own name says nothing. Undefined when none does; a name that is no plain name, or looks secret
 * itself, is said as `''` (never printed).
 */
export function secretCookie(value: string): string | undefined {
  for (const pair of value.split(';')) {
    const at = pair.indexOf('=');
    const [name, v] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    if (at > 0 && v !== '' && !isPlaceholder(v) && ((SESSION_COOKIE.test(name) && !isSessionPlaceholder(v)) || isSecretSetting(name, v)))
      return /^[A-Za-z0-9_.-]{1,64}$/.test(name) && !detectSecret(name) ? name : '';
  }
  return undefined;
}

/** Whether `key`, the holder of a probe header's value, is the Cookie header (its message names the cookie: `secretCookie`). */
export const isCookieHeader = (key: string | undefined, path: FieldPath): boolean =>
  key !== undefined && COOKIE_HEADER.test(key) && path[path.length - 3] === 'httpHeaders';
