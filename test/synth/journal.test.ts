/** Completing an interrupted write from its journal (lib/synth/journal.ts), when the journal cannot be trusted. */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atStep } from '../../lib/model/crash-point.cjs';
import { JOURNAL_FILE, directoryId, readJournal } from '../../lib/synth/journal.js';
import { RUN_SCRIPT, fixtureProject, promotableProject, repoStage, runCli, snapshotDir } from '../helpers/cli.js';
import { run } from '../helpers/crash.js';
import { runNotingFsyncs } from '../helpers/fsync-log.js';

const journal = (renames: unknown, more: object = {}) =>
  JSON.stringify({ command: 'npm run synth', pid: 1, started: 'x', renames, targets: [], remove: [], ...more });

/** A project whose stage file environments/qa.yaml is a symbolic link to ../shared/qa.yaml, beside the project. */
function linkedOut(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'stagecraft-journal-')), 'project');
  mkdirSync(join(root, 'environments'), { recursive: true });
  mkdirSync(join(root, '..', 'shared'));
  writeFileSync(join(root, '..', 'shared', 'qa.yaml'), 'apps: {}\n');
  symlinkSync('../../shared/qa.yaml', join(root, 'environments', 'qa.yaml'));
  return root;
}

describe('directoryId', () => {
  it("a directory's device and inode, through a symbolic link; nothing for a link to itself or a missing path, never a raw error", () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-dirid-'));
    mkdirSync(join(root, 'out'));
    symlinkSync('out', join(root, 'dist'));
    symlinkSync('loop', join(root, 'loop'));
    const { dev, ino } = statSync(join(root, 'out'), { bigint: true });
    expect(directoryId(join(root, 'dist'))).toBe(`${dev}:${ino}`);
    expect(directoryId(join(root, 'loop'))).toBeUndefined();
    expect(directoryId(join(root, 'none'))).toBeUndefined();
  });
});

describe('readJournal', () => {
  const root = tmpdir();
  it.each([
    ['', 'it is empty'],
    ['{"command":', 'it is not JSON'],
    ['[]', 'it is not a JSON object'],
    ['{}', "its 'renames' are not a list of { from, to } paths inside the project"],
    [journal([{ from: '../other/dist/qa', to: 'dist/qa' }]), "its 'renames' are not a list of { from, to } paths inside the project"],
    [journal([{ from: '/etc', to: 'dist/qa' }]), "its 'renames' are not a list of { from, to } paths inside the project"],
    [
      journal([{ from: 'environments/.qa.yaml.stagecraft-tmp', to: '../shared/qa.yaml' }]),
      "its 'renames' are not a list of { from, to } paths inside the project",
    ],
    [journal([], { linked: { 'dist/qa': { '../../etc/passwd': '1:2:3:4' } } }), "its 'linked' is not a mapping"],
    [journal([], { linked: { '/dist/qa': { 'a.yaml': '1:2:3:4' } } }), "its 'linked' is not a mapping"],
    [journal([], { linked: { 'dist/qa': { 'a.yaml': 1 } } }), "its 'linked' is not a mapping"],
    [journal([], { linked: ['dist/qa'] }), "its 'linked' is not a mapping"],
    [journal([], { written: { 'dist/qa': ['../../etc/passwd'] } }), "its 'written' is not a mapping"],
    [journal([], { written: { 'dist/qa': { 'a.yaml': '1:2:3:4' } } }), "its 'written' is not a mapping"],
    [journal([], { dropped: { 'dist/qa': ['../old'] } }), "its 'dropped' is not a mapping"],
    [journal([], { dropped: { 'dist/qa': 'old' } }), "its 'dropped' is not a mapping"],
    [journal([], { interrupted: 1 }), "its 'interrupted' is not the index of one of its renames"],
    [journal([{ from: 'dist/.stagecraft-tx/new/qa', to: 'dist/qa' }], { interrupted: '0' }), "its 'interrupted' is not the index"],
  ])('refuses %j, saying why', (text, why) => {
    expect(readJournal(text, root)).toMatch(why);
  });

  it('takes a journal of relative paths inside the project', () => {
    expect(readJournal(journal([{ from: 'dist/.stagecraft-tx/new/qa', to: 'dist/qa' }]), root)).toMatchObject({ command: 'npm run synth' });
    const linked = { 'dist/qa': { 'edge/haproxy.cfg': '1:2:3:4' } };
    expect(readJournal(journal([], { linked }), root)).toMatchObject({ linked });
    expect(readJournal(journal([], { written: { 'dist/qa': ['10-x.yaml'] } }), root)).toMatchObject({
      written: { 'dist/qa': ['10-x.yaml'] },
    });
    expect(readJournal(journal([], { dropped: { 'dist/qa': ['old'] } }), root)).toMatchObject({ dropped: { 'dist/qa': ['old'] } });
    expect(readJournal(journal([{ from: 'dist/.stagecraft-tx/new/qa', to: 'dist/qa' }], { interrupted: 1 }), root)).toMatchObject({
      interrupted: 1,
    });
  });

  it('takes a rename onto the file out of the project that a stage file, a symbolic link, leads to, from its new text beside the link', () => {
    const dir = linkedOut();
    const text = journal([{ from: 'environments/.qa.yaml.stagecraft-tmp', to: '../shared/qa.yaml' }], {
      replaces: { '../shared/qa.yaml': null },
    });
    expect(readJournal(text, dir)).toMatchObject({ renames: [{ to: '../shared/qa.yaml' }] });
    // from anything but that link's new text, or onto another file, the path out of the project is refused
    for (const [from, to] of [
      ['environments/qa.yaml', '../shared/qa.yaml'],
      ['environments/.dev.yaml.stagecraft-tmp', '../shared/qa.yaml'],
      ['environments/.qa.yaml.stagecraft-tmp', '../shared/dev.yaml'],
      ['environments/.qa.yaml.stagecraft-tmp', '../../etc/passwd'],
    ]) {
      expect(readJournal(journal([{ from, to }]), dir), `${from} -> ${to}`).toMatch(/^its 'renames' are not a list/);
    }
    expect(readJournal(journal([], { replaces: { '../shared/qa.yaml': null } }), dir)).toMatch(/^its 'replaces' is not a mapping/);
  });
});

