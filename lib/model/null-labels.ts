/**
 * Label, annotation, selector and node selector values written as null in a manifest (`team:` with
 * nothing after it, as a template's empty value comes out). The API server decodes null into a map
 * of strings as "" (Go's encoding/json), so the object it stores holds the empty value; cdk8s drops
 * a null when it renders an object, which would take the key out of `dist/` (a selector's key: an
 * immutable selector changed). The `manifests` stack keeps each as "" (`emptyNullLabels`) and says so.
 * Pure: the object in, the places out.
 */
import type { FieldPath } from './field-path.js';
import { isRecord, type KubeObject } from './object.js';
import { POD_TEMPLATE_PATHS, podTemplateOf } from './pod-specs.js';

/** The kinds whose `spec.selector` is a map of labels (a workload's is a LabelSelector, with `matchLabels`). */
const MAP_SELECTORS: ReadonlySet<string> = new Set(['Service', 'ReplicationController']);

/** A null kept as "": where, and whether it is a label's (a selector's, a node selector's) or an annotation's. */
export interface NullLabel {
  readonly path: FieldPath;
  readonly what: 'label' | 'annotation';
}

/** Each key of the mapping `node` (at `at`) whose value is null, set to "" in place. */
function emptyNulls(node: unknown, at: FieldPath, what: NullLabel['what'], out: NullLabel[]): void {
  if (!isRecord(node)) return;
  for (const key of Object.keys(node)) {
    if (node[key] !== null) continue;
    node[key] = '';
    out.push({ path: [...at, key], what });
  }
}

/** The labels and annotations of the ObjectMeta `metadata` at `at`. */
function emptyMetadataNulls(metadata: unknown, at: FieldPath, out: NullLabel[]): void {
  if (!isRecord(metadata)) return;
  emptyNulls(metadata.labels, [...at, 'labels'], 'label', out);
  emptyNulls(metadata.annotations, [...at, 'annotations'], 'annotation', out);
}

/**
 * Sets to "" each null value of `o`'s labels and annotations, of a Service's or a workload's
 * selector (`spec.selector`, or its `matchLabels`) and of a workload's pod template's labels,
 * annotations and nodeSelector; returns where they were. Of other kinds only the object's own
 * metadata: their fields are not known here to be maps of strings.
 */
export function emptyNullLabels(o: KubeObject): NullLabel[] {
  const out: NullLabel[] = [];
  emptyMetadataNulls(o.metadata, ['metadata'], out);
  const spec = o.spec;
  if (isRecord(spec) && MAP_SELECTORS.has(o.kind)) emptyNulls(spec.selector, ['spec', 'selector'], 'label', out);
  else if (isRecord(spec) && isRecord(spec.selector) && POD_TEMPLATE_PATHS[o.kind])
    emptyNulls(spec.selector.matchLabels, ['spec', 'selector', 'matchLabels'], 'label', out);
  const template = podTemplateOf(o);
  if (template) {
    const at = POD_TEMPLATE_PATHS[o.kind];
    emptyMetadataNulls(template.metadata, [...at, 'metadata'], out);
    if (isRecord(template.spec)) emptyNulls(template.spec.nodeSelector, [...at, 'spec', 'nodeSelector'], 'label', out);
  }
  return out;
}
