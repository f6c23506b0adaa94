/**
 * Sets of code points of Go (RE2) patterns, for re2.ts: RE2's POSIX classes, the case-folding
 * orbits of `(?i)` (`k`, `K` and the Kelvin sign), and the classes, escapes and text of a part of
 * a pattern whose case is ignored, written out for a RegExp without the `i` flag. Pure.
 */

/** What JavaScript's `u` mode allows escaped outside a class: its syntax characters. RE2 allows any punctuation escaped. */
export const SYNTAX_CHARACTER = /[\^$\\.*+?()[\]{}|/]/;

/** RE2's POSIX classes (`[[:alpha:]]`, Go's regexp/syntax perl_groups.go): ASCII ranges, as [first, last] code points, in order (complement reads them so). */
export const POSIX_CLASSES: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
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
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

export const hex = (c: number) => `\\u{${c.toString(16)}}`;

/** The code points below U+20000 (every cased one is) that change when upper- or lower-cased: some 3,000, found by one RegExp. */
function casedCodePoints(): number[] {
  const chunks: string[] = [];
  for (let start = 0; start < 0x20000; start += 0x1000) {
    const codePoints: number[] = [];
    for (let cp = start; cp < start + 0x1000; cp++) if (cp < 0xd800 || cp > 0xdfff) codePoints.push(cp);
    chunks.push(String.fromCodePoint(...codePoints));
  }
  return [...chunks.join('').matchAll(/\p{Changes_When_Casemapped}/gu)].map((m) => m[0].codePointAt(0)!);
}

/** The code points equal to each one that has others when case is ignored (Unicode simple case folding), built on first use. */
let orbits: Map<number, readonly number[]> | undefined;

/**
 * The code points that RE2's `(?i)` takes for `cp`: those of its case-folding orbit (`k`, `K` and
 * the Kelvin sign), as JavaScript's `iu` matching has them (both fold by Unicode's simple case
 * folding). Cased code points are all below U+20000; any other is its own orbit.
 */
export function orbitOf(cp: number): readonly number[] {
  if (!orbits) {
    // code points joined by their upper- and lower-case forms, then split by what a `iu` RegExp takes for equal (ı is no i)
    const parent = new Map<number, number>();
    const find = (x: number): number => {
      let root = x;
      while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
      return root;
    };
    for (const cp of casedCodePoints()) {
      const c = String.fromCodePoint(cp);
      for (const other of [c.toLowerCase(), c.toUpperCase()]) {
        const o = other.codePointAt(0)!;
        if (o !== cp && String.fromCodePoint(o) === other) {
          parent.set(cp, parent.get(cp) ?? cp);
          parent.set(o, parent.get(o) ?? o);
          parent.set(find(cp), find(o));
        }
      }
    }
    const groups = new Map<number, number[]>();
    for (const cp of parent.keys()) groups.set(find(cp), [...(groups.get(find(cp)) ?? []), cp]);
    orbits = new Map();
    // a back reference of a `iu` RegExp takes a code point for another when both fold alike
    const same = /^([\s\S])\1$/iu;
    for (const members of groups.values()) {
      for (const cp of members) {
        const orbit = members.filter((m) => same.test(String.fromCodePoint(cp, m))).sort((a, b) => a - b);
        if (orbit.length > 1) orbits.set(cp, orbit);
      }
    }
  }
  return orbits.get(cp) ?? [cp];
}

/** A set of code points, as [first, last] ranges. */
export type Ranges = [number, number][];

/** `ranges` sorted and merged, with the orbits of their code points added when `fold`. */
export function normalized(ranges: Ranges, fold: boolean): Ranges {
  const all: Ranges = [...ranges];
  if (fold) {
    for (const [first, last] of ranges) {
      for (let cp = first; cp <= Math.min(last, 0x1ffff); cp++) for (const o of orbitOf(cp)) if (o !== cp) all.push([o, o]);
    }
  }
  all.sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [first, last] of all) {
    const prev = out[out.length - 1];
    if (prev && first <= prev[1] + 1) prev[1] = Math.max(prev[1], last);
    else out.push([first, last]);
  }
  return out;
}

/** The code points not in `ranges` (sorted and merged). */
export function complement(ranges: readonly (readonly [number, number])[]): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (const [first, last] of ranges) {
    if (first > next) out.push([next, first - 1]);
    next = last + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

export const rangesText = (ranges: readonly (readonly [number, number])[]) =>
  ranges.map(([first, last]) => (first === last ? hex(first) : `${hex(first)}-${hex(last)}`)).join('');

/** RE2's ASCII \d, \s and \w, as ranges; `\w` folded takes in ſ and the Kelvin sign too (normalized). */
const PERL_CLASSES: Readonly<Record<string, Ranges>> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
};

