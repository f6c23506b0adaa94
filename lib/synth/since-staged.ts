/**
 * The last look at a stage directory before a write's journal (lib/synth/write.ts): what was saved
 * into `dist/<stage>/` since the stage was staged (lib/synth/stage-directory.ts), by name and by its
 * generated files' stamps, which the old directory would take along when it is removed.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../errors.js';
import { fileStamp, holdsBytes, present, scanDir, whyForeign } from './disk.js';
import type { StagePlan, StagingPlace } from './stage-directory.js';

/** What changed in a stage directory since it was staged (`sinceStaged`). */
export interface SinceStaged {
  /** Entries saved there since that are not generated output, refused: the old directory would take them along when removed. */
  readonly problems: readonly Problem[];
  /** Foreign entries staging found that are gone since (a user's or an editor's removal), by path below `dist/<stage>/`: not renamed. */
  readonly gone: readonly string[];
}

/**
 * Looks again at `dist/<stage>/` just before the journal is written, in one walk over its names
 * (`scanDir`: foreign entries staging found are not read into, since they move whole), against what
 * staging found in `plan`: a generated file whose stamp is the one staging took is as it was, and
 * only another entry is read. What was saved there since the stage was staged (while the other
 * stages compiled), under a new name or over a generated file, and is not generated output would
 * go with the old directory, so it is refused, nothing written; so is an edit in place of a file
 * linked into the new directory, which changed it there too. A stage whose directory already held
 * its output (`same`) moves nothing and keeps what is saved there, but its generated files must
 * still be what staging found (their bytes read again where times are coarse: `StagePlan.digests`). A foreign entry gone since is not renamed (every rename's source
 * exists when the journal is written: `pendingFrom`).
 */
export function sinceStaged(o: StagingPlace, plan: StagePlan): SinceStaged {
  const dir = join(o.root, o.distDir, plan.stage);
  const at = (rel: string) => `${o.distDir}/${plan.stage}/${rel}`;
  const problems: Problem[] = [];
  const refuse = (rel: string, why: string) =>
    problems.push({
      code: 'synth/foreign-file',
      message: `${at(rel)} was saved after stage '${plan.stage}' was staged and was not written by stagecraft (${why}): replacing the stage's directory would have removed it, so nothing was written`,
      hint: `run the command again: it keeps what ${o.distDir}/${plan.stage}/ holds when it starts (or move ${at(rel)} out of ${o.distDir}/${plan.stage}/ first)`,
    });
  /** A generated file changed since it was staged, whose new output is what staging found. */
  const changedSince = (rel: string, what: string, why: string) =>
    problems.push({
      code: 'synth/output-changed',
      message: `${at(rel)} was ${what} after stage '${plan.stage}' was staged (${why}), so nothing was written`,
      hint: `run the command again: it compares the output with what ${o.distDir}/${plan.stage}/ holds when it starts`,
    });
  if (!plan.old) {
    // made since: the new directory's rename could not take its place
    if (present(dir) && (!lstatSync(dir).isDirectory() || readdirSync(dir).length > 0)) refuse('', 'it was made meanwhile');
    return { problems, gone: [] };
  }
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) {
    // a file or a link in its place would be moved aside with the old directory, and removed
    problems.push({
      code: 'synth/foreign-file',
      message: `${o.distDir}/${plan.stage}/ was ${st ? `replaced by ${st.isSymbolicLink() ? 'a symbolic link' : 'a file'}` : 'removed'} after stage '${plan.stage}' was staged, so nothing was written`,
      hint: st ? `move ${o.distDir}/${plan.stage} away, then run the command again` : 'run the command again',
    });
    return { problems, gone: [] };
  }
  const foreign = new Set(plan.foreign.map((f) => f.replace(/\/$/, '')));
  const linked = new Set(plan.linked);
  const dropped = new Set(plan.dropped);
  const racy = new Set(plan.racy);
  /** The generated files as staging found them, and those of them saved over in place while linked into the new directory. */
  const kept = new Set<string>();
  const inPlace: string[] = [];
  const scan = scanDir(dir, {
    known: (rel) => foreign.has(rel),
    output: (rel) => plan.folders.has(rel) || dropped.has(rel),
    same: (rel, _path, st) => {
      const was = plan.seen.get(rel);
      // a stamp that could miss a write (coarse times) proves nothing: the file is read as one not seen, unless nothing moves
      if (was === undefined || (racy.has(rel) && !plan.same)) return false;
      if (was === fileStamp(st)) {
        kept.add(rel);
        return true;
      }
      if (!linked.has(rel) || was.slice(0, was.indexOf(':')) !== String(st.ino)) return false;
      inPlace.push(rel);
      return true;
    },
  });
  for (const rel of inPlace) {
    changedSince(rel, 'written over', `in place, and the stage's new output shares that file with it: a hard link of the file as it was`);
  }
  if (plan.same) {
    // nothing moves: a foreign entry stays where it is, but the generated files are the output as staging found them
    const there = new Set([...scan.owned, ...scan.foreign.map((f) => f.replace(/\/$/, ''))]);
    for (const rel of plan.seen.keys()) {
      // its stamp as staged proves nothing on coarse times (a write of its size in the stamp's tick): its bytes are read again
      const digest = plan.digests.get(rel);
      if (kept.has(rel) && (digest === undefined || holdsDigest(join(dir, rel), digest, plan.seen.get(rel)!))) continue;
      changedSince(rel, there.has(rel) ? 'saved over' : 'removed', "the stage's output is the file as it was");
    }
    for (const rel of scan.owned) if (!plan.seen.has(rel)) changedSince(rel, 'saved', "a generated file the stage's output does not have");
    return { problems, gone: [] };
  }
  for (const f of scan.foreign) refuse(f, whyForeign(join(dir, f)));
  return { problems, gone: [...foreign].filter((f) => !present(join(dir, f))) };
}

/**
 * Whether the file at `path`, of the size its stamp as staged says (`fileStamp`), holds the bytes whose SHA-256 is
 * `sha256`: false when it is gone meanwhile, or is no regular file (`holdsBytes`).
 */
function holdsDigest(path: string, sha256: string, stamp: string): boolean {
  return holdsBytes(path, { pieces: [], sha256 }, Number(stamp.split(':')[1]));
}
