/**
 * What the checks know of the Secrets and ConfigMaps a stage holds, declares or has an operator make:
 * their keys (`declaredKeys`, with a Secret's `stagecraft.dev/secret-keys`), the Secrets declared
 * without being made (`DECLARED_SECRETS`) and those an operator makes (`MADE_SECRETS`), and how a
 * Secret or ServiceAccount made outside the objects is declared (`declaredOutside`), and a key it
 * lacks listed (`missingKeyHint`). Read by the pods' references (references-pods.ts) and the
 * operators' (issuer-secrets.ts, store-secrets.ts, cluster-stores.ts). Pure.
 */
import { asRecord, type KubeObject } from '../model/object.js';
import { REQUIRED_SECRETS_ANNOTATION } from '../required-secrets.js';

/**
 * Annotation on a Secret listing its keys (comma-separated) when the Secret's values are not in
 * the manifests (they must never be committed): `stagecraft.dev/secret-keys: username,password`.
 */
export const SECRET_KEYS_ANNOTATION = 'stagecraft.dev/secret-keys';

/**
 * The Secrets a stage declares without making them (the Namespace's stagecraft.dev/required-secrets
 * annotation, lib/required-secrets.ts), as the checks see them (lib/checks/required-objects.ts): their names
 * and keys are known (the keys listed in SECRET_KEYS_ANNOTATION; without it, not listed: any key),
 * their type is not.
 */
export const DECLARED_SECRETS = new WeakSet<KubeObject>();

/**
 * The Secrets an operator makes from an object of the stage with keys known from it (a cert-manager
 * Certificate's, an ExternalSecret's: lib/checks/operator-secrets.ts), each with the hint for a key
 * it does not have, which names the object that makes it and how that object writes the key, if it can.
 */
export const MADE_SECRETS = new WeakMap<KubeObject, (key: string) => string>();

/**
 * How files given to `npm run check` declare a Secret or ServiceAccount made outside them (by
 * kubectl, a controller such as Sealed Secrets or cert-manager, a Job, a Helm chart): on its
 * Namespace, as a stage's output does (lib/required-secrets.ts, lib/required-service-accounts.ts).
 * A stage declares a Secret in its stage file, or on a Namespace its manifests make.
 */
export const declaredOutside = {
  secret: (name: string, keys: unknown) =>
    'if it is made outside them (kubectl create secret, a controller such as Sealed Secrets or cert-manager, a Job), ' +
    `declare it on its Namespace: stagecraft.dev/required-secrets: ${name}${typeof keys === 'string' ? `=${keys}` : ''}`,
  /** In a stage: its own namespace's under the stage file's `secrets.external`, another's on that Namespace, which the manifests make. */
  stageSecret: (name: string, keys: unknown) =>
    'if it is made outside stagecraft (kubectl, a controller such as Sealed Secrets or cert-manager, a Job), declare it in the stage file: ' +
    `secrets: { external: [${typeof keys === 'string' ? `{ name: ${name}, keys: [${keys.split(',').join(', ')}] }` : name}] } (in the stage's namespace), ` +
    `or on a Namespace the manifests create: stagecraft.dev/required-secrets: ${name}${typeof keys === 'string' ? `=${keys}` : ''}`,
  serviceAccount: (name: string) =>
    'if it is made outside them (a Helm chart, a cloud IAM integration, kubectl create serviceaccount), ' +
    `declare it on its Namespace: stagecraft.dev/required-service-accounts: ${name}`,
  /** In a stage: under the stage file's `serviceAccounts.external`. */
  stageServiceAccount: (name: string) =>
    'if it is made outside stagecraft (a Helm chart, a cloud IAM integration, kubectl create serviceaccount), ' +
    `declare it in the stage file: serviceAccounts: { external: [${name}] }`,
};

/** The keys a Secret or ConfigMap declares. */
export function declaredKeys(o: KubeObject): readonly string[] {
  let found = declared.get(o);
  if (!found) declared.set(o, (found = keysOf(o)));
  return found;
}

/** Each object's keys, worked out once: a Secret is read by every container of every workload that uses it. */
const declared = new WeakMap<KubeObject, readonly string[]>();

function keysOf(o: KubeObject): readonly string[] {
  const keys = new Set<string>();
  const add = (m: unknown) => {
    for (const k of Object.keys(asRecord(m) ?? {})) keys.add(k);
  };
  if (o.kind === 'Secret') {
    add(o.data);
    add(o.stringData);
    for (const k of (o.metadata.annotations?.[SECRET_KEYS_ANNOTATION] ?? '').split(',')) if (k.trim()) keys.add(k.trim());
  } else {
    add(o.data);
    add(o.binaryData);
  }
  return [...keys].sort();
}

/**
 * What to do about key `key` that Secret `name` (`target`, made by an object of the stage or declared) lacks, read by an
 * operator's object (a cert-manager issuer, an External Secrets store): the maker's hint, else where to list the key.
 */
export function missingKeyHint(target: KubeObject, name: string, key: string): string {
  return (
    MADE_SECRETS.get(target)?.(key) ??
    (DECLARED_SECRETS.has(target)
      ? `list '${key}' among the Secret's keys where it is declared (${REQUIRED_SECRETS_ANNOTATION}: ${name}=<keys>), or read another key`
      : `add '${key}' to the Secret (or to its ${SECRET_KEYS_ANNOTATION} annotation), or read another key`)
  );
}
