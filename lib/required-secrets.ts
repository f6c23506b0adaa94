/**
 * The Secrets a stage needs but never holds, written on the stage's Namespace as one annotation:
 * `stagecraft.dev/required-secrets: demoapp-tls=tls.crt,tls.key; mysqlsecret=database,password,username`.
 *
 * Operators see in `dist/` what must exist before the workloads start (made by
 * `npm run secrets`, or by whoever issues certificates), and the checks, reading only manifests,
 * know those Secrets and their keys without any value being committed; `name` alone, without
 * `=keys`, is a Secret whose keys are not listed (any key may be read). The apps declare theirs
 * (`Stack.secrets`), the stage file those made outside stagecraft (`secrets.external`). One name
 * is one Secret: a stage may not declare it both as made outside stagecraft and as made by the
 * stage (`secretKindConflicts`, `externalSecretProblems`, `externalSecretsMade`).
 */
import type { Problem, SourceLocation } from './errors.js';
import type { SecretDeclaration } from './stack.js';
import { formatFieldPath as dotted, type FieldPath } from './model/field-path.js';
import { compareCodePoints } from './model/order.js';

export const REQUIRED_SECRETS_ANNOTATION = 'stagecraft.dev/required-secrets';

/** A Secret the stage needs: its name, and its keys unless they are not listed (any key may be read). */
export interface RequiredSecret {
  readonly name: string;
  /** @default - not listed: a pod may read any key */
  readonly keys?: readonly string[];
}

/**
 * Declarations merged by name (two apps may share a Secret), keys sorted, as the annotation's
 * value: `name=key,key`, or `name` alone when a declaration does not list its keys (then none of
 * the name's declarations limits the keys a pod may read).
 */
export function formatRequiredSecrets(declarations: readonly RequiredSecret[]): string {
  const byName = new Map<string, Set<string> | undefined>();
  for (const d of declarations) {
    const known = byName.has(d.name) ? byName.get(d.name) : new Set<string>();
    byName.set(d.name, known && d.keys ? new Set([...known, ...d.keys]) : undefined);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([name, keys]) => (keys ? `${name}=${[...keys].sort().join(',')}` : name))
    .join('; ');
}

/**
 * The items of a list written in an annotation's value, split at `separator`, trimmed, empty ones
 * left out: the required Secrets (`;`) and their keys (`,`), the required ServiceAccounts (`,`).
 */
