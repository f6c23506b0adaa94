// The V8 flags a command starts with: those of Node.js's command line and NODE_OPTIONS, and those
// lib/cli/run.cjs sets itself before the command's code loads (`setLauncherFlags`). Plain
// JavaScript, since run.cjs uses it before any bundle exists.
'use strict';

/** Where the launcher's flags are kept: one place per thread, whichever copy of this module (run.cjs's, a bundle's) asks. */
const KEY = Symbol.for('stagecraft.launcherFlags');

/** The flags lib/cli/run.cjs set in this process (or, in a worker thread, adopted from it), in the order set. */
function launcherFlags() {
  return globalThis[KEY] ?? [];
}

/**
 * Sets the V8 `flags` before anything of the command runs: from then on they count as flags the
 * process started with (`givenAtStart`, and the names of code caches: lib/cli/start-flags.cjs).
 */
function setLauncherFlags(flags) {
  // required here: the commands that set no flag do not load node:v8
  for (const flag of flags) require('node:v8').setFlagsFromString(flag);
  adoptLauncherFlags(flags);
}

/** In a worker thread: the flags the launcher set (V8's flags are the process's, already in effect). */
function adoptLauncherFlags(flags) {
  globalThis[KEY] = [...launcherFlags(), ...flags];
}

/** What the process started with: its command line's flags, NODE_OPTIONS (several in one string), and the launcher's. */
const startArgs = () => [...process.execArgv, process.env.NODE_OPTIONS ?? '', ...launcherFlags()];

/**
 * The entry of `args` that sets the V8 flag `name` (`--name`, `--no-name` or `--name=value`, with
 * `-` and `_` alike, alone or among others separated by spaces), or undefined: a flag the process
 * was started with is a choice a command's runtime setting of it leaves alone.
 */
function givenAtStart(name, args = startArgs()) {
  const pattern = new RegExp(`(?:^|\\s)(--(?:no[-_])?${name.replace(/[-_]/g, '[-_]')}(?:=\\S*)?)(?=\\s|$)`);
  for (const a of args) {
    const m = pattern.exec(a);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Stage files of at least this many bytes in all make a large compilation: lib/cli/run.cjs starts
 * Node.js again with a small young generation for a synthesis of one that renders most of its apps,
 * and lib/cli/project.ts lowers V8's heap growing factor while one compiles (bench/README.md).
 */
const LARGE_COMPILATION_BYTES = 1024 * 1024;

exports.LARGE_COMPILATION_BYTES = LARGE_COMPILATION_BYTES;
exports.launcherFlags = launcherFlags;
exports.setLauncherFlags = setLauncherFlags;
exports.adoptLauncherFlags = adoptLauncherFlags;
exports.givenAtStart = givenAtStart;