/** The control escapes RE2 reads as one character. */
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };

/**
 * The escape at `i` (after its backslash: `source[i]` is the letter) in a class or a
 * case-insensitive part of a pattern, as ranges, or the code point it stands for (`cp`); `end`
 * after it. Throws for what is left out there (a Unicode class, an octal code point).
 */
export function foldEscape(source: string, i: number): { ranges: Ranges; cp?: number; end: number } {
  const n = source[i];
  if (n === undefined) throw new SyntaxError('a pattern may not end with a backslash');
  const perl = PERL_CLASSES[n.toLowerCase()];
  if (perl) {
    const folded = normalized(perl, true);
    return { ranges: n === n.toLowerCase() ? folded : complement(folded), end: i + 1 };
  }
  if (n === 'x') {
    const digits = /^x(?:\{([0-9A-Fa-f]{1,8})\}|([0-9A-Fa-f]{2}))/.exec(source.slice(i, i + 12));
    const cp = digits ? Number.parseInt(digits[1] ?? digits[2], 16) : Number.NaN;
    if (!(cp <= 0x10ffff)) throw new SyntaxError('an invalid \\x escape');
    return { ranges: [[cp, cp]], cp, end: i + digits![0].length };
  }
  // a control character, or punctuation escaped (RE2 allows no other escape of one character)
  const cp = CONTROL_ESCAPES[n] ?? (/^[!-/:-@[-`{-~]$/.test(n) ? n.codePointAt(0) : undefined);
  if (cp === undefined) throw new SyntaxError(`\\${n} where case is ignored within the pattern`);
  return { ranges: [[cp, cp]], cp, end: i + 1 };
}

/**
 * The class at `start` (its `[`) of a part of a pattern whose case is ignored, as a `u` class
 * that says it without the `i` flag: its code points with their case-folding orbits (RE2 folds
 * every range and set of a class, then negates it), `end` after its `]`. `[[:^alpha:]]`,
 * `\pL` and `\W`... are read as their sets of code points are.
 */
export function foldedClass(source: string, start: number): { text: string; end: number } {
  let i = start + 1;
  const negated = source[i] === '^';
  if (negated) i++;
  const ranges: Ranges = [];
  let first = true;
  while (i < source.length && (source[i] !== ']' || first)) {
    first = false;
    let item: { ranges: Ranges; cp?: number; end: number };
    const posix = source[i] === '[' ? /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i, i + 16)) : null;
    if (posix) {
      const set = POSIX_CLASSES[posix[2]];
      if (!set) throw new SyntaxError(`[:${posix[2]}:] is no POSIX class`);
      const folded = normalized(
        set.map(([lo, hi]): [number, number] => [lo, hi]),
        true,
      );
      item = { ranges: posix[1] ? complement(folded) : folded, end: i + posix[0].length };
    } else if (source[i] === '\\') item = foldEscape(source, i + 1);
    else {
      const cp = source.codePointAt(i)!;
      item = { ranges: [[cp, cp]], cp, end: i + String.fromCodePoint(cp).length };
    }
    i = item.end;
    // a range from a code point to the next (a '-' before the ']' is a '-')
    if (item.cp !== undefined && source[i] === '-' && source[i + 1] !== ']' && i + 1 < source.length) {
      const hi =
        source[i + 1] === '\\'
          ? foldEscape(source, i + 2)
          : { cp: source.codePointAt(i + 1)!, end: i + 1 + String.fromCodePoint(source.codePointAt(i + 1)!).length, ranges: [] };
      if (hi.cp === undefined || hi.cp < item.cp) throw new SyntaxError('an invalid range in a class');
      ranges.push([item.cp, hi.cp]);
      i = hi.end;
    } else ranges.push(...item.ranges);
  }
  if (source[i] !== ']') throw new SyntaxError('an unclosed class');
  return { text: `[${negated ? '^' : ''}${rangesText(normalized(ranges, true))}]`, end: i + 1 };
}

/** Literal text whose case is ignored, for a RegExp without the `i` flag: each code point with others in its orbit as their class. */
export function foldedText(text: string): string {
  return [...text]
    .map((c) => {
      const orbit = orbitOf(c.codePointAt(0)!);
      return orbit.length > 1 ? `[${orbit.map(hex).join('')}]` : SYNTAX_CHARACTER.test(c) ? `\\${c}` : c;
    })
    .join('');
}
