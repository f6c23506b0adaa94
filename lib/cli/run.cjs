// Starts a command (`node lib/cli/run.cjs synth --stage lab` runs lib/cli/synth.ts) fast: the
// command's TypeScript sources are bundled into one CommonJS script by esbuild, and the packages
// they use into another, both cached in this checkout's own directory of
// node_modules/.cache/stagecraft/ (root-cache.cjs: checkouts sharing one node_modules never build,
// replace or run each other's): the first rebuilt when any source changes, the second when an installed package or
// the list of what the sources import from packages changes; both when Node.js changes. Each script runs through `vm.Script`
// with V8's code cache of it (kept beside it once a command has run): neither parsing nor
// compiling the functions a command ran repeats, and the packages' cache outlives an edit of the
// sources. Plain JavaScript, because it runs before anything can compile TypeScript, and
// CommonJS, as are the helpers it requires (root-cache.cjs, start-flags.cjs, stale-files.cjs, crash-point.cjs, and
// bundle.cjs, which builds the bundles, only when one is built): an ES module as the entry costs
// Node.js its module loader at every start (`npm run check` with nothing changed: 114 ms against
// 126 ms, alternating rounds); the esbuild plugins, needed only to bundle, are ES modules imported
// then. The command sets the exit code and the process ends once its output has drained
// (lib/cli/process.ts), without the teardown of Node.js's environment (below).
//
// Why: `node --import tsx` sends every module, node_modules included, through loader hooks on
// another thread; for this compiler that was about 1 s of a 1.5 s synthesis (bench/README.md).
// Loading the packages as Node.js does (resolving, reading and compiling hundreds of files, and
// lexing each CommonJS file for its exports when ESM imports it) was about 100 ms of a 0.45 s
// cold synthesis; one script with a code cache is about 20 ms. Node.js 20 has no compile cache
// of its own (module.enableCompileCache, Node.js 22.1+), nor a code cache for ES modules.
// `node --import tsx lib/cli/<command>.ts` still works and runs the same code.
'use strict';
const { isAscii } = require('node:buffer');
const { createHash, randomUUID } = require('node:crypto');
const {
  closeSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} = require('node:fs');
const nodeModule = require('node:module');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');
const vm = require('node:vm');
const { crashPoint } = require('../model/crash-point.cjs');
const { LARGE_COMPILATION_BYTES, givenAtStart, setLauncherFlags } = require('../model/launcher-flags.cjs');
const { rootCacheDir, useRootCache } = require('./root-cache.cjs');
const { removeStaleTemps } = require('./stale-files.cjs');
const { pruneCodeCaches, startFlags } = require('./start-flags.cjs');

const { createRequire } = nodeModule;
const ROOT = join(__dirname, '..', '..');
/** This checkout's bundles, manifests and code caches (root-cache.cjs). */
const CACHE = rootCacheDir(ROOT);
const SELF = __filename;
/** Files modified this recently before a build may have changed while it read them. */
const MTIME_MARGIN_MS = 2000;
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/**
 * The commands: the npm scripts that start through this file (with or without Node.js options).
 * Each clears NODE_EXTRA_CA_CERTS (`NODE_EXTRA_CA_CERTS= node lib/cli/run.cjs <command>`): Node.js
 * 20 loads the extra TLS root certificates that file names at every start, before any script
 * runs (45-55 ms for Debian's bundle on the 2-core machine, where the variable is set), and no
 * command opens a TLS connection. The processes a command starts inherit the empty value.
 */
const COMMANDS = Object.values(PACKAGE.scripts ?? {}).flatMap(
  (s) => /^(?:NODE_EXTRA_CA_CERTS= )?node (?:--[a-z-]+(?:=\S+)? )*lib\/cli\/run\.cjs ([a-z][a-z-]*)$/.exec(s)?.[1] ?? [],
);

/**
 * What a bundle depends on besides its inputs: where the project is (the bundle holds absolute
 * paths; CACHE is named for its real path, this is the path it runs from), Node.js and V8, and the bundler.
 */
