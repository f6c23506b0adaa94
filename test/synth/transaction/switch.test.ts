/** Crash consistency: switch killed after each of its write steps (test/helpers/crash.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoStage, tempProject } from '../../helpers/cli.js';
import { crashEverywhere, run } from '../../helpers/crash.js';

describe('a command killed between any two write steps', () => {
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
