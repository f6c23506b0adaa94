/**
 * Taking over the lock (./lock.ts) left by a holder whose process is gone, and what a lock file says of
 * its holder. The lock appears whole by link(2) (never half written), and only the process holding
 * `.stagecraft/lock.takeover` (its guard, which appears whole by link(2) too) may delete a lock, and
 * only after reading it again and finding the very lock it found stale (same PID, start time,
 * token). The guard says who holds it, as the lock does, and is judged as the lock is: one whose
 * process is gone (killed during a takeover) is removed, whatever its time says, by the one waiter
 * that makes its claim `lock.takeover.<its token>` (link(2) again, so one only) and finds it still
 * there, unchanged; a claim whose process is gone is judged alike. What a process killed meanwhile
 * leaves beside them (its claim, its files being linked) goes at the next takeover.
 */
import { createHash } from 'node:crypto';
import { linkSync, readFileSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { STATE_DIR, readRegularFile } from '../synth/disk.js';
import { processAlive } from './stale-files.cjs';
import { crashPoint } from '../model/crash-point.cjs';
import { writeNew } from '../model/flushed-file.cjs';

export const LOCK_FILE = join(STATE_DIR, 'lock');
export const TAKEOVER_FILE = join(STATE_DIR, 'lock.takeover');

/** What a lock file says of the process that holds it. */
export interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
  readonly token: string;
  /** When its process started (`processStart`), where /proc says: a PID used again later by another process is told apart. */
  readonly start?: string;
}

/**
 * The lock file's text; undefined when there is none (released meanwhile), null when something
 * that cannot be read as a lock is in its place (a directory, a FIFO: opened without blocking, or
 * no permission).
 */
