/**
 * Reading a stage file's text before it is validated: its value, where each setting is written in
 * it (`locate`), and how a number or boolean is written there, for messages (`writtenScalars`).
 * The block reader of lib/model/block-yaml.ts reads a file in its subset (a large file's apps from
 * the entries read before: stage-entries.ts); the yaml library reads any other, and reports every
 * problem of the YAML itself. Pure: the caller passes the text.
 */
import type { Document, LineCounter } from 'yaml';
import { ProblemsError, compareProblems, type Problem, type SourceLocation } from '../errors.js';
import { locateKey, locateValue } from './locate.js';
import type { FieldPath } from '../model/field-path.js';
import { readYaml } from '../model/read-yaml.js';
import { BlockPlaces, linesOf, readBlockYaml, type BlockYaml } from '../model/block-yaml.js';
import { entryNodes, readStageEntries, type StageEntryStore } from './stage-entries.js';
import { MAX_STAGE_ALIASES, capProblems, describeValue } from '../model/limits.js';
import type { WrittenAt } from './validate.js';

/** The share of a stage file's apps whose entries are read alone to place their settings, before the whole file is read instead. */
const ENTRIES_READ_ALONE = 1 / 16;

/** Alias expansions allowed in one stage file; more is an "alias bomb", not configuration. */
export const MAX_ALIAS_COUNT = MAX_STAGE_ALIASES;

export interface LoadOptions {
  /**
   * Read a file in the plain block style with the block reader (lib/model/block-yaml.ts);
   * false: always with the yaml library (the reference the differential tests compare with).
   * @default true
   */
  readonly blockReader?: boolean;
  /**
   * The entries of this stage file read before (lib/config/stage-entries.ts): with the block
   * reader, a large file's apps are taken from there, or read one by one and kept there.
   * @default - the file is read whole
   */
  readonly entries?: StageEntryStore;
}

/** A stage file read: its value, a mapping, and where each of its settings is written. */
export interface ReadStage {
  readonly data: object;
  /** The place of the value at a path, or of the key `key` of the mapping there. */
  readonly locate: (path: FieldPath, key?: string) => SourceLocation;
  /** The end of the file, where a count of the problems not shown is placed. */
  readonly end: SourceLocation;
}

/**
 * Reads the stage file `file` (a path as shown to users) whose text is `text`. A file in the plain
 * block style is read by the block reader (lib/model/block-yaml.ts: the value the yaml library
 * reads, with the same places, several times faster on a large fleet); any other by readYaml.
 * @throws ProblemsError with `nameProblems` (those of the file's name) and the problems of the
 *   YAML (lines ending in CR alone included: the block reader reads no such file), or that the file
 *   is empty or not a mapping, sorted by position
 */
export function readStage(
  text: string,
  file: string,
  nameProblems: readonly Problem[],
  { blockReader = true, entries }: LoadOptions = {},
): ReadStage {
  // a large file's apps as read before (stage-entries.ts), else the whole file by the block reader;
  // from the entries, the places of settings (only problems need them) come from the app's entry alone, or the settings
  // outside apps, or else from the whole file when first asked
  const fromEntries = blockReader && entries ? readStageEntries(text, entries) : undefined;
  const block = blockReader && !fromEntries ? readStageBlock(text) : undefined;
  if (fromEntries || block) {
    let places = block && new BlockPlaces(block.nodes, block.roots[0]);
    const outside = fromEntries && new BlockPlaces(fromEntries.outside.nodes, fromEntries.outside.root);
    const placesOf = (): BlockPlaces => {
      const whole = readStageBlock(text);
      if (!whole) throw new Error(`${file}: the block reader read the file's entries but not the file`);
      return new BlockPlaces(whole.nodes, whole.roots[0]);
    };
    /**
     * Each app's entry read alone, once a setting in it is placed (`entryNodes`); null where the block reader did not
     * read it. Entries read alone cost about their share of the whole file, so past a share of them (findings at the
     * sidecars of many apps: 1,000 entries took longer than the whole file) the whole file is read instead, once.
     */
    const appPlaces = new Map<string, { places: BlockPlaces; offset: (inEntry: number) => number } | null>();
    const entryPlaces = (app: string) => {
      if (!appPlaces.has(app)) {
        if (places || appPlaces.size >= (fromEntries?.appEntries.size ?? 0) * ENTRIES_READ_ALONE) return undefined;
        const span = fromEntries?.appEntries.get(app);
        const read = span && entryNodes(text, span);
        appPlaces.set(app, read ? { places: new BlockPlaces(read.nodes, read.root), offset: read.offset } : null);
      }
      return appPlaces.get(app) ?? undefined;
    };
    const lines = block?.lines ?? linesOf(text);
    const at = (offset: number): SourceLocation => {
      const { line, col } = lines.linePos(offset);
      return { file, line, column: col };
    };
    const locate = (path: FieldPath, key?: string): SourceLocation => {
      // a setting outside apps: from the file read without them (no need to read the whole file)
      if (outside && (path.length === 0 ? key !== 'apps' : path[0] !== 'apps')) {
        return at(fromEntries.outside.offset(key === undefined ? outside.value(path) : outside.key(path, key)));
      }
      // an app's key, where the findings on its objects are placed: where its entry starts (nor is the whole file read for it)
      const appKey = fromEntries && key !== undefined && path.length === 1 && path[0] === 'apps' ? fromEntries.appKeys.get(key) : undefined;
      if (appKey !== undefined) return at(appKey);
      // a setting of an app (a sidecar's entry, where a finding on the sidecar is said): from that app's entry read alone
      const app = fromEntries && path.length > 1 && path[0] === 'apps' ? String(path[1]) : undefined;
      const entry = app === undefined ? undefined : entryPlaces(app);
      if (entry) return at(entry.offset(key === undefined ? entry.places.value(path) : entry.places.key(path, key)));
      places ??= placesOf();
      return at(key === undefined ? places.value(path) : places.key(path, key));
    };
    // a mapping: the block reader reads no other root
    return { data: (fromEntries?.value ?? block?.values[0]) as object, locate, end: at(text.length) };
  }

  // one parser, with positions: the value validated is the value placed in messages
  const { doc, lines, data, problems, at } = readStageDocument(text, file);
  if (problems.length) throw new ProblemsError(capProblems([...nameProblems, ...problems].sort(compareProblems), at(text.length)));
  const locate = (path: FieldPath, key?: string): SourceLocation =>
    key === undefined ? locateValue(doc!, lines, file, path) : locateKey(doc!, lines, file, path, key);
  return { data: data!, locate, end: at(text.length) };
}

