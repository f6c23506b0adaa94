// The flags Node.js was started with, in the names of V8 code caches, how many such caches of one
// script are kept, and the temporary files of killed writers removed: plain JavaScript, since
// lib/cli/run.mjs uses it before any bundle exists, as lib/cli/validator-store.ts and lock.ts do after.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The flags this process was started with (its command line's and NODE_OPTIONS), as 16 hex
 * digits. V8 rejects a code cache made under other flags, and `npm run synth` starts Node.js with
 * flags `npm run check` does not: a cache named for its flags is never one the other command made.
 */
export function startFlags() {
  return createHash('sha256')
    .update(JSON.stringify([process.execArgv, process.env.NODE_OPTIONS ?? '']))
    .digest('hex')
    .slice(0, 16);
}

/** Code caches kept per script: one per set of flags it runs under (synth, check, cdk8s.yaml's app, a benchmark's probe). */
const CACHES_PER_SCRIPT = 4;

/**
 * Removes the code caches of the script `name` in `dir` (`<name>.<flags>.v8`) but the
 * CACHES_PER_SCRIPT written last, and the one of an earlier version named without flags
 * (`<name>.v8`): each set of flags a command ever ran under (flags that changed with an upgrade,
 * options tried by hand) left a cache of up to a few MB that nothing would read again. A cache
 * removed while still in use is made again by the next start under its flags.
 */
export function pruneCodeCaches(dir, name) {
  const pattern = new RegExp(`^${name.replace(/[.]/g, '\\.')}\\.(?:[0-9a-f]{16}\\.)?v8$`);
  const caches = readdirSync(dir)
    .filter((n) => pattern.test(n))
    .map((n) => ({
      path: join(dir, n),
      flagged: n !== `${name}.v8`,
      written: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    }))
    .sort((a, b) => b.written - a.written);
  const kept = caches.filter((c) => c.flagged).slice(0, CACHES_PER_SCRIPT);
  for (const c of caches) if (!kept.includes(c)) rmSync(c.path, { force: true });
}

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
export function removeStaleTemps(dir, prefix = '', suffix = '.tmp') {
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
export function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}
