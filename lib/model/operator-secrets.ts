/**
 * The Secrets an operator makes from an object, by the object's API group and kind (a data table,
 * from the fields their CRDs, ../shared/crds/, define): a cert-manager Certificate writes its key
 * pair to `spec.secretName`, and cert-manager's ingress-shim makes such a Certificate for each TLS
 * Secret of an Ingress annotated with an issuer (an entry with hosts: `ingressTlsSecrets`); an External Secrets ExternalSecret writes
 * `spec.target.name`, its own name by default, unless its creationPolicy has it write into a Secret
 * made by someone else; a Job of kube-webhook-certgen (an admission webhook's certificate, as
 * ingress-nginx's chart makes it) writes its `--secret-name`. Each Secret says what to do for a key it lacks (`Made.otherKey`). The
 * reference checks find these Secrets (lib/checks/operator-secrets.ts). Pure.
 */
import { groupOf } from '../k8s.js';
import { describeObject, isRecord, ownEntry, type KubeObject } from './object.js';
import { podTemplateOf } from './pod-specs.js';

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

/** The controller's flag naming its cluster resource namespace, where a ClusterIssuer's Secrets are read. */
export const CLUSTER_RESOURCE_NAMESPACE_FLAG = '--cluster-resource-namespace';
/** The controller's flag naming the issuer ingress-shim uses for `kubernetes.io/tls-acme` (none by default). */
const DEFAULT_ISSUER_FLAG = '--default-issuer-name';

/**
 * The value of `flag` among a container's `args` as cert-manager's flag parser (pflag) reads them:
 * `--flag=value`, or `--flag value` (the next arg); the last one given counts. Undefined when absent.
 */
export function flagValue(args: readonly unknown[], flag: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'string') continue;
    if (a.startsWith(`${flag}=`)) value = a.slice(flag.length + 1);
    else if (a === flag) value = typeof args[i + 1] === 'string' ? (args[++i] as string) : '';
  }
  return value;
}

/** The arguments of the controller a stand-in stands for (lib/synth/app-summary.ts `standInsOf`): its object is not read for them. */
const STAND_IN_CONTROLLERS = new WeakMap<KubeObject, readonly string[]>();

/** Marks a stand-in `o` as the Deployment of cert-manager's controller, with its container's command and args. */
export function standInController(o: KubeObject, args: readonly string[]): void {
  STAND_IN_CONTROLLERS.set(o, args);
}

/**
 * The command and args of the container of cert-manager's controller in `o`, an apps Deployment:
 * the first container whose image is cert-manager-controller or that takes
 * --cluster-resource-namespace; undefined when `o` runs none. A stand-in answers from its app's
 * summary (`standInController`).
 */
export function certManagerControllerArgs(o: KubeObject): readonly unknown[] | undefined {
  const marked = STAND_IN_CONTROLLERS.get(o);
  if (marked) return marked;
  if (o?.kind !== 'Deployment' || typeof o.apiVersion !== 'string' || groupOf(o.apiVersion) !== 'apps') return undefined;
  const containers = podTemplateOf(o)?.spec?.containers;
  for (const c of Array.isArray(containers) ? containers : []) {
    if (!isRecord(c)) continue;
    const args = [...(Array.isArray(c.command) ? c.command : []), ...(Array.isArray(c.args) ? c.args : [])];
    if (flagValue(args, CLUSTER_RESOURCE_NAMESPACE_FLAG) !== undefined) return args;
    if (typeof c.image === 'string' && /(^|\/)cert-manager-controller([:@]|$)/.test(c.image)) return args;
  }
  return undefined;
}

/** Whether cert-manager's controller with these args has a default issuer for ingress-shim (--default-issuer-name not empty). */
export const hasDefaultIssuer = (args: readonly unknown[]): boolean => !!flagValue(args, DEFAULT_ISSUER_FLAG);

/** The controller's flags of the default issuer's kind and group, and their defaults (cmd/controller/app/options: an Issuer of cert-manager.io). */
export const DEFAULT_ISSUER_KIND_FLAG = '--default-issuer-kind';
const DEFAULT_ISSUER_GROUP_FLAG = '--default-issuer-group';

/**
 * The default issuer of cert-manager's controller with these args, for ingress-shim's
 * `kubernetes.io/tls-acme`: its name (--default-issuer-name), its kind (--default-issuer-kind, an
 * Issuer, of each Ingress's namespace, when not given or empty: cert-manager's default, whatever the
 * name says), and whether the kind was given; undefined without a name, or of another group than
 * cert-manager.io (--default-issuer-group: an external issuer).
 */
