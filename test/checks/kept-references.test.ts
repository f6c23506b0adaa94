/**
 * The checks across objects on a stage with apps from the render cache (lib/checks/stage.ts,
 * `checkStage`): what they found on a cached app's objects is reused while every lookup they made
 * finds the same (lib/checks/object-index.ts), and a cached app whose results are all kept is
 * checked through stand-ins, without reading its objects. A differential test: random stages
 * whose apps refer to each other's objects (and define some twice), changed app by app, report
 * exactly what checking every object again reports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diskRenderCache } from '../../lib/cli/render-cache.js';
import { STACKS } from '../../apps/index.js';
import type { CheckOptions } from '../../lib/checks/index.js';
import { checkStage } from '../../lib/checks/stage.js';
import { slimChecks } from '../../lib/cli/staging.js';
import { compileStages, loadStage } from '../../lib/compile.js';
import type { KubeObject } from '../../lib/model/object.js';
import type { KeptChecks } from '../../lib/model/kept-checks.js';
import { summarize } from '../../lib/synth/app-summary.js';
import { renderStage } from '../../lib/synth/render.js';
import { NAMESPACE_CHART, serializeObjects, withObjects, type RenderedChart, type RenderedStage } from '../../lib/synth/rendered.js';
import { fleetStageFile } from '../../bench/fleet.js';
import { random } from '../helpers/random.js';

/** A stage's own chart (its Namespace `dev`) and context, rendered from a one-app fleet stage. */
const base = renderStage(loadStage({ stage: 'dev', file: 'environments/dev.yaml', text: fleetStageFile('dev', 1) }), STACKS, '0.0.0');
const namespaceChart = base.charts.find((c) => c.name === NAMESPACE_CHART)!;

