/**
 * What stands in the way of the state files a command reads and keeps below `.stagecraft/` (the
 * fingerprint of the last synthesis, the digests kept between commands): noted where they are read
 * or written (./fingerprint.ts, ./digests.ts, the fast path too) and said once per command, last,
 * by ./main.ts (`unkeptState`), as the warning `cli/state-file`. Best effort stays best effort:
 * nothing fails for it.
 */
import { lstatSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Problem } from '../errors.js';
import { errnoCode, fsProblem, isFsError } from '../fs-problems.js';
import { STATE_DIR } from '../synth/disk.js';

/** The fingerprint of the last full synthesis or check (./fingerprint.ts). */
export const FINGERPRINT_FILE = join(STATE_DIR, 'fingerprint.json');
/** The digests kept by the last command that took any: a cache, safe to delete (./digests.ts). */
export const DIGESTS_FILE = join(STATE_DIR, 'digests.json');

/**
 * Codes of a state file's read or write that say what stands at its path (a directory, a FIFO, a
 * file in the place of .stagecraft/): something a team can remove, and would never learn of
 * otherwise, as each command silently compiles in full. A full disk, a read-only checkout (CI) or a
 * file size limit is the machine's, not a mistake to report: it keeps no state, silently.
 */
const IN_THE_WAY = new Set(['EISDIR', 'EFTYPE', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST', 'EACCES', 'EPERM', 'ELOOP']);

/** What a project loses while each state file cannot be kept, as a warning says it. */
const UNKEPT: Readonly<Record<string, string>> = {
  [FINGERPRINT_FILE]: 'without the record of the last synthesis, every synth and check compiles in full (the same output, slower)',
  [DIGESTS_FILE]: "without the digests kept between commands, every command reads all of dist/ and the project's files again (slower)",
};

/** What stood in the way of the state files this command reads and keeps, by their path from the project (`unkeptState`). */
const unkept = new Map<string, Problem>();

/** Notes `e`, met `doing` something to the state file of `root`'s project at `e.path`, when it says what stands there. */
export function noteUnkept(root: string, e: unknown, doing: 'reading' | 'writing'): void {
  if (!isFsError(e) || !IN_THE_WAY.has(errnoCode(e) ?? '') || e.path === undefined) return;
  if (e.code === 'ENOTDIR' && stateDirIsFile(root)) {
    noteStateDirFile(root);
    return;
  }
  // a write refused in a directory this user cannot write (a read-only checkout) is the machine's, as above
  if (doing !== 'reading' && (e.code === 'EACCES' || e.code === 'EPERM')) return;
  if (unkept.has(STATE_DIR)) return;
  const rel = relative(root, e.path);
  const lost = UNKEPT[rel];
  if (lost === undefined) return;
  const p = fsProblem(e, rel, doing);
  unkept.set(rel, { code: 'cli/state-file', severity: 'warning', message: `${p.message}; ${lost} until it is gone`, hint: p.hint });
}

/** Whether a file (not a directory) stands at `.stagecraft` in `root`'s project. */
export function stateDirIsFile(root: string): boolean {
  try {
    const st = lstatSync(join(root, STATE_DIR), { throwIfNoEntry: false });
    return st !== undefined && !st.isDirectory() && !st.isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Notes a file at `.stagecraft` itself, in the way of every state file and of the render cache alike: one
 * warning for the one cause, in the place of one for each file (the render cache's line, ./project.ts, included).
 */
export function noteStateDirFile(root: string): void {
  if (!stateDirIsFile(root)) return;
  unkept.delete(FINGERPRINT_FILE);
  unkept.delete(DIGESTS_FILE);
  unkept.set(STATE_DIR, {
    code: 'cli/state-file',
    severity: 'warning',
    message: `${STATE_DIR} is a file, where a directory must be; without the record of the last synthesis, the digests kept between commands and the render cache, every synth and check compiles in full (the same output, slower) until it is gone`,
    hint: `move or rename the file ${STATE_DIR} (the next command makes the directory again), then run the command again`,
  });
}

/** Forgets that the state file `rel` (from the project) was in the way: this command replaced it. */
export function keptAfterAll(rel: string): void {
  unkept.delete(rel);
}

/**
 * What stood in the way of the fingerprint or the kept digests since the last call, one warning per
 * file (`cli/state-file`), for the command to say once: best effort stays best effort (nothing
 * fails for it), but a team learns why every check compiles in full.
 */
export function unkeptState(): Problem[] {
  const problems = [...unkept.values()];
  unkept.clear();
  return problems;
}
