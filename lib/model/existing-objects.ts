/**
 * Objects the cluster already has that the checks look references up in, made outside the objects
 * checked (by another team, a Helm release, an operator): an External Secrets store, a cert-manager
 * issuer, the Deployment an Argo Rollout takes its pods from (`workloadRef`, the Helm release it
 * migrates from), a Service a Gateway API route or an Ingress sends traffic to (Strimzi's
 * `<cluster>-kafka-bootstrap`, another release's), and a Gateway a route attaches to (a platform's), as the stage file's `checks.existingObjects` and
 * `npm run check -- --object-exists` declare them (`ClusterSecretStore/vault`, `SecretStore/payments/aws`,
 * `Deployment/shop/web`, `Service/shop/kafka-bootstrap`, `Gateway/shop/public`), and
 * `dist/<stage>/inventory.txt` records them for `npm run check -- dist/<stage>`. A reference to a
 * declared one is no finding; a name near one is a finding only when no declared one matches it
 * (lib/checks/issuer-refs.ts, store-secrets.ts, custom-workloads.ts, gateway-routes.ts, gateway-parents.ts, references.ts). Pure.
 */
import { DNS1123_SUBDOMAIN } from './object-names.js';

/** The kinds that may be declared, by kind: their API group, and whether they are namespaced. */
export const EXISTING_KINDS: Readonly<Record<string, { readonly group: string; readonly namespaced: boolean }>> = {
  ClusterIssuer: { group: 'cert-manager.io', namespaced: false },
  ClusterSecretStore: { group: 'external-secrets.io', namespaced: false },
  Deployment: { group: 'apps', namespaced: true },
  Gateway: { group: 'gateway.networking.k8s.io', namespaced: true },
  Issuer: { group: 'cert-manager.io', namespaced: true },
  SecretStore: { group: 'external-secrets.io', namespaced: true },
  Service: { group: '', namespaced: true },
};

const NAME = DNS1123_SUBDOMAIN.source.slice(1, -1);
const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** What a declaration is: `ClusterSecretStore/<name>`, `ClusterIssuer/<name>`, or `SecretStore`, `Issuer`, `Deployment`, `Service` or `Gateway` `/<namespace>/<name>`. */
export const EXISTING_OBJECT_PATTERN = `^((ClusterSecretStore|ClusterIssuer)/${NAME}|(SecretStore|Issuer|Deployment|Service|Gateway)/${LABEL}/${NAME})$`;

/** What a declaration is, in words, for a message refusing one. */
export const EXISTING_OBJECT_FORM =
  'ClusterSecretStore/<name>, ClusterIssuer/<name>, SecretStore/<namespace>/<name>, Issuer/<namespace>/<name>, Deployment/<namespace>/<name>, Service/<namespace>/<name> or Gateway/<namespace>/<name>';

/** A declared object: its kind, its namespace ('' for a cluster-scoped kind) and its name. */
export interface ExistingObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

const FORM = new RegExp(EXISTING_OBJECT_PATTERN);

/** The object `text` declares; undefined when it is not of the form (`EXISTING_OBJECT_FORM`). */
export function parseExistingObject(text: string): ExistingObject | undefined {
  if (!FORM.test(text)) return undefined;
  const [kind, ...rest] = text.split('/');
  return rest.length === 2 ? { kind, namespace: rest[0], name: rest[1] } : { kind, namespace: '', name: rest[0] };
}

/**
 * The names of the objects of `kind` (of API group `group`) in namespace `ns` that `declared` holds
 * (a cluster-scoped kind's whatever `ns`); an entry not of the form is none.
 */
export function existingNames(declared: readonly string[] | undefined, group: string, kind: string, ns: string): string[] {
  const known = EXISTING_KINDS[kind];
  if (!declared?.length || known?.group !== group) return [];
  const names: string[] = [];
  for (const text of declared) {
    const o = parseExistingObject(text);
    if (o && o.kind === kind && (!known.namespaced || o.namespace === ns)) names.push(o.name);
  }
  return names;
}
