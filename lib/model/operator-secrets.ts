/**
 * The Secrets an operator makes from an object, by the object's API group and kind (a data table,
 * from the fields their CRDs, ../shared/crds/, define): a cert-manager Certificate writes its key
 * pair to `spec.secretName`, and cert-manager's ingress-shim makes such a Certificate for each TLS
 * Secret of an Ingress annotated with an issuer; an External Secrets ExternalSecret writes
 * `spec.target.name`, its own name by default, unless its creationPolicy has it write into a Secret
 * made by someone else. The reference checks find these Secrets (lib/checks/operator-secrets.ts).
 * Pure.
 */
import { groupKind } from '../k8s.js';
import { isRecord, ownEntry, type KubeObject } from './object.js';

/** A Secret an operator makes: its name and namespace, its type, its keys (undefined: not known from the object, so any). */
export interface Made {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly type: string;
  readonly keys: readonly string[] | undefined;
}

/** The keys cert-manager writes besides tls.crt, tls.key and ca.crt, by the option that asks for them. */
const KEYSTORE_KEYS: Readonly<Record<string, readonly string[]>> = {
  jks: ['keystore.jks', 'truststore.jks'],
  pkcs12: ['keystore.p12', 'truststore.p12'],
};
const OUTPUT_FORMAT_KEYS: Readonly<Record<string, string>> = { CombinedPEM: 'tls-combined.pem', DER: 'key.der' };

/** The keys of a Certificate's Secret: the key pair and CA, and what its keystores and additional formats add. */
function certificateKeys(spec: Record<string, unknown>): string[] {
  const keys = ['ca.crt', 'tls.crt', 'tls.key'];
  const stores = isRecord(spec.keystores) ? spec.keystores : {};
  for (const [store, made] of Object.entries(KEYSTORE_KEYS)) {
    const options = stores[store];
    if (isRecord(options) && options.create === true) keys.push(...made);
  }
  for (const f of Array.isArray(spec.additionalOutputFormats) ? spec.additionalOutputFormats : []) {
    const key = isRecord(f) && typeof f.type === 'string' ? ownEntry(OUTPUT_FORMAT_KEYS, f.type) : undefined;
    if (key) keys.push(key);
  }
  return keys;
}

/** The annotations by which cert-manager's ingress-shim makes a Certificate for each TLS entry of an Ingress. */
const ISSUER_ANNOTATIONS = ['cert-manager.io/issuer', 'cert-manager.io/cluster-issuer'];

/** The creation policies of an ExternalSecret that make its Secret (Merge and None write into one made by someone else). */
const CREATES = new Set(['Owner', 'Orphan', 'CreateOrMerge']);

/** By `group/kind`: the Secrets an object of that kind has its operator make. */
const MAKERS: Readonly<Record<string, (o: KubeObject, spec: Record<string, unknown>) => Made[]>> = {
  'cert-manager.io/Certificate': (o, spec) =>
    typeof spec.secretName === 'string'
      ? [{ name: spec.secretName, namespace: o.metadata.namespace, type: 'kubernetes.io/tls', keys: certificateKeys(spec) }]
      : [],
  'networking.k8s.io/Ingress': (o, spec) =>
    ISSUER_ANNOTATIONS.some((a) => typeof o.metadata.annotations?.[a] === 'string') && Array.isArray(spec.tls)
      ? spec.tls.flatMap((t) =>
          isRecord(t) && typeof t.secretName === 'string'
            ? [{ name: t.secretName, namespace: o.metadata.namespace, type: 'kubernetes.io/tls', keys: ['ca.crt', 'tls.crt', 'tls.key'] }]
            : [],
        )
      : [],
  'external-secrets.io/ExternalSecret': (o, spec) => {
    const target = isRecord(spec.target) ? spec.target : {};
    if (!CREATES.has(typeof target.creationPolicy === 'string' ? target.creationPolicy : 'Owner')) return [];
    const name = typeof target.name === 'string' ? target.name : o.metadata.name;
    if (typeof name !== 'string') return [];
    const template = isRecord(target.template) ? target.template : undefined;
    // dataFrom brings the keys of the provider's secrets, a template the keys it writes: not known here
    const data = Array.isArray(spec.data) ? spec.data : [];
    const keys =
      spec.dataFrom === undefined && template === undefined
        ? data.flatMap((d) => (isRecord(d) && typeof d.secretKey === 'string' ? [d.secretKey] : []))
        : undefined;
    const type = typeof template?.type === 'string' ? template.type : 'Opaque';
    return [{ name, namespace: o.metadata.namespace, type, keys }];
  },
};

/** The kinds of MAKERS, looked at first: the render cache's summary asks of every object. */
const MAKER_KINDS = new Set(Object.keys(MAKERS).map((k) => k.slice(k.indexOf('/') + 1)));

/** The Secrets the operator of `o` makes from it (`MAKERS`): none for most objects. */
export function secretsMadeBy(o: KubeObject): readonly Made[] {
  if (typeof o?.apiVersion !== 'string' || typeof o.kind !== 'string' || !isRecord(o.metadata) || !isRecord(o.spec)) return [];
  return ownEntry(MAKERS, groupKind(o.apiVersion, o.kind))?.(o, o.spec) ?? [];
}

/**
 * Whether an operator makes a Secret from `o` (a Certificate, an ExternalSecret, an Ingress with a
 * cert-manager issuer): other objects' references find it, so `o` is read by the checks across
 * objects (lib/synth/app-summary.ts `plain`, lib/checks/operator-secrets.ts).
 */
export const makesSecrets = (o: KubeObject): boolean => MAKER_KINDS.has(o.kind) && secretsMadeBy(o).length > 0;
