import { describe, expect, it } from 'vitest';
import { hostPortProblems } from '../../lib/checks/host-ports.js';
import { checkObjects } from '../../lib/checks/index.js';
import { workloadSelector } from '../../lib/checks/selectors.js';
import { emptyNullLabels } from '../../lib/model/null-labels.js';
import type { KubeObject } from '../../lib/model/object.js';

const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };

/** A workload of `apiVersion` and `kind` in namespace shop whose pod spec `edit` changes. */
const workload = (apiVersion: string, kind: string, edit: (spec: Record<string, unknown>) => void = () => {}): KubeObject => {
  const podSpec: Record<string, unknown> = { containers: [{ name: 'web', image: 'team/web:1.4.2' }] };
  edit(podSpec);
  return {
    apiVersion,
    kind,
    metadata: { name: 'web', namespace: 'shop' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } },
  } as unknown as KubeObject;
};
const ROLLOUT = ['argoproj.io/v1alpha1', 'Rollout'] as const;
const CLONE_SET = ['apps.kruise.io/v1alpha1', 'CloneSet'] as const;
const KRUISE_STATEFUL_SET = ['apps.kruise.io/v1beta1', 'StatefulSet'] as const;

const findings = (engine: 'flux' | undefined, ...objects: KubeObject[]) =>
  checkObjects([namespace, ...objects], { engine }).findings.map((f) => `${f.severity} ${f.code} ${f.object.kind} ${f.path.join('.')}`);
const codes = (...objects: KubeObject[]) => findings(undefined, ...objects);

