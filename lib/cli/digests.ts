/**
 * The SHA-256 of the files a command depends on and of those it wrote, each file read once and
 * remembered by its stamp between commands: the inputs of a compilation (what the fingerprint
 * compares, lib/cli/fingerprint.ts, and what the render cache and the stage entries are keyed by)
 * and the files below `dist/`.
 *
 * The inputs, all hashed by content:
 * - the project: every file below `environments/` and `crds/`, `stagecraft.yaml`, and every other
 *   file of the project but dist/, node_modules/, .git/ and .stagecraft/ (a stack may include any);
 * - the compiler: every file below its `lib/` and `apps/`, its `package.json`, `package-lock.json`,
 *   `tsconfig.json`, and `node_modules/.package-lock.json` (what npm installed, with versions and
 *   integrity hashes), and the Node.js version.
 * What is not covered: a file inside node_modules/ edited by hand without npm knowing. A file is
 * read again unless its device, inode, size, modification and change times are those of the last
 * read, made more than 2 s after its last change; the digests of such reads are kept in
 * `.stagecraft/digests.json` for the next command (`fileDigest`). Any write moves a file's change
 * time to the present, and no program can set it back, so an edited file is always read again.
 * Deleting that file is always safe (the next command reads every file).
 */
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, readdirSync, readSync, readlinkSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TMP_SUFFIX, TX_DIR, openRegularFile, readRegularFile, withScratch } from '../synth/disk.js';
import { isFsError } from '../fs-problems.js';
import { crashPoint } from '../synth/write.js';
import { rootCacheDir } from './root-cache.cjs';
import { removeStaleTemps } from './stale-files.cjs';
import { DIGESTS_FILE, keptAfterAll, noteUnkept } from './unkept-state.js';
import { writeNew } from '../model/flushed-file.cjs';

/** Where the stage files are, relative to the project root. */
export const ENVIRONMENTS_DIR = 'environments';
/** Bumped whenever what DIGESTS_FILE holds changes (3: looked up by stamp, not by path). */
const DIGESTS_FORMAT = 3;
/** The compiler's own root (where lib/ and apps/ are), which is not the project's when the project links to it. */
export const COMPILER_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMPILER_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'node_modules/.package-lock.json'];
const COMPILER_DIRS = ['lib', 'apps'];
const PROJECT_FILES = ['stagecraft.yaml'];
const PROJECT_DIRS = [ENVIRONMENTS_DIR, 'crds'];
/** Entries of the project root that are not inputs of a compilation (the output is hashed apart). */
const NOT_INPUTS = new Set(['dist', 'node_modules', '.git', '.stagecraft', 'test-results']);
/** Bytes of a file hashed per read. */
const HASH_CHUNK_BYTES = 1024 * 1024;
/**
 * Files changed this recently before a read may change again unseen within the same tick of a
 * coarse clock (their digests are not remembered), and sources changed this recently before the
 * command started may not be what the running code was built from.
 */
export const MTIME_MARGIN_MS = 2000;

/** Path -> digest: a file's SHA-256, `link:<target>` for a symbolic link, `missing`. */
export type Digests = Record<string, string>;

/**
 * The digests of files read, by the file's stamp: its device, inode, size, modification and change
 * times when it was read. A command takes the digests of the same files several times (before
 * compiling and again when it records, the compiler's sources as the compiler's and as the
 * project's, by the same path or through the project's link to them, the render cache's key), and
 * the next command takes them again: a file is read again unless its stamp is one already read.
 * Only files whose last change (ctime, which no program can set back: any write moves it to the
 * present) was more than MTIME_MARGIN_MS before the read are remembered, so that a file changed
 * again within the same tick of a coarse clock is read again (git's "racy clean"). They are kept
 * between commands in DIGESTS_FILE, written with the fingerprint (`keepDigests`), and the
 * compiler's in `compilerDigestsFile()` too.
 */
const { readDigests, usedDigests, primed, remembered } = processState();
export { DIGESTS_FILE } from './unkept-state.js';
/**
 * The digests of the files of the compiler at `compilerRoot`, kept beside its bundles in its
 * checkout's own cache directory (lib/cli/root-cache.cjs: checkouts sharing one node_modules do not
 * overwrite each other's) for a project with no DIGESTS_FILE yet (a new clone, `.stagecraft/`
 * deleted): its first synthesis need not read every source of the compiler. A cache, safe to delete.
 */
export const compilerDigestsFile = (compilerRoot = COMPILER_ROOT): string => join(rootCacheDir(compilerRoot), 'digests.json');

/**
 * What this process knows of the files it read, shared by every copy of this module in it:
 * lib/cli/run.cjs runs the fast path's bundle and then, when it declines, the command's, each with
 * a copy of its own, and the command need not read again what the fast path just read.
 */
