import { describe, expect, it } from 'vitest';
import { compareCodePoints } from '../../lib/model/order.js';

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
