/**
 * The journal of a write transaction (lib/synth/write.ts): `.stagecraft/journal.json` lists the
 * renames still to do once every new file is staged, so that a command interrupted while it
 * replaces files is completed by the next one (a roll forward), and one interrupted before is
 * undone (a rollback: only ignored staging files to remove). `recover` does either.
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { crashPoint } from '../model/crash-point.cjs';
import { STATE_DIR, TMP_SUFFIX, TX_DIR, present, readRegularFile } from './disk.js';

/** Below the state directory: the renames an interrupted write still has to do. */
export const JOURNAL_FILE = join(STATE_DIR, 'journal.json');

/** One rename of a transaction, paths relative to the project root. */
export interface Rename {
  readonly from: string;
  readonly to: string;
}

/** What `.stagecraft/journal.json` holds while a transaction replaces files. */
export interface Journal {
  readonly command: string;
  readonly pid: number;
  readonly started: string;
  /** The renames, in order, paths relative to the project root. */
  readonly renames: readonly Rename[];
  /** What the transaction replaces, for the message after a recovery. */
  readonly targets: readonly string[];
  /** Removed when every rename is done. */
  readonly remove: readonly string[];
}

/** Does the renames of `journal` from the `first`, then removes the transaction directory and the journal. */
export function finish(root: string, journal: Journal, first: number): void {
  const abs = (p: string) => join(root, p);
  journal.renames.forEach((r, i) => {
    if (i < first) return;
    // a source missing after a crash can only be a rename already done
    if (present(abs(r.from))) renameSync(abs(r.from), abs(r.to));
    crashPoint(`rename-${i + 1}`);
  });
  for (const p of journal.remove) rmSync(abs(p), { recursive: true, force: true });
  crashPoint('cleanup');
  rmSync(abs(JOURNAL_FILE), { force: true });
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

/** Whether an interrupted command left a journal or staging files behind. */
export function needsRecovery(root: string, distDir: string): boolean {
  return present(join(root, JOURNAL_FILE)) || present(join(root, distDir, TX_DIR)) || present(join(root, `${JOURNAL_FILE}${TMP_SUFFIX}`));
}

/**
 * Completes or rolls back what an interrupted command left (call it holding the lock): with a
 * journal, the remaining renames are done; without one, nothing had been replaced yet and the
 * staging files are removed. Returns what it did, one line per message, or nothing.
 */
export function recover(root: string, distDir: string, tmpDirs: readonly string[]): string[] {
  const abs = (p: string) => join(root, p);
  const lines: string[] = [];
  if (present(abs(JOURNAL_FILE))) {
    const journal = JSON.parse(readRegularFile(abs(JOURNAL_FILE))) as Journal;
    finish(root, journal, pendingFrom(root, journal.renames));
    lines.push(
      `recovered: '${journal.command}' (pid ${journal.pid}, started ${journal.started}) was interrupted while it replaced files; ` +
        `its change is now complete: ${journal.targets.join(', ')}`,
    );
  } else {
    const leftovers = [join(distDir, TX_DIR), `${JOURNAL_FILE}${TMP_SUFFIX}`].filter((p) => present(abs(p)));
    for (const dir of tmpDirs) {
      if (!existsSync(abs(dir))) continue;
      for (const name of readdirSync(abs(dir))) if (name.startsWith('.') && name.endsWith(TMP_SUFFIX)) leftovers.push(join(dir, name));
    }
    for (const p of leftovers) rmSync(abs(p), { recursive: true, force: true });
    if (leftovers.length) {
      lines.push(
        `recovered: an interrupted command had not replaced anything yet; its change is rolled back (removed ${leftovers.join(', ')})`,
      );
    }
  }
  return lines;
}
