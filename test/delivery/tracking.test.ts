/**
 * What an engine writes on every object it applies, as stagecraft must take it: the stage's Application's
 * name as a label value (63 characters at most) and over a label of stagecraft's own, as the Argo CD's
 * tracking (its argocd-cm, which the project file's delivery.argocd repeats) says.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../lib/config/project-file.js';
import { formatProblem } from '../../lib/errors.js';
import { REPO, runCli, tempProject } from '../helpers/cli.js';
import { deliveredStageFile } from '../helpers/delivery.js';
import { problemsThrownBy } from '../helpers/problems.js';

const REFEREE = join(REPO, '..', 'shared', 'bin', 'k8s-strict-check');

/** A 48-character stage name: with the project's name `platform-delivery`, a 66-character Application name. */
const LONG = 'customer-facing-checkout-service-staging-eu-west';

/** A project delivering with Argo CD, named platform-delivery, its Argo CD's argocd-cm as `argocd` says. */
const project = (argocd = '') => `delivery:
  engine: argocd
  project: platform-delivery
  repository: { url: https://github.com/acme/platform.git, revision: main }
  clusters:
    prod: { server: https://prod.example.com:6443 }
${argocd ? `  argocd: ${argocd}\n` : ''}`;

/** A project of `stages` (names), delivered to prod, with the project file `text`. */
function projectOf(text: string, stages: readonly string[]): string {
  const dir = tempProject(Object.fromEntries(stages.map((s) => [s, deliveredStageFile('{ cluster: prod }')])));
  writeFileSync(join(dir, 'stagecraft.yaml'), text);
  return dir;
}

const TRACKING_LINE = 7;

