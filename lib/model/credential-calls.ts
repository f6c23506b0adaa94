/**
 * A password code passes to a call that takes a user and a password by their position, no name beside it: Python requests'
 * `auth=("<user>", "<password>")` and `HTTPBasicAuth(...)`, smtplib's, ftplib's and imaplib's `.login(<user>, <password>)`,
 * .NET's `new NetworkCredential(<user>, <password>)`, Java's `PasswordAuthentication`, `UsernamePasswordCredentials` and
 * `DriverManager.getConnection(<url>, <user>, <password>)`, Go's `req.SetBasicAuth(<user>, <password>)`. A rule of
 * setting-secret-rules.ts' table. Pure and synchronous.
 */
import { type SecretRule, secretSetting } from './secret-setting.js';
import { isLabelValue } from './setting-labels.js';

/**
 * The calls, each with how many arguments come before the password (the user's; a URL's too, `getConnection`), written before
 * its `(`: a class made with `new` or not, a function, a method after its object's `.`, or a keyword argument's tuple (`auth=(`).
 */
const CALLS: ReadonlyMap<string, number> = new Map([
  // Python: requests' and httpx' auth (a tuple or a class), aiohttp's, smtplib's, ftplib's, imaplib's and poplib's login
  ...['auth=', 'HTTPBasicAuth', 'HTTPDigestAuth', 'HTTPProxyAuth', 'BasicAuth', 'DigestAuth', '.login'].map((c) => [c, 1] as const),
  // .NET, Java, Apache HttpClient, Spring Security, Go's net/http
  ...['NetworkCredential', 'PasswordAuthentication', 'UsernamePasswordCredentials', 'UsernamePasswordAuthenticationToken'].map(
    (c) => [c, 1] as const,
  ),
  ['.SetBasicAuth', 1],
  // JDBC's DriverManager: a URL, a user, a password
  ['DriverManager.getConnection', 2],
]);

/** An argument before the password: a literal, or code of names, members and numbers (`user`, `cfg.user`, `"app"`). */
const ARGUMENT = String.raw`(?:"[^"\n]*"|'[^'\n]*'|[\w$.]+)`;

/** The password a call takes is this literal's: quoted, then the argument list's `)` or its next `,`. */
export const CREDENTIAL_CALL_RULE: SecretRule = {
  id: 'credential-call',
  description:
    'a password passed by its position to a call that takes a user and a password (auth=("user", "..."), new NetworkCredential("user", "..."), smtp.login("user", "..."))',
  // read from each call's name to its password's closing quote on its line, each argument once (none holds a `,` outside quotes)
  pattern: new RegExp(
    String.raw`(?:(?<![\w$])(auth)[ \t]*=[ \t]*|(?<![\w$.])(?:new[ \t]+)?(?:[\w$]+\.)*?(HTTPBasicAuth|HTTPDigestAuth|HTTPProxyAuth|BasicAuth|DigestAuth|NetworkCredential|PasswordAuthentication|UsernamePasswordCredentials|UsernamePasswordAuthenticationToken|DriverManager\.getConnection)[ \t]*|\.(login|SetBasicAuth)[ \t]*)\([ \t]*((?:${ARGUMENT}[ \t]*,[ \t]*){1,2})(?:"([^"\n]*)"|'([^'\n]*)')[ \t]*[,)]`,
    'g',
  ),
  accept: (_s, m) => {
    const call = m[1] !== undefined ? `${m[1]}=` : (m[2] ?? `.${m[3]!}`);
    const before = m[4]!.match(new RegExp(ARGUMENT, 'g'))!.length;
    const password = m[5] ?? m[6]!;
    // a password passed on: no blank in it (`.login("user", "Sign in")` is a label's text), nor a label or a reference
    return (
      CALLS.get(call) === before &&
      !/\s/.test(password) &&
      secretSetting('password', password) &&
      !isLabelValue(password, 'password', m.input)
    );
  },
  setting: () => 'password',
};
