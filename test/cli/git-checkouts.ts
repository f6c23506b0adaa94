/**
 * Git checkouts for the tests of lib/cli/delivery-checkout.ts: a project in a directory of a work tree, its files
 * committed, its branch renamed, and a git on PATH that logs what it is asked.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';

/** A directory holding `git`, a script that logs each call to `log` and then does `then`. */
export function loggingGit(then: string): { bin: string; log: string } {
  const bin = tempProject({});
  const log = join(bin, 'git.log');
  writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "git $*" >> '${log}'\n${then}\n`);
  chmodSync(join(bin, 'git'), 0o755);
  return { bin, log };
}

/** The one git that says the checkout's branches and tags, and whether it is shallow (lib/cli/delivery-checkout.ts `gitRefs`). */
export const REFS =
  'git rev-parse --absolute-git-dir --git-common-dir --is-shallow-repository --symbolic-full-name HEAD --symbolic --glob=refs/heads --glob=refs/remotes --glob=refs/tags --\n';

export const REAL_GIT = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();

/** A Git work tree whose directory `inner` holds a project (stage qa, delivered by Flux unless `delivered` is false). */
export function monorepo(inner: string, { delivered = true } = {}): { top: string; dir: string } {
  const top = tempProject({});
  const dir = join(top, inner);
  mkdirSync(join(dir, 'environments'), { recursive: true });
  writeFileSync(join(dir, 'environments', 'qa.yaml'), deliveredStageFile(delivered ? '{ cluster: nonprod }' : ''));
  writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT.replace('revision: main }', `revision: main, path: "${inner}" }`));
  expect(spawnSync('git', ['init', '-q', top]).status).toBe(0);
  return { top, dir };
}

/** `git` in `top` (a repository made by `monorepo`), which must succeed. */
export const gitIn = (top: string, ...args: string[]) => expect(spawnSync('git', ['-C', top, ...args]).status).toBe(0);

/** `monorepo`'s, its files committed on main, and origin naming the repository URL, its main fetched (origin/main). */
export function committed(inner: string): { top: string; dir: string } {
  const made = monorepo(inner);
  gitIn(made.top, 'checkout', '-q', '-b', 'main');
  gitIn(made.top, 'add', '-A');
  gitIn(made.top, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
  gitIn(made.top, 'remote', 'add', 'origin', 'https://git.example.com/team/app.git');
  gitIn(made.top, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
  return made;
}

/** `git branch -m main trunk`, trunk pushed and main deleted on origin, as their tracking refs say. */
export function renamed(top: string): void {
  gitIn(top, 'branch', '-m', 'main', 'trunk');
  gitIn(top, 'update-ref', 'refs/remotes/origin/trunk', 'HEAD');
  gitIn(top, 'update-ref', '-d', 'refs/remotes/origin/main');
}

export const UNKNOWN_REVISION =
  'stagecraft.yaml:3:70: warning: delivery.repository.revision: "main" is no branch of this checkout, nor of its remote origin (https://git.example.com/team/app.git) as last fetched (git branch -a)';
