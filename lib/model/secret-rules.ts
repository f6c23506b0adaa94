/**
 * What counts as a secret value: rules over the text of a value (a private key, a URL with a
 * password, an authorization header, a cloud or service token, a long high-entropy string) and
 * over the name of the key that holds it (`DB_PASSWORD`, `SSH_KEY`, `*_TOKEN`: secret-names.ts, whose
 * judgements of names are exported from here too, as are those of command lines: command-line-secrets.ts, piped-passwords.ts, secret-flags.ts;
 * the rules of settings written as text are setting-secret-rules.ts, those of URLs and connect strings
 * url-secret-rules.ts, and those of tokens told by their format token-secret-rules.ts, parts of this table; every secret a value holds,
 * not the first alone: value-secrets.ts). Shared by every layer: the stacks' refine steps, the stage-file validation (to mask values in messages) and the
 * checks over synthesized objects. Pure and synchronous.
 *
 * A detector library was considered (@secretlint/core 13 with its recommended preset): its API
 * is asynchronous (`lintSource` returns a Promise, rules are async), while the compiler is one
 * synchronous pass; so the rules are this table, each with a test (test/model/secret-rules.test.ts, and beside it a file
 * for each family: command-line-secrets, setting-secret-rules, url-secret-rules, secret-names).
 */
import { BoundedMap } from './bounded-map.js';
import { isSecretName, isSecretSetting, nameVerdict, namesSecretObject, words } from './secret-names.js';
import { NAME, encodedText, highEntropy, isPlaceholderCredential, randomBase64 } from './secret-shapes.js';
import { oncePerText } from './once-per-text.js';
import { SETTING_RULES } from './setting-secret-rules.js';
import type { SecretRule } from './secret-setting.js';
import { URL_RULES, URL_TOKEN_USER } from './url-secret-rules.js';
import { CLIENT_NAME_PARTS, PASSWORD_CLIENTS, commandPassword } from './command-line-secrets.js';
import { atShellCommandStart, shellWords } from './command-line-words.js';
import { PIPED_PASSWORD, pipedGiven, pipedPassword } from './piped-passwords.js';
import { flagBefore, isArgvEntry } from './secret-flags.js';
import { TOKEN_RULES } from './token-secret-rules.js';
import { COMMAND_LIST_RULE } from './command-line-lists.js';
import { withoutExamples } from './example-files.js';
import { shorten } from './limits.js';

export { clientPassword } from './command-line-secrets.js';
export { FLAG_WITH_VALUE, flagBefore, isArgvEntry, isSecretFlag } from './secret-flags.js';
export { BOOTSTRAP_TOKEN_RULE, isBootstrapTokenEntry } from './kubeadm-secret-rules.js';
export {
  ENTROPY_MIN_LENGTH,
  ENTROPY_THRESHOLD,
  HEX_ENTROPY_THRESHOLD,
  entropy,
  isPlaceholder,
  isPlaceholderCredential,
} from './secret-shapes.js';
export { isSealedCiphertext } from './sealed-secret-values.js';
export { isFileSource } from './secret-setting-text.js';
export { isExampleFile } from './example-files.js';
export { isConfigLabel } from './setting-labels.js';
export { NOT_SECRET_SETTING_HINT, isSecretName, isSecretSetting } from './secret-names.js';
export { entryName, isSecretAnnotation, isSecretField, isSecretParameter, settingOf } from './secret-field-names.js';

export type { SecretRule } from './secret-setting.js';

function decodesToCredentials(b64: string): boolean {
  const text = Buffer.from(b64, 'base64').toString('utf8');
  return /^[\x21-\x7e]+:[\x20-\x7e]*$/.test(text);
}

/** How a command (a `command-password` match, split into words once: its `accept`, then its `given`) gives a client a password. */
const passwordCommand = oncePerText((command) => commandPassword(shellWords(command)));

