/**
 * The processes a test run left running: a process the tests start inherits the run's own TMPDIR
 * (test/helpers/global-setup.ts), so one still running once the tests are done carries it in its
 * environment, wherever it was reparented to (a PID namespace of its own included: /proc here
 * lists it); one a test gave an environment of its own works in a temporary project of the run. One left running that holds a test worker's stdout or stderr (stdio 'inherit') kept
 * vitest's main process from exiting: 'close timed out after 10000ms ... something prevents Vite
 * server from exiting' at the end of every full run, from test/cli/lock.test.ts's claim in a PID
 * namespace of its own, which outlived its unshare for ever.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A process still running, with its command line (its arguments joined by spaces), parent and working directory. */
export interface Leftover {
  readonly pid: number;
  readonly ppid: number;
  readonly command: string;
  /** Its working directory (a test's temporary project tells which test started it), or '' where unreadable. */
  readonly cwd: string;
}

/** What /proc/<pid>/`file` holds, or undefined once the process is gone (or hidden from this user). */
function procFile(pid: string, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return undefined;
  }
}

/** The fields of /proc/<pid>/stat after the command's name (which may itself hold spaces and parentheses): state, ppid, pgrp, session, ... */
function statFields(pid: string): string[] {
  const stat = procFile(pid, 'stat') ?? '';
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The working directory of process `pid`, or '' once it is gone (or hidden from this user). */
function cwdOf(pid: string): string {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
}

/**
 * The running processes of the run whose temporary directory is `dir`: those whose environment
 * holds `TMPDIR=<dir>` (exactly), and those working in it (a test's temporary project), which a
 * test that gave a process an environment of its own (`env: { PATH }`, no TMPDIR) started, in this
 * process's session (one a test detached into a session of its own with such an environment goes
 * unseen; a user's shell in a test's project is never taken for one); but for
 * `runner` and its own children (vitest's main process and its test workers, which vitest closes
 * itself). Zombies (ended, not yet reaped) are not running and are left out. Empty where there is no /proc.
 */
export function processesWith(dir: string, runner: number): Leftover[] {
  const variable = `TMPDIR=${dir}`;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const [, , , session] = statFields('self');
  const found: Leftover[] = [];
  for (const pid of pids) {
    if (Number(pid) === runner) continue;
    const environ = procFile(pid, 'environ');
    if (environ === undefined) continue;
    const cwd = cwdOf(pid);
    const [state, ppid, , sid] = statFields(pid);
    // by its working directory only in this run's session: a user's shell (another terminal's session) looking
    // into a test's project while the tests run is no process of theirs, and is never killed
    const working = sid === session && (cwd === dir || cwd.startsWith(`${dir}/`));
    if (!environ.split('\0').includes(variable) && !working) continue;
    if (state === 'Z' || Number(ppid) === runner) continue;
    const command = (procFile(pid, 'cmdline') ?? '').split('\0').join(' ').trim();
    found.push({ pid: Number(pid), ppid: Number(ppid), command, cwd });
  }
  return found;
}

/**
 * Waits up to `graceMs` for the processes of the run whose temporary directory is `dir`
 * (`processesWith`) to end (a holder told to end just before), then kills those still running and returns them.
 */
export async function endLeftovers(dir: string, runner: number, graceMs = 2000): Promise<Leftover[]> {
  const until = Date.now() + graceMs;
  let left = processesWith(dir, runner);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = processesWith(dir, runner);
  }
  for (const { pid } of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }
  return left;
}
