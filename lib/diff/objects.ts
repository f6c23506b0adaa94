/**
 * Differences between two sets of manifests (./manifests.ts), object by object and field by field, for
 * `npm run diff`, promote and switch. Fields are compared with microdiff; this module decides what is
 * "the same object" (kind, namespace, name; a rolling object and its blue/green colors; a config object
 * across a new content hash), reads lists with a natural key as maps (lib/model/list-keys.ts: a
 * container is named, not numbered), and hides secrets (lib/checks/secret-texts.ts). The changes as lines are
 * ./lines.ts. Pure.
 */
import microdiff from 'microdiff';
import { hiddenNote, hider, secretTexts, secretValues } from '../checks/secret-texts.js';
import { CONTENT_HASH_LENGTH, isRecord } from '../model/object.js';
import { COLORS, colorName } from '../release.js';
import { formatFieldPath } from '../model/field-path.js';
import { compareCodePoints } from '../model/order.js';
import { keyOfLists, listItemKey } from '../model/list-keys.js';
import { HASHED_ID, type Manifest } from './manifests.js';

export interface FieldChange {
  /** `spec.template.spec.containers[demoapp].image`. */
  readonly path: string;
  /** The value before; undefined when the field is new. */
  readonly from?: unknown;
  /** The value after; undefined when the field is gone. */
  readonly to?: unknown;
  /**
   * What a change of two hidden values may say of them: that they are one text but for its final newline
   * (`a final newline removed`), which names nothing of the secret. @default - none
   */
  readonly note?: string;
}

export interface ObjectDiff {
  /** Objects only in the first set, only in the second, and in both but different. */
  readonly removed: readonly string[];
  readonly added: readonly string[];
  readonly changed: readonly { readonly id: string; readonly fields: readonly FieldChange[] }[];
  /** How many objects are in both and equal. */
  readonly same: number;
}

/**
 * `before` and `after` (two versions of one value, held by `field`) with each list whose items
 * have a natural key (lib/model/list-keys.ts: containers by name, Argo CD destinations by
 * namespace and cluster) as a map keyed `[key]`, keyed alike in both: a change then reads
 * `containers[demoapp].image`, and inserting or changing an item does not show every later one as
 * changed. Other lists stay lists, compared by position.
 */
function keyedPair(before: unknown, after: unknown, field?: string): [unknown, unknown] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = keyOfLists(field, [before, after]);
    if (!key) {
      const pairs = before.slice(0, after.length).map((e, i) => keyedPair(e, after[i]));
      return [
        before.map((e, i) => (i < pairs.length ? pairs[i][0] : alone(e))),
        after.map((e, i) => (i < pairs.length ? pairs[i][1] : alone(e))),
      ];
    }
    const entries = (list: unknown[]) => list.map((e): [string, unknown] => [`[${listItemKey(e, key)}]`, e]);
    return pairEntries(new Map(entries(before)), new Map(entries(after)), () => undefined);
  }
  if (isRecord(before) && isRecord(after)) {
    return pairEntries(new Map(Object.entries(before)), new Map(Object.entries(after)), (k) => k);
  }
  return [alone(before, field), alone(after, field)];
}

/** Two maps as objects, each entry of both paired (`keyedPair`, as the field `fieldOf(key)`), the others alone. */
function pairEntries(
  old: ReadonlyMap<string, unknown>,
  now: ReadonlyMap<string, unknown>,
  fieldOf: (key: string) => string | undefined,
): [Record<string, unknown>, Record<string, unknown>] {
  const a: Record<string, unknown> = {};
  const b: Record<string, unknown> = {};
  for (const [k, v] of old) {
    if (now.has(k)) [a[k], b[k]] = keyedPair(v, now.get(k), fieldOf(k));
    else a[k] = alone(v, fieldOf(k));
  }
  for (const [k, v] of now) if (!old.has(k)) b[k] = alone(v, fieldOf(k));
  return [a, b];
}

/** A value that has no counterpart, with its keyed lists as maps (as `keyedPair` keys them). */
function alone(v: unknown, field?: string): unknown {
  if (Array.isArray(v)) {
    const key = keyOfLists(field, [v]);
    return key ? Object.fromEntries(v.map((e) => [`[${listItemKey(e, key)}]`, alone(e)])) : v.map((e) => alone(e));
  }
  return isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, alone(x, k)])) : v;
}

/**
 * How `after` differs from `before` (two versions of one object), field by field, without a secret.
 * @param secretValues the values of every Secret on either side (`secretValues`), hidden within any field
 */
