import { describe, expect, it } from 'vitest';
import { loadProjectFile, projectPlaces } from '../../lib/config/project-file.js';
import { planDelivery } from '../../lib/delivery/plan.js';
import { deliveredStage } from '../../lib/delivery/stage.js';
import { formatProblem } from '../../lib/errors.js';
import { problemsThrownBy } from '../helpers/problems.js';

/** A project file delivering with `engine` from `url` at `revision`. */
const project = (engine: string, url: string, revision = 'main', secret = '') => `delivery:
  engine: ${engine}
  repository:
    url: ${url}
    revision: ${revision}
${secret ? `    secret: ${secret}\n` : ''}  clusters:
    nonprod: { server: https://nonprod.example.com:6443 }
`;

const problemsOf = (text: string): string[] => problemsThrownBy(() => loadProjectFile(text)).map(formatProblem);

/** The problems of the project file `text` once a stage delivered to its cluster nonprod with its settings is planned. */
const plannedProblemsOf = (text: string): string[] => {
  const stage = deliveredStage({ stage: 'qa', namespace: 'qa', source: 'environments/qa.yaml', delivery: { cluster: 'nonprod' } }, []);
  return planDelivery([stage], loadProjectFile(text), 'stagecraft.yaml', new Map(), projectPlaces(text)).problems.map(formatProblem);
};

