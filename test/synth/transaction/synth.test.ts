/** Crash consistency: synth killed after each of its write steps (test/helpers/crash.ts); the files of an unfinished write are git-ignored. */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../lib/cli/lock.js';
import { JOURNAL_FILE } from '../../../lib/synth/journal.js';
import { REPO, repoStage, tempProject, labElsewhere } from '../../helpers/cli.js';
import { crashEverywhere, run } from '../../helpers/crash.js';

describe('a command killed between any two write steps', () => {
  it('synth: the next command completes or rolls back the change, and hand-written files survive', () => {
    const base = tempProject({ lab: repoStage('lab'), old: labElsewhere() });
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
