import { checkObjects, type CheckMemo, type CheckOptions, type TracedResult } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';
import { describe, expect, it } from 'vitest';
import { findingsIn, MANIFESTS } from './helpers.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifests } from '../../lib/checks/manifests.js';

describe('the reference checks', () => {
  it('reports Services, Ingresses and autoscalers that point at nothing, naming both ends', () => {
    expect(findingsIn(['refs/services-and-ingress.yaml'])).toEqual([
      "refs/services-and-ingress.yaml:17:45: Service shop/web: spec.ports[1].targetPort: port 9000 targets the port named 'grpc', but the selected pods (Deployment web) listen on: 8080 (http)",
      'refs/services-and-ingress.yaml:18:42: Service shop/web: spec.ports[2].targetPort: port 53/UDP targets port 8080, but the selected pods (Deployment web) listen on: 8080 (http)',
      "refs/services-and-ingress.yaml:26:13: Service shop/api: spec.selector: selects app=api, but no pod template in namespace 'shop' has these labels; the workloads there are: Deployment web (app=web)",
      "refs/services-and-ingress.yaml:55:19: Ingress shop/web: spec.tls[0].secretName: terminates TLS with Secret 'web-tls', but the Secrets in namespace 'shop' are: none",
      "refs/services-and-ingress.yaml:62:43: Ingress shop/web: spec.rules[0].http.paths[0].backend.service.port: routes to port 8080 of Service 'web', whose ports are: 80 (http), 9000 (grpc), 53 (dns)",
      "refs/services-and-ingress.yaml:66:32: Ingress shop/web: spec.rules[0].http.paths[1].backend.service.name: routes to Service 'bar', but the Services in namespace 'shop' are: api, web",
      "refs/services-and-ingress.yaml:78:19: HorizontalPodAutoscaler shop/web: spec.scaleTargetRef: scales Deployment 'webapp', but the Deployments in namespace 'shop' are: web",
    ]);
  });

  it('reports claims whose volume is missing, too small, of another class or reserved', () => {
    expect(findingsIn(['refs/volumes.yaml'])).toEqual([
      "refs/volumes.yaml:18:15: PersistentVolumeClaim big: spec.volumeName: binds PersistentVolume 'small', which is reserved for claim default/other",
      "refs/volumes.yaml:19:21: PersistentVolumeClaim big: spec.storageClassName: has storage class 'fast', but PersistentVolume 'small' has 'manual'",
      "refs/volumes.yaml:20:16: PersistentVolumeClaim big: spec.accessModes: asks for ReadWriteMany, but PersistentVolume 'small' offers: ReadWriteOnce",
      "refs/volumes.yaml:22:26: PersistentVolumeClaim big: spec.resources.requests.storage: requests 2Gi, but PersistentVolume 'small' has only 1Gi",
      "refs/volumes.yaml:29:15: PersistentVolumeClaim lost: spec.volumeName: binds PersistentVolume 'nowhere', but the stage's PersistentVolumes are: small",
    ]);
  });

  it('says nothing of a probe on a number the container does not declare (the kubelet probes it, the API server takes it: ingress-nginx probes 10254), where a name that is not declared is an error', () => {
    expect(findingsIn(['refs/pods.yaml'], {}, 'warning').filter((f) => f.includes('Probe'))).toEqual([]);
    expect(findingsIn(['refs/pods.yaml']).filter((f) => f.includes('Probe'))).toEqual([
      'refs/pods.yaml:36:35: Pod app: spec.containers[0].livenessProbe.httpGet.port: livenessProbe checks port "healthz", but container \'app\' declares the ports: 8080 (http)',
    ]);
  });

  it('reports what pods use and does not exist: keys, Secrets, accounts, volumes, probe ports, namespaces', () => {
    expect(findingsIn(['refs/pods.yaml'])).toEqual([
      "refs/pods.yaml:20:23: Pod app: spec.serviceAccountName: runs as service account 'app', but the service accounts in namespace 'default' are: default",
      "refs/pods.yaml:29:30: Pod app: spec.containers[0].env[0].valueFrom.configMapKeyRef: container 'app' env LEVEL reads key 'level' of ConfigMap 'settings', which has the keys: LOG_LEVEL",
      "refs/pods.yaml:34:22: Pod app: spec.containers[0].envFrom[0].secretRef: container 'app' envFrom uses Secret 'credentials', but the Secrets in namespace 'default' are: creds",
      'refs/pods.yaml:36:35: Pod app: spec.containers[0].livenessProbe.httpGet.port: livenessProbe checks port "healthz", but container \'app\' declares the ports: 8080 (http)',
      "refs/pods.yaml:41:19: Pod app: spec.containers[0].volumeMounts[1].name: container 'app' mounts volume 'secrets', but the pod's volumes are: config, tokens",
      "refs/pods.yaml:46:24: Pod app: spec.volumes[0].configMap.items[0].key: volume 'config' reads key 'app.yaml' of ConfigMap 'settings', which has the keys: LOG_LEVEL",
      "refs/pods.yaml:50:51: Pod app: spec.volumes[1].projected.sources[0].secret.items[0].key: volume 'tokens' reads key 'token' of Secret 'creds', which has the keys: password, username",
      "refs/pods.yaml:56:14: ConfigMap staging/elsewhere: metadata.namespace: namespace 'staging' is neither created in the stage nor known to exist; the stage creates: none",
    ]);
  });
});

