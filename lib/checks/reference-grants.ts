/**
 * Gateway API's ReferenceGrants: a reference of a Gateway API object into another namespace (a route's
 * backendRef to a Service, a Gateway listener's certificateRef to a Secret) holds only while a
 * ReferenceGrant in that namespace lets the referring kind of the referring namespace reach the
 * object (ReferenceGrantSpec: `from` entries of group, kind and namespace; `to` entries of group, kind
 * and an optional name, every object of the kind without one). Without one, the Gateway's controller
 * sets the referrer's ResolvedRefs condition to False (RefNotPermitted) and does not use it. Pure.
 */
import { asRecord, recordsIn, type KubeObject } from '../model/object.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';

/** Gateway API's group: of the routes, Gateways and ReferenceGrants. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** `an HTTPRoute`, `a TLSRoute`, `a Gateway`: a kind of Gateway API with its article, as it is read aloud. */
export const anArticle = (kind: string) => `${kind.startsWith('H') ? 'an' : 'a'} ${kind}`;

/** How the index files ReferenceGrants, of any version served (v1beta1, v1). */
const REFERENCE_GRANT = `${GATEWAY_GROUP}/ReferenceGrant`;

/** A reference into another namespace: from a Gateway API object of `kind` in `from` to the core `target` named `name` in `to`. */
export interface CrossReference {
  readonly kind: string;
  readonly from: string;
  readonly to: string;
  readonly target: 'Service' | 'Secret';
  readonly name: string;
}

/**
 * Whether the objects' ReferenceGrants decide `ref`: `refused` says why none of those in its namespace lets
 * it through (undefined when one does); `known`, whether that is known to be so - the objects make that
 * namespace or grants in it (another's namespace, in which they make none, is its owner's to grant in).
 * `grants`: those of that namespace, for the hint.
 */
export function grantFor(ref: CrossReference, index: ObjectIndex): { refused?: string; known: boolean; grants: readonly KubeObject[] } {
  const grants = index.objectsOf(REFERENCE_GRANT, ref.to);
  const known = grants.length > 0 || index.get(KINDS.Namespace, '', ref.to) !== undefined;
  if (grants.length === 0)
    return {
      refused: 'the objects make no ReferenceGrant there, and Gateway API refuses a reference into another namespace without one',
      known,
      grants,
    };
  const reasons: string[] = [];
  for (const grant of grants) {
    const spec = asRecord(grant.spec);
    const fromOk = recordsIn(spec?.from).some((f) => f.group === GATEWAY_GROUP && f.kind === ref.kind && f.namespace === ref.from);
    const toOk = recordsIn(spec?.to).some(
      (t) =>
        (t.group ?? '') === '' &&
        t.kind === ref.target &&
        (t.name === undefined || t.name === null || t.name === '' || t.name === ref.name),
    );
    if (fromOk && toOk) return { known, grants };
    const handle = String(grant.metadata?.name ?? '(no name)');
    if (!fromOk) reasons.push(`${handle}'s from has no entry of group ${GATEWAY_GROUP}, kind ${ref.kind} and namespace ${ref.from}`);
    if (!toOk) reasons.push(`${handle}'s to has no entry of group "", kind ${ref.target} and name ${ref.name} (or none)`);
  }
  return {
    refused: `no ReferenceGrant there lets ${anArticle(ref.kind)} of namespace '${ref.from}' reach it: ${listed(reasons)}`,
    known,
    grants,
  };
}

/** The ReferenceGrant that lets `ref` through, as a hint writes it, or the entries to add to one of `grants`, those there. */
export const grantHint = (ref: CrossReference, grants: readonly KubeObject[]) =>
  `add to namespace '${ref.to}' a ReferenceGrant (apiVersion: ${GATEWAY_GROUP}/v1beta1) with spec: { from: [{ group: ${GATEWAY_GROUP}, kind: ${ref.kind}, namespace: ${ref.from} }], to: [{ group: "", kind: ${ref.target}, name: ${ref.name} }] }${
    grants.length ? ` (or add those entries to ${listed(grants.map((g) => String(g.metadata?.name ?? '(no name)')))})` : ''
  }`;
