/**
 * The secret rule of SQL, part of setting-secret-rules.ts's SETTING_RULES: a password a statement gives a user, as a
 * database image's init scripts (a ConfigMap mounted at `/docker-entrypoint-initdb.d`) and migrations write one.
 * Pure and synchronous.
 */
import { type SecretRule, secretSetting } from './secret-setting.js';

/** How far back from a password the statement that gives a user one is looked for: a bound, since a statement need not end. */
const STATEMENT_CHARS = 512;

/**
 * The start of a statement that gives a user a password: PostgreSQL's `CREATE ROLE` and `ALTER USER`, MySQL's `CREATE USER`
 * and `GRANT ... IDENTIFIED BY`, SQL Server's `CREATE LOGIN`, Oracle's `CREATE USER ... IDENTIFIED BY`.
 */
const USER_STATEMENT = /\b(?:CREATE|ALTER)[ \t\r\n]+(?:USER|ROLE|LOGIN)\b|\bGRANT\b/i;

/**
 * MySQL's hash of a password (`IDENTIFIED BY PASSWORD '*<40 hex>'`, mysql_native_password's): a client logs in with the
 * hash itself, so it is the secret (`secretSetting` passes a value that starts with `*`, a placeholder's).
 */
const MYSQL_HASH = /^\*[0-9A-Fa-f]{40}$/;

/** PostgreSQL's verifiers (`md5<32 hex>`, `SCRAM-SHA-256$...`): found, wherever they are, as the password hashes they are (`password-hash`). */
const VERIFIER = /^(?:md5[0-9a-f]{32}|SCRAM-SHA-(?:1|256)\$)/;

export const SQL_PASSWORD_RULE: SecretRule = {
  id: 'sql-password',
  description: "a password a SQL statement gives a user (CREATE USER ... PASSWORD '...', IDENTIFIED BY '...')",
  // `[ENCRYPTED] PASSWORD '<password>'` (PostgreSQL; SQL Server's `WITH PASSWORD = '...'`), `IDENTIFIED [WITH <plugin>] BY
  // '<password>'` (MySQL, MariaDB; Oracle's quoted with `"` or not at all), `SET PASSWORD FOR <user> = '<password>'`, in a
  // statement that gives a user one (`USER_STATEMENT`, or `SET PASSWORD`): not a column or a function named password, nor a
  // program's bind parameter (`:pw`; `'%s'`, `$1` and `?` are no values of `secretSetting`). Read from each `PASSWORD` or
  // `IDENTIFIED` to the end of its value on its line; the statement looked for behind it, STATEMENT_CHARS at most
  pattern:
    /(?<![\w.])(?:(?:SET[ \t]+PASSWORD[ \t]+FOR[ \t]+[^\s=;]+[ \t]*=[ \t]*(?:PASSWORD[ \t]*\([ \t]*)?|PASSWORD[ \t]*=?[ \t]*N?)'([^'\n]*)'|IDENTIFIED[ \t]+(?:WITH[ \t]+['"`]?\w+['"`]?[ \t]+)?BY[ \t]+(?:PASSWORD[ \t]+)?(?:'([^'\n]*)'|"([^"\n]*)"|(?!PASSWORD\b|VALUES\b)([^\s'";]+)))/gi,
  accept: (_s, m) => {
    const value = m[1] ?? m[2] ?? m[3] ?? m[4]!;
    if (/^:[A-Za-z_]\w*$/.test(value) || VERIFIER.test(value) || !(MYSQL_HASH.test(value) || secretSetting('password', value)))
      return false;
    return /^SET[ \t]/i.test(m[0]) || inUserStatement(m.input, m.index);
  },
  setting: () => 'password',
};

/** Whether a password at `at` is in a statement that gives a user one: after such a start, with no `;` between. */
function inUserStatement(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - STATEMENT_CHARS), at);
  return USER_STATEMENT.test(before.slice(before.lastIndexOf(';') + 1));
}
