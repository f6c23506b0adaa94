import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../lib/model/bounded-map.js';
import { detectSecret } from '../../lib/model/secret-rules.js';

describe('BoundedMap', () => {
  it('never holds more than its limit, and keeps what it was given until it empties', () => {
    const m = new BoundedMap<number, string>(3);
    for (let i = 0; i < 3; i++) expect(m.remember(i, `v${i}`)).toBe(`v${i}`);
    m.set(1, 'again'); // a key already there: nothing is dropped
    expect([...m]).toEqual([
      [0, 'v0'],
      [1, 'again'],
      [2, 'v2'],
    ]);
    m.set(3, 'v3');
    expect([...m]).toEqual([[3, 'v3']]);
    for (let i = 0; i < 100; i++) m.set(i, '');
    expect(m.size).toBeLessThanOrEqual(3);
  });
});

describe('detectSecret, judged once per value', () => {
  it('gives the same verdict the second time, for secrets and ordinary values', () => {
    const values = ['postgres://user:hunter2@db:5432/x', 'localhost:5000/zyxist/moj-obraz', 'app-0001-production'];
    const first = values.map(detectSecret);
    expect(first.map((m) => m?.rule.id)).toEqual(['url-credentials', undefined, undefined]);
    expect(values.map(detectSecret)).toEqual(first);
  });
});
