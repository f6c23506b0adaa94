/**
 * The render cache on disk: `.stagecraft/cache/render/` (git-ignored, safe to delete at any time).
 * An entry is what an app renders to, named by the SHA-256 of the app's key (lib/synth/cache-keys.ts,
 * `appCacheKeys`: the stage context, the app's stack and settings, the delivery settings) together
 * with the digests of the compiler's sources, lockfiles and installed packages
 * (lib/cli/digests.ts) and the Node.js version. So an entry is only ever found by a run of the
 * same compiler on the same app. It holds the app's YAML documents as written, their digests, the
 * SHA-256 of the app's file (its header and documents), what the checks found on them and a summary
 * of the objects (`KeptApp`), not the objects: the few steps that read a cached app's objects (a
 * check whose options changed, a reference into it, the edge's Services) have them rendered again.
 * Keeping them as JSON was about 4 % of a cold fleet synth's work (`JSON.stringify`, and
 * `jsonExact` to keep only objects JSON gives back exactly), and half of the cache's bytes.
 *
 * Packed: the entries a run makes go into a few pack files (one per thread that renders, and one
 * per stage a worker thread compiles), not one file per app: a cold run of a 1,000-app x 4-stage
 * fleet created 4,000 files, which cost seconds of system time. A pack (lib/cli/render-pack.ts) is
 * the entries one after another (each a line of JSON with the digests, the summary and the kept
 * check results, then the app's YAML stream: `encodeEntry`, lib/cli/render-entry.ts), then its index (name,
 * offset, length and SHA-256 of each entry), then a trailer of fixed length giving the index's
 * offset, length and SHA-256. Packs are named `<salt>-<unique>.pack`, the salt being the
 * compiler's digests, so that only the packs of this compiler are read. The entries of a stage are
 * read ahead at once (`prefetch`), in as few reads as their places in the packs allow, into a
 * buffer that is reused; only their lines are kept. An app's file is compared with the one in
 * `dist/`, and recorded in the fingerprint, by the SHA-256 its line gives. Its documents stay in the
 * pack, which stays open until the command ends, and are read (and checked) again only when the
 * file is written or a command needs its text (`StoredBytes`): kept in memory, a stage's 18 MB of
 * them cost more in memory touched for the first time than reading them again (bench/README.md).
 *
 * Safety: an entry is read only when the SHA-256 of its bytes is the one its pack's index gives
 * and its line has the shape this compiler writes (`entryHead`: a line made by hand or by another
 * program is a miss too, not a command stopped), and an index only when its trailer is whole and its
 * SHA-256 matches (a truncated or edited pack or entry is a miss, never a wrong hit); packs are written to a staging directory as entries are
 * made and renamed into place only when the command succeeded (`flush`; a failed command removes
 * its staging directory when it returns (`discard`, from main), and one left by a killed process
 * is removed by the next flush). Nothing is stored when a compiler source changed just before the
 * command started (the running code might not be what the digests describe).
 *
 * Bounded, least recently used first: a pack's modification time is the last time one of its
 * entries was read (set at the flush). After a run, the least recently used packs go until at
 * most MAX_BYTES remain; beyond MAX_PACKS packs (each run that renders something adds one), the
 * least recently used packs but the MAX_PACKS / 2 most recent are merged into one.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, utimesSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { RenderCache } from '../synth/rendered.js';
import { crashPoint } from '../synth/write.js';
import { STATE_DIR } from '../synth/disk.js';
import { ENTRY_FORMAT } from './render-entry.js';
import { STAGING_PREFIX, evict } from './render-evict.js';
import { entryStore } from './render-store.js';
import { sha256Hex } from '../model/sha256.js';
import { compilerDigests, compilerRecentlyChanged } from './digests.js';
import { fileOnTheWay } from '../fs-problems.js';
import { spareRoom } from '../synth/full-disk.js';

export const RENDER_CACHE_DIR = join(STATE_DIR, 'cache', 'render');
const MAX_BYTES = 512 * 1024 * 1024;
/** Packs kept before the least recently used are merged (each is opened when the cache is first read). */
const MAX_PACKS = 32;
export interface DiskRenderCache extends RenderCache {
  /** Hits and misses of this run, entries stored by its flushes, and hits whose objects were asked for (rendered again). */
  readonly stats: { hits: number; misses: number; stored: number; read: number };
  /**
   * Puts the packs written since the last flush in place (a command calls it once it has
   * succeeded, so that a failed command leaves no file behind), then removes the least recently
   * used packs beyond the bounds.
   */
  flush(): void;
  /**
   * What a worker thread needs to read and write this cache (`workerRenderCache`): packs it
   * writes go to this cache's staging directory (made now), and are put in place by this cache's
   * `flush` once handed back with `adopt`.
   */
  shared(): SharedRenderCache;
  /** Takes over what a worker's cache read and wrote. */
  adopt(taken: TakenEntries): void;
  /** Removes the packs written since the last flush (a command that failed, or did not flush). */
  discard(): void;
}

