/**
 * The Kubernetes target version, decided once.
 *
 * Every module that needs Kubernetes types, constructs or definitions imports them from here, so
 * moving to a newer cdk8s-plus (and Kubernetes) is a change to this file and package.json.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

export * as kplus from 'cdk8s-plus-25';
export { k8s } from 'cdk8s-plus-25';

/** The Kubernetes minor version the manifests target. */
export const KUBERNETES_VERSION = '1.25';

const PLUS_PACKAGE = 'cdk8s-plus-25';
const require = createRequire(import.meta.url);

/** Absolute path of a data file shipped inside the cdk8s-plus package (its jsii assembly, its api-resources table). */
export function plusPackageFile(name: string): string {
  return require.resolve(`${PLUS_PACKAGE}/package.json`).replace(/package\.json$/, name);
}

/**
 * `apiVersion/kind` of documents that are not API objects but sit next to manifests: a kustomization
 * (`kustomization.yaml`: Kustomization, Component) and a kubeconfig (`v1 Config`). No API server
 * serves them: they are never objects of a stage, and the checks skip them.
 */
export const NOT_API_OBJECTS: ReadonlySet<string> = new Set([
  'kustomize.config.k8s.io/v1beta1/Kustomization',
  'kustomize.config.k8s.io/v1alpha1/Component',
  'v1/Config',
]);

/**
 * kustomize's konfig.IgnoredByKustomizeAnnotation: an object so marked (any value but "false") is
 * local configuration, a kpt function's or setter's input, which kustomize leaves out of what it builds.
 */
export const LOCAL_CONFIG = 'config.kubernetes.io/local-config';

/** Whether `annotations` mark their object local configuration (LOCAL_CONFIG, at any value but "false"). */
export function isLocalConfig(annotations: Readonly<Record<string, unknown>> | undefined): boolean {
  const value = annotations?.[LOCAL_CONFIG];
  return typeof value === 'string' && value !== 'false';
}

/**
 * Whether `o` is kpt's package context: the ConfigMap `kptfile.kpt.dev` marked local configuration
 * (package-context.yaml, which `kpt pkg get` and `kpt pkg init` write in every package), input to the
 * package's functions, which kpt and kustomize never apply. Like NOT_API_OBJECTS, it sits next to
 * manifests and is skipped where they are read: never an object of a stage.
 */
export function isKptPackageContext(o: { readonly apiVersion?: unknown; readonly kind?: unknown; readonly metadata?: unknown }): boolean {
  if (o.kind !== 'ConfigMap' || o.apiVersion !== 'v1') return false;
  const metadata = o.metadata as { name?: unknown; annotations?: Record<string, unknown> } | null | undefined;
  return metadata?.name === 'kptfile.kpt.dev' && isLocalConfig(metadata.annotations);
}

/** The kinds of NOT_API_OBJECTS, looked at first: most objects are of none, and need no key made. */
const NOT_API_KINDS: ReadonlySet<unknown> = new Set([...NOT_API_OBJECTS].map((k) => k.slice(k.lastIndexOf('/') + 1)));

/** Whether `o` is an API object: not one of NOT_API_OBJECTS. */
export function isApiObject(o: { readonly apiVersion?: unknown; readonly kind?: unknown }): boolean {
  return !NOT_API_KINDS.has(o.kind) || !NOT_API_OBJECTS.has(`${o.apiVersion}/${o.kind}`);
}

/**
 * Whether a document is a list that kubectl applies item by item: a kind ending in `List` with
 * `items`, as `kubectl get -o yaml` prints several objects (`v1 List`) and the API lists them
 * (`v1 ServiceList`, `apps/v1 DeploymentList`). kubectl decodes any document with `items` as a
 * list and applies its items, and kustomize (`kubectl apply -k`) expands them.
 */
export function isListDocument(o: { readonly apiVersion?: unknown; readonly kind?: unknown; readonly items?: unknown }): boolean {
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items);
}

/** The API group of an apiVersion: `apps` for `apps/v1`, '' for the core `v1`. */
export function groupOf(apiVersion: unknown): string {
  const s = String(apiVersion);
  return s.includes('/') ? s.slice(0, s.indexOf('/')) : '';
}

/** `group/kind` of an object's kind: `cert-manager.io/ClusterIssuer`, `/Namespace` for the core group. */
export function groupKind(apiVersion: string, kind: string): string {
  return `${groupOf(apiVersion)}/${kind}`;
}

/**
 * Kinds by name, each with the API groups (core: '') that have a kind of that name: what a scope
 * decision looks up, first by kind and then by group, without making a `group/kind` string.
 */
export type KindGroups = ReadonlyMap<string, readonly string[]>;

const NO_KINDS: KindGroups = new Map();

/** One lookup per list: a stage's charts (and a run's checks) share the list, so it is built once. */
const kindGroupsOf = new WeakMap<readonly string[], KindGroups>();

/**
 * `group/kind` strings (`cert-manager.io/ClusterIssuer`, as `groupKind` and lib/checks/crds.ts
 * `clusterScopedKinds` make them; `group/*` for every kind of a group) as KindGroups, made once per list.
 */
export function kindGroups(groupKinds: readonly string[] | undefined): KindGroups {
  if (!groupKinds?.length) return NO_KINDS;
  let byKind = kindGroupsOf.get(groupKinds);
  if (byKind) return byKind;
  const made = new Map<string, string[]>();
  for (const gk of groupKinds) {
    const slash = gk.lastIndexOf('/');
    const kind = gk.slice(slash + 1);
    const group = slash < 0 ? '' : gk.slice(0, slash);
    const groups = made.get(kind);
    if (!groups) made.set(kind, [group]);
    else if (!groups.includes(group)) groups.push(group);
  }
  kindGroupsOf.set(groupKinds, (byKind = made));
  return byKind;
}

