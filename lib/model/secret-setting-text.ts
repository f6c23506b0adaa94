/**
 * How the `secret-setting` rule of setting-secret-rules.ts reads a match: the setting a text writes (`password=...`,
 * `"token": "..."`, `-Ddb.password=...`, `<password>...</password>`), its name and value, the settings written within a value
 * (`JAVA_OPTS="-Xms1g -Ddb.password=..."`), and what a match is not though it looks like one: code, a type, a reference's key, a
 * sentence's words, a script of a package.json, a label, a commented example, kubectl's `--from-file` source. Pure and synchronous.
 */
import { JVM_OPTION } from './secret-flags.js';
import { ENV_NAME, NAME, PATH } from './secret-shapes.js';
import { oncePerText } from './once-per-text.js';
import { sealedIn } from './sealed-secret-values.js';
import { secretSetting } from './secret-setting.js';
import { nameVerdict, namesSecretObject, words } from './secret-names.js';
import { codeLiteralIsSecret, isCode, joinedToRead } from './code-settings.js';
import { isDeclaredType, isSecretVariable, joinedPieces, opensTuple } from './code-values.js';
import { isCommentedExample, isLabel } from './setting-labels.js';
import { inPackageManifest } from './package-manifest.js';
import { isHclExpression } from './hcl-secret-rules.js';
import { expandsToSecret, expansionDefault } from './shell-expansions.js';

/**
 * A setting written as text and its value (the `secret-setting` rule's first form), to read again within a value. A value not
 * quoted may start with a password's storage ids in braces, as Spring Security and Spring Cloud Config write one
 * (`{noop}<password>`, `{cipher}<ciphertext>`, `{bcrypt}<hash>`), one after another too (`{noop}{noop}<password>`, which
 * secretSetting strips as it does quoted: a value of one id took only the first, and the rest was no value): no other brace
 * is in it. The ids and the rest take no character in common (`{`), so a run of ids is read once. Set with `=`, `:`, `=>`,
 * or as Go and a Makefile set a variable (`password := "..."`, `DB_PASSWORD ?= ...`, `::=`); PowerShell's variable of the
 * environment is named after its `$env:` (`$env:DB_PASSWORD = "..."`: its `env:` is no setting of its own).
 */
