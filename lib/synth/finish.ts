/**
 * Completing a write transaction's journal (lib/synth/journal.ts): its renames done in order from
 * the first not done yet, then what a user saved into a stage directory after the journal was
 * written kept beside the new one, `<stage>.kept-<time>/`, never removed with the old directory.
 * The writing command calls it once its journal is written; a recovery, for an interrupted one.
 */
import { type Stats, lstatSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { escapeName } from '../errors.js';
import { errnoCode } from '../fs-problems.js';
import { crashPoint } from '../model/crash-point.cjs';
import { JOURNAL_FILE, type Journal } from './journal.js';
import { TMP_SUFFIX, TX_DIR, fileStamp, present, scanDir } from './disk.js';
import { compareCodePoints } from '../model/order.js';

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
  kept.push(...keepSaved(root, journal, first));
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
function keepSaved(root: string, journal: Journal, first: number): string[] {
  const kept: string[] = [];
  for (const { from, to } of journal.renames) {
    const old = dirname(to);
    if (basename(old) !== 'old' || basename(dirname(old)) !== TX_DIR) continue;
    const st = lstatSync(join(root, to), { throwIfNoEntry: false });
    if (st === undefined) {
      // removed already, or kept aside by a recovery killed before it took the user's text out of the new output (`keepAside`)
      kept.push(...unshareKept(root, journal, from, first));
      continue;
    }
    // a file or a link put in place of dist/<stage> after the journal, moved aside as the old directory: kept as it is
    if (!st.isDirectory()) {
      kept.push(keepAside(root, journal, to, [], from));
      continue;
    }
    // the new directory has taken the stage directory's place: its folders are the output's, and so are the old output's it has not
    const isNew = foldersOf(join(root, from));
    const dropped = new Set(journal.dropped?.[from]);
    const folders = (rel: string) => dropped.has(rel) || isNew(rel);
    const scan = scanDir(join(root, to), { output: folders });
    const edited = writtenOver(join(root, to), join(root, from), journal.linked?.[from]);
    if (!scan.foreign.length && !edited.size) continue;
    const saved = [...new Set([...scan.foreign, ...edited.keys()])].sort(compareCodePoints);
    kept.push(keepAside(root, journal, to, saved, from, folders, edited, swapped(journal, from, first)));
  }
  return kept;
}

/**
 * The generated files of an old stage directory (`dir`) that were hard-linked into the new one
 * (`shared`) and are no longer as staging checked them (`stamps`: `Journal.linked`): written over in
 * place (`>`, an editor's save, `cp -p`) after the last check before the journal, or after a crash
 * and before the recovery, so that the new output shares the user's text, header and all. A file the
 * renames never touch keeps its stamp (the rename of a directory changes no stamp of what it holds),
 * so any change is the user's. Conservative after the swap: an edit of the new output before the
 * renames are all done (after a crash) counts too, and is kept aside as well; but a file that only
 * its change time tells, which the new output no longer has (`rm dist/qa/a.yaml`, `rm -rf dist/qa`
 * after a crash: removing a link moves it), was not written: it leaves with the old output. The new
 * output loses a file it shares with one kept aside only once that is kept (`keepAside`), so a
 * missing one is the user's doing.
 */
function writtenOver(dir: string, shared: string, stamps: Readonly<Record<string, string>> | undefined): Edits {
  const edits = new Map<string, Edit>();
  for (const rel of Object.keys(stamps ?? {})) {
    const how = editOf(join(dir, rel), stamps![rel]);
    // a file that only its change time tells must still be the new output's: removing its other link moves that too
    if (
      how === 'written' ||
      (how === 'stamp' && lstatSync(join(shared, rel), { bigint: true, throwIfNoEntry: false })?.ino === inodeOf(stamps![rel]))
    )
      edits.set(rel, how);
  }
  return edits;
}

/**
 * How the file at `path` changed since staging took its stamp `stamp` (`fileStamp`): 'written' when
 * its size or modification time moved, 'stamp' when only its change time did (as `cp -p` writes,
 * or a chmod, chown or touch -a, which write no byte: which it was cannot be told), undefined when
 * it is as staged, or is not the same file (a file saved in its place is the old directory's
 * alone: generated output or a foreign entry, as staging tells).
 */
function editOf(path: string, stamp: string): Edit | undefined {
  const now = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  if (!(now?.isFile() === true && inodeOf(stamp) === now.ino && fileStamp(now) !== stamp)) return undefined;
  return stamp.startsWith(`${now.ino}:${now.size}:${now.mtimeNs}:`) ? 'stamp' : 'written';
}

/** The inode in a `fileStamp`. */
const inodeOf = (stamp: string): bigint => BigInt(stamp.slice(0, stamp.indexOf(':')));

/** How a file shared by the new and the old output changed since staging (`editOf`). */
type Edit = 'written' | 'stamp';
/** By file of a stage directory (path below it), how it changed in place since staging. */
type Edits = ReadonlyMap<string, Edit>;

/**
 * Whether the new directory of the stage directory `stageDir` had taken its place when the command
 * of `journal` was interrupted (`Journal.interrupted`, else `first`, where its renames resume): a
 * file it shares with the old one written over since was written over in the new output.
 */
function swapped(journal: Journal, stageDir: string, first: number): boolean {
  const at = journal.renames.findIndex((r) => r.to === stageDir);
  return at >= 0 && at < (journal.interrupted ?? first);
}

/**
 * What an earlier recovery of `journal` kept aside for the stage directory `stageDir` (directories,
 * or a file or link put there: `<stage>.kept-<when its renames began>`, `-2`...), killed before it
 * said so: each is said as `keepAside` says it, and their files still in the new output are taken out of it (killed before
 * it did). What the new output lacks of them is said so again, never as removed since (`takenOut`).
 */
function unshareKept(root: string, journal: Journal, stageDir: string, first: number): string[] {
  const stamps = journal.linked?.[stageDir] ?? {};
  return keptPlaces(root, journal, stageDir).flatMap((place) => {
    const st = lstatSync(join(root, place));
    if (!st.isDirectory()) return [putLine(journal, place, stageDir, st)];
    const files = readdirSync(join(root, place), { recursive: true, encoding: 'utf8' }).sort(compareCodePoints);
    // the files it shares with the new output are those written over in place: how, as `writtenOver` told it
    const edits: Edits = new Map(
      files.flatMap((f) => (Object.hasOwn(stamps, f) ? [[f, editOf(join(root, place, f), stamps[f]) ?? 'written'] as const] : [])),
    );
    const unshared = files.filter(
      (f) => unshare(join(root, place, f), join(root, stageDir, f)) || keptLinked(root, place, stageDir, f, stamps),
    );
    // said whatever it holds, as `keepSaved` names it (a folder of the user's as one entry, `runbook/`): the recovery that kept it was killed before it said so
    const scan = scanDir(join(root, place), { output: foldersOf(join(root, stageDir)) });
    const entries = [...new Set([...scan.foreign, ...scan.owned, ...edits.keys()])].sort(compareCodePoints);
    return [keptLine(journal, place, stageDir, entries, unshared, edits, swapped(journal, stageDir, first))];
  });
}

/** What (paths from the root) a recovery of `journal` kept aside for the stage directory `stageDir` (`keepAside`): directories, or a file or link put there. */
function keptPlaces(root: string, journal: Journal, stageDir: string): string[] {
  const prefix = `${basename(stageDir)}.kept-${keptStamp(journal)}`;
  const parent = join(root, dirname(stageDir));
  // no dist/ at all (removed after a kill): nothing kept there
  if (!lstatSync(parent, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(parent)
    .filter((e) => e === prefix || (e.startsWith(`${prefix}-`) && /^\d+$/.test(e.slice(prefix.length + 1))))
    .map((name) => join(dirname(stageDir), name));
}

/**
 * Whether `rel`, a file linked into the new directory of `stageDir` (its stamps: `stamps`), is kept
 * in `place` (the very file: the inode of its stamp) and missing from `stageDir`: taken out of the
 * new output by a recovery that kept it aside.
 */
function keptLinked(root: string, place: string, stageDir: string, rel: string, stamps: Readonly<Record<string, string>>): boolean {
  if (!Object.hasOwn(stamps, rel)) return false;
  const st = lstatSync(join(root, place, rel), { bigint: true, throwIfNoEntry: false });
  return st?.isFile() === true && st.ino === inodeOf(stamps[rel]) && !present(join(root, stageDir, rel));
}

/**
 * The files linked into the new directory of the stage directory `stageDir` of `journal` that a
 * recovery of it kept aside and took out of the new output (`keptLinked`): the new output lacks
 * them, but not as removed since (lib/synth/recover.ts), which `unshareKept` says.
 */
export function takenOut(root: string, journal: Journal, stageDir: string): Set<string> {
  const stamps = journal.linked?.[stageDir] ?? {};
  const places = keptPlaces(root, journal, stageDir).filter((place) => lstatSync(join(root, place)).isDirectory());
  return new Set(Object.keys(stamps).filter((rel) => places.some((place) => keptLinked(root, place, stageDir, rel, stamps))));
}

/**
 * Removes `shared` when it is the very file `saved` is (the same device and inode): a generated
 * file of the old directory hard-linked into the new one, since written over in place (`>`, as most
 * editors save), which would otherwise stand in the new output with the user's text, that text
 * kept as well. The user's text is kept (`saved`); the output has the file missing, which the next
 * synth writes again. Returns whether it did.
 */
function unshare(saved: string, shared: string): boolean {
  const a = lstatSync(saved, { bigint: true, throwIfNoEntry: false });
  const b = lstatSync(shared, { bigint: true, throwIfNoEntry: false });
  if (!(a?.isFile() && b?.isFile() && a.dev === b.dev && a.ino === b.ino)) return false;
  rmSync(shared);
  return true;
}

/** Whether a path below `dir` is a folder there: the folders of a new stage directory, which are the output's (`scanDir`'s `output`). */
const foldersOf =
  (dir: string) =>
  (rel: string): boolean =>
    lstatSync(join(dir, rel), { throwIfNoEntry: false })?.isDirectory() === true;

/** Whether a journal's rename onto `to` moves something into the transaction directory (a foreign entry carried, an old directory). */
const intoTransaction = (to: string) => to.split(/[\\/]/).includes(TX_DIR);

/** The time in the names of what a recovery of `journal` keeps aside: when its renames began, UTC. */
const keptStamp = (journal: Journal) => journal.started.replace(/[^0-9T]/g, '').slice(0, 15);

/**
 * Moves the directory `dir` (holding the foreign entries `foreign`, said in the message), or the
 * file or link there, to `<stage>.kept-<when its renames began, UTC>` beside the stage directory
 * `stageDir` (a free name), a directory's generated files but those written over in place
 * (`edited`), and the folders of the output (`folders`) they leave empty, removed first (a kill
 * between leaves only what is kept). With `edited`, then removes from `stageDir` the files it shares
 * with what is kept (`unshare`: a kill before is completed by the next recovery, `unshareKept`).
 * Returns what to say (`keptLine`), those named as what the new output now lacks.
 */
function keepAside(
  root: string,
  journal: Journal,
  dir: string,
  foreign: readonly string[],
  stageDir = dir,
  folders?: (rel: string) => boolean,
  edited?: Edits,
  swap = false,
): string {
  const st = lstatSync(join(root, dir));
  if (st.isDirectory()) removeGenerated(join(root, dir), false, folders, new Set(edited?.keys()));
  crashPoint('kept');
  const stamp = keptStamp(journal);
  let place = `${stageDir}.kept-${stamp}`;
  for (let n = 2; present(join(root, place)); n++) place = `${stageDir}.kept-${stamp}-${n}`;
  renameSync(join(root, dir), join(root, place));
  if (!st.isDirectory()) return putLine(journal, place, stageDir, st);
  crashPoint('kept-moved');
  const unshared = edited ? foreign.filter((f) => unshare(join(root, place, f), join(root, stageDir, f))) : [];
  return keptLine(journal, place, stageDir, foreign, unshared, edited ?? new Map(), swap);
}

/** What a recovery says of the file or link (its lstat: `st`) put at the stage directory `stageDir` that it kept aside at `place`. */
const putLine = (journal: Journal, place: string, stageDir: string, st: Stats) =>
  `${escapeName(place)} (${st.isSymbolicLink() ? 'a symbolic link' : 'a file'} put at ${escapeName(stageDir)} after ${commandOf(journal)} began replacing it)`;

/** The command of `journal`, quoted, for a message. */
const commandOf = (journal: Journal) => `'${escapeName(journal.command)}'`;

/**
 * What a recovery says of the directory `place` it kept aside for the stage directory `stageDir`,
 * holding `entries`: those saved into the stage directory while the journal's command replaced it,
 * and those of `edits`, files the new output shared with the old one and that changed in place
 * since staging (`editOf`), in the new output once it had taken the stage directory's place
 * (`swap`), else while the command replaced it; `unshared` named as what `stageDir` now lacks.
 */
function keptLine(
  journal: Journal,
  place: string,
  stageDir: string,
  entries: readonly string[],
  unshared: readonly string[],
  edits: Edits,
  swap: boolean,
): string {
  const dir = `${escapeName(stageDir)}/`;
  const names = (list: readonly string[]) => list.map(escapeName).join(', ');
  const them = (list: readonly string[], one: string, more: string) => (list.length === 1 ? one : more);
  const when = swap ? `after the new output took ${dir}'s place` : `while ${commandOf(journal)} replaced ${dir}`;
  const saved = entries.filter((e) => !edits.has(e));
  const written = entries.filter((e) => edits.get(e) === 'written');
  const stamped = entries.filter((e) => edits.get(e) === 'stamp');
  const parts = [
    ...(saved.length ? [`${names(saved)}, saved into ${dir} after ${commandOf(journal)} began replacing it`] : []),
    ...(written.length
      ? [`${names(written)}, written over in place ${when}, ${them(written, 'a file', 'files')} the new output shared with the old one`]
      : []),
    ...(stamped.length
      ? [
          `${names(stamped)}, whose change time moved ${when} though ${them(stamped, 'its', 'their')} size and modification time did not ` +
            `(cp -p writes so; chmod, chown and touch -a write nothing, and which it was cannot be told), ${them(stamped, 'a file', 'files')} the new output shared with the old one`,
        ]
      : []),
    ...(unshared.length
      ? [
          `${dir} lacks ${names(unshared)}, which it shared with ${them(unshared, 'it', 'them')}: npm run synth writes ${them(unshared, 'it', 'them')} again`,
        ]
      : []),
  ];
  return `${escapeName(place)}/ (${parts.join('; ') || 'empty'})`;
}

/**
 * Removes the generated files below `dir`, then the folders that leaves empty and the empty folders
 * of the output (`folders`), deepest first (`dir` too when `self`), but those of `spared`. Never removes anything else: a
 * directory that is not empty (an entry saved meanwhile) stays, and the rename onto it then fails
 * rather than replacing it.
 */
function removeGenerated(dir: string, self: boolean, folders?: (rel: string) => boolean, spared?: ReadonlySet<string>): void {
  const scan = scanDir(dir, { output: folders });
  for (const file of scan.owned) if (!spared?.has(file)) rmSync(join(dir, file), { force: true });
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
