/** Crash consistency: switch killed after each of its write steps (test/helpers/crash.ts). */
import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoStage, tempProject } from '../../helpers/cli.js';
import { crashBeforeWriting, crashEverywhere, run } from '../../helpers/crash.js';

/**
 * A project of the production stage without delivery: settings, so that dist/delivery/ (rewritten
 * when every stage is compiled) stays out of the count, and without promotion: (from qa, which
 * this project does not have).
 */
function productionProject(): string {
  return tempProject({
    production: repoStage('production')
      .replace(/^delivery:.*\n/m, '')
      .replace(/^promotion:.*$/m, '#'),
  });
}

/** The outcomes of a switch of a stage file that is a symbolic link: the stage's two renames, then the file's. */
const LINKED_OUTCOMES = ['staged: before', 'journal: after', 'rename-1: after', 'rename-2: after', 'rename-3: after', 'cleanup: after'];

describe('a command killed between any two write steps', () => {
  it('switch: the stage file and its dist/ change together or not at all', () => {
    const base = productionProject();
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

  it('switch killed once its edit is planned, before it writes: nothing changed, and the next switch does it', () => {
    const base = productionProject();
    expect(run('synth', [], base).code).toBe(0);
    crashBeforeWriting(base, 'switch', ['production', 'demoapp'], 'edit-planned');
  }, 120_000);

  it('switch of a stage file that is a symbolic link: the file it leads to and dist/ change together or not at all', () => {
    const base = productionProject();
    mkdirSync(join(base, 'stages-real'));
    renameSync(join(base, 'environments', 'production.yaml'), join(base, 'stages-real', 'production.yaml'));
    symlinkSync('../stages-real/production.yaml', join(base, 'environments', 'production.yaml'));
    expect(run('synth', [], base).code).toBe(0);
    const { outcomes, after } = crashEverywhere(base, 'switch', ['production', 'demoapp']);
    expect(after['stages-real/production.yaml']).toMatch(/live: green/);
    expect(outcomes).toEqual(LINKED_OUTCOMES);
  }, 600_000);

  it('switch of a stage file that is a symbolic link out of the project (a shared folder beside it): the file it leads to and dist/ change together or not at all', () => {
    // base/project/environments/production.yaml -> ../../shared/production.yaml
    const base = mkdtempSync(join(tmpdir(), 'stagecraft-shared-'));
    const project = productionProject();
    renameSync(project, join(base, 'project'));
    mkdirSync(join(base, 'shared'));
    renameSync(join(base, 'project', 'environments', 'production.yaml'), join(base, 'shared', 'production.yaml'));
    symlinkSync('../../shared/production.yaml', join(base, 'project', 'environments', 'production.yaml'));
    expect(run('synth', [], join(base, 'project')).code).toBe(0);
    const { outcomes, after } = crashEverywhere(base, 'switch', ['production', 'demoapp'], { project: 'project' });
    expect(after['shared/production.yaml']).toMatch(/live: green/);
    expect(outcomes).toEqual(LINKED_OUTCOMES);
  }, 600_000);
});
