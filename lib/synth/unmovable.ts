/**
 * What would stop a write's renames once its journal is written, found before it is (after it, a
 * failed rename would leave the change half done, and every next command fail on it again while
 * completing it): what rename(2) cannot move out of a stage directory (`unmovableEntries`: a mount
 * point, a directory of an overlay's lower layer), and a directory this user cannot write
 * (`unmovable`).
 */
import { accessSync, constants, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Problem } from '../errors.js';
import { errnoCode, fsProblem, isFsError } from '../fs-problems.js';
import { present } from './disk.js';
import type { Rename } from './journal.js';
import { isMountPoint, mayRefuseMove, refusesMove, type MountTable } from './mount-point.js';
import type { StagingPlace } from './stage-directory.js';

/**
 * The directory of `dist/` that holds the delivery plans, not a stage's output: lib/delivery's
 * DELIVERY_DIR (a layer above this one, which may not be imported here; test/synth/unmovable-entries.test.ts
 * holds the two equal).
 */
export const DELIVERY_PLANS_DIR = 'delivery';

/**
 * What rename(2) could not move of what the renames of stage `stage` move out of `dist/<stage>/`
 * (`moved`), refused before the journal (after it, a failed rename would leave the change half
 * done, and every next command fail on it again): a mount point, as the mount table `table` says,
 * and the stage directory itself when overlayfs keeps it in a lower layer (`refusesMove`, asked with
 * `probe()`, which gives a directory of `dist/` that holds something, made in the staging directory
 * when first asked; only where the mount table does not answer: `mayRefuseMove`). Only the stage directory is asked: without redirect_dir=on, a directory of a
 * lower layer lies only in a directory of a lower layer (or one merged with it), which is refused,
 * and the hint's copy of it copies what it holds too. An entry gone since it was staged (an
 * editor's swap file) is passed over, as the renames pass over it.
 */
export function unmovableEntries(
  o: StagingPlace,
  stage: string,
  moved: readonly string[],
  table: MountTable,
  probe: () => string,
): Problem[] {
  const dir = join(o.root, o.distDir, stage);
  // what is replaced, for messages: a stage's output, or the delivery plans
  const plans = stage === DELIVERY_PLANS_DIR;
  const output = plans ? `the delivery plans (${o.distDir}/${stage}/)` : `the output of stage '${stage}'`;
  return moved.flatMap((entry): Problem[] => {
    // a foreign directory is listed with a trailing '/', which is no part of its name (mv refuses 'notes/.lower')
    const f = entry.replace(/\/$/, '');
    const path = join(dir, f);
    const name = f === '' ? `${o.distDir}/${stage}` : `${o.distDir}/${stage}/${f}`;
    let mounted: boolean;
    try {
      mounted = isMountPoint(path, table);
    } catch (e) {
      // gone since it was staged (an editor's swap file): the renames pass over it too
      if (errnoCode(e) === 'ENOENT') return [];
      throw e;
    }
    if (mounted) {
      return [
        {
          code: 'synth/mount-point',
          message: `${name} is on another file system than ${o.distDir}/, so it cannot be moved aside when ${output} ${plans ? 'are' : 'is'} replaced`,
          hint: `mount the file system at ${o.distDir}/ itself (stagecraft stages its writes inside ${o.distDir}/), or move ${name} elsewhere`,
        },
      ];
    }
    if (f !== '' || !lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) return [];
    // asked of the kernel only where the mount table does not answer (overlayfs without redirect_dir=on)
    if (!mayRefuseMove(path, table) || !refusesMove(path, probe())) return [];
    return [
      {
        code: 'synth/unmovable-directory',
        message:
          `${name} is a directory this file system cannot move (rename(2) says EXDEV): on overlayfs for example, a directory of a lower layer (a container image's) ` +
          `moves only where the overlay is mounted with redirect_dir=on; stagecraft replaces ${output} by moving it aside`,
        hint: `give it a copy of its own in the upper layer (mv ${name} ${name}.lower && mv ${name}.lower ${name}: mv copies what it cannot move), or mount the overlay with redirect_dir=on, then run the command again`,
      },
    ];
  });
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
