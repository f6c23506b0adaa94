/**
 * One manifest file, parsed once with positions: by the block reader when the file is written in its
 * subset (lib/model/block-yaml.ts: the same values and places, several times faster), else by
 * readYaml, which also reports every problem. lib/checks/manifests.ts reads input files with it, and
 * lib/diff output files.
 */
import type { Document, LineCounter } from 'yaml';
import type { Problem, SourceLocation } from '../errors.js';
import type { FieldPath } from '../model/field-path.js';
import { documentAgain, offsetInDocument, readYaml } from '../model/read-yaml.js';
import { offsetOf, readBlockYaml, type BlockYaml } from '../model/block-yaml.js';
import { MAX_MANIFEST_ALIASES } from '../model/limits.js';
import { yaml11Places, yaml11Problem, type Yaml11Place } from '../model/yaml11.js';

/** Alias expansions allowed per document; more is an "alias bomb", not a manifest. */
const MAX_ALIAS_COUNT = MAX_MANIFEST_ALIASES;

/**
 * What is kept of a file the yaml library read: where each document stands in the text and the file's lines, not
 * its Documents, which held most of the memory of a large file (a check of three 7.4 MB files that the block reader
 * declines, one anchor each, peaked at 1.1 GB and failed in a heap of 500 MB); a document is read again, alone,
 * when a place in it is asked for, and kept a while (`DocumentsReadAgain`).
 */
interface ReadPlaces {
  /** Per document, by its index among all documents: its first offset and the offset after it. */
  readonly ranges: readonly (readonly [number, number])[];
  readonly lines: Pick<LineCounter, 'linePos'>;
  readonly yaml11: readonly Yaml11Place[];
}

/**
 * Characters of the documents read again (`SourceFile.locate`) kept for more places in them, over the files that share
 * them: the most recently asked for first. A Document holds about eight times its text. The two asked for last are kept
 * whatever their size: an object defined twice is placed at its second document and at its first ('first defined at'),
 * one after the other for each object, and two Lists of 2,000 ConfigMaps read again twice per object took minutes
 * (a check of 1.3 MB, 2 s with the Documents kept).
 */
const KEPT_AGAIN_CHARS = 4 * 1024 * 1024;

/** The documents `SourceFile`s read again, kept for more places in them (`KEPT_AGAIN_CHARS`); shared by the files of one reading. */
export class DocumentsReadAgain {
  private readonly kept = new Map<string, { readonly doc: Document; readonly chars: number }>();
  private chars = 0;
  private files = 0;

  /** @param budget characters of documents kept, but the two asked for last @default KEPT_AGAIN_CHARS */
  constructor(private readonly budget = KEPT_AGAIN_CHARS) {}

  /** A key for a file's documents, unique among those sharing this. */
  fileKey(): string {
    return String(this.files++);
  }

  /** The document `text` is (the `index`-th of the file `file`, a `fileKey`), read again unless it is kept. */
  document(file: string, index: number, text: string): Document {
    const key = `${file}\n${index}`;
    const found = this.kept.get(key);
    if (found) {
      // the most recently asked for last: the first is the one to let go
      this.kept.delete(key);
      this.kept.set(key, found);
      return found.doc;
    }
    const doc = documentAgain(text);
    this.kept.set(key, { doc, chars: text.length });
    this.chars += text.length;
    for (const [k, v] of this.kept) {
      if (this.chars <= this.budget || this.kept.size <= 2) break;
      this.kept.delete(k);
      this.chars -= v.chars;
    }
    return doc;
  }
}

export class SourceFile {
  private readonly block: BlockYaml | undefined;
  private readonly read: ReadPlaces | undefined;
  /** Where the documents read again (`ReadPlaces`) are kept, and this file's key among them. */
  private readonly again: DocumentsReadAgain;
  private readonly againKey: string;
  /** Per document that has a value (by its index among all documents), its value; or the problems that stop reading the file. */
  readonly result: { values: { index: number; value: unknown }[] } | { problems: Problem[] };

  constructor(
    readonly file: string,
    readonly text: string,
    blockReader: boolean,
    /** Shared by the files of one reading, which then keep at most its budget of documents between them. @default - this file's own */
    again: DocumentsReadAgain = new DocumentsReadAgain(),
  ) {
    this.again = again;
    this.againKey = again.fileKey();
    this.block = blockReader ? readBlockYaml(text) : undefined;
    if (this.block) {
      this.result = { values: this.block.values.map((value, index) => ({ index, value })) };
      return;
    }
    const read = readYaml(text, file, { maxAliasCount: MAX_ALIAS_COUNT, multi: true, what: 'manifest documents' });
    const ranges = read.docs.map((d) => [d.range?.[0] ?? 0, d.range?.[2] ?? text.length] as const);
    this.read = { ranges, lines: read.lines, yaml11: read.problems.length ? [] : yaml11Places(read.docs) };
    this.result = read.problems.length
      ? { problems: [...read.problems] }
      : { values: read.values.map((value, index) => ({ index, value })).filter((v) => v.value !== null && v.value !== undefined) };
  }

  /**
   * The plain scalars of the file that kubectl reads otherwise than stagecraft (YAML 1.1: `yes`,
   * `1_000`, `010`, `2001-12-14`, lib/model/yaml11.ts), as problems at their place; none when the
   * file does not parse.
   */
  yaml11Problems(): Problem[] {
    const places = this.block ? this.block.yaml11 : (this.read?.yaml11 ?? []);
    return places.map((p) => yaml11Problem(p, (offset) => this.at(offset)));
  }

  /** The place of `offset` in the file. */
  at(offset: number): SourceLocation {
    const { line, col } = (this.block ?? this.read)!.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** The place of `path` in the `index`-th document (as numbered in `result`). */
  locate(index: number, path: FieldPath, atKey: boolean): SourceLocation {
    if (this.block) return this.at(offsetOf(this.block.nodes, this.block.roots[index], path, atKey));
    const [start, end] = this.read!.ranges[index];
    const doc = this.again.document(this.againKey, index, this.text.slice(start, end));
    return this.at(start + offsetInDocument(doc, path, atKey));
  }
}
