import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { customTemplatePath, takesNodeSelector } from '../../lib/model/custom-workloads.js';
import type { KubeObject } from '../../lib/model/object.js';
import { workloadTemplate } from '../../lib/model/pod-specs.js';
import { selectArchitecture } from '../../lib/transforms/arch-selector.js';

const rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: 'web' } },
    strategy: { canary: { canaryService: 'web-canary', stableService: 'web', steps: [{ setWeight: 20 }, { pause: { duration: '10m' } }] } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'team/web:1.4.2', ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
  },
} as unknown as KubeObject;
const service = (name: string, targetPort: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort }] },
  }) as KubeObject;
const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
const refs = (...objects: KubeObject[]) =>
  checkObjects([namespace, ...objects])
    .findings.filter((f) => f.code.startsWith('refs/'))
    .map((f) => `${f.code} ${f.object.kind} ${f.path.join('.')}: ${f.message}`);

describe("a custom resource's pods, made from a pod template of its own", () => {
  it("are selected by Services (an Argo Rollout's stable and canary Services), whose ports are checked against its containers", () => {
    expect(refs(rollout, service('web', 'http'), service('web-canary', 'http'))).toEqual([]);
    expect(refs(rollout, service('web', 'htpp'), service('web-canary', 'http'))).toEqual([
      "refs/target-port Service spec.ports.0.targetPort: port 80 targets the port named 'htpp', but the selected pods (Rollout web) listen on: 8080 (http)",
    ]);
  });

  it('are those of the kinds of known groups, never of a kind of another group with a template, nor of one without', () => {
    expect(workloadTemplate(rollout)).toEqual({ path: ['spec', 'template'], template: (rollout.spec as { template: unknown }).template });
    const cloneSet = { ...rollout, apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet' } as KubeObject;
    expect(customTemplatePath(cloneSet)).toEqual(['spec', 'template']);
    // by group and kind: an example.com Rollout with the same template runs no pods anyone knows of
    const other = { ...rollout, apiVersion: 'example.com/v1' } as KubeObject;
    expect(workloadTemplate(other)).toBeUndefined();
    expect(customTemplatePath({ ...rollout, apiVersion: 'apps/v1', kind: 'Deployment' } as KubeObject)).toBeUndefined();
    // a Rollout that runs a Deployment's pods (workloadRef) has no template of its own: that Deployment's pods are selected
    const referring = { ...rollout, spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } } as KubeObject;
    expect(workloadTemplate(referring)).toBeUndefined();
    expect(refs(other, service('web', 'http'))).toEqual([
      "refs/service-selector Service spec.selector: selects app=web, but no pod template in namespace 'shop' has these labels; the workloads there are: none",
    ]);
  });

  it('count their replicas for a PodDisruptionBudget: one over a Rollout of 4 with minAvailable 4 blocks every drain', () => {
    const pdb = (minAvailable: number): KubeObject =>
      ({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { minAvailable, selector: { matchLabels: { app: 'web' } } },
      }) as unknown as KubeObject;
    const blocking = (...objects: KubeObject[]) => refs(...objects).filter((f) => f.startsWith('refs/pdb-blocks-drain'));
    expect(blocking(rollout, pdb(4))).toEqual([
      'refs/pdb-blocks-drain PodDisruptionBudget spec.minAvailable: minAvailable 4 is at least the 4 replicas it covers (Rollout web): no pod it covers can ever be evicted, so draining a node for maintenance waits forever',
    ]);
    expect(blocking(rollout, pdb(3))).toEqual([]);
    // a Rollout without replicas runs 1, as a Deployment
    const { replicas: _, ...unscaled } = rollout.spec as Record<string, unknown>;
    expect(blocking({ ...rollout, spec: unscaled } as KubeObject, pdb(1))).toHaveLength(1);
  });

  it("are held to the policy as a Deployment's pods are (Pod Security, probes, resources, image tags), at the custom resource's own paths", () => {
    const privileged = structuredClone(rollout) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    privileged.spec.template.spec.containers[0].securityContext = { privileged: true };
    privileged.spec.template.spec.containers[0].image = 'team/web:latest';
    const policy = checkObjects([namespace, privileged as unknown as KubeObject])
      .findings.filter((f) => f.code.startsWith('policy/'))
      .map((f) => `${f.code} ${f.path.join('.')}`);
    expect(policy).toEqual(
      expect.arrayContaining([
        'policy/privileged spec.template.spec.containers.0.securityContext.privileged',
        'policy/image-tag spec.template.spec.containers.0.image',
        'policy/resources spec.template.spec.containers.0',
        'policy/probes spec.template.spec.containers.0',
      ]),
    );
  });

  /** `rollout` with its pod template's spec replaced by what `edit` makes of a copy. */
  const withPodSpec = (edit: (spec: Record<string, unknown>) => void, of: KubeObject = rollout): KubeObject => {
    const copy = structuredClone(of) as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    edit(copy.spec.template.spec);
    return copy as unknown as KubeObject;
  };
  // the errors but those of the Rollout's own Services, which none of these tests make (their test is below)
  const errors = (...objects: KubeObject[]) =>
    checkObjects([namespace, ...objects])
      .findings.filter((f) => f.severity === 'error' && f.code !== 'refs/rollout-service')
      .map((f) => `${f.code} ${f.object.kind} ${f.path.join('.')}`);

  it("are held to the API server's rules of pod specs, which its controller's ReplicaSet or pods meet, at the custom resource's own paths", () => {
    const broken = withPodSpec((spec) => {
      const [web] = spec.containers as Record<string, unknown>[];
      web.env = [{ name: 'COLOR', value: 'blue', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
      web.ports = [{ name: 'http', containerPort: 99999 }];
      spec.containers = [web, { name: 'web', image: 'busybox:1.36' }];
    });
    for (const [apiVersion, kind] of [
      ['argoproj.io/v1alpha1', 'Rollout'],
      ['apps.kruise.io/v1alpha1', 'CloneSet'],
    ])
      expect(errors({ ...broken, apiVersion, kind } as KubeObject)).toEqual([
        `api/workload ${kind} spec.template.spec.containers.0.env.0.valueFrom`,
        `api/port-range ${kind} spec.template.spec.containers.0.ports.0.containerPort`,
        `api/duplicate-key ${kind} spec.template.spec.containers.1`,
      ]);
    // a kind of another group with the same template is no workload: its controller, if any, is unknown
    expect(errors({ ...broken, apiVersion: 'example.com/v1' } as KubeObject)).toEqual([]);
  });

  it('have their selector matched against their template, as Argo Rollouts and OpenKruise do', () => {
    const stray = structuredClone(rollout) as unknown as { spec: { selector: unknown } };
    stray.spec.selector = { matchLabels: { app: 'api' } };
    expect(errors(stray as unknown as KubeObject)).toEqual(['api/selector Rollout spec.selector']);
    expect(errors({ ...(stray as unknown as KubeObject), apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet' })).toEqual([
      'api/selector CloneSet spec.selector',
    ]);
  });

  it('have the objects their pods use looked up: ConfigMaps, Secrets, claims, the service account and volumes', () => {
    const needy = withPodSpec((spec) => {
      const [web] = spec.containers as Record<string, unknown>[];
      web.envFrom = [{ configMapRef: { name: 'web-config' } }];
      web.volumeMounts = [
        { name: 'tls', mountPath: '/tls' },
        { name: 'cache', mountPath: '/cache' },
      ];
      spec.volumes = [{ name: 'tls', secret: { secretName: 'web-tls' } }];
      spec.serviceAccountName = 'web';
    });
    expect(errors(needy, service('web', 'http'))).toEqual([
      'refs/configmap Rollout spec.template.spec.containers.0.envFrom.0.configMapRef',
      'refs/volume-mount Rollout spec.template.spec.containers.0.volumeMounts.1.name',
      'refs/service-account Rollout spec.template.spec.serviceAccountName',
      'refs/secret Rollout spec.template.spec.volumes.0.secret',
    ]);
  });

  it("are named at their template's metadata when a NetworkPolicy of their namespace selects none of their pods", () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'db' } } },
    } as unknown as KubeObject;
    const uncovered = checkObjects([namespace, rollout, policy])
      .findings.filter((f) => f.code === 'refs/network-policy-uncovered')
      .map((f) => `${f.object.kind} ${f.path.join('.')}`);
    expect(uncovered).toEqual(['Rollout spec.template.metadata']);
  });

  it('have the Services an Argo Rollout names looked up (stable, canary, active, preview), which its controller needs to go on', () => {
    const services = (o: KubeObject, ...objects: KubeObject[]) =>
      refs(o, ...objects)
        .filter((f) => f.startsWith('refs/rollout-service'))
        .map((f) => f.split(': ')[0]);
    expect(services(rollout, service('web', 'http'), service('web-canary', 'http'))).toEqual([]);
    expect(
      refs(rollout, service('web', 'http'), service('web-canray', 'http')).filter((f) => f.startsWith('refs/rollout-service')),
    ).toEqual([
      "refs/rollout-service Rollout spec.strategy.canary.canaryService: names Service 'web-canary' as its canaryService, but the Services in namespace 'shop' are: web, web-canray; Argo Rollouts stops the rollout at a Service it cannot find",
    ]);
    const blueGreen = structuredClone(rollout) as unknown as { spec: { strategy: unknown } };
    blueGreen.spec.strategy = { blueGreen: { activeService: 'web', previewService: 'web-preview', autoPromotionEnabled: false } };
    expect(services(blueGreen as unknown as KubeObject, service('web', 'http'))).toEqual([
      'refs/rollout-service Rollout spec.strategy.blueGreen.previewService',
    ]);
    // by group and kind: an example.com Rollout's strategy names nothing anyone reads
    expect(services({ ...rollout, apiVersion: 'example.com/v1' } as KubeObject)).toEqual([]);
  });

  it("that runs a Deployment's pods (workloadRef) is warned of while that Deployment runs pods of its own", () => {
    const deployment = (replicas?: number) =>
      ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          ...(replicas === undefined ? {} : { replicas }),
          selector: { matchLabels: { app: 'web' } },
          template: (rollout.spec as { template: unknown }).template,
        },
      }) as unknown as KubeObject;
    const referring = (scaleDown?: string) =>
      ({
        ...rollout,
        spec: {
          replicas: 4,
          workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', ...(scaleDown ? { scaleDown } : {}) },
          strategy: { canary: { steps: [{ setWeight: 20 }] } },
        },
      }) as unknown as KubeObject;
    const workload = (...objects: KubeObject[]) => refs(...objects).filter((f) => f.startsWith('refs/rollout-workload'));
    expect(workload(referring(), deployment(2))).toEqual([
      "refs/rollout-workload Rollout spec.workloadRef.name: runs the pods of Deployment 'web', which runs 2 pods of its own: Argo Rollouts leaves it as it is (workloadRef.scaleDown: never, the default), so its pods run beside the Rollout's, and the Rollout's Services select them too",
    ]);
    // no spec.replicas is one pod
    expect(workload(referring(), deployment())).toEqual([expect.stringContaining('which runs one pod (no spec.replicas: 1) of its own')]);
    expect(workload(referring(), deployment(0))).toEqual([]);
    // scaled down by Argo Rollouts: a replicas written scales it up again at every apply; none written, no finding
    expect(workload(referring('onsuccess'), deployment(2))).toEqual([expect.stringContaining('scales it up again at every apply')]);
    expect(workload(referring('progressively'), deployment())).toEqual([]);
    // a Deployment the objects do not make may be made outside them (the Helm release migrated from)
    expect(workload(referring())).toEqual([]);
    const [warning] = checkObjects([namespace, referring(), deployment(2)]).findings.filter((f) => f.code === 'refs/rollout-workload');
    expect(warning.severity).toBe('warning');
  });

  it("that runs a Deployment's pods (workloadRef) is refused one the objects make only in another namespace, or of a near name, unless declared", () => {
    const deployment = (name: string, ns: string) =>
      ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns },
        spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: (rollout.spec as { template: unknown }).template },
      }) as unknown as KubeObject;
    const referring = (name: string) =>
      ({ ...rollout, spec: { replicas: 2, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name } } }) as unknown as KubeObject;
    const other: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy' } };
    const found = (objects: KubeObject[], options = {}) =>
      checkObjects([namespace, other, ...objects], options)
        .findings.filter((f) => f.code === 'refs/rollout-deployment')
        .map((f) => `${f.severity} ${f.path.join('.')}: ${f.message}\n  hint: ${f.hint}`);
    expect(found([referring('web'), deployment('web', 'legacy')])).toEqual([
      "error spec.workloadRef.name: runs the pods of Deployment 'web', but the Deployments in namespace 'shop' are: none; the objects' Deployment 'web' is in namespace 'legacy', and a Rollout runs the pods of a Deployment of its own namespace; Argo Rollouts marks the Rollout InvalidSpec (deployments.apps \"web\" not found) and runs no pods\n" +
        "  hint: add the Deployment 'web' to namespace 'shop', or move the Rollout to namespace 'legacy'; or, if 'web' is made outside these files, declare it: npm run check -- --object-exists Deployment/shop/web <files>",
    ]);
    expect(found([referring('wbe'), deployment('web', 'shop')])).toEqual([
      expect.stringMatching(
        /^error spec\.workloadRef\.name: runs the pods of Deployment 'wbe', but the Deployments in namespace 'shop' are: web; Argo Rollouts marks .*\n {2}hint: did you mean 'web'\? Or, /,
      ),
    ]);
    // the Deployment of its namespace; one made outside (a Helm release migrated from), or declared so, is none
    expect(found([referring('web'), deployment('web', 'shop'), deployment('web', 'legacy')])).toEqual([]);
    expect(found([referring('api')])).toEqual([]);
    expect(found([referring('web'), deployment('web', 'legacy')], { existingObjects: ['Deployment/shop/web'] })).toEqual([]);
    expect(found([referring('wbe'), deployment('web', 'shop')], { existingObjects: ['Deployment/legacy/wbe'] })).toHaveLength(1);
  });

  it("leave a kind of another group named like a built-in one alone: an example.com CronJob's schedule is no batch/v1 CronJob's", () => {
    const cronJob = (apiVersion: string) =>
      ({
        apiVersion,
        kind: 'CronJob',
        metadata: { name: 'nightly', namespace: 'shop' },
        spec: {
          schedule: 'every night',
          jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'job', image: 'team/job:1' }] } } } },
        },
      }) as unknown as KubeObject;
    expect(errors(cronJob('batch/v1')).filter((f) => f.startsWith('api/'))).toEqual(['api/schedule CronJob spec.schedule']);
    expect(errors(cronJob('example.com/v1')).filter((f) => f.startsWith('api/'))).toEqual([]);
  });
});

