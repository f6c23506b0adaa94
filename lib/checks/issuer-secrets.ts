/**
 * The Secrets a cert-manager Issuer or ClusterIssuer reads (`refs/issuer-secret`): a CA issuer's
 * key pair (`spec.ca.secretName`), an ACME account's external binding key and its DNS-01
 * solvers' credentials, Vault's and Venafi's credentials. cert-manager takes the issuer, then marks
 * it not Ready and issues nothing while one is not there: every Certificate of the issuer waits.
 * An Issuer reads them in its own namespace, a ClusterIssuer in cert-manager's cluster resource
 * namespace (`clusterResourceNamespace`). The ACME account key (`spec.acme.privateKeySecretRef`) is
 * cert-manager's to make: when it is not there, cert-manager generates one and registers the
 * account, so only a key it lacks is a finding; with `disableAccountKeyGeneration: true` it makes
 * none and the issuer waits for it, as for any other Secret. The fields, as data, from cert-manager's CRDs
 * (../shared/crds/cert-manager). A Certificate's keystore password is read the same way, in its namespace. Pure.
 */
import { groupOf } from '../k8s.js';
import { didYouMean } from '../model/did-you-mean.js';
import { CLUSTER_RESOURCE_NAMESPACE_FLAG, flagValue } from '../model/operator-secrets.js';
import { describeObject, isRecord, type KubeObject } from '../model/object.js';
import { finder, type FieldPath, type Finding, guessing } from './finding.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';
import type { ReferenceOptions } from './references-namespaces.js';
import { DECLARED_SECRETS, SECRET_KEYS_ANNOTATION, declaredKeys, declaredOutside, missingKeyHint } from './declared-secrets.js';

/**
 * Where an issuer's spec names a Secret: a path from `spec` (`*` for every item of a list) to a
 * selector (`{ name, key }`: the key read when written) or to the name itself, with the keys read.
 */
interface SecretField {
  readonly path: readonly string[];
  /** The keys read of a Secret named by a string (not a selector). */
  readonly keys?: readonly string[];
  /** The key read when the selector writes none (cert-manager's default). */
  readonly defaultKey?: string;
  /**
   * cert-manager makes the Secret when it is not there (the ACME account key) unless the `true` at
   * this path from `spec` says not to (`acme.disableAccountKeyGeneration`: then it waits for it).
   */
  readonly madeUnless?: readonly string[];
  /** What the Secret is for, in messages. */
  readonly what: string;
  /** A path from `spec` to a `true` without which the Secret is not read. */
  readonly when?: readonly string[];
}

/** The DNS-01 solvers' Secret selectors, by provider. */
const DNS01: Readonly<Record<string, readonly string[]>> = {
  acmeDNS: ['accountSecretRef'],
  akamai: ['accessTokenSecretRef', 'clientSecretSecretRef', 'clientTokenSecretRef'],
  azureDNS: ['clientSecretSecretRef'],
  cloudDNS: ['serviceAccountSecretRef'],
  cloudflare: ['apiKeySecretRef', 'apiTokenSecretRef'],
  digitalocean: ['tokenSecretRef'],
  rfc2136: ['tsigSecretSecretRef'],
  route53: ['accessKeyIDSecretRef', 'secretAccessKeySecretRef'],
};

const KEY_PAIR = ['tls.crt', 'tls.key'];

const ISSUER_FIELDS: readonly SecretField[] = [
  { path: ['ca', 'secretName'], keys: KEY_PAIR, what: "the CA's key pair" },
  {
    path: ['acme', 'privateKeySecretRef'],
    defaultKey: 'tls.key',
    madeUnless: ['acme', 'disableAccountKeyGeneration'],
    what: 'the ACME account key',
  },
  { path: ['acme', 'externalAccountBinding', 'keySecretRef'], what: "the ACME account's external binding key" },
  ...Object.entries(DNS01).flatMap(([provider, refs]) =>
    refs.map((ref) => ({ path: ['acme', 'solvers', '*', 'dns01', provider, ref], what: `the ${provider} DNS-01 solver's credentials` })),
  ),
  { path: ['vault', 'auth', 'tokenSecretRef'], what: "Vault's token" },
  { path: ['vault', 'auth', 'appRole', 'secretRef'], what: "Vault's AppRole secret" },
  { path: ['vault', 'auth', 'kubernetes', 'secretRef'], what: "Vault's service account token" },
  { path: ['vault', 'auth', 'clientCertificate', 'secretName'], keys: KEY_PAIR, what: "Vault's client certificate" },
  { path: ['vault', 'caBundleSecretRef'], what: "Vault's CA bundle" },
  { path: ['vault', 'clientCertSecretRef'], what: "Vault's client certificate" },
  { path: ['vault', 'clientKeySecretRef'], what: "Vault's client key" },
  { path: ['venafi', 'cloud', 'apiTokenSecretRef'], what: "Venafi Cloud's API token" },
  { path: ['venafi', 'tpp', 'credentialsRef'], what: "Venafi TPP's credentials" },
  { path: ['venafi', 'tpp', 'caBundleSecretRef'], what: "Venafi TPP's CA bundle" },
];