export const SETTING_TEXT =
  /(?<![A-Za-z0-9_.-])(?:\$env:)?-{0,2}["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*(?:=>|::?=|\?=|[:=])[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|((?:\{[A-Za-z0-9-]+\})*[^\s"',;{}[\]&]+))/g;

/**
 * The name of the secret setting a `secret-setting` match holds: its own (`password=...`,
 * `<password>...</password>`), or one written within its value, which the match took whole
 * (`JAVA_OPTS="-Xms1g -Ddb.password=..."`, `--from-literal=password=...`, `<jvmArgs>-Ddb.password=...</jvmArgs>`).
 */
export function settingOf(m: RegExpExecArray): string | undefined {
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
  if (secretByName(m, name, value) && !isSentence(m) && !isScript(m) && !isLabel(m, name) && !isCommentedExample(m, value)) return name;
  // kubectl's `--from-file=password=./password.txt`: a key and the file it is read from (`./x`, `name.ext`), not the secret
  if (isFileSource(name, value)) return undefined;
  return settingWithin(value, m[4] === undefined ? 1 : 2);
}

/**
 * Whether a setting's name and value say it is secret: a YAML key under its parent by the name it has with it too (`nestedName`),
 * which decides alone for a name that names nothing by itself (`api:`, then `  key: <value>`: `api.key`), and may only clear one
 * that does (`csrf:`, then `  token-id: <uuid>`); a name of its own (Drone's `from_secret` under `password:`) is judged as it is.
 */
function secretByName(m: RegExpExecArray, name: string, value: string): boolean {
  const nested = nestedName(m, name, value);
  const own = secretSetting(name, value);
  if (nested === undefined) return own;
  return (own || nameVerdict(name) === false) && secretSetting(nested, value);
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

/** A YAML mapping's key at its line's start, after its indentation (and a list item's `- `), then its colon. */
const YAML_KEY_LINE = /^([ \t]*(?:-[ \t]+)?)["']?([A-Za-z_][\w.-]*)["']?[ \t]*:(?=[ \t]|\r?$)/;

/** A YAML key that encloses a line (`yamlParents`), and the key that encloses it in turn. */
interface YamlParent {
  readonly key: string;
  readonly parent: YamlParent | undefined;
}

/**
 * The parent key of each YAML line of a text that has one, by the offset its line starts at: the key of the nearest line above
 * with less indentation (`csrf:` for `  token-id: ...`), as Spring flattens them (`csrf.token-id`), linked to its own parent.
 * Read once per text, each line once, with a stack of the keys that enclose it (each line's parent one link, not a copy of the
 * stack: a text nested thousands deep costs no more).
 */
const yamlParents = oncePerText((text) => {
  const parents = new Map<number, YamlParent>();
  const enclosing: { indent: number; node: YamlParent }[] = [];
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end);
    const m = YAML_KEY_LINE.exec(line);
    if (m !== null) {
      const indent = m[1]!.length;
      while (enclosing.length > 0 && enclosing.at(-1)!.indent >= indent) enclosing.pop();
      const parent = enclosing.at(-1)?.node;
      if (parent !== undefined) parents.set(start, parent);
      enclosing.push({ indent, node: { key: m[2]!, parent } });
    }
    if (end === -1) break;
    start = end + 1;
  }
  return parents;
});

/**
 * A key that says which of several an API's settings are, not what they are (`api:`, `v1:`, `key: ...`; `stripe:`, `live:`,
 * `secret: ...`): a version or a stage, passed over to the key above it. At most MAX_PASSED_OVER of them.
 */
const QUALIFIER =
  /^(?:v\d+(?:(?:alpha|beta)\d*)?|prod|production|staging|stage|dev|development|test|testing|live|sandbox|default|primary|secondary)$/i;
const MAX_PASSED_OVER = 2;

/** The key a setting's name is read with (`nestedName`): its parent, or past a version or a stage the key above them. */
function namingParent(parent: YamlParent): string {
  let named = parent;
  for (let i = 0; i < MAX_PASSED_OVER && QUALIFIER.test(named.key) && named.parent !== undefined; i++) named = named.parent;
  return named.key;
}

/** Whether a parent key's words name a Secret or a reference to its keys (`existingSecret`, `secret`, `secretKeyRef`). */
const namesSecretKey = (w: readonly string[]): boolean => namesSecretObject(w) || ['secret', 'secrets', 'ref'].includes(w.at(-1) ?? '');

/**
 * The last words of a name whose words before them say what it is (secret-names.ts): a CSRF token's id or a token's
 * (`csrf.token-id`, `vault.token-id`), a Secret's name or a secret (`tls.secret`, `jwt.secret`), a password's key or a key, a
 * password's value or a value (`password.value`, `threshold.value`).
 */
const SAID_BY_WORDS_BEFORE: ReadonlySet<string> = new Set(['id', 'secret', 'key', 'value']);

/**
 * The name a setting has with its parent's (`csrf.token-id` for `csrf:`, then `  token-id: <uuid>`; `api.key` for `api:`, then
 * `  key: <value>`), as Spring flattens them: for a YAML key nested under another whose last word the words before it decide
 * (`SAID_BY_WORDS_BEFORE`), undefined for any other. Its own name alone says less than the two do: `token-id` alone is a token's,
 * `key` alone names nothing (`api.key` is an API key's, `tls.key` a TLS key's, `cache.key` none); a password's name is one
 * whatever encloses it (`max:`, then `  password: 12345678`, is no bound). Not a key of a Secret's, under a parent that names a
 * Secret or a reference to one (`secretKeyRef:`, `existingSecret:`, `secret:`), whose value is the key's name (`key: password`,
 * `key: DB_PASSWORD`): that key is judged by its own name. A version or a stage between them is passed over (`namingParent`:
 * `api:`, `v1:`, then `key: <value>` is `api.key`).
 */
function nestedName(m: RegExpExecArray, name: string, value: string): string | undefined {
  if (!SAID_BY_WORDS_BEFORE.has(words(name).at(-1) ?? '')) return undefined;
  // a key at its line's start, after its indentation, a list item's `- ` and a quote only: read back over those alone, not to
  // the line's start from each setting of a long line (`  token-id: <uuid> token-id: <uuid> ...`, each read back over the line)
  let lineStart = m.index;
  while (lineStart > 0 && /[ \t"'-]/.test(m.input[lineStart - 1]!)) lineStart--;
  if (lineStart > 0 && m.input[lineStart - 1] !== '\n') return undefined;
  const key = YAML_KEY_LINE.exec(m.input.slice(lineStart, m.index + m[0].length));
  if (key === null || key[2] !== m[1] || key[1]!.length === 0) return undefined;
  const enclosing = yamlParents(m.input).get(lineStart);
  if (enclosing === undefined) return undefined;
  const parent = namingParent(enclosing);
  // (a Secret's key is named by its value; its value, `secret:`, then `  value: <value>`, is the secret)
  if (words(name).at(-1) === 'key' && namesSecretKey(words(parent)) && (NAME(value) || ENV_NAME(value))) return undefined;
  return `${parent}.${name}`;
}
