// The cache directory of one checkout in node_modules/.cache/stagecraft/: its bundles, their
// manifests and code caches (lib/cli/run.cjs), the digests of its files (lib/cli/digests.ts).
// Checkouts that share one node_modules (a worktree or clone whose node_modules links to
// another's, as teams and CI caches share installs) each have their own, named by a digest of the
// checkout's real path, so that none replaces, rebuilds or runs another's bundles. Plain
// JavaScript, since run.cjs uses it before any bundle exists, as the commands' modules do after.
//
// The directories are bounded (MAX_ROOTS): a start that creates its directory removes the least
// recently used beyond the bound that have been idle for IDLE_MS. Every start sets its directory's
// modification time (`useRootCache`, one system call), and a start needs its directory only while
// it reads its bundles (a fraction of a second): a directory idle for a day is no running start's.
// No PIDs, leases or markers, which mean nothing across the PID namespaces of containers sharing a
// node_modules volume and can outlive their process. Should a start still lose its directory (a
// clock a day off), it loses one build: a bundle gone between its manifest and its text is built
// again in a directory of the process's own (run.cjs), a stage worker that cannot load the bundle
// leaves its stages to the main thread (stage-workers.ts, once the main thread has waited
// NO_WORKER_MS for it, as for any worker that fails to start), and a code cache not written is
// made by the next start. An evicted directory is first renamed away (`.evicted.*`), so that no start
// ever finds it half removed.
'use strict';
const { createHash, randomUUID } = require('node:crypto');
const { mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, utimesSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');
const { crashPoint } = require('../model/crash-point.cjs');

/**
 * Checkouts' directories kept: a developer's worktrees, a CI cache's few. Each holds 15-25 MB once
 * every command has run; a start of a checkout whose directory was removed builds its bundles
 * again (a few seconds).
 */
const MAX_ROOTS = 8;
/**
 * How long a directory beyond MAX_ROOTS must have been idle to be removed: far longer than any
 * start reads its bundles, so that only a clock off by as much lets a start lose its directory.
 */
const IDLE_MS = 24 * 60 * 60 * 1000;
/** A checkout's directory: `root-` and 16 hex digits of the SHA-256 of its real path. */
const ROOT_DIR = /^root-[0-9a-f]{16}$/;
/** A directory renamed away to be removed, `.evicted.<dir>.<uuid>`, in the cache. */
const EVICTED = '.evicted.';

/**
 * The directory of the checkout at `root` (where its lib/ and node_modules/ are): below its
 * node_modules, so that what the bundles require resolves from there.
 */
function rootCacheDir(root) {
  const digest = createHash('sha256').update(realpathSync.native(root)).digest('hex').slice(0, 16);
  return join(root, 'node_modules', '.cache', 'stagecraft', `root-${digest}`);
}

/**
 * Marks `dir` (`rootCacheDir`) as used now (its modification time), creating it when there is
 * none; a start that created it then evicts other checkouts' directories (`evictRootCaches`).
 * Where `dir` cannot be written (a read-only node_modules) it is used as it is: whoever could
 * remove it could write it.
 */
function useRootCache(dir) {
  try {
    if (mkdirSync(dir, { recursive: true }) === undefined) {
      const now = new Date();
      utimesSync(dir, now, now);
      return;
    }
  } catch {
    return;
  }
  evictRootCaches(dirname(dir), dir);
}

/**
 * Removes the checkouts' directories in `cache` beyond the MAX_ROOTS used last (by their
 * modification times), but `keep` and those used in the last IDLE_MS; and what evicters killed on
 * the way left.
 */
function evictRootCaches(cache, keep) {
  let names;
  try {
    names = readdirSync(cache);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(EVICTED)) remove(join(cache, name));
  const idle = (path) => (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < Date.now() - IDLE_MS;
  const dirs = names
    .filter((n) => ROOT_DIR.test(n) && join(cache, n) !== keep)
    .flatMap((n) => {
      const st = statSync(join(cache, n), { throwIfNoEntry: false });
      return st?.isDirectory() ? [{ path: join(cache, n), used: st.mtimeMs }] : [];
    })
    .sort((a, b) => b.used - a.used);
  crashPoint('root-cache-listed');
  for (const { path } of dirs.slice(MAX_ROOTS - 1)) {
    // looked at again just before the rename: a start since the listing keeps it
    if (!idle(path)) continue;
    crashPoint('root-cache-looked');
    try {
      const away = join(cache, `${EVICTED}${basename(path)}.${randomUUID()}`);
      renameSync(path, away);
      crashPoint('root-cache-moved');
      remove(away);
    } catch {
      // gone already, or not this user's to remove: left
    }
  }
}

/** Removes the directory `dir` and all it holds, as far as this user may (another evicter may be removing it too). */
function remove(dir) {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // left for the next eviction
  }
}

exports.MAX_ROOTS = MAX_ROOTS;
exports.IDLE_MS = IDLE_MS;
exports.rootCacheDir = rootCacheDir;
exports.useRootCache = useRootCache;
exports.evictRootCaches = evictRootCaches;