function processState(): {
  /** See above: stamp -> SHA-256. */
  readonly readDigests: Map<string, string>;
  /** The paths whose digest this process took, and their stamps then: the entries kept. */
  readonly usedDigests: Map<string, string>;
  /** Projects whose DIGESTS_FILE this process read (or `compilerDigestsFile()` instead). */
  readonly primed: Set<string>;
  /** The stamps of the files this process read whose digests it may keep (`keepNewDigests`). */
  readonly remembered: Set<string>;
} {
  const shared = globalThis as { [key: symbol]: ReturnType<typeof processState> | undefined };
  const key = Symbol.for(`stagecraft.digests.${DIGESTS_FORMAT}`);
  return (shared[key] ??= {
    readDigests: new Map(),
    usedDigests: new Map(),
    primed: new Set(),
    remembered: new Set(),
  });
}

/**
 * The SHA-256 of the file at `path`, read a MiB or more at a time into a scratch buffer: a file of
 * any size in the project (a 3 GB dataset beside the stage files) is hashed without being held,
 * where reading it whole failed beyond 2 GiB; a FIFO put in its place meanwhile is refused, not
 * waited for.
 */
function hashFile(path: string): string {
  const fd = openRegularFile(path);
  try {
    const hash = createHash('sha256');
    return withScratch(HASH_CHUNK_BYTES, (chunk) => {
      for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
      return hash.digest('hex');
    });
  } finally {
    closeSync(fd);
  }
}

const stampOf = (st: Stats) => `${st.dev} ${st.ino} ${st.size} ${st.mtimeMs} ${st.ctimeMs}`;

export function fileDigest(path: string, st: Stats): string {
  const stamp = stampOf(st);
  usedDigests.set(path, stamp);
  const known = readDigests.get(stamp);
  if (known !== undefined) return known;
  const digest = hashFile(path);
  if (Math.max(st.mtimeMs, st.ctimeMs) < Date.now() - MTIME_MARGIN_MS) {
    readDigests.set(stamp, digest);
    remembered.add(stamp);
  }
  return digest;
}

/** The digest of the file at `path` read now, whatever is remembered (and remembered instead); undefined when it is no file. */
export function rereadDigest(path: string): string | undefined {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) return undefined;
  readDigests.delete(stampOf(st));
  return fileDigest(path, st);
}

/** Bytes beyond which a state file is not read (the fingerprint of a 1,000-app x 4-stage fleet is about 0.4 MB). */
export const MAX_STATE_BYTES = 256 * 1024 * 1024;

/**
 * Takes in the digests the last command of the project in `root` kept (once per process); in a
 * project with none (or none readable), those kept of the compiler's files.
 */
export function primeDigests(root: string): void {
  if (primed.has(root)) return;
  primed.add(root);
  if (primeFrom(join(root, DIGESTS_FILE), (e) => noteUnkept(root, e, 'reading'))) return;
  const compilerFile = compilerDigestsFile();
  if (!primed.has(compilerFile)) {
    primed.add(compilerFile);
    primeFrom(compilerFile);
  }
}

/**
 * Takes in the digests kept in `file`: whether it held any (every file is read when not). `refused`
 * is told why it could not be read (none yet, a directory in its place).
 */
function primeFrom(file: string, refused: (e: unknown) => void = () => {}): boolean {
  let kept: unknown;
  try {
    kept = JSON.parse(readRegularFile(file, MAX_STATE_BYTES));
  } catch (e) {
    refused(e);
    return false; // none yet, or not readable
  }
  const files = (kept as { format?: unknown; files?: unknown } | null)?.files;
  if ((kept as { format?: unknown } | null)?.format !== DIGESTS_FORMAT || typeof files !== 'object' || files === null) return false;
  for (const entry of Object.values(files)) {
    const { stamp, digest } = (entry ?? {}) as { stamp?: unknown; digest?: unknown };
    if (typeof stamp === 'string' && typeof digest === 'string' && !readDigests.has(stamp)) readDigests.set(stamp, digest);
  }
  return true;
}

/**
 * Keeps the digests of the files of the project in `root` and of the compiler that this process
 * took, for the next command; the compiler's also in `compilerDigestsFile()` when this process read
 * any of them (best effort: an installation that cannot be written keeps them in projects only).
 */