/** A Certificate's keystore passwords: cert-manager writes the keystore only with its password. */
const CERTIFICATE_FIELDS: readonly SecretField[] = ['jks', 'pkcs12'].map((store) => ({
  path: ['keystores', store, 'passwordSecretRef'],
  what: `the ${store} keystore's password`,
  when: ['keystores', store, 'create'],
}));

/** By kind (of cert-manager.io): the fields naming Secrets, and what waits while one is not there. */
const BY_KIND: ReadonlyMap<string, { readonly fields: readonly SecretField[]; readonly waits: string }> = new Map([
  ['Issuer', { fields: ISSUER_FIELDS, waits: 'cert-manager issues no certificate of the Issuer until it is there' }],
  ['ClusterIssuer', { fields: ISSUER_FIELDS, waits: 'cert-manager issues no certificate of the ClusterIssuer until it is there' }],
  ['Certificate', { fields: CERTIFICATE_FIELDS, waits: "cert-manager writes none of the Certificate's Secret until it is there" }],
]);

/** The values at `path` below `value` (`*` for every item of a list), each with its field path. */
export function valuesAt(value: unknown, path: readonly string[], prefix: FieldPath): [FieldPath, unknown][] {
  if (path.length === 0) return value === undefined ? [] : [[prefix, value]];
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(value) ? value.flatMap((v, i) => valuesAt(v, rest, [...prefix, i])) : [];
  return isRecord(value) ? valuesAt(value[head], rest, [...prefix, head]) : [];
}

const FLAG = CLUSTER_RESOURCE_NAMESPACE_FLAG;
/** cert-manager's default for --cluster-resource-namespace (its Helm chart passes the namespace it is installed in). */
const DEFAULT_CLUSTER_RESOURCE_NAMESPACE = 'kube-system';
/** The namespace cert-manager's Helm chart and static manifests install it in. */
const CERT_MANAGER_NAMESPACE = 'cert-manager';

/**
 * cert-manager's cluster resource namespace, where a ClusterIssuer's Secrets are read, and why: the
 * `--cluster-resource-namespace` (`=value` or the next arg) of its controller's Deployment among
 * the objects (`$(POD_NAMESPACE)`, as its Helm chart writes it, is the Deployment's namespace),
 * kube-system for a controller without the flag; without a controller among the objects,
 * `cert-manager` when they make that namespace, else none is known (nothing is checked). The
 * controller is found without reading a cached app (`certManagerControllers`).
 */
export function clusterResourceNamespace(index: ObjectIndex): { ns: string; why: string } | undefined {
  const [controller] = index.certManagerControllers();
  if (controller) {
    const d = controller.object;
    const value = flagValue(controller.args, FLAG);
    if (value === undefined)
      return { ns: DEFAULT_CLUSTER_RESOURCE_NAMESPACE, why: `${describeObject(d)} runs cert-manager's controller without ${FLAG}` };
    const why = `${FLAG} of ${describeObject(d)}`;
    if (value === '$(POD_NAMESPACE)') return { ns: index.namespaceOf(d), why };
    return value === '' || value.includes('$(') ? undefined : { ns: value, why };
  }
  return index.get(KINDS.Namespace, '', CERT_MANAGER_NAMESPACE)
    ? { ns: CERT_MANAGER_NAMESPACE, why: 'where cert-manager is installed, its controller not among the objects' }
    : undefined;
}

/**
 * How a stage declares a Secret of cert-manager's namespace `ns` made outside stagecraft: on that
 * Namespace, not in the stage file; `made` whether the objects make that Namespace.
 */
const clusterSecret = (ns: string, made: boolean) => (name: string, keys: string | undefined) =>
  `if it is made outside stagecraft (kubectl, a controller such as Sealed Secrets, a Job), declare it on Namespace '${ns}'` +
  `${made ? '' : ` (which the objects do not make: add it, or declare the Secret on a Namespace they make and point ${FLAG} there)`}` +
  `: stagecraft.dev/required-secrets: ${name}${keys === undefined ? '' : `=${keys}`}`;

