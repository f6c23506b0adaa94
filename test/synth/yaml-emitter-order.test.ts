/**
 * The fast YAML path skips sorting keys that are in order already; keys out of order must still
 * come out sorted, exactly as the yaml library writes them.
 */
import { describe, expect, it, vi } from 'vitest';
import { compareKeys, libraryYaml, toYaml } from '../../lib/synth/serialize.js';
import { emitBlockYaml } from '../../lib/synth/yaml-emitter.js';
import { random } from '../helpers/random.js';

describe('toYaml key order', () => {
  it('sorts keys given out of order at every level, as the library does', () => {
    const value = {
      spec: { z: 1, a: [{ y: 'b', x: 'a' }, { c: { q: true, p: false } }] },
      metadata: { name: 'n', annotations: { 'b.example/x': '1', 'a.example/y': '2' } },
      kind: 'ConfigMap',
      apiVersion: 'v1',
    };
    const written = toYaml(value);
    expect(written).toBe(libraryYaml(value));
    expect(written.split('\n').slice(0, 3)).toEqual(['apiVersion: v1', 'kind: ConfigMap', 'metadata:']);
  });

  it('puts a few keys out of order in order without an array made per mapping (no filter, no sort)', () => {
    // as the transforms leave them: metadata spread with its namespace last, labels merged, an undefined value
    const value = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web', app: 'web' }, annotations: undefined, namespace: 'qa' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'i', env: [{ value: 'v', name: 'N' }] }] } }, replicas: 2 },
    };
    const expected = libraryYaml(value);
    const sort = vi.spyOn(Array.prototype, 'sort');
    const filter = vi.spyOn(Array.prototype, 'filter');
    try {
      expect(emitBlockYaml(value, compareKeys)).toBe(expected);
      expect(sort).not.toHaveBeenCalled();
      expect(filter).not.toHaveBeenCalled();
    } finally {
      sort.mockRestore();
      filter.mockRestore();
    }
  });

  it('puts a large mapping out of order in order with O(n log n) comparisons, not by insertion', () => {
    // a ConfigMap of 20,000 keys in reverse order: insertion would compare about n^2 / 2 = 2e8 times
    const n = 20_000;
    const data: Record<string, string> = {};
    for (let i = n - 1; i >= 0; i--) data[`k${String(i).padStart(5, '0')}`] = 'v';
    const value = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data };
    let comparisons = 0;
    const counted = (a: string, b: string) => {
      comparisons++;
      return compareKeys(a, b);
    };
    const written = emitBlockYaml(value, counted);
    expect(written).toBe(libraryYaml(value));
    expect(comparisons).toBeLessThan(4 * n * Math.log2(n));
  });

  it('writes keys in order as they are', () => {
    const value = { apiVersion: 'v1', kind: 'Namespace', metadata: { labels: { a: 'x', b: 'y' }, name: 'n' } };
    expect(toYaml(value)).toBe(libraryYaml(value));
  });
});

describe('toYaml on random values', () => {
  // keys and values that take every branch: leading keys, keys out of order, undefined and null,
  // empty and nested collections, strings quoted, plain and on several lines, numbers of all kinds
  const KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'a', 'b', 'z', '10', '9', 'on', 'a: b', 'x-y'];
  const SCALARS = ['', 'v', 'yes', '1', '0.5', 'a\nb', 'a\nb\n', ' a', 'ünï', "it's", '- x', 0, 7, -3, 1.5, -0, true, false];

  function value(next: () => number, depth: number): unknown {
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const roll = next();
    if (depth > 4 || roll < 0.45) return pick(SCALARS);
    if (roll < 0.5) return pick([null, undefined, [], {}]);
    if (roll < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    return mapping(next, depth + 1);
  }

  function mapping(next: () => number, depth: number): Record<string, unknown> {
    const m: Record<string, unknown> = {};
    for (let n = Math.floor(next() * 5); n > 0; n--) m[KEYS[Math.floor(next() * KEYS.length)]] = value(next, depth);
    return m;
  }

  it('writes 2,000 random values as the yaml library does, repeated keys and lines included', () => {
    const next = random(19);
    let fast = 0;
    for (let i = 0; i < 2000; i++) {
      const v = mapping(next, 0);
      const written = toYaml(v);
      expect(written).toBe(libraryYaml(v));
      expect(toYaml(v)).toBe(written);
      if (emitBlockYaml(v, () => 0) !== undefined) fast++;
    }
    // the fast path must have been taken often, or this test compares the library with itself
    expect(fast).toBeGreaterThan(200);
  });

  it('writes values nested deeper than the levels it keeps as the library does', () => {
    let deep: unknown = { leaf: 'x', list: ['a', { b: 1 }] };
    for (let i = 0; i < 40; i++) deep = i % 2 ? { [`k${i}`]: deep, z: i } : { items: [deep, 'y'] };
    const value = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n' }, data: deep };
    expect(emitBlockYaml(value, () => 0)).toBeDefined();
    expect(toYaml(value)).toBe(libraryYaml(value));
    expect(toYaml(value)).toBe(libraryYaml(value));
  });
});
