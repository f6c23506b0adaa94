/**
 * YAML aliases and merge keys in a parsed document: which merge key brings in a key (to place a
 * value read through a merge at the merge), merges of something other than a mapping, and aliases
 * of no anchor before them, which kubectl refuses as go-yaml does ("unknown anchor"), said with
 * where the anchor is when another document of the file sets it: anchors do not carry over a `---`.
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, visit, type Document, type Node, type YAMLMap } from 'yaml';
import type { Problem, SourceLocation } from '../errors.js';
import { maskValue, settingOf, shownName } from './secret-rules.js';

/**
 * The setting that holds a node as a pair's value, by its visitor's `path` (its ancestors): the pair's key, or an entry's name for
 * its `value` (`settingOf`: `- name: DB_PASSWORD` then `value: *Xk9v...`), so that a message that would print it can tell it is a
 * secret's; an item of a list, the list's. Undefined for a key, an item of a list no setting holds or a pair whose key is no scalar.
 */
export function holderOf(path: readonly unknown[]): string | undefined {
  // an item of a list is a value of the setting that holds the list (`tokens:` then `- 0755`)
  if (isSeq(path.at(-1))) return holderOf(path.slice(0, -1));
  const pair = path.at(-1);
  if (!isPair(pair) || !isScalar(pair.key)) return undefined;
  const map = path.at(-2);
  return settingOf(String(pair.key.value), (name) => {
    const v = isMap(map) ? map.get(name, true) : undefined;
    return isScalar(v) ? v.value : undefined;
  });
}

/** Whether `key` is a merge key (`<<` written plain, or tagged !!merge): the yaml library reads it as the symbol `<<`. */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

/**
 * What a merge key's value brings in: the value, or each item of a list, aliases resolved; a merge
 * of anything but mappings is refused (`badMerge`), so callers take the mappings among them.
 */
export function mergeSources(doc: Document, value: unknown): unknown[] {
  const resolved = isAlias(value) ? value.resolve(doc) : value;
  return isSeq(resolved) ? resolved.items.map((item) => (isAlias(item) ? item.resolve(doc) : item)) : [resolved];
}

/**
 * The value of the merge key of `map` (as written there: `*defaults`, `[*a, *b]`) that brings in
 * `key`, directly or through the merges of the mappings it merges; undefined when none does.
 * Each mapping is looked into once, however often it is merged.
 */
export function mergeOf(doc: Document, map: YAMLMap, key: string | number, seen = new Set<YAMLMap>()): Node | undefined {
  seen.add(map);
  for (const pair of map.items) {
    if (!isPair(pair) || !isMergeKey(pair.key) || !isNode(pair.value)) continue;
    for (const source of mergeSources(doc, pair.value)) {
      if (!isMap(source) || seen.has(source)) continue;
      const has = source.items.some((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (has || mergeOf(doc, source, key, seen)) return pair.value;
    }
  }
  return undefined;
}

/** A merge key (at `location`) that merges something other than a mapping: kubectl refuses it too. */
export function mergeProblem(location: SourceLocation): Problem {
  return {
    code: 'yaml/merge',
    location,
    message: 'this merge key (<<) merges something other than a mapping',
    hint: 'merge mappings only (`<<: *defaults`, `<<: [*a, *b]`, with each anchor on a mapping), or write the keys out',
  };
}

/** The offset of the first merge key whose value is not a mapping nor a list of mappings (kubectl refuses it too), if any. */
export function badMerge(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (!isMergeKey(pair.key)) return undefined;
      const value = pair.value;
      if (isNode(value) && mergeSources(doc, value).every((s) => isMap(s))) return undefined;
      offset = (isNode(value) ? value : isNode(pair.key) ? pair.key : undefined)?.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

/** The offset of the first alias in `doc` (where an alias problem the parser threw is placed), else of its contents. */
export function firstAliasOffset(doc: Document): number {
  let offset = doc.contents?.range?.[0] ?? 0;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) {
        offset = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

/** The offset of the node anchored `&name` in `doc`, if any. */
function anchorOffset(doc: Document, name: string): number | undefined {
  let offset: number | undefined;
  visit(doc, (_key, node) => {
    if (isNode(node) && !isAlias(node) && node.anchor === name) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    }
    return undefined;
  });
  return offset;
}

/**
 * The first alias of `doc` (one of `docs`, the file's documents in order) that names no anchor
 * before it in `doc`, as a problem at its offset; with where an earlier document sets that anchor.
 */
export function unresolvedAlias(
  docs: readonly Document[],
  doc: Document,
): (Omit<Problem, 'location' | 'hint'> & { readonly offset: number; readonly hint: string }) | undefined {
  let lost: { name: string; offset: number; holder?: string } | undefined;
  visit(doc, {
    Alias(_key, node, path) {
      if (node.resolve(doc) !== undefined) return undefined;
      const holder = holderOf(path);
      lost = { name: node.source, offset: node.range?.[0] ?? 0, ...(holder !== undefined ? { holder } : {}) };
      return visit.BREAK;
    },
  });
  if (!lost) return undefined;
  const { name, offset, holder } = lost;
  const earlier = docs.slice(0, docs.indexOf(doc)).find((d) => anchorOffset(d, name) !== undefined);
  // a password that starts with * under a secret's name (`DB_PASSWORD: *Xk9v...`) is a value meant, never printed: no anchor
  // to set, as the alias's hint would have it, but quotes
  if (holder !== undefined && !earlier && shownName(name) === name && shownName(name, holder) !== name)
    return {
      code: 'yaml/alias',
      offset,
      message: `${maskValue(`*${name}`)} starts with *, which YAML reads as an alias, and names no anchor (kubectl refuses it: unknown anchor)`,
      hint: 'quote it for the string; it is not printed, being a secret, which belongs in a Secret made in the cluster',
    };
  // (a token pasted as the name, or a secret's value, is never printed)
  const said = shownName(name, holder);
  return {
    code: 'yaml/alias',
    offset,
    message: earlier
      ? `the alias *${said} names the anchor &${said} of an earlier document: anchors do not carry over a --- line (kubectl refuses it: unknown anchor)`
      : `the alias *${said} names no anchor before it in its document (kubectl refuses it: unknown anchor)`,
    hint: `set the anchor &${said} in this document, before the alias, or write the values out`,
  };
}
