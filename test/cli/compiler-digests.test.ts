/**
 * Digests looked up by a file's stamp, and the compiler's kept beside its bundles
 * (lib/cli/fingerprint.ts, `compilerDigestsFile`): a project with no digests of its own (a new
 * clone, `.stagecraft/` deleted) takes the compiler's from there, and a file reached through a
 * link is the file it leads to. A poisoned digest shows that a kept one is used; a file whose
 * stamp changed is read again all the same.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGESTS_FILE, compilerDigestsFile, projectDigests } from '../../lib/cli/digests.js';
import { FINGERPRINT_FILE } from '../../lib/cli/fingerprint.js';
import { STATE_DIR } from '../../lib/synth/disk.js';
import { CRASH_ENV } from '../../lib/synth/write.js';
import { compilerCopy, repoStage } from '../helpers/cli.js';

type Kept = { format: number; files: Record<string, { stamp: string; digest: string }> };

const POISON = '0'.repeat(64);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const stampOf = (path: string) => {
  const st = lstatSync(path);
  return `${st.dev} ${st.ino} ${st.size} ${st.mtimeMs} ${st.ctimeMs}`;
};

let base: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'stagecraft-digests-'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('digests of files read', () => {
  it('are looked up by the stamp of the file, whichever path reached it', () => {
    const target = join(base, 'shared');
    mkdirSync(target);
    writeFileSync(join(target, 'stack.ts'), 'export {};\n');
    const project = join(base, 'linked');
    mkdirSync(join(project, STATE_DIR), { recursive: true });
    symlinkSync(target, join(project, 'lib'));
    // kept under the file's own path, looked up through the project's link to it
    const kept: Kept = { format: 3, files: { [join(target, 'stack.ts')]: { stamp: stampOf(join(target, 'stack.ts')), digest: POISON } } };
    writeFileSync(join(project, DIGESTS_FILE), JSON.stringify(kept));
    expect(projectDigests(project)['lib/stack.ts']).toBe(POISON);
  });
});

describe("the compiler's digests kept beside its bundles", () => {
  let project: string;
  /** `node lib/cli/run.cjs <command>` in the project, without NODE_OPTIONS, with `extra` in its environment. */
  const run = (command: string, extra: Record<string, string> = {}) => {
    const { NODE_OPTIONS: _, ...env } = process.env;
    const r = spawnSync(process.execPath, [join(project, 'lib', 'cli', 'run.cjs'), command], {
      cwd: project,
      encoding: 'utf8',
      env: { ...env, ...extra },
    });
    return { code: r.status, signal: r.signal, out: r.stdout + r.stderr };
  };
  const compilerKept = () => JSON.parse(readFileSync(compilerDigestsFile(project), 'utf8')) as Kept;
  const recordedCompiler = () =>
    (JSON.parse(readFileSync(join(project, FINGERPRINT_FILE), 'utf8')) as { compiler: Record<string, string> }).compiler;
  const source = 'lib/errors.ts';

  beforeAll(async () => {
    project = compilerCopy(join(base, 'project'), { lab: repoStage('lab') });
    // only files last changed more than 2 s before they are read are kept (the copy's change times are now)
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(run('synth')).toMatchObject({ code: 0 });
  });

  it("are kept by the first command that read them, the compiler's files only", () => {
    const kept = compilerKept();
    expect(kept.files[join(project, source)]?.digest).toBe(sha256(readFileSync(join(project, source))));
    expect(Object.keys(kept.files).some((p) => p.includes('/environments/'))).toBe(false);
    expect(Object.keys(kept.files).every((p) => p.startsWith(join(project, '/')))).toBe(true);
  });

  it('are used by a project with no digests of its own, and only for files whose stamp is the same', () => {
    const kept = compilerKept();
    kept.files[join(project, source)].digest = POISON;
    writeFileSync(compilerDigestsFile(project), JSON.stringify(kept));
    // the project's own state gone: the compiler's kept digests are believed (so they are used)
    rmSync(join(project, STATE_DIR), { recursive: true });
    expect(run('synth')).toMatchObject({ code: 0 });
    expect(recordedCompiler()[source]).toBe(POISON);
    // the source written again, its modification time put back: its change time moved, so it is read again
    const { atime, mtime } = statSync(join(project, source));
    writeFileSync(join(project, source), readFileSync(join(project, source)));
    utimesSync(join(project, source), atime, mtime);
    rmSync(join(project, STATE_DIR), { recursive: true });
    expect(run('synth')).toMatchObject({ code: 0 });
    expect(recordedCompiler()[source]).toBe(sha256(readFileSync(join(project, source))));
  });

  it('are kept whole or not at all: a synth killed before it renames them into place leaves them as they were', () => {
    // one source's digest missing (a source not read before): the next synth reads it, and keeps them again
    const other = join(project, 'lib/k8s.ts');
    const kept = compilerKept();
    delete kept.files[other];
    const partial = JSON.stringify(kept);
    writeFileSync(compilerDigestsFile(project), partial);
    rmSync(join(project, STATE_DIR), { recursive: true });
    expect(run('synth', { [CRASH_ENV]: 'compiler-digests-staged' }).signal).toBe('SIGKILL');
    expect(readFileSync(compilerDigestsFile(project), 'utf8')).toBe(partial);
    rmSync(join(project, STATE_DIR), { recursive: true });
    expect(run('synth')).toMatchObject({ code: 0 });
    expect(compilerKept().files[other]?.digest).toBe(sha256(readFileSync(other)));
  });

  it('are not kept where the installation cannot be written, and the synth succeeds all the same', () => {
    rmSync(compilerDigestsFile(project), { force: true });
    mkdirSync(compilerDigestsFile(project));
    rmSync(join(project, STATE_DIR), { recursive: true, force: true });
    expect(run('synth')).toMatchObject({ code: 0 });
    expect(recordedCompiler()[source]).toBe(sha256(readFileSync(join(project, source))));
    rmSync(compilerDigestsFile(project), { recursive: true });
  });

  it('are passed over when they are not digests', () => {
    for (const text of ['not json', '{"format":3,"files":{"x":{"stamp":1}}}', '[]', 'null']) {
      writeFileSync(compilerDigestsFile(project), text);
      rmSync(join(project, STATE_DIR), { recursive: true, force: true });
      expect(run('synth')).toMatchObject({ code: 0 });
      expect(recordedCompiler()[source]).toBe(sha256(readFileSync(join(project, source))));
    }
  });
});
