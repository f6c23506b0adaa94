/**
 * A stage file read from its apps' entries (lib/config/stage-entries.ts) is what the block reader
 * reads of the whole file, or nothing: on the committed stages, on bench fleets, and on generated
 * stage files edited at random, each read with no entries kept, then with the entries of the
 * version before. Values are compared exactly: the same keys in the same order, `-0`, `NaN` and
 * `Infinity` included (`same`).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { fleetStageFile } from '../../bench/fleet.js';
import { STAGE_ENTRIES_DIR, diskStageEntries } from '../../lib/cli/stage-entries.js';
import { StageLoader } from '../../lib/config/load.js';
import { readStageEntries, type StageEntry, type StageEntryStore } from '../../lib/config/stage-entries.js';
import { readBlockYaml } from '../../lib/model/block-yaml.js';
import { STACKS } from '../../apps/index.js';
import { REPO, repoStage, runCli, tempProject } from '../helpers/cli.js';
import { random } from '../helpers/random.js';

/** A store in memory, keeping what it is given as V8 serializes it (as the disk store does). */
function memoryStore() {
  let kept: Buffer | undefined;
  const store: StageEntryStore & { writes: number } = {
    writes: 0,
    read: () => (kept ? (deserialize(kept) as Map<string, StageEntry>) : undefined),
    write(entries) {
      store.writes++;
      kept = serialize(new Map(entries));
    },
  };
  return store;
}

/**
 * Whether `a` and `b` are the same value: the same primitives (by Object.is: `-0` is not `0`,
 * `NaN` is `NaN`), the same arrays, the same plain objects with the same keys in the same order.
 */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length && ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** What the block reader reads of the whole file, as readStageBlock takes it: one document. */
function whole(text: string): unknown {
  const block = readBlockYaml(text);
  if (block?.values.length !== 1 || block.markers.length > 1) return undefined;
  const start = block.nodes.data[3 * block.roots[0] + 1];
  return block.markers.every((m) => m < start) ? block.values[0] : undefined;
}

/** Reads `text` from its entries with `store` and checks it against the whole file: the value, or nothing where the whole is not read. */
function expectSame(text: string, store = memoryStore()): unknown {
  const value = readStageEntries(text, store, { minBytes: 0, minEntryBytes: 0 })?.value;
  const expected = whole(text);
  if (value !== undefined) {
    expect(expected).toBeDefined();
    expect(same(value, expected)).toBe(true);
  }
  return value;
}

const committed = readdirSync(join(REPO, 'environments'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(REPO, 'environments', f), 'utf8'));

/** Pieces of stage files: what the block reader reads, and (rarer) what it leaves to the yaml library. */
const APP_BODIES = [
  (n: string) => `    stack: demoapp\n    image: ${n}:1\n    replicas: 2\n`,
  (n: string) => `    stack: hello\n    image: "${n}:2"\n    config: { LOG_LEVEL: info, N: "010" }\n`,
  () => '    stack: demoapp\n    probes:\n      liveness: { http: { path: /healthz }, periodSeconds: 10 }\n',
  () => '    stack: manifests\n    include: [manifests/a, "manifests/b"]\n',
  () => '    stack: hello\n    config:\n      SCRIPT: |\n        #!/bin/sh\n        echo hi\n\n',
  () => '    stack: hello\n    config:\n      SCRIPT: |-\n        line\n          more\n',
  () => '    stack: hello\n    numbers: [-0, .nan, .inf, -.inf, 0x1F, 0o17, 1e3, 010, +1]\n',
  () => '    stack: hello\n    # a comment inside\n    on: yes\n    "quoted key": 1\n',
  () => '    stack: hello\n    seq:\n    - a\n    - b\n',
  () => '    stack: hello\n    description: a plain text\n      on two lines\n\n      and a paragraph\n',
  () => "    stack: hello\n    note: 'it''s quoted\n      over lines'\n",
];
const BAD_BODIES = [
  () => '    stack: hello\n    empty:\n',
  () => '    stack: hello\n    anchor: &a { x: 1 }\n    alias: *a\n',
  () => '    stack: hello\n    text: "multi\n  line"\n',
  () => '    stack: hello\n\tconfig: 1\n',
  () => '    stack: hello\n    folded: >\n      a\n      b\n',
];
const KEYS = ['web', 'api', '"quoted"', "'single'", 'app-1', 'db', 'a.b', 'on', 'x'];
const BAD_KEYS = ['web', '__proto__', 'null', '1', 'a b'];
const BETWEEN = ['', '', '', '\n', '# between\n', '  # indented comment\n', '\n\n# two\n', '    deeper: 1\n'];
const BAD_BETWEEN = [' one-space: x\n', '  - item\n', '---\n', '  other: {}\n', '\r\n'];
const TOP_BEFORE = [
  '',
  'namespace: team\n',
  '# header\n',
  '---\nnamespace: x\n',
  'images:\n  substitute: { a: b }\n',
  'notes: |\n  apps:\n',
  'notes: plain text\n  over lines\n',
];
const TOP_AFTER = ['', 'checks: { podSecurity: baseline }\n', '# trailer\n', 'secrets:\n  allow: []\n', 'x: [apps]\n'];
const BAD_TOP = ['apps: {}\n', '---\nx: 1\n', '...\n', 'apps:\n  y: {}\n', '%YAML 1.2\n'];