let key;
function environmentKey() {
  if (key) return key;
  let esbuild;
  try {
    esbuild = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  } catch {
    esbuild = 'missing';
  }
  key = JSON.stringify({ root: ROOT, node: process.version, v8: process.versions.v8, esbuild });
  return key;
}

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
 * (`ReplacedBundle`). Starts of other checkouts never write here (CACHE is this checkout's).
 */
const buildBanner = (build) => `// stagecraft build ${build}\n`;
/**
 * The second line of a sources' bundle: its build id kept where its code can read it
 * (`bundleBuild`, lib/cli/stage-workers.ts), so that a worker thread, which loads the bundle file
 * again, serves stages only when it loaded the build the main thread ran (another start of this
 * checkout may have renamed a newer one there). Only builds of this checkout, all made with that
 * check, are ever in CACHE: a worker never evaluates another checkout's.
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

/** What builds the bundles (lib/cli/bundle.cjs), loaded only when one is built. */
const builder = () => require('./bundle.cjs');

/** The build id in the first line of the bundle file `out`, or undefined. */
function builtAs(out) {
  let fd;
  try {
    fd = openSync(out, 'r');
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, head.length, 0);
    return /^\/\/ stagecraft build (\S+)\n/.exec(head.toString('latin1', 0, n))?.[1];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// Node.js 22.1+ keeps compiled code of the modules loaded from here on (node_modules included) on disk; Node.js 20 has no such cache
nodeModule.enableCompileCache?.();

/**
 * Commands that may answer before the compiler loads (lib/cli/fast.ts: nothing changed since the
 * last full synth), from a small bundle of their own.
 */
const FAST = ['check', 'synth'];

const sha256 = (data) => createHash('sha256').update(data).digest();

/**
 * Where V8's code cache of the bundle `name` is kept: named for the start flags (check and synth
 * run the fast path's bundle under different flags), taken once the launcher set its own.
 */
const codeCacheFile = (name) => join(CACHE, `${name}.${startFlags()}.v8`);

/**
 * V8's code cache of the bundle `name`, in `<name>.<start flags>.v8`: the SHA-256 of the rest (32 bytes), the identity
 * of the bundle file it was made from (`bundleIdentity`) and a newline, then the data. Used only
 * when all of it matches (a truncated, edited or stale file is no cache): V8 rejects data of
 * another V8 version or other flags itself, but takes damaged data, or data made from another
 * source of the same length, and runs it.
 */
function readCodeCache(name, identity) {
  let bytes;
  try {
    bytes = readFileSync(codeCacheFile(name));
  } catch {
    return undefined;
  }
  const rest = bytes.subarray(32);
  const head = Buffer.from(`${identity}\n`);
  if (!sha256(rest).equals(bytes.subarray(0, 32)) || !rest.subarray(0, head.length).equals(head)) return undefined;
  // V8 neither uses nor rejects empty data: no cache
  return rest.length > head.length ? rest.subarray(head.length) : undefined;
}

function writeCodeCache(name, identity, data) {
  try {
    const file = codeCacheFile(name);
    const rest = Buffer.concat([Buffer.from(`${identity}\n`), data]);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([sha256(rest), rest]));
    crashPoint('code-cache-staged');
    renameSync(tmp, file);
    pruneCodeCaches(CACHE, name);
    removeStaleTemps(CACHE);
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

/** A bundle directory that the file system refuses to write (`cause`: its error). */
class UnwritableCache extends Error {
  constructor(cause) {
    super(`${CACHE} cannot be written`, { cause });
  }
}

/** Runs `write`, a write to a bundle directory: a file-system error becomes an UnwritableCache. */
function writingCache(write) {
  try {
    write();
  } catch (e) {
    throw typeof e?.code === 'string' ? new UnwritableCache(e) : e;
  }
}

/**
 * The bundle directory of this process alone, when CACHE cannot be written (a read-only
 * node_modules, a full disk, a file size limit) and a bundle there is out of date: a new temporary
 * directory, removed when the process ends, in which every bundle is built again (none is carried
 * over, so that no stale one runs), with a link to the project's node_modules, so that what the
 * bundles require resolves as from CACHE.
 */
let ownCache;
function privateCache() {
  if (ownCache) return ownCache;
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-bundles-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  ownCache = dir;
  return dir;
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
  if (manifest && builtAs(out) === manifest.build) return { manifest, rebuilt: false };
  // each file written beside and renamed into place, the manifest last, so that a command
  // starting at the same time never reads half a bundle or a manifest of another bundle
  const tmp = `.${process.pid}.tmp`;
  const started = Date.now();
  const build = randomUUID();
  const { inputs, code, ...kept } = await make(out, build);
  try {
    writingCache(() => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(out + tmp, code);
    });
    crashPoint('bundle-staged');
    // no manifest may vouch for the bundle that replaces the one it was written for
    writingCache(() => {
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
  const built = { key, build, files: stamps, ...kept };
  // a file saved while (or just before) esbuild read it may be in the bundle in its older form:
  // then write no manifest, and the next start bundles again (mtimes can be coarse, hence the margin)
  const settled = Object.values(stamps).every((s) => {
    const [mtime, ctime] = s.split(' ');
    return s === 'missing' || Math.max(Number(mtime), Number(ctime)) < started - MTIME_MARGIN_MS;
  });
  if (settled) {
    try {
      writeFileSync(manifestFile + tmp, JSON.stringify(built));
      renameSync(manifestFile + tmp, manifestFile);
    } catch {
      // no manifest: the next start builds the bundle again
      rmSync(manifestFile + tmp, { force: true });
    }
  }
  return { manifest: built, rebuilt: true };
}

/**
 * Runs the bundle `name` (its text and identity, `readBundle`) in the directory `dir` through `vm.Script` with its code
 * cache when there is one (in CACHE only), with `require`: its exports, and a function that keeps
 * V8's code cache of it when there was none.
 */
function run(dir, name, { text, identity }, require) {
  const out = join(dir, `${name}.cjs`);
  const shared = dir === CACHE;
  const cachedData = shared ? readCodeCache(name, identity) : undefined;
  // the wrapper Node.js gives a CommonJS module; the same text every time, as the code cache requires
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, {
    filename: out,
    cachedData,
  });
  const bundled = { exports: {} };
  script.runInThisContext()(bundled.exports, require ?? createRequire(out), bundled, out, dirname(out));
  const keepCodeCache = () => {
    // after the command ran: the cache holds every function compiled so far, not only the top level
    if (shared && (!cachedData || script.cachedDataRejected)) writeCodeCache(name, identity, script.createCachedData());
  };
  return { exports: bundled.exports, keepCodeCache };
}

/**
 * Builds the bundles of the module text `contents` (`name`, and `name.packages` of what it
 * imports from packages) unless they are current: their directory (CACHE, or this process's own
 * when CACHE cannot be written or used: both bundles there, as the sources' requires the packages'
 * beside it), their manifests, and whether either was built now.
 */
async function bundles(name, contents) {
  if (!ownCache) {
    try {
      return await bundlesIn(CACHE, name, contents);
    } catch (e) {
      if (!(e instanceof UnwritableCache)) throw e;
    }
  }
  let dir;
  try {
    dir = privateCache();
  } catch (e) {
    throw new UnwritableCache(e);
  }
  return bundlesIn(dir, name, contents);
}

/**
 * Runs the bundles of `name` (built now when out of date: `bundles`). When another start of this
 * checkout replaced one between the reading of its manifest and of its text, or an eviction removed
 * it (root-cache.cjs), builds them again in this process's own directory, which no other start
 * writes, rather than run another build or none.
 * `before(built)` runs first, once (with the bundles not yet run), and may end the start: it returns true.
 */
async function runCurrentBundles(name, contents, before = () => false) {
  const built = await bundles(name, contents);
  if (before(built)) return undefined;
  try {
    return runBundles(built);
  } catch (e) {
    if (!(e instanceof ReplacedBundle) || built.dir !== CACHE) throw e;
    return runBundles(await bundlesIn(privateCache(), name, contents));
  }
}

async function bundlesIn(dir, name, contents) {
  const key = environmentKey();
  const packagesName = `${name}.packages`;
  const sources = await current(
    dir,
    name,
    key,
    (file, build) => builder().bundle(name, contents, file, buildBanner(build) + buildMark(build), `${packagesName}.cjs`),
    (m) =>
      Array.isArray(m.packages) && m.packages.every((p) => Array.isArray(p) && p.length === 2 && p.every((s) => typeof s === 'string')),
  );
  const packages = await current(dir, packagesName, JSON.stringify([key, sources.manifest.packages]), async (file, build) => {
    // by the id the sources require, the very file Node.js would import for it
    const entry = `module.exports = {\n${sources.manifest.packages.map(([id, path]) => `  ${JSON.stringify(id)}: require(${JSON.stringify(path)}),\n`).join('')}};\n`;
    const { inputs, code } = await builder().bundle(packagesName, entry, file, buildBanner(build));
    return { inputs, code };
  });
  return { dir, name, sources: sources.manifest, packages: packages.manifest, rebuilt: sources.rebuilt || packages.rebuilt };
}

/**
 * Runs the bundles `bundles` gave: the exports, and a function that keeps V8's code caches of
 * them when there were none.
 */
function runBundles({ dir, name, sources, packages }) {
  const packagesName = `${name}.packages`;
  // both read before either runs: a bundle replaced meanwhile (ReplacedBundle) leaves nothing run
  const packagesText = readBundle(join(dir, `${packagesName}.cjs`), packages.build);
  const sourcesText = readBundle(join(dir, `${name}.cjs`), sources.build);
  const packagesRun = run(dir, packagesName, packagesText);
  const nodeRequire = createRequire(join(dir, `${name}.cjs`));
  // the sources' bundle requires the packages' bundle beside it (sourcesBanner, lib/cli/bundle.cjs): the one just run
  const sourcesRun = run(dir, name, sourcesText, (id) => (id === `./${packagesName}.cjs` ? packagesRun.exports : nodeRequire(id)));
  return {
    exports: sourcesRun.exports,
    keepCodeCache() {
      packagesRun.keepCodeCache();
      sourcesRun.keepCodeCache();
    },
  };
}

/**
 * The V8 flags of a synthesis. For all of it: Sparkplug's code for every function, and an
 * interrupt budget that keeps the optimizing compiler off code a second of work would not pay
 * back (lib/cli/stage-workers.ts puts V8's own back for a large compilation in one thread). Set by
 * this file at run time, after the built-in modules a synthesis loads: Node.js made their code
 * caches under V8's default flags, and a flag on the command line makes each compile from its
 * source (about 6 % of a synthesis with one app changed: bench/README.md).
 */
const SYNTH_FLAGS = ['--interrupt-budget=1000000', '--always-sparkplug'];
/**
 * For a large synthesis that renders most of its apps, also a young generation of 12 MiB instead
 * of 48 (three semi-spaces; a worker thread's is the same): its peak RSS. Only the command line
 * can give it, so this file starts Node.js again with every flag (`renderMuch`).
 */
const HEAP_FLAG = '--max-semi-space-size=4';
/** The built-in modules the synth bundles load (their requires), loaded before SYNTH_FLAGS are set. */
const SYNTH_BUILTINS = ['node:child_process', 'node:net', 'node:os', 'node:util', 'node:worker_threads'];
/** The flags of `flags` that the command line and NODE_OPTIONS do not set already (a choice made there stays). */
const notGiven = (flags) =>
  flags.filter((f) => !givenAtStart(f.slice(2).replace(/=.*/, ''), [...process.execArgv, process.env.NODE_OPTIONS ?? '']));

/**
 * Whether a synthesis in the project in the current directory renders most of a large project:
 * its stage files are large, and it has no render cache (no pack in .stagecraft/cache/render/),
 * is told not to use it (`--no-cache`), or runs a compiler whose bundle was just built (a source
 * or package changed: the cache has nothing for it).
 */
function renderMuch(argv, rebuilt) {
  let bytes = 0;
  try {
    const dir = join(process.cwd(), 'environments');
    for (const name of readdirSync(dir)) if (name.endsWith('.yaml')) bytes += statSync(join(dir, name)).size;
  } catch {
    return false; // no stage files here: the command says what is wrong
  }
  if (bytes < LARGE_COMPILATION_BYTES) return false;
  if (rebuilt || argv.includes('--no-cache')) return true;
  try {
    return !readdirSync(join(process.cwd(), '.stagecraft', 'cache', 'render')).some((n) => n.endsWith('.pack'));
  } catch {
    return true;
  }
}

/**
 * Runs this command again in a Node.js started with `flags` before the process's own, waiting for
 * it, and ends as it ended (its exit code, or the signal that ended it); false when it could not
 * start (then the command runs here).
 */
function runAgainWith(flags) {
  // required here: loading child_process costs every other start a few milliseconds
  const child = require('node:child_process').spawnSync(process.execPath, [...flags, ...process.execArgv, SELF, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (child.error) return false;
  if (child.signal) process.kill(process.pid, child.signal);
  process.exitCode = child.status ?? 1;
  return true;
}

/** Runs `command`: its answer from lib/cli/fast.ts when there is one, else the command from its bundle. */
async function start(command) {
  const argv = process.argv.slice(3);
  // CACHE used now: an eviction removes only directories idle for a day
  useRootCache(CACHE);
  if (FAST.includes(command)) {
    const fast = await runCurrentBundles('fast', `export { runFast } from './lib/cli/fast.ts';\n`);
    const answered = fast.exports.runFast(command, argv);
    fast.keepCodeCache();
    if (answered) return;
  }
  // the command and what starts it: nothing in lib/cli/<command>.ts runs on import
  const bundled = await runCurrentBundles(
    command,
    `export { command } from './lib/cli/${command}.ts';\nexport { runAsProcess } from './lib/cli/process.ts';\n` +
      `export { keepValidatorCodeCaches } from './lib/model/validator-code.ts';\n`,
    // a large synthesis that renders most apps runs where the young generation is small (HEAP_FLAG)
    (built) =>
      command === 'synth' &&
      notGiven([HEAP_FLAG]).length > 0 &&
      renderMuch(argv, built.rebuilt) &&
      runAgainWith(notGiven([HEAP_FLAG, ...SYNTH_FLAGS])),
  );
  if (!bundled) return;
  // the command sets process.exitCode; the process ends when its output has drained
  bundled.exports.runAsProcess(bundled.exports.command, argv);
  bundled.keepCodeCache();
  bundled.exports.keepValidatorCodeCaches();
}

// Once nothing is left to do (the command ran, its output drained, the event loop empty), the
// process ends as it would, with the exit code the command set, but without freeing the heap and
// the rest of Node.js's environment piece by piece first, which the operating system does at once:
// 6-7 ms of a synthesis of the committed stages, 13-15 ms of one with a fleet's stages in memory.
process.once('beforeExit', () => process.exit());
const command = process.argv[2];
if (command === 'synth') {
  for (const m of SYNTH_BUILTINS) require(m);
  setLauncherFlags(notGiven(SYNTH_FLAGS));
}
if (COMMANDS.includes(command)) {
  start(command).catch((e) => {
    if (e instanceof UnwritableCache) {
      // bad ground, not a bug: one problem, as the commands report a file they cannot write
      const cache = join('node_modules', '.cache', 'stagecraft');
      process.stderr.write(
        `${cache}/: error: the command's bundle is out of date and cannot be built: neither ${cache}/ nor a temporary directory in ${tmpdir()} can be written (${e.cause?.message ?? e.cause})\n` +
          `  hint: make ${cache}/ writable (it is safe to delete), or set TMPDIR to a writable directory, then run again\n`,
      );
      process.exitCode = 2;
      return;
    }
    // a bug: its stack, without the line of bundled code Node.js would print above it (one very long line)
    process.stderr.write(
      `internal error (a bug in stagecraft; please report it with this output):\n${e instanceof Error ? e.stack : String(e)}\n`,
    );
    process.exitCode = 1;
  });
} else {
  process.stderr.write(
    `error: ${command ? `there is no command '${command}'` : 'no command given'}\n` +
      `Usage: node lib/cli/run.cjs <command> [arguments]; the commands are: ${COMMANDS.join(', ')}\n`,
  );
  process.exitCode = 2;
}
