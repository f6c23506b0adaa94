import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { plainCopy } from '../../lib/synth/chart-objects.js';

describe('plainCopy', () => {
  it('copies JSON values key by key, in the same order, sharing nothing with the original', () => {
    const original = { b: [1, { d: null, c: 'x' }], a: { z: true, '10': -0, y: undefined }, e: [] };
    const copy = plainCopy(original) as typeof original;
    expect(copy).toStrictEqual(original);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(original));
    expect(Object.keys(copy.a)).toEqual(Object.keys(original.a));
    expect(Object.is(copy.a['10'], -0)).toBe(true);
    expect(copy.b).not.toBe(original.b);
    expect(copy.b[1]).not.toBe(original.b[1]);
    expect(copy.a).not.toBe(original.a);
  });

  it('copies own keys only, without an array of keys made per object (no Object.keys)', () => {
    const inherited = Object.create({ inherited: 'no' }) as Record<string, unknown>;
    inherited.own = { b: 1, a: [2, { c: 3 }] };
    const keys = vi.spyOn(Object, 'keys');
    let copy: unknown;
    try {
      copy = plainCopy(inherited);
      expect(keys).not.toHaveBeenCalled();
    } finally {
      keys.mockRestore();
    }
    expect(copy).toStrictEqual({ own: { b: 1, a: [2, { c: 3 }] } });
    expect(Object.keys((copy as { own: object }).own)).toEqual(['b', 'a']);
  });

  it('keeps an own __proto__ key a key, and the copy a plain object', () => {
    const original = JSON.parse('{"data": {"__proto__": {"polluted": true}, "k": "v"}}');
    const copy = plainCopy(original) as { data: Record<string, unknown> };
    expect(Object.getPrototypeOf(copy.data)).toBe(Object.prototype);
    expect(Object.keys(copy.data)).toEqual(['__proto__', 'k']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(original));
    expect((copy.data as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("gives the same objects of different apps one hidden class each (V8's %HaveSameMap)", () => {
    const root = join(import.meta.dirname, '..', '..');
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', join(root, 'test/helpers/shared-shapes.ts')], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const { pairs, different } = JSON.parse(run.stdout) as { pairs: number; different: number };
    expect(pairs).toBeGreaterThan(20);
    expect(different).toBe(0);
  });
});
