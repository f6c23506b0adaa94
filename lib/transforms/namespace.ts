import { isClusterScoped, kindGroups } from '../k8s.js';
import type { KubeObject } from '../model/object.js';

export interface NamespaceOptions {
  /** The stage's namespace, given to every namespaced object that names none. */
  readonly namespace: string;
  /**
   * `group/kind` of the custom kinds at cluster scope (their CRD says `scope: Cluster`): treated
   * like the built-in cluster-scoped kinds.
   * @default - none
   */
  readonly clusterScopedKinds?: readonly string[];
}

/**
 * Puts namespaced objects without a namespace into the stage's namespace; removes one from
 * cluster-scoped objects. Scope is decided by API group and kind (`isClusterScoped`): a custom
 * kind named like a built-in cluster-scoped one (`example.com/v1 Node`) is namespaced unless its
 * CRD says otherwise.
 */
export function setNamespace(objects: readonly KubeObject[], { namespace, clusterScopedKinds }: NamespaceOptions): KubeObject[] {
  const custom = kindGroups(clusterScopedKinds);
  return objects.map((o) => {
    if (isClusterScoped(o.apiVersion, o.kind, custom)) {
      if (o.metadata.namespace === undefined) return o;
      const { namespace: _dropped, ...metadata } = o.metadata;
      return { ...o, metadata };
    }
    return o.metadata.namespace ? o : { ...o, metadata: { ...o.metadata, namespace } };
  });
}
