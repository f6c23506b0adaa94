/**
 * Crash consistency (test/synth/transaction/): a command killed (SIGKILL, through
 * STAGECRAFT_CRASH_AT) after each of its write steps, then the next command. The project must
 * then be exactly as before the command or exactly as after it (stage files and dist/ together),
 * with no temporary file left. One test file per command, so that they run side by side.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO, runCli, snapshotDir } from './cli.js';

/**
 * Runs a command: with `STAGECRAFT_CRASH_AT`, as a real process started from its bundle
 * (lib/cli/run.cjs), which is killed at that step; otherwise in this process, as users would run
 * the next command.
 */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  if (env.STAGECRAFT_CRASH_AT === undefined) return { ...runCli(command, args, cwd), signal: null };
  const r = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), command, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Everything users see: stage files and dist/ (the ignored lock directory .stagecraft/ left out). */
function state(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotDir(dir)).filter(([p]) => !/(^|\/)\.stagecraft\//.test(p)));
}

function copy(dir: string): string {
  const to = mkdtempSync(join(tmpdir(), 'stagecraft-crash-'));
  // links stay as they are (relative ones lead into the copy), not turned into links to the original's files
  cpSync(dir, to, { recursive: true, verbatimSymlinks: true });
  return to;
}

/**
 * Crashes `command` at every write step in a copy of `base`, then runs `check`, which must say it
 * recovered; returns, per step, whether the project came out as before or after the command. With
 * `project`, the project is that folder of `base`, and the rest of `base` what its links lead to
 * (a shared folder of stage files beside it), copied and compared with it.
 */
export function crashEverywhere(
  base: string,
  command: string,
  args: readonly string[],
  { project = '' }: { readonly project?: string } = {},
): { outcomes: string[]; after: Record<string, string> } {
  /** `run` in the project of the copy `dir`. */
  const runThere = (c: string, a: readonly string[], dir: string, env?: NodeJS.ProcessEnv) => run(c, a, join(dir, project), env);
  const before = state(base);
  const reference = copy(base);
  expect(runThere(command, args, reference).code).toBe(0);
  const after = state(reference);
  expect(after).not.toEqual(before);
  const outcomes: string[] = [];
  for (let i = 0; ; i++) {
    const step = i === 0 ? 'staged' : i === 1 ? 'journal' : `rename-${i - 1}`;
    const dir = copy(base);
    const crashed = runThere(command, args, dir, { STAGECRAFT_CRASH_AT: step });
    if (crashed.signal !== 'SIGKILL') {
      // past the last rename: the cleanup step is the last one
      expect(crashed.code).toBe(0);
      const last = copy(base);
      expect(runThere(command, args, last, { STAGECRAFT_CRASH_AT: 'cleanup' }).signal).toBe('SIGKILL');
      const next = runThere('check', [], last);
      expect(next.stderr).toContain('recovered: ');
      expect(state(last)).toEqual(after);
      outcomes.push('cleanup: after');
      break;
    }
    const next = runThere('check', [], dir);
    expect(next.stderr, step).toMatch(/^(stagecraft: taking over the lock .*\n)?recovered: /);
    const now = state(dir);
    const outcome =
      JSON.stringify(now) === JSON.stringify(after) ? 'after' : JSON.stringify(now) === JSON.stringify(before) ? 'before' : 'torn';
    if (outcome === 'torn') expect(now, `after a crash at ${step}`).toEqual(after);
    // the output and the stage files agree in both outcomes; only synth's sources differ from its old output
    if (outcome === 'after' || command !== 'synth') expect(next.code, `${step}: ${next.stderr}`).toBe(0);
    else {
      // synth rolled back: its sources are newer than the output until it runs again
      expect(next.code).toBe(1);
      expect(runThere('synth', [], dir).code).toBe(0);
      expect(runThere('check', [], dir).code).toBe(0);
      expect(state(dir)).toEqual(after);
    }
    outcomes.push(`${step}: ${outcome}`);
    rmSync(dir, { recursive: true, force: true });
    expect(i).toBeLessThan(40);
  }
  return { outcomes, after };
}

/**
 * Kills `command` at `step`, a point before it writes (promote's and switch's `edit-planned`: the
 * stage file's edit planned), in a copy of `base`: the project must be exactly as before, the next
 * check pass, and the command run again do what it would have done, leaving no lock behind.
 */
export function crashBeforeWriting(base: string, command: string, args: readonly string[], step: string): void {
  const reference = copy(base);
  expect(run(command, args, reference).code).toBe(0);
  const dir = copy(base);
  expect(run(command, args, dir, { STAGECRAFT_CRASH_AT: step }).signal).toBe('SIGKILL');
  expect(state(dir)).toEqual(state(base));
  // the killed command's lock stays until the next writer takes it over; a reader passes by it
  expect(existsSync(join(dir, '.stagecraft', 'lock'))).toBe(true);
  expect(run('check', [], dir).code).toBe(0);
  const again = run(command, args, dir);
  expect(again.stderr).toMatch(/^stagecraft: taking over the lock left by pid \d+ \(.*\), which is no longer running\n/);
  expect(again.code).toBe(0);
  expect(existsSync(join(dir, '.stagecraft', 'lock'))).toBe(false);
  expect(state(dir)).toEqual(state(reference));
  rmSync(dir, { recursive: true, force: true });
  rmSync(reference, { recursive: true, force: true });
}
