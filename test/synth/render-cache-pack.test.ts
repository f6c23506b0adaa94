/**
 * The render cache's packs (lib/cli/render-cache.ts): a damaged pack is a miss, never a wrong hit;
 * a command killed between the steps of writing one leaves nothing the next run reads, and its
 * leftovers go; the packs stay within their bounds, least recently used first.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileStages, type Compiled, type StageSource } from '../../lib/compile.js';
import { serializeObjects, type CachedApp } from '../../lib/synth/rendered.js';
import type { KubeObject } from '../../lib/model/object.js';
import { diskRenderCache, RENDER_CACHE_DIR, type CacheBounds } from '../../lib/cli/render-cache.js';
import { PackWriter, readEntries, readPackIndex } from '../../lib/cli/render-pack.js';
import { fleetStageFile } from '../../bench/fleet.js';
import { repoStage, snapshotDir, tempProject } from '../helpers/cli.js';
import { run } from '../helpers/crash.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
function newRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-pack-'));
  roots.push(root);
  return root;
}

/** A stage of `apps` demoapp instances, whose image tag makes it differ from other variants. */
function fleet(stage: string, apps: number, variant = 1): StageSource[] {
  return [
    {
      stage,
      file: `environments/${stage}.yaml`,
      text: fleetStageFile(stage, apps).replace(/image: demoapp:1/g, `image: demoapp:${variant}`),
    },
  ];
}

function bytes(c: Compiled): string {
  return JSON.stringify([...c.tree].map(([s, f]) => [s, [...f]]));
}

/** Compiles `sources` with a fresh cache on `root`, flushes it, and returns the output and the cache's stats. */
function withCache(root: string, sources: StageSource[], bounds?: CacheBounds) {
  const cache = diskRenderCache(root, bounds);
  const out = bytes(compileStages(sources, { cache }));
  cache.flush();
  return { out, ...cache.stats };
}

function packs(root: string): string[] {
  const dir = join(root, RENDER_CACHE_DIR);
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.pack')) : [];
}

