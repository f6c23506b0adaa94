import { describe, expect, it } from 'vitest';
import { parseManifests, placedFieldProblems, placedProblems } from '../../lib/checks/manifests.js';
import { checkObjects } from '../../lib/checks/index.js';
import { ProblemsError, formatLabelledProblem, type Finding, type Problem } from '../../lib/errors.js';
import type { KubeObject } from '../../lib/model/object.js';
import { substituteImages } from '../../lib/transforms/images.js';
import { selectArchitecture } from '../../lib/transforms/arch-selector.js';
import { problemsThrownBy } from '../helpers/problems.js';

const placesOf = (text: string) => {
  const m = parseManifests([{ file: 'm.yaml', text }]);
  return checkObjects(m.objects)
    .findings.filter((f) => f.severity === 'error')
    .map((f) => {
      const l = m.locate(f)!;
      return `${l.line}:${l.column} ${f.code}`;
    });
};

describe('reading manifests', () => {
  const broken = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  key: 1\n';

  it('places findings in the right document of a multi-document file', () => {
    expect(placesOf(`# first\n---\n${broken}---\n${broken.replace('name: a', 'name: b')}`)).toEqual([
      '8:8 schema/type',
      '15:8 schema/type',
    ]);
  });

  it('reads files with anchors and aliases through the guarded parser, with the same places', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l { app: a }\n  annotations: *l\ndata:\n  key: 1\n';
    expect(placesOf(text)).toEqual(['8:8 schema/type']);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(() => parseManifests([{ file: 'bomb.yaml', text: `${bomb}\n` }])).toThrow(ProblemsError);
  });

  it('expands merge keys as kubectl does, rather than checking `<<` as a key, and places a merged value at the merge', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: &common\n    team: web\n  labels:\n    <<: *common\n    tier: "front end"\ndata:\n  <<: { key: 1 }\n';
    const m = parseManifests([{ file: 'm.yaml', text }]);
    expect(m.objects[0]).toMatchObject({ metadata: { labels: { team: 'web', tier: 'front end' } }, data: { key: 1 } });
    expect(placesOf(text)).toEqual(['11:7 schema/type', '9:11 api/label-value']);
  });

  it('reads the items of a v1 List as objects', () => {
    const m = parseManifests([
      { file: 'l.yaml', text: `apiVersion: v1\nkind: List\nitems:\n  - ${broken.trimEnd().replace(/\n/g, '\n    ')}\n` },
    ]);
    expect(m.objects.map((o) => o.metadata.name)).toEqual(['a']);
    expect(placesOf(`apiVersion: v1\nkind: List\nitems:\n  - ${broken.trimEnd().replace(/\n/g, '\n    ')}\n`)).toEqual([
      '9:12 schema/type',
    ]);
  });
});

describe("a kpt package's own context (package-context.yaml)", () => {
  /** What `kpt pkg get` and `kpt pkg init` write in every package: input to its functions, never applied. */
  const context =
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kptfile.kpt.dev\n  annotations:\n    config.kubernetes.io/local-config: "true"\ndata:\n  name: web\n';

  it('is skipped, as kpt and kustomize never apply it; another object marked local-config is read, and refused', () => {
    const setters = context.replace('kptfile.kpt.dev', 'setters');
    const m = parseManifests([
      { file: 'web/package-context.yaml', text: context },
      { file: 'web/setters.yaml', text: setters },
    ]);
    expect(m.objects.map((o) => o.metadata.name)).toEqual(['setters']);
    expect(placesOf(`${context}---\n${setters}`)).toEqual(['15:40 api/kustomize-annotation']);
  });
});

