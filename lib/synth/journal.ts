/**
 * The journal of a write transaction (lib/synth/write.ts): `.stagecraft/journal.json` lists the
 * renames still to do once every new file is staged, so that a command interrupted while it
 * replaces files is completed by the next one (a roll forward), and one interrupted before is
 * undone (a rollback: only ignored staging files to remove). `recover` does either.
 */
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ProblemsError, escapeName, nameList, type Problem } from '../errors.js';
import { errnoCode, fsProblem, isFsError, withFs } from '../fs-problems.js';
import { crashPoint } from '../model/crash-point.cjs';
import { STATE_DIR, TMP_SUFFIX, TX_DIR, present, readRegularBytes, readRegularFile, scanDir, stagedFor } from './disk.js';
import { writeNew } from '../model/flushed-file.cjs';
import { sha256Hex } from '../model/sha256.js';

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
   * Project files (as in `targets`) edited since the interruption, which keep that edit: a recovery
   * that found them rewrote the journal without their renames (their new texts go with `remove`).
   */
  readonly kept?: readonly string[];
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
    try {
      mkdirSync(join(root, STATE_DIR), { recursive: true });
      writeNew(tmp, `${JSON.stringify(journal, null, 2)}\n`, { flush: true });
      crashPoint('journal-flushed');
    } catch (e) {
      // a journal not written whole is no journal: nothing is left for the next command to read
      rmSync(tmp, { force: true });
      throw e;
    }
    renameSync(tmp, join(root, JOURNAL_FILE));
  });
}

/** The SHA-256 of the file at `path`, null when there is none, or what is there when it is no regular file (a FIFO, which is replaced unread). */
export function digestOf(path: string): string | null {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return null;
  return st.isFile() ? sha256Hex(readRegularBytes(path)) : `not a regular file (mode ${st.mode.toString(8)})`;
}

/**
 * Does the renames of `journal` from the `first`, then removes the transaction directory and the
 * journal. Returns the directories where what a user saved into a stage directory after the journal
 * was written (after a crash, before the recovery) is kept (`keepSaved`).
 */
export function finish(root: string, journal: Journal, first: number): string[] {
  const abs = (p: string) => join(root, p);
  const kept: string[] = [];
  journal.renames.forEach((r, i) => {
    if (i < first) return;
    // a source missing after a crash can only be a rename already done
    if (present(abs(r.from))) {
      const into = intoTransaction(r.to);
      if (into && present(abs(r.to))) {
        // done already: what has the source's name now was saved since (the old directory's, kept by `keepSaved`)
      } else {
        // a stage directory made again after its old one moved aside (killed there, then `git checkout
        // dist/qa`; or an empty one made while the stage compiled): its generated files and the
        // directories they leave empty are removed, and only one holding something else is kept, not
        // replaced; a file or a symbolic link put there is kept as it is
        if (!into && intoTransaction(r.from) && present(abs(r.to))) {
          const folders = foldersOf(abs(r.from));
          if (!lstatSync(abs(r.to)).isDirectory()) kept.push(keepAside(root, journal, r.to, [], r.to, folders));
          else {
            const { foreign } = scanDir(abs(r.to), { output: folders });
            if (foreign.length) kept.push(keepAside(root, journal, r.to, foreign, r.to, folders));
            else removeGenerated(abs(r.to), true, folders);
          }
        }
        renameSync(abs(r.from), abs(r.to));
      }
    }
    crashPoint(`rename-${i + 1}`);
  });
  kept.push(...keepSaved(root, journal));
  for (const p of journal.remove) rmSync(abs(p), { recursive: true, force: true });
  crashPoint('cleanup');
  // and the journal a recovery killed while it rewrote it left beside it (`keepEdits`)
  rmSync(abs(`${JOURNAL_FILE}${TMP_SUFFIX}`), { force: true });
  rmSync(abs(JOURNAL_FILE), { force: true });
  return kept;
}

