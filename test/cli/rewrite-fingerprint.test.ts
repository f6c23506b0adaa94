/**
 * promote and switch rewrite one stage and keep what the last full synthesis recorded (lib/cli/fingerprint.ts):
 * the record is checked against every digest on each use, so a stage rewritten since is compiled again, and the
 * others stay as recorded: the next synthesis of that stage plans dist/delivery/ with the others' records.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { promotableProject, repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';

/** A copy of `dir`'s stage files, synthesized in full without any cache: what dist/ must be. */
function freshDist(stages: Record<string, string>): Record<string, string> {
  const fresh = tempProject(stages);
  expect(runCli('synth', ['--no-cache'], fresh).code).toBe(0);
  return snapshotDir(join(fresh, 'dist'));
}

const stageFiles = (dir: string, names: readonly string[]) =>
  Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, 'environments', `${n}.yaml`), 'utf8')]));

describe('a stage rewritten by promote or switch', () => {
  it('after promote, a synthesis of that stage plans dist/delivery/ with the others as recorded, with no warning', () => {
    const dir = promotableProject();
    expect(runCli('promote', ['test', 'qa'], dir).code).toBe(0);
    const r = runCli('synth', ['qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('dist/delivery/: warning');
    expect(r.stdout).toBe('qa: 16 objects in 4 files -> dist/qa/ (unchanged)\ndelivery: 4 Argo CD objects -> dist/delivery/argocd/\n');
    // and the record qa's synthesis made holds: check answers from it that dist/ is current, as after a full synthesis
    expect(runCli('check', [], dir)).toMatchObject({ code: 0, stderr: '' });
    expect(snapshotDir(join(dir, 'dist'))).toEqual(freshDist(stageFiles(dir, ['dev', 'test', 'qa'])));
  });

  it('after promote, check never takes the record for dist/ as promoted, not even once the stage file is as recorded again', () => {
    const dir = promotableProject();
    const qa = readFileSync(join(dir, 'environments', 'qa.yaml'), 'utf8');
    expect(runCli('promote', ['test', 'qa'], dir).code).toBe(0);
    // every input is now as the last full synthesis recorded it, but dist/qa is the promoted output
    writeFileSync(join(dir, 'environments', 'qa.yaml'), qa);
    const r = runCli('check', [], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('changed: dist/qa/10-demoapp.yaml\n');
  });

  it('after switch, a synthesis of that stage plans dist/delivery/ with the others as recorded, with no warning', () => {
    const stages = ['dev', 'test', 'qa', 'production'];
    const dir = tempProject(Object.fromEntries(stages.map((s) => [s, repoStage(s)])));
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(runCli('switch', ['production', 'demoapp'], dir).code).toBe(0);
    const r = runCli('synth', ['production'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('dist/delivery/: warning');
    expect(snapshotDir(join(dir, 'dist'))).toEqual(freshDist(stageFiles(dir, stages)));
  });
});
