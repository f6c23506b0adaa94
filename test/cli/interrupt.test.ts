/**
 * A command ended by a signal in the middle of its work, as a terminal's Ctrl-C (SIGINT) or a CI
 * runner cancelling a job (SIGTERM) ends it: its work is synchronous, so it ends at once, without
 * running any JavaScript (a handler would run only once the command had finished, holding Ctrl-C
 * back for the whole run); what it leaves is what kill -9 leaves, which the next command undoes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStart } from '../../lib/cli/lock.js';
import { RUN_SCRIPT, fixtureProject, runProcess } from '../helpers/cli.js';

/**
 * A writer holding `dir`'s lock (a process of this test's, named in the lock as a command names itself) and a
 * synth that has said it waits for it. The caller kills the holder.
 */
async function waitingBehindHolder(dir: string) {
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  const lock = { pid: holder.pid, host: hostname(), command: 'npm run synth', since: new Date().toISOString(), token: 'f00d' };
  writeFileSync(join(dir, '.stagecraft', 'lock'), JSON.stringify(lock));
  const waiter = spawn(process.execPath, [RUN_SCRIPT, 'synth'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  waiter.stderr.on('data', (d) => {
    said += d;
  });
  const ended = once(waiter, 'exit');
  for (let i = 0; i < 6000 && !said.includes('stagecraft: waiting for'); i++) await new Promise((r) => setTimeout(r, 5));
  return { holder, waiter, ended, said: () => said };
}

describe('a synth ended by a signal mid-run (Ctrl-C, a cancelled CI job)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s ends it at once; the next command takes its lock over without waiting, saying so, and dist/ is whole',
    async (signal) => {
      const dir = fixtureProject(['dev', 'qa', 'test'], { copyDist: true });
      const lock = join(dir, '.stagecraft', 'lock');
      // --no-cache: every app rendered again, so the signal comes while the stages compile, under the lock
      const child = spawn(process.execPath, [RUN_SCRIPT, 'synth', '--no-cache'], { cwd: dir, stdio: 'ignore' });
      const ended = once(child, 'exit');
      for (let i = 0; i < 6000 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 5));
      expect(existsSync(lock)).toBe(true);
      child.kill(signal);
      const [code, by] = await ended;
      expect({ code, by }).toEqual({ code: null, by: signal });
      // the lock names a process that is gone, as it ran: taken over at once (no 30 s wait), and said
      const started = Date.now();
      const next = runProcess('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0' });
      expect(next.stderr).toMatch(
        /^stagecraft: taking over the lock left by pid \d+ \(node \S*lib\/cli\/run\.cjs synth --no-cache, since [^)]+\), which is no longer running$/m,
      );
      expect(next.status).toBe(0);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(existsSync(lock)).toBe(false);
      expect(runProcess('check', [], dir).status).toBe(0);
    },
    120_000,
  );

  it('Ctrl-C while it waits for another writer leaves its lock text (lock.<pid>.tmp), which the next writer removes', async () => {
    const dir = fixtureProject(['dev', 'qa', 'test'], { copyDist: true });
    const state = join(dir, '.stagecraft');
    expect(runProcess('synth', [], dir).status).toBe(0);
    const { holder, waiter, ended } = await waitingBehindHolder(dir);
    try {
      waiter.kill('SIGINT');
      expect((await ended)[1]).toBe('SIGINT');
      const left = `lock.${waiter.pid}.tmp`;
      expect(readdirSync(state)).toContain(left);
      holder.kill();
      await once(holder, 'exit');
      const next = runProcess('synth', [], dir);
      expect(next.status).toBe(0);
      expect(readdirSync(state)).not.toContain(left);
      expect(readdirSync(state).filter((n) => n.startsWith('lock'))).toEqual([]);
    } finally {
      holder.kill();
    }
  }, 120_000);

  // a PID used again is told apart by its start, where /proc says it
  it.skipIf(processStart(process.pid) === undefined)(
    "leaves a waiter's lock text that names another host (a container sharing the project directory, whose PIDs say nothing here), and removes one whose PID was used again since",
    async () => {
      const dir = fixtureProject(['lab']);
      const state = join(dir, '.stagecraft');
      expect(runProcess('synth', [], dir).status).toBe(0);
      // a PID no process here has any more: a container's waiter may have it in its own PID namespace
      const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      await once(gone, 'exit');
      const text = (pid: number, host: string, start?: string) =>
        JSON.stringify({
          pid,
          host,
          command: 'npm run synth',
          since: new Date().toISOString(),
          token: 'f00d',
          ...(start ? { start } : {}),
        });
      writeFileSync(join(state, `lock.${gone.pid}.tmp`), text(gone.pid!, 'a-container'));
      // this test's own PID, named with a start it did not have: the waiter that wrote it is gone
      writeFileSync(join(state, `lock.${process.pid}.tmp`), text(process.pid, hostname(), '1'));
      expect(runProcess('synth', [], dir).status).toBe(0);
      expect(readdirSync(state).filter((n) => n.startsWith('lock'))).toEqual([`lock.${gone.pid}.tmp`]);
    },
    120_000,
  );

  it('a waiter whose lock text was removed while it waited (by a writer in another PID namespace) writes it again and takes the lock, never failing on it', async () => {
    const dir = fixtureProject(['lab']);
    const state = join(dir, '.stagecraft');
    expect(runProcess('synth', [], dir).status).toBe(0);
    const { holder, waiter, ended, said } = await waitingBehindHolder(dir);
    try {
      rmSync(join(state, `lock.${waiter.pid}.tmp`));
      holder.kill();
      const [code] = await ended;
      expect({ code, said: said() }).toEqual({
        code: 0,
        said: expect.stringMatching(/^stagecraft: taking over the lock left by pid \d+ /m),
      });
      expect(readdirSync(state).filter((n) => n.startsWith('lock'))).toEqual([]);
    } finally {
      holder.kill();
    }
  }, 120_000);
});
