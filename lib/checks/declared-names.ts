/**
 * The names a reference may find of a kind that may be declared as made outside the objects
 * (`checks.existingObjects`, `--object-exists`: lib/model/existing-objects.ts): cert-manager's
 * issuers (issuer-refs.ts), External Secrets' stores (store-secrets.ts), the Deployments of Argo
 * Rollouts' workloadRef (custom-workloads.ts) the Services of routes and Ingresses (gateway-routes.ts,
 * references.ts) and the Gateways routes attach to (gateway-parents.ts), the objects' and the declared, sorted. Pure.
 */
import { EXISTING_KINDS, existingNames } from '../model/existing-objects.js';
import type { ObjectIndex } from './object-index.js';

/** How the index files the objects of `kind`: `cert-manager.io/ClusterIssuer`. */
const groupKind = (kind: string): string => `${EXISTING_KINDS[kind].group}/${kind}`;

/**
 * The names of the objects of cluster-scoped `kind`, sorted (by kind, wherever the index files them: under the
 * namespace they name when a CRD known says otherwise), with those declared as made outside them (`existing`).
 */
export function clusterNames(index: ObjectIndex, kind: 'ClusterIssuer' | 'ClusterSecretStore', existing?: readonly string[]): string[] {
  const names = index.objectsOf(groupKind(kind)).flatMap((s) => (typeof s.metadata?.name === 'string' ? [s.metadata.name] : []));
  return [...new Set([...names, ...existingNames(existing, EXISTING_KINDS[kind].group, kind, '')])].sort();
}

/** The names of the objects of namespaced `kind` in namespace `ns`: the objects' and those declared as made outside them (`existing`), sorted. */
export function namespacedNames(
  index: ObjectIndex,
  kind: 'Issuer' | 'SecretStore' | 'Deployment' | 'Service' | 'Gateway',
  ns: string,
  existing: readonly string[] | undefined,
): readonly string[] {
  const declared = existingNames(existing, EXISTING_KINDS[kind].group, kind, ns);
  const names = index.namesOf(groupKind(kind), ns);
  return declared.length ? [...new Set([...names, ...declared])].sort() : names;
}

/**
 * What a list of the names of `kind` holds besides the objects' when some are declared as made outside them
 * (` (with those declared as made outside them)`), so that a declared name is not said to be the objects'.
 */
export function withDeclared(existing: readonly string[] | undefined, kind: 'ClusterIssuer' | 'ClusterSecretStore'): string {
  return existingNames(existing, EXISTING_KINDS[kind].group, kind, '').length ? ' (with those declared as made outside them)' : '';
}

/**
 * Where an object made outside the objects is declared, so that a reference to it is no finding: the stage file's
 * checks.existingObjects, or the check command's --object-exists (lib/model/existing-objects.ts).
 */
export function declareHint(kind: string, ns: string, name: string, written: boolean | undefined): string {
  const entry = `${kind}/${ns ? `${ns}/` : ''}${name}`;
  return written
    ? `if '${name}' is made outside the stage, declare it under checks.existingObjects in the stage file: ${entry}`
    : `if '${name}' is made outside these files, declare it: npm run check -- --object-exists ${entry} <files>`;
}

/** Knative Serving's Service (`serving.knative.dev`), as the index files it. */
const KNATIVE_SERVICE = 'serving.knative.dev/Service';

/**
 * Whether a Knative Service of the objects makes the Service `name` of namespace `ns`: Knative makes one of its own
 * name there (an ExternalName to the cluster's Knative ingress), which no object shows, for an Ingress or a route to
 * reach it by. Its ports are Knative's: not looked at.
 */
export const madeByKnative = (index: ObjectIndex, ns: string, name: string): boolean => index.get(KNATIVE_SERVICE, ns, name) !== undefined;
