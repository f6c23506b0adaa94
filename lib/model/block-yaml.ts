/**
 * A fast reader for the plain block style most manifests are written in (what kubectl, helm and
 * the yaml library emit), with the position of every node kept: `npm run check -- <files>` reads
 * 20,000 objects with findings several times faster than through the yaml library's Document
 * model, whose parse alone was most of the run (bench/README.md, "Check throughput with findings").
 *
 * It answers only where it is sure to read what the yaml library (YAML 1.2 core, as kubectl reads
 * it) reads; anything else is `undefined`, and the caller reads the whole file with readYaml
 * (lib/model/read-yaml.ts), which also reports every problem. Inside the subset:
 * - block mappings and sequences (a sequence may sit at its key's indentation), nested at most
 *   MAX_BLOCK_DEPTH levels; documents separated by `---` lines; comment and blank lines; BOM; CRLF;
 * - keys of letters, digits, `_ . / -` (starting with a letter, digit, `_` or `/`: a path, as in ingress rules), or quoted on one
 *   line, each once per mapping, that the schema reads as strings;
 * - one-line values: plain scalars resolved by the yaml library's own core-schema tags (so
 *   `010`, `0x1F`, `.inf`, `yes`, `1_000` mean exactly what they mean there), quoted strings
 *   without escapes, and flow collections of such scalars on one line, nested or not
 *   (`[a, "b"]`, `{ app: web }`, `{ http: { path: /healthz }, keys: [a, b] }`: stage files);
 * - literal block scalars `|` and `|-` (scripts and config files in ConfigMaps);
 * - plain and single-quoted values of a mapping that go on over more indented lines, folded (as
 *   controller-gen wraps a CRD's descriptions and messages).
 * Outside it (the file is read by readYaml): anchors, aliases, tags, directives, `...`, folded
 * block scalars (`>`), `|+` and indentation indicators, other multi-line scalars (double-quoted,
 * in a sequence or a flow collection, a key), comments inside a multi-line scalar,
 * multi-line flow collections, empty values, escapes, tabs, control characters, lone CR,
 * `U+2028`/`U+2029`/`U+0085`, surrogates, a root that is not a mapping, and anything malformed. A differential test compares values and positions with the
 * yaml library (test/model/block-yaml.test.ts).
 */
import type { LineCounter } from 'yaml';
import {
  COLON,
  DASH,
  DQUOTE,
  HASH,
  isKeyChar,
  isKeyStart,
  NOT_IN_FLOW_PLAIN,
  NOT_PLAIN_START,
  Outside,
  outside,
  SPACE,
  SQUOTE,
} from './block-yaml-scalars.js';
import { type Nodes, linesOf } from './block-yaml-positions.js';
import { LineCursor } from './block-yaml-lines.js';
import type { Yaml11Place } from './yaml11.js';
import { settingOf } from './secret-field-names.js';

export { PLAIN_SHORTCUT } from './block-yaml-scalars.js';
export { BlockPlaces, linesOf, offsetOf, type Nodes } from './block-yaml-positions.js';

export interface BlockYaml {
  /** The value of every non-empty document, in file order. */
  readonly values: readonly unknown[];
  /** Per value, the index of its node in `nodes`. */
  readonly roots: readonly number[];
  /** The offset of every document marker (`---`), in file order. */
  readonly markers: readonly number[];
  readonly nodes: Nodes;
  /** The plain scalars kubectl (YAML 1.1) reads otherwise than the yaml library (lib/model/yaml11.ts), in file order. */
  readonly yaml11: readonly Yaml11Place[];
  /** The file's lines, to turn offsets into line and column as the yaml library does. */
  readonly lines: Pick<LineCounter, 'linePos'>;
}

/** Deeper than this, readYaml decides (and reports its bound, lib/model/limits.ts MAX_DEPTH). */
const MAX_BLOCK_DEPTH = 60;
/** The yaml library rejects implicit keys longer than 1024 characters; stay clear of that. */
const MAX_KEY_LENGTH = 1000;

/** Characters outside this set send the file to readYaml (the BOM is allowed at offset 0 only). */
const UNSAFE_CHAR = /[^\n\r\x20-\x7E\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]|\r(?!\n)/;

/** The block subset's grammar over the lines `LineCursor` walks: collections, keys and one-line scalars. */
class Reader extends LineCursor {
  /** A block mapping or sequence starting at the current token, at its indentation. */
  block(depth: number): unknown {
    const t = this.text;
    const c = t.charCodeAt(this.cs);
    if (c === DASH && (this.cs + 1 === this.le || t.charCodeAt(this.cs + 1) === SPACE)) return this.sequence(this.indent, depth);
    return this.mapping(this.indent, depth);
  }

