import { describe, expect, it } from 'vitest';
import { blankEnds, blankEndsHint, blankEndsPhrase } from '../../lib/model/blank-ends.js';
import { problems, serviceStage } from '../helpers/stage.js';

describe('blankEnds', () => {
  it.each([
    [' /healthz', 'start'],
    ['/ready\t', 'end'],
    ['\u00a0/ready ', 'start and end'],
    ['/ready', undefined],
    ['/a b', undefined],
    // nothing but blanks: no value at their ends, nothing left to keep
    ['   ', undefined],
    ['\t', undefined],
    ['', undefined],
  ])('says where %j has whitespace at its ends: %s', (value, at) => {
    expect(blankEnds(value)).toBe(at);
  });
});

describe('blankEndsPhrase', () => {
  it.each([
    [' /healthz', 'start'],
    ['/ready\t\n', 'end'],
    // printed in double quotes, these look like a space or nothing at all: named
    ['\u00a0/ready', 'start (U+00A0, a no-break space)'],
    ['\ufeff/ready\u2009', 'start and end (U+FEFF, a byte order mark; U+2009)'],
    ['\u00a0\u00a0/ready ', 'start and end (U+00A0, a no-break space)'],
  ])('says where %j has whitespace at its ends, naming what a printed value does not show: %s', (value, phrase) => {
    expect(blankEndsPhrase(value)).toBe(phrase);
  });
});

describe('blankEndsHint', () => {
  it('gives the value without its blank when the pattern takes that, and nothing when it does not', () => {
    expect(blankEndsHint(' /healthz', '^/', JSON.stringify)).toBe(
      'take out the whitespace at its start, which looks like a slip: "/healthz"',
    );
    expect(blankEndsHint(' healthz', '^/', JSON.stringify)).toBeUndefined();
    expect(blankEndsHint('/healthz', '^/', JSON.stringify)).toBeUndefined();
  });

  it('gives nothing for a value of blanks alone, even where the pattern takes the empty value: no slip at its ends', () => {
    expect(blankEndsHint('   ', '^(x)?$', JSON.stringify)).toBeUndefined();
  });
});

describe('a stage setting refused by its pattern for whitespace at its ends', () => {
  const refused = (value: string) => problems(serviceStage(['image: team/api:1.0', `nodeSelector: { workload: ${value} }`]));

  it('is hinted without it, naming a no-break space, which the value as printed shows as a space', () => {
    const [problem] = refused('"\\u00a0batch"');
    expect(problem?.split('\n')[1]).toBe(
      '  hint: take out the whitespace at its start (U+00A0, a no-break space), which looks like a slip: "batch"',
    );
  });

  it('is not hinted when it is blanks alone (a label value may be empty: the hint said "at its , ... a slip: """)', () => {
    for (const value of ['" "', '"\\t"']) expect(refused(value)).toEqual([expect.not.stringContaining('hint:')]);
  });
});
