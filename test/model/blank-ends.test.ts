import { describe, expect, it } from 'vitest';
import { blankEnds, blankEndsHint } from '../../lib/model/blank-ends.js';

describe('blankEnds', () => {
  it.each([
    [' /healthz', 'start'],
    ['/ready\t', 'end'],
    ['\u00a0/ready ', 'start and end'],
    ['/ready', undefined],
    ['/a b', undefined],
  ])('says where %j has whitespace at its ends: %s', (value, at) => {
    expect(blankEnds(value)).toBe(at);
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
});
