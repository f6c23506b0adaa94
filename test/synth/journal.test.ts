/** Completing an interrupted write from its journal (lib/synth/journal.ts), when the journal cannot be trusted. */
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atStep } from '../../lib/model/crash-point.cjs';
import { JOURNAL_FILE, readJournal } from '../../lib/synth/journal.js';
import { fixtureProject, repoStage, runCli, snapshotDir } from '../helpers/cli.js';

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
