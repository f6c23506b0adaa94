/** synth replaces and removes only the files it wrote; everything else in dist/ is left alone and reported. */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoStage, runCli, snapshotDir, tempProject, labElsewhere } from '../helpers/cli.js';
import { scanDir } from '../../lib/synth/disk.js';

const run = runCli;

/** Hand-written files, as users keep them in dist/: path below dist/ -> content. */
const FOREIGN: Record<string, string> = {
  'README.md': '# Our manifests\n',
  '.gitkeep': '',
  '.git/HEAD': 'ref: refs/heads/main\n',
  '.git/objects/ab/cdef': 'blob\n',
  'shared-patches/patch.yaml': 'kind: Patch\n',
  'notastage/10-x.yaml': 'kind: X\n',
  'lab/NOTES.md': 'notes on lab\n',
  'lab/nodes/extra/hand.yaml': 'kind: Y\n',
};

function addForeign(dir: string): void {
  for (const [path, text] of Object.entries(FOREIGN)) {
    mkdirSync(join(dir, 'dist', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'dist', path), text);
  }
}

function foreignNow(dir: string): Record<string, string> {
  const all = snapshotDir(join(dir, 'dist'));
  return Object.fromEntries(Object.keys(FOREIGN).map((p) => [p, all[p]]));
}

const WARNING = 'warning: dist/ holds files that stagecraft did not write; they are left as they are: ';

describe('files in dist/ that stagecraft did not write', () => {
  it('survive a full and a --stage synth, are reported in one warning, and do not make check fail', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(run('synth', [], dir).code).toBe(0);
    addForeign(dir);
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));

    const full = run('synth', [], dir);
    expect(full.code).toBe(0);
    expect(full.stdout).toMatch(/^lab: \d+ objects in \d+ files -> dist\/lab\/ \(0 added, 1 changed, 0 removed\)$/m);
    expect(full.stderr.split('\n').filter((l) => l.startsWith(WARNING))).toEqual([
      `${WARNING}dist/.git/, dist/.gitkeep, dist/README.md, dist/lab/NOTES.md, dist/lab/nodes/, dist/notastage/, dist/shared-patches/`,
    ]);
    expect(foreignNow(dir)).toEqual(FOREIGN);
    expect(readFileSync(join(dir, 'dist', 'lab', '10-nginx.yaml'), 'utf8')).toContain('replicas: 4');
    // counted in the last line with the stage's warnings, which its summary printed
    const total = full.stderr
      .split('\n')
      .filter((l) => /^lab: warning: [^:]+: \d+ warning/.test(l))
      .reduce((sum, l) => sum + Number(/: (\d+) warnings? on /.exec(l)![1]), 0);
    expect(total).toBeGreaterThan(0);
    expect(full.stderr).toContain(`\n${total + 1} warnings in all; npm run synth -- --verbose prints each with its hint\n`);

    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab'));
    const one = run('synth', ['--stage', 'lab'], dir);
    expect(one.code).toBe(0);
    // only the stage written is looked at
    expect(one.stderr).toContain(`${WARNING}dist/lab/NOTES.md, dist/lab/nodes/\n`);
    expect(foreignNow(dir)).toEqual(FOREIGN);
    // check says what synth says of them (kubectl apply -f reads them), answering from the fingerprint or compiling
    const listed = `${WARNING}dist/.git/, dist/.gitkeep, dist/README.md, dist/lab/NOTES.md, dist/lab/nodes/, dist/notastage/, dist/shared-patches/\n`;
    for (const args of [['--no-cache'], []]) {
      const check = run('check', args, dir);
      expect(check).toMatchObject({ code: 0, stdout: expect.stringMatching(/^dist\/ is current: /) });
      expect(check.stderr).toContain(listed);
    }
    expect(run('synth', [], dir).stderr).toContain(listed);
    expect(run('check', [], dir).stderr).toContain(listed);
  });

  it("a stage's output is removed with its stage file, but not the files beside it that stagecraft did not write", () => {
    const dir = tempProject({ lab: repoStage('lab'), other: labElsewhere() });
    expect(run('synth', [], dir).code).toBe(0);
    addForeign(dir);
    rmSync(join(dir, 'environments', 'lab.yaml'));
    const r = run('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'lab: removed the files stagecraft wrote in dist/lab/ (there is no environments/lab.yaml); the files it did not write stay there\n',
    );
    expect(foreignNow(dir)).toEqual(FOREIGN);
    expect(Object.keys(snapshotDir(join(dir, 'dist', 'lab')))).toEqual(['NOTES.md', 'nodes/extra/hand.yaml']);
  });

  it('a directory is not taken for a stage because no stage file has its name', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    mkdirSync(join(dir, 'dist', 'kept'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'kept', '00-namespace.yaml'), 'kind: Namespace\n');
    expect(run('synth', [], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'kept', '00-namespace.yaml'), 'utf8')).toBe('kind: Namespace\n');
  });

  it('a hand-written file where the output goes stops synth, and nothing is written', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    mkdirSync(join(dir, 'dist', 'lab'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'lab', '10-nginx.yaml'), 'kind: Mine\n');
    const before = snapshotDir(dir);
    const r = run('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: dist/lab/10-nginx.yaml was not written by stagecraft (it has no 'Generated by stagecraft from' header), and the output of stage 'lab' now has dist/lab/10-nginx.yaml\n" +
        '  hint: move dist/lab/10-nginx.yaml out of dist/lab/, then run the command again\n1 problem; nothing was written.\n',
    );
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('a symbolic link dist is refused, and what it points at is left alone', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    const elsewhere = mkdtempSync(join(tmpdir(), 'stagecraft-elsewhere-'));
    writeFileSync(join(elsewhere, 'README.md'), 'theirs\n');
    symlinkSync(elsewhere, join(dir, 'dist'));
    const r = run('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'dist is a symbolic link; stagecraft writes dist/ only as a real directory, so that it never touches files it did not write elsewhere\n',
    );
    expect(snapshotDir(elsewhere)).toEqual({ 'README.md': 'theirs\n' });
    // as a real directory it works
    rmSync(join(dir, 'dist'));
    renameSync(elsewhere, join(dir, 'dist'));
    expect(run('synth', [], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'README.md'), 'utf8')).toBe('theirs\n');
  });

  it('a symbolic link where a generated file was is named as such, and left alone', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(run('synth', [], dir).code).toBe(0);
    const file = join(dir, 'dist', 'lab', '10-nginx.yaml');
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'stagecraft-elsewhere-')), 'nginx.yaml');
    renameSync(file, elsewhere);
    symlinkSync(elsewhere, file);
    const r = run('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'dist/lab/10-nginx.yaml was not written by stagecraft (it is a symbolic link; stagecraft writes only regular files)',
    );
    expect(readFileSync(elsewhere, 'utf8')).toContain('Generated by stagecraft');
  });

  it('a file named dist is named as such by synth and check, and left alone', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    writeFileSync(join(dir, 'dist'), 'mine\n');
    const r = run('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: dist is a file, where stagecraft writes its output as a directory (dist/<stage>/)\n' +
        '  hint: move or rename the file dist, then run the command again\n1 problem; nothing was written.\n',
    );
    const c = run('check', [], dir);
    expect(c.code).toBe(2);
    // named from the project directory, as every other message names files
    expect(c.stderr).toContain('error: reading dist: dist is a file, where a directory must be\n');
    expect(c.stderr).toContain('hint: move or rename the file dist, then run the command again');
    expect(readFileSync(join(dir, 'dist'), 'utf8')).toBe('mine\n');
  });
});

