/**
 * A stage file's merge keys (`<<: *web`) and aliases (`*web`), read in its parsed Document as the
 * loader reads them (own keys win, then the first merge): where a setting's value is written, what
 * an edit changes besides the settings it edits. lib/config/edit.ts's edits stay in their settings
 * with it. Pure.
 */
import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { formatFieldPath as dotted, type FieldPath } from '../model/field-path.js';
import { MAX_STAGE_ALIASES } from '../model/limits.js';
import { isMergeKey, mergeSources } from '../model/yaml-aliases.js';

/**
 * The pair that gives `key` its value in `map`, and the mapping that writes it: the mapping's own
 * key, else the first merged mapping that has it (as the loader reads merges: own keys win, then
 * the first merge).
 */
export function pairOf(
  doc: Document,
  map: YAMLMap,
  key: string | number,
  seen = new Set<YAMLMap>(),
): { pair: Pair; map: YAMLMap } | undefined {
  const own = map.items.find((p) => isScalar(p.key) && !isMergeKey(p.key) && String(p.key.value) === String(key));
  if (own) return { pair: own, map };
  seen.add(map);
  for (const p of map.items) {
    if (!isMergeKey(p.key)) continue;
    for (const source of mergeSources(doc, p.value).filter(isMap)) {
      const found = seen.has(source) ? undefined : pairOf(doc, source, key, seen);
      if (found) return found;
    }
  }
  return undefined;
}

/** The merge key's value (`*web`) in `map` that brings `key` in, when the mapping does not write it itself. */
export function mergeBringing(doc: Document, map: YAMLMap, key: string): Node | undefined {
  if (map.items.some((p) => isScalar(p.key) && !isMergeKey(p.key) && String(p.key.value) === key)) return undefined;
  return map.items.find((p) => isMergeKey(p.key) && mergeSources(doc, p.value).some((s) => isMap(s) && pairOf(doc, s, key)))?.value as
    | Node
    | undefined;
}

/** The node `path` reads, through aliases and merges, as the loader reads it. */
export function resolvedAt(doc: Document, path: FieldPath): unknown {
  let node: unknown = doc.contents;
  for (const key of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) node = pairOf(doc, node, key)?.pair.value;
    else if (isSeq(node) && typeof key === 'number') node = node.items[key];
    else return undefined;
  }
  return isAlias(node) ? node.resolve(doc) : node;
}

/** The path of every node written in the document (not reached through an alias or a merge). */
export function writtenPaths(doc: Document): Map<unknown, FieldPath> {
  const paths = new Map<unknown, FieldPath>();
  const walk = (node: unknown, path: FieldPath) => {
    paths.set(node, path);
    if (isMap(node)) {
      for (const p of node.items) if (isScalar(p.key) && !isMergeKey(p.key)) walk(p.value, [...path, String(p.key.value)]);
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i]);
    }
  };
  walk(doc.contents, []);
  return paths;
}

/** The setting written in the file whose value `path` reads (itself, or what it merges or aliases), as users read it. */
export function sourceOf(doc: Document, paths: Map<unknown, FieldPath>, path: FieldPath): string | undefined {
  const source = paths.get(resolvedAt(doc, path));
  return source && dotted(source);
}

/** Every scalar of the document as the loader reads it (merges and aliases expanded), by path. */
export function settings(doc: Document): Map<string, { path: FieldPath; value: unknown }> {
  const out = new Map<string, { path: FieldPath; value: unknown }>();
  const walk = (v: unknown, path: FieldPath) => {
    if (Array.isArray(v)) for (const [i, item] of v.entries()) walk(item, [...path, i]);
    else if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
    else out.set(JSON.stringify(path), { path, value: v });
  };
  // the stage file was loaded within this bound before it is edited, and an edit adds no alias
  walk(doc.toJS({ maxAliasCount: MAX_STAGE_ALIASES }), []);
  return out;
}

/** Whether the document has an alias: only then can an edit change a setting other than its own. */
export function hasAlias(doc: Document): boolean {
  let found = false;
  visit(doc, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/** A setting other than the edited ones whose value the edits changed. */
export interface SideEffect {
  readonly path: FieldPath;
  readonly from: unknown;
  readonly to: unknown;
}

export function sideEffects(
  before: Map<string, { path: FieldPath; value: unknown }>,
  doc: Document,
  edited: ReadonlySet<string>,
): SideEffect[] {
  const after = settings(doc);
  const out: SideEffect[] = [];
  for (const [key, { path, value }] of after) {
    if (!edited.has(key) && before.get(key)?.value !== value) out.push({ path, from: before.get(key)?.value, to: value });
  }
  for (const [key, { path, value }] of before) if (!after.has(key) && !edited.has(key)) out.push({ path, from: value, to: undefined });
  return out;
}

/**
 * Where `path` first reads something not written along it: an alias (`web4: *web`), or the merge
 * key of a mapping that does not write the next key itself (`<<: *web`); `at` is the path to that
 * alias, or to the mapping with the merge.
 */
export function crossing(doc: Document, path: FieldPath): { node: Node; at: FieldPath; merge: boolean } | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i <= path.length; i++) {
    if (isAlias(node)) return { node, at: path.slice(0, i), merge: false };
    // a list's item (`list: [*v]`): an alias there is crossed as one in a mapping
    if (i < path.length && isSeq(node) && typeof path[i] === 'number') {
      node = node.items[path[i] as number];
      continue;
    }
    if (i === path.length || !isMap(node)) return undefined;
    const merge = mergeBringing(doc, node, String(path[i]));
    if (merge) return { node: merge, at: path.slice(0, i), merge: true };
    node = pairOf(doc, node, path[i])?.pair.value;
  }
  return undefined;
}
