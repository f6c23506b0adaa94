/**
 * A full disk (ENOSPC thrown at each named write step of synth, in this process, as the crash tests
 * kill it there: test/helpers/crash.ts): dist/ is old or new, never mixed, once the next command has
 * run, and what the failed command says is true.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atStep } from '../../../lib/model/crash-point.cjs';
import { canMount, inMountNamespace, labElsewhere, repoStage, runCli, runProcess, snapshotDir, tempProject } from '../../helpers/cli.js';

/** Stage files and dist/: what users see (.stagecraft/ left out). */
const state = (dir: string) => Object.fromEntries(Object.entries(snapshotDir(dir)).filter(([p]) => !p.startsWith('.stagecraft/')));
const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
/** A page of tmpfs, in KiB: what each file of it takes at least. */
const PAGE = 4;
const errors = (stderr: string) => stderr.split('\n').filter((l) => l !== '' && !/warning/.test(l));

describe('a full disk at each write step of synth', () => {
  const base = tempProject({ lab: repoStage('lab'), zoo: labElsewhere() });
  expect(runCli('synth', [], base).code).toBe(0);
  writeFileSync(join(base, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
  const before = state(base);
  const copies: string[] = [];
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-enospc-'));
    cpSync(base, dir, { recursive: true });
    copies.push(dir);
    return dir;
  };
  const reference = copy();
  expect(runCli('synth', [], reference).code).toBe(0);
  const after = state(reference);
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs synth in a copy with the disk full at `step`; returns the copy and the result. */
  const fullAt = (step: string, args: readonly string[] = []) => {
    const dir = copy();
    let reached = false;
    const cancel = atStep(step, () => {
      reached = true;
      throw diskFull();
    });
    try {
      const r = runCli('synth', args, dir);
      expect(reached, step).toBe(true);
      return { dir, r };
    } finally {
      cancel();
    }
  };

  it.each(['staged-lab', 'staged'])('at %s, before the journal: nothing was written, and nothing is left to undo', (step) => {
    const { dir, r } = fullAt(step);
    expect(errors(r.stderr).at(-1)).toBe('1 problem; nothing was written.');
    expect(r.code).toBe(2);
    expect(state(dir)).toEqual(before);
    expect(existsSync(join(dir, 'dist', '.stagecraft-tx'))).toBe(false);
    expect(readdirSync(join(dir, 'environments')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(runCli('check', [], dir).stderr).not.toContain('recovered');
  });

  it('while the journal is written, nothing to spare (--no-cache): the problem names .stagecraft/journal.json, nothing was written, and no part of a journal is left', () => {
    const { dir, r } = fullAt('journal-flushed', ['--no-cache']);
    expect(errors(r.stderr)).toEqual([
      'error: writing .stagecraft/journal.json: it cannot be written: the disk is full (no space or no inodes left on its file system)',
      '  hint: free some space on that file system (df -h shows it, df -i the inodes) and run again',
      '1 problem; nothing was written.',
    ]);
    expect(r.code).toBe(2);
    expect(state(dir)).toEqual(before);
    expect(readdirSync(join(dir, '.stagecraft')).filter((f) => f.startsWith('journal'))).toEqual([]);
    expect(runCli('check', [], dir).stderr).not.toContain('recovered');
  });

  it("while the journal is written, the render cache's new pack staged: the pack is given up, saying so, and the journal written again", () => {
    const { dir, r } = fullAt('journal-flushed');
    expect(r.stderr).toContain(
      'warning: the render cache .stagecraft/cache/render/ cannot be written (ENOSPC: no space left on device), so this command stores nothing in it; the next command that can write the project fills it\n',
    );
    expect(errors(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    expect(state(dir)).toEqual(after);
    expect(readdirSync(join(dir, '.stagecraft', 'cache', 'render')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it.each(['journal', 'rename-1', 'rename-2'])(
    'at %s, once the journal is written: the failure says the change is half done, and the next command completes it',
    (step) => {
      const { dir, r } = fullAt(step);
      expect(errors(r.stderr).at(-1)).toBe(
        '1 problem; part of the change (the next command completes it from .stagecraft/journal.json) was written before it (its files stand).',
      );
      expect(r.code).toBe(2);
      const next = runCli('check', [], dir);
      expect(next.stderr).toContain("recovered: 'npm run synth'");
      expect(next.code).toBe(0);
      expect(state(dir)).toEqual(after);
    },
  );

  it.each(['cache-entries', 'cache-sealed', 'cache-renamed', 'fingerprint-staged', 'digests-staged'])(
    'at %s, a cache or state file: the command succeeds as without it, and dist/ is the new one',
    (step) => {
      const { dir, r } = fullAt(step);
      expect(errors(r.stderr)).toEqual([]);
      expect(r.code).toBe(0);
      expect(state(dir)).toEqual(after);
      expect(runCli('check', [], dir).code).toBe(0);
    },
  );
});

/**
 * Where this process may not mount (a container without CAP_SYS_ADMIN, as CI may be; STAGECRAFT_TEST_NO_MOUNT=1 here), the
 * full disk is injected where the render cache seals its pack (`cache-entries`), in this process: the cache's refusal with
 * STAGECRAFT_WORKERS=0 (a worker thread is out of the injection's reach). The journal's full disk is injected above, and
 * a staged file's or link's in full-disk-staging.test.ts, on every machine. The describe's name says which path ran.
 */
describe(`a full disk, ${canMount ? 'for real: .stagecraft/ on a small tmpfs of its own (a mount namespace of its own)' : "injected where the render cache seals a pack (no mount namespace here, so no tmpfs of this test's own)"}`, () => {
  const projects: string[] = [];
  afterAll(() => {
    for (const dir of projects) rmSync(dir, { recursive: true, force: true });
  });
  /** A synthesized project whose lab stage then changed, with no .stagecraft/ (a cold cache: every app's entry is written), and what synth makes of it. */
  const changed = () => {
    const dir = tempProject({ lab: repoStage('lab'), zoo: labElsewhere() });
    projects.push(dir);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    rmSync(join(dir, '.stagecraft'), { recursive: true, force: true });
    const reference = mkdtempSync(join(tmpdir(), 'stagecraft-enospc-'));
    projects.push(reference);
    cpSync(dir, reference, { recursive: true });
    expect(runProcess('synth', [], reference, { STAGECRAFT_WORKERS: '0' }).status).toBe(0);
    mkdirSync(join(dir, '.stagecraft'));
    return { dir, reference };
  };
  /** npm run synth in `dir` with .stagecraft/ a tmpfs of `pages` pages, and what its render cache holds then (nothing, ls says). */
  const synthOnFullDisk = (dir: string, pages: number, workers: string) =>
    inMountNamespace(
      `mount -t tmpfs -o size=${pages * PAGE}k tmpfs .stagecraft && "$0" "$1" synth; echo "exit $?"; ls -A .stagecraft/cache/render 2>/dev/null`,
      { cwd: dir, env: { STAGECRAFT_WORKERS: workers } },
    );
  const cacheWarning =
    'warning: the render cache .stagecraft/cache/render/ cannot be written (ENOSPC: no space left on device), so this command stores nothing in it; the next command that can write the project fills it\n';

  if (!canMount) {
    it('the render cache refused a pack (STAGECRAFT_WORKERS=0): synth succeeds without the cache, saying so, its unfinished pack removed', () => {
      const { dir, reference } = changed();
      const cache = join(dir, '.stagecraft', 'cache', 'render');
      let reached = false;
      const cancel = atStep('cache-entries', () => {
        reached = true;
        throw diskFull();
      });
      let r: ReturnType<typeof runCli>;
      try {
        r = runCli('synth', [], dir, { STAGECRAFT_WORKERS: '0' });
      } finally {
        cancel();
      }
      expect(reached).toBe(true);
      expect(r.stderr).toContain(cacheWarning);
      expect(errors(r.stderr)).toEqual([]);
      expect(r.code).toBe(0);
      expect(state(dir)).toEqual(state(reference));
      expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
    });
    return;
  }

  it.each(['0', '1'])(
    'the render cache refused a pack (STAGECRAFT_WORKERS=%s): synth succeeds without the cache, saying so, its unfinished pack removed',
    (workers) => {
      const { dir, reference } = changed();
      // the lock and the journal take a page each; the cache's first pack needs more than the other two
      const r = synthOnFullDisk(dir, 4, workers);
      expect(r.stderr).toContain(cacheWarning);
      expect(errors(r.stderr)).toEqual([]);
      expect(r.stdout).toMatch(/\nexit 0\n$/);
      expect(state(dir)).toEqual(state(reference));
    },
  );

  it('dist/ out of inodes (a tmpfs counts each hard link as one): refused naming the file and both limits, dist/ untouched, nothing left behind', () => {
    const { dir } = changed();
    renameSync(join(dir, 'dist'), join(dir, 'dist.old'));
    mkdirSync(join(dir, 'dist'));
    // two inodes left once the old output is in: fewer than the staged stage directory and its links take
    const r = inMountNamespace(
      'mount -t tmpfs -o nr_inodes=1000 tmpfs dist && cp -a dist.old/. dist/ && ' +
        'n=0; while touch dist/.f$n 2>/dev/null; do n=$((n+1)); done; rm dist/.f0 dist/.f1; ' +
        '"$0" "$1" synth; echo "exit $?"; rm dist/.f*; diff -r dist.old dist && echo "dist/ as it was"; ls -A .stagecraft',
      { cwd: dir },
    );
    expect(errors(r.stderr).slice(1)).toEqual([
      '  hint: free some space on that file system (df -h shows it, df -i the inodes) and run again',
      '1 problem; nothing was written.',
    ]);
    expect(errors(r.stderr)[0]).toMatch(
      /^error: writing dist(\/lab\/[^:]+)?: it cannot be written: the disk is full \(no space or no inodes left on its file system\)$/,
    );
    expect(r.stdout).toBe('exit 2\ndist/ as it was\ncache\n');
  });

  it('the render cache took the last pages the journal needed: synth succeeds without the cache, saying so', () => {
    const { dir, reference } = changed();
    // the lock's page and the pages of the packs a cold synth writes: all of them fit, the journal then does not
    const packs = readdirSync(join(reference, '.stagecraft', 'cache', 'render')).filter((f) => f.endsWith('.pack'));
    const pages = packs.reduce(
      (n, f) => n + Math.ceil(statSync(join(reference, '.stagecraft', 'cache', 'render', f)).size / (PAGE * 1024)),
      1,
    );
    const r = synthOnFullDisk(dir, pages, '0');
    expect(r.stderr).toContain(cacheWarning);
    expect(errors(r.stderr)).toEqual([]);
    expect(r.stdout).toMatch(/\nexit 0\n$/);
    expect(state(dir)).toEqual(state(reference));
  });
});
