/**
 * Where Git says the project lies in its work tree (lib/cli/delivery-checkout.ts), which synth holds
 * the project file's delivery.repository.path to: asked only of a project whose stages are delivered,
 * in the work tree the project's directory is in, and never waited on for ever; what it said recorded
 * with a synthesis and asked again before one is answered from (the warnings the plan gives of it:
 * delivery-checkout.warnings.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  askCheckout,
  checkoutAsRecorded,
  checkoutRecord,
  forgetCheckoutAnswers,
  gitCheckout,
  gitRefs,
  gitRemotes,
  lazyCheckout,
} from '../../lib/cli/delivery-checkout.js';
import { sha256Hex } from '../../lib/model/sha256.js';
import { runCli, runProcess, tempProject } from '../helpers/cli.js';
import { fastPath } from '../../lib/cli/fast.js';
import type { Io } from '../../lib/cli/print.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';
import { REAL_GIT, REFS, UNKNOWN_REVISION, committed, gitIn, loggingGit, monorepo, renamed } from './git-checkouts.js';

afterEach(() => {
  vi.unstubAllEnvs();
  // what lazyCheckout asked in this process is kept until a command ends (lib/cli/main.ts)
  forgetCheckoutAnswers();
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

  it('asks Git once where a delivered project is, and once its remotes', () => {
    const { dir } = monorepo('infra/k8s');
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    const r = runProcess('synth', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('git rev-parse --is-inside-work-tree --show-prefix\ngit remote -v\n');
  });

  it('answered from the last one asks Git its remotes and its branches again, once each (no stage file changed)', () => {
    const { top, dir } = monorepo('infra/k8s');
    expect(spawnSync('git', ['-C', top, 'remote', 'add', 'origin', 'https://git.example.com/team/app.git']).status).toBe(0);
    expect(runProcess('synth', [], dir).status).toBe(0);
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    const r = runProcess('synth', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(r.stdout).toContain('(unchanged)');
    expect(readFileSync(log, 'utf8')).toBe(`git remote -v\n${REFS}`);
  });

  it('of an edited project asks Git each thing once, though the fast path, the command and the plan each read what it said', () => {
    const { top, dir } = monorepo('infra/k8s');
    gitIn(top, 'remote', 'add', 'origin', 'https://git.example.com/team/app.git');
    expect(runProcess('synth', [], dir).status).toBe(0);
    writeFileSync(join(dir, 'environments', 'qa.yaml'), deliveredStageFile('{ cluster: nonprod }').replace('replicas: 1', 'replicas: 2'));
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    const r = runProcess('synth', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    // each reading of the last fingerprint asked the remotes again: four gits (before the branches were asked)
    expect(readFileSync(log, 'utf8')).toBe(`git remote -v\n${REFS}git rev-parse --is-inside-work-tree --show-prefix\n`);
  });

  it('answered from the last one stays so when a remote is added beside the one the repository URL names (a fork)', () => {
    const { top, dir } = monorepo('infra/k8s');
    gitIn(top, 'remote', 'add', 'origin', 'https://git.example.com/team/app.git');
    expect(runProcess('synth', [], dir).status).toBe(0);
    gitIn(top, 'remote', 'add', 'fork', 'git@github.com:me/app.git');
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    const r = runProcess('synth', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(r.stdout).toContain('(unchanged)');
    expect(readFileSync(log, 'utf8')).toBe(`git remote -v\n${REFS}`);
    // and the one it names set to another repository: compiled, and warned
    gitIn(top, 'remote', 'set-url', 'origin', 'https://git.example.com/team/moved.git');
    expect(runProcess('synth', [], dir).stderr).toContain("which is none of this checkout's remotes (fork, origin;");
  });

  it("answered from the last one stays so when a remote is added while a stage reads another remote's repository (a mirror)", () => {
    const { top, dir } = monorepo('infra/k8s');
    gitIn(top, 'remote', 'add', 'origin', 'https://git.example.com/team/app.git');
    gitIn(top, 'remote', 'add', 'mirror', 'https://git.example.com/team/deploy.git');
    writeFileSync(
      join(dir, 'environments', 'qa.yaml'),
      deliveredStageFile('{ cluster: nonprod, repository: { url: "https://git.example.com/team/deploy.git" } }'),
    );
    expect(runProcess('synth', [], dir).status).toBe(0);
    gitIn(top, 'remote', 'add', 'fork', 'git@github.com:me/app.git');
    const fingerprint = join(dir, '.stagecraft', 'fingerprint.json');
    const recorded = statSync(fingerprint).mtimeMs;
    const r = runProcess('synth', [], dir);
    expect(r.status).toBe(0);
    // answered from it: a synthesis that compiled would have recorded another
    expect(statSync(fingerprint).mtimeMs).toBe(recorded);
  });

  it('answered from the last one starts one git, the remotes: the revision found as a branch or its tracking ref is read from the files Git keeps them in', () => {
    for (const packed of [false, true]) {
      const { top, dir } = committed('infra/k8s');
      // (git gc packs them: refs/heads/main is a line of .git/packed-refs then, no file)
      if (packed) gitIn(top, 'pack-refs', '--all');
      expect(runProcess('synth', [], dir).status).toBe(0);
      const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
      for (const command of ['synth', 'check']) expect(runProcess(command, [], dir, { PATH: `${bin}:${process.env.PATH}` }).status).toBe(0);
      expect(readFileSync(log, 'utf8')).toBe('git remote -v\ngit remote -v\n');
      // renamed: the files say nothing of main, and git is asked
      renamed(top);
      const r = runProcess('synth', ['--verbose'], dir, { PATH: `${bin}:${process.env.PATH}` });
      expect(r.stderr).toContain(UNKNOWN_REVISION);
      expect(readFileSync(log, 'utf8')).toContain(REFS);
    }
  });

  it('answered from the last one in a linked worktree reads its own HEAD, and asks git once its branch is gone', () => {
    const { top } = committed('infra/k8s');
    const tree = join(tempProject({}), 'tree');
    gitIn(top, 'worktree', 'add', '-q', '-b', 'feature', tree);
    const dir = join(tree, 'infra', 'k8s');
    expect(runProcess('synth', [], dir).status).toBe(0);
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    expect(runProcess('check', [], dir, { PATH: `${bin}:${process.env.PATH}` }).stdout).toContain('dist/ is current');
    expect(readFileSync(log, 'utf8')).toBe('git remote -v\n');
    // its HEAD on a branch not yet made (git checkout --orphan): git says no list is at hand, and the record does not hold
    gitIn(tree, 'checkout', '-q', '--orphan', 'fresh');
    writeFileSync(log, '');
    vi.stubEnv('PATH', `${bin}:${process.env.PATH}`);
    expect(checkoutAsRecorded(dir, JSON.parse(readFileSync(join(dir, '.stagecraft', 'fingerprint.json'), 'utf8')).checkout)).toBe(false);
    expect(readFileSync(log, 'utf8')).toBe(`git remote -v\n${REFS}`);
  });

  it('answered from the last one asks Git where the project is too in a checkout without remotes: a repository made anew has none either', () => {
    const { top, dir } = monorepo('infra/k8s');
    expect(runProcess('synth', [], dir).status).toBe(0);
    // infra/ its repository's top now: the project is at k8s there
    renameSync(join(top, '.git'), join(top, 'infra', '.git'));
    const r = runProcess('synth', [], dir);
    expect(r.stderr).toContain("error: delivery.repository.path: the project is at 'k8s' in its Git repository");
    expect(r.status).toBe(2);
  });
});

const UNCHECKED =
  "environments/qa.yaml:3:11: warning: delivery: the engines read infra/k8s/dist/<stage> from the repository's top, and whether the project is there was not checked: ";

describe('a delivered project Git does not answer for', () => {
  it("is warned at its first stage's delivery: without git on PATH, and checked by the synthesis after git is installed", () => {
    const { top, dir } = monorepo('infra/k8s');
    const r = runProcess('synth', [], dir, { PATH: tempProject({}) });
    expect(r.stderr).toContain(
      `${UNCHECKED}git is not installed here (no git on PATH), so a wrong delivery.repository.path shows only in the engine (Argo CD's app path does not exist, Flux's kustomization path not found)\n  hint: install git where the synthesis runs (a CI image: apt-get install git, apk add git), to have it checked (git rev-parse --show-prefix) at the next synthesis\n`,
    );
    expect(r.status).toBe(0);
    // the project's directory renamed in Git's index alone would be another test; here its top's .git is where the
    // project is not: a repository made in infra/ puts the project at k8s, which the path does not say
    renameSync(join(top, '.git'), join(top, 'infra', '.git'));
    expect(runProcess('synth', [], dir, { PATH: tempProject({}) }).status).toBe(0);
    const again = runProcess('synth', [], dir);
    expect(again.stderr).toContain("error: delivery.repository.path: the project is at 'k8s' in its Git repository");
    expect(again.status).toBe(2);
  });

  it('is warned, with the safe.directory command, when Git refuses a repository another user owns', () => {
    const { top, dir } = monorepo('infra/k8s');
    const refusal = `fatal: detected dubious ownership in repository at '${top}'\nTo add an exception for this directory, call:\n\n\tgit config --global --add safe.directory ${top}`;
    const { bin } = loggingGit(`printf '%s\\n' "${refusal}" >&2; exit 128`);
    const r = runProcess('synth', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(r.stderr).toContain(
      `${UNCHECKED}Git refuses the repository, which another user owns (dubious ownership) and safe.directory does not name, so`,
    );
    expect(r.stderr).toContain(`  hint: if you trust it, git config --global --add safe.directory ${top}, to have it checked`);
    expect(r.status).toBe(0);
  });

  it.each([
    [
      "git's own quoting of a top holding a ' (git 2.39)",
      "fatal: detected dubious ownership in repository at '/srv/team's repo'\nTo add an exception for this directory, call:\n\n\tgit config --global --add safe.directory '/srv/team'\\''s repo'\n",
      "git config --global --add safe.directory '/srv/team'\\''s repo'",
    ],
    [
      'a message in another language, whose advice names the top as it is',
      "fatal: unsicherer Besitz des Repositorys in '/srv/infra' erkannt\nUm eine Ausnahme für dieses Verzeichnis hinzuzufügen, rufen Sie auf:\n\n\tgit config --global --add safe.directory /srv/infra\n",
      'git config --global --add safe.directory /srv/infra',
    ],
    [
      "a message naming no top, without the project's directory (which safe.directory would not trust)",
      'fatal: refused (safe.directory)\n',
      "add the repository's top to git's safe.directory (git config --global --add safe.directory <its path>)",
    ],
  ])('gives the safe.directory command for the top Git refused, read from %s', (_, refusal, command) => {
    const { dir } = monorepo('infra/k8s');
    const bin = tempProject({});
    writeFileSync(join(bin, 'refusal.txt'), refusal);
    writeFileSync(join(bin, 'git'), `#!/bin/sh\ncat '${join(bin, 'refusal.txt')}' >&2\nexit 128\n`);
    chmodSync(join(bin, 'git'), 0o755);
    vi.stubEnv('PATH', `${bin}:${process.env.PATH}`);
    expect(askCheckout(dir).unanswered?.fix).toBe(`if you trust it, ${command}`);
  });

  it('is not warned outside a work tree (a copy of the project without its .git), where nothing is asked of Git', () => {
    const dir = tempProject({ qa: deliveredStageFile('{ cluster: nonprod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    const r = runProcess('synth', [], dir);
    expect(r.stderr).not.toContain('warning: delivery');
    expect(r.status).toBe(0);
  });
});

describe('a delivered project whose git hangs after a synthesis', () => {
  it('is checked after one git stopped at the time limit, not one per question (the fast path, the command, the plan)', () => {
    const { top, dir } = monorepo('infra/k8s');
    gitIn(top, 'remote', 'add', 'origin', 'https://git.example.com/team/app.git');
    expect(runProcess('synth', [], dir).status).toBe(0);
    const { bin, log } = loggingGit('exec sleep 60');
    const r = runProcess('check', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(r.stdout).toContain('dist/ is current');
    expect(r.status).toBe(0);
    // each git waited on for 10 s: four of them (git remote -v thrice, then rev-parse) held check 40 s
    expect(readFileSync(log, 'utf8')).toBe('git remote -v\n');
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

  it('says why when git does not answer in time (stopped), or is not installed', () => {
    const { dir } = monorepo('infra/k8s');
    vi.stubEnv('PATH', `${loggingGit('exec sleep 30').bin}:${process.env.PATH}`);
    expect(askCheckout(dir, 300).unanswered?.why).toBe('git gave no answer within 10 s and was stopped');
    vi.stubEnv('PATH', tempProject({}));
    expect(askCheckout(dir).unanswered?.why).toBe('git is not installed here (no git on PATH)');
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

describe('gitRefs', () => {
  it('says the branches, tags and HEAD of a checkout, and nothing where an older git says an option it does not know back (2.13, 2.15)', () => {
    const { top, dir } = committed('infra/k8s');
    gitIn(top, 'tag', 'v1');
    gitIn(top, 'branch', 'feature/a');
    const said = gitRefs(dir);
    expect(said && { ...said, refs: [...said.refs].sort() }).toEqual({
      head: 'refs/heads/main',
      refs: ['refs/heads/feature/a', 'refs/heads/main', 'refs/remotes/origin/main', 'refs/tags/v1'],
      gitDir: join(top, '.git'),
      commonDir: join(top, '.git'),
    });
    // as git rev-parse before 2.15 (before 2.13) says --is-shallow-repository (--absolute-git-dir) back, as a flag
    for (const old of ['--is-shallow-repository', '--absolute-git-dir']) {
      const { bin } = loggingGit(
        `exec '${REAL_GIT}' "$@" | sed 's/^false$/${old}/; s/^\\/.*\\.git$/${old === '--absolute-git-dir' ? old : '&'}/'`,
      );
      vi.stubEnv('PATH', `${bin}:${process.env.PATH}`);
      expect(gitRefs(dir)).toBeUndefined();
      vi.unstubAllEnvs();
    }
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

describe('what Git said, kept for a command', () => {
  it('is asked afresh by the next command run in the process after the fast path answered one (the remote moved between them)', () => {
    const { top, dir } = committed('infra/k8s');
    expect(runCli('synth', [], dir).code).toBe(0);
    const io: Io = { cwd: dir, env: {}, stdout: { write: () => {} }, stderr: { write: () => {} } };
    expect(fastPath('check', [], io)).toBe(0);
    gitIn(top, 'remote', 'set-url', 'origin', 'https://git.example.com/team/moved.git');
    // compiled, and warned: not answered from the fingerprint by what the fast path was told
    expect(runCli('synth', [], dir).stderr).toContain("which is none of this checkout's remotes (origin;");
  });
});

describe('what the last plan was told', () => {
  it('is recorded by no command run next in the process that plans no delivered stage (the project file removed)', () => {
    const { dir } = committed('infra/k8s');
    expect(runCli('synth', [], dir).code).toBe(0);
    const fingerprint = () => JSON.parse(readFileSync(join(dir, '.stagecraft', 'fingerprint.json'), 'utf8')).checkout;
    expect(fingerprint()).toBeDefined();
    rmSync(join(dir, 'stagecraft.yaml'));
    writeFileSync(join(dir, 'environments', 'qa.yaml'), deliveredStageFile(''));
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(fingerprint()).toBeUndefined();
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
    expect([checkout.remotesOf('git.example.com/team/app'), checkout.remotesOf('git.example.com/team/app')]).toEqual([{}, {}]);
    expect(readFileSync(log, 'utf8')).toBe('git rev-parse --is-inside-work-tree --show-prefix\ngit remote -v\n');
  });
});

describe('checkoutAsRecorded', () => {
  it("holds a revision found by the files Git keeps its refs in only where a file's name is proof (not where the case of a name is not told)", () => {
    const gitDir = tempProject({});
    mkdirSync(join(gitDir, 'refs', 'heads'), { recursive: true });
    writeFileSync(join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(gitDir, 'refs', 'heads', 'main'), `${'0'.repeat(40)}\n`);
    // outside a work tree, git says no list is at hand
    const root = tempProject({});
    const record = { [JSON.stringify(['revision', 'origin', 'refs/heads/main', gitDir, gitDir])]: sha256Hex('{"found":true}') };
    expect(checkoutAsRecorded(root, record)).toBe(true);
    // as a file system that tells no case apart finds it
    writeFileSync(join(gitDir, 'head'), 'ref: refs/heads/main\n');
    expect(checkoutAsRecorded(root, record)).toBe(false);
  });

  it('holds a record of what the plan asked only while Git says the same, and no record it cannot read (an older format, a question asked otherwise)', () => {
    const { top, dir } = monorepo('infra/k8s');
    gitIn(top, 'remote', 'add', 'origin', 'https://git.example.com/team/app.git');
    lazyCheckout(dir).remotesOf('git.example.com/team/app');
    const recorded = checkoutRecord(dir)!;
    expect(Object.keys(recorded)).toEqual(['["remotes","git.example.com/team/app"]']);
    expect(checkoutAsRecorded(dir, recorded)).toBe(true);
    gitIn(top, 'remote', 'add', 'fork', 'https://git.example.com/me/app.git');
    forgetCheckoutAnswers();
    expect(checkoutAsRecorded(dir, recorded)).toBe(true);
    gitIn(top, 'remote', 'set-url', 'origin', 'https://git.example.com/team/moved.git');
    forgetCheckoutAnswers();
    expect(checkoutAsRecorded(dir, recorded)).toBe(false);
    const digest = Object.values(recorded)[0]!;
    for (const key of ['remotes', '["prefix","extra"]', '["shell","rm"]', '[1]', '{}'])
      expect(checkoutAsRecorded(dir, { [key]: digest })).toBe(false);
  });
});
