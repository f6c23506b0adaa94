/**
 * The check at the end of every test run (test/helpers/global-setup.ts): the processes a test left
 * running are found, named and killed, whether they carry the run's TMPDIR or were given an
 * environment of their own and work in one of its temporary projects.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { endLeftovers, processesWith } from './helpers/leftover-processes.js';

const started: ChildProcess[] = [];
const dirs: string[] = [];

/** A directory standing for a run's TMPDIR: one of this test's own, so that no other test's processes are found in it. */
function runDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-leftovers-'));
  dirs.push(dir);
  return dir;
}

/** `sleep 60` started as a test would start it, and running (as `sleep`, the shell that started it replaced) once this returns. */
async function sleeper(options: { env: NodeJS.ProcessEnv; cwd?: string; detached?: boolean }): Promise<ChildProcess> {
  const child = spawn('sh', ['-c', 'echo started && exec sleep 60'], { ...options, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  await once(child.stdout!, 'data');
  // the shell said it started, and then execs sleep: until it has, /proc names it `sh -c ...` (the clean-clone run saw that)
  const until = Date.now() + 10_000;
  while (!readFileSync(`/proc/${child.pid}/cmdline`, 'latin1').startsWith('sleep\0') && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return child;
}

afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the processes a test run left running', () => {
  it("finds one carrying the run's TMPDIR, with its command and parent, and kills it once the grace is over", async () => {
    const dir = runDir();
    const child = await sleeper({ env: { ...process.env, TMPDIR: dir } });
    expect(processesWith(dir, -1)).toEqual([{ pid: child.pid, ppid: process.pid, command: 'sleep 60', cwd: process.cwd() }]);
    // the runner's own children are vitest's workers, which it closes itself
    expect(processesWith(dir, process.pid)).toEqual([]);
    const left = await endLeftovers(dir, -1, 100);
    expect(left.map((l) => l.pid)).toEqual([child.pid]);
    const [, signal] = await once(child, 'exit');
    expect(signal).toBe('SIGKILL');
    expect(processesWith(dir, -1)).toEqual([]);
  });

  it("finds one a test gave an environment of its own (no TMPDIR) by its working directory in a temporary project of the run, naming it, but not another session's (a user's shell)", async () => {
    const dir = runDir();
    const project = join(dir, 'stagecraft-enospc-x');
    mkdirSync(project);
    const child = await sleeper({ env: { PATH: process.env.PATH }, cwd: project });
    expect(processesWith(dir, -1)).toEqual([{ pid: child.pid, ppid: process.pid, command: 'sleep 60', cwd: project }]);
    // nor the directory's name as a prefix of another's
    expect(processesWith(`${dir}-`, -1)).toEqual([]);
    // a user's shell, in a session of its own, looking into a test's project while the tests run: never a leftover
    const shell = await sleeper({ env: { PATH: process.env.PATH }, cwd: project, detached: true });
    expect(processesWith(dir, -1).map((l) => l.pid)).toEqual([child.pid]);
    shell.kill('SIGKILL');
    expect((await endLeftovers(dir, -1, 100)).map((l) => l.pid)).toEqual([child.pid]);
  });

  it('waits for one that is ending within the grace, and leaves the processes of other runs alone', async () => {
    const dir = runDir();
    const other = runDir();
    const ending = await sleeper({ env: { ...process.env, TMPDIR: dir } });
    const others = await sleeper({ env: { ...process.env, TMPDIR: other } });
    setTimeout(() => ending.kill(), 200);
    expect(await endLeftovers(dir, -1, 5000)).toEqual([]);
    expect(ending.signalCode ?? (await once(ending, 'exit'))[1]).toBe('SIGTERM');
    expect(others.exitCode === null && others.signalCode === null).toBe(true);
  });
});
