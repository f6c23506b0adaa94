/**
 * Synth stages each stage's files as soon as the stage is compiled (lib/cli/project.ts,
 * `beginOutput`): a problem in a later stage, or a kill before the last stage is compiled, must
 * leave dist/ as it was and nothing staged behind.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TX_DIR } from '../../../lib/synth/write.js';
import { repoStage, snapshotDir, tempProject } from '../../helpers/cli.js';
import { run } from '../../helpers/crash.js';

/** What users see: stage files and dist/, without the ignored state and staging directories. */
function state(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotDir(dir)).filter(([p]) => !p.startsWith('.stagecraft/') && !p.includes(`/${TX_DIR}/`)));
}

describe('synth staging stage by stage', () => {
  it('a problem in a stage compiled after another was staged: nothing in dist/ changes, nothing staged is left', () => {
    const dir = tempProject({ a: repoStage('lab'), b: repoStage('lab') });
    expect(run('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'a.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
    writeFileSync(join(dir, 'environments', 'b.yaml'), `${repoStage('lab')}\nnotASetting: 1\n`);
    const before = state(dir);
    const r = run('synth', ['--no-cache'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('notASetting');
    expect(state(dir)).toEqual(before);
    expect(existsSync(join(dir, 'dist', TX_DIR))).toBe(false);
  });

  it('killed once the first stage is staged, before the next is compiled: the next command rolls back', () => {
    const dir = tempProject({ a: repoStage('lab'), b: repoStage('lab') });
    expect(run('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'a.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
    writeFileSync(join(dir, 'environments', 'b.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    const before = state(dir);
    const crashed = run('synth', ['--no-cache'], dir, { STAGECRAFT_CRASH_AT: 'staged-a', STAGECRAFT_WORKERS: '0' });
    expect(crashed.signal).toBe('SIGKILL');
    // the first stage's new files were staged, and users see none of them
    expect(existsSync(join(dir, 'dist', TX_DIR, 'new', 'a'))).toBe(true);
    expect(state(dir)).toEqual(before);
    const next = run('check', [], dir);
    expect(next.stderr).toMatch(/recovered: an interrupted command had not replaced anything yet/);
    expect(existsSync(join(dir, 'dist', TX_DIR))).toBe(false);
    expect(state(dir)).toEqual(before);
    expect(run('synth', [], dir).code).toBe(0);
    expect(run('check', [], dir).code).toBe(0);
  });
});