describe("custom workloads under the rules that hold for them, and only those (Argo Rollouts', OpenKruise's)", () => {
  it('read a selector with a matchExpressions item that is no mapping (a bare -) as a Deployment is read, without an internal error', () => {
    for (const [apiVersion, kind] of [['apps/v1', 'Deployment'], KRUISE_STATEFUL_SET, ROLLOUT, CLONE_SET]) {
      const o = workload(apiVersion, kind) as unknown as { spec: { selector: unknown } };
      o.spec.selector = { matchLabels: { app: 'web' }, matchExpressions: [null, { key: 'tier', operator: 'In', values: ['api'] }] };
      expect(codes(o as unknown as KubeObject).filter((f) => f.includes('api/selector'))).toEqual([
        `error api/selector ${kind} spec.selector`,
      ]);
    }
  });

  it('mount the claims of volumeClaimTemplates by name for the kinds whose controllers make them (a CloneSet, as OpenKruise documents)', () => {
    const withClaims = (apiVersion: string, kind: string) => {
      const o = workload(apiVersion, kind, (spec) => {
        (spec.containers as Record<string, unknown>[])[0].volumeMounts = [{ name: 'data-vol', mountPath: '/data' }];
      }) as unknown as { spec: Record<string, unknown> };
      o.spec.volumeClaimTemplates = [
        { metadata: { name: 'data-vol' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } },
      ];
      return o as unknown as KubeObject;
    };
    const mounts = (o: KubeObject) => codes(o).filter((f) => f.includes('refs/volume-mount'));
    expect(mounts(withClaims('apps/v1', 'StatefulSet'))).toEqual([]);
    expect(mounts(withClaims(...CLONE_SET))).toEqual([]);
    expect(mounts(withClaims(...KRUISE_STATEFUL_SET))).toEqual([]);
    // a Rollout makes no claims of templates: the mount names no volume
    expect(mounts(withClaims(...ROLLOUT))).toEqual(['error refs/volume-mount Rollout spec.template.spec.containers.0.volumeMounts.0.name']);
  });

  it("leave env named twice and ports of one number and two protocols to their CRDs' plain lists, which no merge key mixes up", () => {
    const dns = (apiVersion: string, kind: string) =>
      workload(apiVersion, kind, (spec) => {
        const [web] = spec.containers as Record<string, unknown>[];
        web.env = [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ];
        web.ports = [
          { containerPort: 53, protocol: 'UDP', name: 'dns' },
          { containerPort: 53, protocol: 'TCP', name: 'dns-tcp' },
        ];
      });
    const merged = (o: KubeObject) => findings('flux', o).filter((f) => f.includes('api/env-repeat') || f.includes('api/port-merge-key'));
    expect(merged(dns('apps/v1', 'Deployment'))).toEqual([
      'error api/env-repeat Deployment spec.template.spec.containers.0.env.1',
      'warning api/port-merge-key Deployment spec.template.spec.containers.0.ports.1.containerPort',
    ]);
    expect(merged(dns(...ROLLOUT))).toEqual([]);
    expect(merged(dns(...CLONE_SET))).toEqual([]);
  });

  it("take a Rollout that runs a Deployment's pods (workloadRef) with an empty template, which Argo accepts, as having none", () => {
    const referring = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        template: {},
        strategy: { canary: { steps: [{ setWeight: 20 }] } },
      },
    } as unknown as KubeObject;
    expect(codes(referring).filter((f) => f.startsWith('error'))).toEqual([]);
    // a Rollout's own template is held to its selector still
    const stray = workload(...ROLLOUT) as unknown as { spec: { selector: unknown } };
    stray.spec.selector = { matchLabels: { app: 'api' } };
    expect(codes(stray as unknown as KubeObject).filter((f) => f.startsWith('error'))).toEqual([
      'error api/selector Rollout spec.selector',
    ]);
  });

  it("hold a workload to its controller's rules by group and kind: a custom workload's restartPolicy, never an example.com Deployment's", () => {
    const restarting = (apiVersion: string, kind: string) =>
      workload(apiVersion, kind, (spec) => {
        spec.restartPolicy = 'Never';
      });
    const workloadRules = (o: KubeObject) => codes(o).filter((f) => f.includes('api/workload'));
    for (const [apiVersion, kind] of [['apps/v1', 'Deployment'], ROLLOUT, CLONE_SET, KRUISE_STATEFUL_SET])
      expect(workloadRules(restarting(apiVersion, kind))).toEqual([`error api/workload ${kind} spec.template.spec.restartPolicy`]);
    // an example.com Deployment with negative replicas, no possible rollout and pods that end: its controller, if any, is unknown
    const other = restarting('example.com/v1', 'Deployment') as unknown as { spec: Record<string, unknown> };
    other.spec.replicas = -1;
    other.spec.strategy = { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } };
    expect(workloadRules(other as unknown as KubeObject)).toEqual([]);
    expect(workloadRules({ ...other, apiVersion: 'apps/v1' } as unknown as KubeObject)).toEqual([
      'error api/workload Deployment spec.replicas',
      'error api/workload Deployment spec.strategy.rollingUpdate',
      'error api/workload Deployment spec.template.spec.restartPolicy',
    ]);
  });

  it("hold a KEDA ScaledJob's Job spec (jobTargetRef) to a Job's rules, at its own positions, and never an example.com ScaledJob's", () => {
    /** A Job's spec whose pod template breaks the rules of containers, probes, resources, images and the batch rules. */
    const jobSpec = () => ({
      ttlSecondsAfterFinished: -5,
      template: {
        spec: {
          restartPolicy: 'Always',
          securityContext: { runAsUser: -1 },
          containers: [
            {
              name: 'worker',
              image: 'Team/Worker:1.0',
              resources: { requests: { cpu: '-1' } },
              livenessProbe: { exec: { command: ['true'] }, httpGet: { port: 8080 } },
            },
            { name: 'worker', image: 'team/worker:1.0', securityContext: { privileged: true } },
          ],
        },
      },
    });
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'worker', namespace: 'shop' }, spec: jobSpec() };
    const scaledJob = (apiVersion: string) =>
      ({
        apiVersion,
        kind: 'ScaledJob',
        metadata: { name: 'worker', namespace: 'shop' },
        spec: { jobTargetRef: jobSpec(), triggers: [{ type: 'rabbitmq', metadata: { queueName: 'jobs' } }] },
      }) as unknown as KubeObject;
    const ofJob = codes(job as unknown as KubeObject)
      .filter((f) => !f.includes('api/job-ttl')) // the cluster deleting a finished Job it was given, not one KEDA makes
      .map((f) => f.replace(' Job spec.', ' ScaledJob spec.jobTargetRef.'));
    expect(ofJob).toEqual(expect.arrayContaining(['error api/restart-policy ScaledJob spec.jobTargetRef.template.spec.restartPolicy']));
    expect(ofJob.filter((f) => f.includes('template.spec.containers')).length).toBeGreaterThanOrEqual(5);
    expect(codes(scaledJob('keda.sh/v1alpha1')).filter((f) => !f.includes('crd/unknown-kind'))).toEqual(ofJob);
    // its hint names the ScaledJob's Jobs, not a CronJob's
    const ttl = checkObjects([namespace, scaledJob('keda.sh/v1alpha1')]).findings.find((f) => f.path.includes('ttlSecondsAfterFinished'));
    // without one KEDA still deletes all but the last, as the CronJob controller does: removing it does not keep them all
    expect(ttl?.hint).toBe(
      "give the seconds the cluster keeps the ScaledJob's finished Jobs (0 or more), or remove it to keep the last of them, as the ScaledJob's successfulJobsHistoryLimit and failedJobsHistoryLimit say",
    );
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'worker', namespace: 'shop' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: jobSpec() } },
    };
    expect(
      checkObjects([namespace, cronJob as unknown as KubeObject]).findings.find((f) => f.path.includes('ttlSecondsAfterFinished'))?.hint,
    ).toBe(
      "give the seconds the cluster keeps the CronJob's finished Jobs (0 or more), or remove it to keep the last of them, as the CronJob's successfulJobsHistoryLimit and failedJobsHistoryLimit say (3 and 1 by default)",
    );
    // a pod template without a restartPolicy is refused at its spec, as a Job's is
    const unset = scaledJob('keda.sh/v1alpha1') as unknown as { spec: { jobTargetRef: ReturnType<typeof jobSpec> } };
    delete (unset.spec.jobTargetRef.template.spec as { restartPolicy?: string }).restartPolicy;
    expect(codes(unset as unknown as KubeObject).filter((f) => f.includes('api/restart-policy'))).toEqual([
      'error api/restart-policy ScaledJob spec.jobTargetRef.template.spec',
    ]);
    expect(codes(scaledJob('example.com/v1')).filter((f) => f.includes('jobTargetRef'))).toEqual([]);
  });

  it("refuse a container with no name in a custom workload's template, but a Knative Service's, which Knative names", () => {
    const unnamed = (apiVersion: string, kind: string) =>
      workload(apiVersion, kind, (spec) => {
        delete (spec.containers as Record<string, unknown>[])[0].name;
      });
    const names = (o: KubeObject) =>
      checkObjects([namespace, o]).findings.filter((f) => f.code === 'api/name' || f.code === 'schema/required');
    for (const [apiVersion, kind] of [ROLLOUT, CLONE_SET]) {
      const found = names(unnamed(apiVersion, kind));
      expect(found.map((f) => `${f.code} ${f.path.join('.')}`)).toEqual(['api/name spec.template.spec.containers.0']);
      expect(found[0].message).toBe(
        `a container needs a name: the API server refuses the pods the ${kind}'s controller makes of this template without one (only Knative names a container itself)`,
      );
    }
    // a built-in workload's is the schema's, said once; Knative's is none
    expect(names(unnamed('apps/v1', 'Deployment')).map((f) => f.code)).toEqual(['schema/required']);
    expect(names(unnamed('serving.knative.dev/v1', 'Service'))).toEqual([]);
    // an empty name (a chart's name: {{ .Values.name }} left empty) is none to Knative, which names it too; a Rollout's is refused
    const empty = (apiVersion: string, kind: string) =>
      workload(apiVersion, kind, (spec) => {
        spec.containers = [
          { name: '', image: 'team/web:1.4.2' },
          { name: '', image: 'team/proxy:1.0' },
        ];
      });
    const said = (o: KubeObject) => checkObjects([namespace, o]).findings.filter((f) => f.code.startsWith('api/'));
    expect(said(empty('serving.knative.dev/v1', 'Service'))).toEqual([]);
    expect(said(empty(...ROLLOUT)).map((f) => `${f.code} ${f.path.join('.')}`)).toEqual([
      'api/name spec.template.spec.containers.0.name',
      'api/name spec.template.spec.containers.1.name',
    ]);
  });

  it('say a container with no name once where the CRD requires it (its schema/required), and refuse it where the CRD does not', () => {
    /** Argo Rollouts' CRD, its containers' items requiring a name or not. */
    const rolloutCrd = (required: string[]) =>
      ({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'rollouts.argoproj.io' },
        spec: {
          group: 'argoproj.io',
          scope: 'Namespaced',
          names: { kind: 'Rollout', plural: 'rollouts', singular: 'rollout', listKind: 'RolloutList' },
          versions: [
            {
              name: 'v1alpha1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      'x-kubernetes-preserve-unknown-fields': true,
                      properties: {
                        template: {
                          type: 'object',
                          'x-kubernetes-preserve-unknown-fields': true,
                          properties: {
                            spec: {
                              type: 'object',
                              'x-kubernetes-preserve-unknown-fields': true,
                              properties: {
                                containers: {
                                  type: 'array',
                                  items: { type: 'object', required, properties: { name: { type: 'string' }, image: { type: 'string' } } },
                                },
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      }) as unknown as KubeObject;
    const rollout = (name: unknown) =>
      workload(...ROLLOUT, (spec) => {
        const [container] = spec.containers as Record<string, unknown>[];
        if (name === undefined) delete container.name;
        else container.name = name;
      });
    const said = (crd: KubeObject, name: unknown) =>
      checkObjects([namespace, crd, rollout(name)])
        .findings.filter((f) => f.code === 'api/name' || f.code === 'schema/required')
        .map((f) => `${f.code} ${f.path.join('.')}`);
    for (const name of [undefined, null])
      expect(said(rolloutCrd(['name']), name)).toEqual(['schema/required spec.template.spec.containers.0']);
    expect(said(rolloutCrd(['image']), undefined)).toEqual(['api/name spec.template.spec.containers.0']);
    // an empty name is present to the schema: refused once, as no DNS-1123 label
    expect(said(rolloutCrd(['name']), '')).toEqual(['api/name spec.template.spec.containers.0.name']);
    // a name the CRD defaults is filled in by the API server: the pods have it
    const defaulted = JSON.parse(
      JSON.stringify(rolloutCrd(['name'])).replace('"name":{"type":"string"}', '"name":{"type":"string","default":"app"}'),
    ) as KubeObject;
    expect(said(defaulted, undefined)).toEqual([]);
  });

  it("find a Rollout's hostPort on an ARM stage and its template's labels written as null, as a Deployment's", () => {
    const hostPort = (apiVersion: string, kind: string) =>
      workload(apiVersion, kind, (spec) => {
        (spec.containers as Record<string, unknown>[])[0].ports = [{ containerPort: 8080, hostPort: 8080 }];
      });
    const arm = { architecture: 'arm', stageName: 'pi' } as const;
    for (const [apiVersion, kind] of [['apps/v1', 'Deployment'], ROLLOUT])
      expect(hostPortProblems([hostPort(apiVersion, kind)], arm).map((p) => p.message.split(':')[0])).toEqual([
        'spec.template.spec.containers[0].ports[0].hostPort',
      ]);
    expect(hostPortProblems([hostPort('example.com/v1', 'Rollout')], arm)).toEqual([]);
    const nullLabel = workload(...ROLLOUT) as unknown as { spec: { template: { metadata: { labels: Record<string, unknown> } } } };
    nullLabel.spec.template.metadata.labels.team = null;
    expect(emptyNullLabels(nullLabel as unknown as KubeObject).map((n) => n.path.join('.'))).toEqual([
      'spec.template.metadata.labels.team',
    ]);
  });

  it("read a built-in workload's selector by group and kind: an example.com Deployment or ReplicationController selects no pods", () => {
    const selecting = (apiVersion: string, kind: string) => workload(apiVersion, kind);
    expect(workloadSelector(selecting('apps/v1', 'Deployment'))?.matchLabels).toEqual({ app: 'web' });
    expect(workloadSelector(selecting('batch/v1', 'Job'))?.path).toEqual(['spec', 'selector']);
    expect(workloadSelector(selecting('v1', 'ReplicationController'))?.matchLabels).toEqual({ matchLabels: { app: 'web' } });
    for (const [apiVersion, kind] of [
      ['example.com/v1', 'Deployment'],
      ['example.com/v1', 'Job'],
      ['example.com/v1', 'ReplicationController'],
      ROLLOUT,
      KRUISE_STATEFUL_SET,
    ])
      expect(workloadSelector(selecting(apiVersion, kind))).toBeUndefined();
    // a ReplicationController's selector is a map of labels held to the label rules; an example.com one's is its CRD's to judge
    const badLabels = (apiVersion: string) => {
      const o = workload(apiVersion, 'ReplicationController') as unknown as { spec: { selector: unknown } };
      o.spec.selector = { 'bad key!': 'web' };
      return o as unknown as KubeObject;
    };
    const labelRules = (o: KubeObject) => codes(o).filter((f) => f.includes('spec.selector') && f.includes('api/label'));
    expect(labelRules(badLabels('v1'))).not.toEqual([]);
    expect(labelRules(badLabels('example.com/v1'))).toEqual([]);
  });
});
