/**
 * The digests of files kept between commands (lib/cli/fingerprint.ts, DIGESTS_FILE): a file whose
 * identity and times are as recorded is not read again, and so a kept digest is really used (a
 * poisoned one shows); a file edited in place, its size and modification time put back, is read
 * again (its change time moved), so check still finds it.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIGESTS_FILE, projectDigests } from '../../lib/cli/digests.js';
import { FINGERPRINT_FILE } from '../../lib/cli/fingerprint.js';
import { REPO, repoStage, runCli, tempProject } from '../helpers/cli.js';

/** `npm run check` in `dir` as a new process starts it: nothing but the files carries over. */
function check(dir: string) {
  // a check that hangs (reading a FIFO) fails the test instead of stalling it
  const r = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), 'check'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

const kept = (dir: string) => JSON.parse(readFileSync(join(dir, DIGESTS_FILE), 'utf8')) as { files: Record<string, { digest: string }> };

/** Projects synthesized twice, the second time more than the margin after the first: lab's files are settled and kept. */
const SETTLED = 4;
const projects: { dir: string; labFile: string }[] = [];

beforeAll(async () => {
  const dirs = Array.from({ length: SETTLED }, () => tempProject({ lab: repoStage('lab'), mink8s: repoStage('mink8s') }));
  for (const dir of dirs) expect(runCli('synth', [], dir).code).toBe(0);
  // only files last changed more than 2 s before they are read are kept (a coarse clock's tick): one wait for all
  await new Promise((resolve) => setTimeout(resolve, 2100));
  for (const dir of dirs) {
    writeFileSync(join(dir, 'environments/mink8s.yaml'), `${repoStage('mink8s')}# edited\n`);
    expect(runCli('synth', [], dir).code).toBe(0);
    const name = readdirSync(join(dir, 'dist/lab')).find((f) => f.endsWith('.yaml'))!;
    projects.push({ dir, labFile: join(dir, 'dist/lab', name) });
  }
});

/** A settled project of its own for a test. */
function settled(): { dir: string; labFile: string } {
  const project = projects.pop();
  if (!project) throw new Error(`more than ${SETTLED} tests take a settled project: raise SETTLED`);
  return project;
}

