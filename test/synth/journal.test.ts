/** Completing an interrupted write from its journal (lib/synth/journal.ts), when the journal cannot be trusted. */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atStep } from '../../lib/model/crash-point.cjs';
import { JOURNAL_FILE, readJournal } from '../../lib/synth/journal.js';
import { fixtureProject, promotableProject, repoStage, runCli, snapshotDir } from '../helpers/cli.js';

const journal = (renames: unknown) => JSON.stringify({ command: 'npm run synth', pid: 1, started: 'x', renames, targets: [], remove: [] });

describe('readJournal', () => {
  it.each([
    ['', 'it is empty'],
    ['{"command":', 'it is not JSON'],
    ['[]', 'it is not a JSON object'],
    ['{}', "its 'renames' are not a list of { from, to } paths inside the project"],
    [journal([{ from: '../other/dist/qa', to: 'dist/qa' }]), "its 'renames' are not a list of { from, to } paths inside the project"],
    [journal([{ from: '/etc', to: 'dist/qa' }]), "its 'renames' are not a list of { from, to } paths inside the project"],
  ])('refuses %j, saying why', (text, why) => {
    expect(readJournal(text)).toBe(why);
  });

  it('takes a journal of relative paths inside the project', () => {
    expect(readJournal(journal([{ from: 'dist/.stagecraft-tx/new/qa', to: 'dist/qa' }]))).toMatchObject({ command: 'npm run synth' });
  });
});

describe('a damaged journal', () => {
  it('is removed when no interrupted write left anything, and the command runs: not an internal error', () => {
    const dir = fixtureProject(['lab']);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, JOURNAL_FILE), '');
    const r = runCli('check', [], dir);
    expect(r.stderr).toContain(
      `recovered: ${JOURNAL_FILE} was damaged (it is empty), and no interrupted write had anything left to do; removed it`,
    );
    expect(r.code).toBe(0);
  });

  it('is refused while staged files are left, naming them, and nothing moves', () => {
    const dir = fixtureProject(['lab']);
    expect(runCli('synth', [], dir).code).toBe(0);
    mkdirSync(join(dir, 'dist', '.stagecraft-tx', 'old'), { recursive: true });
    cpSync(join(dir, 'dist', 'lab'), join(dir, 'dist', '.stagecraft-tx', 'old', 'lab'), { recursive: true });
    writeFileSync(join(dir, JOURNAL_FILE), '{"command": "npm run synth", "renames": [');
    const before = snapshotDir(dir);
    const r = runCli('synth', [], dir);
    expect(r.stderr).toContain(
      `error: ${JOURNAL_FILE} is not a journal stagecraft can follow (it is not JSON), and an interrupted write left dist/.stagecraft-tx: which of its renames were done is unknown`,
    );
    expect(r.stderr).toContain(`remove ${JOURNAL_FILE} and dist/.stagecraft-tx, then run npm run synth`);
    expect(r.code).toBe(2);
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('a .stagecraft/ that two checkouts share through a symbolic link', () => {
  it("leaves one checkout's interrupted write for it to complete, rather than move the other's dist/ away", () => {
    const a = fixtureProject(['lab']);
    const b = fixtureProject(['lab']);
    expect(runCli('synth', [], a).code).toBe(0);
    expect(runCli('synth', [], b).code).toBe(0);
    rmSync(join(b, '.stagecraft'), { recursive: true });
    symlinkSync(join(a, '.stagecraft'), join(b, '.stagecraft'));
    const bBefore = snapshotDir(join(b, 'dist'));
    // a's synth interrupted once its journal is written, before its renames
    writeFileSync(join(a, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    const cancel = atStep('journal', () => {
      throw new Error('interrupted');
    });
    try {
      expect(() => runCli('synth', [], a)).toThrow('interrupted');
    } finally {
      cancel();
    }
    const r = runCli('check', [], b);
    expect(r.stderr).toContain(`error: ${JOURNAL_FILE} is the journal of 'npm run synth' in `);
    expect(r.code).toBe(2);
    expect(snapshotDir(join(b, 'dist'))).toEqual(bBefore);
    // a completes its own change
    const again = runCli('check', [], a);
    expect(again.stderr).toContain("recovered: 'npm run synth'");
    expect(readFileSync(join(a, 'dist', 'lab', '10-nginx.yaml'), 'utf8')).toContain('replicas: 5');
    expect(runCli('check', [], b).code).toBe(0);
  });
});

/** A project where `npm run promote -- test qa` was interrupted once its journal was written, before its renames. */
function interruptedPromote(): string {
  const dir = promotableProject();
  const cancel = atStep('journal', () => {
    throw new Error('interrupted');
  });
  try {
    expect(() => runCli('promote', ['test', 'qa'], dir)).toThrow('interrupted');
  } finally {
    cancel();
  }
  return dir;
}

describe('a stage file edited after the command that was replacing it was interrupted', () => {
  it('keeps the edit: the recovery completes dist/ and drops the command’s own text of the file, saying so', () => {
    const dir = interruptedPromote();
    const qa = join(dir, 'environments', 'qa.yaml');
    // saved from an editor before any command ran again
    const edited = `${readFileSync(qa, 'utf8')}# a note\n`;
    writeFileSync(qa, edited);
    const r = runCli('check', [], dir);
    expect(r.stderr).toContain(
      'its change is now complete: dist/qa/, environments/qa.yaml, but for environments/qa.yaml, edited since, which keeps that edit: run the command again, or npm run synth',
    );
    expect(readFileSync(qa, 'utf8')).toBe(edited);
    expect(readdirSync(join(dir, 'environments')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(r.code).toBe(1);
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(runCli('check', [], dir).code).toBe(0);
  });

  it('a file not edited since is replaced as the journal says', () => {
    const dir = interruptedPromote();
    const r = runCli('check', [], dir);
    expect(r.stderr).not.toContain('edited since');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'environments', 'qa.yaml'), 'utf8')).toContain('image: demoapp:1.2');
  });
});
