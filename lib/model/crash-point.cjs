// Where the crash tests make a command end as kill -9 would. Plain JavaScript, since
// lib/cli/run.cjs writes its bundles and code caches before any bundle exists, as the commands'
// modules do their writes after (lib/synth/write.ts re-exports both).
'use strict';

/**
 * The variable that names where the crash tests make a command fail: a write step (`crashPoint`),
 * or `worker-exit-<stage>` and `worker-throw-<stage>`, where a stage worker ends or fails as a bug
 * would (lib/cli/stage-workers.ts). Nothing else reads it.
 */
const CRASH_ENV = 'STAGECRAFT_CRASH_AT';

/** Ends the process at once, as kill -9 would, when CRASH_ENV names this step. */
function crashPoint(step) {
  if (process.env[CRASH_ENV] !== step) return;
  process.kill(process.pid, 'SIGKILL');
  // the signal is delivered asynchronously to the process's threads: do nothing more meanwhile
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}

exports.CRASH_ENV = CRASH_ENV;
exports.crashPoint = crashPoint;
