import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { libraryYaml, toYaml, toYamlStream } from '../../lib/synth/serialize.js';
import { emitBlockYaml } from '../../lib/synth/yaml-emitter.js';
import { listFiles } from '../helpers/cli.js';
import { random } from '../helpers/random.js';
import { REPO } from '../helpers/cli.js';

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

describe('the fast path of toYaml', () => {
  const STRINGS = [
    '',
    'x',
    'nginx',
    'demoapp:1',
    'localhost:5000/zyxist/moj-obraz',
    'app.kubernetes.io/name',
    '250m',
    '2Gi',
    '0 2 * * *',
    '1',
    '8080',
    '0.4',
    '-1',
    '+1',
    '1e3',
    '1E',
    '0x1F',
    '0o17',
    '012',
    '089',
    '1_000',
    '190:20:30',
    '2001-12-14',
    '2001-12-14t21:59:43.10-05:00',
    'yes',
    'No',
    'ON',
    'off',
    'y',
    'N',
    'True',
    'FALSE',
    'null',
    'Null',
    '~',
    '.inf',
    '-.Inf',
    '.NaN',
    '<<',
    '=',
    'a: b',
    'a:',
    ':a',
    'a #b',
    'a#b',
    '#a',
    '-',
    '- a',
    '-a',
    '?',
    '? a',
    '?a',
    ' a',
    'a ',
    '@a',
    '`a',
    '%a',
    '!a',
    '&a',
    '*a',
    '|a',
    '>a',
    "'a",
    '[a]',
    '{a}',
    'a,b',
    '---',
    '--- a',
    '...',
    'a---',
    "it's",
    'say "hi"',
    'back\\slash',
    'tab\there',
    'ünï',
    'a'.repeat(1100),
    'a\nb',
    'a\nb\n',
    'a\n\nb',
    'a\nb\n\n',
    '\na',
    ' a\nb',
    'a\nb ',
    'a \nb',
    'a\n  b',
    'a\n%b',
    'a\n---',
    'say "hi"\nback\\slash',
    'a\tb\nc',
    // over lines, double-quoted by the library (mustQuote): a line of only blanks, a leading date
    'set -e\n  \nexec app\n',
    'a\n \nb',
    '2024-01-01 x\ny',
    'é\nü',
  ];

  it.each(STRINGS.map((s) => [JSON.stringify(s), s]))(
    'writes the string %s as the yaml library does, as a value, a key and an item',
    (_, s) => {
      for (const value of [{ v: s }, { [s]: 'v' }, { list: [s, { k: s }] }, { nested: { deeper: { v: s } } }])
        expect(toYaml(value)).toBe(libraryYaml(value));
    },
  );

  it.each([
    ['numbers', { a: 1, b: -2, c: 0, d: 1.5, e: -0, f: 1e21, g: Number.MAX_SAFE_INTEGER + 2 }],
    ['booleans and nulls', { a: true, b: false, c: null, d: undefined, e: [null], f: { g: null } }],
    ['empty collections', { a: [], b: {}, c: [[], {}], d: { e: undefined } }],
    ['nested sequences', { a: [[1, 2], [3]], b: [{ c: [{ d: [1] }] }] }],
    ['sorted keys', { spec: { b: 1, a: 2, 10: 3, 9: 4 }, metadata: { name: 'x' }, kind: 'K', apiVersion: 'v1' }],
  ])('writes %s as the yaml library does', (_, value) => {
    expect(toYaml(value)).toBe(libraryYaml(value));
  });

  const byOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  /** How many of `values` the fast path writes, each as the library writes it (it leaves the others to the library). */
  const writtenAsLibrary = (values: readonly unknown[]): number => {
    let written = 0;
    for (const value of values) {
      const fast = emitBlockYaml(value, byOrder);
      if (fast === undefined) continue;
      written++;
      expect(fast, JSON.stringify(value)).toBe(libraryYaml(value));
    }
    return written;
  };

  it('writes one-line strings holding quotes and backslashes itself, quoted as the library quotes them', () => {
    for (const s of [
      'say "hi"',
      'back\\slash',
      '"quoted"',
      '"a" \'b\'',
      'it\'s "x"',
      '\\',
      'a: "b"',
      '- "x"',
      '"',
      "'",
      'Use "" for core',
    ]) {
      // every one written by the fast path itself, not its fallback
      expect(writtenAsLibrary([{ v: s }, { [s]: 'v' }, { list: [s] }])).toBe(3);
    }
  });

  it("writes nulls itself, in mappings and in sequences, as the yaml library does (an included manifest's, kept for kubectl apply)", () => {
    const values = [
      { spec: { replicas: null, selector: { matchLabels: { app: 'web' } } } },
      { a: null, b: { c: null }, d: { e: { f: null } } },
      { list: [null, 'x', null, 1, true] },
      { list: [{ a: null, b: 1 }, { a: 1, b: null }, { only: null }] },
      { nested: { tolerations: null, items: [{ name: 'web', resources: {}, securityContext: { runAsUser: null } }] } },
      { null: null, '~': null, Null: [null] },
      { s: 'null', n: null },
    ];
    // every one written by the fast path itself, not its fallback
    expect(writtenAsLibrary(values)).toBe(values.length);
    expect(emitBlockYaml(values[2], byOrder)).toBe('list:\n  - null\n  - x\n  - null\n  - 1\n  - true\n');
  });

  it('writes 5,000 random one-line strings as the yaml library does, or leaves them to it', () => {
    const next = random(31);
    // YAML's indicators, words some reader takes for another type, and characters beyond ASCII
    // (some of them only the library writes: tabs, controls, line separators, lone surrogates)
    const pieces = [...'ab1 :#-?"\'\\[]{},&*!|>%@`.~=éü’😀\u00a0\u3000\t\u0085\u2028\ufeff\x7f\x01', ...['yes', 'null', '0x', '\ud800']];
    let written = 0;
    for (let i = 0; i < 5000; i++) {
      const s = Array.from({ length: Math.floor(next() * 6) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      written += writtenAsLibrary([{ v: s }, { [s]: 1 }, { list: [s] }]);
    }
    expect(written).toBeGreaterThan(8000);
  });

  it('writes 3,000 random strings over several lines as the yaml library does, or leaves them to it', () => {
    const next = random(37);
    const pieces = [...'ab1 :#-"\'\\|%é😀\u00a0\t\u2028', '  ', '---', '...', '2024-01-01 '];
    const line = () => Array.from({ length: Math.floor(next() * 4) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    let written = 0;
    for (let i = 0; i < 3000; i++) {
      const s = Array.from({ length: 2 + Math.floor(next() * 3) }, line).join('\n') + (next() < 0.5 ? '\n' : '');
      written += writtenAsLibrary([{ v: s }, { list: [s] }, { nested: { deeper: s } }]);
    }
    expect(written).toBeGreaterThan(1000);
  });

  it('writes every committed object as the yaml library does', () => {
    const objects = listFiles(join(REPO, 'dist'))
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(readFileSync(join(REPO, 'dist', f), 'utf8'), { version: '1.1' }).map((d) => d.toJS() as unknown));
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(toYaml(o)).toBe(libraryYaml(o));
  });
});
