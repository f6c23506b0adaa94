/**
 * The words that end a key's name when it names a property of a secret rather than the secret (`PASSWORD_FILE`, `TOKEN_TTL`,
 * `PASSWORD_REGEX`), each with the shape that property's value has (secret-shapes.ts): a data table read by secret-names.ts,
 * which judges a name by its words. Pure data and shapes.
 */
import {
  COMMAND,
  DIGEST,
  ENV_NAME,
  NAME,
  PATH,
  PATH_OR_NAME,
  POLICY,
  PUBLIC,
  QUANTITY,
  SENTENCE,
  type Shape,
  URL,
} from './secret-shapes.js';

/**
 * A key whose last word is one of these names a property of a secret, not the secret itself,
 * when its value has the property's shape: where it is or comes from (`PASSWORD_FILE: /run/pw`,
 * `--token-auth-file`, `SECRET_NAME`, `SECRET_MOUNT`, `SESSION_SECRET_ENV: SESSION_SECRET`,
 * `SECRET_PROVIDER: vault`), how it is sent or checked (`CSRF_TOKEN_HEADER: X-CSRF-Token`,
 * `AUTH_TOKEN_TYPE: bearer`, `TOKEN_AUDIENCE`, `OIDC_ID_TOKEN_SIGNING_ALG: RS256`), its rules and
 * bounds (`PASSWORD_POLICY`, `PASSWORD_MIN: 8`, `PASSWORD_HASHERS`) or its lifetime
 * (`TOKEN_TIMEOUT: 30s`, `ACCESS_TOKEN_EXPIRES_IN: 15m`). A value of any other shape is the secret
 * after all (`VAULT_TOKEN_ROLE: s.Abc123XyZ987`, `DB_PASSWORD_VAR: Hunter2!xyz`, `SMTP_PASSWORD_CMD:
 * echo Hunter2!xyz`). A public certificate (`CERT`, `CA_CERT`, `tls.crt`) is no secret whatever it
 * holds. What a name ends in after its secret word is never a secret's own name (`TOKEN_GITHUB`,
 * `PASSWORD_2` hold secrets): only words that name a property belong here.
 */