describe("an Application's name longer than a label value", () => {
  it('is refused while the project file does not say how the Argo CD tracks objects, the hint saying how to say it; nothing written', () => {
    const dir = projectOf(project(), [LONG]);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `stagecraft.yaml:2:11: error: delivery.engine: the Application of the stage ${LONG} is named platform-delivery-${LONG} (66 characters: stagecraft.yaml's delivery.project, '-' and the stage's name), which Argo CD, tracking objects by label (its default before 3.0), writes as a label (app.kubernetes.io/instance) on every object it applies`,
    );
    expect(r.stderr).toContain('write delivery.argocd.resourceTrackingMethod: annotation (or annotation+label) in stagecraft.yaml');
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it.each(['annotation', 'annotation+label'])(
    'is delivered when the Argo CD tracks objects by %s (which writes no label, or cuts it), in a tree kubectl kustomize and the referee accept',
    (method) => {
      const dir = projectOf(project(`{ resourceTrackingMethod: ${method} }`), [LONG]);
      const r = runCli('synth', [], dir);
      expect(r.stderr).not.toContain('error');
      expect(r.code).toBe(0);
      const app = readFileSync(join(dir, 'dist', 'delivery', 'argocd', `10-${LONG}.yaml`), 'utf8');
      expect(app).toContain(`  name: platform-delivery-${LONG}\n`);
      for (const tree of [join(dir, 'dist', 'delivery', 'argocd'), join(dir, 'dist', LONG)]) {
        const k = spawnSync('kubectl', ['kustomize', tree], { encoding: 'utf8' });
        expect(k.stderr).toBe('');
        expect(k.status).toBe(0);
      }
      const referee = spawnSync(REFEREE, [join(dir, 'dist')], { encoding: 'utf8' });
      expect(referee.stdout + referee.stderr).toMatch(/ 0 invalid, 0 unknown kinds/);
      expect(referee.status).toBe(0);
    },
  );

  it("is refused by annotation+label when the label's cut to 63 characters ends in '-', which Argo CD releases that do not trim it write as it is", () => {
    // platform-delivery- and 44 letters: the 63rd character is the stage name's '-'
    const stage = `${'a'.repeat(44)}-bc`;
    const dir = projectOf(project('{ resourceTrackingMethod: annotation+label }'), [stage]);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `writes as a label cut to 63 characters, 'platform-delivery-${'a'.repeat(44)}-', ending in '-', which Argo CD releases that do not trim the cut write as it is`,
    );
    expect(r.stderr).toContain('write delivery.argocd.resourceTrackingMethod: annotation in stagecraft.yaml');
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('is refused when the project file says the Argo CD tracks by label, the hint offering annotation tracking; so is it with a label key of its own', () => {
    for (const argocd of [
      '{ resourceTrackingMethod: label }',
      '{ resourceTrackingMethod: label, instanceLabelKey: argocd.argoproj.io/instance }',
    ]) {
      const r = runCli('synth', [], projectOf(project(argocd), [LONG]));
      expect(r.code).toBe(2);
      const key = argocd.includes('instanceLabelKey') ? 'argocd.argoproj.io/instance' : 'app.kubernetes.io/instance';
      expect(r.stderr).toContain(
        `which Argo CD, tracking objects by label (stagecraft.yaml's delivery.argocd.resourceTrackingMethod), writes as a label (${key}) on every object it applies, and a label value has at most 63 characters: the cluster would refuse every object of the stage\n`,
      );
      expect(r.stderr).toContain(
        '; or have Argo CD track objects by annotation (application.resourceTrackingMethod: annotation in its argocd-cm) and write delivery.argocd.resourceTrackingMethod: annotation in stagecraft.yaml',
      );
    }
  });

  it("of a Kustomization is refused whatever the project file says of Argo CD's tracking (Flux writes its own label)", () => {
    const dir = projectOf(project('{ resourceTrackingMethod: annotation }').replace('engine: argocd', 'engine: flux'), [LONG]);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('which Flux writes as a label (kustomize.toolkit.fluxcd.io/name) on every object it applies');
  });
});

describe("the Argo CD's tracking, as the project file says it", () => {
  it('is schema-checked: a method argocd-cm has not, or a key no label can have, is refused at its line', () => {
    const wrong = problemsThrownBy(() => loadProjectFile(project('{ resourceTrackingMethod: labels }'))).map(formatProblem);
    expect(wrong).toEqual([
      expect.stringMatching(
        new RegExp(
          `^stagecraft\\.yaml:${TRACKING_LINE}:37: delivery\\.argocd\\.resourceTrackingMethod must be one of 'annotation', 'annotation\\+label', 'label'`,
        ),
      ),
    ]);
    const key = problemsThrownBy(() => loadProjectFile(project('{ instanceLabelKey: "argocd instance" }'))).map(formatProblem);
    expect(key).toEqual([expect.stringContaining(`stagecraft.yaml:${TRACKING_LINE}:31: `)]);
    expect(key[0]).toContain('a label key such as argocd.argoproj.io/instance');
    const unknown = problemsThrownBy(() => loadProjectFile(project('{ trackingMethod: annotation }'))).map(formatProblem);
    expect(unknown).toEqual([
      `stagecraft.yaml:${TRACKING_LINE}:13: delivery.argocd.trackingMethod is not a known setting (known: resourceTrackingMethod, instanceLabelKey)`,
    ]);
  });

  it('is warned once, at its line, when no stage is delivered by Argo CD (read by none); synth goes on', () => {
    const dir = projectOf(project('{ resourceTrackingMethod: annotation }').replace('engine: argocd', 'engine: flux'), ['qa', 'prod']);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    const said = r.stderr.split('\n').filter((l) => l.includes('delivery.argocd'));
    expect(said).toEqual([
      `stagecraft.yaml:${TRACKING_LINE}:11: warning: delivery.argocd: no stage is delivered by Argo CD, so what this says of its tracking is read by none`,
      '  hint: remove delivery.argocd from the project file, or deliver a stage with Argo CD (engine: argocd)',
    ]);
    // read by a stage Argo CD delivers: nothing said
    const read = runCli('synth', [], projectOf(project('{ resourceTrackingMethod: annotation }'), ['qa', 'prod']));
    expect(read.code).toBe(0);
    expect(read.stderr).not.toContain('delivery.argocd');
  });

  it.each([
    ['label', '{ resourceTrackingMethod: label }', 'app.kubernetes.io/instance', "the app's instance (<app>-<stage>)", 37],
    [
      'annotation+label',
      '{ resourceTrackingMethod: annotation+label }',
      'app.kubernetes.io/instance',
      "the app's instance (<app>-<stage>)",
      37,
    ],
    ['label', '{ resourceTrackingMethod: label, instanceLabelKey: stagecraft.dev/stage }', 'stagecraft.dev/stage', "the stage's name", 62],
  ])(
    'by %s over a label stagecraft writes (%s) is warned once, at its line, naming what Argo CD overwrites and the way out; synth goes on',
    (method, argocd, key, own, column) => {
      const dir = projectOf(project(argocd), ['qa', 'prod']);
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(0);
      const said = r.stderr.split('\n').filter((l) => l.includes('delivery.argocd.'));
      expect(said).toEqual([
        expect.stringMatching(
          new RegExp(
            `^stagecraft\\.yaml:${TRACKING_LINE}:${column}: warning: delivery\\.argocd\\.(resourceTrackingMethod|instanceLabelKey): Argo CD, tracking objects by ${method.replace('+', '\\+')}, writes each Application's name`,
          ),
        ),
        expect.stringContaining('hint: set application.instanceLabelKey: argocd.argoproj.io/instance'),
      ]);
      expect(said[0]).toContain(` as the label ${key} on every object it applies (platform-delivery-prod on its stage's), over ${own}`);
      // by annotation+label the label tells Argo CD nothing: it prunes by the annotation only
      expect(said[0].includes("is Argo CD's to prune")).toBe(method === 'label');
      // the objects in dist/ keep stagecraft's labels, which Argo CD then overwrites in the cluster
      expect(readFileSync(join(dir, 'dist', 'qa', '10-nginx.yaml'), 'utf8')).toContain('app.kubernetes.io/instance: nginx-qa');
    },
  );

  it.each([
    ['annotation tracking', '{ resourceTrackingMethod: annotation }', ['qa']],
    ['a label of its own', '{ resourceTrackingMethod: label, instanceLabelKey: argocd.argoproj.io/instance }', ['qa']],
    ['no stage delivered by Argo CD', '{ resourceTrackingMethod: label }', []],
  ])('is not warned about with %s', (_, argocd, stages) => {
    const text = project(argocd);
    const dir = projectOf(stages.length ? text : text.replace('engine: argocd', 'engine: flux'), stages.length ? stages : ['qa']);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('delivery/instance-label');
    expect(r.stderr).not.toContain("writes each Application's name");
  });
});

describe("a label value a stage Flux delivers writes that is an Application's name, under label tracking", () => {
  /** A ClusterRole `name` as a file of the manifests stack. */
  const role = (name: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: ${name} }\nrules: [{ apiGroups: [""], resources: [pods], verbs: [get] }]\n`;
  /**
   * Project shop: the stage eu-qa delivered by Argo CD (Application shop-eu-qa) with a ClusterRole, and the
   * stage qa by Flux, whose app shop-eu (`qa` as written) labels its ClusterRole shop-eu-qa; both to `qaCluster`'s cluster.
   */
  function twoEngines(argocd: string, { qaCluster = 'prod', qa = 'shop-eu: { stack: manifests, include: [manifests/qa] }' } = {}) {
    const dir = tempProject({
      'eu-qa': 'apps:\n  rbac: { stack: manifests, include: [manifests/eu-qa] }\ndelivery: { cluster: prod }\n',
      qa: `apps:\n  ${qa}\ndelivery: { engine: flux, cluster: ${qaCluster} }\n`,
    });
    writeFileSync(
      join(dir, 'stagecraft.yaml'),
      `delivery:
  engine: argocd
  project: shop
  repository: { url: https://github.com/acme/platform.git, revision: main }
  clusters:
    prod: { server: https://prod.example.com:6443, kubeConfigSecret: prod-kubeconfig }
    other: { server: https://other.example.com:6443, kubeConfigSecret: other-kubeconfig }
  argocd: ${argocd}
`,
    );
    for (const [folder, name] of [
      ['eu-qa', 'eu-qa-reader'],
      ['qa', 'qa-reader'],
    ]) {
      mkdirSync(join(dir, 'manifests', folder), { recursive: true });
      writeFileSync(join(dir, 'manifests', folder, 'role.yaml'), role(name));
    }
    return dir;
  }

  it("is refused at the project file's tracking, naming the Application, the stage, the objects Argo CD would prune and the way out; nothing written", () => {
    const dir = twoEngines('{ resourceTrackingMethod: label }');
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "stagecraft.yaml:8:37: error: delivery.argocd.resourceTrackingMethod: Argo CD, tracking objects by label, counts every object of its cluster labelled app.kubernetes.io/instance=shop-eu-qa as Application argocd/shop-eu-qa's (the stage eu-qa's), applied by it or not, and the stage qa, which Flux delivers to the same cluster (prod), writes that value (the instance of its app shop-eu, <app>-<stage>) on rbac.authorization.k8s.io/ClusterRole qa-reader: Argo CD shows them OutOfSync in shop-eu-qa, since dist/eu-qa does not hold them, and its automated sync prunes them (prune: true), Flux applying them again at its next interval\n" +
        "  hint: set application.instanceLabelKey: argocd.argoproj.io/instance in Argo CD's argocd-cm and delivery.argocd.instanceLabelKey: argocd.argoproj.io/instance in stagecraft.yaml (no stage writes that label), or have it track objects by annotation (application.resourceTrackingMethod: annotation, 3.0's default) and write delivery.argocd.resourceTrackingMethod: annotation; or rename the app shop-eu in environments/qa.yaml, so that the value is no Application's name\n",
    );
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('is refused by a synthesis of the Argo CD stage alone too, from what the last one recorded of the Flux stage', () => {
    const dir = twoEngines('{ resourceTrackingMethod: label }');
    const withRole = readFileSync(join(dir, 'environments', 'eu-qa.yaml'), 'utf8');
    // first without a ClusterRole in the Argo CD stage: the AppProject permits none, so none is counted
    writeFileSync(join(dir, 'environments', 'eu-qa.yaml'), deliveredStageFile('{ cluster: prod }'));
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'eu-qa.yaml'), withRole);
    const r = runCli('synth', ['eu-qa'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'and the stage qa, which Flux delivers to the same cluster (prod), writes that value (the instance of its app shop-eu, <app>-<stage>) on rbac.authorization.k8s.io/ClusterRole qa-reader',
    );
  });

  it("names the Application's directory as it reads it, under the project file's delivery.repository.path", () => {
    const dir = twoEngines('{ resourceTrackingMethod: label }');
    const project = join(dir, 'stagecraft.yaml');
    writeFileSync(project, readFileSync(project, 'utf8').replace('revision: main }', 'revision: main, path: infra/k8s }'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Argo CD shows them OutOfSync in shop-eu-qa, since infra/k8s/dist/eu-qa does not hold them,');
  });

  it("is refused when the Flux stage's apps come from the render cache (their objects not rendered again), once tracking turns to label", () => {
    const dir = twoEngines('{ resourceTrackingMethod: annotation }');
    expect(runCli('synth', [], dir).code).toBe(0);
    // the stage files unchanged: each app's render is the cache's
    const project = join(dir, 'stagecraft.yaml');
    writeFileSync(project, readFileSync(project, 'utf8').replace('resourceTrackingMethod: annotation', 'resourceTrackingMethod: label'));
    const r = runCli('synth', [], dir);
    expect(r.stderr).toContain(
      'and the stage qa, which Flux delivers to the same cluster (prod), writes that value (the instance of its app shop-eu, <app>-<stage>) on rbac.authorization.k8s.io/ClusterRole qa-reader',
    );
    expect(r.code).toBe(2);
  });

  it("is refused when the label Argo CD tracks by is the stage's, a stage named as an Application: its Namespace too, with all it holds", () => {
    const dir = twoEngines('{ resourceTrackingMethod: label, instanceLabelKey: stagecraft.dev/stage }');
    // the Flux stage named shop-eu-qa, as the Argo CD stage eu-qa's Application is
    writeFileSync(join(dir, 'environments', 'shop-eu-qa.yaml'), readFileSync(join(dir, 'environments', 'qa.yaml')));
    rmSync(join(dir, 'environments', 'qa.yaml'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "labelled stagecraft.dev/stage=shop-eu-qa as Application argocd/shop-eu-qa's (the stage eu-qa's), applied by it or not, and the stage shop-eu-qa, which Flux delivers to the same cluster (prod), writes that value (the stage's name) on ",
    );
    expect(r.stderr).toContain(
      'and its automated sync prunes them (prune: true), the Namespace shop-eu-qa with everything in it, Flux applying them again at its next interval, its claims empty',
    );
    expect(r.stderr).toContain('or rename the stage shop-eu-qa, so that the value is no Application');
  });

  it.each([
    ['Argo CD tracks by a label of its own', '{ resourceTrackingMethod: label, instanceLabelKey: argocd.argoproj.io/instance }', {}],
    ['Argo CD tracks by annotation', '{ resourceTrackingMethod: annotation }', {}],
    ['the labels tell Argo CD nothing (annotation+label)', '{ resourceTrackingMethod: annotation+label }', {}],
    ['the Flux stage is delivered to another cluster', '{ resourceTrackingMethod: label }', { qaCluster: 'other' }],
    [
      'no Application is named as the value',
      '{ resourceTrackingMethod: label }',
      { qa: 'shop-us: { stack: manifests, include: [manifests/qa] }' },
    ],
  ])('passes when %s', (_, argocd, options) => {
    const r = runCli('synth', [], twoEngines(argocd, options));
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
  });

  it('passes when the AppProject does not permit the object, which Argo CD then leaves out (the Argo CD stage holds no ClusterRole)', () => {
    const dir = twoEngines('{ resourceTrackingMethod: label }');
    writeFileSync(join(dir, 'environments', 'eu-qa.yaml'), deliveredStageFile('{ cluster: prod }'));
    const r = runCli('synth', [], dir);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
  });
});
