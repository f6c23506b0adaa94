/**
 * The processes a test run left running: every process the tests start inherits the run's own
 * TMPDIR (test/helpers/global-setup.ts), so one still running once the tests are done carries it in
 * its environment, wherever it was reparented to (a PID namespace of its own included: /proc here
 * lists it). One left running that holds a test worker's stdout or stderr (stdio 'inherit') kept
 * vitest's main process from exiting: 'close timed out after 10000ms ... something prevents Vite
 * server from exiting' at the end of every full run, from test/cli/lock.test.ts's claim in a PID
 * namespace of its own, which outlived its unshare for ever.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A process still running, with its command line (its arguments joined by spaces) and parent. */
export interface Leftover {
  readonly pid: number;
  readonly ppid: number;
  readonly command: string;
}

/** What /proc/<pid>/`file` holds, or undefined once the process is gone (or hidden from this user). */
function procFile(pid: string, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * The running processes whose environment holds `variable` (`NAME=value`, exactly), but for `runner`
 * and its own children (vitest's main process and its test workers, which vitest closes itself).
 * Zombies (ended, not yet reaped) are not running and are left out. Empty where there is no /proc.
 */
export function processesWith(variable: string, runner: number): Leftover[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const found: Leftover[] = [];
  for (const pid of pids) {
    if (Number(pid) === runner) continue;
    const environ = procFile(pid, 'environ');
    if (environ === undefined || !environ.split('\0').includes(variable)) continue;
    const stat = procFile(pid, 'stat') ?? '';
    // the fields after the command's name, which may itself hold spaces and parentheses
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || Number(ppid) === runner) continue;
    const command = (procFile(pid, 'cmdline') ?? '').split('\0').join(' ').trim();
    found.push({ pid: Number(pid), ppid: Number(ppid), command });
  }
  return found;
}

/**
 * Waits up to `graceMs` for the processes carrying `variable` to end (a holder told to end just
 * before), then kills those still running and returns them.
 */
export async function endLeftovers(variable: string, runner: number, graceMs = 2000): Promise<Leftover[]> {
  const until = Date.now() + graceMs;
  let left = processesWith(variable, runner);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = processesWith(variable, runner);
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
