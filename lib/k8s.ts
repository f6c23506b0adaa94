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

/** The kinds of NOT_API_OBJECTS, looked at first: most objects are of none, and need no key made. */
const NOT_API_KINDS: ReadonlySet<unknown> = new Set([...NOT_API_OBJECTS].map((k) => k.slice(k.lastIndexOf('/') + 1)));

/** Whether `o` is an API object: not one of NOT_API_OBJECTS. */
export function isApiObject(o: { readonly apiVersion?: unknown; readonly kind?: unknown }): boolean {
  return !NOT_API_KINDS.has(o.kind) || !NOT_API_OBJECTS.has(`${o.apiVersion}/${o.kind}`);
}

let clusterScoped: ReadonlySet<string> | undefined;

/**
 * Whether the API server keeps a kind at cluster scope, from the `kubectl api-resources` table
 * that cdk8s-plus ships for its Kubernetes version (column NAMESPACED), read on first use (never
 * while modules load). Kinds not in the table (custom resources) are treated as namespaced, which
 * is what most custom resources are: `isClusterScopedObject` also knows the custom kinds whose
 * CustomResourceDefinition says otherwise.
 */
export function isClusterScoped(kind: string): boolean {
  clusterScoped ??= readClusterScopedKinds();
  return clusterScoped.has(kind);
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
 * Whether an object of `apiVersion` and `kind` lives at cluster scope: a built-in cluster-scoped
 * kind, or one of `customKinds` (`group/kind` of the custom kinds whose CRD says `scope: Cluster`).
 */
export function isClusterScopedObject(apiVersion: string, kind: string, customKinds: ReadonlySet<string>): boolean {
  return isClusterScoped(kind) || (customKinds.size > 0 && customKinds.has(groupKind(apiVersion, kind)));
}

function readClusterScopedKinds(): ReadonlySet<string> {
  return new Set(
    readFileSync(plusPackageFile('api-resources.txt'), 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // columns: NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS...; VERBS is one bracketed token
      .filter((cols) => cols.length >= 5)
      .map((cols) => {
        const verbsAt = cols.findIndex((c) => c.startsWith('['));
        return { namespaced: cols[verbsAt - 2], kind: cols[verbsAt - 1] };
      })
      .filter((r) => r.namespaced === 'false')
      .map((r) => r.kind),
  );
}