/**
 * What is not generated output in an old stage directory the renames moved into the transaction
 * directory (`dist/.stagecraft-tx/old/<stage>`), about to be removed: entries a user saved into
 * `dist/<stage>/` after the journal was written (the foreign entries found before moved into the new
 * directory first). Never removed, nor moved onto anything: its generated files are removed, and the
 * directory with what is left becomes `dist/<stage>.kept-<when its renames began, UTC>` (a
 * name that is free), beside the new one. A recovery killed here does the same again. Returns those directories.
 */
function keepSaved(root: string, journal: Journal): string[] {
  const kept: string[] = [];
  for (const { from, to } of journal.renames) {
    const old = dirname(to);
    if (basename(old) !== 'old' || basename(dirname(old)) !== TX_DIR) continue;
    const st = lstatSync(join(root, to), { throwIfNoEntry: false });
    if (st === undefined) continue;
    // a file or a link put in place of dist/<stage> after the journal, moved aside as the old directory: kept as it is
    if (!st.isDirectory()) {
      kept.push(keepAside(root, journal, to, [], from));
      continue;
    }
    // the new directory has taken the stage directory's place: its folders are the output's
    const folders = foldersOf(join(root, from));
    const scan = scanDir(join(root, to), { output: folders });
    if (!scan.foreign.length) continue;
    for (const f of scan.foreign) unshare(join(root, to, f), join(root, from, f));
    kept.push(keepAside(root, journal, to, scan.foreign, from, folders));
  }
  return kept;
}

/**
 * Removes `shared` when it is the very file `saved` is (the same device and inode): a generated
 * file of the old directory hard-linked into the new one, since written over in place (`>`, as most
 * editors save), which would otherwise stand in the new output with the user's text, that text
 * kept as well. The user's text is kept (`saved`); the output has the file missing, which the next
 * synth writes again.
 */
function unshare(saved: string, shared: string): void {
  const a = lstatSync(saved, { bigint: true, throwIfNoEntry: false });
  const b = lstatSync(shared, { bigint: true, throwIfNoEntry: false });
  if (a?.isFile() && b?.isFile() && a.dev === b.dev && a.ino === b.ino) rmSync(shared);
}

/** Whether a path below `dir` is a folder there: the folders of a new stage directory, which are the output's (`scanDir`'s `output`). */
const foldersOf =
  (dir: string) =>
  (rel: string): boolean =>
    lstatSync(join(dir, rel), { throwIfNoEntry: false })?.isDirectory() === true;

/** Whether a journal's rename onto `to` moves something into the transaction directory (a foreign entry carried, an old directory). */
const intoTransaction = (to: string) => to.split(/[\\/]/).includes(TX_DIR);

/**
 * Moves the directory `dir` (holding the foreign entries `foreign`, said in the message), or the
 * file or link there, to `<stage>.kept-<when its renames began, UTC>` beside the stage directory
 * `stageDir` (a free name), a directory's generated files, and the folders of the output (`folders`)
 * they leave empty, removed first (a kill between leaves only what is kept). Returns what to say.
 */
function keepAside(
  root: string,
  journal: Journal,
  dir: string,
  foreign: readonly string[],
  stageDir = dir,
  folders?: (rel: string) => boolean,
): string {
  const st = lstatSync(join(root, dir));
  if (st.isDirectory()) removeGenerated(join(root, dir), false, folders);
  crashPoint('kept');
  const stamp = journal.started.replace(/[^0-9T]/g, '').slice(0, 15);
  let place = `${stageDir}.kept-${stamp}`;
  for (let n = 2; present(join(root, place)); n++) place = `${stageDir}.kept-${stamp}-${n}`;
  renameSync(join(root, dir), join(root, place));
  if (!st.isDirectory())
    return `${escapeName(place)} (${st.isSymbolicLink() ? 'a symbolic link' : 'a file'} put at ${escapeName(stageDir)})`;
  return `${escapeName(place)}/ (${foreign.map(escapeName).join(', ') || 'empty'})`;
}

