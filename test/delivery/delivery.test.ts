import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileStages, type StageSource } from '../../lib/compile.js';
import { loadProjectFile } from '../../lib/config/project-file.js';
import { DELIVERY_DIR, deliveryApplyCommand, deliveryFiles } from '../../lib/delivery/index.js';
import { sourceName } from '../../lib/delivery/source-name.js';
import { planDelivery } from '../../lib/delivery/plan.js';
import { deliveredStage, type DeliveredStage } from '../../lib/delivery/stage.js';
import { formatProblem } from '../../lib/errors.js';
import { describeObject, type KubeObject } from '../../lib/model/object.js';
import type { RenderedStage } from '../../lib/synth/rendered.js';
import { compile, openProject } from '../../lib/cli/project.js';
import { REPO, repoStage, runCli, snapshotDir, tempProject, writeTree } from '../helpers/cli.js';
import { problemsThrownBy } from '../helpers/problems.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';

/** An example stage file without its own delivery settings (so that a test can give its own). */
const withoutDelivery = (text: string) => text.replace(/^delivery:.*\n/m, '').replace(/^secretStore:.*\n/m, '');

const REFEREE = join(REPO, '..', 'shared', 'bin', 'k8s-strict-check');

const stage = deliveredStageFile;

const ARGOCD_PROJECT = `delivery:
  engine: argocd
  repository: { url: https://git.example.com/team/app.git, revision: main }
  sync: { automated: true, prune: true, selfHeal: true }
  clusters:
    nonprod: { server: https://nonprod.example.com:6443 }
    prod: { server: https://prod.example.com:6443 }
`;

const PROJECT = FLUX_PROJECT;

function sources(stages: Record<string, string>): StageSource[] {
  return Object.entries(stages).map(([name, text]) => ({ stage: name, file: `environments/${name}.yaml`, text }));
}

const problemsOf = (run: () => unknown): string[] => problemsThrownBy(run).map(formatProblem);

/** Compiles `stages` with the project file `text`, delivery planned, when called. */
const run = (text: string, stages: Record<string, string>) => () =>
  compileStages(sources(stages), { project: { file: 'stagecraft.yaml', text }, delivery: true });

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as KubeObject);

function referee(dir: string): { status: number | null; out: string } {
  if (!existsSync(REFEREE)) throw new Error(`the strict referee is missing (${REFEREE}): ../shared must lie beside the project`);
  const r = spawnSync(REFEREE, [dir], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('delivery planning', () => {
  const delivered = (name: string, delivery: DeliveredStage['delivery'], objects: readonly KubeObject[] = []): DeliveredStage =>
    deliveredStage({ stage: name, namespace: name, source: `environments/${name}.yaml`, delivery }, objects);

  it('takes the project defaults and lets a stage override them', () => {
    const project = loadProjectFile(PROJECT);
    const { plans, problems } = planDelivery(
      [
        delivered('qa', { cluster: 'nonprod' }),
        delivered('production', { cluster: 'prod', engine: 'argocd', repository: { revision: 'v2' }, sync: { selfHeal: false } }),
      ],
      project,
      'stagecraft.yaml',
      new Map([['production', 'qa']]),
    );
    expect(problems).toEqual([]);
    expect(plans.map((p) => [p.stage, p.engine, p.repository.revision, p.sync.selfHeal, p.after])).toEqual([
      ['qa', 'flux', 'main', true, undefined],
      // production waits for no stage: the stage before it is delivered by another engine
      ['production', 'argocd', 'v2', false, undefined],
    ]);
  });

  it('names what is missing, with the stage file and the setting', () => {
    const { problems } = planDelivery(
      [delivered('qa', { cluster: 'nonprd' }), delivered('dev', {})],
      { delivery: { clusters: { nonprod: {} } } },
      'stagecraft.yaml',
      new Map(),
    );
    expect(problems.map(formatProblem)).toEqual([
      'environments/qa.yaml: delivery.engine: names no engine, and the project file sets no delivery.engine\n  hint: set delivery.engine (argocd or flux) in environments/qa.yaml or in stagecraft.yaml',
      'environments/qa.yaml: delivery.repository.url: names no Git repository, and the project file sets no delivery.repository.url\n  hint: set delivery.repository.url in stagecraft.yaml',
      "environments/qa.yaml: delivery.cluster: names the cluster 'nonprd', which stagecraft.yaml does not declare; did you mean 'nonprod'?\n  hint: declare it under delivery.clusters in stagecraft.yaml (its server URL, or its name in the engine)",
      'environments/dev.yaml: delivery.engine: names no engine, and the project file sets no delivery.engine\n  hint: set delivery.engine (argocd or flux) in environments/dev.yaml or in stagecraft.yaml',
      'environments/dev.yaml: delivery.repository.url: names no Git repository, and the project file sets no delivery.repository.url\n  hint: set delivery.repository.url in stagecraft.yaml',
      'environments/dev.yaml: delivery.cluster: names no cluster\n  hint: set delivery.cluster to one of the clusters of stagecraft.yaml: nonprod',
    ]);
  });

  it('refuses an Argo CD cluster with neither server nor name', () => {
    const { problems } = planDelivery(
      [delivered('qa', { cluster: 'nonprod', engine: 'argocd' })],
      loadProjectFile(PROJECT),
      'stagecraft.yaml',
      new Map(),
    );
    expect(problems.map((p) => p.message)).toEqual(["the cluster 'nonprod' has neither server nor name, which Argo CD needs"]);
  });

  it("lists the stage's own namespace among its destinations when none of its objects lives in it", () => {
    const objects = [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'team-reader' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'kube-system' } },
    ] as KubeObject[];
    const { plans } = planDelivery(
      [delivered('adopt', { cluster: 'nonprod' }, objects)],
      loadProjectFile(ARGOCD_PROJECT),
      'stagecraft.yaml',
      new Map(),
    );
    expect(plans[0].namespaces).toEqual(['adopt', 'kube-system']);
  });

  it('refuses a stage that has Flux follow a URL or revision it would misread, naming the stage setting that chose it', () => {
    const argocd = loadProjectFile(
      ARGOCD_PROJECT.replace(
        'url: https://git.example.com/team/app.git, revision: main',
        'url: git@git.example.com:team/app.git, revision: v1.2.3',
      ),
    );
    const flux = loadProjectFile(PROJECT);
    const problems = [
      ...planDelivery([delivered('qa', { cluster: 'nonprod', engine: 'flux' })], argocd, 'stagecraft.yaml', new Map()).problems,
      ...planDelivery(
        [delivered('dev', { cluster: 'nonprod', repository: { url: 'git://git.example.com/team/app.git', revision: 'v2.0.0' } })],
        flux,
        'stagecraft.yaml',
        new Map(),
      ).problems,
    ];
    expect(problems.map((p) => [p.code, formatProblem(p)])).toEqual([
      [
        'delivery/repository-url',
        "environments/qa.yaml: delivery.engine: Flux cannot clone 'git@git.example.com:team/app.git': its GitRepository reads http://, https:// and ssh:// URLs only (stagecraft.yaml's delivery.repository.url)\n" +
          '  hint: write it as ssh://git@git.example.com/team/app.git, which Argo CD reads as well',
      ],
      [
        'delivery/revision',
        "environments/qa.yaml: delivery.engine: Flux follows a bare revision as a branch, and 'v1.2.3' reads as a tag: Flux would wait for a branch refs/heads/v1.2.3 (stagecraft.yaml's delivery.repository.revision)\n" +
          '  hint: write refs/tags/v1.2.3 to follow the tag (refs/heads/v1.2.3 if it is a branch), which Argo CD reads as well',
      ],
      [
        'delivery/repository-url',
        "environments/dev.yaml: delivery.repository.url: Flux cannot clone 'git://git.example.com/team/app.git': its GitRepository reads http://, https:// and ssh:// URLs only\n" +
          '  hint: write https://git.example.com/team/app.git or ssh://git@git.example.com/team/app.git, which Argo CD reads as well',
      ],
      [
        'delivery/revision',
        "environments/dev.yaml: delivery.repository.revision: Flux follows a bare revision as a branch, and 'v2.0.0' reads as a tag: Flux would wait for a branch refs/heads/v2.0.0\n" +
          '  hint: write refs/tags/v2.0.0 to follow the tag (refs/heads/v2.0.0 if it is a branch), which Argo CD reads as well',
      ],
    ]);
  });

  it('places problems of the project file at file:line:col', () => {
    expect(problemsOf(() => loadProjectFile('delivery:\n  engine: jenkins\n  clustrs: {}\n'))).toEqual([
      expect.stringMatching(/^stagecraft\.yaml:2:11: delivery\.engine must be one of/),
      expect.stringMatching(/^stagecraft\.yaml:3:3: delivery\.clustrs is not a known setting; did you mean 'clusters'\?/),
    ]);
  });
});

