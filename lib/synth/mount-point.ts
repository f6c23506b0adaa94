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

/** A mount of the mount table: its file system type and the options of its file system (overlayfs's `redirect_dir=on`). */
export interface Mount {
  readonly type: string;
  readonly options: readonly string[];
}

/** The mounts of a mount table by mount point (`mountPoints`), or undefined where there is none (not Linux, or no /proc). */
export type MountTable = ReadonlyMap<string, Mount> | undefined;

/**
 * Where Linux says whether overlayfs follows and makes redirects by default (`Y`): a mount's options
 * name redirect_dir only when it is not the default.
 */
const REDIRECT_DEFAULT = '/sys/module/overlay/parameters/redirect_dir';

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

/**
 * The mounts of a mount table's text by mount point (its fifth field, with a space, tab, line feed
 * or backslash unescaped from octal: `\040`), each with the type and the options after its ` - `;
 * of a mount point mounted over, the last (the one on top).
 */
export function mountPoints(table: string): ReadonlyMap<string, Mount> {
  const unescaped = (p: string) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  const mounts = new Map<string, Mount>();
  for (const line of table.split('\n')) {
    const fields = line.split(' ');
    if (fields[4] === undefined) continue;
    // after the optional fields, ' - ' then the type, the source and the file system's options
    const dash = fields.indexOf('-', 5);
    mounts.set(unescaped(fields[4]), {
      type: dash < 0 ? '' : unescaped(fields[dash + 1] ?? ''),
      options: dash < 0 ? [] : (fields[dash + 3] ?? '').split(','),
    });
  }
  return mounts;
}

/**
 * Whether rename(2) may refuse to move the directory `dir` with EXDEV (`refusesMove` asks the kernel),
 * as far as the mount table `table` tells: only on overlayfs, and there not where redirect_dir=on
 * (the mount's options, or the module's default where they do not name it), with which a lower
 * layer's directory moves. Asking costs something there: with redirect_dir=on, the rename that
 * cannot succeed still copies the directory up into the upper layer. Without a mount table, it may.
 */
export function mayRefuseMove(dir: string, table: MountTable, redirectDefault: () => boolean = overlayRedirectsByDefault): boolean {
  if (table === undefined) return true;
  const path = realpathSync(dir);
  let mount: Mount | undefined;
  let longest = -1;
  for (const [point, m] of table) {
    const holds = point === '/' || path === point || path.startsWith(`${point}/`);
    if (holds && point.length > longest) {
      mount = m;
      longest = point.length;
    }
  }
  if (mount === undefined || mount.type !== 'overlay') return mount === undefined;
  const redirect = mount.options.filter((o) => o.startsWith('redirect_dir=')).pop();
  return redirect === undefined ? !redirectDefault() : redirect !== 'redirect_dir=on';
}

/** Whether overlayfs makes redirects by default on this machine (its module's parameter says `Y`). */
function overlayRedirectsByDefault(): boolean {
  try {
    return readFileSync(REDIRECT_DEFAULT, 'utf8').trim() === 'Y';
  } catch {
    return false;
  }
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