describe('the journal', () => {
  it('is on the disk (fsync) before it is renamed into place: a crash of the machine leaves no empty journal', () => {
    const dir = fixtureProject(['lab']);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    const r = runNotingFsyncs([RUN_SCRIPT, 'synth'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.flushedBeforeRename(join(dir, `${JOURNAL_FILE}.stagecraft-tmp`))).toBe(true);
  });

  it("renames a stage file's new text that is on the disk (fsync): a crash of the machine leaves no empty stage file", () => {
    const dir = promotableProject();
    const r = runNotingFsyncs([RUN_SCRIPT, 'promote', 'test', 'qa'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.flushedBeforeRename(join(dir, 'environments', '.qa.yaml.stagecraft-tmp'))).toBe(true);
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
    expect(r.stderr).toContain(
      `hint: dist/.stagecraft-tx/new/<stage>/ holds a stage's new output, dist/.stagecraft-tx/old/<stage>/ its old one, and .<name>.stagecraft-tmp a file's new text: `,
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
    interrupted('journal', 'synth', [], a);
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

/** Runs `command` in `dir`, in this process, interrupted (an error thrown) when it reaches the write step `step`. */
function interrupted(step: string, command: string, args: readonly string[], dir: string): void {
  const cancel = atStep(step, () => {
    throw new Error('interrupted');
  });
  try {
    expect(() => runCli(command, args, dir)).toThrow('interrupted');
  } finally {
    cancel();
  }
}

/** A project where `npm run promote -- test qa` was interrupted at `step`: once its journal was written, before its renames, by default. */
function interruptedPromote(step = 'journal'): string {
  const dir = promotableProject();
  interrupted(step, 'promote', ['test', 'qa'], dir);
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
    expect(r.stderr).toContain("recovered: 'npm run promote -- test qa' (pid ");
    // each file once: dist/qa/ complete, the stage file keeping its edit
    expect(r.stderr).toMatch(
      /was interrupted while it replaced files; its change is now complete: dist\/qa\/, but for environments\/qa\.yaml, edited since, which keeps that edit: run the command again, or npm run synth\n/,
    );
    expect(readFileSync(qa, 'utf8')).toBe(edited);
    expect(readdirSync(join(dir, 'environments')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(r.code).toBe(1);
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(runCli('check', [], dir).code).toBe(0);
  });

  it('a promote killed once its journal was written, then rm -rf dist/.stagecraft-tx: neither file said replaced, the stage file as it was, its new text removed', () => {
    const dir = interruptedPromote();
    const qa = join(dir, 'environments', 'qa.yaml');
    const before = readFileSync(qa, 'utf8');
    const output = snapshotDir(join(dir, 'dist', 'qa'));
    rmSync(join(dir, 'dist', '.stagecraft-tx'), { recursive: true });
    const r = runCli('check', [], dir);
    expect(r.stderr).toMatch(
      /was interrupted, and its change is not complete: dist\/qa\/ is not its new output, which dist\/\.stagecraft-tx held and was removed since, and environments\/qa\.yaml was not replaced \(the new text removed\): run the command again; what it left was removed: \.stagecraft\/journal\.json\n/,
    );
    expect(readFileSync(qa, 'utf8')).toBe(before);
    expect(readdirSync(join(dir, 'environments')).filter((f) => f.startsWith('.'))).toEqual([]);
    // the stage file and its output agree: the promote was not made, and is made when run again
    expect(snapshotDir(join(dir, 'dist', 'qa'))).toEqual(output);
    expect(r.code).toBe(0);
    expect(runCli('promote', ['test', 'qa'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'qa', '10-demoapp.yaml'), 'utf8')).toContain('image: demoapp:1.2');
  });

  it('that recovery killed once it removed the new text, before its journal: the next one says the stage file not replaced either, never complete', () => {
    const dir = interruptedPromote();
    const qa = join(dir, 'environments', 'qa.yaml');
    const before = readFileSync(qa, 'utf8');
    rmSync(join(dir, 'dist', '.stagecraft-tx'), { recursive: true });
    interrupted('cleanup', 'check', [], dir);
    expect(readdirSync(join(dir, 'environments')).filter((f) => f.startsWith('.'))).toEqual([]);
    const r = runCli('check', [], dir);
    expect(r.stderr).toMatch(
      /was interrupted, and its change is not complete: dist\/qa\/ is not its new output, which dist\/\.stagecraft-tx held and was removed since, and environments\/qa\.yaml was not replaced \(the new text removed\): run the command again; what it left was removed: \.stagecraft\/journal\.json\n/,
    );
    expect(readFileSync(qa, 'utf8')).toBe(before);
    expect(existsSync(join(dir, JOURNAL_FILE))).toBe(false);
  });

  it.each(['recover-kept', 'rename-1'])(
    'keeps it when the recovery itself is killed at %s, once it set the edit aside: the next one completes dist/, and the staged outputs are not removed unused',
    (step) => {
      const dir = interruptedPromote();
      const qa = join(dir, 'environments', 'qa.yaml');
      const edited = `${readFileSync(qa, 'utf8')}# a note\n`;
      writeFileSync(qa, edited);
      // at rename-1: dist/qa/ moved aside, the new output not yet in its place
      interrupted(step, 'check', [], dir);
      const r = runCli('check', [], dir);
      expect(r.stderr).not.toContain('missing: ');
      expect(readFileSync(join(dir, 'dist', 'qa', '10-demoapp.yaml'), 'utf8')).toContain('image: demoapp:1.2');
      expect(r.stderr).toContain('its change is now complete: dist/qa/, but for environments/qa.yaml, edited since, which keeps that edit');
      expect(readFileSync(qa, 'utf8')).toBe(edited);
      expect(readdirSync(join(dir, 'environments')).filter((f) => f.startsWith('.'))).toEqual([]);
      expect(existsSync(join(dir, 'dist', '.stagecraft-tx'))).toBe(false);
      expect(existsSync(join(dir, JOURNAL_FILE))).toBe(false);
    },
  );

  it('prints the command a journal names on one line, its control characters and backslashes escaped (a journal committed to a repository)', () => {
    const dir = interruptedPromote();
    const path = join(dir, JOURNAL_FILE);
    writeFileSync(
      path,
      JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), command: 'npm run x\x1b[2J\rok\nrecovered: forged \\x1b' }),
    );
    const { stderr } = runCli('check', [], dir);
    expect(stderr).toMatch(/^recovered: 'npm run x\\x1b\[2J\\rok\\nrecovered: forged \\\\x1b' \(pid /m);
    expect(stderr).not.toMatch(/^recovered: forged/m);
  });

  it('a file not edited since is replaced as the journal says', () => {
    const dir = interruptedPromote();
    const r = runCli('check', [], dir);
    expect(r.stderr).not.toContain('edited since');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'environments', 'qa.yaml'), 'utf8')).toContain('image: demoapp:1.2');
  });
});

describe('a write interrupted once every rename was done', () => {
  it.each([
    ['cleanup', 'its journal'],
    ['rename-3', 'its staging directory and its journal'],
  ])('at %s, is said to have completed its change: the recovery removes only what it left (%s)', (step, _) => {
    const dir = promotableProject();
    const after = join(dir, 'environments', 'qa.yaml');
    interrupted(step, 'promote', ['test', 'qa'], dir);
    const promoted = readFileSync(after, 'utf8');
    const dist = snapshotDir(join(dir, 'dist'));
    const r = runCli('check', [], dir);
    const left = step === 'cleanup' ? JOURNAL_FILE : `dist/.stagecraft-tx, ${JOURNAL_FILE}`;
    expect(r.stderr).toMatch(
      new RegExp(
        `^recovered: 'npm run promote -- test qa' \\(pid \\d+, started [^)]+\\) was interrupted once its change was complete \\(dist/qa/, environments/qa\\.yaml\\); only what it left was removed: ${left.replace(/\./g, '\\.')}\n`,
      ),
    );
    expect(r.stderr).not.toContain('while it replaced files');
    expect(r.code).toBe(0);
    expect(readFileSync(after, 'utf8')).toBe(promoted);
    expect(snapshotDir(join(dir, 'dist'))).toEqual(
      Object.fromEntries(Object.entries(dist).filter(([p]) => !p.startsWith('.stagecraft-tx/'))),
    );
    expect(existsSync(join(dir, JOURNAL_FILE))).toBe(false);
  });
});

describe('a rollback of a write interrupted before its journal', () => {
  it('removes the new texts it staged, and leaves what a user keeps under a name like theirs: a folder, a note that stages no project file, one named for no stage file', () => {
    const dir = fixtureProject(['lab']);
    const folder = join(dir, 'environments', '.lab.yaml.stagecraft-tmp');
    mkdirSync(folder);
    writeFileSync(join(folder, 'draft.yaml'), 'apps: {}\n');
    writeFileSync(join(dir, 'environments', '.notes.stagecraft-tmp'), 'a note\n');
    // there is no environments/notes.yaml: no write staged this
    writeFileSync(join(dir, 'environments', '.notes.yaml.stagecraft-tmp'), 'a YAML note\n');
    // the schema is missing: synth stages its new text beside it
    expect(run('synth', [], dir, { STAGECRAFT_CRASH_AT: 'staged' }).signal).toBe('SIGKILL');
    expect(existsSync(join(dir, 'environments', '.stage.schema.json.stagecraft-tmp'))).toBe(true);
    const r = runCli('check', [], dir);
    expect(r.stderr).toContain(
      'recovered: an interrupted command had not replaced anything yet; its change is rolled back (removed dist/.stagecraft-tx, environments/.stage.schema.json.stagecraft-tmp)\n',
    );
    expect(readFileSync(join(folder, 'draft.yaml'), 'utf8')).toBe('apps: {}\n');
    expect(readFileSync(join(dir, 'environments', '.notes.stagecraft-tmp'), 'utf8')).toBe('a note\n');
    expect(readFileSync(join(dir, 'environments', '.notes.yaml.stagecraft-tmp'), 'utf8')).toBe('a YAML note\n');
    expect(existsSync(join(dir, 'environments', '.stage.schema.json.stagecraft-tmp'))).toBe(false);
  });
});
