/**
 * How one file gets into a stage directory being staged (lib/synth/stage-directory.ts): written
 * anew, piece by piece, or an old file of the output whose bytes are the new ones linked (or
 * copied) and compared; and what staging reads of an old file in place.
 */
import { type BigIntStats, closeSync, constants, copyFileSync, linkSync, lstatSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../fs-problems.js';
import { wantsRoom } from './full-disk.js';
import { everyPiece, type FileContent, type StageFileTree } from './file-content.js';
import { INVENTORY_FILE, holdsBytes, isGenerated } from './disk.js';

/** Writes `content` to a new file at `path`, piece by piece (none copied into one string or buffer first). */
export function writeContent(path: string, content: FileContent): void {
  const fd = openSync(path, 'w');
  try {
    const all = (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    };
    everyPiece(content, (p) => {
      if (typeof p !== 'string') return all(p);
      // text as it is; the rest as bytes, should the file system take less of it
      const n = writeSync(fd, p);
      if (n < Buffer.byteLength(p)) all(Buffer.from(p).subarray(n));
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether every file of `files` in `dir` (each there, of its size) holds its bytes: read in place,
 * once each, up to the first that does not (the directory is then replaced, its unchanged files linked).
 * The inventory first: it lists every object's digest, so a changed object (one app edited, the
 * common change) changes it, and the apps' files before the first that changed are not read twice.
 */
export function holdsAll(dir: string, files: StageFileTree): boolean {
  const inventory = files.get(INVENTORY_FILE);
  if (inventory !== undefined && !holdsBytes(join(dir, INVENTORY_FILE), inventory)) return false;
  for (const [rel, content] of files) if (rel !== INVENTORY_FILE && !holdsBytes(join(dir, rel), content)) return false;
  return true;
}

/**
 * Whether the file at `path`, which staging took for a generated file by its size (its lstat then:
 * `was`), has no header and is as staging saw it (its inode, size and modification time): a user's
 * file that was there, not one saved since (which `sinceStaged` refuses as such).
 */
export function headerlessAsSeen(path: string, was: BigIntStats): boolean {
  const now = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  if (!now?.isFile() || now.ino !== was.ino || now.size !== was.size || now.mtimeNs !== was.mtimeNs) return false;
  try {
    return !isGenerated(path);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Puts the file `from`, of the size of `content` when staging looked at it, at `to` (a path in the
 * staging directory) when it holds the bytes of `content`: a hard link (when `link`), so the file
 * keeps its inode and modification time, or a copy where the file system has no links, or keeps
 * coarse times (`link` false: a write in place in the link's second would leave its stamp). Nothing of stagecraft's ever
 * writes into a file in place (every write goes to a new staging file), so the old and the new
 * directory can share it. Returns the link's lstat (the stamp to record, never taken again: an edit
 * in between would pass for the file as staged), 'copied', or undefined, with nothing left at `to`,
 * when the file does not hold those bytes (or is gone): the new file is written instead.
 *
 * The bytes are read once, and only after the link and its stamp: a write before that stamp is in
 * the bytes read, one after it moves the change time past the stamp, which the checks before the
 * journal (`sinceStaged`) and at the renames (lib/synth/finish.ts) compare. Compared before the
 * link, a write in between that keeps the inode, the size and the modification time (`cp -p` over
 * the file, `touch -r`) would leave only its change time, which the link then moves again. A copy
 * is compared itself: what the new directory holds, which no write into the old file changes.
 */
export function reuse(
  from: string,
  to: string,
  content: FileContent,
  link: boolean,
  inPlaceFirst: boolean,
): BigIntStats | 'copied' | undefined {
  // read where it is first: one that differs is written anew, never linked
  if (inPlaceFirst && !holdsBytes(from, content)) return undefined;
  let linked = false;
  if (link) {
    try {
      linkSync(from, to);
      linked = true;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return undefined;
      // no inode or directory block left for it: a copy would take more (the caller frees what it can spare first)
      if (wantsRoom(e)) throw e;
    }
  }
  if (!linked) {
    try {
      copyFileSync(from, to, constants.COPYFILE_EXCL);
    } catch (c) {
      // gone, or a directory saved under its name since (no link to it either): written anew, and refused as saved since (`sinceStaged`)
      if (errnoCode(c) === 'ENOENT' || errnoCode(c) === 'EISDIR') return undefined;
      throw c;
    }
  }
  const now = linked ? lstatSync(to, { bigint: true }) : undefined;
  if (holdsBytes(to, content)) return now ?? 'copied';
  rmSync(to, { force: true });
  return undefined;
}
