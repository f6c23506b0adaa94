/**
 * What rename(2) cannot do with a path a write renames, found before the journal: move a mount
 * point (EBUSY) or across file systems (EXDEV), as for a file mounted over a stage file (`docker run
 * -v ./qa.yaml:/work/environments/qa.yaml`) or a file system mounted at `dist/<stage>/` or inside
 * it; or move a directory that overlayfs keeps in a lower layer (EXDEV, where the overlay is not
 * mounted with redirect_dir=on: a container image's `dist/`).
 */
import { lstatSync, readFileSync, readdirSync, realpathSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { errnoCode } from '../fs-problems.js';

/** Where the mount table of this process is (Linux), one mount a line, where each mount is in the fifth field. */
const MOUNTINFO = '/proc/self/mountinfo';

/** The mount points of a mount table (`mountPoints`), or undefined where there is none (not Linux, or no /proc). */
export type MountTable = ReadonlySet<string> | undefined;

/** The mount points of `/proc/self/mountinfo`, read and parsed once for every path a write checks; undefined where there is none. */
export function readMountTable(): MountTable {
  let text: string;
  try {
    text = readFileSync(MOUNTINFO, 'utf8');
  } catch {
    return undefined;
  }
  return mountPoints(text);
}

/** The mount points of a mount table's text (its fifth fields, with a space, tab, line feed or backslash unescaped from octal: `\040`). */
export function mountPoints(table: string): ReadonlySet<string> {
  return new Set(
    table
      .split('\n')
      .map((line) => line.split(' ')[4])
      .filter((p) => p !== undefined)
      .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)))),
  );
}

/**
 * Whether `path` (which exists) is a mount point: one of the mount table `table` is exactly its real
 * path. st_dev decides only where there is no mount table: on overlayfs (a container's root), a
 * directory reports the overlay's device and a file the device of the layer it comes from, which
 * differ whenever the layers are on other file systems, so every file would look mounted.
 */
export function isMountPoint(path: string, table: MountTable): boolean {
  if (table === undefined) return lstatSync(path).dev !== lstatSync(dirname(path)).dev;
  return table.has(realpathSync(path));
}

/**
 * Whether rename(2) refuses to move the directory `dir` (no mount point) anywhere, saying EXDEV: on
 * overlayfs without redirect_dir=on, a directory of a lower layer, which only a copy moves. Asked of
 * the kernel by renaming `dir` onto `full`, a directory of the same file system that holds
 * something, which rename(2) refuses in any case (ENOTEMPTY or EEXIST, once it found that it could
 * move `dir`): nothing moves, and a kill -9 meanwhile leaves everything in place.
 */
export function refusesMove(dir: string, full: string): boolean {
  if (readdirSync(full).length === 0) throw new Error(`refusesMove: ${full} is empty, and ${dir} would replace it`);
  try {
    renameSync(dir, full);
  } catch (e) {
    return errnoCode(e) === 'EXDEV';
  }
  // never seen: put it back before saying so, or the transaction's cleanup would remove it with the staging directory
  renameSync(full, dir);
  throw new Error(`refusesMove: rename(2) replaced ${full}, which is not empty, with ${dir}`);
}
