// The bundles of a directory on disk (lib/cli/run.cjs runs them): building one unless it is
// current (`current`: written beside its place and renamed, its manifest last), reading one as the
// build its manifest vouches for (`readBundle`), and V8's code caches of them, each tied to the very
// bundle file read. Plain JavaScript, since run.cjs uses it before any bundle exists.
'use strict';
const { isAscii } = require('node:buffer');
const { createHash, randomUUID } = require('node:crypto');
const { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { crashPoint } = require('../model/crash-point.cjs');
const { writeNew } = require('../model/flushed-file.cjs');
const { removeStaleTemps } = require('./stale-files.cjs');
const { pruneCodeCaches, startFlags } = require('./start-flags.cjs');

/** The checkout whose files the bundles are built from. */
const ROOT = join(__dirname, '..', '..');
/** Files modified this recently before a build may have changed while it read them. */
const MTIME_MARGIN_MS = 2000;

/**
 * `path -> "mtime ctime inode size"` of the files a bundle was built from (and of this launcher).
 * The change time is there because the modification time alone can be set back (`touch -r`, an
 * editor or a checkout that keeps it): an edit of the same size would then leave the old bundle
 * running, and its output recorded under the new sources' digests (lib/cli/digests.ts takes
 * those by content). No program can set a change time back: any write moves it to the present.
 */
function stamp(files) {
  return Object.fromEntries(
    files.map((f) => {
      const st = statSync(join(ROOT, f), { throwIfNoEntry: false });
      return [f, st ? `${st.mtimeMs} ${st.ctimeMs} ${st.ino} ${st.size}` : 'missing'];
    }),
  );
}

/** The manifest of the bundle when it is current (built from these files, with this key), else undefined. */
function currentManifest(manifestFile, key, valid) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch {
    return undefined; // no bundle yet
  }
  if (manifest.key !== key || typeof manifest.files !== 'object' || typeof manifest.build !== 'string' || !valid(manifest))
    return undefined;
  const now = stamp(Object.keys(manifest.files));
  return Object.entries(manifest.files).every(([f, s]) => now[f] === s) ? manifest : undefined;
}

/**
 * The first line of a bundle: the build id its manifest gives, so that a manifest vouches only for
 * the bundle it was written for. Another bundle can be in its place: one whose build wrote no
 * manifest (its sources had just changed) while the manifest before it still matched, or one that
 * another start of this checkout built (a source changed) and renamed there just as this start
 * read it: then this start finds another build in its first line, and runs none of it
 * (`ReplacedBundle`). Starts of other checkouts never write there (the directory is this checkout's:
 * root-cache.cjs).
 */
const buildBanner = (build) => `// stagecraft build ${build}\n`;
/**
 * The second line of a sources' bundle: its build id kept where its code can read it
 * (`bundleBuild`, lib/cli/stage-workers.ts), so that a worker thread, which loads the bundle file
 * again, serves stages only when it loaded the build the main thread ran (another start of this
 * checkout may have renamed a newer one there). Only builds of this checkout, all made with that
 * check, are ever in its directory: a worker never evaluates another checkout's.
 */
const buildMark = (build) => `globalThis[Symbol.for('stagecraft.build')] = ${JSON.stringify(build)};\n`;

/**
 * The bundle `out` was replaced by another build between the reading of its manifest and of its
 * text, or removed (its directory evicted by another checkout's start: root-cache.cjs).
 */
class ReplacedBundle extends Error {
  constructor(out, cause) {
    super(`${out} was replaced by another build or removed while it was read`, { cause });
  }
}

/**
 * The build id in the first line of the bundle file `out`, when it has the size `bytes` its manifest
 * gives (a bundle cut short, by a crash of the machine before its blocks reached the disk, has its
 * first line and fails to compile), or undefined.
 */
