/**
 * The one way lib/cli/ runs git (lib/cli/delivery-git.ts), for where the project lies in its work tree and
 * for a removed stage's output as committed: run from a real git hook, it reads the repository the project's
 * directory is in, not the one the hook's variables name.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { projectGit } from '../../lib/cli/delivery-git.js';
import { REPO } from '../helpers/cli.js';

const SLEEP = spawnSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).stdout.trim();

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};

/**
 * A repository whose `infra/k8s` holds a project with a committed `dist/red/edge/haproxy.cfg`, and a linked worktree
 * of it (`wt`) whose copy of that file was changed since and not committed.
 */
function monorepoWithWorktree(): { top: string; worktree: string } {
  const top = mkdtempSync(join(tmpdir(), 'stagecraft-hook-'));
  git(top, 'init', '-q', '-b', 'main', 'repo');
  const repo = join(top, 'repo');
  mkdirSync(join(repo, 'infra', 'k8s', 'dist', 'red', 'edge'), { recursive: true });
  writeFileSync(join(repo, 'infra', 'k8s', 'dist', 'red', 'edge', 'haproxy.cfg'), 'committed\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'dist');
  git(repo, 'worktree', 'add', '-q', '-b', 'wt', join(top, 'wt'));
  writeFileSync(join(top, 'wt', 'infra', 'k8s', 'dist', 'red', 'edge', 'haproxy.cfg'), 'on disk\n');
  return { top: repo, worktree: join(top, 'wt') };
}

/** What the project's git reads from `infra/k8s` of the worktree, as a pre-commit hook of it runs them: one line each. */
function fromPreCommitHook(top: string, worktree: string): { env: string; checkout: string; committed: string } {
  const out = join(worktree, '..', 'hook.out');
  const script = [
    `import { gitCheckout } from ${JSON.stringify(pathToFileURL(join(REPO, 'lib/cli/delivery-checkout.ts')).href)};`,
    `import { deployedOutput } from ${JSON.stringify(pathToFileURL(join(REPO, 'lib/cli/deployed-output.ts')).href)};`,
    `const read = deployedOutput(process.cwd())('red', () => 'read from dist/');`,
    `console.log(JSON.stringify({ env: process.env.GIT_DIR ?? '', checkout: gitCheckout(process.cwd()) ?? 'none', committed: read?.('edge/haproxy.cfg') ?? 'none' }));`,
  ].join('\n');
  const tsx = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const hook = join(top, '.git', 'hooks', 'pre-commit');
  writeFileSync(
    hook,
    `#!/bin/sh\ncd infra/k8s && '${process.execPath}' --import '${tsx}' --input-type=module -e '${script.replace(/'/g, `'\\''`)}' > '${out}'\n`,
  );
  chmodSync(hook, 0o755);
  writeFileSync(join(worktree, 'README.md'), 'a change\n');
  git(worktree, 'add', 'README.md');
  git(worktree, 'commit', '-q', '-m', 'a change');
  return JSON.parse(readFileSync(out, 'utf8')) as { env: string; checkout: string; committed: string };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('git run for the project from a pre-commit hook of a linked worktree (GIT_DIR set, no GIT_WORK_TREE)', () => {
  it("reads the work tree the project's directory is in: where the project lies, and a removed stage's file as its last commit has it", () => {
    const { top, worktree } = monorepoWithWorktree();
    const said = fromPreCommitHook(top, worktree);
    // the hook did run with the variable that misleads git
    expect(said.env).toContain(join('.git', 'worktrees'));
    expect(said.checkout).toBe('infra/k8s');
    expect(said.committed).toBe('committed\n');
  });
});

describe('projectGit', () => {
  it('clears every variable that locates a repository, its index or its objects, and keeps those of configuration', () => {
    const { top, worktree } = monorepoWithWorktree();
    vi.stubEnv('GIT_DIR', join(top, '.git'));
    vi.stubEnv('GIT_WORK_TREE', top);
    vi.stubEnv('GIT_INDEX_FILE', join(top, 'no-such-index'));
    vi.stubEnv('GIT_OBJECT_DIRECTORY', join(top, 'no-such-objects'));
    vi.stubEnv('GIT_CONFIG_COUNT', '1');
    vi.stubEnv('GIT_CONFIG_KEY_0', 'stagecraft.probe');
    vi.stubEnv('GIT_CONFIG_VALUE_0', 'kept');
    const dir = join(worktree, 'infra', 'k8s');
    expect(projectGit(dir, ['rev-parse', '--show-toplevel'])?.stdout.trim()).toBe(worktree);
    expect(projectGit(dir, ['cat-file', 'blob', 'HEAD:./dist/red/edge/haproxy.cfg'])?.stdout).toBe('committed\n');
    expect(projectGit(dir, ['config', 'stagecraft.probe'])?.stdout.trim()).toBe('kept');
  });

  it('says nothing of a git that does not end within its time, stopped; nor of one that cannot be started', () => {
    const bin = mkdtempSync(join(tmpdir(), 'stagecraft-git-'));
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nexec ${SLEEP} 30\n`);
    chmodSync(join(bin, 'git'), 0o755);
    vi.stubEnv('PATH', bin);
    const start = Date.now();
    expect(projectGit(bin, ['status'], { timeout: 300 })).toBeUndefined();
    expect(Date.now() - start).toBeLessThan(10_000);
    vi.stubEnv('PATH', mkdtempSync(join(tmpdir(), 'stagecraft-nogit-')));
    expect(projectGit(bin, ['status'])).toBeUndefined();
  });
});
