/**
 * Loading a stage file through the block reader (lib/model/block-yaml.ts) gives exactly what
 * loading it through the yaml library gives: the same stage, the same places for every path, or
 * the same problems, byte for byte (codes, messages, hints, file:line:col). Compared on the
 * committed stages, the test fixtures, benchmark fleets and thousands of generated stage files,
 * valid and broken.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { FLEET_STAGES, fleetStageFile } from '../../bench/fleet.js';
import { StageLoader } from '../../lib/config/load.js';
import { ProblemsError } from '../../lib/errors.js';
import { readBlockYaml } from '../../lib/model/block-yaml.js';
import type { FieldPath } from '../../lib/model/field-path.js';
import { random } from '../helpers/random.js';

const loader = new StageLoader(STACKS);

/** JSON that tells apart what JSON.stringify merges: -0 and 0, NaN and null, undefined and a missing key. */
function exact(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `number:${Object.is(v, -0) ? '-0' : String(v)}`;
    if (v === undefined) return 'undefined';
    return v;
  });
}

/** Every path into `value`, and a missing key and odd indexes below each collection; `limit` paths at most. */
function paths(value: unknown, limit: number, path: FieldPath = [], out: FieldPath[] = []): FieldPath[] {
  if (out.length >= limit) return out;
  out.push(path, [...path, 'missing'], [...path, 7], [...path, '0'], [...path, -1], [...path, 0.5]);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) paths(v, limit, [...path, i], out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, limit, [...path, k], out);
  return out;
}

/**
 * What loading `text` as `file` gives, as one string: the stage (its value, context and apps) and
 * the place of every path into it and of every key (or the places of `limit` paths), or the
 * problems and message of the error.
 */
function outcome(text: string, file: string, blockReader: boolean, limit = Infinity): string {
  try {
    const loaded = loader.load(text, file, { blockReader });
    const places = paths(loaded.file, limit).map((path) => {
      const keys = loaded.locate(path);
      const parent = path.slice(0, -1);
      const last = path[path.length - 1];
      const atKey = last === undefined ? undefined : loaded.locate(parent, String(last));
      return [path, keys, atKey];
    });
    return exact({ file: loaded.file, context: loaded.context, apps: loaded.apps, source: loaded.source, places });
  } catch (e) {
    // any other error (a bug) must be the same too: the readers are compared, not the steps after them
    if (!(e instanceof ProblemsError)) return exact({ error: String(e) });
    return exact({ problems: e.problems, message: e.message });
  }
}

/** Loads `text` both ways and expects the same; whether the block reader read it, and whether it loaded. */
function expectSame(text: string, file: string, limit = Infinity): { block: boolean; loaded: boolean } {
  const fast = outcome(text, file, true, limit);
  expect(fast, `${file}: ${JSON.stringify(text.slice(0, 2000))}`).toBe(outcome(text, file, false, limit));
  return { block: readBlockYaml(text) !== undefined, loaded: !fast.startsWith('{"problems"') && !fast.startsWith('{"error"') };
}

const yamlFiles = (dir: string) =>
  readdirSync(new URL(`../../${dir}/`, import.meta.url))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(new URL(`../../${dir}/${f}`, import.meta.url), 'utf8') }));

describe('loading a stage file through the block reader gives what the yaml library gives', () => {
  it('the example stages (their frozen copies), all of them read by the block reader', () => {
    const stages = yamlFiles('test/fixtures/examples');
    expect(stages.length).toBeGreaterThan(0);
    for (const { file, text } of stages) expect(expectSame(text, file), file).toEqual({ block: true, loaded: true });
  });

  it('the test fixtures, broken and not, read by whichever reader takes them', () => {
    const fixtures = ['test/fixtures/stages', 'test/fixtures/hostile', 'test/fixtures/examples'].flatMap(yamlFiles);
    const read = fixtures.map(({ file, text }) => expectSame(text, file));
    expect(read.filter((r) => r.block && !r.loaded).length, 'broken fixtures read by the block reader').toBeGreaterThan(3);
  });

  it('benchmark fleets: 20 apps in each stage, and 1,000 (places of a sample of paths)', () => {
    for (const stage of FLEET_STAGES.slice(0, 4)) {
      expect(expectSame(fleetStageFile(stage, 20), `environments/${stage}.yaml`)).toEqual({ block: true, loaded: true });
    }
    expect(expectSame(fleetStageFile('qa', 1000), 'environments/qa.yaml', 3000)).toEqual({ block: true, loaded: true });
  });

  it('more problems than are shown: the count placed at the end of the file, with and without a last line end', () => {
    const unknown = `apps: {}\n${Array.from({ length: 120 }, (_, i) => `unknown${i}: 1`).join('\n')}`;
    const invalid = `apps:\n${Array.from({ length: 80 }, (_, i) => `  app${i}:\n    stack: nginx\n    replicas: many\n`).join('')}`;
    for (const text of [unknown, `${unknown}\n`, `${unknown}\n\n# end\n`, invalid, invalid.replace(/\n/g, '\r\n')]) {
      expect(expectSame(text, 'environments/qa.yaml')).toEqual({ block: true, loaded: false });
    }
  });

  it('what a stage file may hold around its one document: markers, comments, a BOM; a second document is an error', () => {
    const body = 'apps:\n  nginx: { replicas: 1 }\n';
    const cases = [
      `---\n${body}`,
      `# c\n---  # c\n${body}`,
      `${body}---\n`,
      `${body}---\n# only a comment\n`,
      `---\n---\n${body}`,
      `${body}---\n${body}`,
      `\uFEFF${body}`,
      `\uFEFF---\n${body}`,
      `${body}...\n`,
      '# nothing\n',
      '',
      '---\n',
      'apps: 1\n',
      '- apps\n',
      `${body}apps: {}\n`,
    ];
    for (const text of cases) expectSame(text, 'environments/qa.yaml');
  });
});

