/**
 * Where labels, annotations and label selectors are in each kind, read from the Kubernetes
 * schema rather than guessed from key names: a field is an ObjectMeta or a LabelSelector because
 * its definition says so. A CustomResourceDefinition's `openAPIV3Schema.properties.matchLabels`
 * is a schema, not a label map, and a custom resource's fields are its CRD's (only its own
 * `metadata` is ObjectMeta).
 */
import { kubernetesSchemas } from './k8s-schema.js';

/** The fields to descend into from one definition, and what the definition itself is. */
export interface LabelPlan {
  /** The node is an ObjectMeta: its `labels` and `annotations` are checked. */
  readonly meta?: boolean;
  /** The node is a LabelSelector: its `matchLabels` are labels. */
  readonly selector?: boolean;
  /** Properties whose values hold (or lead to) metadata or selectors, with their plans (a list: walked without an iterator). */
  readonly props?: readonly (readonly [string, LabelPlan])[];
  /** For lists: the plan of each item; for maps (`additionalProperties`): of each value. */
  readonly items?: LabelPlan;
  readonly values?: LabelPlan;
}

type Schema = Record<string, unknown>;
const REF = 'k8s#/definitions/';

/** Plans per definition; `null` while being computed (recursive definitions reach nothing new). */
const byDefinition = new Map<string, LabelPlan | null>();
const byKind = new Map<string, LabelPlan | undefined>();

/** The plan for a root custom resource or unknown kind: only its own metadata. */
export const METADATA_ONLY: LabelPlan = { props: [['metadata', { meta: true }]] };

function planOf(schema: Schema | undefined): LabelPlan | undefined {
  if (!schema) return undefined;
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith(REF)) return planOfDefinition(ref.slice(REF.length));
  if (schema.type === 'array') return wrap({ items: planOf(schema.items as Schema | undefined) });
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    return wrap({ values: planOf(schema.additionalProperties as Schema) });
  }
  return undefined;
}

const wrap = (p: { items?: LabelPlan; values?: LabelPlan }): LabelPlan | undefined => (p.items || p.values ? p : undefined);

function planOfDefinition(name: string): LabelPlan | undefined {
  if (byDefinition.has(name)) return byDefinition.get(name) ?? undefined;
  if (name === 'ObjectMeta') return { meta: true };
  if (name === 'LabelSelector') return { selector: true };
  byDefinition.set(name, null);
  const def = kubernetesSchemas().definitions[name];
  const props: [string, LabelPlan][] = [];
  for (const [key, sub] of Object.entries((def?.properties as Record<string, Schema> | undefined) ?? {})) {
    const plan = planOf(sub);
    if (plan) props.push([key, plan]);
  }
  const plan = props.length ? { props } : undefined;
  byDefinition.set(name, plan ?? null);
  return plan;
}

/**
 * The plan of a kind (`apiVersion/kind`), computed once per process; custom resources and kinds
 * Kubernetes does not have get METADATA_ONLY.
 */
export function labelPlan(apiVersion: string, kind: string): LabelPlan {
  const key = `${apiVersion}/${kind}`;
  if (!byKind.has(key)) {
    const info = kubernetesSchemas().kinds.get(key);
    byKind.set(key, info ? planOfDefinition(info.fqn.slice(info.fqn.lastIndexOf('.') + 1)) : undefined);
  }
  return byKind.get(key) ?? METADATA_ONLY;
}