export const NOT_SECRET_LAST_WORDS: ReadonlyMap<string, Shape> = new Map([
  // where it is, or what refers to it
  ['file', PATH],
  ['path', PATH],
  ['dir', PATH],
  ['mount', OBJECT_PATH_OR_NAME],
  ['store', OBJECT_PATH_OR_NAME],
  ['url', URL],
  ['uri', URL],
  ['endpoint', URL],
  ['env', ENV_NAME],
  ['var', ENV_NAME],
  // a Jenkinsfile's `usernamePassword(passwordVariable: 'PASS')`: the variable the secret is bound to
  ['variable', ENV_NAME],
  ['name', OBJECT_NAME],
  // the request's parameter, form field or cookie it is sent in (`csrf.token.parameter: _csrf`, `PASSWORD_PARAM = "password"`,
  // `CSRF_TOKEN_COOKIE: XSRF-TOKEN`, `password_field: pwd`)
  ['param', OBJECT_NAME],
  ['parameter', OBJECT_NAME],
  ['field', OBJECT_NAME],
  ['cookie', OBJECT_NAME],
  ['ref', OBJECT_NAME],
  ['alias', OBJECT_NAME],
  ['provider', OBJECT_NAME],
  ['backend', OBJECT_NAME],
  ['engine', OBJECT_NAME],
  ['role', OBJECT_NAME],
  ['version', PROPERTY_NAME],
  ['kwargs', (v) => /^\{[\s\S]*\}$/.test(v.trim())],
  ['cmd', COMMAND],
  ['command', COMMAND],
  // how it is sent, issued or checked
  ['header', OBJECT_NAME],
  // where it is read from in a request (Flask-JWT-Extended's `JWT_TOKEN_LOCATION: headers`, `["headers", "cookies"]`)
  ['location', OBJECT_NAME],
  ['locations', OBJECT_NAME],
  ['prefix', OBJECT_NAME],
  ['type', PROPERTY_NAME],
  ['issuer', OBJECT_NAME],
  ['audience', OBJECT_NAME],
  ['scope', OBJECT_NAME],
  ['scopes', OBJECT_NAME],
  ['method', PROPERTY_NAME],
  // `password_encryption = scram-sha-256` (PostgreSQL), sshd's `PasswordAuthentication no`: how it is stored or checked
  ['encryption', PROPERTY_NAME],
  ['authentication', PROPERTY_NAME],
  ['alg', PROPERTY_NAME],
  ['algorithm', PROPERTY_NAME],
  // its rules and bounds
  ['policy', PROPERTY_POLICY],
  // the regular expression a password or a token is checked with (`PASSWORD_REGEX: ^(?=.*[A-Z]).{12,}$`, `tokenPattern`)
  ['regex', REGULAR_EXPRESSION],
  ['regexp', REGULAR_EXPRESSION],
  ['pattern', REGULAR_EXPRESSION],
  ['policies', PROPERTY_POLICY],
  ['hashers', PROPERTY_NAME],
  // how it is made, kept, read or written (`ACCESS_TOKEN_FORMAT: jwt`, `PASSWORD_STORAGE: bcrypt`, `TOKEN_CACHE: memory`,
  // `TOKEN_SOURCE: header`, `SECRET_MANAGER: aws`, `SECRET_NAMESPACE: vault-system`, `TOKEN_CLAIM: sub`, `TOKEN_ISSUERS`)
  ...['format', 'encoding', 'charset', 'strategy', 'storage', 'validator', 'template'].map((w) => [w, PROPERTY_NAME] as const),
  ...['source', 'kind', 'manager', 'cache', 'namespace', 'claim', 'claims', 'issuers', 'sender'].map((w) => [w, OBJECT_NAME] as const),
  // its strength and the bounds of its reuse (`PASSWORD_COMPLEXITY: high`, `PASSWORD_HASH_ITERATIONS: 600000`, `PASSWORD_HISTORY: 5`,
  // `TOKEN_LEEWAY: 30`, `TOKEN_REFRESH_THRESHOLD: 0.8`, `PASSWORD_RESET_TOKEN_BYTES: 32`, `SESSION_SECRET_ROTATION: weekly`)
  ...['complexity', 'strength', 'rotation'].map((w) => [w, (v: string) => PROPERTY_NAME(v) || QUANTITY(v)] as const),
  ...['iterations', 'history', 'reuse', 'leeway', 'threshold', 'bytes', 'bits', 'cost', 'retries', 'skew'].map(
    (w) => [w, QUANTITY] as const,
  ),
  // what makes or stores it (Spring's `passwordEncoder: bcrypt`, Django's `PASSWORD_HASHER: argon2`, `TOKEN_GENERATOR: uuid`)
  ['encoder', PROPERTY_NAME],
  ['hasher', PROPERTY_NAME],
  ['generator', PROPERTY_NAME],
  ['rounds', QUANTITY],
  ['min', QUANTITY],
  ['max', QUANTITY],
  ['length', QUANTITY],
  ['attempts', QUANTITY],
  // its lifetime
  ...['ttl', 'expiry', 'expires', 'expiration', 'in', 'at', 'timeout', 'interval', 'lifetime', 'duration', 'validity'].map(
    (w) => [w, QUANTITY] as const,
  ),
  ...['seconds', 'minutes', 'hours', 'days'].map((w) => [w, QUANTITY] as const),
  // a pin of a public key or certificate (`--discovery-token-ca-cert-hash sha256:...`); not a password's (judgeName)
  ['hash', DIGEST],
  // what a user interface says of it (`PASSWORD_HELP: Use at least 12 characters, with a digit.`, `token_hint`), and a field's
  // label, title or placeholder, a word of letters too (`LOGIN_PASSWORD_LABEL: Password`, `passwordPlaceholder: Passwort`)
  // an example a user interface gives of one, words of a sentence (`passphrase_example: "correct horse battery staple"`; a word,
  // `PASSWORD_EXAMPLE: Summer2024`, is still one)
  ...['help', 'hint', 'message', 'description', 'error', 'question', 'example'].map((w) => [w, SENTENCE] as const),
  ...['label', 'title', 'placeholder', 'prompt', 'tooltip', 'text'].map((w) => [w, LABEL_TEXT] as const),
  // public halves
  ['crt', PUBLIC],
  ['cert', PUBLIC],
  ['pub', PUBLIC],
]);

/**
 * A label's text: words of a sentence, or capitalized words and acronyms of letters alone (`Password`, `Mot de passe`, `API Token:`);
 * lower-case words of letters joined by `-`, `_` or `.`, a name a tool shows (`TOKEN_LABEL: ci-runner`; not one word, `hunter`, nor
 * a word with digits, `hunter2-x`); or a mask of one character repeated, as a password's field shows one (`••••••••`, `●●●●`).
 */
