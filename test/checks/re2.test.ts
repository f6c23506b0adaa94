import { describe, expect, it } from 'vitest';
import { goRegExp, patternReading } from '../../lib/checks/re2.js';

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
      expect(patternReading(pattern) === 'read' && matches(pattern, text)).toBe(false);
    // \b and \B are ASCII to Go: the Kelvin sign is no word character
    expect(matches('(?i)\\bk', '\u212a')).toBe(false);
    expect(matches('(?i)\\Bk', 'a\u212a')).toBe(false);
    expect(matches('(?i)\\bk', 'K')).toBe(true);
  });

  it('refuses what Go 1.19 refuses, (?<name>, lookarounds and more than 1000 repetitions, rather than reading it or leaving it unchecked', () => {
    expect(patternReading('^(?<year>\\d{4})$')).toEqual({ refused: expect.stringContaining('(?<name> came in Go 1.22') });
    expect(patternReading('^a(?=b)')).toMatchObject({ refused: expect.any(String) });
    expect(patternReading('^a{1001}$')).toEqual({ refused: expect.stringContaining('{1001}: Go repeats from 0 to 1000 times') });
    expect(patternReading('^a{2,1001}$')).toMatchObject({ refused: expect.any(String) });
    expect(patternReading('^a{3,2}$')).toMatchObject({ refused: expect.any(String) });
    // what Go reads
    expect(patternReading('^(?P<year>\\d{4})-a{1000}b{2,}$')).toBe('read');
    expect(matches('^(?P<year>\\d{4})$', '2024')).toBe(true);
    expect(patternReading('^\\x{1F600}$')).toBe('read');
    expect(matches('^\\x{1F600}$', '😀')).toBe(true);
    // \C, RE2's any byte, is no escape to Go
    expect(patternReading('^a\\C$')).toEqual({ refused: '\\C is no escape Go 1.19 knows' });
    // what JavaScript cannot read is not a refusal
    expect(patternReading('^a(?U)b+$')).toBe('unread');
  });
});
