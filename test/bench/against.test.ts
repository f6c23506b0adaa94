/**
 * The release `npm run bench -- --against <ref>` measures beside this checkout (bench/against.ts):
 * a worktree of the commit, with the packages linked and a node_modules/.cache of its own, removed
 * afterwards. On a small repository of its own, so that the test needs no history of this one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutRelease } from '../../bench/against.js';

let repo: string;
const git = (...args: string[]) =>
  execFileSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { encoding: 'utf8' }).trim();

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'stagecraft-against-'));
  git('init', '-q');
  writeFileSync(join(repo, 'release.txt'), 'one\n');
  writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion":3}\n');
  git('add', '.');
  git('commit', '-q', '-m', 'one');
  git('tag', 'v1');
  writeFileSync(join(repo, 'release.txt'), 'two\n');
  git('commit', '-q', '-am', 'two');
  for (const dir of ['node_modules/pkg', 'node_modules/.cache/stagecraft']) mkdirSync(join(repo, dir), { recursive: true });
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('the release measured beside this checkout', () => {
  it("is a worktree of the commit, with this checkout's packages linked and a cache of its own, removed when done", () => {
    const release = checkoutRelease(repo, 'v1');
    try {
      expect(release.commit).toBe(git('rev-parse', 'v1'));
      expect(readFileSync(join(release.repo, 'release.txt'), 'utf8')).toBe('one\n');
      expect(readlinkSync(join(release.repo, 'node_modules', 'pkg'))).toBe(join(repo, 'node_modules', 'pkg'));
      expect(lstatSync(join(release.repo, 'node_modules')).isDirectory()).toBe(true);
      expect(existsSync(join(release.repo, 'node_modules', '.cache'))).toBe(false);
      expect(release.samePackages).toBe(true);
    } finally {
      release.dispose();
    }
    expect(existsSync(release.repo)).toBe(false);
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('says when its lockfile is not the one of this checkout', () => {
    writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
    const release = checkoutRelease(repo, 'HEAD~1');
    try {
      expect(release.samePackages).toBe(false);
    } finally {
      release.dispose();
      git('checkout', '-q', '--', 'package-lock.json');
    }
  });

  it('is refused, with nothing made, when the ref names no commit', () => {
    expect(() => checkoutRelease(repo, 'no-such-ref')).toThrow(/--against: 'no-such-ref' names no commit/);
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  });
});
