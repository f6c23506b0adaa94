/**
 * The Secrets an operator makes from an object, by the object's API group and kind (a data table,
 * from the fields their CRDs, ../shared/crds/, define): a cert-manager Certificate writes its key
 * pair to `spec.secretName`, and cert-manager's ingress-shim makes such a Certificate for each TLS
 * Secret of an Ingress annotated with an issuer (an entry with hosts: `ingressTlsSecrets`); an External Secrets ExternalSecret writes
 * `spec.target.name`, its own name by default, unless its creationPolicy has it write into a Secret
 * made by someone else. Each Secret says what to do for a key it lacks (`Made.otherKey`). The
 * reference checks find these Secrets (lib/checks/operator-secrets.ts). Pure.
 */
import { groupOf } from '../k8s.js';
import { describeObject, isRecord, ownEntry, type KubeObject } from './object.js';

/**
 * A Secret an operator makes: its name and namespace, its type, its keys (undefined: not known from
 * the object, so any), and the hint for a key it lacks (what to read instead, or how its maker writes it).
 */
export interface Made {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly type: string;
  readonly keys: readonly string[] | undefined;
  readonly otherKey: (key: string) => string;
}

/** The keys cert-manager writes besides tls.crt, tls.key and ca.crt, by the option that asks for them. */
const KEYSTORE_KEYS: Readonly<Record<string, readonly string[]>> = {
  jks: ['keystore.jks', 'truststore.jks'],
  pkcs12: ['keystore.p12', 'truststore.p12'],
};
const OUTPUT_FORMAT_KEYS: Readonly<Record<string, string>> = { CombinedPEM: 'tls-combined.pem', DER: 'key.der' };

/** By key: the field of a Certificate that has cert-manager write it (KEYSTORE_KEYS, OUTPUT_FORMAT_KEYS). */
const OPTION_OF_KEY: ReadonlyMap<string, string> = new Map([
  ...Object.entries(KEYSTORE_KEYS).flatMap(([store, keys]) =>
    keys.map((k): [string, string] => [k, `spec.keystores.${store}.create: true, with a password or passwordSecretRef`]),
  ),
  ...Object.entries(OUTPUT_FORMAT_KEYS).map(([type, k]): [string, string] => [k, `spec.additionalOutputFormats: [{ type: ${type} }]`]),
]);

/** The hint for a key a Certificate's Secret lacks: the option that writes it, else the keys cert-manager writes. */
const certificateKeyHint = (maker: string) => (key: string) => {
  const option = OPTION_OF_KEY.get(key);
  return option
    ? `read one of the keys ${maker} writes, or have it write '${key}' too: ${option}`
    : `read one of the keys ${maker} writes: cert-manager writes only tls.crt, tls.key and ca.crt, and those spec.keystores (${Object.values(KEYSTORE_KEYS).flat().join(', ')}) and spec.additionalOutputFormats (${Object.values(OUTPUT_FORMAT_KEYS).join(', ')}) ask for`;
};

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

const ISSUER = 'cert-manager.io/issuer';
const CLUSTER_ISSUER = 'cert-manager.io/cluster-issuer';

/** The annotation ingress-shim takes, by default (--auto-certificate-annotations), for a Certificate of the default issuer. */
const TLS_ACME = 'kubernetes.io/tls-acme';
/** The strings Go's strconv.ParseBool reads as true, as ingress-shim reads TLS_ACME. */
const GO_TRUE: ReadonlySet<unknown> = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/**
 * Whether cert-manager's ingress-shim makes Certificates for an Ingress with these annotations
 * (hasShimAnnotation, then issuerForIngressLike): it names an issuer by `cert-manager.io/issuer`
 * or `cert-manager.io/cluster-issuer`, not empty (an empty one overrides a default issuer, and no
 * Certificate is made), and not both; a cluster issuer with `cert-manager.io/issuer-kind` or
 * `cert-manager.io/issuer-group` is refused too. Or, without either, it says
 * `kubernetes.io/tls-acme: "true"` (any value ParseBool takes as true), which asks for the default
 * issuer of the controller's flags (--default-issuer-name, which cert-manager's Helm chart sets
 * with ingressShim.defaultIssuerName): taken as set, as the annotation says it is.
 */
export function namesIssuer(annotations: Record<string, unknown> | undefined): boolean {
  const a = annotations ?? {};
  const issuer = a[ISSUER];
  const cluster = a[CLUSTER_ISSUER];
  if (issuer !== undefined && cluster !== undefined) return false;
  if (cluster !== undefined)
    return (
      typeof cluster === 'string' &&
      cluster !== '' &&
      a['cert-manager.io/issuer-kind'] === undefined &&
      a['cert-manager.io/issuer-group'] === undefined
    );
  if (issuer !== undefined) return typeof issuer === 'string' && issuer !== '';
  return GO_TRUE.has(a[TLS_ACME]);
}

