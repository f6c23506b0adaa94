/** What synth says of the Flux Kustomizations it stops writing, when an older stagecraft applied them without deletionPolicy: Orphan. */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoStage, runCli, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';
import { compileStages } from '../../lib/compile.js';
import { declaredClusters } from '../../lib/cli/delivery-moves.js';

const PROJECT = FLUX_PROJECT;
const stage = deliveredStageFile;
const PATCH = `--type merge -p '{"spec":{"deletionPolicy":"Orphan"}}'`;

/** dev and qa delivered by Flux, with dist/delivery/flux/ as a stagecraft before deletionPolicy: Orphan wrote it. */
function olderFluxProject(): string {
  const dir = tempProject({
    dev: stage('{ cluster: nonprod }'),
    qa: stage('{ cluster: nonprod }', 'promotion: { from: dev }\n'),
  });
  writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT);
  expect(runCli('synth', [], dir).code).toBe(0);
  const flux = join(dir, 'dist', 'delivery', 'flux');
  for (const f of readdirSync(flux).filter((f) => f.startsWith('10-'))) {
    const text = readFileSync(join(flux, f), 'utf8');
    expect(text).toContain('  deletionPolicy: Orphan\n');
    writeFileSync(join(flux, f), text.replace('  deletionPolicy: Orphan\n', ''));
  }
  return dir;
}

