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
import { workloadTemplate } from './pod-specs.js';

/** The kinds whose `spec.selector` is a map of labels (a workload's is a LabelSelector, with `matchLabels`). */
const MAP_SELECTORS: ReadonlySet<string> = new Set(['Service', 'ReplicationController']);

/** A null kept as "": where, and whether it is a label's (a selector's, a node selector's), an annotation's or a data value's. */
export interface NullLabel {
  readonly path: FieldPath;
  readonly what: 'label' | 'annotation' | 'value';
  /** Whether it is a selector's: the selector of a workload or disruption budget is immutable, or changes what it selects. */
  readonly selector?: boolean;
}

/** The maps of strings of a ConfigMap's or Secret's data. */
const DATA_FIELDS = ['data', 'binaryData', 'stringData'];

/** Each key of the mapping `node` (at `at`) whose value is null, set to "" in place. */
function emptyNulls(node: unknown, at: FieldPath, what: NullLabel['what'], out: NullLabel[], selector = false): void {
  if (!isRecord(node)) return;
  for (const key of Object.keys(node)) {
    if (node[key] !== null) continue;
    node[key] = '';
    out.push({ path: [...at, key], what, ...(selector ? { selector } : {}) });
  }
}

/** Every LabelSelector's `matchLabels` under `node` (at `at`): a disruption budget's, a network policy's, an affinity term's. */
function emptyMatchLabelNulls(node: unknown, at: FieldPath, out: NullLabel[]): void {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) emptyMatchLabelNulls(item, [...at, i], out);
  } else if (isRecord(node))
    for (const key of Object.keys(node)) {
      if (key === 'matchLabels') emptyNulls(node[key], [...at, key], 'label', out, true);
      else emptyMatchLabelNulls(node[key], [...at, key], out);
    }
}

/** The labels and annotations of the ObjectMeta `metadata` at `at`. */
function emptyMetadataNulls(metadata: unknown, at: FieldPath, out: NullLabel[]): void {
  if (!isRecord(metadata)) return;
  emptyNulls(metadata.labels, [...at, 'labels'], 'label', out);
  emptyNulls(metadata.annotations, [...at, 'annotations'], 'annotation', out);
}

/**
 * Sets to "" each null value of `o`'s labels and annotations, of a Service's or ReplicationController's
 * selector, of every LabelSelector's `matchLabels` in its spec (a workload's, a disruption budget's, a
 * network policy's, an affinity term's), of a pod template's (and a CronJob's job template's) labels,
 * annotations and nodeSelector, and of a ConfigMap's or Secret's data; returns where they were.
 * Other fields are not known here to be maps of strings.
 */
export function emptyNullLabels(o: KubeObject): NullLabel[] {
  const out: NullLabel[] = [];
  emptyMetadataNulls(o.metadata, ['metadata'], out);
  if (o.kind === 'ConfigMap' || o.kind === 'Secret') for (const field of DATA_FIELDS) emptyNulls(o[field], [field], 'value', out);
  const spec = o.spec;
  if (isRecord(spec) && MAP_SELECTORS.has(o.kind)) emptyNulls(spec.selector, ['spec', 'selector'], 'label', out, true);
  emptyMatchLabelNulls(spec, ['spec'], out);
  if (o.kind === 'CronJob' && isRecord(spec) && isRecord(spec.jobTemplate))
    emptyMetadataNulls(spec.jobTemplate.metadata, ['spec', 'jobTemplate', 'metadata'], out);
  const { path: at, template } = workloadTemplate(o) ?? {};
  if (at && template) {
    emptyMetadataNulls(template.metadata, [...at, 'metadata'], out);
    if (isRecord(template.spec)) emptyNulls(template.spec.nodeSelector, [...at, 'spec', 'nodeSelector'], 'label', out);
  }
  return out;
}