/** The content rules, most specific first: a value is reported under the first rule that matches. */
export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    description: 'a private key (PEM block)',
    // a certificate (BEGIN CERTIFICATE) or a public key is not a secret and does not match. Any kind of key (`DH`, `X25519`),
    // its words split over lines, or the END line alone (the key's last lines, the rest in another value); an SSH2
    // (RFC 4716) or PuTTY key file; an age identity
    pattern:
      /-----(?:BEGIN|END)[ \t\r\n]+(?:[A-Z0-9]+[ \t\r\n]+)*PRIVATE[ \t\r\n]+KEY(?:[ \t\r\n]+BLOCK)?-----|---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----|\bPuTTY-User-Key-File-[0-9]+:|\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/,
  },
  ...URL_RULES,
  {
    id: 'basic-auth',
    description: "a 'Basic' authorization value",
    pattern: /\bBasic\s+([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/i,
    accept: (_s, m) => decodesToCredentials(m[1]!),
  },
  {
    id: 'bearer-token',
    description: "a 'Bearer' authorization value",
    pattern: /\bBearer\s+([A-Za-z0-9._~+/-]{16,}=*)/i,
    accept: (_s, m) => /[0-9]/.test(m[1]!) && /[A-Za-z]/.test(m[1]!),
  },
  {
    id: 'authorization-header',
    description: 'an Authorization header with credentials (Authorization: Token ..., of any scheme)',
    // a header written in a command (`curl -H 'Authorization: Token ...'`), a JSON or YAML file: the
    // credentials after any scheme (Django REST framework's `Token` of 40 hex digits, a SHA-1's
    // length, Okta's `SSWS`), not a reference, a template, a placeholder or prose (`$(TOKEN)`, `{{ .token }}`,
    // `__API_TOKEN__`, `YOUR_API_TOKEN`, `Authorization: none required`: isPlaceholderCredential)
    pattern: /\b(?:Proxy-)?Authorization["']?[ \t]*[:=][ \t]*["']?[A-Za-z][A-Za-z0-9_-]*[ \t]+([^\s"',;]{8,})/gi,
    accept: (_s, m) => !isPlaceholderCredential(m[1]!),
  },
  ...TOKEN_RULES,
  URL_TOKEN_USER,
  {
    id: 'command-password',
    description:
      'a password on a command line (mysql -p<password>, curl -u user:password, redis-cli -a, docker login -p, keytool -storepass, htpasswd -nb <user> <password>, mc alias set, sqlcmd -P, ldapsearch -w, openssl enc -k)',
    // a client's name, as a word of its own, then the rest of its command (to a line break, `;`, `|`
    // or `&`): each command is read once, and judged word by word (`passwordGiven`)
    // (not a host of that name, `psql -h mysql -p5432`: only the blanks just before a name are read again)
    pattern: new RegExp(`(?<![^\\s/'"(\`])(?<!(?:^|\\s)(?:-h|-H|--host)\\s+)(?:${PASSWORD_CLIENTS})(?![^\\s'"])[^\\n;|&]*`, 'g'),
    accept: (s, m) => atShellCommandStart(m.input, m.index) && passwordCommand(s) !== undefined,
    given: (m) => passwordCommand(m[0]),
  },
  COMMAND_LIST_RULE,
  {
    id: 'piped-password',
    description:
      'a password piped to a login that reads it from standard input (echo <password> | docker login --password-stdin, or <<< <password>; echo <user>:<password> | chpasswd)',
    pattern: PIPED_PASSWORD,
    accept: (_s, m) => pipedPassword(m),
    given: pipedGiven,
  },
  ...SETTING_RULES,
  {
    id: 'password-hash',
    description:
      "a password hash (htpasswd's $apr1$ or {SHA}, bcrypt's $2y$, crypt's $6$, argon2, PostgreSQL's md5 or SCRAM verifier), which is cracked offline",
    // an htpasswd file, Prometheus' or Traefik's basic-auth users, a shadow line: not the password, but a
    // weak one is found from its hash, offline and at leisure, as from the SHA-512 crypt and bcrypt hashes that
    // the randomness rule found before (an apr1 hash's 22 characters are too few for it). PostgreSQL's verifiers (`PASSWORD 'md5<32 hex>'`,
    // a PgBouncer userlist's `"app" "SCRAM-SHA-256$4096:<salt>$<stored key>:<server key>"`): an md5 one logs in as it is, since
    // the server's challenge is answered with the hash itself. Read from each `$`, `{`, `md5` or `SCRAM`
    pattern:
      /(?<![A-Za-z0-9./$])(?:\$(?:apr1|1|5|6)\$(?:rounds=[0-9]+\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{22,86}|\$2[abxy]?\$[0-9]{2}\$[./0-9A-Za-z]{53}|\$y\$[./0-9A-Za-z]+\$[./0-9A-Za-z]+\$[./0-9A-Za-z]{43}|\$argon2(?:id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]{16,}|\{S?SHA\}[A-Za-z0-9+/]{27,}={0,2}|md5[0-9a-f]{32}|SCRAM-SHA-(?:1|256)\$[0-9]+:[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2})(?![./0-9A-Za-z])/g,
    // not a shell line's `$1$dir$/usr/local/share/...`: a hash is no lower-case absolute path
    accept: (_s, m) => !/\$(?:\/[a-z0-9_.-]+){2,}\/?$/.test(m[0]),
  },
  {
    id: 'aws-secret-access-key',
    description: 'an AWS secret access key (40 characters of base64)',
    pattern: /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/,
    accept: randomBase64,
  },
  {
    id: 'high-entropy',
    description: 'a long random-looking string (base64 or hex, like a key or token)',
    pattern: /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/_=-])/g,
    accept: highEntropy,
  },
];

