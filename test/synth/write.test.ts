import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, snapshotDir, tempProject, repoStage } from '../helpers/cli.js';

const brokenStage = 'apps:\n  nginx:\n    replicas: three\n';

describe('npm run synth writes dist/ atomically', () => {
  it('leaves dist/ byte-for-byte untouched when any stage has a problem', () => {
    const dir = tempProject({ lab: repoStage('lab'), broken: brokenStage }, { copyDist: true });
    writeFileSync(join(dir, 'dist', 'lab', 'hand-edit.yaml'), 'kind: Kept\n');
    const before = snapshotDir(join(dir, 'dist'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environments/broken.yaml:3:15: error: apps.nginx.replicas must be an integer >= 0 (found "three")');
    expect(r.stderr).toContain('nothing was written');
    expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
  });

  it('writes every stage, removes stale files and the output of deleted stages', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    mkdirSync(join(dir, 'dist', 'gone'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'gone', '10-x.yaml'), 'x');
    mkdirSync(join(dir, 'dist', 'lab'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'lab', '10-stale.yaml'), 'x');
    const r = runCli('synth', [], dir);
    // warnings are printed (summarized per check and stage) but do not stop synthesis
    expect(r.stderr).toContain("lab: warning: policy/image-tag: 1 warning on 1 object (ReplicationController lab/nginx), e.g. image 'nginx' has no tag (it means 'latest')\n");
    expect(r.stderr).not.toContain('nothing was written');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('lab: 8 objects in 5 files -> dist/lab/ (new)');
    expect(r.stdout).toContain('\ngone: removed dist/gone/ (there is no environments/gone.yaml)\n');
    expect(Object.keys(snapshotDir(join(dir, 'dist')))).toEqual(['lab/00-namespace.yaml', 'lab/10-flannel.yaml', 'lab/10-nginx.yaml', 'lab/inventory.txt', 'lab/kustomization.yaml']);
    expect(existsSync(join(dir, 'environments', 'stage.schema.json'))).toBe(true);
  });

  it('with --stage, writes only that stage and leaves the others alone', () => {
    const dir = tempProject({ lab: repoStage('lab'), other: repoStage('lab') });
    mkdirSync(join(dir, 'dist', 'other'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'other', 'keep.yaml'), 'x');
    const r = runCli('synth', ['--stage', 'lab'], dir);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'other', 'keep.yaml'), 'utf8')).toBe('x');
    expect(existsSync(join(dir, 'dist', 'lab', '10-nginx.yaml'))).toBe(true);
  });

  it('refuses a --stage that has no stage file', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    const r = runCli('synth', ['--stage', 'nope'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("there is no stage 'nope' (no environments/nope.yaml)\n  hint: the stages are: lab");
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });
});

describe('npm run check', () => {
  it('passes on a fresh synthesis and fails listing each file that differs', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(runCli('check', [], dir)).toMatchObject({ code: 0, stdout: 'dist/ is current: 1 stage(s), 5 files\n' });

    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    writeFileSync(join(dir, 'dist', 'lab', 'extra.yaml'), 'x');
    const r = runCli('check', [], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'changed: dist/lab/10-nginx.yaml\nchanged: dist/lab/inventory.txt\nnot produced by the sources: dist/lab/extra.yaml\n3 file(s) out of date; run: npm run synth\n',
    );
  });

  it('exits 2 on a broken stage file', () => {
    const dir = tempProject({ broken: brokenStage });
    expect(runCli('check', [], dir).code).toBe(2);
  });
});

describe('every command', () => {
  it.each(['synth', 'check'])('%s explains itself with --help', (command) => {
    const r = runCli(command, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: npm run ${command}`));
  });

  it('rejects an unknown option with exit code 2 and the usage', () => {
    const r = runCli('synth', ['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--frobnicate'");
    expect(r.stderr).toContain('Usage: npm run synth');
  });
});
