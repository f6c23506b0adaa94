/**
 * What the clock of the file system under dist/ tells of a write made right after a look at a file's
 * stamp (`finerChangeTimes`), asked once per thread and output directory, for lib/synth/stage-directory.ts.
 */
import { type BigIntStats, chmodSync, closeSync, lstatSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { isFsError } from '../fs-problems.js';

/**
 * How long after a file's last change a look at its stamp may still miss a write of its size: where
 * change times move once a kernel tick (1-10 ms), one made in the tick of that change leaves the
 * stamp as it was. Far beyond a tick, as git's "racy clean" and lib/cli/digests.ts's margin are.
 */
const RECENT_NS = 2_000_000_000n;

/**
 * Whether the file `st` describes changed within RECENT_NS before `nowNs` (or after it: a clock set
 * back), so that its stamp cannot tell a write of its size made since, on any file system whose
 * change times move once a tick; asked without the probe (`finerChangeTimes`), which needs a file made.
 */
export function changedRecently(st: BigIntStats, nowNs = BigInt(Date.now()) * 1_000_000n): boolean {
  return st.ctimeNs > nowNs - RECENT_NS;
}

/** By output directory (`dist/`, absolute), what `finerChangeTimes` found of its file system in this thread; a test sets one. */
export const changeTimesOf = new Map<string, boolean>();

/**
 * Whether a change made to a file of the output directory `dist` right after a look at its stamp
 * gets a change time of its own, asked once per thread of a file made in the staging directory
 * `staging`: since Linux 6.13, ext4, XFS, Btrfs and tmpfs give such a change a finer time than the
 * last look's (multigrain timestamps); before, and elsewhere, a change time moves once a kernel tick
 * (1-10 ms), so that a `cp -p` of a file's size in the tick of a link's stamp would leave that stamp
 * as it was, its text in the new output unseen: the unchanged files are then copied into the new
 * output, not linked (as where times are whole seconds: `coarseTimes`). Two changes, each right after
 * a look: coarse when either leaves the change time as it was (a coarse clock would have to tick
 * twice within microseconds to pass for finer, as only a process stopped meanwhile sees it: linked then, as before).
 */
export function finerChangeTimes(dist: string, staging: string, stat = (path: string) => lstatSync(path, { bigint: true })): boolean {
  const known = changeTimesOf.get(dist);
  if (known !== undefined) return known;
  const path = join(staging, `.clock-${process.pid}-${threadId}`);
  rmSync(path, { force: true });
  try {
    let finer: boolean;
    try {
      closeSync(openSync(path, 'wx'));
      const before = stat(path).ctimeNs;
      chmodSync(path, 0o600);
      const once = stat(path).ctimeNs;
      chmodSync(path, 0o644);
      finer = before !== once && once !== stat(path).ctimeNs;
    } catch (e) {
      // a file system that refuses chmod (exFAT, FAT without 'quiet'), or the file (no inode left): its times tell nothing, and copies are safe
      if (!isFsError(e)) throw e;
      finer = false;
    }
    changeTimesOf.set(dist, finer);
    return finer;
  } finally {
    rmSync(path, { force: true });
  }
}