/** A stage file of a few apps, from `next` (a number in [0, n)). */
function stageFile(next: (n: number) => number): string {
  const pick = <T>(good: readonly T[], bad: readonly T[] = []) => {
    const from = bad.length && next(1) < 0.04 ? bad : good;
    return from[Math.floor(next(from.length))];
  };
  const apps = Array.from(
    { length: 1 + Math.floor(next(6)) },
    () => `  ${pick(KEYS, BAD_KEYS)}:\n${pick(APP_BODIES, BAD_BODIES)(pick(['x', 'y']))}${pick(BETWEEN, BAD_BETWEEN)}`,
  );
  return `${pick(TOP_BEFORE, BAD_TOP)}apps:\n${pick(BETWEEN, BAD_BETWEEN)}${apps.join('')}${pick(TOP_AFTER, BAD_TOP)}`;
}

/** `text` with one random edit: a line changed, removed, doubled, or moved. */
function edited(text: string, next: (n: number) => number): string {
  const lines = text.split('\n');
  const i = Math.floor(next(lines.length));
  switch (Math.floor(next(4))) {
    case 0:
      lines[i] = lines[i].replace(/[0-9a-z]$/, (c) => (c === 'x' ? 'y' : 'x'));
      break;
    case 1:
      lines.splice(i, 1);
      break;
    case 2:
      lines.splice(i, 0, lines[i]);
      break;
    default:
      lines.splice(Math.floor(next(lines.length)), 0, ...lines.splice(i, 2));
  }
  return lines.join('\n');
}

