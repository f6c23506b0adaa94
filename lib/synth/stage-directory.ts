/**
 * Step 1 of a write (lib/synth/write.ts) for one stage: its new directory written below
 * `dist/.stagecraft-tx/new/<stage>/`, the files that did not change hard-linked from the old one,
 * its foreign entries found, and how it will replace `dist/<stage>`. Any thread may stage a stage
 * while the transaction is open; nothing users see changes.
 */
import { type BigIntStats, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { ProblemsError, type Problem } from '../errors.js';
import { errnoCode, withFs } from '../fs-problems.js';
import { withRoom } from './full-disk.js';
import { crashPoint } from '../model/crash-point.cjs';
import { changeTimesOf, changedRecently, finerChangeTimes } from './change-times.js';
import { compareCodePoints } from '../model/order.js';
import { contentDigest, fileSize, type StageFileTree } from './file-content.js';
import { TX_DIR, coarseTimes, fileStamp, outputFolders, present, scanDir, whyForeign } from './disk.js';
import { markStaging, stagingInTheWay, stagingOwner } from './staging-mark.js';
import { headerlessAsSeen, holdsAll, reuse, writeContent } from './staged-file.js';

/** Where a transaction stages: the project and its output directory (`TransactionOptions`). */
export interface StagingPlace {
  readonly root: string;
  readonly distDir: string;
}

/** A stage directory staged (`stageDirectory`): how it replaces `dist/<stage>`, or the problems that stop the transaction. Plain data. */
export interface StagedDirectory {
  readonly plan?: StagePlan;
  readonly problems: readonly Problem[];
  /** Its foreign entries, by path from the root (`dist/lab/NOTES.md`). */
  readonly foreign: readonly string[];
  /**
   * What its renames move out of `dist/<stage>/`, by path below it: the directory itself (`''`) when
   * it exists, its foreign entries. What rename(2) cannot move is refused once for every stage
   * (`unmovableEntries`), with the mount table read once.
   */
  readonly moved: readonly string[];
}

/** The files of a stage that are not the old ones, each list sorted (paths below `dist/<stage>/`). */
export interface ChangedFiles {
  /** Written anew: changed or added. */
  readonly written: readonly string[];
  /** Gone: generated files the stage no longer has (a hand-made copy of one, which carries its header, too). */
  readonly gone: readonly string[];
  /** Of `written`, those the stage did not have before (an edge machine's keepalived.conf, under its new name). @default none */
  readonly added?: readonly string[];
}

export interface StagePlan {
  readonly stage: string;
  /** Whether `dist/<stage>` exists now (it moves to the old directory, unless `same`). */
  readonly old: boolean;
  /**
   * Whether `dist/<stage>/` already holds exactly the new output (every generated file of the bytes
   * of the new one, none gone): nothing is staged or renamed for it, and what it holds stays in place.
   */
  readonly same: boolean;
  readonly foreign: readonly string[];
  /**
   * By generated file staging found in `dist/<stage>/` (path below it), its `fileStamp` then (once
   * linked into the new directory, for a file linked), for `sinceStaged` to tell what changed since.
   */
  readonly seen: ReadonlyMap<string, string>;
  /** Of `seen`, the files hard-linked into the new directory (their bytes unchanged), which an edit in place would change there too. */
  readonly linked: readonly string[];
  /**
   * Of `seen`, the files copied into the new directory (their bytes unchanged): where the file system
   * has no hard links, or keeps coarse file times (`coarseTimes`), where a link's stamp could not tell
   * a write in place made in the same second, which the new output would share.
   */
  readonly copied: readonly string[];
  /**
   * Of `seen`, the files whose stamp can miss a write made since (`coarseTimes`: one of the same size
   * in the tick of the stamp leaves it as it was; every one, staged anew where change times move once a
   * kernel tick, `finerChangeTimes`; where the directory holds its output, those changed just before the
   * look too, `changedRecently`): `sinceStaged` reads them again rather than trust the stamp.
   */
  readonly racy: readonly string[];
  /**
   * Of `racy`, where the directory holds its output (`same`), each file's SHA-256 as staging compared
   * it: `sinceStaged` reads the file again against it, since nothing replaces what a write since left there.
   */
  readonly digests: ReadonlyMap<string, string>;
  /** The folders of the new output (on the path of one of its files): never foreign entries, even empty (`outputFolders`). */
  readonly folders: ReadonlySet<string>;
  /**
   * The folders of the old output (holding a generated file when staged) that the new one has not:
   * one a user empties since (`rm dist/qa/old/a.yaml`, a file the new output drops) saved nothing,
   * and is no foreign entry either.
   */
  readonly dropped: readonly string[];
  /** Whether the new directory has anything in it. */
  readonly filled: boolean;
  readonly changed: ChangedFiles;
}

/** Whether `a` (a file or a directory with a trailing `/`) and `b` (a file) are the same path or one holds the other. */
function overlaps(foreign: string, file: string): boolean {
  const f = foreign.replace(/\/$/, '');
  return f === file || file.startsWith(`${f}/`) || f.startsWith(`${file}/`);
}

/**
 * The problem of what stands at `<distDir>/<stage>` (below `dist`, its absolute path) when it is no
 * directory (a symbolic link, even to one, or a file): a write never goes through it, and nothing
 * reads the stage's output there; undefined for a directory or nothing.
 */
export function notStageDirectory(dist: string, distDir: string, stage: string): Problem | undefined {
  const st = lstatSync(join(dist, stage), { throwIfNoEntry: false });
  if (st === undefined || st.isDirectory()) return undefined;
  return {
    code: 'synth/foreign-file',
    message: `${distDir}/${stage} is not a directory that stagecraft wrote (it is a ${st.isSymbolicLink() ? 'symbolic link' : 'file'}), and the output of stage '${stage}' goes there`,
    hint: `move ${distDir}/${stage} away, then run the command again`,
  };
}

/**
 * Step 1 for one stage: writes `files` below `dist/.stagecraft-tx/new/<stage>/` (the staging
 * directory a transaction started; any thread may call this while it is open) and says how the
 * stage directory will be replaced, or the problems that stop the transaction. Nothing users see changes.
 */
export function stageDirectory(o: StagingPlace, stage: string, files: StageFileTree): StagedDirectory {
  const abs = (p: string) => join(o.root, p);
  const dist = abs(o.distDir);
  const tx = join(o.distDir, TX_DIR);
  const dir = join(dist, stage);
  const into = join(tx, 'new', stage);
  const exists = present(dir);
  const notDirectory = exists ? notStageDirectory(dist, o.distDir, stage) : undefined;
  if (notDirectory) return { problems: [notDirectory], foreign: [], moved: [] };
  const problems: Problem[] = [];
  // the old files of the size of the new one at their path (generated, until their bytes say otherwise), and every file's stamp
  const sized = new Set<string>();
  const stamps = new Map<string, BigIntStats>();
  const folders = outputFolders(files);
  const scan = scanDir(dir, {
    output: (rel) => folders.has(rel),
    same: (rel, _path, st) => {
      stamps.set(rel, st);
      const content = files.get(rel);
      if (content === undefined || Number(st.size) !== fileSize(content)) return false;
      sized.add(rel);
      return true;
    },
  });
  // every file of the output there, of its size, and no other: the directory may hold the output already, compared in place
  const same = exists && sized.size === files.size && scan.owned.length === files.size && holdsAll(dir, files);
  // the old files looked at, none linked yet (the tests' hook for a file saved over in between)
  crashPoint(`compared-${stage}`);
  for (const f of scan.foreign) {
    const clash = [...files.keys()].find((file) => overlaps(f, file));
    if (clash) problems.push(clashOf(o, stage, f, clash, join(dir, f)));
  }
  const foreign = scan.foreign.map((f) => `${o.distDir}/${stage}/${f}`);
  const moved = [...(exists ? [''] : []), ...scan.foreign];
  if (problems.length) return { problems, foreign, moved };
  const seen = new Map(scan.owned.map((rel) => [rel, fileStamp(stamps.get(rel)!)]));
  // coarse times: a write since in the tick of the stamp leaves it as it was, and the clock of the file system (a file server's) is not the machine's
  const racy = scan.owned.filter((rel) => coarseTimes(stamps.get(rel)!));
  const dropped = scan.folders.filter((rel) => !folders.has(rel));
  if (same) {
    // every generated file there is one of the new output with its bytes, and the output has no other: nothing moves
    crashPoint(`staged-${stage}`);
    // nor is anything linked: a file changed in the tick of the look (change times moving once a kernel tick, Linux before
    // 6.13, ramfs) may be written over in it unseen, so its bytes are read again before the journal, as on whole seconds
    const unsure = unsureOf(scan.owned, stamps);
    const changed = { written: [], gone: [] };
    return {
      plan: {
        stage,
        old: true,
        same: true,
        foreign: scan.foreign,
        seen,
        linked: [],
        copied: [],
        racy: unsure,
        digests: new Map(unsure.map((rel) => [rel, contentDigest(files.get(rel)!)])),
        folders,
        dropped: [],
        filled: false,
        changed,
      },
      problems,
      foreign,
      moved: [],
    };
  }
  const target = join(o.distDir, stage);
  const filled = files.size > 0 || scan.foreign.length > 0;
  // what a thread that then failed (a worker that found the disk full) staged of it in this transaction: staged anew
  rmSync(abs(into), { recursive: true, force: true });
  if (filled) makeStagingDirectory(o, into);
  const linked: string[] = [];
  const copied: string[] = [];
  /** The old files whose bytes are the new ones, linked (or copied) into the new directory. */
  const unchanged = new Set<string>();
  // each directory made once, not once per file (a stage of a large project has thousands)
  const made = new Set<string>([abs(into)]);
  /**
   * Whether the last old file of its new file's size held other bytes: then the next is compared in
   * place before it is linked, so that a change that keeps every file's size (a tag or a name of the
   * same length everywhere) costs no link and removal per file; one that turns out unchanged is then
   * linked and compared again, as any other is (the link first: a `cp -p` before it would go unseen).
   */
  let changing = false;
  for (const [rel, content] of files) {
    const parent = dirname(abs(join(into, rel)));
    // (a folder takes an inode: on a full disk, once more when what can be spared was removed)
    if (!made.has(parent)) withFs(`${target}/${dirname(rel)}`, 'writing', () => withRoom(() => mkdirSync(parent, { recursive: true })));
    made.add(parent);
    const to = abs(join(into, rel));
    const from = abs(join(target, rel));
    // coarse file times: a link's change time falls in the second of the link, as does that of a write in place made then
    // (a cp -p sets the modification time back), whose stamp is then the link's: copied, the new output shares nothing; so
    // where change times move once a kernel tick (Linux before 6.13), a write in the tick of the link's stamp
    const link = sized.has(rel) && !coarseTimes(stamps.get(rel)!) && finerChangeTimes(dist, abs(tx));
    // on a full disk, once more when what can be spared was removed (nothing is left at `to` when reuse throws)
    const how: ReturnType<typeof reuse> = sized.has(rel) ? withRoom(() => reuse(from, to, content, link, changing)) : undefined;
    if (sized.has(rel)) changing = how === undefined;
    if (how === 'copied') {
      unchanged.add(rel);
      copied.push(rel);
    } else if (how !== undefined) {
      unchanged.add(rel);
      // the first file linked (the tests' hook for an edit in place right after a link was checked)
      if (linked.push(rel) === 1) crashPoint(`linked-${stage}`);
      // its stamp once linked (a link moves the change time), as reuse checked it: an edit since, even now, changes it
      seen.set(rel, fileStamp(how));
    } else if (sized.has(rel) && headerlessAsSeen(from, stamps.get(rel)!)) {
      // only its size made it pass for generated: a user's file where the output now has one
      problems.push(clashOf(o, stage, rel, rel, from));
    } else withFs(`${target}/${rel}`, 'writing', () => withRoom(() => writeContent(to, content)));
  }
  if (problems.length) return { problems, foreign, moved };
  // the other stages may still be compiling: a crash here leaves only ignored files (a rollback)
  crashPoint(`staged-${stage}`);
  const written = [...files.keys()].filter((rel) => !unchanged.has(rel)).sort(compareCodePoints);
  const had = new Set(scan.owned);
  const added = written.filter((rel) => !had.has(rel));
  const changed = {
    written,
    gone: scan.owned.filter((rel) => !files.has(rel)).sort(compareCodePoints),
    ...(added.length ? { added } : {}),
  };
  return {
    plan: {
      stage,
      old: exists,
      same: false,
      foreign: scan.foreign,
      seen,
      linked,
      copied,
      // where change times move once a tick, a write in the tick of staging's look leaves the stamp too: the old files are read
      // again before the journal, as on whole seconds (copied, a write into one would otherwise leave with the old output, unseen)
      // (the probe is asked only of a file of its new size: where none was, those changed just before the look, as above)
      racy: changeTimesOf.get(dist) === false ? scan.owned : changeTimesOf.has(dist) ? racy : unsureOf(scan.owned, stamps),
      digests: new Map(),
      folders,
      dropped,
      filled,
      changed,
    },
    problems,
    foreign,
    moved,
  };
}

/**
 * Of `owned`, the files whose stamp (`stamps`) may miss a write made since, where the probe
 * (`finerChangeTimes`) was not asked: those of coarse times, and those changed just before now (`changedRecently`).
 */
function unsureOf(owned: readonly string[], stamps: ReadonlyMap<string, BigIntStats>): string[] {
  const now = BigInt(Date.now()) * 1_000_000n;
  return owned.filter((rel) => coarseTimes(stamps.get(rel)!) || changedRecently(stamps.get(rel)!, now));
}

/**
 * Makes the directory `dir` of the staging directory (a path from the root, below `o.distDir`),
 * and those above it from `o.distDir` down, one mkdir(2) at a time, as any thread staging a stage
 * may at once (one made meanwhile is there). Node.js's recursive mkdir says ENOENT for a directory
 * on a read-only file system (read as 'the directory it goes in does not exist'); mkdir(2) itself
 * says EROFS, or EACCES where this user may not write `dist/`, of `o.distDir`.
 */
export function makeStagingDirectory(o: StagingPlace, dir: string): void {
  // each takes an inode: on a full disk, once more (those made stay) when what can be spared was removed
  withFs(o.distDir, 'writing', () =>
    withRoom(() => {
      let path = o.distDir;
      for (const part of ['', ...relative(o.distDir, dir).split(sep)]) {
        path = join(path, part);
        const tx = path === join(o.distDir, TX_DIR);
        try {
          mkdirSync(join(o.root, path));
        } catch (e) {
          if (errnoCode(e) !== 'EEXIST') throw e;
          // made by another thread of this write, or meanwhile by a team (the transaction began while no directory was
          // there, and the first stage compiles for seconds): theirs is never marked as stagecraft's, then removed
          if (tx && stagingOwner(join(o.root, path)) === 'other') throw new ProblemsError([stagingInTheWay(o.root, o.distDir)]);
        }
        // marked before anything goes in it, so that a recovery tells it from a directory of that name a team keeps
        if (tx) markStaging(join(o.root, path));
      }
    }),
  );
}

/** The clash of the foreign entry `entry` of a stage directory (at `path`) with the output's file `file` (both below `dist/<stage>/`). */
function clashOf(o: StagingPlace, stage: string, entry: string, file: string, path: string): Problem {
  return {
    code: 'synth/foreign-file',
    message: `${o.distDir}/${stage}/${entry} was not written by stagecraft (${whyForeign(path)}), and the output of stage '${stage}' now has ${o.distDir}/${stage}/${file}`,
    hint: `move ${o.distDir}/${stage}/${entry} out of ${o.distDir}/${stage}/, then run the command again`,
  };
}
