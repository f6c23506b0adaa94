/**
 * The render cache must never change a byte: every committed stage and random fleets are compiled
 * without the cache, with an empty cache and with a warm one (the same cache across every variant,
 * so that a key missing a setting would hand one variant another's objects), and compared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileStages, loadStage, type Compiled, type ProjectSource, type StageSource } from '../../lib/compile.js';
import { STACKS } from '../../apps/index.js';
import { appCacheKeys } from '../../lib/synth/cache-keys.js';
import { renderStage } from '../../lib/synth/render.js';
import { diskRenderCache, RENDER_CACHE_DIR } from '../../lib/cli/render-cache.js';
import { fleetStageFile } from '../../bench/fleet.js';
import { openProject, readSource } from '../../lib/cli/project.js';
import { REPO, repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';
import { random } from '../helpers/random.js';

const root = mkdtempSync(join(tmpdir(), 'stagecraft-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const project: ProjectSource = { file: 'stagecraft.yaml', text: readFileSync(join(REPO, 'stagecraft.yaml'), 'utf8') };

function committed(): StageSource[] {
  return readdirSync(join(REPO, 'environments'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({
      stage: f.slice(0, -5),
      file: `environments/${f}`,
      text: readFileSync(join(REPO, 'environments', f), 'utf8'),
      // the files a manifests app includes, read as the CLI reads them
      readSource: (path: string) => readSource(openProject(REPO), path),
    }));
}

/** A fixture copy of an example stage (test/fixtures/examples/), as a source to compile. */
function fixtureSource(stage: string): StageSource {
  return { stage, file: `environments/${stage}.yaml`, text: repoStage(stage) };
}

/** Every output file and the rendered objects, as text. */
function bytes(c: Compiled): string {
  return JSON.stringify({
    tree: [...c.tree].map(([s, f]) => [s, [...f]]),
    objects: c.stages.map((s) => s.charts.map(({ name, objects }) => [name, objects])),
  });
}

function compileThreeWays(sources: readonly StageSource[]): { hits: number; misses: number } {
  const options = { project, delivery: true, stages: sources.map((s) => s.stage) };
  const plain = bytes(compileStages(sources, options));
  const first = diskRenderCache(root);
  expect(bytes(compileStages(sources, { ...options, cache: first }))).toBe(plain);
  first.flush();
  const warm = diskRenderCache(root);
  expect(bytes(compileStages(sources, { ...options, cache: warm }))).toBe(plain);
  return { hits: warm.stats.hits, misses: warm.stats.misses };
}

/** A fleet stage file with random stage-level settings and app settings. */
function randomFleet(seed: number, stage: string): string {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  let text = fleetStageFile(stage, 1 + Math.floor(r() * 4));
  text = text
    .replace(/replicas: 2/g, () => `replicas: ${pick([2, 3, 4])}`)
    .replace(/LOG_LEVEL: info/g, () => `LOG_LEVEL: ${pick(['info', 'debug'])}`);
  text = text.replace(/image: demoapp:1/g, () => `image: ${pick(['demoapp:1', 'demoapp:2'])}`);
  const head = [pick(['', `namespace: ${pick(['ns-a', 'ns-b'])}\n`]), pick(['', `partOf: ${pick(['shop', 'store'])}\n`])].join('');
  return text.replace('apps:\n', `${head}apps:\n`);
}

