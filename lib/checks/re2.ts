/**
 * Go (RE2) regular expressions, the `pattern`s of a CustomResourceDefinition's schema, as the
 * JavaScript RegExps that read them alike (`goRegExp`): what RE2 means by a construct JavaScript
 * reads otherwise (`.`, `\s`, `\A`, `[[:alpha:]]`, `\pL`, leading flags...) is written out as
 * JavaScript says it, and what JavaScript has no expression for throws (`readsPattern` is false),
 * so that the CRD's checks leave that pattern out rather than check it otherwise; what Go 1.19's
 * regexp itself refuses (`(?<name>`, `a{1001}`) is told apart (`patternReading`): the API server
 * refuses that CRD. Pure.
 */

import {
  POSIX_CLASSES,
  SYNTAX_CHARACTER,
  complement,
  foldEscape,
  foldedClass,
  foldedText,
  hex,
  normalized,
  orbitOf,
  rangesText,
} from './re2-sets.js';
import { ownEntry } from '../model/object.js';

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

/** The Unicode general categories Go's regexp knows (`\pL`, `\p{Lu}`); any other name is a script (`\p{Greek}`) or `Any`. */
const GO_CATEGORIES: ReadonlySet<string> = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);
/** Go's `C`: its tables have no unassigned code points (`Cn`), which JavaScript's `\p{C}` takes in. */
const GO_OTHER = '\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}';
/** Every code point, as the body of a class. */
const ANY = '\\0-\\u{10ffff}';
/** The most times Go's regexp repeats (`a{1000}`; `a{1001}` is an error). */
const MAX_REPEAT = 1000;

/**
 * What Go 1.19's regexp, the 1.25 API server's, refuses (`(?<name>`, which came in Go 1.22;
 * `a{1001}`), as against what JavaScript cannot read: the API server refuses the CRD.
 */
class GoRefusal extends SyntaxError {}