describe('a null item before a reference in a pod list (env: [null, ...])', () => {
  it('leaves the later items at their own index: the finding is at the item, not at the null', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'app', namespace: 'default' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:1.0',
            env: [null, { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'missing', key: 'password' } } }],
            envFrom: [null, { configMapRef: { name: 'absent' } }],
            volumeMounts: [null, { name: 'nowhere', mountPath: '/x' }],
          },
        ],
      },
    };
    const refs = checkObjects([pod]).findings.filter((f) => f.code.startsWith('refs/'));
    expect(refs.map((f) => `${f.code} ${f.path.join('.')}`).sort()).toEqual([
      'refs/configmap spec.containers.0.envFrom.1.configMapRef',
      'refs/secret spec.containers.0.env.1.valueFrom.secretKeyRef',
      'refs/volume-mount spec.containers.0.volumeMounts.1.name',
    ]);
  });
});

describe('a port named wrong', () => {
  const app: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'db', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: {
          containers: [
            {
              name: 'db',
              image: 'mysql:8.0',
              ports: [{ name: 'mysql', containerPort: 3306 }],
              readinessProbe: { tcpSocket: { port: 'mysq' } },
            },
          ],
        },
      },
    },
  };
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'db', namespace: 'shop' },
    spec: { selector: { app: 'db' }, ports: [{ port: 3306, targetPort: 'mysqll' }] },
  };

  it("is said with the declared port's name it is nearest to, in a Service's targetPort and in a probe", () => {
    const found = checkObjects([app, service], { existingNamespaces: ['shop'] }).findings.filter((f) => f.code.startsWith('refs/'));
    expect(found.map((f) => `${f.code}: ${f.message} (${f.hint})`)).toEqual([
      `refs/probe-port: readinessProbe checks port "mysq", but container 'db' declares the ports: 3306 (mysql) (did you mean 'mysql'? Otherwise a named port resolves only among the container's ports: declare it there, or probe a declared one)`,
      "refs/target-port: port 3306 targets the port named 'mysqll', but the selected pods (Deployment db) listen on: 3306 (mysql) (did you mean 'mysql'? Otherwise set targetPort to a port the containers declare)",
    ]);
  });

  it('takes a containerPort written as a quoted number (a chart\'s "{{ .Values.port }}") for its number: the quotes are refused once, at the port', () => {
    const quoted = structuredClone(app) as unknown as {
      spec: { template: { spec: { containers: { ports: Record<string, unknown>[] }[] } } };
    };
    quoted.spec.template.spec.containers[0].ports = [{ containerPort: '3306' }];
    const numbered = { ...service, spec: { selector: { app: 'db' }, ports: [{ port: 3306 }] } } as KubeObject;
    const found = checkObjects([quoted as unknown as KubeObject, numbered], { existingNamespaces: ['shop'] }).findings;
    expect(found.filter((f) => f.path.includes('ports')).map((f) => `${f.code} ${f.object.kind} ${f.path.join('.')}`)).toEqual([
      'schema/type Deployment spec.template.spec.containers.0.ports.0.containerPort',
    ]);
  });

  it('reads a quoted containerPort as the integer it spells, and one of no number as a port not known, never contradicting the Service', () => {
    const withPort = (containerPort: unknown) => {
      const quoted = structuredClone(app) as unknown as {
        spec: { template: { spec: { containers: { ports: Record<string, unknown>[] }[] } } };
      };
      quoted.spec.template.spec.containers[0].ports = [{ containerPort }];
      return quoted as unknown as KubeObject;
    };
    const targeting = (port: number) => ({ ...service, spec: { selector: { app: 'db' }, ports: [{ port }] } }) as KubeObject;
    const portFindings = (containerPort: unknown, port: number) =>
      checkObjects([withPort(containerPort), targeting(port)], { existingNamespaces: ['shop'] })
        .findings.filter((f) => f.code === 'refs/target-port')
        .map((f) => f.message);
    // the API server refuses each (a string is no int32): the schema check says so at the port, and only it
    for (const written of [' 3306', '3306 ', '03306', '3306.0', '0xCEA', '', 'http', true, null])
      expect([written, portFindings(written, 3306)]).toEqual([written, []]);
    // a number spelled is still matched: another port is missed
    expect(portFindings(' 3306', 5432)).toEqual([
      'port 5432 targets port 5432 (no targetPort: the same as port), but the selected pods (Deployment db) listen on: " 3306"',
    ]);
  });

  it("lists a StatefulSet's claim templates among the volumes a mount may name, and guesses among them", () => {
    const set: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop' },
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image: 'mysql:8.0', volumeMounts: [{ name: 'datta', mountPath: '/var/lib/mysql' }] }] },
        },
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
        ],
      },
    };
    const [mount] = checkObjects([set], { existingNamespaces: ['shop'] }).findings.filter((f) => f.code === 'refs/volume-mount');
    expect([mount?.message, mount?.hint]).toEqual([
      "container 'db' mounts volume 'datta', but the pod's volumes are: none, and its claim templates: data",
      "did you mean 'data'? Otherwise add the volume to the pod, or fix the name",
    ]);
  });
});

