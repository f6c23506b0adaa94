import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMap, isScalar, parseAllDocuments, type YAMLMap } from 'yaml';
import { compileStages } from '../../lib/compile.js';
import { repoStage, writeTree } from '../helpers/cli.js';

/**
 * Strings that some reader of YAML (go-yaml in kubectl and kustomize, js-yaml, the yaml library;
 * YAML 1.1 or 1.2) could read as something else: numbers in every radix and with separators,
 * booleans and nulls of YAML 1.1, timestamps, base 60, .inf/.nan, controls and line separators,
 * and the characters that start YAML syntax.
 */
function tricky(): string[] {
  const numbers = [
    '0o17',
    '0O17',
    '0x1F',
    '0X1F',
    '0x1f',
    '0b101',
    '0B101',
    '1_000',
    '0_1',
    '017',
    '0777',
    '0',
    '1',
    '12',
    '1.5',
    '1.',
    '.5',
    '1e5',
    '1E5',
    '1e+5',
    '1e-5',
    '1e400',
    '1.5e3',
    '.inf',
    '.Inf',
    '.INF',
    '.nan',
    '.NaN',
    '.NAN',
    '0x_1',
    '1__0',
    '1:20',
    '190:20:30',
    '1:20.5',
    '0.0',
    '00',
    '0b',
    '0x',
    '0o',
    '1_',
    '_1',
    '_1_',
    '09',
    '.5_',
    '1__0',
    '0x1p-2',
    'inf',
    'Infinity',
    'nan',
    '0x1.8p1',
  ];
  const words = [
    'y',
    'Y',
    'yes',
    'Yes',
    'YES',
    'n',
    'N',
    'no',
    'No',
    'NO',
    'true',
    'True',
    'TRUE',
    'false',
    'False',
    'FALSE',
    'on',
    'On',
    'ON',
    'off',
    'Off',
    'OFF',
    '~',
    'null',
    'Null',
    'NULL',
    '',
    '<<',
    '=',
    'tRue',
    'nULL',
  ];
  const times = [
    '2001-12-14',
    '2001-12-14t21:59:43.10-05:00',
    '2001-12-14 21:59:43.10 -5',
    '2001-12-15T02:59:43.1Z',
    '2002-1-1',
    '2001-12-14T21:59:43Z',
  ];
  const controls: string[] = [];
  for (let c = 0; c <= 0x9f; c++) {
    if (c >= 0x20 && c < 0x7f) continue;
    const ch = String.fromCharCode(c);
    controls.push(`a${ch}b`, ch);
  }
  const separators = ['\u2028', '\u2029', '\ufeff', '\ufeffa', 'a\u2028b', 'a\u2029b', '\u0085a', 'é', '日本', '😀', 'a\u00a0b'];
  const syntax = [
    '- a',
    '-',
    '? a',
    '?',
    ': a',
    'a: b',
    'a:b',
    'a #b',
    '#a',
    '&a',
    '*a',
    '!a',
    '!!str',
    '|',
    '>',
    "'",
    '"',
    '%a',
    '@a',
    '`a',
    '---',
    '...',
    '--- a',
    '... a',
    ' a',
    'a ',
    '\ta',
    'a\t',
    'a\n',
    '\na',
    'a\n\nb',
    'a\n ',
    ' \n',
    '[a]',
    '{a: 1}',
    ',a',
    'a,b',
    'a\\b',
    'a"b',
    "a'b",
    '{',
    '}',
    '[',
    ']',
    'x'.repeat(2000),
    `${'y'.repeat(1100)}: z`,
    'a\r\nb',
    'a\rb',
    // over lines: a line of only blanks, a leading date, text beyond ASCII
    'set -e\n  \nexec app\n',
    'a\n \nb',
    '2024-01-01 x\ny',
    'é\nü ’x’\n',
  ];
  const signed = numbers.flatMap((n) => [`+${n}`, `-${n}`]);
  return [...new Set([...numbers, ...signed, ...words, ...times, ...controls, ...separators, ...syntax])];
}

