'use strict';
// Whether stdout was closed when the process started (`>&-`): shared by lib/cli/print.ts (the
// commands) and lib/cli/run.cjs (its own --help and --version, answered before any bundle loads).
const { fstatSync, readFileSync, statSync } = require('node:fs');

/**
 * Whether the file descriptor `fd` (stdout) was closed when the process started (`>&-`): Node.js
 * opens /dev/null in its place, for reading and writing, before any script runs, so that every write
 * succeeds and is lost. A shell's `> /dev/null` opens it for writing only (Linux's /proc tells the
 * two apart; elsewhere none is told). A program that discards what it starts prints the same way
 * (Python's subprocess.DEVNULL, Node.js's stdio 'ignore'), which no process can tell from `>&-`.
 */
function closedAtStart(fd) {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice() || st.rdev !== statSync('/dev/null').rdev) return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
    // O_ACCMODE: 2 is O_RDWR
    return flags !== undefined && (Number.parseInt(flags, 8) & 3) === 2;
  } catch {
    return false;
  }
}

module.exports = { closedAtStart };
