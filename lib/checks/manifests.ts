/**
 * Manifests from YAML text (hand-written, or produced by other tools): every document that is a
 * Kubernetes object, remembered with where it came from, so that findings can be placed at
 * `file:line:col`. Pure: the CLI reads the files and passes their text.
 */
import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { ExitCode, ProblemsError, type Problem, type SourceLocation } from '../errors.js';
import type { KubeObject } from '../transforms/object.js';
import type { FieldPath, Finding } from './finding.js';
import { NOT_API_OBJECTS } from './schema.js';

/** Alias expansions allowed per document; more is an "alias bomb", not a manifest. */
const MAX_ALIAS_COUNT = 1000;

interface Source {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  /** Where the object sits in its document: [] or ['items', i] for the items of a `List`. */
  readonly prefix: FieldPath;
}

export interface Manifests {
  readonly objects: readonly KubeObject[];
  /** How many YAML documents were read (including skipped non-objects such as a Kustomization). */
  readonly documents: number;
  /** The place of a finding in its file. */
  locate(f: Finding): SourceLocation | undefined;
}

function locationAt(src: Source, path: FieldPath, atKey: boolean): SourceLocation {
  let node: unknown = src.doc.contents;
  const full = [...src.prefix, ...path];
  let keyNode: Node | undefined;
  for (let i = 0; i < full.length; i++) {
    const k = full[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
      if (!pair) break;
      if (i === full.length - 1 && atKey && isNode(pair.key)) keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof k === 'number' && isNode(node.items[k])) {
      node = node.items[k];
    } else break;
  }
  const target = keyNode ?? (isNode(node) ? node : undefined);
  const { line, col } = src.lines.linePos(target?.range?.[0] ?? 0);
  return { file: src.file, line, column: col };
}

/**
 * Parses the YAML files (path as shown, text). Documents that are not Kubernetes objects, and
 * YAML errors, are bad input.
 * @throws ProblemsError (exit code 2) listing every document that is not a Kubernetes object
 */
export function parseManifests(files: readonly { file: string; text: string }[]): Manifests {
  const objects: KubeObject[] = [];
  const sources = new Map<KubeObject, Source>();
  const problems: Problem[] = [];
  let documents = 0;
  for (const { file, text } of files) {
    const lines = new LineCounter();
    const at = (offset: number): SourceLocation => {
      const { line, col } = lines.linePos(offset);
      return { file, line, column: col };
    };
    for (const doc of parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })) {
      if (!('contents' in doc)) continue; // an empty stream
      if (doc.errors.length) {
        problems.push(...doc.errors.map((e) => ({ code: 'yaml/syntax', location: at(e.pos[0]), message: e.message.replace(/\.$/, '').split('\n')[0] })));
        continue;
      }
      if (doc.contents === null) continue; // an empty document (`---` at the end)
      documents++;
      let data: unknown;
      try {
        data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (e) {
        problems.push({ code: 'yaml/alias', location: at(doc.contents.range?.[0] ?? 0), message: String(e instanceof Error ? e.message : e).replace(/\.$/, '') });
        continue;
      }
      const o = data as Partial<KubeObject> | null;
      const where = at(doc.contents.range?.[0] ?? 0);
      if (!o || typeof o !== 'object' || Array.isArray(o) || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') {
        problems.push({
          code: 'input/not-kubernetes',
          location: where,
          message: `this document is not a Kubernetes object (found ${Array.isArray(o) ? 'a list' : o && typeof o === 'object' ? `a mapping without ${typeof o.apiVersion === 'string' ? 'kind' : 'apiVersion'}` : JSON.stringify(o)})`,
          hint: 'point npm run check at Kubernetes manifests: YAML documents with apiVersion, kind and metadata',
        });
        continue;
      }
      if (NOT_API_OBJECTS.has(`${o.apiVersion}/${o.kind}`)) continue;
      const add = (obj: KubeObject, prefix: FieldPath) => {
        objects.push(obj);
        sources.set(obj, { file, doc, lines, prefix });
      };
      if (o.kind === 'List' && o.apiVersion === 'v1' && Array.isArray(o.items)) {
        o.items.forEach((item: Partial<KubeObject> | null, i: number) => {
          if (item && typeof item === 'object' && typeof item.kind === 'string' && typeof item.apiVersion === 'string') add(item as KubeObject, ['items', i]);
          else {
            problems.push({
              code: 'input/not-kubernetes',
              location: locationAt({ file, doc, lines, prefix: [] }, ['items', i], false),
              message: `item ${i} of this List is not a Kubernetes object (it needs apiVersion and kind)`,
            });
          }
        });
      } else add(o as KubeObject, []);
    }
  }
  if (problems.length) throw new ProblemsError(problems, ExitCode.badInput);
  return {
    objects,
    documents,
    locate(f) {
      const src = sources.get(f.object);
      return src ? locationAt(src, f.path, f.atKey ?? false) : undefined;
    },
  };
}