describe('a disruption budget over an autoscaled Deployment (no spec.replicas: its autoscaler owns the count)', () => {
  const objects = (minAvailable: number): KubeObject[] => [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web-scaler', namespace: 'shop' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5 },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { minAvailable, selector: { matchLabels: { app: 'web' } } },
    },
  ];
  const drains = (minAvailable: number) =>
    checkObjects(objects(minAvailable), { existingNamespaces: ['shop'] })
      .findings.filter((f) => f.code === 'refs/pdb-blocks-drain')
      .map((f) => f.message.split(':')[0]);

  it("counts the autoscaler's minReplicas, not the default of one replica", () => {
    expect(drains(1)).toEqual([]);
    expect(drains(2)).toEqual(['minAvailable 2 is at least the 2 replicas it covers (Deployment web)']);
  });

  // KEDA makes the HorizontalPodAutoscaler of its ScaledObject, whose minReplicas is the minReplicaCount (at least 1)
  const keda = (minAvailable: number, spec: Record<string, unknown>) =>
    checkObjects(
      [
        objects(minAvailable)[0],
        {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name: 'web-scaler', namespace: 'shop' },
          spec: { scaleTargetRef: { name: 'web' }, triggers: [{ type: 'cpu', metadata: { value: '60' } }], ...spec },
        },
        objects(minAvailable)[2],
      ],
      { existingNamespaces: ['shop'] },
    )
      .findings.filter((f) => f.code === 'refs/pdb-blocks-drain')
      .map((f) => f.message.split(':')[0]);

  it("counts a KEDA ScaledObject's minReplicaCount, and 1 pod for one that scales to zero (none to evict at 0)", () => {
    expect(keda(2, { minReplicaCount: 3 })).toEqual([]);
    expect(keda(3, { minReplicaCount: 3 })).toEqual(['minAvailable 3 is at least the 3 replicas it covers (Deployment web)']);
    expect(keda(1, {})).toEqual(['minAvailable 1 is at least the 1 replica it covers (Deployment web)']);
    // a ScaledObject of another kind (a StatefulSet web, not there) scales no Deployment
    expect(keda(2, { minReplicaCount: 3, scaleTargetRef: { kind: 'StatefulSet', name: 'web' } })).toEqual([
      'minAvailable 2 is at least the 1 replica it covers (Deployment web)',
    ]);
  });
});

describe('a disruption budget over a Deployment scaled to 0 (no pod: no drain waits for one)', () => {
  const objects = (replicas: number, budget: Record<string, unknown>): KubeObject[] => [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { ...budget, selector: { matchLabels: { app: 'web' } } },
    },
  ];
  const drains = (replicas: number, budget: Record<string, unknown>) =>
    checkObjects(objects(replicas, budget), { existingNamespaces: ['shop'] })
      .findings.filter((f) => f.code === 'refs/pdb-blocks-drain')
      .map((f) => f.message.split(':')[0]);

  it('says nothing of maxUnavailable 0 or minAvailable 100%, as of minAvailable 1, and warns of each again at one replica', () => {
    for (const budget of [{ maxUnavailable: 0 }, { maxUnavailable: '0%' }, { minAvailable: '100%' }, { minAvailable: 1 }]) {
      expect(drains(0, budget)).toEqual([]);
      expect(drains(1, budget)).toHaveLength(1);
    }
  });
});

