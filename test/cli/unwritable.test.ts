/**
 * Commands where the file system refuses writes: a node_modules/.cache/stagecraft/ and a project
 * that user nobody cannot write (through setpriv, as root: skipped otherwise), and a file size
 * limit (`ulimit -f`). What is kept between commands (bundles, the fingerprint, the digests, the
 * render cache) is best effort: the command answers as it would, and never runs a stale bundle.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type Command } from '../../lib/cli/main.js';
import { noteWritten } from '../../lib/cli/print.js';
import {
  REPO,
  RUN_SCRIPT,
  canMount,
  compilerCopy,
  inMountNamespace,
  listFiles,
  repoStage,
  snapshotDir,
  tempProject,
} from '../helpers/cli.js';

const NOBODY = 65534;
/**
 * Root, with setpriv, in a checkout whose installed packages user nobody can read (the project
 * copies link to them): not so in a copy below a directory only its owner may enter, as the CI's
 * adoption check makes one.
 */
const asRoot =
  process.getuid?.() === 0 &&
  spawnSync('setpriv', ['--version']).status === 0 &&
  spawnSync('setpriv', [
    `--reuid=${NOBODY}`,
    `--regid=${NOBODY}`,
    '--clear-groups',
    'test',
    '-r',
    join(REPO, 'node_modules', 'esbuild', 'package.json'),
  ]).status === 0;

/** `node <project>/lib/cli/run.cjs <args>` in `dir` as user nobody, with `tmp` as its TMPDIR. */
function asNobody(dir: string, args: readonly string[], tmp: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(
    'setpriv',
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      'env',
      'HOME=/tmp',
      `TMPDIR=${tmp}`,
      process.execPath,
      join(dir, 'lib', 'cli', 'run.cjs'),
      ...args,
    ],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } },
  );
}

/** `node <project>/lib/cli/run.cjs <args>` in `dir`, as this user. */
const run = (dir: string, args: readonly string[]) =>
  spawnSync(process.execPath, [join(dir, 'lib', 'cli', 'run.cjs'), ...args], { cwd: dir, encoding: 'utf8' });

/** Sets the owner of `path` and of everything below it (symbolic links left alone). */
function chownTree(path: string, uid: number): void {
  chownSync(path, uid, uid);
  if (!statSync(path).isDirectory()) return;
  for (const e of readdirSync(path, { withFileTypes: true })) if (!e.isSymbolicLink()) chownTree(join(path, e.name), uid);
}

/** Makes `path` and everything below it (node_modules left alone) read-only, or writable again, for its owner. */
function setWritable(path: string, writable: boolean): void {
  const st = statSync(path);
  chmodSync(path, writable ? st.mode | 0o200 : st.mode & ~0o222);
  if (!st.isDirectory()) return;
  for (const e of readdirSync(path, { withFileTypes: true }))
    if (!e.isSymbolicLink() && e.name !== 'node_modules') setWritable(join(path, e.name), writable);
}

