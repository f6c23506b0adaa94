import { isClusterScoped } from '../k8s.js';
import type { KubeObject } from '../model/object.js';

export interface NamespaceOptions {
  /** The stage's namespace, given to every namespaced object that names none. */
  readonly namespace: string;
}

/** Puts namespaced objects without a namespace into the stage's namespace; removes one from cluster-scoped objects. */
export function setNamespace(objects: readonly KubeObject[], { namespace }: NamespaceOptions): KubeObject[] {
  return objects.map((o) => {
    if (isClusterScoped(o.kind)) {
      if (o.metadata.namespace === undefined) return o;
      const { namespace: _dropped, ...metadata } = o.metadata;
      return { ...o, metadata };
    }
    return o.metadata.namespace ? o : { ...o, metadata: { ...o.metadata, namespace } };
  });
}