/** A disk cache's state, as plain data for a worker thread. */
export interface SharedRenderCache {
  readonly dir: string;
  readonly salt: string;
  /** The staging directory of the main thread's cache; undefined when nothing may be stored. */
  readonly staging?: string;
}

/** What a worker thread's cache read and wrote, handed back to the main thread's cache. */
export interface TakenEntries {
  readonly stats: { readonly hits: number; readonly misses: number };
  /** Sealed packs in the staging directory, with their number of entries. */
  readonly packs: readonly (readonly [string, number])[];
  /** Packs entries were read from (their use is recorded at the flush). */
  readonly used: readonly string[];
  /** Why the file system refused the worker's pack (a full disk), for the main thread's one warning. */
  readonly refused?: { readonly code?: string; readonly message: string };
}

/**
 * The render cache of a worker thread: reads the cache in `shared.dir`, writes packs in the main
 * thread's staging directory; `take` seals the pack of what it wrote since the last `take` and
 * hands it and what it read back for the main thread's `adopt` and `flush`.
 */
export function workerRenderCache(shared: SharedRenderCache): WorkerRenderCache {
  let refused: TakenEntries['refused'];
  const store = entryStore(
    shared.dir,
    shared.salt,
    () => shared.staging,
    (e) => {
      refused ??= { code: (e as NodeJS.ErrnoException).code, message: (e as Error).message };
    },
  );
  // a worker stages its stage's files before it hands back the packs it wrote rendering them (lib/cli/stage-workers.ts),
  // and what a full disk may take back is this thread's (lib/synth/full-disk.ts): those packs are given up, the refusal
  // handed back with them for the main thread's one warning (and its cache then stores nothing)
  const unspare = spareRoom((e) => {
    const mine = store.sealed.splice(0).map(([pack]) => pack);
    const freed = store.writing() || mine.length > 0;
    if (!freed) return false;
    store.refuse(e);
    for (const pack of mine) rmSync(pack, { force: true });
    unspare();
    return true;
  });
  return {
    ...store.cache,
    take() {
      store.seal();
      store.closeReaders();
      // what was read and written since the last take, so that nothing is handed back twice
      const taken = { stats: { ...store.stats }, packs: store.sealed.splice(0), used: [...store.used], ...(refused ? { refused } : {}) };
      store.stats.hits = store.stats.misses = 0;
      store.used.clear();
      return taken;
    },
  };
}

/** A worker thread's render cache: `take` hands back what it read and wrote since the last take. */
export type WorkerRenderCache = RenderCache & { take(): TakenEntries };

/** How large the cache may grow (see the module comment). */
export interface CacheBounds {
  /** @default 512 MiB */
  readonly maxBytes?: number;
  /** @default 32 */
  readonly maxPacks?: number;
  /** Where the one warning about a cache that cannot be written goes. @default - stderr */
  readonly warn?: (line: string) => void;
}