/**
 * The Secrets a cert-manager Issuer or ClusterIssuer reads (or a Certificate, its keystores'
 * passwords) that are not there, or that lack a key it reads (`refs/issuer-secret`).
 */
export function checkIssuerSecrets(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], { written }: ReferenceOptions): void {
  const kind = BY_KIND.get(o.kind);
  if (!kind || !isRecord(o.spec) || groupOf(o.apiVersion) !== 'cert-manager.io') return;
  const spec = o.spec;
  const fields = kind.fields.flatMap((f) =>
    f.when && valuesAt(spec, f.when, [])[0]?.[1] !== true
      ? []
      : valuesAt(spec, f.path, ['spec']).map(([path, value]) => ({ f, path, value })),
  );
  if (fields.length === 0) return;
  const cluster = o.kind === 'ClusterIssuer' ? clusterResourceNamespace(index) : undefined;
  // a ClusterIssuer's Secrets are where cert-manager runs: not known, not checked
  if (o.kind === 'ClusterIssuer' && !cluster) return;
  const at = cluster?.ns ?? ns;
  const where = cluster ? `namespace '${at}' (cert-manager's cluster resource namespace: ${cluster.why})` : `namespace '${at}'`;
  const emit = finder(o);
  const refs = fields.flatMap(({ f, path, value }) => {
    const name = typeof value === 'string' ? value : isRecord(value) && typeof value.name === 'string' ? value.name : undefined;
    if (name === undefined || name === '') return [];
    const keyWritten = isRecord(value) && typeof value.key === 'string' && value.key !== '' ? value.key : undefined;
    const keys = f.keys ?? ((keyWritten ?? f.defaultKey) ? [keyWritten ?? f.defaultKey!] : []);
    const namePath: FieldPath = typeof value === 'string' ? path : [...path, 'name'];
    const made = f.madeUnless !== undefined && valuesAt(spec, f.madeUnless, [])[0]?.[1] !== true;
    return [{ f, path, name, keyWritten, keys, namePath, made }];
  });
  /** Secret name -> every key the issuer reads of it: a missing Secret is said once, at its first reference, with them all. */
  const keysRead = new Map<string, Set<string>>();
  for (const { name, keys, made } of refs) {
    if (made) continue;
    const read = keysRead.get(name) ?? new Set<string>();
    for (const k of keys) read.add(k);
    keysRead.set(name, read);
  }
  const said = new Set<string>();
  for (const { f, path, name, keyWritten, keys, namePath, made } of refs) {
    const target = index.get(KINDS.Secret, at, name);
    if (!target) {
      if (made || said.has(name)) continue;
      said.add(name);
      const names = index.namesOf(KINDS.Secret, at);
      const guess = didYouMean(name, names);
      const elsewhere = cluster
        ? index
            .objectsOf(KINDS.Secret)
            .filter((s) => s.metadata.name === name)
            .map((s) => `'${index.namespaceOf(s)}'`)
        : [];
      const all = [...(keysRead.get(name) ?? [])].sort();
      const listedKeys = all.length ? all.join(',') : undefined;
      // a stage declares its own namespace's Secrets in its file; cert-manager's namespace's on that Namespace
      const declare = !written
        ? declaredOutside.secret
        : cluster
          ? clusterSecret(at, index.get(KINDS.Namespace, '', at) !== undefined)
          : declaredOutside.stageSecret;
      out.push(
        emit(
          'refs/issuer-secret',
          namePath,
          `reads ${f.what} from Secret '${name}', but the Secrets in ${where} are: ${listed(names)}` +
            `${elsewhere.length ? `; the objects' Secret '${name}' is in namespace ${elsewhere.join(', ')}` : ''}` +
            `; ${kind.waits}`,
          guess !== undefined
            ? `did you mean '${guess}'? Otherwise add the Secret to namespace '${at}'`
            : `fix the name, or add the Secret${listedKeys ? ` (its keys ${all.join(', ')})` : ''} to namespace '${at}'; ${declare(name, listedKeys)}`,
        ),
      );
      continue;
    }
    // a Secret declared without its keys (made outside stagecraft) may hold any key
    if (DECLARED_SECRETS.has(target) && target.metadata.annotations?.[SECRET_KEYS_ANNOTATION] === undefined) continue;
    const has = declaredKeys(target);
    const lacks = keys.find((k) => !has.includes(k));
    if (lacks === undefined) continue;
    out.push(
      emit(
        'refs/issuer-secret',
        keyWritten === undefined ? namePath : [...path, 'key'],
        `reads key '${lacks}' of Secret '${name}' (${f.what}), which has the keys: ${listed(has)}`,
        guessing(lacks, has, missingKeyHint(target, name, lacks)),
      ),
    );
  }
}
