/**
 * The strings of an object that hold a secret (`secretStrings`): every string of every field,
 * screened by its content (lib/model/secret-rules.ts) and, where the object lets a name say what a
 * string is (a ConfigMap's key, an env var's or a probe header's name, a flag before an argument,
 * an annotation's or label's name, a custom resource's field, every field of a kubeconfig), by that
 * name. Found once per object, for the check (secrets.ts), the masking of other findings and the
 * screen of a stage (lib/stage-secrets.ts); how a message says where a secret is in its value: secret-places.ts; how a probe's
 * headers are judged by their names: secret-headers.ts. Pure.
 */
import type { KubeObject } from '../model/object.js';
import {
  BOOTSTRAP_TOKEN_RULE,
  ENTROPY_RULES,
  FLAG_WITH_VALUE,
  SECRET_RULES,
  clientPassword,
  detectEncodedSecret,
  detectSecret,
  detectSecretInExample,
  entryName as nameOfEntry,
  flagBefore,
  isArgvEntry,
  isBootstrapTokenEntry,
  isConfigLabel,
  isExampleFile,
  isFileSource,
  isPlaceholder,
  isSecretAnnotation,
  isSecretField,
  isSecretFlag,
  isSecretParameter,
  isSecretSetting,
  isSealedCiphertext,
  type SecretMatch,
  type SecretRule,
} from '../model/secret-rules.js';
import { detectSecrets } from '../model/value-secrets.js';
import { findObjectSecretsBy, placeIn } from './secret-places.js';
import { isSecretHeader } from './secret-headers.js';
import { isCustomGroup } from './crds.js';
import { finder, type FieldPath, type Finding } from './finding.js';
import { SECRET_ALLOW_ANNOTATION, secretAllowLines } from './secret-exceptions.js';
import { isProseReason } from '../model/secret-reasons.js';
import { REQUIRED_SECRETS_ANNOTATION } from '../required-secrets.js';

/** What `kubectl apply` keeps of the object it applied, as JSON, on the object itself. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A Secret exported from a cluster (`kubectl get secret -o yaml`) carries its values a second
 * time, in the annotation `kubectl apply` wrote: emptying data alone leaves them committed.
 */
export function lastAppliedValues(o: KubeObject): Finding[] {
  const text = o.metadata?.annotations?.[LAST_APPLIED];
  if (typeof text !== 'string') return [];
  let applied: unknown;
  try {
    applied = JSON.parse(text);
  } catch {
    return []; // not kubectl's JSON: the content rules still screen it as any annotation
  }
  if (!applied || typeof applied !== 'object') return [];
  const keys: string[] = [];
  for (const field of ['data', 'stringData']) {
    const values = (applied as Record<string, unknown>)[field];
    if (!values || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values)) if (value !== '' && value !== null) keys.push(key);
  }
  if (keys.length === 0) return [];
  return [
    finder(o)(
      'policy/secret-value',
      ['metadata', 'annotations', LAST_APPLIED],
      `holds the values of keys ${keys.map((k) => `'${k}'`).join(', ')} as kubectl last applied them (base64 is an encoding, not encryption); secret values must not be committed`,
      `remove the annotation ${LAST_APPLIED} (kubectl apply writes it in the cluster; an exported object carries it), and create the Secret in the cluster another way (kubectl create secret)`,
    ),
  ];
}