export function defaultIssuerOf(
  args: readonly unknown[],
): { readonly name: string; readonly kind: string; readonly kindGiven: boolean } | undefined {
  const name = flagValue(args, DEFAULT_ISSUER_FLAG);
  const group = flagValue(args, DEFAULT_ISSUER_GROUP_FLAG);
  if (!name || (group && group !== 'cert-manager.io')) return undefined;
  const kind = flagValue(args, DEFAULT_ISSUER_KIND_FLAG);
  return { name, kind: kind || 'Issuer', kindGiven: !!kind };
}

/** A default issuer taken as set (cert-manager's controller not among the objects). */
const SET = () => true;

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
 * only with ingressShim.defaultIssuerName): `defaultIssuer` says whether the controller has one
 * (false when its Deployment among the objects lacks the flag; asked only then); without the
 * controller among the objects it is taken as set, as the annotation says it is.
 */
export function namesIssuer(annotations: Record<string, unknown> | undefined, defaultIssuer: () => boolean = SET): boolean {
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
  return GO_TRUE.has(a[TLS_ACME]) && defaultIssuer();
}

/**
 * Whether annotations ask ingress-shim for the default issuer alone: `kubernetes.io/tls-acme` true
 * (`namesIssuer`), no issuer named.
 */
export const asksDefaultIssuer = (a: Record<string, unknown>): boolean =>
  a[ISSUER] === undefined && a[CLUSTER_ISSUER] === undefined && GO_TRUE.has(a[TLS_ACME]);

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
 * The controller of cert-manager among the objects, for `ingressShimHint`: described, and the
 * ClusterIssuers the objects make (to name on the Ingress instead).
 */
export interface ShimController {
  readonly controller: string;
  readonly clusterIssuers: readonly string[];
}

/**
 * What to do so that ingress-shim makes the Secret of TLS entry `i` of an Ingress `o` that asks it
 * for Certificates (`namesIssuer`) and gets none for that entry (`ingressTlsSecrets`): hosts for an
 * entry without them, a Secret of its own for each entry when two name one; for
 * `kubernetes.io/tls-acme` without a default issuer (`defaultIssuer` false: cert-manager's
 * controller `shim()` among the objects has none), the controller's flags or an issuer annotation;
 * undefined when it is made, or `o` asks for none.
 */
export function ingressShimHint(
  o: KubeObject,
  i: number,
  defaultIssuer: () => boolean = SET,
  shim?: () => ShimController | undefined,
): string | undefined {
  const tls = isRecord(o.spec) ? o.spec.tls : undefined;
  const entry = Array.isArray(tls) ? tls[i] : undefined;
  if (!isRecord(entry) || typeof entry.secretName !== 'string' || !isRecord(o.metadata)) return undefined;
  const annotations = isRecord(o.metadata.annotations) ? o.metadata.annotations : {};
  if (!namesIssuer(annotations, defaultIssuer)) {
    const controller = asksDefaultIssuer(annotations) ? shim?.() : undefined;
    if (!controller) return undefined;
    const [issuer] = controller.clusterIssuers;
    return (
      `cert-manager's ingress-shim makes Secret '${entry.secretName}' for ${TLS_ACME} only with a default issuer, and ${controller.controller} runs its controller without one: ` +
      `give the controller ${DEFAULT_ISSUER_FLAG}=<issuer> and --default-issuer-kind=ClusterIssuer (Helm: ingressShim.defaultIssuerName and ingressShim.defaultIssuerKind), ` +
      `or name the issuer on the Ingress instead of ${TLS_ACME}: ${CLUSTER_ISSUER}: ${issuer ?? '<name>'}${controller.clusterIssuers.length > 1 ? ` (the ClusterIssuers made here: ${controller.clusterIssuers.join(', ')})` : issuer === undefined ? '' : ' (the ClusterIssuer made here)'}, or ${ISSUER}: <an Issuer of its namespace>`
    );
  }
  const name = entry.secretName;
  if (ingressTlsSecrets(tls).includes(name)) return undefined;
  if (!Array.isArray(entry.hosts) || entry.hosts.length === 0)
    return `add hosts to spec.tls[${i}] (the host names of spec.rules the certificate is for): cert-manager's ingress-shim makes Secret '${name}' only for a TLS entry with hosts`;
  if (name === '')
    return `add a secretName to spec.tls[${i}] (a Secret of its own, for ingress-shim to write): cert-manager's ingress-shim makes no Certificate for a TLS entry without one`;
  return `give each entry of spec.tls a secretName of its own: cert-manager's ingress-shim makes no Certificate for an Ingress whose TLS entries name one Secret twice`;
}

/** The creation policies of an ExternalSecret that make its Secret (Merge and None write into one made by someone else). */
const CREATES = new Set(['Owner', 'Orphan', 'CreateOrMerge']);

/** The image of kube-webhook-certgen (registry.k8s.io/ingress-nginx/kube-webhook-certgen, jettech/kube-webhook-certgen). */
const CERTGEN_IMAGE = /(^|\/)kube-webhook-certgen([:@]|$)/;
/** Its subcommands that write the Secret (`patch` only reads it). */
const CERTGEN_CREATES: ReadonlySet<unknown> = new Set(['create', 'create-patch']);