describe('a Knative Service (serving.knative.dev), whose Revisions run pods of its template', () => {
  const knative = (container: Record<string, unknown>): KubeObject =>
    ({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello', namespace: 'shop' },
      // as Knative's docs write it: one container, no name (Knative names it), no selector, no replicas
      spec: {
        template: { spec: { containerConcurrency: 80, containers: [{ image: 'ghcr.io/knative/helloworld-go:1.0', ...container }] } },
      },
    }) as KubeObject;
  const findings = (...objects: KubeObject[]) =>
    checkObjects([namespace, ...objects])
      .findings.filter((f) => f.severity === 'error')
      .map((f) => `${f.code} ${f.object.kind} ${f.path.join('.')}: ${f.message}`);

  it("has its pod spec checked as a Deployment's: a Secret not there, a privileged container, said of the container with no name", () => {
    expect(findings(knative({ ports: [{ containerPort: 8080 }] }))).toEqual([]);
    expect(
      findings(
        knative({
          env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
          securityContext: { privileged: true },
        }),
      ),
    ).toEqual([
      "refs/secret Service spec.template.spec.containers.0.env.0.valueFrom.secretKeyRef: the container with no name env DB_PASSWORD uses Secret 'db', but the Secrets in namespace 'shop' are: none",
      "policy/privileged Service spec.template.spec.containers.0.securityContext.privileged: the container with no name is privileged (Pod Security Standard 'baseline')",
    ]);
  });

  it("has its pods selected by the labels Knative gives them (its Service's and Configuration's names): a NetworkPolicy of those selects them", () => {
    const policy = (service: string): KubeObject =>
      ({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'hello', namespace: 'shop' },
        spec: { podSelector: { matchLabels: { 'serving.knative.dev/service': service } }, policyTypes: ['Ingress'] },
      }) as KubeObject;
    expect(findings(knative({}), policy('hello'))).toEqual([]);
    expect(findings(knative({}), policy('helo'))).toEqual([
      "refs/network-policy-selector NetworkPolicy spec.podSelector: selects the pods serving.knative.dev/service=helo, but no pod template in namespace 'shop' matches; the workloads there are: Service hello (serving.knative.dev/service=hello, serving.knative.dev/configuration=hello)",
    ]);
  });

  it('is not warned about for a serving container with no readinessProbe that a Service selects: Knative gives it one (a TCP probe of its port)', () => {
    const selecting: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'hello-direct', namespace: 'shop' },
      spec: { selector: { 'serving.knative.dev/service': 'hello' }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    const probes = (...objects: KubeObject[]) =>
      checkObjects([namespace, ...objects])
        .findings.filter((f) => f.code === 'policy/probes' && f.message.includes('readinessProbe'))
        .map((f) => `${f.object.kind} ${f.object.metadata.name}`);
    expect(probes(knative({ ports: [{ containerPort: 8080 }] }), selecting)).toEqual([]);
    // a Deployment's pods that the Service selects alike are warned about, as ever
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'hello', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { 'serving.knative.dev/service': 'hello' } },
        template: {
          metadata: { labels: { 'serving.knative.dev/service': 'hello' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 8080 }] }] },
        },
      },
    } as KubeObject;
    expect(probes(deployment, selecting)).toEqual(['Deployment hello']);
  });

  it('gets no nodeSelector from a transform (Knative refuses one unless a feature flag allows it), and a Service of the core group is no workload', () => {
    expect(takesNodeSelector(knative({}))).toBe(false);
    expect(takesNodeSelector(rollout)).toBe(true);
    const [service, rolled] = selectArchitecture([knative({}), rollout], { architecture: 'arm64', stageName: 'pi' });
    expect(service).toEqual(knative({}));
    expect((rolled.spec as { template: { spec: { nodeSelector?: unknown } } }).template.spec.nodeSelector).toEqual({
      'kubernetes.io/arch': 'arm64',
    });
    expect(customTemplatePath({ ...knative({}), apiVersion: 'v1' } as KubeObject)).toBeUndefined();
  });
});
