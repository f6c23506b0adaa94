/**
 * Crash consistency: synth, promote and switch killed (SIGKILL, through STAGECRAFT_CRASH_AT) after
 * each of their write steps, then the next command. The project must then be exactly as before
 * the command or exactly as after it (stage files and dist/ together), with no temporary file left.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, repoStage, snapshotDir, tempProject } from '../helpers/cli.js';
import { JOURNAL_FILE } from '../../lib/synth/write.js';
import { LOCK_FILE } from '../../lib/cli/lock.js';

/** Runs a command from its bundle (lib/cli/run.mjs), which starts faster than through tsx. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.mjs'), command, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Everything users see: stage files and dist/ (the ignored lock directory .stagecraft/ left out). */
function state(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotDir(dir)).filter(([p]) => !p.startsWith('.stagecraft/')));
}

function copy(dir: string): string {
  const to = mkdtempSync(join(tmpdir(), 'stagecraft-crash-'));
  cpSync(dir, to, { recursive: true });
  return to;
}

/**
 * Crashes `command` at every write step in a copy of `base`, then runs `check`, which must say it
 * recovered; returns, per step, whether the project came out as before or after the command.
 */
function crashEverywhere(base: string, command: string, args: readonly string[]): { outcomes: string[]; after: Record<string, string> } {
  const before = state(base);
  const reference = copy(base);
  expect(run(command, args, reference).code).toBe(0);
  const after = state(reference);
  expect(after).not.toEqual(before);
  const outcomes: string[] = [];
  for (let i = 0; ; i++) {
    const step = i === 0 ? 'staged' : i === 1 ? 'journal' : `rename-${i - 1}`;
    const dir = copy(base);
    const crashed = run(command, args, dir, { STAGECRAFT_CRASH_AT: step });
    if (crashed.signal !== 'SIGKILL') {
      // past the last rename: the cleanup step is the last one
      expect(crashed.code).toBe(0);
      const last = copy(base);
      expect(run(command, args, last, { STAGECRAFT_CRASH_AT: 'cleanup' }).signal).toBe('SIGKILL');
      const next = run('check', [], last);
      expect(next.stderr).toContain('recovered: ');
      expect(state(last)).toEqual(after);
      outcomes.push('cleanup: after');
      break;
    }
    const next = run('check', [], dir);
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
      expect(run('synth', [], dir).code).toBe(0);
      expect(run('check', [], dir).code).toBe(0);
      expect(state(dir)).toEqual(after);
    }
    outcomes.push(`${step}: ${outcome}`);
    rmSync(dir, { recursive: true, force: true });
    expect(i).toBeLessThan(40);
  }
  return { outcomes, after };
}

describe('a command killed between any two write steps', () => {
  it('synth: the next command completes or rolls back the change, and hand-written files survive', () => {
    const base = tempProject({ lab: repoStage('lab'), old: repoStage('lab') });
    expect(run('synth', [], base).code).toBe(0);
    rmSync(join(base, 'environments', 'old.yaml'));
    writeFileSync(join(base, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    writeFileSync(join(base, 'environments', 'stage.schema.json'), '{}\n'); // stale, so synth rewrites it too
    writeFileSync(join(base, 'dist', 'README.md'), 'about dist\n');
    writeFileSync(join(base, 'dist', 'lab', 'NOTES.md'), 'notes\n');
    writeFileSync(join(base, 'dist', 'old', 'NOTES.md'), 'old notes\n');
    const { outcomes, after } = crashEverywhere(base, 'synth', []);
    expect(after).toMatchObject({ 'dist/README.md': 'about dist\n', 'dist/lab/NOTES.md': 'notes\n', 'dist/old/NOTES.md': 'old notes\n' });
    expect(Object.keys(after).filter((p) => p.startsWith('dist/old/'))).toEqual(['dist/old/NOTES.md']);
    // staged files are thrown away; from the journal on, the change is completed
    expect(outcomes[0]).toBe('staged: before');
    expect(outcomes.slice(1)).toEqual(outcomes.slice(1).map((o) => o.replace(/: .*/, ': after')));
    expect(outcomes.length).toBeGreaterThan(6);
  }, 600_000);

  it('promote: the stage file and its dist/ change together or not at all', () => {
    const base = tempProject({ dev: repoStage('dev'), test: repoStage('test') });
    writeFileSync(join(base, 'environments', 'dev.yaml'), repoStage('dev').replace('image: demoapp:1\n', 'image: demoapp:1.1\n'));
    expect(run('synth', [], base).code).toBe(0);
    const { outcomes } = crashEverywhere(base, 'promote', ['dev', 'test']);
    expect(outcomes).toEqual([
      'staged: before',
      'journal: after',
      'rename-1: after',
      'rename-2: after',
      'rename-3: after',
      'cleanup: after',
    ]);
  }, 600_000);

  it('switch: the stage file and its dist/ change together or not at all', () => {
    // without delivery: settings, so that dist/delivery/ (rewritten when every stage is compiled) stays out of the
    // count, and without promotion: (from qa, which this project does not have)
    const base = tempProject({
      production: repoStage('production')
        .replace(/^delivery:.*\n/m, '')
        .replace(/^promotion:.*$/m, '#'),
    });
    expect(run('synth', [], base).code).toBe(0);
    mkdirSync(join(base, 'dist', 'production', '.git'));
    writeFileSync(join(base, 'dist', 'production', '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const { outcomes, after } = crashEverywhere(base, 'switch', ['production', 'demoapp']);
    expect(after['dist/production/.git/HEAD']).toBe('ref: refs/heads/main\n');
    // the foreign .git/ moves with the directory: one more rename than promote
    expect(outcomes).toEqual([
      'staged: before',
      'journal: after',
      'rename-1: after',
      'rename-2: after',
      'rename-3: after',
      'rename-4: after',
      'cleanup: after',
    ]);
  }, 600_000);
});

describe('the files of an unfinished write', () => {
  it.each([
    LOCK_FILE,
    JOURNAL_FILE,
    'dist/.stagecraft-tx/new/qa/10-demoapp.yaml',
    'environments/.qa.yaml.stagecraft-tmp',
    'environments/.stage.schema.json.stagecraft-tmp',
  ])('%s is git-ignored', (path) => {
    const r = spawnSync('git', ['check-ignore', '--no-index', '-q', path], { cwd: REPO });
    expect(r.status).toBe(0);
  });
});
