/**
 * The secret rules that read settings written as text (secret-rules.ts holds the rest of the
 * table, in which these come after the command-line rule): a properties, .env, INI, TOML, YAML,
 * JSON or XML file in a ConfigMap (`password=...`, `"token": "..."`, `<password>...</password>`),
 * a setting written with a blank (`requirepass ...`) and a flag followed by its value in a shell
 * command (`--requirepass ...`), a .netrc entry, a .pgpass line, a Redis Sentinel's, a Redis ACL's and a PgBouncer userlist's
 * password, a SQL statement's (sql-secret-rules.ts), a web server's or proxy's header and HAProxy's passwords (proxy-secret-rules.ts), a
 * Consul agent's tokens, a Terraform variable's default and a heredoc (hcl-secret-rules.ts), a tool's `config set <name> <value>`
 * (config-set-rule.ts) and an XML setting named by an attribute. Each value is judged by the name of the setting that holds
 * it (secret-names.ts, secret-setting.ts); a value that is code reading the secret from elsewhere is none (code-settings.ts). Pure and synchronous.
 */
import { JVM_OPTION, isSecretFlag } from './secret-flags.js';
import { nameVerdict } from './secret-names.js';
import { entryName, isSecretParameter } from './secret-field-names.js';
import { NAME, PATH, QUANTITY, isAddress, oncePerText, sealedIn } from './secret-shapes.js';
import { type SecretRule, secretSetting } from './secret-setting.js';
import { CONFIG_SET_RULE } from './config-set-rule.js';
import { CONSUL_TOKEN_RULE, HEREDOC_SETTING_RULE, TERRAFORM_VARIABLE_RULE, isHclExpression } from './hcl-secret-rules.js';
import { SETTER_RULE, codeLiteralIsSecret, isCode, joinedToRead } from './code-settings.js';
import { CODE_LITERAL_RULE, READ_FALLBACK_RULE, isDeclaredType, isSecretVariable, joinedPieces, opensTuple } from './code-values.js';
import { isCommentedExample, isLabel, isLabelValue } from './setting-labels.js';
import { inPackageManifest } from './package-manifest.js';
import { SQL_PASSWORD_RULE } from './sql-secret-rules.js';
import { CREDENTIAL_CALL_RULE } from './credential-calls.js';
import { expandsToSecret, expansionDefault } from './shell-expansions.js';
import { HAPROXY_PASSWORD_RULE, PROXY_HEADER_RULE } from './proxy-secret-rules.js';

/** A field of a .pgpass line: `\\:` is a colon within it (a run of one class, then escaped colons: no alternative per character). */
const PGPASS_FIELD = String.raw`[^:\s]+(?:\\:[^:\s]*)*`;

/**
 * A setting written as text and its value (the `secret-setting` rule's first form), to read again within a value. A value not
 * quoted may start with a password's storage ids in braces, as Spring Security and Spring Cloud Config write one
 * (`{noop}<password>`, `{cipher}<ciphertext>`, `{bcrypt}<hash>`), one after another too (`{noop}{noop}<password>`, which
 * secretSetting strips as it does quoted: a value of one id took only the first, and the rest was no value): no other brace
 * is in it. The ids and the rest take no character in common (`{`), so a run of ids is read once. Set with `=`, `:`, `=>`,
 * or as Go and a Makefile set a variable (`password := "..."`, `DB_PASSWORD ?= ...`, `::=`); PowerShell's variable of the
 * environment is named after its `$env:` (`$env:DB_PASSWORD = "..."`: its `env:` is no setting of its own).
 */
