/**
 * A change of a field that the API server refuses (or takes otherwise than written), as
 * lib/immutable-fields.ts finds it and lib/output-changes.ts says it, and where to show it. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { valueAt, type FieldPath } from './model/field-path.js';
import { isRecord, type KubeObject } from './model/object.js';

/** One changed field of an object: where, what it was, what it becomes, and why the API server refuses it. */
export interface FieldChange {
  readonly path: FieldPath;
  readonly before: unknown;
  readonly after: unknown;
  readonly why: string;
  /** The fix, given how to keep the old value. @default - keep the old value, or delete the object and apply again on purpose */
  readonly hint?: (keep: string) => string;
  /**
   * What the apply does with the change, when that is not simply a refusal: the API server takes
   * the update but not the change (a headless Service's clusterIP None, kept when no clusterIP is
   * given), or refuses it unless the cluster gave the field the same value (a claim's
   * storageClassName, newly written: then given what a refusal does where the stage is applied,
   * `kubectl apply fails on it` or the engine's failed sync).
   * @default - the API server refuses the update: the apply fails on it
   */
  readonly outcome?: string | ((fails: string) => string);
}

/** An object's spec, or an empty one when it has none (or not a mapping). */
export const specOf = (o: KubeObject): Record<string, unknown> => (isRecord(o.spec) ? o.spec : {});

/**
 * The deepest path below `path` where `a` and `b` differ in one place only (a Job's template whose
 * image changed: `spec.template.spec.containers[0].image`), so that the warning shows the values
 * that changed rather than two whole templates.
 */
export function narrowed(a: unknown, b: unknown, path: FieldPath): FieldPath {
  const x = valueAt(a, path);
  const y = valueAt(b, path);
  let keys: (string | number)[];
  if (isRecord(x) && isRecord(y)) keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
  else if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) keys = x.map((_, i) => i);
  else return path;
  const differing = keys.filter((k) => !isDeepStrictEqual(valueAt(x, [k]), valueAt(y, [k])));
  return differing.length === 1 ? narrowed(a, b, [...path, differing[0]]) : path;
}
