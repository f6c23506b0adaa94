import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { kplus } from '../k8s.js';
import { CONTENT_HASH_LENGTH } from '../model/object.js';
import { sha256Hex } from '../model/sha256.js';

/**
 * The hash of a ConfigMap's data, as a name suffix: sha256 of the entries in key order, so the same
 * data gives the same hash on any machine and in any key order, and any change to a key or value
 * changes it.
 */
export function contentHash(data: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(
    Object.keys(data)
      .sort()
      .map((k) => [k, data[k]]),
  );
  return sha256Hex(canonical).slice(0, CONTENT_HASH_LENGTH);
}

export interface HashedConfigMapProps {
  /** The name before the hash: the ConfigMap is named `<baseName>-<hash of data>`. */
  readonly baseName: string;
  /** The configuration, as environment-style key/value pairs. */
  readonly data: Readonly<Record<string, string>>;
}

/**
 * A ConfigMap whose name carries a hash of its content, as kustomize's configMapGenerator makes
 * them: workloads reference `name`, so changing the data renames the ConfigMap and rolls the pods
 * that use it, and the old data makes the old name again. The old ConfigMap leaves the output, so
 * `kubectl apply --prune` deletes it: a rollback is the old data, synthesized again, not `kubectl
 * rollout undo` (whose pods would read a ConfigMap that is gone). Immutable, since a changed
 * content is a new object.
 */
export class HashedConfigMap extends Construct {
  /** `metadata.name`: `<baseName>-<hash>`. */
  readonly name: string;
  readonly configMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: HashedConfigMapProps) {
    super(scope, id);
    const bad = Object.keys(props.data).filter((k) => !/^[-._a-zA-Z0-9]+$/.test(k));
    if (bad.length)
      throw new Error(
        `ConfigMap '${props.baseName}': 'data' keys ${bad.map((k) => `'${k}'`).join(', ')} may only hold letters, digits, '-', '_' and '.'`,
      );
    this.name = `${props.baseName}-${contentHash(props.data)}`;
    // cdk8s-plus looks keys up with `in` on a plain object, so `constructor` or `toString` would be
    // "already used": such keys are written by a JSON patch of the whole data instead
    const inherited = Object.keys(props.data).some((k) => k in Object.prototype);
    this.configMap = new kplus.ConfigMap(this, 'Resource', {
      metadata: { name: this.name },
      data: inherited ? {} : { ...props.data },
      immutable: true,
    });
    if (inherited) ApiObject.of(this.configMap).addJsonPatch(JsonPatch.add('/data', { ...props.data }));
  }
}