  /** The key at `i`, if the line holds a mapping entry there: the key and the offset after its `:`. */
  key(i: number, inFlow = false): [string, number, boolean] | undefined {
    const t = this.text;
    const le = this.le;
    const c = t.charCodeAt(i);
    let end: number;
    let key: string;
    let plain = false;
    if (c === DQUOTE || c === SQUOTE) {
      const q = this.quoted(i);
      if (!q) return undefined;
      [key, end] = q;
    } else {
      if (!isKeyStart(c) && c !== 47) return undefined;
      end = i + 1;
      while (end < le && isKeyChar(t.charCodeAt(end))) end++;
      key = t.slice(i, end);
      plain = true;
    }
    if (end >= le || t.charCodeAt(end) !== COLON) return undefined;
    // in a block, `key:` may end the line (its value is on the next ones); in a flow, a space follows
    if (end + 1 < le ? t.charCodeAt(end + 1) !== SPACE : inFlow) return undefined;
    return [key, end + 1, plain];
  }

  /** A quoted scalar on one line at `i`, without escapes: its value and the offset after it. */
  quoted(i: number): [string, number] | undefined {
    const t = this.text;
    if (t.charCodeAt(i) === DQUOTE) {
      const q = t.indexOf('"', i + 1);
      if (q < 0 || q >= this.le) return outside();
      const s = t.slice(i + 1, q);
      if (s.includes('\\')) outside();
      return [s, q + 1];
    }
    let j = i + 1;
    for (;;) {
      const q = t.indexOf("'", j);
      if (q < 0 || q >= this.le) return outside();
      if (t.charCodeAt(q + 1) === SQUOTE && q + 1 < this.le) j = q + 2;
      else return [t.slice(i + 1, q).replaceAll("''", "'"), q + 1];
    }
  }

  /**
   * A flow collection on one line at `i`, nested at most to the depth bound: `[]`, `{}`,
   * `[a, "b", 1]`, `{ app: web, tier: "x" }`, `{ http: { path: /healthz }, ports: [80, 443] }`;
   * each key plain (as a block key) or quoted, followed by `: `; each scalar plain (ending, as the
   * yaml library's lexer ends it in a flow, at `, [ ] { }` and at a `:` followed by a space, a
   * flow indicator or the end of the line; never a `-` alone nor starting with an indicator) or
   * quoted without escapes. Its nodes are added like a block collection's. Moves `fp` past it;
   * what follows on the line is for the caller to judge.
   */
  flow(i: number, depth: number): unknown {
    if (depth > MAX_BLOCK_DEPTH) outside();
    const t = this.text;
    const map = t.charCodeAt(i) === 123;
    const close = map ? 125 : 93;
    const object: Record<string, unknown> = {};
    const items: unknown[] = [];
    this.fp = i + 1;
    this.flowSpaces();
    if (t.charCodeAt(this.fp) === close) {
      this.fp++;
      return map ? object : items;
    }
    for (;;) {
      this.flowSpaces();
      const at = this.fp;
      const n = this.open();
      if (map) {
        const k = this.key(at, true) ?? outside();
        const [key, after, plain] = k;
        if (key === '__proto__' || key.length > MAX_KEY_LENGTH || Object.hasOwn(object, key)) outside();
        if (plain && this.plain(key, at, true) !== key) outside();
        this.fp = after;
        this.flowSpaces();
        const valueAt = this.fp;
        const outer = this.holder;
        this.holder = settingOf(key, (name) => object[name]);
        object[key] = this.flowValue(depth);
        this.holder = outer;
        this.close(n, at, valueAt);
      } else {
        items.push(this.flowValue(depth));
        this.close(n, -1, at);
      }
      this.flowSpaces();
      const d = t.charCodeAt(this.fp);
      if (d === close) break;
      if (d !== 44 || this.fp >= this.le) outside();
      this.fp++;
      this.flowSpaces();
      if (t.charCodeAt(this.fp) === close) outside(); // a trailing comma
    }
    this.fp++;
    return map ? object : items;
  }

  /** Moves `fp` past spaces. */
  private flowSpaces(): void {
    const t = this.text;
    while (this.fp < this.le && t.charCodeAt(this.fp) === SPACE) this.fp++;
  }

