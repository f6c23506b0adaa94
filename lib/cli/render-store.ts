/**
 * Where the render cache's entries are found, and how they are read and written (lib/cli/render-cache.ts
 * says what an entry and a pack are): the part shared by the main thread's cache and each worker thread's.
 * It reads packs' indexes at the first look-up, reads a stage's entries ahead (`prefetch`), writes the
 * entries a thread makes into one pack in the staging directory `staging` gives, and gives up writing
 * (`refuse`) when the file system refuses a pack.
 */
import { closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CachedApp, RenderCache } from '../synth/rendered.js';
import type { KubeObject } from '../model/object.js';
import { openRegularFile } from '../synth/disk.js';
import { PACK_SUFFIX, PackWriter, packName, readEntries, readPackIndex } from './render-pack.js';
import { cachedApp, encodeEntry, entryHead, storedDocuments } from './render-entry.js';
import { readdirSafe } from './render-evict.js';
import { sha256Hex } from '../model/sha256.js';
import { isFsError } from '../fs-problems.js';

/** Where entries are found, and how they are read and written: shared by the main thread's cache and workers'. */
export function entryStore(dir: string, salt: string, staging: () => string | undefined, refused: (e: unknown) => void = () => {}) {
  const nameOf = (key: string) => sha256Hex(`${salt}\n${key}`);
  const stats = { hits: 0, misses: 0, stored: 0, read: 0 };
  /** Name -> where its entries are, read from the indexes of this compiler's packs at the first `get`. */
  let found: Map<string, { pack: string; offset: number; length: number; digest: string }[]> | undefined;
  let writer: PackWriter | undefined;
  /** Whether the file system refused a pack (a full disk, a file size limit): nothing more is written. */
  let refusing = false;
  /** The file system refused the pack being written: it is dropped (unsealed, its staging directory goes), and the command goes on. */
  const refuse = (e: unknown) => {
    if (!isFsError(e)) throw e;
    refusing = true;
    try {
      writer?.close();
    } catch {
      // closed already
    }
    // its bytes go now, not with its staging directory at the end: on a full disk, the journal needs that room
    if (writer) rmSync(writer.path, { force: true });
    writer = undefined;
    refused(e);
  };
  /** Packs sealed since the last flush (or take), with their number of entries. */
  const sealed: [string, number][] = [];
  /** Packs read from: marked as used at the flush (the least recently used are evicted first). */
  const used = new Set<string>();
  /** Entries read ahead by `prefetch`, by name: their pack and what they keep but their documents. */
  const prefetched = new Map<string, { pack: string; app: (render: () => KubeObject[]) => CachedApp }>();
  /** Packs open for reading, by path (-1: could not be opened: removed meanwhile by another command's eviction). */
  const readers = new Map<string, number>();
  const readerOf = (pack: string) => {
    let fd = readers.get(pack);
    if (fd === undefined) {
      try {
        fd = openRegularFile(pack);
      } catch {
        fd = -1;
      }
      readers.set(pack, fd);
    }
    return fd;
  };
  /** Closes the packs open for reading (each is opened once, not once per entry). */
  const closeReaders = () => {
    for (const fd of readers.values()) if (fd >= 0) closeSync(fd);
    readers.clear();
    prefetched.clear();
  };
  const load = () => {
    found = new Map();
    const prefix = `${salt.slice(0, 16)}-`;
    for (const name of readdirSafe(dir)) {
      if (!name.startsWith(prefix) || !name.endsWith(PACK_SUFFIX)) continue;
      const pack = join(dir, name);
      for (const [entry, offset, length, digest] of readPackIndex(pack) ?? []) {
        const at = found.get(entry) ?? [];
        at.push({ pack, offset, length, digest });
        found.set(entry, at);
      }
    }
    return found;
  };
  const cache: RenderCache = {
    prefetch(keys) {
      const index = found ?? load();
      const byPack = new Map<string, { name: string; offset: number; length: number; digest: string }[]>();
      for (const key of keys) {
        const name = nameOf(key);
        const at = index.get(name)?.[0];
        if (!at) continue;
        const list = byPack.get(at.pack) ?? [];
        list.push({ name, ...at });
        byPack.set(at.pack, list);
      }
      for (const [pack, list] of byPack) {
        const fd = readerOf(pack);
        if (fd < 0) continue;
        readEntries(fd, list, (i, bytes) => {
          // the entry's line now, while its bytes are at hand; its documents stay in the pack
          const head = entryHead(bytes);
          // not what this compiler writes: left for `get`, which finds no other entry of it (a miss) or another's
          if (!head) return;
          const app = (render: () => KubeObject[]) => cachedApp(head, storedDocuments(fd, list[i], head.start, render), render);
          prefetched.set(list[i].name, { pack, app });
        });
      }
    },
    get(key, render) {
      const name = nameOf(key);
      const counted = () => {
        stats.read++;
        return render();
      };
      const hit = (pack: string, app: CachedApp) => {
        stats.hits++;
        used.add(pack);
        return app;
      };
      const ahead = prefetched.get(name);
      if (ahead) {
        prefetched.delete(name);
        return hit(ahead.pack, ahead.app(counted));
      }
      for (const entry of (found ?? load()).get(name) ?? []) {
        const fd = readerOf(entry.pack);
        if (fd < 0) continue;
        let app: CachedApp | undefined;
        readEntries(fd, [entry], (_, bytes) => {
          const head = entryHead(bytes);
          if (head) app = cachedApp(head, storedDocuments(fd, entry, head.start, counted), counted);
        });
        if (app) return hit(entry.pack, app);
      }
      stats.misses++;
      return undefined;
    },
    set(key, app) {
      const into = refusing ? undefined : staging();
      if (!into) return;
      try {
        writer ??= new PackWriter(join(into, packName(salt)));
        writer.add(nameOf(key), encodeEntry(app));
      } catch (e) {
        refuse(e);
      }
    },
  };
  /** Seals the pack being written, if any. */
  const seal = () => {
    if (!writer) return;
    try {
      writer.seal();
    } catch (e) {
      refuse(e);
      return;
    }
    sealed.push([writer.path, writer.entries]);
    writer = undefined;
  };
  /** Closes the pack being written without sealing it. */
  const drop = () => {
    closeReaders();
    writer?.close();
    writer = undefined;
    sealed.length = 0;
  };
  return { cache, stats, sealed, used, seal, drop, closeReaders, refuse, writing: () => writer !== undefined };
}
