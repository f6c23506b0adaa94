/**
 * How an edit of a stage file (lib/config/edit.ts) writes a value into its text: in place of the
 * scalar it replaces, as that one was written, or as a key added to a mapping, in the mapping's
 * style and the file's line breaks. Pure: text in, text out.
 */
import { isMap, isScalar, stringify, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';

/**
 * The value as the scalar it replaces was written: plain, 'single' or "double" quoted. A block
 * scalar (`|-`, `>-` and the lines below) is replaced by a plain or double-quoted one.
 */
export function written(value: string, old: Scalar | undefined, inFlow: boolean): string {
  if (old?.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (old?.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  const plain = stringify(value).trimEnd() === value && !(inFlow && /[,[\]{}]/.test(value));
  return plain ? value : JSON.stringify(value);
}

/**
 * The text that replaces `node` (its source from `range[0]` to `range[1]`) with `value`. A block
 * scalar's source runs from its header (`|-`, `>- # comment`) to the end of its last line, line
 * break included. One that strips the final line break (`>-`, `|-`) stays a block scalar, its
 * header and the indentation of its first line kept, for a value of one line a block scalar of
 * that header reads back as it is (`blockKept`); else the new value goes on the header's line,
 * after it the header's comment and the line break, so that the lines after it stay as they were.
 */
export function replacement(text: string, node: Scalar, value: string, inFlow: boolean): string {
  const plain = written(value, node, inFlow);
  if (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') return plain;
  const source = text.slice(node.range![0], node.range![1]);
  const block = blockKept(source, String(node.value), value);
  if (block !== undefined) return block;
  const headerEnd = source.search(/\r?\n|$/);
  const comment = source
    .slice(0, headerEnd)
    .replace(/^[|>][-+0-9]*/, '')
    .trimEnd();
  const lineBreak = /\r?\n$/.exec(source)?.[0] ?? '';
  return `${plain}${comment}${lineBreak}`;
}

/**
 * A block scalar's source (`>-`, `|2-`, a comment after the header) whose value was `old`, with its
 * content replaced by `value`, at the block's indentation: its first line of content's, less the blanks
 * that line's value starts with (`|2-` under a key two deep: `    ··x`, two of its blanks the value's);
 * the blank lines after it stay. Undefined when the header keeps a final line break (`>`, `|+`: the
 * value would read back with one) or the value is not one line a block scalar reads as written (empty,
 * with a line break, or blanks at either end).
 */
function blockKept(source: string, old: string, value: string): string | undefined {
  const header = /^[|>](?:[1-9]-|-[1-9]?)[^\r\n]*\r?\n/.exec(source)?.[0];
  if (header === undefined || !/^\S(?:[^\r\n]*\S)?$/.test(value)) return undefined;
  const body = source.slice(header.length);
  const first = /^( +)\S/m.exec(body)?.[1];
  const own = /^\n*( *)/.exec(old)![1].length;
  if (first === undefined || first.length - own < 1) return undefined;
  const content = body.trimEnd();
  return `${header}${first.slice(own)}${value}${body.slice(content.length)}`;
}

export function nodeAt(doc: Document, path: readonly string[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const key of path) node = isMap(node) ? node.get(key, true) : undefined;
  return node as Node | undefined;
}

/**
 * Where to add `key: value` as the last entry of a mapping (an empty one only in flow style: `{}`),
 * and the text to add there; `write`
 * gives the value's text, in a flow mapping (`{ a: 1 }`) or a block one.
 */
export function insertion(text: string, map: YAMLMap, key: string, write: (inFlow: boolean) => string): { at: number; add: string } {
  const last = map.items[map.items.length - 1];
  // an empty flow mapping, `{}` or `{ }`: the entry goes after its brace
  if (map.flow && !last) {
    const at = map.range![0] + 1;
    return { at, add: ` ${key}: ${write(true)}${/\s/.test(text[at]) ? '' : ' '}` };
  }
  if (map.flow) {
    const end = ((last.value ?? last.key) as Node).range![1];
    return { at: end, add: `, ${key}: ${write(true)}` };
  }
  const first = map.items[0]?.key as Node | undefined;
  const lineStart = text.lastIndexOf('\n', first!.range![0] - 1) + 1;
  const indent = ' '.repeat(first!.range![0] - lineStart);
  const end = text.indexOf('\n', map.range![1] - 1);
  const at = end < 0 ? text.length : end + 1;
  // the line break of the line it follows (a CRLF file stays CRLF), or of the file when that line has none
  const lineBreak = (end < 0 ? text.includes('\r\n') : text[end - 1] === '\r') ? '\r\n' : '\n';
  return { at, add: `${end < 0 ? lineBreak : ''}${indent}${key}: ${write(false)}${lineBreak}` };
}

/**
 * The text that writes a kept value again: as it was written (`"yes"`, `'1.0'`, `2`), so that it
 * reads as the same value of the same type; a value written over several lines, or plain with a
 * character that ends a value in a flow mapping (`,`), is written anew.
 */
export function keptText(text: string, node: unknown, inFlow: boolean): string {
  if (!isScalar(node) || !node.range) return String(node);
  const source = text.slice(node.range[0], node.range[1]);
  const oneLine = !source.includes('\n') && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' || node.type === 'PLAIN');
  if (oneLine && !(inFlow && node.type === 'PLAIN' && /[,[\]{}]/.test(source))) return source;
  return typeof node.value === 'string' ? written(node.value, undefined, inFlow) : String(node.value);
}
