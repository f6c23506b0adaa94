/** Crash consistency: promote killed after each of its write steps (test/helpers/crash.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoStage, tempProject } from '../../helpers/cli.js';
import { crashBeforeWriting, crashEverywhere, run } from '../../helpers/crash.js';

describe('a command killed between any two write steps', () => {
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

  it('promote killed once its edit is planned, before it writes: nothing changed, and the next promote does it', () => {
    const base = tempProject({ dev: repoStage('dev'), test: repoStage('test') });
    writeFileSync(join(base, 'environments', 'dev.yaml'), repoStage('dev').replace('image: demoapp:1\n', 'image: demoapp:1.1\n'));
    expect(run('synth', [], base).code).toBe(0);
    crashBeforeWriting(base, 'promote', ['dev', 'test'], 'edit-planned');
  }, 120_000);
});