describe('the project file', () => {
  it.each([
    [
      'git://',
      'git://git.example.com/platform/stagecraft.git',
      'write https://git.example.com/platform/stagecraft.git or ssh://git@git.example.com/platform/stagecraft.git, which Argo CD reads as well',
    ],
    [
      'scp-style',
      'git@git.example.com:platform/stagecraft.git',
      'write it as ssh://git@git.example.com/platform/stagecraft.git, which Argo CD reads as well',
    ],
  ])('refuses for Flux a %s repository URL, at its line and column, with the form Flux reads as hint', (_, url, hint) => {
    // read alone, the file may be meant for stages Argo CD delivers: the stages Flux delivers with it are refused
    expect(problemsOf(project('flux', url))).toEqual([]);
    expect(plannedProblemsOf(project('flux', url))).toEqual([
      `stagecraft.yaml:4:10: delivery.repository.url: Flux cannot clone '${url}': its GitRepository reads http://, https:// and ssh:// URLs only\n  hint: ${hint}`,
    ]);
  });

  it.each([
    ['1e10234', 'a commit written short that YAML reads as a number too large to be finite'],
    ['0123456', 'one that YAML reads as an octal number'],
    ['2024.10', 'a version YAML reads as a decimal'],
  ])('hints at a revision %s, %s, quoted as it is written', (revision) => {
    expect(problemsOf(project('argocd', 'https://git.example.com/a.git', revision))[0]).toMatch(
      new RegExp(`\\n  hint: quote it: revision: "${revision.replace('.', '\\.')}"$`),
    );
  });

  it('reads the file as a stage file is read: a merge conflict is one problem, a YAML error has a hint, a key may appear once', () => {
    const conflicted = `${project('argocd', 'https://git.example.com/a.git')}<<<<<<< HEAD\n    qa: { server: https://qa:6443 }\n=======\n>>>>>>> b\n`;
    expect(problemsOf(conflicted)).toEqual([
      'stagecraft.yaml:8:1: a git merge conflict (to line 11): the file holds both sides of a change between conflict markers, so it is not what either side meant\n' +
        '  hint: resolve the conflict: keep the lines you mean, delete the <<<<<<<, ======= and >>>>>>> lines (or git checkout --ours/--theirs the file), then run the command again',
    ]);
    expect(problemsOf('delivery:\n  engine: argocd\n\tx: 1\n')[0]).toContain('hint: indent with spaces');
    expect(problemsOf('delivery:\n  engine: argocd\n  engine: flux\n')).toEqual([
      "stagecraft.yaml:3:3: duplicate key 'engine'; each setting may appear once per mapping\n  hint: keep the one you mean and remove the other",
    ]);
  });

  it('refuses lines ending in a carriage return alone at the first, as a stage file does (not one comment that hides the settings)', () => {
    const cr = project('flux', 'git://git.example.com/a.git').replace(/\n/g, '\r');
    expect(problemsOf(`# shared\r${cr}`)).toEqual([
      expect.stringMatching(
        /^stagecraft\.yaml:1:9: this line ends with a carriage return alone .*\n {2}hint: save the file with LF line endings/,
      ),
    ]);
  });

  it('does not echo a repository URL with a password in it', () => {
    const problems = problemsOf(project('flux', 'git://deploy:s3cr3t-Pa55word@git.example.com/team/app.git'));
    expect(problems.join('\n')).not.toContain('s3cr3t');
    expect(problems).toContainEqual(
      expect.stringMatching(/^stagecraft\.yaml:4:10: delivery\.repository\.url: the repository URL carries a password/),
    );
  });

  it('refuses a secret in a comment of the project file, as in a stage file, never printed; words and placeholders in comments pass', () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    const text = `# deploy token ${token}\n${project('argocd', 'https://git.example.com/a.git')}  # admin password: Xk9vQ2mLr7pT\n`;
    // was: nothing said, and the file committed with both
    const problems = problemsOf(text);
    expect(problems.map((p) => p.split(' (a ')[0])).toEqual([
      'stagecraft.yaml:1:1: a comment holds a GitHub token',
      'stagecraft.yaml:9:3: a comment holds a setting with a secret\'s name and its value (password=..., "token": "...", --db-password=...) (setting \'password\')',
    ]);
    expect(problems.join('\n')).not.toContain(token);
    expect(problems.join('\n')).not.toContain('Xk9vQ2mLr7pT');
    expect(problems[0]).toContain('stagecraft.yaml is committed, comments too, so secret values never go in them');
    expect(problems[0]).toContain("hint: remove it from the comment (once committed, it stays in git's history: rotate it)");
    // with a problem of the schema too, said at once
    expect(problemsOf(`# ${token}\ndelivery: 3\n`).map((p) => p.split(':').slice(0, 3).join(':'))).toContain('stagecraft.yaml:1:1');
    expect(
      problemsOf(`# rotate the deploy token yearly\n# password: changeme\n${project('argocd', 'https://git.example.com/a.git')}`),
    ).toEqual([]);
  });

  it.each(['v1.2.3', '1.2.0', 'v2.0.1-rc.1'])(
    'refuses for Flux the bare revision %s, which reads as a tag, with its full ref as hint',
    (revision) => {
      expect(plannedProblemsOf(project('flux', 'https://git.example.com/team/app.git', revision))).toEqual([
        `stagecraft.yaml:5:15: delivery.repository.revision: Flux follows a bare revision as a branch, and '${revision}' reads as a tag: Flux would wait for a branch refs/heads/${revision}\n` +
          `  hint: write refs/tags/${revision} to follow the tag (refs/heads/${revision} if it is a branch), which Argo CD reads as well`,
      ]);
    },
  );

  it.each([
    ['flux', 'https://git.example.com/team/app.git', 'refs/tags/v1.2.3'],
    // with the Secret of its key: Flux clones no ssh:// URL without one
    ['flux', 'ssh://git@git.example.com/team/app.git', 'release-2', 'git-ssh'],
    ['flux', 'http://git.internal/team/app.git', '0123456789abcdef0123456789abcdef01234567'],
    ['argocd', 'git://git.example.com/team/app.git', 'v1.2.3'],
    ['argocd', 'git@git.example.com:team/app.git', 'refs/heads/main'],
  ])('accepts for %s the URL %s at the revision %s', (engine, url, revision, secret = '') => {
    expect(problemsOf(project(engine, url, revision, secret))).toEqual([]);
    expect(plannedProblemsOf(project(engine, url, revision, secret))).toEqual([]);
  });

  it.each([
    [
      'the repository URL',
      'delivery:\n  repository:\n    url: https://deploy:hunter2pass@git.example.com/platform/stagecraft.git\n',
      '3:10',
      // said as the credentials they are (delivery/repository-credentials), once
      'delivery.repository.url: the repository URL carries a password',
    ],
    [
      'a cluster server URL',
      'delivery:\n  clusters:\n    nonprod: { server: "https://admin:hunter2pass@nonprod.example.com:6443" }\n',
      '3:24',
      'delivery.clusters.nonprod.server holds a URL with a user and password',
    ],
    [
      'a cluster server URL whose password holds a /, with no path after the host',
      'delivery:\n  clusters:\n    nonprod: { server: "https://admin:12/hunter2pass@nonprod.example.com:6443" }\n',
      '3:24',
      "delivery.clusters.nonprod.server holds what may be a password holding a '/'",
    ],
    [
      'a cluster server URL whose password holds two /',
      'delivery:\n  clusters:\n    nonprod: { server: "https://admin:12/hunter/2pass@nonprod.k8s.example.com:6443" }\n',
      '3:24',
      "delivery.clusters.nonprod.server holds what may be a password holding a '/'",
    ],
    [
      'a cluster name',
      'delivery:\n  clusters:\n    ghp_0123456789abcdefghijABCDEFGHIJ012345: {}\n',
      '3:47',
      'a key under delivery.clusters is a GitHub',
    ],
  ])('refuses a secret value in %s at its line and column, without printing it, as a stage file would', (_, text, at, start) => {
    const problems = problemsOf(text);
    expect(problems.join('\n')).not.toMatch(/hunter2pass|hunter\/2pass|ghp_/);
    expect(problems).toContainEqual(expect.stringContaining(`stagecraft.yaml:${at}: ${start}`));
    expect(problems.find((p) => p.includes(start))).toMatch(/hidden\)|the URL is not printed/);
    expect(problems.filter((p) => p.startsWith(`stagecraft.yaml:${at}:`))).toHaveLength(1);
  });

  it("says of a cluster server whose password may run past its authority that a path's '@' is written %40, as of a repository URL", () => {
    const [problem] = problemsOf('delivery:\n  clusters:\n    nonprod: { server: "https://rancher.example.com/k8s/clusters/c@v1" }\n');
    expect(problem).toContain("delivery.clusters.nonprod.server holds what may be a password holding a '/'");
    expect(problem).toMatch(/hint: .*if the '@' is the path's, write it %40/);
  });

  it.each(['git@production.k8s.example.com:6443', 'ssh://production.k8s.example.com:6443', 'http://production.k8s.example.com:6443'])(
    'refuses the cluster server %s, which is no https:// API server URL, at its line and column',
    (server) => {
      expect(problemsOf(`delivery:\n  clusters:\n    production: { server: ${server} }\n`)).toEqual([
        `stagecraft.yaml:3:27: delivery.clusters.production.server must be an https:// API server URL (https://host:6443) (found "${server}")`,
      ]);
    },
  );

  it.each(['https://production.k8s.example.com:6443', 'https://rancher.example.com/k8s/clusters/c-m-1'])(
    'accepts the cluster server %s',
    (server) => {
      expect(problemsOf(`delivery:\n  clusters:\n    production: { server: ${server} }\n`)).toEqual([]);
    },
  );
});
