// Starts a command (`node lib/cli/run.cjs synth --stage lab` runs lib/cli/synth.ts) fast: the
// command's TypeScript sources are bundled into one CommonJS script by esbuild, and the packages
// they use into another, both cached in this checkout's own directory of
// node_modules/.cache/stagecraft/ (root-cache.cjs: checkouts sharing one node_modules never build,
// replace or run each other's): the first rebuilt when any source changes, the second when an installed package or
// the list of what the sources import from packages changes; both when Node.js changes. Each script runs through `vm.Script`
// with V8's code cache of it (kept beside it once a command has run): neither parsing nor
// compiling the functions a command ran repeats, and the packages' cache outlives an edit of the
// sources. Plain JavaScript, because it runs before anything can compile TypeScript, and
// CommonJS, as are the helpers it requires (bundle-files.cjs, which keeps the bundles and their code
// caches on disk, root-cache.cjs, start-flags.cjs, stale-files.cjs, crash-point.cjs, and bundle.cjs,
// which builds the bundles, only when one is built): an ES module as the entry costs
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
const { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } = require('node:fs');
const nodeModule = require('node:module');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { LARGE_COMPILATION_BYTES, givenAtStart, setLauncherFlags } = require('../model/launcher-flags.cjs');
const { ReplacedBundle, UnwritableCache, buildBanner, buildMark, current } = require('./bundle-files.cjs');
const { forWorkers, runBundles } = require('./bundle-run.cjs');
const { rootCacheDir, useRootCache } = require('./root-cache.cjs');

const ROOT = join(__dirname, '..', '..');
/** This checkout's bundles, manifests and code caches (root-cache.cjs). */
const CACHE = rootCacheDir(ROOT);
const SELF = __filename;
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
/** What `node lib/cli/run.cjs` without a command (or with --help) prints: the commands. */
const USAGE = `Usage: node lib/cli/run.cjs <command> [arguments]; the commands are: ${COMMANDS.join(', ')}\n`;

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

/** What builds the bundles (lib/cli/bundle.cjs), loaded only when one is built. */
const builder = () => require('./bundle.cjs');

// Node.js 22.1+ keeps compiled code of the modules loaded from here on (node_modules included) on disk; Node.js 20 has no such cache
nodeModule.enableCompileCache?.();

/**
 * Commands that may answer before the compiler loads (lib/cli/fast.ts: nothing changed since the
 * last full synth), from a small bundle of their own.
 */
const FAST = ['check', 'synth'];
/**
 * Set for the Node.js `runAgainWith` starts, which this process's fast path already answered
 * no: the start again does not load and ask it a second time (40-50 ms of CPU, before anything
 * else can begin), and takes the variable out of its environment at once, so that nothing it
 * starts inherits it.
 */
