/**
 * Stage workers stage the files of the stages they compile themselves (lib/cli/staging.ts): a kill
 * once a worker has staged a stage changes nothing users see and the next command rolls back; a
 * worker failing as a bug would, or refused by the file system, leaves dist/ as it was and
 * nothing staged; and the output is the bytes one thread writes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TX_DIR } from '../../../lib/synth/disk.js';
import { CRASH_ENV } from '../../../lib/synth/write.js';
import { REPO, RUN_SCRIPT, runProcess, snapshotDir, tempProject } from '../../helpers/cli.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'examples');
const fixtures: Record<string, string> = Object.fromEntries(
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [f.slice(0, -5), readFileSync(join(FIXTURES, f), 'utf8')]),
);
const stages = Object.keys(fixtures).sort();
/** The first and the last stage compiled: one staged by a worker before the other stages, one after. */
const ends = [stages[0], stages.at(-1)!];

/** The command run as a process of its own, with the environment given (the number of workers, a crash). */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = runProcess(command, args, cwd, env);
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

/** dist/ as users see it: without the staging directory. */
function dist(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotDir(join(dir, 'dist'))).filter(([p]) => !p.startsWith(`${TX_DIR}/`)));
}

/** Every stage file edited, so that a synth compiles and replaces every stage. */
function editStages(dir: string): void {
  for (const s of stages) writeFileSync(join(dir, 'environments', `${s}.yaml`), fixtures[s].replace(/^apps:/m, 'partOf: edited\napps:'));
}

/** A project synthesized in one thread, and dist/ after its stages are edited and synthesized in one thread. */
function synthesized(): { dir: string; before: Record<string, string>; after: Record<string, string> } {
  const dir = tempProject(fixtures);
  expect(run('synth', [], dir, { STAGECRAFT_WORKERS: '0' }).code).toBe(0);
  const edited = tempProject(fixtures);
  editStages(edited);
  expect(run('synth', [], edited, { STAGECRAFT_WORKERS: '0' }).code).toBe(0);
  const before = dist(dir);
  editStages(dir);
  return { dir, before, after: dist(edited) };
}

describe('stages staged by worker threads', () => {
  it('killed once a worker staged a stage: users see nothing changed, and the next synth rolls back and writes it all', () => {
    const { dir, before, after } = synthesized();
    for (const stage of ends) {
      const killed = run('synth', [], dir, { STAGECRAFT_WORKERS: '2', [CRASH_ENV]: `staged-${stage}` });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      expect(existsSync(join(dir, 'dist', TX_DIR, 'new', stage))).toBe(true);
      expect(dist(dir)).toEqual(before);
    }
    const next = run('synth', [], dir, { STAGECRAFT_WORKERS: '2' });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain('rolled back');
    expect(existsSync(join(dir, 'dist', TX_DIR))).toBe(false);
    expect(dist(dir)).toEqual(after);
  });

  it('a worker failing as a bug would: an error, dist/ as it was, nothing staged left', () => {
    const { dir, before } = synthesized();
    for (const stage of ends) {
      const failed = run('synth', [], dir, { STAGECRAFT_WORKERS: '2', [CRASH_ENV]: `worker-throw-${stage}` });
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toContain('a bug in a worker');
      expect(existsSync(join(dir, 'dist', TX_DIR))).toBe(false);
      expect(dist(dir)).toEqual(before);
    }
  });

  // without the render cache, the first file refused is a stage's, which the worker stages itself
  it.each([[''], ['--no-cache']])(
    'a worker the file system refuses (a file size limit), synth %s: the problem as the command reports it, not a bug; dist/ as it was',
    (option) => {
      const { dir, before } = synthesized();
      // files of more than 2 KiB cannot be written: the first is a worker's (a render cache entry or a stage's file)
      const limited = spawnSync('bash', ['-c', `ulimit -f 4 && exec "${process.execPath}" "${RUN_SCRIPT}" synth ${option}`], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, STAGECRAFT_WORKERS: '2' },
      });
      expect(limited.status, limited.stderr).toBe(2);
      expect(limited.stderr).toContain('file size limit (ulimit -f)');
      expect(limited.stderr).not.toContain('internal error');
      expect(existsSync(join(dir, 'dist', TX_DIR))).toBe(false);
      expect(dist(dir)).toEqual(before);
    },
  );

  it.each(ends)(
    'a worker finding the disk full at stage %s gets the room the packs handed back to the main thread took: they are given up, the stage compiled there, and synth succeeds, saying the cache stores nothing',
    (stage) => {
      const { dir, after } = synthesized();
      // a cold cache: every app's entry is written, in packs each worker hands back with each stage it staged
      rmSync(join(dir, '.stagecraft', 'cache'), { recursive: true, force: true });
      const r = run('synth', [], dir, { STAGECRAFT_WORKERS: '2', [CRASH_ENV]: `worker-full-staged-${stage}` });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        'warning: the render cache .stagecraft/cache/render/ cannot be written (ENOSPC: no space left on device), so this command stores nothing in it; the next command that can write the project fills it\n',
      );
      expect(r.stderr).not.toMatch(/^error/m);
      expect(existsSync(join(dir, 'dist', TX_DIR))).toBe(false);
      expect(dist(dir)).toEqual(after);
      expect(readdirSync(join(dir, '.stagecraft', 'cache', 'render'))).toEqual([]);
    },
  );

  it('writes what one thread writes, over an older output and over its own', () => {
    const { dir, after } = synthesized();
    for (let i = 0; i < 2; i++) {
      const r = run('synth', ['--no-cache'], dir, { STAGECRAFT_WORKERS: '2' });
      expect(r.code, r.stderr).toBe(0);
      expect(dist(dir)).toEqual(after);
    }
  });
});