/**
 * Removes the generated files below `dir`, then the folders that leaves empty and the empty folders
 * of the output (`folders`), deepest first (`dir` too when `self`). Never removes anything else: a
 * directory that is not empty (an entry saved meanwhile) stays, and the rename onto it then fails
 * rather than replacing it.
 */
function removeGenerated(dir: string, self: boolean, folders?: (rel: string) => boolean): void {
  const scan = scanDir(dir, { output: folders });
  for (const file of scan.owned) rmSync(join(dir, file), { force: true });
  // the folders holding something of ours, parents first: each is removed after what it holds
  const empty = scan.folders.reverse();
  if (self) empty.push('.');
  for (const d of empty) {
    try {
      rmdirSync(join(dir, d));
    } catch (e) {
      if (errnoCode(e) !== 'ENOTEMPTY' && errnoCode(e) !== 'EEXIST' && errnoCode(e) !== 'ENOENT') throw e;
    }
  }
}

/**
 * What would stop one of `renames` once the journal is written, found before it is: a directory
 * this user cannot write (a read-only `dist/<stage>/`, with `chmod -w`, or one on a read-only file
 * system), from which or into which an entry is renamed, or which itself moves to another directory
 * (its `..` entry changes). After the journal, a failed rename would leave the change half done, and
 * every next command would fail on it again while completing it.
 */
export function unmovable(root: string, renames: readonly Rename[]): Problem[] {
  /** By directory looked at, why this user cannot write it (undefined: it can, or it is not there yet). */
  const checked = new Map<string, Problem | undefined>();
  const refuse = (dir: string, why: string) => {
    if (checked.has(dir)) return;
    checked.set(dir, undefined);
    try {
      accessSync(join(root, dir), constants.W_OK);
    } catch (e) {
      if (!present(join(root, dir))) return;
      // a read-only file system refuses even root, and no chmod helps: said as the file system's error
      checked.set(
        dir,
        errnoCode(e) === 'EACCES' || !isFsError(e)
          ? {
              code: 'synth/not-writable',
              message: `${dir} is not writable by this user, and ${why}`,
              hint: `make it writable (chmod u+w ${dir}) or run the command as its owner, then run the command again`,
            }
          : fsProblem(e, dir, 'writing'),
      );
    }
  };
  for (const { from, to } of renames) {
    // a project file's new text is made beside the file, and renamed within that directory
    refuse(
      dirname(from),
      dirname(from) === dirname(to) ? `the write creates ${from} in it and renames it onto ${to}` : `the write renames ${from} out of it`,
    );
    refuse(dirname(to), `the write renames ${to} into it`);
    if (dirname(from) !== dirname(to) && lstatSync(join(root, from), { throwIfNoEntry: false })?.isDirectory()) {
      refuse(from, `the write moves it aside to replace it, which a directory allows only when it is writable (its '..' entry changes)`);
    }
  }
  return [...checked.values()].filter((p) => p !== undefined);
}

/**
 * The index of the first rename of `renames` not done yet. Every source exists when the journal is
 * written and a rename only ever removes its source, so the last rename whose source is gone and
 * whose target is there is the last one done (an earlier rename's source may exist again, e.g.
 * `dist/qa` once the new directory has taken its place, hence the search from the end).
 */
export function pendingFrom(root: string, renames: readonly Rename[]): number {
  for (let i = renames.length - 1; i >= 0; i--) {
    if (!present(join(root, renames[i].from)) && present(join(root, renames[i].to))) return i + 1;
  }
  return 0;
}

/** The project files whose new texts a write stages beside them, for a rollback to tell those texts from a user's files. */
export interface ProjectFileNames {
  /** The directory of the stage files (`environments`), whose `.yaml` files promote and switch edit. */
  readonly stageDir: string;
  /** The files of that directory that stagecraft generates (the schema), by path from the root. */
  readonly generated: readonly string[];
}

