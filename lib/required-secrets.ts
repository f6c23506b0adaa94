/**
 * The Secrets a stage needs but never holds, written on the stage's Namespace as one annotation:
 * `stagecraft.dev/required-secrets: demoapp-tls=tls.crt,tls.key; mysqlsecret=database,password,username`.
 *
 * Operators see in `dist/` what must exist before the workloads start (made by
 * `npm run secrets`, or by whoever issues certificates), and the checks, reading only manifests,
 * know those Secrets and their keys without any value being committed. One name is one Secret:
 * a stage may not declare it both as made outside stagecraft and as made by the stage
 * (`secretKindConflicts`).
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
