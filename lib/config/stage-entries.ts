/**
 * Reading a large stage file again after an edit of one of its apps: each app's entry (the lines
 * from its key under `apps:` to the next app's) is read by the block reader alone, or taken from
 * what an earlier read of the same text gave, kept by the CLI (`StageEntryStore`); the rest of the
 * file is read with `apps: {}` in the entries' place. A 1,000-app stage file took the block reader
 * about 150 ms on a cold start, most of a synthesis that changed one app.
 *
 * The value is the one reading the whole file gives, or undefined, and the caller reads the whole
 * file: the block reader is line-based, and an entry's lines hold the whole of its value (a line
 * indented by more than the entry's key is inside the entry, a block scalar's lines included), so
 * an entry reads the same alone as in its file. What could make a piece read differently is not
 * taken: a file with a CR, an `apps:` line that is not exactly that, a line indented by one space
 * or a sequence item at the entries' indentation, two entries with one key, an entry or the rest
 * that the block reader does not read (anchors, folded or double-quoted scalars: then neither
 * would the whole).
 * The places of settings, which only problems need, come from an app's entry read alone again
 * (`entryNodes`), the rest of the file, or else from reading the whole file when first asked for
 * (lib/config/read-stage.ts). test/config/stage-entries.test.ts compares both readings on
 * generated stage files, edited at random.
 */
import { readBlockYaml, type Nodes } from '../model/block-yaml.js';
import { sha256Hex } from '../model/sha256.js';

/** What an app's entry read as: its key and its value. */
export type StageEntry = readonly [key: string, value: unknown];

/** Entries read before, by the SHA-256 of their text: one stage file's (the CLI keeps it, lib/cli/stage-entries.ts). */
export interface StageEntryStore {
  /** What was kept, or undefined when nothing was (or it is not whole). */
  read(): ReadonlyMap<string, StageEntry> | undefined;
  /** Keeps the entries of the file as read now, instead of what was kept. */
  write(entries: ReadonlyMap<string, StageEntry>): void;
}

/** Smaller stage files are read whole: their entries take longer to look up than to read. */
export const MIN_ENTRIES_BYTES = 64 * 1024;
/**
 * Nor are files whose apps take fewer bytes each on average: reading an entry alone costs a few
 * microseconds more than its share of the whole (100,000 one-line apps: 0.9 s against 0.2 s).
 */
const MIN_ENTRY_BYTES = 256;
/**
 * What is kept is written again only when it lacks more than this share of the file's entries (or
 * has entries the file no longer has): otherwise the few entries read alone are read alone again
 * next time, which costs less than serializing and writing every entry of the stage after each
 * edit (1,000 apps: 11 ms per write, against well under 1 ms for a few entries read).
 */
const STALE_SHARE = 1 / 16;

const APPS_LINE = 'apps:';
const SPACE = 32;
const HASH = 35;
const DASH = 45;

/** Where the `apps:` line and its entries are: the entries' starts, and where the block ends. */
interface AppsBlock {
  /** Offset of the `apps:` line. */
  readonly line: number;
  /** Offset of each entry's first line, its key's (comment lines between `apps:` and the first key are in none). */
  readonly starts: readonly number[];
  /** Offset of the first line after the block (the text's length at its end). */
  readonly end: number;
}

/** The `apps:` block of `text`, when the text has exactly one line `apps:` and its entries are as described above. */
function appsBlock(text: string): AppsBlock | undefined {
  // every line after a newline, the first too: `line` is where the first line starting with `apps:` starts in `text`
  const top = `\n${text}`;
  const line = top.indexOf(`\n${APPS_LINE}`);
  // that line alone, and no other (a second key, `apps: {}`): else the whole file decides
  if (line < 0 || !top.startsWith(`\n${APPS_LINE}\n`, line) || top.includes(`\n${APPS_LINE}`, line + 1)) return undefined;
  const starts: number[] = [];
  let at = line + APPS_LINE.length + 1;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    let c = at;
    while (c < nl && text.charCodeAt(c) === SPACE) c++;
    const indent = c - at;
    const first = text.charCodeAt(c);
    // blank and comment lines belong to the entry they are in
    if (c < nl && first !== HASH) {
      if (indent === 0) break;
      if (indent === 2) {
        if (first === DASH) return undefined;
        starts.push(at);
      } else if (indent === 1 || starts.length === 0) return undefined;
    }
    at = nl + 1;
  }
  return starts.length ? { line, starts, end: Math.min(at, text.length) } : undefined;
}

/** The single key and value of `apps:` in `text` read by the block reader alone, or undefined. */
function readEntry(slice: string): StageEntry | undefined {
  const block = readBlockYaml(`${APPS_LINE}\n${slice}`);
  if (block?.values.length !== 1 || block.markers.length) return undefined;
  const apps = (block.values[0] as Record<string, unknown>).apps;
  if (typeof apps !== 'object' || apps === null || Array.isArray(apps)) return undefined;
  const keys = Object.keys(apps);
  return keys.length === 1 ? [keys[0], (apps as Record<string, unknown>)[keys[0]]] : undefined;
}