export function keepDigests(root: string): void {
  const project = join(root, '/');
  const compilerFiles = new Set(COMPILER_FILES.map((f) => join(COMPILER_ROOT, f)));
  const compilerDirs = COMPILER_DIRS.map((d) => join(COMPILER_ROOT, d, '/'));
  const isCompiler = (path: string) => compilerFiles.has(path) || compilerDirs.some((d) => path.startsWith(d));
  const paths = [...usedDigests.keys()].sort();
  writeStateFile(join(root, DIGESTS_FILE), digestsText(paths.filter((p) => p.startsWith(project) || isCompiler(p))), 'digests-staged');
  // whatever stood there (a FIFO its read was refused) is replaced: nothing to say of it
  keptAfterAll(DIGESTS_FILE);
  const compiler = paths.filter(isCompiler);
  if (compiler.some((p) => remembered.has(usedDigests.get(p)!))) {
    try {
      const compilerFile = compilerDigestsFile();
      mkdirSync(dirname(compilerFile), { recursive: true });
      writeStateFile(compilerFile, digestsText(compiler), 'compiler-digests-staged');
    } catch {
      // the next project's first command reads the compiler's files
    }
  }
}

/** A digests file of the files at `paths` whose digests this process took and remembers. */
function digestsText(paths: readonly string[]): string {
  const files: Record<string, { stamp: string; digest: string }> = {};
  for (const path of paths) {
    const stamp = usedDigests.get(path)!;
    const digest = readDigests.get(stamp);
    if (digest !== undefined) files[path] = { stamp, digest };
  }
  return JSON.stringify({ format: DIGESTS_FORMAT, files });
}

/**
 * Writes the state file `path` whole or not at all: beside it as `<name>.<pid>.stagecraft-tmp`,
 * then (after the crash point named `staged`, when given) renamed into place. A command killed in between leaves its temporary
 * file, up to a MB for a large project each time: every writer of the file removes those of
 * processes that no longer run, once a minute old (a process of another machine sharing the
 * project, whose PID means nothing here, writes and renames in well under that).
 */
export function writeStateFile(path: string, text: string | Uint8Array, staged?: string): void {
  const tmp = `${path}.${process.pid}${TMP_SUFFIX}`;
  try {
    writeNew(tmp, text);
    if (staged) crashPoint(staged);
    renameSync(tmp, path);
  } catch (e) {
    // a short or refused write (a full disk, a file size limit) leaves no temporary file behind
    try {
      rmSync(tmp, { force: true });
    } catch {
      // not even that: the next writer removes it once its process is gone (removeStaleTemps)
    }
    // a failed write(2) names no file: the one meant is this
    if (isFsError(e)) e.path = path;
    throw e;
  }
  removeStaleTemps(dirname(path), `${basename(path)}.`, TMP_SUFFIX);
}

/**
 * After a command that only read (check, or synth with nothing changed, answered from the
 * fingerprint): keeps the digests of the files it had to read for the next command. The files a
 * synth wrote in its last moments are too recent for it to keep (`fileDigest`), and every command
 * after it read them all again, until one kept them: in a 1,000-app fleet, 4,000 files per
 * `npm run check`. Best effort and without the lock: each kept digest is believed only while its
 * file's stamp is the same, so that a file lost or overwritten by another command means files read
 * again, never a wrong answer; a project that cannot be written (read-only) keeps nothing.
 */
export function keepNewDigests(root: string): void {
  if (remembered.size === 0) return;
  try {
    keepDigests(root);
    remembered.clear();
  } catch (e) {
    // the next command reads them again; what stands in the way (a directory) is said, as after a full synthesis
    noteUnkept(root, e, 'writing');
  }
}

/**
 * Adds the digest of `rel` (below the root; `base` is the root and a `/`) to `out`: a file, each
 * file of a directory (recursively), or `missing`. A symbolic link is recorded by its target and,
 * when `follow`, by what it points at (the compiler reads stage files through links); below `dist/`
 * links are never followed, as stagecraft treats them as foreign entries whose content it never
 * reads. With `follow`, a directory is recorded too (`<rel>/`: `dir`), so that an empty one added,
 * removed or put where a file was (a stage file that is a directory, which the compiler refuses)
 * changes the digests; below `dist/` check compares only generated files, which a directory there
 * already displaces. `walk` holds the device and inode of the directories being walked, `root`
 * first: a link that leads back to one of them (`up -> ..`, `self -> .`) is a loop, recorded by its
 * target and as `loop`, never walked again (the walk went down through it until ELOOP, hashing the
 * project at every level).
 */
