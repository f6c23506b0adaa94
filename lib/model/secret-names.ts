/**
 * What the name of a setting says of its value: whether a key (an env var, a ConfigMap key, a flag,
 * a setting in a config file, an annotation) names a secret (`DB_PASSWORD`, `SSH_KEY`, `*_TOKEN`) or a
 * property of one (`TOKEN_AUDIENCE`, `PASSWORD_MIN`), and which values under such a name are no
 * secret all the same (a reference, a switch, an authentication method); those of a custom resource's fields, its
 * `{ name, value }` parameters and annotations are secret-field-names.ts, the words that name a property of one
 * secret-properties.ts, the words that name a secret secret-words.ts. Data tables first, each
 * measured on real configuration (test/model/secret-corpus.test.ts). Pure and synchronous; the rules
 * over a value's text are in secret-rules.ts, the shapes of values in secret-shapes.ts.
 */
import { BoundedMap } from './bounded-map.js';
import { KEY_QUALIFIERS, LAST_WORD_SECRETS, isSecretWord, secretWordOf } from './secret-words.js';
import { NOT_SECRET_LAST_WORDS } from './secret-properties.js';
import { unsetText } from './shell-expansions.js';
import { ID, NAME, OPENSSH_PUBLIC_KEYS, QUANTITY, type Shape, isPlaceholder } from './secret-shapes.js';
import { isEncryptedValue } from './sealed-secret-values.js';

/** Words of a key name: `DB_PASSWORD` -> db, password; `sshKey` -> ssh, key; `tls.key` -> tls, key. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * `<word>_KEY` that holds a key for one program and names a thing for another: PagerDuty's `routing_key`,
 * `service_key` and `integration_key` (Alertmanager's `pagerduty_configs`: 32 hex digits, an MD5's length, which
 * the randomness rule leaves to digests), RabbitMQ's `routing_key` (`orders.created`, `user.*`, `#`), a service's
 * name under `SERVICE_KEY`. A key only when the value is one (`KEY_VALUE`).
 */
const KEY_OR_NAME_QUALIFIERS: ReadonlySet<string> = new Set(['routing', 'service', 'integration']);
/** A key's value: 32 letters and digits or more, mixed (PagerDuty's are 32); not a name, a pattern, nor Duo's integration key of 20. */
const KEY_VALUE = /^(?=[A-Za-z]*[0-9])(?=[0-9]*[A-Za-z])[A-Za-z0-9]{32,}$/;
/** The verdict of a name that holds a key only when its value is one: the property's shape is any other value. */
const NOT_A_KEY: Shape = (v) => !KEY_VALUE.test(v);
/**
 * What a key's name says of its value: `true`, a secret; `false`, none; a shape, the secret's
 * property its last word names, when the value has that shape (the secret itself otherwise).
 */
export type NameVerdict = boolean | Shape;

/** Verdicts by name: the keys of every object of a stage repeat (`name`, `image`, `LOG_LEVEL`), and are split into words once. */
const secretNames = new BoundedMap<string, NameVerdict>(50_000);

export function nameVerdict(name: string): NameVerdict {
  const known = secretNames.get(name);
  return known ?? secretNames.remember(name, fileVerdict(name, judgeName(name)));
}

/**
 * A file's name whose extension is a format of settings or code (`credentials.yml`, `secrets.properties`, `init-passwords.sql`,
 * `rotate-token.sh`): a ConfigMap's key that names the file it holds, whose settings are judged by their own names (the content
 * rules), not by the file's; `password.txt`, `tls.key`, `token.pem` hold the secret itself and are judged by name.
 */
const SETTINGS_FILE =
  /^[\w.-]*[A-Za-z0-9_-]\.(?:ya?ml|json|properties|conf|cfg|cnf|ini|toml|xml|env|hcl|tf|tfvars|sh|bash|sql|py|rb|js|mjs|ts|php|lua|groovy|gradle|kts)$/;

/** A line's setting: a name, then `=` or a colon and a blank, then a value (not base64's padding, `...A==`). */
const SETTING_LINE = /^([A-Za-z_][\w.-]*)(?:[ \t]*=[ \t]*|:[ \t]+)[^\s=]/;

/**
 * A file's text, not one value: several lines, a JSON, flow or XML document (`{`, `[`, `<`), or a setting whose name is words
 * (`vault.addr=https://...`, `name: value`, a blank after its colon); not a word (`Hunter2:xyz`, a password under
 * `password.yml`), base64 (`dGhpcyBp...A==`) nor a password that holds a `=` (`Sup3r=S3cret`).
 */
