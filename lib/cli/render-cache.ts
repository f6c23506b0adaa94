/**
 * The render cache on disk: `.stagecraft/cache/render/` (git-ignored, safe to delete at any time),
 * one file per app, named by the SHA-256 of the app's key (lib/synth/render.ts, `appCacheKey`: the
 * stage context, the app's stack and settings, the delivery settings) together with the digests of
 * the compiler's sources, lockfiles and installed packages (lib/cli/fingerprint.ts) and the Node.js
 * version. So an entry is only ever found by a run of the same compiler on the same app.
 *
 * Safety: a file holds the SHA-256 of its content on its first line and is read only when that
 * matches (a truncated or edited entry is a miss); entries are written to a staging directory
 * as they are made and renamed into place only when the command succeeded (`flush`; a failed
 * command removes its staging directory when it returns (`discard`, from main), and one left by a killed process is
 * removed by the next flush); only objects that survive JSON exactly are stored (no undefined, -0, NaN, class
 * instances). Nothing is stored when a compiler source changed just before the command started
 * (the running code might not be what the digests describe). Bounded: after a run, the least
 * recently used entries go until at most MAX_ENTRIES files and MAX_BYTES bytes remain. Entries
 * are written only when the command succeeded (`flush`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CachedApp, RenderCache } from '../synth/render.js';
import { STATE_DIR } from '../synth/write.js';
import { compilerDigests, compilerRecentlyChanged } from './fingerprint.js';

export const RENDER_CACHE_DIR = join(STATE_DIR, 'cache', 'render');
const MAX_ENTRIES = 50_000;
const MAX_BYTES = 512 * 1024 * 1024;
/** The staging directories of entries not yet flushed: `.staging-<pid>-<random>/`. */
const STAGING_PREFIX = '.staging-';
/** Bumped whenever what an entry holds changes, so that older entries are never read. */
const ENTRY_FORMAT = 2;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Whether `value` comes back from JSON.parse(JSON.stringify(value)) exactly. */
function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).every(([k, v]) => k !== '__proto__' && jsonExact(v));
  }
  return false;
}

export interface DiskRenderCache extends RenderCache {
  /** Hits and misses of this run. */
  readonly stats: { hits: number; misses: number; stored: number };
  /**
   * Writes the entries `set` since the last flush (a command calls it once it has succeeded, so
   * that a failed command leaves no file behind), then removes the least recently used entries
   * beyond the bounds.
   */
  flush(): void;
  /**
   * What a worker thread needs to read and write this cache (`workerRenderCache`): entries it
   * makes go to this cache's staging directory (made now), and are written by this cache's
   * `flush` once handed back with `adopt`.
   */
  shared(): SharedRenderCache;
  /** Takes over what a worker's cache read and staged. */
  adopt(taken: TakenEntries): void;
  /** Removes the entries staged since the last flush (a command that failed, or did not flush). */
  discard(): void;
}

/** A disk cache's state, as plain data for a worker thread. */
export interface SharedRenderCache {
  readonly dir: string;
  readonly salt: string;
  /** The staging directory of the main thread's cache; undefined when nothing may be stored. */
  readonly staging?: string;
}

/** What a worker thread's cache read and staged, handed back to the main thread's cache. */
export interface TakenEntries {
  readonly stats: { readonly hits: number; readonly misses: number };
  /** Place in the cache -> staged file. */
  readonly pending: readonly (readonly [string, string])[];
  readonly used: readonly string[];
}

/** Where entries go, and how they are read and staged: shared by the main thread's cache and workers'. */
function entryStore(dir: string, salt: string, staging: () => string | undefined) {
  const pathOf = (key: string) => {
    const name = sha256(`${salt}\n${key}`);
    return join(dir, name.slice(0, 2), `${name}.json`);
  };
  const stats = { hits: 0, misses: 0, stored: 0 };
  /** Entries written to the staging directory, by their place in the cache. */
  const pending = new Map<string, string>();
  /** Entries read: marked as used at the flush (the least recently used are evicted first). */
  const used: string[] = [];
  const cache: RenderCache = {
    get(key) {
      const path = pathOf(key);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        stats.misses++;
        return undefined;
      }
      const newline = text.indexOf('\n');
      const body = text.slice(newline + 1);
      if (newline < 0 || text.slice(0, newline) !== sha256(body)) {
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      used.push(path);
      return JSON.parse(body) as CachedApp;
    },
    set(key, app) {
      if (!jsonExact(app.objects)) return;
      const dir = staging();
      if (!dir) return;
      const path = pathOf(key);
      const staged = join(dir, basename(path));
      const body = JSON.stringify(app);
      writeFileSync(staged, `${sha256(body)}\n${body}`);
      pending.set(path, staged);
    },
  };
  return { cache, stats, pending, used };
}

