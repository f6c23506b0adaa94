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

/**
 * The value as the scalar it replaces was written: plain, 'single' or "double" quoted. A block
 * scalar (`|-`, `>-` and the lines below) is replaced by a plain or double-quoted one.
 */
function written(value: string, old: Scalar | undefined, inFlow: boolean): string {
  if (old?.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (old?.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  const plain = stringify(value).trimEnd() === value && !(inFlow && /[,[\]{}]/.test(value));
  return plain ? value : JSON.stringify(value);
}

/**
 * The text that replaces `node` (its source from `range[0]` to `range[1]`) with `value`. A block
 * scalar's source runs from its header (`|-`, `>- # comment`) to the end of its last line, line
 * break included: the new value goes on the header's line, after it the header's comment and the
 * line break, so that the lines after it stay as they were.
 */
function replacement(text: string, node: Scalar, value: string, inFlow: boolean): string {
  const plain = written(value, node, inFlow);
  if (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') return plain;
  const source = text.slice(node.range![0], node.range![1]);
  const headerEnd = source.search(/\r?\n|$/);
  const comment = source
    .slice(0, headerEnd)
    .replace(/^[|>][-+0-9]*/, '')
    .trimEnd();
  const lineBreak = /\r?\n$/.exec(source)?.[0] ?? '';
  return `${plain}${comment}${lineBreak}`;
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
  // the line break of the line it follows (a CRLF file stays CRLF), or of the file when that line has none
  const lineBreak = (end < 0 ? text.includes('\r\n') : text[end - 1] === '\r') ? '\r\n' : '\n';
  return { at, add: `${end < 0 ? lineBreak : ''}${indent}${key}: ${written(value, undefined, false)}${lineBreak}` };
}

/**
 * Writes each value at its path: a scalar (plain, quoted or block) is replaced in place; a missing
 * key is added as the last entry of its mapping, which must exist.
 * @param file the stage file as named in messages
 * @throws ProblemsError (nothing is to be written) when a path leads through something that is not
 *   a mapping, ends at something that is not a single value, or a value does not read back as written
 */
export function editValues(text: string, edits: readonly ValueEdit[], file: string): { text: string; applied: AppliedEdit[] } {
  // where each setting is in the text as given, for problems
  const givenLines = new LineCounter();
  const given = parseDocument(text, { lineCounter: givenLines });
  const placeOf = (path: readonly string[]): SourceLocation => {
    for (let n = path.length; n > 0; n--) {
      const node = nodeAt(given, path.slice(0, n));
      if (node?.range) {
        const { line, col } = givenLines.linePos(node.range[0]);
        return { file, line, column: col };
      }
    }
    return { file, line: 1, column: 1 };
  };
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
      current = current.slice(0, node.range[0]) + replacement(current, node, edit.value, inFlow) + current.slice(node.range[1]);
      applied.push({ ...edit, from });
    } else if (node === undefined && isMap(parent) && parent.items.length > 0 && parent.range) {
      const { at, add } = insertion(current, parent, edit.path[edit.path.length - 1], edit.value);
      current = current.slice(0, at) + add + current.slice(at);
      applied.push(edit);
    } else {
      throw new ProblemsError([
        {
          code: 'edit/not-a-value',
          location: node === undefined ? { file, line: 1, column: 1 } : placeOf(edit.path),
          message: `cannot write ${dotted(edit.path)}: ${node === undefined ? `there is no mapping ${dotted(edit.path.slice(0, -1))} to add it to` : 'it is not a single value'}`,
          hint: `write ${dotted(edit.path)}: ${edit.value} into ${file} by hand`,
        },
      ]);
    }
  }
  // every edit is read back from the final text, so a wrong offset can never go unnoticed
  const lines = new LineCounter();
  const doc = parseDocument(current, { lineCounter: lines });
  const wrong = applied.filter((e) => {
    const node = nodeAt(doc, e.path);
    return !isScalar(node) || !node.range || String(node.value) !== e.value || doc.errors.length > given.errors.length;
  });
  if (wrong.length) {
    throw new ProblemsError(
      wrong.map((e) => ({
        code: 'edit/not-a-value',
        location: placeOf(e.path),
        message: `cannot write ${dotted(e.path)}: written in place, it would not read back as '${e.value}' (the way the value is written here is not one stagecraft can edit)`,
        hint: `write ${dotted(e.path)}: ${e.value} into ${file} by hand, as a plain or quoted value`,
      })),
    );
  }
  return {
    text: current,
    applied: applied.map((e) => {
      const { line, col } = lines.linePos(nodeAt(doc, e.path)!.range![0]);
      return { ...e, location: { file, line, column: col } };
    }),
  };
}

/** `environments/qa.yaml:6:12: apps.demoapp.image: demoapp:1 -> demoapp:1.1` */
export function formatEdit({ location: l, path, from, value }: AppliedEdit): string {
  return `${l.file}:${l.line}:${l.column}: ${dotted(path)}: ${from ?? '(not set)'} -> ${value}`;
}