/** A string of an object that holds a secret: found by its content, or by the name of its key. */
export interface SecretString {
  readonly path: FieldPath;
  /** The whole string (never print it). */
  readonly value: string;
  /** The secret text in it: all of it for a key-name finding, the rule's match otherwise. */
  readonly secret: string;
  /** The content rule that matched; absent when only the key name says it is secret. */
  readonly rule?: SecretRule;
  /** The secret-looking name (env var, ConfigMap key, flag) that holds it, if any. */
  readonly key?: string;
  /** Set when the secret is a key itself (a token pasted as a ConfigMap key): `path` is its mapping's. */
  readonly atKey?: boolean;
  /** Set for a secret in the annotation secrets.stagecraft.dev/allow: the line it is on (never excused, never quoted). */
  readonly line?: number;
  /** Set for a secret found in a value of several lines (a file a ConfigMap holds): the line of the value it is on. */
  readonly valueLine?: number;
  /** The name of the setting that holds it in such a value (`requirepass`), when the rule read one and it is a plain name. */
  readonly setting?: string;
  /** How a client on a command line is given it (`redis-cli -a <password>`: SecretMatch's `given`); never the value. */
  readonly given?: string;
  /** Set when the secret was found in the text the string decodes to (base64, hex, URL encoding, a ConfigMap's binaryData): said as one. */
  readonly encoded?: true;
  /** Set for a file of examples (`.env.example`, by its ConfigMap key): its examples' values are no secrets (`detectSecretInExample`). */
  readonly inExample?: true;
}

/**
 * Every secret a string holds (`detectSecrets`), for one a rule found in its text: as written, or as a ConfigMap's binaryData
 * decodes to (its `value` is that text: an `.env` file's two settings are two), rules of randomness left out there as they are for
 * its first. One found by its key's name, a key, or a value found encoded (`detectEncodedSecret`: its `secret` is the value
 * whole, not text it holds) holds the one it was found as (an empty list). The same list for the same string (its verdicts are
 * remembered by text).
 */
export function secretsOfString(s: SecretString): SecretMatch[] {
  if (!s.rule || s.atKey || (s.encoded && s.secret === s.value)) return [];
  const all = detectSecrets(s.value, s.inExample ?? false);
  return s.encoded ? all.filter((m) => !ENTROPY_RULES.has(m.rule.id)) : all;
}

/** Kinds the checks know are not API objects (a kubeconfig): every field name of theirs is judged. */
const isApiObject = (o: KubeObject) => !(o.apiVersion === 'v1' && o.kind === 'Config');

/**
 * A custom resource (`isCustomGroup`: a group with a dot, not Kubernetes' own `*.k8s.io`): its fields are
 * named by its CRD's authors, and hold what its users write (a HelmRelease's `values`, a datasource's
 * `password`), so a field named like a secret is judged by its name. Kubernetes' own field names
 * (`secretName`) are not.
 */
const isCustomResource = (o: KubeObject) => typeof o.apiVersion === 'string' && isCustomGroup(o.apiVersion);

/** The name of the `{ name, value }` entry that holds the value at `path` (its `value` field), if the entry has one (`nameOfEntry`). */
function entryName(path: FieldPath, parent: unknown): string | undefined {
  if (path[path.length - 1] !== 'value' || !parent || typeof parent !== 'object') return undefined;
  return nameOfEntry((field) => (parent as Record<string, unknown>)[field]);
}

/**
 * Lists of `{ name, value }` entries whose names are the user's: a container's environment
 * variables, and the HTTP headers of a probe's `httpGet` (`X-Api-Key`, `Authorization`).
 */
const NAMED_VALUE_LISTS: ReadonlySet<unknown> = new Set(['env', 'httpHeaders']);

/** The rule of a password given to a client on its command line, for one given as an entry of a `command` or `args` list. */
const COMMAND_PASSWORD = SECRET_RULES.find((r) => r.id === 'command-password')!;

/** For an entry of an `args` list at `path`, the `command` list beside it (its container's), if any. */
function argsCommand(o: KubeObject, path: FieldPath): readonly unknown[] | undefined {
  if (path[path.length - 2] !== 'args') return undefined;
  let holder: unknown = o;
  for (const k of path.slice(0, -2)) holder = (holder as Record<string | number, unknown> | undefined)?.[k];
  const command = (holder as { command?: unknown } | undefined)?.command;
  return Array.isArray(command) ? command : undefined;
}

/** The maps of an object's (or a pod template's) metadata whose keys are names the user gives: judged as annotations are. */
const META_MAPS: ReadonlySet<unknown> = new Set(['annotations', 'labels']);

/** A ConfigMap's data of one line as a text of settings (`key: value` each), as a catalogue's file says them. */
function configText(o: KubeObject): string {
  const data = (o as { data?: unknown }).data;
  if (!data || typeof data !== 'object') return '';
  return Object.entries(data)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && !e[1].includes('\n'))
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

