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
  plainValue,
  SPACE,
  SQUOTE,
} from './block-yaml-scalars.js';
import { type Nodes, linesOf } from './block-yaml-positions.js';
import { yaml11Reading, type Yaml11Place } from './yaml11.js';
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

class Reader {
  /** Offset of the next line not yet read. */
  private next = 0;
  /** The current token: its line's start, where its content starts, where its line ends (before CR LF). */
  ls = 0;
  cs = 0;
  le = 0;
  /** In a flow collection: the offset of the next character to read. */
  fp = 0;
  /** At a `---` line. */
  marker = false;
  done = false;
  /** The nodes read so far: `[key, value, size]` each; room at first for one per 4 characters, at most 1,024 (grown by `open`). */
  data: Int32Array;
  count = 0;
  /** The plain scalars read so far that kubectl reads otherwise. */
  readonly yaml11: Yaml11Place[] = [];
  /**
   * The setting whose plain value is being read, for `yaml11Reading` (a password it reads otherwise is never printed): its key, or
   * an entry's name for its `value` (`settingOf`), by the keys read before it.
   */
  private holder?: string;

  constructor(readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.next = 1;
    this.data = new Int32Array(3 * Math.min(1024, Math.max(16, text.length >> 2)));
  }

  /** The value of the plain scalar `s` at `offset` (a key when `key`), noting it when kubectl reads it otherwise (YAML 1.1). */
  plain(s: string, offset: number, key = false): unknown {
    const value = plainValue(s);
    const reading = yaml11Reading(s, value, key, key ? undefined : this.holder);
    if (reading) this.yaml11.push({ offset, reading });
    return value;
  }

  /** Adds a node (its fields are set by `close`); returns its index. */
  open(): number {
    if (3 * this.count === this.data.length) {
      const more = new Int32Array(2 * this.data.length);
      more.set(this.data);
      this.data = more;
    }
    return this.count++;
  }

  /** Sets the fields of node `n`, once its subtree has been read. */
  close(n: number, keyAt: number, valueAt: number): void {
    this.data[3 * n] = keyAt;
    this.data[3 * n + 1] = valueAt;
    this.data[3 * n + 2] = this.count - n;
  }

  /** The current token's column (0-based). */
  get indent(): number {
    return this.cs - this.ls;
  }

  /** Whether the current token is content at `indent` (not a document marker, not the end). */
  at(indent: number): boolean {
    return !this.done && !this.marker && this.cs - this.ls === indent;
  }

  /** Where the line that starts at `pos` ends (before CR LF), where its content starts (after its spaces), and where the next one starts. */
  private lineEnd = 0;
  private lineContent = 0;
  private lineNext = 0;

  /** Sets `lineEnd`, `lineContent` and `lineNext` for the line that starts at `pos`. */
  private line(pos: number): void {
    const t = this.text;
    let nl = t.indexOf('\n', pos);
    if (nl < 0) nl = t.length;
    let le = nl;
    if (le > pos && t.charCodeAt(le - 1) === 13) le--;
    let cs = pos;
    while (cs < le && t.charCodeAt(cs) === SPACE) cs++;
    this.lineEnd = le;
    this.lineContent = cs;
    this.lineNext = nl + 1;
  }

  /** Moves to the next line with content, skipping blank and comment lines. */
  advance(): void {
    const t = this.text;
    while (this.next < t.length) {
      // after a BOM, columns count from the character after it: it is not indentation
      const ls = this.next;
      this.line(ls);
      const le = this.lineEnd;
      const cs = this.lineContent;
      this.next = this.lineNext;
      if (cs === le || t.charCodeAt(cs) === HASH) continue;
      this.ls = ls;
      this.cs = cs;
      this.le = le;
      this.marker = false;
      if (cs === ls) {
        const c = t.charCodeAt(cs);
        if (c === 37) outside(); // `%`: a directive
        if ((c === DASH || c === 46) && t.startsWith(c === DASH ? '---' : '...', cs) && (cs + 3 === le || t.charCodeAt(cs + 3) === SPACE)) {
          if (c === 46) outside(); // `...`: an explicit document end
          this.marker = true;
          this.rest(cs + 3);
        }
      }
      return;
    }
    this.done = true;
    this.marker = false;
  }