/** Random objects of one app, named from a small pool so that apps find (and redefine) each other's. */
function appObjects(next: () => number): KubeObject[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const name = () => pick(['a', 'b', 'c']);
  const labels = () => pick([{ app: 'a' }, { app: 'b' }, { tier: 'web' }]);
  const meta = (suffix: string) => ({ name: `${name()}-${suffix}`, namespace: next() < 0.9 ? 'dev' : 'other' });
  const makers: (() => KubeObject)[] = [
    () => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { ...meta('secret'), annotations: { 'stagecraft.dev/secret-keys': 'key' } },
      ...(next() < 0.5 ? { type: 'kubernetes.io/dockerconfigjson' } : {}),
    }),
    () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cm'), data: { key: 'value' } }),
    () => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('svc'),
      spec: { selector: labels(), ports: [{ name: 'web', port: pick([80, 81]), targetPort: pick(['http', 8080, 'other']) }] },
    }),
    // a node port two apps may both take: the app is not plain, its objects are read
    () => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('np-svc'),
      spec: {
        type: 'NodePort',
        selector: labels(),
        ports: [{ name: 'web', port: 80, targetPort: 'http', nodePort: pick([30080, 30081]) }],
      },
    }),
    () => {
      const podLabels = labels();
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta('web'),
        spec: {
          replicas: pick([1, 2]),
          selector: { matchLabels: podLabels },
          template: {
            metadata: { labels: podLabels },
            spec: {
              ...(next() < 0.3 ? { serviceAccountName: `${name()}-sa` } : {}),
              ...(next() < 0.3 ? { imagePullSecrets: [{ name: `${name()}-secret` }] } : {}),
              containers: [
                {
                  name: 'web',
                  image: 'nginx:1.25',
                  ports: [{ name: 'http', containerPort: 8080, ...(next() < 0.1 ? { hostPort: 8080 } : {}) }],
                  env: [{ name: 'X', valueFrom: { secretKeyRef: { name: `${name()}-secret`, key: pick(['key', 'other']) } } }],
                  envFrom: [{ configMapRef: { name: `${name()}-cm` } }],
                },
              ],
            },
          },
        },
      };
    },
    () => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      // with an issuer, cert-manager makes its TLS Secret, which other apps' pods may read (operator-secrets.ts)
      metadata: { ...meta('ing'), ...(next() < 0.4 ? { annotations: { 'cert-manager.io/cluster-issuer': 'ca' } } : {}) },
      spec: {
        rules: [
          {
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: `${name()}-svc`, port: { number: pick([80, 81]) } } } }],
            },
          },
        ],
        tls: [{ hosts: ['ing.example.com'], secretName: `${name()}-secret` }],
      },
    }),
    () => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('hpa'),
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${name()}-web` }, minReplicas: 1, maxReplicas: 2 },
    }),
    () => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `${name()}-pv` },
      spec: { capacity: { storage: pick(['1Gi', '2Gi']) }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } },
    }),
    () => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: meta('claim'),
      spec: { volumeName: `${name()}-pv`, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
    }),
    () => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('sa') }),
    () => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('np'),
      spec: { podSelector: { matchLabels: labels() } },
    }),
    () => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('pdb'),
      spec: { selector: { matchLabels: labels() }, minAvailable: pick([1, 3]) },
    }),
    // cert-manager: issuers reading Secrets (a ClusterIssuer's where its controller, maybe another app's, says),
    // its controller with or without its flags, an Ingress asking ingress-shim for the default issuer
    () => ({
      apiVersion: 'cert-manager.io/v1',
      kind: pick(['Issuer', 'ClusterIssuer']),
      metadata: meta('issuer'),
      spec: {
        acme: {
          server: 'https://acme.example.com/directory',
          privateKeySecretRef: { name: `${name()}-secret` },
          ...(next() < 0.3 ? { disableAccountKeyGeneration: true } : {}),
          solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: `${name()}-secret`, key: pick(['key', 'other']) } } } }],
        },
      },
    }),
    () => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('cert-manager'),
      spec: {
        selector: { matchLabels: { app: 'cert-manager' } },
        template: {
          metadata: { labels: { app: 'cert-manager' } },
          spec: {
            containers: [
              {
                name: 'controller',
                image: 'quay.io/jetstack/cert-manager-controller:v1.14.4',
                args: pick([
                  ['--v=2'],
                  ['--cluster-resource-namespace=$(POD_NAMESPACE)', '--default-issuer-name=ca'],
                  ['--cluster-resource-namespace', 'other'],
                  ['--default-issuer-name', 'ca', '--cluster-resource-namespace=dev'],
                ]),
              },
            ],
          },
        },
      },
    }),
    () => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { ...meta('acme-ing'), annotations: { 'kubernetes.io/tls-acme': 'true' } },
      spec: {
        rules: [
          { http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: `${name()}-svc`, port: { number: 80 } } } }] } },
        ],
        tls: [{ hosts: ['acme.example.com'], secretName: `${name()}-secret` }],
      },
    }),
    // a Certificate of an issuer of either kind, which other apps may make (or make of the other kind)
    () => ({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta('cert'),
      spec: {
        secretName: `${name()}-secret`,
        dnsNames: ['cert.example.com'],
        issuerRef: { name: `${name()}-issuer`, ...(next() < 0.5 ? { kind: 'ClusterIssuer' } : {}) },
      },
    }),
    // External Secrets: stores reading their credentials from Secrets, ExternalSecrets naming stores of either kind
    () => ({
      apiVersion: 'external-secrets.io/v1',
      kind: pick(['SecretStore', 'ClusterSecretStore']),
      metadata: { ...meta('store'), name: pick(['vault', 'valut', 'aws']) },
      spec: {
        provider: {
          vault: {
            server: 'https://vault.example.com',
            auth: {
              tokenSecretRef: {
                name: `${name()}-secret`,
                key: pick(['key', 'other']),
                ...(next() < 0.5 ? { namespace: pick(['dev', 'other']) } : {}),
              },
            },
          },
        },
      },
    }),
    () => ({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta('es'),
      spec: {
        secretStoreRef: { name: pick(['vault', 'vaul', 'aws']), ...(next() < 0.5 ? { kind: 'ClusterSecretStore' } : {}) },
        data: [{ secretKey: 'key', remoteRef: { key: 'db/password' } }],
      },
    }),
    // a CRD of Widgets, in one of its versions (another app's Widgets are checked by it), and Widgets
    () => widgetCrd(pick([0, 1, 2])),
    () => ({
      apiVersion: pick(['example.org/v1', 'example.org/v2', 'Example.org/v1']),
      kind: 'Widget',
      metadata: meta('widget'),
      spec: { size: pick([1, 'large', -1]) },
    }),
    // kinds named like built-in ones in another group: none of the built-in kinds' rules or lookups
    () => ({
      apiVersion: 'example.com/v1',
      kind: pick(['Secret', 'Service', 'Ingress', 'Deployment', 'ClusterIssuer']),
      metadata: meta('custom'),
      spec: { selector: labels(), secretName: `${name()}-secret` },
    }),
  ];
  return Array.from({ length: 1 + Math.floor(next() * 5) }, () => pick(makers)());
}

/**
 * The CRD of example.org's Widgets in one of three variants: serving v1 with a number of size at
 * least 0, v1 with a string, or v2 alone (its v1 no longer served); the last one of a stage counts.
 */
function widgetCrd(variant: number): KubeObject {
  const size = variant === 1 ? { type: 'string' } : { type: 'integer', minimum: 0 };
  const version = (name: string, served: boolean, storage: boolean) => ({
    name,
    served,
    storage,
    schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size } } } } },
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.org' },
    spec: {
      group: 'example.org',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      versions: variant === 2 ? [version('v1', false, false), version('v2', true, true)] : [version('v1', true, true)],
    },
  };
}

/** A chart rendered now (its objects serialized, as an app with a cache key is). */
const renderedChart = (name: string, objects: KubeObject[]): RenderedChart => ({ name, objects, serialized: serializeObjects(objects) });

/** A chart as the render cache gives it back: with its kept results and summary, counting each time its objects are read. */
function cachedChart(name: string, objects: KubeObject[], checks: KeptChecks, reads: { count: number }): RenderedChart {
  const { serialized } = renderedChart(name, objects);
  return withObjects({ name, serialized, checks, summary: summarize(objects) }, () => {
    reads.count++;
    return structuredClone(objects);
  });
}

const stage = (charts: RenderedChart[]): RenderedStage => ({ ...base, charts: [namespaceChart, ...charts] });

/** What checking reported, objects named as reports name them. */
function reported(r: RenderedStage, options: CheckOptions) {
  const { problems, findings, exceptions } = checkStage(r, options);
  return { problems, ...slimChecks({ findings, exceptions }) };
}

describe('the checks across objects with apps from the render cache', () => {
  it('report what checking every object again reports, over random stages changed app by app', () => {
    const seen = { runs: 0, findings: 0, standIns: 0, read: 0, widgetStandIns: 0 };
    for (let seed = 1; seed <= 150; seed++) {
      const next = random(seed);
      // the CRDs of a crds/ folder, changed between the runs of some stages
      const folderCrds = () => (next() < 0.5 ? { crds: [widgetCrd(Math.floor(next() * 3))] } : {});
      let options: CheckOptions = { ...(next() < 0.2 ? { existingNamespaces: ['other'] } : {}), ...folderCrds() };
      let apps = new Map<string, KubeObject[]>(
        Array.from({ length: 2 + Math.floor(next() * 6) }, (_, i) => [`app-${i}`, appObjects(next)]),
      );
      let kept = checkStage(stage([...apps].map(([n, o]) => renderedChart(n, o))), options).kept;
      // several changes in a row: each run's kept results are the next run's cache
      for (let change = 0; change < 3; change++) {
        const changed = new Map(apps);
        const names = [...apps.keys()];
        const roll = next();
        if (roll < 0.6) changed.set(names[Math.floor(next() * names.length)], appObjects(next));
        else if (roll < 0.8) changed.delete(names[Math.floor(next() * names.length)]);
        else changed.set(`app-new-${change}`, appObjects(next));
        if (next() < 0.2) options = { ...options, crds: undefined, ...folderCrds() };
        /** Per cached app, its objects' reads from the render cache, and whether it has a Widget. */
        const cachedReads: { count: number; widget: boolean }[] = [];
        const charts = [...changed].map(([n, o]) => {
          if (!(apps.get(n) === o && kept.has(n))) return renderedChart(n, o);
          const reads = { count: 0, widget: o.some((x) => x.kind === 'Widget') };
          cachedReads.push(reads);
          return cachedChart(n, o, kept.get(n)!, reads);
        });
        const cached = charts.filter((c) => c.summary).length;
        const expected = reported(stage([...changed].map(([n, o]) => renderedChart(n, o))), options);
        expect(reported(stage(charts), options), `seed ${seed}, change ${change}`).toEqual(expected);
        seen.runs++;
        seen.findings += expected.findings.length;
        const read = cachedReads.reduce((sum, r) => sum + r.count, 0);
        seen.standIns += cached - read;
        seen.read += read;
        // a cached app with a Widget taken as its stand-ins, not read
        seen.widgetStandIns += cachedReads.filter((r) => r.widget && r.count === 0).length;
        // the next change starts from this stage, its apps' kept results made without the cache
        kept = checkStage(stage([...changed].map(([n, o]) => renderedChart(n, o))), options).kept;
        apps = changed;
      }
    }
    // the stages had findings; cached apps were taken as stand-ins, and some were read after all
    expect(seen.findings).toBeGreaterThan(seen.runs);
    expect(seen.standIns).toBeGreaterThan(100);
    expect(seen.read).toBeGreaterThan(10);
    expect(seen.widgetStandIns).toBeGreaterThan(20);
  });
});

describe("a cached app's image pull Secret", () => {
  const web: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'dev' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'web', image: 'registry.example.com/web:1.0.0' }] },
        },
      },
    },
  ];
  const secret = (type: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'regcred', namespace: 'dev', annotations: { 'stagecraft.dev/secret-keys': '.dockerconfigjson' } },
    type,
  });
  const pullFindings = (r: RenderedStage) =>
    reported(r, {})
      .findings.filter((f) => f.code.startsWith('refs/pull-secret'))
      .map((f) => `${f.code}: ${f.message}`);

  it('is looked up again when the Secret leaves another app, or changes its type there, without the app being rendered', () => {
    const kept = checkStage(
      stage([renderedChart('web', web), renderedChart('creds', [secret('kubernetes.io/dockerconfigjson')])]),
      {},
    ).kept;
    expect(kept.get('web')?.references?.traces.map(([query]) => query)).toContain('get:/Secret/dev/regcred');
    const reads = { count: 0 };
    const cached = () => cachedChart('web', web, kept.get('web')!, reads);
    expect(pullFindings(stage([cached(), renderedChart('creds', [secret('kubernetes.io/dockerconfigjson')])]))).toEqual([]);
    expect(reads.count).toBe(0);
    // the stage's Namespace requires Secrets of other names
    expect(pullFindings(stage([cached()]))).toEqual([
      expect.stringMatching(
        /^refs\/pull-secret: pulls its images with Secret 'regcred', but the Secrets in namespace 'dev' are: (?!.*regcred)/,
      ),
    ]);
    expect(pullFindings(stage([cached(), renderedChart('creds', [secret('Opaque')])]))).toEqual([
      "refs/pull-secret-type: pulls its images with Secret 'regcred', which is of type Opaque: the kubelet reads registry credentials only from a Secret of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg",
    ]);
  });
});

describe("what is kept of a cached app's lookups", () => {
  const labelled = (app: string) => ({ matchLabels: { app } });
  // its Deployment reads its own ConfigMap, and its own NetworkPolicy is the namespace's only one (selecting no pod of it)
  const web: KubeObject[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'dev' }, data: { key: 'value' } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-np', namespace: 'dev' },
      spec: { podSelector: labelled('db') },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'dev' },
      spec: {
        selector: labelled('web'),
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'registry.example.com/web:1.0.0', envFrom: [{ configMapRef: { name: 'web-config' } }] }],
          },
        },
      },
    },
  ];
  const policy: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-web', namespace: 'dev' },
    spec: { podSelector: labelled('web') },
  };
  const uncovered = (r: RenderedStage) => reported(r, {}).findings.filter((f) => f.code === 'refs/network-policy-uncovered').length;

  it("leaves out a lookup by name of its own object, and keeps a lookup of a kind that found only its own (what another app's object changes)", () => {
    const kept = checkStage(stage([renderedChart('web', web)]), {}).kept.get('web')!;
    const queries = kept.references?.traces.map(([query]) => query);
    expect(queries).not.toContain('get:/ConfigMap/dev/web-config');
    expect(queries).toContain('["kind","networking.k8s.io/NetworkPolicy","dev"]');
    const reads = { count: 0 };
    expect(uncovered(stage([cachedChart('web', web, kept, reads)]))).toBe(1);
    // another app's policy now selects web's pods: the warning kept with the Deployment no longer holds
    expect(uncovered(stage([cachedChart('web', web, kept, reads), renderedChart('policies', [policy])]))).toBe(0);
  });
});

describe('one app of a stage changed', () => {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-kept-references-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("reads none of the other apps' objects from the render cache, and compiles what a run without the cache compiles", () => {
    const text = fleetStageFile('dev', 5);
    const sources = (t: string) => [{ stage: 'dev', file: 'environments/dev.yaml', text: t }];
    const cold = diskRenderCache(root);
    compileStages(sources(text), { cache: cold });
    cold.flush();
    const changed = text.replace('LOG_LEVEL: info', 'LOG_LEVEL: debug');
    expect(changed).not.toBe(text);
    const warm = diskRenderCache(root);
    const compiled = compileStages(sources(changed), { cache: warm });
    expect(warm.stats).toMatchObject({ hits: 4, misses: 1, read: 0 });
    const plain = compileStages(sources(changed));
    expect(compiled.tree).toEqual(plain.tree);
    expect(slimChecks(compiled.checks.get('dev')!)).toEqual(slimChecks(plain.checks.get('dev')!));
  });
});

describe("a cached app's custom workload (an Argo Rollout)", () => {
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'rollouts.argoproj.io' },
    spec: {
      group: 'argoproj.io',
      names: { kind: 'Rollout', plural: 'rollouts' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
  const rollout: KubeObject[] = [
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', namespace: 'dev' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.0.0', ports: [{ name: 'http', containerPort: 8080 }] }] },
        },
      },
    },
  ];
  const service = (targetPort: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'dev' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort }] },
  });
  const selection = (r: RenderedStage) =>
    reported(r, {})
      .findings.filter((f) => f.code === 'refs/service-selector' || f.code === 'refs/target-port')
      .map((f) => `${f.code}: ${f.message}`);

  it("has its pods selected by another app's Service recompiled beside it, as a run without the cache has them", () => {
    const apps = (svc: KubeObject, web: RenderedChart) => stage([renderedChart('crds', [crd]), web, renderedChart('svc', [svc])]);
    const kept = checkStage(apps(service('http'), renderedChart('web', rollout)), {}).kept;
    const reads = { count: 0 };
    const cached = () => cachedChart('web', rollout, kept.get('web')!, reads);
    // (a custom resource's results are never kept, since they depend on the CRDs around it: its app is
    // read rather than taken as stand-ins)
    expect(selection(apps(service('http'), cached()))).toEqual([]);
    // the Service changed: its ports are checked against the Rollout's containers, cached or not
    const cold = selection(apps(service('htpp'), renderedChart('web', rollout)));
    expect(cold).toEqual([expect.stringMatching(/^refs\/target-port: port 80 targets the port named 'htpp'/)]);
    expect(selection(apps(service('htpp'), cached()))).toEqual(cold);
  });
});

describe('a Secret an operator makes, whose maker changes', () => {
  it("gives a cached app's finding the hint of the object that makes it now, not the one that made it when the app was kept", () => {
    const web: KubeObject[] = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'dev' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                { name: 'web', image: 'nginx:1.25', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'tls', key: 'key' } } }] },
              ],
            },
          },
        },
      },
    ];
    const cert: KubeObject = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'cert', namespace: 'dev' },
      spec: { secretName: 'tls', issuerRef: { name: 'ca', kind: 'ClusterIssuer' }, dnsNames: ['a.example.com'] },
    };
    const ingress: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'ing', namespace: 'dev', annotations: { 'cert-manager.io/cluster-issuer': 'ca' } },
      spec: {
        rules: [
          {
            host: 'a.example.com',
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'x', port: { number: 80 } } } }] },
          },
        ],
        tls: [{ hosts: ['a.example.com'], secretName: 'tls' }],
      },
    };
    const kept = checkStage(stage([renderedChart('web', web), renderedChart('tls', [cert])]), {}).kept;
    const hints = (r: RenderedStage) => reported(r, {}).findings.map((f) => f.hint);
    const cold = hints(stage([renderedChart('web', web), renderedChart('tls', [ingress])]));
    expect(cold.join('\n')).toContain('Ingress dev/ing');
    expect(hints(stage([cachedChart('web', web, kept.get('web')!, { count: 0 }), renderedChart('tls', [ingress])]))).toEqual(cold);
  });
});

describe("a cached app's ClusterIssuer, whose Secrets are in cert-manager's cluster resource namespace", () => {
  const controller = (flag: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'cert-manager', namespace: 'dev' },
    spec: {
      selector: { matchLabels: { app: 'cert-manager' } },
      template: {
        metadata: { labels: { app: 'cert-manager' } },
        spec: { containers: [{ name: 'controller', image: 'quay.io/jetstack/cert-manager-controller:v1.14.4', args: ['--v=2', flag] }] },
      },
    },
  });
  const issuer: KubeObject = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: 'letsencrypt' },
    spec: {
      acme: {
        server: 'https://acme-v02.api.letsencrypt.org/directory',
        privateKeySecretRef: { name: 'letsencrypt-account' },
        solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: 'cloudflare', key: 'api-token' } } } }],
      },
    },
  };
  const web = (image: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'dev' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    },
  });
  const issuerFindings = (r: RenderedStage) =>
    reported(r, {})
      .findings.filter((f) => f.code === 'refs/issuer-secret')
      .map((f) => f.message);

  it("reads no other cached app's Deployment to find cert-manager's controller, and sees its flag change", () => {
    const flag = '--cluster-resource-namespace=$(POD_NAMESPACE)';
    // api's pods labelled app: api, its own: one labelled app: web would be web's overlap (refs/workload-overlap), which is read again when web changes
    const api = web('registry.example.com/api:1.0.0');
    api.metadata.name = 'api';
    api.spec = {
      ...(api.spec as object),
      selector: { matchLabels: { app: 'api' } },
      template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'registry.example.com/api:1.0.0' }] } },
    };
    const apps = (cm: KubeObject[], webImage: string, render: (name: string, objects: KubeObject[]) => RenderedChart) => [
      render('cm', cm),
      render('issuers', [issuer]),
      render('api', [api]),
      renderedChart('web', [web(webImage)]),
    ];
    const kept = checkStage(stage(apps([controller(flag)], 'nginx:1.25', renderedChart)), {}).kept;
    // the issuer's app, a custom resource's, is checked again each run; the other cached apps are not read
    const reads = new Map<string, { count: number }>();
    const cached = (name: string, objects: KubeObject[]) => {
      if (!reads.has(name)) reads.set(name, { count: 0 });
      return cachedChart(name, objects, kept.get(name)!, reads.get(name)!);
    };
    const warm = issuerFindings(stage(apps([controller(flag)], 'nginx:1.26', cached)));
    expect(reads.get('cm')!.count + reads.get('api')!.count).toBe(0);
    expect(warm).toEqual(issuerFindings(stage(apps([controller(flag)], 'nginx:1.26', renderedChart))));
    expect(warm).toEqual([expect.stringContaining("Secrets in namespace 'dev' (cert-manager's cluster resource namespace")]);
    // the controller's app changed: the cached issuer's lookup no longer holds
    const moved = [controller('--cluster-resource-namespace=other')];
    expect(issuerFindings(stage(apps(moved, 'nginx:1.26', (n, o) => (n === 'cm' ? renderedChart(n, o) : cached(n, o)))))).toEqual([
      expect.stringContaining("Secrets in namespace 'other' (cert-manager's cluster resource namespace"),
    ]);
    expect(reads.get('api')!.count).toBe(0);
  });
});
