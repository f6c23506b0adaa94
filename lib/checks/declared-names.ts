/**
 * The names a reference may find of a kind that may be declared as made outside the objects
 * (`checks.existingObjects`, `--object-exists`: lib/model/existing-objects.ts): cert-manager's
 * issuers (issuer-refs.ts) and External Secrets' stores (store-secrets.ts), the objects' and the
 * declared, sorted. Pure.
 */
import { EXISTING_KINDS, existingNames } from '../model/existing-objects.js';
import type { ObjectIndex } from './object-index.js';

/** How the index files the objects of `kind`: `cert-manager.io/ClusterIssuer`. */
const groupKind = (kind: string): string => `${EXISTING_KINDS[kind].group}/${kind}`;

/**
 * The names of the objects of cluster-scoped `kind`, sorted (by kind: without their CRD the index
 * files them under a namespace), with those declared as made outside them (`existing`).
 */
export function clusterNames(index: ObjectIndex, kind: 'ClusterIssuer' | 'ClusterSecretStore', existing?: readonly string[]): string[] {
  const names = index.objectsOf(groupKind(kind)).flatMap((s) => (typeof s.metadata?.name === 'string' ? [s.metadata.name] : []));
  return [...new Set([...names, ...existingNames(existing, EXISTING_KINDS[kind].group, kind, '')])].sort();
}

/** The names of the objects of namespaced `kind` in namespace `ns`: the objects' and those declared as made outside them (`existing`), sorted. */
export function namespacedNames(
  index: ObjectIndex,
  kind: 'Issuer' | 'SecretStore',
  ns: string,
  existing: readonly string[] | undefined,
): readonly string[] {
  const declared = existingNames(existing, EXISTING_KINDS[kind].group, kind, ns);
  const names = index.namesOf(groupKind(kind), ns);
  return declared.length ? [...new Set([...names, ...declared])].sort() : names;
}
