/**
 * The secret rules that read URLs and connect strings (secret-rules.ts holds the rest of the table, in which
 * URL_RULES come after the private key, and URL_TOKEN_USER after the token formats): a URL with a user and
 * password, a Redis URL's password as its user (Lettuce's `redis://<password>@host`), a user and password before a host without a scheme (a proxy, a Go DSN, an image), an Oracle logon,
 * a secret in a query string, and a token as a URL's user. Pure and synchronous.
 */
import { FORMAT_PLACEHOLDER, NAME, REFERENCE, isPlaceholder, isTokenUser, namesOracle } from './secret-shapes.js';
import { type SecretRule, secretSetting } from './secret-setting.js';
import { isNumberedPasswordStem } from './secret-properties.js';
import { inCommentLine } from './setting-labels.js';
import { CODECOMMIT_SSH_KEY_USER } from './token-secret-rules.js';

/** The rules of credentials in a URL or a connect string, in the order the table tries them. */
export const URL_RULES: readonly SecretRule[] = [
  {
    id: 'url-credentials',
    description: 'a URL with a user and password (scheme://user:password@host)',
    // a scheme starts where no scheme character is before it (not at every `\b` of `a-a-a-...`,
    // each read again to the end of the run: quadratic, minutes for a megabyte)
    // the user may be empty: Redis URLs carry a password alone (`redis://:password@host:6379`). A generated password may
    // hold `/` (base64's, `openssl rand -base64`), written unencoded: a few pieces after a `/`, each of 64 characters at most
    // (so that each scheme is read a bounded length ahead); not a port before a path with `@` in it (`http://nexus:8081/npm/@scope/pkg`:
    // `isPort`), nor an IPv6 address's colons (`http://[fd00::10]:8081/npm/@types/node`)
    pattern: /(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^\s/:@]*):([^\s/@]+(?:\/[^\s/@]{0,64}){0,4})@[^\s/@]+/,
    accept: (_s, m) => {
      const first = m[2]!.slice(0, m[2]!.includes('/') ? m[2]!.indexOf('/') : undefined);
      // a format string's placeholder (`postgres://%s:%s@%s/%s`, `{}:{}@{}`) is filled in by the code that builds the URL
      return (
        !m[1]!.startsWith('[') &&
        !REFERENCE.test(first) &&
        !FORMAT_PLACEHOLDER(first) &&
        !(m[2]!.includes('/') && isPort(first)) &&
        !isPlaceholderLogin(m[1]!, first) &&
        !(NAME(first) && inCommentLine(m.input, m.index))
      );
    },
  },
  {
    id: 'redis-url-password',
    description: 'a Redis URL whose user is its password (redis://<password>@host, as Lettuce reads it)',
    // Lettuce (Spring Data Redis' client) takes the one word before `@` of a `redis://` or `rediss://` URL for the password
    // (`RedisURI.create("redis://<password>@redis:6379/0")`), and of its Sentinel's (`redis-sentinel://<password>@s1:26379,s2:26379/0#mymaster`,
    // `rediss-sentinel://`); redis-py for a user: a name there is one (`redis://default@redis`, `user1`), a password's mix, a
    // password's word numbered (`redis://hunter2@`, `Password123`) or a reference's default is judged as a password (`secretSetting`)
    pattern: /(?<![a-zA-Z0-9+.-])rediss?(?:-sentinel)?:\/\/([^\s/:@'"]+)@[^\s/@'"]+/gi,
    accept: (_s, m) => (!NAME(m[1]!) || isNumberedPasswordStem(m[1]!)) && !REFERENCE.test(m[1]!) && secretSetting('password', m[1]!),
  },
  {
    id: 'host-credentials',
    description: "a user and password before a host, without a scheme (user:password@host, Go's user:password@tcp(host)/db)",
    // a proxy (`HTTPS_PROXY=user:password@proxy:3128`), a Go MySQL DSN, an image pulled with them
    // (`user:password@registry.example.com/team/app:1`). Not an image's digest (`app:1.2@sha256:...`:
    // no host is followed by a colon and hex), an address of a scheme without `//`
    // (`mailto:ops@example.com`, `acct:alice@example.com`, a mail header's `From:alerts@example.com`), a
    // package's version (`npm:lodash@4.17.21`, Gradle's `com.android.support:appcompat@aar`: a host of
    // digits that is no IPv4 address, or one word with no port, path or Go protocol after it), nor a time
    // (`10:30@office`). Read from each `:` (a pattern that started with the user would be tried at every
    // character); the user is the word before it. A Go DSN's password may hold `/` and `@` (the driver
    // splits at the last `@`): one is taken into it when `@tcp(` (or `@unix(`...) follows within 64 characters
    pattern: /:((?:[^\s/:@'"]|[/@](?=[^\s'":]{0,64}?@(?:tcp6?|udp6?|unix)\())+)@([A-Za-z0-9][A-Za-z0-9.-]*)(:[0-9]{1,5})?(?=[/(\s'",;]|$)/g,
    accept: (_s, m) => {
      const user = userBefore(m.input, m.index);
      return (
        user !== undefined &&
        !/^(?:mailto|sips?|tel|xmpp|im|pres|acct|npm|from|to|cc|bcc|reply-to|sender)$/i.test(user) &&
        !REFERENCE.test(m[1]!) &&
        !FORMAT_PLACEHOLDER(m[1]!) &&
        !/^[0-9]+:[0-9]+$/.test(`${user}:${m[1]}`) &&
        isHost(m[2]!, m[3] !== undefined, m.input[m.index + m[0].length], m[1]!)
      );
    },
  },
  {
    id: 'oracle-credentials',
    description: 'an Oracle user and password (user/password@//host:1521/service, jdbc:oracle:thin:user/password@...)',
    // Oracle's connect strings put the password after a `/`: in a JDBC URL (`jdbc:oracle:thin:scott/tiger@host:1521:SID`,
    // any connect descriptor after it), or before an Easy Connect address (`@//host`, `@host:1521/service`,
    // `@host:1521:SID`, `@(DESCRIPTION=...)`) in sqlplus' or a driver's string. A user starts where no
    // path, address or user character is before it (not `team/app@sha256:...`, `@scope/pkg@1.2.3`, a URL's path)
    pattern:
      /jdbc:oracle:[a-z0-9]+:([A-Za-z][\w$#]*)\/([^\s/@'"]+)@|(?<![\w$#./@:-])([A-Za-z][\w$#]*)\/([^\s/@'"]+)@(?:\/\/|\(DESCRIPTION|[A-Za-z0-9][\w.-]*:[0-9]{1,5}[/:][A-Za-z])/gi,
    // the host and port form without `//`, with a plain lower-case word for the password, is Easy Connect only beside an
    // Oracle tool or at a listener's port (1521-1529, TCPS' 2484): not `backup/nightly@nas01:22/volume1`, `groups/admin@example.com:8080/x`
    accept: (_s, m) =>
      secretSetting('password', m[2] ?? m[4]!) &&
      (m[2] !== undefined ||
        !/:[0-9]+[/:][A-Za-z]$/.test(m[0]) ||
        !/^[a-z]+$/.test(m[4]!) ||
        /:(?:152[0-9]|2484)[/:]/.test(m[0]) ||
        namesOracle(m.input)),
  },
  {
    id: 'url-parameter',
    description: 'a URL with a secret in its query string (?token=..., &password=...)',
    // a parameter named like a secret (`?access_token=`, `&api_key=`), or a signed URL's signature
    // (Azure's `sig=`, AWS's `X-Amz-Signature=`): the secret-setting rule reads `https:` and its value
    // to the first `&`, so a URL's first parameter was never judged. Each `?` or `&` starts one match
    pattern: /[?&]([A-Za-z_][A-Za-z0-9_.-]*)=([^\s&#"'<>]+)/g,
    setting: (m) => m[1],
    accept: (_s, m) => (/^sig$|signature$/i.test(m[1]!) && m[2]!.length >= 8) || secretSetting(m[1]!, decodeParameter(m[2]!)),
  },
];

/** A token as a URL's user: after the token formats in the table, so that a known token keeps its id. */
export const URL_TOKEN_USER: SecretRule = {
  id: 'url-token-user',
  description: 'a URL whose user is a token (https://<token>@github.com/...)',
  // after the format rules, so that a known token keeps its id (`https://ghp_...@github.com`: github-token).
  // Git hosts take a token as the user of an HTTPS URL (a git credential line, a clone URL, `git config
  // url."https://<token>@github.com/".insteadOf`): 40 hex digits or more (GitHub's classic tokens), or
  // letters and digits mixed at random (Azure DevOps' personal access tokens); not a user of words,
  // `git`, `deploy-bot`, `alice.smith`, nor a Sentry DSN's public key of 32 hex digits
  pattern: /(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([A-Za-z0-9_-]{20,})@[A-Za-z0-9][^\s/@]*/g,
  // but the SSH key ID an AWS CodeCommit ssh URL names as its user (APKA...), which IAM gives a public key: no secret
  accept: (_s, m) => isTokenUser(m[1]!) && !CODECOMMIT_SSH_KEY_USER.test(m[0]),
};

/**
 * Whether a URL's user and password are placeholders a person replaces: a template's (`<password>`, `{{ .pw }}`: `isPlaceholder`), as
 * MongoDB Atlas shows a connect string (`mongodb+srv://<username>:<password>@...`), or both words of capitals
 * (`USERNAME:PASSWORD@host`; `app:ADMIN@db` is a password). A password in words on a comment's line is an example too
 * (`# DATABASE_URL=postgres://user:pass@localhost/db`), as a commented setting's is (setting-labels.ts).
 */
function isPlaceholderLogin(user: string, password: string): boolean {
  return isPlaceholder(password) || (/^[A-Z]+(?:_[A-Z]+)*$/.test(password) && /^(?:[A-Z]+(?:_[A-Z]+)*)?$/.test(user));
}

/** How long a named port is at most (Kubernetes' and IANA's service names: 15 characters). */
const PORT_NAME_CHARS = 15;

/**
 * Whether what follows a URL's host and its colon, up to a `/`, is a port (`http://nexus:8081/npm/@scope/pkg`), not a password
 * that holds a `/`: digits, a reference, a template or a placeholder (`$API_PORT`, `{{.Values.port}}`, `<port>`), a word of
 * capitals a person replaces (`https://HOST:PORT/api/@me`), or a named port, lower-case words (`http://web:http/@x`; a piece
 * of a generated password mixes in digits or capitals).
 */
function isPort(p: string): boolean {
  return (
    /^[0-9]*$/.test(p) ||
    p.startsWith('$') ||
    isPlaceholder(p) ||
    /^[A-Z]+(?:_[A-Z]+)*$/.test(p) ||
    (p.length <= PORT_NAME_CHARS && /^[a-z]+(?:-[a-z]+)*$/.test(p))
  );
}

/** How far before a `:` the user of `user:password@host` is looked for: a longer word is no user. */
const USER_CHARS = 256;

/** The user that ends at `at` (the word before `user:password@host`'s colon), when a word of its own starts it. */
function userBefore(text: string, at: number): string | undefined {
  const before = text.slice(Math.max(0, at - USER_CHARS), at);
  const user = /[A-Za-z0-9._%+~-]+$/.exec(before)?.[0];
  if (user === undefined || (user.length === before.length && at > before.length)) return undefined;
  const start = at - user.length;
  return start === 0 || /[\s'"=(,;]/.test(text[start - 1]!) ? user : undefined;
}

/**
 * Whether what follows `user:password@` is a host (`after`: the character after it, and its port): not
 * a version (`4.17.21`: digits that are no IPv4 address), nor, after a "password" that is a plain
 * word, one word with no port, path or Go protocol after it (`appcompat@aar`, a Gradle artifact's
 * type); a Service's one-label name is a host (`app:Xk3q9vLm2pQ7wZ8r@mysql`).
 */
function isHost(host: string, port: boolean, after: string | undefined, password: string): boolean {
  if (/^[0-9.]+$/.test(host)) return /^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$/.test(host);
  return port || host.includes('.') || after === '/' || after === '(' || !NAME(password);
}

/** A query parameter's value as the server reads it (`%24%28TOKEN%29` is `$(TOKEN)`); as it is when it is no valid encoding. */
function decodeParameter(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