/** Whether an interrupted command left a journal or staging files behind. */
export function needsRecovery(root: string, distDir: string): boolean {
  return present(join(root, JOURNAL_FILE)) || present(join(root, distDir, TX_DIR)) || present(join(root, `${JOURNAL_FILE}${TMP_SUFFIX}`));
}

/**
 * Completes or rolls back what an interrupted command left (call it holding the lock): with a
 * journal, the remaining renames are done; without one, nothing had been replaced yet and the
 * staging files are removed. Returns what it did, one line per message, or nothing.
 */
export function recover(root: string, distDir: string, files: ProjectFileNames): string[] {
  const abs = (p: string) => join(root, p);
  const lines: string[] = [];
  // the staged files an interrupted transaction left (the journal and the new texts of project files included)
  const leftovers = () => {
    const found = [join(distDir, TX_DIR), `${JOURNAL_FILE}${TMP_SUFFIX}`].filter((p) => present(abs(p)));
    const dir = files.stageDir;
    if (existsSync(abs(dir)))
      for (const name of readdirSync(abs(dir))) if (stagedText(root, join(dir, name), files)) found.push(join(dir, name));
    return found;
  };
  if (present(abs(JOURNAL_FILE))) {
    const read = readJournal(readRegularFile(abs(JOURNAL_FILE)), root);
    if (typeof read === 'string') {
      // every rename of a transaction has its source or its target among the staged files: none
      // left means that it was complete (or never began), and the damaged journal says nothing more
      const staged = leftovers();
      if (staged.length) throw damagedJournal(read, staged, distDir);
      rmSync(abs(JOURNAL_FILE), { force: true });
      lines.push(`recovered: ${JOURNAL_FILE} was damaged (${read}), and no interrupted write had anything left to do; removed it`);
      return lines;
    }
    refuseOthersJournal(root, read);
    const first = pendingFrom(root, read.renames);
    // every rename done (killed before its journal was removed): the change was whole already
    const wasComplete = first >= read.renames.length;
    const journal = keepEdits(root, read, first);
    // what the recovery removes of such a command: its journal, and what it had not removed yet
    const left = [...journal.remove.filter((p) => present(abs(p))), JOURNAL_FILE];
    const saved = finish(root, journal, first);
    const kept = journal.kept ?? [];
    const complete = journal.targets.filter((t) => !kept.includes(t));
    const keptClause = kept.length
      ? `, but for ${nameList(kept)}, edited since, which keep${kept.length === 1 ? 's' : ''} that edit: run the command again, or npm run synth`
      : '';
    const command = `'${escapeName(read.command)}' (pid ${read.pid}, started ${escapeName(read.started)})`;
    lines.push(
      wasComplete
        ? `recovered: ${command} was interrupted once its change was complete (${nameList(complete)}${keptClause}); only what it left was removed: ${nameList(left)}`
        : `recovered: ${command} was interrupted while it replaced files; its change is now complete: ${nameList(complete)}${keptClause}`,
    );
    if (saved.length) {
      lines.push(
        `recovered: what was saved into a stage directory after ${command} began replacing it is not generated output, and is kept beside the new one, not removed: ${saved.join('; ')}; move it back where it belongs`,
      );
    }
  } else {
    const found = leftovers();
    for (const p of found) rmSync(abs(p), { recursive: true, force: true });
    if (found.length) {
      lines.push(`recovered: an interrupted command had not replaced anything yet; its change is rolled back (removed ${nameList(found)})`);
    }
  }
  return lines;
}

/**
 * Whether `path` (from `root`) can be the new text of a project file that a write staged
 * (lib/synth/project-files.ts), which a rollback removes: a file, a link or a FIFO (which a write
 * replaces too) named for a stage file that is there (`.qa.yaml.stagecraft-tmp` beside `qa.yaml`: promote
 * and switch edit only existing ones) or for a file stagecraft generates (the schema, staged even
 * when it is missing). Not a directory, which a write refuses to replace and so never made, nor a
 * name that stages no such file (`.notes.yaml.stagecraft-tmp`): what a user keeps there is not
 * stagecraft's to remove.
 */