describe('scanDir', () => {
  it('tells generated files from the others by their header, a foreign directory as one entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-scan-'));
    mkdirSync(join(dir, 'nodes', 'n1'), { recursive: true });
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, '10-a.yaml'), '# Generated by stagecraft from environments/a.yaml; do not edit.\n');
    writeFileSync(join(dir, 'inventory.txt'), '# Inventory of stage a\n# Generated by stagecraft from environments/a.yaml; do not edit.\n');
    writeFileSync(join(dir, 'nodes', 'n1', 'pod.yaml'), '# Generated by stagecraft from environments/a.yaml; do not edit.\n');
    writeFileSync(join(dir, 'nodes', 'n1', 'mine.yaml'), 'kind: Mine\n');
    writeFileSync(join(dir, 'mine', 'x'), 'x');
    writeFileSync(join(dir, 'late.yaml'), 'kind: X\n\n# Generated by stagecraft from nothing: on line 3, too late to count\n');
    expect(scanDir(dir)).toEqual({
      owned: ['10-a.yaml', 'inventory.txt', 'nodes/n1/pod.yaml'],
      foreign: ['late.yaml', 'mine/', 'nodes/n1/mine.yaml'],
      folders: ['nodes', 'nodes/n1'],
    });
    expect(scanDir(join(dir, 'absent'))).toEqual({ owned: [], foreign: [], folders: [] });
  });

  it('takes an empty folder, or one holding only empty folders, for a foreign entry (one a user made)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-scan-'));
    mkdirSync(join(dir, 'nodes', 'n1', 'emptier'), { recursive: true });
    mkdirSync(join(dir, 'empty', 'inner'), { recursive: true });
    writeFileSync(join(dir, 'nodes', 'n1', 'pod.yaml'), '# Generated by stagecraft from environments/a.yaml; do not edit.\n');
    expect(scanDir(dir)).toEqual({
      owned: ['nodes/n1/pod.yaml'],
      foreign: ['empty/', 'nodes/n1/emptier/'],
      folders: ['nodes', 'nodes/n1'],
    });
  });

  it('takes a folder of the output for the output, even empty, listing what it holds one by one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-scan-'));
    mkdirSync(join(dir, 'edge', 'mine'), { recursive: true });
    mkdirSync(join(dir, 'nodes'));
    const output = (rel: string) => rel === 'edge' || rel === 'nodes';
    expect(scanDir(dir, { output })).toEqual({ owned: [], foreign: ['edge/mine/'], folders: ['edge', 'nodes'] });
  });

  it('passes over the entries it is told are known, which keep the folder holding them from being foreign as a whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-scan-'));
    mkdirSync(join(dir, 'edge', 'notes'), { recursive: true });
    writeFileSync(join(dir, 'edge', 'local.cfg'), 'mine\n');
    writeFileSync(join(dir, 'edge', 'notes', 'a.md'), 'a\n');
    writeFileSync(join(dir, 'edge', 'later.cfg'), 'saved later\n');
    const read: string[] = [];
    const scan = scanDir(dir, {
      known: (rel) => rel === 'edge/local.cfg' || rel === 'edge/notes',
      same: (rel) => {
        read.push(rel);
        return false;
      },
    });
    expect(scan).toEqual({ owned: [], foreign: ['edge/later.cfg'], folders: ['edge'] });
    expect(read).toEqual(['edge/later.cfg']);
  });
});