/** A scalar, as it is written in YAML (quoted or not): what the generator puts where a value was. */
const SCALARS = [
  'three',
  '3',
  '-1',
  '0',
  '-0',
  '010',
  '0o17',
  '0x1F',
  '1_000',
  '1e3',
  '1.5',
  '.inf',
  '-.inf',
  '.nan',
  'true',
  'yes',
  'null',
  '~',
  '"2"',
  "'x'",
  '""',
  '[]',
  '{}',
  '[a, b]',
  '[1, [2]]',
  '{ a: 1 }',
  '{ http: { path: /x } }',
  'demoapp:1',
  'nginx',
  '250m',
  '1Gi',
  '65536',
  '2001-12-14',
  '"a\\tb"',
  '&a x',
  '*a',
  '!!str 1',
  'a: b',
  '[a,',
  '"x" y',
  'x # comment',
  '|\n      line\n',
];
/** Keys the generator adds: unknown, misspelled, odd. */
const KEYS = [
  'replcas',
  'image',
  'stack',
  'unknown',
  'blueGreen',
  'password',
  'name',
  '"quoted"',
  "'s'",
  '1',
  'true',
  '__proto__',
  '/path',
  'a b',
  '? k',
];

type Tree = { [key: string]: Tree } | Tree[] | { raw: string } | string | number | boolean | null;
const isRaw = (t: Tree): t is { raw: string } => t !== null && typeof t === 'object' && !Array.isArray(t) && Object.hasOwn(t, 'raw');