describe('digests kept between commands', () => {
  it('are used for a file whose identity and times are as recorded', () => {
    const { dir, labFile } = settled();
    const digests = kept(dir);
    expect(digests.files[labFile]?.digest).toMatch(/^[0-9a-f]{64}$/);
    // only the project's files and the compiler's are kept
    expect(Object.keys(digests.files).every((p) => p.startsWith(join(dir, '/')) || p.startsWith(join(REPO, '/')))).toBe(true);
    const fingerprint = () => statSync(join(dir, FINGERPRINT_FILE), { bigint: true }).mtimeNs;
    const before = fingerprint();
    // unchanged: check answers from the fingerprint and records nothing
    expect(check(dir)).toMatchObject({ code: 0 });
    expect(fingerprint()).toBe(before);
    // a wrong kept digest is believed (so kept digests are used): the fingerprint no longer matches,
    // check compiles in full, finds dist/ current and records a new fingerprint, with the digest read again
    const right = digests.files[labFile].digest;
    digests.files[labFile].digest = '0'.repeat(64);
    writeFileSync(join(dir, DIGESTS_FILE), JSON.stringify(digests));
    expect(check(dir)).toMatchObject({ code: 0 });
    expect(fingerprint()).not.toBe(before);
    expect(kept(dir).files[labFile].digest).toBe(right);
  });

  it('do not hide a file edited in place with its size and modification time put back', () => {
    const { dir, labFile } = settled();
    expect(kept(dir).files[labFile]).toBeDefined();
    const text = readFileSync(labFile, 'utf8');
    const { atime, mtime } = statSync(labFile);
    const edited = text.replace('apiVersion: v1', 'apiVersion: v2');
    expect(edited.length).toBe(text.length);
    writeFileSync(labFile, edited);
    utimesSync(labFile, atime, mtime);
    const found = check(dir);
    expect(found.code).not.toBe(0);
    expect(found.out).toContain(labFile.slice(dir.length + 1));
  });

  it('are ignored when the file is not theirs', () => {
    const { dir } = settled();
    for (const text of ['not json', '{"format":2,"files":{"x":{"stamp":1}}}', '[]', 'null']) {
      writeFileSync(join(dir, DIGESTS_FILE), text);
      expect(check(dir)).toMatchObject({ code: 0 });
    }
  });

  it('and the fingerprint are passed over when they are FIFOs: check compiles and does not hang', () => {
    const { dir } = settled();
    for (const file of [DIGESTS_FILE, FINGERPRINT_FILE]) {
      rmSync(join(dir, file));
      expect(spawnSync('mkfifo', [join(dir, file)]).status).toBe(0);
    }
    expect(check(dir)).toMatchObject({ code: 0 });
  });

  it('and the fingerprint are passed over when directories stand in their place: synth writes and check answers, never an internal error', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    for (const file of [DIGESTS_FILE, FINGERPRINT_FILE]) {
      // not there when synth kept none (a compiler source changed within the margin: compilerRecentlyChanged)
      rmSync(join(dir, file), { force: true });
      mkdirSync(join(dir, file));
    }
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    const synth = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), 'synth'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(synth.stderr).not.toContain('internal error');
    expect(synth.status).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'lab', '10-nginx.yaml'), 'utf8')).toContain('replicas: 5');
    // said once per command and file, naming it, what it costs, and how to remove it
    expect(synth.stderr.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([
      `warning: writing ${FINGERPRINT_FILE}: it is a directory, not a file; without the record of the last synthesis, every synth and check compiles in full (the same output, slower) until it is gone`,
    ]);
    expect(synth.stderr).toContain(
      `  hint: move or rename the directory, or remove it (rm -r ${FINGERPRINT_FILE}), then run the command again\n`,
    );
    const checked = check(dir);
    expect(checked).toMatchObject({ code: 0 });
    expect(checked.out).toContain(`warning: writing ${FINGERPRINT_FILE}: it is a directory, not a file;`);
    expect(statSync(join(dir, FINGERPRINT_FILE)).isDirectory()).toBe(true);
    // removed as the hint says, the next check keeps the fingerprint, and then meets the digests' directory
    rmSync(join(dir, FINGERPRINT_FILE), { recursive: true });
    const digests = check(dir);
    expect(digests.out).toContain(
      `warning: writing ${DIGESTS_FILE}: it is a directory, not a file; without the digests kept between commands, every command reads all of dist/ and the project's files again (slower) until it is gone\n  hint: move or rename the directory, or remove it (rm -r ${DIGESTS_FILE}), then run the command again\n`,
    );
    expect(digests.out).not.toContain(`writing ${FINGERPRINT_FILE}`);
    expect(statSync(join(dir, FINGERPRINT_FILE)).isFile()).toBe(true);
    rmSync(join(dir, DIGESTS_FILE), { recursive: true });
    rmSync(join(dir, FINGERPRINT_FILE));
    expect(check(dir).out).not.toContain('warning: writing');
    expect(statSync(join(dir, DIGESTS_FILE)).isFile()).toBe(true);
    expect(check(dir).out).toBe('dist/ is current: 1 stage, 8 files\n');
  });

  it('a directory in the place of the digests is said by a check or synth that answers from the fingerprint, without compiling', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, DIGESTS_FILE), { force: true });
    mkdirSync(join(dir, DIGESTS_FILE));
    // read (a file too recent to keep: nothing to write), or written (digests to keep): one line either way
    const said = (doing: string) =>
      `warning: ${doing} ${DIGESTS_FILE}: it is a directory, not a file; without the digests kept between commands, every command reads all of dist/ and the project's files again (slower) until it is gone\n  hint: move or rename the directory, or remove it (rm -r ${DIGESTS_FILE}), then run the command again\n`;
    const checked = check(dir);
    expect([`dist/ is current: 1 stage, 8 files\n${said('reading')}`, `dist/ is current: 1 stage, 8 files\n${said('writing')}`]).toContain(
      checked.out,
    );
    const synth = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), 'synth'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(synth.status).toBe(0);
    expect(synth.stdout).toContain('(unchanged)');
    expect(synth.stderr.match(/^warning: .*$/gm)?.filter((l) => l.includes('digests.json'))).toHaveLength(1);
    expect(synth.stderr.endsWith(said('reading')) || synth.stderr.endsWith(said('writing'))).toBe(true);
  });

  it('a FIFO in the place of the digests that a check replaces is not said to stand there still', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, DIGESTS_FILE), { force: true });
    expect(spawnSync('mkfifo', [join(dir, DIGESTS_FILE)]).status).toBe(0);
    const r = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), 'check', '--no-cache'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(0);
    expect(statSync(join(dir, DIGESTS_FILE)).isFile()).toBe(true);
    expect(r.stderr).not.toContain(DIGESTS_FILE);
  });

  it('a FIFO in the place of the fingerprint is said by a command that leaves it there (a synth of one stage), and replaced by one that records', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, FINGERPRINT_FILE), { force: true });
    expect(spawnSync('mkfifo', [join(dir, FINGERPRINT_FILE)]).status).toBe(0);
    const one = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), 'synth', '--stage', 'lab'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(one.status).toBe(0);
    expect(one.stderr).toContain(
      `warning: reading ${FINGERPRINT_FILE}: it is a FIFO (named pipe), not a regular file; without the record of the last synthesis, every synth and check compiles in full (the same output, slower) until it is gone\n  hint: remove it (rm ${FINGERPRINT_FILE}); stagecraft keeps only regular files there\n`,
    );
    const checked = check(dir);
    expect(checked).toMatchObject({ code: 0 });
    expect(checked.out).not.toContain('warning: reading');
    expect(statSync(join(dir, FINGERPRINT_FILE)).isFile()).toBe(true);
  });

  it('are taken of large files a MiB at a time, equal to the digest of the whole file', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    // 3.5 MiB: three whole reads and a part (a file over 2 GiB, too slow for this suite, was hashed the same way by hand)
    const bytes = randomBytes(3.5 * 1024 * 1024);
    writeFileSync(join(dir, 'data.bin'), bytes);
    expect(projectDigests(dir)['data.bin']).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