  /** The value at `fp` in a flow collection at `depth` (a scalar or a nested collection); moves `fp` past it. */
  private flowValue(depth: number): unknown {
    const t = this.text;
    const le = this.le;
    let j = this.fp;
    const c = t.charCodeAt(j);
    if (j >= le) outside();
    if (c === 123 || c === 91) return this.flow(j, depth + 1);
    if (c === DQUOTE || c === SQUOTE) {
      const [s, end] = this.quoted(j)!;
      this.fp = end;
      return s;
    }
    if (NOT_IN_FLOW_PLAIN.has(c)) outside();
    // `-` starts a plain scalar when a character that can follow it comes next (`--port`, `-1`)
    if (c === DASH && (j + 1 === le || ' ,[]{}#:'.includes(t[j + 1]))) outside();
    const start = j;
    for (; j < le; j++) {
      const d = t.charCodeAt(j);
      if (d === 44 || d === 93 || d === 125 || d === 91 || d === 123) break;
      if (d === COLON && (j + 1 === le || ' ,[]{}'.includes(t[j + 1]))) break;
      // ` #` starts a comment, which leaves the collection open on this line: the caller declines
      if (d === HASH && t.charCodeAt(j - 1) === SPACE) break;
    }
    this.fp = j;
    let end = j;
    while (end > start && t.charCodeAt(end - 1) === SPACE) end--;
    return this.plain(t.slice(start, end), start);
  }

  /**
   * The scalar at `i` in a collection at column `indent` (the rest of the line, a literal block,
   * or in a mapping a plain or single-quoted scalar that goes on over the next lines), then moves
   * past it.
   */
  scalar(i: number, indent: number, depth: number, inMapping = false): unknown {
    const t = this.text;
    const c = t.charCodeAt(i);
    let value: unknown;
    if (c === 124) {
      value = this.literal(i, indent);
    } else if (c === SQUOTE && inMapping) {
      value = this.singleQuoted(i, indent);
    } else if (c === DQUOTE || c === SQUOTE) {
      const [s, end] = this.quoted(i)!;
      this.rest(end);
      value = s;
    } else if (c === 123 || c === 91) {
      value = this.flow(i, depth + 1);
      this.rest(this.fp);
    } else {
      if (NOT_PLAIN_START.has(c)) outside();
      // `-` and `:` start a plain scalar only when a character other than a space follows
      if ((c === DASH || c === COLON) && (i + 1 === this.le || t.charCodeAt(i + 1) === SPACE)) outside();
      // up to a comment (` #`), without trailing spaces; `: ` would make it a mapping
      let end = i + 1;
      let comment = false;
      for (; end < this.le; end++) {
        const d = t.charCodeAt(end);
        if (d === SPACE && t.charCodeAt(end - 1) === COLON) outside();
        if (d === HASH && t.charCodeAt(end - 1) === SPACE) {
          comment = true;
          break;
        }
      }
      while (end > i && t.charCodeAt(end - 1) === SPACE) end--;
      if (t.charCodeAt(end - 1) === COLON) outside();
      const s = t.slice(i, end);
      value = this.plain(inMapping && !comment ? this.folded(s, indent) : s, i);
    }
    this.advance();
    return value;
  }

  /** A block mapping whose keys are at column `indent`. */
  mapping(indent: number, depth: number): Record<string, unknown> {
    if (depth > MAX_BLOCK_DEPTH) outside();
    const t = this.text;
    const object: Record<string, unknown> = {};
    while (this.at(indent)) {
      const keyAt = this.cs;
      const k = this.key(keyAt) ?? outside();
      const [key, after, plain] = k;
      if (key === '__proto__' || key.length > MAX_KEY_LENGTH || Object.hasOwn(object, key)) outside();
      if (plain && this.plain(key, keyAt, true) !== key) outside();
      let i = after;
      while (i < this.le && t.charCodeAt(i) === SPACE) i++;
      let value: unknown;
      let valueAt: number;
      const n = this.open();
      if (i === this.le || t.charCodeAt(i) === HASH) {
        this.advance();
        if (this.done || this.marker) outside(); // an empty value
        const dash = t.charCodeAt(this.cs) === DASH && (this.cs + 1 === this.le || t.charCodeAt(this.cs + 1) === SPACE);
        if (this.indent < indent || (this.indent === indent && !dash)) outside(); // an empty value
        valueAt = this.cs;
        // (the items of a list under a secret's name are its values: `tokens:` then `- 0755`)
        const outer = this.holder;
        this.holder = settingOf(key, (name) => object[name]);
        value = this.indent === indent ? this.sequence(indent, depth + 1) : this.block(depth + 1);
        this.holder = outer;
      } else {
        valueAt = i;
        const outer = this.holder;
        this.holder = settingOf(key, (name) => object[name]);
        value = this.scalar(i, indent, depth, true);
        this.holder = outer;
      }
      if (!this.done && !this.marker && this.indent > indent) outside();
      this.close(n, keyAt, valueAt);
      object[key] = value;
    }
    return object;
  }

