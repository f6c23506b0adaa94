/** Whose is dist/.stagecraft-tx (lib/synth/staging-mark.ts): a recovery removes only the staging directory stagecraft made. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProblemsError } from '../../lib/errors.js';
import { atStep } from '../../lib/model/crash-point.cjs';
import { JOURNAL_FILE } from '../../lib/synth/journal.js';
import { beginTransaction } from '../../lib/synth/write.js';
import { STAGING_MARK, markStaging, stagingOwner } from '../../lib/synth/staging-mark.js';
import { fixtureProject, repoStage, runCli, snapshotDir } from '../helpers/cli.js';
import { run } from '../helpers/crash.js';

const refusal = [
  "error: dist/.stagecraft-tx was not made by stagecraft (it lacks the mark .stagecraft-staging of a write's staging directory), and a write stages its output there",
  '  hint: move dist/.stagecraft-tx out of dist/ (stagecraft never removes it; what a write of an earlier release left there, new/ alone, can be removed), then run the command again',
].join('\n');

describe('stagingOwner', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'stagecraft-staging-'));

  it("is stagecraft's for a directory it marked, or one holding nothing but a mark being written; another's for the rest", () => {
    const root = dir();
    const tx = join(root, 'tx');
    expect(stagingOwner(tx)).toBe('none');
    mkdirSync(tx);
    // made by a write killed before its mark: nothing in it to lose
    expect(stagingOwner(tx)).toBe('stagecraft');
    writeFileSync(join(tx, `${STAGING_MARK}.123-0`), 'stagecraft: the');
    expect(stagingOwner(tx)).toBe('stagecraft');
    writeFileSync(join(tx, 'notes.txt'), 'ours\n');
    expect(stagingOwner(tx)).toBe('other');
    rmSync(join(tx, 'notes.txt'));
    markStaging(tx);
    expect(stagingOwner(tx)).toBe('stagecraft');
    mkdirSync(join(tx, 'new'));
    expect(stagingOwner(tx)).toBe('stagecraft');
    // a mark of another text, or no file: a team's
    writeFileSync(join(tx, STAGING_MARK), 'mine\n');
    expect(stagingOwner(tx)).toBe('other');
    rmSync(join(tx, STAGING_MARK));
    mkdirSync(join(tx, STAGING_MARK));
    expect(stagingOwner(tx)).toBe('other');
    rmSync(tx, { recursive: true });
    writeFileSync(tx, 'a file\n');
    expect(stagingOwner(tx)).toBe('other');
    rmSync(root, { recursive: true });
  });

  it('marks a staging directory whole, once, whatever partial mark another thread left', () => {
    const tx = join(dir(), 'tx');
    mkdirSync(tx);
    markStaging(tx);
    markStaging(tx);
    expect(readdirSync(tx)).toEqual([STAGING_MARK]);
  });
});

describe('a directory of its own a team keeps at dist/.stagecraft-tx', () => {
  it('is never removed: a recovery leaves it and says so, synth refuses to stage into it, and once moved away synth writes', () => {
    const dir = fixtureProject(['lab']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const tx = join(dir, 'dist', '.stagecraft-tx');
    mkdirSync(tx);
    writeFileSync(join(tx, 'notes.txt'), 'kept by hand\n');
    const before = snapshotDir(dir);
    // nothing of stagecraft's to recover, and dist/ is current; but the next synth that changes a file refuses it, which
    // check (in CI) says, from the fast path and compiling alike
    const warning = `${refusal
      .replace(/^error: /, 'warning: ')
      .replace(/\n/, ': a command that writes dist/ (synth, promote, switch) refuses to while it is there\n')
      .replace(/, then run the command again$/, '')}\n`;
    for (const args of [[], ['--no-cache']]) {
      const check = runCli('check', args, dir);
      expect(check.code).toBe(0);
      expect(check.stdout).toBe('dist/ is current: 1 stage, 8 files\n');
      expect(check.stderr.startsWith(warning)).toBe(true);
    }
    // a recovery for what stagecraft left beside it removes that alone, and names what it leaves
    mkdirSync(join(dir, '.stagecraft'), { recursive: true });
    writeFileSync(join(dir, `${JOURNAL_FILE}.stagecraft-tmp`), '{"command": "npm run synth"');
    const check = runCli('check', [], dir);
    expect(check.stderr).toContain(
      'recovered: an interrupted command had not replaced anything yet; its change is rolled back (removed .stagecraft/journal.json.stagecraft-tmp)\n' +
        "recovered: left dist/.stagecraft-tx as it is, since it was not made by stagecraft (it lacks the mark .stagecraft-staging of a write's staging directory), and a write stages its output there: move dist/.stagecraft-tx out of dist/ (stagecraft never removes it; what a write of an earlier release left there, new/ alone, can be removed), then run the command again\n",
    );
    expect(check.code).toBe(0);
    // said once, by the recovery
    expect(check.stderr).not.toContain('warning: dist/.stagecraft-tx');
    // a write refuses it, whatever it changes, and writes nothing
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    const synth = runCli('synth', [], dir);
    expect(synth.stderr).toContain(`${refusal}\n`);
    expect(synth.code).toBe(2);
    expect(snapshotDir(dir)).toEqual({ ...before, 'environments/lab.yaml': repoStage('lab').replace('replicas: 3', 'replicas: 5') });
    renameSync(tx, join(dir, 'tx-notes'));
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(existsSync(tx)).toBe(false);
    rmSync(dir, { recursive: true });
  });

  it('a file or a link there, too, is left and refused', () => {
    const dir = fixtureProject(['lab']);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'dist', '.stagecraft-tx'), 'kept by hand\n');
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    const synth = runCli('synth', [], dir);
    expect(synth.stderr).toContain(
      `${refusal.replace("it lacks the mark .stagecraft-staging of a write's staging directory", 'it is a file, not a directory')}\n`,
    );
    expect(snapshotDir(join(dir, 'dist'))['.stagecraft-tx']).toBe('kept by hand\n');
    // a link, which is never followed
    rmSync(join(dir, 'dist', '.stagecraft-tx'));
    symlinkSync(join(dir, 'environments'), join(dir, 'dist', '.stagecraft-tx'));
    expect(runCli('synth', [], dir).stderr).toContain(
      'error: dist/.stagecraft-tx was not made by stagecraft (it is a symbolic link, not a directory), and a write stages its output there\n',
    );
    expect(readdirSync(join(dir, 'environments')).sort()).toEqual(['lab.yaml', 'stage.schema.json']);
    rmSync(dir, { recursive: true });
  });
});

describe('a write killed once its staging directory is made, before the mark', () => {
  it('leaves a directory with nothing in it, which the next command removes as its own', () => {
    const dir = fixtureProject(['lab']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const before = snapshotDir(dir);
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    expect(run('synth', [], dir, { STAGECRAFT_CRASH_AT: 'staging-made' }).signal).toBe('SIGKILL');
    expect(readdirSync(join(dir, 'dist', '.stagecraft-tx'))).toEqual([]);
    const check = run('check', [], dir);
    expect(check.stderr).toMatch(
      /^stagecraft: taking over the lock .*\nrecovered: an interrupted command had not replaced anything yet; its change is rolled back \(removed dist\/\.stagecraft-tx\)\n/,
    );
    expect(existsSync(join(dir, 'dist', '.stagecraft-tx'))).toBe(false);
    expect(snapshotDir(join(dir, 'dist'))).toEqual(
      Object.fromEntries(Object.entries(before).flatMap(([p, t]) => (p.startsWith('dist/') ? [[p.slice(5), t]] : []))),
    );
    rmSync(dir, { recursive: true });
  });
});

describe('a directory of its own a team makes at dist/.stagecraft-tx once a write has begun, before it stages', () => {
  it("is refused, never marked as stagecraft's and removed with the staged output", () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-staging-'));
    const qa = '# Generated by stagecraft from environments/qa.yaml; do not edit.\nkind: X\n';
    mkdirSync(join(root, 'dist', 'qa'), { recursive: true });
    writeFileSync(join(root, 'dist', 'qa', '10-x.yaml'), qa);
    const tx = join(root, 'dist', '.stagecraft-tx');
    // while the first stage compiled: nothing was there when the transaction began
    const cancel = atStep('compared-qa', () => {
      mkdirSync(tx);
      writeFileSync(join(tx, 'notes.txt'), 'kept by hand\n');
    });
    const t = beginTransaction({ root, distDir: 'dist', command: 'npm run synth', removeOthers: false });
    try {
      let thrown: unknown;
      try {
        t.stage('qa', new Map([['10-x.yaml', qa.replace('X', 'Y')]]));
        t.commit(new Map());
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ProblemsError);
      expect((thrown as ProblemsError).problems.map((p) => p.message)).toEqual([
        "dist/.stagecraft-tx was not made by stagecraft (it lacks the mark .stagecraft-staging of a write's staging directory), and a write stages its output there",
      ]);
    } finally {
      t.abort();
      cancel();
    }
    expect(readdirSync(tx)).toEqual(['notes.txt']);
    expect(snapshotDir(join(root, 'dist'))).toEqual({ '.stagecraft-tx/notes.txt': 'kept by hand\n', 'qa/10-x.yaml': qa });
    rmSync(root, { recursive: true });
  });
});
