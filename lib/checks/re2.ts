/**
 * Go (RE2) regular expressions, the `pattern`s of a CustomResourceDefinition's schema, as the
 * JavaScript RegExps that read them alike (`goRegExp`): what RE2 means by a construct JavaScript
 * reads otherwise (`.`, `\s`, `\A`, `[[:alpha:]]`, `\pL`, leading flags...) is written out as
 * JavaScript says it, and what JavaScript has no expression for throws (`readsPattern` is false),
 * so that the CRD's checks leave that pattern out rather than check it otherwise. Pure.
 */

/** RE2's `\s` as the body of a class: ASCII space, tab, newline, form feed and carriage return; not JavaScript's vertical tab, no-break and other Unicode spaces. */
const RE2_SPACE = '\\t\\n\\f\\r ';
/** RE2's `\S` as the body of a class: every code point but RE2_SPACE's (a `u` RegExp's class reaches U+10FFFF). */
const RE2_NOT_SPACE = '\\0-\\x08\\x0b\\x0e-\\x1f\\x21-\\u{10ffff}';
/**
 * The escapes of a set of characters: in a class, a `-` right after one is a `-` to RE2 (`[\w-.]`,
 * `[\d-\w]`), no range, where `u` mode throws. (One right before one is a `-` to RE2 only first
 * in a class, as to JavaScript, or right after another; `[a-\w]` is an error to both.)
 */
const CLASS_ESCAPES = 'wWdDsS';
/** What JavaScript's `u` mode allows escaped outside a class: its syntax characters. RE2 allows any punctuation escaped. */
const SYNTAX_CHARACTER = /[\^$\\.*+?()[\]{}|/]/;

/** The Unicode general categories Go's regexp knows (`\pL`, `\p{Lu}`); any other name is a script (`\p{Greek}`) or `Any`. */
const GO_CATEGORIES: ReadonlySet<string> = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);
/** Go's `C`: its tables have no unassigned code points (`Cn`), which JavaScript's `\p{C}` takes in. */
const GO_OTHER = '\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}';
/** Every code point, as the body of a class. */
const ANY = '\\0-\\u{10ffff}';

/** RE2's POSIX classes (`[[:alpha:]]`, Go's regexp/syntax perl_groups.go): ASCII ranges, as [first, last] code points. */
const POSIX_CLASSES: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
    [0x5f, 0x5f],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

const hex = (c: number) => `\\u{${c.toString(16)}}`;

/** A POSIX class (`alpha`, or `^alpha`, its complement) as the body of a `u` class. */
function posixClass(name: string): string {
  const negated = name.startsWith('^');
  const ranges = POSIX_CLASSES[negated ? name.slice(1) : name];
  if (!ranges) throw new SyntaxError(`[:${name}:] is no POSIX class`);
  let kept = ranges;
  if (negated) {
    // the code points between the class's ranges (they are ASCII, in order but for word's _)
    const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
    const gaps: [number, number][] = [];
    let next = 0;
    for (const [first, last] of sorted) {
      if (first > next) gaps.push([next, first - 1]);
      next = last + 1;
    }
    gaps.push([next, 0x10ffff]);
    kept = gaps;
  }
  return kept.map(([first, last]) => (first === last ? hex(first) : `${hex(first)}-${hex(last)}`)).join('');
}

/**
 * RE2's `\pL`, `\p{Lu}`, `\p{Greek}`, `\p{Any}` (`name`; `negated` by `\P` or `^`) as JavaScript
 * reads it: a category as it is (Go's `C` without the unassigned code points), a script as
 * `Script=`; in a class (`inClass`), the class's body. The sets are Unicode's, of the release each
 * runtime carries (Go 1.19's 13.0 on the 1.25 API server; a newer one in Node.js, which knows the
 * code points assigned since: text of them is no CRD's). Throws for a name JavaScript does not know, and
 * for a negated set of several in a class, which a `u` class cannot hold.
 */