describe('a typed list (v1 ServiceList, apps/v1 DeploymentList), as the API returns several objects', () => {
  it('is read item by item, as kubectl and kustomize apply it, its own metadata (resourceVersion: "") set aside', () => {
    const text =
      'apiVersion: v1\nkind: ServiceList\nmetadata: { resourceVersion: "" }\nitems:\n' +
      '  - { apiVersion: v1, kind: Service, metadata: { name: a }, spec: { ports: [{ port: 80 }] } }\n' +
      '  - { apiVersion: v1, kind: Service, metadata: { name: b }, spec: { ports: [{ port: "x" }] } }\n';
    const m = parseManifests([{ file: 'l.yaml', text }]);
    expect(m.objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Service a', 'Service b']);
    expect(placesOf(text)).toEqual(['6:85 schema/type']);
    // a List among the items is flattened in turn, as kubectl (FlattenListVisitor) and kustomize apply it
    const nested =
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: List\n    items:\n' +
      '      - { apiVersion: v1, kind: Service, metadata: { name: c }, spec: { ports: [{ port: "x" }] } }\n';
    expect(parseManifests([{ file: 'n.yaml', text: nested }]).objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Service c']);
    expect(placesOf(nested)).toEqual(['7:89 schema/type']);
    // a kind of that name without items is no list: an object, checked as one
    const allowList = 'apiVersion: example.com/v1\nkind: AllowList\nmetadata: { name: a }\nspec: { items: [] }\n';
    expect(parseManifests([{ file: 'a.yaml', text: allowList }]).objects.map((o) => o.kind)).toEqual(['AllowList']);
  });
});

describe('a kustomize directory checked as files', () => {
  it('skips its kustomization written without apiVersion and kind, as a typed one is; a mapping so in another file is refused', () => {
    const deployment = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\n';
    const untyped = 'resources:\n  - web.yaml\nnamePrefix: prod-\n';
    for (const name of ['base/kustomization.yaml', 'base/kustomization.yml', 'base/Kustomization'])
      expect(
        parseManifests([
          { file: name, text: untyped },
          { file: 'base/web.yaml', text: deployment },
        ]).objects.map((o) => o.metadata.name),
      ).toEqual(['web']);
    expect(problemsThrownBy(() => parseManifests([{ file: 'base/other.yaml', text: untyped }])).map((p) => p.message)).toEqual([
      'this document is not a Kubernetes object (found a mapping without apiVersion)',
    ]);
  });

  it('skips one with a kind kustomize takes and no apiVersion (kubectl kustomize fills it in), and says a misspelt kind at it', () => {
    const web = { file: 'base/web.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\n' };
    for (const kind of ['Kustomization', 'Component'])
      expect(
        parseManifests([{ file: 'base/kustomization.yaml', text: `kind: ${kind}\nresources: [web.yaml]\n` }, web]).objects.map(
          (o) => o.metadata.name,
        ),
      ).toEqual(['web']);
    const typo = { file: 'base/kustomization.yaml', text: 'kind: Kustomisation\nresources: [web.yaml]\n' };
    expect(
      problemsThrownBy(() => parseManifests([typo, web])).map((p) => `${p.location?.line}:${p.location?.column} ${p.message} / ${p.hint}`),
    ).toEqual([
      "1:7 kustomize refuses this kustomization of kind Kustomisation ('kind should be Kustomization or Component') / did you mean 'Kustomization'? write kind: Kustomization (or Component), or leave out kind and apiVersion",
    ]);
  });
});

describe('the patches a kustomization names', () => {
  const web = { file: 'overlay/web.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\n' };
  const strategic = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n';
  const json6902 = '- op: replace\n  path: /spec/replicas\n  value: 3\n';

  it('are skipped, as kustomize merges them into the objects they target: a Deployment with replicas alone is no manifest', () => {
    const kustomization = {
      file: 'overlay/kustomization.yaml',
      text:
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [web.yaml, ../base]\n' +
        'patches:\n  - path: replicas.yaml\n  - path: ../shared/ops.yaml\n    target: { kind: Deployment }\n' +
        'patchesStrategicMerge:\n  - old.yaml\n  - |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: inline }\n' +
        'patchesJson6902:\n  - { path: json.yaml, target: { kind: Deployment, name: api } }\n',
    };
    const files = [
      kustomization,
      web,
      { file: 'overlay/replicas.yaml', text: strategic },
      { file: 'overlay/old.yaml', text: strategic },
      { file: 'overlay/json.yaml', text: json6902 },
      { file: 'shared/ops.yaml', text: json6902 },
    ];
    expect(parseManifests(files).objects.map((o) => o.metadata.name)).toEqual(['web']);
    // the same file without the kustomization naming it is a manifest, checked as one
    expect(problemsThrownBy(() => parseManifests([web, { file: 'overlay/json.yaml', text: json6902 }])).map((p) => p.message)).toEqual([
      'this document is not a Kubernetes object (found a list)',
    ]);
  });

  it('are checked where the kustomization names them as resources too: kustomize applies the file, patched by itself', () => {
    // kubectl kustomize 5.5 builds the Deployment, selector missing, which the API server and the referee refuse
    const files = [
      { file: 'k/kustomization.yaml', text: 'resources: [deploy.yaml]\npatches:\n  - path: deploy.yaml\n' },
      { file: 'k/deploy.yaml', text: strategic },
    ];
    const manifests = parseManifests(files);
    expect(manifests.objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Deployment api']);
    const selector = checkObjects(manifests.objects).findings.filter((f) => f.message.includes('selector'));
    expect(selector.map((f) => `${manifests.locate(f)?.file} ${f.message}`)).toEqual([
      "k/deploy.yaml required field 'selector' is missing",
    ]);
  });
});

describe('the data files a kustomization names', () => {
  it("are skipped, as kustomize reads them into a ConfigMap or as its own configuration: a generator's files, replacements, configurations", () => {
    const kustomization = {
      file: 'k/kustomization.yaml',
      text:
        'resources: [web.yaml]\nconfigMapGenerator:\n  - name: app\n    files: [settings.yaml, other=conf/more.yaml]\n    envs: [app.env]\n' +
        'secretGenerator:\n  - { name: creds, env: creds.yaml }\nreplacements:\n  - path: repl.yaml\n  - { source: { kind: A }, targets: [] }\n' +
        'configurations: [names.yaml]\nopenapi: { path: schema.yaml }\nhelmCharts:\n  - { name: r, valuesFile: values.yaml, additionalValuesFiles: [more-values.yaml] }\n',
    };
    const data = [
      'settings.yaml',
      'conf/more.yaml',
      'app.env',
      'creds.yaml',
      'repl.yaml',
      'names.yaml',
      'schema.yaml',
      'values.yaml',
      'more-values.yaml',
    ];
    const files = [
      kustomization,
      { file: 'k/web.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\n' },
      ...data.map((name) => ({ file: `k/${name}`, text: 'log_level: debug\nport: 8080\n' })),
    ];
    expect(parseManifests(files).objects.map((o) => o.metadata.name)).toEqual(['web']);
    // not named by the kustomization, such a file is refused as no manifest
    expect(problemsThrownBy(() => parseManifests([{ file: 'k/settings.yaml', text: 'log_level: debug\n' }])).map((p) => p.message)).toEqual(
      ['this document is not a Kubernetes object (found a mapping without apiVersion)'],
    );
  });
});

describe('a secret found where an object or a list of them goes', () => {
  it("is never printed: a List's items, an item, a document", () => {
    const token = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
    const files = [
      { file: 's.yaml', text: `apiVersion: v1\nkind: SecretList\nitems: ${token}\n` },
      { file: 'l.yaml', text: `apiVersion: v1\nkind: List\nitems: [${token}, just a string]\n---\n${token}\n` },
    ];
    const said = problemsThrownBy(() => parseManifests(files)).map(formatLabelledProblem);
    expect(said.join('\n')).not.toContain('16C7e42F');
    expect(said.map((p) => p.split('\n')[0])).toEqual([
      expect.stringMatching(/^s\.yaml:3:1: error: the items of this SecretList are no list \(found \(a 40-character value, hidden\)\): /),
      'l.yaml:3:9: error: items[0] of this List is not a Kubernetes object (found (a 40-character value, hidden))',
      'l.yaml:3:51: error: items[1] of this List is not a Kubernetes object (found "just a string")',
      'l.yaml:5:1: error: this document is not a Kubernetes object (found (a 40-character value, hidden))',
    ]);
  });
});

describe('an item of a List that is no Kubernetes object', () => {
  it('is bad input at its place, saying what it is instead and what to do, nested Lists included', () => {
    const text =
      'apiVersion: v1\nkind: List\nitems:\n  - { kind: ConfigMap, metadata: { name: a } }\n  - just a string\n' +
      '  - { apiVersion: v1, kind: List, items: [~] }\n';
    const problems = problemsThrownBy(() => parseManifests([{ file: 'l.yaml', text }]));
    const hint =
      'each item of a List is an object with apiVersion, kind and metadata, which kubectl applies one by one: complete it or remove it';
    expect(problems.map((p) => `${p.location?.line}:${p.location?.column} ${p.code} ${p.message} / ${p.hint}`)).toEqual([
      `4:5 input/not-kubernetes items[0] of this List is not a Kubernetes object (found a mapping without apiVersion) / ${hint}`,
      `5:5 input/not-kubernetes items[1] of this List is not a Kubernetes object (found "just a string") / ${hint}`,
      `6:43 input/not-kubernetes items[2].items[0] of this List is not a Kubernetes object (found nothing) / ${hint}`,
    ]);
  });
});

describe('a Helm chart among the files (npm run check -- charts/web)', () => {
  it('is one problem at its Chart.yaml, what to run instead, not a YAML error per template', () => {
    const files = [
      { file: 'charts/web/Chart.yaml', text: 'apiVersion: v2\nname: web\nversion: 0.1.0\n' },
      { file: 'charts/web/values.yaml', text: 'replicas: 1\n' },
      { file: 'charts/web/templates/cm.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\n' },
      { file: 'other/cm.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n' },
    ];
    expect(
      problemsThrownBy(() => parseManifests(files)).map((p) => `${p.location?.file}:${p.location?.line} ${p.message} / ${p.hint}`),
    ).toEqual([
      'charts/web/Chart.yaml:1 charts/web/ is a Helm chart: its templates are not manifests until Helm renders them, and stagecraft does not run Helm / check what it renders: helm template <release> charts/web/ -f <values file> | npm run check -- -',
    ]);
  });

  it('says each chart at its own Chart.yaml, a chart within it apart (web/Addons/ sorts before web/Chart.yaml)', () => {
    const chart = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';
    const files = [
      { file: 'web/Addons/Chart.yaml', text: chart },
      { file: 'web/Chart.yaml', text: chart },
    ];
    expect(problemsThrownBy(() => parseManifests(files)).map((p) => `${p.location?.file} ${p.message.split(' ')[0]}`)).toEqual([
      'web/Addons/Chart.yaml web/Addons/',
      'web/Chart.yaml web/',
    ]);
  });

  it('tells to check what kustomize builds of a chart a kustomization above it inflates (helmCharts, its charts/ folder)', () => {
    const files = [
      { file: 'base/kustomization.yaml', text: 'helmCharts:\n- { name: redis, version: 17.0.0 }\n' },
      { file: 'base/charts/redis/Chart.yaml', text: 'apiVersion: v2\nname: redis\nversion: 17.0.0\n' },
    ];
    expect(problemsThrownBy(() => parseManifests(files)).map((p) => p.hint)).toEqual([
      'base/kustomization.yaml inflates it (helmCharts): check what kustomize builds, kubectl kustomize --enable-helm base/ | npm run check -- -',
    ]);
  });
});

describe('a List whose items are null (items: with no value) or no list, or a built-in List without items', () => {
  it("is no object to check but bad input at items, as kubectl apply refuses it ('invalid object to validate'), nested Lists included", () => {
    const text =
      'apiVersion: v1\nkind: List\nitems:\n---\napiVersion: v1\nkind: ConfigMapList\nitems: null\n---\napiVersion: v1\nkind: List\nmetadata: {}\n---\n' +
      'apiVersion: v1\nkind: List\nitems:\n  - { apiVersion: v1, kind: List, items: null }\n---\n' +
      // a custom kind ending in List, without items, is no List: checked as its CRD says (none here: a warning)
      'apiVersion: example.com/v1\nkind: AllowList\nmetadata: { name: a, namespace: default }\n';
    const problems = problemsThrownBy(() => parseManifests([{ file: 'l.yaml', text }]));
    const refused = "kubectl apply refuses the file ('error validating data: invalid object to validate', a List's items must be a list)";
    expect(problems.map((p) => `${p.location?.line}:${p.location?.column} ${p.code} ${p.message} / ${p.hint}`)).toEqual([
      `3:1 input/not-kubernetes the items of this List are null (items: with no value): ${refused}, which kustomize reads as an empty List / write items: [] for a List of no objects (or remove the document), or list its objects under items, indented below it`,
      `7:1 input/not-kubernetes the items of this ConfigMapList are null (items: with no value): kubectl and kustomize read it as a List of no objects, and apply nothing of it / write items: [] for a List of no objects (or remove the document), or list its objects under items, indented below it`,
      `9:1 input/not-kubernetes this List has no items: ${refused} / write items: [] for a List of no objects (or remove the document), or list its objects under items`,
      `16:35 input/not-kubernetes the items of this List are null (items: with no value): ${refused}, which kustomize reads as an empty List / write items: [] for a List of no objects (or remove the document), or list its objects under items, indented below it`,
    ]);
    const custom = parseManifests([{ file: 'c.yaml', text: text.slice(text.indexOf('apiVersion: example.com')) }]);
    expect(custom.objects.map((o) => o.kind)).toEqual(['AllowList']);
  });
  it("refuses a v1 List whose items are no list (items: {}, items: ''), which kubectl apply refuses alike and kustomize reads as empty", () => {
    const text = 'apiVersion: v1\nkind: List\nitems: {}\n---\napiVersion: v1\nkind: List\nitems: ""\n';
    expect(
      problemsThrownBy(() => parseManifests([{ file: 'l.yaml', text }])).map(
        (p) => `${p.location?.line}:${p.location?.column} ${p.code} ${p.message.split(':')[0]}`,
      ),
    ).toEqual([
      '3:1 input/not-kubernetes the items of this List are no list (found a mapping)',
      '7:1 input/not-kubernetes the items of this List are no list (found "")',
    ]);
  });
  it("refuses items that are no list of any kind ending in List, which kubectl reads as a List ('items') and kustomize refuses", () => {
    const text =
      'apiVersion: v1\nkind: ConfigMapList\nitems: {}\n---\napiVersion: example.com/v1\nkind: AllowList\nmetadata: { name: a }\nitems: { a: b }\n';
    expect(
      problemsThrownBy(() => parseManifests([{ file: 'l.yaml', text }])).map(
        (p) => `${p.location?.line}:${p.location?.column} ${p.code} ${p.message}`,
      ),
    ).toEqual([
      "3:1 input/not-kubernetes the items of this ConfigMapList are no list (found a mapping): kubectl apply refuses the file (it reads a document with items as a List, whose items must be a list), and kubectl kustomize alike ('expected array in ConfigMapList/items')",
      "8:1 input/not-kubernetes the items of this AllowList are no list (found a mapping): kubectl apply refuses the file (it reads a document with items as a List, whose items must be a list), and kubectl kustomize alike ('expected array in AllowList/items')",
    ]);
  });
  it('refuses a typed List of a built-in kind without items (v1 ConfigMapList) at the document, never asking it for a name', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMapList\n---\napiVersion: apps/v1\nkind: DeploymentList\nmetadata: { resourceVersion: "1" }\n';
    expect(
      problemsThrownBy(() => parseManifests([{ file: 'l.yaml', text }])).map(
        (p) => `${p.location?.line}:${p.location?.column} ${p.code} ${p.message} / ${p.hint}`,
      ),
    ).toEqual([
      '1:1 input/not-kubernetes this ConfigMapList has no items: kubectl apply refuses it, an object of a kind no cluster serves (the schema of a ConfigMapList requires items, a list of ConfigMap objects), and kubectl kustomize passes it on as one / write items: [] for a List of no objects (or remove the document), or list its objects under items',
      '4:1 input/not-kubernetes this DeploymentList has no items: kubectl apply refuses it, an object of a kind no cluster serves (the schema of a DeploymentList requires items, a list of Deployment objects), and kubectl kustomize passes it on as one / write items: [] for a List of no objects (or remove the document), or list its objects under items',
    ]);
    // a kind of a built-in group that Kubernetes does not have, or a custom one, is no typed List: its CRD says
    const custom =
      'apiVersion: apps/v1\nkind: WidgetList\nmetadata: { name: w }\n---\napiVersion: example.com/v1\nkind: ConfigMapList\nmetadata: { name: c, namespace: default }\n';
    expect(parseManifests([{ file: 'c.yaml', text: custom }]).objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
      'apps/v1 WidgetList',
      'example.com/v1 ConfigMapList',
    ]);
  });
});

describe("placing problems on the objects of a stage's included files", () => {
  const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
  // three documents of one file, in another order than their names
  const files = new Map([['in/maps.yaml', [configMap('zeta'), configMap('alpha'), configMap('mid')].join('---\n')]]);
  const stage = { files, namespace: 'lab' };
  const finding = (name: string, message: string, path = ['metadata', 'name']): Finding => ({
    code: 'test/finding',
    severity: 'error',
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'lab' } },
    path,
    message,
  });
  const lines = (problems: readonly Problem[]) =>
    problems.map((p) => `${p.location ? `${p.location.file}:${p.location.line}:${p.location.column}` : '-'} ${p.message}`);

  it('places each later definition of an object defined twice at its own document, with where the first one is', () => {
    const twice = new Map([
      ['in/a.yaml', `${configMap('one')}---\n${configMap('one')}`],
      ['in/b.yaml', configMap('one')],
    ]);
    const objects = [...twice].flatMap(([file, text]) => parseManifests([{ file, text }]).objects);
    // as the namespace transform gives them the stage's
    for (const o of objects) o.metadata.namespace = 'lab';
    const found = checkObjects(objects).findings.filter((f) => f.code === 'refs/duplicate-object');
    expect(placedProblems(found, { files: twice, namespace: 'lab' }).map((p) => [lines([p])[0].slice(0, 14), p.lines])).toEqual([
      ['in/a.yaml:9:9 ', ['first defined at in/a.yaml:4:9']],
      ['in/b.yaml:4:9 ', ['first defined at in/a.yaml:4:9']],
    ]);
  });

  it("places each later definition at its own document when one names the stage's namespace and another leaves it out", () => {
    const named = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  namespace: lab\n`;
    const thrice = new Map([
      ['in/a.yaml', `${configMap('one')}---\n${named}`],
      ['in/b.yaml', configMap('one')],
    ]);
    const objects = [...thrice].flatMap(([file, text]) => parseManifests([{ file, text }]).objects);
    for (const o of objects) o.metadata.namespace ??= 'lab';
    const found = checkObjects(objects).findings.filter((f) => f.code === 'refs/duplicate-object');
    expect(placedProblems(found, { files: thrice, namespace: 'lab' }).map((p) => [lines([p])[0].slice(0, 14), p.lines])).toEqual([
      ['in/a.yaml:9:9 ', ['first defined at in/a.yaml:4:9']],
      ['in/b.yaml:4:9 ', ['first defined at in/a.yaml:4:9']],
    ]);
  });

  it("lists the checks' problems of one file in line and column order, whatever order the findings came in", () => {
    // the checks sort findings by object: alpha, made (by a stack, in no file), mid, zeta
    const findings = [
      finding('alpha', 'second at alpha'),
      finding('alpha', 'first at alpha', ['metadata']),
      finding('made', 'on an object of a stack'),
      finding('mid', 'at mid'),
      finding('zeta', 'at zeta'),
    ];
    expect(lines(placedProblems(findings, stage))).toEqual([
      '- ConfigMap lab/made: metadata.name: on an object of a stack',
      'in/maps.yaml:4:9 ConfigMap lab/zeta: metadata.name: at zeta',
      'in/maps.yaml:9:3 ConfigMap lab/alpha: metadata: first at alpha',
      'in/maps.yaml:9:9 ConfigMap lab/alpha: metadata.name: second at alpha',
      'in/maps.yaml:14:9 ConfigMap lab/mid: metadata.name: at mid',
    ]);
  });

  it('keeps the order of the findings between problems at one place', () => {
    const findings = [finding('mid', 'b comes first'), finding('zeta', 'at zeta'), finding('mid', 'a comes second')];
    expect(lines(placedProblems(findings, stage))).toEqual([
      'in/maps.yaml:4:9 ConfigMap lab/zeta: metadata.name: at zeta',
      'in/maps.yaml:14:9 ConfigMap lab/mid: metadata.name: b comes first',
      'in/maps.yaml:14:9 ConfigMap lab/mid: metadata.name: a comes second',
    ]);
  });

  describe("a transform's problem", () => {
    const deployment =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: { app: web }\n' +
      '  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      nodeSelector:\n        kubernetes.io/arch: arm64\n' +
      '      initContainers:\n        - name: init\n          image: example.com/init:1\n      containers:\n        - name: web\n          image: example.com/web:1\n';
    const included = { files: new Map([['in/web.yaml', deployment]]), namespace: 'lab' };
    /** The Deployment of `in/web.yaml` as the transforms see it: in the stage's namespace. */
    const web = (): KubeObject => {
      const [o] = parseManifests([{ file: 'in/web.yaml', text: deployment }]).objects;
      return { ...o, metadata: { ...o.metadata, namespace: 'lab' } };
    };

    it('on an included object is placed at its field in the file, naming the object, the field, the reason and the fix', () => {
      const problems = problemsThrownBy(() =>
        substituteImages([web()], { architecture: 'arm', stage: { substitute: {}, native: [] }, stageName: 'lab' }),
      );
      expect(placedFieldProblems(problems, included).map(formatLabelledProblem)).toEqual([
        "in/web.yaml:16:18: error: Deployment lab/web: spec.template.spec.initContainers[0]: container 'init' runs image 'example.com/init:1', " +
          "which has no known arm build (stage 'lab' runs on arm; neither the stage file's images: nor the image table names it)\n" +
          "  hint: if it is built for arm too (multi-arch, as images of your own can be), list 'example.com/init' under images.native in environments/lab.yaml " +
          "(a repository without a tag covers every tag); else map it to an arm build under images.substitute, for every tag ('example.com/init': <arm repository>, " +
          "which keeps the tag, or '<repository>:{tag}-arm') or for this tag only ('example.com/init:1': <arm image>); built-in entries: lib/transforms/arm-images.ts",
        "in/web.yaml:19:18: error: Deployment lab/web: spec.template.spec.containers[0]: container 'web' runs image 'example.com/web:1', " +
          "which has no known arm build (stage 'lab' runs on arm; neither the stage file's images: nor the image table names it)\n" +
          "  hint: if it is built for arm too (multi-arch, as images of your own can be), list 'example.com/web' under images.native in environments/lab.yaml " +
          "(a repository without a tag covers every tag); else map it to an arm build under images.substitute, for every tag ('example.com/web': <arm repository>, " +
          "which keeps the tag, or '<repository>:{tag}-arm') or for this tag only ('example.com/web:1': <arm image>); built-in entries: lib/transforms/arm-images.ts",
      ]);
    });

    it('keeps its stable code, and says where the node selector for another architecture is', () => {
      const problems = problemsThrownBy(() => selectArchitecture([web()], { architecture: 'amd64', stageName: 'lab' }));
      const [placed] = placedFieldProblems(problems, included);
      expect(placed).toEqual({
        code: 'images/architecture-conflict',
        location: { file: 'in/web.yaml', line: 13, column: 29 },
        message:
          "Deployment lab/web: spec.template.spec.nodeSelector: selects kubernetes.io/arch 'arm64', but stage 'lab' runs on amd64 (its stage file's architecture:, amd64 when it has none)",
        hint: "remove the kubernetes.io/arch node selector from the stack or the included manifest that sets it (stagecraft gives every pod the stage's own kubernetes.io/arch), or set architecture: arm64 in the stage file",
      });
    });

    it('is placed at the deepest field on the way that the file has, as findings are, when it has not the field', () => {
      const o = web();
      const problem: Problem = {
        code: 'images/architecture-conflict',
        subject: 'Deployment lab/web',
        field: { object: o, path: ['spec', 'template', 'spec', 'affinity', 'nodeAffinity'] },
        message: 'spec.template.spec.affinity: m',
      };
      expect(lines(placedFieldProblems([problem], included))).toEqual([
        'in/web.yaml:12:7 Deployment lab/web: spec.template.spec.affinity: m',
      ]);
    });

    it('on an object of no included file keeps its subject, and no problem keeps its object', () => {
      const made = { ...web(), metadata: { name: 'made', namespace: 'lab' } };
      const problems = problemsThrownBy(() => selectArchitecture([made], { architecture: 'amd64', stageName: 'lab' }));
      const placed = placedFieldProblems(problems, included);
      expect(placed.map(formatLabelledProblem)).toEqual([
        "Deployment lab/made: error: spec.template.spec.nodeSelector: selects kubernetes.io/arch 'arm64', but stage 'lab' runs on amd64 (its stage file's architecture:, amd64 when it has none)\n" +
          "  hint: remove the kubernetes.io/arch node selector from the stack or the included manifest that sets it (stagecraft gives every pod the stage's own kubernetes.io/arch), or set architecture: arm64 in the stage file",
      ]);
      expect(placed.some((p) => 'field' in p)).toBe(false);
      expect(placedFieldProblems(problems, undefined).some((p) => 'field' in p)).toBe(false);
    });
  });
});
