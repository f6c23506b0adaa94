import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../lib/model/did-you-mean.js';

describe('didYouMean', () => {
  it('suggests the nearest known name within a typo or two', () => {
    expect(didYouMean('prodution', ['dev', 'production', 'qa'])).toBe('production');
    expect(didYouMean('zzz', ['dev', 'production', 'qa'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });

  it('suggests no name that keeps nothing of a short input (- or x is no typo of qa), but one that keeps some', () => {
    const stages = ['dev', 'lab', 'production', 'qa'];
    for (const given of ['-', 'x', '.', 'zz', '--']) expect(didYouMean(given, stages), given).toBeUndefined();
    expect(didYouMean('q', stages)).toBe('qa');
    expect(didYouMean('ab', stages)).toBe('lab');
    // two letters swapped keep all of them (Levenshtein's distance 2, as far as '-' is)
    expect(didYouMean('aq', ['dev', 'production', 'qa', 'test'])).toBe('qa');
    expect(didYouMean('pi', ['hostnames', 'ip'])).toBe('ip');
  });

  it('ignores case when it picks the nearest name, and suggests it as it is spelled', () => {
    // by case-sensitive distance 'ab' and 'qa' are as far from 'QA' (2)
    expect(didYouMean('QA', ['ab', 'qa'])).toBe('qa');
    expect(didYouMean('qa', ['Dev', 'QA'])).toBe('QA');
  });

  it('suggests the one name that starts with the given one only when asked to', () => {
    const stages = ['dev', 'production', 'qa', 'test'];
    expect(didYouMean('prod', stages)).toBeUndefined();
    expect(didYouMean('prod', stages, { prefix: true })).toBe('production');
    expect(didYouMean('PROD', stages, { prefix: true })).toBe('production');
    expect(didYouMean('prod', ['prod-eu', 'prod-us', 'production'], { prefix: true })).toBeUndefined();
  });
});