/**
 * Where the settings of one app are in a stage file read from its entries: its entry (`span`, from
 * `appEntries`) read alone, as `readEntry` reads it, and the offset in the file of an offset in that
 * text; undefined when the block reader does not read it (it did when the file was read). A finding
 * said at a sidecar's entry is placed without reading the whole file.
 */
export function entryNodes(text: string, span: readonly [start: number, end: number]): OutsideApps | undefined {
  const head = `${APPS_LINE}\n`;
  const block = readBlockYaml(`${head}${text.slice(span[0], span[1])}`);
  if (block?.values.length !== 1 || block.markers.length) return undefined;
  return { nodes: block.nodes, root: block.roots[0]!, offset: (inEntry) => inEntry - head.length + span[0] };
}

/**
 * Where the settings outside `apps:` are in a stage file read from its entries: the file read
 * with its apps left out, and the offset in the file of an offset in that text. A problem about
 * such a setting (a delivered stage records where its `delivery:` settings are at every synthesis)
 * is placed without reading the whole file, which takes longer than its entries for a large stage.
 */
export interface OutsideApps {
  readonly nodes: Nodes;
  readonly root: number;
  readonly offset: (inRest: number) => number;
}

/**
 * The value of the stage file `text` (its one document, a mapping) as the block reader reads the
 * whole file, from its entries read alone or taken from `store`, and where its settings outside
 * `apps:` are; undefined when the file or its apps are small (the bounds are options for the
 * tests), or when a piece is not one the block reader reads alone as it would in the file.
 * `appKeys`: the offset of each app's key, where a finding about one of its objects is placed;
 * `appEntries`: where each app's entry starts and ends, for the places of its settings (`entryNodes`).
 */
export function readStageEntries(
  text: string,
  store: StageEntryStore,
  { minBytes = MIN_ENTRIES_BYTES, minEntryBytes = MIN_ENTRY_BYTES }: { readonly minBytes?: number; readonly minEntryBytes?: number } = {},
):
  | {
      readonly value: object;
      readonly outside: OutsideApps;
      readonly appKeys: ReadonlyMap<string, number>;
      readonly appEntries: ReadonlyMap<string, readonly [start: number, end: number]>;
    }
  | undefined {
  if (text.length < minBytes || text.includes('\r')) return undefined;
  const block = appsBlock(text);
  if (!block || (block.end - block.line) / block.starts.length < minEntryBytes) return undefined;
  const emptyApps = `${APPS_LINE} {}\n`;
  const rest = readBlockYaml(`${text.slice(0, block.line)}${emptyApps}${text.slice(block.end)}`);
  // one document, with at most one marker, before it (lib/config/read-stage.ts `readStageBlock`); what
  // precedes the `apps:` line is at the same offsets in both texts
  if (rest?.values.length !== 1 || rest.markers.length > 1) return undefined;
  const start = rest.nodes.data[3 * rest.roots[0] + 1];
  if (!rest.markers.every((m) => m < start)) return undefined;
  const root = rest.values[0] as Record<string, unknown>;
  const empty = root.apps;
  if (typeof empty !== 'object' || empty === null || Object.keys(empty).length > 0) return undefined;
  const kept = store.read();
  const entries = new Map<string, StageEntry>();
  const apps: Record<string, unknown> = {};
  const appKeys = new Map<string, number>();
  const appEntries = new Map<string, readonly [number, number]>();
  let read = 0;
  for (let i = 0; i < block.starts.length; i++) {
    const end = i + 1 < block.starts.length ? block.starts[i + 1] : block.end;
    const slice = text.slice(block.starts[i], end);
    const digest = sha256Hex(slice);
    let entry = kept?.get(digest);
    if (!entry) {
      entry = readEntry(slice);
      if (!entry) return undefined;
      read++;
    }
    // the same key twice: the block reader refuses the file (and readYaml reports it)
    if (Object.hasOwn(apps, entry[0])) return undefined;
    apps[entry[0]] = entry[1];
    // the entry's first line is its key's, two spaces in (`appsBlock`)
    appKeys.set(entry[0], block.starts[i] + 2);
    appEntries.set(entry[0], [block.starts[i], end]);
    entries.set(digest, entry);
  }
  root.apps = apps;
  // what is kept lacks the entries read alone, and holds `unused` ones the file no longer has
  const unused = kept ? kept.size - (entries.size - read) : 0;
  if (!kept || Math.max(read, unused) > entries.size * STALE_SHARE) store.write(entries);
  // after the emptied `apps:` line, the text is the file's from the end of its apps on
  const after = block.line + emptyApps.length;
  const offset = (inRest: number) => (inRest < after ? inRest : inRest - after + block.end);
  return { value: root, outside: { nodes: rest.nodes, root: rest.roots[0]!, offset }, appKeys, appEntries };
}