function stagedText(root: string, path: string, files: ProjectFileNames): boolean {
  const file = stagedFor(path);
  if (file === undefined || lstatSync(join(root, path)).isDirectory()) return false;
  if (files.generated.includes(file)) return true;
  return file.endsWith('.yaml') && lstatSync(join(root, file), { throwIfNoEntry: false }) !== undefined;
}

/**
 * `journal`, whose renames from `first` are still to do, with those onto a project file edited since
 * the crash (in an editor) left out, so that the file keeps that edit: the journal is rewritten
 * without them first, their new texts to be removed once the other renames are done. Their new
 * texts stay until then: a rename only ever removes its source (`pendingFrom`), so a recovery
 * killed here, or during the renames, leaves a journal the next one completes as this one would.
 */
function keepEdits(root: string, journal: Journal, first: number): Journal {
  const edited = journal.renames
    .slice(first)
    .filter(({ to }) => journal.replaces?.[to] !== undefined && digestOf(join(root, to)) !== journal.replaces[to]);
  if (!edited.length) return journal;
  const rewritten: Journal = {
    ...journal,
    renames: journal.renames.filter((r) => !edited.includes(r)),
    remove: [...journal.remove, ...edited.map((r) => r.from)],
    kept: [...(journal.kept ?? []), ...edited.map((r) => stagedFor(r.from) ?? r.to)],
  };
  writeJournal(root, rewritten);
  crashPoint('recover-kept');
  return rewritten;
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
  const replaces = j.replaces as Record<string, unknown> | undefined | null;
  if (
    replaces !== undefined &&
    (typeof replaces !== 'object' ||
      replaces === null ||
      !Object.entries(replaces).every(([p, d]) => (inProject(p) || linked.has(p)) && (d === null || typeof d === 'string')))
  ) {
    return "its 'replaces' is not a mapping of paths inside the project to digests";
  }
  return j as Journal;
}

function damagedJournal(reason: string, staged: readonly string[], distDir: string): ProblemsError {
  const tx = join(distDir, TX_DIR);
  return new ProblemsError([
    {
      code: 'synth/journal',
      message: `${JOURNAL_FILE} is not a journal stagecraft can follow (${reason}), and an interrupted write left ${nameList(staged)}: which of its renames were done is unknown`,
      hint:
        `${tx}/new/<stage>/ holds a stage's new output, ${tx}/old/<stage>/ its old one, and .<name>${TMP_SUFFIX} a file's new text: ` +
        `put back a dist/<stage>/ or a stage file that is missing, remove ${JOURNAL_FILE} and ${nameList(staged)}, then run npm run synth`,
    },
  ]);
}

/**
 * @throws ProblemsError when `journal` is another checkout's: one whose `.stagecraft/` is this one
 * (a symbolic link both share), whose renames would move this checkout's files. A project moved or
 * copied since, whose old place no longer shares this state, completes it here.
 */
function refuseOthersJournal(root: string, journal: Journal): void {
  if (journal.root === undefined || journal.root === realpathSync(root)) return;
  const state = (dir: string) => {
    try {
      return realpathSync(join(dir, STATE_DIR));
    } catch {
      return undefined;
    }
  };
  if (state(journal.root) !== state(root)) return;
  throw new ProblemsError([
    {
      code: 'synth/journal',
      message: `${JOURNAL_FILE} is the journal of '${escapeName(journal.command)}' in ${escapeName(journal.root)}, which shares this ${STATE_DIR}/ (a symbolic link), and its renames are of that checkout's files`,
      hint: `run a command there (cd ${escapeName(journal.root)} && npm run check) to complete its change, then run this one again; give each checkout a ${STATE_DIR}/ of its own`,
    },
  ]);
}
