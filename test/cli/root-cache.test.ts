/**
 * Each checkout's own cache directory in a shared node_modules (lib/cli/root-cache.cjs): named by
 * its real path, bounded by evicting the least recently used, never one a running start holds.
 * In this process: a lease of this process is a running start's; what a start does between two
 * steps of an eviction is injected at that step (`atStep`), not timed; a process that is gone
 * (one that ran and ended) stands for a start or an evicter killed on the way.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as RootCache from '../../lib/cli/root-cache.cjs';
import type * as CrashPoint from '../../lib/model/crash-point.cjs';

// as lib/cli/run.cjs loads them: the crash points root-cache.cjs reaches are the ones `atStep` sets
const require = createRequire(import.meta.url);
const { MAX_ROOTS, claimRootCache, rootCacheDir } = require('../../lib/cli/root-cache.cjs') as typeof RootCache;
const { atStep } = require('../../lib/model/crash-point.cjs') as typeof CrashPoint;

let base: string;
let cache: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'stagecraft-root-cache-'));
  cache = join(base, 'node_modules', '.cache', 'stagecraft');
  mkdirSync(cache, { recursive: true });
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

/** A checkout's directory in the cache, named as another checkout's would be, last used `ago` seconds ago, holding a bundle. */
function otherRoot(n: number, ago: number): string {
  const dir = join(cache, `root-${n.toString(16).padStart(16, '0')}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'synth.cjs'), '// a bundle\n');
  const when = Date.now() / 1000 - ago;
  utimesSync(dir, when, when);
  return dir;
}

/** The PID of a process that ran and is gone. */
const gonePid = () => spawnSync(process.execPath, ['-e', '']).pid!;

const roots = () => readdirSync(cache).filter((n) => n.startsWith('root-'));

/** The directory of a new checkout in `base` (made here) sharing the cache: its first start claims it. */
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

  it('is made by the first start, which holds it until its process exits', () => {
    const dir = newCheckout();
    expect(claimRootCache(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([`.in-use.${process.pid}`]);
  });
});

describe('eviction, by the start that makes a new directory', () => {
  it(`keeps the ${MAX_ROOTS} directories used last, its own included, and removes the others whole`, () => {
    const others = Array.from({ length: MAX_ROOTS + 2 }, (_, i) => otherRoot(i, 100 * (i + 1)));
    const own = newCheckout();
    expect(claimRootCache(own)).toBe(true);
    expect(roots().sort()).toEqual([own, ...others.slice(0, MAX_ROOTS - 1)].map((d) => d.split('/').pop()).sort());
    expect(readdirSync(cache).filter((n) => !n.startsWith('root-'))).toEqual([]);
  });

  it('happens only when a start makes its directory: a start of a checkout whose directory is there evicts nothing', () => {
    const own = newCheckout();
    mkdirSync(own);
    for (let i = 0; i < MAX_ROOTS + 2; i++) otherRoot(i, 100 * (i + 1));
    expect(claimRootCache(own)).toBe(true);
    expect(roots()).toHaveLength(MAX_ROOTS + 3);
  });

  it('never removes the directory of a running start, the least recently used or not', () => {
    const running = otherRoot(99, 10_000);
    writeFileSync(join(running, `.in-use.${process.pid}`), '');
    utimesSync(running, 1, 1);
    for (let i = 0; i < MAX_ROOTS; i++) otherRoot(i, 100 * (i + 1));
    expect(claimRootCache(newCheckout())).toBe(true);
    expect(existsSync(join(running, 'synth.cjs'))).toBe(true);
    expect(roots()).toHaveLength(MAX_ROOTS + 1);
  });

  /**
   * A new checkout's first start, which evicts the least recently used directory (`victim`), while
   * a start of the victim's checkout comes at the evicter's `step`: whether that start may use it.
   */
  function startDuringEviction(victim: string, step: string): boolean | undefined {
    for (let i = 0; i < MAX_ROOTS - 1; i++) otherRoot(i, 100 * (i + 1));
    let claimed: boolean | undefined;
    const cancel = atStep(step, () => {
      claimed = claimRootCache(victim);
    });
    try {
      expect(claimRootCache(newCheckout())).toBe(true);
    } finally {
      cancel();
    }
    return claimed;
  }

  it('never removes the directory of a start that takes it after the evicter looked at it and found no lease', () => {
    const victim = otherRoot(99, 10_000);
    expect(startDuringEviction(victim, 'root-cache-looked')).toBe(true);
    expect(readdirSync(victim).sort()).toEqual([`.in-use.${process.pid}`, 'synth.cjs']);
  });

  it('is waited for by a start that comes while it is under way, which then does not use the directory', () => {
    const victim = otherRoot(99, 10_000);
    // the evicter's marker is written: the start waits for it (in vain here: the evicter is this thread) and gives up
    expect(startDuringEviction(victim, 'root-cache-marked')).toBe(false);
    expect(existsSync(victim)).toBe(false);
  });
});

describe('what processes killed on the way leave', () => {
  it("a start's lease does not keep its directory from eviction once its process is gone", () => {
    const left = otherRoot(99, 10_000);
    writeFileSync(join(left, `.in-use.${gonePid()}`), '');
    utimesSync(left, 1, 1);
    for (let i = 0; i < MAX_ROOTS - 1; i++) otherRoot(i, 100 * (i + 1));
    expect(claimRootCache(newCheckout())).toBe(true);
    expect(existsSync(left)).toBe(false);
  });

  it("an evicter's marker does not keep a start from its directory, and is removed", () => {
    const dir = newCheckout();
    mkdirSync(dir);
    writeFileSync(join(dir, `.evicting.${gonePid()}`), '');
    expect(claimRootCache(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([`.in-use.${process.pid}`]);
  });

  it('a directory renamed away and not yet removed is removed by the next eviction', () => {
    const away = join(cache, `.evicted.root-0000000000000001.x.${gonePid()}`);
    mkdirSync(away);
    writeFileSync(join(away, 'synth.cjs'), '// a bundle\n');
    expect(claimRootCache(newCheckout())).toBe(true);
    expect(readdirSync(cache).filter((n) => !n.startsWith('root-'))).toEqual([]);
  });
});