function LABEL_TEXT(v: string): boolean {
  const t = v.trim();
  return (
    SENTENCE(t) ||
    /^(?:\p{Lu}{2,}|\p{Lu}[\p{Ll}\p{M}]*)(?:[ \t-](?:\p{Lu}{2,}|\p{L}[\p{Ll}\p{M}'’]*))*[ \t]*[:.…]?$/u.test(t) ||
    /^[a-z]+(?:[-_.][a-z]+)+$/.test(t) ||
    /^([•●○◦∙·*])\1{2,}$/u.test(t)
  );
}

/**
 * A regular expression: with a class (`[A-Z]`, `\d`), a group's `(?`, a count (`{12,}`) or any character repeated (`.*`, `.+`); not
 * a password's mix of letters and digits alone, nor one that starts with `^` or ends with `$` (`Hunter2$`, `^Xk3q9Lm2Pz7w`).
 */
function REGULAR_EXPRESSION(v: string): boolean {
  return /\[[^\]]+\]|\(\?|\\[dswDSWb]|\{[0-9]+,?[0-9]*\}|\.[*+]/.test(v);
}

/**
 * The letters of the names of algorithms, formats, protocols and versions written with their number, before it: `argon2`,
 * `pbkdf2`, `sha256`, `md5`, `RS256`, `ES384`, `ed25519`, `aes256`, `rsa4096`, `PKCS12`, `x509`, `base64`, `utf8`, `OAuth2`,
 * `http2`, `v2`, `s3`, `kv2`, `ipv6` (a data table: the names a property of a secret takes, `PASSWORD_HASHER: argon2`,
 * `TOKEN_ALG: RS256`, `SECRET_ENCODING: base64`, `SECRET_ENGINE: kv2`).
 */
const NUMBERED_NAME =
  /^(?:argon|pbkdf|scrypt|bcrypt|sha|shake|md|ripemd|blake|crc|adler|murmur|xxhash|fnv|keccak|hmacsha|rs|hs|es|ps|ed|x|curve|secp|p|aes|des|rsa|dsa|ecdsa|ec|chacha|poly|pkcs|base|utf|ucs|latin|iso|cp|windows|oauth|saml|http|h|tls|tlsv|ssl|sslv|ntlmv|krb|ldapv|snmpv|wpa|ipv|v|s|kv|gcs|lz|uuid)$/i;

/**
 * A word of letters and a number, as a password is made (`hunter2`, `Summer2024`, `welcome1`, `Password123`): none of the names
 * a property of a secret holds, unless its letters name an algorithm, a format or a version (`NUMBERED_NAME`: `argon2`, `RS256`).
 */
function isPasswordWord(v: string): boolean {
  const m = /^([A-Za-z]+)[0-9]+$/.exec(v.trim());
  return m !== null && !NUMBERED_NAME.test(m[1]!);
}

/**
 * A name, a kind or a list of them as a property of a secret holds one (`NAME`: `bearer`, `RS256`, `X-CSRF-Token`,
 * `reset-password.html`); not a password's word of letters and a number (`PASSWORD_TEMPLATE: hunter2`, `TOKEN_TYPE: Summer2024`).
 */
function PROPERTY_NAME(v: string): boolean {
  return NAME(v) && !isPasswordWord(v);
}

/**
 * The letters of a password's word that a name of letters and a number is made of (`hunter2`, `welcome1`, `Password123`,
 * `Summer2024`, `changeme1`): the words people number to make a password, not a name's (`db2`, `app1`, `team2`, `postgres15`).
 */
const PASSWORD_STEM =
  /^(?:pass|passwd|password|passw|secret|hunter|welcome|changeme|letmein|qwerty|qwertz|azerty|iloveyou|abc|summer|winter|spring|autumn|fall)$/i;

/**
 * A name an object or a place is given, as a property of a secret holds one (`NAME`: `SECRET_NAME: db-credentials`,
 * `SECRET_NAMESPACE: team2`, `TOKEN_AUDIENCE: api1`, `SECRET_REF: db2`): a Kubernetes object's name is often numbered, as a
 * kind's or a format's is not (`PROPERTY_NAME`); not a password's word numbered, `PASSWORD_STEM` (`SECRET_NAME: hunter2`).
 */
function OBJECT_NAME(v: string): boolean {
  return NAME(v) && !isNumberedPasswordStem(v);
}

/** Where a secret is kept (`PATH_OR_NAME`: `/etc/secrets`, `secret`, `vault2`), not a password's word (`SECRET_STORE: hunter2`). */
function OBJECT_PATH_OR_NAME(v: string): boolean {
  return PATH_OR_NAME(v) && !isNumberedPasswordStem(v);
}

/** A password's word and a number (`hunter2`, `Password123`): `PASSWORD_STEM`'s letters, then digits. */
export function isNumberedPasswordStem(v: string): boolean {
  const m = /^([A-Za-z]+)[0-9]+$/.exec(v.trim());
  return m !== null && PASSWORD_STEM.test(m[1]!);
}

/** A policy (`POLICY`: `strong`, `length(8) and digits(1)`), not a password's word (`PASSWORD_POLICY: hunter2`). */
function PROPERTY_POLICY(v: string): boolean {
  return POLICY(v) && !isPasswordWord(v);
}
