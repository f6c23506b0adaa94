/**
 * The yaml library's reading of manifests, as lib/checks/manifests.ts did it before the block
 * reader (lib/model/block-yaml.ts): the reference that differential tests compare with.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import { offsetInDocument } from '../../lib/model/read-yaml.js';
import type { FieldPath } from '../../lib/model/field-path.js';

export type YamlRead = NonNullable<ReturnType<typeof yamlRead>>;

/** The yaml library's reading (as readYaml reads manifests): the values of the non-empty documents, or undefined on an error. */
export function yamlRead(text: string) {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (docs.some((d) => d.errors.length)) return undefined;
  const read = docs.map((doc) => ({ doc, value: doc.toJS({ maxAliasCount: 100 }) as unknown }));
  return { lines, docs: read.filter((d) => d.value !== null && d.value !== undefined) };
}

/** The place of `path`, found in the yaml Document as lib/checks/manifests.ts finds it when the block reader declines. */
export function yamlPlace({ lines, docs }: YamlRead, index: number, path: FieldPath, atKey: boolean): string {
  const { line, col } = lines.linePos(offsetInDocument(docs[index].doc, path, atKey));
  return `${line}:${col}`;
}
