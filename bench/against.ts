/**
 * `npm run bench -- --against <git-ref>`: another release measured side by side with this one,
 * so that a run gives its figures with their ratios to the previous release (issue 19). The
 * release runs from a git worktree of the commit, whose node_modules has this checkout's packages
 * (an entry linked to each of ours) but a `.cache` of its own: its bundles, code caches and kept
 * validators are its own, as on a machine where only that release is installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Release {
  /** The ref as given (`HEAD~3`, a tag), for the rows' names. */
  readonly ref: string;
  /** The commit it named when the run started. */
  readonly commit: string;
  /** The worktree: a repository that the bench's projects link to, as they do to this one. */
  readonly repo: string;
  /** Whether the release's lockfile is this checkout's; otherwise it runs with other packages than it was made for. */
  readonly samePackages: boolean;
  /** Removes the worktree. */
  dispose(): void;
}

function git(repo: string, args: readonly string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * A worktree of the commit `ref` names in the git repository `repo`, in os.tmpdir(), ready to run.
 * @throws RangeError when `ref` names no commit there
 */
export function checkoutRelease(repo: string, ref: string): Release {
  let commit: string;
  try {
    commit = git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new RangeError(`--against: '${ref}' names no commit of the repository in ${repo}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-bench-release-'));
  const worktree = join(dir, 'repo');
  try {
    git(repo, ['worktree', 'add', '--detach', '--quiet', worktree, commit]);
    mkdirSync(join(worktree, 'node_modules'));
    for (const entry of readdirSync(join(repo, 'node_modules'))) {
      if (entry !== '.cache') symlinkSync(join(repo, 'node_modules', entry), join(worktree, 'node_modules', entry));
    }
  } catch (e) {
    remove(repo, dir, worktree);
    throw e;
  }
  let samePackages = false;
  try {
    samePackages = git(repo, ['show', `${commit}:package-lock.json`]) === readFileSync(join(repo, 'package-lock.json'), 'utf8').trim();
  } catch {
    // no lockfile in the release: not the same
  }
  return { ref, commit, repo: worktree, samePackages, dispose: () => remove(repo, dir, worktree) };
}

function remove(repo: string, dir: string, worktree: string): void {
  try {
    git(repo, ['worktree', 'remove', '--force', worktree]);
  } catch {
    // not made, or already gone: pruned below
  }
  rmSync(dir, { recursive: true, force: true });
  git(repo, ['worktree', 'prune']);
}