describe('a workload that an autoscaler scales', () => {
  const deployment = (replicas?: number | null): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
    },
  });
  const autoscaler: KubeObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web-scaler', namespace: 'shop' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5 },
  };
  /** Who sets the number back, as the finding says it of every applier. */
  const APPLIERS =
    '(kubectl apply; Flux at every interval of the stage; Argo CD at every sync and, with selfHeal, within seconds of each scaling, ' +
    'so that the two fight for as long as the load lasts, pods started and stopped again and again, the Deployment never above ';
  const findings = (objects: KubeObject[]) =>
    checkObjects(objects, { existingNamespaces: ['shop'] })
      .findings.filter((f) => f.code === 'refs/autoscaled-replicas')
      .map((f) => `${f.severity} ${f.object.kind} ${f.path.join('.')}: ${f.message}\n  hint: ${f.hint}`);

  it("is warned about at the autoscaler, since every apply sets the number of pods back to its spec.replicas, Argo CD's selfHeal within seconds of each scaling", () => {
    expect(findings([deployment(2), autoscaler])).toEqual([
      "warning HorizontalPodAutoscaler spec.scaleTargetRef: scales Deployment 'web', which has spec.replicas: 2: every apply sets it back to 2 pods " +
        `${APPLIERS}2 pods for long), in the middle of a load peak too\n` +
        '  hint: remove spec.replicas from the Deployment and let the autoscaler set the number; where kubectl or Argo CD applied it with it, first remove the field from what kubectl last applied, ' +
        'which changes no pod count: kubectl apply edit-last-applied deployment/web -n shop, delete spec.replicas and save (or that apply scales it to 1); ' +
        'where Flux did, the synthesis that removes it says how to hand the field over to the autoscaler (output/replicas-reset)',
    ]);
  });

  it('is warned about when spec.replicas is null (a Helm value left empty), which every apply sends to set the number of pods back to 1', () => {
    expect(findings([deployment(null), autoscaler])).toEqual([
      "warning HorizontalPodAutoscaler spec.scaleTargetRef: scales Deployment 'web', which has spec.replicas: null: " +
        'an apply sends it to remove the field, and the API server sets the default: every apply sets it back to 1 pod ' +
        `${APPLIERS}1 pod for long), in the middle of a load peak too\n` +
        '  hint: remove spec.replicas from the Deployment and let the autoscaler set the number; where kubectl or Argo CD applied it with it, first remove the field from what kubectl last applied, ' +
        'which changes no pod count: kubectl apply edit-last-applied deployment/web -n shop, delete spec.replicas and save (or that apply scales it to 1); ' +
        'where Flux did, the synthesis that removes it says how to hand the field over to the autoscaler (output/replicas-reset)',
    ]);
    expect(findings([deployment(null)])).toEqual([]);
  });

  it('says one pod in the singular (replicas: 1)', () => {
    const [finding] = findings([deployment(1), autoscaler]);
    expect(finding).toContain('which has spec.replicas: 1: every apply sets it back to 1 pod (');
    expect(finding).toContain('the Deployment never above 1 pod for long)');
  });

  it('is not warned about without spec.replicas, nor with it when nothing scales it', () => {
    expect(findings([deployment(), autoscaler])).toEqual([]);
    expect(findings([deployment(2)])).toEqual([]);
  });
});

describe('an autoscaler on CPU utilization', () => {
  const deployment = (...containers: Record<string, unknown>[]): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: containers.map((c, i) => ({ name: `c${i}`, image: 'nginx:1.25', ...c })) },
      },
    },
  });
  const hpa = (apiVersion: string, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion,
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, ...spec },
  });
  const cpu = (type: string) => ({ type: 'Resource', resource: { name: 'cpu', target: { type, averageUtilization: 70 } } });
  const requested = { resources: { requests: { cpu: '100m' } } };
  const findings = (objects: KubeObject[]) =>
    checkObjects(objects, { existingNamespaces: ['shop'] })
      .findings.filter((f) => f.code === 'refs/autoscaler-cpu-request')
      .map((f) => `${f.severity} ${f.path.join('.')}: ${f.message}\n  hint: ${f.hint}`);

  it('is warned about at its metric when a container of the target requests no CPU: the controller never scales it', () => {
    expect(findings([deployment(requested, {}), hpa('autoscaling/v2', { metrics: [cpu('Utilization')] })])).toEqual([
      "warning spec.metrics.0: scales Deployment 'web' on CPU utilization, a share of each pod's CPU request, but its container 'c1' requests no CPU: " +
        'the autoscaler cannot work the utilization out ("missing request for cpu") and never scales it\n' +
        "  hint: set resources.requests.cpu on every container of the Deployment's pod template (a LimitRange of the namespace that gives a default request does it too)",
    ]);
  });

  it('is warned about for autoscaling/v1 and for autoscaling/v2 without metrics, which scale on CPU utilization by default', () => {
    expect(findings([deployment({}), hpa('autoscaling/v1')])).toHaveLength(1);
    expect(findings([deployment({}), hpa('autoscaling/v1', { targetCPUUtilizationPercentage: 60 })])[0]).toMatch(
      /^warning spec\.targetCPUUtilizationPercentage: /,
    );
    expect(findings([deployment({}), hpa('autoscaling/v2')])[0]).toMatch(/^warning spec\.scaleTargetRef: /);
  });

  it('is not warned about when every container requests CPU or limits it (the request is then the limit), nor on other metrics', () => {
    expect(
      findings([deployment(requested, { resources: { limits: { cpu: '1' } } }), hpa('autoscaling/v2', { metrics: [cpu('Utilization')] })]),
    ).toEqual([]);
    expect(findings([deployment({}), hpa('autoscaling/v2', { metrics: [cpu('AverageValue')] })])).toEqual([]);
    const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } };
    expect(findings([deployment({}), hpa('autoscaling/v2', { metrics: [memory] })])).toEqual([]);
  });

  it('looks only at the container a ContainerResource metric names', () => {
    const on = (container: string) => ({
      type: 'ContainerResource',
      containerResource: { name: 'cpu', container, target: { type: 'Utilization', averageUtilization: 70 } },
    });
    expect(findings([deployment(requested, {}), hpa('autoscaling/v2', { metrics: [on('c0')] })])).toEqual([]);
    expect(findings([deployment(requested, {}), hpa('autoscaling/v2', { metrics: [on('c1')] })])).toHaveLength(1);
  });
});