function fieldChanges(before: unknown, after: unknown, secretValues: readonly string[]): FieldChange[] {
  const [old, now] = keyedPair(before, after);
  const changes = microdiff(old as object, now as object);
  if (changes.length === 0) return [];
  const hide = hider(secretTexts(secretValues, before, after));
  return changes
    .map((d) => ({
      // spec.template.spec.containers[demoapp].ports[0].containerPort
      path: formatFieldPath(hide.path(d.path)),
      ...(d.type === 'CREATE' ? {} : { from: hide.value(d.oldValue, d.path) }),
      ...(d.type === 'REMOVE' ? {} : { to: hide.value(d.value, d.path) }),
      ...(d.type === 'CHANGE' ? hiddenNote(d.oldValue, d.value, (v) => hide.isSecret(v, d.path)) : {}),
    }))
    .sort((a, b) => compareCodePoints(a.path, b.path));
}

/**
 * Pairs of ids to compare although they differ: an object only one side has (`Deployment demoapp`)
 * with each blue/green color of it only the other side has (`Deployment demoapp-blue`), so that a
 * rolling stage and a blue/green stage still compare replicas and probes.
 */
function colorPairs(old: ReadonlyMap<string, unknown>, now: ReadonlyMap<string, unknown>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [from, to] of [
    [old, now],
    [now, old],
  ] as const) {
    for (const id of from.keys()) {
      if (to.has(id)) continue;
      for (const color of COLORS) {
        const colored = colorName(id, color);
        if (to.has(colored) && !from.has(colored)) pairs.push(from === old ? [id, colored] : [colored, id]);
      }
    }
  }
  return pairs;
}

/**
 * Pairs of ids to compare although they differ: a config object only one side has
 * (`ConfigMap qa/demoapp-config-007cd57b57`) with the one of the same kind and name but another
 * content hash that only the other side has, when each side has one such object, so that a
 * change of its data shows as that change and not as one object removed and another added (the
 * two-stage diff names both `<hash>`, see `setStageAside`).
 */
function hashPairs(old: ReadonlyMap<string, unknown>, now: ReadonlyMap<string, unknown>): [string, string][] {
  const unhashed = (ids: Iterable<string>, other: ReadonlyMap<string, unknown>) => {
    const byName = new Map<string, string[]>();
    for (const id of ids) {
      if (other.has(id) || !HASHED_ID.test(id)) continue;
      const key = id.slice(0, -CONTENT_HASH_LENGTH);
      byName.set(key, [...(byName.get(key) ?? []), id]);
    }
    return byName;
  };
  const before = unhashed(old.keys(), now);
  const after = unhashed(now.keys(), old);
  return [...before].flatMap(([key, [a, ...more]]): [string, string][] => {
    const found = after.get(key);
    return more.length === 0 && found?.length === 1 ? [[a, found[0]]] : [];
  });
}

/** `Deployment demoapp -> demoapp-blue` */
const pairId = (a: string, b: string) => (a === b ? a : `${a} -> ${b.slice(b.indexOf(' ') + 1)}`);

/**
 * How `after` differs from `before`, object by object (matched by id, rolling objects with
 * their blue/green colors, and config objects across a new content hash) and field by field.
 */
export function diffManifests(before: readonly Manifest[], after: readonly Manifest[]): ObjectDiff {
  const old = new Map(before.map((m) => [m.id, m.value]));
  const now = new Map(after.map((m) => [m.id, m.value]));
  const pairs = [
    ...[...now.keys()].filter((id) => old.has(id)).map((id): [string, string] => [id, id]),
    ...colorPairs(old, now),
    ...hashPairs(old, now),
  ];
  const changed: ObjectDiff['changed'][number][] = [];
  let same = 0;
  const secrets = secretValues([...before, ...after].map((m) => m.value));
  for (const [a, b] of pairs) {
    const fields = fieldChanges(old.get(a), now.get(b), secrets);
    if (fields.length) changed.push({ id: pairId(a, b), fields });
    else same++;
  }
  const paired = { old: new Set(pairs.map(([a]) => a)), now: new Set(pairs.map(([, b]) => b)) };
  const sort = (ids: Iterable<string>) => [...ids].sort();
  return {
    removed: sort([...old.keys()].filter((id) => !paired.old.has(id))),
    added: sort([...now.keys()].filter((id) => !paired.now.has(id))),
    changed: changed.sort((a, b) => compareCodePoints(a.id, b.id)),
    same,
  };
}