describe('render cache packs', () => {
  it('a cold run writes one pack, which the next run reads', () => {
    const root = newRoot();
    const sources = fleet('dev', 3);
    const plain = bytes(compileStages(sources, {}));
    const cold = withCache(root, sources);
    expect(cold.out).toBe(plain);
    expect(cold.stored).toBe(3);
    expect(packs(root)).toHaveLength(1);
    const warm = withCache(root, sources);
    expect(warm.out).toBe(plain);
    expect([warm.hits, warm.misses, warm.stored]).toEqual([3, 0, 0]);
    expect(packs(root)).toHaveLength(1);
  });

  it.each([
    ['cut in its entries', (path: string, size: number) => truncateSync(path, Math.floor(size / 2))],
    ['cut in its trailer', (path: string, size: number) => truncateSync(path, size - 10)],
    [
      'with an edited index',
      (path: string) => {
        const text = readFileSync(path, 'latin1');
        const at = text.lastIndexOf('[["') + 3;
        writeFileSync(path, `${text.slice(0, at)}${text[at] === '0' ? '1' : '0'}${text.slice(at + 1)}`, 'latin1');
      },
    ],
    ['with a byte more at its end', (path: string) => writeFileSync(path, `${readFileSync(path, 'latin1')}x`, 'latin1')],
  ])('a pack %s is not read: every app is rendered again, to the same bytes', (_, damage) => {
    const root = newRoot();
    const sources = fleet('qa', 2);
    const plain = withCache(root, sources).out;
    const [pack] = packs(root);
    const path = join(root, RENDER_CACHE_DIR, pack);
    damage(path, readFileSync(path).length);
    expect(readPackIndex(path)).toBeUndefined();
    const again = withCache(root, sources);
    expect(again.out).toBe(plain);
    expect(again.hits).toBe(0);
    expect(again.misses).toBe(2);
  });

  it('an entry edited in place (same length, index intact) is a miss; the others are hits', () => {
    const root = newRoot();
    const sources = fleet('qa', 2);
    const plain = withCache(root, sources).out;
    const path = join(root, RENDER_CACHE_DIR, packs(root)[0]);
    const text = readFileSync(path, 'latin1');
    // the first entry only: its first `minReplicas: 2` (the autoscaled Deployment has no replicas) becomes `minReplicas: 7`
    const at = text.indexOf('minReplicas: 2');
    expect(at).toBeGreaterThan(0);
    writeFileSync(path, `${text.slice(0, at)}minReplicas: 7${text.slice(at + 'minReplicas: 2'.length)}`, 'latin1');
    expect(readPackIndex(path)).toBeDefined();
    const again = withCache(root, sources);
    expect(again.out).toBe(plain);
    expect([again.hits, again.misses]).toEqual([1, 1]);
  });

  it("an app's documents stay in the pack until its file is written, and are checked again then: edited meanwhile, they are rendered again", () => {
    const root = newRoot();
    const sources = fleet('qa', 3);
    const plain = withCache(root, sources).out;
    const path = join(root, RENDER_CACHE_DIR, packs(root)[0]);
    const cache = diskRenderCache(root);
    // once the stage's entries are read ahead, every `minReplicas: 2` in the pack becomes `minReplicas: 7` (same length, same file)
    const edited = {
      ...cache,
      prefetch(keys: readonly string[]) {
        cache.prefetch?.(keys);
        const text = readFileSync(path, 'latin1');
        expect(text).toContain('minReplicas: 2');
        const fd = openSync(path, 'r+');
        try {
          writeSync(fd, text.replaceAll('minReplicas: 2', 'minReplicas: 7'), 0, 'latin1');
        } finally {
          closeSync(fd);
        }
      },
    };
    const out = bytes(compileStages(sources, { cache: edited }));
    cache.discard();
    expect(out).toBe(plain);
    // every app from the cache (the entries' lines were read before the edit), each rendered again for its file
    expect([cache.stats.hits, cache.stats.misses, cache.stats.read]).toEqual([3, 0, 3]);
  });

  it('documents used after their pack was closed are rendered again, to the same bytes', () => {
    const root = newRoot();
    const sources = fleet('qa', 2);
    withCache(root, sources);
    const cache = diskRenderCache(root);
    const apps: CachedApp[] = [];
    const keeping = {
      ...cache,
      get(key: string, render: () => KubeObject[]) {
        const app = cache.get(key, render);
        if (app) apps.push(app);
        return app;
      },
    };
    compileStages(sources, { cache: keeping });
    cache.discard();
    expect(apps).toHaveLength(2);
    for (const app of apps) {
      const { stream } = app.serialized;
      expect(typeof stream === 'object' && !(stream instanceof Uint8Array)).toBe(true);
      const text = typeof stream === 'object' && !(stream instanceof Uint8Array) ? stream.read((b) => Buffer.from(b).toString()) : '';
      expect(text).toBe(serializeObjects(app.objects).stream);
    }
  });

  it('an entry read while another is in use gets a buffer of its own', () => {
    const path = join(newRoot(), 'nested.pack');
    const writer = new PackWriter(path);
    writer.add('a', Buffer.from('first'));
    writer.add('b', Buffer.from('second'));
    writer.seal();
    const [a, b] = readPackIndex(path)!.map(([, offset, length, digest]) => ({ offset, length, digest }));
    const fd = openSync(path, 'r');
    try {
      const seen: string[] = [];
      readEntries(fd, [a], (_, outer) => {
        readEntries(fd, [b], (__, inner) => seen.push(inner.toString()));
        seen.push(outer.toString());
      });
      expect(seen).toEqual(['second', 'first']);
    } finally {
      closeSync(fd);
    }
  });

  it('entries read together: each checked on its own, in any order, near or far apart', () => {
    const path = join(newRoot(), 'entries.pack');
    const writer = new PackWriter(path);
    writer.add('a', Buffer.from('first'));
    writer.add('b', Buffer.from('second'));
    // far beyond the gap read in one go
    writer.add('pad', Buffer.alloc(200 * 1024));
    writer.add('c', Buffer.from('third'));
    writer.add('d', Buffer.from('fourth'));
    writer.seal();
    const index = new Map(readPackIndex(path)!.map(([name, offset, length, digest]) => [name, { offset, length, digest }]));
    // 'c' damaged in place: the others still read
    const text = readFileSync(path, 'latin1');
    writeFileSync(path, text.replace('third', 'THIRD'), 'latin1');
    const fd = openSync(path, 'r');
    try {
      const wanted = ['d', 'a', 'c', 'b'].map((n) => index.get(n)!);
      const read: (string | undefined)[] = wanted.map(() => undefined);
      readEntries(fd, wanted, (i, bytes) => {
        read[i] = bytes.toString();
      });
      expect(read).toEqual(['fourth', 'first', undefined, 'second']);
    } finally {
      closeSync(fd);
    }
  });

  it.each([
    // entries appended, index not written: a partial pack in the staging directory
    ['cache-entries', 0],
    // sealed, not renamed into place
    ['cache-sealed', 0],
    // renamed into place, the staging directory not yet removed
    ['cache-renamed', 1],
  ])('killed at %s: the next run reads no partial pack and removes the leftovers', (step, whole) => {
    const dir = tempProject({ lab: repoStage('lab') });
    const before = run('synth', [], dir);
    expect(before.code).toBe(0);
    const dist = snapshotDir(join(dir, 'dist'));
    rmSync(join(dir, RENDER_CACHE_DIR), { recursive: true, force: true });
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    const crashed = run('synth', [], dir, { STAGECRAFT_CRASH_AT: step, STAGECRAFT_WORKERS: '0' });
    expect(crashed.signal).toBe('SIGKILL');
    const cacheDir = join(dir, RENDER_CACHE_DIR);
    expect(readdirSync(cacheDir).filter((n) => n.startsWith('.staging-'))).toHaveLength(1);
    expect(packs(dir)).toHaveLength(whole);
    // the next run (a named stage is compiled, with the cache) gives the same bytes and cleans up
    expect(run('synth', ['lab'], dir).code).toBe(0);
    expect(snapshotDir(join(dir, 'dist'))).toEqual(dist);
    expect(readdirSync(cacheDir).filter((n) => n.startsWith('.staging-'))).toEqual([]);
    for (const p of packs(dir)) expect(readPackIndex(join(cacheDir, p))).toBeDefined();
    expect(packs(dir).length).toBeGreaterThanOrEqual(1);
  });

  it('beyond maxPacks, the least recently used packs are merged and their entries kept', () => {
    const root = newRoot();
    const bounds = { maxPacks: 4 };
    // five variants, each its own pack
    const variants = [2, 3, 4, 5, 6].map((replicas) => fleet('dev', 1, replicas));
    const plain = variants.map((v) => bytes(compileStages(v, {})));
    const dir = join(root, RENDER_CACHE_DIR);
    const dated = new Set<string>();
    variants.forEach((v, i) => {
      expect(withCache(root, v, bounds).out).toBe(plain[i]);
      // distinct modification times, the first variant's pack the least recently used
      for (const p of packs(root).filter((p) => !dated.has(p))) {
        utimesSync(join(dir, p), new Date(), new Date(Date.now() - (5 - i) * 60_000));
        dated.add(p);
      }
    });
    // 5 packs > 4: the 3 least recently used were merged into one
    expect(packs(root)).toHaveLength(3);
    variants.forEach((v, i) => {
      const again = withCache(root, v, bounds);
      expect(again.out).toBe(plain[i]);
      expect(again.hits, `variant ${i}`).toBe(1);
    });
  });

  it("the cleanup removes only what the cache wrote: others' files in its directory (a link to a shared one) stay, an older format's entries go", () => {
    const root = newRoot();
    const shared = newRoot();
    mkdirSync(join(root, RENDER_CACHE_DIR, '..'), { recursive: true });
    symlinkSync(shared, join(root, RENDER_CACHE_DIR));
    const theirs = ['notes.txt', 'photo.pack', 'ab/README', 'src/index.ts', '.staging-notes', '.staging-1-abcdef'];
    for (const f of theirs) {
      mkdirSync(join(shared, f, '..'), { recursive: true });
      writeFileSync(join(shared, f), "not the cache's");
    }
    // the older format: one entry per app, in a directory named by its first two hex digits
    const old = `cd/${'c'.repeat(64)}.json`;
    mkdirSync(join(shared, 'cd'));
    writeFileSync(join(shared, old), '{}');
    // past every bound, so that every step of the cleanup runs
    withCache(root, fleet('dev', 1, 2), { maxBytes: 1, maxPacks: 0 });
    for (const f of theirs) expect(readFileSync(join(shared, f), 'utf8'), f).toBe("not the cache's");
    expect(existsSync(join(shared, 'cd'))).toBe(false);
  });

  it('beyond maxBytes, the least recently used packs go first', () => {
    const root = newRoot();
    const dir = join(root, RENDER_CACHE_DIR);
    const old = fleet('dev', 2, 3);
    const recent = fleet('dev', 2, 4);
    withCache(root, old);
    const [oldPack] = packs(root);
    utimesSync(join(dir, oldPack), new Date(), new Date(Date.now() - 3_600_000));
    withCache(root, recent);
    const size = readFileSync(join(dir, oldPack)).length;
    // room for one pack only: the older goes, the one just used stays
    const used = withCache(root, recent, { maxBytes: Math.ceil(size * 1.5) });
    expect(used.hits).toBe(2);
    expect(packs(root)).toHaveLength(1);
    expect(packs(root)).not.toContain(oldPack);
    expect(withCache(root, recent).hits).toBe(2);
    expect(withCache(root, old).hits).toBe(0);
  });
});