function builtAs(out, bytes) {
  let fd;
  try {
    fd = openSync(out, 'r');
    if (fstatSync(fd).size !== bytes) return undefined;
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, head.length, 0);
    return /^\/\/ stagecraft build (\S+)\n/.exec(head.toString('latin1', 0, n))?.[1];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const sha256 = (data) => createHash('sha256').update(data).digest();

/**
 * Where V8's code cache of the bundle `name` is kept: named for the start flags `flags` (check and
 * synth run the fast path's bundle under different flags), by default this thread's, taken once
 * the launcher set its own.
 */
const codeCacheFile = (dir, name, flags = startFlags()) => join(dir, `${name}.${flags}.v8`);

/**
 * V8's code cache of the bundle `name` in the directory `dir`, in `<name>.<start flags>.v8`: the SHA-256 of the rest (32 bytes), the identity
 * of the bundle file it was made from (`bundleIdentity`) and a newline, then the data. Used only
 * when all of it matches (a truncated, edited or stale file is no cache): V8 rejects data of
 * another V8 version or other flags itself, but takes damaged data, or data made from another
 * source of the same length, and runs it. `flags`: the start flags it is named for (`codeCacheFile`).
 */
function readCodeCache(dir, name, identity, flags) {
  let bytes;
  try {
    bytes = readFileSync(codeCacheFile(dir, name, flags));
  } catch {
    return undefined;
  }
  const rest = bytes.subarray(32);
  const head = Buffer.from(`${identity}\n`);
  if (!sha256(rest).equals(bytes.subarray(0, 32)) || !rest.subarray(0, head.length).equals(head)) return undefined;
  // V8 neither uses nor rejects empty data: no cache
  return rest.length > head.length ? rest.subarray(head.length) : undefined;
}

/** Keeps V8's code cache `data` of the bundle `name` (`identity`: `readBundle`) in `dir`, if it can. */
function writeCodeCache(dir, name, identity, data) {
  try {
    const file = codeCacheFile(dir, name);
    const rest = Buffer.concat([Buffer.from(`${identity}\n`), data]);
    const tmp = `${file}.${process.pid}.tmp`;
    writeNew(tmp, Buffer.concat([sha256(rest), rest]));
    crashPoint('code-cache-staged');
    renameSync(tmp, file);
    pruneCodeCaches(dir, name);
    removeStaleTemps(dir);
  } catch {
    // not kept: the next start compiles again
  }
}

/**
 * The text of the bundle file `out` and its identity: the build id of its manifest, and the
 * device, inode, size, modification and change times of the very file read. A bundle is never
 * written in place but renamed over, so the file read keeps these as long as it exists, and any
 * write to it changes its change time (which no program can set back): a code cache made from it
 * is never taken for another bundle, not even one renamed into place by a concurrent start
 * between this start's reading of the manifest and of the bundle, nor for a bundle edited by hand.
 */
function readBundle(out, build) {
  let fd;
  try {
    fd = openSync(out, 'r');
  } catch (e) {
    if (e?.code === 'ENOENT') throw new ReplacedBundle(out, e);
    throw e;
  }
  try {
    const st = fstatSync(fd);
    const bytes = readFileSync(fd);
    // ASCII (as esbuild writes code) is Latin-1 too: read as such, the text is a copy of the bytes, not decoded
    const text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
    if (!text.startsWith(buildBanner(build))) throw new ReplacedBundle(out);
    return { text, identity: `${build} ${st.dev} ${st.ino} ${st.size} ${st.mtimeMs} ${st.ctimeMs}` };
  } finally {
    closeSync(fd);
  }
}

/** A bundle directory `dir` that the file system refuses to write (`cause`: its error). */
class UnwritableCache extends Error {
  constructor(dir, cause) {
    super(`${dir} cannot be written`, { cause });
  }
}

/** Runs `write`, a write to the bundle directory `dir`: a file-system error becomes an UnwritableCache. */
function writingCache(dir, write) {
  try {
    write();
  } catch (e) {
    throw typeof e?.code === 'string' ? new UnwritableCache(dir, e) : e;
  }
}

/**
 * The manifest of the bundle `name` in the directory `dir` (its build id and what else it holds),
 * and whether it was built now: by `make(file, build)` (the code for `file`, its first line
 * `buildBanner(build)`) unless its manifest is current for `key` and `valid` and the bundle in
 * place is the one it was written for. `make` returns the code, the files the bundle was built from
 * and anything else to keep in the manifest.
 * @throws UnwritableCache when a bundle built cannot be written to `dir` (none is left half written)
 */
async function current(dir, name, key, make, valid = () => true) {
  const out = join(dir, `${name}.cjs`);
  const manifestFile = join(dir, `${name}.json`);
  const manifest = currentManifest(manifestFile, key, valid);
  if (manifest && builtAs(out, manifest.bytes) === manifest.build) return { manifest, rebuilt: false };
  // each file written beside and renamed into place, the manifest last, so that a command
  // starting at the same time never reads half a bundle or a manifest of another bundle
  const tmp = `.${process.pid}.tmp`;
  const started = Date.now();
  const build = randomUUID();
  const { inputs, code, ...kept } = await make(out, build);
  try {
    writingCache(dir, () => {
      mkdirSync(dir, { recursive: true });
      // on the disk before its name: a crash of the machine can keep the size of a file renamed
      // unflushed and zero its tail (XFS, ext4's delayed allocation), which builtAs would not see
      writeNew(out + tmp, code, { flush: true });
    });
    crashPoint('bundle-staged');
    // no manifest may vouch for the bundle that replaces the one it was written for
    writingCache(dir, () => {
      rmSync(manifestFile, { force: true });
      renameSync(out + tmp, out);
    });
  } catch (e) {
    rmSync(out + tmp, { force: true });
    throw e;
  }
  removeStaleTemps(dir);
  // the ES module bundle of an earlier version of this file
  rmSync(join(dir, `${name}.mjs`), { force: true });
  const stamps = stamp(inputs);
  // the build id ties the manifest and a code cache to this bundle; the bundle just built has no code cache
  const built = { key, build, bytes: Buffer.byteLength(code), files: stamps, ...kept };
  // a file saved while (or just before) esbuild read it may be in the bundle in its older form:
  // then write no manifest, and the next start bundles again (mtimes can be coarse, hence the margin)
  const settled = Object.values(stamps).every((s) => {
    const [mtime, ctime] = s.split(' ');
    return s === 'missing' || Math.max(Number(mtime), Number(ctime)) < started - MTIME_MARGIN_MS;
  });
  if (settled) {
    try {
      writeNew(manifestFile + tmp, JSON.stringify(built));
      renameSync(manifestFile + tmp, manifestFile);
    } catch {
      // no manifest: the next start builds the bundle again
      rmSync(manifestFile + tmp, { force: true });
    }
  }
  return { manifest: built, rebuilt: true };
}

exports.ReplacedBundle = ReplacedBundle;
exports.UnwritableCache = UnwritableCache;
exports.buildBanner = buildBanner;
exports.buildMark = buildMark;
exports.current = current;
exports.readBundle = readBundle;
exports.readCodeCache = readCodeCache;
exports.writeCodeCache = writeCodeCache;
