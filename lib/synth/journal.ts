/**
 * The journal of a write transaction (lib/synth/write.ts): `.stagecraft/journal.json` lists the
 * renames still to do once every new file is staged, so that a command interrupted while it
 * replaces files is completed by the next one (a roll forward), and one interrupted before is
 * undone (a rollback: only ignored staging files to remove). lib/synth/recover.ts does either,
 * lib/synth/finish.ts the renames.
 */
import { lstatSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { isFsError, withFs } from '../fs-problems.js';
import { crashPoint } from '../model/crash-point.cjs';
import { writeNew } from '../model/flushed-file.cjs';
import { sha256Hex } from '../model/sha256.js';
import { STATE_DIR, TMP_SUFFIX, readRegularBytes, stagedFor } from './disk.js';
import { withRoom } from './full-disk.js';

/** Below the state directory: the renames an interrupted write still has to do. */
export const JOURNAL_FILE = join(STATE_DIR, 'journal.json');

/** One rename of a transaction, paths relative to the project root. */
export interface Rename {
  readonly from: string;
  readonly to: string;
}

/** What `.stagecraft/journal.json` holds while a transaction replaces files. */
export interface Journal {
  /**
   * The real path of the project the renames are in: a `.stagecraft/` that two checkouts share (a
   * symbolic link) holds one journal, which only its own checkout may complete. Absent from journals
   * of earlier releases, completed wherever they are.
   */
  readonly root?: string;
  readonly command: string;
  readonly pid: number;
  readonly started: string;
  /**
   * The renames, in order, paths relative to the project root: inside the project, but for the file
   * a project file that is a symbolic link leads to (`../shared/qa.yaml`: lib/synth/project-files.ts).
   */
  readonly renames: readonly Rename[];
  /** What the transaction replaces, for the message after a recovery. */
  readonly targets: readonly string[];
  /** Removed when every rename is done. */
  readonly remove: readonly string[];
  /**
   * By project file a rename replaces (a stage file, the schema), its digest when the journal was
   * written (null: absent). One edited since (in an editor, after the crash) keeps that edit.
   * Absent from journals of earlier releases.
   */
  readonly replaces?: Readonly<Record<string, string | null>>;
  /**
   * By stage directory the renames replace (`dist/qa`), the stamps (`fileStamp`) of its generated
   * files hard-linked into its new directory (path below it -> stamp), as staging checked them: the
   * old and the new directory share those files until the old one is removed, so one whose stamp
   * differs by then was written over in place in the meantime, and its text is no part of the new
   * output (lib/synth/finish.ts). Absent from journals of earlier releases.
   */
  readonly linked?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * By stage directory the renames replace (`dist/qa`), the files of its new directory that it does
   * not share with the old one (path below it): written anew, or copied where the file system has no
   * hard links. With `linked`, every file of the new output: one the new directory lacks once the
   * renames resume was removed since (lib/synth/recover.ts). Absent from journals of earlier releases.
   */
  readonly written?: Readonly<Record<string, readonly string[]>>;
  /**
   * By stage directory the renames replace, the folders of its old output that the new one has not
   * (`StagePlan.dropped`): emptied by a user meanwhile, they saved nothing, and are not kept aside.
   * Absent from journals of earlier releases.
   */
  readonly dropped?: Readonly<Record<string, readonly string[]>>;
  /**
   * By stage directory the renames replace, the inode of its new directory: once the transaction
   * directory is gone (removed by hand after a kill, `rm -rf dist/.stagecraft-tx`, with the new output
   * in it), a recovery tells by it whether `dist/<stage>` is the new output or another directory
   * (lib/synth/recover.ts), which the renames' sources and targets cannot tell. Absent from journals of earlier releases.
   */
  readonly made?: Readonly<Record<string, string>>;
  /**
   * The device and inode of the output directory (`dist/`) when the journal was written
   * (`<dev>:<ino>`, `directoryId`): a project moved since (`mv`, on one file system) keeps it, and
   * its inodes of `made` still tell; one copied since (`cp -a`, `rsync`, `mv` to another file
   * system) has another, whose directories' inodes are all others. Absent from journals of earlier
   * releases, whose `root` alone tells (a project moved since taken for one copied).
   */
  readonly dist?: string;
  /**
   * Project files (as in `targets`) edited since the interruption, which keep that edit: a recovery
   * that found them rewrote the journal without their renames (their new texts go with `remove`).
   */
  readonly kept?: readonly string[];
  /**
   * The index of the first rename not done when the command was interrupted, written by the first
   * recovery of a journal with `linked` files before it does any: a recovery after that one was
   * killed tells by it whether a file written over in place was in the new output then
   * (lib/synth/finish.ts). Absent from journals of earlier releases, and before any recovery.
   */
  readonly interrupted?: number;
}

/**
 * Writes `journal` in place of the journal, whole or not at all: written beside it, flushed to the
 * disk, then renamed (a crash of the machine after the rename would otherwise leave an empty
 * journal, or one of zeroes, while its renames had begun).
 */
export function writeJournal(root: string, journal: Journal): void {
  const tmp = join(root, `${JOURNAL_FILE}${TMP_SUFFIX}`);
  // a full disk fails write(2) or fsync(2), whose errors name no file
  withFs(JOURNAL_FILE, 'writing', () => {
    // on a full disk, once more when what can be spared (the render cache's new packs) was removed
    withRoom(() => {
      try {
        mkdirSync(join(root, STATE_DIR), { recursive: true });
        writeNew(tmp, `${JSON.stringify(journal, null, 2)}\n`, { flush: true });
        crashPoint('journal-flushed');
      } catch (e) {
        // a journal not written whole is no journal: nothing is left for the next command to read
        rmSync(tmp, { force: true });
        throw e;
      }
    });
    renameSync(tmp, join(root, JOURNAL_FILE));
  });
}

/**
 * The device and inode of the directory at `path` (`Journal.dist`), undefined when nothing is there: a
 * symbolic link's target's (a `dist/` moved on its file system since and linked back keeps its directories).
 */
export function directoryId(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    return st && `${st.dev}:${st.ino}`;
  } catch (e) {
    // a link to itself (ELOOP), or through a file (ENOTDIR): no directory there
    if (isFsError(e)) return undefined;
    throw e;
  }
}

