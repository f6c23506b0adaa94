/**
 * Where the nodes read by lib/model/block-yaml.ts are: the nodes' offsets (`Nodes`), line and column
 * of an offset as the yaml library gives them (`linesOf`), and the offset of a field path, as
 * lib/checks/manifests.ts finds it in a yaml Document (`offsetOf`) and lib/config/locate.ts in a
 * stage file (`BlockPlaces`).
 */
import type { LineCounter } from 'yaml';
import type { FieldPath } from './field-path.js';
import { COLON, DQUOTE, SQUOTE, isKeyChar } from './block-yaml-scalars.js';

/**
 * Where every node of a file is, in document order (depth first), three numbers a node: the offset
 * of its key (-1 for a sequence item or a document), the offset of its value, and how many nodes
 * its subtree holds, itself included (to step over it). One typed array for the whole file: a
 * small array per mapping cost more memory than the values themselves, and garbage collection
 * was the largest share of the run.
 */
export interface Nodes {
  readonly text: string;
  /** `[key, value, size]` per node. */
  readonly data: Int32Array;
}

/**
 * Line and column of an offset as the yaml library's LineCounter gives them, with the lines found
 * on the first question: a file without findings is never asked, and one pass of `indexOf` costs
 * less than a call per line while reading.
 */
class Lines {
  private starts: Uint32Array | undefined;

  constructor(private readonly text: string) {}

  linePos(offset: number): { line: number; col: number } {
    const starts = (this.starts ??= lineStarts(this.text));
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid] < offset) low = mid + 1;
      else high = mid;
    }
    if (starts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - starts[low - 1] + 1 };
  }
}

/** Line and column of offsets in `text`, as `BlockYaml.lines` gives them. */
export function linesOf(text: string): Pick<LineCounter, 'linePos'> {
  return new Lines(text);
}

/**
 * The offset of each line's start: 0, and after every line feed (a BOM counts as part of the first
 * line). The line feeds are counted first, so that the offsets fill an array made once: pushed one
 * by one onto an array, a file of 460,000 lines took 50-60 ms instead of 7-20.
 */
function lineStarts(text: string): Uint32Array {
  let lines = 1;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) lines++;
  const starts = new Uint32Array(lines);
  let i = 1;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts[i++] = nl + 1;
  return starts;
}

/** Whether the key at `at` (plain, or quoted as readBlockYaml allows) is `name`. */
function keyIs(text: string, at: number, name: string): boolean {
  const c = text.charCodeAt(at);
  if (c === DQUOTE) return text.slice(at + 1, text.indexOf('"', at + 1)) === name;
  if (c === SQUOTE) {
    let end = at + 1;
    while (text.charCodeAt((end = text.indexOf("'", end))) === SQUOTE && text.charCodeAt(end + 1) === SQUOTE) end += 2;
    return text.slice(at + 1, end).replaceAll("''", "'") === name;
  }
  return text.startsWith(name, at) && text.charCodeAt(at + name.length) === COLON;
}

/**
 * The offset of the node at `path` in the document whose node is `root`, as lib/checks/manifests.ts
 * finds it in a yaml Document: the deepest node of the path that exists (its key when `atKey` and
 * the whole path exists), else the document itself (the offset of its first key).
 */
export function offsetOf({ text, data }: Nodes, root: number, path: FieldPath, atKey: boolean): number {
  let node = root;
  let offset = data[3 * root + 1];
  for (let i = 0; i < path.length; i++) {
    const end = node + data[3 * node + 2];
    let child = node + 1;
    // no children: a scalar, `{}` or `[]`
    if (child >= end) break;
    const k = path[i];
    if (data[3 * child] >= 0) {
      // a mapping: its nodes have keys
      const name = String(k);
      while (child < end && !keyIs(text, data[3 * child], name)) child += data[3 * child + 2];
      if (child >= end) break;
      offset = data[3 * child + (i === path.length - 1 && atKey ? 0 : 1)];
    } else {
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) break;
      for (let j = 0; j < k && child < end; j++) child += data[3 * child + 2];
      if (child >= end) break;
      offset = data[3 * child + 1];
    }
    node = child;
  }
  return offset;
}

/** The key written at `at` (plain, or quoted as readBlockYaml allows). */
function keyAt(text: string, at: number): string {
  const c = text.charCodeAt(at);
  if (c === DQUOTE) return text.slice(at + 1, text.indexOf('"', at + 1));
  if (c === SQUOTE) {
    let end = at + 1;
    while (text.charCodeAt((end = text.indexOf("'", end))) === SQUOTE && text.charCodeAt(end + 1) === SQUOTE) end += 2;
    return text.slice(at + 1, end).replaceAll("''", "'");
  }
  let end = at + 1;
  while (isKeyChar(text.charCodeAt(end))) end++;
  return text.slice(at, end);
}

/**
 * The places of a document read by readBlockYaml, found as lib/config/locate.ts finds them in a
 * yaml Document (a stage file's `locate`): a path leads to its node, or to the deepest node on the
 * way there. A mapping's keys are indexed on its first lookup, so that placing one problem per key
 * of a large mapping stays linear.
 */
export class BlockPlaces {
  private readonly keys = new Map<number, Map<string, number>>();

  constructor(
    private readonly nodes: Nodes,
    private readonly root: number,
  ) {}

  /** The node below `node` at `key`: a mapping's value by key, a sequence's item by index (`3` or `'3'`). */
  private child(node: number, key: string | number): number | undefined {
    const { text, data } = this.nodes;
    const end = node + data[3 * node + 2];
    const first = node + 1;
    // no children: a scalar, `{}` or `[]`, where the yaml Document has no child either
    if (first >= end) return undefined;
    if (data[3 * first] >= 0) {
      let index = this.keys.get(node);
      if (!index) {
        index = new Map();
        for (let c = first; c < end; c += data[3 * c + 2]) index.set(keyAt(text, data[3 * c]), c);
        this.keys.set(node, index);
      }
      return index.get(String(key));
    }
    if (typeof key === 'string' && !/^\d+$/.test(key)) return undefined;
    const k = Number(key);
    if (!Number.isInteger(k) || k < 0) return undefined;
    let c = first;
    for (let j = 0; j < k && c < end; j++) c += data[3 * c + 2];
    return c < end ? c : undefined;
  }

  /** The node at `path`, or the deepest node on the way there. */
  private nodeAt(path: FieldPath): number {
    let node = this.root;
    for (const key of path) {
      const next = this.child(node, key);
      if (next === undefined) break;
      node = next;
    }
    return node;
  }

  /** The offset of the value at `path` (or of the closest enclosing value, when it is missing). */
  value(path: FieldPath): number {
    return this.nodes.data[3 * this.nodeAt(path) + 1];
  }

  /** The offset of the key `key` of the mapping at `path`, or else of the value at `path` as `value` finds it. */
  key(path: FieldPath, key: string): number {
    const node = this.nodeAt(path);
    const child = this.child(node, key);
    // `child` finds items of sequences too; a key is only a mapping's
    if (child !== undefined && this.nodes.data[3 * child] >= 0) return this.nodes.data[3 * child];
    return this.nodes.data[3 * node + 1];
  }
}