/**
 * The TLS Secrets ingress-shim makes Certificates for (buildCertificates): an entry with a
 * secretName and at least one host (one without hosts is skipped: 'Skipped a TLS block:
 * spec.tls[0].hosts: Required value'), none if two entries name one Secret
 * (checkForDuplicateSecretNames refuses the Ingress).
 */
function ingressTlsSecrets(tls: unknown): string[] {
  if (!Array.isArray(tls)) return [];
  const names = tls.map((t) => (isRecord(t) && typeof t.secretName === 'string' ? t.secretName : ''));
  if (new Set(names).size < names.length) return [];
  return tls.flatMap((t, i) => (names[i] !== '' && isRecord(t) && Array.isArray(t.hosts) && t.hosts.length > 0 ? [names[i]] : []));
}

/**
 * What to do so that ingress-shim makes the Secret of TLS entry `i` of an Ingress `o` that asks it
 * for Certificates (`namesIssuer`) and gets none for that entry (`ingressTlsSecrets`): hosts for an
 * entry without them, a Secret of its own for each entry when two name one; undefined when it is
 * made, or `o` asks for none.
 */
export function ingressShimHint(o: KubeObject, i: number): string | undefined {
  const tls = isRecord(o.spec) ? o.spec.tls : undefined;
  const entry = Array.isArray(tls) ? tls[i] : undefined;
  if (!isRecord(entry) || typeof entry.secretName !== 'string' || !isRecord(o.metadata) || !namesIssuer(o.metadata.annotations))
    return undefined;
  const name = entry.secretName;
  if (ingressTlsSecrets(tls).includes(name)) return undefined;
  if (!Array.isArray(entry.hosts) || entry.hosts.length === 0)
    return `add hosts to spec.tls[${i}] (the host names of spec.rules the certificate is for): cert-manager's ingress-shim makes Secret '${name}' only for a TLS entry with hosts`;
  return `give each entry of spec.tls a secretName of its own: cert-manager's ingress-shim makes no Certificate for an Ingress whose TLS entries name one Secret twice`;
}

/** The creation policies of an ExternalSecret that make its Secret (Merge and None write into one made by someone else). */
const CREATES = new Set(['Owner', 'Orphan', 'CreateOrMerge']);

/** A kind's API group and the Secrets an object of it has its operator make. */
interface Maker {
  readonly group: string;
  readonly make: (o: KubeObject, spec: Record<string, unknown>) => Made[];
}

/** By kind, looked up before the group (no `group/kind` string per object: the render cache's summary asks of every object). */
const MAKERS: Readonly<Record<string, Maker>> = {
  Certificate: {
    group: 'cert-manager.io',
    make: (o, spec) =>
      typeof spec.secretName === 'string'
        ? [
            {
              name: spec.secretName,
              namespace: o.metadata.namespace,
              type: 'kubernetes.io/tls',
              keys: certificateKeys(spec),
              otherKey: certificateKeyHint(describeObject(o)),
            },
          ]
        : [],
  },
  Ingress: {
    group: 'networking.k8s.io',
    make: (o, spec) => {
      if (!namesIssuer(o.metadata.annotations)) return [];
      const otherKey = () =>
        `read one of the keys cert-manager's ingress-shim writes for ${describeObject(o)}: only tls.crt, tls.key and ca.crt`;
      return ingressTlsSecrets(spec.tls).map((name) => ({
        name,
        namespace: o.metadata.namespace,
        type: 'kubernetes.io/tls',
        keys: ['ca.crt', 'tls.crt', 'tls.key'],
        otherKey,
      }));
    },
  },
  ExternalSecret: {
    group: 'external-secrets.io',
    make: (o, spec) => {
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
      const otherKey = (key: string) =>
        `read one of the keys ${describeObject(o)} writes, or have it write '${key}' too: a spec.data entry with secretKey: ${key}, or spec.target.template`;
      return [{ name, namespace: o.metadata.namespace, type, keys, otherKey }];
    },
  },
};

const NONE: readonly Made[] = [];

/** The Secrets the operator of `o` makes from it (`MAKERS`): none for most objects, found by their kind alone. */
export function secretsMadeBy(o: KubeObject): readonly Made[] {
  const maker = typeof o?.kind === 'string' ? ownEntry(MAKERS, o.kind) : undefined;
  if (!maker || typeof o.apiVersion !== 'string' || !isRecord(o.metadata) || !isRecord(o.spec) || groupOf(o.apiVersion) !== maker.group)
    return NONE;
  return maker.make(o, o.spec);
}

/**
 * Whether an operator makes a Secret from `o` (a Certificate, an ExternalSecret, an Ingress with a
 * cert-manager issuer): other objects' references find it, so `o` is read by the checks across
 * objects (lib/synth/app-summary.ts `plain`, lib/checks/operator-secrets.ts).
 */
export const makesSecrets = (o: KubeObject): boolean => secretsMadeBy(o).length > 0;