/**
 * The render cache of a worker thread: reads the cache in `shared.dir`, stages entries in the main
 * thread's staging directory; `take` hands what it read and staged since the last `take` back
 * for the main thread's `adopt` and `flush`.
 */
export function workerRenderCache(shared: SharedRenderCache): RenderCache & { take(): TakenEntries } {
  const store = entryStore(shared.dir, shared.salt, () => shared.staging);
  return {
    ...store.cache,
    take() {
      // what was read and staged since the last take, so that nothing is handed back twice
      const taken = { stats: { ...store.stats }, pending: [...store.pending], used: store.used.splice(0) };
      store.stats.hits = store.stats.misses = 0;
      store.pending.clear();
      return taken;
    },
  };
}

/** The render cache of the project in `root`. */
export function diskRenderCache(root: string): DiskRenderCache {
  const dir = join(root, RENDER_CACHE_DIR);
  const salt = sha256(JSON.stringify([ENTRY_FORMAT, process.version, compilerDigests()]));
  const writable = !compilerRecentlyChanged();
  let staging: string | undefined;
  // written at once (not held in memory) to a staging directory, renamed into place by flush or removed by discard
  const stagingDir = () => {
    if (!writable) return undefined;
    if (!staging) {
      mkdirSync(dir, { recursive: true });
      staging = mkdtempSync(join(dir, `${STAGING_PREFIX}${process.pid}-`));
    }
    return staging;
  };
  const { cache, stats, pending, used } = entryStore(dir, salt, stagingDir);
  const now = new Date();
  return {
    ...cache,
    stats,
    shared: () => ({ dir, salt, staging: stagingDir() }),
    adopt(taken) {
      stats.hits += taken.stats.hits;
      stats.misses += taken.stats.misses;
      for (const [path, staged] of taken.pending) pending.set(path, staged);
      used.push(...taken.used);
    },
    discard() {
      pending.clear();
      if (staging) rmSync(staging, { recursive: true, force: true });
      staging = undefined;
    },
    flush() {
      if (!writable) return;
      for (const [path, staged] of pending) {
        mkdirSync(dirname(path), { recursive: true });
        renameSync(staged, path);
        stats.stored++;
      }
      this.discard();
      for (const path of used.splice(0)) {
        try {
          utimesSync(path, now, now);
        } catch {
          // removed meanwhile (by another command's eviction): nothing to keep
        }
      }
      const entries: { path: string; size: number; used: number }[] = [];
      for (const sub of readdirSafe(dir)) {
        if (sub.startsWith(STAGING_PREFIX)) {
          // left by a process killed before its flush
          const pid = Number(sub.slice(STAGING_PREFIX.length).split('-')[0]);
          if (!alive(pid)) rmSync(join(dir, sub), { recursive: true, force: true });
          continue;
        }
        for (const name of readdirSafe(join(dir, sub))) {
          const path = join(dir, sub, name);
          const st = statSync(path, { throwIfNoEntry: false });
          if (st?.isFile()) entries.push({ path, size: st.size, used: st.mtimeMs });
        }
      }
      let bytes = entries.reduce((n, e) => n + e.size, 0);
      let count = entries.length;
      if (count <= MAX_ENTRIES && bytes <= MAX_BYTES) return;
      // down to 80 % of the bounds, so that eviction does not run at every command
      entries.sort((a, b) => a.used - b.used);
      for (const e of entries) {
        if (count <= MAX_ENTRIES * 0.8 && bytes <= MAX_BYTES * 0.8) break;
        rmSync(e.path, { force: true });
        count--;
        bytes -= e.size;
      }
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
