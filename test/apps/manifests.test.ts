import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStages, type StageSource } from '../../lib/compile.js';
import { openProject, readSource } from '../../lib/cli/project.js';
import { REPO } from '../helpers/cli.js';
import { problemsThrownBy } from '../helpers/problems.js';
import { parseAllDocuments } from 'yaml';
import { ExitCode, ProblemsError, type Problem } from '../../lib/errors.js';
import type { KubeObject } from '../../lib/model/object.js';
import { includedPlaces } from '../../lib/checks/manifests.js';
import type { Finding } from '../../lib/checks/finding.js';
import { readBlockYaml } from '../../lib/model/block-yaml.js';
import { widgetCrd } from '../helpers/widget-crd.js';

const FIXTURE = 'test/fixtures/stages/imported.yaml';
const project = openProject(REPO);
const fromRepo = (text: string, stage = 'imported'): StageSource => ({
  stage,
  file: FIXTURE,
  text,
  readSource: (p) => readSource(project, p),
});
/** A stage whose included files are `files` (path -> text) instead of the repository's. */
const withFiles = (files: Record<string, string>, settings = 'include: [in]'): StageSource => ({
  stage: 'imported',
  file: 'environments/imported.yaml',
  text: `apps:\n  legacy:\n    stack: manifests\n    ${settings}\n`,
  readSource: (p) => {
    const found = Object.entries(files).filter(([f]) => f === p || f.startsWith(`${p}/`));
    return found.length ? new Map(found) : undefined;
  },
});
/** A CRD of `example.com/v1 Widget` at `scope`, whose spec.size is at most 10. */
const crd = (scope: 'Cluster' | 'Namespaced') => widgetCrd(scope, { size: '{ type: integer, maximum: 10 }' });
const at = (p: Problem) => `${p.location?.file}:${p.location?.line}:${p.location?.column}`;
/** The ProblemsError `run` throws. */
function errorOf(run: () => unknown): ProblemsError {
  try {
    run();
  } catch (e) {
    if (e instanceof ProblemsError) return e;
    throw e;
  }
  throw new Error('no ProblemsError was thrown');
}
/** A stagecraft.yaml whose `engine` delivers stages to the cluster `nonprod` (`cluster`: its settings). */
const deliveredBy = (engine: 'argocd' | 'flux', cluster: string) => ({
  file: 'stagecraft.yaml',
  text: `delivery:\n  engine: ${engine}\n  repository: { url: https://git.example.com/team/app.git }\n  clusters:\n    nonprod: ${cluster}\n`,
});
/** `source` delivered to the cluster `nonprod` (`deliveredBy`). */
const deliveredStage = (source: StageSource): StageSource => ({ ...source, text: `${source.text}delivery: { cluster: nonprod }\n` });
/** The severities of what the checks found of `code` in the stage `imported`. */
const severities = (compiled: ReturnType<typeof compileStages>, code: string) =>
  compiled.checks
    .get('imported')!
    .findings.filter((f) => f.code === code)
    .map((f) => f.severity);
const objectsOf = (source: StageSource) => compileStages([source]).stages[0].charts.flatMap((c) => c.objects);
const problemsOf = (source: StageSource) => problemsThrownBy(() => compileStages([source]));

