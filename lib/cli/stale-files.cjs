// What processes that are gone left behind: whether a process runs, and the temporary files of
// writers killed between writing a file beside its place and renaming it there. Plain JavaScript,
// since lib/cli/run.cjs uses it before any bundle exists, as the commands' modules do after.
'use strict';
const { lstatSync, readdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');

/** A temporary file older than this, of a process not running, was left by a command killed while it wrote. */
const STALE_TMP_MS = 60_000;

/**
 * Removes the temporary files in `dir` named `<prefix><pid><suffix>` (a bundle, a manifest or a
 * code cache written beside its place as `<file>.<pid>.tmp`, then renamed into it) of processes
 * that no longer run, once a minute old: a command killed between the write and the rename left
 * one, up to a few MB, that nothing would remove. A live process's file, or one written in the
 * last minute (by a process of another machine sharing the directory, whose PID means nothing
 * here), may still be renamed: kept.
 */
function removeStaleTemps(dir, prefix = '', suffix = '.tmp') {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return; // nothing to clean that this process may read
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(suffix)) continue;
    const rest = name.slice(prefix.length, -suffix.length);
    const pid = Number(rest.slice(rest.lastIndexOf('.') + 1));
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (st?.isFile() && st.mtimeMs < Date.now() - STALE_TMP_MS) rmSync(path, { force: true });
    } catch {
      // another user's file, say: a clean-up never fails the command that wrote
    }
  }
}

/** Whether the process `pid` of this machine runs (or exists under another user). */
function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

exports.removeStaleTemps = removeStaleTemps;
exports.processAlive = processAlive;
