/**
 * One manifest file, parsed once with positions: by the block reader when the file is written in its
 * subset (lib/model/block-yaml.ts: the same values and places, several times faster), else by
 * readYaml, which also reports every problem. lib/checks/manifests.ts reads input files with it, and
 * lib/diff output files.
 */
import type { LineCounter } from 'yaml';
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
 * when a place in it is first asked for, the last one kept.
 */
interface ReadPlaces {
  /** Per document, by its index among all documents: its first offset and the offset after it. */
  readonly ranges: readonly (readonly [number, number])[];
  readonly lines: Pick<LineCounter, 'linePos'>;
  readonly yaml11: readonly Yaml11Place[];
}

export class SourceFile {
  private readonly block: BlockYaml | undefined;
  private readonly read: ReadPlaces | undefined;
  /** The document last read again (`ReadPlaces`), by its index. */
  private again?: { readonly index: number; readonly doc: ReturnType<typeof documentAgain> };
  /** Per document that has a value (by its index among all documents), its value; or the problems that stop reading the file. */
  readonly result: { values: { index: number; value: unknown }[] } | { problems: Problem[] };

  constructor(
    readonly file: string,
    readonly text: string,
    blockReader: boolean,
  ) {
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
    if (this.again?.index !== index) this.again = { index, doc: documentAgain(this.text.slice(start, end)) };
    return this.at(start + offsetInDocument(this.again.doc, path, atKey));
  }
}