/** Rules that judge randomness alone (not a known format). */
export const ENTROPY_RULES: ReadonlySet<string> = new Set(['high-entropy', 'aws-secret-access-key']);

/**
 * PEM certificates and public keys, OpenSSH public keys, and a JSON Web Key's public members (an RSA key's modulus `"n"` and
 * exponent `"e"`, an EC or OKP key's `"x"` and `"y"`, its certificate chain `"x5c"` and thumbprints, as a JWKS endpoint
 * publishes them; its private `"d"` is random and no member here): public by design. A chain is read to its `]` or the next
 * `[` (from each `"x5c": [` the rest of the text was read when no `]` followed: 78 s for a megabyte).
 */
export const PUBLIC_MATERIAL =
  /-----BEGIN (CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST)-----[\s\S]*?-----END \1-----|\b(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)) AAAA[A-Za-z0-9+/]+={0,3}|"(?:n|e|x|y|x5t|x5t#S256)"[ \t]*:[ \t]*"[A-Za-z0-9_-]*"|"x5c"[ \t]*:[ \t]*\[[^\][]*\]/g;

export interface SecretMatch {
  readonly rule: SecretRule;
  /** The secret text within the value (a part of it, or all of it); never print it. */
  readonly secret: string;
  /** Where in the value the match starts (a file's text: its line is said). */
  readonly index: number;
  /** The name of the setting that holds the secret, for a rule that reads one (`requirepass`, `db.password`). */
  readonly setting?: string;
  /** How the secret is given, for a rule that says (`redis-cli -a <password>`: SecretRule's `given`); never the value. */
  readonly given?: string;
}

/**
 * What a secret found is, for messages: its rule's description, or, when the match says how the secret is given, the
 * description with that in place of its examples (`a password on a command line (redis-cli -a <password>)`).
 */
export const describeSecret = (rule: SecretRule, given?: string): string =>
  given === undefined ? rule.description : `${rule.description.replace(/ \(.*$/s, '')} (${given})`;

/**
 * What every match of every rule contains: a run of 16 token characters (the shortest token,
 * `AKIA` and 16 more, has 20), `://`, `:...@` or a Go DSN's `@tcp(` (`host-credentials`), a PEM header, two quoted words (`userlist-password`), an authorization scheme, SQL's `IDENTIFIED` (`sql-password`), a Redis ACL's `user` line or `ACL SETUSER` (`redis-acl-password`), a part of a
 * secret's name (`pass`, `token`, `key`...: `secret-setting`), a client's (`command-password`) or a call's that takes a password
 * after a user (`connect`, `getConnection`, `new PDO`, an LDAP bind, `FTP(`, `ConvertTo-SecureString`, `Redis(`, `new Sequelize`,
 * `imap_open`, `Net::SMTP.start`: `credential-call`). Most values of a manifest have
 * none, and are passed over with this one test.
 */
const CANDIDATE = new RegExp(
  `${/[A-Za-z0-9+/_-]{16}|\$(?:apr1|[156y]|2[abxy]?|argon2)\$|\{S?SHA\}|\/[^\s/@'"]+@|:\/\/|:(?:[0-9]{1,5}|\*):|:[^\s/:@'"]+@|@(?:tcp|udp|unix)6?\(|-----(?:BEGIN|END)|---- BEGIN|"[ \t]+"|basic|bearer|pass|pw|secret|token|cred|key|auth|identified|setuser|connect|new[ \t]+\\?pdo\b|bind_s|\.bind\(|ftp(?:_tls)?\(|securestring|redis[ \t]*\(|sequelize|ldap_bind|imap_open|smtp\.start|(?:^|\n)[ \t]*user[ \t]/.source}|${CLIENT_NAME_PARTS}`,
  'i',
);