function hashEntry(base: string, rel: string, out: Digests, follow: boolean, skip: (rel: string) => boolean, walk: Set<string>): void {
  if (skip(rel)) return;
  // `rel` is names readdir gave (never `.` or `..`) joined by `/`: nothing for path.join to normalize
  const path = base + rel;
  let st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) {
    out[rel] = 'missing';
    return;
  }
  if (st.isSymbolicLink()) {
    out[`${rel}@`] = `link:${readlinkSync(path)}`;
    if (!follow) return;
    st = statOrLoop(path);
    if (!st) return;
  }
  if (st.isDirectory()) {
    const id = `${st.dev}:${st.ino}`;
    if (follow && walk.has(id)) {
      out[`${rel}/`] = 'loop';
      return;
    }
    if (follow) out[`${rel}/`] = 'dir';
    walk.add(id);
    for (const name of readdirSync(path).sort()) hashEntry(base, `${rel}/${name}`, out, follow, skip, walk);
    walk.delete(id);
  } else if (st.isFile()) out[rel] = fileDigest(path, st);
  else out[rel] = `other:${st.mode}`;
}

/** What the link at `path` leads to; undefined when it leads nowhere or round in a loop of links (`a -> b -> a`), which the link's own entry records. */
function statOrLoop(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw e;
  }
}

function hashAll(root: string, entries: readonly string[], follow: boolean, skip: (rel: string) => boolean = () => false): Digests {
  const out: Digests = {};
  const st = statSync(root);
  const walk = new Set([`${st.dev}:${st.ino}`]);
  const base = join(root, '/');
  for (const e of entries) hashEntry(base, e, out, follow, skip, walk);
  return out;
}

/** The digests of the compiler's sources and installed packages, taken now. */
export function currentCompilerDigests(compilerRoot = COMPILER_ROOT): Digests {
  return hashAll(compilerRoot, [...COMPILER_FILES, ...COMPILER_DIRS], true);
}

/** What `compilerDigests` took first in this command, until `forgetCompilerDigests`. */
let taken: { readonly root: string; readonly digests: Digests } | undefined;

/**
 * The compiler's digests as this command first took them, for the keys of what it keeps (the
 * render cache, stage entries, derived texts): taken once, not at each (2-3 ms each time). Each
 * of those asks `compilerRecentlyChanged` before it keeps anything, so a source changed since
 * shortly before the command started keeps nothing, and the digests are those of the sources then.
 * What proves `dist/` current (`record`, `unchangedSinceRecorded`) takes them afresh.
 */
export function compilerDigests(compilerRoot = COMPILER_ROOT): Digests {
  if (taken?.root !== compilerRoot) taken = { root: compilerRoot, digests: currentCompilerDigests(compilerRoot) };
  return taken.digests;
}

/** Drops what `compilerDigests` took: a command run in the same process (tests, tools) takes them again. */
export function forgetCompilerDigests(): void {
  taken = undefined;
}

/**
 * The digests of the project's inputs: stage files, the project file, crds/, and every other file
 * of the project that a stack may include (the manifests stack reads folders the stage file names),
 * so everything but the output, the installed packages and what git and stagecraft keep to themselves.
 */
export function projectDigests(root: string): Digests {
  primeDigests(root);
  const entries = readdirSync(root)
    .filter((e) => !NOT_INPUTS.has(e))
    .sort();
  return hashAll(root, [...new Set([...PROJECT_FILES, ...PROJECT_DIRS, ...entries])].sort(), true);
}

/** The digests of the project's entries `rels` alone, as `projectDigests` gives them (a stage file, before everything else). */
export function projectEntryDigests(root: string, rels: readonly string[]): Digests {
  primeDigests(root);
  return hashAll(root, rels, true);
}

/**
 * The digests of every file below `distDir` (but the staging directory of an unfinished write, and
 * the entries `skip` names, each relative to the root).
 */
export function distDigests(root: string, distDir: string, skip: (rel: string) => boolean = () => false): Digests {
  primeDigests(root);
  return hashAll(root, [distDir], false, (rel) => rel === `${distDir}/${TX_DIR}` || skip(rel));
}

/** Whether any of the compiler's source files changed in the last moments before this process started (or since). */
export function compilerRecentlyChanged(compilerRoot = COMPILER_ROOT): boolean {
  return compilerChangedSince(Date.now() - process.uptime() * 1000 - MTIME_MARGIN_MS, compilerRoot);
}

/**
 * Whether any of the compiler's source files was modified at `time` (ms since the epoch) or later:
 * a process started `MTIME_MARGIN_MS` after the last time this is true trusts the sources (the test
 * suite's setup waits for that, test/helpers/global-setup.ts).
 */
export function compilerChangedSince(time: number, compilerRoot = COMPILER_ROOT): boolean {
  const recent = (rel: string): boolean => {
    const st = lstatSync(join(compilerRoot, rel), { throwIfNoEntry: false });
    if (!st) return false;
    if (st.isDirectory()) return readdirSync(join(compilerRoot, rel)).some((n) => recent(`${rel}/${n}`));
    return st.mtimeMs >= time;
  };
  return [...COMPILER_FILES, ...COMPILER_DIRS].some(recent);
}
