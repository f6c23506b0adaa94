import { describe, expect, it } from 'vitest';
import { goRegExp, readsPattern } from '../../lib/checks/re2.js';

/** Whether the pattern, read as Go reads it, finds a match in `text` (as the API server's regexp.MatchString). */
const matches = (pattern: string, text: string) => goRegExp(pattern).test(text);

// each expectation is what Go 1.19's regexp.MatchString answers
describe('goRegExp', () => {
  it('keeps \\A and \\z in a part whose case is ignored: the start and end of the text, not nothing', () => {
    expect(matches('a(?i)b\\z', 'abc')).toBe(false);
    expect(matches('a(?i)b\\z', 'aB')).toBe(true);
    expect(matches('(?i:\\Aab\\z)', 'xab')).toBe(false);
    expect(matches('(?i:\\Aab\\z)', 'AB')).toBe(true);
    // \Q...\E's text is still folded
    expect(matches('^(?i:\\Qa.b\\E)$', 'A.B')).toBe(true);
  });

  it('reads \\A, \\z and (?m) ^ and $ at code points, never within the two halves of an emoji', () => {
    for (const pattern of ['\\A[a-z]*\\z', '\\A\\z', '(?m)^$', '(?m)^[a-z]*$']) expect(matches(pattern, '😀')).toBe(false);
    expect(matches('(?m)^b$', 'a\nb\nc')).toBe(true);
    expect(matches('(?m)^$', 'a\n\nb')).toBe(true);
    expect(matches('\\A\\z', '')).toBe(true);
  });

  it('keeps a leading ^ before (?m) at the start of the text, not at a line start', () => {
    expect(matches('^(?m)a$', '\na')).toBe(false);
    expect(matches('^(?m)a$', 'a\nb')).toBe(true);
  });

  it('reads negated Unicode and POSIX classes and word boundaries under a whole-pattern (?i) as Go does, or not at all', () => {
    // Go folds, then negates: no letter is outside (?i)\P{Lu} or (?i)[[:^lower:]]; ι is in \pL's fold
    for (const [pattern, text] of [
      ['^(?i)\\P{Lu}$', 'a'],
      ['^(?i)[[:^lower:]]$', 'a'],
      ['(?i)\\PL', 'ι'],
    ])
      expect(readsPattern(pattern) && matches(pattern, text)).toBe(false);
    // \b and \B are ASCII to Go: the Kelvin sign is no word character
    expect(matches('(?i)\\bk', '\u212a')).toBe(false);
    expect(matches('(?i)\\Bk', 'a\u212a')).toBe(false);
    expect(matches('(?i)\\bk', 'K')).toBe(true);
  });
});
