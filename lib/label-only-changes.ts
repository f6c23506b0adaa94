/**
 * Objects whose only change is the release label `app.kubernetes.io/version`: every object of an app carries its
 * release, and a blue/green app's objects that both colors share (its ConfigMap, its Service, its database, ...) carry
 * the newer of its two releases, so that a switch changes only the Service's selector. A release staged on the idle
 * color so changes each of them by that label, and nothing of the live color: the summary lists them apart, saying so
 * (lib/synth/inventory-changes.ts `changeLines`), rather than as changed like the idle color's Deployment. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from './model/object.js';
import { rollsOut } from './config-rollouts.js';
import { immutableChanges } from './immutable-fields.js';
import type { Relabeled } from './synth/inventory-changes.js';

/** The label of an object's release (lib/model/labels.ts `standardLabels`). */
export const VERSION_LABEL = 'app.kubernetes.io/version';

/** `value` with every `VERSION_LABEL` of a labels map taken out (the object's own, its pod template's, a Job template's). */
function withoutVersion(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutVersion);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).flatMap(([k, v]) =>
      k === 'labels' && v !== null && typeof v === 'object' && !Array.isArray(v)
        ? [[k, Object.fromEntries(Object.entries(v).filter(([l]) => l !== VERSION_LABEL))]]
        : [[k, withoutVersion(v)]],
    ),
  );
}

const versionOf = (o: KubeObject) => {
  const labels = o.metadata?.labels as Record<string, unknown> | undefined;
  const v = labels?.[VERSION_LABEL];
  return typeof v === 'string' ? v : undefined;
};

/**
 * Of the `changed` keys, those whose object as it was (`before`) and as it is (`after`) differ only in `VERSION_LABEL`,
 * with one value before and one after on the object itself, and whose pods the change does not replace (`rollsOut`: a
 * Deployment whose template's label changes rolls out, so it is a change like any other), nor refuses (a Job's template is
 * immutable: `immutableChanges`, lib/immutable-fields.ts, which output/immutable-field says); grouped by that change, each
 * group's keys in the order of `changed`. Keys whose objects are not given are left out.
 */
export function relabeledOnly(
  changed: readonly string[],
  before: ReadonlyMap<string, { readonly object: KubeObject }>,
  after: ReadonlyMap<string, KubeObject>,
): Relabeled[] {
  const groups = new Map<string, { from: string; to: string; keys: string[] }>();
  for (const key of changed) {
    const old = before.get(key)?.object;
    const now = after.get(key);
    if (!old || !now) continue;
    const [from, to] = [versionOf(old), versionOf(now)];
    if (from === undefined || to === undefined || from === to) continue;
    if (rollsOut(old, now) || immutableChanges(old, now, []).length > 0 || !isDeepStrictEqual(withoutVersion(old), withoutVersion(now)))
      continue;
    const id = `${from}\0${to}`;
    const group = groups.get(id) ?? { from, to, keys: [] };
    group.keys.push(key);
    groups.set(id, group);
  }
  return [...groups.values()];
}
