/**
 * What the name of a setting says of its value: whether a key (an env var, a ConfigMap key, a flag,
 * a setting in a config file, an annotation) names a secret (`DB_PASSWORD`, `SSH_KEY`, `*_TOKEN`) or a
 * property of one (`TOKEN_AUDIENCE`, `PASSWORD_MIN`), and which values under such a name are no
 * secret all the same (a reference, a switch, an authentication method). Data tables first, each
 * measured on real configuration (test/model/secret-corpus.test.ts). Pure and synchronous; the rules
 * over a value's text are in secret-rules.ts.
 */
import { BoundedMap } from './bounded-map.js';

/** A reference a container or shell expands (`$(DB_PASSWORD)`, `${TOKEN}`), not a value. */
export const REFERENCE = /^\$(\([A-Za-z_][A-Za-z0-9_]*\)|\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

/** Words of a key name: `DB_PASSWORD` -> db, password; `sshKey` -> ssh, key; `tls.key` -> tls, key. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A key with one of these words holds a secret: `DB_PASS`, `PWD`, `API_TOKEN`, `CLIENT_SECRET`. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
  'creds',
  'apikey',
  'privatekey',
  'secretkey',
  'accesskey',
  // Redis's passwords, by the names of its own settings and flags (`--requirepass`, `--masterauth`)
  'requirepass',
  'masterauth',
]);
/**
 * A word that ends in one of these is a secret word run together with another
 * (`ROOTPASSWORD`, `--authtoken`, `clientsecret`); `pass` is left out (`bypass`, `compass`).
 */
const SECRET_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token'];
/** `<word>_KEY` holds a key when the word says which: `SSH_KEY`, `TLS_KEY`, `API_KEY`, `tls.key`. */
const KEY_QUALIFIERS = new Set([
  'api',
  'private',
  'secret',
  'access',
  'ssh',
  'tls',
  'ssl',
  'signing',
  'encryption',
  'master',
  'client',
  'auth',
  'license',
  'session',
  'hmac',
  // Airflow's AIRFLOW__CORE__FERNET_KEY, which encrypts its connections; Vault's unseal keys
  'fernet',
  'unseal',
]);
/**
 * A key whose last word is one of these names a property of a secret, not the secret itself: where
 * it is or comes from (`PASSWORD_FILE`, `--token-auth-file`, `SECRET_NAME`, `SECRET_MOUNT`,
 * `SESSION_SECRET_ENV: SESSION_SECRET`, `SECRET_PROVIDER: vault`), how it is sent or checked
 * (`CSRF_TOKEN_HEADER`, `AUTH_TOKEN_TYPE`, `TOKEN_AUDIENCE`, `OIDC_ID_TOKEN_SIGNING_ALG`), its
 * rules and bounds (`PASSWORD_POLICY`, `PASSWORD_MIN`, `PASSWORD_HASHERS`) or its lifetime
 * (`TOKEN_TIMEOUT`, `ACCESS_TOKEN_EXPIRES_IN`, `ACCESS_TOKEN_EXPIRE_MINUTES`). A public certificate
 * (`CERT`, `CA_CERT`, `tls.crt`) is not a secret either; a private key in it is found by its content.
 * What a name ends in after its secret word is never a secret's own name (`TOKEN_GITHUB`,
 * `PASSWORD_2` hold secrets): only words that name a property belong here.
 */
const NOT_SECRET_LAST_WORDS = new Set([
  // where it is, or what refers to it
  'file',
  'path',
  'dir',
  'name',
  'ref',
  'url',
  'uri',
  'endpoint',
  'mount',
  'env',
  'var',
  'store',
  'alias',
  'provider',
  'backend',
  'engine',
  'kwargs',
  'cmd',
  'command',
  'role',
  'version',
  // how it is sent, issued or checked
  'header',
  'prefix',
  'type',
  'issuer',
  'audience',
  'scope',
  'scopes',
  'method',
  'alg',
  'algorithm',
  // its rules and bounds
  'policy',
  'policies',
  'hashers',
  'rounds',
  'min',
  'max',
  'length',
  'attempts',
  // its lifetime
  'ttl',
  'expiry',
  'expires',
  'expiration',
  'in',
  'at',
  'timeout',
  'interval',
  'lifetime',
  'duration',
  'validity',
  'seconds',
  'minutes',
  'hours',
  'days',
  // public halves
  'crt',
  'cert',
  'pub',
]);

/** Verdicts of `isSecretName` by name: the keys of every object of a stage repeat (`name`, `image`, `LOG_LEVEL`), and are split into words once. */
const secretNames = new BoundedMap<string, boolean>(50_000);

/** Whether a key name (an env var, a ConfigMap key, a command-line flag) looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  const known = secretNames.get(name);
  return known ?? secretNames.remember(name, judgeName(name));
}

function judgeName(name: string): boolean {
  const w = words(name);
  if (w.length === 0 || NOT_SECRET_LAST_WORDS.has(w[w.length - 1]!)) return false;
  // `REDIS_AUTH`, `AUTH`: the last word only (`AUTH_MODE`, `AUTH_ENABLED` and `OAUTH_ENABLED` say how, not with what)
  if (w[w.length - 1] === 'auth') return true;
  return w.some(
    (x, i) => SECRET_WORDS.has(x) || SECRET_SUFFIXES.some((s) => x.endsWith(s)) || (x === 'key' && i > 0 && KEY_QUALIFIERS.has(w[i - 1]!)),
  );
}

/**
 * The last words of an annotation's name that say it holds the secret itself (`vault.example.com/token`,
 * `.../password`, `.../api-key`, `.../auth-token`); not `secret`, `secrets`, `credentials` or `auth`, whose
 * annotations name a Secret or a method (`nginx.ingress.kubernetes.io/auth-secret: basic-auth`).
 */
const ANNOTATION_SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'passphrase',
  'token',
  'apikey',
  'privatekey',
  'secretkey',
  'accesskey',
]);

