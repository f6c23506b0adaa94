// The flags Node.js was started with, in the names of V8 code caches, and how many such caches of
// one script are kept: plain JavaScript, since lib/cli/run.cjs uses it before any bundle exists,
// as lib/cli/validator-store.ts does after.
'use strict';
const { createHash } = require('node:crypto');
const { readdirSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { launcherFlags } = require('../model/launcher-flags.cjs');

/**
 * The flags this process was started with (its command line's, NODE_OPTIONS, and those
 * lib/cli/run.cjs set before the command loaded), as 16 hex digits. V8 rejects a code cache made
 * under other flags, and `npm run synth` runs under flags `npm run check` does not: a cache named
 * for its flags is never one the other command made.
 */
function startFlags() {
  const launched = launcherFlags();
  return createHash('sha256')
    .update(JSON.stringify([process.execArgv, process.env.NODE_OPTIONS ?? '', ...(launched.length ? [launched] : [])]))
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
function pruneCodeCaches(dir, name) {
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

exports.startFlags = startFlags;
exports.pruneCodeCaches = pruneCodeCaches;
