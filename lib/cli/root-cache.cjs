// The cache directory of one checkout in node_modules/.cache/stagecraft/: its bundles, their
// manifests and code caches (lib/cli/run.cjs), the digests of its files (lib/cli/digests.ts).
// Checkouts that share one node_modules (a worktree or clone whose node_modules links to
// another's, as teams and CI caches share installs) each have their own, named by a digest of the
// checkout's real path, so that none replaces, rebuilds or runs another's bundles. Plain
// JavaScript, since run.cjs uses it before any bundle exists, as the commands' modules do after.
//
// The directories are bounded (MAX_ROOTS): a start that creates its directory removes the least
// recently used beyond the bound, but never one a running start uses. A start marks its directory
// as in use with a lease (`.in-use.<pid>`), which it removes when its process exits; it writes it
// before it looks for an eviction under way (`.evicting.<pid>`), and an evicter writes its marker
// before it looks for leases, so one of the two always sees the other: a start that sees a live
// evicter withdraws and comes back once that eviction is over, and an evicter that sees a live
// lease leaves the directory. An evicted directory is first renamed away (`.evicted.*`), so that
// no start ever finds it half removed.
'use strict';
const { createHash, randomUUID } = require('node:crypto');
const { lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');
const { crashPoint } = require('../model/crash-point.cjs');
const { processAlive } = require('./stale-files.cjs');

/**
 * Checkouts' directories kept: a developer's worktrees, a CI cache's few. Each holds 15-25 MB once
 * every command has run; a start of a checkout whose directory was removed builds its bundles
 * again (a few seconds).
 */
const MAX_ROOTS = 8;
/** A checkout's directory: `root-` and 16 hex digits of the SHA-256 of its real path. */
const ROOT_DIR = /^root-[0-9a-f]{16}$/;
/** A start's lease on its directory, `.in-use.<pid>`. */
const LEASE = '.in-use.';
/** An evicter's marker in the directory it is removing, `.evicting.<pid>`. */
const EVICTING = '.evicting.';
/** A directory renamed away to be removed, `.evicted.<dir>.<uuid>.<pid>`, in the cache. */
const EVICTED = '.evicted.';
/**
 * How often, and how long each time, a start waits for an eviction of its directory under way to
 * end (once it has looked, an evicter renames the directory away at once) before it builds its
 * bundles in a directory of its own instead.
 */
const CLAIM_ATTEMPTS = 100;
const CLAIM_WAIT_MS = 10;
/** A lease of a process that is gone is removed once this old (a new start may have its PID already). */
const STALE_LEASE_MS = 60_000;

/**
 * The directory of the checkout at `root` (where its lib/ and node_modules/ are): below its
 * node_modules, so that what the bundles require resolves from there.
 */
function rootCacheDir(root) {
  const digest = createHash('sha256').update(realpathSync.native(root)).digest('hex').slice(0, 16);
  return join(root, 'node_modules', '.cache', 'stagecraft', `root-${digest}`);
}

/** The PID that a file named `<prefix>...<pid>` ends with, or 0. */
function pidOf(name) {
  const pid = Number(name.slice(name.lastIndexOf('.') + 1));
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
}

/** Whether a running process holds a lease on `dir`. @throws when `dir` cannot be read (gone) */
function leased(dir) {
  return readdirSync(dir).some((n) => n.startsWith(LEASE) && processAlive(pidOf(n)));
}

/**
 * Whether a running process is evicting `dir`. Removes the markers of evicters that are gone, and
 * the leases of other starts gone a while (one ended by a signal leaves its lease).
 * @throws when `dir` cannot be read (renamed away)
 */
function evicting(dir) {
  let live = false;
  for (const name of readdirSync(dir)) {
    const marker = name.startsWith(EVICTING);
    const pid = pidOf(name);
    if ((!marker && !name.startsWith(LEASE)) || pid === 0 || (!marker && pid === process.pid)) continue;
    if (processAlive(pid)) {
      live ||= marker;
      continue;
    }
    try {
      const stale = marker || (lstatSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < Date.now() - STALE_LEASE_MS;
      if (stale) rmSync(join(dir, name), { force: true });
    } catch {
      // another user's file: left
    }
  }
  return live;
}

const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Marks `dir` (`rootCacheDir`) as in use by this process until it exits, creating it when there is
 * none, and then, when it made it, evicts other checkouts' directories beyond MAX_ROOTS. False when
 * an eviction of `dir` did not end in time: the process must not use it. Where `dir` cannot be
 * written (a read-only node_modules) it is used as it is, with no lease: whoever could remove it
 * could write it.
 */
function claimRootCache(dir) {
  const lease = join(dir, `${LEASE}${process.pid}`);
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    let created;
    try {
      created = mkdirSync(dir, { recursive: true }) !== undefined;
      writeFileSync(lease, '');
    } catch {
      return true;
    }
    let live;
    try {
      live = evicting(dir);
    } catch {
      live = true; // renamed away meanwhile: made again on the next attempt
    }
    if (!live) {
      process.once('exit', () => rmSync(lease, { force: true }));
      if (created) evictRootCaches(dirname(dir), dir);
      return true;
    }
    rmSync(lease, { force: true });
    pause(CLAIM_WAIT_MS);
  }
  return false;
}

/**
 * Removes the checkouts' directories in `cache` beyond the MAX_ROOTS used last (by the time each
 * last changed: each start adds and removes its lease there), but `keep` and those a running start
 * holds; and what evicters killed on the way left.
 */
function evictRootCaches(cache, keep) {
  let names;
  try {
    names = readdirSync(cache);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(EVICTED) && !processAlive(pidOf(name))) rmSync(join(cache, name), { recursive: true, force: true });
  }
  const dirs = names
    .filter((n) => ROOT_DIR.test(n) && join(cache, n) !== keep)
    .flatMap((n) => {
      const st = statSync(join(cache, n), { throwIfNoEntry: false });
      return st?.isDirectory() ? [{ path: join(cache, n), used: st.mtimeMs }] : [];
    })
    .sort((a, b) => b.used - a.used);
  for (const d of dirs.slice(MAX_ROOTS - 1)) evict(d.path);
}

/** Removes the directory `dir` unless a running start holds it: renamed away, then deleted. */
function evict(dir) {
  const marker = join(dir, `${EVICTING}${process.pid}`);
  let marked = false;
  try {
    if (leased(dir)) return;
    crashPoint('root-cache-looked');
    writeFileSync(marker, '', { flag: 'wx' });
    marked = true;
    crashPoint('root-cache-marked');
    // a start that wrote its lease before the marker is seen now; one that writes it after sees the marker
    if (leased(dir)) return;
    const away = join(dirname(dir), `${EVICTED}${basename(dir)}.${randomUUID()}.${process.pid}`);
    renameSync(dir, away);
    marked = false;
    crashPoint('root-cache-moved');
    rmSync(away, { recursive: true, force: true });
  } catch {
    // gone already, or not this user's to remove: left
  } finally {
    if (marked) rmSync(marker, { force: true });
  }
}

exports.MAX_ROOTS = MAX_ROOTS;
exports.rootCacheDir = rootCacheDir;
exports.claimRootCache = claimRootCache;
exports.evictRootCaches = evictRootCaches;
