/**
 * Where Git says the project lies in its work tree (lib/cli/delivery-checkout.ts), which synth holds
 * the project file's delivery.repository.path to: asked only of a project whose stages are delivered,
 * in the work tree the project's directory is in, and never waited on for ever.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gitCheckout, gitRemotes, lazyCheckout } from '../../lib/cli/delivery-checkout.js';
import { runProcess, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';

/** A directory holding `git`, a script that logs each call to `log` and then does `then`. */
function loggingGit(then: string): { bin: string; log: string } {
  const bin = tempProject({});
  const log = join(bin, 'git.log');
  writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "git $*" >> '${log}'\n${then}\n`);
  chmodSync(join(bin, 'git'), 0o755);
  return { bin, log };
}

const REAL_GIT = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();

/** A Git work tree whose directory `inner` holds a project (stage qa, delivered by Flux unless `delivered` is false). */
function monorepo(inner: string, { delivered = true } = {}): { top: string; dir: string } {
  const top = tempProject({});
  const dir = join(top, inner);
  mkdirSync(join(dir, 'environments'), { recursive: true });
  writeFileSync(join(dir, 'environments', 'qa.yaml'), deliveredStageFile(delivered ? '{ cluster: nonprod }' : ''));
  writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT.replace('revision: main }', `revision: main, path: "${inner}" }`));
  expect(spawnSync('git', ['init', '-q', top]).status).toBe(0);
  return { top, dir };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('a synthesis', () => {
  it('starts no git for a project none of whose stages is delivered (a project file of delivery defaults alone)', () => {
    const { dir } = monorepo('infra/k8s', { delivered: false });
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    const r = runProcess('synth', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('');
  });

  it('asks Git once where a delivered project is', () => {
    const { dir } = monorepo('infra/k8s');
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    const r = runProcess('synth', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('git rev-parse --is-inside-work-tree --show-prefix\n');
  });
});

describe('a project moved to another directory of its repository after a synthesis', () => {
  it.each(['synth', 'check'])(
    'is not answered current by %s from what the last synthesis recorded: Git is asked again, and the path refused',
    (command) => {
      const { top, dir } = monorepo('infra/k8s');
      const first = runProcess('synth', [], dir);
      expect(first.stderr).not.toContain('error');
      expect(first.status).toBe(0);
      // git mv infra deploy: the project, its dist/ and its .stagecraft/ move together
      renameSync(join(top, 'infra'), join(top, 'deploy'));
      const r = runProcess(command, [], join(top, 'deploy', 'k8s'));
      expect(r.stderr).toContain(
        "error: delivery.repository.path: the project is at 'deploy/k8s' in its Git repository (git rev-parse --show-prefix), not at 'infra/k8s', where this says",
      );
      expect(r.status).toBe(2);
    },
  );
});

describe('gitCheckout', () => {
  it("answers for the work tree the project's directory is in when GIT_DIR is set to its top's (a hook in a linked worktree)", () => {
    const { top, dir } = monorepo('infra/k8s');
    // git runs a hook of a linked worktree with GIT_DIR set and no GIT_WORK_TREE: asked from the
    // project's directory, that makes the directory the top of the work tree
    vi.stubEnv('GIT_DIR', join(top, '.git'));
    expect(gitCheckout(dir)).toBe('infra/k8s');
  });

  it('lets a synthesis run from such a hook deliver from the path the project file says, which is where the project is', () => {
    const { top, dir } = monorepo('infra/k8s');
    const r = runProcess('synth', [], dir, { GIT_DIR: join(top, '.git') });
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
  });

  it('says nothing of a git that does not answer in time (stopped): the synthesis is not held', () => {
    const { dir } = monorepo('infra/k8s');
    const { bin, log } = loggingGit('exec sleep 30');
    vi.stubEnv('PATH', `${bin}:${process.env.PATH}`);
    const start = Date.now();
    expect(gitCheckout(dir, 300)).toBeUndefined();
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(readFileSync(log, 'utf8')).toBe('git rev-parse --is-inside-work-tree --show-prefix\n');
  });

  it("says nothing in a bare repository's directory, where Git says '' as at a top (no work tree there)", () => {
    const bare = tempProject({});
    expect(spawnSync('git', ['init', '-q', '--bare', bare]).status).toBe(0);
    mkdirSync(join(bare, 'infra', 'k8s'), { recursive: true });
    expect(gitCheckout(join(bare, 'infra', 'k8s'))).toBeUndefined();
  });

  it('says nothing without git (not installed) and outside a work tree', () => {
    expect(gitCheckout(tempProject({}))).toBeUndefined();
    const { dir } = monorepo('k8s');
    vi.stubEnv('PATH', tempProject({}));
    expect(gitCheckout(dir)).toBeUndefined();
  });
});

describe('gitRemotes', () => {
  it("says each remote's fetch URL by name, with git's insteadOf applied, and a name holding a dot whole", () => {
    const { top, dir } = monorepo('infra/k8s');
    const git = (...args: string[]) => expect(spawnSync('git', ['-C', top, ...args]).status).toBe(0);
    git('config', 'url.https://git.example.com/.insteadOf', 'gh:');
    git('remote', 'add', 'origin', 'gh:platform/app.git');
    git('remote', 'add', 'my.fork', 'ssh://git@git.example.com/me/app.git');
    expect(gitRemotes(dir)).toEqual(
      new Map([
        ['my.fork', ['ssh://git@git.example.com/me/app.git']],
        ['origin', ['https://git.example.com/platform/app.git']],
      ]),
    );
  });

  it('says the URLs a remote pushes to after the one it fetches from, each once (a pushurl, a second url; a name with a space whole)', () => {
    const { top, dir } = monorepo('infra/k8s');
    const git = (...args: string[]) => expect(spawnSync('git', ['-C', top, ...args]).status).toBe(0);
    git('remote', 'add', 'origin', 'https://git.example.com/platform/app.git');
    git('remote', 'set-url', '--add', 'origin', 'git@mirror.example:platform/app.git');
    git('config', 'remote.my fork.url', 'https://git.example.com/me/app.git');
    git('config', 'remote.my fork.pushurl', 'git@git.example.com:me/app.git');
    expect(gitRemotes(dir)).toEqual(
      new Map([
        ['my fork', ['https://git.example.com/me/app.git', 'git@git.example.com:me/app.git']],
        ['origin', ['https://git.example.com/platform/app.git', 'git@mirror.example:platform/app.git']],
      ]),
    );
  });

  it('says none of a repository without a remote, and nothing outside a work tree or without git', () => {
    const { dir } = monorepo('infra/k8s');
    expect(gitRemotes(dir)).toEqual(new Map());
    vi.stubEnv('PATH', tempProject({}));
    expect(gitRemotes(dir)).toBeUndefined();
  });
});

describe('lazyCheckout', () => {
  it('asks git each thing once, the first time it is needed', () => {
    const { dir } = monorepo('infra/k8s');
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    vi.stubEnv('PATH', `${bin}:${process.env.PATH}`);
    const checkout = lazyCheckout(dir);
    expect(existsSync(log)).toBe(false);
    expect([checkout.prefix(), checkout.prefix()]).toEqual(['infra/k8s', 'infra/k8s']);
    expect([checkout.remotes(), checkout.remotes()]).toEqual([new Map(), new Map()]);
    expect(readFileSync(log, 'utf8')).toBe('git rev-parse --is-inside-work-tree --show-prefix\ngit remote -v\n');
  });
});
