/**
 * Which files a process flushes to the disk (fsync) before it renames them into place: the
 * process runs with a module preloaded (`--require`) that notes, in order, each fsync(2) of a file
 * opened by path and each rename, so a test can tell a file renamed before its bytes were on the
 * disk (which a crash of the machine can leave empty or with a zeroed tail, its size kept).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PRELOAD = `
const fs = require('node:fs');
const paths = new Map();
const { openSync, closeSync, fsyncSync, renameSync, appendFileSync } = fs;
const note = (line) => appendFileSync(process.env.FSYNC_LOG, line + '\\n');
fs.openSync = function (path, ...rest) {
  const fd = openSync.call(this, path, ...rest);
  paths.set(fd, String(path));
  return fd;
};
fs.closeSync = function (fd) {
  paths.delete(fd);
  return closeSync.call(this, fd);
};
fs.fsyncSync = function (fd) {
  fsyncSync.call(this, fd);
  note('fsync ' + paths.get(fd));
};
fs.renameSync = function (from, to) {
  note('rename ' + from);
  return renameSync.call(this, from, to);
};
`;

/**
 * Runs node with `args` in `cwd`, noting its fsyncs and renames; returns the process's result and
 * `flushedBeforeRename(path)`: whether the file at `path` was flushed, then renamed.
 */
export function runNotingFsyncs(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-fsync-'));
  writeFileSync(join(dir, 'preload.cjs'), PRELOAD);
  const log = join(dir, 'log');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--require', join(dir, 'preload.cjs'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env, FSYNC_LOG: log },
  });
  const lines = readFileSync(log, 'utf8').split('\n');
  const flushedBeforeRename = (path: string): boolean => {
    const renamed = lines.indexOf(`rename ${path}`);
    return renamed > 0 && lines.slice(0, renamed).includes(`fsync ${path}`);
  };
  return { ...r, flushedBeforeRename };
}
