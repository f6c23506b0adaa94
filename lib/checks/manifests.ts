/**
 * Manifests from YAML text (hand-written, or produced by other tools): every document that is a
 * Kubernetes object, remembered with where it came from, so that findings can be placed at
 * `file:line:col`. Pure: the CLI reads the files and passes their text.
 *
 * Two parsers, for speed: js-yaml reads the values (about ten times faster than the yaml
 * library on large stages); the yaml library, with a LineCounter, parses a file again only when
 * a finding in it needs a place, when js-yaml refuses the file (its errors are then reported with
 * positions), or when the file uses anchors and aliases (the yaml library limits their expansion).
 */
import jsyaml from 'js-yaml';
import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { ExitCode, ProblemsError, type Problem, type SourceLocation } from '../errors.js';
import type { KubeObject } from '../model/object.js';
import type { FieldPath, Finding } from './finding.js';
import { NOT_API_OBJECTS } from './schema.js';
import { MAX_ALIAS_COUNT, mayUseAliases } from '../model/yaml.js';


/** One file, parsed with positions on demand (once). */
class SourceFile {
  private parsed?: { docs: Document[]; lines: LineCounter };
  /** The non-empty documents, computed once (not once per finding: a file of 20,000 objects with findings made that quadratic). */
  private nonEmpty?: Document[];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  /** The yaml library's documents (all of them, empty ones included) and the file's line counter. */
  documents(): { docs: Document[]; lines: LineCounter } {
    if (!this.parsed) {
      const lines = new LineCounter();
      const docs = parseAllDocuments(this.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
      this.parsed = { docs: Array.isArray(docs) ? docs : [], lines };
    }
    return this.parsed;
  }

  /** The place of `offset` in the file. */
  at(offset: number): SourceLocation {
    const { line, col } = this.documents().lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** The place of `path` in the `index`-th non-empty document. */
  locate(index: number, path: FieldPath, atKey: boolean): SourceLocation {
    this.nonEmpty ??= this.documents().docs.filter((d) => d.contents !== null);
    const doc = this.nonEmpty[index];
    let node: unknown = doc?.contents;
    let keyNode: Node | undefined;
    for (let i = 0; i < path.length; i++) {
      const k = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
        if (!pair) break;
        if (i === path.length - 1 && atKey && isNode(pair.key)) keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof k === 'number' && isNode(node.items[k])) {
        node = node.items[k];
      } else break;
    }
    const target = keyNode ?? (isNode(node) ? node : undefined);
    return this.at(target?.range?.[0] ?? 0);
  }
}

interface Source {
  readonly file: SourceFile;
  /** Index of the document among the file's non-empty documents. */
  readonly index: number;
  /** Where the object sits in its document: [] or ['items', i] for the items of a `List`. */
  readonly prefix: FieldPath;
}

export interface Manifests {
  readonly objects: readonly KubeObject[];
  /** How many non-empty YAML documents were read (including skipped ones such as a Kustomization). */
  readonly documents: number;
  /** The place of a finding in its file. */
  locate(f: Finding): SourceLocation | undefined;
}

/** The values of the file's non-empty documents, or the problems that stop reading it. */
function read(src: SourceFile): { values: unknown[] } | { problems: Problem[] } {
  if (!mayUseAliases(src.text)) { // such files take the yaml library's guarded path
    try {
      return { values: jsyaml.loadAll(src.text, undefined, { schema: jsyaml.CORE_SCHEMA }).filter((v) => v !== null && v !== undefined) };
    } catch {
      // fall through: the yaml library says what is wrong, and where
    }
  }
  const { docs } = src.documents();
  const errors = docs.flatMap((d) => d.errors);
  if (errors.length) {
    return { problems: errors.map((e) => ({ code: 'yaml/syntax', location: src.at(e.pos[0]), message: e.message.replace(/\.$/, '').split('\n')[0] })) };
  }
  const values: unknown[] = [];
  const problems: Problem[] = [];
  for (const doc of docs) {
    if (doc.contents === null) continue;
    try {
      values.push(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
    } catch (e) {
      problems.push({ code: 'yaml/alias', location: src.at(doc.contents.range?.[0] ?? 0), message: String(e instanceof Error ? e.message : e).replace(/\.$/, '') });
    }
  }
  return problems.length ? { problems } : { values };
}

const isObject = (v: unknown): v is KubeObject =>
  !!v && typeof v === 'object' && !Array.isArray(v) && typeof (v as KubeObject).kind === 'string' && typeof (v as KubeObject).apiVersion === 'string';

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
    const src = new SourceFile(file, text);
    const result = read(src);
    if ('problems' in result) {
      problems.push(...result.problems);
      continue;
    }
    result.values.forEach((o, index) => {
      documents++;
      if (!isObject(o)) {
        const m = o as Partial<KubeObject>;
        problems.push({
          code: 'input/not-kubernetes',
          location: src.locate(index, [], false),
          message: `this document is not a Kubernetes object (found ${Array.isArray(o) ? 'a list' : o && typeof o === 'object' ? `a mapping without ${typeof m.apiVersion === 'string' ? 'kind' : 'apiVersion'}` : JSON.stringify(o)})`,
          hint: 'point npm run check at Kubernetes manifests: YAML documents with apiVersion, kind and metadata',
        });
        return;
      }
      if (NOT_API_OBJECTS.has(`${o.apiVersion}/${o.kind}`)) return;
      if (o.kind === 'List' && o.apiVersion === 'v1' && Array.isArray(o.items)) {
        o.items.forEach((item: unknown, i: number) => {
          if (isObject(item)) {
            objects.push(item);
            sources.set(item, { file: src, index, prefix: ['items', i] });
          } else {
            problems.push({
              code: 'input/not-kubernetes',
              location: src.locate(index, ['items', i], false),
              message: `item ${i} of this List is not a Kubernetes object (it needs apiVersion and kind)`,
            });
          }
        });
        return;
      }
      objects.push(o);
      sources.set(o, { file: src, index, prefix: [] });
    });
  }
  if (problems.length) throw new ProblemsError(problems, ExitCode.badInput);
  return {
    objects,
    documents,
    locate(f) {
      const s = sources.get(f.object);
      return s ? s.file.locate(s.index, [...s.prefix, ...f.path], f.atKey ?? false) : undefined;
    },
  };
}
