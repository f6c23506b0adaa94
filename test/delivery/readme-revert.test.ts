/**
 * The README's way to revert a change of dist/delivery/ (`git revert --no-commit`, dist/ put back,
 * synth, commit), its git commands read from the README and run in a repository of a project that
 * moved its stages from Argo CD to Flux: synth then says what the revert changes and when to apply it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';

/** The git commands of the README's sentence on reverting a change of dist/delivery/, in order. */
function revertCommands(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const sentence = /A `git revert` of such a change [^.]*\.[^.]*\./.exec(readme)?.[0];
  expect(sentence, "the README's sentence on a git revert of dist/delivery/").toBeDefined();
  return [...sentence!.matchAll(/`(git [^`]+)`/g)].map((m) => m[1]!).filter((c) => c !== 'git revert');
}

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

/** Runs git with `args` in `dir`; its output. */
function git(dir: string, args: readonly string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  expect(r.status, `git ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe("the README's revert of a change of dist/delivery/", () => {
  // dev delivered by Argo CD (the project file's engine), committed; then moved to Flux, synthesized and committed
  const dir = tempProject({ dev: deliveredStageFile('{ cluster: nonprod }') });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const commit = (message: string) => {
    git(dir, ['add', '-A', 'stagecraft.yaml', 'environments', 'dist']);
    git(dir, ['commit', '-q', '-m', message]);
  };

  it('lets synth say that the engine the revert goes back to is new, with when to apply it, and commits what was there before', () => {
    git(dir, ['init', '-q']);
    expect(runCli('synth', [], dir).code).toBe(0);
    commit('Argo CD');
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    expect(runCli('synth', [], dir).stdout).toContain('delivery: removed dist/delivery/argocd/');
    commit('Flux');

    const commands = revertCommands().map((c) => c.replace('<commit>', 'HEAD').split(' '));
    expect(commands.map((c) => c.slice(0, 2).join(' '))).toEqual(['git revert', 'git checkout', 'git add']);
    const [revert, putBack, add] = commands;
    git(dir, revert!.slice(1));
    git(dir, putBack!.slice(1));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('delivery: dist/delivery/argocd/ is new\n  Argo CD does not apply dist/delivery/ itself: apply it');
    expect(r.stdout).toContain('delivery: removed dist/delivery/flux/ (no stage is delivered by Flux any more)');
    git(dir, add!.slice(1));
    git(dir, ['commit', '-q', '-m', 'Revert to Argo CD']);
    expect(git(dir, ['status', '--porcelain', '--', 'stagecraft.yaml', 'environments', 'dist'])).toBe('');
    expect(git(dir, ['diff', '--stat', 'HEAD~2', 'HEAD'])).toBe('');
  });
});
