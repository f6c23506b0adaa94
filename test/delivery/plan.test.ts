/** What the delivery plan refuses of the stages' delivery: settings and the project file's, where, and with which hint. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectFile, projectPlaces } from '../../lib/config/project-file.js';
import { formatProblem } from '../../lib/errors.js';
import { planDelivery } from '../../lib/delivery/plan.js';
import { checkoutOf } from '../../lib/delivery/checkout.js';
import { deliveredStage, type DeliveredStage } from '../../lib/delivery/stage.js';
import { REPO, runCli, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';
import { problemsThrownBy } from '../helpers/problems.js';

const TOKEN = 'Zx8kLm3Qp9RtVw2Y';

const REFEREE = join(REPO, '..', 'shared', 'bin', 'k8s-strict-check');

/** A stage of no objects delivered as `delivery` says. */
const delivered = (name: string, delivery: DeliveredStage['delivery']): DeliveredStage =>
  deliveredStage({ stage: name, namespace: name, source: `environments/${name}.yaml`, delivery }, []);

/** The problems of the project file `text` once a stage delivered to its cluster nonprod with its settings is planned. */
const plannedProblems = (text: string): string[] =>
  planDelivery(
    [delivered('qa', { cluster: 'nonprod' })],
    loadProjectFile(text),
    'stagecraft.yaml',
    new Map(),
    projectPlaces(text),
  ).problems.map(formatProblem);
const HINT_START =
  'hint: write the URL as https://gitlab.example.com/platform/shop.git, and give the credentials to the engine where it keeps them';

describe('a repository URL with credentials in it', () => {
  it("is refused at a stage's url, with nothing written and the token printed nowhere", () => {
    const dir = tempProject({
      qa: deliveredStageFile(
        `{ cluster: nonprod, repository: { url: "https://gitlab.example.com/platform/shop.git?private_token=${TOKEN}" } }`,
      ),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "environments/qa.yaml:3:50: error: delivery.repository.url: the repository URL carries a query (private_token=...), which would go into dist/delivery/ (committed) and the engine's objects in the cluster; the URL is not printed",
    );
    expect(r.stderr).toContain(HINT_START);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(existsSync(join(dir, 'dist', 'delivery'))).toBe(false);
  });

  it.each([
    ['a password', `https://x-access-token:${TOKEN}@github.com/org/repo.git`, 'https://github.com/org/repo.git'],
    ['a query (private_token=...)', `https://github.com/org/repo.git?private_token=${TOKEN}`, 'https://github.com/org/repo.git'],
  ])(
    "is refused at a stage's url when it carries %s, whatever secrets.allow says: the token reaches neither dist/ nor the output",
    (carried, url, address) => {
      const allow = 'secrets: { allow: [{ path: delivery.repository.url, reason: a read-only deploy token }] }\n';
      const dir = tempProject({ qa: deliveredStageFile(`{ cluster: nonprod, repository: { url: "${url}" } }`, allow) });
      writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `environments/qa.yaml:3:50: error: delivery.repository.url: the repository URL carries ${carried}, which would go into dist/delivery/ (committed) and the engine's objects in the cluster; the URL is not printed (secrets.allow excuses no credentials in delivery.repository.url)\n` +
          `  hint: write the URL as ${address}, and give the credentials to the engine where it keeps them`,
      );
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
      expect(existsSync(join(dir, 'dist', 'delivery'))).toBe(false);
    },
  );

  it("is refused at the project file's url, whatever the engine", () => {
    const text = FLUX_PROJECT.replace('  engine: flux\n', '').replace(
      'url: https://git.example.com/team/app.git',
      `url: "https://gitlab.example.com/platform/shop.git?private_token=${TOKEN}"`,
    );
    const problems = problemsThrownBy(() => loadProjectFile(text)).map(formatProblem);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^stagecraft\.yaml:2:22: delivery\.repository\.url: the repository URL carries a query \(private_token=\.\.\.\)/,
    );
    expect(problems[0]).toContain(HINT_START);
    expect(problems[0]).not.toContain(TOKEN);
  });
});

describe('a repository URL as Azure DevOps or Bitbucket shows it to clone, with a user name', () => {
  it.each([
    ['argocd', 'argocd/10-qa.yaml', 'repoURL: '],
    ['flux', 'flux/00-stagecraft.yaml', 'url: '],
  ])('is delivered by %s as written, from the project file and from a stage file', (engine, file, field) => {
    const azure = 'https://contoso@dev.azure.com/contoso/shop/_git/app';
    const bitbucket = 'https://jdoe@bitbucket.org/team/app.git';
    const dir = tempProject({
      qa: deliveredStageFile('{ cluster: prod }'),
      production: deliveredStageFile(`{ cluster: prod, repository: { url: "${bitbucket}" } }`),
    });
    writeFileSync(
      join(dir, 'stagecraft.yaml'),
      FLUX_PROJECT.replace('engine: flux', `engine: ${engine}`).replace('https://git.example.com/team/app.git', azure),
    );
    const r = runCli('synth', [], dir);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const delivery = (path: string) => readFileSync(join(dir, 'dist', 'delivery', path), 'utf8');
    expect(delivery(file)).toContain(`${field}${azure}\n`);
    expect(delivery(engine === 'flux' ? file : `${engine}/10-production.yaml`)).toContain(`${field}${bitbucket}\n`);
  });
});

describe('two keys of delivery.clusters', () => {
  it('that name one cluster are refused at the later key, naming what they share: stages on each could own one namespace unseen', () => {
    const dir = tempProject({
      qa: deliveredStageFile('{ cluster: nonprod }'),
      staging: deliveredStageFile('{ cluster: nonprod-eu }', 'namespace: qa\n'),
    });
    writeFileSync(
      join(dir, 'stagecraft.yaml'),
      `${FLUX_PROJECT.replace('engine: flux', 'engine: argocd').replace('kubeConfigSecret: nonprod-kubeconfig', 'server: https://nonprod.example.com:6443')}    nonprod-eu: { server: "https://NONPROD.example.com:6443/" }\n`,
    );
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'stagecraft.yaml:7:17: error: delivery.clusters.nonprod-eu: the clusters nonprod and nonprod-eu are one cluster (the server https://nonprod.example.com:6443): ' +
        'two stages delivered to them could share a namespace or an object outside their namespaces unseen, each engine pruning or overwriting what the other applies\n' +
        '  hint: declare the cluster once: deliver the stages of nonprod-eu to nonprod (delivery: { cluster: nonprod }), give nonprod what nonprod-eu adds (a server and a kubeConfigSecret may sit together), and remove nonprod-eu\n',
    );
  });

  it.each([
    ['an Argo CD name', '{ name: eu }', '{ name: eu }', 'the Argo CD name eu'],
    [
      'a kubeconfig Secret',
      '{ kubeConfigSecret: eu }',
      '{ server: https://eu.example.com:6443, kubeConfigSecret: eu }',
      'the kubeconfig Secret eu',
    ],
  ])('that share %s are one cluster too', (_, a, b, named) => {
    const text = `delivery:\n  clusters:\n    a: ${a}\n    b: ${b}\n`;
    const { problems } = planDelivery([], loadProjectFile(text), 'stagecraft.yaml', new Map());
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining(`the clusters a and b are one cluster (${named})`)]);
  });

  it('that name other clusters, or one by its server and one by an Argo CD name, pass', () => {
    const text =
      'delivery:\n  clusters:\n    a: { server: https://a.example.com:6443 }\n    b: { server: https://b.example.com:6443 }\n    c: { name: c }\n';
    expect(planDelivery([], loadProjectFile(text), 'stagecraft.yaml', new Map()).problems).toEqual([]);
  });
});