describe('synth, when a Kustomization applied by an older stagecraft leaves dist/delivery/flux/', () => {
  it('warns that the apply that prunes it would make Flux delete the stage, with the patch to run first', () => {
    const dir = olderFluxProject();
    // qa is no longer delivered: the next apply of dist/delivery/flux prunes stagecraft-qa as applied, with no deletionPolicy
    // (moved to Argo CD, the move's warning gives the patch as its first step: test/cli/delivery-moves.test.ts)
    writeFileSync(join(dir, 'environments', 'qa.yaml'), stage('', 'promotion: { from: dev }\n'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      [
        'Kustomization flux-system/stagecraft-qa: warning: leaves dist/delivery/flux/, so the next kubectl apply --prune of that directory deletes it from the cluster Flux runs in; as applied from dist/delivery/flux/10-qa.yaml (written by an older stagecraft) it has no spec.deletionPolicy: Orphan, so Flux then deletes every object it applied, the Namespace and its claims too, while the stage may still be in use',
        `  hint: before that apply, run in the cluster Flux runs in: kubectl patch kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-qa ${PATCH}`,
        '',
      ].join('\n'),
    );
    // said of what leaves only: dev's Kustomization stays, and the apply gives it deletionPolicy: Orphan
    expect(readFileSync(join(dir, 'dist', 'delivery', 'flux', '10-dev.yaml'), 'utf8')).toContain('deletionPolicy: Orphan');
  });

  it('gives the patch commands before the commands that delete the Kustomizations of an engine that delivers no stage any more', () => {
    const dir = olderFluxProject();
    writeFileSync(join(dir, 'environments', 'dev.yaml'), stage('{ cluster: prod, engine: argocd }'));
    writeFileSync(join(dir, 'environments', 'qa.yaml'), stage('{ cluster: prod, engine: argocd }', 'promotion: { from: dev }\n'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        'delivery: removed dist/delivery/flux/ (no stage is delivered by Flux any more)',
        '  its objects stay in the cluster Flux runs in, where they go on applying the stages they name; delete them with:',
        `    kubectl patch kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-dev ${PATCH}`,
        `    kubectl patch kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-qa ${PATCH}`,
        '    kubectl delete kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-dev stagecraft-qa',
        '    kubectl delete gitrepository.source.toolkit.fluxcd.io -n flux-system stagecraft',
        '  the patch first: dist/delivery/flux/10-dev.yaml, dist/delivery/flux/10-qa.yaml, as applied, give their Kustomizations no deletionPolicy: Orphan (written by an older stagecraft), and without it Flux deletes every object a deleted Kustomization applied (prune: true), the Namespace and its claims too',
        '',
      ].join('\n'),
    );
    // the Kustomizations' deletion is in the commands above, never warned of (qa no longer waiting for dev is: test/delivery/lost-waits.test.ts;
    // the move to Argo CD, whose steps name that deletion, is: test/cli/delivery-moves.test.ts)
    expect(r.stderr).not.toMatch(/^Kustomization flux-system\//m);
  });

  it('is said by npm run diff of the stage before synth, with the patch', () => {
    const dir = olderFluxProject();
    writeFileSync(join(dir, 'environments', 'qa.yaml'), stage('', 'promotion: { from: dev }\n'));
    const r = runCli('diff', ['qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('only in dist/delivery (for qa): Kustomization flux-system/stagecraft-qa\n');
    expect(r.stderr).toBe(
      [
        'Kustomization flux-system/stagecraft-qa: warning: leaves dist/delivery/flux/, so the next kubectl apply --prune of that directory deletes it from the cluster Flux runs in; as applied from dist/delivery/flux/10-qa.yaml (written by an older stagecraft) it has no spec.deletionPolicy: Orphan, so Flux then deletes every object it applied, the Namespace and its claims too, while the stage may still be in use',
        `  hint: before that apply, run in the cluster Flux runs in: kubectl patch kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-qa ${PATCH}`,
        '',
      ].join('\n'),
    );
  });
});

describe('synth, when the project file gives the delivery project another name', () => {
  it("says that the apply command no longer prunes the old name's objects, which go on applying their stages, with the commands that delete them", () => {
    const dir = tempProject({
      dev: stage('{ cluster: nonprod }'),
      qa: stage('{ cluster: prod, engine: argocd }', 'promotion: { from: dev }\n'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT.replace('delivery:\n', 'delivery:\n  project: platform\n'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        'delivery: dist/delivery/argocd/ is now the project platform (it was stagecraft), and its apply command prunes only objects labelled stagecraft.dev/delivery=platform',
        '  the objects of the project stagecraft stay in the cluster Argo CD runs in, where they go on applying the stages they name; delete them with:',
        `    kubectl patch application.argoproj.io -n argocd stagecraft-qa --type merge -p '{"metadata":{"finalizers":null}}'`,
        '    kubectl delete application.argoproj.io -n argocd stagecraft-qa',
        '    kubectl delete appproject.argoproj.io -n argocd stagecraft',
        '  the patches first: an Application that carries resources-finalizer.argocd.argoproj.io (added by hand: stagecraft writes none) has Argo CD delete every object it applied when it is deleted, ' +
          'the Namespace and its claims too, while the stage may still be in use; each patch removes its finalizers, and changes nothing on one without',
        'delivery: dist/delivery/flux/ is now the project platform (it was stagecraft), and its apply command prunes only objects labelled stagecraft.dev/delivery=platform',
        '  the objects of the project stagecraft stay in the cluster Flux runs in, where they go on applying the stages they name; delete them with:',
        '    kubectl delete kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-dev',
        '    kubectl delete gitrepository.source.toolkit.fluxcd.io -n flux-system stagecraft',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(dir, 'dist', 'delivery', 'flux', 'inventory.txt'), 'utf8')).toContain('stagecraft.dev/delivery=platform');
  });

  it('gives the patch first for a Kustomization an older stagecraft applied, and does not say that the apply prunes it', () => {
    const dir = olderFluxProject();
    writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT.replace('delivery:\n', 'delivery:\n  project: platform\n'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        `    kubectl patch kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-dev ${PATCH}`,
        `    kubectl patch kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-qa ${PATCH}`,
        '    kubectl delete kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-dev stagecraft-qa',
        '    kubectl delete gitrepository.source.toolkit.fluxcd.io -n flux-system stagecraft',
      ].join('\n'),
    );
    expect(r.stderr).not.toContain('the next kubectl apply --prune');
  });

  it('has npm run diff of a stage say, before synth, that the delete commands synth prints delete the Kustomization, not the apply, with the patch before them', () => {
    const dir = olderFluxProject();
    writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT.replace('delivery:\n', 'delivery:\n  project: platform\n'));
    const r = runCli('diff', ['qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "Kustomization flux-system/stagecraft-qa: warning: leaves dist/delivery/flux/, so the delete commands npm run synth prints then for the project's old name delete it " +
        "(the apply of that directory prunes only the new name's objects) from the cluster Flux runs in; ",
    );
    expect(r.stderr).toContain(
      `  hint: before that delete, run in the cluster Flux runs in: kubectl patch kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-qa ${PATCH}`,
    );
    expect(r.stderr).not.toContain('the next kubectl apply --prune');
  });
});

/** The example stage dev as the stage qa (a database on a claim), delivered to `cluster`. */
function qaOn(cluster: string): string {
  const text = repoStage('dev');
  expect(text).toContain('delivery: { cluster: nonprod }');
  return text.replace('delivery: { cluster: nonprod }', `delivery: { cluster: ${cluster} }`);
}

/**
 * A project whose stage qa (`qaOn`) was synthesized with `project`, then delivered as `nextProject`
 * and `cluster` say: what `command` (`synth`, or `diff qa` before that synthesis) printed.
 */
function synthMoved(
  project: string,
  nextProject: string,
  cluster = 'nonprod',
  command = 'synth',
): { dir: string; stdout: string; stderr: string } {
  const dir = tempProject({ qa: qaOn('nonprod') });
  writeFileSync(join(dir, 'stagecraft.yaml'), project);
  expect(runCli('synth', [], dir).code).toBe(0);
  writeFileSync(join(dir, 'stagecraft.yaml'), nextProject);
  writeFileSync(join(dir, 'environments', 'qa.yaml'), qaOn(cluster));
  const [name, ...args] = command.split(' ');
  const r = runCli(name!, args, dir);
  expect(r.code).toBe(0);
  return { dir, stdout: r.stdout, stderr: r.stderr };
}

const ARGOCD_PROJECT = PROJECT.replace('engine: flux', 'engine: argocd').replace(
  '{ kubeConfigSecret: nonprod-kubeconfig }',
  '{ server: https://nonprod.example.com:6443 }',
);

describe('synth, when a stage is delivered to another cluster', () => {
  it('warns once that the old cluster may keep its objects and data, with the command that deletes them there only if it is another, when another server URL names it', () => {
    // one API server answers at several URLs (https://kubernetes.default.svc, its public address): never an unconditional delete
    const { dir, stderr } = synthMoved(ARGOCD_PROJECT, ARGOCD_PROJECT, 'prod');
    const [now, was] = ['https://prod.example.com:6443', 'https://nonprod.example.com:6443'];
    expect(stderr).toContain(
      `Application argocd/stagecraft-qa: warning: applies dist/qa to ${now} now, where it applied it to ${was}: that may be another cluster, or the same one named another way; ` +
        `if it is another, Argo CD leaves what it applied there: the stage's objects stay at work in ${was}, its claims with their data, while it starts on new, empty claims in ${now}\n` +
        `  hint: first find out whether it is another cluster (argocd cluster list gives the server of each cluster Argo CD names); only if it is another: ` +
        `copy what is to be kept first; then, with kubectl pointed at ${was}, delete the stage there: kubectl delete `,
    );
    expect(stderr).toContain('; if it is the same, delete nothing: that would delete the stage at work, with its data');
    expect(stderr).toMatch(
      /delete the stage there: kubectl delete [\w.,]*persistentvolumeclaim,[\w.,]*namespace -n qa -l stagecraft.dev\/stage=qa,/,
    );
    // said once: the next synthesis compares with what this one wrote
    expect(runCli('synth', [], dir).stderr).not.toContain('delivery/moves-cluster');
    expect(runCli('synth', ['--no-cache'], dir).stderr).not.toContain('no longer to');
  });

  it('deletes there only what is in its namespace, as for a removed stage: what it holds in kube-system is named with its own command (the rest of that cluster may run on it)', () => {
    const dir = tempProject({ qa: qaOn('nonprod') });
    mkdirSync(join(dir, 'manifests'));
    writeFileSync(
      join(dir, 'manifests', 'node-agent.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: node-agent\n  namespace: kube-system\ndata:\n  a: b\n',
    );
    const withAgent = (text: string) =>
      text.replace(/^apps:\n/m, 'apps:\n  node-agent:\n    stack: manifests\n    include: [manifests/node-agent.yaml]\n');
    writeFileSync(join(dir, 'environments', 'qa.yaml'), withAgent(qaOn('nonprod')));
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'qa.yaml'), withAgent(qaOn('prod')));
    const { code, stderr } = runCli('synth', [], dir);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /delete the stage there: kubectl delete [\w.,]*namespace -n qa -l stagecraft.dev\/stage=qa,[^;]*; it leaves out /,
    );
    expect(stderr).toContain(
      'ConfigMap kube-system/node-agent; once nothing uses it, delete it with: kubectl delete configmap -n kube-system -l ',
    );
    expect(stderr).not.toContain('--all-namespaces');
  });

  it('says nothing when the server URL is written with a trailing /', () => {
    const { stderr } = synthMoved(
      ARGOCD_PROJECT,
      ARGOCD_PROJECT.replace('https://nonprod.example.com:6443', 'https://nonprod.example.com:6443/'),
    );
    expect(stderr).not.toContain('delivery/moves-cluster');
    expect(stderr).not.toContain('applies dist/qa');
  });

  it.each([
    ['a host in capitals', 'https://nonprod.example.com:6443', 'https://NONPROD.example.com:6443'],
    ['the default port', 'https://nonprod.example.com', 'https://nonprod.example.com:443'],
  ])(
    'warns once, deleting nothing, when the server URL is written another way (%s): Argo CD finds a cluster by its server as written',
    (_, was, server) => {
      const project = ARGOCD_PROJECT.replace('https://nonprod.example.com:6443', was);
      const { dir, stderr } = synthMoved(project, project.replace(was, server));
      expect(stderr).toContain(
        `Application argocd/stagecraft-qa: warning: names its cluster ${server} now, where it named it ${was}: ` +
          'one address, but Argo CD finds a cluster by its server as written (destination.server against the server its cluster Secret holds), so the Application finds none unless the cluster is registered as written now\n' +
          `  hint: argocd cluster list shows the server each cluster is registered with: write that in stagecraft.yaml, or register the cluster as ${server} (argocd cluster add takes the server of the kubeconfig)\n`,
      );
      expect(stderr).not.toContain('applies dist/qa');
      expect(runCli('synth', [], dir).stderr).not.toContain('names its cluster');
    },
  );

  it('says no move when the Application as an older stagecraft wrote it has the server with a host in capitals, only the spelling', () => {
    const dir = tempProject({ qa: qaOn('nonprod') });
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    const file = join(dir, 'dist', 'delivery', 'argocd', '10-qa.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('server: https://nonprod.example.com:6443', 'server: https://NONPROD.example.com:6443'),
    );
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('applies dist/qa');
    expect(r.stderr).toContain(
      'warning: names its cluster https://nonprod.example.com:6443 now, where it named it https://NONPROD.example.com:6443: one address',
    );
  });

  it.each([
    [
      'an Argo CD name for its server URL',
      ARGOCD_PROJECT,
      ARGOCD_PROJECT.replace('{ server: https://nonprod.example.com:6443 }', '{ name: nonprod }'),
      'Application argocd/stagecraft-qa',
      'the cluster Argo CD names nonprod',
      'https://nonprod.example.com:6443',
      'argocd cluster list gives the server of each cluster Argo CD names',
    ],
    [
      'another kubeconfig Secret',
      PROJECT,
      PROJECT.replace('nonprod-kubeconfig', 'nonprod-admin'),
      'Kustomization flux-system/stagecraft-qa',
      'the cluster of the kubeconfig in the Secret nonprod-admin',
      'the cluster of the kubeconfig in the Secret nonprod-kubeconfig',
      'compare the server: of the kubeconfigs in the Secret flux-system/nonprod-kubeconfig and the Secret flux-system/nonprod-admin',
    ],
    [
      "Flux's own cluster for a kubeconfig Secret",
      PROJECT,
      PROJECT.replace('{ kubeConfigSecret: nonprod-kubeconfig }', '{ server: https://nonprod.example.com:6443 }').replace(
        'prod: { server: https://prod.example.com:6443 }',
        'prod: { kubeConfigSecret: prod-kubeconfig }',
      ),
      'Kustomization flux-system/stagecraft-qa',
      'the cluster Flux runs in',
      'the cluster of the kubeconfig in the Secret nonprod-kubeconfig',
      'compare the server: of the kubeconfig in the Secret flux-system/nonprod-kubeconfig with the cluster Flux runs in',
    ],
  ])(
    'says that a cluster named another way (%s) may be the same, and deletes the stage only if it is another',
    (_, project, nextProject, subject, now, was, tell) => {
      const { stderr } = synthMoved(project, nextProject);
      const engine = subject.startsWith('Application') ? 'Argo CD' : 'Flux';
      expect(stderr).toContain(
        `${subject}: warning: applies dist/qa to ${now} now, where it applied it to ${was}: that may be another cluster, or the same one named another way; ` +
          `if it is another, ${engine} leaves what it applied there: the stage's objects stay at work in ${was}, its claims with their data, while it starts on new, empty claims in ${now}\n` +
          `  hint: first find out whether it is another cluster (${tell}); only if it is another: copy what is to be kept first; then, with kubectl pointed at ${was}, delete the stage there: kubectl delete `,
      );
      expect(stderr).toMatch(
        /stagecraft.dev\/stage=qa,[^;\n]*; if it is the same, delete nothing: that would delete the stage at work, with its data\n/,
      );
      // never the unconditional delete of a stage that may be the one at work
      expect(stderr).not.toContain('  hint: copy what is to be kept first');
    },
  );

  it('says so when the stage moves to the other engine and another cluster at once: the engine it leaves keeps it in the old one', () => {
    // Argo CD applied qa to nonprod by its server; Flux now applies it through a kubeconfig Secret, which may be another cluster
    const { stderr } = synthMoved(ARGOCD_PROJECT, PROJECT.replace('nonprod-kubeconfig', 'eu-kubeconfig'));
    const [now, was] = ['the cluster of the kubeconfig in the Secret eu-kubeconfig', 'https://nonprod.example.com:6443'];
    expect(stderr).toContain(
      `Kustomization flux-system/stagecraft-qa: warning: applies dist/qa to ${now} now, where it applied it to ${was}: that may be another cluster, or the same one named another way; ` +
        `if it is another, Argo CD leaves what it applied there: the stage's objects stay at work in ${was}, its claims with their data, while it starts on new, empty claims in ${now}\n` +
        '  hint: first find out whether it is another cluster (argocd cluster list gives the server of each cluster Argo CD names; compare it with the server: of the kubeconfig in the Secret flux-system/eu-kubeconfig); ' +
        `only if it is another: copy what is to be kept first; then, with kubectl pointed at ${was}, delete the stage there: kubectl delete `,
    );
  });

  it.each([
    ['synth', 'Argo CD to Flux', 'argocd', 'flux'],
    ['synth', 'Flux to Argo CD', 'flux', 'argocd'],
    ['diff qa', 'Argo CD to Flux', 'argocd', 'flux'],
    ['diff qa', 'Flux to Argo CD', 'flux', 'argocd'],
  ])(
    'npm run %s says nothing when the stage moves from %s on a cluster that stagecraft.yaml names both ways, by its server and its kubeconfig Secret',
    (command, _, from, to) => {
      const both = PROJECT.replace(
        '{ kubeConfigSecret: nonprod-kubeconfig }',
        '{ server: https://nonprod.example.com:6443, kubeConfigSecret: nonprod-kubeconfig }',
      );
      const { dir, stdout, stderr } = synthMoved(
        both.replace('engine: flux', `engine: ${from}`),
        both.replace('engine: flux', `engine: ${to}`),
        'nonprod',
        command,
      );
      if (command === 'synth') expect(readdirSync(join(dir, 'dist', 'delivery'))).toEqual([to]);
      // diff compared the delivery before synth: the object of the engine the stage leaves goes
      else
        expect(stdout).toContain(
          `only in dist/delivery (for qa): ${from === 'argocd' ? 'Application argocd' : 'Kustomization flux-system'}/stagecraft-qa\n`,
        );
      expect(stderr).not.toContain('delivery/moves-cluster');
      expect(stderr).not.toContain('applies dist/qa');
    },
  );

  it('takes the clusters that name both ways from the project file as the compilation loaded it, not from stagecraft.yaml read again', () => {
    const sources = [{ stage: 'qa', file: 'environments/qa.yaml', text: qaOn('nonprod') }];
    const compiled = compileStages(sources, { project: { file: 'stagecraft.yaml', text: PROJECT } });
    expect(declaredClusters(compiled.projectFile)).toEqual([
      { kubeConfigSecret: 'nonprod-kubeconfig' },
      { server: 'https://prod.example.com:6443' },
    ]);
    // without a project file, none
    expect(declaredClusters(compileStages(sources).projectFile)).toEqual([]);
  });

  it('is said by npm run diff of the stage before synth', () => {
    const dir = tempProject({ qa: qaOn('nonprod') });
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'qa.yaml'), qaOn('prod'));
    const r = runCli('diff', ['qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'Application argocd/stagecraft-qa: warning: applies dist/qa to https://prod.example.com:6443 now, where it applied it to https://nonprod.example.com:6443: that may be another cluster',
    );
    expect(r.stderr).toContain(
      'only if it is another: copy what is to be kept first; then, with kubectl pointed at https://nonprod.example.com:6443, delete the stage there: kubectl delete ',
    );
  });
});

describe('synth, when the objects of an engine change', () => {
  it('says what changed and to apply them before pushing, once: the engine does not apply dist/delivery/, and its AppProject refuses a kind it does not list', () => {
    const dir = tempProject({ qa: stage('{ cluster: prod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    expect(runCli('synth', [], dir).stdout).toContain(
      'delivery: dist/delivery/argocd/ is new\n  Argo CD does not apply dist/delivery/ itself: apply it to the cluster Argo CD runs in before pushing the stages, with the command on the third line of dist/delivery/argocd/inventory.txt',
    );
    // qa gains a CronJob: the AppProject must allow batch/CronJob before Argo CD syncs qa
    writeFileSync(
      join(dir, 'environments', 'qa.yaml'),
      stage('{ cluster: prod }').replace(
        'apps:\n',
        'apps:\n  tick: { stack: cron, schedule: "0 * * * *", image: busybox:1.36, command: [date] }\n',
      ),
    );
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        'delivery: dist/delivery/argocd/ changed (0 added, 1 changed, 0 removed)',
        '  changed: AppProject argocd/stagecraft',
        '  Argo CD does not apply dist/delivery/ itself: apply it to the cluster Argo CD runs in before pushing the stages, with the command on the third line of dist/delivery/argocd/inventory.txt (an AppProject that lacks a kind a stage now has refuses its sync)',
        '',
      ].join('\n'),
    );
    // said once: the next synth, replayed or not, finds the objects as they are
    expect(runCli('synth', [], dir).stdout).not.toContain('delivery: dist/delivery/argocd/ changed');
    expect(runCli('synth', ['--no-cache'], dir).stdout).not.toContain('delivery: dist/delivery/argocd/ changed');
  });

  /** qa (with a manifests app holding `budget`, a PodDisruptionBudget, when asked) and dev, delivered by Argo CD. */
  function budgetProject(budget: boolean): string {
    const dir = tempProject({ dev: stage('{ cluster: nonprod }'), qa: stage('{ cluster: prod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    mkdirSync(join(dir, 'manifests', 'budget'), { recursive: true });
    writeFileSync(
      join(dir, 'manifests', 'budget', 'pdb.yaml'),
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: nginx }\nspec:\n  minAvailable: 1\n  selector: { matchLabels: { app: nginx } }\n',
    );
    if (budget) withBudget(dir, true);
    expect(runCli('synth', [], dir).code).toBe(0);
    return dir;
  }
  const withBudget = (dir: string, budget: boolean) =>
    writeFileSync(
      join(dir, 'environments', 'qa.yaml'),
      stage('{ cluster: prod }').replace(
        'apps:\n',
        budget ? 'apps:\n  budget: { stack: manifests, include: [manifests/budget] }\n' : 'apps:\n',
      ),
    );

  it('says to push first and apply once the stage is pruned when the AppProject loses a kind a stage held: Argo CD would never prune what its project no longer permits', () => {
    const dir = budgetProject(true);
    withBudget(dir, false);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        'delivery: dist/delivery/argocd/ changed (0 added, 1 changed, 0 removed)',
        '  changed: AppProject argocd/stagecraft',
        '  Argo CD does not apply dist/delivery/ itself, and its AppProject stagecraft no longer permits what live objects of stagecraft-qa are (PodDisruptionBudget): ' +
          'Argo CD leaves the objects its project does not permit out of its comparison, so applied before the stages are pushed, it would never prune them',
        '  push the stages; once Argo CD has synced that commit and pruned those objects (argocd app sync stagecraft-qa --prune does it at once), apply it to the cluster Argo CD runs in, with the command on the third line of dist/delivery/argocd/inventory.txt',
        '',
      ].join('\n'),
    );
    expect(r.stdout).not.toContain('before pushing the stages, with');
  });

  it('says both steps when the AppProject gains a kind and loses another: a patch that permits both before the push, the apply once it is pruned', () => {
    const dir = budgetProject(true);
    // qa drops its PodDisruptionBudget while dev gains a CronJob
    withBudget(dir, false);
    writeFileSync(
      join(dir, 'environments', 'dev.yaml'),
      stage('{ cluster: nonprod }').replace(
        'apps:\n',
        'apps:\n  tick: { stack: cron, schedule: "0 * * * *", image: busybox:1.36, command: [date] }\n',
      ),
    );
    const lines = runCli('synth', [], dir).stdout.split('\n');
    const first = lines.findIndex((l) => l.startsWith('  first, before pushing the stages, give the AppProject'));
    expect(lines[first - 1]).toContain('no longer permits what live objects of stagecraft-qa are (PodDisruptionBudget)');
    const patch =
      /^ {2}first, before pushing the stages, give the AppProject in the cluster Argo CD runs in what it gains while keeping what it loses: kubectl patch appproject\.argoproj\.io -n argocd stagecraft --type merge -p '(.*)'$/.exec(
        lines[first]!,
      );
    const kinds = (
      JSON.parse(patch![1]!) as { spec: { namespaceResourceWhitelist: { kind: string }[] } }
    ).spec.namespaceResourceWhitelist.map((k) => k.kind);
    expect(kinds).toEqual(expect.arrayContaining(['PodDisruptionBudget', 'CronJob']));
    expect(lines[first + 1]).toMatch(
      /^ {2}then push the stages; once Argo CD has synced that commit and pruned those objects \(argocd app sync stagecraft-qa --prune/,
    );
  });

  it('says to apply before pushing when a removed stage takes a kind away: its Application goes with the apply, and nothing of it is to be pruned first', () => {
    const dir = budgetProject(true);
    rmSync(join(dir, 'environments', 'qa.yaml'));
    const r = runCli('synth', [], dir);
    expect(r.stdout).toContain(
      '  Argo CD does not apply dist/delivery/ itself: apply it to the cluster Argo CD runs in before pushing the stages',
    );
    expect(r.stdout).not.toContain('no longer permits');
  });
});

describe('synth, when a delivered stage is removed', () => {
  it.each([
    [
      'Argo CD, which still delivers dev',
      ARGOCD_PROJECT,
      'https://prod.example.com:6443',
      'Application argocd/stagecraft-qa applied them; ' +
        'first apply dist/delivery/argocd (the command on the third line of its inventory.txt), which prunes Application argocd/stagecraft-qa' +
        " (should it carry resources-finalizer.argocd.argoproj.io, added by hand, Argo CD then deletes the stage's objects itself, the claims' data too: copy what is to be kept before that apply)",
    ],
    [
      'Flux, which delivers no stage any more (dev moves to Argo CD)',
      PROJECT,
      // prod has no kubeConfigSecret: the cluster Flux runs in
      'the cluster Flux runs in',
      'Kustomization flux-system/stagecraft-qa applied them; first delete Kustomization flux-system/stagecraft-qa (with the commands below)',
    ],
  ])(
    'says, for %s, which cluster holds its objects and that its Application or Kustomization goes before the delete',
    (_, projectText, cluster, first) => {
      const dir = tempProject({ dev: stage('{ cluster: nonprod }'), qa: stage('{ cluster: prod }') });
      writeFileSync(join(dir, 'stagecraft.yaml'), projectText);
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(join(dir, 'environments', 'qa.yaml'));
      if (projectText === PROJECT) writeFileSync(join(dir, 'environments', 'dev.yaml'), stage('{ cluster: prod, engine: argocd }'));
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(
        `qa: removed dist/qa/ (there is no environments/qa.yaml)\n  its objects stay in ${cluster}, where ${first}, ` +
          'else it applies them again from a revision that still holds dist/qa (a tag or a commit it follows); ' +
          `then, with kubectl pointed at ${cluster}, delete them with: kubectl delete `,
      );
    },
  );

  it('diff -- <stage> says the same of a removed stage Argo CD delivered: its cluster, and its Application first', () => {
    const dir = tempProject({ dev: stage('{ cluster: nonprod }'), qa: stage('{ cluster: prod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, 'environments', 'qa.yaml'));
    const r = runCli('diff', ['qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'npm run synth removes dist/qa/; its objects stay in https://prod.example.com:6443, where Application argocd/stagecraft-qa applied them, until deleted: ' +
        'first apply dist/delivery/argocd (the command on the third line of its inventory.txt), which prunes Application argocd/stagecraft-qa' +
        " (should it carry resources-finalizer.argocd.argoproj.io, added by hand, Argo CD then deletes the stage's objects itself, the claims' data too: copy what is to be kept before that apply), " +
        'else it applies them again from a revision that still holds dist/qa (a tag or a commit it follows); ' +
        'then, with kubectl pointed at https://prod.example.com:6443, kubectl delete ',
    );
  });
  it("says, when another stage now uses its namespace, to remove the Application's finalizers before anything else: Argo CD would delete that Namespace with the other stage in it", () => {
    const dir = tempProject({ dev: stage('{ cluster: nonprod }'), qa: stage('{ cluster: prod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), ARGOCD_PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    // qa renamed to staging, which keeps its namespace and cluster
    rmSync(join(dir, 'environments', 'qa.yaml'));
    writeFileSync(join(dir, 'environments', 'staging.yaml'), `namespace: qa\n${stage('{ cluster: prod }')}`);
    const first =
      `first remove the finalizers of Application argocd/stagecraft-qa in the cluster Argo CD runs in: kubectl patch application.argoproj.io -n argocd stagecraft-qa --type merge -p '{"metadata":{"finalizers":null}}' ` +
      '(staging now uses its namespace: should it carry resources-finalizer.argocd.argoproj.io, added by hand, Argo CD would delete that Namespace with everything in it as the Application goes, ' +
      'the objects and claims of staging too; the patch changes nothing on one without); ' +
      'then apply dist/delivery/argocd (the command on the third line of its inventory.txt), which prunes Application argocd/stagecraft-qa, ' +
      'else it applies them again from a revision that still holds dist/qa (a tag or a commit it follows); ' +
      "then, with kubectl pointed at https://prod.example.com:6443, staging uses its namespace, whose objects carry qa's labels until applied again: first kubectl apply -k dist/staging, then ";
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(`where Application argocd/stagecraft-qa applied them, until deleted: ${first}kubectl delete `);
    // no copy is asked for: the patch keeps the objects where staging takes them over
    expect(diff.stdout).not.toContain('copy what is to be kept before that apply');
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`where Application argocd/stagecraft-qa applied them; ${first}delete them with: kubectl delete `);
  });
});

describe('synth, when an Application leaves dist/delivery/argocd/ while its stage stays', () => {
  const FINALIZERS = `kubectl patch application.argoproj.io -n argocd stagecraft-qa --type merge -p '{"metadata":{"finalizers":null}}'`;
  /** dev and qa delivered by Argo CD to one cluster, synthesized, then qa as `qa` says. */
  function argocdProject(qa: string | undefined): string {
    const dir = tempProject({ dev: stage('{ cluster: prod }'), qa: stage('{ cluster: prod }', 'promotion: { from: dev }\n') });
    writeFileSync(join(dir, 'stagecraft.yaml'), PROJECT.replace('engine: flux', 'engine: argocd'));
    expect(runCli('synth', [], dir).code).toBe(0);
    if (qa === undefined) rmSync(join(dir, 'environments', 'qa.yaml'));
    else writeFileSync(join(dir, 'environments', 'qa.yaml'), qa);
    return dir;
  }

  // (moved to Flux: the move's warning gives the patch, in the order of its steps: test/cli/delivery-moves.test.ts)
  it.each([['no longer delivered', stage('', 'promotion: { from: dev }\n'), 'no engine delivers it now']])(
    'warns, for a stage %s, that the apply that prunes it deletes the stage should it carry the finalizer, with the patch to run first',
    (_, qa, now) => {
      const dir = argocdProject(qa);
      const warning = [
        `Application argocd/stagecraft-qa: warning: leaves dist/delivery/argocd/ while dist/qa stays (${now}), so the next kubectl apply --prune of that directory deletes it from the cluster Argo CD runs in; ` +
          'should it carry resources-finalizer.argocd.argoproj.io (added by hand: stagecraft writes none, and no file shows it), Argo CD then deletes every object it applied, the Namespace and its claims too, while the stage is still in use',
        `  hint: before that apply, run in the cluster Argo CD runs in (it removes the Application's finalizers, and changes nothing on one without): ${FINALIZERS}`,
        '',
      ].join('\n');
      // said by diff before synth, then by synth, once
      const diff = runCli('diff', ['qa'], dir);
      expect(diff.code).toBe(0);
      expect(diff.stderr).toContain(warning);
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('  removed: Application argocd/stagecraft-qa\n');
      expect(r.stderr).toContain(warning);
      expect(runCli('synth', [], dir).stderr).not.toContain('stagecraft-qa');
      expect(runCli('synth', ['--no-cache'], dir).stderr).not.toContain('stagecraft-qa');
    },
  );

  it('is not said by diff of an Application a renamed project replaces: Argo CD still delivers the stage, and synth prints its patch with its delete', () => {
    const dir = argocdProject(stage('{ cluster: prod }', 'promotion: { from: dev }\n'));
    writeFileSync(
      join(dir, 'stagecraft.yaml'),
      PROJECT.replace('engine: flux', 'engine: argocd').replace('delivery:\n', 'delivery:\n  project: platform\n'),
    );
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('only in dist/delivery (for qa): Application argocd/stagecraft-qa\n');
    expect(diff.stderr).not.toContain('delivery/deletes-stage');
    expect(diff.stderr).not.toContain('Application argocd/stagecraft-qa');
    const r = runCli('synth', [], dir);
    expect(r.stdout).toContain(`    ${FINALIZERS}\n`);
    expect(r.stderr).not.toContain('Application argocd/stagecraft-qa');
  });

  it('is not said by diff of a stage moved to Flux while the project is renamed: the old name is in the delete commands, as synth says it', () => {
    const dir = argocdProject(stage('{ cluster: prod, engine: flux }', 'promotion: { from: dev }\n'));
    writeFileSync(
      join(dir, 'stagecraft.yaml'),
      PROJECT.replace('engine: flux', 'engine: argocd').replace('delivery:\n', 'delivery:\n  project: platform\n'),
    );
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('only in dist/delivery (for qa): Application argocd/stagecraft-qa\n');
    expect(diff.stderr).not.toContain('Application argocd/stagecraft-qa');
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`    ${FINALIZERS}\n`);
    expect(r.stderr).not.toContain('Application argocd/stagecraft-qa');
  });

  it('is not said of a removed stage, whose removal line says what the finalizer does, nor of an Application that stays', () => {
    const dir = argocdProject(undefined);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('which prunes Application argocd/stagecraft-qa (should it carry resources-finalizer.argocd.argoproj.io');
    expect(r.stderr).not.toContain('Application argocd/');
    expect(r.stdout).not.toContain(FINALIZERS);
  });

  it('is not said of a stage whose file and output were both deleted by hand: the stage does not stay', () => {
    const dir = argocdProject(undefined);
    rmSync(join(dir, 'dist', 'qa'), { recursive: true });
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  removed: Application argocd/stagecraft-qa\n');
    expect(r.stderr).not.toContain('delivery/deletes-stage');
    expect(r.stderr).not.toContain('Application argocd/');
    expect(r.stdout).not.toContain(FINALIZERS);
  });
});