/** Whether an annotation's name is a secret's, by name: every object of an app repeats its annotations. */
const secretAnnotations = new BoundedMap<string, boolean>(50_000);

/**
 * Whether an annotation (`name`: its key, prefix and all) holds a secret by its name and value: the
 * name after its prefix ends in a secret's word (ANNOTATION_SECRET_WORDS, a word ending in
 * `password`, `passphrase` or `token`, or `key` after a word that says which: `api-key`), and the value
 * looks like one: a single word of 8 characters or more that mixes two kinds of character (letters
 * of both cases, digits, symbols), and no reference, switch, number, path or URL. Annotations carry
 * settings of every tool, so a word (`required`, `vault-agent`) is taken for a setting, not a password.
 */
export function isSecretAnnotation(name: string, value: string): boolean {
  let named = secretAnnotations.get(name);
  if (named === undefined) {
    const w = words(name.slice(name.lastIndexOf('/') + 1));
    const last = w[w.length - 1] ?? '';
    named = secretAnnotations.remember(
      name,
      ANNOTATION_SECRET_WORDS.has(last) ||
        SECRET_SUFFIXES.some((x) => x !== 'secret' && last.endsWith(x)) ||
        (last === 'key' && w.length > 1 && KEY_QUALIFIERS.has(w[w.length - 2]!)),
    );
  }
  if (!named || !/^\S{8,}$/.test(value) || isPlaceholder(value) || /^[-+]?[0-9.]+$/.test(value)) return false;
  if (/^[/.~${%<|>*&![]/.test(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9._-]/].filter((k) => k.test(value)).length;
  return kinds >= 2;
}

/**
 * Values of a setting named `*_AUTH` that say how a client authenticates, not with what
 * (`SMTP_AUTH: login`, `MONGO_AUTH: scram-sha-256`, `AUTH: none`; whether a client certificate is asked
 * for, `KC_HTTPS_CLIENT_AUTH: request`, Spring's `server.ssl.client-auth: need`); any other word is taken for a
 * password, as Redis images read one from `REDIS_AUTH`. The failure of a missing word is a
 * refusal, which `secrets.allow` excuses, not a leak.
 */
const AUTH_METHODS =
  /^(none|basic|digest|bearer|token|jwt|oauth2?|oidc|saml|ldap|kerberos|gssapi|ntlm|negotiate|sasl|plain|login|password|md5|cram-md5|scram-sha-(1|256)|trust|reject|peer|ident|cert|x509|tls|mtls|iam|anonymous|htpasswd|local|internal|external|default|required|optional|request|need|want|enabled|disabled|[01])$/i;

/**
 * Whether the value of a setting named `name` is a secret because of its name: the name is a
 * secret's (`isSecretName`) and the value is no reference or switch (`isPlaceholder`), nor, under a
 * name ending in `auth` (which names a password or a method), a method (`basic`) or a URL without
 * a password (one with is found by its content).
 */
export function isSecretSetting(name: string, value: string): boolean {
  if (!isSecretName(name) || isPlaceholder(value)) return false;
  const w = words(name);
  if (w[w.length - 1] !== 'auth') return true;
  const v = value.trim();
  return !AUTH_METHODS.test(v) && !/^[a-z][a-z0-9+.-]*:\/\/\S*$/i.test(v);
}

/**
 * What a stack's refine step says of a setting it refuses by the name of its key (`config/secret-value`)
 * when the value is not secret: the stage file's exception, which lets the screen of its output
 * judge the value (lib/config/load.ts drops the refusal of a setting `secrets.allow` names).
 */
export const NOT_SECRET_SETTING_HINT = 'if it is not secret, add { path: <this setting>, reason: <why> } under secrets.allow';

/**
 * Whether a value only refers to another (`$(DB_PASSWORD)`) or is a switch (`true`, as in
 * `MYSQL_RANDOM_ROOT_PASSWORD: "true"`, or `1`, as MariaDB's image documents
 * `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1`): such a value is no secret, whatever its key's name.
 */
export function isPlaceholder(value: string): boolean {
  return REFERENCE.test(value.trim()) || /^(true|false|yes|no|on|off|0|1)$/i.test(value.trim());
}
