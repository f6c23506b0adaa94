/**
 * The secret rules that read settings written as text (secret-rules.ts holds the rest of the
 * table, in which these come after the command-line rule): a properties, .env, INI, TOML, YAML,
 * JSON or XML file in a ConfigMap (`password=...`, `"token": "..."`, `<password>...</password>`),
 * a setting written with a blank (`requirepass ...`) and a flag followed by its value in a shell
 * command (`--requirepass ...`), a .netrc entry, a .pgpass line, a Redis Sentinel's, a Redis ACL's and a PgBouncer userlist's
 * password, a SQL statement's (sql-secret-rules.ts), a web server's or proxy's header and HAProxy's passwords (proxy-secret-rules.ts), a
 * Consul agent's tokens, a Terraform variable's default and a heredoc (hcl-secret-rules.ts), a tool's `config set <name> <value>`
 * (config-set-rule.ts) and an XML setting named by an attribute; how the first, `secret-setting`, reads a match is
 * secret-setting-text.ts. Each value is judged by the name of the setting that holds
 * it (secret-names.ts, secret-setting.ts); a value that is code reading the secret from elsewhere is none (code-settings.ts). Pure and synchronous.
 */
import { isSecretFlag } from './secret-flags.js';
import { nameVerdict } from './secret-names.js';
import { entryName, isSecretParameter } from './secret-field-names.js';
import { NAME, QUANTITY, isAddress } from './secret-shapes.js';
import { oncePerText } from './once-per-text.js';
import { type SecretRule, secretSetting } from './secret-setting.js';
import { SETTING_TEXT, settingOf } from './secret-setting-text.js';
import { CONFIG_SET_RULE } from './config-set-rule.js';
import { CONSUL_TOKEN_RULE, HEREDOC_SETTING_RULE, TERRAFORM_VARIABLE_RULE } from './hcl-secret-rules.js';
import { SETTER_RULE } from './code-settings.js';
import { CODE_LITERAL_RULE, READ_FALLBACK_RULE } from './code-values.js';
import { isLabelValue } from './setting-labels.js';
import { SQL_PASSWORD_RULE } from './sql-secret-rules.js';
import { CREDENTIAL_CALL_RULE } from './credential-calls.js';
import { HAPROXY_PASSWORD_RULE, PROXY_HEADER_RULE } from './proxy-secret-rules.js';
import { SECRET_LIST_RULE } from './secret-list-rules.js';

/** A field of a .pgpass line: `\\:` is a colon within it (a run of one class, then escaped colons: no alternative per character). */
const PGPASS_FIELD = String.raw`[^:\s]+(?:\\:[^:\s]*)*`;

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
  SECRET_LIST_RULE,
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
