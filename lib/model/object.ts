/** The plain shape of a synthesized Kubernetes object, as the transforms and checks see it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** `Kind namespace/name` (or `Kind name` at cluster scope): how messages name an object. */
export function describeObject(o: KubeObject): string {
  const ns = o.metadata?.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata?.name ?? '(no name)'}`;
}

/**
 * Characters of the content hash a hashed ConfigMap's name ends with (`demoapp-config-<hash>`):
 * enough to make a collision between two releases negligible. Written by
 * lib/constructs/hashed-config-map.ts, recognized by lib/diff/.
 */
export const CONTENT_HASH_LENGTH = 10;