describe('the hint for a namespace nobody creates', () => {
  const map: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'team-a' } };
  const hintOf = (options: CheckOptions) => checkObjects([map], options).findings.find((f) => f.code === 'refs/namespace')?.hint;

  it('names the --namespace-exists flag for files given to npm run check', () => {
    expect(hintOf({})).toBe(
      'add the Namespace to the files checked, or declare that the cluster has it: npm run check -- --namespace-exists team-a <files>',
    );
  });

  it("names the stage file's checks.existingNamespaces for a stage's objects", () => {
    expect(hintOf({ written: true })).toBe(
      'add the Namespace to the stage, or declare it under checks.existingNamespaces in the stage file',
    );
  });
});

describe('the hint for a Secret (a TLS one too) or ServiceAccount that nothing in the objects makes', () => {
  const file = 'refs/made-outside.yaml';
  const { objects } = parseManifests([{ file, text: readFileSync(join(MANIFESTS, file), 'utf8') }]);
  const hintsOf = (options: CheckOptions) =>
    checkObjects(objects, options)
      .findings.filter((f) => ['refs/secret', 'refs/service-account', 'refs/tls-secret'].includes(f.code))
      .map((f) => `${f.code}: ${f.hint}`)
      .sort();

  it('says how files given to npm run check declare one made outside them: on its Namespace, with the key read', () => {
    expect(hintsOf({})).toEqual([
      'refs/secret: fix the name, or add the Secret to the files checked; if it is made outside them (kubectl create secret, a controller such as Sealed Secrets or cert-manager, a Job), declare it on its Namespace: stagecraft.dev/required-secrets: example',
      'refs/secret: fix the name, or add the Secret to the files checked; if it is made outside them (kubectl create secret, a controller such as Sealed Secrets or cert-manager, a Job), declare it on its Namespace: stagecraft.dev/required-secrets: mysql-pass=password',
      'refs/service-account: add the ServiceAccount to the files checked, or fix the name; if it is made outside them (a Helm chart, a cloud IAM integration, kubectl create serviceaccount), declare it on its Namespace: stagecraft.dev/required-service-accounts: external-dns',
      'refs/tls-secret: add the TLS Secret (its keys tls.crt and tls.key) to the files checked, or fix the name; if it is made outside them (kubectl create secret, a controller such as Sealed Secrets or cert-manager, a Job), declare it on its Namespace: stagecraft.dev/required-secrets: foobar=tls.crt,tls.key',
    ]);
  });

  it("says how a stage declares one: under the stage file's secrets.external, or on a Namespace its manifests make", () => {
    expect(hintsOf({ written: true })).toEqual([
      "refs/secret: fix the name, or add the Secret to the stage; if it is made outside stagecraft (kubectl, a controller such as Sealed Secrets or cert-manager, a Job), declare it in the stage file: secrets: { external: [example] } (in the stage's namespace), or on a Namespace the manifests create: stagecraft.dev/required-secrets: example",
      "refs/secret: fix the name, or add the Secret to the stage; if it is made outside stagecraft (kubectl, a controller such as Sealed Secrets or cert-manager, a Job), declare it in the stage file: secrets: { external: [{ name: mysql-pass, keys: [password] }] } (in the stage's namespace), or on a Namespace the manifests create: stagecraft.dev/required-secrets: mysql-pass=password",
      'refs/service-account: add the ServiceAccount to the stage, or fix the name; if it is made outside stagecraft (a Helm chart, a cloud IAM integration, kubectl create serviceaccount), declare it in the stage file: serviceAccounts: { external: [external-dns] }',
      "refs/tls-secret: add the TLS Secret (its keys tls.crt and tls.key), or fix the name; if it is made outside stagecraft (kubectl, a controller such as Sealed Secrets or cert-manager, a Job), declare it in the stage file: secrets: { external: [{ name: foobar, keys: [tls.crt, tls.key] }] } (in the stage's namespace), or on a Namespace the manifests create: stagecraft.dev/required-secrets: foobar=tls.crt,tls.key",
    ]);
  });

  it('finds nothing missing once the Namespace declares them', () => {
    const namespace: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'default',
        annotations: {
          'stagecraft.dev/required-secrets': 'example; foobar=tls.crt,tls.key; mysql-pass=password',
          'stagecraft.dev/required-service-accounts': 'external-dns',
        },
      },
    };
    expect(checkObjects([...objects, namespace], {}).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('a Namespace or ServiceAccount whose metadata is null (`metadata:` with nothing under it)', () => {
  it('is reported as lacking its name, not a crash of the declared-objects lookup', () => {
    const text = ['apiVersion: v1', 'kind: Namespace', 'metadata:', '---', 'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', ''].join(
      '\n',
    );
    const { objects } = parseManifests([{ file: 'empty-metadata.yaml', text }]);
    expect(checkObjects(objects, {}).findings.map((f) => `${f.code}: ${f.message}`)).toEqual([
      "api/name: required field 'metadata' is missing",
      "api/name: required field 'metadata' is missing",
    ]);
  });
});

describe('the scope of an object, by API group and kind', () => {
  const object = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
  });
  const crd = (group: string, kind: string, scope: 'Cluster' | 'Namespaced'): KubeObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.toLowerCase()}s.${group}` },
    spec: {
      group,
      scope,
      names: { kind, plural: `${kind.toLowerCase()}s`, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  });
  const codes = ['refs/namespace', 'refs/duplicate-object'];
  const found = (objects: readonly KubeObject[], options: CheckOptions = {}) =>
    checkObjects(objects, options)
      .findings.filter((f) => codes.includes(f.code))
      .map((f) => `${f.code} ${f.object.kind} ${f.object.metadata.namespace ?? ''}/${f.object.metadata.name}`);

  it('checks the namespace of a custom kind named like a built-in cluster-scoped kind: it lives in one', () => {
    expect(found([crd('example.com', 'Node', 'Namespaced'), object('example.com/v1', 'Node', 'n', 'team-a')])).toEqual([
      'refs/namespace Node team-a/n',
    ]);
    // without its CRD too: a custom kind is namespaced until its CRD says otherwise
    expect(found([object('acme.example.com/v1', 'ClusterRole', 'r', 'team-a')])).toEqual(['refs/namespace ClusterRole team-a/r']);
  });

  it('finds objects of such a kind by their namespace: one name in two namespaces is two objects', () => {
    const namespaces = ['team-a', 'team-b'].map((n) => object('v1', 'Namespace', n));
    expect(
      found([
        ...namespaces,
        crd('example.com', 'ClusterRole', 'Namespaced'),
        object('example.com/v1', 'ClusterRole', 'admin', 'team-a'),
        object('example.com/v1', 'ClusterRole', 'admin', 'team-b'),
        object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'admin'),
      ]),
    ).toEqual([]);
  });

  it('takes a built-in kind that kubectl api-resources does not list (the alpha ClusterCIDR) as cluster-scoped', () => {
    // a namespace written on a cluster-scoped object is ignored by the API server: no namespace to check, one object
    expect(
      found([
        object('networking.k8s.io/v1alpha1', 'ClusterCIDR', 'pods', 'ghost'),
        object('networking.k8s.io/v1alpha1', 'ClusterCIDR', 'pods', 'other'),
      ]),
    ).toEqual(['refs/duplicate-object ClusterCIDR other/pods']);
  });

  it('takes a custom kind whose CRD says scope: Cluster as cluster-scoped, the CRD among the objects or given', () => {
    const gadgets = [object('example.com/v1', 'Gadget', 'ca', 'ghost'), object('example.com/v1', 'Gadget', 'ca', 'other')];
    const clusterGadget = crd('example.com', 'Gadget', 'Cluster');
    expect(found([clusterGadget, ...gadgets])).toEqual(['refs/duplicate-object Gadget other/ca']);
    expect(found(gadgets, { crds: [clusterGadget] })).toEqual(['refs/duplicate-object Gadget other/ca']);
    // without the CRD, as most custom kinds are: namespaced
    expect(found(gadgets)).toEqual(['refs/namespace Gadget ghost/ca', 'refs/namespace Gadget other/ca']);
    // unless its project's CRD puts it at cluster scope (KNOWN_CLUSTER_KINDS: cert-manager's ClusterIssuer), as with it
    const clusterIssuers = [
      object('cert-manager.io/v1', 'ClusterIssuer', 'ca', 'ghost'),
      object('cert-manager.io/v1', 'ClusterIssuer', 'ca', 'other'),
    ];
    expect(found(clusterIssuers)).toEqual(['refs/duplicate-object ClusterIssuer other/ca']);
    expect(found(clusterIssuers, { crds: [crd('cert-manager.io', 'ClusterIssuer', 'Namespaced')] })).toEqual([
      'refs/namespace ClusterIssuer ghost/ca',
      'refs/namespace ClusterIssuer other/ca',
    ]);
  });

  it('keeps what it found on an object for the scopes the CRDs gave: a CRD that moves a kind to cluster scope is not answered from before', () => {
    const issuer = object('example.com/v1', 'Gadget', 'ca', 'ghost');
    const kept = new Map<string, TracedResult>();
    const memo: CheckMemo = {
      get: () => undefined,
      set: () => {},
      references: (_, context) => kept.get(context),
      keepReferences: (_, context, result) => kept.set(context, result),
      identity: (o) => JSON.stringify(o),
    };
    const namespaceFindings = (options: CheckOptions) =>
      checkObjects([issuer], options, memo).findings.filter((f) => f.code === 'refs/namespace').length;
    expect(namespaceFindings({})).toBe(1);
    expect(namespaceFindings({ crds: [crd('example.com', 'Gadget', 'Cluster')] })).toBe(0);
    expect(kept.size).toBe(2);
  });
});

describe('the hint for a Secret that a pod reads at several places', () => {
  it('lists every key the pod reads, at each place, or none when one place reads the whole Secret', () => {
    const pod = (volume: Record<string, unknown>) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'default' },
        spec: {
          containers: [{ name: 'c', image: 'nginx:1.25', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'c' } } }] }],
          volumes: [{ name: 'v', secret: { secretName: 's', ...volume } }],
        },
      }) as KubeObject;
    const hints = (o: KubeObject) => [
      ...new Set(
        checkObjects([o])
          .findings.filter((f) => f.code === 'refs/secret')
          .map((f) => /required-secrets: (.*)$/.exec(f.hint ?? '')?.[1]),
      ),
    ];
    expect(
      hints(
        pod({
          items: [
            { key: 'b', path: 'b' },
            { key: 'a', path: 'a' },
          ],
        }),
      ),
    ).toEqual(['s=a,b,c']);
    expect(hints(pod({}))).toEqual(['s']);
  });
});

describe('a key a pod reads that a Secret declared on a Namespace does not list', () => {
  it('is told to list it in that annotation, not to add it to a Secret no file holds', () => {
    const objects = [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'ingress', annotations: { 'stagecraft.dev/required-secrets': 'admission=cert' } },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'ingress' },
        spec: {
          containers: [
            { name: 'c', image: 'nginx:1.25', env: [{ name: 'K', valueFrom: { secretKeyRef: { name: 'admission', key: 'key' } } }] },
          ],
        },
      },
    ] as KubeObject[];
    const [found] = checkObjects(objects).findings.filter((f) => f.code === 'refs/secret-key');
    expect(found.hint).toBe(
      "list 'key' among the Secret's keys in the stagecraft.dev/required-secrets annotation of its Namespace (admission=<keys>), or read another key",
    );
  });
});

describe("an Ingress's backend Service made outside the objects", () => {
  const ingress: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'grafana', namespace: 'default' },
    spec: {
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'grafana', port: { number: 80 } } } }] } }],
    },
  };
  const said = (options: CheckOptions) =>
    checkObjects([ingress], options).findings.flatMap((f) => (f.code === 'refs/ingress-service' ? [`${f.message} (${f.hint})`] : []));

  it('is declared as one (Service/<namespace>/<name>), which the hint writes; a declaration of another namespace is not it', () => {
    expect(said({})).toEqual([
      "routes to Service 'grafana', but the Services in namespace 'default' are: none (fix the name, or add the Service; if 'grafana' is made outside these files, declare it: npm run check -- --object-exists Service/default/grafana <files>)",
    ]);
    expect(said({ written: true })).toEqual([
      expect.stringContaining(
        "if 'grafana' is made outside the stage, declare it under checks.existingObjects in the stage file: Service/default/grafana",
      ),
    ]);
    expect(said({ existingObjects: ['Service/default/grafana'] })).toEqual([]);
    expect(said({ existingObjects: ['Service/monitoring/grafana'] })).toHaveLength(1);
  });
});

describe("an Ingress's backend Service of type ExternalName, or made by a Knative Service", () => {
  const ingress = (name: string, port: Record<string, unknown>): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'legacy', namespace: 'shop' },
    spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port } } }] } }] },
  });
  const external: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'legacy-api', namespace: 'shop' },
    spec: { type: 'ExternalName', externalName: 'api.legacy.example.com' },
  };
  const knative: KubeObject = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'hello', namespace: 'shop' },
    spec: { template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:1.0' }] } } },
  };
  const said = (o: KubeObject) =>
    checkObjects([external, knative, o], { existingNamespaces: ['shop'] }).findings.flatMap((f) =>
      f.code.startsWith('refs/ingress-') ? [`${f.code} ${f.message}`] : [],
    );

  it("is reached at the backend's port number, which an ExternalName Service's ports need not list (ingress-nginx connects to the name at it)", () => {
    expect(said(ingress('legacy-api', { number: 443 }))).toEqual([]);
    // a port name is looked up among its ports
    expect(said(ingress('legacy-api', { name: 'https' }))).toEqual([
      'refs/ingress-port routes to port "https" of Service \'legacy-api\', whose ports are: none',
    ]);
  });

  it('is there when a Knative Service of its name makes it; a name of no Service still is not', () => {
    expect(said(ingress('hello', { number: 80 }))).toEqual([]);
    expect(said(ingress('helo', { number: 80 }))).toEqual([
      "refs/ingress-service routes to Service 'helo', but the Services in namespace 'shop' are: legacy-api",
    ]);
  });
});

describe("a KEDA ScaledObject's target, which KEDA scales through a HorizontalPodAutoscaler it makes", () => {
  const deployment = (replicas?: number): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'ghcr.io/example/web:1.2.3' }] } },
    },
  });
  const scaled = (scaleTargetRef: Record<string, unknown>): KubeObject => ({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { scaleTargetRef, triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '60' } }] },
  });
  const said = (...objects: KubeObject[]) =>
    checkObjects(objects, { existingNamespaces: ['shop'] }).findings.flatMap((f) =>
      f.code === 'refs/autoscaled-replicas' || f.code === 'refs/scale-target'
        ? [`${f.severity ?? 'error'} ${f.code} ${f.message.split(':')[0]}`]
        : [],
    );

  it("with spec.replicas, which every apply sets back, is warned of as an autoscaler's is (its kind and apiVersion apps/v1 Deployment unless given)", () => {
    expect(said(deployment(2), scaled({ name: 'web' }))).toEqual([
      "warning refs/autoscaled-replicas scales Deployment 'web', which has spec.replicas",
    ]);
    expect(said(deployment(), scaled({ name: 'web' }))).toEqual([]);
    expect(said(deployment(), scaled({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }))).toEqual([]);
  });

  it("not there is an error, as an autoscaler's", () => {
    expect(said(deployment(), scaled({ name: 'wbe' }))).toEqual([
      "error refs/scale-target scales Deployment 'wbe', but the Deployments in namespace 'shop' are",
    ]);
    expect(said(deployment(), scaled({ kind: 'StatefulSet', name: 'web' }))).toEqual([
      "error refs/scale-target scales StatefulSet 'web', but the StatefulSets in namespace 'shop' are",
    ]);
  });

  it('takes an empty kind or apiVersion (a Helm value left empty) as none, as KEDA does: apps/v1 Deployment', () => {
    expect(said(deployment(), scaled({ apiVersion: '', kind: '', name: 'web' }))).toEqual([]);
    expect(said(deployment(2), scaled({ apiVersion: '', name: 'web' }))).toEqual([
      "warning refs/autoscaled-replicas scales Deployment 'web', which has spec.replicas",
    ]);
  });

  it("of a Deployment made outside the objects is declared as one (Deployment/<namespace>/<name>), which the hint writes, as an autoscaler's is", () => {
    const hpa: KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'ext', namespace: 'shop' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ext' }, minReplicas: 1, maxReplicas: 3 },
    };
    const hints = (options: CheckOptions, ...objects: KubeObject[]) =>
      checkObjects(objects, { existingNamespaces: ['shop'], ...options }).findings.flatMap((f) =>
        f.code === 'refs/scale-target' ? [f.hint] : [],
      );
    for (const autoscaler of [scaled({ name: 'ext' }), hpa]) {
      expect(hints({}, autoscaler)).toEqual([
        "fix the apiVersion, kind or name of scaleTargetRef; if 'ext' is made outside these files, declare it: npm run check -- --object-exists Deployment/shop/ext <files>",
      ]);
      expect(hints({ existingObjects: ['Deployment/shop/ext'] }, autoscaler)).toEqual([]);
      expect(hints({ existingObjects: ['Deployment/other/ext'] }, autoscaler)).toHaveLength(1);
    }
  });
});
