/**
 * Secret values never belong in manifests that are committed: base64 is an encoding, not
 * encryption. A Secret checked on its own (`npm run check -- <files>`) may declare its keys (in the
 * annotation `stagecraft.dev/secret-keys`, or with empty values, which draw a warning since applying
 * them blanks the keys) so that references to them can be checked; its values are put into the cluster another way (kubectl create secret, a sealed or
 * external secret). A Secret a stage writes to dist/ may hold no key at all, not even an empty one
 * (`written`): `kubectl apply -k dist/<stage>` would set the key of the real Secret to ''.
 *
 * Every other string of every object is screened too, by content and by the name of the key that
 * holds it (the rules: lib/model/secret-rules.ts); and no finding ever prints such a value
 * (`maskSecrets`).
 */
import type { KubeObject } from '../model/object.js';
import {
  ENTROPY_RULES,
  FLAG_WITH_VALUE,
  countSecrets,
  SECRET_RULES,
  clientPassword,
  detectSecret,
  flagBefore,
  isArgvEntry,
  isPlaceholder,
  isSecretAnnotation,
  isSecretField,
  isSecretSetting,
  maskValue,
  type SecretRule,
} from '../model/secret-rules.js';
import { fieldPath, finder, type FieldPath, type Finding, type UsedException } from './finding.js';
import {
  SECRET_ALLOW_ANNOTATION,
  SECRET_NAME_KIND,
  crowdedSecretException,
  declaredSecretExceptions,
  exceptionField,
  secretAllowLines,
  unusedSecretException,
} from './secret-exceptions.js';
import { SECRET_KEYS_ANNOTATION } from './references-pods.js';
import { REQUIRED_SECRETS_ANNOTATION } from '../required-secrets.js';

export { isSecretKey } from '../model/secret-rules.js';

/** How to keep a Secret's values out of a stage's manifests: the app's `secrets:` setting declares it by name and keys. */
export const WRITTEN_SECRET_HINT =
  "remove the Secret from the manifests and declare it, by name and keys, under the app's secrets: setting (secrets: { <name>: [<key>, ...] }): " +
  '`npm run secrets -- <stage>` prints it for kubectl apply with the values of .secrets/<stage>.env, and the Namespace lists it as required';

/** How to keep a Secret's values out of manifests checked on their own. */
const SECRET_KEY_HINT =
  `remove the key from data/stringData (an empty value would blank the key in the cluster when applied) and list it in the annotation ${SECRET_KEYS_ANNOTATION}, ` +
  "then create the Secret in the cluster another way (kubectl create secret); in a stage's manifests, declare it under the app's secrets: setting instead";

export interface SecretValueOptions {
  /**
   * Whether the object is written to dist/ and applied (`checkStage`): then a key with an empty
   * value is refused too, since applying it blanks the key of the Secret in the cluster.
   * @default false
   */
  readonly written?: boolean;
}

/**
 * A finding for each key of a Secret's data and stringData: an error for a value (for any key,
 * empty or not, when `written`), a warning for an empty value otherwise.
 */
export function checkSecretValues(o: KubeObject, { written = false }: SecretValueOptions = {}): Finding[] {
  if (o.kind !== 'Secret') return [];
  const out: Finding[] = [];
  for (const field of ['data', 'stringData']) {
    const values = o[field];
    if (!values || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values)) {
      const empty = value === '' || value === null;
      // an empty value declares the key for the reference checks, but applying the file blanks it:
      // a warning where the manifests are checked on their own, refused where stagecraft writes them
      out.push(
        finder(o, empty && !written ? 'warning' : 'error')(
          'policy/secret-value',
          [field, key],
          empty
            ? `declares key '${key}' with an empty value; ${written ? 'written to dist/' : 'applied as it is'}, kubectl apply would set the key of the Secret in the cluster to ''${written ? ' (stagecraft never writes Secret values)' : ''}`
            : `holds a value for key '${key}'${field === 'data' ? ' (base64 is an encoding, not encryption)' : ''}; secret values must not be committed`,
          written ? WRITTEN_SECRET_HINT : SECRET_KEY_HINT,
        ),
      );
    }
  }
  out.push(...lastAppliedValues(o));
  return out;
}

