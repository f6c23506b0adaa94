/**
 * The yaml library's reading of manifests, as lib/checks/manifests.ts did it before the block
 * reader (lib/model/block-yaml.ts): the reference that differential tests compare with.
 */
import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import type { FieldPath } from '../../lib/model/field-path.js';

export type YamlRead = NonNullable<ReturnType<typeof yamlRead>>;

/** The yaml library's reading (as readYaml reads manifests): the values of the non-empty documents, or undefined on an error. */
export function yamlRead(text: string) {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (docs.some((d) => d.errors.length)) return undefined;
  const read = docs.map((doc) => ({ doc, value: doc.toJS({ maxAliasCount: 100 }) as unknown }));
  return { lines, docs: read.filter((d) => d.value !== null && d.value !== undefined) };
}

/** The place of `path`, found in the yaml Document the way lib/checks/manifests.ts did before the block reader. */
export function yamlPlace({ lines, docs }: YamlRead, index: number, path: FieldPath, atKey: boolean): string {
  let node: unknown = docs[index].doc.contents;
  let keyNode: Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const k = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
      if (!pair) break;
      if (i === path.length - 1 && atKey && isNode(pair.key)) keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof k === 'number' && isNode(node.items[k])) node = node.items[k];
    else break;
  }
  const target = keyNode ?? (isNode(node) ? node : undefined);
  const { line, col } = lines.linePos(target?.range?.[0] ?? 0);
  return `${line}:${col}`;
}
