/**
 * Each checkout's own cache directory in a shared node_modules (lib/cli/root-cache.cjs): named by
 * its real path, marked used by each start (its modification time), bounded by evicting the least
 * recently used that have been idle for a day. What a start does between two steps of an eviction
 * is injected at that step (`atStep`), not timed.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as RootCache from '../../lib/cli/root-cache.cjs';
import type * as CrashPoint from '../../lib/model/crash-point.cjs';

// as lib/cli/run.cjs loads them: the crash points root-cache.cjs reaches are the ones `atStep` sets
const require = createRequire(import.meta.url);
const { IDLE_MS, MAX_ROOTS, rootCacheDir, useRootCache } = require('../../lib/cli/root-cache.cjs') as typeof RootCache;
const { atStep } = require('../../lib/model/crash-point.cjs') as typeof CrashPoint;

let base: string;
let cache: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'stagecraft-root-cache-'));
  cache = join(base, 'node_modules', '.cache', 'stagecraft');
  mkdirSync(cache, { recursive: true });
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

const DAY_S = IDLE_MS / 1000;

/** Sets the modification time of `dir` to `ago` seconds ago. */
function usedAgo(dir: string, ago: number): string {
  const when = Date.now() / 1000 - ago;
  utimesSync(dir, when, when);
  return dir;
}

/** A checkout's directory in the cache, named as another checkout's would be, last used `ago` seconds ago, holding a bundle. */
function otherRoot(n: number, ago: number): string {
  const dir = join(cache, `root-${n.toString(16).padStart(16, '0')}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'synth.cjs'), '// a bundle\n');
  return usedAgo(dir, ago);
}

const roots = () => readdirSync(cache).filter((n) => n.startsWith('root-'));
const names = (dirs: string[]) => dirs.map((d) => d.split('/').pop()).sort();

/** The directory of a new checkout in `base` (made here) sharing the cache: its first start makes it. */
function newCheckout(name = 'checkout'): string {
  const root = join(base, name);
  mkdirSync(root);
  symlinkSync(join(base, 'node_modules'), join(root, 'node_modules'));
  return rootCacheDir(root);
}

describe("a checkout's cache directory", () => {
  it("is named by the checkout's real path, below node_modules/.cache/stagecraft/ as reached from the checkout", () => {
    const dir = newCheckout('a');
    expect(dir).toMatch(new RegExp(`^${join(base, 'a', 'node_modules', '.cache', 'stagecraft')}/root-[0-9a-f]{16}$`));
    symlinkSync(join(base, 'a'), join(base, 'link'));
    expect(rootCacheDir(join(base, 'link')).split('/').pop()).toBe(dir.split('/').pop());
    expect(newCheckout('b').split('/').pop()).not.toBe(dir.split('/').pop());
  });

  it('is made by the first start, and marked used by each start (its modification time), with nothing written in it', () => {
    const dir = newCheckout();
    useRootCache(dir);
    expect(readdirSync(dir)).toEqual([]);
    usedAgo(dir, 2 * DAY_S);
    useRootCache(dir);
    expect(statSync(dir).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('eviction, by the start that makes a new directory', () => {
  it(`keeps the ${MAX_ROOTS} directories used last, its own included, and removes the others whole once idle for a day`, () => {
    const others = Array.from({ length: MAX_ROOTS + 2 }, (_, i) => otherRoot(i, DAY_S + 100 * (i + 1)));
    const own = newCheckout();
    useRootCache(own);
    expect(roots().sort()).toEqual(names([own, ...others.slice(0, MAX_ROOTS - 1)]));
    expect(readdirSync(cache).filter((n) => !n.startsWith('root-'))).toEqual([]);
  });

  it('happens only when a start makes its directory: a start of a checkout whose directory is there evicts nothing', () => {
    const own = newCheckout();
    mkdirSync(own);
    for (let i = 0; i < MAX_ROOTS + 2; i++) otherRoot(i, DAY_S + 100 * (i + 1));
    useRootCache(own);
    expect(roots()).toHaveLength(MAX_ROOTS + 3);
  });

  it('never removes a directory used in the last day, the least recently used or not (a running start used its own when it began)', () => {
    const recent = otherRoot(99, DAY_S - 600);
    for (let i = 0; i < MAX_ROOTS; i++) otherRoot(i, 100 * (i + 1));
    useRootCache(newCheckout());
    expect(existsSync(join(recent, 'synth.cjs'))).toBe(true);
    expect(roots()).toHaveLength(MAX_ROOTS + 2);
  });

  it('leaves a directory whose start came after the evicter listed the cache', () => {
    const victim = otherRoot(99, 2 * DAY_S);
    for (let i = 0; i < MAX_ROOTS - 1; i++) otherRoot(i, 100 * (i + 1));
    const cancel = atStep('root-cache-listed', () => useRootCache(victim));
    try {
      useRootCache(newCheckout());
    } finally {
      cancel();
    }
    expect(readdirSync(victim)).toEqual(['synth.cjs']);
    expect(roots()).toHaveLength(MAX_ROOTS + 1);
  });

  it('takes a directory away whole before removing it: a start that comes meanwhile makes it again, empty, and builds its bundles there', () => {
    const victim = otherRoot(99, 2 * DAY_S);
    for (let i = 0; i < MAX_ROOTS - 1; i++) otherRoot(i, 100 * (i + 1));
    let seen: string[] | undefined;
    const cancel = atStep('root-cache-moved', () => {
      useRootCache(victim);
      seen = readdirSync(victim);
    });
    try {
      useRootCache(newCheckout());
    } finally {
      cancel();
    }
    expect(seen).toEqual([]);
    expect(existsSync(victim)).toBe(true);
    expect(readdirSync(cache).filter((n) => !n.startsWith('root-'))).toEqual([]);
  });
});

describe('what earlier processes left', () => {
  it("a directory's leases and eviction markers of running processes (an earlier version's) neither keep it from eviction nor hold up its start", () => {
    const left = otherRoot(99, 2 * DAY_S);
    // PID 1 always runs, as does this process
    for (const name of ['.in-use.1', `.in-use.${process.pid}`, '.evicting.1']) writeFileSync(join(left, name), '');
    usedAgo(left, 2 * DAY_S);
    for (let i = 0; i < MAX_ROOTS - 1; i++) otherRoot(i, 100 * (i + 1));
    useRootCache(newCheckout());
    expect(existsSync(left)).toBe(false);
  });

  it('a directory renamed away and not yet removed (its evicter killed) is removed by the next eviction', () => {
    const away = join(cache, '.evicted.root-0000000000000001.x.1');
    mkdirSync(away);
    writeFileSync(join(away, 'synth.cjs'), '// a bundle\n');
    useRootCache(newCheckout());
    expect(readdirSync(cache).filter((n) => !n.startsWith('root-'))).toEqual([]);
  });
});