/** The render cache of the project in `root`. */
export function diskRenderCache(
  root: string,
  { maxBytes = MAX_BYTES, maxPacks = MAX_PACKS, warn = (l) => process.stderr.write(`${l}\n`) }: CacheBounds = {},
): DiskRenderCache {
  const dir = join(root, RENDER_CACHE_DIR);
  const salt = sha256Hex(JSON.stringify([ENTRY_FORMAT, process.version, compilerDigests()]));
  let writable = !compilerRecentlyChanged();
  // the cache is safe to delete or damage: one that cannot be written (a file or a FIFO where its
  // directory goes, no permission, a full disk) is passed over, with one line, and the command goes on
  // what stands where a directory of the cache goes: the cache itself, or a file in its place, .stagecraft included
  const inTheWay = (code: string) => {
    const file = /^(ENOTDIR|EEXIST)$/.test(code) ? fileOnTheWay(dir) : undefined;
    return file === undefined ? join(STATE_DIR, 'cache') : relative(root, file);
  };
  const passOver = (e: unknown) => {
    if (!writable) return;
    writable = false;
    const reason = e instanceof Error ? e.message.split(',')[0] : String(e);
    // removing the cache helps only where something is in its way, not where nothing can be written
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const advice = /^(EACCES|EPERM|EROFS|ENOSPC|EDQUOT|EFBIG)$/.test(code)
      ? 'the next command that can write the project fills it'
      : `remove ${inTheWay(code)} (it is safe to delete) and the next command makes it again`;
    warn(`warning: the render cache ${RENDER_CACHE_DIR}/ cannot be written (${reason}), so this command stores nothing in it; ${advice}`);
  };
  let staging: string | undefined;
  let unspare = () => {};
  // written at once (not held in memory) to a staging directory, renamed into place by flush or removed by discard
  const stagingDir = () => {
    if (!writable) return undefined;
    if (!staging) {
      try {
        mkdirSync(dir, { recursive: true });
        staging = mkdtempSync(join(dir, `${STAGING_PREFIX}${process.pid}-`));
        // on a full disk the output comes first: what this command staged here is given up, and said so (lib/synth/full-disk.ts)
        // (the packs read stay open: a cached app's documents are read from them when its file is written)
        unspare = spareRoom((e) => {
          // a staging directory made for workers to write into (`shared`) frees nothing while it holds no pack: the write
          // that found the disk full is not tried again for it (with --no-cache, a full disk at the journal then failed or
          // not by whether a worker had started)
          if (sealed.length === 0 && !store.writing() && !(staging && readdirSync(staging).length > 0)) return false;
          store.refuse(e);
          sealed.length = 0;
          if (staging) rmSync(staging, { recursive: true, force: true });
          staging = undefined;
          unspare();
          return true;
        });
      } catch (e) {
        passOver(e);
        return undefined;
      }
    }
    return staging;
  };
  const store = entryStore(dir, salt, stagingDir, passOver);
  const { cache, stats, sealed, used } = store;
  const discard = () => {
    store.drop();
    if (staging) rmSync(staging, { recursive: true, force: true });
    staging = undefined;
    unspare();
  };
  return {
    ...cache,
    stats,
    shared: () => ({ dir, salt, staging: stagingDir() }),
    adopt(taken) {
      stats.hits += taken.stats.hits;
      stats.misses += taken.stats.misses;
      sealed.push(...taken.packs.map(([p, n]) => [p, n] as [string, number]));
      for (const p of taken.used) used.add(p);
      if (taken.refused) passOver(Object.assign(new Error(taken.refused.message), { code: taken.refused.code }));
    },
    discard,
    flush() {
      if (!writable) {
        discard();
        return;
      }
      try {
        store.seal();
        crashPoint('cache-sealed');
        for (const [path, entries] of sealed) {
          renameSync(path, join(dir, basename(path)));
          stats.stored += entries;
        }
        crashPoint('cache-renamed');
      } catch (e) {
        // the command has succeeded: what it could not store is only a miss next time
        passOver(e);
      }
      this.discard();
      const now = new Date();
      for (const path of used) {
        try {
          utimesSync(path, now, now);
        } catch {
          // removed meanwhile (by another command's eviction): nothing to keep
        }
      }
      used.clear();
      try {
        evict(dir, salt, maxBytes, maxPacks);
      } catch (e) {
        passOver(e);
      }
    },
  };
}