/**
 * Cluster-scoped built-in kinds that the api-resources table (`kubectl api-resources` of a default
 * cluster) leaves out, as `group/kind`: the alpha APIs, which a default API server does not serve.
 * Kubernetes 1.25 has two (its OpenAPI definitions, which cdk8s-plus-25 ships, have no other kind
 * that the table lacks: test/k8s.test.ts). The others came after 1.25 (the schema check refuses
 * them as no 1.25 kind); a kind keeps its scope from version to version, so they are listed too,
 * so that a manifest for a newer cluster is not also misread, and a newer target finds them here.
 */
const CLUSTER_SCOPED_BEYOND_TABLE: readonly string[] = [
  // Kubernetes 1.25 alpha
  'internal.apiserver.k8s.io/StorageVersion',
  'networking.k8s.io/ClusterCIDR',
  // Kubernetes 1.26 and later
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'authentication.k8s.io/SelfSubjectReview',
  'certificates.k8s.io/ClusterTrustBundle',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'resource.k8s.io/DeviceClass',
  'resource.k8s.io/ResourceClass',
  'resource.k8s.io/ResourceSlice',
  'storage.k8s.io/VolumeAttributesClass',
  'storagemigration.k8s.io/StorageVersionMigration',
];

/** The built-in kinds by name, each with the groups that keep it at cluster scope and those that keep it in a namespace. */
interface BuiltInKinds {
  readonly cluster: KindGroups;
  readonly namespaced: KindGroups;
}

/** Read on first use (never while modules load). */
let builtIn: BuiltInKinds | undefined;

/** Whether `apiVersion` (`group/version`, or `version` for the core group) is of one of `groups`; makes no string. */
function inGroups(apiVersion: string, groups: readonly string[]): boolean {
  const slash = apiVersion.indexOf('/');
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i];
    if (slash < 0 ? group === '' : slash === group.length && apiVersion.startsWith(group)) return true;
  }
  return false;
}

/**
 * Whether the API server keeps a built-in kind of `apiVersion`'s group at cluster scope (true), in
 * a namespace (false), or has no such built-in kind (undefined: a custom resource, or a kind of a
 * built-in group that Kubernetes does not have). From the `kubectl api-resources` table that
 * cdk8s-plus ships for its Kubernetes version (column NAMESPACED), with the cluster-scoped kinds it
 * leaves out (CLUSTER_SCOPED_BEYOND_TABLE); read on first use (never while modules load). By group
 * and kind: a custom `example.com/v1 Node` is no Node.
 */
export function builtInClusterScoped(apiVersion: unknown, kind: unknown): boolean | undefined {
  builtIn ??= readBuiltInKinds();
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const cluster = builtIn.cluster.get(kind);
  if (cluster && inGroups(apiVersion, cluster)) return true;
  const namespaced = builtIn.namespaced.get(kind);
  return namespaced && inGroups(apiVersion, namespaced) ? false : undefined;
}

/**
 * Whether an object of `apiVersion` and `kind` lives at cluster scope: a built-in kind of its group
 * that the API server keeps there (`builtInClusterScoped`), or a custom kind of `customKinds` (those
 * whose CustomResourceDefinition says `scope: Cluster`, by kind and group). Any other kind is
 * namespaced: a custom kind whose CRD says `scope: Namespaced`, and also a kind of a group that
 * neither Kubernetes nor a known CRD has, since that is what most custom resources are (its CRD,
 * once known, says otherwise; the checks report a custom resource without one).
 *
 * Runs for every object, several times: one map lookup by kind answers most (a namespaced built-in
 * kind when no CRD has a kind of its name), and a group is compared in place, never cut out.
 */
export function isClusterScoped(apiVersion: unknown, kind: unknown, customKinds: KindGroups = NO_KINDS): boolean {
  builtIn ??= readBuiltInKinds();
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return false;
  const cluster = builtIn.cluster.get(kind);
  if (cluster && inGroups(apiVersion, cluster)) return true;
  if (customKinds.size === 0) return false;
  const custom = customKinds.get(kind);
  // `group/*`: every kind of the group (Gatekeeper's constraints, whose kinds are their templates')
  const anyKind = customKinds.get('*');
  if (!(custom && inGroups(apiVersion, custom)) && !(anyKind && inGroups(apiVersion, anyKind))) return false;
  // a CRD cannot define a kind of Kubernetes' own: the built-in kind of the group stays namespaced
  const namespaced = builtIn.namespaced.get(kind);
  return !namespaced || !inGroups(apiVersion, namespaced);
}

function readBuiltInKinds(): BuiltInKinds {
  const cluster = new Map<string, string[]>();
  const namespaced = new Map<string, string[]>();
  const add = (group: string, kind: string, atCluster: boolean) => {
    // the table's row first: a newer target's table may list a kind that was alpha before
    if (cluster.get(kind)?.includes(group) || namespaced.get(kind)?.includes(group)) return;
    const byKind = atCluster ? cluster : namespaced;
    byKind.set(kind, [...(byKind.get(kind) ?? []), group]);
  };
  for (const line of readFileSync(plusPackageFile('api-resources.txt'), 'utf8').split('\n').slice(1)) {
    // columns: NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS...; VERBS is one bracketed token
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const verbsAt = cols.findIndex((c) => c.startsWith('['));
    add(groupOf(cols[verbsAt - 3]), cols[verbsAt - 1], cols[verbsAt - 2] === 'false');
  }
  for (const [kind, groups] of kindGroups(CLUSTER_SCOPED_BEYOND_TABLE)) for (const group of groups) add(group, kind, true);
  return { cluster, namespaced };
}
