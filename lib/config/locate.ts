/**
 * From a path of keys in a parsed YAML document to the line and column of its source text.
 */
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../errors.js';
import type { FieldPath } from '../model/field-path.js';

export type KeyPath = FieldPath;

/** The node at `path`, or the deepest existing node on the way there. */
function nodeAt(doc: Document, path: KeyPath): { node: Node | undefined; complete: boolean } {
  let node: unknown = doc.contents;
  for (const key of path) {
    // a path from ajv has numbers for digit keys: in a mapping, that is the key as written too
    const next = isSeq(node) ? node.get(key, true) : isMap(node) ? (node.get(key, true) ?? node.get(String(key), true)) : undefined;
    if (!isNode(next)) return { node: isNode(node) ? node : undefined, complete: false };
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
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
    const keyNode = pair && isNode(pair.key) ? pair.key : undefined;
    if (keyNode?.range) return locationOf(keyNode.range[0], file, lines);
  }
  return locateValue(doc, lines, file, path);
}
