/**
 * From a path of keys in a parsed YAML document to the line and column of its source text.
 */
import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { SourceLocation } from '../errors.js';

export type KeyPath = readonly (string | number)[];

/** The node at `path`, or the deepest existing node on the way there. */
function nodeAt(doc: Document, path: KeyPath): { node: Node | undefined; complete: boolean } {
  let node: unknown = doc.contents;
  for (const key of path) {
    const next = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
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

/** Turns an ajv instancePath (`/apps/nginx/replicas`) into keys (`['apps','nginx','replicas']`). */
export function keysOf(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A key path as users write it: `apps.nginx.replicas`, `apps.demoapp.probes[0]`. */
export function dotted(path: KeyPath): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' || /^\d+$/.test(String(k)) ? `${s}[${k}]` : s ? `${s}.${k}` : String(k)),
    '',
  );
}

/**
 * Where the value at `path` starts in a stage file's text: for problems found after loading (the
 * loader keeps no parsed document; parsing again is cheap next to a failed compilation).
 */
export function locateIn(text: string, file: string, path: KeyPath): SourceLocation {
  const lines = new LineCounter();
  return locateValue(parseDocument(text, { lineCounter: lines }), lines, file, path);
}
