import { isClusterScopedObject } from '../k8s.js';
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

/** One set per list of kinds: a stage's charts share the list, so the set is built once per stage. */
const kindSets = new WeakMap<readonly string[], ReadonlySet<string>>();
const NO_KINDS: ReadonlySet<string> = new Set();

function kindSet(kinds: readonly string[] | undefined): ReadonlySet<string> {
  if (!kinds?.length) return NO_KINDS;
  let set = kindSets.get(kinds);
  if (!set) kindSets.set(kinds, (set = new Set(kinds)));
  return set;
}

/** Puts namespaced objects without a namespace into the stage's namespace; removes one from cluster-scoped objects. */
export function setNamespace(objects: readonly KubeObject[], { namespace, clusterScopedKinds }: NamespaceOptions): KubeObject[] {
  const custom = kindSet(clusterScopedKinds);
  return objects.map((o) => {
    if (isClusterScopedObject(o.apiVersion, o.kind, custom)) {
      if (o.metadata.namespace === undefined) return o;
      const { namespace: _dropped, ...metadata } = o.metadata;
      return { ...o, metadata };
    }
    return o.metadata.namespace ? o : { ...o, metadata: { ...o.metadata, namespace } };
  });
}
