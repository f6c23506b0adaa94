// Running code with the V8 flags set at run time undone: what compiling from a code cache needs,
// in the main thread (lib/model/runtime-flags.ts, `underStartFlags`) and in a stage worker before
// its bundles run (lib/cli/bundle-run.cjs, `runInWorker`). Plain JavaScript, since a worker uses
// it before any bundle runs.
'use strict';
const { setFlagsFromString } = require('node:v8');

/**
 * Runs `f` with each of `flags` (`{ flag, undo, set? }`, in the order they were set; `set`, V8's
 * setter by default) undone, the last first, and sets them again, in order, once `f` ends.
 */
function underFlagsUndone(flags, f) {
  if (flags.length === 0) return f();
  const set = (entry, value) => (entry.set ?? setFlagsFromString)(value);
  for (let i = flags.length - 1; i >= 0; i--) set(flags[i], flags[i].undo);
  try {
    return f();
  } finally {
    for (const entry of flags) set(entry, entry.flag);
  }
}

exports.underFlagsUndone = underFlagsUndone;
