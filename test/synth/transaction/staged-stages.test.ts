/**
 * Synth stages each stage's files as soon as the stage is compiled (lib/cli/output.ts,
 * `beginOutput`): a problem in a later stage, or a kill before the last stage is compiled, must
 * leave dist/ as it was (none where there was none) and nothing staged behind.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { beginTransaction } from '../../../lib/synth/write.js';
import { TX_DIR } from '../../../lib/synth/disk.js';
import { compile, openProject } from '../../../lib/cli/project.js';
import { beginOutput } from '../../../lib/cli/output.js';
import { releaseHeldLocks } from '../../../lib/cli/lock.js';
import { repoStage, runProcess, snapshotDir, tempProject, labElsewhere } from '../../helpers/cli.js';
import { run } from '../../helpers/crash.js';

/** What users see: stage files and dist/, without the ignored state and staging directories. */
function state(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotDir(dir)).filter(([p]) => !p.startsWith('.stagecraft/') && !p.includes(`/${TX_DIR}/`)));
}

describe('synth staging stage by stage', () => {
  it('a problem in a stage compiled after another was staged: nothing in dist/ changes, nothing staged is left', () => {
    const dir = tempProject({ a: repoStage('lab'), b: labElsewhere() });
    expect(run('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'a.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
    writeFileSync(join(dir, 'environments', 'b.yaml'), `${labElsewhere()}\nnotASetting: 1\n`);
    const before = state(dir);
    const r = run('synth', ['--no-cache'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('notASetting');
    expect(state(dir)).toEqual(before);
    expect(existsSync(join(dir, 'dist', TX_DIR))).toBe(false);
  });

  it.each([
    ['a stage file refused (exit 2)', `${labElsewhere()}\nnotASetting: 1\n`, 2],
    [
      // (the restricted standard, which the lab's nginx fails: a check of the objects, not of a setting, which exits 2)
      'a check that fails (exit 1)',
      `${labElsewhere()}checks:\n  podSecurity: restricted\n`,
      1,
    ],
  ])('a problem in a stage compiled after another was staged, where there was no dist/: no dist/ is left (%s)', (_, b, code) => {
    // each stage staged by the main thread, and by worker threads
    for (const workers of ['0', '2']) {
      const dir = tempProject({ a: repoStage('lab'), b });
      const before = state(dir);
      const r = runProcess('synth', [], dir, { STAGECRAFT_WORKERS: workers });
      expect(r.status, r.stderr).toBe(code);
      expect(r.stderr).toContain('nothing was written');
      expect(existsSync(join(dir, 'dist'))).toBe(false);
      expect(state(dir)).toEqual(before);
    }
  });

  it('killed once the first stage is staged, before the next is compiled: the next command rolls back', () => {
    const dir = tempProject({ a: repoStage('lab'), b: labElsewhere() });
    expect(run('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'a.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
    writeFileSync(join(dir, 'environments', 'b.yaml'), labElsewhere().replace('replicas: 3', 'replicas: 5'));
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

describe('beginOutput', () => {
  it('stages each compiled stage, keeps neither its files nor its objects, and writes what a whole compilation writes', () => {
    const stages = { a: repoStage('lab'), b: labElsewhere().replace('replicas: 3', 'replicas: 5') };
    const whole = tempProject(stages);
    expect(run('synth', ['--no-cache'], whole).code).toBe(0);
    const dir = tempProject(stages);
    const project = openProject(dir, { writer: 'synth' });
    const output = beginOutput(project, { removeOthers: true });
    try {
      const compiled = compile(project, project.stages, { noCache: true, output });
      // staged, not yet visible
      expect(existsSync(join(dir, 'dist', TX_DIR, 'new', 'a', 'inventory.txt'))).toBe(true);
      expect(existsSync(join(dir, 'dist', 'a'))).toBe(false);
      expect([...compiled.tree.keys()]).toEqual([]);
      expect(compiled.stages.map((s) => s.charts.length)).toEqual([0, 0]);
      const written = output.write(compiled);
      expect(written.stages.map((s) => [s.stage, s.objects > 0, s.files])).toEqual([
        ['a', true, Object.keys(snapshotDir(join(whole, 'dist', 'a'))).length],
        ['b', true, Object.keys(snapshotDir(join(whole, 'dist', 'b'))).length],
      ]);
      expect(written.digests.size).toBe(Object.keys(snapshotDir(join(whole, 'dist'))).length);
    } finally {
      output.abort();
      releaseHeldLocks();
    }
    expect(snapshotDir(join(dir, 'dist'))).toEqual(snapshotDir(join(whole, 'dist')));
  });
});

describe('beginTransaction', () => {
  const file = (text: string) => `# Generated by stagecraft from environments/x.yaml; do not edit.\n${text}\n`;

  it('a stage staged again replaces what was staged for it; abort removes everything staged', () => {
    const root = tempProject({});
    const tx = beginTransaction({ root, distDir: 'dist', removeOthers: false, command: 'test' });
    tx.stage('x', new Map([['old.yaml', file('a: 1')]]));
    tx.stage('x', new Map([['new.yaml', file('a: 2')]]));
    expect(snapshotDir(join(root, 'dist', TX_DIR, 'new'))).toEqual({ 'x/new.yaml': file('a: 2') });
    tx.abort();
    expect(existsSync(join(root, 'dist', TX_DIR))).toBe(false);
    expect(existsSync(join(root, 'dist', 'x'))).toBe(false);
  });

  it('abort removes the dist/ it made for its staging directory; not one that was there, nor one another wrote into meanwhile', () => {
    const made = tempProject({});
    const tx = beginTransaction({ root: made, distDir: 'dist', removeOthers: false, command: 'test' });
    tx.stage('x', new Map([['x.yaml', file('a: 1')]]));
    expect(existsSync(join(made, 'dist', TX_DIR))).toBe(true);
    tx.abort();
    expect(existsSync(join(made, 'dist'))).toBe(false);

    const there = tempProject({});
    mkdirSync(join(there, 'dist'));
    const kept = beginTransaction({ root: there, distDir: 'dist', removeOthers: false, command: 'test' });
    kept.stage('x', new Map([['x.yaml', file('a: 1')]]));
    kept.abort();
    expect(readdirSync(join(there, 'dist'))).toEqual([]);

    const written = tempProject({});
    const meanwhile = beginTransaction({ root: written, distDir: 'dist', removeOthers: false, command: 'test' });
    meanwhile.stage('x', new Map([['x.yaml', file('a: 1')]]));
    writeFileSync(join(written, 'dist', 'NOTES.md'), 'mine\n');
    meanwhile.abort();
    expect(snapshotDir(join(written, 'dist'))).toEqual({ 'NOTES.md': 'mine\n' });
  });

  it('commit writes the stages staged one by one and those of the tree it is given', () => {
    const root = tempProject({});
    const tx = beginTransaction({ root, distDir: 'dist', removeOthers: false, command: 'test' });
    tx.stage('x', new Map([['x.yaml', file('x: 1')]]));
    tx.commit(new Map([['y', new Map([['y.yaml', file('y: 1')]])]]));
    tx.abort(); // after a commit: does nothing
    expect(snapshotDir(join(root, 'dist'))).toEqual({ 'x/x.yaml': file('x: 1'), 'y/y.yaml': file('y: 1') });
  });
});