export function annotationList(value: string | undefined, separator: string): string[] {
  return (value ?? '')
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The Secrets named in the annotation's value, with their keys (none listed for an entry without `=`: any key). */
export function parseRequiredSecrets(value: string | undefined): { name: string; keys?: string[] }[] {
  return annotationList(value, ';').map((entry) => {
    const [name, keys] = entry.split('=');
    return keys === undefined ? { name: name.trim() } : { name: name.trim(), keys: annotationList(keys, ',') };
  });
}

/** The Secrets a Namespace's annotation (REQUIRED_SECRETS_ANNOTATION) names, with their keys, as `parseRequiredSecrets` reads them. */
export function requiredSecretsOf(namespace: { readonly metadata?: { readonly annotations?: Record<string, string> } }) {
  return parseRequiredSecrets(namespace.metadata?.annotations?.[REQUIRED_SECRETS_ANNOTATION]);
}

/** A Secret an app of a stage declares (`Stack.secrets`), with the app's name. */
export interface AppSecret {
  readonly app: string;
  readonly declaration: SecretDeclaration;
}

/** The keys of a TLS Secret (type kubernetes.io/tls), which an Ingress's `tls.secretName` must name. */
const TLS_KEYS = ['tls.crt', 'tls.key'];

/** How a declaration uses its Secret, for messages: `as a TLS Secret (...)`, `as a Secret with keys a, b, ...`. */
function use(d: SecretDeclaration, store: boolean): string {
  const keys = [...d.keys].sort().join(', ');
  if (!d.external)
    return `as a Secret with keys ${keys}, which ${store ? "the stage's secret store" : 'npm run secrets'} makes (type Opaque)`;
  return TLS_KEYS.every((k) => d.keys.includes(k))
    ? `as a TLS Secret (type kubernetes.io/tls, keys ${keys}), which is made outside stagecraft`
    : `as a Secret made outside stagecraft (keys ${keys})`;
}

/**
 * Secret names a stage declares both as made outside stagecraft (an Ingress's TLS Secret, of type
 * kubernetes.io/tls) and as made by the stage (`npm run secrets` or the secret store, type
 * Opaque): the annotation would merge their keys, and the Secret made would not apply over the
 * other (a Secret's type cannot change). One problem per such name, at the first declaration of
 * the other kind than the name's first (in file order), naming that first one.
 * @param place where a declaration of an app is in the stage file
 * @param store whether the stage's Secrets come from a secret store (`secretStore:`)
 */
export function secretKindConflicts(
  declared: readonly AppSecret[],
  place: (app: string, path: FieldPath) => SourceLocation,
  store: boolean,
): Problem[] {
  const byName = new Map<string, AppSecret[]>();
  for (const a of declared) {
    const same = byName.get(a.declaration.name);
    if (same) same.push(a);
    else byName.set(a.declaration.name, [a]);
  }
  const problems: Problem[] = [];
  for (const [name, declarations] of byName) {
    // only the names declared both ways are placed: placing a setting of a large stage file read from its entries reads the whole file
    if (declarations.every((a) => Boolean(a.declaration.external) === Boolean(declarations[0].declaration.external))) continue;
    const uses = declarations
      .map(({ app, declaration: d }) => ({ at: place(app, d.path), where: dotted(['apps', app, ...d.path]), d }))
      .sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
    const [first] = uses;
    const other = uses.find((u) => Boolean(u.d.external) !== Boolean(first.d.external))!;
    problems.push({
      code: 'config/conflict',
      location: other.at,
      message:
        `${other.where} uses the Secret '${name}' ${use(other.d, store)}, but ${first.where} (line ${first.at.line}) uses it ${use(first.d, store)}: ` +
        "one Secret cannot be both, since a Secret's type cannot change",
      hint: `use two Secrets: give one of them another name, at ${other.where} or at ${first.where}`,
    });
  }
  return problems;
}

/** A Secret of the stage's namespace made outside stagecraft, as the stage file declares it (`secrets.external`). */
export interface SecretMadeOutside extends RequiredSecret {
  /** Where its name is, from the stage file's root: `['secrets', 'external', 0]`, or `[..., 1, 'name']` for `{ name, keys }`. */
  readonly path: FieldPath;
}

/** The Secrets a stage file declares as made outside stagecraft (`secrets.external`), in file order. */
export function secretsMadeOutside(file: unknown): readonly SecretMadeOutside[] {
  type Entry = string | { name: string; keys?: readonly string[] };
  const external = (file as { secrets?: { external?: readonly Entry[] } } | undefined)?.secrets?.external ?? [];
  return external.map((e, i) =>
    typeof e === 'string'
      ? { name: e, path: ['secrets', 'external', i] }
      : { name: e.name, ...(e.keys ? { keys: e.keys } : {}), path: ['secrets', 'external', i, 'name'] },
  );
}

/**
 * The problems of a stage's `secrets.external`: a name declared twice there, and a key an app's
 * declaration of that Secret reads that the entry does not list (when it lists keys). An app's
 * declaration of a name listed there is of that Secret, made outside stagecraft (lib/config/load.ts):
 * a cert-manager client certificate mounted by `secretFiles`. A name declared twice is reported at
 * the later entry, an unlisted key at the app's declaration, each naming the other.
 * @param at where a setting is in the stage file
 * @param place where a declaration of an app is in the stage file
 */
export function externalSecretProblems(
  external: readonly SecretMadeOutside[],
  declared: readonly AppSecret[],
  at: (path: FieldPath) => SourceLocation,
  place: (app: string, path: FieldPath) => SourceLocation,
): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, SecretMadeOutside>();
  for (const s of external) {
    const first = seen.get(s.name);
    if (first) {
      problems.push({
        code: 'config/uniqueItems',
        location: at(s.path),
        message: `${dotted(s.path)} declares the Secret '${s.name}', which ${dotted(first.path)} (line ${at(first.path).line}) declares already`,
        hint: `declare each Secret once: remove one of them${!s.keys || !first.keys ? ' (one without keys lets pods read any key)' : ', and list the keys of both in the other'}`,
      });
      continue;
    }
    seen.set(s.name, s);
    const listed = s.keys;
    if (!listed) continue;
    for (const a of declared.filter((d) => d.declaration.name === s.name)) {
      const unlisted = a.declaration.keys.filter((k) => !listed.includes(k));
      if (!unlisted.length) continue;
      const where = dotted(['apps', a.app, ...a.declaration.path]);
      problems.push({
        code: 'config/conflict',
        location: place(a.app, a.declaration.path),
        message:
          `${where} reads the ${unlisted.length === 1 ? 'key' : 'keys'} ${unlisted.join(', ')} of the Secret '${s.name}', ` +
          `which ${dotted(s.path)} (line ${at(s.path).line}) declares as made outside stagecraft with the keys ${listed.join(', ')}`,
        hint: `list ${unlisted.join(', ')} among the keys of ${dotted(s.path)}, if the Secret has ${unlisted.length === 1 ? 'it' : 'them'}; or read another key`,
      });
    }
  }
  return problems;
}

/**
 * The Secrets the stage declares as made outside stagecraft that an app makes as an object (a
 * manifests app's Secret): the object would be applied over whatever makes the Secret. Each at the
 * declaration under `secrets.external`, naming the app and the object.
 * @param at where a setting is in the stage file
 * @param made the Secrets the apps render, with the app of each
 */
export function externalSecretsMade(
  external: readonly SecretMadeOutside[],
  made: readonly { readonly app: string; readonly name: string; readonly at?: SourceLocation }[],
  at: (path: FieldPath) => SourceLocation,
): Problem[] {
  return external.flatMap((s) => {
    const object = made.find((m) => m.name === s.name);
    if (!object) return [];
    return [
      {
        code: 'config/conflict',
        location: at(s.path),
        message:
          `${dotted(s.path)} declares the Secret '${s.name}' as made outside stagecraft, but apps.${object.app} makes it ` +
          `(a Secret object '${s.name}' of the stage's namespace${object.at ? `, at ${object.at.file}:${object.at.line}:${object.at.column}` : ''}): applied, it would replace the one made outside`,
        hint: `if apps.${object.app} makes it, remove it from secrets.external; if something else makes it, remove the Secret from the app's objects`,
      },
    ];
  });
}
