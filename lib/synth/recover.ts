/**
 * Completing or rolling back what an interrupted write left (lib/synth/write.ts): with a journal
 * (lib/synth/journal.ts), its renames still to do are done (lib/synth/finish.ts), a project file
 * edited since keeping that edit; without one, the staging files are removed.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ProblemsError, escapeName, nameList } from '../errors.js';
import { crashPoint } from '../model/crash-point.cjs';
import { compareCodePoints } from '../model/order.js';
import { STATE_DIR, TMP_SUFFIX, TX_DIR, present, readRegularFile, stagedFor } from './disk.js';
import { finish, takenOut } from './finish.js';
import { STAGING_LEFT, stagingInTheWay, stagingOwner } from './staging-mark.js';
import { JOURNAL_FILE, digestOf, directoryId, readJournal, writeJournal, type Journal, type Rename } from './journal.js';

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

/**
 * Whether an interrupted command left a journal or staging files behind (a directory at the staging directory's place
 * without its mark is a team's, `stagingOwner`: no recovery's to remove, and a write refuses it).
 */
export function needsRecovery(root: string, distDir: string): boolean {
  return (
    present(join(root, JOURNAL_FILE)) ||
    stagingOwner(join(root, distDir, TX_DIR)) === 'stagecraft' ||
    present(join(root, `${JOURNAL_FILE}${TMP_SUFFIX}`))
  );
}

/**
 * Completes or rolls back what an interrupted command left (call it holding the lock): with a
 * journal, the remaining renames are done; without one, nothing had been replaced yet and the
 * staging files are removed. Returns what it did, one line per message, or nothing.
 */
