/**
 * What a value looks like, for the judgements of a secret's name (secret-names.ts) and of a value's
 * text (secret-rules.ts): the shapes a property of a secret has (a quantity, a path, a URL, a name as
 * people write them, a command), and what is no value at all: a reference the container or shell
 * expands, a template's reference or a placeholder; and randomness (entropy, a random string, a token as a
 * URL's user). Pure and synchronous.
 */
import { unwrapBase64 } from './base64.js';
import { oncePerText } from './once-per-text.js';
import { PRINTABLE, inEncryptedValue, inSealedSecret } from './sealed-secret-values.js';

/** A reference a container or shell expands (`$(DB_PASSWORD)`, `${TOKEN}`), not a value. */
export const REFERENCE = /^\$(\([A-Za-z_][A-Za-z0-9_]*\)|\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

/** printf's verb, whole (Go's, Java's, C's and Python's `%s`, `%v`, `%[2]s`, `%-10s`, Python's `%(password)s`). */
const PRINTF_VERB = /^%(?:\[[0-9]+\]|\([A-Za-z_]\w*\))?[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z]$/;
/** A brace of Python's `str.format`, an f-string or .NET's `string.Format`, whole: what it names (group 1), a conversion, a format. */
const FORMAT_BRACE = /^\{([\w.[\]]*)(?:![rsa])?(?::[^{}\s]*)?\}$/;

/**
 * A placeholder a format string fills in, whole: printf's verb (`%s`, `%[2]s`, `%(password)s`) or a brace that is empty, a number
 * or names of words (`{}`, `{0}`, `{password}`, `{cfg.pw!s}`; not `{Xk3q9Lm2Pz7w}`): a connect string built by code
 * (`"postgres://%s:%s@%s/%s"`), no value.
 */
export const FORMAT_PLACEHOLDER: Shape = (v) => {
  const named = FORMAT_BRACE.exec(v)?.[1];
  return PRINTF_VERB.test(v) || (named !== undefined && NAME(named.replace(/[[\]]/g, '.')));
};

/** What a value must look like to be the property a name's last word names (`PASSWORD_MIN: 8`), not the secret itself. */
export type Shape = (value: string) => boolean;

/** A number, a size, a duration, a range or a date: `8`, `30s`, `1h30m`, `10MiB`, `8..128`, `PT1H`, `2027-01-01T00:00:00Z`, `never`. */
export const QUANTITY: Shape = (v) =>
  /^[-+]?[0-9]+(?:\.[0-9]+)?(?:[ \t]?[A-Za-z]{1,7})?$/.test(v) ||
  /^(?:[0-9]+(?:\.[0-9]+)?[a-z]{1,7})+$/.test(v) ||
  /^[0-9]+\.\.[0-9]+$/.test(v) ||
  /^P(?:[0-9]+[YMWD])*(?:T(?:[0-9]+(?:\.[0-9]+)?[HMS])+)?$/.test(v) ||
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?$/.test(v) ||
  /^(?:never|none|unlimited|infinite|infinity)$/i.test(v);

/** The name of an environment variable, as they are written: upper case (`SESSION_SECRET`). */
export const ENV_NAME: Shape = (v) => /^[A-Z_][A-Z0-9_]*$/.test(v);

/** A URL (`https://sso.example.com/token`), an absolute path or a host and port. */
export const URL: Shape = (v) => /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(v) || /^\/\S*$/.test(v) || /^[a-z0-9.-]+:[0-9]{1,5}$/.test(v);

/**
 * A path (`/run/secrets/pw`, `secret/data/app`, `~/.aws/credentials`), maybe after a scheme
 * (`classpath:keystore.p12`), or a file's name with its extension (`keystore.p12`), or a Windows path (`C:\secrets\db`).
 */
export const PATH: Shape = (v) =>
  /^(?:[a-z][a-z0-9+.-]*:)?(?:~|\.{1,2})?\/\S*$/.test(v) ||
  /^[A-Za-z]:\\\S*$/.test(v) ||
  /^(?:[a-z][a-z0-9+.-]*:)?[\w.-]+(?:\/[\w.-]+)+\/?$/.test(v) ||
  /^(?:[a-z][a-z0-9+.-]*:)?[\w-]+(?:\.[\w-]+)*\.[a-z][a-z0-9]{0,4}$/.test(v);

/**
 * One word of an identifier as people write them: lower case, upper case, Capitalized or camelCase,
 * digits at its end or before a capital (`bearer`, `PKCS12`, `RS256`, `OAuth2`, `Argon2PasswordHasher`);
 * not the mix of a made-up password (`Sup3rS3cret`, `abcDEF123`, `k3yMaterialAbc`, `Abc123XyZ987`).
 */
const WORD = /^(?:[A-Z]+|[A-Z]*[a-z]+(?:[A-Z][a-z]+)*)(?:[0-9]+(?:[A-Z][a-z]+)+)*[0-9]*$|^[0-9]+$/;

/**
 * Words written with a number within them, which a made-up password's mix is otherwise told by (`s3cr3t`): numeronyms, as names
 * of teams, apps and Secrets hold them (`k8s-app`, `e2e-tests`, `i18n-svc`, `b2b-api`), and the names of algorithms and curves
 * (`argon2id`, the password hasher OWASP advises, `EdDSA`, `ES256K`, `secp256k1`, JWE's `A256GCM` and `A128CBC-HS256`,
 * `blake2b`). A data table, read in lower case.
 */
const WORDS_WITH_NUMBERS: ReadonlySet<string> = new Set([
  ...['k8s', 'k3s', 'e2e', 'b2b', 'b2c', 'm2m', 'p2p', 'i18n', 'l10n', 'g11n', 'a11y', 'o11y', 'w3c'],
  ...['argon2id', 'argon2i', 'argon2d', 'eddsa', 'es256k', 'secp256k1', 'secp256r1', 'secp384r1', 'secp521r1', 'prime256v1'],
  ...['a128gcm', 'a192gcm', 'a256gcm', 'a128kw', 'a192kw', 'a256kw', 'a128cbc', 'a192cbc', 'a256cbc', 'blake2b', 'blake2s'],
]);

/**
 * A name, a kind or a list of them (`backend`, `php_fpm`, `scram-sha-256`): words joined by `-_.:/@` (`X-CSRF-Token`, `read:all`, `app-read`,
 * `glpat-`, `django.contrib.auth.hashers.Argon2PasswordHasher`, `k8s-app`, `argon2id`), blanks or commas, a URL
 * (`TOKEN_ISSUER: https://auth.example.com`) or a number (`..._VERSION: 2`).
 */
export const NAME: Shape = (v) =>
  v.length <= 200 &&
  v
    .split(/[\s,]+/)
    .every(
      (item) =>
        item === '' ||
        URL(item) ||
        item.split(/[-_.:/@]+/).every((w) => w === '' || WORD.test(w) || WORDS_WITH_NUMBERS.has(w.toLowerCase())),
    );

/**
 * Words of a sentence, as a help text or a label says them (`Use at least 12 characters, with a digit.`, `Enter your token`): three
 * words or more, one of lower-case letters at least; not a token, nor a password of one word with a blank before it.
 */
export const SENTENCE: Shape = (v) => /^\S+(?:[ \t]+\S+){2,}$/.test(v.trim()) && /(?:^|[ \t])[a-z]{2,}[,.:;!?]?(?=[ \t]|$)/.test(v.trim());

/**
 * A policy: a name (`NAME`: `strong`) or Keycloak's rules of a password, each a name and its argument joined by `and`
 * (`length(8) and digits(1) and notUsername(undefined)`).
 */
export const POLICY: Shape = (v) => NAME(v) || /^[A-Za-z]+\([^()\n]*\)(?:[ \t]+and[ \t]+[A-Za-z]+\([^()\n]*\))*$/.test(v);

/** An identifier in a store: a name (`NAME`: `nexus-creds`) or a UUID, as Jenkins makes a credential's id. */
export const ID: Shape = (v) => NAME(v) || /^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(v);

/** A URL, a host and port or an absolute path (`http://api:8080`, `127.0.0.1:3031`), or a Unix socket (`unix:/run/php.sock`): where a request goes. */
export const isAddress = (v: string): boolean => URL(v) || /^unix:\/\S*$/.test(v);

/**
 * A path of two segments or more (`/tmp/pw`, `~/.secrets/db`): where a secret is kept, as kubectl's
 * `--from-file=password=/tmp/pw` names one, not the secret.
 */
export const FILE_PATH = /^(?:~|\.{1,2})?(?:\/[\w.-]+){2,}\/?$/;

/** A path or a short lower-case name: a Vault mount (`secret`), a key store (`classpath:keystore.p12`). */
export const PATH_OR_NAME: Shape = (v) => PATH(v) || /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/.test(v);

/**
 * A command that reads the secret from somewhere (`cat /run/secrets/fernet-key`, `vault kv get ...`):
 * its first word a program; not `echo`/`printf`, which print a secret written in the command itself.
 */
export const COMMAND: Shape = (v) => {
  const program = /^(?:\S*\/)?([a-z][a-z0-9._-]*)(?:\s|$)/.exec(v.trim())?.[1];
  return program !== undefined && !/^(?:echo|printf|print)$/.test(program) && !v.includes('<<<');
};

/**
 * A digest named by its algorithm (`sha256:<hex>`): a pin of a certificate or a public key, as kubeadm's
 * `--discovery-token-ca-cert-hash` takes one (a password's hash is said by its crypt format, `$2y$...`, found by its content,
 * or by its name, `ADMIN_PASSWORD_HASH`: secret-names.ts's judgeName).
 */
export const DIGEST: Shape = (v) => /^(?:sha(?:1|224|256|384|512)|md5):[0-9a-fA-F]{32,128}$/.test(v);

/**
 * OpenSSH public keys, one a line as an authorized_keys file has them (`ssh-ed25519 AAAA... alice@example.com`): public whatever
 * the setting's name (`SSH_KEY`, `sshKeys`); a secret in a line's comment is still found by its content.
 */
export const OPENSSH_PUBLIC_KEYS: Shape = (v) =>
  /^(?:(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA[A-Za-z0-9+/]+={0,3}(?:[ \t][^\n]*)?(?:\r?\n|$))+$/.test(
    v,
  );

/** Anything: a certificate or a public key is public (a private key in it is found by its content). */
export const PUBLIC: Shape = () => true;

/**
 * A value a template makes (an ExternalSecret's `template.data.password: "{{ .password }}"`, Concourse's
 * `((db-password))`): a custom resource's field holds what a controller fills in.
 */
export const isTemplated = (value: string) => value.includes('{{') || value.includes('((');

/**
 * A template's reference or a placeholder written for a person to replace, whole: Go templates and
 * Helm (`{{ .password }}`, as an ExternalSecret's template writes one), Concourse (`((vault:token))`),
 * Azure DevOps token replacement (`#{ApiToken}#`), `__API_TOKEN__`, `[REDACTED]`, `<your token>`, WordPress' sample salt
 * (`put your unique phrase here`), and a run of
 * `x` or `*` (`xxxxxxxxxxxxxxxx`, `********`).
 */
const TEMPLATE =
  /^(?:put your unique phrase here|\{\{[^{}]*\}\}|\(\([^()]*\)\)|#\{[^{}]*\}#?|__[A-Za-z0-9_]+__|\[[A-Za-z _-]+\]|<[^<>]+>|[xX]{4,}|\*{4,})$/;

/**
 * Whether the credentials of an Authorization header (what follows its scheme: `Bearer <credentials>`)
 * are none: a reference, a template or a placeholder (`$(TOKEN)`, `<token>`, `((vault:token))`,
 * `__API_TOKEN__`, `xxxxxxxx`: `isPlaceholder`), or words, a placeholder's name or prose
 * (`YOUR_API_TOKEN`, `Authorization: none required for health checks`).
 */
export const isPlaceholderCredential = (c: string): boolean => /^[${%<]/.test(c) || isPlaceholder(c) || NAME(c);

/**
 * A reference a Kafka config provider resolves (`${file:/etc/kafka/secrets/creds.properties:keystore.password}`,
 * `${directory:/mnt/secrets:key-password}`, `${env:SSL_KEY_PASSWORD}`): the provider's name, a path and a key, or the
 * environment's variable; not Spring's `${db.password:<default>}`, whose default is a value.
 */
const CONFIG_PROVIDER = /^\$\{(?:[a-z][a-z0-9]*:[^:{}\s]*:[\w.-]+|env:[A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * A CI system's secret or variable named in an expression's context, bare as a step's `if:`, a Helm chart's values and the
 * runners' docs write it (`secrets.DB_PASSWORD`, `vars.REGISTRY_USER`, `env.API_TOKEN`, `inputs.registry-password`, GitHub
 * Actions' and Gitea's contexts): a variable's name (`CONTEXT_NAME`), not a password after a dot (`secrets.Xk3q9Lm2Pz7w`,
 * `env.Summer2024`).
 */
const CONTEXT_REFERENCE = /^(?:(?:secrets|vars|env)\.([A-Za-z_][A-Za-z0-9_]*)|inputs\.([A-Za-z_][A-Za-z0-9_-]*))$/;
/**
 * A variable's name as CI systems' contexts hold them: words of one case joined by `_` (`DB_PASSWORD`, `registry_password`; `-`
 * only in an input's, `registry-password`: GitHub's secrets and variables take none) or camelCase words (`registryPassword`),
 * each an identifier's word (digits at its end, `GH_PAT_V2`); a word of letters and digits alone is a password's shape
 * (`Summer2024`, `hunter2`, `P4ssw0rd`), as are a capitalized one (`Summer_2024`) and words of a password's mix (`p4ss_w0rd`): none.
 */
const CONTEXT_NAME =
  /^_*(?:[A-Z]+[0-9]*(?:_+(?:[A-Z]+[0-9]*|[0-9]+))*|[a-z]+[0-9]*(?:[-_]+(?:[a-z]+[0-9]*|[0-9]+))*|[a-z]+(?:[A-Z][a-z]+)+)_*$/;
const isContextReference = (v: string): boolean => {
  const m = CONTEXT_REFERENCE.exec(v);
  const name = m?.[1] ?? m?.[2];
  return name !== undefined && CONTEXT_NAME.test(name) && !/^_*[A-Za-z]+[0-9][A-Za-z0-9]*_*$/.test(name);
};

/**
 * A property Maven's resource filtering fills in, as Spring Boot's build writes it (`spring.datasource.password=@db.password@`),
 * or a build's token between `@@` (`@@AUTH_TOKEN@@`): a property's name of two words or more, each of one case, one of them a
 * secret's (`db.password`, `env.DB_PASSWORD`, `jdbc.pwd`, `maps.apiKey`: `FILTERED_SECRET_WORD`); not a password between `@`
 * (`@Summer2024@`, `@hunter2@`) nor a passphrase's words (`@correct.horse.battery.staple@`, `@hunter.two@`).
 */
const FILTERED = /^(@@?)([A-Za-z][\w.-]*)(@@?)$/;
/** A word of a secret's name in a filtered property's (`password`, `passwd`, `pwd`, `pw`, `secret`, `token`, `key`, `apikey`, `credentials`, `auth`). */
const FILTERED_SECRET_WORD =
  /^(?:pass(?:word|wd|phrase)?s?|pw|pwd|secrets?|tokens?|(?:api|access|private|secret|signing|master|encryption)?keys?|credentials?|auth)$/i;
const isFilteredProperty = (v: string): boolean => {
  const m = FILTERED.exec(v);
  if (m === null || m[1] !== m[3]) return false;
  const parts = m[2]!.split(/[._-]/);
  return (
    parts.length >= 2 &&
    parts.every((p) => /^(?:[a-z]+(?:[A-Z][a-z]+)*|[A-Z]+)$/.test(p)) &&
    parts.some((p) => p.split(/(?=[A-Z][a-z])/).some((w) => FILTERED_SECRET_WORD.test(w)))
  );
};

/**
 * Whether a value only refers to another (`$(DB_PASSWORD)`, `{{ .password }}`: `TEMPLATE`, a config provider's `CONFIG_PROVIDER`, a
 * CI system's context, `secrets.DB_PASSWORD`: `CONTEXT_REFERENCE`, Maven's filtered property, `@db.password@`: `FILTERED`), is a
 * placeholder for one (`__API_TOKEN__`), is a switch (`true`, as in `MYSQL_RANDOM_ROOT_PASSWORD: "true"`) or no value in code
 * (Python's `password=None`, `null`, `nil`, `undefined`):
 * such a value is no secret, whatever its key's name (`1` and `0` are switches only under a switch's name: `isSecretSetting`).
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return (
    REFERENCE.test(v) ||
    /^(?:true|false|yes|no|on|off|null|nil|none|undefined)$/i.test(v) ||
    TEMPLATE.test(v) ||
    CONFIG_PROVIDER.test(v) ||
    isContextReference(v) ||
    isFilteredProperty(v)
  );
}

/**
 * Base64's characters, or base64url's (`-` and `_` for `+` and `/`, as JWTs and Kubernetes' bootstrap tools write it), then its
 * padding (`cGFzc3dvcmQ9SHVudGVyMnB3`, of `password=Hunter2pw`), and hex's digits: whole quads and whole bytes are told by the length
 * (`encodedText`), not by a repeated group, which overflowed the regular expression's stack above 4 MiB.
 */
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;
const HEX_TEXT = /^[0-9a-fA-F]+$/;
/**
 * What base64 wrapped at a column (`base64`'s 76, PEM's 64) holds besides its characters: line breaks, taken out before it is
 * told (a character outside both, found, says it is none; not a repeated group of lines, which overflowed the stack).
 */
const NOT_WRAPPED_BASE64 = /[^A-Za-z0-9+/_=\r\n-]/;
/** The fewest characters of encoded text (hex of 8 bytes, base64 of 9): shorter, a word or a number is hex or base64 too. */
const ENCODED_MIN_CHARS = { hex: 16, base64: 12 } as const;
/**
 * How much of an encoded value is decoded and screened (64 KiB, whole quads and bytes): a secret in the text of a longer one
 * is found in its first part, and a file's bytes of megabytes (an image, an archive) are not decoded whole.
 */
const ENCODED_CHARS = 1 << 16;

/** How a value may encode the text it holds (`encodedText`), as a message says it: `(in base64)`. */
export type TextEncoding = 'base64' | 'hex' | 'URL encoding';

/** A percent escape of a delimiter a credential is written with (`:`, `/`, `@`, `=`): a URL or a setting written URL-encoded. */
const PERCENT_DELIMITER = /%(?:3[ADad]|40|2[Ff])/;

/**
 * The text a value percent-encodes (`postgres%3A%2F%2Fapp%3A...%40db`, `password%3D...`), when it escapes a delimiter a credential is
 * written with; each run of escapes decoded as UTF-8, a run that is none left as written (`100%`, `%ZZ`). Of a long value, its first
 * ENCODED_CHARS.
 */
function percentDecoded(value: string): { readonly text: string; readonly encoding: TextEncoding } | undefined {
  if (!PERCENT_DELIMITER.test(value)) return undefined;
  const text = value.slice(0, ENCODED_CHARS).replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run; // no UTF-8 (`%E0%A4`, cut short): read as written
    }
  });
  return { text, encoding: 'URL encoding' };
}

/**
 * The text a value encodes in base64, hex or URL encoding, and which (`password=Hunter2pw` in `cGFzc3dvcmQ9SHVudGVyMnB3`, in
 * `password%3DHunter2pw`), when it is printable text (of a long value, its first ENCODED_CHARS decoded); `undefined` for any other
 * value (a digest, a git commit, a key's random bytes decode to no text).
 */
export function encodedText(value: string): { readonly text: string; readonly encoding: TextEncoding } | undefined {
  if (value.includes('%')) return percentDecoded(value);
  if (value.length % 2 === 0 && HEX_TEXT.test(value)) return decoded(value, 'hex');
  const unwrapped = value.includes('\n') && !NOT_WRAPPED_BASE64.test(value) ? unwrapBase64(value) : value;
  // padded or not (`=` left out, as base64url often is): a last quad of one character is no base64. In the URL-safe alphabet
  // with a capital: text's base64 has capitals, and a name joined by `-` or `_` (`app-0001-mysql-backup`, in every object) none,
  // which spares decoding it (5 times the check's cost on a fleet's cold synth)
  return unwrapped.length % 4 !== 1 && BASE64_TEXT.test(unwrapped) && (!/[-_]/.test(unwrapped) || /[A-Z]/.test(unwrapped))
    ? decoded(unwrapped, 'base64')
    : undefined;
}

/** The text `value` decodes to in `encoding` (base64 of either alphabet: Node reads both), when it is long enough and printable. */
function decoded(value: string, encoding: 'base64' | 'hex'): { readonly text: string; readonly encoding: 'base64' | 'hex' } | undefined {
  if (value.length < ENCODED_MIN_CHARS[encoding]) return undefined;
  const text = Buffer.from(value.slice(0, ENCODED_CHARS), encoding).toString('latin1');
  return PRINTABLE.test(text) ? { text, encoding } : undefined;
}

/** Bits of information per character of `s` (Shannon entropy of its characters). */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

export const hasClasses = (s: string) => /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);

/** Long base64 or base64url text with at least this many bits per character counts as random. */
export const ENTROPY_THRESHOLD = 4.0;
/** ... and at least this many characters (a 128-bit key is 22 base64 characters; 32 leaves room for words). */
export const ENTROPY_MIN_LENGTH = 32;
/**
 * Long hex text with at least this many bits per character counts as random: random hex has close
 * to 4 (48 random hex digits have 3.7 or more); a run of one repeated digit (`bbb...`, a long name
 * or tag) has 0, and a few digits in turn (`abab...`) 1 or 2.
 */
export const HEX_ENTROPY_THRESHOLD = 3.0;

/**
 * Hex strings of these lengths are digests (MD5 32, SHA-1 and git commits 40, SHA-224 56,
 * SHA-256 64, SHA-384 96, SHA-512 128): labels and annotations carry them on purpose.
 */
const DIGEST_LENGTHS = new Set([32, 40, 56, 64, 96, 128]);

/** How far before hex text `highEntropy` looks for a digest's prefix (`sha512:`, `md5:`). */
const DIGEST_PREFIX_CHARS = 16;

/** Bits per character from which letters and digits of a URL's user are taken for a random token (20 random ones have 4 or more). */
const TOKEN_USER_ENTROPY = 3.5;

/** Whether the user of a URL is a token: hex of a token's length (40 or more, not a Sentry key's 32), or letters and digits at random, not words. */
export function isTokenUser(user: string): boolean {
  if (/^[0-9a-fA-F]+$/.test(user)) return user.length >= 40;
  return /[0-9]/.test(user) && /[A-Za-z]/.test(user) && !NAME(user) && entropy(user) >= TOKEN_USER_ENTROPY;
}

/**
 * Random-looking text: hex of a length that is not a digest's (and not after `sha256:`) with at
 * least HEX_ENTROPY_THRESHOLD bits per character, or base64 mixing upper case, lower case and
 * digits with at least ENTROPY_THRESHOLD bits per character. Paths, image names, DNS names, words
 * and runs of a few repeated characters (`bbbb...`, hex digits all of them) fail the mix or the entropy.
 */
export function highEntropy(s: string, m: RegExpExecArray): boolean {
  if (inEncryptedValue(m) || inSealedSecret(s, m)) return false;
  if (/^[0-9a-fA-F]+$/.test(s)) {
    // only the characters a digest's prefix can take (`sha512:`): all of the text before each hex run
    // made a string of many such runs quadratic
    const before = m.input.slice(Math.max(0, m.index - DIGEST_PREFIX_CHARS), m.index);
    return s.length >= 48 && !DIGEST_LENGTHS.has(s.length) && !/\b(sha|md)[0-9]*:$/i.test(before) && entropy(s) >= HEX_ENTROPY_THRESHOLD;
  }
  return s.length >= ENTROPY_MIN_LENGTH && randomBase64(s) && !PUBLIC_TOKEN.test(s);
}

/**
 * Random-looking text that is public by design: a Subresource Integrity digest (`sha512-<base64>`, a package lock's
 * `integrity`, a `<script integrity>`), a Stripe publishable key (`pk_live_...`, which a web page's script holds).
 */
const PUBLIC_TOKEN = /^(?:sha(?:256|384|512)-[A-Za-z0-9+/]{43,86}={0,2}|pk_(?:live|test)_[A-Za-z0-9]{24,})$/;

/**
 * Whether base64 text is random: it mixes upper case, lower case and digits at ENTROPY_THRESHOLD bits per
 * character or more, and is no path of words (`com/projects/1/locations/global/workloadIdentityPools/p`, a GCP
 * audience's): random base64 that holds a `/` has pieces of mixed case and digits between them, never only words.
 */
export const randomBase64 = (s: string): boolean => hasClasses(s) && entropy(s) >= ENTROPY_THRESHOLD && !(s.includes('/') && NAME(s));

/** An Oracle tool or driver named in the text (`cx_Oracle`): a `user/password@host:port/service` beside it is Easy Connect, as at a listener's port (152x). */
const ORACLE_CONTEXT = /(?<![a-z])(?:sqlplus|sqlldr|rman|expdp|impdp|oracle|tnsnames|ojdbc)(?![a-z])/i;
/** Whether `text` names an Oracle tool (`ORACLE_CONTEXT`), read once per text however many addresses it holds. */
export const namesOracle = oncePerText((text) => ORACLE_CONTEXT.test(text));