const SETTING_TEXT =
  /(?<![A-Za-z0-9_.-])(?:\$env:)?-{0,2}["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*(?:=>|::?=|\?=|[:=])[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|((?:\{[A-Za-z0-9-]+\})*[^\s"',;{}[\]&]+))/g;

/** How many rules of a user `ACL SETUSER` is read for a password: a bound, since one need not start its line (`redis-acl-password`). */
const ACL_RULES = 32;

/** The rules of settings as text, in the order the table tries them. */
export const SETTING_RULES: readonly SecretRule[] = [
  {
    id: 'secret-setting',
    description: 'a setting with a secret\'s name and its value (password=..., "token": "...", --db-password=...)',
    // `name=value`, `name: value`, `"name": "value"` or `-Dname=value`: a properties, .env, YAML,
    // INI, TOML or JSON file in a ConfigMap, an XML attribute, a JSON annotation, a JVM option. A
    // name starts only where no name character is before it, so that each run of them is read once
    // (from every `-` of `token-token-...` it was read again to its end: quadratic, minutes for a
    // megabyte). Or an XML element, `<password>value</password>`: read from each `<` to the next
    // one, whose text is read once more at most (for the closing tag); or its text in a CDATA
    // section (`<password><![CDATA[value]]></password>`), read at most 1,024 characters ahead
    pattern: new RegExp(
      `${SETTING_TEXT.source}|<([A-Za-z_][A-Za-z0-9_.:-]*)(?:\\s[^<>]*)?>(?:<!\\[CDATA\\[([^\\]]{0,1024})\\]\\]>|([^<]*))<\\/\\5>`,
      'gm',
    ),
    accept: (_s, m) => settingOf(m) !== undefined,
    setting: settingOf,
  },
  {
    id: 'netrc-password',
    description: 'a password in a .netrc entry (machine <host> login <user> password <password>)',
    // an entry starts at `machine <host>` or `default`, a word of its own; its `login` and `account`
    // may come before the password, each a word and its value (each word read once: only the blanks
    // and words of one entry are read again, and an entry starts only at those two words)
    pattern: /(?:machine[ \t\r\n]+\S+|default)(?:[ \t\r\n]+(?:login|account)[ \t\r\n]+\S+)*[ \t\r\n]+password[ \t\r\n]+(\S+)/g,
    // (a word of its own: tested here, since a lookbehind before the words is tried at every character)
    accept: (_s, m) => (m.index === 0 || /\s/.test(m.input[m.index - 1]!)) && secretSetting('password', m[1]!),
  },
  {
    id: 'pgpass-password',
    description: 'a password in a .pgpass line (host:port:database:user:password)',
    // a line of exactly five fields (`\:` is a colon within one), the second a port or `*`: not a time,
    // an IPv6 or MAC address, nor /etc/passwd's seven fields
    pattern: new RegExp(`^[ \\t]*${PGPASS_FIELD}:(?:[0-9]{1,5}|\\*):${PGPASS_FIELD}:${PGPASS_FIELD}:(${PGPASS_FIELD})[ \\t]*\\r?$`, 'gm'),
    accept: (_s, m) => secretSetting('password', m[1]!),
  },
  {
    id: 'keyed-setting',
    description: 'an XML setting named by its key or name attribute (<entry key="password">..., <add key="DbPassword" value="..."/>)',
    // Java's properties XML, .NET's appSettings, Spring's <property name=...>: the setting's name is
    // an attribute, its value another attribute or the element's text (in a CDATA section, or in a
    // <value> element); read from each `<` to its `>`, then its text to the next `<` (a CDATA section's
    // at most 1,024 characters ahead)
    pattern: /<[A-Za-z_][A-Za-z0-9_.:-]*(\s[^<>]*?)\/?>(?:\s*<value>)?(?:<!\[CDATA\[([^\]]{0,1024})\]\]>|([^<]*))/g,
    accept: (_s, m) => {
      const attributes = new Map([...m[1]!.matchAll(XML_ATTRIBUTE)].map((a) => [a[1]!.toLowerCase(), a[2] ?? a[3] ?? '']));
      const name = attributes.get('key') ?? attributes.get('name');
      const value = (attributes.get('value') ?? m[2] ?? m[3]!).trim();
      // an Android app's strings (`<string name="password">Password</string>`): labels, not settings
      return name !== undefined && secretSetting(name, value) && !isLabelValue(value, name, m.input);
    },
  },
  {
    id: 'named-value',
    description:
      'a value in a name and value pair whose name is a secret\'s ({"name": "DB_PASSWORD", "value": "..."}, a credential\'s {"type": "password", "value": "..."})',
    // an env list or Helm parameters written as text (a values file in a ConfigMap, an Argo CD Application's
    // `helm.values`), a Keycloak realm's user credentials: the name in one field (`name`, `type`, `key`), the
    // secret in `value` (or CloudFormation's `Name` and `Value`). A JSON or flow object, read from each `{` to the next brace; or a YAML entry's two
    // lines, `- name: ...` and `value: ...` at its column. A value not quoted runs to the line's end, blanks and all
    // (`pairName` trims them): a lazy value before `[ \t]*$` read a run of blanks again from each of its characters
    pattern:
      /\{([^{}]{0,2048})\}|^([ \t]*(?:-[ \t]+)?)["']?([Nn]ame|[Tt]ype|[Kk]ey)["']?[ \t]*:[ \t]*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*\r?\n([ \t]*)["']?[Vv]alue["']?[ \t]*:[ \t]*(?:"([^"\n]*)"[ \t]*|'([^'\n]*)'[ \t]*|([^\s#][^\n]*))\r?$/gm,
    accept: (_s, m) => pairName(m) !== undefined,
    setting: pairName,
  },
  {
    id: 'defined-setting',
    description: "a setting code defines under a secret's name (define('DB_PASSWORD', '...'), os.environ.setdefault('TOKEN', '...'))",
    // PHP's `define('DB_PASSWORD', '...')` (WordPress' wp-config.php) and `ini_set(...)`, Python's `os.environ.setdefault(...)`, a
    // config's `.set(...)`, Java's `System.setProperty(...)` and a map's `.put(...)`, Go's `os.Setenv(...)`, `putenv`: a call, its first argument the setting's name quoted, its second a literal; read from each call's
    // name to its second argument's end on its line
    pattern:
      /(?<!\w)(?:define|ini_set|setdefault|set|setProperty|put|putenv|[Ss]etenv)\([ \t]*(["'])([A-Za-z_][\w.-]*)\1[ \t]*,[ \t]*(?:"([^"\n]*)"|'([^'\n]*)')/g,
    accept: (_s, m) => secretSetting(m[2]!, m[3] ?? m[4]!),
    setting: (m) => m[2],
  },
  SETTER_RULE,
  CREDENTIAL_CALL_RULE,
  READ_FALLBACK_RULE,
  CODE_LITERAL_RULE,
  TERRAFORM_VARIABLE_RULE,
  HEREDOC_SETTING_RULE,
  {
    id: 'yaml-block-setting',
    description: "a YAML block scalar under a secret's name (password: |, then the value on the lines below)",
    // a YAML file in a ConfigMap whose value is on the lines after `name: |` (or `>-`), each indented
    // deeper than the name (`\\1`); read from each line's start, the block once
    pattern: /^([ \t]*)["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*:[ \t]*[|>][-+0-9]*[ \t]*\r?\n((?:\1[ \t]+\S[^\n]*(?:\n|$))+)/gm,
    // only under a secret's own name, or one with a bound (`max_auth_token: |`, a random block is no count): a block under
    // a name of its property is that property's text (`passwordPolicy: |`, then `length(8) and digits(1)`; a `tokenCommand: |` script)
    accept: (_s, m) => [true, QUANTITY].includes(nameVerdict(m[2]!)) && secretSetting(m[2]!, m[3]!.trim()),
    setting: (m) => m[2],
  },
  SQL_PASSWORD_RULE,
  PROXY_HEADER_RULE,
  HAPROXY_PASSWORD_RULE,
  {
    id: 'spaced-setting',
    description: "a setting with a secret's name and its value after a blank, alone on its line (requirepass ..., auth_pass ...)",
    // the settings files of Redis (`requirepass`, `masterauth`), keepalived (`auth_pass`), sshd and
    // the like: one name and one value on a line, a comment after it (or nginx's `;` after the value,
    // group 5); read from each line's start
    pattern: /^[ \t]*([A-Za-z_][A-Za-z0-9_.-]*)[ \t]+(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'#;]+))(;?)[ \t]*(?:[#;][^\n]*)?\r?$/gm,
    accept: (_s, m) => spacedSetting(m[1]!, m[2] ?? m[3] ?? m[4]!, m[5] === ';'),
    setting: (m) => m[1],
  },
  {
    id: 'set-variable',
    description:
      "a variable a shell's command sets under a secret's name, its value after a blank (fish's set -x DB_PASSWORD ..., Windows' setx DB_PASSWORD ...)",
    // fish's `set` that exports, keeps globally or universally (`-x`, `-gx`, `-U`; not `-e`, which erases, nor bash's `set -euo
    // pipefail`, a line's end after its options' word; or their long names, `--export`), Windows' `setx` (`/M`: the machine's): a command, so at a line's start or after `;`, `&` or `|`;
    // a value not quoted is no fish command substitution (`set -gx DB_PASSWORD (cat ~/.secrets/db)`, read when the shell starts)
    pattern:
      /(?:^|[;&|])[ \t]*(?:set(?:[ \t]+(?:-[A-Za-z]*[xgU][A-Za-z]*|--(?:export|global|universal)))+|setx(?:[ \t]+\/[Mm])?)[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]+(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'#;|&(][^\s"'#;|&]*))/gm,
    accept: (_s, m) => secretSetting(m[1]!, m[2] ?? m[3] ?? m[4]!),
    setting: (m) => m[1],
  },
  {
    id: 'sentinel-password',
    description: 'a password in a Redis Sentinel line (sentinel auth-pass <master> <password>)',
    // sentinel.conf's password of the master it watches, after the master's name: one more word than spaced-setting reads
    pattern: /^[ \t]*sentinel[ \t]+auth-pass[ \t]+\S+[ \t]+(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'#]+))[ \t]*(?:#[^\n]*)?\r?$/gm,
    accept: (_s, m) => secretSetting('password', m[1] ?? m[2] ?? m[3]!),
  },
  {
    id: 'redis-acl-password',
    description: 'a password or its hash in a Redis ACL rule (user <name> on ><password>, ACL SETUSER <name> ><password>, #<sha256>)',
    // a users.acl file's or redis.conf's `user` line, redis-cli's `ACL SETUSER`: the user's name, then its rules, each a word,
    // a password added with `>` (`<` removes one), or its SHA-256 with `#`, unsalted, which gives a weak password to whoever
    // tries the likely ones (as `ADMIN_PASSWORD_HASH` does: secret-names.ts); read from each line's `user` to the first `>` or
    // `#` word of its line, the words before it once (none starts with either), and from each `ACL SETUSER`, which need not start
    // a line, ACL_RULES words at most (to its line's end, `ACL SETUSER a ACL SETUSER a ...` was read again from each: 22 s for 256 KiB)
    pattern: new RegExp(
      `(?:^[ \\t]*user[ \\t]+\\S+(?:[ \\t]+[^\\s>#]\\S*)*|\\bACL[ \\t]+SETUSER[ \\t]+\\S+(?:[ \\t]+[^\\s>#]\\S*){0,${ACL_RULES}})[ \\t]+(?:>(\\S+)|#([0-9a-fA-F]{64})(?!\\S))`,
      'gim',
    ),
    accept: (_s, m) => m[2] !== undefined || secretSetting('password', m[1]!),
    setting: () => 'password',
  },
  {
    id: 'userlist-password',
    description: 'a password or its verifier in a PgBouncer userlist line ("user" "password")',
    // userlist.txt: a user and its password, each quoted, alone on a line, or its verifier (`md5...`, `SCRAM-SHA-256$...`: as
    // a password hash elsewhere); only in a text that is a userlist (`isUserlist`), since two quoted words are many things
    // (a bash array's `"--retry" "5"`, a translation's `"en" "Hello, world!"`, a header's `"Content-Type" "application/json;
    // charset=utf-8"`). Not two quoted words of a table (`"ru" "Russian"`): a name is no password here, nor words with a blank
    pattern: /^[ \t]*"[^"\n]+"[ \t]+"([^"\n]*)"[ \t]*\r?$/gm,
    accept: (_s, m) => !NAME(m[1]!) && !/[ \t]/.test(m[1]!) && secretSetting('password', m[1]!) && isUserlist(m.input),
  },
  CONSUL_TOKEN_RULE,
  CONFIG_SET_RULE,
  {
    id: 'flag-argument',
    description: "a flag with a secret's name and its value as the next word of a command line (--requirepass ..., --db-password ...)",
    // `redis-server --requirepass ...` in a shell command, as `[--requirepass, ...]` is in a command
    // or args list (flagBefore); a flag starts a word (only there is the flag's name read), and a
    // value is no other flag. The value is read ahead, not taken: a quoted one (`sh -c '...'`) holds
    // the flags that follow, each to be read in turn
    pattern: /(?:^|[\s'"(`])--?([A-Za-z][A-Za-z0-9_.-]*)[ \t]+(?="([^"\n]*)"|'([^'\n]*)'|([^\s"'`;|&)-][^\s"'`;|&)]*))/g,
    accept: (_s, m) => isSecretFlag(m[1]!, m[2] ?? m[3] ?? m[4]!, secretSetting),
    setting: (m) => m[1],
  },
];

/**
 * The name of the secret setting a `secret-setting` match holds: its own (`password=...`,
 * `<password>...</password>`), or one written within its value, which the match took whole
 * (`JAVA_OPTS="-Xms1g -Ddb.password=..."`, `--from-literal=password=...`, `<jvmArgs>-Ddb.password=...</jvmArgs>`).
 */
function settingOf(m: RegExpExecArray): string | undefined {
  if (m[5] !== undefined) {
    const text = m[6] ?? m[7]!;
    return secretSetting(m[5], text.trim()) ? m[5] : settingWithin(text, 1);
  }
  // a literal in pieces (`"Xk" "9vQ2mLr7pT"`, Python's implicit concatenation) is the pieces joined
  const value = expansionDefault(m) ?? joinedPieces(m) ?? m[2] ?? m[3] ?? m[4] ?? '';
  const name = nameOf(m);
  if (isCode(m)) return codeLiteralIsSecret(m, name) ? name : undefined;
  // a type (`password: str`) is no value (the literal it defaults to is CODE_LITERAL_RULE's, `password: str = "..."`)
  if (
    isDeclaredType(m) ||
    isSecretVariable(m) ||
    opensTuple(m) ||
    isHclExpression(m, m[4]) ||
    PSQL_VARIABLE.test(m[0]) ||
    inReference(m) ||
    requiredVariable(m) ||
    joinedToRead(m)
  )
    return undefined;
  // a SealedSecret's encryptedData, in a file that holds one (kubeseal's output): ciphertext, committed by design
  if (sealedIn(value, m.input)) return undefined;
  // an annotation that names a Secret, as a chart's values write one (`nginx.ingress.kubernetes.io/auth-secret: basic-auth`)
  const annotation = name.endsWith('secret') ? annotationName(m, name) : undefined;
  if (annotation !== undefined && !secretSetting(annotation, value)) return undefined;
  // a shell's or Docker Compose's value, its defaults and the text around its references (`${PG_PASSWORD:-...}`, `${PREFIX}-...`)
  if (expandsToSecret(m, name, secretSetting)) return name;
  if (secretSetting(name, value) && !isSentence(m) && !isScript(m) && !isLabel(m, name) && !isCommentedExample(m, value)) return name;
  // kubectl's `--from-file=password=./password.txt`: a key and the file it is read from (`./x`, `name.ext`), not the secret
  if (isFileSource(name, value)) return undefined;
  return settingWithin(value, m[4] === undefined ? 1 : 2);
}

/**
 * Whether a setting is a script or a dependency of a package.json (`"scripts": { "token": "node gen.js" }`, the start of a name
 * with a colon, `"password:reset": "..."`, `"dependencies": { "jsonwebtoken": "^9.0.0" }`, a scope's, `"@types/jsonwebtoken"`): a
 * key as JSON quotes it, or its end before a quoted value, an entry of such an object at a manifest's top whose value is a command
 * or a version (package-manifest.ts); what its value holds is still read (`settingWithin`).
 */
const isScript = (m: RegExpExecArray): boolean => (m[0].startsWith('"') || m[2] !== undefined) && inPackageManifest(m.input, m.index);

/** A psql variable, interpolated quoted (`CREATE USER app WITH PASSWORD :'app_password'`, run with `psql -v app_password=...`): a blank, `:`, and its name quoted at once. */
const PSQL_VARIABLE = /[ \t]:'[A-Za-z_]\w*'$/;

/** kubectl's flags that read a Secret's keys from files (`--from-file=<key>=<path>`, `--from-env-file`). */
const FROM_FILE = /^from-(?:env-)?file$/;

/** Whether `value` is what kubectl's `--from-file` (`name`) takes: a file (`./password.txt`, `name.ext`), after its key (`password=`). */
export const isFileSource = (name: string, value: string): boolean => FROM_FILE.test(name) && PATH(value.slice(value.indexOf('=') + 1));

/**
 * The name of a setting written as text (group 1 of `SETTING_TEXT`'s form): a JVM option's without its
 * `-D` (`-Ddb.password=...` sets `db.password`, `-DDB_PASSWORD=...` sets `DB_PASSWORD`, which messages name, not `Ddb.password`).
 */
const nameOf = (m: RegExpMatchArray) => (JVM_OPTION.test(m[0]) ? m[1]!.slice(1) : m[1]!);

/** The most characters of an annotation's prefix (a DNS subdomain and `/`). */
const ANNOTATION_PREFIX_CHARS = 254;

/**
 * The whole name of a setting that is an annotation's (`nginx.ingress.kubernetes.io/auth-secret`), whose last part `name` the
 * match read (`auth-secret`): its prefix read back from the `/` before it, character by character, a bound at most (a pattern
 * searched in the text before it read it again from each of its characters).
 */
function annotationName(m: RegExpExecArray, name: string): string | undefined {
  const start = m.index + m[0].indexOf(name);
  if (m.input[start - 1] !== '/') return undefined;
  let from = start - 1;
  while (from > 0 && start - from < ANNOTATION_PREFIX_CHARS && /[-a-z0-9.]/.test(m.input[from - 1]!)) from--;
  // a DNS subdomain of two labels or more, the last of letters (`nginx.ingress.kubernetes.io`), then the `/`
  const domain = m.input.slice(from, start - 1);
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  return /^[a-z0-9]/.test(domain) && domain.includes('.') && /^[a-z]{2,}$/.test(tld) ? `${domain}/${name}` : undefined;
}

/**
 * Whether a setting is written within a config provider's reference, `${<provider>:` and no `}` before it (a
 * Kafka config provider's `${file:/etc/kafka/creds.properties:keystore.password}`, whose key names the secret the file
 * holds); read at most 256 characters back. The reference itself, as a value, is none (secret-shapes.ts'
 * CONFIG_PROVIDER). A placeholder's default is a value: Spring's `${DB_PASSWORD:Hunter2}` is a password.
 */
function inReference(m: RegExpMatchArray): boolean {
  const input = m.input!;
  const from = Math.max(0, m.index! - 256);
  // within the 256 characters before it only: a search back through the whole text is quadratic over its settings
  const before = input.slice(from, m.index);
  const open = before.lastIndexOf('${');
  if (open === -1 || /[{}\n]/.test(before.slice(open + 2))) return false;
  return /^[a-z][a-z0-9]*:/.test(input.slice(from + open + 2, from + open + 66));
}

/**
 * Whether a setting is a shell's or Docker Compose's variable required with an error message (`${POSTGRES_PASSWORD:?set it}`): the
 * message after `:?`, not a value (`${DB_PASSWORD:-<default>}`'s default is one).
 */
const requiredVariable = (m: RegExpExecArray): boolean => m[4]?.startsWith('?') === true && m.input.startsWith('${', m.index - 2);

/**
 * Whether a setting found within a value is prose (`"Invalid token: please log in again"`,
 * `summary: "Vault token: expires within the hour"`): a name not quoted, then a colon and a blank. Within a
 * value only `name=value` (`-Ddb.password=...`) and a quoted name (`{"password": "..."}`) are settings.
 */
function isProse(m: RegExpMatchArray): boolean {
  const at = m[0].indexOf(m[1]!);
  return !/["']$/.test(m[0].slice(0, at)) && /^[ \t]*:[ \t]/.test(m[0].slice(at + m[1]!.length));
}

/**
 * Whether a setting read from the top of a value is words of a sentence (`Invalid token: please log in again`, an
 * env var's error text): a name not quoted, after a word and a blank on its line (`isProse`), then lower-case words.
 * A setting starts its line or follows `{`, `,` or `;`; a password after a word keeps its mix (`admin password: Hunter2xyz`).
 */
function isSentence(m: RegExpExecArray): boolean {
  const end = m.index + m[0].length;
  return (
    m[4] !== undefined &&
    /^[a-z]+$/.test(m[4]) &&
    isProse(m) &&
    /[A-Za-z][ \t]+$/.test(m.input.slice(Math.max(0, m.index - 16), m.index)) &&
    /^[ \t]+[a-z]/.test(m.input.slice(end, end + 2))
  );
}

/**
 * The name of a secret setting written within `text`, a value: read once, and a quoted value within
 * it once more (a single-quoted value in a double-quoted one), never deeper; an unquoted value, which
 * runs to the next blank (`a=a=a=...`), is not read again (`depth` 2), so that each character is read
 * a bounded number of times.
 */
function settingWithin(text: string, depth: number): string | undefined {
  // most values hold no `=` or `:`, and are passed over with this one test
  if (!/[:=]/.test(text)) return undefined;
  for (const m of text.matchAll(SETTING_TEXT)) {
    if (isProse(m)) continue;
    if (isCode(m)) {
      if (codeLiteralIsSecret(m, nameOf(m))) return nameOf(m);
      continue;
    }
    if (isDeclaredType(m) || isSecretVariable(m) || isHclExpression(m, m[4]) || inReference(m) || joinedToRead(m)) continue;
    const value = expansionDefault(m) ?? m[2] ?? m[3] ?? m[4] ?? '';
    if (secretSetting(nameOf(m), value) && !isLabel(m, nameOf(m))) return nameOf(m);
    const within = depth < 2 && m[4] === undefined ? settingWithin(value, depth + 1) : undefined;
    if (within !== undefined) return within;
  }
  return undefined;
}

/**
 * Whether a line `name value` (`;` after the value: `ended`, as nginx ends a directive) holds a secret:
 * as `name=value` does (`secretSetting`), but for what a line of prose or of an nginx file is. `pass`
 * in nginx's `proxy_pass`, `fastcgi_pass`, `uwsgi_pass`, `scgi_pass`, `grpc_pass` and `memcached_pass`
 * is passing a request on, not a password (`db_pass`, `smtp_pass`, keepalived's `auth_pass` are
 * passwords); a value that is an address (a URL, `host:port`, `unix:/run/php.sock`) or, after one of
 * those directives and ended by `;`, a name (`scgi_pass backend;`, an upstream) is where a request
 * goes; a capitalized word and a lower-case word make a sentence (`Password required`, `Token expired`).
 */
function spacedSetting(name: string, value: string, ended: boolean): boolean {
  // the name first: most lines' names are no secret's, a verdict known by name
  if (!secretSetting(name, value) || isAddress(value) || TYPE_WORD.test(value)) return false;
  // a sentence: a capitalized word, then a lower-case word (`Password required`), not `Password Xk3q9...`
  if (/^[A-Z][a-z]+$/.test(name) && /^[a-z]+$/.test(value)) return false;
  // nginx passing a request on to an upstream by its name (`scgi_pass backend;`); other `*_pass` are passwords
  return !(NGINX_PASS.test(name) && (!ended || NAME(value)));
}

/** A type a field is declared with, after its name (Go's `Password string`, `Token []byte`): no value. */
const TYPE_WORD = /^(?:string|String|str|bytes|\[\]byte)$/;

/** nginx's directives that pass a request on (`proxy_pass`, `fastcgi_pass`...): their value is where it goes. */
const NGINX_PASS = /^(?:proxy|fastcgi|uwsgi|scgi|grpc|memcached)_pass$/;

/** A field of a JSON or flow object and its value: the fields of a name and value pair (CloudFormation's capitalized). */
const PAIR_FIELD = /(?:^|[\s{,])["']?([Nn]ame|[Tt]ype|[Kk]ey|[Vv]alue)["']?[ \t]*:[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s,}"']+))/g;

/**
 * The secret name of a `named-value` match's pair, when its value is that entry's secret: the entry's name
 * (`entryName`: its `name`, `key` or a credential's `type`) and its `value`, of an object or of a YAML entry's two
 * lines, the value's at the name's column; judged as an object's parameter is (`isSecretParameter`: not a Secret's
 * name under `docker-password-secret`, nor a template), with `secretSetting`'s checks of the value.
 */
function pairName(m: RegExpExecArray): string | undefined {
  let fields: ReadonlyMap<string, string>;
  if (m[1] !== undefined) fields = new Map([...m[1].matchAll(PAIR_FIELD)].map((f) => [f[1]!.toLowerCase(), f[2] ?? f[3] ?? f[4]!]));
  else if (m[5]!.length === m[2]!.length)
    fields = new Map([
      [m[3]!.toLowerCase(), m[4]!],
      ['value', m[6] ?? m[7] ?? m[8]!],
    ]);
  else return undefined;
  const name = entryName((f) => fields.get(f));
  const value = fields.get('value');
  return name !== undefined && value !== undefined && secretSetting(name, value.trim(), isSecretParameter) ? name : undefined;
}

/** A line of a PgBouncer userlist: a user, not a flag (`"-Xmx512m"`) nor a shell's or a format's reference (`"$@"`, `"%s"`), then its password, each quoted. */
const USERLIST_LINE = /^[ \t]*"[^-$%"][^"]*"[ \t]+"[^"]*"[ \t]*\r?$/;

/** Whether a text is a PgBouncer userlist: each line a user and its password (`USERLIST_LINE`), blank, or a comment (`;`); read once per text. */
const isUserlist = oncePerText((text) => text.split('\n').every((line) => USERLIST_LINE.test(line) || /^[ \t]*(?:;|\r?$)/.test(line)));

/** An XML attribute and its quoted value. */
const XML_ATTRIBUTE = /([A-Za-z_][A-Za-z0-9_.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