export function recover(root: string, distDir: string, files: ProjectFileNames): string[] {
  const abs = (p: string) => join(root, p);
  const lines: string[] = [];
  // the staged files an interrupted transaction left (the journal and the new texts of project files included); the staging
  // directory when it is stagecraft's (`stagingOwner`), or, with `unmarked`, whatever is there (a damaged journal is
  // followed by nothing while it may be)
  const leftovers = (unmarked = false) => {
    const tx = join(distDir, TX_DIR);
    const found = [tx, `${JOURNAL_FILE}${TMP_SUFFIX}`].filter(
      (p) => present(abs(p)) && (p !== tx || unmarked || stagingOwner(abs(tx)) === 'stagecraft'),
    );
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
      const staged = leftovers(true);
      if (staged.length) throw damagedJournal(read, staged, distDir);
      rmSync(abs(JOURNAL_FILE), { force: true });
      lines.push(`recovered: ${JOURNAL_FILE} was damaged (${read}), and no interrupted write had anything left to do; removed it`);
      return lines;
    }
    refuseOthersJournal(root, read);
    const first = pendingFrom(root, read.renames);
    // every rename done (killed before its journal was removed): the change was whole already
    const wasComplete = first >= read.renames.length || cleanedUp(root, read, first);
    const journal = keepEdits(root, interruptedAt(root, read, first), first);
    // before the renames: what of the new output is already gone from it was removed since (rm dist/qa/a.yaml), not by them
    const lacking = removedFiles(root, journal, first);
    const other = notMade(root, distDir, journal);
    // a project file's new text whose rename, before `first`, was taken for done with the staging directory removed by
    // hand: not put in place, and not to be, the stage directory's new output gone with it (the file stays as it was);
    // once a recovery killed before its journal was removed took that text away, the file still holds the text the
    // journal found (`Journal.replaces`), which a rename done had replaced
    const unreplaced = other.length
      ? journal.renames
          .slice(0, first)
          .filter(
            (r) =>
              stagedFor(r.from) !== undefined &&
              (present(abs(r.from)) || (journal.replaces?.[r.to] !== undefined && digestOf(abs(r.to)) === journal.replaces[r.to])),
          )
      : [];
    const notReplaced = journal.targets.filter((t) => unreplaced.some((r) => r.to === t || stagedFor(r.from) === t));
    for (const { from } of unreplaced) rmSync(abs(from), { force: true });
    // what the recovery removes of such a command: its journal, and what it had not removed yet
    const left = [...journal.remove.filter((p) => present(abs(p))), JOURNAL_FILE];
    const saved = finish(root, journal, first);
    const kept = journal.kept ?? [];
    // a target a rename puts in place, not there now: removed since the interruption (rm -rf dist/qa), which a removed stage's is not
    const put = new Set(journal.renames.map((r) => r.to));
    const gone = journal.targets.filter((t) => !kept.includes(t) && put.has(t.replace(/\/$/, '')) && !present(abs(t)));
    const complete = journal.targets.filter(
      (t) => !kept.includes(t) && !gone.includes(t) && !other.includes(t) && !notReplaced.includes(t),
    );
    const keptEdits = kept.length
      ? `${nameList(kept)}, edited since, which keep${kept.length === 1 ? 's' : ''} that edit: run the command again, or npm run synth`
      : '';
    const goneSince = [
      ...(gone.length ? [`${nameList(gone)} ${gone.length === 1 ? 'was' : 'were'} removed since: ${rewrite(gone)}`] : []),
      ...(other.length
        ? [
            `${nameList(other)} ${other.length === 1 ? 'is' : 'are'} not its new output, which ${join(distDir, TX_DIR)} held and was removed since` +
              (notReplaced.length
                ? `, and ${nameList(notReplaced)} ${notReplaced.length === 1 ? 'was' : 'were'} not replaced (the new text removed): run the command again`
                : `: ${rewrite(other)}`),
          ]
        : []),
      ...[...lacking]
        .filter(([dir]) => !gone.includes(`${dir}/`) && !other.includes(`${dir}/`))
        .map(
          ([dir, rels]) =>
            `${escapeName(dir)}/ lacks ${rels.map(escapeName).join(', ')}, removed since: npm run synth writes ${rels.length === 1 ? 'it' : 'them'} again`,
        ),
    ].join('; ');
    // what is in place, then what is not: never a target named complete that is not there
    // after 'not complete:', what is in place said so, not taken for what is not
    const placed = other.length ? ' in place' : '';
    const done = complete.length
      ? [`${nameList(complete)}${placed}${keptEdits && `, but for ${keptEdits}`}`]
      : keptEdits
        ? [keptEdits]
        : [];
    const said = [...done, ...(goneSince ? [goneSince] : [])].join('; ');
    const command = `'${escapeName(read.command)}' (pid ${read.pid}, started ${escapeName(read.started)})`;
    lines.push(
      other.length
        ? `recovered: ${command} was interrupted, and its change is not complete: ${said}; what it left was removed: ${nameList(left)}`
        : wasComplete
          ? `recovered: ${command} was interrupted once its change was complete (${said}); only what it left was removed: ${nameList(left)}`
          : `recovered: ${command} was interrupted while it replaced files; ${complete.length ? `its change is now complete: ${said}` : said}`,
    );
    if (saved.length) {
      lines.push(
        `recovered: what is no part of the new output of ${command} is kept beside it, not removed: ${saved.join('; ')}; move back what belongs there`,
      );
    }
  } else {
    const found = leftovers();
    for (const p of found) rmSync(abs(p), { recursive: true, force: true });
    if (found.length) {
      lines.push(`recovered: an interrupted command had not replaced anything yet; its change is rolled back (removed ${nameList(found)})`);
    }
    // a team's directory at the staging directory's place: left, and said (the next write refuses it)
    if (found.length && stagingOwner(abs(join(distDir, TX_DIR))) === 'other') {
      const { message, hint } = stagingInTheWay(root, distDir);
      lines.push(`${STAGING_LEFT}${join(distDir, TX_DIR)} as it is, since ${message.replace(/^\S+ /, 'it ')}: ${hint}`);
    }
  }
  return lines;
}

/**
 * Whether the command of `journal` was killed once its renames were all done, at its cleanup
 * (lib/synth/finish.ts), though what they put in place is gone since (`rm -rf dist/qa` after the kill,
 * so that `pendingFrom` finds none done): what it removes once they are done (`Journal.remove`, the
 * transaction directory) is gone while the folder holding it is there, and no rename from `first` has
 * its source. Only the cleanup removes that directory before the journal (or a user who removed it by
 * hand after a kill, the new output in it: what is said of the target removed, synth writes it again,
 * holds all the same); a user's `rm -rf dist` takes its folder too, and tells nothing.
 */
function cleanedUp(root: string, journal: Journal, first: number): boolean {
  const abs = (p: string) => join(root, p);
  return (
    journal.remove.length > 0 &&
    journal.remove.every((p) => !present(abs(p)) && lstatSync(abs(dirname(p)), { throwIfNoEntry: false })?.isDirectory() === true) &&
    journal.renames.slice(first).every((r) => !present(abs(r.from)))
  );
}

