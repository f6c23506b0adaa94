import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';

describe("a Service's cluster IP", () => {
  const svc = (spec: Record<string, unknown>): KubeObject =>
    ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }], ...spec } }) as KubeObject;
  const clusterIp = (o: KubeObject) =>
    checkObjects([o])
      .findings.filter((f) => f.code === 'api/cluster-ip')
      .map((f) => `${f.severity} ${f.path.join('.')}`);

  it('is a warning as kubectl get -o yaml exports it, with clusterIPs: the API server refuses it in another namespace of that cluster', () => {
    expect(clusterIp(svc({ clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'] }))).toEqual(['warning spec.clusterIP']);
  });

  it("passes alone (kube-dns's fixed address), headless, or left to the cluster", () => {
    expect(clusterIp(svc({ clusterIP: '10.96.0.10' }))).toEqual([]);
    expect(clusterIp(svc({ clusterIP: 'None', clusterIPs: ['None'] }))).toEqual([]);
    expect(clusterIp(svc({}))).toEqual([]);
  });
});

describe('what the API server refuses of real-world objects that their schema takes', () => {
  const codes = (o: KubeObject, code: string) =>
    checkObjects([o])
      .findings.filter((f) => f.code === code && f.severity === 'error')
      .map((f) => `${f.path.join('.')}: ${f.message}`);

  it('refuses a headless Service of type NodePort or LoadBalancer, and passes a headless ClusterIP one', () => {
    const svc = (type: string): KubeObject =>
      ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'db' },
        spec: { type, clusterIP: 'None', ports: [{ port: 5432 }] },
      }) as KubeObject;
    expect(codes(svc('LoadBalancer'), 'api/network')).toEqual([
      'spec.clusterIP: clusterIP None (headless) is refused for a Service of type LoadBalancer, whose node ports forward to its cluster IP',
    ]);
    expect(codes(svc('NodePort'), 'api/network')).toHaveLength(1);
    expect(codes(svc('ClusterIP'), 'api/network')).toEqual([]);
  });

  it('refuses an ExternalName Service with a cluster IP (None too), clusterIPs, ipFamilies or ipFamilyPolicy, and passes one without', () => {
    const external = (more: Record<string, unknown>): KubeObject =>
      ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'db' },
        spec: { type: 'ExternalName', externalName: 'db.example.com', ...more },
      }) as KubeObject;
    const said = '(its DNS name answers with externalName): the API server refuses it ("may not be set for ExternalName services")';
    expect(codes(external({ clusterIP: 'None' }), 'api/network')).toEqual([
      `spec.clusterIP: clusterIP "None" is set on a Service of type ExternalName, which has no cluster IP ${said}`,
    ]);
    expect(codes(external({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'], ipFamilyPolicy: 'SingleStack' }), 'api/network')).toEqual([
      `spec.clusterIP: clusterIP "10.96.0.5" is set on a Service of type ExternalName, which has no cluster IP ${said}`,
      `spec.ipFamilyPolicy: ipFamilyPolicy "SingleStack" is set on a Service of type ExternalName, which has no cluster IP ${said}`,
    ]);
    expect(codes(external({ ipFamilies: ['IPv4'] }), 'api/network')).toHaveLength(1);
    expect(codes(external({}), 'api/network')).toEqual([]);
    expect(codes(external({ clusterIP: '', clusterIPs: [], ipFamilies: [], ipFamilyPolicy: null }), 'api/network')).toEqual([]);
    // nor warned about as an exported cluster IP besides
    expect(
      checkObjects([external({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'] })]).findings.filter((f) => f.code === 'api/cluster-ip'),
    ).toEqual([]);
  });

  it("refuses a NetworkPolicy ipBlock's except outside its cidr, or as wide, in IPv4 and IPv6, and passes the docs' example", () => {
    const policy = (cidr: string, except: string[]): KubeObject =>
      ({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'p' },
        spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr, except } }] }] },
      }) as KubeObject;
    expect(codes(policy('172.17.0.0/16', ['172.17.1.0/24']), 'api/network')).toEqual([]);
    expect(codes(policy('2001:db8::/32', ['2001:db8:1::/48', '::ffff:10.0.0.0/120']), 'api/network')).toEqual([
      "spec.ingress.0.from.0.ipBlock.except.1: except '::ffff:10.0.0.0/120' is not within cidr '2001:db8::/32' (a smaller range inside it), which the API server refuses",
    ]);
    expect(
      codes(policy('172.17.0.0/16', ['10.0.0.0/24', '172.17.0.0/16', '172.16.0.0/12', '2001:db8::/48']), 'api/network').map(
        (m) => m.split(':')[0],
      ),
    ).toEqual([
      'spec.ingress.0.from.0.ipBlock.except.0',
      'spec.ingress.0.from.0.ipBlock.except.1',
      'spec.ingress.0.from.0.ipBlock.except.2',
      'spec.ingress.0.from.0.ipBlock.except.3',
    ]);
    expect(codes(policy('10.0.0.0/9', ['10.127.255.0/24']), 'api/network')).toEqual([]);
    expect(codes(policy('10.0.0.0/9', ['10.128.0.0/24']), 'api/network')).toHaveLength(1);
  });

  it('refuses a Job whose ttlSecondsAfterFinished is negative (not warned about as one the cluster deletes), or Indexed without completions', () => {
    const job = (spec: Record<string, unknown>): KubeObject =>
      ({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'pi' },
        spec: { ...spec, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34.0' }] } } },
      }) as KubeObject;
    expect(codes(job({ ttlSecondsAfterFinished: -1 }), 'api/workload')).toEqual([
      'spec.ttlSecondsAfterFinished: ttlSecondsAfterFinished -1 is negative, which the API server refuses',
    ]);
    expect(checkObjects([job({ ttlSecondsAfterFinished: -1 })]).findings.filter((f) => f.code === 'api/job-ttl')).toEqual([]);
    expect(codes(job({ completionMode: 'Indexed' }), 'api/workload')).toEqual([
      'spec.completionMode: an Indexed Job needs spec.completions, the number of indexes its pods run (0 to completions - 1); the API server refuses it without',
    ]);
    expect(codes(job({ completionMode: 'Indexed', completions: 3, ttlSecondsAfterFinished: 0 }), 'api/workload')).toEqual([]);
  });

  it("refuses the same in a CronJob's jobTemplate, which the API server validates as a Job's spec, and an Indexed Job's parallelism above 10^5", () => {
    const cronJob = (spec: Record<string, unknown>): KubeObject =>
      ({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'nightly' },
        spec: {
          schedule: '0 3 * * *',
          jobTemplate: {
            spec: { ...spec, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'job', image: 'busybox:1.36' }] } } },
          },
        },
      }) as KubeObject;
    expect(codes(cronJob({ ttlSecondsAfterFinished: -1, completionMode: 'Indexed' }), 'api/workload')).toEqual([
      'spec.jobTemplate.spec.completionMode: an Indexed Job needs spec.completions, the number of indexes its pods run (0 to completions - 1); the API server refuses it without',
      'spec.jobTemplate.spec.ttlSecondsAfterFinished: ttlSecondsAfterFinished -1 is negative, which the API server refuses',
    ]);
    expect(
      codes(cronJob({ ttlSecondsAfterFinished: 600, completionMode: 'Indexed', completions: 5, parallelism: 5 }), 'api/workload'),
    ).toEqual([]);
    expect(codes(cronJob({ completionMode: 'Indexed', completions: 200_000, parallelism: 100_001 }), 'api/workload')).toEqual([
      'spec.jobTemplate.spec.parallelism: parallelism 100001 is above 100,000, the most an Indexed Job may run at once: the API server refuses it',
    ]);
    expect(codes(cronJob({ completionMode: 'Indexed', completions: 200_000, parallelism: 100_000 }), 'api/workload')).toEqual([]);
    expect(codes(cronJob({ completionMode: 'NonIndexed', parallelism: 200_000 }), 'api/workload')).toEqual([]);
  });
});

