// Writing a file that is renamed into place and then trusted (the journal of a write, a bundle the
// launcher runs) so that its bytes are on the disk before its name is: a crash of the machine after
// the rename then never leaves it empty or with a zeroed tail, as XFS and ext4's delayed allocation
// can. Plain JavaScript, since lib/cli/bundle-files.cjs writes bundles before any bundle exists, as
// lib/synth/journal.ts writes the journal after.
'use strict';
const { closeSync, fsyncSync, openSync, writeFileSync } = require('node:fs');

/**
 * Writes `data` to the file `path` (created or emptied; with `flags` 'wx', created only: never a
 * file, link or FIFO already there) and flushes it to the disk (fsync(2)) before returning. Not
 * `writeFileSync(path, data, { flush: true })`: Node.js 20 ignores `flush` for a string (its UTF-8
 * path skips the fsync), and before 20.10 for anything.
 */
function writeFlushed(path, data, flags = 'w') {
  const fd = openSync(path, flags);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

exports.writeFlushed = writeFlushed;