/** Each rule's pattern with the `g` flag, compiled once, to find every match in turn. */
export const GLOBAL_PATTERNS: readonly (readonly [SecretRule, RegExp])[] = SECRET_RULES.map((r) => [
  r,
  new RegExp(r.pattern.source, r.pattern.flags.includes('g') ? r.pattern.flags : `${r.pattern.flags}g`),
]);

/**
 * Verdicts on values of 9 characters or more, by value: a stage's names, labels and images repeat
 * in every object of an app, and are judged once (the verdict depends on the value alone).
 */
const verdicts = new BoundedMap<string, SecretMatch | null>(50_000);

/**
 * Verdicts on what values of 12 characters or more hold encoded (`detectEncodedSecret`), by value, as `verdicts`: the screen of
 * a stage's output asks it of almost every string, and each repeats in every object of an app (334,010 strings in a 1,000-app
 * stage, 13,097 of them distinct). Like every verdict here it depends on the exact text alone (no rule reads a path, an object,
 * a stage's settings or an earlier call), so it is kept per thread, in memory only, and bounded like the others.
 */
const encodedVerdicts = new BoundedMap<string, SecretMatch | null>(50_000);

/** The first rule a value matches, with the secret it found; `undefined` for an ordinary value. */
export function detectSecret(value: string): SecretMatch | undefined {
  if (value.length < 9) return undefined; // shorter than the shortest match of any rule (`a://b:c@d`)
  const known = verdicts.get(value);
  if (known !== undefined) return known ?? undefined;
  return verdicts.remember(value, firstMatch(value) ?? null) ?? undefined;
}

/**
 * A secret a value holds encoded, in base64, hex or URL encoding (an annotation's `cGFzc3dvcmQ9SHVudGVyMnB3`, `password=Hunter2pw`): found by a
 * rule of its format in the text it decodes to, not by randomness, which decoded text does not have; how it is given says the
 * encoding (`in base64`), never the value.
 */
export function detectEncodedSecret(value: string): SecretMatch | undefined {
  if (value.length < 12) return undefined; // shorter than the fewest characters of encoded text (base64 of 9 bytes)
  const known = encodedVerdicts.get(value);
  if (known !== undefined) return known ?? undefined;
  const encoded = encodedText(value);
  const found = encoded === undefined ? undefined : detectSecret(encoded.text);
  const verdict = found === undefined || ENTROPY_RULES.has(found.rule.id) ? undefined : { ...found, given: `in ${encoded!.encoding}` };
  return encodedVerdicts.remember(value, verdict ?? null) ?? undefined;
}

/**
 * The secret a value holds as it is written (`detectSecret`) or encoded in base64 or hex (`detectEncodedSecret`): what a stage
 * file's values and keys are screened for, and what its messages never print (`replicas: cGFzc3dvcmQ9SHVudGVyMnB3`).
 */
export const detectSecretOrEncoded = (value: string): SecretMatch | undefined => detectSecret(value) ?? detectEncodedSecret(value);

/**
 * The secret a file of examples holds (`.env.example`, by its name: example-files.ts' isExampleFile), its examples' values left
 * out (`DB_PASSWORD=changeme`): a value that looks real is found as in any file (`DB_PASSWORD=Xk9vQ2mLr7pT`), at the same place.
 */
export const detectSecretInExample = (value: string): SecretMatch | undefined => detectSecret(withoutExamples(value));

/** The part of a value screened at once when the whole is too much for the regular expressions. */
const WINDOW_CHARS = 1 << 20;
/** How much windows overlap: a secret shorter than this is whole in one of them. */
const WINDOW_OVERLAP = 1 << 14;

function firstMatch(value: string): SecretMatch | undefined {
  if (!CANDIDATE.test(value)) return undefined;
  try {
    return matchIn(value);
  } catch (e) {
    // a run of megabytes of one character class overflows the regular expression engine's
    // backtracking stack (a RangeError): the value is screened in overlapping windows instead
    if (!(e instanceof RangeError)) throw e;
  }
  for (let start = 0; ; start += WINDOW_CHARS - WINDOW_OVERLAP) {
    const found = matchIn(value.slice(start, start + WINDOW_CHARS));
    if (found) return { ...found, index: found.index + start };
    if (start + WINDOW_CHARS >= value.length) return undefined;
  }
}

