// Writing a staging file that is renamed into place and then trusted (the journal of a write, a
// stage file's new text, a bundle the launcher runs, a state file of .stagecraft/). It is created
// anew, so that the write never goes through a link planted or left at its name (to a file
// elsewhere, then renamed onto the real name as a link to it) nor blocks on a FIFO there; and, when
// asked, its bytes are on the disk before its name is: a crash of the machine after the rename then
// never leaves it empty or with a zeroed tail, as XFS and ext4's delayed allocation can. Plain
// JavaScript, since lib/cli/bundle-files.cjs writes bundles before any bundle exists, as
// lib/synth/journal.ts writes the journal after.
'use strict';
const { closeSync, fsyncSync, openSync, rmSync, writeFileSync } = require('node:fs');

/**
 * Writes `data` as a new file at `path`: what stands there (a file, a link, a FIFO; not a
 * directory, which fails the write) is removed first and the file is created only (O_EXCL). With
 * `flush`, the file is flushed to the disk (fsync(2)) before returning; not
 * `writeFileSync(path, data, { flush: true })`: Node.js 20 ignores `flush` for a string (its UTF-8
 * path skips the fsync), and before 20.10 for anything.
 */
function writeNew(path, data, { flush = false } = {}) {
  rmSync(path, { force: true });
  const fd = openSync(path, 'wx');
  try {
    writeFileSync(fd, data);
    if (flush) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

exports.writeNew = writeNew;