describe('a stage file read from its apps', () => {
  it('is what the whole file reads as, for the committed stages and bench fleets, with no entries kept and with them all', () => {
    for (const text of [...committed, fleetStageFile('qa', 50), fleetStageFile('dev', 3)]) {
      const store = memoryStore();
      const cold = expectSame(text, store);
      const warm = expectSame(text, store);
      if (text.includes('\napps:\n')) {
        expect(cold).toBeDefined();
        expect(warm).toBeDefined();
      }
    }
  });

  it('is what the whole file reads as after apps of a fleet changed, reading those apps alone', () => {
    const before = fleetStageFile('qa', 200);
    const store = memoryStore();
    expectSame(before, store);
    expect(store.writes).toBe(1);
    const after = before.replace('LOG_LEVEL: info\n', 'LOG_LEVEL: debug\n');
    expect(after).not.toBe(before);
    expect(expectSame(after, store)).toBeDefined();
    // one app of 200 read alone: cheaper to read it alone again next time than to write every entry
    expectSame(after, store);
    expect(store.writes).toBe(1);
    // once more than a sixteenth of the apps are read alone, what is kept is written again, and then has them
    let many = after;
    for (let i = 0; i < 13; i++) many = many.replace('LOG_LEVEL: info\n', `LOG_LEVEL: debug-${i}\n`);
    expect(expectSame(many, store)).toBeDefined();
    expect(store.writes).toBe(2);
    expect(store.read()?.size).toBe(200);
    expectSame(many, store);
    expect(store.writes).toBe(2);
  });

  it('is what the whole file reads as, or nothing where the whole is not read, on 3,000 generated files edited at random', () => {
    const next = (() => {
      const r = random(19);
      return (n: number) => r() * n;
    })();
    let read = 0;
    for (let i = 0; i < 1500; i++) {
      const store = memoryStore();
      let text = stageFile(next);
      for (let j = 0; j < 2; j++) {
        if (expectSame(text, store) !== undefined) read++;
        text = edited(text, next);
      }
    }
    // the generator reaches both ways
    expect(read).toBeGreaterThan(300);
    expect(read).toBeLessThan(2700);
  });

  it('is read whole when its apps merge an x- block (an edit of the block changes them), and from its entries when its x- blocks merge nowhere', () => {
    const anchored = fleetStageFile('qa', 3)
      .replace('apps:\n', 'x-defaults: &defaults\n  image: demoapp:1\napps:\n')
      .replace(/ {4}image: demoapp:1\n/g, '    <<: *defaults\n');
    const store = memoryStore();
    expect(readStageEntries(anchored, store, { minBytes: 0, minEntryBytes: 0 })).toBeUndefined();
    expect(store.writes).toBe(0);
    const notes = fleetStageFile('qa', 3).replace('apps:\n', 'x-notes:\n  owner: team-a\napps:\n');
    expect((expectSame(notes, store) as Record<string, unknown>)['x-notes']).toEqual({ owner: 'team-a' });
    expect(expectSame(notes.replace('team-a', 'team-b'), store)).toBeDefined();
  });

  it('is read whole below the size bound, or when its apps are small, and from its entries otherwise', () => {
    expect(readStageEntries(fleetStageFile('qa', 3), memoryStore())).toBeUndefined();
    expect(readStageEntries(fleetStageFile('qa', 100), memoryStore())).toBeDefined();
    // 100,000 one-line apps would take several times as long read one by one
    const tiny = `apps:\n${Array.from({ length: 10_000 }, (_, i) => `  a${i}: { stack: hello }\n`).join('')}`;
    expect(tiny.length).toBeGreaterThan(64 * 1024);
    expect(readStageEntries(tiny, memoryStore())).toBeUndefined();
    expect(expectSame(tiny)).toBeDefined();
  });

  it('is loaded as the whole file is, problems placed in the file', () => {
    const loader = new StageLoader(STACKS);
    const text = fleetStageFile('qa', 100).replace('replicas: 2\n', 'replicas: two\n');
    const problems = (entries?: StageEntryStore) => {
      try {
        loader.load(text, 'environments/qa.yaml', { entries });
        return [];
      } catch (e) {
        return (e as { problems: unknown[] }).problems;
      }
    };
    const store = memoryStore();
    expect(problems(store)).toEqual(problems());
    expect(problems(store).length).toBeGreaterThan(0);
    const good = fleetStageFile('qa', 100);
    const loaded = loader.load(good, 'environments/qa.yaml', { entries: store });
    expect(same(loaded.file, loader.load(good, 'environments/qa.yaml').file)).toBe(true);
  });

  it('places the settings outside apps as the whole file does, before and after the apps', () => {
    const loader = new StageLoader(STACKS);
    // an app whose key is quoted, after a comment line
    const quoted = fleetStageFile('qa', 1)
      .split('\n')
      .slice(fleetStageFile('qa', 1).split('\n').indexOf('apps:') + 2)
      .join('\n');
    const text = `namespace: qa-ns\n${fleetStageFile('qa', 100)}  # the quoted one\n  'quoted-app':\n${quoted}delivery: { cluster: nonprod, sync: { prune: false } }\n`;
    const store = memoryStore();
    loader.load(text, 'environments/qa.yaml', { entries: store }); // the entries kept
    const fromEntries = loader.load(text, 'environments/qa.yaml', { entries: store });
    const wholeFile = loader.load(text, 'environments/qa.yaml');
    const places: [string[], string?][] = [
      [['namespace']],
      [[], 'namespace'],
      [['delivery']],
      [['delivery', 'cluster']],
      [['delivery', 'sync', 'prune']],
      [['delivery'], 'sync'],
      [[], 'apps'],
      [['apps'], 'app-0001'],
      [['apps'], 'app-0002'],
      [['apps'], 'app-0100'],
      [['apps'], 'quoted-app'],
      [['apps', 'app-0002', 'replicas']],
    ];
    for (const [path, key] of places)
      expect(fromEntries.locate(path, key), `${path.join('.')} ${key ?? ''}`).toEqual(wholeFile.locate(path, key));
    expect(fromEntries.locate(['delivery', 'cluster']).line).toBe(text.split('\n').length - 1);
  });
});