/** The SHA-256 of the file at `path`, null when there is none, or what is there when it is no regular file (a FIFO, which is replaced unread). */
export function digestOf(path: string): string | null {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return null;
  return st.isFile() ? sha256Hex(readRegularBytes(path)) : `not a regular file (mode ${st.mode.toString(8)})`;
}

/** A path of a journal that names a file of the project: relative, and never out of it. */
const inProject = (p: unknown): p is string => typeof p === 'string' && p !== '' && !isAbsolute(p) && !p.split(/[\\/]/).includes('..');

/**
 * Whether the rename from `from` (in the project) onto `to` (out of it) edits the file a project file
 * that is a symbolic link leads to, as lib/synth/project-files.ts stages it (a stage file kept in a
 * shared folder or another checkout): `from` is that project file's new text, beside it, and the
 * link leads to `to` now.
 */
function ontoLinkedFile(root: string, from: string, to: string): boolean {
  const file = stagedFor(from);
  if (file === undefined || typeof to !== 'string' || isAbsolute(to)) return false;
  try {
    return lstatSync(join(root, file)).isSymbolicLink() && realpathSync(join(root, file)) === resolve(root, to);
  } catch {
    return false;
  }
}

/** Whether `value` is absent, or a JSON mapping whose every entry passes `entry`. */
function absentOrMapping(value: unknown, entry: (key: string, value: unknown) => boolean): boolean {
  return value === undefined || (typeof value === 'object' && value !== null && Object.entries(value).every(([k, v]) => entry(k, v)));
}

/**
 * The journal in `text` of the project in `root`, or why it is not one that `finish` may follow (a
 * file emptied by a crash of the machine, edited by hand, or left by a merge): its renames are done
 * blindly, so every path must be one of the project's, or the file one of its links leads to.
 */
export function readJournal(text: string, root: string): Journal | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.trim() === '' ? 'it is empty' : 'it is not JSON';
  }
  const j = value as Partial<Record<keyof Journal, unknown>> | null;
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return 'it is not a JSON object';
  const renames = Array.isArray(j.renames) ? (j.renames as Partial<Record<keyof Rename, unknown>>[]) : undefined;
  /** The files out of the project that symbolic links of the project lead to, which the renames edit. */
  const linked = new Set<string>();
  const followed = (r: Partial<Record<keyof Rename, unknown>>) => {
    if (!inProject(r.from)) return false;
    if (inProject(r.to)) return true;
    if (!ontoLinkedFile(root, r.from, r.to as string)) return false;
    linked.add(r.to as string);
    return true;
  };
  if (!renames?.every((r) => typeof r === 'object' && r !== null && followed(r))) {
    return "its 'renames' are not a list of { from, to } paths inside the project (or onto the file a link of the project leads to)";
  }
  for (const key of ['targets', 'remove', 'kept'] as const) {
    const list = j[key];
    if (key === 'kept' && list === undefined) continue;
    if (!Array.isArray(list) || !list.every(inProject)) return `its '${key}' is not a list of paths inside the project`;
  }
  if (typeof j.command !== 'string' || typeof j.pid !== 'number' || typeof j.started !== 'string') {
    return "its 'command', 'pid' or 'started' is missing";
  }
  if (j.root !== undefined && typeof j.root !== 'string') return "its 'root' is not a path";
  if (!absentOrMapping(j.replaces, (p, d) => (inProject(p) || linked.has(p)) && (d === null || typeof d === 'string'))) {
    return "its 'replaces' is not a mapping of paths inside the project to digests";
  }
  const stamps = (dir: string, files: unknown) =>
    inProject(dir) && files !== undefined && absentOrMapping(files, (rel, stamp) => inProject(rel) && typeof stamp === 'string');
  if (!absentOrMapping(j.linked, stamps)) {
    return "its 'linked' is not a mapping of stage directories to their linked files' stamps";
  }
  const paths = (dir: string, list: unknown) => inProject(dir) && Array.isArray(list) && list.every(inProject);
  if (!absentOrMapping(j.written, paths)) return "its 'written' is not a mapping of stage directories to files below them";
  if (!absentOrMapping(j.dropped, paths)) return "its 'dropped' is not a mapping of stage directories to folders below them";
  if (!absentOrMapping(j.made, (dir, ino) => inProject(dir) && typeof ino === 'string' && /^\d+$/.test(ino))) {
    return "its 'made' is not a mapping of stage directories to inodes";
  }
  if (j.dist !== undefined && !(typeof j.dist === 'string' && /^\d+:\d+$/.test(j.dist))) return "its 'dist' is not a device and inode";
  if (
    j.interrupted !== undefined &&
    !(Number.isInteger(j.interrupted) && (j.interrupted as number) >= 0 && (j.interrupted as number) <= renames.length)
  )
    return "its 'interrupted' is not the index of one of its renames";
  return j as Journal;
}