describe("a stage that writes the project file's repository another way", () => {
  it('is followed by Flux through the GitRepository of the project, as the project file spells the URL, not a second one', () => {
    const dir = tempProject({
      qa: deliveredStageFile('{ cluster: nonprod }'),
      dev: deliveredStageFile('{ cluster: nonprod, repository: { url: "https://GIT.example.com/team/app/" } }', 'namespace: dev\n'),
      test: deliveredStageFile('{ cluster: nonprod, repository: { url: https://git.example.com/team/app, revision: release } }'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    const flux = join(dir, 'dist', 'delivery', 'flux');
    const repositories = readFileSync(join(flux, '00-stagecraft.yaml'), 'utf8');
    expect([...repositories.matchAll(/^ {2}name: (\S+)$/gm)].map((m) => m[1])).toEqual(['stagecraft', 'stagecraft-release']);
    expect([...repositories.matchAll(/^ {2}url: (\S+)$/gm)].map((m) => m[1])).toEqual([
      'https://git.example.com/team/app.git',
      'https://git.example.com/team/app.git',
    ]);
    expect(readFileSync(join(flux, '10-dev.yaml'), 'utf8')).toContain('  sourceRef:\n    kind: GitRepository\n    name: stagecraft\n');
  });
});

describe('a repository URL ending in a fragment', () => {
  const FRAGMENT_TOKEN = 's3cr3tV4lue';

  it('is refused whatever secrets.allow says when the secret screening finds a value in it, printing neither it nor the URL, dist/ untouched', () => {
    const allow = 'secrets: { allow: [{ path: delivery.repository.url, reason: a read-only deploy token }] }\n';
    const dir = tempProject({ dev: deliveredStageFile('{ cluster: nonprod }') });
    expect(runCli('synth', [], dir).code).toBe(0);
    const before = readFileSync(join(dir, 'dist', 'delivery', 'argocd', '10-dev.yaml'), 'utf8');
    const url = `https://git.example.com/app.git#token=${FRAGMENT_TOKEN}`;
    writeFileSync(join(dir, 'environments', 'dev.yaml'), deliveredStageFile(`{ cluster: nonprod, repository: { url: "${url}" } }`, allow));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `environments/dev.yaml:3:50: error: delivery.repository.url: the repository URL (a ${url.length}-character value, hidden) ends in a fragment (what follows its '#'), which is no part of a Git repository's address`,
    );
    expect(r.stderr).toContain(
      '  hint: write the URL without its fragment, and the branch or tag to follow as delivery.repository.revision',
    );
    expect(r.stdout + r.stderr).not.toContain(FRAGMENT_TOKEN);
    expect(r.stdout + r.stderr).not.toContain('git.example.com/app.git');
    expect(readFileSync(join(dir, 'dist', 'delivery', 'argocd', '10-dev.yaml'), 'utf8')).toBe(before);
    expect(readFileSync(join(dir, 'dist', 'delivery', 'argocd', '00-stagecraft.yaml'), 'utf8')).not.toContain(FRAGMENT_TOKEN);
  });

  it("of the project file's is said once, at its url line, whether or not the project file names an engine", () => {
    const project = FLUX_PROJECT.replace('  engine: flux\n', '').replace('app.git, revision: main', 'app.git#main, revision: main');
    const stages = Object.fromEntries(
      ['dev', 'qa', 'staging', 'prod'].map((s, i) => [s, deliveredStageFile(`{ cluster: prod, engine: ${i % 2 ? 'flux' : 'argocd'} }`)]),
    );
    for (const text of [project, `delivery:\n  engine: argocd\n${project.slice('delivery:\n'.length)}`]) {
      const dir = tempProject(stages);
      writeFileSync(join(dir, 'stagecraft.yaml'), text);
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(2);
      const said = r.stderr.split('\n').filter((l) => l.includes('ends in a fragment'));
      const line = text.split('\n').findIndex((l) => l.includes('#main')) + 1;
      expect(said).toEqual([
        `stagecraft.yaml:${line}:22: error: delivery.repository.url: the repository URL 'https://git.example.com/team/app.git#main' ends in a fragment (#main), which is no part of a Git repository's address: Git leaves it out when it clones, and Argo CD finds a private repository's credentials by the URL with it`,
      ]);
      expect(existsSync(join(dir, 'dist'))).toBe(false);
    }
  });

  it("of a stage's own is said at that stage's url, whatever its engine", () => {
    const dir = tempProject({
      dev: deliveredStageFile('{ cluster: prod, engine: argocd, repository: { url: "https://git.example.com/team/app.git#dev" } }'),
      qa: deliveredStageFile('{ cluster: prod, engine: flux, repository: { url: "https://git.example.com/team/app.git#qa" } }'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT.replace('  engine: flux\n', ''));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.includes('ends in a fragment'))).toEqual(
      ['dev', 'qa'].map(
        (s) =>
          `environments/${s}.yaml:3:${s === 'dev' ? 63 : 61}: error: delivery.repository.url: the repository URL 'https://git.example.com/team/app.git#${s}' ends in a fragment (#${s}), which is no part of a Git repository's address: Git leaves it out when it clones, and Argo CD finds a private repository's credentials by the URL with it`,
      ),
    );
  });
});

describe('a repository URL whose fragment names a revision (.git#<commit>, as npm and pip pin one)', () => {
  const COMMIT = '3f7a9c2e1b4d5a6f7081920a3b4c5d6e7f809a1b';

  it.each([
    [`#${COMMIT}`, `the commit ${COMMIT}`, COMMIT],
    [`#commit=${COMMIT}`, `the commit ${COMMIT}`, COMMIT],
    ['#release/2', 'release/2', 'release/2'],
    ['#refs/tags/v1.2.3', 'refs/tags/v1.2.3', 'refs/tags/v1.2.3'],
    ['#v1.2.3', 'refs/tags/v1.2.3', 'refs/tags/v1.2.3'],
  ])('(%s) has the hint offer what it names as the revision, which then loads for Flux', (fragment, offered, revision) => {
    const url = `https://github.com/acme/app.git${fragment}`;
    const problems = problemsThrownBy(() => loadProjectFile(`delivery:\n  engine: flux\n  repository: { url: "${url}" }\n`)).map(
      formatProblem,
    );
    expect(problems).toEqual([
      expect.stringContaining(`  hint: write the URL as https://github.com/acme/app.git, and ${offered} as delivery.repository.revision`),
    ]);
    const written = `delivery:\n  engine: flux\n  repository: { url: "https://github.com/acme/app.git", revision: "${revision}" }\n`;
    expect(() => loadProjectFile(written)).not.toThrow();
  });

  it('written short, offers the whole commit it stands for (Flux follows no other), and how to print it', () => {
    const problems = problemsThrownBy(() => loadProjectFile('delivery:\n  repository: { url: "git@github.com:acme/app.git#3f7a9c2" }\n'));
    expect(problems.map(formatProblem)).toEqual([
      expect.stringContaining(
        '  hint: write the URL as git@github.com:acme/app.git, and the whole commit 3f7a9c2 stands for as delivery.repository.revision (git rev-parse 3f7a9c2 prints it)',
      ),
    ]);
  });

  it.each(['#', '#HEAD', '#a..b', '#egg=app'])('(%s) names none, and the hint asks for the branch or tag', (fragment) => {
    const problems = problemsThrownBy(() =>
      loadProjectFile(`delivery:\n  repository: { url: "https://github.com/acme/app.git${fragment}" }\n`),
    );
    expect(problems.map(formatProblem)).toEqual([
      expect.stringContaining(
        '  hint: write the URL as https://github.com/acme/app.git, and the branch or tag to follow as delivery.repository.revision',
      ),
    ]);
  });
});

describe('a repository URL that is a page of the repository a Git host shows in a browser (copied from the address bar)', () => {
  it("is refused at a stage's url, which no engine could clone, with the repository's URL and the page's revision as hint; nothing written", () => {
    const dir = tempProject({
      qa: deliveredStageFile('{ cluster: nonprod, repository: { url: "https://github.com/acme/app/tree/main" } }'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "environments/qa.yaml:3:50: error: delivery.repository.url: the repository URL 'https://github.com/acme/app/tree/main' is a page of the repository that github.com shows in a browser, not its clone URL: Git finds no repository there, so Argo CD's sync and Flux's clone would fail\n" +
        "  hint: write the URL as https://github.com/acme/app, and main as delivery.repository.revision; the host's Clone button shows its clone URL\n",
    );
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it.each([
    ['https://github.com/acme/app/tree/main', 'https://github.com/acme/app', 'main'],
    [
      'https://github.com/acme/app/commit/3f7a9c2e1b4d5a6f7081920a3b4c5d6e7f809a1b',
      'https://github.com/acme/app',
      'the commit 3f7a9c2e1b4d5a6f7081920a3b4c5d6e7f809a1b',
    ],
    ['https://github.com/acme/app/releases/tag/v1.2.3', 'https://github.com/acme/app', 'refs/tags/v1.2.3'],
    ['https://gitlab.com/group/sub/app/-/tree/main', 'https://gitlab.com/group/sub/app', 'main'],
    // GitLab writes its branch and tag pages' addresses with a query of its own: a page, not credentials
    ['https://gitlab.com/group/sub/app/-/tree/main?ref_type=heads', 'https://gitlab.com/group/sub/app', 'main'],
    [
      'https://gitlab.example.com:8443/group/app/-/blob/release/2/dist/qa',
      'https://gitlab.example.com:8443/group/app',
      'the branch, tag or commit the page shows',
    ],
    ['https://gitea.example.com/org/app/src/tag/1.2.3', 'https://gitea.example.com/org/app', 'refs/tags/1.2.3'],
    ['https://bitbucket.org/team/app/src/main/', 'https://bitbucket.org/team/app', 'main'],
    // GitHub Enterprise Server on the company's own host: tree, blob and commits after two names are GitHub's pages anywhere
    ['https://github.acme.com/org/app/tree/main', 'https://github.acme.com/org/app', 'main'],
    ['https://git.example.com/team/app/tree/main', 'https://git.example.com/team/app', 'main'],
    [
      'https://ghe.example.com/org/app/blob/main/dist/qa/10-demoapp.yaml',
      'https://ghe.example.com/org/app',
      'the branch, tag or commit the page shows',
    ],
    ['https://acme.ghe.com/org/app/releases/tag/v2.0.0', 'https://acme.ghe.com/org/app', 'refs/tags/v2.0.0'],
    // Gitea and Forgejo served under a sub-path of the host (their ROOT_URL's path)
    ['https://git.example.com/git/org/app/src/branch/main', 'https://git.example.com/git/org/app', 'main'],
    ['https://example.com/tools/forgejo/org/app/src/tag/1.2.3', 'https://example.com/tools/forgejo/org/app', 'refs/tags/1.2.3'],
    // Bitbucket Server and Data Center, on their own host or under a sub-path: the clone URL is /scm/<project key>/<slug>.git
    [
      'https://bitbucket.example.com/projects/PLAT/repos/app/browse',
      'https://bitbucket.example.com/scm/plat/app.git',
      'the branch, tag or commit the page shows',
    ],
    [
      'https://git.example.com/bitbucket/projects/PLAT/repos/app/browse/dist/qa',
      'https://git.example.com/bitbucket/scm/plat/app.git',
      'the branch, tag or commit the page shows',
    ],
    // a page's link to a line or a heading (#L12, #readme): a page still, whose fragment names no revision
    [
      'https://github.com/acme/app/blob/main/dist/qa/10-demoapp.yaml#L12',
      'https://github.com/acme/app',
      'the branch, tag or commit the page shows',
    ],
    ['https://gitea.example.com/org/app/src/branch/main#readme', 'https://gitea.example.com/org/app', 'main'],
    // a user's own repository (/scm/~<user>/<slug>.git), the repository's page without /browse, and the
    // page of a branch, tag or commit picked in it (?at=, its own query: no credential)
    [
      'https://bitbucket.example.com/users/jdoe/repos/app/browse',
      'https://bitbucket.example.com/scm/~jdoe/app.git',
      'the branch, tag or commit the page shows',
    ],
    [
      'https://bitbucket.example.com/projects/PLAT/repos/app',
      'https://bitbucket.example.com/scm/plat/app.git',
      'the branch, tag or commit the page shows',
    ],
    [
      'https://bitbucket.example.com/projects/PLAT/repos/app/browse?at=refs%2Fheads%2Fmain',
      'https://bitbucket.example.com/scm/plat/app.git',
      'main',
    ],
    [
      'https://bitbucket.example.com/projects/PLAT/repos/app/browse?at=refs/tags/v1.2.3',
      'https://bitbucket.example.com/scm/plat/app.git',
      'refs/tags/v1.2.3',
    ],
    [
      'https://bitbucket.example.com/projects/PLAT/repos/app/commits?at=3f7a9c2e1b4d5a6f7081920a3b4c5d6e7f809a1b',
      'https://bitbucket.example.com/scm/plat/app.git',
      'the commit 3f7a9c2e1b4d5a6f7081920a3b4c5d6e7f809a1b',
    ],
  ])('%s: the hint gives the repository (which then loads) and what the page names', (url, repository, revision) => {
    const problems = problemsThrownBy(() => loadProjectFile(`delivery:\n  repository: { url: "${url}" }\n`)).map(formatProblem);
    expect(problems).toEqual([
      expect.stringContaining(`  hint: write the URL as ${repository}, and ${revision} as delivery.repository.revision`),
    ]);
    for (const engine of ['argocd', 'flux'])
      expect(() => loadProjectFile(`delivery:\n  engine: ${engine}\n  repository: { url: "${repository}" }\n`)).not.toThrow();
  });

  it.each([
    'https://github.com/acme/app',
    'https://github.com/acme/app.git',
    // a path that reads as a page only on a host serving those pages: a GitLab subgroup may be named commit or releases
    'https://git.example.com/team/app/commit/3f7a9c2e1b4d5a6f7081920a3b4c5d6e7f809a1b',
    'https://git.example.com/team/app/releases/tag/v1',
    // a GitLab project three groups deep whose groups are named as no GitHub page is
    'https://gitlab.example.com/team/app/trees/main',
    'https://gitlab.com/group/tree/app.git',
    // a clone URL (.git) whose folders are named as Gitea's pages are: a GitLab subgroup
    'https://gitlab.example.com/acme/platform/src/tag/app.git',
    'ssh://git@github.com/acme/app.git',
  ])('%s passes', (url) => {
    expect(() => loadProjectFile(`delivery:\n  repository: { url: "${url}" }\n`)).not.toThrow();
  });
});

describe('a repository URL whose query names a revision (?ref=main, as kustomize and Terraform write a branch)', () => {
  it.each([
    ['?path=/&version=GBmain', 'main'],
    ['?version=GBrelease/2', 'release/2'],
    ['?Version=GBmain', 'main'],
    ['?version=GTv1.2.3&_a=contents', 'refs/tags/v1.2.3'],
    ['?path=%2Fdist&version=GC3f7a9c2e1b4d5a6f7081920a3b4c5d6e7f809a1b', '3f7a9c2e1b4d5a6f7081920a3b4c5d6e7f809a1b'],
  ])(
    "of an Azure DevOps repository's page (%s) is refused as that, not as credentials, with the revision its version names",
    (query, revision) => {
      const url = `https://dev.azure.com/contoso/shop/_git/app${query}`;
      const problems = problemsThrownBy(() => loadProjectFile(`delivery:\n  repository: { url: "${url}" }\n`)).map(formatProblem);
      expect(problems).toEqual([expect.stringContaining(`the repository URL '${url}' names a revision in its query (${query})`)]);
      expect(problems[0]).toContain(
        `  hint: write the URL as https://dev.azure.com/contoso/shop/_git/app, and ${revision} as delivery.repository.revision`,
      );
      expect(() =>
        loadProjectFile(
          `delivery:\n  engine: flux\n  repository: { url: "https://dev.azure.com/contoso/shop/_git/app", revision: "${revision}" }\n`,
        ),
      ).not.toThrow();
    },
  );

  it('of an Azure DevOps page naming a commit written short offers the whole commit, which Flux follows, not the short one it refuses', () => {
    const url = 'https://dev.azure.com/contoso/shop/_git/app?version=GC3f7a9c2';
    const problems = problemsThrownBy(() => loadProjectFile(`delivery:\n  repository: { url: "${url}" }\n`)).map(formatProblem);
    expect(problems).toEqual([
      expect.stringContaining(
        '  hint: write the URL as https://dev.azure.com/contoso/shop/_git/app, and the whole commit 3f7a9c2 stands for as delivery.repository.revision (git rev-parse 3f7a9c2 prints it)',
      ),
    ]);
  });

  it("of an Azure DevOps page beside a token, or another host's query with a page's parameters, is refused as credentials, the token printed nowhere", () => {
    for (const url of [
      `https://dev.azure.com/contoso/shop/_git/app?path=/&token=${TOKEN}`,
      // a page's view (`_a`) is one of its own words, never a token
      `https://dev.azure.com/contoso/shop/_git/app?version=GBmain&_a=${TOKEN}`,
      'https://git.example.com/team/app.git?path=/&version=GBmain',
    ]) {
      const problems = problemsThrownBy(() => loadProjectFile(`delivery:\n  repository: { url: "${url}" }\n`)).map(formatProblem);
      expect(problems).toEqual([expect.stringContaining('the repository URL carries a query (')]);
      expect(problems[0]).not.toContain(TOKEN);
    }
  });

  it("is refused at a stage's url for what it is, with the revision setting as hint, not as credentials", () => {
    const dir = tempProject({
      qa: deliveredStageFile('{ cluster: nonprod, repository: { url: "https://git.example.com/team/app.git?ref=main" } }'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "environments/qa.yaml:3:50: error: delivery.repository.url: the repository URL 'https://git.example.com/team/app.git?ref=main' names a revision in its query (?ref=main), which no engine reads as one: " +
        "Git adds its own path and query after the URL, so the clone asks the host for no repository, and Argo CD finds a private repository's credentials by the URL with it\n" +
        '  hint: write the URL as https://git.example.com/team/app.git, and main as delivery.repository.revision\n',
    );
    expect(r.stderr).not.toContain('credentials to the engine');
    expect(r.stderr.match(/error:/g)).toHaveLength(1);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it("is refused at the project file's url line, whatever the engine", () => {
    const text = FLUX_PROJECT.replace('  engine: flux\n', '').replace('app.git, revision', 'app.git?ref=refs/tags/v1.2.3, revision');
    const problems = problemsThrownBy(() => loadProjectFile(text)).map(formatProblem);
    expect(problems).toEqual([
      expect.stringMatching(
        /^stagecraft\.yaml:2:22: delivery\.repository\.url: the repository URL 'https:\/\/git\.example\.com\/team\/app\.git\?ref=refs\/tags\/v1\.2\.3' names a revision in its query/,
      ),
    ]);
    expect(problems[0]).toContain(
      'hint: write the URL as https://git.example.com/team/app.git, and refs/tags/v1.2.3 as delivery.repository.revision',
    );
  });

  it.each([
    ['https://github.com/team/app?ref=v1.2.3&timeout=120s', 'v1.2.3'],
    ['https://github.com/team/app?submodules=false&ref=main', 'main'],
  ])("is refused for what it is beside kustomize's own remote parameters (%s), no credential", (url, revision) => {
    const problems = problemsThrownBy(() => loadProjectFile(`delivery:\n  repository: { url: "${url}" }\n`)).map(formatProblem);
    expect(problems).toEqual([
      `stagecraft.yaml:2:22: delivery.repository.url: the repository URL '${url}' names a revision in its query (${url.slice(url.indexOf('?'))}), which no engine reads as one: ` +
        "Git adds its own path and query after the URL, so the clone asks the host for no repository, and Argo CD finds a private repository's credentials by the URL with it\n" +
        `  hint: write the URL as https://github.com/team/app, and ${revision} as delivery.repository.revision`,
    ]);
  });

  it.each([
    [
      'another parameter beside it',
      `https://git.example.com/team/app.git?ref=main&private_token=${TOKEN}`,
      'a query (ref=...&private_token=...)',
    ],
    [
      'a value of a kustomize parameter that is none of its',
      `https://git.example.com/team/app.git?ref=main&timeout=${TOKEN}`,
      'a query (ref=...&timeout=...)',
    ],
    ['a value that is no revision', `https://git.example.com/team/app.git?ref=${TOKEN}%3D%3D`, 'a query (ref=...)'],
    [
      'a token as its user name',
      `https://${TOKEN}@git.example.com/team/app.git?ref=main`,
      'a user name (a token, as Git hosts take one there)',
    ],
  ])('is still refused as credentials with %s, the URL hidden', (_, url, carried) => {
    const problems = problemsThrownBy(() => loadProjectFile(`delivery:\n  repository: { url: "${url}" }\n`)).map(formatProblem);
    expect(problems).toEqual([expect.stringContaining(`the repository URL carries ${carried}, which would go into dist/delivery/`)]);
    expect(problems[0]).not.toContain(TOKEN);
  });
});

describe("a cluster's server as the kubeconfig writes it", () => {
  // Argo CD finds a cluster by its server as written, and argocd cluster add registers the kubeconfig's:
  // an EKS endpoint's host in capitals, an AKS server's :443; another spelling names a cluster it does not know
  it.each([
    ['an EKS endpoint, its host in capitals', 'https://A51B42A65F7E54005C95A4D353916627.gr7.eu-west-1.eks.amazonaws.com'],
    ['an AKS server with :443', 'https://myaks-dns-87c7c7d1.hcp.eastus.azmk8s.io:443'],
  ])('is taken as written, %s, into the Application', (_, server) => {
    const dir = tempProject({ qa: deliveredStageFile('{ cluster: prod }') });
    writeFileSync(
      join(dir, 'stagecraft.yaml'),
      FLUX_PROJECT.replace('engine: flux', 'engine: argocd').replace('https://prod.example.com:6443', server),
    );
    const r = runCli('synth', [], dir);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'delivery', 'argocd', '10-qa.yaml'), 'utf8')).toContain(`server: ${server}\n`);
  });

  it.each([
    'https://prod.example.com:6443',
    'https://prod.example.com',
    'https://prod.example.com:443/',
    'https://PROD.example.com:6443',
    'https://[fd00::1]:6443',
    'https://rancher.example.com/k8s/clusters/C-Ab12',
  ])('%s passes', (server) => {
    const text = `delivery:\n  clusters:\n    prod: { server: "${server}" }\n`;
    expect(planDelivery([], loadProjectFile(text), 'stagecraft.yaml', new Map()).problems).toEqual([]);
  });
});

describe("a repository URL that writes its scheme's default port", () => {
  it.each([
    ['https://git.example.com:443/team/app.git', ':443', 'https', 'https://git.example.com/team/app.git'],
    ['ssh://git@git.example.com:22/team/app.git', ':22', 'ssh', 'ssh://git@git.example.com/team/app.git'],
    ['http://git.example.com:80/team/app.git', ':80', 'http', 'http://git.example.com/team/app.git'],
    // with leading zeros, which Git and new URL() read as the number
    ['https://git.example.com:0443/team/app.git', ':0443', 'https', 'https://git.example.com/team/app.git'],
    ['ssh://git@git.example.com:022/team/app.git', ':022', 'ssh', 'ssh://git@git.example.com/team/app.git'],
  ])(
    "%s is refused once at the project file's url for the stages Argo CD delivers with it, with the URL without it: Argo CD would not find its credentials",
    (url, port, scheme, address) => {
      const text = `delivery:\n  engine: argocd\n  repository: { url: "${url}" }\n  clusters: { prod: { server: "https://prod.example.com:6443" } }\n`;
      const stages = [delivered('qa', { cluster: 'prod' }), delivered('production', { cluster: 'prod' })];
      const places = projectPlaces(text);
      const { problems } = planDelivery(stages, loadProjectFile(text), 'stagecraft.yaml', new Map(), places);
      expect(problems.map(formatProblem)).toEqual([
        `stagecraft.yaml:3:22: delivery.repository.url: the repository URL '${url}' writes the default port of ${scheme} (${port}), which Argo CD keeps when it finds a private repository's credentials by the URL: those given for ${address} (argocd repo add) would not be found\n` +
          `  hint: write the URL as ${address}`,
      ]);
    },
  );

  it('passes in a project file whose engine is Argo CD when every stage is delivered by Flux, which reads it, and is written so', () => {
    const url = 'https://git.example.com:443/team/app.git';
    const dir = tempProject({
      qa: deliveredStageFile('{ cluster: nonprod, engine: flux }'),
      production: deliveredStageFile('{ cluster: prod, engine: flux }'),
    });
    const project = FLUX_PROJECT.replace('engine: flux', 'engine: argocd').replace('https://git.example.com/team/app.git', url);
    writeFileSync(join(dir, 'stagecraft.yaml'), project);
    const r = runCli('synth', [], dir);
    expect(r.stderr).not.toContain('default port');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'delivery', 'flux', '00-stagecraft.yaml'), 'utf8')).toContain(`  url: ${url}\n`);
    expect(existsSync(join(dir, 'dist', 'delivery', 'argocd'))).toBe(false);
  });

  it.each(['https://git.example.com:443/team/app.git', 'ssh://git@git.example.com:22/team/app.git'])(
    '%s passes for Flux, which clones it as written with the Secret its GitRepository names, and is written so',
    (url) => {
      const dir = tempProject({ qa: deliveredStageFile('{ cluster: nonprod }') });
      // with its Secret: Flux clones no ssh:// URL without a key
      const text = FLUX_PROJECT.replace('https://git.example.com/team/app.git', url).replace(
        'revision: main }',
        'revision: main, secret: git-ssh }',
      );
      writeFileSync(join(dir, 'stagecraft.yaml'), text);
      const r = runCli('synth', [], dir);
      expect(r.stderr).not.toContain('default port');
      expect(r.code).toBe(0);
      expect(readFileSync(join(dir, 'dist', 'delivery', 'flux', '00-stagecraft.yaml'), 'utf8')).toContain(`  url: ${url}\n`);
    },
  );

  it("is refused, in a project file that names no engine, at the engine line of a stage Argo CD delivers, and passes for Flux's", () => {
    const dir = tempProject({
      qa: deliveredStageFile('{ cluster: prod, engine: flux }'),
      production: deliveredStageFile('{ cluster: prod, engine: argocd }'),
    });
    const project = FLUX_PROJECT.replace('  engine: flux\n', '').replace('https://git.example.com/', 'https://git.example.com:443/');
    expect(() => loadProjectFile(project)).not.toThrow();
    writeFileSync(join(dir, 'stagecraft.yaml'), project);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.match(/ error: /g)).toHaveLength(1);
    expect(r.stderr).toContain(
      "environments/production.yaml:3:36: error: delivery.engine: the repository URL 'https://git.example.com:443/team/app.git' writes the default port of https (:443), which Argo CD keeps when it finds a private repository's credentials by the URL: those given for https://git.example.com/team/app.git (argocd repo add) would not be found (stagecraft.yaml's delivery.repository.url)\n" +
        '  hint: write the URL as https://git.example.com/team/app.git',
    );
  });

  it.each([
    ['https://git.example.com:443/team/app.git?ref=main', 'https://git.example.com/team/app.git, and main as'],
    ['ssh://git@git.example.com:22/team/app.git#main', 'ssh://git@git.example.com/team/app.git, and main as'],
  ])('beside a query or fragment naming a revision (%s), is left out of the URL the hint gives, which then loads', (url, hint) => {
    const problems = problemsThrownBy(() => loadProjectFile(`delivery:\n  repository: { url: "${url}" }\n`)).map(formatProblem);
    expect(problems).toEqual([expect.stringContaining(`  hint: write the URL as ${hint}`)]);
    const written = hint.slice(0, hint.indexOf(','));
    expect(() => loadProjectFile(`delivery:\n  repository: { url: "${written}" }\n`)).not.toThrow();
  });

  it('is refused at the url of a stage Argo CD delivers too', () => {
    const dir = tempProject({
      qa: deliveredStageFile('{ cluster: nonprod, repository: { url: "https://git.example.com:443/team/app.git" } }'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT.replace('engine: flux', 'engine: argocd'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "environments/qa.yaml:3:50: error: delivery.repository.url: the repository URL 'https://git.example.com:443/team/app.git' writes the default port of https (:443)",
    );
  });

  it.each(['https://git.example.com:8443/team/app.git', 'ssh://git@git.example.com:2222/team/app.git', 'git@git.example.com:team/app.git'])(
    '%s passes',
    (url) => {
      expect(() => loadProjectFile(`delivery:\n  repository: { url: "${url}" }\n`)).not.toThrow();
    },
  );
});

describe('an scp-style URL whose path starts with a number (git@host:2222/team/app.git), for Flux', () => {
  it('is refused with both readings as hint: the path Git reads, and the port it was likely meant as', () => {
    const text = FLUX_PROJECT.replace('url: https://git.example.com/team/app.git', 'url: git@git.example.com:2222/team/app.git');
    const problems = plannedProblems(text);
    expect(problems).toEqual([
      expect.stringContaining(
        '  hint: write it as ssh://git@git.example.com/2222/team/app.git, as Git reads it, or as ssh://git@git.example.com:2222/team/app.git if 2222 is the ssh port, which Argo CD reads as well',
      ),
    ]);
  });

  it('offers, for 22, the URL without the port (the ssh default, refused when written), each offered URL loading', () => {
    const text = FLUX_PROJECT.replace('url: https://git.example.com/team/app.git', 'url: git@git.example.com:22/team/app.git').replace(
      'revision: main }',
      'revision: main, secret: git-ssh }',
    );
    const problems = plannedProblems(text);
    expect(problems).toEqual([
      expect.stringContaining(
        '  hint: write it as ssh://git@git.example.com/22/team/app.git, as Git reads it, or as ssh://git@git.example.com/team/app.git if 22 is the ssh port, which Argo CD reads as well',
      ),
    ]);
    for (const url of ['ssh://git@git.example.com/22/team/app.git', 'ssh://git@git.example.com/team/app.git'])
      expect(plannedProblems(text.replace('git@git.example.com:22/team/app.git', url))).toEqual([]);
  });
});

describe('a revision no Git ref can be named', () => {
  it("HEAD, Argo CD's default branch, is refused for Flux, which follows it as a branch none can be named, with the branch by name as hint", () => {
    const text = (engine: string) =>
      `delivery:\n  engine: ${engine}\n  repository: { url: https://git.example.com/team/app.git, revision: HEAD }\n  clusters:\n    nonprod: { server: https://nonprod.example.com:6443 }\n`;
    expect(plannedProblems(text('flux'))).toEqual([
      "stagecraft.yaml:3:70: delivery.repository.revision: Flux follows a bare revision as a branch, and no branch can be named HEAD (git check-ref-format --branch): Flux would wait for a branch refs/heads/HEAD, where Argo CD reads HEAD as the repository's default branch\n" +
        '  hint: write the default branch by its name (main), which Argo CD reads as well',
    ]);
    expect(plannedProblems(text('argocd'))).toEqual([]);
  });

  it.each(['3f7a9c2', '3F7A9C2E81B7', '3f7a9c2e81b7d4f60a5e3c9b1d2f4a6e8c0b7d9', '2024dec'])(
    '%s, a commit written short, is refused for Flux, which follows it as a branch, with the whole commit (or the full ref of a branch so named) as hint; Argo CD looks it up',
    (revision) => {
      const text = (engine: string) =>
        `delivery:\n  engine: ${engine}\n  repository: { url: https://git.example.com/team/app.git, revision: ${revision} }\n  clusters:\n    nonprod: { server: https://nonprod.example.com:6443 }\n`;
      expect(plannedProblems(text('flux'))).toEqual([
        `stagecraft.yaml:3:70: delivery.repository.revision: Flux follows a bare revision as a branch, and '${revision}' reads as a commit written short (${revision.length} hex digits): Flux would wait for a branch refs/heads/${revision}, where Argo CD looks the commit up\n` +
          `  hint: write the whole 40-hex commit (git rev-parse ${revision} prints it; refs/heads/${revision} if it is a branch), which Argo CD reads as well`,
      ]);
      expect(plannedProblems(text('argocd'))).toEqual([]);
      // a branch so named, as the hint writes it
      expect(plannedProblems(text('flux').replace(`revision: ${revision}`, `revision: refs/heads/${revision}`))).toEqual([]);
    },
  );

  it.each(['v1.2.3', 'V1.2.3', 'V2.0.1-RC.1', '2.0.1-rc.1'])(
    '%s, a tag, is refused for Flux, which follows it as a branch, with its full ref as hint',
    (revision) => {
      const text = `delivery:\n  engine: flux\n  repository: { url: https://git.example.com/team/app.git, revision: ${revision} }\n  clusters:\n    nonprod: { server: https://nonprod.example.com:6443 }\n`;
      expect(plannedProblems(text)).toEqual([
        `stagecraft.yaml:3:70: delivery.repository.revision: Flux follows a bare revision as a branch, and '${revision}' reads as a tag: Flux would wait for a branch refs/heads/${revision}\n` +
          `  hint: write refs/tags/${revision} to follow the tag (refs/heads/${revision} if it is a branch), which Argo CD reads as well`,
      ]);
    },
  );

  it.each(['defaced', 'deadbeef', '1234567', 'cafe12', 'release-2024'])(
    '%s, which no commit written short reads as, is followed as a branch by Flux',
    (revision) => {
      const text = `delivery:\n  engine: flux\n  repository: { url: https://git.example.com/team/app.git, revision: "${revision}" }\n  clusters:\n    nonprod: { server: https://nonprod.example.com:6443 }\n`;
      expect(plannedProblems(text)).toEqual([]);
    },
  );

  it.each(['1.2.*', '>=1.2.0 <1.3.0', '~1.2', '^1.2.3', '1.2 - 1.4', '<1 || >=2.1, !=2.1.4', '1.2 - 1.4 !=1.3.0'])(
    '%s, a range of version tags Argo CD applies the highest of, is followed by Argo CD and refused for Flux with the way out',
    (revision) => {
      const text = (engine: string) =>
        `delivery:\n  engine: ${engine}\n  repository: { url: https://git.example.com/team/app.git, revision: "${revision}" }\n  clusters:\n    nonprod: { server: https://nonprod.example.com:6443 }\n`;
      expect(plannedProblems(text('argocd'))).toEqual([]);
      expect(plannedProblems(text('flux'))).toEqual([
        `stagecraft.yaml:3:70: delivery.repository.revision: Flux follows a bare revision as a branch, and '${revision}' is a range of version tags, which no branch can be named: Flux would wait for a branch that never is, where Argo CD applies the highest tag in the range\n` +
          '  hint: write the tag Flux should follow as its full ref (refs/tags/v1.2.3), or deliver the stage with Argo CD (engine: argocd)',
      ]);
    },
  );

  it.each(['main branch', 'feature/*', '~main', 'v1.2 || main', '> = 1.2'])(
    '%s, no ref and no range of version tags, is refused for either engine, where the schema took it for a range',
    (revision) => {
      for (const engine of ['argocd', 'flux']) {
        const text = `delivery:\n  engine: ${engine}\n  repository: { url: https://git.example.com/team/app.git, revision: "${revision}" }\n  clusters:\n    nonprod: { server: https://nonprod.example.com:6443 }\n`;
        expect(plannedProblems(text)).toEqual([
          `stagecraft.yaml:3:70: delivery.repository.revision: no branch or tag stagecraft follows can be named '${revision}' (one of letters, digits, '.', '/', '_' and '-': a blank, *, ~ or ^ is in no Git ref's name), nor is it a range of version tags Argo CD reads (1.2.*, >=1.2.0 <1.3.0), so neither engine finds it\n` +
            '  hint: write the branch, tag or commit as Git names it (git branch -a and git tag list them), such as main, release/2 or refs/tags/v1.2.3',
        ]);
      }
    },
  );

  it.each(['release/', '-main', 'feature..x', 'team/.hidden', 'v2.lock', 'team.lock/x', 'a//b'])(
    "%s is refused for either engine, at the stage's revision or once at the project file's",
    (revision) => {
      for (const engine of ['argocd', 'flux']) {
        const text = `delivery:\n  engine: ${engine}\n  repository: { url: https://git.example.com/team/app.git, revision: "${revision}" }\n  clusters:\n    nonprod: { server: https://nonprod.example.com:6443 }\n`;
        expect(plannedProblems(text)).toEqual([
          expect.stringMatching(
            new RegExp(
              `^stagecraft\\.yaml:3:70: delivery\\.repository\\.revision: no Git branch or tag can be named '${revision.replace(/[.]/g, '\\.')}': it .* \\(git check-ref-format\\), so neither engine finds it`,
            ),
          ),
        ]);
        const own = deliveredStage(
          { stage: 'qa', namespace: 'qa', source: 'environments/qa.yaml', delivery: { cluster: 'nonprod', repository: { revision } } },
          [],
        );
        const fine = text.replace(`"${revision}"`, 'main');
        const [problem, ...more] = planDelivery([own], loadProjectFile(fine), 'stagecraft.yaml', new Map()).problems;
        expect(more).toEqual([]);
        expect(problem.subject).toBe('environments/qa.yaml: delivery.repository.revision');
        expect(problem.message).toMatch(/^no Git branch or tag can be named/);
      }
    },
  );

  it.each([
    'main',
    'release/2',
    'release/1.2',
    'refs/heads/main',
    'feature/JIRA-12_x',
    'a./b',
    'team.locked/x',
    'refs/heads/-x',
    'my.branch',
    'release-1.2',
    '0123456789abcdef0123456789abcdef01234567',
  ])('%s passes', (revision) => {
    const text = `delivery:\n  engine: argocd\n  repository: { url: https://git.example.com/team/app.git, revision: "${revision}" }\n  clusters:\n    nonprod: { server: https://nonprod.example.com:6443 }\n`;
    expect(plannedProblems(text)).toEqual([]);
  });
});

describe('an AWS CodeCommit ssh URL, whose user is the SSH key ID IAM gives a public key (APKA...)', () => {
  const KEY_ID = 'APKAJ3W7Q5YK2ZXHNM4P';

  it.each([
    `ssh://${KEY_ID}@git-codecommit.us-east-2.amazonaws.com/v1/repos/MyDemoRepo`,
    `${KEY_ID}@git-codecommit.cn-north-1.amazonaws.com.cn:v1/repos/MyDemoRepo`,
  ])('%s loads: that ID is no secret (lib/model/token-secret-rules.ts)', (url) => {
    expect(() => loadProjectFile(`delivery:\n  engine: argocd\n  repository: { url: "${url}" }\n`)).not.toThrow();
  });

  it.each([
    // an access key id at that place, the key ID at another host or another place, stays refused as an AWS access key id
    'ssh://AKIAIOSFODNN7EXAMPLE@git-codecommit.us-east-2.amazonaws.com/v1/repos/MyDemoRepo',
    `ssh://${KEY_ID}@git.example.com/v1/repos/MyDemoRepo`,
    `https://git-codecommit.us-east-2.amazonaws.com/v1/repos/${KEY_ID}`,
  ])('%s is refused, the value hidden', (url) => {
    const problems = problemsThrownBy(() => loadProjectFile(`delivery:\n  repository: { url: "${url}" }\n`)).map(formatProblem);
    expect(problems).toEqual([expect.stringContaining('holds an AWS access key id')]);
    expect(problems[0]).not.toMatch(/A[KP]IA[A-Z0-9]{16}/);
  });
});

describe("a project in a directory of its Git repository (a monorepo's), which the engines read dist/<stage> under", () => {
  /** A Git work tree holding the project (stagecraft.yaml `text`, a stage qa delivered to nonprod) in its directory `inner`. */
  function monorepo(inner: string, text: string): string {
    const top = tempProject({});
    const dir = join(top, inner);
    mkdirSync(join(dir, 'environments'), { recursive: true });
    writeFileSync(join(dir, 'environments', 'qa.yaml'), deliveredStageFile('{ cluster: nonprod }'));
    writeFileSync(join(dir, 'stagecraft.yaml'), text);
    expect(spawnSync('git', ['init', '-q', top]).status).toBe(0);
    return dir;
  }
  const INNER = 'Plattform Überblick/k8s';

  it.each([
    ['flux', FLUX_PROJECT],
    [
      'argocd',
      FLUX_PROJECT.replace('engine: flux', 'engine: argocd').replace(
        '{ kubeConfigSecret: nonprod-kubeconfig }',
        '{ server: https://nonprod.example.com:6443 }',
      ),
    ],
  ])(
    'is refused (%s) while the project file does not say where, at its repository:, with the path Git gives as hint; nothing written',
    (_, text) => {
      const dir = monorepo(INNER, text);
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `stagecraft.yaml:3:15: error: delivery.repository: the project is at '${INNER}' in its Git repository (git rev-parse --show-prefix), not at the repository's top, as delivery.repository.path unsaid means: Argo CD's path and Flux's spec.path (dist/<stage>) are read from the repository's top, so each engine would find no directory there, and no stage would be applied\n` +
          `  hint: write delivery: { repository: { path: "${INNER}" } } in stagecraft.yaml (the engines then read ${INNER}/dist/<stage>)\n`,
      );
      expect(existsSync(join(dir, 'dist'))).toBe(false);
    },
  );

  it.each([
    ['flux', FLUX_PROJECT, 'flux', `  path: ./${INNER}/dist/qa\n`],
    [
      'argocd',
      FLUX_PROJECT.replace('engine: flux', 'engine: argocd').replace(
        '{ kubeConfigSecret: nonprod-kubeconfig }',
        '{ server: https://nonprod.example.com:6443 }',
      ),
      'argocd',
      `    path: ${INNER}/dist/qa\n`,
    ],
  ])(
    'is delivered from that directory once it says it (%s), a path of a space and unicode the referee and kubectl kustomize accept',
    (_, text, engine, line) => {
      const dir = monorepo(INNER, text.replace('revision: main }', `revision: main, path: "${INNER}" }`));
      const r = runCli('synth', [], dir);
      expect(r.stderr).not.toContain('error');
      expect(r.code).toBe(0);
      expect(readFileSync(join(dir, 'dist', 'delivery', engine, '10-qa.yaml'), 'utf8')).toContain(line);
      const k = spawnSync('kubectl', ['kustomize', join(dir, 'dist', 'delivery', engine)], { encoding: 'utf8' });
      expect(k.stderr).toBe('');
      const referee = spawnSync(REFEREE, [join(dir, 'dist')], { encoding: 'utf8' });
      expect(referee.stdout + referee.stderr).toMatch(/ 0 invalid, 0 unknown kinds/);
    },
  );

  it('is refused when it says a directory Git does not (the project at the top), at its path:, the hint to remove it', () => {
    const dir = monorepo('.', FLUX_PROJECT.replace('revision: main }', 'revision: main, path: infra/k8s }'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "stagecraft.yaml:3:82: error: delivery.repository.path: the project is at the repository's top in its Git repository (git rev-parse --show-prefix), not at 'infra/k8s', where this says",
    );
    expect(r.stderr).toContain('  hint: remove delivery.repository.path from stagecraft.yaml\n');
  });

  it('is taken as said where no Git says where the project is (dist/ built outside a checkout)', () => {
    const { plans, problems } = planDelivery(
      [delivered('qa', { cluster: 'nonprod' })],
      loadProjectFile(FLUX_PROJECT.replace('revision: main }', 'revision: main, path: infra/k8s }')),
      'stagecraft.yaml',
      new Map(),
    );
    expect(problems).toEqual([]);
    expect(plans.map((p) => p.path)).toEqual(['infra/k8s/dist/qa']);
  });

  it.each(['/infra/k8s', 'infra/k8s/', 'infra//k8s', 'infra/../k8s', './k8s', '.', 'infra\\\\k8s'])(
    'is schema-checked: %s is refused at its line',
    (path) => {
      const text = `delivery:\n  repository: { url: https://git.example.com/team/app.git, path: "${path}" }\n`;
      expect(problemsThrownBy(() => loadProjectFile(text)).map(formatProblem)).toEqual([
        expect.stringContaining(
          "stagecraft.yaml:2:66: delivery.repository.path must be the project's directory in the repository, relative to its top (infra/k8s)",
        ),
      ]);
    },
  );
});

describe('a dist/ that CI copies into a deploy repository, which the engines read (delivery.repository.copied)', () => {
  const DEPLOY = 'https://git.example.com/platform/deploy.git';
  /** The project at the top of its own Git work tree (remote origin `origin`), delivering from `DEPLOY` at `teams/shop` unless `text` says otherwise. */
  function ownCheckout(text: string, origin = 'https://git.example.com/team/app.git'): string {
    const dir = tempProject({ qa: deliveredStageFile('{ cluster: nonprod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), text);
    expect(spawnSync('git', ['init', '-q', dir]).status).toBe(0);
    expect(spawnSync('git', ['-C', dir, 'remote', 'add', 'origin', origin]).status).toBe(0);
    return dir;
  }
  const deploying = (extra: string) =>
    FLUX_PROJECT.replace('https://git.example.com/team/app.git, revision: main }', `${DEPLOY}, revision: main, path: teams/shop${extra} }`);

  it("is refused without it, as where this checkout's Git says the project is not (its top), with copied: true in the hint, since the URL is none of its remotes", () => {
    const dir = ownCheckout(deploying(''));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "stagecraft.yaml:3:89: error: delivery.repository.path: the project is at the repository's top in its Git repository (git rev-parse --show-prefix), not at 'teams/shop', where this says",
    );
    expect(r.stderr).toContain(
      `  hint: remove delivery.repository.path from stagecraft.yaml; or, if CI copies this project's dist/ into ${DEPLOY} (none of this checkout's remotes: origin), at teams/shop/dist, write copied: true beside it, under delivery.repository\n`,
    );
  });

  it('is delivered from that repository at its path once it says so, the layout there taken as said; the referee and kubectl kustomize accept it', () => {
    const dir = ownCheckout(deploying(', copied: true'));
    const r = runCli('synth', [], dir);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const written = readFileSync(join(dir, 'dist', 'delivery', 'flux', '10-qa.yaml'), 'utf8');
    expect(written).toContain('  path: ./teams/shop/dist/qa\n');
    expect(readFileSync(join(dir, 'dist', 'delivery', 'flux', '00-stagecraft.yaml'), 'utf8')).toContain(`url: ${DEPLOY}`);
    const k = spawnSync('kubectl', ['kustomize', join(dir, 'dist', 'delivery', 'flux')], { encoding: 'utf8' });
    expect(k.stderr).toBe('');
    const referee = spawnSync(REFEREE, [join(dir, 'dist')], { encoding: 'utf8' });
    expect(referee.stdout + referee.stderr).toMatch(/ 0 invalid, 0 unknown kinds/);
  });

  it.each([
    ['written alike', DEPLOY],
    ['written another way (ssh, without .git)', 'git@git.example.com:platform/deploy'],
    // Git reads it as ssh to git.example.com, the user from an ssh config; once read as scheme 'git.example.com:' with host 'platform'
    ['written scp-style without a user', 'git.example.com:platform/deploy.git'],
    // one repository to GitHub, GitLab and Argo CD
    ['written in other case', 'https://git.example.com/Platform/Deploy.git'],
  ])(
    "is refused when the repository is this checkout's own (its remote, %s): the path Git says is then checked, and the remote's credentials are never shown",
    (_, origin) => {
      const dir = ownCheckout(deploying(', copied: true'), origin.replace('https://', 'https://ci:glpat-abcdefghijklmnop1234@'));
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `stagecraft.yaml:3:109: error: delivery.repository.copied: ${DEPLOY} is this project's own repository (git remote origin), not one CI copies dist/ into, so the engines read dist/<stage> where the project is in it, which Git says\n`,
      );
      expect(r.stderr).toContain('  hint: remove copied: true from delivery.repository in stagecraft.yaml\n');
      expect(r.stderr).toContain("error: delivery.repository.path: the project is at the repository's top");
      expect(r.stderr).not.toContain('glpat-');
    },
  );

  it.each([
    ['its push URL (remote.origin.pushurl)', 'pushurl'],
    ['a second URL it pushes to too (git remote set-url --add)', 'url'],
  ])("is refused when the repository is %s: this checkout's commits go there, so its layout is this checkout's", (_, key) => {
    const dir = ownCheckout(deploying(', copied: true'));
    expect(spawnSync('git', ['-C', dir, 'config', '--add', `remote.origin.${key}`, 'git@git.example.com:platform/deploy.git']).status).toBe(
      0,
    );
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `stagecraft.yaml:3:109: error: delivery.repository.copied: ${DEPLOY} is this project's own repository (git remote origin)`,
    );
  });

  it("offers copied: true too when the project file names no path (CI copies dist/ to the deploy repository's top) and the project is in a directory of its own checkout", () => {
    const { problems } = planDelivery(
      [delivered('qa', { cluster: 'nonprod' })],
      loadProjectFile(FLUX_PROJECT.replace('https://git.example.com/team/app.git', DEPLOY)),
      'stagecraft.yaml',
      new Map(),
      undefined,
      checkoutOf('infra/k8s', new Map([['origin', ['https://git.example.com/team/app.git']]])),
    );
    expect(problems.map((p) => p.hint)).toEqual([
      'write delivery: { repository: { path: "infra/k8s" } } in stagecraft.yaml (the engines then read infra/k8s/dist/<stage>); ' +
        `or, if CI copies this project's dist/ into ${DEPLOY} (none of this checkout's remotes: origin), at its top (dist/<stage>), write copied: true under delivery.repository`,
    ]);
  });

  it.each([
    ['a local path', '/srv/git/app.git'],
    ['a file:// URL', 'file:///srv/git/app.git'],
  ])(
    "does not offer copied: true when a remote of the checkout is %s, which may be a clone of that repository: 'none of its remotes' cannot be told",
    (_, local) => {
      const { problems } = planDelivery(
        [delivered('qa', { cluster: 'nonprod' })],
        loadProjectFile(deploying('')),
        'stagecraft.yaml',
        new Map(),
        undefined,
        checkoutOf('', new Map([['origin', [local]]])),
      );
      expect(problems.map((p) => p.hint)).toEqual(['remove delivery.repository.path from stagecraft.yaml']);
    },
  );

  it('warns, where the project is unnamed, that other projects copied into that repository at their paths would be named alike', () => {
    const text = deploying(', copied: true');
    const planned = (t: string) =>
      planDelivery([delivered('qa', { cluster: 'nonprod' })], loadProjectFile(t), 'stagecraft.yaml', new Map(), projectPlaces(t));
    expect(planned(text).notices.map(formatProblem)).toEqual([
      'stagecraft.yaml:3:109: warning: delivery.repository.copied: a deploy repository CI copies dist/ into at a path (teams/shop) holds other projects at theirs, ' +
        "and every project that names none is 'stagecraft': their AppProject (or GitRepository) is one object, their Applications (or Kustomizations) stagecraft-<stage> meet, " +
        "and the apply command of each, which prunes by the label stagecraft.dev/delivery=stagecraft, prunes the others' Applications (or Kustomizations)\n" +
        '  hint: name this project before its first apply: delivery: { project: <name> } in stagecraft.yaml, a name no other project delivered by the same engine has',
    ]);
    expect(planned(text.replace('delivery:\n', 'delivery:\n  project: shop\n')).notices).toEqual([]);
    expect(planned(deploying('')).notices).toEqual([]);
  });

  it('asks Git nothing where no Git says (dist/ built outside a checkout): taken as said', () => {
    const { plans, problems } = planDelivery(
      [delivered('qa', { cluster: 'nonprod' })],
      loadProjectFile(deploying(', copied: true')),
      'stagecraft.yaml',
      new Map(),
    );
    expect(problems).toEqual([]);
    expect(plans.map((p) => p.path)).toEqual(['teams/shop/dist/qa']);
  });

  it('is schema-checked: a string is refused at its line', () => {
    expect(problemsThrownBy(() => loadProjectFile(deploying(', copied: "yes"'))).map(formatProblem)).toEqual([
      expect.stringContaining('stagecraft.yaml:3:109: delivery.repository.copied must be'),
    ]);
  });
});

describe("an ssh:// URL Flux clones without a Secret (Flux has no anonymous ssh: fluxcd/pkg/git 'identity' is required)", () => {
  const SSH = 'ssh://git@git.example.com:2222/team/app.git';

  it("is refused at the project file's url when a stage inherits it and Flux, once, with the Secret to name and create as hint", () => {
    const dir = tempProject({ qa: deliveredStageFile('{ cluster: nonprod }'), dev: deliveredStageFile('{ cluster: nonprod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT.replace('https://git.example.com/team/app.git', SSH));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `stagecraft.yaml:3:22: error: delivery.repository.url: Flux clones ${SSH} over ssh with the key of the Secret its GitRepository names, and this names none (delivery.repository.secret): Flux refuses the clone ('identity' is required), public repository or not, so no commit of the stage would be applied\n` +
        `  hint: name a Secret beside the url (repository: { url: ..., secret: git-ssh }) and create it in flux-system before applying dist/delivery/flux: flux create secret git git-ssh --url=${SSH} --private-key-file=<key file> (the flux command takes the host's known_hosts from the URL); or, for a public repository, write its https:// URL\n`,
    );
    expect(r.stderr.match(/ error: /g)).toHaveLength(1);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it("is refused at a stage's own url, and at the engine: of a stage that picks Flux over the project file's Argo CD", () => {
    // a stage of no recorded places: its problems are placed where the project file writes the setting (settingPlace)
    const own = plannedProblemsOf(FLUX_PROJECT, { cluster: 'nonprod', repository: { url: SSH } });
    expect(own).toEqual([expect.stringContaining(`delivery.repository.url: Flux clones ${SSH} over ssh`)]);
    expect(own[0]).not.toContain("(stagecraft.yaml's delivery.repository.url)");
    const picked = plannedProblemsOf(
      FLUX_PROJECT.replace('engine: flux', 'engine: argocd').replace('https://git.example.com/team/app.git', SSH),
      { cluster: 'nonprod', engine: 'flux' },
    );
    expect(picked).toEqual([expect.stringContaining(`delivery.engine: Flux clones ${SSH} over ssh`)]);
    expect(picked[0]).toContain("(stagecraft.yaml's delivery.repository.url)");
  });

  it("passes with a Secret (its own, or the project file's for its url), for Argo CD (credentials by the URL) and over https://", () => {
    expect(plannedProblemsOf(FLUX_PROJECT, { cluster: 'nonprod', repository: { url: SSH, secret: 'git-ssh' } })).toEqual([]);
    const withSecret = FLUX_PROJECT.replace('https://git.example.com/team/app.git', SSH).replace(
      'revision: main }',
      'revision: main, secret: git-ssh }',
    );
    expect(plannedProblemsOf(withSecret, { cluster: 'nonprod' })).toEqual([]);
    expect(
      plannedProblemsOf(FLUX_PROJECT.replace('https://git.example.com/team/app.git', SSH), { cluster: 'nonprod', engine: 'argocd' }),
    ).toEqual([expect.stringContaining("the cluster 'nonprod' has neither server nor name")]);
    expect(plannedProblemsOf(FLUX_PROJECT, { cluster: 'nonprod' })).toEqual([]);
  });
});

/** The problems of the project file `text` once the stage qa, delivered as `delivery` says, is planned. */
function plannedProblemsOf(text: string, delivery: DeliveredStage['delivery']): string[] {
  return planDelivery([delivered('qa', delivery)], loadProjectFile(text), 'stagecraft.yaml', new Map(), projectPlaces(text)).problems.map(
    formatProblem,
  );
}

describe("a project named default, as Argo CD's own AppProject is", () => {
  const ARGOCD = FLUX_PROJECT.replace('engine: flux', 'engine: argocd')
    .replace('kubeConfigSecret: nonprod-kubeconfig', 'server: https://nonprod.example.com:6443')
    .replace('delivery:\n', 'delivery:\n  project: default\n');

  it("is refused where Argo CD delivers a stage: its AppProject would replace Argo CD's default one, which every Application naming no other is in", () => {
    expect(plannedProblems(ARGOCD)).toEqual([
      'stagecraft.yaml:2:12: delivery.project: Argo CD has an AppProject named default of its own, which every Application that names no other project is in and which permits any repository and cluster: ' +
        "dist/delivery/argocd's AppProject default would replace it, and confine those Applications, another team's too, to this project's repository and clusters (their syncs then refused)\n" +
        '  hint: name the project another way in stagecraft.yaml (delivery: { project: <name> }), one no other project delivered by this Argo CD has',
    ]);
  });

  it('is not refused where Flux delivers every stage (a GitRepository of its own name)', () => {
    expect(plannedProblems(FLUX_PROJECT.replace('delivery:\n', 'delivery:\n  project: default\n'))).toEqual([]);
  });
});