/** A POSIX class (`alpha`, or `^alpha`, its complement) as the body of a `u` class. */
function posixClass(name: string): string {
  const negated = name.startsWith('^');
  const ranges = ownEntry(POSIX_CLASSES, negated ? name.slice(1) : name);
  if (!ranges) throw new SyntaxError(`[:${name}:] is no POSIX class`);
  return rangesText(negated ? complement(ranges) : ranges);
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
 * sets (unicodeClass). Throws for `\C` (RE2's any byte, which Go refuses) and for what no class may hold.
 */
function re2Escape(source: string, i: number, inClass: boolean): { text: string; end: number } | undefined {
  const n = source[i + 1];
  if ('AzCQ'.includes(n) && inClass) throw new SyntaxError(`\\${n} in a class`);
  if (n === 'A') return { text: '^', end: i + 2 };
  if (n === 'z') return { text: '$', end: i + 2 };
  // RE2's any byte, which Go's regexp has not
  if (n === 'C') throw new GoRefusal('\\C is no escape Go 1.19 knows');
  if (n === 'Q') {
    const close = source.indexOf('\\E', i + 2);
    const end = close < 0 ? source.length : close;
    const text = [...source.slice(i + 2, end)].map((c) => (SYNTAX_CHARACTER.test(c) ? `\\${c}` : c)).join('');
    // its characters one by one, as RE2 pushes them: a repetition after \E repeats the last alone
    return { text, end: close < 0 ? end : end + 2 };
  }
  if (n === 'x' && source[i + 2] === '{') {
    const { cp, end } = foldEscape(source, i + 1);
    return { text: hex(cp!), end };
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

/** The flags in force at a place of a pattern: case-insensitive, `.` takes `\n`, `^`/`$` at newlines. */
interface Flags {
  readonly i: boolean;
  readonly s: boolean;
  readonly m: boolean;
}

/** A flag group, `(?i)`, `(?s-m)`, `(?i:`, or `(?:`: the flags set, those cleared, and whether it opens a group (`:`). */
const FLAG_GROUP = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/;
/** Every FLAG_GROUP of a pattern. */
const FLAG_GROUPS = new RegExp(FLAG_GROUP.source.slice(1), 'g');

/** The flags after a FLAG_GROUP match. Throws for `U` (ungreedy), which JavaScript has no flag for. */
function withFlags(flags: Flags, set: string, cleared: string): Flags {
  if (`${set}${cleared}`.includes('U')) throw new SyntaxError('(?U) makes repetitions ungreedy, which JavaScript has no flag for');
  const value = (f: 'i' | 's' | 'm') => (set.includes(f) ? true : cleared.includes(f) ? false : flags[f]);
  return { i: value('i'), s: value('s'), m: value('m') };
}

/**
 * An RE2 expression (its leading flags taken off, `flags`) as the source of a JavaScript RegExp
 * with the `u` flag, which reads code points as RE2 does (a `.` or `[^/]` is one emoji there, two
 * halves of one without it). What each reads otherwise is written as RE2 means it: `.` is any
 * code point but a newline (JavaScript's leaves out `\r`, U+2028 and U+2029 too), or any at all
 * with `s`; `\s` and `\S` are RE2's ASCII sets, in a class too; with `m`, `^` and `$` are at a
 * newline only (JavaScript's are at `\r`, U+2028 and U+2029 too); a `]` first in a class is a
 * `]`, and a brace or `]` that is no repetition or class (`a{,3}`, `a]`) the character, and so is
 * a `-` in a class right after `\w`, `\d`, `\s` or their negations (CLASS_ESCAPES); punctuation
 * escaped that `u` mode refuses escaped (`\_`, `\:`, `\-` outside a class) is the character; the
 * escapes re2Escape translates (`\A`, `\z`, `\Q...\E`, `\x{41}`, `\pL`) and POSIX classes in
 * brackets (`[[:alpha:]]`) are what RE2 means by them. Flags set within the pattern (`a(?s).`,
 * `(?m:^a$)`, `(?-i)`) hold to the end of their group, as RE2 has them; with `fold` (the RegExp
 * has no `i` flag), a part whose case is ignored (`a(?i)b`, `(?i:b)`) is written out: each
 * letter as the class of its case-folding orbit, each class folded (foldedClass). What else
 * JavaScript's `u` mode refuses (a back reference) throws.
 */
function re2Source(source: string, flags: Flags, fold: boolean): string {
  let out = '';
  let inClass = false;
  let classStart = false;
  let classEscape = false;
  const groups: Flags[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const first = classStart;
    const afterClassEscape = classEscape;
    classStart = classEscape = false;
    const folding = fold && flags.i && !inClass;
    if (folding && (c === '[' || (c === '\\' && !'AzbBQ'.includes(source[i + 1])))) {
      // a class or an escape whose case is ignored: its set of code points, folded
      const folded = c === '[' ? foldedClass(source, i) : foldEscape(source, i + 1);
      out += 'text' in folded ? folded.text : `[${rangesText(normalized(folded.ranges, true))}]`;
      i = folded.end - 1;
    } else if (c === '\\') {
      const translated = re2Escape(source, i, inClass);
      if (translated) {
        // literal text (\Q...\E) whose case is ignored: each of its letters folded
        out += folding && source[i + 1] === 'Q' ? foldedText(source.slice(i + 2, translated.end).replace(/\\E$/, '')) : translated.text;
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
    } else if (c === '(' && source[i + 1] === '?' && !FLAG_GROUP.test(source.slice(i, i + 16))) {
      // a named group, (?P<name>, its name as it is; Go 1.19 has no other `(?` group
      const name = /^\(\?P<(\w+)>/.exec(source.slice(i));
      if (!name)
        throw new GoRefusal(
          `${source.slice(i, i + 3)} is no group Go 1.19 knows (a named group is (?P<name>...); (?<name> came in Go 1.22, lookarounds never)`,
        );
      groups.push(flags);
      out += `(?<${name[1]}>`;
      i += name[0].length - 1;
    } else if (c === '(') {
      const group = FLAG_GROUP.exec(source.slice(i, i + 16));
      if (group && group[3] === ')' && !group[1] && !group[2]) throw new SyntaxError('(?) sets no flag');
      if (group?.[3] !== ')') groups.push(flags);
      if (group) {
        // flags to the end of the group: `(?i)` of this one, `(?i:` of its own, which JavaScript reads as `(?:`
        flags = withFlags(flags, group[1], group[2] ?? '');
        if (group[3] === ':') out += '(?:';
        i += group[0].length - 1;
      } else out += c;
    } else if (c === ')') {
      flags = groups.pop() ?? flags;
      out += c;
    } else if (c === '{') {
      // a repetition, {2} {2,} {2,5}, as it is; another brace is a brace to RE2 (a{,3}), an error to `u` mode
      const counted = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i, i + 24));
      const [min, max] = [Number(counted?.[1]), counted?.[2] ? Number(counted[2]) : undefined];
      if (min > MAX_REPEAT || (max ?? 0) > MAX_REPEAT || (max ?? min) < min)
        throw new GoRefusal(`${counted![0]}: Go repeats from 0 to ${MAX_REPEAT} times, the smaller count first`);
      const repeat = counted?.[0];
      out += repeat ?? '\\{';
      i += (repeat?.length ?? 1) - 1;
    } else if (c === '}' || c === ']') out += `\\${c}`;
    else if (c === '.') out += flags.s ? '[^]' : '[^\\n]';
    else if (flags.m && c === '^') out += '(?<=^|\\n)';
    else if (flags.m && c === '$') out += '(?=$|\\n)';
    else if (folding && orbitOf(source.codePointAt(i)!).length > 1) {
      // a letter whose case is ignored (any other character, `+` or `|`, means what it means)
      const text = String.fromCodePoint(source.codePointAt(i)!);
      out += foldedText(text);
      i += text.length - 1;
    } else out += c;
  }
  return out;
}

/**
 * A pattern of a CRD, a Go (RE2) expression, as a JavaScript RegExp: the flags it starts with
 * (`(?i)`, `(?s)`, `(?m)`, or several, `(?is)`; after a leading `^` too, as the Prometheus
 * Operator's `^(?i)(abort|warn)?$`), which JavaScript has no inline syntax for, are read as
 * re2Source reads them, and `(?P<name>` is a named group. Case ignored in a part of the pattern
 * only (`a(?i)b`, `(?i:b)`, `(?i)a(?-i)b`) is written out (re2Source's `fold`); ignored in the
 * whole, it is the RegExp's `i` flag. Throws where JavaScript has no such expression (re2Source),
 * and a GoRefusal where Go 1.19 has none (patternReading tells them apart).
 */
export function goRegExp(pattern: string): RegExp {
  const leading = /^(\^?)\(\?([ims]+)\)/.exec(pattern);
  const source = leading ? pattern.slice(leading[0].length) : pattern;
  const inline = leading?.[2] ?? '';
  const flags = { i: inline.includes('i'), s: inline.includes('s'), m: inline.includes('m') };
  // a flag group within the pattern that sets or clears i: case is ignored in a part only; or a
  // negated set, \b or \B under a whole (?i), which the i flag reads otherwise than Go (\P{Lu}, the Kelvin sign)
  const fold =
    (flags.i && /\\[PbB]|\\p\{\^|\[:\^/.test(source)) ||
    [...source.matchAll(FLAG_GROUPS)].some((g) => `${g[1]}${g[2] ?? ''}`.includes('i'));
  return new RegExp((leading?.[1] ?? '') + re2Source(source, flags, fold), flags.i && !fold ? 'iu' : 'u');
}
goRegExp.code = 'goRegExp';

/** Whether goRegExp reads `pattern`. */
export function readsPattern(pattern: string): boolean {
  return patternReading(pattern) === 'read';
}

/**
 * How a CRD's pattern is read: `read` (goRegExp reads it as Go does), `unread` (JavaScript has no
 * expression for it: the API server alone checks it), or why Go 1.19, the 1.25 API server's,
 * refuses it (`refused`): the API server refuses the CRD.
 */
export function patternReading(pattern: string): 'read' | 'unread' | { readonly refused: string } {
  try {
    goRegExp(pattern);
    return 'read';
  } catch (e) {
    return e instanceof GoRefusal ? { refused: e.message } : 'unread';
  }
}