/**
 * The stage directories of `journal` (as in `targets`, `dist/qa/`) that are there, but not the new
 * directory its rename would put in place (`Journal.made`), whose source is gone: removed by hand
 * with the transaction directory after a kill (`rm -rf dist/.stagecraft-tx`), it leaves the old output
 * where it was, which the renames' sources and targets alone take for the rename done. A journal of
 * an earlier release, without `made`, tells nothing; nor does one of a project copied since, whose
 * directories' inodes are others: its `dist/` is another directory (`Journal.dist`), where a project
 * moved with `mv` keeps it, and every inode of it (a journal without `dist`: by `Journal.root`, a
 * project moved since taken for one copied). Where the project is where it was, the inode of `dist/`
 * alone tells: its device number may be another since a reboot (given at mount), never its inode.
 */
function notMade(root: string, distDir: string, journal: Journal): string[] {
  // a project copied since (completed where it is: `refuseOthersJournal`) holds directories of other inodes; a device number
  // is given at mount (btrfs, overlayfs, LVM, NFS: a reboot since may change it), an inode is not: where the root is the same, its inode tells
  const here = journal.root === undefined || journal.root === realpathSync(root);
  const id = directoryId(join(root, distDir));
  const inode = (devIno: string | undefined) => devIno?.split(':')[1];
  const same = journal.dist === undefined ? here : id === journal.dist || (here && inode(id) === inode(journal.dist));
  if (!same) return [];
  const made = journal.made ?? {};
  return journal.renames
    .filter(({ from, to }) => made[to] !== undefined && !present(join(root, from)))
    .filter(({ to }) => {
      const st = lstatSync(join(root, to), { bigint: true, throwIfNoEntry: false });
      return st !== undefined && String(st.ino) !== made[to];
    })
    .map(({ to }) => `${to}/`);
}

/** What writes the targets `gone` of a journal again, removed since its command was interrupted: synth, for the output; else the command. */
function rewrite(gone: readonly string[]): string {
  return gone.every((t) => t.endsWith('/')) ? `npm run synth writes ${gone.length === 1 ? 'it' : 'them'} again` : 'run the command again';
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
 * By stage directory of `journal` (`dist/qa`), the files of its new directory (those it shared with
 * the old one, `Journal.linked`, and those written there, `Journal.written`) that it no longer holds
 * before the renames resume from `first`: removed from the new output once that had taken the stage
 * directory's place (`rm dist/qa/10-app.yaml`), since a rename never removes a file.
 */
function removedFiles(root: string, journal: Journal, first: number): Map<string, string[]> {
  const lacking = new Map<string, string[]>();
  const dirs = new Set([...Object.keys(journal.linked ?? {}), ...Object.keys(journal.written ?? {})]);
  for (const dir of dirs) {
    const at = journal.renames.findIndex((r) => r.to === dir);
    if (at < 0) continue;
    // the new directory: in place once its rename is done, else still where staging made it
    const now = join(root, at < first ? dir : journal.renames[at].from);
    if (!lstatSync(now, { throwIfNoEntry: false })?.isDirectory()) continue;
    const files = [...Object.keys(journal.linked?.[dir] ?? {}), ...(journal.written?.[dir] ?? [])];
    // those a recovery killed after it kept them aside took out of it are said with what it kept (lib/synth/finish.ts)
    const missing = files.filter((rel) => !present(join(now, rel)));
    const kept = missing.length ? takenOut(root, journal, dir) : new Set<string>();
    const gone = missing.filter((rel) => !kept.has(rel));
    if (gone.length) lacking.set(dir, gone.sort(compareCodePoints));
  }
  return lacking;
}

/**
 * `journal`, with where its command was interrupted (`Journal.interrupted`: `first`, the first rename
 * not done) written into it before any rename when it has files linked into a new directory and
 * says nothing of that yet: a file written over in place since was in the new output when that had
 * taken the stage directory's place, which the next recovery could no longer tell if this one
 * were killed once it had done the renames.
 */
function interruptedAt(root: string, journal: Journal, first: number): Journal {
  if (journal.interrupted !== undefined || !Object.keys(journal.linked ?? {}).length) return journal;
  const told = { ...journal, interrupted: first };
  writeJournal(root, told);
  return told;
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
