import { describe, expect, it } from 'vitest';
import { toYaml, toYamlStream } from '../../lib/synth/serialize.js';

describe('serializing objects', () => {
  it('puts apiVersion, kind and metadata first and sorts the other keys', () => {
    expect(toYaml({ spec: { b: 1, a: 2 }, metadata: { name: 'x' }, kind: 'K', apiVersion: 'v1' })).toBe(
      'apiVersion: v1\nkind: K\nmetadata:\n  name: x\nspec:\n  a: 2\n  b: 1\n',
    );
  });

  it('never writes anchors for objects used twice, and never folds long lines', () => {
    const shared = { app: 'x' };
    const long = 'a'.repeat(200);
    expect(toYaml({ a: shared, b: shared, c: long })).toBe(`a:\n  app: x\nb:\n  app: x\nc: ${long}\n`);
  });

  it('separates documents and starts with the header as comments', () => {
    const o = { apiVersion: 'v1', kind: 'K', metadata: { name: 'x' } };
    expect(toYamlStream([o, o], 'one\ntwo')).toBe(
      '# one\n# two\napiVersion: v1\nkind: K\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: K\nmetadata:\n  name: x\n',
    );
  });
});

describe('strings that YAML 1.1 (kubectl) would read as booleans', () => {
  it.each(['yes', 'no', 'on', 'off', 'y', 'n', 'true'])('quotes %s', (v) => {
    expect(toYaml({ v })).toBe(`v: "${v}"\n`);
  });
});
