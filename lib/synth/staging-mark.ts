/**
 * Whose is `dist/.stagecraft-tx` (`TX_DIR`), the staging directory of a write (./write.ts): stagecraft's holds its mark,
 * a file whose text no team's file has, made in it before anything is staged there; a directory of that name without it
 * is a team's, which a recovery (./recover.ts) leaves as it is and a write refuses to stage into, rather than remove.
 */
import { type Stats, lstatSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Problem } from '../errors.js';
import { errnoCode, fileKind } from '../fs-problems.js';
import { crashPoint } from '../model/crash-point.cjs';
import { writeNew } from '../model/flushed-file.cjs';
import { TX_DIR, readRegularFile } from './disk.js';

/** The mark's name in the staging directory. */
export const STAGING_MARK = '.stagecraft-staging';
/** What the mark says: its whole text, compared whole. */
const MARK_TEXT =
  'stagecraft: the staging directory of a write into dist/ (lib/synth/write.ts); the write removes it, or the next command after an interruption\n';
/** How a recovery's line saying it left a staging directory that is not stagecraft's begins (lib/synth/recover.ts). */
export const STAGING_LEFT = 'recovered: left ';
/** A mark being written by one thread (`<pid>-<thread id>`), renamed onto `STAGING_MARK` once whole. */
const PARTIAL_MARK = /^\.stagecraft-staging\.\d+-\d+$/;

/**
 * Whose is the staging directory at `path`: nothing there; stagecraft's (a directory holding its mark, or nothing but a
 * mark being written: a write killed before its mark was whole had staged nothing in it); or another's (a file, a link,
 * a directory without the mark, or one that cannot be read).
 */
export function stagingOwner(path: string): 'none' | 'stagecraft' | 'other' {
  const st = lstatOf(path);
  if (!st) return 'none';
  if (!st.isDirectory()) return 'other';
  try {
    const entries = readdirSync(path);
    if (!entries.includes(STAGING_MARK)) return entries.every((e) => PARTIAL_MARK.test(e)) ? 'stagecraft' : 'other';
    return readRegularFile(join(path, STAGING_MARK), MARK_TEXT.length) === MARK_TEXT ? 'stagecraft' : 'other';
  } catch {
    // unreadable, or a mark of another size or no regular file: nothing tells it is stagecraft's
    return 'other';
  }
}

/** The lstat of `path`, or undefined where nothing is: also where its folder is a file (a file named `dist`: ENOTDIR). */
function lstatOf(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (e) {
    if (errnoCode(e) === 'ENOTDIR') return undefined;
    throw e;
  }
}

/**
 * Marks the staging directory `tx` (made, or found made by another thread staging a stage at once) before anything is
 * staged in it: the mark is written beside its place and renamed onto it, so that it is whole whenever it is there,
 * and each thread goes on only once it is.
 */
export function markStaging(tx: string): void {
  const mark = join(tx, STAGING_MARK);
  try {
    if (readRegularFile(mark, MARK_TEXT.length) === MARK_TEXT) return;
  } catch {
    // not there yet
  }
  crashPoint('staging-made');
  const partial = `${mark}.${process.pid}-${threadId}`;
  writeNew(partial, MARK_TEXT);
  renameSync(partial, mark);
}

/**
 * What stands at the staging directory of `distDir` (in `root`) that is not stagecraft's (`stagingOwner`), which a
 * write refuses to stage into: a directory without the mark, or a file, a link, a FIFO.
 */
export function stagingInTheWay(root: string, distDir: string): Problem {
  const { tx, what, move } = inTheWay(root, distDir);
  return {
    code: 'synth/foreign-file',
    message: `${tx} was not made by stagecraft (${what}), and a write stages its output there`,
    hint: `${move}, then run the command again`,
  };
}

/**
 * What `npm run check` says, whatever it answers of `dist/`, of a staging directory of `distDir` (in `root`) that is not
 * stagecraft's (`stagingOwner`): a write refuses it (`stagingInTheWay`), so a check passing in CI said nothing of the
 * refusal the next synth meets. Undefined while there is none.
 */
export function stagingInTheWayWarning(root: string, distDir: string): Problem | undefined {
  if (stagingOwner(join(root, distDir, TX_DIR)) !== 'other') return undefined;
  const { tx, what, move } = inTheWay(root, distDir);
  return {
    code: 'synth/foreign-file',
    severity: 'warning',
    message: `${tx} was not made by stagecraft (${what}), and a write stages its output there: a command that writes ${distDir}/ (synth, promote, switch) refuses to while it is there`,
    hint: move,
  };
}

/** The staging directory of `distDir` as named in messages, what stands there, and what to do with it. */
function inTheWay(root: string, distDir: string): { tx: string; what: string; move: string } {
  const tx = `${distDir}/${TX_DIR}`;
  const st = lstatOf(join(root, tx));
  const what =
    st === undefined || st.isDirectory()
      ? `it lacks the mark ${STAGING_MARK} of a write's staging directory`
      : `it is ${st.isSymbolicLink() ? 'a symbolic link' : st.isFile() ? 'a file' : fileKind(st)}, not a directory`;
  // a write of an earlier release made none: what one killed before its journal left (its new output in new/) is no loss either
  const move = `move ${tx} out of ${distDir}/ (stagecraft never removes it; what a write of an earlier release left there, new/ alone, can be removed)`;
  return { tx, what, move };
}
