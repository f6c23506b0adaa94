/**
 * Keeping the render cache's directory (lib/cli/render-cache.ts) within its bounds after a run:
 * the staging directories of processes killed before their flush are removed, then the least
 * recently used packs beyond the bytes allowed, and the least recently used of too many packs are
 * merged into one (`evict`).
 */
import { closeSync, lstatSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync, utimesSync } from 'node:fs';
import { basename, join } from 'node:path';
import { crashPoint } from '../synth/write.js';
import { openRegularFile } from '../synth/disk.js';
import { PACK_SUFFIX, PackWriter, packName, readEntry, readPackIndex } from './render-pack.js';
import { processAlive } from './stale-files.cjs';

/** The staging directories of packs not yet flushed: `.staging-<pid>-<random>/`. */
export const STAGING_PREFIX = '.staging-';

/**
 * The names of what the cache writes in its directory, and only those are ever removed: the
 * directory may hold what others put there (it is a symbolic link to a shared directory, or a
 * file was saved into it by hand). Packs (`packName`), staging directories (mkdtemp's
 * characters after the pid), and the entries of an older format, one `<sha256>.json` per app in a
 * directory named by its first two hex digits, which are not read any more.
 */
const PACK = new RegExp(`^[0-9a-f]{16}-[0-9a-z]+-\\d+-\\d+-[0-9a-f]{8}\\${PACK_SUFFIX}$`);
const STAGING = new RegExp(`^\\${STAGING_PREFIX}(\\d+)-[A-Za-z0-9]+$`);
const OLD_ENTRIES = /^[0-9a-f]{2}$/;
const OLD_ENTRY = /^[0-9a-f]{64}\.json$/;

/**
 * Removes what killed processes left, then the least recently used packs beyond the bounds (see the
 * module comment of lib/cli/render-cache.ts); nothing in `dir` that the cache did not write.
 */
export function evict(dir: string, salt: string, maxBytes: number, maxPacks: number): void {
  const packs: { path: string; size: number; used: number }[] = [];
  for (const name of readdirSafe(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path, { throwIfNoEntry: false });
    const staging = STAGING.exec(name);
    // left by a process killed before its flush
    if (staging && st?.isDirectory()) {
      if (!processAlive(Number(staging[1]))) rmSync(path, { recursive: true, force: true });
    } else if (st?.isFile() && PACK.test(name)) packs.push({ path, size: st.size, used: st.mtimeMs });
    else if (st?.isDirectory() && OLD_ENTRIES.test(name)) removeOldEntries(path);
  }
  packs.sort((a, b) => b.used - a.used);
  let bytes = packs.reduce((n, p) => n + p.size, 0);
  if (bytes > maxBytes) {
    // down to 80 % of the bound, so that eviction does not run at every command
    while (packs.length && bytes > maxBytes * 0.8) {
      const p = packs.pop()!;
      rmSync(p.path, { force: true });
      bytes -= p.size;
    }
  }
  if (packs.length > maxPacks) merge(dir, salt, packs.slice(Math.floor(maxPacks / 2)));
}

/**
 * Merges `packs` (least recently used, most recent first) into one pack of this compiler's
 * entries, dated as the most recent of them, then removes them; packs of other compilers go.
 * A kill between the steps leaves the same entries twice at worst.
 */
function merge(dir: string, salt: string, packs: readonly { path: string; used: number }[]): void {
  const staging = mkdtempSync(join(dir, `${STAGING_PREFIX}${process.pid}-`));
  try {
    const writer = new PackWriter(join(staging, packName(salt)));
    const seen = new Set<string>();
    const prefix = `${salt.slice(0, 16)}-`;
    for (const { path } of packs) {
      if (!basename(path).startsWith(prefix)) continue;
      let fd: number;
      try {
        fd = openRegularFile(path);
      } catch {
        continue; // removed meanwhile
      }
      try {
        for (const [name, offset, length, digest] of readPackIndex(path) ?? []) {
          if (seen.has(name)) continue;
          const bytes = readEntry(fd, offset, length, digest);
          if (!bytes) continue;
          writer.add(name, bytes);
          seen.add(name);
        }
      } finally {
        closeSync(fd);
      }
    }
    writer.seal();
    const merged = join(dir, basename(writer.path));
    if (writer.entries > 0) {
      const when = new Date(packs[0].used);
      utimesSync(writer.path, when, when);
      renameSync(writer.path, merged);
    }
    crashPoint('cache-merged');
    for (const { path } of packs) rmSync(path, { force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Removes the entries of the older format in `path` (one directory of them), then the directory once nothing else is in it. */
function removeOldEntries(path: string): void {
  for (const name of readdirSafe(path)) if (OLD_ENTRY.test(name)) rmSync(join(path, name), { force: true });
  try {
    rmdirSync(path);
  } catch {
    // it holds what the cache did not write: it stays
  }
}

/** The names in `dir`, none when it cannot be read (the cache is safe to delete meanwhile). */
export function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