function unicodeClass(name: string, negated: boolean, inClass: boolean): string {
  const body = name === 'Any' ? ANY : name === 'C' ? GO_OTHER : undefined;
  if (body !== undefined) {
    if (!negated) return inClass ? body : `[${body}]`;
    if (!inClass) return `[^${body}]`;
    throw new SyntaxError(`\\P{${name}} in a class`);
  }
  const text = `\\${negated ? 'P' : 'p'}{${GO_CATEGORIES.has(name) ? name : `Script=${name}`}}`;
  new RegExp(text, 'u'); // a name JavaScript does not know throws
  return text;
}

/**
 * The escape at `i` of `source` (a backslash and what follows) that RE2 reads otherwise than
 * JavaScript, translated; `undefined` for the others. `\A` and `\z` are the start and end of the
 * text, `\Q...\E` its characters as they are, `\x{41}` a code point, `\pL` and `\p{Greek}` Unicode
 * sets (unicodeClass). Throws for `\C` (any byte: no code point) and for what no class may hold.
 */
function re2Escape(source: string, i: number, inClass: boolean): { text: string; end: number } | undefined {
  const n = source[i + 1];
  if ('AzCQ'.includes(n) && inClass) throw new SyntaxError(`\\${n} in a class`);
  if (n === 'A') return { text: '(?<![^])', end: i + 2 };
  if (n === 'z') return { text: '(?![^])', end: i + 2 };
  if (n === 'C') throw new SyntaxError('\\C matches a byte, which JavaScript has no expression for');
  if (n === 'Q') {
    const close = source.indexOf('\\E', i + 2);
    const end = close < 0 ? source.length : close;
    const text = [...source.slice(i + 2, end)].map((c) => (SYNTAX_CHARACTER.test(c) ? `\\${c}` : c)).join('');
    return { text: `(?:${text})`, end: close < 0 ? end : end + 2 };
  }
  if (n === 'x' && source[i + 2] === '{') {
    const digits = /^\{([0-9A-Fa-f]{1,8})\}/.exec(source.slice(i + 2));
    if (!digits || Number.parseInt(digits[1], 16) > 0x10ffff) throw new SyntaxError('an invalid \\x{...} escape');
    return { text: hex(Number.parseInt(digits[1], 16)), end: i + 2 + digits[0].length };
  }
  if (n === 'p' || n === 'P') {
    const braced = source[i + 2] === '{' ? /^\{(\^?)([A-Za-z_]+)\}/.exec(source.slice(i + 2)) : undefined;
    if (source[i + 2] === '{' && !braced) throw new SyntaxError('an invalid \\p{...} escape');
    const name = braced ? braced[2] : (source[i + 2] ?? '');
    const negated = (n === 'P') !== (braced?.[1] === '^');
    return { text: unicodeClass(name, negated, inClass), end: i + 2 + (braced ? braced[0].length : 1) };
  }
  return undefined;
}

/**
 * An RE2 expression (its leading flags taken off) as the source of a JavaScript RegExp with the
 * `u` flag, which reads code points as RE2 does (a `.` or `[^/]` is one emoji there, two halves of
 * one without it). What each reads otherwise is written as RE2 means it: `.` is any code point but
 * a newline (JavaScript's leaves out `\r`, U+2028 and U+2029 too), or any at all with `(?s)`;
 * `\s` and `\S` are RE2's ASCII sets, in a class too; with `(?m)`, `^` and `$` are at a newline
 * only (JavaScript's are at `\r`, U+2028 and U+2029 too); a `]` first in a class is a `]`, and
 * a brace or `]` that is no repetition or class (`a{,3}`, `a]`) the character, and so is a `-` in a
 * class right after `\w`, `\d`, `\s` or their negations (CLASS_ESCAPES); punctuation escaped
 * that `u` mode refuses escaped (`\_`, `\:`, `\-` outside a class) is the character; the escapes
 * re2Escape translates (`\A`, `\z`, `\Q...\E`, `\x{41}`, `\pL`) and POSIX classes in brackets
 * (`[[:alpha:]]`) are what RE2 means by them. What else JavaScript's `u` mode refuses (a back
 * reference, `(?i)` within the pattern) throws.
 */
