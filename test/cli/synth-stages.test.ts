/**
 * A synthesis of some stages (`npm run synth -- <stage>`) refuses what a full synthesis refuses of
 * those stages' own files, also when it has no record of the other stages to plan dist/delivery/
 * with (lib/compile.ts, `CompileStagesOptions.alone`): a fresh project, `--no-cache`, or another input changed.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentLine, keptReport } from '../../lib/cli/fast.js';
import { writtenLines } from '../../lib/cli/output.js';
import { errorLines, repoStage, runCli, tempProject } from '../helpers/cli.js';

/** A small stage Argo CD delivers to the cluster `cluster` (stagecraft.yaml declares nonprod and production). */
const team = (cluster: string) => `apps:\n  nginx:\n    image: nginx:1.25\n    replicas: 1\ndelivery: { cluster: ${cluster} }\n`;

describe('a synthesis of some stages with no record of the others', () => {
  it('refuses a delivery cluster the project file does not declare, as a full synthesis does, and writes nothing', () => {
    const dir = tempProject({ team: team('nonprd'), dev: repoStage('dev') });
    const partial = runCli('synth', ['--', 'team'], dir);
    expect(errorLines(partial.stderr)[0]).toBe(
      "environments/team.yaml:5:22: error: delivery.cluster: names the cluster 'nonprd', which stagecraft.yaml does not declare; did you mean 'nonprod'?",
    );
    expect(partial.code).toBe(2);
    expect(existsSync(join(dir, 'dist', 'team'))).toBe(false);
    const full = runCli('synth', [], dir);
    expect(errorLines(full.stderr)[0]).toBe(errorLines(partial.stderr)[0]);
  });

  it('refuses it with --no-cache after a full synthesis too', () => {
    const dir = tempProject({ team: team('nonprod'), dev: repoStage('dev') });
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'team.yaml'), team('nonprd'));
    const partial = runCli('synth', ['--no-cache', '--', 'team'], dir);
    expect(partial.stderr).toContain("names the cluster 'nonprd', which stagecraft.yaml does not declare; did you mean 'nonprod'?");
    expect(partial.code).toBe(2);
  });

  it('refuses a promotion.from that makes a cycle through stages it does not compile, at that setting', () => {
    const dir = tempProject({
      dev: `promotion: { from: qa }\n${repoStage('dev')}`,
      test: repoStage('test'),
      qa: repoStage('qa'),
    });
    const partial = runCli('synth', ['--', 'dev'], dir);
    expect(errorLines(partial.stderr)).toEqual([
      'environments/dev.yaml:1:20: error: promotion.from makes a cycle: dev -> test -> qa -> dev',
      '1 problem; nothing was written.',
    ]);
    expect(partial.code).toBe(2);
    expect(existsSync(join(dir, 'dist', 'dev'))).toBe(false);
  });

  it('refuses a delivery cluster and a cycle together, sorted, as a full synthesis does', () => {
    const dir = tempProject({
      team: team('nonprd'),
      dev: `promotion: { from: qa }\n${repoStage('dev')}`,
      test: repoStage('test'),
      qa: repoStage('qa'),
    });
    const partial = runCli('synth', ['--', 'team', 'dev'], dir);
    expect(errorLines(partial.stderr)).toEqual([
      'environments/dev.yaml:1:20: error: promotion.from makes a cycle: dev -> test -> qa -> dev',
      "environments/team.yaml:5:22: error: delivery.cluster: names the cluster 'nonprd', which stagecraft.yaml does not declare; did you mean 'nonprod'?",
      '2 problems; nothing was written.',
    ]);
    expect(partial.code).toBe(2);
  });

  it('writes the stage when its own file is right, and says dist/delivery/ was not updated', () => {
    const dir = tempProject({ team: team('nonprod'), dev: repoStage('dev') });
    const partial = runCli('synth', ['--', 'team'], dir);
    expect(partial.stdout).toContain('team: 3 objects in 4 files -> dist/team/ (new)');
    expect(partial.stderr).toContain('dist/delivery/: warning: not updated');
    expect(partial.code).toBe(0);
  });
});

describe('a synthesis that names every stage, with no record of any', () => {
  it('plans and writes dist/delivery/ as a full synthesis does, and never says it was not updated', () => {
    const dir = tempProject({ team: team('nonprod'), dev: repoStage('dev') });
    const named = runCli('synth', ['--', 'dev', 'team'], dir);
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/^delivery: \d+ Argo CD objects -> dist\/delivery\/argocd\/$/m);
    expect(named.stderr).not.toContain('dist/delivery/: warning');
    expect(runCli('check', [], dir)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^dist\/ is current/) });
  });
});

describe('the summary lines', () => {
  it('say a stage whose inventory a hand removed is no new stage: nothing to compare its objects with, the inventory added', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, 'dist', 'lab', 'inventory.txt'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^lab: \d+ objects in \d+ files -> dist\/lab\/ \(no inventory\.txt to compare its objects with; 1 file added: inventory\.txt\)$/m,
    );
    expect(
      writtenLines({
        stage: 'team',
        objects: 2,
        files: 2,
        images: [],
        changedFiles: { written: ['a.yaml', 'b.yaml'], gone: [], added: ['a.yaml', 'b.yaml'] },
      })[0],
    ).toBe('team: 2 objects in 2 files -> dist/team/ (new)');
  });

  it('say one object, one file and one stage in the singular', () => {
    expect(writtenLines({ stage: 'team', objects: 1, files: 1, images: [] })[0]).toBe('team: 1 object in 1 file -> dist/team/ (new)');
    expect(keptReport('team', { objects: 1, files: 1, stdout: '', summary: [], warnings: 0, delivered: false }).head).toBe(
      'team: 1 object in 1 file -> dist/team/ (unchanged)\n',
    );
    expect(currentLine(1, 1)).toBe('dist/ is current: 1 stage, 1 file\n');
  });
});
