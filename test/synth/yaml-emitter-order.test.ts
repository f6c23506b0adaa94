/**
 * The fast YAML path skips sorting keys that are in order already; keys out of order must still
 * come out sorted, exactly as the yaml library writes them.
 */
import { describe, expect, it } from 'vitest';
import { libraryYaml, toYaml } from '../../lib/synth/serialize.js';

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

  it('writes keys in order as they are', () => {
    const value = { apiVersion: 'v1', kind: 'Namespace', metadata: { labels: { a: 'x', b: 'y' }, name: 'n' } };
    expect(toYaml(value)).toBe(libraryYaml(value));
  });
});