/** A stage file generator: settings of the example stages (their frozen copies), changed at random, written in random styles. */
function generator(seed: number) {
  const next = random(seed);
  const below = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[below(xs.length)];
  const chance = (p: number) => next() < p;
  const bases = [...yamlFiles('test/fixtures/examples').map(({ text }) => parse(text) as Tree), parse(fleetStageFile('dev', 3)) as Tree];

  /** Every collection in `t` with the path to it. */
  function collections(t: Tree, out: (Tree[] | { [key: string]: Tree })[] = []): (Tree[] | { [key: string]: Tree })[] {
    if (t === null || typeof t !== 'object' || isRaw(t)) return out;
    out.push(t);
    for (const v of Array.isArray(t) ? t : Object.values(t)) collections(v, out);
    return out;
  }

  function mutate(t: Tree): void {
    const target = pick(collections(t));
    if (Array.isArray(target)) {
      if (target.length && chance(0.5)) target[below(target.length)] = { raw: pick(SCALARS) };
      else if (chance(0.5)) target.push({ raw: pick(SCALARS) });
      else target.splice(below(target.length + 1), 1);
      return;
    }
    const keys = Object.keys(target);
    const r = below(5);
    if (r === 0 && keys.length) target[pick(keys)] = { raw: pick(SCALARS) };
    else if (r === 1 && keys.length) delete target[pick(keys)];
    else if (r === 2) target[pick(KEYS)] = chance(0.5) ? { raw: pick(SCALARS) } : { b: { raw: pick(SCALARS) } };
    else if (r === 3 && keys.length) {
      // a key misspelled: two letters swapped
      const k = pick(keys);
      const i = below(Math.max(1, k.length - 1));
      const v = target[k];
      delete target[k];
      target[`${k.slice(0, i)}${k.charAt(i + 1)}${k.charAt(i)}${k.slice(i + 2)}`] = v;
    } else if (keys.length) {
      const v = target[pick(keys)];
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isRaw(v)) {
        const inner = Object.keys(v);
        if (inner.length) v[pick(inner)] = { raw: pick(SCALARS) };
      }
    }
  }

  function scalar(v: string | number | boolean | null): string {
    if (typeof v !== 'string') return String(v);
    if (/^[A-Za-z/_][\w./:-]*$/.test(v) && !/^(true|false|null|yes|no|on|off)$/i.test(v) && chance(0.8)) return v;
    return chance(0.5) ? JSON.stringify(v) : `'${v.replaceAll("'", "''")}'`;
  }

  function key(k: string): string {
    return /^[A-Za-z0-9_/][\w./-]*$/.test(k) && chance(0.9) ? k : chance(0.2) ? k : JSON.stringify(k);
  }

  /** `t` in flow style, on one line. */
  function flow(t: Tree): string {
    if (isRaw(t)) return t.raw.includes('\n') ? 'x' : t.raw;
    if (t === null || typeof t !== 'object') return scalar(t);
    const sp = chance(0.7) ? ' ' : '';
    if (Array.isArray(t)) return t.length ? `[${sp}${t.map(flow).join(chance(0.8) ? ', ' : ',')}${sp}]` : '[]';
    const entries = Object.entries(t);
    return entries.length ? `{${sp}${entries.map(([k, v]) => `${key(k)}: ${flow(v)}`).join(', ')}${sp}}` : '{}';
  }

  /** The lines of `t` in block style, its keys or dashes at `indent` spaces. */
  function block(t: { [key: string]: Tree } | Tree[], indent: number): string[] {
    const pad = ' '.repeat(indent);
    const lines: string[] = [];
    const comment = () => (chance(0.05) ? '  # note' : '');
    const value = (v: Tree, head: string, inSequence: boolean): void => {
      if (v !== null && typeof v === 'object' && !isRaw(v) && (Array.isArray(v) ? v.length : Object.keys(v).length) && chance(0.7)) {
        lines.push(`${head}${comment()}`);
        const step = Array.isArray(v) && !inSequence && chance(0.5) ? 0 : 2;
        lines.push(...block(v, indent + step));
      } else lines.push(`${head} ${flow(v)}${comment()}`);
    };
    if (Array.isArray(t)) for (const v of t) value(v, `${pad}-`, true);
    else for (const [k, v] of Object.entries(t)) value(v, `${pad}${key(k)}:`, false);
    if (chance(0.05)) lines.push('', `${pad}# a comment`);
    return lines;
  }

  /** A change to the text itself, as a hand editing the file might make. */
  function edit(lines: string[]): void {
    const i = below(lines.length);
    const line = lines[i] ?? '';
    const r = below(10);
    if (r === 0) lines.splice(i, 0, line);
    else if (r === 1) lines.splice(i, 1);
    else if (r === 2) lines[i] = ` ${line}`;
    else if (r === 3) lines[i] = line.replace(/^ /, '');
    else if (r === 4) lines.splice(i, 0, '---');
    else if (r === 5) lines[i] = line.replace(': ', ':');
    else if (r === 6) lines[i] = line.replace(' ', '\t');
    else if (r === 7) lines[i] = `${line} &anchor`;
    else if (r === 8) lines[i] = line.replace(/: (\S)/, ': *a $1');
    else lines[i] = `${line}}`;
  }

  return (): { text: string; file: string } => {
    const tree = structuredClone(pick(bases));
    for (let n = below(4); n > 0; n--) mutate(tree);
    const lines = block(tree as { [key: string]: Tree }, 0);
    if (chance(0.15)) for (let n = 1 + below(2); n > 0; n--) edit(lines);
    let text = `${lines.join('\n')}\n`;
    if (chance(0.05)) text = `---\n${text}`;
    if (chance(0.05)) text = text.replace(/\n/g, '\r\n');
    if (chance(0.03)) text = `\uFEFF${text}`;
    if (chance(0.05)) text = text.slice(0, -1);
    const file = chance(0.05) ? 'environments/Bad_Name.yaml' : `environments/${pick(['qa', 'dev', 'production', 'lab'])}.yaml`;
    return { text, file };
  };
}

describe('on generated stage files, valid and broken, the block reader changes nothing', () => {
  it('2,000 stage files made from the committed ones: values, places and problems byte for byte', () => {
    const generate = generator(19);
    const counts = { block: 0, loaded: 0, blockProblems: 0 };
    // the yaml library warns on the process about a collection written as a key (`{ a: 1 }: x`), which some texts are
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      for (let i = 0; i < 2000; i++) {
        const { text, file } = generate();
        const { block, loaded } = expectSame(text, file, 400);
        if (block) counts.block++;
        if (loaded) counts.loaded++;
        if (block && !loaded) counts.blockProblems++;
      }
    } finally {
      warnings.mockRestore();
    }
    // the generator must exercise every side: loaded, broken in the block reader's subset, and outside it
    expect(counts.block).toBeGreaterThan(600);
    expect(counts.block).toBeLessThan(1900);
    expect(counts.loaded).toBeGreaterThan(200);
    expect(counts.blockProblems).toBeGreaterThan(300);
    // 9-50 s alone; past vitest's 60 s beside the full suite at a load of 20
  }, 180_000);
});
