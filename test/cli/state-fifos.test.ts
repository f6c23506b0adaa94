/**
 * A FIFO where stagecraft reads a file never stalls a command: the project file and a CRD of
 * `crds/` are inputs, refused with their path like a stage file; a file stagecraft keeps in
 * `.stagecraft/` (a render-cache pack, the journal, the lock) is opened without blocking and
 * refused when it is no regular file (lib/synth/disk.ts, `openRegularFile`). The fingerprint and
 * the kept digests are covered in test/cli/kept-digests.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDER_CACHE_DIR } from '../../lib/cli/render-cache.js';
import { LOCK_FILE } from '../../lib/cli/lock.js';
import { JOURNAL_FILE } from '../../lib/synth/journal.js';
import { SCHEMA_FILE } from '../../lib/cli/project.js';
import { REPO, repoStage, tempProject } from '../helpers/cli.js';

/** `npm run <command>` in `dir` as a new process; one that hangs is killed (status null) and fails the test. */
function run(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, err: r.stderr };
}

function fifo(path: string): void {
  rmSync(path, { force: true });
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
}

function synthesized(): string {
  const dir = tempProject({ lab: repoStage('lab') });
  expect(run(dir, ['synth']).code).toBe(0);
  return dir;
}

describe('a FIFO in .stagecraft/', () => {
  it('as a render-cache pack is passed over: synth renders again and succeeds', () => {
    const dir = synthesized();
    const packs = readdirSync(join(dir, RENDER_CACHE_DIR)).filter((f) => f.endsWith('.pack'));
    expect(packs.length).toBeGreaterThan(0);
    for (const p of packs) fifo(join(dir, RENDER_CACHE_DIR, p));
    rmSync(join(dir, '.stagecraft', 'fingerprint.json'));
    expect(run(dir, ['synth'])).toMatchObject({ code: 0 });
  });

  it('as the journal is refused with a message naming it and saying it is a FIFO', () => {
    const dir = synthesized();
    fifo(join(dir, JOURNAL_FILE));
    const r = run(dir, ['synth']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `error: reading ${JOURNAL_FILE}: it is a FIFO (named pipe), not a regular file\n  hint: remove it (rm ${JOURNAL_FILE}); stagecraft keeps only regular files there\n`,
    );
  });

  it('as the journal, or a directory there, is refused by every command as a file it reads, saying what stands there and how to remove it', () => {
    const dir = synthesized();
    mkdirSync(join(dir, JOURNAL_FILE));
    const r = run(dir, ['check']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `error: reading ${JOURNAL_FILE}: it is a directory, not a file\n  hint: move or rename the directory, or remove it (rm -r ${JOURNAL_FILE}), then run the command again\n`,
    );
  });

  it('as the lock (or a directory there) is refused at once, with a message naming it', () => {
    const dir = synthesized();
    fifo(join(dir, LOCK_FILE));
    const r = run(dir, ['synth']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${LOCK_FILE} cannot be read as a lock`);
    rmSync(join(dir, LOCK_FILE));
    mkdirSync(join(dir, LOCK_FILE));
    expect(run(dir, ['synth'])).toMatchObject({ code: 1, err: expect.stringContaining(`${LOCK_FILE} cannot be read as a lock`) });
  });
});

describe('a FIFO as an input', () => {
  for (const file of ['stagecraft.yaml', 'crds/widgets.yaml']) {
    it(`(${file}) is refused with its path, as a stage file is`, () => {
      const dir = tempProject({ lab: repoStage('lab') });
      mkdirSync(join(dir, 'crds'), { recursive: true });
      fifo(join(dir, file));
      const r = run(dir, ['synth']);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${file} is a FIFO (named pipe), not a regular file`);
    });
  }
});

describe('a FIFO as the values file of npm run secrets', () => {
  it('is refused with its path', () => {
    const dir = tempProject({ dev: repoStage('dev') });
    mkdirSync(join(dir, '.secrets'));
    fifo(join(dir, '.secrets', 'dev.env'));
    const r = run(dir, ['secrets', 'dev']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('.secrets/dev.env is a FIFO (named pipe), not a regular file');
  });
});

describe('a FIFO in the place of a generated file', () => {
  it('as the schema file is out of date for check, and replaced by synth', () => {
    const dir = synthesized();
    fifo(join(dir, SCHEMA_FILE));
    const checked = run(dir, ['check']);
    expect(checked.code).toBe(1);
    expect(checked.err).toContain(`changed: ${SCHEMA_FILE}`);
    expect(run(dir, ['synth'])).toMatchObject({ code: 0 });
    expect(statSync(join(dir, SCHEMA_FILE)).isFile()).toBe(true);
    expect(run(dir, ['check'])).toMatchObject({ code: 0 });
  });

  it("as a stage's inventory is a foreign file in the way: refused with its path, nothing waited on", () => {
    const dir = synthesized();
    fifo(join(dir, 'dist', 'lab', 'inventory.txt'));
    rmSync(join(dir, '.stagecraft', 'fingerprint.json'));
    const r = run(dir, ['synth']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('dist/lab/inventory.txt was not written by stagecraft');
  });
});
