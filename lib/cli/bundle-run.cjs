// Running a command's bundles (the sources' and the packages', which lib/cli/run.cjs builds) through
// `vm.Script` with V8's code cache of each: in the main thread (run.cjs), and in a stage worker
// (lib/cli/stage-workers.ts, `runInWorker`), which otherwise loaded the bundle file as Node.js
// loads any CommonJS file, compiling again every function it ran. Plain JavaScript, since run.cjs
// uses it before any bundle exists, and a worker before its bundle runs.
'use strict';
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');
const { underFlagsUndone } = require('../model/flags-undone.cjs');
const { ReplacedBundle, readBundle, readCodeCache, writeCodeCache } = require('./bundle-files.cjs');
const { startFlags } = require('./start-flags.cjs');

/**
 * Runs the bundle `name` (its text and identity, `readBundle`) in the directory `dir` through
 * `vm.Script`, with its code cache when `cached`, and with `require`: its exports, a function
 * that keeps V8's code cache of it when there was none (or V8 rejected it), and whether it was
 * compiled from its text (no cache found, or V8 rejected it). `compile(f)` runs the compilation `f`
 * (a worker's puts the start flags back around it: `runInWorker`); `flags`, the start flags its
 * code cache is named for (a worker's are the main thread's: `forWorkers`), by default this thread's.
 */
function run(dir, name, { text, identity }, { cached, require, compile = (f) => f(), flags }) {
  const out = join(dir, `${name}.cjs`);
  const cachedData = cached ? readCodeCache(dir, name, identity, flags) : undefined;
  // the wrapper Node.js gives a CommonJS module; the same text every time, as the code cache requires
  const script = compile(
    () => new vm.Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, { filename: out, cachedData }),
  );
  const bundled = { exports: {} };
  script.runInThisContext()(bundled.exports, require ?? createRequire(out), bundled, out, dirname(out));
  const keepCodeCache = () => {
    // after the command ran: the cache holds every function compiled so far, not only the top level
    if (cached && (!cachedData || script.cachedDataRejected)) writeCodeCache(dir, name, identity, script.createCachedData());
  };
  return { exports: bundled.exports, keepCodeCache, fromText: cachedData === undefined || script.cachedDataRejected === true };
}

/**
 * Runs the bundles `bundles` describes (`{ dir, name, sources, packages, flags }`: their directory,
 * the command's name, the manifests of both, whose build ids `readBundle` checks, and optionally
 * the start flags their code caches are named for): the exports, a function that keeps V8's code
 * caches of them when there were none, and the names of those compiled from their text (no code
 * cache found, or V8 rejected it). `cached`: whether `dir` is the checkout's cache directory, where
 * the code caches are (a process's own directory has none).
 */
function runBundles({ dir, name, sources, packages, flags }, { cached, compile }) {
  const packagesName = `${name}.packages`;
  // both read before either runs: a bundle replaced meanwhile (ReplacedBundle) leaves nothing run
  const packagesText = readBundle(join(dir, `${packagesName}.cjs`), packages.build);
  const sourcesText = readBundle(join(dir, `${name}.cjs`), sources.build);
  const packagesRun = run(dir, packagesName, packagesText, { cached, compile, flags });
  const nodeRequire = createRequire(join(dir, `${name}.cjs`));
  // the sources' bundle requires the packages' bundle beside it (sourcesBanner, lib/cli/bundle.cjs): the one just run
  const require = (id) => (id === `./${packagesName}.cjs` ? packagesRun.exports : nodeRequire(id));
  const sourcesRun = run(dir, name, sourcesText, { cached, require, compile, flags });
  return {
    exports: sourcesRun.exports,
    fromText: [packagesRun.fromText && packagesName, sourcesRun.fromText && name].filter(Boolean),
    keepCodeCache() {
      packagesRun.keepCodeCache();
      sourcesRun.keepCodeCache();
    },
  };
}

/**
 * What a stage worker needs to run the bundles `bundles` (as `runBundles` takes them) that this
 * thread runs, with the code caches it keeps (lib/cli/run.cjs leaves it in `stagecraft.bundles`
 * for lib/cli/stage-workers.ts): this loader, and the bundles' build ids, with the start flags
 * their caches are named for here. A worker takes the flags lib/cli/run.cjs set only once its
 * bundles ran (`serve`): named for its own flags, the caches it looked for were never there.
 */
function forWorkers({ dir, name, sources, packages }) {
  return {
    loader: __filename,
    bundles: { dir, name, sources: { build: sources.build }, packages: { build: packages.build }, flags: startFlags() },
  };
}

/**
 * In a stage worker: runs the main thread's bundles (`bundles`, as `forWorkers` gives them) with
 * their code caches, which the main thread keeps and this thread never writes; the names of those
 * compiled from their text (no cache found, or V8 rejected it). V8 takes a cache only under the
 * flags it was made under, and the flags set while a command runs (`flags`: what lib/model/runtime-flags.ts set, each `{ flag, undo }`,
 * in order: a large compilation's heap growth, `scavengeAlone`; V8's flags are the process's) had
 * it rejected, so they are undone around each compilation, as lib/model/runtime-flags.ts does for
 * the validators' caches. A cache rejected all the same is compiled from the text, as without
 * one. A bundle replaced or evicted since the main thread read it (ReplacedBundle) is left to
 * `fallback`, which loads the bundle file as Node.js does (the worker then serves no stage:
 * lib/cli/stage-workers.ts).
 */
function runInWorker(bundles, flags, fallback) {
  const compile = (f) => underFlagsUndone(flags, f);
  try {
    return runBundles(bundles, { cached: true, compile }).fromText;
  } catch (e) {
    if (!(e instanceof ReplacedBundle)) throw e;
    fallback();
    return [];
  }
}

exports.forWorkers = forWorkers;
exports.runBundles = runBundles;
exports.runInWorker = runInWorker;