describe('the render cache', () => {
  it('changes no byte of the committed stages, and is used: every entry it wrote is read back (of the shape its reader takes)', () => {
    const { hits, misses } = compileThreeWays(committed());
    expect(hits).toBeGreaterThan(0);
    expect(misses).toBe(0);
  });

  it('changes no byte of random fleets that share one cache', () => {
    let hits = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const stages = ['dev', 'qa'].map((stage, i) => ({
        stage,
        file: `environments/${stage}.yaml`,
        text: randomFleet(seed * 10 + i, stage),
      }));
      hits += compileThreeWays(stages).hits;
    }
    expect(hits).toBeGreaterThan(0);
  });

  it('changes no byte of a stage whose apps include files, and a changed file is never a hit', () => {
    const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: legacy }\ndata: { A: "${value}" }\n`;
    /** A stage of a fleet app and an app of the manifests stack, which includes `in/` (path -> text). */
    const stage = (files: Record<string, string>): StageSource => ({
      stage: 'imported',
      file: 'environments/imported.yaml',
      text: fleetStageFile('imported', 2).replace('apps:\n', 'apps:\n  legacy:\n    stack: manifests\n    include: [in]\n'),
      readSource: (p) => {
        const found = Object.entries(files).filter(([f]) => f === p || f.startsWith(`${p}/`));
        return found.length ? new Map(found) : undefined;
      },
    });
    // one cache for all of them: a key that missed an included file would hand the next its
    // objects; the warm compilation finds every app (the two of the fleet and the manifests app)
    expect(compileThreeWays([stage({ 'in/a.yaml': configMap('1') })]).hits).toBe(3);
    expect(compileThreeWays([stage({ 'in/a.yaml': configMap('2') })]).hits).toBe(3);
    expect(compileThreeWays([stage({ 'in/a.yaml': configMap('2'), 'in/b.yaml': configMap('3').replace('legacy', 'other') })]).hits).toBe(3);
    expect(compileThreeWays([stage({ 'in/b.yaml': configMap('2') })]).hits).toBe(3);
  });

  it('keeps what apps are written as, not their objects, which are rendered again when asked for', () => {
    const sources = [fixtureSource('qa')];
    const options = { project, delivery: false };
    const own = mkdtempSync(join(root, 'objects-'));
    const cold = diskRenderCache(own);
    const plain = compileStages(sources, { ...options, cache: cold });
    cold.flush();
    const packs = readdirSync(join(own, RENDER_CACHE_DIR)).map((f) => readFileSync(join(own, RENDER_CACHE_DIR, f), 'utf8'));
    expect(packs.join('')).toContain('apiVersion: apps/v1');
    expect(packs.join('')).not.toContain('"apiVersion":');
    const warm = diskRenderCache(own);
    const compiled = compileStages(sources, { ...options, cache: warm });
    expect(warm.stats.hits).toBeGreaterThan(0);
    expect(warm.stats.read).toBe(0);
    expect(bytes(compiled)).toBe(bytes(plain));
    expect(warm.stats.read).toBe(warm.stats.hits);
  });

  it('treats a damaged entry as a miss', () => {
    const sources = [fixtureSource('qa')];
    const options = { project, delivery: false };
    const plain = bytes(compileStages(sources, options));
    // a cache of its own: every entry in it is one this test stored
    const own = mkdtempSync(join(root, 'damaged-'));
    const cache = diskRenderCache(own);
    compileStages(sources, { ...options, cache });
    cache.flush();
    expect(cache.stats.stored).toBeGreaterThan(0);
    const dir = join(own, RENDER_CACHE_DIR);
    let damagedFiles = 0;
    for (const name of readdirSync(dir)) {
      // the same length, so that only the entries' own digests can tell
      const path = join(dir, name);
      const text = readFileSync(path, 'utf8');
      // in the YAML documents an entry holds (a wrong hit would write the damage into dist/)
      if (text.includes('replicas: ')) damagedFiles++;
      writeFileSync(path, text.replaceAll('replicas: ', 'replicaz: '));
    }
    expect(damagedFiles).toBeGreaterThan(0);
    const damaged = diskRenderCache(own);
    expect(bytes(compileStages(sources, { ...options, cache: damaged }))).toBe(plain);
    expect(damaged.stats.hits).toBe(0);
  });

  it('removes the staging directory a killed process left, and keeps a live one', () => {
    const dead = spawnSync('true').pid;
    const dir = join(root, RENDER_CACHE_DIR);
    mkdirSync(join(dir, `.staging-${dead}-abc`), { recursive: true });
    writeFileSync(join(dir, `.staging-${dead}-abc`, 'x.json'), 'x');
    mkdirSync(join(dir, `.staging-${process.pid}-def`), { recursive: true });
    const cache = diskRenderCache(root);
    compileStages([fixtureSource('lab')], { project, cache });
    cache.flush();
    expect(existsSync(join(dir, `.staging-${dead}-abc`))).toBe(false);
    expect(existsSync(join(dir, `.staging-${process.pid}-def`))).toBe(true);
  });
});

describe('a render cache whose directory is damaged', () => {
  const damages: Record<string, (dir: string) => void> = {
    'a file at .stagecraft/cache/render': (dir) => writeFileSync(join(dir, RENDER_CACHE_DIR), 'junk\n'),
    'a FIFO at .stagecraft/cache/render': (dir) => {
      expect(spawnSync('mkfifo', [join(dir, RENDER_CACHE_DIR)]).status).toBe(0);
    },
    'a file at .stagecraft/cache': (dir) => {
      rmSync(join(dir, '.stagecraft', 'cache'), { recursive: true, force: true });
      writeFileSync(join(dir, '.stagecraft', 'cache'), 'junk\n');
    },
  };
  for (const [damage, make] of Object.entries(damages)) {
    it(`is passed over with one warning, and synth and check succeed as without it: ${damage}`, () => {
      const dir = tempProject({ lab: repoStage('lab') });
      expect(runCli('synth', ['--no-cache'], dir).code).toBe(0);
      const expected = snapshotDir(join(dir, 'dist'));
      mkdirSync(join(dir, '.stagecraft', 'cache'), { recursive: true });
      make(dir);
      // a change, so that both commands compile
      writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
      const check = runCli('check', [], dir);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain('changed: dist/lab/10-nginx.yaml');
      const warnings = check.stderr.split('\n').filter((l) => l.includes('render cache'));
      expect(warnings).toEqual([
        expect.stringMatching(
          /^warning: the render cache \.stagecraft\/cache\/render\/ cannot be written \(E[A-Z]+: .*\), so this command stores nothing in it; remove \.stagecraft\/cache/,
        ),
      ]);
      const synth = runCli('synth', [], dir);
      expect(synth.code, synth.stderr).toBe(0);
      expect(synth.stderr).toContain('warning: the render cache');
      const reference = tempProject({ lab: repoStage('lab').replace('replicas: 3', 'replicas: 4') });
      expect(runCli('synth', ['--no-cache'], reference).code).toBe(0);
      expect(snapshotDir(join(dir, 'dist'))).toEqual(snapshotDir(join(reference, 'dist')));
      expect(snapshotDir(join(dir, 'dist'))).not.toEqual(expected);
      expect(runCli('check', [], dir).code).toBe(0);
    });
  }
});

describe('app cache keys', () => {
  const stage = renderStage(
    loadStage({ stage: 'dev', file: 'environments/dev.yaml', text: fleetStageFile('dev', 1) }),
    STACKS,
    '0.0.0',
  ).stage;
  const keyOf = appCacheKeys({ compilerVersion: '0.0.0', stage, options: {} });
  const key = (settings: unknown) => keyOf({ name: 'app', stack: 'demoapp', settings });

  it('are the same for the same settings, and differ for every difference JSON would hide', () => {
    expect(key({ a: 1, b: ['x'] })).toBe(key({ a: 1, b: ['x'] }));
    const variants: unknown[] = [
      { a: 1 },
      { a: 1, b: undefined },
      { b: undefined, a: 1 },
      { a: -0 },
      { a: 0 },
      { a: Number.NaN },
      { a: null },
      { a: Number.POSITIVE_INFINITY },
      { a: [1, null] },
      { a: [1, undefined] },
      // biome-ignore lint/suspicious/noSparseArray: a hole, which JSON turns into null
      { a: [1, , 2] },
      { a: [1, null, 2] },
      { a: [1, undefined, 2] },
      { a: '1' },
      { a: true },
      { a: 'true' },
      { a: { b: 1 } },
      { a: { b: 1, c: 2 } },
      { a: { c: 2, b: 1 } },
    ];
    const keys = variants.map(key);
    expect(keys.every((k) => typeof k === 'string')).toBe(true);
    expect(new Set(keys).size).toBe(variants.length);
  });

  it("cover the files the stage's apps include, by path and text, and are the same as before for a stage without files", () => {
    const withFiles = (files: [string, string][]) =>
      appCacheKeys({ compilerVersion: '0.0.0', stage: { ...stage, files: new Map(files) }, options: {} })({
        name: 'app',
        stack: 'demoapp',
        settings: {},
      });
    const keys = [
      key({}),
      withFiles([['in/a.yaml', 'kind: A']]),
      withFiles([['in/a.yaml', 'kind: B']]),
      withFiles([['in/b.yaml', 'kind: A']]),
      withFiles([
        ['in/a.yaml', 'kind: A'],
        ['in/b.yaml', 'kind: A'],
      ]),
    ];
    expect(keys.every((k) => typeof k === 'string')).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(withFiles([['in/a.yaml', 'kind: A']])).toBe(keys[1]);
    expect(key({})).toBe(appCacheKeys({ compilerVersion: '0.0.0', stage, options: {} })({ name: 'app', stack: 'demoapp', settings: {} }));
  });

  it('are undefined for a value that cannot be keyed', () => {
    expect(key({ a: new Date(0) })).toBeUndefined();
    expect(key({ a: 1n })).toBeUndefined();
  });
});