/** ConfigMap keys must be [-._a-zA-Z0-9]+, at most 253 characters and not `.` or `..`: the tricky strings that are such keys. */
const KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * What kustomize cannot carry at all, however it is written: it re-reads objects as JSON text in
 * which Go leaves DEL, the C1 controls and U+FFFE as they are, and go-yaml refuses them
 * ("control characters are not allowed") or, for the line breaks NEL, U+2028 and U+2029, folds
 * them into spaces; and half of a surrogate pair alone, which no UTF-8 holds (written as the
 * escape `\ud800`, go-yaml refuses it). The checks refuse such strings (lib/checks/api-limits.ts).
 */
const KUSTOMIZE_CANNOT = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const ALL = tricky();
const VALUES = ALL.filter((s) => !KUSTOMIZE_CANNOT.test(s));
const KEYS = VALUES.filter((s) => KEY.test(s) && s.length <= 253 && s !== '.' && s !== '..' && !s.startsWith('..'));

/** A YAML double-quoted scalar for any string: every character outside printable ASCII escaped. */
function quoted(s: string): string {
  return `"${[...s]
    .map((c) => {
      const code = c.codePointAt(0)!;
      if (c === '"' || c === '\\') return `\\${c}`;
      if (code >= 0x20 && code < 0x7f) return c;
      return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .join('')}"`;
}

describe('every YAML reader reads the written strings as they were', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-roundtrip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`survive synth and kubectl kustomize: ${VALUES.length} values and ${KEYS.length} keys`, () => {
    expect(VALUES.length).toBeGreaterThanOrEqual(300);
    expect(ALL.length - VALUES.length).toBeGreaterThan(0);
    expect(KEYS.length).toBeGreaterThanOrEqual(50);
    // values under generated keys v0000..., and the tricky keys with their own text as value
    const config = new Map<string, string>([
      ...VALUES.map((v, i) => [`v${String(i).padStart(4, '0')}`, v] as const),
      ...KEYS.map((k) => [k, `key ${k}`] as const),
    ]);
    const base = repoStage('dev');
    const text = base.replace(
      /^ {4}config:\n/m,
      `    config:\n${[...config].map(([k, v]) => `      ${quoted(k)}: ${quoted(v)}\n`).join('')}`,
    );
    expect(text).not.toBe(base);
    const compiled = compileStages([{ stage: 'dev', file: 'environments/dev.yaml', text }]);
    writeTree(join(dir, 'dist'), compiled.tree);

    const r = spawnSync('kubectl', ['kustomize', join(dir, 'dist', 'dev')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.error, 'kubectl was not found on PATH').toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // what kustomize read, from what it wrote: a string is a quoted scalar, or a plain one (go-yaml
    // quotes every string its own resolver would take for another type, so a plain `1e400` or
    // `2001-12-14 21:59:43.10 -5` in its output is a string it read, though other readers differ)
    const docs = parseAllDocuments(r.stdout);
    const cm = docs.find((d) => d.getIn(['kind']) === 'ConfigMap' && String(d.getIn(['metadata', 'name'])).startsWith('demoapp-config'));
    const data = cm?.getIn(['data'], true);
    expect(isMap(data)).toBe(true);
    const read = new Map<string, string>();
    const notStrings: string[] = [];
    const scalarText = (n: unknown): string | undefined => {
      if (!isScalar(n)) return undefined;
      if (typeof n.value === 'string') return n.value;
      if (n.type === 'PLAIN' && n.range) return r.stdout.slice(n.range[0], n.range[1]);
      return undefined;
    };
    for (const pair of (data as YAMLMap).items) {
      const k = scalarText(pair.key);
      const v = scalarText(pair.value);
      if (k === undefined || v === undefined) notStrings.push(JSON.stringify(pair.toJSON()));
      else read.set(k, v);
    }
    expect(notStrings).toEqual([]);
    const wrong = [...config].filter(([k, v]) => read.get(k) !== v);
    expect(wrong.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)} read as ${JSON.stringify(read.get(k) ?? 'missing')}`)).toEqual(
      [],
    );
  });
});