/** Per object (checked objects are not changed), its secret strings: asked for by the check, the masking and the stage screening. */
const found = new WeakMap<KubeObject, readonly SecretString[]>();

/** Every string of `o` (Secrets' own data aside: checkSecretValues) that holds a secret. */
export function secretStrings(o: KubeObject): readonly SecretString[] {
  let out = found.get(o);
  if (!out) found.set(o, (out = new ObjectScreen(o).run()));
  return out;
}

/** Per object, the texts of its secrets (`secretTexts`). */
const texts = new WeakMap<KubeObject, readonly string[]>();

/**
 * The texts a message about `o` must not print: each secret string's value, its secret and every secret within it (a value of
 * several, a message quoting the line of its second says no more than of its first), the longest first, so that a value is masked
 * before a secret within it. For the findings' messages (`maskSecrets`) and the object's name in their headings (secret-places.ts).
 */
export function secretTexts(o: KubeObject): readonly string[] {
  let out = texts.get(o);
  if (!out) {
    const strings = secretStrings(o);
    out =
      strings.length === 0
        ? []
        : [...new Set(strings.flatMap((x) => [x.value, x.secret, ...secretsOfString(x).map((m) => m.secret)]))].sort(
            (a, b) => b.length - a.length,
          );
    texts.set(o, out);
  }
  return out;
}
findObjectSecretsBy(secretTexts);

/** How a string is judged by the name that holds it (`isSecretSetting`, or a flag's, an annotation's, a header's rule). */
type ByName = (name: string, value: string) => boolean;
/** A verdict by name given before the string is judged (a ConfigMap's key, read with its other settings). */
const NAMED: ByName = () => true;
const NOT_NAMED: ByName = () => false;

/**
 * The walk of one object: what decides how its strings are judged (its kind, whether it is an API object or a custom
 * resource) is found once, not at each of its strings (a 1,000-app stage has 334,010 of them, and 523,013 keys), and
 * one path is changed in place on the way down (most objects hold no secret: it is copied only for a finding).
 */
class ObjectScreen {
  private readonly out: SecretString[] = [];
  private readonly path: (string | number)[] = [];
  private readonly apiObject: boolean;
  private readonly customResource: boolean;
  /** An exported Secret's values in kubectl's annotation are reported by `lastAppliedValues`, by key. */
  private readonly lastApplied: boolean;
  /** A ConfigMap's settings of one line, as a text (`key: value` each), read for labels (`isConfigLabel`) when a key's name is a secret's. */
  private dataText: string | undefined;
  /** For an entry of an `args` list, the `command` list beside it: `clientPassword` asks for it only where a flag is. */
  private readonly command = () => argsCommand(this.o, this.path);

  constructor(private readonly o: KubeObject) {
    this.apiObject = isApiObject(o);
    this.customResource = isCustomResource(o);
    this.lastApplied = o.kind === 'Secret' && lastAppliedValues(o).length > 0;
  }

  run(): SecretString[] {
    this.walk(this.o, undefined);
    return this.out;
  }