/** What `kubectl apply` keeps of the object it applied, as JSON, on the object itself. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A Secret exported from a cluster (`kubectl get secret -o yaml`) carries its values a second
 * time, in the annotation `kubectl apply` wrote: emptying data alone leaves them committed.
 */
function lastAppliedValues(o: KubeObject): Finding[] {
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
}

/** Kinds the checks know are not API objects (a kubeconfig): every field name of theirs is judged. */
const isApiObject = (o: KubeObject) => !(o.apiVersion === 'v1' && o.kind === 'Config');

/** The API groups of Kubernetes itself, whose field names are Kubernetes' own (`secretName`). */
const KUBERNETES_GROUP = /^(?:|apps|batch|autoscaling|policy|[a-z0-9.-]*\.k8s\.io)$/;

/**
 * A custom resource: its fields are named by its CRD's authors, and hold what its users write (a
 * HelmRelease's `values`, a datasource's `password`), so a field named like a secret is judged by its name.
 */
const isCustomResource = (o: KubeObject) =>
  typeof o.apiVersion === 'string' &&
  !KUBERNETES_GROUP.test(o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '');

/** The name of the `{ name, value }` entry whose value is at `path` (a custom resource's parameters: Argo CD's Helm `parameters`, Tekton's `params`). */
function entryName(path: FieldPath, parent: unknown): string | undefined {
  if (path[path.length - 1] !== 'value' || typeof path[path.length - 2] !== 'number' || !parent || typeof parent !== 'object')
    return undefined;
  const name = (parent as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Lists of `{ name, value }` entries whose names are the user's: a container's environment
 * variables, and the HTTP headers of a probe's `httpGet` (`X-Api-Key`, `Authorization`).
 */
const NAMED_VALUE_LISTS: ReadonlySet<unknown> = new Set(['env', 'httpHeaders']);

/** Headers that carry credentials whatever their value's scheme (`Authorization: Token 9944b...`). */
const CREDENTIAL_HEADER = /^(?:proxy-)?authorization$/i;

/** Whether the value of a probe's header `name` is a secret: the credentials header, or a name like a secret's. */
const isSecretHeader = (name: string, value: string) => CREDENTIAL_HEADER.test(name) || isSecretSetting(name, value);

/**
 * The name that says what a string at `path` is, when the object lets one say it: a ConfigMap's
 * key, an env var's or a probe header's name, every field of a kubeconfig. Field names of API objects are
 * Kubernetes' own (`secretName`), not the user's, so they are not judged.
 */
function holderName(o: KubeObject, path: FieldPath, parent: unknown): string | undefined {
  const last = path[path.length - 1];
  if (o.kind === 'ConfigMap' && path.length === 2 && path[0] === 'data') return String(last);
  if (last === 'value' && NAMED_VALUE_LISTS.has(path[path.length - 3]) && parent && typeof parent === 'object') {
    const name = (parent as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  }
  if (!isApiObject(o) && typeof last === 'string') return last;
  return undefined;
}

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

/** Per object (checked objects are not changed), its secret strings: asked for by the check, the masking and the stage screening. */
const found = new WeakMap<KubeObject, readonly SecretString[]>();

/** Every string of `o` (Secrets' own data aside: checkSecretValues) that holds a secret. */
export function secretStrings(o: KubeObject): readonly SecretString[] {
  let out = found.get(o);
  if (!out) found.set(o, (out = findSecretStrings(o)));
  return out;
}

function findSecretStrings(o: KubeObject): SecretString[] {
  const out: SecretString[] = [];
  const judge = (at: FieldPath, value: string, key: string | undefined, decoded = false, byName = isSecretSetting) => {
    const named = key !== undefined && byName(key, value);
    const found = detectSecret(value);
    // most strings: no match and no telling name, passed over after one test each
    if ((!found && !named) || value === '' || isPlaceholder(value)) return;
    if (found && !(decoded && ENTROPY_RULES.has(found.rule.id))) {
      out.push({ path: [...at], value, secret: found.secret, rule: found.rule, ...(named ? { key } : {}) });
    } else if (named) {
      out.push({ path: [...at], value, secret: value, key });
    }
  };
  // an exported Secret's values in kubectl's annotation are reported by `lastAppliedValues`, by key
  const lastApplied = o.kind === 'Secret' && lastAppliedValues(o).length > 0;
  // one path, changed in place on the way down (most objects hold no secret: copied only for a finding)
  const path: (string | number)[] = [];
  const walk = (node: unknown, parent: unknown) => {
    if (typeof node === 'number' || typeof node === 'bigint') {
      // a numeric password is still a password (and a schema message would print it)
      const key = isArgvEntry(path)
        ? flagBefore(parent as readonly unknown[], path[path.length - 1] as number)
        : holderName(o, path, parent);
      if (key !== undefined && isSecretSetting(key, String(node)))
        out.push({ path: [...path], value: String(node), secret: String(node), key });
      return;
    }
    if (typeof node === 'string') {
      if (isArgvEntry(path)) {
        const list = parent as readonly unknown[];
        const index = path[path.length - 1] as number;
        // `[mysql, -phunter2]`, `[curl, -u, admin:hunter2]`: a client's password, in no flag named like one
        const password = clientPassword(list, index, () => argsCommand(o, path));
        const flag = FLAG_WITH_VALUE.exec(node);
        if (password !== undefined) out.push({ path: [...path], value: node, secret: password, rule: COMMAND_PASSWORD });
        else if (flag) judge(path, flag[2]!, flag[1]);
        // `--password hunter2`: the entry after a flag alone is judged under the flag's name, as `--password=hunter2` is
        else judge(path, node, flagBefore(list, index));
      } else if (o.kind === 'Namespace' && path.length === 3 && path[2] === REQUIRED_SECRETS_ANNOTATION && path[1] === 'annotations') {
        // the names of the Secrets a stage needs and of their keys (`api-token=token`), no settings: each judged alone
        for (const name of node.split(/[=,;\s]+/)) if (name) judge(path, name, undefined);
      } else if (isApiObject(o) && path.length === 3 && path[2] === SECRET_ALLOW_ANNOTATION && path[1] === 'annotations') {
        // the secrets an object excuses (`data.API_TOKEN (secret-name): a public test token`): no settings; each
        // entry's field and reason judged alone, any other line whole; a finding remembers its line
        for (const { line, text, entry } of secretAllowLines(o)) {
          const from = out.length;
          for (const part of entry ? [entry.field, entry.reason] : [text]) judge(path, part, undefined);
          for (let i = from; i < out.length; i++) out[i] = { ...out[i]!, line };
        }
      } else if (o.kind === 'ConfigMap' && path.length === 2 && path[0] === 'binaryData') {
        judge(path, Buffer.from(node, 'base64').toString('utf8'), String(path[1]), true);
      } else if (isApiObject(o) && path.length >= 3 && META_MAPS.has(path[path.length - 2]) && path[path.length - 3] === 'metadata') {
        // an annotation or label named like a secret (`vault.example.com/token`), with a value that looks like one
        judge(path, node, String(path[path.length - 1]), false, isSecretAnnotation);
      } else if (isCustomResource(o) && path[0] !== 'metadata') {
        // a parameter by its entry's name (`{ name: db.password, value: ... }`), any other field by its own
        const entry = entryName(path, parent);
        const field = path[path.length - 1];
        if (entry !== undefined) judge(path, node, entry);
        else judge(path, node, typeof field === 'string' ? field : undefined, false, isSecretField);
      } else
        judge(path, node, holderName(o, path, parent), false, path[path.length - 3] === 'httpHeaders' ? isSecretHeader : isSecretSetting);
      return;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        walk(node[i], node);
        path.pop();
      }
    } else if (node && typeof node === 'object') {
      for (const k in node) {
        if (o.kind === 'Secret' && path.length === 0 && (k === 'data' || k === 'stringData')) continue;
        if (lastApplied && k === LAST_APPLIED && path.length === 2 && path[1] === 'annotations' && path[0] === 'metadata') continue;
        // a key is written to dist/ as it is: a secret pasted as a key is found as one in a value
        const inKey = detectSecret(k);
        if (inKey) out.push({ path: [...path], value: k, secret: inKey.secret, rule: inKey.rule, atKey: true });
        path.push(k);
        walk((node as Record<string, unknown>)[k], node);
        path.pop();
      }
    }
  };
  walk(o, undefined);
  return out;
}

/** Codes of the findings about secret values outside Secrets (`checkSecretContent`). */
export const SECRET_CODES: ReadonlySet<string> = new Set(['secrets/value', 'secrets/key-name']);

/**
 * The hint of a secret-value finding at `field`, of `kind` (`field` undefined: a secret pasted as a
 * key, never excused): where such a value goes instead, and how a value that only looks secret is
 * excused on its object. In a stage (`written`: what no stage-file setting gave, an included file's
 * object) the app declares the Secret; manifests checked on their own read one made in the cluster another way.
 */
function secretValueHint(field: string | undefined, kind: string, written: boolean): string {
  const where = written
    ? "declare a Secret under the app's secrets: setting (secrets: { <name>: [<key>] }; values in .secrets/<stage>.env, printed by `npm run secrets`) and read it with secretKeyRef"
    : 'keep it in a Secret made in the cluster another way (kubectl create secret, Sealed Secrets, an ExternalSecret) and read it with secretKeyRef ' +
      '(declared for the checks on its Namespace: stagecraft.dev/required-secrets: <name>=<key>)';
  if (field === undefined) return `rename the key, and ${where}`;
  return `${where}; if it is not secret (a public certificate, a known-public token), excuse it on the object${written ? ', in its included file' : ''}: annotation ${SECRET_ALLOW_ANNOTATION}: "${field} (${kind}): <reason>"`;
}

/** The hint of a secret in the annotation secrets.stagecraft.dev/allow, which nothing excuses. */
const ALLOW_TEXT_HINT = `remove it from the annotation ${SECRET_ALLOW_ANNOTATION}: its fields and reasons are text, screened as such and never excused`;

export interface SecretContentOptions {
  /**
   * Whether the object is in a stage's output (`checkStage`): the hints say how a stage declares a Secret.
   * @default false (manifests checked on their own)
   */
  readonly written?: boolean;
}

/** The kind of secret a string holds, as an exception names it: its rule's id, or `secret-name`. */
const kindOf = (s: SecretString) => s.rule?.id ?? SECRET_NAME_KIND;

/**
 * A finding for each secret string of `o` that the object does not excuse (`secrets.stagecraft.dev/allow`,
 * lib/checks/secret-exceptions.ts: an entry excuses the one secret of its kind at its field, and
 * nothing in the annotation itself): the value is described (rule, length), never shown; and the exceptions used.
 */
export function checkSecretContent(
  o: KubeObject,
  { written = false }: SecretContentOptions = {},
): { findings: Finding[]; exceptions: UsedException[] } {
  // a CRD's strings are its schema: descriptions with examples, validation patterns; no values
  if (o.kind === 'CustomResourceDefinition') return { findings: [], exceptions: [] };
  const strings = secretStrings(o);
  // most objects: no secret, no exception
  if (strings.length === 0 && secretAllowLines(o).length === 0) return { findings: [], exceptions: [] };
  const declared = declaredSecretExceptions(o, new Set(strings.flatMap((s) => s.line ?? [])));
  const findings = [...declared.findings];
  const exceptions: UsedException[] = [];
  const used = new Set<string>();
  // the field each string is excused by (none: a key, or the annotation's own text)
  const fields = strings.map((s) => (s.atKey || s.line !== undefined ? undefined : exceptionField(o, s.path)));
  strings.forEach((s, i) => {
    const field = fields[i];
    const entry = field === undefined ? undefined : declared.entries.get(field);
    if (entry?.kind === kindOf(s)) {
      used.add(entry.field);
      // one secret excused, never a second beside it (found by the name of its key, the value is one)
      const count = s.rule ? countSecrets(s.value) : 1;
      if (count <= 1) {
        exceptions.push({
          object: o,
          control: 'secrets',
          code: s.rule ? 'secrets/value' : 'secrets/key-name',
          reason: entry.reason,
          allows: `${field}: ${s.rule?.description ?? 'a value under a secret-looking name'}`,
        });
        return;
      }
      findings.push(crowdedSecretException(o, entry, count));
    }
    findings.push(
      finder(o)(
        s.rule ? 'secrets/value' : 'secrets/key-name',
        s.path,
        s.atKey
          ? `has a key that is ${s.rule!.description} ${maskValue(s.value, 'key')}; secret values must not be in manifests, which are committed`
          : s.rule
            ? `holds ${s.rule.description}${s.line !== undefined ? ` on line ${s.line}` : ''} ${maskValue(s.value)}; secret values must not be in manifests, which are committed`
            : `is the value of '${detectSecret(s.key!) ? maskValue(s.key, 'key') : s.key}', whose name says it is secret ${maskValue(s.value)}; secret values must not be in manifests, which are committed`,
        s.line !== undefined
          ? ALLOW_TEXT_HINT
          : // a field path through a key that is a secret itself is not printed (no secret finding's text is masked again)
            secretValueHint(s.path.some((k) => typeof k === 'string' && detectSecret(k)) ? field && '<field>' : field, kindOf(s), written),
      ),
    );
  });
  for (const entry of declared.entries.values()) {
    if (used.has(entry.field)) continue;
    const at = strings.findIndex((_, i) => fields[i] === entry.field);
    // an env entry named by its index: the field by name, when the index form names a secret's
    const byIndex = strings.findIndex((s, i) => fields[i] !== undefined && fields[i] !== entry.field && fieldPath(s.path) === entry.field);
    findings.push(
      unusedSecretException(
        o,
        entry,
        at >= 0
          ? { kind: kindOf(strings[at]!), description: strings[at]!.rule?.description ?? 'a value under a secret-looking name' }
          : undefined,
        byIndex >= 0 ? fields[byIndex] : undefined,
      ),
    );
  }
  return { findings, exceptions };
}

/**
 * Findings whose message or hint would print a secret of their object (an API rule quoting a
 * label value, say), with each such value replaced by `(a N-character value, hidden)`; those of
 * `masked` (masked before) are returned as they are.
 */
export function maskSecrets(findings: readonly Finding[], masked: ReadonlySet<Finding> = new Set()): Finding[] {
  const byObject = new Map<KubeObject, string[]>();
  const secretsOf = (o: KubeObject) => {
    let s = byObject.get(o);
    if (!s) {
      const strings = secretStrings(o);
      // the longest first, so that a value is masked before a secret within it
      s = [...new Set(strings.flatMap((x) => [x.value, x.secret]))].sort((a, b) => b.length - a.length);
      byObject.set(o, s);
    }
    return s;
  };
  const mask = (text: string, secrets: readonly string[], own: readonly string[]) => {
    let t = text;
    for (const s of secrets) {
      if (s.length < 6 && own.includes(s)) {
        // the value of the finding's own field, which its message may quote bare (`found 31337`): masked as a whole word
        const word = new RegExp(`(?<![A-Za-z0-9])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g');
        t = t.replace(word, () => maskValue(s));
        continue;
      }
      // a short value is masked only where it is quoted: elsewhere it is likely an ordinary word
      const forms = s.length < 6 ? [`'${s}'`, JSON.stringify(s)] : [s, JSON.stringify(s).slice(1, -1)];
      for (const form of forms) if (t.includes(form)) t = t.split(form).join(maskValue(s));
    }
    return t;
  };
  /** The secret values at the finding's own field (a schema finding about a numeric password). */
  const ownValues = (f: Finding) =>
    secretStrings(f.object)
      .filter((x) => x.path.length === f.path.length && x.path.every((k, i) => k === f.path[i]))
      .map((x) => x.value);
  return findings.map((f) => {
    if (masked.has(f)) return f;
    const secrets = secretsOf(f.object);
    if (secrets.length === 0) return f;
    const own = ownValues(f);
    // a secret finding's text is made without any value (`checkSecretContent`): masked again, the key's
    // name that holds the value (`SESSION_SECRET_ENV`) or a word of the hint equal to it (`app`) would be
    // garbled, and the garbled word would tell the value
    const made = SECRET_CODES.has(f.code);
    const message = made ? f.message : mask(f.message, secrets, own);
    const hint = f.hint === undefined || made ? f.hint : mask(f.hint, secrets, own);
    // a secret key in the path of a finding (any check's, about the value under it) is not printed either
    const hidden = f.path.some((k) => typeof k === 'string' && secrets.includes(k));
    const path = hidden ? f.path.map((k) => (typeof k === 'string' && secrets.includes(k) ? maskValue(k, 'key') : k)) : f.path;
    return message === f.message && hint === f.hint && !hidden ? f : { ...f, message, path, ...(hint !== undefined ? { hint } : {}) };
  });
}
