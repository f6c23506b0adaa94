/** File-system errors as problems (lib/fs-problems.ts), and as the commands print them. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsProblem, isFsError } from '../lib/fs-problems.js';
import { fixtureProject, repoStage, runCli, snapshotDir } from './helpers/cli.js';

describe("Node.js's rm of a directory it was not asked to remove recursively (ERR_FS_EISDIR)", () => {
  it('is a file-system error, and its problem says a directory is there and how to remove it, whatever file was expected', () => {
    const dir = fixtureProject([]);
    let thrown: unknown;
    try {
      rmSync(join(dir, 'environments'), { force: true });
    } catch (e) {
      thrown = e;
    }
    expect(isFsError(thrown)).toBe(true);
    expect(fsProblem(thrown as NodeJS.ErrnoException & { code: string }, 'environments', 'writing')).toMatchObject({
      code: 'fs/eisdir',
      message: 'writing environments: it is a directory, not a file',
      hint: 'move or rename the directory, or remove it (rm -r environments), then run the command again',
    });
  });
});

describe('the rm a hint gives', () => {
  it('names a path that holds a space or a quote as a shell reads it back', () => {
    const e = (code: string) => Object.assign(new Error(code), { code });
    expect(fsProblem(e('EISDIR'), "dist/qa/my team's notes", 'writing').hint).toBe(
      "move or rename the directory, or remove it (rm -r 'dist/qa/my team'\\''s notes'), then run the command again",
    );
    expect(fsProblem(e('EFTYPE'), '.stagecraft/my lock', 'reading').hint).toBe(
      "remove it (rm '.stagecraft/my lock'); stagecraft keeps only regular files there",
    );
  });

  it('is given for the path itself, never for the shortened or escaped text a message names it by: else the hint says it in words', () => {
    const e = (code: string) => Object.assign(new Error(code), { code });
    const long = `/${'a'.repeat(150)}/${'z'.repeat(194)}`;
    const eisdir = fsProblem(e('EISDIR'), long, 'writing');
    expect(eisdir.message).toContain('characters)');
    expect(eisdir.hint).toBe('move, rename or remove the directory, then run the command again');
    expect(fsProblem(e('EFTYPE'), '/tmp/a\nb', 'reading').hint).toBe('remove it; stagecraft keeps only regular files there');
    // a path a message shortens is not the one the hint's rm names: shown whole where it fits
    const fits = `/${'a'.repeat(190)} b`;
    expect(fsProblem(e('EISDIR'), fits, 'writing', (p) => `${p}/x`).hint).toBe(
      `move or rename the directory, or remove it (rm -r '${fits}/x'), then run the command again`,
    );
  });
});

describe('a directory made where a file stands', () => {
  it('names the file in the way, whichever part of the path it is', () => {
    const dir = fixtureProject([]);
    writeFileSync(join(dir, 'state'), 'x');
    const eexist = Object.assign(new Error('EEXIST'), { code: 'EEXIST', syscall: 'mkdir' });
    expect(fsProblem(eexist, join(dir, 'state'), 'writing')).toMatchObject({
      message: `writing ${join(dir, 'state')}: ${join(dir, 'state')} is a file, where a directory must be`,
      hint: `move or rename the file ${join(dir, 'state')}, then run the command again`,
    });
    const enotdir = Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR', syscall: 'mkdir' });
    expect(fsProblem(enotdir, join(dir, 'state', 'cache'), 'writing').message).toContain(
      `${join(dir, 'state')} is a file, where a directory must be`,
    );
  });

  it('.stagecraft as a file: synth says so from the project directory (not "it already exists"), and writes nothing', () => {
    const dir = fixtureProject(['lab']);
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, '.stagecraft'), { recursive: true });
    writeFileSync(join(dir, '.stagecraft'), 'notes\n');
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
    const before = snapshotDir(dir);
    const r = runCli('synth', [], dir);
    expect(r.stderr).toBe(
      'error: writing .stagecraft: .stagecraft is a file, where a directory must be\n' +
        '  hint: move or rename the file .stagecraft, then run the command again\n' +
        '1 problem; nothing was written.\n',
    );
    expect(r.code).toBe(2);
    expect(snapshotDir(dir)).toEqual(before);
    // check, which keeps nothing it cannot write, names it once as what to move away: one cause, one warning (not
    // one for the render cache and one for each state file)
    const check = runCli('check', [], dir);
    expect(check.stderr.split('\n').filter((l) => l.includes('.stagecraft'))).toEqual([
      'warning: .stagecraft is a file, where a directory must be; without the record of the last synthesis, the digests kept between commands and the render cache, every synth and check compiles in full (the same output, slower) until it is gone',
      '  hint: move or rename the file .stagecraft (the next command makes the directory again), then run the command again',
    ]);
    const diff = runCli('diff', ['lab'], dir);
    expect(diff.stderr.split('\n').filter((l) => l.includes('.stagecraft'))).toHaveLength(2);
  });
});