  /** A block sequence whose `-` are at column `indent`. */
  sequence(indent: number, depth: number): unknown[] {
    if (depth > MAX_BLOCK_DEPTH) outside();
    const t = this.text;
    const items: unknown[] = [];
    while (this.at(indent) && t.charCodeAt(this.cs) === DASH && (this.cs + 1 === this.le || t.charCodeAt(this.cs + 1) === SPACE)) {
      let i = this.cs + 1;
      while (i < this.le && t.charCodeAt(i) === SPACE) i++;
      let value: unknown;
      let valueAt = i;
      const n = this.open();
      if (i === this.le || t.charCodeAt(i) === HASH) {
        this.advance();
        if (this.done || this.marker || this.indent <= indent) outside(); // an empty item
        valueAt = this.cs;
        value = this.block(depth + 1);
      } else if (t.charCodeAt(i) === DASH && (i + 1 === this.le || t.charCodeAt(i + 1) === SPACE)) {
        outside(); // `- - x`: a sequence in a sequence on one line
      } else if (this.key(i)) {
        // `- key: value`: a mapping whose keys are at this column, on this line and the next ones
        this.cs = i;
        value = this.mapping(i - this.ls, depth + 1);
      } else value = this.scalar(i, indent, depth);
      if (!this.done && !this.marker && this.indent > indent) outside();
      this.close(n, -1, valueAt);
      items.push(value);
    }
    return items;
  }
}

/**
 * Reads `text` if it is written in the block subset described above; `undefined` when it is not,
 * and readYaml must read it (no problem is reported here).
 */
export function readBlockYaml(text: string): BlockYaml | undefined {
  if (UNSAFE_CHAR.test(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)) return undefined;
  const reader = new Reader(text);
  const values: unknown[] = [];
  const roots: number[] = [];
  const markers: number[] = [];
  try {
    reader.advance();
    while (!reader.done) {
      if (reader.marker) {
        markers.push(reader.cs);
        reader.advance();
        continue;
      }
      const at = reader.cs;
      const root = reader.open();
      const value = reader.block(1);
      reader.close(root, -1, at);
      // a root that is not a mapping, or content less indented than the root mapping after it
      if (Array.isArray(value) || (!reader.done && !reader.marker)) return undefined;
      values.push(value);
      roots.push(root);
    }
  } catch (e) {
    if (e instanceof Outside) return undefined;
    throw e;
  }
  return { values, roots, markers, nodes: { text, data: reader.data }, yaml11: keyed(reader), lines: linesOf(text) };
}

/** A block key as written at the start of a line's entry: plain, or quoted without escapes (`Reader.key`). */
const KEY_TEXT = /"([^"]*)"|'([^']*)'|[^\s:]+/y;

/** The places `reader` noted, each value of a mapping entry with its key (as the yaml library's reading gives it: yaml11Places). */
function keyed(reader: Reader): Yaml11Place[] {
  if (!reader.yaml11.length) return reader.yaml11;
  const { data, count } = reader;
  // the entries by their value's offset: a node is [keyAt, valueAt, size], keyAt -1 for an item of a list or a document
  const entryAt = new Map<number, number>();
  const keys = new Set<number>();
  // each node's parent (-1: a document), in one pass over the nodes in document order with the open ones stacked
  const parent = new Int32Array(count);
  const open: number[] = [];
  for (let n = 0; n < count; n++) {
    while (open.length && open[open.length - 1] + data[3 * open[open.length - 1] + 2] <= n) open.pop();
    parent[n] = open.length ? open[open.length - 1] : -1;
    open.push(n);
    if (data[3 * n] < 0) continue;
    entryAt.set(data[3 * n + 1], n);
    keys.add(data[3 * n]);
  }
  // an entry of a mapping that is an item of a list: its parent has no key and a parent of its own (a document's root has none)
  const inItem = (n: number) => parent[n] >= 0 && data[3 * parent[n]] < 0 && parent[parent[n]] >= 0;
  return reader.yaml11.map((p) => {
    // a key's own place (`yes:`), where a nested mapping that starts with it is another entry's value
    const n = keys.has(p.offset) ? undefined : entryAt.get(p.offset);
    if (n === undefined) return p;
    KEY_TEXT.lastIndex = data[3 * n];
    const m = KEY_TEXT.exec(reader.text);
    return m ? { ...p, key: m[1] ?? m[2] ?? m[0], ...(inItem(n) ? { inItem: true as const } : {}) } : p;
  });
}