function matchIn(value: string): SecretMatch | undefined {
  let publicRemoved: string | undefined;
  for (const [rule, re] of GLOBAL_PATTERNS) {
    re.lastIndex = 0;
    // certificates and public keys are random-looking on purpose and public: not judged by entropy
    const text = ENTROPY_RULES.has(rule.id) ? (publicRemoved ??= value.replace(PUBLIC_MATERIAL, ' ')) : value;
    for (let m = re.exec(text); m; m = re.exec(text)) if (!rule.accept || rule.accept(m[0], m)) return secretMatch(rule, m);
  }
  return undefined;
}

/** What a rule's accepted match says: the secret, where it is, the setting that holds it and how a client is given it. */
export function secretMatch(rule: SecretRule, m: RegExpExecArray): SecretMatch {
  const setting = rule.setting?.(m);
  const given = rule.given?.(m);
  return {
    rule,
    secret: m[0],
    index: m.index,
    ...(setting !== undefined ? { setting } : {}),
    ...(given !== undefined ? { given } : {}),
  };
}

/**
 * Whether the value at `path` (keys from the root of a stage file or object) must not be
 * printed: its key looks secret (`apps.x.config.DB_PASSWORD`), or, given, the value itself does,
 * or, given the list that holds it, the flag before it in a `command` or `args` list does (`--password`).
 */
export function isSecretKey(path: readonly (string | number)[], value?: unknown, list?: unknown): boolean {
  const last = [...path].reverse().find((k): k is string => typeof k === 'string' && !/^\d+$/.test(k));
  if (last !== undefined && secretByName(last, value)) return true;
  if (typeof value === 'string' && detectSecretOrEncoded(value) !== undefined) return true;
  const flag = Array.isArray(list) && isArgvEntry(path) ? flagBefore(list, path[path.length - 1] as number) : undefined;
  return flag !== undefined && isSecretName(flag);
}

/**
 * Whether the name `name` says that `value` (or any value, when none is given) is secret, for a message that would print it:
 * a string by the rule of a key (`isSecretSetting`: not a switch, a method, an empty value or a count under a bound's name,
 * `MAX_AUTH_TOKEN: 4096`), a number under a secret's name; never `true` or `false`. Under a name that names a Secret
 * (`ingress.tlsSecret`, `existingSecret`, `imagePullSecrets`, `*Keys`) only what may be a Secret's name as written, words
 * (`NAME`: `Web_TLS`, refused as no Secret's name, is shown to be fixed): `S3cr3t!Passw0rd` there is a password put in the
 * wrong place, and a number is hidden too (with no hint to quote it, which would put it in dist/).
 */
function secretByName(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return false;
  if (namesSecretObject(words(name))) return typeof value === 'number' || (typeof value === 'string' && !NAME(value));
  const verdict = nameVerdict(name);
  if (verdict === false) return false;
  return typeof value === 'string' ? isSecretSetting(name, value) : verdict === true;
}

/**
 * A key as a message names it: `'name'` (shortened past `MAX_SHOWN`), or `(a 40-character key, hidden)` when it is a secret
 * (`detectSecretOrEncoded`: a token pasted as a key, which a parser's message about the key would print).
 */
export const shownKey = (key: string): string => (detectSecretOrEncoded(key) ? maskValue(key, 'key') : `'${shorten(key)}'`);

/**
 * A name as a message says it (an object's kind, namespace or name, an alias): itself, or `(a 40-character name, hidden)` when it
 * is a secret (`detectSecretOrEncoded`: a token pasted where a name goes, which every message about the object would print), or
 * what the setting `holder` holds as one (`isSecretSetting`: `DB_PASSWORD: *Xk9vQ2mLr7pT`, a password YAML reads as an alias).
 */
export const shownName = (name: string, holder?: string): string =>
  detectSecretOrEncoded(name) || (holder !== undefined && isSecretSetting(holder, name)) ? maskValue(name, 'name') : name;

/** How messages show a value they must not print: `(a 24-character value, hidden)`. */
export function maskValue(value: unknown, what: 'value' | 'key' | 'name' = 'value'): string {
  const n = typeof value === 'string' ? [...value].length : String(value).length;
  return `(a ${n}-character ${what}, hidden)`;
}