export function readLock(path: string): string | undefined | null {
  try {
    return readRegularFile(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
}

/** The holder a lock text names, with defaults for what an older or edited lock leaves out; undefined for text no command wrote. */
export function parseHolder(raw: string): Holder | undefined {
  try {
    const h = JSON.parse(raw) as Partial<Holder>;
    if (typeof h.pid !== 'number' || typeof h.since !== 'string') return undefined;
    // a start that is not one (an edited lock) says nothing: the PID alone decides, as for a lock without it
    const { start, ...rest } = h;
    return { host: '', command: '?', token: '', ...rest, ...(typeof start === 'string' ? { start } : {}) } as Holder;
  } catch {
    return undefined;
  }
}

/**
 * When the process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat, after
 * the command name, which may hold spaces and parentheses); undefined where /proc does not say.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')[19]
      ?.trim();
  } catch {
    return undefined;
  }
}

/** Whether the holder of a lock runs: its PID is alive and, when both are known, the process with that PID started when the holder did. */
export function alive(h: Holder): boolean {
  if (h.host !== hostname()) return true; // another machine's process: cannot tell, so assume it runs
  if (!processAlive(h.pid)) return false;
  // a PID used again (after a reboot, or once the PIDs wrapped around) is another process
  const start = h.start === undefined ? undefined : processStart(h.pid);
  return start === undefined || start === h.start;
}

/**
 * Deletes the lock if it still is `raw` (a dead holder's), holding the takeover's guard, which
 * says who holds it (`mine`: this process's lock text); see the module comment. `taken` once the
 * lock is deleted; `again` when the caller is to look at the lock again (it changed, or a guard left
 * by a process killed during a takeover was removed); `busy` while another process's takeover is
 * under way (its guard is there and its process runs): it lasts microseconds.
 */
export function takeOver(root: string, raw: string, mine: string): 'taken' | 'again' | 'busy' {
  const guard = join(root, TAKEOVER_FILE);
  if (!linkNew(guard, mine)) return removeStaleGuard(guard, mine) ? 'again' : 'busy';
  try {
    crashPoint('takeover-guarded');
    if (readLock(join(root, LOCK_FILE)) !== raw) return 'again';
    unlinkSync(join(root, LOCK_FILE));
    cleanTakeoverFiles(root, mine);
    return 'taken';
  } finally {
    rmSync(guard, { force: true });
  }
}

/** Makes `path` hold `text`, whole (created only, then linked: never written through a link, never seen half written); false when it exists. */
function linkNew(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  writeNew(tmp, text);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes the guard (or claim) at `guard` when its process is gone (or it is no guard a command
 * wrote: emptied by a crash of the machine); false while its process runs. Only the waiter that
 * makes its claim, `<guard>.<its token>`, removes it, after reading it again: two waiters that
 * judged one stale guard cannot remove the fresh guard one of them made since. A claim left by a
 * process killed while it held it is judged alike (a claim of the claim).
 * @param mine what this process's claim says (its lock text)
 */
function removeStaleGuard(guard: string, mine: string): boolean {
  const found = readLock(guard);
  if (found === undefined) return true;
  // a directory in its place is refused (what to remove is the user's to decide); a FIFO replaced
  if (found === null) {
    rmSync(guard, { force: true });
    return true;
  }
  const holder = parseHolder(found);
  if (holder && alive(holder)) return false;
  crashPoint('takeover-judged');
  // named by what was judged: a guard made since has another token, so another claim
  const claim = `${guard}.${holder?.token || createHash('sha256').update(found).digest('hex').slice(0, 16)}`;
  if (!linkNew(claim, mine)) return removeStaleGuard(claim, mine);
  try {
    crashPoint('takeover-claimed');
    if (readLock(guard) === found) rmSync(guard, { force: true });
  } finally {
    rmSync(claim, { force: true });
  }
  return true;
}

/**
 * Whether the process that wrote `path`, a file of `.stagecraft/` named by its PID `pid` (a waiter's
 * lock text, a takeover's file being linked or its guard moved aside), is gone: judged by the lock
 * text it holds as a lock is (`alive`), so that one of a process on another host, or in a container of
 * its own hostname sharing the project directory, whose PID says nothing here, is never taken for
 * gone, and a PID used again since is told apart by its start; one that holds no lock text (emptied by
 * a crash of the machine) by `pid`. What no command writes there (a directory) is the user's: never gone.
 */
function writerGone(path: string, pid: number): boolean {
  const text = readLock(path);
  if (text === null) return false;
  const holder = text === undefined ? undefined : parseHolder(text);
  return !(holder ? alive(holder) : processAlive(pid));
}

/** A file a process names itself by: one being linked (`.<pid>.tmp`), or a guard moved aside by an earlier release (`.<pid>.<8 hex>`). */
const PROCESS_FILE = /\.(\d+)\.(?:tmp|[0-9a-f]{8})$/;

/**
 * Removes what processes killed during a takeover left beside the guard: their files being linked
 * and their claims (`removeStaleGuard`), once their process is gone (`writerGone`).
 */
function cleanTakeoverFiles(root: string, mine: string): void {
  const dir = join(root, STATE_DIR);
  const prefix = `${TAKEOVER_FILE.slice(STATE_DIR.length + 1)}.`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = PROCESS_FILE.exec(name)?.[1];
    try {
      if (pid === undefined) removeStaleGuard(join(dir, name), mine);
      else if (writerGone(join(dir, name), Number(pid))) rmSync(join(dir, name), { force: true });
    } catch {
      // leftovers only (a directory someone made there): the lock is taken all the same
    }
  }
}

/**
 * Removes the lock texts (`lock.<pid>.tmp`) of waiters ended while they waited for the lock (Ctrl-C at
 * `waiting for ...`: a signal ends a process without running its `finally`), once their process is gone
 * (`writerGone`).
 */
export function cleanWaiterFiles(root: string): void {
  const dir = join(root, STATE_DIR);
  const prefix = `${LOCK_FILE.slice(STATE_DIR.length + 1)}.`;
  try {
    for (const name of readdirSync(dir)) {
      const pid = name.startsWith(prefix) ? /^(\d+)\.tmp$/.exec(name.slice(prefix.length))?.[1] : undefined;
      if (pid === undefined || Number(pid) === process.pid) continue;
      if (writerGone(join(dir, name), Number(pid))) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // leftovers only: the lock is held all the same
  }
}