describe('the manifests stack', () => {
  it("brings section E's corrected YAML through the namespace, labels and checks without an error", () => {
    const compiled = compileStages([fromRepo(readFileSync(join(REPO, FIXTURE), 'utf8'))]);
    const objects = compiled.stages[0].charts.flatMap((c) => c.objects);
    const names = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? '-'}/${o.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Namespace/-/imported',
        'PersistentVolume/-/mysqlvolume',
        'PersistentVolumeClaim/imported/mysql',
        'ReplicationController/imported/mysql-1',
        'Service/imported/mysql',
        'Deployment/imported/demoapp',
        'Service/imported/demoapp',
      ]),
    );
    const rc = objects.find((o) => o.kind === 'ReplicationController')!;
    expect(rc.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'manifests',
      'app.kubernetes.io/instance': 'section-e-imported',
      'app.kubernetes.io/version': '1',
    });
    expect(compiled.checks.get('imported')!.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('reads files of the plain block style with the block reader, to the objects the yaml library reads from the others', () => {
    // controller-gen wraps descriptions over lines, plain and single-quoted; a `--- ~` (an empty
    // document, which the block reader leaves to the yaml library) makes the same file take that path
    const wrapped = crd('Namespaced')
      .replace(
        'type: object\n',
        'type: object\n          description: Widget is served\n            by the example operator.\n\n            It has a size.\n',
      )
      .replace(
        'size: { type: integer, maximum: 10 }',
        "size:\n                  type: integer\n                  maximum: 10\n                  description: 'How many, at\n                    most ''ten''.'",
      );
    const cr =
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  annotations:\n    note: several\n      words\nspec: { size: 3 }\n';
    expect([wrapped, `---\n${cr}`].map((t) => readBlockYaml(t) !== undefined)).toEqual([true, true]);
    expect([wrapped, cr].map((t) => readBlockYaml(`--- ~\n---\n${t}`))).toEqual([undefined, undefined]);
    const viaBlock = objectsOf(withFiles({ 'in/crd.yaml': wrapped, 'in/cr.yaml': `---\n${cr}` }));
    const viaYaml = objectsOf(withFiles({ 'in/crd.yaml': `--- ~\n---\n${wrapped}`, 'in/cr.yaml': `--- ~\n---\n${cr}` }));
    expect(viaBlock).toEqual(viaYaml);
    const widget = viaBlock.find((o) => o.kind === 'Widget')!;
    expect(widget.metadata.annotations).toMatchObject({ note: 'several words' });
    const definition = JSON.stringify(viaBlock.find((o) => o.kind === 'CustomResourceDefinition'));
    expect(definition).toContain('"description":"Widget is served by the example operator.\\nIt has a size."');
    expect(definition).toContain(`"description":"How many, at most 'ten'."`);
  });

  it('keeps a namespace the manifest names, and substitutes ARM images on an ARM stage', () => {
    const source = withFiles({
      'in/a.yaml':
        'apiVersion: v1\nkind: ReplicationController\nmetadata: { name: r, namespace: kube-system }\nspec:\n  replicas: 1\n  selector: { app: r }\n  template:\n    metadata: { labels: { app: r } }\n    spec: { containers: [{ name: r, image: "registry:2" }] }\n',
    });
    const [rc] = objectsOf({ ...source, text: `architecture: arm\n${source.text}` }).filter((o) => o.kind === 'ReplicationController');
    expect(rc.metadata.namespace).toBe('kube-system');
    expect(JSON.stringify(rc.spec)).toContain('budry/registry-arm');
  });

  it('passes custom resources to the checks, with the namespace and labels of the stage', () => {
    const cr = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w1 }\nspec: { size: 3 }\n';
    const [widget] = objectsOf(withFiles({ 'in/crd.yaml': crd('Namespaced'), 'in/cr.yaml': cr })).filter((o) => o.kind === 'Widget');
    expect(widget.metadata).toMatchObject({ namespace: 'imported', labels: { 'app.kubernetes.io/name': 'manifests' } });
  });

  it('refuses a custom resource whose CRD is known neither from crds/ nor from the included files, writing nothing (exit 1)', () => {
    const cr = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w1 }\nspec: { anything: [1, 2] }\n';
    const error = errorOf(() => compileStages([withFiles({ 'in/cr.yaml': cr })]));
    expect(error.exitCode).toBe(ExitCode.checkFailed);
    expect(error.problems.map((p) => `${p.code} ${p.severity ?? 'error'} ${p.message}`)).toEqual([
      'crd/unknown-kind error Widget imported/w1: apiVersion: example.com/v1 Widget is a custom resource whose CustomResourceDefinition is not known, so it is not validated',
    ]);
    expect(error.problems[0].hint).toBe(
      "add the kind's CustomResourceDefinition to the project's crds/ folder or to the manifests the stage includes",
    );
  });

  it('validates a custom resource against a CRD of crds/ (a project folder), with no error when it conforms', () => {
    const [crdObject] = parseAllDocuments(crd('Namespaced')).map((d) => d.toJS() as KubeObject);
    const cr = (size: number) => `apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w1 }\nspec: { size: ${size} }\n`;
    expect(compileStages([withFiles({ 'in/cr.yaml': cr(3) })], { crds: [crdObject] }).stages).toHaveLength(1);
    const tooBig = problemsThrownBy(() => compileStages([withFiles({ 'in/cr.yaml': cr(11) })], { crds: [crdObject] }));
    expect(tooBig.map((p) => p.message)).toEqual([expect.stringMatching(/^Widget imported\/w1: spec\.size: must be <= 10/)]);
  });

  describe('a custom kind whose CRD says scope: Cluster', () => {
    const gadget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: g1, namespace: wrong }\nspec: { size: 3 }\n';
    const scopeOf = (objects: readonly KubeObject[]) =>
      objects.filter((o) => o.kind === 'Widget').map((o) => `${o.metadata.name}: ${o.metadata.namespace ?? 'cluster'}`);

    it('gets no namespace (and loses one given), as a built-in cluster-scoped kind, when the included files define it', () => {
      expect(scopeOf(objectsOf(withFiles({ 'in/a-crd.yaml': crd('Cluster'), 'in/b-cr.yaml': gadget })))).toEqual(['g1: cluster']);
    });

    it("gets none when the project's crds/ defines it, and the stage's own CRD wins over that folder's", () => {
      const [cluster] = parseAllDocuments(crd('Cluster')).map((d) => d.toJS() as KubeObject);
      expect(
        scopeOf(compileStages([withFiles({ 'in/cr.yaml': gadget })], { crds: [cluster] }).stages[0].charts.flatMap((c) => c.objects)),
      ).toEqual(['g1: cluster']);
      const own = withFiles({ 'in/crd.yaml': crd('Namespaced'), 'in/cr.yaml': gadget.replace(', namespace: wrong', '') });
      expect(scopeOf(compileStages([own], { crds: [cluster] }).stages[0].charts.flatMap((c) => c.objects))).toEqual(['g1: imported']);
    });

    it("is listed as cluster-scoped in the inventory and in the Argo CD AppProject's clusterResourceWhitelist", () => {
      const project = {
        file: 'stagecraft.yaml',
        text: 'delivery:\n  engine: argocd\n  repository: { url: https://git.example.com/team/app.git }\n  clusters:\n    nonprod: { server: https://nonprod.example.com:6443 }\n',
      };
      const source = withFiles({ 'in/a-crd.yaml': crd('Cluster'), 'in/b-cr.yaml': gadget });
      const compiled = compileStages([{ ...source, text: `${source.text}delivery: { cluster: nonprod }\n` }], { project, delivery: true });
      expect(compiled.tree.get('imported')!.get('inventory.txt')).toMatch(/ example\.com\/v1 Widget g1\n/);
      const [appProject] = parseAllDocuments(compiled.tree.get('delivery')!.get('argocd/00-stagecraft.yaml')!).map((d) => d.toJS());
      expect(appProject.spec.clusterResourceWhitelist).toContainEqual({ group: 'example.com', kind: 'Widget' });
      expect(appProject.spec.namespaceResourceWhitelist).not.toContainEqual({ group: 'example.com', kind: 'Widget' });
    });
  });

  it('warns of an included Helm hook as kubectl apply runs it, and not of a migration hook in a stage Argo CD delivers, which runs it as a PreSync hook', () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: { name: migrate, annotations: { helm.sh/hook: pre-upgrade } }
spec: { template: { spec: { restartPolicy: Never, containers: [{ name: migrate, image: web:1.2.0 }] } } }
`;
    const project = deliveredBy('argocd', '{ server: https://nonprod.example.com:6443 }');
    const source = withFiles({ 'in/job.yaml': job });
    expect(severities(compileStages([source], { project }), 'api/helm-hook')).toEqual(['warning']);
    expect(severities(compileStages([deliveredStage(source)], { project, delivery: true }), 'api/helm-hook')).toEqual([]);
  });

  it('refuses an included environment variable named twice in a stage Flux delivers, which applies server-side and would fail there; warns elsewhere', () => {
    const deployment = readFileSync(join(REPO, 'test/fixtures/manifests/api/env-repeats.yaml'), 'utf8');
    const project = deliveredBy('flux', '{}');
    const source = withFiles({ 'in/web.yaml': deployment });
    expect(severities(compileStages([source], { project }), 'api/env-repeat')).toEqual(['warning', 'warning', 'warning']);
    const error = errorOf(() => compileStages([deliveredStage(source)], { project, delivery: true }));
    expect(error.exitCode).toBe(ExitCode.checkFailed);
    const refused = (name: string) =>
      `server-side apply refuses a repeated name (duplicate entries for key [name="${name}"]), so the stage does not apply`;
    expect(error.problems.filter((p) => p.code === 'api/env-repeat').map((p) => `${at(p)} ${p.severity ?? 'error'}: ${p.message}`)).toEqual(
      [
        `in/web.yaml:18:15 error: Deployment default/web: spec.template.spec.initContainers[0].env[1]: name "PATH" repeats env[0]: Flux applies the stage server-side, and ${refused('PATH')}`,
        `in/web.yaml:25:15 error: Deployment default/web: spec.template.spec.containers[0].env[2]: name "LOG_LEVEL" repeats env[0]: Flux applies the stage server-side, and ${refused('LOG_LEVEL')}`,
        `in/web.yaml:26:15 error: Deployment default/web: spec.template.spec.containers[0].env[3]: name "REGION" repeats env[1]: Flux applies the stage server-side, and ${refused('REGION')}`,
      ],
    );
  });

  describe('the scope of an included object, decided by its API group and kind', () => {
    const scopeOf = (objects: readonly KubeObject[], kind: string) =>
      objects.filter((o) => o.kind === kind).map((o) => `${o.apiVersion} ${o.metadata.name}: ${o.metadata.namespace ?? 'cluster'}`);
    /** A CRD of `example.com/v1 <kind>` at `scope`, its objects of any content. */
    const crdOf = (kind: string, scope: 'Cluster' | 'Namespaced') =>
      crd(scope)
        .replace('widgets.example.com', `${kind.toLowerCase()}s.example.com`)
        .replace(
          '{ kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }',
          `{ kind: ${kind}, plural: ${kind.toLowerCase()}s }`,
        );

    it('gives no namespace to a built-in cluster-scoped kind that kubectl api-resources does not list (the alpha ClusterCIDR)', () => {
      const cidr =
        'apiVersion: networking.k8s.io/v1alpha1\nkind: ClusterCIDR\nmetadata: { name: pods }\nspec: { perNodeHostBits: 8, ipv4: 10.0.0.0/8 }\n';
      expect(scopeOf(objectsOf(withFiles({ 'in/cidr.yaml': cidr })), 'ClusterCIDR')).toEqual(['networking.k8s.io/v1alpha1 pods: cluster']);
    });

    it("gives the stage's namespace to a custom kind named like a built-in cluster-scoped kind, and checks its references there", () => {
      const node = (name: string, namespace = '') =>
        `apiVersion: example.com/v1\nkind: Node\nmetadata: { name: ${name}${namespace && `, namespace: ${namespace}`} }\nspec: { size: 1 }\n`;
      const files = { 'in/a-crd.yaml': crdOf('Node', 'Namespaced'), 'in/b-nodes.yaml': `${node('n1')}---\n${node('n2', 'kube-system')}` };
      expect(scopeOf(objectsOf(withFiles(files)), 'Node')).toEqual(['example.com/v1 n1: imported', 'example.com/v1 n2: kube-system']);
      // in a namespace, so the namespace must exist: one the stage neither creates nor declares is an error
      const elsewhere = { ...files, 'in/c-node.yaml': node('n3', 'elsewhere') };
      expect(problemsOf(withFiles(elsewhere)).map((p) => `${at(p)} ${p.code}: ${p.message}`)).toEqual([
        "in/c-node.yaml:3:34 refs/namespace: Node elsewhere/n3: metadata.namespace: namespace 'elsewhere' is neither created in the stage nor known to exist; the stage creates: imported",
      ]);
    });

    it('gives no namespace to a custom kind whose CRD says scope: Cluster, named like a built-in namespaced kind or not', () => {
      const files = {
        'in/a-crds.yaml': `${crdOf('Secret', 'Cluster')}---\n${crdOf('Widget', 'Cluster')}`,
        'in/b-crs.yaml':
          'apiVersion: example.com/v1\nkind: Secret\nmetadata: { name: s1, namespace: wrong }\nspec: { size: 1 }\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w1 }\nspec: { size: 1 }\n',
      };
      const objects = objectsOf(withFiles(files));
      expect([...scopeOf(objects, 'Secret'), ...scopeOf(objects, 'Widget')]).toEqual([
        'example.com/v1 s1: cluster',
        'example.com/v1 w1: cluster',
      ]);
    });
  });

  describe('kustomization files and kubeconfigs in an included folder', () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: plain }\ndata: { A: b }\n';

    it.each([
      [
        'a Kustomization with a name',
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata: { name: x }\nresources: [a.yaml]\n',
      ],
      ['a kustomization.yaml without apiVersion and kind', 'resources: [a.yaml]\n'],
      ['a Component', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [a.yaml]\n'],
      ['a kubeconfig', 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\n'],
    ])('skips %s: it is no object of the stage, and never in dist/', (_, text) => {
      const compiled = compileStages([withFiles({ 'in/a.yaml': configMap, 'in/kustomization.yaml': text })]);
      expect(compiled.stages[0].charts.flatMap((c) => c.objects).map((o) => o.kind)).toEqual(['Namespace', 'ConfigMap']);
      expect(compiled.tree.get('imported')!.get('10-legacy.yaml')).not.toMatch(/kind: (Kustomization|Component|Config)\b/);
    });

    it('skips a kustomization without apiVersion and kind in a file kustomize reads as one (Kustomization too), as npm run check does', () => {
      const files = { 'in/a.yaml': configMap, 'in/Kustomization': 'resources: [a.yaml]\n' };
      const compiled = compileStages([withFiles(files, 'include: [in/a.yaml, in/Kustomization]')]);
      expect(compiled.stages[0].charts.flatMap((c) => c.objects).map((o) => o.kind)).toEqual(['Namespace', 'ConfigMap']);
      // in another file it is what it is: no object
      const other = { 'in/a.yaml': configMap, 'in/kustomize.yaml': 'resources: [a.yaml]\n' };
      expect(problemsOf(withFiles(other)).map((p) => p.code)).toEqual(['manifests/not-an-object']);
    });

    it("skips a kpt package's context (package-context.yaml: ConfigMap kptfile.kpt.dev, local-config), which kpt and kustomize never apply", () => {
      const context =
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kptfile.kpt.dev\n  annotations:\n    config.kubernetes.io/local-config: "true"\ndata:\n  name: web\n';
      const compiled = compileStages([withFiles({ 'in/a.yaml': configMap, 'in/package-context.yaml': context })]);
      expect(compiled.stages[0].charts.flatMap((c) => c.objects).map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
        'Namespace imported',
        'ConfigMap plain',
      ]);
      expect(compiled.tree.get('imported')!.get('10-legacy.yaml')).not.toContain('kptfile.kpt.dev');
    });

    it('refuses a kustomization that asks for transformations stagecraft does not apply, at each such key', () => {
      const text = 'resources: [a.yaml]\nnamespace: other\nimages:\n  - { name: x, newTag: "2" }\n';
      expect(
        problemsOf(withFiles({ 'in/a.yaml': configMap, 'in/kustomization.yaml': text })).map((p) => `${at(p)} ${p.code}: ${p.message}`),
      ).toEqual([
        'in/kustomization.yaml:2:1 manifests/kustomization: this Kustomization sets namespace, which stagecraft does not apply (it skips kustomization files)',
        'in/kustomization.yaml:3:1 manifests/kustomization: this Kustomization sets images, which stagecraft does not apply (it skips kustomization files)',
      ]);
    });
  });

  it.each([
    ['!!timestamp', 'data:\n  C: !!timestamp 2001-12-14\n', 'in/a.yaml:5:6 data.C'],
    ['!!binary', 'binaryData: { B: !!binary aGVsbG8= }\n', 'in/a.yaml:4:18 binaryData.B'],
    ['!!set', 'data:\n  S: !!set { a, b }\n', 'in/a.yaml:5:6 data.S'],
    ['!!omap', 'data:\n  O: !!omap\n    - a: "1"\n', 'in/a.yaml:5:6 data.O'],
  ])('refuses a value tagged %s at its place, with a hint, instead of failing in cdk8s (exit 2)', (tag, data, place) => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: tagged }\n${data}`;
    const error = errorOf(() => compileStages([withFiles({ 'in/a.yaml': text })]));
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.problems.map((p) => `${at(p)} ${p.message}`)).toEqual([
      `${place}: the YAML tag ${tag} makes a value that a Kubernetes object cannot hold`,
    ]);
    expect(error.problems[0]).toMatchObject({ code: 'manifests/yaml-tag', hint: expect.stringContaining(`drop the ${tag} tag`) });
  });

  it.each([
    ['the block reader', ''],
    ['the yaml library', 'metadata: &m { name: m }\n'],
  ])('refuses a plain value kubectl reads otherwise (YAML 1.1) at its place, as read by %s (exit 2)', (_, head) => {
    const text = `apiVersion: apps/v1\nkind: Deployment\n${head || 'metadata: { name: m }\n'}spec:\n  replicas: 010\n  template:\n    metadata: { labels: { build: 1_000 } }\n`;
    const error = errorOf(() => compileStages([withFiles({ 'in/a.yaml': text })]));
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.problems.map((p) => `${at(p)} ${p.code}: ${p.message}`)).toEqual([
      'in/a.yaml:5:13 input/yaml-1.1: replicas: 010 is the number 10 to stagecraft (YAML 1.2) but the number 8 to kubectl (YAML 1.1), as a leading 0 makes it octal there',
      'in/a.yaml:7:34 input/yaml-1.1: build: 1_000 is a string to stagecraft (YAML 1.2) but the number 1000 to kubectl (YAML 1.1): kubectl fails where Kubernetes needs a string, and reads another value where it takes a number',
    ]);
  });

  it('refuses YAML the parser rejects at its place, with a hint: a duplicate key, an unclosed bracket (exit 2)', () => {
    const duplicate = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: twice }\ndata:\n  A: x\n  A: y\n';
    const unclosed = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: open\n';
    const error = errorOf(() => compileStages([withFiles({ 'in/a.yaml': duplicate, 'in/b.yaml': unclosed })]));
    expect(error.exitCode).toBe(ExitCode.badInput);
    const byFile = Object.fromEntries(error.problems.map((p) => [p.location?.file, p]));
    expect(byFile['in/a.yaml']).toMatchObject({ code: 'yaml/duplicate-key', hint: 'keep the one you mean and remove the other' });
    expect(at(byFile['in/a.yaml']!)).toBe('in/a.yaml:6:3');
    expect(byFile['in/b.yaml']).toMatchObject({ code: 'yaml/bad-indent', hint: expect.stringContaining('must be closed') });
  });

  it("reads the files as npm run check does: a Helm template's {{ }} is a key that is a mapping, refused at its place", () => {
    const template = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\nspec:\n  ports: [{ port: 80 }]\n';
    const error = errorOf(() => compileStages([withFiles({ 'in/chart.yaml': template })]));
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.problems.map((p) => `${at(p)} ${p.code}: ${p.message}`)).toEqual([
      'in/chart.yaml:4:10 yaml/non-string-key: a key here is a list or a mapping; keys are plain names',
    ]);
    expect(error.problems[0].hint).toContain('render the template first (helm template)');
  });

  it('refuses a Helm chart once, at its Chart.yaml, instead of each template, and reads the files beside it', () => {
    const error = errorOf(() =>
      compileStages([
        withFiles(
          {
            'in/chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
            'in/chart/values.yaml': 'replicaCount: 1\n',
            'in/chart/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
            'in/plain.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { A: b: c }\n',
          },
          'include: [in]',
        ),
      ]),
    );
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.problems.map((p) => `${at(p)} ${p.code}`)).toEqual([
      'in/chart/Chart.yaml:1:1 manifests/helm-chart',
      'in/plain.yaml:4:12 yaml/block-in-flow',
    ]);
    expect(error.problems[0].message).toBe(
      'in/chart/ is a Helm chart: its templates are not manifests until Helm renders them, and stagecraft does not run Helm',
    );
    expect(error.problems[0].hint).toContain('helm template <release> in/chart/');
  });

  it('expands merge keys as kubectl and npm run check do, rather than keeping a key `<<`', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: merged\n  labels: &common { team: web }\n  annotations:\n    <<: *common\n    note: x\ndata:\n  !!merge <<: { A: b }\n';
    const [configMap] = objectsOf(withFiles({ 'in/a.yaml': text })).filter((o) => o.kind === 'ConfigMap');
    expect(configMap.metadata.annotations).toEqual({ team: 'web', note: 'x' });
    expect(configMap.data).toEqual({ A: 'b' });
  });

  it('refuses a merge key that merges no mapping at its place (exit 2)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: merged\ndata:\n  <<: [a]\n';
    const error = errorOf(() => compileStages([withFiles({ 'in/a.yaml': text })]));
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.problems.map((p) => `${at(p)} ${p.code}: ${p.message}`)).toEqual([
      'in/a.yaml:6:7 yaml/merge: this merge key (<<) merges something other than a mapping',
    ]);
  });

  it('refuses a Secret with values, as everywhere', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata: { password: ZGVtb3Bhc3N3b3Jk }\n';
    expect(problemsOf(withFiles({ 'in/secret.yaml': secret })).map((p) => p.code)).toContain('policy/secret-value');
  });

  it("refuses an included Secret that declares keys with empty values, at each key, pointing at the app's secrets: setting (kubectl apply would blank them)", () => {
    const tls = 'apiVersion: v1\nkind: Secret\nmetadata: { name: web-tls }\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ""\n  tls.key: ""\n';
    const error = errorOf(() => compileStages([withFiles({ 'in/tls.yaml': tls })]));
    expect(error.exitCode).toBe(ExitCode.checkFailed);
    const found = error.problems.filter((p) => p.code === 'policy/secret-value');
    expect(found.map((p) => `${at(p)} ${p.message}`)).toEqual([
      "in/tls.yaml:6:12 Secret imported/web-tls: data.tls.crt: declares key 'tls.crt' with an empty value; written to dist/, kubectl apply would set the key of the Secret in the cluster to '' (stagecraft never writes Secret values)",
      "in/tls.yaml:7:12 Secret imported/web-tls: data.tls.key: declares key 'tls.key' with an empty value; written to dist/, kubectl apply would set the key of the Secret in the cluster to '' (stagecraft never writes Secret values)",
    ]);
    expect(found[0].hint).toContain("under the app's secrets: setting");
    expect(found[0].hint).not.toContain('empty');
  });

  it('writes an included Secret without data (a service-account token the controller fills): it holds no value to blank', () => {
    const token =
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-token\n  annotations: { kubernetes.io/service-account.name: ci }\n' +
      'type: kubernetes.io/service-account-token\n';
    const account = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ci }\n';
    const names = objectsOf(withFiles({ 'in/token.yaml': token, 'in/sa.yaml': account })).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).toContain('Secret/ci-token');
  });

  it('includes files whose paths differ only by / against -- (a--b.yaml beside a/b.yaml), read by either reader', () => {
    const config = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { k: v }\n`;
    const list = (name: string) => `apiVersion: v1\nkind: List\nitems:\n  - ${config(name).trimEnd().replaceAll('\n', '\n    ')}\n`;
    const files = {
      'in/a--b.yaml': config('one'),
      'in/a/b.yaml': config('two'),
      'in/c--d.yaml': list('three'),
      'in/c/d.yaml': list('four'),
    };
    const names = objectsOf(withFiles(files)).flatMap((o) => (o.kind === 'ConfigMap' ? [o.metadata.name] : []));
    expect(names.sort()).toEqual(['four', 'one', 'three', 'two']);
  });

  it('says where a path names nothing, and where an included document is not an object', () => {
    const [missing] = problemsOf(withFiles({}, 'include: [nowhere]'));
    expect(missing).toMatchObject({ code: 'config/missing-file', location: { file: 'environments/imported.yaml', line: 4, column: 15 } });
    expect(missing.message).toBe("apps.legacy.include[0] names no file or folder of the project with manifests (found 'nowhere')");
    const [bad] = problemsOf(withFiles({ 'in/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n- just a list\n' }));
    expect(bad).toMatchObject({ code: 'manifests/not-an-object', location: { file: 'in/x.yaml', line: 5, column: 1 } });
    expect(bad.message).toBe('is not a Kubernetes object but a list');
  });

  it('refuses a List whose items are null, named or not, as npm run check refuses it (lib/model/list-documents.ts itemlessList)', () => {
    const files = {
      'in/l.yaml': 'apiVersion: v1\nkind: List\nmetadata: { name: l }\nitems:\n---\napiVersion: v1\nkind: List\nitems: null\n',
    };
    expect(problemsOf(withFiles(files)).map((p) => `${at(p)} ${p.code}: ${p.message.slice(0, p.message.indexOf(':'))}`)).toEqual([
      'in/l.yaml:4:1 manifests/not-an-object: the items of this List are null (items',
      'in/l.yaml:8:1 manifests/not-an-object: the items of this List are null (items',
    ]);
  });

  it("names what an included document lacks: the articles' Pod without metadata.name is a Pod with no name", () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {name: mysql}\nspec:\n  containers: [{name: mysql, image: mysql}]\n---\nmetadata: {name: x}\n';
    expect(problemsOf(withFiles({ 'in/pod.yaml': text })).map((p) => `${at(p)} ${p.code}: ${p.message}\n  hint: ${p.hint}`)).toEqual([
      'in/pod.yaml:1:1 manifests/not-an-object: this Pod has no metadata.name: a Kubernetes object needs apiVersion, kind and metadata.name\n' +
        '  hint: name the object (metadata.name): kubectl apply refuses an object without one, and generateName works only with kubectl create',
      'in/pod.yaml:8:1 manifests/not-an-object: this document has no apiVersion, kind: a Kubernetes object needs apiVersion, kind and metadata.name\n' +
        '  hint: add the missing fields, or include only files of Kubernetes manifests',
    ]);
  });

  it('places findings on included objects at their field in the included file, as npm run check does', () => {
    const deployment =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: { app: web }\n' +
      '  template:\n    metadata:\n      labels: { app: webx }\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n';
    const service = 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: other }\nspec:\n  selector: { app: wbe }\n';
    const error = errorOf(() => compileStages([withFiles({ 'in/web.yaml': deployment, 'in/svc/web.yaml': service })]));
    expect(error.exitCode).toBe(ExitCode.checkFailed);
    const placed = error.problems.filter((p) => p.severity !== 'warning').map((p) => `${at(p)} ${p.code}: ${p.message.split(':')[0]}`);
    // by file, line and column, as npm run check lists them
    expect(placed).toEqual([
      'in/svc/web.yaml:3:35 refs/namespace: Service other/web',
      'in/svc/web.yaml:5:13 refs/service-selector: Service other/web',
      'in/web.yaml:7:5 api/selector: Deployment imported/web',
    ]);
    // a label the transforms added is placed at the deepest field the document has
    const warnings = error.problems.filter((p) => p.severity === 'warning' && p.message.startsWith('Deployment'));
    expect(warnings.map(at)).toEqual(expect.arrayContaining(['in/web.yaml:13:11']));
  });

  it('lists the findings of one included file in line and column order, not in the order of their objects', () => {
    const service = (name: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: { name: ${name} }\nspec:\n  selector: { app: nothing }\n  ports: [{ port: 80 }]\n`;
    const text = [
      service('zeta'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: alpha }\ndata:\n  "bad key!": x\n',
      service('beta'),
    ].join('---\n');
    const error = errorOf(() => compileStages([withFiles({ 'in/web.yaml': text })]));
    expect(error.exitCode).toBe(ExitCode.checkFailed);
    expect(error.problems.map((p) => `${at(p)} ${p.code}: ${p.message.split(':')[0]}`)).toEqual([
      'in/web.yaml:5:13 refs/service-selector: Service imported/zeta',
      'in/web.yaml:12:15 api/config-key: ConfigMap imported/alpha',
      'in/web.yaml:18:13 refs/service-selector: Service imported/beta',
    ]);
  });

  it("places a transform's problem on an included object at its field in the file, with the object, the reason and the fix", () => {
    const deployment = (name: string, image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name} }\nspec:\n  selector: { matchLabels: { app: ${name} } }\n` +
      `  template:\n    metadata: { labels: { app: ${name} } }\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
    const text = [deployment('zeta', 'example.com/zeta:1'), deployment('alpha', 'example.com/alpha:1')].join('---\n');
    const source = withFiles({ 'in/web.yaml': text });
    const arm = { ...source, text: `architecture: arm\n${source.text}` };
    const error = errorOf(() => compileStages([arm]));
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.problems.map((p) => `${at(p)} ${p.code}: ${p.message}\n  hint: ${p.hint}`)).toEqual([
      "in/web.yaml:11:18 images/no-build-for-architecture: Deployment imported/zeta: spec.template.spec.containers[0]: container 'web' runs image 'example.com/zeta:1', " +
        "which has no known arm build (stage 'imported' runs on arm; neither the stage file's images: nor the image table names it)\n" +
        "  hint: if it is built for arm too (multi-arch, as images of your own can be), list 'example.com/zeta' under images.native in environments/imported.yaml " +
        "(a repository without a tag covers every tag); else map it to an arm build under images.substitute, for every tag ('example.com/zeta': <arm repository>, " +
        "which keeps the tag, or '<repository>:{tag}-arm') or for this tag only ('example.com/zeta:1': <arm image>); built-in entries: lib/transforms/arm-images.ts",
      "in/web.yaml:23:18 images/no-build-for-architecture: Deployment imported/alpha: spec.template.spec.containers[0]: container 'web' runs image 'example.com/alpha:1', " +
        "which has no known arm build (stage 'imported' runs on arm; neither the stage file's images: nor the image table names it)\n" +
        "  hint: if it is built for arm too (multi-arch, as images of your own can be), list 'example.com/alpha' under images.native in environments/imported.yaml " +
        "(a repository without a tag covers every tag); else map it to an arm build under images.substitute, for every tag ('example.com/alpha': <arm repository>, " +
        "which keeps the tag, or '<repository>:{tag}-arm') or for this tag only ('example.com/alpha:1': <arm image>); built-in entries: lib/transforms/arm-images.ts",
    ]);
    const pinned = text.replace('    spec:\n', '    spec:\n      nodeSelector: { kubernetes.io/arch: arm64 }\n');
    const conflict = problemsOf(withFiles({ 'in/web.yaml': pinned }));
    expect(conflict.map((p) => `${at(p)} ${p.code}: ${p.message}`)).toEqual([
      "in/web.yaml:9:43 images/architecture-conflict: Deployment imported/zeta: spec.template.spec.nodeSelector: selects kubernetes.io/arch 'arm64', but stage 'imported' runs on amd64 (its stage file's architecture:, amd64 when it has none)",
    ]);
  });

  it('reports both problems of an included Deployment on an ARM stage at once: an image with no build and a selector for another architecture', () => {
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  selector: { matchLabels: { app: web } }\n' +
      '  template:\n    metadata: { labels: { app: web } }\n    spec:\n      nodeSelector: { kubernetes.io/arch: arm64 }\n' +
      '      containers:\n        - name: web\n          image: example.com/web:1\n';
    const source = withFiles({ 'in/web.yaml': text });
    const problems = problemsOf({ ...source, text: `architecture: arm\n${source.text}` });
    expect(problems.map((p) => `${at(p)} ${p.code}: ${p.message.split(':').slice(0, 2).join(':')}`)).toEqual([
      'in/web.yaml:9:43 images/architecture-conflict: Deployment imported/web: spec.template.spec.nodeSelector',
      'in/web.yaml:12:18 images/no-build-for-architecture: Deployment imported/web: spec.template.spec.containers[0]',
    ]);
  });

  it("places a finding only on the document of its object: same kind and name, namespace as given or the stage's", () => {
    const files = new Map([
      [
        'a.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: x }\n',
      ],
      ['b.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: r, namespace: y }\n'],
    ]);
    const place = includedPlaces(files, 'lab');
    const finding = (apiVersion: string, kind: string, name: string, namespace?: string): Finding => ({
      code: 'test/finding',
      severity: 'error',
      object: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
      path: ['metadata', 'name'],
      message: 'm',
    });
    const where = (f: Finding) => {
      const l = place(f);
      return l && `${l.file}:${l.line}:${l.column}`;
    };
    expect(where(finding('v1', 'ConfigMap', 'c', 'lab'))).toBe('a.yaml:3:19');
    expect(where(finding('v1', 'ConfigMap', 'c', 'x'))).toBe('a.yaml:7:19');
    // made by a stack, not included: the same kind and name elsewhere, or another apiVersion or name
    expect(where(finding('v1', 'ConfigMap', 'c', 'kube-system'))).toBeUndefined();
    expect(where(finding('v2', 'ConfigMap', 'c', 'lab'))).toBeUndefined();
    expect(where(finding('v1', 'ConfigMap', 'd', 'lab'))).toBeUndefined();
    // cluster-scoped: the namespace its document gave it is dropped
    expect(where(finding('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r'))).toBe('b.yaml:3:19');
  });

  it('applies the items of a v1 List (kubectl get -o yaml of several objects) one by one, as kubectl does, placing findings in them', () => {
    const list =
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: a }\n' +
      '  - apiVersion: v1\n    kind: Service\n    metadata: { name: b }\n    spec:\n      selector: { app: none }\n      ports: [{ port: 80 }]\n' +
      '  - just text\n';
    const error = errorOf(() => compileStages([withFiles({ 'in/list.yaml': list })]));
    expect(error.problems.map((p) => `${at(p)} ${p.code}: ${p.message}`)).toEqual([
      'in/list.yaml:13:5 manifests/not-an-object: is not a Kubernetes object but a string',
    ]);
    const valid = list.replace('  - just text\n', '');
    const objects = objectsOf(withFiles({ 'in/list.yaml': valid.replace('      selector: { app: none }\n', '') }));
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining(['ConfigMap imported/a', 'Service imported/b']),
    );
    expect(objects.some((o) => o.kind === 'List')).toBe(false);
    const findings = errorOf(() => compileStages([withFiles({ 'in/list.yaml': valid })])).problems;
    expect(findings.filter((p) => p.severity !== 'warning').map((p) => `${at(p)} ${p.code}`)).toEqual([
      'in/list.yaml:11:17 refs/service-selector',
    ]);
  });

  it('applies the items of a List among the items of a List in turn, as kubectl (FlattenListVisitor) and npm run check do', () => {
    // kubectl get -o yaml of lists, or kustomize's output of one: a List item, named or not, is no object to include
    const nested = (named: string) =>
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: List\n' +
      named +
      '    items:\n      - apiVersion: v1\n        kind: ConfigMap\n        metadata: { name: a }\n' +
      '      - apiVersion: v1\n        kind: List\n        items:\n          - apiVersion: v1\n            kind: ConfigMap\n            metadata: { name: b }\n' +
      '      - apiVersion: v1\n        kind: List\n        items: []\n' +
      '  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: c }\n';
    for (const named of ['', '    metadata: { name: inner }\n']) {
      const objects = objectsOf(withFiles({ 'in/list.yaml': nested(named) }));
      expect(
        objects
          .filter((o) => o.kind === 'ConfigMap' && o.metadata.name !== 'legacy-manifests')
          .map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
      ).toEqual(expect.arrayContaining(['imported/a', 'imported/b', 'imported/c']));
      expect(objects.some((o) => o.kind === 'List')).toBe(false);
    }
    const bad = nested('').replace('            metadata: { name: b }\n', '            metadata: {}\n');
    expect(problemsOf(withFiles({ 'in/list.yaml': bad })).map((p) => `${at(p)} ${p.code}: ${p.message}`)).toEqual([
      'in/list.yaml:13:13 manifests/not-an-object: this ConfigMap has no metadata.name: a Kubernetes object needs apiVersion, kind and metadata.name',
    ]);
  });

  it('applies the items of a typed list (an apps/v1 DeploymentList, as the API returns several objects) one by one, as kubectl and kustomize do', () => {
    const list =
      'apiVersion: apps/v1\nkind: DeploymentList\nmetadata: { resourceVersion: "" }\nitems:\n' +
      '  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: { name: web }\n    spec:\n' +
      '      selector: { matchLabels: { app: web } }\n' +
      '      template:\n        metadata: { labels: { app: web } }\n' +
      '        spec: { containers: [{ name: web, image: "nginx:1.25" }] }\n';
    const objects = objectsOf(withFiles({ 'in/list.yaml': list }));
    expect(objects.filter((o) => o.metadata.name === 'web').map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Deployment imported/web',
    ]);
    expect(objects.some((o) => o.kind === 'DeploymentList')).toBe(false);
  });

  it('refuses paths that leave the project', () => {
    expect(problemsOf(withFiles({}, 'include: [../secrets]'))[0].message).toContain(
      'apps.legacy.include[0] must be a path relative to the project root',
    );
    expect(readSource(project, '../shared')).toBeUndefined();
  });
});

describe("a manifests app's secrets: keys", () => {
  it("are refused where the API server refuses them ('..x', '.'), as every stack's Secret keys are", () => {
    const source = withFiles(
      { 'in/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: b }\n' },
      'include: [in]\n    secrets: { s: ["..x", "."] }',
    );
    const problems = problemsOf(source);
    expect(problems.map((p) => `${at(p)} ${p.message}`)).toEqual([
      expect.stringMatching(
        /^environments\/imported\.yaml:5:\d+ apps\.legacy\.secrets\.s\[0\] must be a Secret key of at most 253 letters/,
      ),
      expect.stringMatching(
        /^environments\/imported\.yaml:5:\d+ apps\.legacy\.secrets\.s\[1\] must be a Secret key of at most 253 letters/,
      ),
    ]);
  });
});
