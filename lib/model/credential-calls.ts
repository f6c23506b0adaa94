/**
 * A password code passes to a call that takes a user and a password by their position, no name beside it: Python requests'
 * `auth=("<user>", "<password>")` and `HTTPBasicAuth(...)`, smtplib's, ftplib's and imaplib's `.login(<user>, <password>)`,
 * .NET's `new NetworkCredential(<user>, <password>)`, Java's `PasswordAuthentication`, `UsernamePasswordCredentials` and
 * `DriverManager.getConnection(<url>, <user>, <password>)`, PHP's `new PDO(<dsn>, <user>, <password>)` and `mysqli_connect(<host>, <user>,
 * <password>)`, a database's `connect(<host>, <user>, <password>)` (MySQLdb, PyMySQL, Perl's DBI) and paramiko's `connect(<host>, <port>,
 * <user>, <password>)`, Go's `req.SetBasicAuth(<user>, <password>)`, paho-mqtt's `client.username_pw_set(<user>, <password>)`, OkHttp's
 * `Credentials.basic(<user>, <password>)`, superagent's `.auth(<user>, <password>)`, redis-py's `redis.Redis(<host>, <port>, <db>,
 * <password>)`, Oracle's Python drivers' `connect(<user>, <password>, <dsn>)`, pika's `PlainCredentials(<user>, <password>)`, pysmb's
 * `SMBConnection(<user>, <password>, ...)`, `new Sequelize(<database>, <user>, <password>)`, Go's `smtp.PlainAuth(<identity>, <user>,
 * <password>, <host>)` and `ssh.Password(<password>)`, PHP's `ftp_login`, `ldap_bind`, `ssh2_auth_password` and `imap_open`, Ruby's
 * `Net::SMTP.start(<host>, <port>, <helo>, <user>, <password>)`. A rule of
 * setting-secret-rules.ts' table. Pure and synchronous.
 */
import { type SecretRule, secretSetting } from './secret-setting.js';
import { isLabelValue } from './setting-labels.js';
import { NAME } from './secret-shapes.js';

/** A literal, or a name, a member or a number, as a subscript or a call holds one (`0`, `"USER"`, `cfg.user`). */
const SIMPLE = String.raw`(?:"[^"\n]*"|'[^'\n]*'|[\w$.]*)`;

/**
 * An argument before the password: a literal, or code of names, members and numbers (`user`, `cfg.user`, `"app"`), subscripted
 * or called with one such (`users[0]`, `hosts["db"]`, `os.getenv("SMTP_USER")`, `config.get("user")`).
 */
const ARGUMENT = String.raw`(?:"[^"\n]*"|'[^'\n]*'|[\w$.]+(?:\[${SIMPLE}\]|\(${SIMPLE}\))*)[ \t]*,[ \t]*`;

/** Oracle's Python drivers' connect, which takes a user, a password and a DSN (`cx_Oracle.connect(<user>, <password>, <dsn>)`). */
const ORACLE_CONNECT = String.raw`(?:cx_Oracle|oracledb)\.connect`;

/**
 * The calls, each written before its `(` and followed by the arguments before the password: the user's (a class made with `new`
 * or not, a function, a method after its object's `.`, or a keyword argument's tuple, `auth=(`), a URL's and a user's
 * (`getConnection`). Each call's count is its own: an argument after the password (.NET's domain, `new NetworkCredential("svc",
 * "<password>", "CORP")`; Spring's authorities) is not taken for it.
 */
