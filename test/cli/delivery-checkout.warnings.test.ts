/**
 * What the delivery plan warns of from what Git says of the checkout (lib/cli/delivery-checkout.ts, lib/delivery/checkout.ts):
 * a repository URL that is none of its remotes (the repository moved), a revision that is none of its branches or tags
 * (a branch renamed), said by every synthesis and check, one answered from the last too.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { forgetCheckoutAnswers } from '../../lib/cli/delivery-checkout.js';
import { sha256Hex } from '../../lib/model/sha256.js';
import { runProcess, tempProject } from '../helpers/cli.js';
import { deliveredStageFile } from '../helpers/delivery.js';
import { REAL_GIT, REFS, UNKNOWN_REVISION, committed, gitIn, loggingGit, monorepo, renamed } from './git-checkouts.js';

afterEach(() => {
  vi.unstubAllEnvs();
  // what lazyCheckout asked in this process is kept until a command ends (lib/cli/main.ts)
  forgetCheckoutAnswers();
});

const NOT_A_REMOTE =
  "stagecraft.yaml:3:22: warning: delivery.repository.url: the engines clone https://git.example.com/team/app.git, which is none of this checkout's remotes (origin;";

describe("a project whose repository URL is none of its checkout's remotes", () => {
  it.each(['synth', 'synth --no-cache'])(
    'is warned at the URL by %s once the remote is set to another URL (the repository moved), though no file changed',
    (command) => {
      const { top, dir } = monorepo('infra/k8s');
      gitIn(top, 'remote', 'add', 'origin', 'git@git.example.com:team/app.git');
      const first = runProcess('synth', [], dir);
      expect(first.stderr).not.toContain('warning: delivery');
      expect(first.status).toBe(0);
      gitIn(top, 'remote', 'set-url', 'origin', 'https://git.example.com/team/moved.git');
      const [name, ...args] = command.split(' ');
      // (a synthesis answered from the fingerprint would say what the last one said: no warning)
      const r = runProcess(name!, args, dir);
      expect(r.stderr).toContain(NOT_A_REMOTE);
      expect(r.stderr).toContain(
        '  hint: write the URL of the remote the engines should read (git remote get-url origin, without the credentials it may hold) as delivery.repository.url in stagecraft.yaml; or, if CI copies dist/ into https://git.example.com/team/app.git, write copied: true under delivery.repository',
      );
      expect(r.status).toBe(0);
      // and the remote set back: said no more
      gitIn(top, 'remote', 'set-url', 'origin', 'https://git.example.com/team/app.git');
      expect(runProcess('synth', ['--no-cache'], dir).stderr).not.toContain('warning: delivery');
    },
  );

  it('is not warned in a fork whose upstream remote is the URL (two remotes, over ssh and https), nor with no remote', () => {
    const { top, dir } = monorepo('infra/k8s');
    expect(runProcess('synth', ['--no-cache'], dir).stderr).not.toContain('warning: delivery');
    gitIn(top, 'remote', 'add', 'origin', 'git@git.example.com:me/app.git');
    gitIn(top, 'remote', 'add', 'upstream', 'ssh://git@GIT.example.com/team/app');
    const r = runProcess('synth', [], dir);
    expect(r.stderr).not.toContain('warning: delivery');
    expect(r.status).toBe(0);
  });

  it("is warned at a stage's own URL that names none of them, as the project file's is, and not at one that names a remote", () => {
    const { top, dir } = monorepo('infra/k8s');
    gitIn(top, 'remote', 'add', 'origin', 'https://git.example.com/team/app.git');
    gitIn(top, 'remote', 'add', 'mirror', 'git@mirror.example.com:team/app.git');
    const stage = (url: string) => deliveredStageFile(`{ cluster: nonprod, repository: { url: "${url}" } }`);
    writeFileSync(join(dir, 'environments', 'qa.yaml'), stage('https://git.example.com/team/typo.git'));
    writeFileSync(join(dir, 'environments', 'prod.yaml'), stage('https://MIRROR.example.com/team/app'));
    const r = runProcess('synth', [], dir);
    expect(r.stderr).toContain(
      "environments/qa.yaml:3:50: warning: delivery.repository.url: the engines clone https://git.example.com/team/typo.git, which is none of this checkout's remotes (mirror, origin;",
    );
    expect(r.stderr).toContain(
      "  hint: write the URL of the remote the engines should read (git remote get-url origin, without the credentials it may hold) as delivery.repository.url in environments/qa.yaml, or remove it there to read stagecraft.yaml's; if it is a mirror of this repository, add it to this checkout's remotes (git remote add, a name, then that URL)\n",
    );
    expect(r.stderr).not.toContain('prod.yaml:3');
    expect(r.status).toBe(0);
    // said again with nothing changed, and no more once the mirror is a remote
    expect(runProcess('check', [], dir).stderr).toContain('environments/qa.yaml:3:50: warning: delivery.repository.url:');
    gitIn(top, 'remote', 'add', 'typo', 'https://git.example.com/team/typo.git');
    expect(runProcess('synth', [], dir).stderr).not.toContain('warning: delivery');
    // nor in a project whose repository is a deploy repository CI copies dist/ into (its layout no Git here tells)
    gitIn(top, 'remote', 'remove', 'typo');
    const copied = readFileSync(join(dir, 'stagecraft.yaml'), 'utf8').replace('revision: main,', 'revision: main, copied: true,');
    writeFileSync(join(dir, 'stagecraft.yaml'), copied.replace('team/app.git', 'team/deploy.git'));
    expect(runProcess('synth', [], dir).stderr).not.toContain("none of this checkout's remotes");
  });

  it("is not told to remove a stage's own URL to read the project file's where the project file has none", () => {
    const { top, dir } = monorepo('infra/k8s');
    gitIn(top, 'remote', 'add', 'origin', 'https://git.example.com/team/app.git');
    writeFileSync(
      join(dir, 'stagecraft.yaml'),
      readFileSync(join(dir, 'stagecraft.yaml'), 'utf8').replace('url: https://git.example.com/team/app.git, ', ''),
    );
    writeFileSync(
      join(dir, 'environments', 'qa.yaml'),
      deliveredStageFile('{ cluster: nonprod, repository: { url: "https://git.example.com/team/typo.git" } }'),
    );
    const r = runProcess('synth', [], dir);
    expect(r.stderr).toContain(
      '  hint: write the URL of the remote the engines should read (git remote get-url origin, without the credentials it may hold) as delivery.repository.url in environments/qa.yaml; if it is a mirror',
    );
    expect(r.stderr).not.toContain('or remove it there');
    expect(r.status).toBe(0);
  });

  it('never prints the credentials a remote holds (a CI clone)', () => {
    const { top, dir } = monorepo('infra/k8s');
    gitIn(top, 'remote', 'add', 'origin', 'https://gitlab-ci-token:glpat-Zq8xY2vB4nM6kL0p@git.example.com/team/other.git');
    const r = runProcess('synth', [], dir);
    expect(r.stderr).toContain(NOT_A_REMOTE);
    expect(r.stderr + r.stdout).not.toContain('glpat');
    expect(readFileSync(join(dir, '.stagecraft', 'fingerprint.json'), 'utf8')).not.toContain('glpat');
  });

  it("records no digest of a remote's credentials, and is answered from the last synthesis when they alone change (a CI job's token)", () => {
    const { top, dir } = monorepo('infra/k8s');
    const url = (token: string) => `https://gitlab-ci-token:${token}@git.example.com/team/app.git`;
    gitIn(top, 'remote', 'add', 'origin', url('Summer2024'));
    expect(runProcess('synth', [], dir).status).toBe(0);
    // a digest of the remotes as written is a guess away from a short password: sha256 of each guess, compared
    const fingerprint = readFileSync(join(dir, '.stagecraft', 'fingerprint.json'), 'utf8');
    expect(fingerprint).not.toContain(sha256Hex(JSON.stringify([['origin', [url('Summer2024')]]])));
    gitIn(top, 'remote', 'set-url', 'origin', url('Winter2025'));
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    const r = runProcess('synth', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(r.stdout).toContain('(unchanged)');
    // the remotes asked again, and the project not compiled (which would ask where it is)
    expect(readFileSync(log, 'utf8')).toBe(`git remote -v\n${REFS}`);
  });
});

describe('a delivered project whose revision is none of its branches', () => {
  it('is warned at the revision after the branch was renamed (git branch -m main trunk), with the branch it is on, and not once it is back', () => {
    const { top, dir } = committed('infra/k8s');
    expect(runProcess('synth', [], dir).stderr).not.toContain('warning: delivery');
    renamed(top);
    // no file changed: the fingerprint holds what Git said of the revision
    const r = runProcess('synth', ['--verbose'], dir);
    expect(r.stderr).toContain(`${UNKNOWN_REVISION}: unless it was pushed from elsewhere, the engine finds no such revision to apply`);
    expect(r.stderr).toContain('this checkout is on "trunk"\n');
    expect(r.stderr).toContain(
      '  hint: if the branch was renamed (git branch -m), write "trunk", the branch this checkout is on, or the branch the engines should follow; else push it (git push origin main), or, if it was pushed from elsewhere, git fetch origin',
    );
    expect(r.status).toBe(0);
    gitIn(top, 'branch', '-m', 'trunk', 'main');
    expect(runProcess('synth', ['--verbose'], dir).stderr).not.toContain('warning: delivery');
  });

  it('is warned again by a synthesis and a check answered from the last one, with no git started for it', () => {
    const { top, dir } = committed('infra/k8s');
    renamed(top);
    const first = runProcess('synth', [], dir);
    expect(first.stderr).toContain(UNKNOWN_REVISION);
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    const again = runProcess('synth', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(again.stdout).toContain('(unchanged)');
    // said as the synthesis that compiled said it, and counted alike
    expect(again.stderr).toBe(first.stderr);
    const check = runProcess('check', [], dir, { PATH: `${bin}:${process.env.PATH}` });
    expect(check.stdout).toContain('dist/ is current');
    expect(check.stderr).toContain(UNKNOWN_REVISION);
    expect(check.status).toBe(0);
    // what the fingerprint's check asks in any case (the remotes, the refs), no more
    expect(readFileSync(log, 'utf8')).toBe(`git remote -v\n${REFS}`.repeat(2));
    // and a check that compiles says it too, as one after the record was spoilt (a hand's edit: not answered from)
    expect(runProcess('check', ['--no-cache'], dir).stderr).toContain(UNKNOWN_REVISION);
    const path = join(dir, '.stagecraft', 'fingerprint.json');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), deliveryWarnings: [1] }));
    const spoilt = runProcess('check', [], dir);
    expect(spoilt.stderr).toContain(UNKNOWN_REVISION);
    expect(spoilt.status).toBe(0);
  });

  it('is not said from a record whose warning was edited by hand into another shape: the command compiles, and says it once', () => {
    const { top, dir } = committed('infra/k8s');
    renamed(top);
    expect(runProcess('synth', [], dir).stderr).toContain(UNKNOWN_REVISION);
    const path = join(dir, '.stagecraft', 'fingerprint.json');
    const recorded = JSON.parse(readFileSync(path, 'utf8'));
    const [warning] = recorded.deliveryWarnings;
    const edits = [
      { hint: 5 },
      { location: 'stagecraft.yaml' },
      { lines: 'changed' },
      { severity: 'error' },
      { message: 'all is well\u202e, nothing to see' },
    ];
    for (const edit of edits) {
      for (const command of ['synth', 'check']) {
        // (what a command that compiled records is answered from: the edit is put back before each)
        writeFileSync(path, JSON.stringify({ ...recorded, deliveryWarnings: [{ ...warning, ...edit }] }));
        const r = runProcess(command, [], dir);
        expect(r.stderr).not.toContain('internal error');
        expect(r.stderr).not.toContain('\u202e');
        expect(r.stderr.split(UNKNOWN_REVISION)).toHaveLength(2);
        expect(r.stdout.split('qa: 3 objects').length).toBeLessThanOrEqual(2);
        expect(r.status).toBe(0);
      }
    }
  });

  it('is warned after a rename in a repository of 50,000 tags (a list past 1 MiB, said in time)', () => {
    const { top, dir } = committed('infra/k8s');
    const commit = spawnSync('git', ['-C', top, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    // as git pack-refs writes them, sorted: 50,000 tags, 1.6 MB of names
    const tags = Array.from({ length: 50_000 }, (_, i) => `${commit} refs/tags/release-${String(i).padStart(6, '0')}\n`);
    const branches = `${commit} refs/heads/main\n${commit} refs/remotes/origin/main\n`;
    writeFileSync(join(top, '.git', 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted \n${branches}${tags.join('')}`);
    for (const loose of ['refs/heads/main', 'refs/remotes/origin/main']) rmSync(join(top, '.git', loose));
    expect(runProcess('synth', [], dir).stderr).not.toContain('warning: delivery');
    // unchanged: main read from the packed-refs (3.3 MB), no list asked of git
    const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
    expect(runProcess('check', [], dir, { PATH: `${bin}:${process.env.PATH}` }).stdout).toContain('dist/ is current');
    expect(readFileSync(log, 'utf8')).toBe('git remote -v\n');
    renamed(top);
    const r = runProcess('synth', ['--verbose'], dir);
    expect(r.stderr).toContain(UNKNOWN_REVISION);
    expect(r.status).toBe(0);
  });

  it('is not warned while its remote was never fetched (added by hand: the branch may be one of its own)', () => {
    const { top, dir } = committed('infra/k8s');
    gitIn(top, 'branch', '-m', 'main', 'trunk');
    gitIn(top, 'update-ref', '-d', 'refs/remotes/origin/main');
    const r = runProcess('synth', ['--verbose'], dir);
    expect(r.stderr).not.toContain('warning: delivery');
    expect(r.status).toBe(0);
  });

  it("is not warned while the remote has the branch as last fetched, nor in a detached or shallow checkout (CI's)", () => {
    const { top, dir } = committed('infra/k8s');
    // renamed here alone: origin/main is there still
    gitIn(top, 'branch', '-m', 'main', 'trunk');
    gitIn(top, 'update-ref', 'refs/remotes/origin/trunk', 'HEAD');
    expect(runProcess('synth', ['--verbose'], dir).stderr).not.toContain('warning: delivery');
    gitIn(top, 'update-ref', '-d', 'refs/remotes/origin/main');
    gitIn(top, 'checkout', '-q', '--detach');
    expect(runProcess('synth', ['--verbose'], dir).stderr).not.toContain('warning: delivery');
    // a clone of depth 1, as CI makes it: its one branch trunk, and origin/trunk
    const clone = join(tempProject({}), 'clone');
    expect(spawnSync('git', ['clone', '-q', '--depth', '1', '--branch', 'trunk', `file://${top}`, clone]).status).toBe(0);
    gitIn(clone, 'remote', 'set-url', 'origin', 'https://git.example.com/team/app.git');
    expect(spawnSync('git', ['-C', clone, 'rev-parse', '--is-shallow-repository'], { encoding: 'utf8' }).stdout).toBe('true\n');
    const r = runProcess('synth', ['--verbose'], join(clone, 'infra', 'k8s'));
    expect(r.stderr).not.toContain('warning: delivery');
    expect(r.status).toBe(0);
  });
});

describe('a delivered project whose revision Argo CD resolves otherwise than as a branch', () => {
  /** `committed`'s, delivered by Argo CD at `revision`. */
  function argoCd(revision: string): { top: string; dir: string } {
    const made = committed('infra/k8s');
    const project = readFileSync(join(made.dir, 'stagecraft.yaml'), 'utf8')
      .replace('engine: flux', 'engine: argocd')
      .replace('nonprod: { kubeConfigSecret: nonprod-kubeconfig }', 'nonprod: { server: https://nonprod.example.com:6443 }')
      .replace('revision: main,', `revision: ${revision},`);
    writeFileSync(join(made.dir, 'stagecraft.yaml'), project);
    return made;
  }

  it('is not warned of a bare tag of the checkout (Argo CD resolves a bare revision against its tags too), and warned once the tag is gone', () => {
    const { top, dir } = argoCd('v1.2.3');
    gitIn(top, 'tag', 'v1.2.3');
    const r = runProcess('synth', ['--verbose'], dir);
    expect(r.stderr).not.toContain('warning: delivery');
    expect(r.status).toBe(0);
    gitIn(top, 'tag', '-d', 'v1.2.3');
    expect(runProcess('synth', ['--verbose'], dir).stderr).toContain(
      'delivery.repository.revision: "v1.2.3" is no branch or tag of this checkout, nor a branch of its remote origin',
    );
  });

  it('is not warned of a version range a tag of the checkout is in (Argo CD applies the highest), and warned once none is', () => {
    const { top, dir } = argoCd('1.2.x');
    gitIn(top, 'tag', 'v1.2.4');
    const r = runProcess('synth', ['--verbose'], dir);
    expect(r.stderr).not.toContain('warning: delivery');
    expect(r.status).toBe(0);
    gitIn(top, 'tag', '-d', 'v1.2.4');
    gitIn(top, 'tag', 'v1.3.0');
    expect(runProcess('synth', ['--verbose'], dir).stderr).toContain(
      'stagecraft.yaml:3:70: warning: delivery.repository.revision: "1.2.x" is a version range no tag of this checkout is in (Argo CD applies the highest tag in it)',
    );
  });

  it('is not warned of a commit written short (Argo CD looks it up as the commit), and asks Git nothing of it, nor of a whole one', () => {
    for (const commit of ['short', 'whole']) {
      const { top, dir } = argoCd('main');
      const head = spawnSync('git', ['-C', top, 'rev-parse', ...(commit === 'short' ? ['--short'] : []), 'HEAD'], { encoding: 'utf8' });
      // quoted: a commit of digits alone (0123456), or one YAML reads as a number (1e10234), is no string to YAML
      const project = readFileSync(join(dir, 'stagecraft.yaml'), 'utf8').replace('revision: main,', `revision: "${head.stdout.trim()}",`);
      writeFileSync(join(dir, 'stagecraft.yaml'), project);
      const { bin, log } = loggingGit(`exec '${REAL_GIT}' "$@"`);
      const r = runProcess('synth', ['--verbose'], dir, { PATH: `${bin}:${process.env.PATH}` });
      expect(r.stderr).not.toContain('warning: delivery');
      expect(r.status).toBe(0);
      expect(readFileSync(log, 'utf8')).not.toContain(REFS);
    }
  });
});