describe.skipIf(!asRoot)('as a user who cannot write node_modules/.cache/stagecraft/ or the project', () => {
  let base: string;
  let project: string;
  let tmp: string;
  const cache = () => join(project, 'node_modules', '.cache', 'stagecraft');
  /** Root builds the bundles again (after a test changed a source), so that the next commands start as usual. */
  const rebuild = () => {
    for (const args of [
      ['synth', '--help'],
      ['check', '--help'],
    ])
      expect(run(project, args).status).toBe(0);
  };

  beforeAll(() => {
    // not below the tests' own temporary directory, which only its owner may enter
    base = mkdtempSync(join('/tmp', 'stagecraft-unwritable-'));
    chmodSync(base, 0o755);
    tmp = join(base, 'tmp');
    mkdirSync(tmp);
    chmodSync(tmp, 0o1777);
    project = compilerCopy(join(base, 'project'), { lab: repoStage('lab') });
    // root builds the bundles and the first output; nobody owns the project but node_modules
    expect(run(project, ['synth']).status).toBe(0);
    rebuild();
    chownTree(project, NOBODY);
    chownTree(join(project, 'node_modules'), 0);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('a source changed since the bundle was built: the command runs from a bundle built for it alone, never the stale one', () => {
    const file = join(project, 'lib', 'cli', 'synth.ts');
    const text = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, text.replace('Usage: npm run synth', 'Usage (edited): npm run synth'));
      const before = listFiles(cache());
      const help = asNobody(project, ['synth', '--help'], tmp);
      expect(help.stderr).toBe('');
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^Usage \(edited\): npm run synth/);
      // a synthesis, its stages compiled in worker threads that load the same private bundle
      writeFileSync(join(project, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 2'));
      const synth = asNobody(project, ['synth', '--no-cache'], tmp, { STAGECRAFT_WORKERS: '2' });
      expect(synth.stderr).not.toContain('error');
      expect(synth.status).toBe(0);
      expect(readFileSync(join(project, 'dist', 'lab', '10-nginx.yaml'), 'utf8')).toContain('replicas: 2');
      expect(listFiles(cache())).toEqual(before);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      writeFileSync(file, text);
      rebuild();
    }
  });

  it('neither the cache nor a temporary directory can be written: one problem, exit 2', () => {
    // a source newer than the bundle, and a TMPDIR that does not exist
    writeFileSync(join(project, 'lib', 'errors.ts'), readFileSync(join(project, 'lib', 'errors.ts')));
    const r = asNobody(project, ['check'], join(base, 'missing'));
    rebuild();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^node_modules\/\.cache\/stagecraft\/: error: the command's bundle is out of date and cannot be built: neither node_modules\/\.cache\/stagecraft\/ nor a temporary directory in .* can be written \(ENOENT: .*\)\n {2}hint: .*set TMPDIR to a writable directory, then run again\n$/,
    );
  });

  it('npm run check in a read-only project whose dist/ is current: current, exit 0, nothing kept', () => {
    for (const withState of [true, false]) {
      setWritable(project, true);
      expect(asNobody(project, ['synth'], tmp).status).toBe(0);
      if (withState) rmSync(join(project, '.stagecraft', 'fingerprint.json'), { force: true });
      else rmSync(join(project, '.stagecraft'), { recursive: true, force: true });
      setWritable(project, false);
      const before = listFiles(project).filter((f) => !f.startsWith('node_modules/'));
      const r = asNobody(project, ['check'], tmp);
      expect(r.stderr).not.toContain('error');
      expect(r.stderr).not.toContain('remove .stagecraft/cache');
      expect(r.stdout).toMatch(/^dist\/ is current: /);
      expect(r.status).toBe(0);
      expect(listFiles(project).filter((f) => !f.startsWith('node_modules/'))).toEqual(before);
    }
    setWritable(project, true);
  });

  it('a read-only stage directory is refused before the journal: nothing moves, and the next command has nothing to complete', () => {
    const dist = join(project, 'dist', 'lab');
    chmodSync(dist, statSync(dist).mode & ~0o222);
    try {
      writeFileSync(join(project, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
      const before = listFiles(join(project, 'dist'));
      const r = asNobody(project, ['synth'], tmp);
      expect(r.stderr).toContain(
        "error: dist/lab is not writable by this user, and the write moves it aside to replace it, which a directory allows only when it is writable (its '..' entry changes)\n" +
          '  hint: make it writable (chmod u+w dist/lab) or run the command as its owner, then run the command again\n',
      );
      expect(r.stderr).toContain('1 problem; nothing was written.');
      expect(r.status).toBe(2);
      expect(existsSync(join(project, '.stagecraft', 'journal.json'))).toBe(false);
      expect(listFiles(join(project, 'dist'))).toEqual(before);
    } finally {
      chmodSync(dist, statSync(dist).mode | 0o200);
    }
    const again = asNobody(project, ['synth'], tmp);
    expect(again.stderr).not.toContain('recovered');
    expect(again.status).toBe(0);
    expect(readFileSync(join(dist, '10-nginx.yaml'), 'utf8')).toContain('replicas: 4');
  });

  it('a read-only environments/ where a write replaces a file (the schema) is named as the directory at fault, with every other such directory, before anything is written', () => {
    const environments = join(project, 'environments');
    const schema = join(environments, 'stage.schema.json');
    const dist = join(project, 'dist', 'lab');
    writeFileSync(schema, '{}\n');
    chownSync(schema, NOBODY, NOBODY);
    writeFileSync(join(environments, 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 6'));
    chmodSync(environments, statSync(environments).mode & ~0o222);
    chmodSync(dist, statSync(dist).mode & ~0o222);
    try {
      const r = asNobody(project, ['synth'], tmp);
      // one look at every rename the write makes, the project files' and the stage directories'
      expect(r.stderr).toContain(
        "error: dist/lab is not writable by this user, and the write moves it aside to replace it, which a directory allows only when it is writable (its '..' entry changes)\n" +
          '  hint: make it writable (chmod u+w dist/lab) or run the command as its owner, then run the command again\n' +
          'error: environments is not writable by this user, and the write creates environments/.stage.schema.json.stagecraft-tmp in it and renames it onto environments/stage.schema.json\n' +
          '  hint: make it writable (chmod u+w environments) or run the command as its owner, then run the command again\n' +
          '2 problems; nothing was written.\n',
      );
      expect(r.status).toBe(2);
      expect(readFileSync(schema, 'utf8')).toBe('{}\n');
      expect(existsSync(join(project, '.stagecraft', 'journal.json'))).toBe(false);
    } finally {
      chmodSync(environments, statSync(environments).mode | 0o200);
      chmodSync(dist, statSync(dist).mode | 0o200);
    }
    expect(asNobody(project, ['synth'], tmp).status).toBe(0);
    expect(readFileSync(join(dist, '10-nginx.yaml'), 'utf8')).toContain('replicas: 6');
  });

  it("a project file of another user's that a write replaces (in a directory it may write) becomes this user's, with its permissions kept: chown's EPERM is no failure", () => {
    // the schema, rewritten by synth as promote rewrites a stage file; uid 1234 and its group are not nobody's
    const schema = join(project, 'environments', 'stage.schema.json');
    writeFileSync(schema, '{}\n');
    chownSync(schema, 1234, 1234);
    chmodSync(schema, 0o666);
    const r = asNobody(project, ['synth', 'lab'], tmp);
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(readFileSync(schema, 'utf8')).not.toBe('{}\n');
    expect(statSync(schema)).toMatchObject({ uid: NOBODY, gid: NOBODY });
    expect(statSync(schema).mode & 0o7777).toBe(0o666);
    expect(readdirSync(join(project, 'environments')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('a lock that cannot be created is reported as written, not read', () => {
    mkdirSync(join(project, '.stagecraft'), { recursive: true });
    chownSync(join(project, '.stagecraft'), NOBODY, NOBODY);
    setWritable(join(project, '.stagecraft'), false);
    try {
      writeFileSync(join(project, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
      const r = asNobody(project, ['synth', 'lab'], tmp);
      expect(r.stderr).toMatch(/^error: writing \.stagecraft\/lock[^:]*: it is not accessible \(permission denied\)\n/);
      expect(r.stderr).toContain('1 problem; nothing was written.');
      expect(r.status).toBe(2);
    } finally {
      setWritable(join(project, '.stagecraft'), true);
    }
  });
});

describe.skipIf(!canMount)('on a read-only file system (a bind mount remounted read-only, in a mount namespace of its own)', () => {
  /** `npm run synth` in `dir` with its directory `readOnly` mounted read-only (`env` added to the environment). */
  const synthWithReadOnly = (dir: string, readOnly: string, env: Record<string, string> = {}) =>
    inMountNamespace(`mount --bind ${readOnly} ${readOnly} && mount -o remount,bind,ro ${readOnly} && exec "$0" "$1" synth`, {
      cwd: dir,
      env,
    });

  it('a write into environments/ is refused as the file system refuses it, not as a permission this user lacks (which even root would then be told to chmod)', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    const schema = join(dir, 'environments', 'stage.schema.json');
    writeFileSync(schema, '{}\n');
    const r = synthWithReadOnly(dir, 'environments');
    expect(r.stderr).toBe(
      'error: writing environments: it is on a read-only file system\n  hint: run where the project can be written\n1 problem; nothing was written.\n',
    );
    expect(r.status).toBe(2);
    expect(readFileSync(schema, 'utf8')).toBe('{}\n');
    expect(existsSync(join(dir, '.stagecraft', 'journal.json'))).toBe(false);
  });

  it.each([
    ['by this thread', '0'],
    ['by a worker', '1'],
  ])(
    'a stage staged %s into a read-only dist/ is refused as the file system refuses it, not as a directory that does not exist',
    (_, workers) => {
      const dir = tempProject({ lab: repoStage('lab') });
      expect(spawnSync(process.execPath, [RUN_SCRIPT, 'synth'], { cwd: dir }).status).toBe(0);
      const before = snapshotDir(join(dir, 'dist'));
      writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
      const r = synthWithReadOnly(dir, 'dist', { STAGECRAFT_WORKERS: workers });
      // after the stage's warnings
      expect(r.stderr.slice(r.stderr.indexOf('error: '))).toBe(
        'error: writing dist: it is on a read-only file system\n  hint: run where the project can be written\n1 problem; nothing was written.\n',
      );
      expect(r.status).toBe(2);
      expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
      expect(existsSync(join(dir, '.stagecraft', 'journal.json'))).toBe(false);
    },
  );
});

describe('under a file size limit that the fingerprint exceeds (ulimit -f)', () => {
  /** The command in `dir` under a file size limit of `kib` KiB. */
  const limited = (dir: string, kib: number, command: string) =>
    spawnSync('bash', ['-c', `ulimit -f ${kib} && exec "${process.execPath}" "${RUN_SCRIPT}" ${command}`], {
      cwd: dir,
      encoding: 'utf8',
    });

  /** A synthesized project, and a limit that its stage's files fit in, but not its fingerprint. */
  function project(): { dir: string; kib: number } {
    const dir = tempProject({ lab: repoStage('lab') });
    // the bundles built without the limit
    expect(spawnSync(process.execPath, [RUN_SCRIPT, 'synth'], { cwd: dir }).status).toBe(0);
    const largest = Math.max(...listFiles(join(dir, 'dist')).map((f) => statSync(join(dir, 'dist', f)).size));
    const kib = Math.ceil(largest / 1024) + 1;
    const fingerprint = join(dir, '.stagecraft', 'fingerprint.json');
    expect(statSync(fingerprint).size).toBeGreaterThan(kib * 1024);
    return { dir, kib };
  }

  it('npm run synth that replaced dist/ succeeds: the fingerprint is not kept, and no temporary file is left', () => {
    const { dir, kib } = project();
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
    const r = limited(dir, kib, 'synth --no-cache');
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^lab: .*\(0 added, 1 changed, 0 removed\)\n/);
    expect(readFileSync(join(dir, 'dist', 'lab', '10-nginx.yaml'), 'utf8')).toContain('replicas: 4');
    expect(readdirSync(join(dir, '.stagecraft')).filter((f) => f.includes('tmp'))).toEqual([]);
    expect(existsSync(join(dir, '.stagecraft', 'fingerprint.json'))).toBe(false);
    const check = spawnSync(process.execPath, [RUN_SCRIPT, 'check'], { cwd: dir, encoding: 'utf8' });
    expect(check.stdout).toMatch(/^dist\/ is current: /);
  });

  it('npm run check without a fingerprint: current, exit 0', () => {
    const { dir, kib } = project();
    rmSync(join(dir, '.stagecraft'), { recursive: true, force: true });
    const r = limited(dir, kib, 'check');
    expect(r.stderr).not.toContain('error');
    expect(r.stdout).toMatch(/^dist\/ is current: /);
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, '.stagecraft')).filter((f) => f.includes('tmp'))).toEqual([]);
  });
});

describe('a command that fails after it wrote dist/', () => {
  /** A command that notes dist/ written, then fails as a write(2) refused by a file size limit does (no path). */
  const failing: Command<Record<string, never>> = {
    name: 'synth',
    usage: 'Usage: npm run synth\n',
    options: {},
    run() {
      noteWritten('dist/');
      throw Object.assign(new Error('EFBIG: file too large, write'), { code: 'EFBIG', syscall: 'write', errno: -27 });
    },
  };

  it('says that dist/ stands, not that nothing was written; the next command starts with nothing written', () => {
    let stderr = '';
    const io = { cwd: REPO, env: {}, stdout: { write: () => {} }, stderr: { write: (t: string) => void (stderr += t) } };
    expect(main(failing, [], io)).toBe(2);
    expect(stderr).toBe(
      'error: writing a file: it cannot be written: it would be larger than the file size limit (ulimit -f) or the file system allows\n' +
        '  hint: raise the file size limit (ulimit -f) and run again\n' +
        '1 problem; dist/ was written before it (its files stand).\n',
    );
    stderr = '';
    // refused before it runs: this command wrote nothing
    expect(main(failing, ['--bad'], io)).toBe(2);
    expect(stderr).toMatch(/\n1 problem; nothing was written\.\n$/);
  });
});
