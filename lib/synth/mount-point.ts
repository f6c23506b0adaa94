/**
 * Whether a path a write renames is a mount point, which rename(2) refuses (EBUSY) or cannot move
 * across (EXDEV): a file mounted over a stage file (`docker run -v ./qa.yaml:/work/environments/qa.yaml`),
 * a file system mounted at `dist/<stage>/` or inside it.
 */
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the mount table of this process is (Linux), one mount a line, where each mount is in the fifth field. */
const MOUNTINFO = '/proc/self/mountinfo';

/** The text of `/proc/self/mountinfo`, or undefined where there is none (not Linux, or no /proc). */
export function readMountTable(): string | undefined {
  try {
    return readFileSync(MOUNTINFO, 'utf8');
  } catch {
    return undefined;
  }
}

/** The mount points of a mount table's text (its fifth fields, with a space, tab, line feed or backslash unescaped from octal: `\040`). */
function mountPoints(table: string): Set<string> {
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
export function isMountPoint(path: string, table: string | undefined): boolean {
  if (table === undefined) return lstatSync(path).dev !== lstatSync(dirname(path)).dev;
  return mountPoints(table).has(realpathSync(path));
}
