/**
 * What the name of an object's own field says of its value, where the object lets its author name it: a custom
 * resource's field (`values.auth.rootPassword`), a `{ name, value }` parameter (Argo CD's, Tekton's, a Keycloak
 * credential's `type`) and an annotation (`vault.example.com/token`), each judged by the words of secret-names.ts and
 * the shape of its value. Pure and synchronous.
 */
import { BoundedMap } from './bounded-map.js';
import { isSecretName, isSecretSetting, words } from './secret-names.js';
import { KEY_QUALIFIERS, SECRET_SUFFIXES } from './secret-words.js';
import { NAME, PATH, isPlaceholder, isTemplated } from './secret-shapes.js';

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

/**
 * Whether the last of a name's words is a secret's own (ANNOTATION_SECRET_WORDS, a word ending in
 * `password`, `passphrase` or `token`, or `key` after one of `qualifiers`: `api-key`), not a word
 * that names a Secret or a method (`secret`, `credentials`, `auth`).
 */
function endsInSecretWord(w: readonly string[], qualifiers: ReadonlySet<string>): boolean {
  const last = w[w.length - 1] ?? '';
  return (
    ANNOTATION_SECRET_WORDS.has(last) ||
    SECRET_SUFFIXES.some((x) => x !== 'secret' && last.endsWith(x)) ||
    (last === 'key' && w.length > 1 && qualifiers.has(w[w.length - 2]!))
  );
}

/** The words before `key` in a custom resource's field that hold a key: not `secret`, since `secretKey` names a Secret's key (an ExternalSecret's `secretKey: password`). */
const FIELD_KEY_QUALIFIERS: ReadonlySet<string> = new Set([...KEY_QUALIFIERS].filter((q) => q !== 'secret'));

/**
 * A Secret's name of words with kustomize's secretGenerator's hash (`basic-auth-5g7h9k2m4t`: ten
 * characters of its alphabet, without vowels); not `admin-pa55w0rd` nor `grafana-oauth-x7k9q2m4`.
 */
const GENERATED_NAME = /^[a-z]+(?:-[a-z]+)*-[2456789bcdfghkmt]{10}$/;

/**
 * Whether a field of a custom resource holds a secret by its name and value (a HelmRelease's
 * `values.auth.rootPassword`, a Datadog agent's `credentials.apiKey`): its name ends in a secret's
 * word (`endsInSecretWord`), and the value is one by the rule of a key (`isSecretSetting`). Its
 * authors name fields that refer to a Secret otherwise (`passwordSecret`, `tokenSecretRef`, `secretKey`).
 */
export function isSecretField(name: string, value: string): boolean {
  const w = words(name);
  // a field ending in `secret` names a Secret (`secret: basic-auth`, Traefik's), unless its value is random letters and
  // digits, no name of words: a client's secret (a Keycloak realm's `clients[].secret`, `clientSecret`), as for a parameter
  const named =
    endsInSecretWord(w, FIELD_KEY_QUALIFIERS) ||
    (w[w.length - 1] === 'secret' && !NAME(value.trim()) && !GENERATED_NAME.test(value.trim()));
  return named && !isTemplated(value) && !PATH(value.trim()) && isSecretSetting(name, value);
}

/** Whether a parameter's name ends in words that say its value is a Secret's name or key (`docker-password-secret`, `GITHUB_TOKEN_SECRET_KEY`, `tokenSecretName`). */
function namesASecret(name: string): boolean {
  const w = words(name);
  const last = w[w.length - 1];
  return last === 'secret' || ((last === 'key' || last === 'name') && w[w.length - 2] === 'secret');
}

/**
 * Whether the `value` of a custom resource's `{ name, value }` parameter holds a secret, by the rule
 * of a key (`isSecretSetting`): but a parameter whose name ends in `secret`, `secret-key` or
 * `secret-name` names a Secret or its key (Tekton's `{ name: docker-password-secret, value: regcred }`),
 * when its value is a name of words (not a client secret's hex or random letters and digits); and a template is filled in by a controller (`isTemplated`).
 */
export function isSecretParameter(name: string, value: string): boolean {
  if (isTemplated(value) || (NAME(value) && namesASecret(name))) return false;
  return isSecretSetting(name, value);
}

/**
 * The name of a `{ name, value }` entry, by its fields (`field`: an entry's field, or undefined): its `name`
 * (an env var, Argo CD's and Tekton's parameters), its `key` (GitLab's variables, Jenkins' JCasC env), or a
 * credential's `type` when a secret's name (a Keycloak realm's `{ type: password, value: ... }`; not
 * `{ type: pipeline_variable, key: DB_PASSWORD }`'s, whose key names it). One idea of it for an object's entry
 * (lib/checks/secret-strings.ts) and for one written as text (the `named-value` rule).
 */
export function entryName(field: (name: 'name' | 'key' | 'type') => unknown): string | undefined {
  const name = field('name') ?? field('key');
  if (typeof name === 'string') return name;
  const type = field('type');
  return typeof type === 'string' && isSecretName(type) ? type : undefined;
}

/**
 * The setting whose value a mapping's key `key` holds, for a message that must not print a secret's: the key itself, or, for the
 * `value` of a `{ name, value }` entry, the entry's name (`entryName`: `- name: DB_PASSWORD` then `value: 0755`, an env var's, by its
 * siblings `field` gives), which says it is a password where `value` says nothing. For the YAML readers' messages of a value
 * (yaml-aliases.ts, yaml11.ts, block-yaml.ts).
 */
export function settingOf(key: string, field: (name: 'name' | 'key' | 'type') => unknown): string {
  return key === 'value' ? (entryName(field) ?? key) : key;
}

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
    named = secretAnnotations.remember(name, endsInSecretWord(w, KEY_QUALIFIERS));
  }
  if (!named || !/^\S{8,}$/.test(value) || isPlaceholder(value) || /^[-+]?[0-9.]+$/.test(value)) return false;
  if (/^[/.~${%<|>*&![]/.test(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9._-]/].filter((k) => k.test(value)).length;
  return kinds >= 2;
}
