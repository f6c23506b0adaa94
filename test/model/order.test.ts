import { describe, expect, it } from 'vitest';
import { compareCodePoints, sortByCodePoints } from '../../lib/model/order.js';
import { random } from '../helpers/random.js';

describe('compareCodePoints', () => {
  it('orders capitals before small letters, whatever the locale says', () => {
    expect(['b', 'a', 'Z', 'B', 'I', 'ı', 'i'].sort(compareCodePoints)).toEqual(['B', 'I', 'Z', 'a', 'b', 'i', 'ı']);
  });

  it('puts a prefix first and says 0 only for equal strings', () => {
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'ab')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });

  it('orders characters above U+FFFF after U+FFFF, as code points (UTF-16 units would not)', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect(compareCodePoints('\uFFFD', '\u{1F600}')).toBeLessThan(0);
  });
});

describe('sortByCodePoints', () => {
  it('sorts as compareCodePoints does, with and without characters from U+D800 up', () => {
    const next = random(7);
    const alphabet = ['a', 'B', '-', '/', 'ı', '\uD7FF', '\uE000', '\uFFFD', '\u{1F600}'];
    for (let round = 0; round < 200; round++) {
      const strings = Array.from({ length: 12 }, () =>
        Array.from({ length: 1 + Math.floor(next() * 4) }, () => alphabet[Math.floor(next() * (round % 2 ? 5 : alphabet.length))]).join(''),
      );
      const items = strings.map((text) => ({ text }));
      expect(sortByCodePoints(items, (i) => i.text).map((i) => i.text)).toEqual([...strings].sort(compareCodePoints));
    }
  });
});