describe("a workload's rollingUpdate beside a strategy that does not roll", () => {
  const findings = (kind: string, field: string, strategy: Record<string, unknown>) =>
    checkObjects([
      {
        apiVersion: 'apps/v1',
        kind,
        metadata: { name: 'web' },
        spec: {
          serviceName: 'web',
          [field]: strategy,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
        },
      } as KubeObject,
    ])
      .findings.filter((f) => f.code === 'api/workload')
      .map((f) => `${f.path.join('.')}: ${f.message}`);

  it("is refused in a Deployment's Recreate and a StatefulSet's OnDelete (a Helm value switching the type), not in a DaemonSet's OnDelete", () => {
    expect(findings('Deployment', 'strategy', { type: 'Recreate', rollingUpdate: { maxSurge: 1 } })).toEqual([
      `spec.strategy.rollingUpdate: rollingUpdate is set while strategy.type is Recreate, which the API server refuses ("may not be specified when strategy \`type\` is 'Recreate'")`,
    ]);
    expect(findings('Deployment', 'strategy', { type: 'Recreate', rollingUpdate: {} })).toHaveLength(1);
    expect(findings('StatefulSet', 'updateStrategy', { type: 'OnDelete', rollingUpdate: { partition: 0 } })).toHaveLength(1);
    expect(findings('Deployment', 'strategy', { type: 'Recreate', rollingUpdate: null })).toEqual([]);
    expect(findings('Deployment', 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } })).toEqual([]);
    expect(findings('DaemonSet', 'updateStrategy', { type: 'OnDelete', rollingUpdate: { maxUnavailable: 1 } })).toEqual([]);
  });

  it("reads the counts of a rollingUpdate only in a rolling update: not beside a DaemonSet's OnDelete, nor again beside a Recreate", () => {
    // the API server validates rollingUpdate only when the type is RollingUpdate (ValidateDaemonSetUpdateStrategy, ValidateDeploymentStrategy)
    expect(findings('DaemonSet', 'updateStrategy', { type: 'OnDelete', rollingUpdate: { maxUnavailable: 0 } })).toEqual([]);
    expect(findings('Deployment', 'strategy', { type: 'Recreate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } })).toEqual([
      `spec.strategy.rollingUpdate: rollingUpdate is set while strategy.type is Recreate, which the API server refuses ("may not be specified when strategy \`type\` is 'Recreate'")`,
    ]);
    const bothZero = 'spec.updateStrategy.rollingUpdate: maxSurge and maxUnavailable are both 0, so a rollout could never replace a pod';
    expect(findings('DaemonSet', 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } })).toEqual([bothZero]);
    expect(findings('DaemonSet', 'updateStrategy', { rollingUpdate: { maxUnavailable: 0 } })).toEqual([bothZero]);
  });
});
