/**
 * Annotations that kustomize acts on when it builds a stage's directory (`kubectl apply -k
 * dist/<stage>`; Argo CD and Flux build it with kustomize too), which manifests taken from kpt
 * packages or a KRM function's output carry: `config.kubernetes.io/local-config` (any value but
 * "false") leaves the object out of the build, so it is never applied (one marked "false" is built:
 * kustomize's DropLocalNodes since v4.4, kubectl 1.25's v4.5.7 included; the kustomize of kubectl
 * 1.22 and before left out any value); and
 * `internal.config.kubernetes.io/needsHashSuffix: enabled` renames it `<name>-<hash of its content>`
 * and rewrites the references to it. Either way the cluster gets other objects than the ones dist/,
 * its inventory and the checks know. (`kustomize.config.k8s.io/needs-hash`, the generators' public
 * mark, does nothing on an object listed as a resource: kustomize keeps it as an annotation.)
 * kpt's own package context never gets here: it is skipped where manifests are read
 * (lib/k8s.ts `isKptPackageContext`). Pure: an object in, a finding out.
 */
import { LOCAL_CONFIG, isLocalConfig } from '../k8s.js';
import type { KubeObject } from '../model/object.js';
import type { Emit, Finding } from './finding.js';

/** kustomize's internal mark of an object whose name takes a hash of its content. */
const HASH_SUFFIX = 'internal.config.kubernetes.io/needsHashSuffix';

/** The finding on an object that kustomize leaves out or renames when it builds the stage, if `o` is one. */
export function kustomizeAnnotationFinding(emit: Emit, o: KubeObject): Finding | undefined {
  const annotations = o.metadata?.annotations ?? {};
  if (isLocalConfig(annotations)) {
    return emit(
      'api/kustomize-annotation',
      ['metadata', 'annotations', LOCAL_CONFIG],
      `marks the ${o.kind} as local configuration (a kpt function's or setter's input), which kustomize leaves out of what it builds: kubectl apply -k never applies it, though dist/ and its inventory hold it`,
      `if the ${o.kind} is configuration for a tool, remove it from the manifests; to apply it, remove the annotation`,
    );
  }
  if (annotations[HASH_SUFFIX] === 'enabled') {
    return emit(
      'api/kustomize-annotation',
      ['metadata', 'annotations', HASH_SUFFIX],
      `makes kustomize rename the ${o.kind} ${String(o.metadata?.name)}-<a hash of its content> when kubectl apply -k builds the stage, and rewrite the references to it: the cluster gets a name that dist/, its inventory and the checks do not know, and a new ${o.kind} at every change`,
      "remove the annotation (a mark kustomize gives its generators' output, not meant for manifests)",
    );
  }
  return undefined;
}