const CALLS = [
  // Python: requests' and httpx' auth (a tuple or a class), aiohttp's, smtplib's, ftplib's, imaplib's and poplib's login, python-ldap's
  // bind (`conn.simple_bind_s(<dn>, <password>)`), paho-mqtt's `client.username_pw_set(<user>, <password>)`; .NET, Java, Apache
  // HttpClient, Spring Security, OkHttp's `Credentials.basic(<user>, <password>)`; Go's net/http and go-ldap's `l.Bind(`; superagent's
  // and supertest's `.auth(<user>, <password>)`
  String.raw`(?:(?<![\w$])auth[ \t]*=[ \t]*|(?<![\w$.])(?:new[ \t]+)?(?:[\w$]+\.)*?(?:HTTPBasicAuth|HTTPDigestAuth|HTTPProxyAuth|BasicAuth|DigestAuth|NetworkCredential|PasswordAuthentication|UsernamePasswordCredentials|UsernamePasswordAuthenticationToken|Credentials\.basic)[ \t]*|\.(?:login|SetBasicAuth|simple_bind_s|simple_bind|bind_s|Bind|username_pw_set|auth)[ \t]*)\([ \t]*${ARGUMENT}`,
  // JDBC's DriverManager, PHP's PDO: a URL (a DSN), a user, a password; PHP's mysqli: a host, a user, a password; a `connect`
  // that takes a host, a user and a password (Python's MySQLdb and PyMySQL, `connect(host, "admin", "<password>")`, Perl's
  // `DBI->connect($dsn, $user, ...)`, PHP's `mysql_connect`; ftplib's `FTP(<host>, <user>, <password>)`), its second argument no port (paramiko's `connect(host, 22, ...)`
  // takes the password fourth: the next call)
  // (not Oracle's drivers', which take the password second: below)
  String.raw`(?<![\w$.])(?!${ORACLE_CONNECT})(?:(?:[\w$]+\.)*?DriverManager\.getConnection|new[ \t]+\\?PDO|new[ \t]+\\?mysqli|mysqli_connect|(?:[\w$]+\.)*?(?:(?:mysql_)?connect|FTP|FTP_TLS))[ \t]*\([ \t]*${ARGUMENT}(?![0-9]+[ \t]*,)${ARGUMENT}`,
  // paramiko's and the like: a host, a port, a user, a password
  String.raw`(?<![\w$.])(?!${ORACLE_CONNECT})(?:[\w$]+\.)*?connect[ \t]*\([ \t]*${ARGUMENT}[0-9]+[ \t]*,[ \t]*${ARGUMENT}`,
  // redis-py's `redis.Redis(<host>, <port>, <db>, <password>)` (and StrictRedis), Ruby's `Net::SMTP.start(<host>, <port>, <helo>,
  // <user>, <password>)`: the password fourth and fifth
  String.raw`(?<![\w$.])(?:[\w$]+\.)*?(?:StrictRedis|Redis)[ \t]*\([ \t]*(?:${ARGUMENT}){3}`,
  String.raw`(?<![\w$.])Net::SMTP\.start[ \t]*\([ \t]*(?:${ARGUMENT}){4}`,
  // the password second: Oracle's drivers' `cx_Oracle.connect(<user>, <password>, <dsn>)` (python-oracledb's too), pika's
  // `PlainCredentials(<user>, <password>)`, pysmb's `SMBConnection(<user>, <password>, <client>, <server>)`
  String.raw`(?<![\w$.])(?:${ORACLE_CONNECT}|(?:[\w$]+\.)*?(?:PlainCredentials|SMBConnection))[ \t]*\([ \t]*${ARGUMENT}`,
  // the password third: Sequelize's `new Sequelize(<database>, <user>, <password>, {...})`, Go's `smtp.PlainAuth(<identity>, <user>,
  // <password>, <host>)`, PHP's `ftp_login($ftp, <user>, <password>)`, `ldap_bind($ldap, <dn>, <password>)`,
  // `ssh2_auth_password($ssh, <user>, <password>)` and `imap_open(<mailbox>, <user>, <password>)`
  String.raw`(?<![\w$.])(?:new[ \t]+Sequelize|smtp\.PlainAuth|ftp_login|ldap_bind|ssh2_auth_password|imap_open)[ \t]*\([ \t]*(?:${ARGUMENT}){2}`,
  // the password alone: Go's golang.org/x/crypto/ssh `ssh.Password(<password>)`, an SSH client's AuthMethod
  String.raw`(?<![\w$.])ssh\.Password[ \t]*\([ \t]*`,
];

/**
 * PowerShell's `ConvertTo-SecureString "<password>" -AsPlainText` (`-Force` before or after it): the password in the clear, made a
 * SecureString for a PSCredential.
 */
const SECURE_STRING = String.raw`ConvertTo-SecureString[ \t]+(?:-String[ \t]+)?(?:"([^"\n]*)"|'([^'\n]*)')(?=[ \t]+(?:-Force[ \t]+)?-AsPlainText)`;

/** The password a call takes is this literal's: quoted, then the argument list's `)` or its next `,`; or PowerShell's `SECURE_STRING`. */
export const CREDENTIAL_CALL_RULE: SecretRule = {
  id: 'credential-call',
  description:
    'a password passed by its position to a call that takes a user and a password (auth=("user", "..."), new NetworkCredential("user", "..."), smtp.login("user", "..."))',
  // read from each call's name to its password's closing quote on its line, each argument once (none holds a `,` outside quotes)
  pattern: new RegExp(String.raw`(?:${CALLS.join('|')})(?:"([^"\n]*)"|'([^'\n]*)')[ \t]*[,)]|${SECURE_STRING}`, 'g'),
  accept: (_s, m) => {
    const password = m[1] ?? m[2] ?? m[3] ?? m[4]!;
    // a password passed on: not words with blanks between them (`.login("user", "Sign in")` is a label's text; `"Xk9 vQ2mL"` a
    // password), nor a label or a reference
    return !(/\s/.test(password) && NAME(password)) && secretSetting('password', password) && !isLabelValue(password, 'password', m.input);
  },
  setting: () => 'password',
  given: (m) => callGiven(m[0]),
};

/**
 * How a match's call is written, for messages: its name's last part and the password's place (`connect(..., <password>)`,
 * `NetworkCredential(..., <password>, ...)`, `auth=(<user>, <password>)`), never the literals (a name written before its `(`, no value).
 */
function callGiven(match: string): string {
  if (match.startsWith('ConvertTo-SecureString')) return 'ConvertTo-SecureString <password> -AsPlainText';
  const open = match.indexOf('(');
  const head = match.slice(0, open).trim();
  const after = match.endsWith(',') ? ', ...' : '';
  if (head.endsWith('=')) return `auth=(<user>, <password>${after})`;
  // the arguments before the password, if any (`ssh.Password(<password>)` takes it alone): each argument ends in `,`
  const before = /,[ \t]*(?:"[^"\n]*"|'[^'\n]*')[ \t]*[,)]$/.test(match) ? '..., ' : '';
  return `${head.split(/[.>\\ \t]/).at(-1)}(${before}<password>${after})`;
}
