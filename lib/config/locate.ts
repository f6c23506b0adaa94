/**
 * From a path of keys in a parsed YAML document to the line and column of its source text. A key
 * a mapping takes from a merge key (`<<: *defaults`) is placed at that merge.
 */
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { SourceLocation } from '../errors.js';
import type { FieldPath } from '../model/field-path.js';
import { mergeOf } from '../model/yaml-aliases.js';

export type KeyPath = FieldPath;

/**
 * Per mapping node, its pairs by key as written: built once per mapping, so that placing N
 * problems in a mapping of N keys is linear (finding each key by a scan made 40,000 unknown keys
 * take a minute).
 */
const pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairOf(map: YAMLMap, key: string | number): Pair | undefined {
  let index = pairsByKey.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      if (!isPair(p)) continue;
      const k = isScalar(p.key) ? String(p.key.value) : String(p.key);
      if (!index.has(k)) index.set(k, p);
    }
    pairsByKey.set(map, index);
  }
  return index.get(String(key));
}

function child(node: unknown, key: string | number): unknown {
  if (isMap(node)) return pairOf(node, key)?.value;
  if (isSeq(node)) return typeof key === 'number' || /^\d+$/.test(key) ? node.items[Number(key)] : undefined;
  return undefined;
}

/** The node at `path`, or the deepest existing node on the way there. */
function nodeAt(doc: Document, path: KeyPath): { node: Node | undefined; complete: boolean } {
  let node: unknown = doc.contents;
  for (const key of path) {
    const next = child(node, key);
    if (!isNode(next)) {
      const merged = isMap(node) ? mergeOf(doc, node, key) : undefined;
      return { node: merged ?? (isNode(node) ? node : undefined), complete: false };
    }
    node = next;
  }
  return { node: isNode(node) ? node : undefined, complete: true };
}

function locationOf(offset: number, file: string, lines: LineCounter): SourceLocation {
  const { line, col } = lines.linePos(offset);
  return { file, line, column: col };
}

/** Where the value at `path` starts (or the closest enclosing value, when it is missing). */
export function locateValue(doc: Document, lines: LineCounter, file: string, path: KeyPath): SourceLocation {
  const { node } = nodeAt(doc, path);
  return locationOf(node?.range?.[0] ?? 0, file, lines);
}

/** Where the key `key` of the mapping at `path` is written. */
export function locateKey(doc: Document, lines: LineCounter, file: string, path: KeyPath, key: string): SourceLocation {
  const { node } = nodeAt(doc, path);
  if (isMap(node)) {
    const pair = pairOf(node, key);
    const keyNode = pair && isNode(pair.key) ? pair.key : (mergeOf(doc, node, key) ?? undefined);
    if (keyNode?.range) return locationOf(keyNode.range[0], file, lines);
  }
  return locateValue(doc, lines, file, path);
}