  /**
   * A string at `at` (`value`, or the text it decodes to when `decoded`), by its content (`detect`: a file of examples' without
   * its examples, `detectSecretInExample`) and the name that holds it (`key`), as `byName` judges such a name: the verdicts on its
   * text alone are remembered by text (`detectSecret`, `detectEncodedSecret`).
   */
  private judge(
    at: FieldPath,
    value: string,
    key: string | undefined,
    decoded = false,
    byName: ByName = isSecretSetting,
    detect: typeof detectSecret = detectSecret,
  ): void {
    const named = key !== undefined && byName(key, value);
    const found = detect(value);
    // random-looking as written, and the encoding of a secret's text (base64 or URL encoding of an .env's token and password): said,
    // and excused, as what it encodes, not as a random string an exception of `high-entropy` would excuse with all it holds
    const random = found !== undefined && !decoded && ENTROPY_RULES.has(found.rule.id);
    if ((!found && !named) || random) {
      // most strings: no match and no telling name, passed over after one more test each, of their characters (`encodedText`:
      // a secret written encoded, an annotation's base64 of `password=...`), found in its text, the encoded value hidden whole
      const inner = decoded ? undefined : detectEncodedSecret(value);
      if (inner) this.out.push({ path: [...at], value, secret: value, rule: inner.rule, given: inner.given!, encoded: true });
      if (inner || !random) return;
    }
    if (value === '' || isPlaceholder(value)) return;
    if (found && !(decoded && ENTROPY_RULES.has(found.rule.id))) {
      const given = found.given !== undefined ? { given: found.given } : {};
      this.out.push({
        path: [...at],
        value,
        secret: found.secret,
        rule: found.rule,
        ...(named ? { key } : {}),
        ...placeIn(value, found),
        ...given,
        ...(decoded ? { encoded: true as const } : {}),
        ...(detect === detectSecretInExample ? { inExample: true as const } : {}),
      });
    } else if (named) {
      this.out.push({ path: [...at], value, secret: value, key });
    }
  }

  /**
   * The name that says what a string at the path is, when the object lets one say it: a ConfigMap's
   * key, an env var's or a probe header's name, every field of a kubeconfig. Field names of API objects are
   * Kubernetes' own (`secretName`), not the user's, so they are not judged.
   */
  private holderName(parent: unknown): string | undefined {
    const { o, path } = this;
    const last = path[path.length - 1];
    if (o.kind === 'ConfigMap' && path.length === 2 && path[0] === 'data') return String(last);
    if (NAMED_VALUE_LISTS.has(path[path.length - 3])) return entryName(path, parent);
    if (!this.apiObject && typeof last === 'string') return last;
    return undefined;
  }