const FAST_ASKED_ENV = 'STAGECRAFT_FAST_ASKED';
const fastAsked = process.env[FAST_ASKED_ENV] === '1';
delete process.env[FAST_ASKED_ENV];

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
    throw new UnwritableCache(CACHE, e);
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
    return runBundlesHere(built);
  } catch (e) {
    if (!(e instanceof ReplacedBundle) || built.dir !== CACHE) throw e;
    return runBundlesHere(await bundlesIn(privateCache(), name, contents));
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
 * Runs the bundles `bundles` gave (lib/cli/bundle-run.cjs): the exports, and a function that keeps
 * V8's code caches of them when there were none. A stage worker runs the same bundles with the same
 * code caches (lib/cli/stage-workers.ts): where they are is left for it (`stagecraft.bundles`).
 */
function runBundlesHere(bundles) {
  const cached = bundles.dir === CACHE;
  const ran = runBundles(bundles, { cached });
  globalThis[Symbol.for('stagecraft.bundles')] = cached ? forWorkers(bundles) : undefined;
  return ran;
}

/**
 * The V8 flags of a synthesis. For all of it: Sparkplug's code for every function, an interrupt
 * budget that keeps the optimizing compiler off code a second of work would not pay back
 * (lib/cli/stage-workers.ts puts V8's own back for a large compilation in one thread), and that
 * compiler making each function's code alone, without inlining the functions it calls: most of
 * what it compiles runs for well under a second after, and with inlining each compilation costs
 * more than its faster code saves (one app changed in a 1,000-app x 4 fleet: x0.83 CPU and wall
 * time in 8 ABBA pairs; the committed stages' cold synth x0.93 CPU in 4; a cold 1,000 x 4 fleet the
 * same, x0.99 CPU in 4 rounds; the same bytes). Set by this file at run time, after the built-in
 * modules a synthesis loads: Node.js made their code caches under V8's default flags, and a flag
 * on the command line makes each compile from its source (about 6 % of a synthesis with one app
 * changed: bench/README.md).
 *
 * Measured and not taken, on a cold 1,000 x 4 fleet with a worker (each thread's CPU per step read
 * from /proc/thread-self/schedstat, which other processes on the machine do not inflate as they do
 * `--cpu-prof`'s samples of wall time): a lower budget makes the threads' own steps faster, but V8's
 * compiler threads work more than it saves (500,000: 2.2 s on them instead of 1.5, 12.1-12.4 s of
 * CPU in all against 11.8-12.0; 250,000: 3.1 s, 12.4-13.2 s). `--no-lazy-feedback-allocation`
 * (12.6-12.9 s) and `--max-lazy` (12.0-12.6 s) were within the noise of runs without them
 * (11.8-13.1 s): Sparkplug's code needs a function's feedback, so `--always-sparkplug` allocates it
 * when the function is first compiled, and the functions come from the code cache.
 */
const SYNTH_FLAGS = ['--interrupt-budget=1000000', '--always-sparkplug', '--no-turbo-inlining'];
/**
 * For a large synthesis that renders most of its apps, also a young generation of 12 MiB instead
 * of 48 (three semi-spaces; a worker thread's is the same): its peak RSS. Only the command line
 * can give it, so this file starts Node.js again with every flag (`renderMuch`).
 */
const HEAP_FLAG = '--max-semi-space-size=4';
/** The built-in modules the synth bundles load (their requires), loaded before SYNTH_FLAGS are set. */
const SYNTH_BUILTINS = ['node:child_process', 'node:net', 'node:os', 'node:util', 'node:worker_threads'];
/** A V8 flag's name, which its value or `no-` does not change: `--no-turbo-inlining` -> `turbo-inlining`. */
const flagName = (flag) =>
  flag
    .slice(2)
    .replace(/=.*/, '')
    .replace(/^no[-_]/, '');
/** The flags of `flags` that the command line and NODE_OPTIONS do not set already, either way (a choice made there stays). */
const notGiven = (flags) => flags.filter((f) => !givenAtStart(flagName(f), [...process.execArgv, process.env.NODE_OPTIONS ?? '']));

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
 * Runs this command again in a Node.js started with `flags` before the process's own and `env`
 * added to its environment, waiting for it, and ends as it ended (its exit code, or the signal that
 * ended it); false when it could not start (then the command runs here).
 */
function runAgainWith(flags, env) {
  // required here: loading child_process costs every other start a few milliseconds
  const child = require('node:child_process').spawnSync(process.execPath, [...flags, ...process.execArgv, SELF, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
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
  if (FAST.includes(command) && !fastAsked) {
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
    // a large synthesis that renders most apps runs where the young generation is small (HEAP_FLAG);
    // the fast path was asked above (synth is one of FAST), so the Node.js started again does not ask it
    (built) =>
      command === 'synth' &&
      notGiven([HEAP_FLAG]).length > 0 &&
      renderMuch(argv, built.rebuilt) &&
      runAgainWith(notGiven([HEAP_FLAG, ...SYNTH_FLAGS]), { [FAST_ASKED_ENV]: '1' }),
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
} else if (['--help', '-h', '--version', '-V'].includes(command) && require('./closed-at-start.cjs').closedAtStart(1)) {
  // printing is all they do: with stdout closed (>&-) they are refused, as a command's --help is (lib/cli/main.ts)
  process.stderr.write(
    'error: standard output is closed (>&-) or /dev/null opened for reading and writing, so what stagecraft prints would be lost\n' +
      '  hint: give it somewhere to go (> file, | less), or > /dev/null to discard it on purpose\n1 problem.\n',
  );
  process.exitCode = 2;
} else if (command === '--help' || command === '-h') {
  // as `npm run` users expect of --help: what to run, not an error
  process.stdout.write(`${USAGE}\nEach command's --help lists its arguments and options: npm run synth -- --help\n`);
} else if (command === '--version' || command === '-V') {
  process.stdout.write(`stagecraft ${PACKAGE.version}\n`);
} else {
  unknownCommand(command).then((text) => {
    process.stderr.write(text);
    process.exitCode = 2;
  });
}

/**
 * What a command line without a command says, with the command nearest to one misspelt, or one the
 * word given starts with (lib/model/did-you-mean.ts, from a bundle of its own: only this error loads it).
 */
async function unknownCommand(given) {
  let guess;
  if (given) {
    try {
      const bundled = await runCurrentBundles('did-you-mean', `export { didYouMean } from './lib/model/did-you-mean.ts';\n`);
      // or the command a longer word starts with (synthesize, checks), which no edit distance finds near it
      guess = bundled.exports.didYouMean(given, COMMANDS, { prefix: true }) ?? COMMANDS.find((c) => given.toLowerCase().startsWith(c));
    } catch {
      // no bundle (an unwritable cache): the list of commands below is the hint
    }
  }
  const error = given ? `there is no command '${given}'${guess ? `; did you mean '${guess}'?` : ''}` : 'no command given';
  return `error: ${error}\n${USAGE}`;
}
