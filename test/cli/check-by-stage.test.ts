/**
 * `npm run check` compares each stage with dist/ as it arrives (`comparingStages`,
 * lib/cli/output.ts): the same lines as a comparison of the whole output, in the same order, with
 * no stage's files left in the compilation, and their digests for the fingerprint.
 */
import { mkdirSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { comparingStages, staleFiles } from '../../lib/cli/output.js';
import { compile, openProject } from '../../lib/cli/project.js';
import { GENERATED_MARK } from '../../lib/synth/disk.js';
import { fixtureProject, runCli } from '../helpers/cli.js';

const projects: string[] = [];
afterAll(() => {
  for (const p of projects) rmSync(p, { recursive: true, force: true });
});

describe('npm run check, stage by stage', () => {
  it('lists what a comparison of the whole output lists, and keeps no stage file', () => {
    const dir = fixtureProject(['dev', 'lab', 'production', 'qa', 'test']);
    projects.push(dir);
    expect(runCli('synth', [], dir).code).toBe(0);
    const project = openProject(dir);
    const stageFiles = (stage: string) => readdirSync(join(dir, 'dist', stage)).filter((f) => f.endsWith('.yaml') || f.endsWith('.txt'));
    const current = comparingStages(project);
    expect(current.compare(compile(project, project.stages, { objects: false, keep: current.keep }))).toEqual({ stale: [], foreign: [] });

    // a file changed in one stage, one removed from another, a generated file added to a third,
    // and a stage directory no stage file makes any more
    const [changed, removed, replaced] = [stageFiles('dev')[0], stageFiles('qa')[0], stageFiles('lab')[0]];
    writeFileSync(join(dir, 'dist', 'dev', changed), `# ${GENERATED_MARK}environments/dev.yaml\nkind: Changed\n`);
    unlinkSync(join(dir, 'dist', 'qa', removed));
    // a file of a user's (no header) where an output file goes
    writeFileSync(join(dir, 'dist', 'lab', replaced), 'my own notes\n');
    writeFileSync(join(dir, 'dist', 'test', 'extra.yaml'), `# ${GENERATED_MARK}environments/test.yaml\n`);
    mkdirSync(join(dir, 'dist', 'gone'));
    writeFileSync(join(dir, 'dist', 'gone', 'old.yaml'), `# ${GENERATED_MARK}environments/gone.yaml\n`);

    const comparison = comparingStages(project);
    const compiled = compile(project, project.stages, { objects: false, keep: comparison.keep });
    const { stale: lines, foreign } = comparison.compare(compiled);
    // the user's notes where an output file goes are left, and said so
    expect(foreign).toEqual([`dist/lab/${replaced}`]);
    expect(lines).toEqual(staleFiles(project, compile(project, project.stages), true));
    expect(lines).toEqual(
      expect.arrayContaining([
        `changed: dist/dev/${changed}`,
        `missing: dist/qa/${removed}`,
        `missing: dist/lab/${replaced} (what stands there was not written by stagecraft: move it away, then npm run synth)`,
        'not produced by the sources: dist/test/extra.yaml',
        'not produced by the sources: dist/gone/old.yaml',
      ]),
    );
    // no stage's files were kept to the end, only what belongs to no stage (dist/delivery/)
    expect([...compiled.tree.keys()].filter((k) => project.stages.includes(k))).toEqual([]);
    const produced = project.stages.flatMap((s) => [...comparison.digests.keys()].filter((p) => p.startsWith(`dist/${s}/`)));
    expect(produced.length).toBe(comparison.digests.size);
    expect(comparison.digests.size).toBeGreaterThan(project.stages.length);
  });
});