/**
 * The value a container's argument has once the kubelet expands `$(VAR)` in it: the Job's namespace for a
 * variable of the downward API's metadata.namespace (as ingress-nginx's chart passes --namespace=$(POD_NAMESPACE)),
 * a variable's literal value, else undefined (not known here).
 */
function expanded(value: string, container: Record<string, unknown>, namespace: string | undefined): string | undefined {
  const ref = /^\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)$/.exec(value);
  if (!ref) return value.includes('$(') ? undefined : value;
  const env = (Array.isArray(container.env) ? container.env : []).find((e) => isRecord(e) && e.name === ref[1]);
  if (!isRecord(env)) return undefined;
  if (typeof env.value === 'string') return env.value;
  const field = isRecord(env.valueFrom) && isRecord(env.valueFrom.fieldRef) ? env.valueFrom.fieldRef.fieldPath : undefined;
  // the Job's own namespace, which one without metadata.namespace takes where it is applied
  return field === 'metadata.namespace' ? (namespace ?? OWN_NAMESPACE) : undefined;
}

/** What `expanded` gives for the namespace of a Job that names none: its own, wherever it is applied. */
const OWN_NAMESPACE = '';

/**
 * The Secret a Job of kube-webhook-certgen writes (`create`: a CA and a serving certificate for an admission
 * webhook, ingress-nginx's and kube-prometheus-stack's admission Jobs): `--secret-name` in `--namespace`, of the
 * keys --ca-name, --cert-name and --key-name (ca, cert, key by default), of --secret-type (Opaque).
 */
function certgenSecrets(o: KubeObject, spec: Record<string, unknown>): Made[] {
  const template = isRecord(spec.template) && isRecord(spec.template.spec) ? spec.template.spec : undefined;
  const made: Made[] = [];
  for (const c of template && Array.isArray(template.containers) ? template.containers : []) {
    if (!isRecord(c) || typeof c.image !== 'string' || !CERTGEN_IMAGE.test(c.image)) continue;
    const args = [...(Array.isArray(c.command) ? c.command : []), ...(Array.isArray(c.args) ? c.args : [])];
    if (!args.some((a) => CERTGEN_CREATES.has(a))) continue;
    const namespace = o.metadata.namespace;
    const flag = (name: string, otherwise?: string) => {
      const value = flagValue(args, name);
      return value === undefined ? otherwise : expanded(value, c, namespace);
    };
    const name = flag('--secret-name');
    const at = flag('--namespace');
    if (!name || at === undefined) continue;
    const keys = [flag('--ca-name', 'ca'), flag('--cert-name', 'cert'), flag('--key-name', 'key')];
    if (keys.some((k) => !k)) continue;
    const otherKey = () =>
      `read one of the keys ${describeObject(o)} writes with kube-webhook-certgen: ${keys.join(', ')} (--ca-name, --cert-name and --key-name name them)`;
    made.push({
      name,
      namespace: at === OWN_NAMESPACE ? namespace : at,
      type: flag('--secret-type', 'Opaque') ?? 'Opaque',
      keys: keys as string[],
      otherKey,
    });
  }
  return made;
}

/** A kind's API group and the Secrets an object of it has its operator make. */
interface Maker {
  readonly group: string;
  /** `defaultIssuer`: whether cert-manager's controller has a default issuer (`namesIssuer`). */
  readonly make: (o: KubeObject, spec: Record<string, unknown>, defaultIssuer: () => boolean) => Made[];
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
    make: (o, spec, defaultIssuer) => {
      if (!namesIssuer(o.metadata.annotations, defaultIssuer)) return [];
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
  Job: { group: 'batch', make: certgenSecrets },
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

/**
 * The Secrets the operator of `o` makes from it (`MAKERS`): none for most objects, found by their
 * kind alone. `defaultIssuer`: whether cert-manager's controller has a default issuer (`namesIssuer`).
 */
export function secretsMadeBy(o: KubeObject, defaultIssuer: () => boolean = SET): readonly Made[] {
  const maker = typeof o?.kind === 'string' ? ownEntry(MAKERS, o.kind) : undefined;
  if (!maker || typeof o.apiVersion !== 'string' || !isRecord(o.metadata) || !isRecord(o.spec) || groupOf(o.apiVersion) !== maker.group)
    return NONE;
  return maker.make(o, o.spec, defaultIssuer);
}

/**
 * Whether an operator makes a Secret from `o` (a Certificate, an ExternalSecret, an Ingress with a
 * cert-manager issuer): other objects' references find it, so `o` is read by the checks across
 * objects (lib/synth/app-summary.ts `plain`, lib/checks/operator-secrets.ts).
 */
export const makesSecrets = (o: KubeObject): boolean => secretsMadeBy(o).length > 0;
