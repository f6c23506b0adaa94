// Where the crash tests make a command end as kill -9 would. Plain JavaScript, since
// lib/cli/run.cjs writes its bundles and code caches before any bundle exists, as the commands'
// modules do their writes after (lib/synth/write.ts re-exports both).
'use strict';

/**
 * The variable that names where the crash tests make a command fail: a write step (`crashPoint`),
 * `worker-full-<step>`, where a stage worker thread finds the disk full at that write step (the
 * main thread's writes go on: in-process tests reach those with `atStep`, which a worker's module
 * is out of reach of), or `worker-exit-<stage>` and `worker-throw-<stage>`, where a stage worker
 * ends or fails as a bug would (lib/cli/stage-workers.ts). Nothing else reads it.
 */
const CRASH_ENV = 'STAGECRAFT_CRASH_AT';

/** What in-process tests do once at a step (`atStep`), by step. */
const actions = new Map();

/**
 * Ends the process at once, as kill -9 would, when CRASH_ENV names this step (or throws ENOSPC in a
 * worker thread for `worker-full-<step>`); first runs, once, what a test asked to happen here (`atStep`).
 */
function crashPoint(step) {
  const action = actions.get(step);
  if (action) {
    actions.delete(step);
    action();
  }
  if (process.env[CRASH_ENV] === `worker-full-${step}` && !require('node:worker_threads').isMainThread) {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  }
  if (process.env[CRASH_ENV] !== step) return;
  process.kill(process.pid, 'SIGKILL');
  // the signal is delivered asynchronously to the process's threads: do nothing more meanwhile
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}

/**
 * Runs `action` once, when a command run in this process next reaches `step` (the tests' hook for
 * what happens between two steps of a command, such as a stage file saved from an editor between
 * promote's plan and its write: `edit-planned`). Returns what cancels it, for a test's `finally`.
 */
function atStep(step, action) {
  actions.set(step, action);
  return () => actions.delete(step);
}

exports.CRASH_ENV = CRASH_ENV;
exports.atStep = atStep;
exports.crashPoint = crashPoint;