function re2Source(source: string, dotAll: boolean, multiline: boolean): string {
  let out = '';
  let inClass = false;
  let classStart = false;
  let classEscape = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const first = classStart;
    const afterClassEscape = classEscape;
    classStart = classEscape = false;
    if (c === '\\') {
      const translated = re2Escape(source, i, inClass);
      if (translated) {
        out += translated.text;
        // a '-' after a set is a '-' to RE2 (CLASS_ESCAPES), no range
        classEscape = inClass && 'pP'.includes(source[i + 1]);
        i = translated.end - 1;
        continue;
      }
      const n = source[++i];
      if (n === undefined) throw new SyntaxError('a pattern may not end with a backslash');
      classEscape = inClass && CLASS_ESCAPES.includes(n);
      if (n === 's') out += inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
      else if (n === 'S') out += inClass ? RE2_NOT_SPACE : `[${RE2_NOT_SPACE}]`;
      else if (/[\p{L}\p{N}]/u.test(n) || SYNTAX_CHARACTER.test(n) || (n === '-' && inClass)) out += `\\${n}`;
      else out += n;
    } else if (inClass && c === '[' && source[i + 1] === ':') {
      // a POSIX class, `[:alpha:]` (a '[' not before ':' is a '[' to both)
      const posix = /^\[:(\^?[a-z]+):\]/.exec(source.slice(i, i + 16));
      if (!posix) throw new SyntaxError('an unclosed POSIX class');
      out += posixClass(posix[1]);
      classEscape = true;
      i += posix[0].length - 1;
    } else if (inClass) {
      if (c === ']') {
        out += first ? '\\]' : ']';
        inClass = first;
      } else if (c === '-' && afterClassEscape) out += '\\-';
      else out += c;
    } else if (c === '[') {
      inClass = classStart = true;
      out += source[i + 1] === '^' ? '[^' : '[';
      if (source[i + 1] === '^') i++;
    } else if (c === '{') {
      // a repetition, {2} {2,} {2,5}, as it is; another brace is a brace to RE2 (a{,3}), an error to `u` mode
      const repeat = /^\{\d+(?:,\d*)?\}/.exec(source.slice(i, i + 24))?.[0];
      out += repeat ?? '\\{';
      i += (repeat?.length ?? 1) - 1;
    } else if (c === '}' || c === ']') out += `\\${c}`;
    else if (c === '.') out += dotAll ? '[^]' : '[^\\n]';
    else if (multiline && c === '^') out += '(?<![^\\n])';
    else if (multiline && c === '$') out += '(?![^\\n])';
    else out += c;
  }
  return out;
}

/**
 * A pattern of a CRD, a Go (RE2) expression, as a JavaScript RegExp: the flags it starts with
 * (`(?i)`, `(?s)`, `(?m)`, or several, `(?is)`; after a leading `^` too, as the Prometheus
 * Operator's `^(?i)(abort|warn)?$`), which JavaScript has no inline syntax for, are read as
 * re2Source reads them, and `(?P<name>` is a named group. Throws where JavaScript has no such
 * expression (re2Source).
 */
export function goRegExp(pattern: string): RegExp {
  const flags = /^(\^?)\(\?([ims]+)\)/.exec(pattern);
  const source = flags ? flags[1] + pattern.slice(flags[0].length) : pattern;
  const inline = flags?.[2] ?? '';
  return new RegExp(
    re2Source(source.replaceAll('(?P<', '(?<'), inline.includes('s'), inline.includes('m')),
    inline.includes('i') ? 'iu' : 'u',
  );
}
goRegExp.code = 'goRegExp';

/** Whether goRegExp reads `pattern`. */
export function readsPattern(pattern: string): boolean {
  try {
    goRegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