describe('the entries kept on disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-stage-entries-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('are read back as written, and a damaged, truncated or foreign file is none', () => {
    const store = diskStageEntries(root, 'qa');
    expect(store.read()).toBeUndefined();
    const entries = new Map<string, StageEntry>([
      ['d1', ['web', { n: -0, x: Number.NaN, y: Number.POSITIVE_INFINITY, list: [1, 'a'] }]],
      ['d2', ['api', { s: 'x' }]],
    ]);
    store.write(entries);
    const back = diskStageEntries(root, 'qa').read()!;
    expect(same([...back], [...entries])).toBe(true);
    const file = join(root, STAGE_ENTRIES_DIR, 'qa.v8');
    const bytes = readFileSync(file);
    bytes[bytes.length - 3] ^= 1;
    writeFileSync(file, bytes);
    expect(diskStageEntries(root, 'qa').read()).toBeUndefined();
    writeFileSync(file, bytes.subarray(0, 40));
    expect(diskStageEntries(root, 'qa').read()).toBeUndefined();
    writeFileSync(file, 'not entries');
    expect(diskStageEntries(root, 'qa').read()).toBeUndefined();
    expect(diskStageEntries(root, 'other').read()).toBeUndefined();
  });

  it('are kept as JSON when every value reads back the same from it, else in V8 format', () => {
    const plain = new Map<string, StageEntry>([
      ['d1', ['web', { image: 'nginx:1', replicas: 2, on: true, none: null, list: [1, 'a', { deep: [0.5] }], '': 'empty key' }]],
    ]);
    const special: [string, unknown][] = [
      ['-0', -0],
      ['NaN', Number.NaN],
      ['inf', Number.NEGATIVE_INFINITY],
      // a hole: new Array(2)
      ['hole', new Array(2)],
      ['undefined', [undefined]],
    ];
    const file = join(root, STAGE_ENTRIES_DIR, 'json.v8');
    diskStageEntries(root, 'json').write(plain);
    expect(String.fromCharCode(readFileSync(file)[32])).toBe('J');
    expect(same([...diskStageEntries(root, 'json').read()!], [...plain])).toBe(true);
    for (const [name, value] of special) {
      const entries = new Map<string, StageEntry>([...plain, ['d2', ['api', { value }]]]);
      diskStageEntries(root, 'json').write(entries);
      expect(String.fromCharCode(readFileSync(file)[32]), name).toBe('V');
      expect(same([...diskStageEntries(root, 'json').read()!], [...entries]), name).toBe(true);
    }
  });

  it('go with their stage: a compilation of every stage removes those of stages the project no longer has', () => {
    const project = tempProject({ lab: repoStage('lab'), big: fleetStageFile('big', 100), gone: fleetStageFile('gone', 100) });
    expect(runCli('synth', [], project).code).toBe(0);
    const dir = join(project, STAGE_ENTRIES_DIR);
    expect(readdirSync(dir).sort()).toEqual(['big.v8', 'gone.v8']);
    rmSync(join(project, 'environments', 'gone.yaml'));
    // some stages compiled: the others' are kept
    expect(runCli('synth', ['lab'], project).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['big.v8', 'gone.v8']);
    expect(runCli('synth', [], project).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['big.v8']);
  });
});