describe('compiling delivery', () => {
  const project = { file: 'stagecraft.yaml', text: PROJECT };

  it('gives Flux a GitRepository and one Kustomization per stage, waiting for the stage before it', () => {
    const compiled = compileStages(
      sources({ qa: stage('{ cluster: nonprod }'), production: stage('{ cluster: prod }', 'promotion: { from: qa }\n'), lab: stage('') }),
      { project, delivery: true },
    );
    const tree = compiled.tree.get(DELIVERY_DIR)!;
    expect([...tree.keys()]).toEqual([
      'flux/00-stagecraft.yaml',
      'flux/10-production.yaml',
      'flux/10-qa.yaml',
      'flux/Kustomization',
      'flux/inventory.txt',
    ]);
    const [repo] = docs(tree.get('flux/00-stagecraft.yaml')!);
    expect(repo).toMatchObject({ kind: 'GitRepository', spec: { url: 'https://git.example.com/team/app.git', ref: { branch: 'main' } } });
    const [production] = docs(tree.get('flux/10-production.yaml')!);
    expect(production.spec).toEqual({
      interval: '10m',
      retryInterval: '2m',
      path: './dist/production',
      prune: true,
      deletionPolicy: 'Orphan',
      wait: true,
      timeout: '5m',
      sourceRef: { kind: 'GitRepository', name: 'stagecraft' },
      dependsOn: [{ name: 'stagecraft-qa' }],
    });
    const [qa] = docs(tree.get('flux/10-qa.yaml')!);
    expect(qa.spec).toMatchObject({ path: './dist/qa', kubeConfig: { secretRef: { name: 'nonprod-kubeconfig' } } });
    expect(qa.spec).not.toHaveProperty('dependsOn');
  });

  it('has Flux try a failed stage again after 2 minutes rather than at its 10-minute interval, so that the stages depending on it wait no longer', () => {
    const compiled = compileStages(sources({ qa: stage('{ cluster: nonprod }') }), { project, delivery: true });
    expect(docs(compiled.tree.get(DELIVERY_DIR)!.get('flux/10-qa.yaml')!)[0].spec).toMatchObject({ interval: '10m', retryInterval: '2m' });
  });

  it("gives a Flux stage whose rollout or migration takes longer than 5 minutes the timeout its sync: (or the project file's) says, at its line when it is no duration", () => {
    const slow = { file: 'stagecraft.yaml', text: `${PROJECT}  sync: { timeout: 20m }\n` };
    const compiled = compileStages(
      sources({ qa: stage('{ cluster: nonprod }'), production: stage('{ cluster: prod, sync: { timeout: 1h30m } }') }),
      { project: slow, delivery: true },
    );
    const tree = compiled.tree.get(DELIVERY_DIR)!;
    expect(docs(tree.get('flux/10-qa.yaml')!)[0].spec).toMatchObject({ wait: true, timeout: '20m' });
    expect(docs(tree.get('flux/10-production.yaml')!)[0].spec).toMatchObject({ wait: true, timeout: '1h30m' });
    expect(
      problemsOf(() => compileStages(sources({ qa: stage('{ cluster: nonprod, sync: { timeout: 20 } }') }), { project, delivery: true })),
    ).toEqual(['environments/qa.yaml:3:48: delivery.sync.timeout must be a duration such as 15m or 1h30m (found 20)']);
  });

  it("warns of the timeout a stage Argo CD delivers writes in its sync:, which Argo CD reads none of, at its line; not of the project file's, which its Flux stages read", () => {
    const slow = { file: 'stagecraft.yaml', text: `${PROJECT}  sync: { timeout: 20m }\n` };
    const compiled = compileStages(
      sources({
        dev: stage('{ cluster: prod, engine: argocd }'),
        qa: stage('{ cluster: nonprod }'),
        production: stage('{ cluster: prod, engine: argocd, sync: { timeout: 1h } }'),
      }),
      { project: slow, delivery: true },
    );
    expect(compiled.notices.map(formatProblem)).toEqual([
      "environments/production.yaml:3:61: warning: delivery.sync.timeout: Argo CD reads no timeout: it waits for the stage's objects to become healthy without a limit of its own, so this one (1h) is ignored\n" +
        "  hint: remove sync.timeout from this stage's delivery:, or deliver the stage with Flux (engine: flux), whose Kustomization marks it failed past its timeout",
    ]);
    expect(docs(compiled.tree.get(DELIVERY_DIR)!.get('flux/10-qa.yaml')!)[0].spec).toMatchObject({ timeout: '20m' });
  });

  it("warns once, at the project file's sync.timeout, when no stage reads it: none delivered by Flux, or each Flux stage writing its own", () => {
    const slow = { file: 'stagecraft.yaml', text: `${PROJECT}  sync: { timeout: 20m }\n` };
    const notices = (stages: Record<string, string>) =>
      compileStages(sources(stages), { project: slow, delivery: true }).notices.map(formatProblem);
    expect(notices({ dev: stage('{ cluster: prod, engine: argocd }'), production: stage('{ cluster: prod, engine: argocd }') })).toEqual([
      "stagecraft.yaml:7:20: warning: delivery.sync.timeout: no stage is delivered by Flux, whose Kustomization alone reads a timeout (Argo CD waits for a stage's objects to become healthy without a limit of its own), so this one (20m) is ignored\n" +
        '  hint: remove sync.timeout from the delivery: of the project file, or deliver a stage with Flux (engine: flux) without a timeout of its own',
    ]);
    expect(notices({ dev: stage('{ cluster: prod, engine: argocd }'), qa: stage('{ cluster: nonprod, sync: { timeout: 30m } }') })).toEqual(
      [
        expect.stringContaining(
          'stagecraft.yaml:7:20: warning: delivery.sync.timeout: no stage reads this timeout (20m): every stage Flux delivers writes its own',
        ),
      ],
    );
    expect(notices({ dev: stage('{ cluster: prod, engine: argocd }'), qa: stage('{ cluster: nonprod }') })).toEqual([]);
  });

  it("warns of a repository secret that no engine reads: a stage's that Argo CD delivers (moved from Flux, say), and the project file's when no Flux stage clones with it", () => {
    const notices = (text: string, stages: Record<string, string>) => run(text, stages)().notices.map(formatProblem);
    const HINT =
      '  hint: remove it; for a private repository, give Argo CD its credentials once: argocd repo add https://git.example.com/team/app.git --username ... --password ... (--ssh-private-key-path ... for an ssh:// URL)';
    expect(notices(PROJECT, { qa: stage('{ cluster: prod, engine: argocd, repository: { secret: git-credentials } }') })).toEqual([
      "environments/qa.yaml:3:66: warning: delivery.repository.secret: Argo CD reads no secret: it finds a private repository's credentials by its URL, in a Secret of argocd labelled argocd.argoproj.io/secret-type: repository, so this one (git-credentials) is ignored\n" +
        HINT,
    ]);
    const withSecret = PROJECT.replace('revision: main }', 'revision: main, secret: git-credentials }');
    expect(notices(withSecret, { qa: stage('{ cluster: prod, engine: argocd }') })).toEqual([
      "stagecraft.yaml:3:84: warning: delivery.repository.secret: no stage Flux delivers clones the repository with it, and Argo CD reads no secret: it finds a private repository's credentials by its URL, in a Secret of argocd labelled argocd.argoproj.io/secret-type: repository, so this one (git-credentials) is ignored\n" +
        HINT,
    ]);
    // read: by a Flux stage of the project's repository; and a Flux stage's own
    expect(notices(withSecret, { qa: stage('{ cluster: prod, engine: argocd }'), dev: stage('{ cluster: nonprod }') })).toEqual([]);
    expect(notices(PROJECT, { qa: stage('{ cluster: nonprod, repository: { secret: git-credentials } }') })).toEqual([]);
  });

  it("has Flux leave a stage's objects in its cluster when the stage's Kustomization is deleted (removed, moved to Argo CD, no longer delivered), pruning or not", () => {
    // the delivery apply command prunes the Kustomization of a stage Flux no longer delivers; with Flux's default
    // deletionPolicy (MirrorPrune) and prune: true, Flux would then delete every object of the stage, its Namespace and
    // claims too, while Argo CD (or kubectl) takes it over: stagecraft's removal line says they stay, as Argo CD leaves them
    for (const prune of [true, false]) {
      const compiled = compileStages(sources({ qa: stage(`{ cluster: nonprod, sync: { prune: ${prune} } }`) }), {
        project,
        delivery: true,
      });
      const [qa] = docs(compiled.tree.get(DELIVERY_DIR)!.get('flux/10-qa.yaml')!);
      expect(qa.spec).toMatchObject({ prune, deletionPolicy: 'Orphan' });
    }
  });

  it('names each Flux GitRepository after what it follows, so that adding, removing or reordering repositories renames none', () => {
    const OTHER = 'https://git.example.com/team/other.git';
    const all = {
      qa: stage('{ cluster: nonprod }'),
      production: stage('{ cluster: prod, repository: { revision: release } }'),
      dev: stage('{ cluster: nonprod, repository: { revision: refs/tags/v1.2.3 } }'),
      test: stage(`{ cluster: nonprod, repository: { url: ${OTHER} } }`),
    };
    const names = (stages: Record<string, string>) => {
      const tree = compileStages(sources(stages), { project, delivery: true }).tree.get(DELIVERY_DIR)!;
      const repositories = docs(tree.get('flux/00-stagecraft.yaml')!).map((o) => o.metadata.name);
      const followed = Object.keys(stages).map(
        (s) => [s, (docs(tree.get(`flux/10-${s}.yaml`)!)[0].spec as { sourceRef: { name: string } }).sourceRef.name] as const,
      );
      return { repositories, followed: Object.fromEntries(followed) };
    };
    const hash = (url: string, revision: string) => createHash('sha256').update(`${url} ${revision}`).digest('hex').slice(0, 6);
    const expected = {
      qa: 'stagecraft',
      production: 'stagecraft-release',
      dev: `stagecraft-v1-2-3-${hash('https://git.example.com/team/app.git', 'refs/tags/v1.2.3')}`,
      test: `stagecraft-other-${hash(OTHER, 'main')}`,
    };
    expect(names(all)).toEqual({ repositories: Object.values(expected).sort(), followed: expected });
    // fewer repositories, in another order: each keeps its name
    const { dev: _dev, ...fewer } = all;
    expect(names({ test: all.test, production: all.production }).followed).toEqual({
      test: expected.test,
      production: expected.production,
    });
    expect(names({ production: all.production }).followed).toEqual({ production: expected.production });
    expect(names(fewer).followed).toEqual({ qa: expected.qa, production: expected.production, test: expected.test });
  });

  it('cuts a long GitRepository name to a DNS label before its hash', () => {
    const branch = `feature/${'x'.repeat(70)}`;
    const name = sourceName(
      'stagecraft',
      { url: 'https://git.example.com/team/app.git', revision: branch },
      {
        url: 'https://git.example.com/team/app.git',
        revision: 'main',
      },
    );
    expect(name).toMatch(/^stagecraft-feature-x+-[0-9a-f]{6}$/);
    expect(name).toHaveLength(63);
  });

  it("refuses two repositories whose GitRepositories would have one name, at the later stage's revision, naming both", () => {
    const taken = sourceName(
      'stagecraft',
      { url: 'https://git.example.com/team/app.git', revision: 'refs/heads/x' },
      {
        url: 'https://git.example.com/team/app.git',
        revision: 'main',
      },
    );
    const lookalike = taken.slice('stagecraft-'.length);
    const run = () =>
      compileStages(
        sources({
          qa: stage('{ cluster: nonprod, repository: { revision: refs/heads/x } }'),
          production: stage(`{ cluster: prod, repository: { revision: ${lookalike} } }`),
        }),
        { project, delivery: true },
      );
    expect(problemsOf(run)).toEqual([
      `environments/production.yaml:3:52: delivery.repository.revision: the stages qa and production follow https://git.example.com/team/app.git at refs/heads/x and https://git.example.com/team/app.git at ${lookalike}, whose Flux GitRepositories would both be named ${taken}: one object cannot follow both, and one stage would be applied from the other\n` +
        '  hint: write the revision of production another way (refs/heads/<branch> for a branch, a 40-hex commit), or follow the same revision in both stages',
    ]);
  });

  it("clones a private repository with the credentials of the Secret its repository.secret names, which a stage's own url does not inherit", () => {
    const PRIVATE = PROJECT.replace('revision: main }', 'revision: main, secret: git-credentials }');
    const OTHER = 'https://git.example.com/team/other.git';
    const compiled = compileStages(
      sources({
        qa: stage('{ cluster: nonprod }'),
        production: stage('{ cluster: prod, repository: { revision: release } }'),
        dev: stage(`{ cluster: nonprod, repository: { url: ${OTHER} } }`),
        test: stage(`{ cluster: nonprod, repository: { url: ${OTHER}, revision: v2, secret: other-credentials } }`),
      }),
      { project: { file: 'stagecraft.yaml', text: PRIVATE }, delivery: true },
    );
    const delivery = compiled.tree.get(DELIVERY_DIR)!;
    const secretRefs = Object.fromEntries(
      docs(delivery.get('flux/00-stagecraft.yaml')!).map((o) => [
        (o.spec as { url: string }).url + ' ' + JSON.stringify((o.spec as { ref: object }).ref),
        (o.spec as { secretRef?: object }).secretRef,
      ]),
    );
    expect(secretRefs).toEqual({
      'https://git.example.com/team/app.git {"branch":"main"}': { name: 'git-credentials' },
      'https://git.example.com/team/app.git {"branch":"release"}': { name: 'git-credentials' },
      // another repository: the project file's credentials are not sent to it
      [`${OTHER} {"branch":"main"}`]: undefined,
      [`${OTHER} {"branch":"v2"}`]: { name: 'other-credentials' },
    });
    expectSoundDelivery(delivery, compiled.stages);
  });

  it("clones with the project file's secret a stage that writes the project file's own url, however spelt, at another revision", () => {
    const PRIVATE = PROJECT.replace('revision: main }', 'revision: main, secret: git-credentials }');
    const compiled = compileStages(
      sources({
        qa: stage('{ cluster: nonprod, repository: { url: https://git.example.com/team/app.git, revision: release } }'),
        production: stage('{ cluster: prod, repository: { url: "https://GIT.example.com/team/app/", revision: v2 } }'),
      }),
      { project: { file: 'stagecraft.yaml', text: PRIVATE }, delivery: true },
    );
    const repositories = docs(compiled.tree.get(DELIVERY_DIR)!.get('flux/00-stagecraft.yaml')!);
    // each followed as the project file spells its url (lib/delivery/plan.ts), so named as the project's revisions
    expect(
      repositories.map((o) => [o.metadata.name, (o.spec as { url: string }).url, (o.spec as { secretRef?: object }).secretRef]),
    ).toEqual([
      ['stagecraft-release', 'https://git.example.com/team/app.git', { name: 'git-credentials' }],
      ['stagecraft-v2', 'https://git.example.com/team/app.git', { name: 'git-credentials' }],
    ]);
  });

  it("clones with the project file's secret a Flux stage that writes the project file's scp-style url in its ssh:// form, which Flux reads", () => {
    // the project file's git@host:path is Argo CD's; Flux clones only ssh://, so the stage spells the same repository so
    const SCP = ARGOCD_PROJECT.replace(
      '{ url: https://git.example.com/team/app.git, revision: main }',
      '{ url: "git@git.example.com:team/app.git", revision: main, secret: git-credentials }',
    );
    const compiled = compileStages(
      sources({ qa: stage('{ cluster: nonprod, engine: flux, repository: { url: "ssh://git@git.example.com/team/app.git" } }') }),
      {
        project: {
          file: 'stagecraft.yaml',
          text: SCP.replace('nonprod: { server: https://nonprod.example.com:6443 }', 'nonprod: { kubeConfigSecret: nonprod-kubeconfig }'),
        },
        delivery: true,
      },
    );
    const [repository] = docs(compiled.tree.get(DELIVERY_DIR)!.get('flux/00-stagecraft.yaml')!);
    expect(repository.spec).toMatchObject({ url: 'ssh://git@git.example.com/team/app.git', secretRef: { name: 'git-credentials' } });
  });

  it("refuses two stages that follow one repository and revision with other credentials, at the later stage's secret, naming both", () => {
    const run = () =>
      compileStages(
        sources({
          qa: stage('{ cluster: nonprod }'),
          production: stage('{ cluster: prod, repository: { secret: prod-credentials } }'),
        }),
        { project, delivery: true },
      );
    expect(problemsOf(run)).toEqual([
      "environments/production.yaml:3:50: delivery.repository.secret: the stages qa and production follow https://git.example.com/team/app.git at main, so one Flux GitRepository (stagecraft), with no Secret and the Secret prod-credentials as its credentials: it has one secretRef, and one stage would be cloned with the other's\n" +
        "  hint: name the same repository.secret for both stages (a stage that writes another url than the project file's inherits no secret), or none for both",
    ]);
  });

  it('has no Flux stage depend on a suspended one, which never becomes ready: it waits for the nearest earlier stage that is not', () => {
    const dependsOn = (suspended: readonly string[]) => {
      const sync = (name: string) =>
        suspended.includes(name) ? '{ cluster: nonprod, sync: { automated: false } }' : '{ cluster: nonprod }';
      const compiled = compileStages(
        sources({
          dev: stage(sync('dev')),
          qa: stage(sync('qa'), 'promotion: { from: dev }\n'),
          production: stage(sync('production').replace('nonprod', 'prod'), 'promotion: { from: qa }\n'),
        }),
        { project, delivery: true },
      );
      const tree = compiled.tree.get(DELIVERY_DIR)!;
      return Object.fromEntries(
        ['dev', 'qa', 'production'].map((s) => {
          const spec = docs(tree.get(`flux/10-${s}.yaml`)!)[0].spec as { dependsOn?: { name: string }[]; suspend?: boolean };
          return [s, `${spec.suspend ? 'suspended, ' : ''}${spec.dependsOn?.map((d) => d.name).join() ?? '-'}`];
        }),
      );
    };
    expect(dependsOn([])).toEqual({ dev: '-', qa: 'stagecraft-dev', production: 'stagecraft-qa' });
    expect(dependsOn(['qa'])).toEqual({ dev: '-', qa: 'suspended, stagecraft-dev', production: 'stagecraft-dev' });
    expect(dependsOn(['dev', 'qa'])).toEqual({ dev: 'suspended, -', qa: 'suspended, -', production: '-' });
    expect(dependsOn(['dev'])).toEqual({ dev: 'suspended, -', qa: '-', production: 'stagecraft-qa' });
  });

  it("places the problems of a stage's delivery settings at their line and column: the stage's, or the project file's it inherits", () => {
    const argocdScp = ARGOCD_PROJECT.replace('https://git.example.com/team/app.git', 'git@git.example.com:team/app.git');
    expect(
      problemsOf(
        run(PROJECT, {
          qa: stage('{ cluster: nonprd }'),
          dev: stage('{ engine: argocd,\n  cluster: nonprod }'),
          production: stage('{ cluster: prod, repository: { revision: v2.0.0 } }'),
        }),
      ),
    ).toEqual([
      "environments/dev.yaml:4:12: delivery.cluster: the cluster 'nonprod' has neither server nor name, which Argo CD needs\n" +
        '  hint: set delivery.clusters.nonprod.server in stagecraft.yaml',
      "environments/production.yaml:3:52: delivery.repository.revision: Flux follows a bare revision as a branch, and 'v2.0.0' reads as a tag: Flux would wait for a branch refs/heads/v2.0.0\n" +
        '  hint: write refs/tags/v2.0.0 to follow the tag (refs/heads/v2.0.0 if it is a branch), which Argo CD reads as well',
      "environments/qa.yaml:3:22: delivery.cluster: names the cluster 'nonprd', which stagecraft.yaml does not declare; did you mean 'nonprod'?\n" +
        '  hint: declare it under delivery.clusters in stagecraft.yaml (its server URL, or its name in the engine)',
    ]);
    // a stage that picks Flux for the project file's scp-style URL: at its engine:
    expect(problemsOf(run(argocdScp, { qa: stage('{ cluster: nonprod, engine: flux }') }))).toEqual([
      expect.stringMatching(/^environments\/qa\.yaml:3:39: delivery\.engine: Flux cannot clone 'git@git\.example\.com:team\/app\.git'/),
    ]);
    // a cluster that only the project file names: at its delivery.cluster there
    expect(problemsOf(run(`${PROJECT}  cluster: nonprd\n`, { qa: stage('{ sync: { prune: false } }') }))).toEqual([
      expect.stringMatching(
        /^stagecraft\.yaml:7:12: delivery\.cluster: names the cluster 'nonprd', which stagecraft\.yaml does not declare; did you mean 'nonprod'\?/,
      ),
    ]);
  });

  it('refuses selfHeal: false for a stage Flux applies by itself, which always puts back drift, at the setting that makes it count', () => {
    // the stage's own setting
    expect(problemsOf(run(PROJECT, { qa: stage('{ cluster: nonprod, sync: { selfHeal: false } }') }))).toEqual([
      'environments/qa.yaml:3:49: delivery.sync.selfHeal: Flux cannot leave drift alone: it applies the whole stage again at every interval, putting back what was changed by hand in the cluster\n' +
        '  hint: remove selfHeal: false (Flux always puts back drift), or deliver with Argo CD (engine: argocd), which can leave drift alone',
    ]);
    // the project file's selfHeal: false is Argo CD's; a stage that picks Flux: at its engine:
    const argocdNoHeal = ARGOCD_PROJECT.replace('selfHeal: true', 'selfHeal: false');
    expect(problemsOf(run(argocdNoHeal, { qa: stage('{ cluster: nonprod, engine: flux }') }))).toEqual([
      "environments/qa.yaml:3:39: delivery.engine: Flux cannot leave drift alone: it applies the whole stage again at every interval, putting back what was changed by hand in the cluster (stagecraft.yaml's delivery.sync.selfHeal: false)\n" +
        "  hint: write sync: { selfHeal: true } under this stage's delivery: (Flux always puts back drift), or deliver it with Argo CD (engine: argocd)",
    ]);
    // the project file's stages are suspended; one that Flux applies by itself: at its automated:
    const suspended = `${PROJECT}  sync: { automated: false, selfHeal: false }\n`;
    expect(problemsOf(run(suspended, { qa: stage('{ cluster: nonprod, sync: { automated: true } }') }))).toEqual([
      expect.stringMatching(
        /^environments\/qa\.yaml:3:50: delivery\.sync\.automated: Flux cannot leave drift alone: .* \(stagecraft\.yaml's delivery\.sync\.selfHeal: false\)\n/,
      ),
    ]);
    // reported with the stage's other problems at once
    const both = run(PROJECT, { qa: stage('{ cluster: nonprod, repository: { revision: v2.0.0 }, sync: { selfHeal: false } }') });
    expect(problemsThrownBy(both).map((p) => p.code)).toEqual(['delivery/revision', 'delivery/sync']);
    // Argo CD honours it; a suspended Kustomization reverts nothing until someone resumes it, as Argo CD's manual sync
    expect(() => run(argocdNoHeal, { qa: stage('{ cluster: nonprod }') })()).not.toThrow();
    const tree = run(suspended, { qa: stage('{ cluster: nonprod }') })().tree.get(DELIVERY_DIR)!;
    expect(docs(tree.get('flux/10-qa.yaml')!)[0].spec).toMatchObject({ suspend: true, prune: true });
  });

  it("refuses a Flux timeout past Go's longest duration, which the schema and the CRD's pattern take and Flux's controller cannot decode", () => {
    expect(problemsOf(run(PROJECT, { qa: stage('{ cluster: nonprod, sync: { timeout: 2562048h } }') }))).toEqual([
      "environments/qa.yaml:3:48: delivery.sync.timeout: Flux cannot read the timeout 2562048h, longer than Go's longest duration (2562047h47m16.854775807s): its kustomize-controller would fail to decode the Kustomization, which the cluster accepts, and with it the list of every Kustomization it watches, so that no stage is applied\n" +
        '  hint: write how long applying the stage and its rollouts (and migration Jobs) may take, 30s or more (5m when none is written, 1h for a long migration)',
    ]);
    // the longest Go reads is written as it is
    const tree = run(PROJECT, { qa: stage('{ cluster: nonprod, sync: { timeout: 2562047h } }') })().tree.get(DELIVERY_DIR)!;
    expect(docs(tree.get('flux/10-qa.yaml')!)[0].spec).toMatchObject({ timeout: '2562047h' });
  });

  it('refuses a stage whose Kustomization name, which Flux writes as a label on every object it applies, is longer than a label value', () => {
    const long = 'customer-facing-checkout-service-staging-eu-west';
    const project = PROJECT.replace('  engine: flux\n', '  engine: flux\n  project: platform-delivery\n');
    expect(problemsOf(run(project, { [long]: stage('{ cluster: nonprod }') }))).toEqual([
      `stagecraft.yaml:2:11: delivery.engine: the Kustomization of the stage ${long} is named platform-delivery-${long} (66 characters: stagecraft.yaml's delivery.project, '-' and the stage's name), ` +
        'which Flux writes as a label (kustomize.toolkit.fluxcd.io/name) on every object it applies, and a label value has at most 63 characters: the cluster would refuse every object of the stage\n' +
        '  hint: name the stage with at most 45 characters, or write a shorter delivery.project in stagecraft.yaml (platform-delivery, 17 characters)',
    ]);
    // 63 characters pass
    const fits = long.slice(0, 45);
    expect(() => run(project, { [fits]: stage('{ cluster: nonprod }') })()).not.toThrow();
  });

  it("refuses a stage whose Application name, which Argo CD's label tracking (its default before 3.0) writes as a label on every object, is longer than a label value", () => {
    const long = 'customer-facing-checkout-service-staging-eu-west';
    const project = PROJECT.replace('  engine: flux\n', '  engine: flux\n  project: platform-delivery\n');
    expect(problemsOf(run(project, { [long]: stage('{ cluster: prod, engine: argocd }') }))).toEqual([
      `environments/${long}.yaml:3:36: delivery.engine: the Application of the stage ${long} is named platform-delivery-${long} (66 characters: stagecraft.yaml's delivery.project, '-' and the stage's name), ` +
        'which Argo CD, tracking objects by label (its default before 3.0), writes as a label (app.kubernetes.io/instance) on every object it applies, and a label value has at most 63 characters: the cluster would refuse every object of the stage\n' +
        '  hint: name the stage with at most 45 characters, or write a shorter delivery.project in stagecraft.yaml (platform-delivery, 17 characters); ' +
        "if the Argo CD tracks objects by annotation (3.0's default: application.resourceTrackingMethod unset or annotation in its argocd-cm) or by annotation+label, which cuts the label, write delivery.argocd.resourceTrackingMethod: annotation (or annotation+label) in stagecraft.yaml",
    ]);
    const fits = long.slice(0, 45);
    expect(() => run(project, { [fits]: stage('{ cluster: prod, engine: argocd }') })()).not.toThrow();
  });

  it('refuses a Flux timeout of 0s, which Flux takes as 30s (no "no limit"), at the stage\'s line, the project file\'s, or the engine: that makes it count', () => {
    expect(problemsOf(run(PROJECT, { qa: stage('{ cluster: nonprod, sync: { timeout: 0s } }') }))).toEqual([
      'environments/qa.yaml:3:48: delivery.sync.timeout: Flux has no timeout that means no limit, and takes 0s as 30s: the stage is marked failed when its objects are not ready 30s after each apply began, and the stages after it wait\n' +
        '  hint: write how long applying the stage and its rollouts (and migration Jobs) may take, 30s or more (5m when none is written, 1h for a long migration)',
    ]);
    expect(() => loadProjectFile(`${PROJECT}  sync: { timeout: 0h0m }\n`)).not.toThrow();
    expect(problemsOf(run(`${PROJECT}  sync: { timeout: 0h0m }\n`, { qa: stage('{ cluster: nonprod }') }))).toEqual([
      expect.stringMatching(
        /^stagecraft\.yaml:7:20: delivery\.sync\.timeout: Flux has no timeout that means no limit, and takes 0h0m as 30s/,
      ),
    ]);
    // the project file's is Argo CD's, which reads none; a stage that picks Flux: at its engine:
    expect(
      problemsOf(
        run(ARGOCD_PROJECT.replace('selfHeal: true }', 'selfHeal: true, timeout: 0s }'), {
          qa: stage('{ cluster: nonprod, engine: flux }'),
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^environments\/qa\.yaml:3:39: delivery\.engine: Flux has no timeout that means no limit, .* \(stagecraft\.yaml's delivery\.sync\.timeout: 0s\)\n {2}hint: write sync: \{ timeout: 5m \} under this stage's delivery:/,
      ),
    ]);
    // 30s, and a suspended stage's 0.5m, are kept as written
    const tree = run(PROJECT, {
      qa: stage('{ cluster: nonprod, sync: { timeout: 30s } }'),
      dev: stage('{ cluster: nonprod, sync: { timeout: 0.5m, automated: false } }'),
    })().tree.get(DELIVERY_DIR)!;
    expect(docs(tree.get('flux/10-qa.yaml')!)[0].spec).toMatchObject({ timeout: '30s' });
    expect(docs(tree.get('flux/10-dev.yaml')!)[0].spec).toMatchObject({ timeout: '0.5m', suspend: true });
  });

  it("warns of a Flux timeout under 30s but 0s, which Flux runs as 30s, and writes it: at the stage's line, at its engine:, or once at the project file's", () => {
    const notices = (text: string, stages: Record<string, string>) =>
      run(text, stages)()
        .notices.filter((p) => p.code === 'delivery/sync')
        .map(formatProblem);
    const HINT =
      '  hint: write 30s, which is what Flux uses, or how long applying the stage and its rollouts (and migration Jobs) may take, 30s or more (5m when none is written, 1h for a long migration)';
    const delivered = run(PROJECT, { qa: stage('{ cluster: nonprod, sync: { timeout: 29s999ms } }') })();
    expect(delivered.notices.map(formatProblem)).toEqual([
      'environments/qa.yaml:3:48: warning: delivery.sync.timeout: Flux takes a timeout under 30s as 30s: the stage is given 30s, not 29s999ms, to become ready after each apply began\n' +
        HINT,
    ]);
    expect(docs(delivered.tree.get(DELIVERY_DIR)!.get('flux/10-qa.yaml')!)[0].spec).toMatchObject({ timeout: '29s999ms' });
    // the project file's, inherited by two stages: said once, at its line (loading it refuses nothing)
    const project = `${PROJECT}  sync: { timeout: 10s }\n`;
    expect(() => loadProjectFile(project)).not.toThrow();
    expect(notices(project, { qa: stage('{ cluster: nonprod }'), dev: stage('{ cluster: nonprod }') })).toEqual([
      `stagecraft.yaml:7:20: warning: delivery.sync.timeout: Flux takes a timeout under 30s as 30s: the stage is given 30s, not 10s, to become ready after each apply began\n${HINT}`,
    ]);
    // an Argo CD project file's, read by a stage that picks Flux: at its engine:
    expect(
      notices(ARGOCD_PROJECT.replace('selfHeal: true }', 'selfHeal: true, timeout: 10s }'), {
        qa: stage('{ cluster: nonprod, engine: flux }'),
      }),
    ).toEqual([
      expect.stringMatching(
        /^environments\/qa\.yaml:3:39: warning: delivery\.engine: Flux takes a timeout under 30s as 30s: .* \(stagecraft\.yaml's delivery\.sync\.timeout: 10s\)\n/,
      ),
    ]);
  });

  it("refuses the project file's selfHeal: false once, at its line there, when stages inherit it and its engine Flux", () => {
    const noHeal = `${PROJECT}  sync: { prune: true, selfHeal: false }\n`;
    // read alone, the file may be meant for stages Argo CD delivers
    expect(() => loadProjectFile(noHeal)).not.toThrow();
    const inheriting = { qa: stage('{ cluster: nonprod }'), production: stage('{ cluster: prod }') };
    expect(problemsOf(run(noHeal, inheriting))).toEqual([
      'stagecraft.yaml:7:34: delivery.sync.selfHeal: Flux cannot leave drift alone: it applies the whole stage again at every interval, putting back what was changed by hand in the cluster\n' +
        '  hint: remove selfHeal: false (Flux always puts back drift), or deliver with Argo CD (engine: argocd), which can leave drift alone',
    ]);
    // every stage delivered by Argo CD, which honours it: accepted; suspended (automated: false) too
    const argocd = {
      qa: stage('{ cluster: prod, engine: argocd }'),
      production: stage('{ cluster: prod, engine: argocd }'),
    };
    expect(() => run(noHeal, argocd)()).not.toThrow();
    expect(() => run(`${PROJECT}  sync: { automated: false, selfHeal: false }\n`, inheriting)()).not.toThrow();
    expect(() => run(ARGOCD_PROJECT.replace('selfHeal: true', 'selfHeal: false'), inheriting)()).not.toThrow();
  });

  it('refuses two stages delivered into one namespace of one cluster, at the namespace: setting, naming both and the cluster', () => {
    const run = (stages: Record<string, string>) => () => compileStages(sources(stages), { project, delivery: true });
    const qa = stage('{ cluster: nonprod }');
    expect(problemsOf(run({ qa, test: stage('{ cluster: nonprod }', 'namespace: qa\n') }))).toEqual([
      "environments/test.yaml:4:12: namespace: the stages qa and test are both delivered to the namespace 'qa' of the cluster nonprod: their Kustomizations would own the same objects, and each would prune or overwrite what the other applies\n" +
        '  hint: give test a namespace of its own (namespace: test, its default), or deliver it to another cluster',
    ]);
    // the earlier stage writes the namespace the later one has by default: at the earlier one's
    expect(problemsOf(run({ qa: stage('{ cluster: nonprod }', 'namespace: test\n'), test: stage('{ cluster: nonprod }') }))).toEqual([
      expect.stringMatching(
        /^environments\/qa\.yaml:4:12: namespace: the stages qa and test are both delivered to the namespace 'test' of the cluster nonprod/,
      ),
    ]);
    // both write it, the later one its own name: the earlier one is told to take its own, at its line
    expect(
      problemsOf(run({ qa: stage('{ cluster: nonprod }', 'namespace: test\n'), test: stage('{ cluster: nonprod }', 'namespace: test\n') })),
    ).toEqual([
      expect.stringMatching(
        /^environments\/qa\.yaml:4:12: namespace: the stages qa and test are both delivered to the namespace 'test' of the cluster nonprod: .*\n {2}hint: give qa a namespace of its own \(namespace: qa, its default\), or deliver it to another cluster$/,
      ),
    ]);
    // other clusters, or a stage that is not delivered (its cluster is unknown): no problem
    expect(() => run({ qa, test: stage('{ cluster: prod }', 'namespace: qa\n') })()).not.toThrow();
    expect(() => run({ qa, test: stage('', 'namespace: qa\n') })()).not.toThrow();
  });

  it('refuses two stages delivered to one cluster that hold the same object outside their namespaces, naming it and both stages', () => {
    const run = (stages: Record<string, string>) => () => compileStages(sources(stages), { project, delivery: true });
    const flannel = (delivery: string) =>
      `apps:\n  flannel: { network: 10.20.0.0/16, subnetLen: 24, backend: { type: vxlan, vni: 1 } }\ndelivery: ${delivery}\n`;
    expect(problemsOf(run({ lab: flannel('{ cluster: nonprod }'), raspberry: flannel('{ cluster: nonprod }') }))).toEqual([
      expect.stringMatching(
        /^environments\/raspberry\.yaml:3:22: delivery\.cluster: the stages lab and raspberry are both delivered to the cluster nonprod and both hold ConfigMap kube-system\/kube-flannel-cfg, ServiceAccount kube-system\/flannel, DaemonSet kube-system\/kube-flannel-ds and 2 more: their Kustomizations would take turns overwriting them, and pruning one stage would delete what the other still holds\n {2}hint: deliver raspberry to another cluster, or keep those objects in one of the two stages only$/,
      ),
    ]);
    // on two clusters, or with only the stages' own namespaces and Namespaces: no problem
    expect(() => run({ lab: flannel('{ cluster: nonprod }'), raspberry: flannel('{ cluster: prod }') })()).not.toThrow();
    expect(() => run({ qa: stage('{ cluster: nonprod }'), test: stage('{ cluster: nonprod }') })()).not.toThrow();
  });

  it("refuses two clusters without kubeConfigSecret under Flux: both would be Flux's own, and one stage would land in the other's cluster", () => {
    const twoOwn = PROJECT.replace(
      'nonprod: { kubeConfigSecret: nonprod-kubeconfig }',
      'nonprod: { server: https://nonprod.example.com:6443 }',
    );
    const compile = (text: string) => () =>
      compileStages(sources({ qa: stage('{ cluster: nonprod }'), production: stage('{ cluster: prod }') }), {
        project: { file: 'stagecraft.yaml', text },
        delivery: true,
      });
    expect(problemsOf(compile(twoOwn))).toEqual([
      "stagecraft.yaml:5:5: delivery.clusters: Flux would apply the stages of the clusters nonprod (qa) and prod (production) to the one cluster it runs in: a cluster without kubeConfigSecret is Flux's own\n" +
        "  hint: set kubeConfigSecret (a Secret in flux-system holding the cluster's kubeconfig) on every cluster but the one Flux runs in, under delivery.clusters in stagecraft.yaml",
    ]);
    // one cluster without it is the one Flux runs in; Argo CD reaches clusters by server or name
    expect(() => compile(PROJECT)()).not.toThrow();
    expect(() => compile(twoOwn.replace('engine: flux', 'engine: argocd'))()).not.toThrow();
  });

  it.each([
    ['main', { branch: 'main' }],
    ['refs/tags/v1.2.3', { name: 'refs/tags/v1.2.3' }],
    ['refs/heads/release/2', { name: 'refs/heads/release/2' }],
    ['0123456789abcdef0123456789abcdef01234567', { commit: '0123456789abcdef0123456789abcdef01234567' }],
    // a commit copied in capitals is no branch Flux would wait for
    ['0123456789ABCDEF0123456789ABCDEF01234567', { commit: '0123456789abcdef0123456789abcdef01234567' }],
  ])('has Flux follow the revision %s as the ref it names', (revision, ref) => {
    const text = PROJECT.replace('revision: main', `revision: ${revision}`);
    const compiled = compileStages(sources({ qa: stage('{ cluster: nonprod }') }), {
      project: { file: 'stagecraft.yaml', text },
      delivery: true,
    });
    const [repo] = docs(compiled.tree.get(DELIVERY_DIR)!.get('flux/00-stagecraft.yaml')!);
    expect(repo.spec).toMatchObject({ ref });
    expect(Object.keys((repo.spec as { ref: object }).ref)).toEqual(Object.keys(ref));
  });

  it('has Flux follow one commit written in capitals and in small letters with one GitRepository, named alike either way', () => {
    const commit = '3f7a9c2e81b7d4f60a5e3c9b1d2f4a6e8c0b7d91';
    const repositories = (project: string, qa: string, production: string) => {
      const tree = run(project, {
        qa: stage(`{ cluster: nonprod, repository: { revision: ${qa} } }`),
        production: stage(`{ cluster: prod, repository: { revision: ${production} } }`),
      })().tree.get(DELIVERY_DIR)!;
      const sourceOf = (s: string) => (docs(tree.get(`flux/10-${s}.yaml`)!)[0].spec as { sourceRef: { name: string } }).sourceRef.name;
      return {
        names: docs(tree.get('flux/00-stagecraft.yaml')!).map((d) => d.metadata.name),
        qa: sourceOf('qa'),
        production: sourceOf('production'),
      };
    };
    const lower = repositories(PROJECT, commit, commit);
    // two stages on one commit, one of them copied in capitals: one object follows it, named as for small letters
    const mixed = repositories(PROJECT, commit.toUpperCase(), commit);
    expect(mixed).toEqual(lower);
    expect(mixed.names).toHaveLength(1);
    // the stage's commit in capitals, the project file's in small letters: the project's own GitRepository
    const inherited = repositories(PROJECT.replace('revision: main', `revision: ${commit}`), commit.toUpperCase(), 'main');
    expect(inherited.qa).toBe('stagecraft');
  });

  it('refuses a repository URL whose scheme is in capitals, which Git reads as no transport, saying that the scheme goes in small letters', () => {
    expect(
      problemsOf(run(PROJECT, { qa: stage("{ cluster: nonprod, repository: { url: 'HTTPS://git.example.com/team/app.git' } }") })),
    ).toEqual([
      'environments/qa.yaml:3:50: delivery.repository.url must be a Git or HTTPS URL (https://, http://, ssh:// or git://, in small letters as Git reads them, or user@host:path) (found "HTTPS://git.example.com/team/app.git")',
    ]);
  });

  it('gives Argo CD the revision as written: a bare tag, a full ref', () => {
    const text = ARGOCD_PROJECT.replace('revision: main', 'revision: v1.2.3');
    const compiled = compileStages(
      sources({ qa: stage('{ cluster: nonprod }'), production: stage('{ cluster: prod, repository: { revision: refs/tags/v1.2.3 } }') }),
      { project: { file: 'stagecraft.yaml', text }, delivery: true },
    );
    const tree = compiled.tree.get(DELIVERY_DIR)!;
    const revisionOf = (stageName: string) =>
      (docs(tree.get(`argocd/10-${stageName}.yaml`)!)[0].spec as { source: { targetRevision: string } }).source.targetRevision;
    expect([revisionOf('qa'), revisionOf('production')]).toEqual(['v1.2.3', 'refs/tags/v1.2.3']);
  });

  it("names a delivery object's invalid field as a dotted path, with a hint", () => {
    const plan = planDelivery(
      [deliveredStage({ stage: 'qa', namespace: 'qa', source: 'environments/qa.yaml', delivery: { cluster: 'nonprod' } }, [])],
      loadProjectFile(PROJECT),
      'stagecraft.yaml',
      new Map(),
    ).plans[0];
    // a URL that no check before would let through, to see what the engine's schema says of it
    const { files, problems } = deliveryFiles(
      [{ ...plan, repository: { ...plan.repository, url: 'git://git.example.com/team/app.git' } }],
      {
        compilerVersion: '0',
        source: 'stagecraft.yaml',
        sourceDigest: '',
      },
    );
    expect(files.size).toBe(0);
    expect(problems.map(formatProblem)).toEqual([
      'GitRepository flux-system/stagecraft: spec.url must match pattern "^(http|https|ssh)://.*$"\n' +
        "  hint: check the delivery settings it is made from (stagecraft.yaml and the stages' delivery:), and report that stagecraft accepted them",
    ]);
  });

  it('leaves dist/delivery/ out of a compilation of some stages only', () => {
    const compiled = compileStages(sources({ qa: stage('{ cluster: nonprod }') }), { project });
    expect(compiled.tree.has(DELIVERY_DIR)).toBe(false);
  });

  it('refuses a stage named delivery, whose output would be the delivery directory', () => {
    expect(problemsOf(() => compileStages(sources({ delivery: stage('') })))).toEqual([
      "environments/delivery.yaml: the stage name 'delivery' is reserved for dist/delivery/\n  hint: rename the stage file",
    ]);
  });

  it('refuses a remoteKeys entry that names no declared Secret key, at the key, with the nearest one', () => {
    const base = withoutDelivery(repoStage('dev'));
    const line = base.split('\n').length;
    const text = `${base}secretStore:\n  name: vault\n  remoteKeys:\n    mysqlsecret/pasword: prod/db#pw\n    tls/key: prod/tls#key\n`;
    expect(problemsOf(() => compileStages(sources({ qa: text })))).toEqual([
      `environments/qa.yaml:${line + 3}:5: secretStore.remoteKeys.mysqlsecret/pasword names no key of a Secret this stage gets from the store; did you mean 'mysqlsecret/password'?\n` +
        '  hint: name one of mysqlsecret/database, mysqlsecret/password, mysqlsecret/username as <secret>/<key>, or remove the entry',
      `environments/qa.yaml:${line + 4}:5: secretStore.remoteKeys.tls/key names no key of a Secret this stage gets from the store\n` +
        '  hint: name one of mysqlsecret/database, mysqlsecret/password, mysqlsecret/username as <secret>/<key>, or remove the entry',
    ]);
  });

  it('makes an ExternalSecret per declared Secret of a stage with a secret store: keys, never values', () => {
    const text = withoutDelivery(repoStage('dev')) + 'secretStore: { name: vault, remoteKeys: { mysqlsecret/password: team/db#pw } }\n';
    const compiled = compileStages(sources({ qa: text }));
    const objects = compiled.stages[0].charts.flatMap((c) => c.objects).filter((o) => o.kind === 'ExternalSecret');
    expect(objects).toHaveLength(1);
    expect(objects[0].spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'mysqlsecret', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'database', remoteRef: { key: 'qa/mysqlsecret', property: 'database' } },
        { secretKey: 'password', remoteRef: { key: 'team/db', property: 'pw' } },
        { secretKey: 'username', remoteRef: { key: 'qa/mysqlsecret', property: 'username' } },
      ],
    });
    // not delivered by Argo CD: no sync wave
    expect(objects[0].metadata.annotations).toBeUndefined();
  });

  it("has Argo CD create a stage's Namespace before its ExternalSecrets, and those before the workloads that read their Secrets", () => {
    const text = withoutDelivery(repoStage('dev')) + 'delivery: { cluster: nonprod }\nsecretStore: { name: vault }\n';
    const compiled = compileStages(sources({ qa: text }), { project: { text: ARGOCD_PROJECT, file: 'stagecraft.yaml' } });
    const objects = compiled.stages[0].charts.flatMap((c) => c.objects);
    // Argo CD applies wave by wave (the annotation, else 0), each once the one before is healthy, and orders by kind only within a wave
    const wave = (o: KubeObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const namespace = objects.find((o) => o.kind === 'Namespace')!;
    const external = objects.filter((o) => o.kind === 'ExternalSecret');
    expect(external.map((o) => o.metadata.name)).toEqual(['mysqlsecret']);
    for (const o of objects.filter((x) => x !== namespace)) expect(wave(o), describeObject(o)).toBeGreaterThan(wave(namespace));
    for (const o of objects.filter((x) => x.metadata.namespace && x.kind !== 'ExternalSecret'))
      expect(wave(o), describeObject(o)).toBeGreaterThan(wave(external[0]));
  });
  it('has Argo CD create a namespaced SecretStore the stage holds, and the ServiceAccount it names, after the Namespace and before the ExternalSecrets', () => {
    const store =
      'apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: { name: vault }\nspec:\n  provider:\n    vault:\n' +
      '      server: https://vault.example.com\n      path: secret\n      auth: { kubernetes: { mountPath: kubernetes, role: qa, serviceAccountRef: { name: vault-auth } } }\n';
    const included = new Map([
      ['store/store.yaml', store],
      ['store/account.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: vault-auth }\n'],
      ['store/other.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: other }\n'],
    ]);
    const text =
      withoutDelivery(repoStage('dev')).replace('apps:\n', 'apps:\n  vault-store:\n    stack: manifests\n    include: [store]\n') +
      'delivery: { cluster: nonprod }\nsecretStore: { name: vault, kind: SecretStore }\n';
    // the store's kind, as its CustomResourceDefinition declares it (namespaced), for the checks
    const crds = docs(
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: secretstores.external-secrets.io }\n' +
        'spec:\n  group: external-secrets.io\n  scope: Namespaced\n  names: { kind: SecretStore, plural: secretstores, singular: secretstore, listKind: SecretStoreList }\n' +
        '  versions:\n    - name: v1\n      served: true\n      storage: true\n' +
        '      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }\n',
    );
    const compiled = compileStages([{ stage: 'qa', file: 'environments/qa.yaml', text, readSource: () => included }], {
      project: { text: ARGOCD_PROJECT, file: 'stagecraft.yaml' },
      crds,
    });
    const objects = compiled.stages[0].charts.flatMap((c) => c.objects);
    const wave = (o: KubeObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
    const [namespace, secretStore, account, external] = [
      find('Namespace', 'qa'),
      find('SecretStore', 'vault'),
      find('ServiceAccount', 'vault-auth'),
      find('ExternalSecret', 'mysqlsecret'),
    ];
    expect(wave(namespace)).toBeLessThan(wave(secretStore));
    expect(wave(account)).toBe(wave(secretStore));
    expect(wave(secretStore)).toBeLessThan(wave(external));
    expect(wave(external)).toBeLessThan(0);
    // a ServiceAccount the store does not name stays with the workloads
    expect(wave(find('ServiceAccount', 'other'))).toBe(0);
    // delivered by Flux (which applies by dependsOn, not waves), nothing is annotated
    const flux = compileStages([{ stage: 'qa', file: 'environments/qa.yaml', text, readSource: () => included }], {
      project: { text: ARGOCD_PROJECT.replace('engine: argocd', 'engine: flux'), file: 'stagecraft.yaml' },
      crds,
    });
    const fluxObjects = flux.stages[0].charts.flatMap((c) => c.objects);
    expect(fluxObjects.filter((o) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] !== undefined)).toEqual([]);
  });
});

/**
 * What every project's delivery tree must be: each delivered stage (`delivered`: the stages whose
 * file says `delivery:`) applied from its own folder to its cluster, within the AppProject when
 * Argo CD delivers; and a tree kubectl kustomize and the strict referee (the pinned CRDs) accept.
 */
function expectSoundDelivery(delivery: ReadonlyMap<string, string>, delivered: readonly RenderedStage[]): void {
  const objects = [...delivery].filter(([p]) => p.endsWith('.yaml')).flatMap(([, text]) => docs(text));
  const apps = objects.filter((o) => o.kind === 'Application' || o.kind === 'Kustomization');
  expect(
    apps.map((a) => (a.spec as { source?: { path: string }; path?: string }).source?.path ?? (a.spec as { path: string }).path).sort(),
  ).toEqual(
    delivered
      .map((r) => r.stage.name)
      .sort()
      .map((name) => expect.stringMatching(new RegExp(`^(\\./)?dist/${name}$`))),
  );
  const appProject = objects.find((o) => o.kind === 'AppProject');
  if (appProject) {
    const spec = appProject.spec as {
      destinations: { namespace: string; server?: string }[];
      clusterResourceWhitelist: { kind: string }[];
    };
    // Argo CD refuses an Application whose destination its project does not list
    for (const app of apps) expect(spec.destinations).toContainEqual((app.spec as { destination: object }).destination);
    for (const r of delivered) {
      const app = apps.find((a) => (a.spec as { source: { path: string } }).source.path === `dist/${r.stage.name}`)!;
      const server = (app.spec as { destination: { server?: string } }).destination.server;
      const namespaces = new Set(r.charts.flatMap((c) => c.objects).flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])));
      for (const ns of namespaces) expect(spec.destinations).toContainEqual(expect.objectContaining({ namespace: ns, server }));
      for (const o of r.charts.flatMap((c) => c.objects).filter((x) => !x.metadata.namespace)) {
        expect(spec.clusterResourceWhitelist.map((k) => k.kind)).toContain(o.kind);
      }
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-delivery-'));
  writeTree(join(dir, 'dist'), new Map([[DELIVERY_DIR, delivery]]));
  for (const engine of new Set([...delivery.keys()].map((p) => p.split('/')[0]))) {
    const k = spawnSync('kubectl', ['kustomize', join(dir, 'dist', DELIVERY_DIR, engine)], { encoding: 'utf8' });
    expect(k.stderr).toBe('');
    expect(k.status).toBe(0);
  }
  const r = referee(join(dir, 'dist'));
  expect(r.out).toMatch(/ 0 invalid, 0 unknown kinds/);
  expect(r.status).toBe(0);
}

