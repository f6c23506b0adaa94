/**
 * The line cursor of lib/model/block-yaml.ts' reader: where it is in the text (the current line's
 * start, content and end, skipping blank and comment lines, document markers noted), the nodes read
 * so far with their offsets, the plain scalars kubectl reads otherwise (YAML 1.1), and the scalars
 * that span lines, read line by line (literal blocks, multi-line single-quoted and plain scalars).
 * What the lines mean as YAML (mappings, sequences, flow collections, one-line scalars) is the
 * reader's (`Reader` in block-yaml.ts, which extends it). Throws `Outside` where the text leaves the
 * subset the reader is sure of.
 */
import { COLON, DASH, HASH, SPACE, SQUOTE, outside, plainValue } from './block-yaml-scalars.js';
import { yaml11Reading, type Yaml11Place } from './yaml11.js';

export class LineCursor {
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
  protected holder?: string;

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
}