const FILE_TEXT: Shape = (v) => {
  if (v.includes('\n') || /^[{[<]/.test(v)) return true;
  const setting = SETTING_LINE.exec(v);
  return setting !== null && NAME(setting[1]!);
};

/**
 * What a file's name (SETTINGS_FILE) says of its value: a file's text (FILE_TEXT) is judged by its content, anything else as
 * the name's words say (`verdict`: `password.yml: Hunter2xyz` is a password, `secrets.env: SESSION_SECRET` a variable's name).
 */
function fileVerdict(name: string, verdict: NameVerdict): NameVerdict {
  if (verdict === false || !SETTINGS_FILE.test(name)) return verdict;
  return verdict === true ? FILE_TEXT : (v) => FILE_TEXT(v) || verdict(v);
}

/**
 * Whether a key name (an env var, a ConfigMap key, a command-line flag) says by itself that it holds
 * a secret: not a name that may hold a property of one (`PASSWORD_FILE`), whose value decides (`isSecretSetting`).
 */
export function isSecretName(name: string): boolean {
  return nameVerdict(name) === true;
}

/**
 * Words that make a name a bound or a count wherever they stand (`MAX_TOKENS`, `OPENAI_MAX_TOKENS`,
 * `NUM_TOKENS`, `TOKEN_LIMIT`, `TOKEN_BUCKET_SIZE`: how many tokens a language model reads or
 * writes, or a rate limiter holds): a quantity under such a name is no secret, any other value is.
 */
const BOUND_WORDS = new Set(['max', 'min', 'maximum', 'minimum', 'num', 'limit', 'count', 'size']);

function judgeName(name: string): NameVerdict {
  const w = words(name);
  if (w.length === 0) return false;
  // a key's id names the key and is no secret (Gradle's `signing.keyId`, a service account's `private_key_id`,
  // `AWS_ACCESS_KEY_ID`, whose `AKIA...` the content rules find): the words before it decide (`SECRET_KEY_ID` holds one)
  if (w.length > 2 && w[w.length - 1] === 'id' && w[w.length - 2] === 'key') return judgeName(w.slice(0, -2).join('_'));
  // so does a credential's id, in the store that holds it (Jenkins' `credentialsId: nexus-creds`, a JCasC env's
  // `SONAR_TOKEN_CREDENTIALS_ID: sonar-token`): a name or a UUID is the id; any other value the secret after all
  if (w.length > 1 && w[w.length - 1] === 'id' && CREDENTIAL_WORDS.has(w[w.length - 2]!)) return ID;
  // and a CSRF token's id (`CSRF_TOKEN_ID: <uuid>`, Symfony's `csrf_token_id: authenticate`): what names the token, a name or a
  // UUID; not another token's, whose id is the token (Vault's `VAULT_DEV_ROOT_TOKEN_ID`). A secret's id is a name (AWS Secrets
  // Manager's `secret_id = "prod/db/password"`): Vault AppRole's `secret_id` is a credential, a UUID, which stays one (as does
  // any value of another shape: `CSRF_TOKEN_ID: Xk3q9Lm2Pz7w`)
  if (w.length > 2 && w[w.length - 1] === 'id' && w[w.length - 2] === 'token' && CSRF_WORDS.has(w[w.length - 3]!)) return ID;
  if (w.length > 1 && w[w.length - 1] === 'id' && w[w.length - 2] === 'secret') return NAME;
  // an annotation's name (`nginx.ingress.kubernetes.io/auth-secret: basic-auth`, in a chart's values), its last word `secret`: the
  // Secret it names, as the annotation on an object is read (secret-field-names.ts); `AUTH_SECRET` alone holds one
  if (w[w.length - 1] === 'secret' && ANNOTATION_NAME.test(name)) return SECRET_OBJECT_NAME_SHAPE;
  // the key of a Secret a password is read from (a chart's `auth.secretKeys.adminPasswordKey: postgres-password`,
  // `existingSecretPasswordKey`, Grafana's `admin.passwordKey`): a key's name is words; any other value the secret after all
  if (w.length > 1 && w[w.length - 1] === 'key' && PASSWORD_WORDS.has(w[w.length - 2]!)) return NAME;
  // so is a secret's key in the Secret that holds it, as charts name it (a Keycloak chart's `auth.passwordSecretKey: admin-password`,
  // `tokenSecretKey: token`): that name alone, and a key's name; any other (`PASSWORD_SECRET_KEY`, `ACCESS_TOKEN_SECRET_KEY`,
  // `AUTH_SECRET_KEY`, `jwtSecretKey`, `AWS_SECRET_KEY`) holds a signing or an access key, word-shaped or not
  if (CHART_SECRET_KEY.test(name)) return SECRET_KEY_NAME;
  // Drone's and Woodpecker's `password: { from_secret: docker_password }`: the name of a secret of the CI's store, words
  if (w.length === 2 && w[0] === 'from' && w[1] === 'secret') return NAME;
  // GitHub Actions' `permissions: { id-token: write }`, which lets a job ask for an OIDC token: an access level, not the token
  if (w.length === 2 && w[0] === 'id' && w[1] === 'token') return ACCESS_LEVEL;
  const property = NOT_SECRET_LAST_WORDS.get(w[w.length - 1]!);
  if (property) {
    if (w.length < 2 || !namesSecret(w.slice(0, -1))) return false;
    // a password's, a secret's or a token's own hash (`ADMIN_PASSWORD_HASH: sha256:<hex>`, unsalted) gives the password
    // to anyone who tries the likely ones, as a crypt hash does: the secret; a pin named before `hash` is a digest (`*_CA_CERT_HASH`)
    return w[w.length - 1] === 'hash' && namesSecret(w.slice(-2, -1)) ? true : property;
  }
  if (!namesSecret(w)) return w.length > 1 && w[w.length - 1] === 'key' && KEY_OR_NAME_QUALIFIERS.has(w[w.length - 2]!) ? NOT_A_KEY : false;
  return w.some((x) => BOUND_WORDS.has(x)) ? QUANTITY : true;
}

/** A chart's setting of the key of a Secret that holds a password or a token (`auth.passwordSecretKey`, `tokenSecretKey`). */
const CHART_SECRET_KEY = /(?:^|\.)(?:password|token)SecretKey$/;

/** The name of a Secret's key as charts write one (`admin-password`, `token`, `redis_password`): lowercase words, no digits. */
const SECRET_KEY_NAME: Shape = (v) => v.length <= 253 && /^[a-z]+(?:[-_.][a-z]+)*$/.test(v);

/** The words of a password (before `key`, the key of a Secret that holds it: `adminPasswordKey`). */
const PASSWORD_WORDS: ReadonlySet<string> = new Set(['password', 'passwd', 'pwd', 'passphrase']);

/** An access level, as GitHub Actions' `permissions` give one (`read`, `write`, `none`). */
const ACCESS_LEVEL: Shape = (v) => /^(?:read|write|none)$/.test(v);

/** The words of a CSRF token, before `token_id` (`CSRF_TOKEN_ID`, `csrfTokenId`, `xsrf.token-id`). */
const CSRF_WORDS: ReadonlySet<string> = new Set(['csrf', 'xsrf']);

/** An annotation's name: a DNS subdomain of two labels or more, `/` and a name (`nginx.ingress.kubernetes.io/auth-secret`). */
const ANNOTATION_NAME = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}\/[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** The name of a Secret (`SECRET_OBJECT_NAME`), as a shape. */
const SECRET_OBJECT_NAME_SHAPE: Shape = (v) => SECRET_OBJECT_NAME.test(v);

/** The words of a credential (before `id`, its id: `credentialsId`). */
const CREDENTIAL_WORDS: ReadonlySet<string> = new Set(['credential', 'credentials', 'creds']);

/** Whether words of a name say it is a secret's. */
function namesSecret(w: readonly string[]): boolean {
  // `REDIS_AUTH`, `AUTH`: the last word only (`AUTH_MODE`, `AUTH_ENABLED` and `OAUTH_ENABLED` say how, not with what);
  // `DB_PW`, `MYSQL_ROOT_PW`, `ADMIN_PW` too, a password as some images and scripts name it (not Playwright's `PW_TEST_REPORTER`)
  const read = w.map(secretWordOf);
  if (LAST_WORD_SECRETS.has(read[read.length - 1]!)) return true;
  return read.some((x, i) => isSecretWord(x) || (x === 'key' && i > 0 && KEY_QUALIFIERS.has(read[i - 1]!)));
}

/**
 * Values of a setting named `*_AUTH` that say how a client authenticates, not with what
 * (`SMTP_AUTH: login`, `MONGO_AUTH: scram-sha-256`, `AUTH: none`, OpenVPN's digest, `auth SHA256`); any other word is taken for a
 * password, as Redis images read one from `REDIS_AUTH`. The failure of a missing word is a
 * refusal, which `secrets.allow` excuses, not a leak.
 */
const AUTH_METHODS =
  /^(none|basic|digest|bearer|token|jwt|oauth2?|oidc|saml|ldap|kerberos|gssapi|ntlm|negotiate|sasl|plain|login|password|md5|sha-?(?:1|224|256|384|512)|cram-md5|scram-sha-(1|256)|trust|reject|peer|ident|cert|x509|tls|mtls|iam|anonymous|htpasswd|local|internal|external|default|required|optional|enabled|disabled)$/i;

/**
 * Whether a client certificate is asked for (`KC_HTTPS_CLIENT_AUTH: request`, Spring's
 * `server.ssl.client-auth: need`): only under a name of a client's or TLS's authentication, since
 * under `REDIS_AUTH` such a word is a password.
 */
const CLIENT_AUTH_MODES = /^(request|need|want)$/i;
const isClientAuth = (w: readonly string[]) => w.includes('client') || w.includes('ssl') || w.includes('tls') || w.includes('https');

/**
 * The words of a name whose `1` or `0` is a switch (`MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1`,
 * `MARIADB_RANDOM_ROOT_PASSWORD=1`, `SMTP_AUTH=1`, Rails' `SECRET_KEY_BASE_DUMMY=1`): under any other secret name it is the (weak) password.
 */
const SWITCH_WORDS = new Set([
  'allow',
  'enable',
  'enabled',
  'disable',
  'disabled',
  'random',
  'generate',
  'use',
  'skip',
  'require',
  'auth',
  'dummy',
]);

/**
 * The last word of a setting that names Secrets or their keys rather than holding one
 * (`secrets: db-creds`, `mysqlsecret=password,username`, `"stagecraft.dev/secret-keys": "token"`).
 */
const NAMES_SECRETS = /secrets$|^keys$/;
/**
 * The words before `secret` that say the setting names a Secret object (`existingSecret: db-creds`,
 * `tlsSecret: demoapp-tls`, `imagePullSecret: registry-creds`, a Bitnami chart's `certificatesSecret: pg-tls`); after any other word it holds
 * one (`JWT_SECRET=my-jwt-secret`, `AUTH_SECRET=my-nextauth-secret`, Auth.js's signing secret), a
 * name-like value included. A word run together with `secret` is a Secret's own name (`mysqlsecret=password,username`).
 */
const SECRET_OBJECT_QUALIFIERS = new Set([
  'existing',
  'tls',
  'ssl',
  'ca',
  'cert',
  'certificate',
  'certificates',
  'pull',
  'registry',
  'kubeconfig',
]);

/**
 * Whether a name's words (`words`) name Secrets or their keys rather than a secret (`existingSecret`, `tlsSecret`,
 * `secrets`, `keys`): NAMES_SECRETS, or `secret` after a word of SECRET_OBJECT_QUALIFIERS, or run together with a word.
 */
export function namesSecretObject(w: readonly string[]): boolean {
  const last = w[w.length - 1] ?? '';
  const before = w[w.length - 2] ?? '';
  // `keys` after a word that makes `<word>_KEY` a key holds keys (`apiKeys`, `SSH_KEYS`); after `secret` it may name a Secret's
  if (last === 'keys' && before !== 'secret' && KEY_QUALIFIERS.has(before)) return false;
  return NAMES_SECRETS.test(last) || (last.endsWith('secret') && (last !== 'secret' || SECRET_OBJECT_QUALIFIERS.has(before)));
}

/**
 * A chart's or an operator's setting of the Secret that holds a password or credentials, camelCased as their values and fields
 * are (`passwordSecret: redis-creds`, `auth.adminPasswordSecret`, `credentialsSecret`): under it a Secret's name is a name. Not
 * Graylog's `password_secret` (`GRAYLOG_PASSWORD_SECRET`), the pepper of its users' passwords, nor a token's secret (OAuth 1's
 * `tokenSecret`, `ACCESS_TOKEN_SECRET`), which hold one.
 */
const SECRET_OF_PASSWORD = /(?:^|[^A-Za-z])(?:passwords?|credentials?|creds)Secret$|[a-z0-9](?:Passwords?|Credentials?|Creds)Secret$/;

/**
 * An /etc/passwd file's lines (`root:x:0:0:root:/root:/bin/bash`), as a ConfigMap under `passwd` gives an image run as an arbitrary
 * user (nss_wrapper's, OpenShift's): each a user, `x` or `*` for the password kept elsewhere (a hash there is one), its ids, its
 * comment, home and shell. No secret, whatever its name.
 */
const PASSWD_FILE = /^(?:[^:\s]+:[x*!]?:[0-9]+:[0-9]+:[^:\n]*:[^:\n]*:[^:\n]*(?:\r?\n|$))+$/;

/** A Secret's name (or a key's): a DNS-1123 subdomain. */
export const SECRET_OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Whether the value of a setting named `name` is a secret because of its name: the name is a
 * secret's (`isSecretName`), or names a property of one and the value lacks the property's shape;
 * and the value is no reference or switch (`isPlaceholder`, `1`/`0` under a switch's name; a value of references and text is
 * judged by the text it holds with them unset, shell-expansions.ts: `$(SECRETS_DIR)/db-password` is a path), nor
 * the name of a Secret under a name that names one (`existingSecret: db-creds`), nor empty, nor, under a name
 * ending in `auth` (which names a password or a method), a method (`basic`) or a URL without a
 * password (one with is found by its content). One rule for a key (a ConfigMap key, an env var)
 * and for a setting in a file's text (a `.env` file in a ConfigMap).
 */
export function isSecretSetting(name: string, value: string): boolean {
  return judgeSetting(name, value, true);
}

/** `isSecretSetting`, reading the value's references (`expand`) or not: the text a value holds with them unset is read once. */
function judgeSetting(name: string, value: string, expand: boolean): boolean {
  const verdict = nameVerdict(name);
  const v = value.trim();
  // an empty value holds nothing (`DB_PASSWORD: ""`, a password left unset): the stacks' refine steps refused it, and
  // `secrets.allow` could not excuse it, since the screen of the output finds nothing there
  if (verdict === false || v === '' || isPlaceholder(value) || isEncryptedValue(v) || PASSWD_FILE.test(v) || OPENSSH_PUBLIC_KEYS(v))
    return false;
  // a value of references and text (Kubernetes' `$(SECRETS_DIR)/db-password`, a shell's `${X:-<default>}`): the text it holds with
  // them unset, whether they stand for nothing or a word (`/db-password`, `x/db-password`: a path under `DB_PASSWORD_FILE`); that
  // text is not read for references again (a `$` kept before each, `$$$(x)(x)`, made one call and one copy per `$`)
  const unset = expand && v.includes('$') ? unsetText(v, true, '') : undefined;
  if (unset !== undefined) return judgeSetting(name, unset, false) && judgeSetting(name, unsetText(v, true, 'x')!, false);
  // a file's text of one line ends in a line break, which the trim took away (`init-passwords.sql: "CREATE USER ...;\n"`)
  if (verdict !== true) return !verdict(SETTINGS_FILE.test(name) && /\n\s*$/.test(value) ? `${v}\n` : v);
  const w = words(name);
  // a word in the plural as namesSecret reads it (`secretWordOf`): `AUTHS` holds a switch, a method or a URL as `AUTH` does
  const last = secretWordOf(w[w.length - 1]!);
  if ((v === '0' || v === '1') && w.some((x) => SWITCH_WORDS.has(secretWordOf(x)))) return false;
  if (namesSecretObject(w) || SECRET_OF_PASSWORD.test(name)) return !SECRET_OBJECT_NAME.test(v);
  if (last !== 'auth') return true;
  return !AUTH_METHODS.test(v) && !(CLIENT_AUTH_MODES.test(v) && isClientAuth(w)) && !/^[a-z][a-z0-9+.-]*:\/\/\S*$/i.test(v);
}

/**
 * What a stack's refine step says of a setting it refuses by the name of its key (`config/secret-value`)
 * when the value is not secret: the stage file's exception, which lets the screen of its output
 * judge the value (lib/config/load.ts drops the refusal of a setting `secrets.allow` names).
 */
export const NOT_SECRET_SETTING_HINT = 'if it is not secret, add { path: <this setting>, reason: <why> } under secrets.allow';