/** The stages of `compiled` whose stage file in `dir` declares `delivery:`. */
const deliveredStages = (dir: string, stages: readonly RenderedStage[]) =>
  stages.filter((r) => readFileSync(join(dir, r.source), 'utf8').match(/^delivery:/m));

describe('Argo CD delivery of a fixture project', () => {
  it('applies each delivered stage from its folder to its cluster, within the AppProject, in a tree kubectl and the referee accept', () => {
    const dir = tempProject({
      qa: `${withoutDelivery(repoStage('qa')).replace(/^promotion:.*\n/m, '')}delivery: { cluster: nonprod }\n`,
      production: stage('{ cluster: prod }', 'promotion: { from: qa }\n'),
      lab: stage(''),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    const compiled = compile(openProject(dir));
    const delivery = compiled.tree.get(DELIVERY_DIR)!;
    const objects = [...delivery].filter(([p]) => p.endsWith('.yaml')).flatMap(([, text]) => docs(text));
    expect(objects.map((o) => o.kind).sort()).toEqual(['AppProject', 'Application', 'Application']);
    const delivered = deliveredStages(dir, compiled.stages);
    expect(delivered.map((r) => r.stage.name).sort()).toEqual(['production', 'qa']);
    expectSoundDelivery(delivery, delivered);
  });

  it('lets the Application of a stage whose objects are all cluster-scoped or in other namespaces reach its own namespace', () => {
    const dir = tempProject({
      adopt: 'apps:\n  legacy: { stack: manifests, include: [manifests/adopt] }\ndelivery: { cluster: nonprod }\n',
    });
    mkdirSync(join(dir, 'manifests', 'adopt'), { recursive: true });
    writeFileSync(
      join(dir, 'manifests', 'adopt', 'a.yaml'),
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: team-reader }
rules: [{ apiGroups: [""], resources: [pods], verbs: [get, list] }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: kube-system }
data: { LEVEL: info }
`,
    );
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    const compiled = compile(openProject(dir));
    const delivery = compiled.tree.get(DELIVERY_DIR)!;
    const [appProject] = docs(delivery.get('argocd/00-stagecraft.yaml')!);
    expect((appProject.spec as { destinations: object[] }).destinations).toEqual([
      { namespace: 'adopt', server: 'https://nonprod.example.com:6443' },
      { namespace: 'kube-system', server: 'https://nonprod.example.com:6443' },
    ]);
    expectSoundDelivery(delivery, compiled.stages);
  });
});

describe('the committed project', () => {
  const compiled = compile(openProject(REPO));
  const delivery = compiled.tree.get(DELIVERY_DIR);

  it.runIf(delivery)('delivers every delivered stage soundly (as the fixture project above)', () => {
    expectSoundDelivery(delivery!, deliveredStages(REPO, compiled.stages));
  });
});

describe('delivery through the commands', () => {
  it('produces a Flux tree that kubectl kustomize and the strict referee accept, and shows a change of revision in diff and inventory', () => {
    const dir = tempProject({
      dev: stage('{ cluster: nonprod }'),
      test: stage('{ cluster: nonprod }', 'promotion: { from: dev }\n'),
      qa: stage('{ cluster: nonprod }', 'secretStore: { name: vault, kind: SecretStore }\npromotion: { from: test }\n'),
      production: stage('{ cluster: prod }', 'promotion: { from: qa }\n'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    const flux = join(dir, 'dist', DELIVERY_DIR, 'flux');
    expect(spawnSync('kubectl', ['kustomize', flux], { encoding: 'utf8' }).status).toBe(0);
    const r = referee(join(dir, 'dist'));
    expect(r.out).toMatch(/ 0 invalid, 0 unknown kinds/);
    const inventory = readFileSync(join(flux, 'inventory.txt'), 'utf8');
    // each stage waits for the one it is promoted from
    const production = docs(readFileSync(join(flux, '10-production.yaml'), 'utf8'))[0];
    expect(production.spec).toMatchObject({ dependsOn: [{ name: 'stagecraft-qa' }] });

    writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT.replace('revision: main', 'revision: release-2'));
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.stdout).toContain('GitRepository flux-system/stagecraft\n  spec.ref.branch: "main" -> "release-2"');
    expect(runCli('synth', [], dir).stdout).toContain('delivery: 5 Flux objects -> dist/delivery/flux/');
    const after = readFileSync(join(flux, 'inventory.txt'), 'utf8');
    const changed = after.split('\n').filter((l) => !inventory.split('\n').includes(l));
    expect(changed).toEqual([
      expect.stringMatching(/^source: stagecraft\.yaml sha256:/),
      expect.stringMatching(/^sha256:\w+ source\.toolkit\.fluxcd\.io\/v1 GitRepository flux-system\/stagecraft$/),
    ]);
  });

  it('follows a tag by its full ref in a Flux tree that kubectl kustomize and the strict referee accept', () => {
    const dir = tempProject({ qa: stage('{ cluster: nonprod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT.replace('revision: main', 'revision: refs/tags/v1.2.3'));
    const compiled = compile(openProject(dir));
    const delivery = compiled.tree.get(DELIVERY_DIR)!;
    expect(docs(delivery.get('flux/00-stagecraft.yaml')!)[0].spec).toMatchObject({ ref: { name: 'refs/tags/v1.2.3' } });
    expectSoundDelivery(delivery, compiled.stages);
  });

  it('refuses at synth, at its line in stagecraft.yaml and writing nothing, a repository URL Flux cannot clone', () => {
    const dir = tempProject({ qa: stage('{ cluster: nonprod }') });
    writeFileSync(
      join(dir, 'stagecraft.yaml'),
      PROJECT.replace('url: https://git.example.com/team/app.git', 'url: git@git.example.com:team/app.git'),
    );
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "stagecraft.yaml:3:22: error: delivery.repository.url: Flux cannot clone 'git@git.example.com:team/app.git': its GitRepository reads http://, https:// and ssh:// URLs only\n" +
        '  hint: write it as ssh://git@git.example.com/team/app.git, which Argo CD reads as well',
    );
    // (the command makes an empty dist/ before it compiles)
    expect(snapshotDir(join(dir, 'dist'))).toEqual({});
  });

  it("refuses a password in stagecraft.yaml's repository URL at its line, hidden, with exit 2 and dist/ untouched, at synth and at check", () => {
    const dir = tempProject({ qa: stage('{ cluster: nonprod }') });
    expect(runCli('synth', [], dir).code).toBe(0);
    const before = snapshotDir(join(dir, 'dist'));
    const file = join(dir, 'stagecraft.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('https://git.example.com/', 'https://deploy:hunter2pass@git.example.com/'));
    for (const command of ['synth', 'check']) {
      const r = runCli(command, [], dir);
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).not.toContain('hunter2pass');
      // said once, as the credentials they are (not a second time as a secret value)
      expect(r.stderr.match(/^stagecraft\.yaml:5:10: .*$/gm)).toEqual([
        "stagecraft.yaml:5:10: error: delivery.repository.url: the repository URL carries a password, which would go into dist/delivery/ (committed) and the engine's objects in the cluster; the URL is not printed",
      ]);
      expect(r.stderr).toContain(
        '  hint: write the URL as https://git.example.com/platform/stagecraft.git, and give the credentials to the engine',
      );
      expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
    }
  });

  it.each([
    ['argocd', ARGOCD_PROJECT, ['Application argocd/stagecraft-production']],
    ['flux', PROJECT, ['GitRepository flux-system/stagecraft-release', 'Kustomization flux-system/stagecraft-production']],
  ] as const)(
    "has the %s inventory's apply command delete the delivery objects of a removed stage, and nothing else",
    (engine, projectText, gone) => {
      const dir = tempProject({
        qa: stage('{ cluster: nonprod }'),
        production: stage('{ cluster: prod, repository: { revision: release } }', 'promotion: { from: qa }\n'),
      });
      writeFileSync(join(dir, 'stagecraft.yaml'), projectText);
      const tree = join(dir, 'dist', DELIVERY_DIR, engine);
      const objectsIn = (d: string) =>
        readdirSync(d)
          .filter((f) => f.endsWith('.yaml'))
          .flatMap((f) => docs(readFileSync(join(d, f), 'utf8')));
      expect(runCli('synth', [], dir).code).toBe(0);
      const before = objectsIn(tree);
      const stageObjects = objectsIn(join(dir, 'dist', 'qa'));
      rmSync(join(dir, 'environments', 'production.yaml'));
      expect(runCli('synth', [], dir).code).toBe(0);
      const after = objectsIn(tree);
      const command = /^# Apply and delete what no stage delivers any more: (.*)$/m.exec(
        readFileSync(join(tree, 'inventory.txt'), 'utf8'),
      )![1];
      expect(command).toBe(deliveryApplyCommand(engine, 'stagecraft'));
      expect(command).toMatch(new RegExp(`^kubectl apply -k dist/delivery/${engine} --prune -l `));
      const prune = pruneOf(command);
      // -l also chooses what is applied: every delivery object, and no object of a stage
      expect(after.filter((o) => !prune.selects(o))).toEqual([]);
      expect(stageObjects.filter((o) => prune.selects(o))).toEqual([]);
      expect(prune.deletes(before, after)).toEqual(gone);
      expect(spawnSync('kubectl', ['kustomize', tree], { encoding: 'utf8' }).status).toBe(0);
    },
  );

  it('says when an engine delivers no stage any more that its objects go on delivering in its cluster, with the commands that delete them', () => {
    const dir = tempProject({
      dev: stage('{ cluster: nonprod }'),
      qa: stage('{ cluster: nonprod }', 'promotion: { from: dev }\n'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    // every stage moved to Argo CD: the Kustomizations applied before stay in Flux's cluster, applying dev and qa alongside Argo CD
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    const moved = runCli('synth', [], dir);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain(
      [
        'delivery: 3 Argo CD objects -> dist/delivery/argocd/',
        'delivery: dist/delivery/argocd/ is new',
        '  Argo CD does not apply dist/delivery/ itself: apply it to the cluster Argo CD runs in before pushing the stages, with the command on the third line of dist/delivery/argocd/inventory.txt (an AppProject that lacks a kind a stage now has refuses its sync)',
        'delivery: removed dist/delivery/flux/ (no stage is delivered by Flux any more)',
        '  its objects stay in the cluster Flux runs in, where they go on applying the stages they name; delete them with:',
        '    kubectl delete kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-dev stagecraft-qa',
        '    kubectl delete gitrepository.source.toolkit.fluxcd.io -n flux-system stagecraft',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(dir, 'dist', DELIVERY_DIR, 'flux'))).toBe(false);
    // no stage delivered at all: dist/delivery/ goes, and Argo CD's objects are named the same way
    for (const s of ['dev', 'qa']) {
      const file = join(dir, 'environments', `${s}.yaml`);
      writeFileSync(file, withoutDelivery(readFileSync(file, 'utf8')));
    }
    const none = runCli('synth', [], dir);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain(
      [
        'delivery: removed dist/delivery/ (no stage file declares delivery:)',
        '  its Argo CD objects stay in the cluster Argo CD runs in, where they go on applying the stages they name; delete them with:',
        `    kubectl patch application.argoproj.io -n argocd stagecraft-dev --type merge -p '{"metadata":{"finalizers":null}}'`,
        `    kubectl patch application.argoproj.io -n argocd stagecraft-qa --type merge -p '{"metadata":{"finalizers":null}}'`,
        '    kubectl delete application.argoproj.io -n argocd stagecraft-dev stagecraft-qa',
        '    kubectl delete appproject.argoproj.io -n argocd stagecraft',
        '  the patches first: an Application that carries resources-finalizer.argocd.argoproj.io (added by hand: stagecraft writes none) has Argo CD delete every object it applied when it is deleted, ' +
          'the Namespace and its claims too, while the stage may still be in use; each patch removes its finalizers, and changes nothing on one without',
        '',
      ].join('\n'),
    );
  });

  it('says what it removed, and that the directory stays, when files stagecraft did not write keep dist/delivery/, an engine directory or a stage directory', () => {
    const dir = tempProject({
      dev: stage('{ cluster: nonprod }'),
      qa: stage('{ cluster: nonprod }', 'promotion: { from: dev }\n'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'dist', DELIVERY_DIR, 'flux', 'NOTES.md'), 'applied by hand on 2026-12-01\n');
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    const moved = runCli('synth', [], dir);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain(
      'delivery: removed the files stagecraft wrote in dist/delivery/flux/ (no stage is delivered by Flux any more); the files it did not write stay there\n',
    );
    expect(readdirSync(join(dir, 'dist', DELIVERY_DIR, 'flux'))).toEqual(['NOTES.md']);
    writeFileSync(join(dir, 'dist', 'qa', 'NOTES.md'), 'qa runs the load tests\n');
    rmSync(join(dir, 'environments', 'qa.yaml'));
    writeFileSync(join(dir, 'environments', 'dev.yaml'), withoutDelivery(stage('{ cluster: nonprod }')));
    const none = runCli('synth', [], dir);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain(
      'delivery: removed the files stagecraft wrote in dist/delivery/ (no stage file declares delivery:); the files it did not write stay there\n',
    );
    expect(none.stdout).toContain(
      'qa: removed the files stagecraft wrote in dist/qa/ (there is no environments/qa.yaml); the files it did not write stay there\n',
    );
    expect(readdirSync(join(dir, 'dist', DELIVERY_DIR))).toEqual(['flux']);
    expect(readdirSync(join(dir, 'dist', 'qa'))).toEqual(['NOTES.md']);
  });

  it("shows in the README the argocd inventory's apply command of the committed project", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8').replace(/ \\\n\s*/g, ' ');
    expect(readme).toContain(deliveryApplyCommand('argocd', 'stagecraft'));
    expect(readFileSync(join(REPO, 'dist', DELIVERY_DIR, 'argocd', 'inventory.txt'), 'utf8')).toContain(
      deliveryApplyCommand('argocd', 'stagecraft'),
    );
  });

  it('explains that npm run secrets has nothing to print for a stage whose Secrets come from a store', () => {
    const text = withoutDelivery(repoStage('dev')) + 'secretStore: { name: vault }\n';
    const dir = tempProject({ qa: text });
    const r = runCli('secrets', ['qa'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const line = text.split('\n').findIndex((l) => l.startsWith('secretStore:')) + 1;
    expect(r.stderr).toContain(
      `environments/qa.yaml:${line}:1: error: stage qa gets its Secrets (mysqlsecret) from the ClusterSecretStore 'vault' through the ExternalSecrets in dist/qa/, so there is nothing to print`,
    );
  });
});

/**
 * What `kubectl apply --prune -l <selector> --prune-allowlist=<group/version/Kind>...` (`command`)
 * selects, and would delete of the objects applied before (`before`, all applied by kubectl)
 * once `after` is applied: those with the selector's labels and an allow-listed kind that `after`
 * lacks, as `Kind namespace/name`.
 */
function pruneOf(command: string) {
  const selector = /(?:^| )-l (\S+)/
    .exec(command)![1]
    .split(',')
    .map((l) => l.split('='));
  const allowed = [...command.matchAll(/--prune-allowlist=(\S+)/g)].map((m) => m[1]);
  const key = (o: KubeObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
  const selects = (o: KubeObject) =>
    selector.every(([k, v]) => o.metadata.labels?.[k] === v) &&
    allowed.includes(`${o.apiVersion.includes('/') ? o.apiVersion : `core/${o.apiVersion}`}/${o.kind}`);
  return {
    selects,
    deletes: (before: readonly KubeObject[], after: readonly KubeObject[]) => {
      const kept = new Set(after.map(key));
      return before
        .filter((o) => selects(o) && !kept.has(key(o)))
        .map(key)
        .sort();
    },
  };
}