  private walk(node: unknown, parent: unknown): void {
    const { o, path } = this;
    if (typeof node === 'string') this.screenString(node, parent);
    else if (typeof node === 'number' || typeof node === 'bigint') {
      // a numeric password is still a password (and a schema message would print it)
      const key = isArgvEntry(path) ? flagBefore(parent as readonly unknown[], path[path.length - 1] as number) : this.holderName(parent);
      if (key !== undefined && isSecretSetting(key, String(node)))
        this.out.push({ path: [...path], value: String(node), secret: String(node), key });
    } else if (Array.isArray(node)) {
      // a `command` or `args` list's strings are read as a command line's words (`isArgvEntry`)
      const argv = path[path.length - 1] === 'command' || path[path.length - 1] === 'args';
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        path.push(i);
        if (argv && typeof item === 'string') this.screenArgvEntry(item, node, i);
        else this.walk(item, node);
        path.pop();
      }
    } else if (node && typeof node === 'object') {
      for (const k in node) {
        if (path.length === 0 && o.kind === 'Secret' && (k === 'data' || k === 'stringData')) continue;
        if (this.lastApplied && k === LAST_APPLIED && path.length === 2 && path[1] === 'annotations' && path[0] === 'metadata') continue;
        // a key is written to dist/ as it is: a secret pasted as a key is found as one in a value
        const inKey = detectSecret(k);
        if (inKey) this.out.push({ path: [...path], value: k, secret: inKey.secret, rule: inKey.rule, atKey: true });
        path.push(k);
        this.walk((node as Record<string, unknown>)[k], node);
        path.pop();
      }
    }
  }

  /** The entry `index` of a `command` or `args` list: a word of a command line. */
  private screenArgvEntry(node: string, list: readonly unknown[], index: number): void {
    const { path } = this;
    // `[mysql, -phunter2]`, `[curl, -u, admin:hunter2]`: a client's password, in no flag named like one
    const password = clientPassword(list, index, this.command);
    const flag = FLAG_WITH_VALUE.exec(node);
    if (password !== undefined)
      this.out.push({ path: [...path], value: node, secret: password.password, rule: COMMAND_PASSWORD, given: password.form });
    // `[kubeadm, token, create, <token>]`: a bootstrap token that the entry's text alone does not tell from a host's name
    else if (isBootstrapTokenEntry(list, index, this.command))
      this.out.push({ path: [...path], value: node, secret: node, rule: BOOTSTRAP_TOKEN_RULE });
    else if (flag) {
      // kubectl's `--from-file=password=./password.txt` names the file a key is read from
      if (!isFileSource(flag[1]!, flag[2]!)) this.judge(path, flag[2]!, flag[1], false, isSecretFlag);
    }
    // `--password hunter2`: the entry after a flag alone is judged under the flag's name, as `--password=hunter2` is
    else this.judge(path, node, flagBefore(list, index), false, isSecretFlag);
  }

  /** A string that is no entry of a `command` or `args` list. */
  private screenString(node: string, parent: unknown): void {
    const { o, path } = this;
    if (o.kind === 'Namespace' && path.length === 3 && path[2] === REQUIRED_SECRETS_ANNOTATION && path[1] === 'annotations') {
      // the names of the Secrets a stage needs and of their keys (`api-token=token`), no settings: each judged alone
      for (const name of node.split(/[=,;\s]+/)) if (name) this.judge(path, name, undefined);
    } else if (this.apiObject && path.length === 3 && path[2] === SECRET_ALLOW_ANNOTATION && path[1] === 'annotations') {
      // the secrets an object excuses (`data.API_TOKEN (secret-name): a public test token`): no settings; each
      // entry's field and reason judged alone, any other line whole; a finding remembers its line
      const { out } = this;
      for (const { line, text, entry } of secretAllowLines(o)) {
        const from = out.length;
        // (a reason is prose: one that names a secret's kind, `password: managed by Vault`, holds none)
        for (const part of entry ? [entry.field, ...(isProseReason(entry.reason) ? [] : [entry.reason])] : [text])
          this.judge(path, part, undefined);
        for (let i = from; i < out.length; i++) out[i] = { ...out[i]!, line };
      }
    } else if (o.kind === 'ConfigMap' && path.length === 2 && path[0] === 'binaryData') {
      this.judge(path, Buffer.from(node, 'base64').toString('utf8'), String(path[1]), true);
    } else if (this.apiObject && path.length >= 3 && META_MAPS.has(path[path.length - 2]) && path[path.length - 3] === 'metadata') {
      // an annotation or label named like a secret (`vault.example.com/token`), with a value that looks like one
      this.judge(path, node, String(path[path.length - 1]), false, isSecretAnnotation);
    } else if (this.customResource && path[0] !== 'metadata') {
      // a SealedSecret's encryptedData: Sealed Secrets' ciphertext, committed by design (its form: `isSealedCiphertext`)
      if (o.kind === 'SealedSecret' && path.length === 3 && path[1] === 'encryptedData' && path[0] === 'spec' && isSealedCiphertext(node))
        return;
      // a parameter of a list by its entry's name (`{ name: db.password, value: ... }`: Argo CD's Helm
      // `parameters`, Tekton's `params`) or a credential's type (`{ type: password, value: ... }`), any other field by its own
      const entry = typeof path[path.length - 2] === 'number' ? entryName(path, parent) : undefined;
      const field = path[path.length - 1];
      if (entry !== undefined) this.judge(path, node, entry, false, isSecretParameter);
      else this.judge(path, node, typeof field === 'string' ? field : undefined, false, isSecretField);
    } else if (o.kind === 'ConfigMap' && path.length === 2 && path[0] === 'data') {
      // a key's value that is a label of a user interface (`login.password: Passwort`), read with the ConfigMap's other settings
      // (judged here, not by a closure each screen makes: one per object took a tenth more of a 1,000-app stage's screen)
      const key = String(path[1]);
      const named = isSecretSetting(key, node) && !isConfigLabel(key, node, (this.dataText ??= configText(o)));
      // a file of examples (`.env.example`) by its key: its examples' values are none (`DB_PASSWORD=changeme`)
      this.judge(path, node, key, false, named ? NAMED : NOT_NAMED, isExampleFile(key) ? detectSecretInExample : detectSecret);
    } else
      this.judge(path, node, this.holderName(parent), false, path[path.length - 3] === 'httpHeaders' ? isSecretHeader : isSecretSetting);
  }
}