/** A stage file read by the yaml library (`readStageDocument`): its document and value, or the problems that stop it. */
export interface StageDocument {
  /** The document with every node's range in the text; undefined with a problem that stops the parser (a NUL, a CR alone, a conflict marker, too deep). */
  readonly doc?: Document;
  readonly lines: LineCounter;
  /** The file's value, a mapping, when there is no problem. */
  readonly data?: object;
  /** The problems of the YAML, or that the file is empty or not a mapping (not sorted). */
  readonly problems: readonly Problem[];
  readonly at: (offset: number) => SourceLocation;
}

/**
 * The stage file `text` (`file` as shown to users) read by the yaml library as `readStage` reads a
 * file the block reader does not (the reference reading: the block reader gives the same value):
 * its document, for an edit that changes only the characters of values (lib/config/edit.ts), and
 * what refuses the file, which readStage throws.
 */
export function readStageDocument(text: string, file: string): StageDocument {
  const read = readYaml(text, file, { maxAliasCount: MAX_ALIAS_COUNT, multi: false, what: 'stage files', key: 'setting' });
  const { lines, at } = read;
  const doc = read.docs[0];
  if (read.problems.length) return { doc, lines, problems: read.problems, at };
  if (!doc || doc.contents === null) {
    const empty: Problem = {
      code: 'config/empty',
      location: at(0),
      message: 'the stage file is empty',
      hint: 'a stage file is a mapping with at least `apps:`; see environments/lab.yaml',
    };
    return { doc, lines, problems: [empty], at };
  }
  const data: unknown = read.values[0];
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const notAMapping: Problem = {
      code: 'config/not-a-mapping',
      location: at(doc.contents?.range?.[0] ?? 0),
      message: `the stage file must be a mapping of settings (found ${Array.isArray(data) ? 'a list' : describeValue(data)})`,
      hint: 'start the file with `apps:`; see environments/lab.yaml',
    };
    return { doc, lines, problems: [notAMapping], at };
  }
  return { doc, lines, data, problems: [], at };
}

/**
 * The block reader's reading of a stage file, when it reads exactly one document the way
 * readYaml reads a stage file: one non-empty document, with at most one `---`, before it (a
 * second marker starts a second document, which readYaml reports); else undefined.
 */
function readStageBlock(text: string): BlockYaml | undefined {
  const block = readBlockYaml(text);
  if (block?.values.length !== 1 || block.markers.length > 1) return undefined;
  const start = block.nodes.data[3 * block.roots[0] + 1];
  return block.markers.every((m) => m < start) ? block : undefined;
}

/** The scalars of YAML 1.2's core schema that are not strings: what the yaml library and the block reader resolve. */
const CORE_BOOLEAN = /^(true|True|TRUE|false|False|FALSE)$/;
const CORE_NUMBER =
  /^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;

/** What the plain scalar `text` reads as when it is a number or a boolean of the core schema; else undefined. */
function coreScalar(text: string): number | boolean | undefined {
  if (CORE_BOOLEAN.test(text)) return text[0] === 't' || text[0] === 'T';
  if (!CORE_NUMBER.test(text)) return undefined;
  if (/nan$/i.test(text)) return Number.NaN;
  if (/inf$/i.test(text)) return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number(text); // decimal, 0x and 0o as JavaScript reads them, which is as YAML does
}

/**
 * How a scalar is written in `text` (`01234` for the number 1234), for messages: the plain scalar
 * where `locate` places the value, when it reads as the value; undefined otherwise (a value
 * from an alias or a merge key is placed at the `*` or the `<<`). The lines are indexed when first
 * asked for, so that placing many values stays linear.
 */
export function writtenScalars(text: string, locate: (path: FieldPath) => SourceLocation): WrittenAt {
  let starts: number[] | undefined;
  return (path, value) => {
    if (typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    const { line, column } = locate(path);
    const from = (starts[line - 1] ?? text.length) + column - 1;
    // a number or boolean is a short run of these characters: a longer one is said by its value
    const run = /^[^\s,[\]{}#]+/.exec(text.slice(from, from + 64))?.[0];
    return run !== undefined && Object.is(coreScalar(run), value) ? run : undefined;
  };
}
