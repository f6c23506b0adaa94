/**
 * Changing values in a stage file the way a person would: only the characters of the values
 * change, and every comment, blank line, quote style and flow or block layout stays as it was.
 * (Re-serializing the parsed document would reformat the whole file.) Pure: text in, text out.
 */
import { LineCounter, isMap, isScalar, parseDocument, stringify, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { ProblemsError, type SourceLocation } from '../errors.js';
import { formatFieldPath as dotted } from '../model/field-path.js';

/** A value to write at a path of keys from the top of the file, e.g. `['apps', 'demoapp', 'image']`. */
export interface ValueEdit {
  readonly path: readonly string[];
  readonly value: string;
}

/** What an edit changed, and where. */
export interface AppliedEdit extends ValueEdit {
  /** The value before; undefined when the key was added. */
  readonly from?: string;
  /** Where the value is in the new text. */
  readonly location: SourceLocation;
}

/** The value as the scalar it replaces was written: plain, 'single' or "double" quoted. */
function written(value: string, old: Scalar | undefined, inFlow: boolean): string {
  if (old?.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (old?.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  const plain = stringify(value).trimEnd() === value && !(inFlow && /[,[\]{}]/.test(value));
  return plain ? value : JSON.stringify(value);
}

function nodeAt(doc: Document, path: readonly string[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const key of path) node = isMap(node) ? node.get(key, true) : undefined;
  return node as Node | undefined;
}

/** Where to add `key: value` as the last entry of a mapping, and the text to add there. */
function insertion(text: string, map: YAMLMap, key: string, value: string): { at: number; add: string } {
  const last = map.items[map.items.length - 1];
  if (map.flow) {
    const end = ((last.value ?? last.key) as Node).range![1];
    return { at: end, add: `, ${key}: ${written(value, undefined, true)}` };
  }
  const first = map.items[0]?.key as Node | undefined;
  const lineStart = text.lastIndexOf('\n', first!.range![0] - 1) + 1;
  const indent = ' '.repeat(first!.range![0] - lineStart);
  const end = text.indexOf('\n', map.range![1] - 1);
  const at = end < 0 ? text.length : end + 1;
  return { at, add: `${end < 0 ? '\n' : ''}${indent}${key}: ${written(value, undefined, false)}\n` };
}

/**
 * Writes each value at its path: a scalar is replaced in place; a missing key is added as the last
 * entry of its mapping, which must exist.
 * @param file the stage file as named in messages
 * @throws ProblemsError when a path leads through something that is not a mapping
 */
export function editValues(text: string, edits: readonly ValueEdit[], file: string): { text: string; applied: AppliedEdit[] } {
  let current = text;
  const applied: Omit<AppliedEdit, 'location'>[] = [];
  for (const edit of edits) {
    const doc = parseDocument(current);
    const node = nodeAt(doc, edit.path);
    const parent = nodeAt(doc, edit.path.slice(0, -1));
    if (isScalar(node) && node.range) {
      const from = String(node.value);
      if (from === edit.value) continue;
      const inFlow = isMap(parent) && parent.flow === true;
      current = current.slice(0, node.range[0]) + written(edit.value, node, inFlow) + current.slice(node.range[1]);
      applied.push({ ...edit, from });
    } else if (node === undefined && isMap(parent) && parent.items.length > 0 && parent.range) {
      const { at, add } = insertion(current, parent, edit.path[edit.path.length - 1], edit.value);
      current = current.slice(0, at) + add + current.slice(at);
      applied.push(edit);
    } else {
      throw new ProblemsError([
        {
          code: 'edit/not-a-value',
          location: { file, line: 1, column: 1 },
          message: `cannot write ${dotted(edit.path)}: ${node === undefined ? `there is no mapping ${dotted(edit.path.slice(0, -1))} to add it to` : 'it is not a single value'}`,
          hint: `write ${dotted(edit.path)}: ${edit.value} into ${file} by hand`,
        },
      ]);
    }
  }
  // every edit is read back from the final text, so a wrong offset can never go unnoticed
  const lines = new LineCounter();
  const doc = parseDocument(current, { lineCounter: lines });
  return {
    text: current,
    applied: applied.map((e) => {
      const node = nodeAt(doc, e.path);
      if (!isScalar(node) || String(node.value) !== e.value)
        throw new Error(`editing ${file}: ${dotted(e.path)} did not become '${e.value}'`);
      const { line, col } = lines.linePos(node.range![0]);
      return { ...e, location: { file, line, column: col } };
    }),
  };
}

/** `environments/qa.yaml:6:12: apps.demoapp.image: demoapp:1 -> demoapp:1.1` */
export function formatEdit({ location: l, path, from, value }: AppliedEdit): string {
  return `${l.file}:${l.line}:${l.column}: ${dotted(path)}: ${from ?? '(not set)'} -> ${value}`;
}