  /** What follows a finished token on its line must be spaces and perhaps a comment. */
  rest(i: number): void {
    const t = this.text;
    if (i < this.le && t.charCodeAt(i) !== SPACE) outside();
    while (i < this.le && t.charCodeAt(i) === SPACE) i++;
    if (i < this.le && t.charCodeAt(i) !== HASH) outside();
  }

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
   * A literal block scalar (`|` or `|-`) whose header is at `i`, in a collection at column
   * `indent`: its lines, up to the first less indented line with content. Left to the yaml
   * library: other headers (`|+`, `|2`, `>`), leading empty lines, empty lines with more spaces
   * than the content's indentation, and an empty scalar.
   */
  literal(i: number, indent: number): string {
    const t = this.text;
    let h = i + 1;
    const strip = t.charCodeAt(h) === DASH;
    if (strip) h++;
    this.rest(h);
    const lines: string[] = [];
    let contentIndent = -1;
    let empty = 0;
    let pos = this.next;
    while (pos < t.length) {
      this.line(pos);
      const le = this.lineEnd;
      const cs = this.lineContent;
      if (cs === le) {
        if (contentIndent < 0 || cs - pos > contentIndent) outside();
        empty++;
      } else {
        const at = cs - pos;
        if (contentIndent < 0) {
          if (at <= indent) outside(); // an empty block scalar
          contentIndent = at;
        } else if (at < contentIndent) break; // the line after the scalar: read by `advance`
        for (; empty > 0; empty--) lines.push('');
        lines.push(t.slice(pos + contentIndent, le));
      }
      pos = this.lineNext;
    }
    if (lines.length === 0) outside();
    this.next = pos;
    return strip ? lines.join('\n') : `${lines.join('\n')}\n`;
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

  /**
   * A single-quoted scalar at `i` in a mapping whose keys are at column `indent`, on one line or
   * on several (as controller-gen writes the messages of a CRD's validations): its lines folded
   * as a plain scalar's (`folded`), but for the spaces of the first line after the quote and of
   * the last before it; `''` is a quote. Every line after the first must be indented more than the
   * keys, and the closing quote followed by spaces and perhaps a comment. Moves to the line after it.
   */
  singleQuoted(i: number, indent: number): string {
    const t = this.text;
    let value = '';
    let breaks = -1; // line breaks before the current line's part: -1 on the first line
    let from = i + 1;
    // the next quote at or after an offset, found once for the lines before it (the text's length
    // when there is none): a quote never closed is not looked for again from each line (quadratic)
    let quote = i;
    for (;;) {
      let close = -1;
      for (let j = from; ; ) {
        if (quote < j) {
          quote = t.indexOf("'", j);
          if (quote < 0) quote = t.length;
        }
        if (quote >= this.le) break;
        if (quote + 1 < this.le && t.charCodeAt(quote + 1) === SQUOTE) j = quote + 2;
        else {
          close = quote;
          break;
        }
      }
      let end = close;
      if (close < 0) {
        end = this.le;
        while (end > from && t.charCodeAt(end - 1) === SPACE) end--;
      }
      if (breaks >= 0) value += breaks ? '\n'.repeat(breaks) : ' ';
      value += t.slice(from, end).replaceAll("''", "'");
      if (close >= 0) {
        this.rest(close + 1);
        return value; // `next` is the line after this one
      }
      // the next line with content: the blank ones between are line feeds
      breaks = 0;
      for (;;) {
        if (this.next >= t.length) outside(); // no closing quote
        const ls = this.next;
        this.line(ls);
        this.next = this.lineNext;
        if (this.lineContent === this.lineEnd) {
          breaks++;
          continue;
        }
        if (this.lineContent - ls <= indent) outside();
        this.ls = ls;
        this.cs = from = this.lineContent;
        this.le = this.lineEnd;
        break;
      }
    }
  }

  /**
   * A plain scalar whose first line is `first`, with the lines after it that continue it: those
   * indented more than its mapping's keys (at column `indent`), folded as YAML folds them (a line
   * break is a space, each empty line between two lines a line feed; each line without its
   * indentation and trailing spaces), as controller-gen wraps the descriptions of a CRD. Left to
   * the yaml library: a continuation line that starts with `#` or `:`, holds `: ` or ` #`, or ends
   * with `:`. Moves past the lines it read.
   */
  folded(first: string, indent: number): string {
    const t = this.text;
    let value = first;
    let breaks = 0;
    let pos = this.next;
    while (pos < t.length) {
      this.line(pos);
      const cs = this.lineContent;
      if (cs === this.lineEnd) {
        breaks++;
        pos = this.lineNext;
        continue;
      }
      if (cs - pos <= indent) break; // the next entry: read by `advance`
      let end = this.lineEnd;
      while (end > cs && t.charCodeAt(end - 1) === SPACE) end--;
      const line = t.slice(cs, end);
      const c = line.charCodeAt(0);
      if (c === HASH || c === COLON || line.includes(': ') || line.includes(' #') || line.endsWith(':')) outside();
      value += breaks ? '\n'.repeat(breaks) : ' ';
      value += line;
      breaks = 0;
      pos = this.next = this.lineNext;
    }
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
  // the entries by their value's offset: a node is [keyAt, valueAt, size], keyAt -1 for an item of a list or a document
  const keyAt = new Map<number, number>();
  const keys = new Set<number>();
  for (let n = 0; n < reader.count; n++) {
    if (reader.data[3 * n] < 0) continue;
    keyAt.set(reader.data[3 * n + 1], reader.data[3 * n]);
    keys.add(reader.data[3 * n]);
  }
  return reader.yaml11.map((p) => {
    // a key's own place (`yes:`), where a nested mapping that starts with it is another entry's value
    const at = keys.has(p.offset) ? undefined : keyAt.get(p.offset);
    if (at === undefined) return p;
    KEY_TEXT.lastIndex = at;
    const m = KEY_TEXT.exec(reader.text);
    return m ? { ...p, key: m[1] ?? m[2] ?? m[0] } : p;
  });
}
