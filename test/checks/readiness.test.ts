import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';

const probe = { tcpSocket: { port: 8080 } };
const deployment = (name: string, container: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'team', ...(annotations ? { annotations } : {}) },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'team/x:1', ...container }] } },
  },
});
const service = (name: string, selector: Record<string, string> | undefined, type?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'team' },
  spec: { ...(type ? { type } : {}), ...(selector ? { selector } : {}), ports: [{ port: 80, targetPort: 8080 }] },
});
/** `name: message` of each policy/probes and unused-exception finding. */
const probes = (objects: KubeObject[]) =>
  checkObjects(objects)
    .findings.filter((f) => f.code === 'policy/probes' || f.code === 'policy/unused-exception')
    .map((f) => `${f.object.metadata.name}: ${f.message.replace(/: they get .*/, '')}`);

describe('the readiness warning', () => {
  it('is given for pods a Service selects, and only for them; the liveness warning for any long-running pod', () => {
    const objects = [deployment('web', {}), deployment('worker', {}), service('web', { app: 'web' })];
    expect(probes(objects)).toEqual([
      "web: container 'web' has no livenessProbe",
      "web: container 'web' has no readinessProbe, but Service web selects its pods",
      "worker: container 'worker' has no livenessProbe",
    ]);
    expect(probes([deployment('worker', { livenessProbe: probe })])).toEqual([]);
  });

  it('is given for the containers that declare ports, not for one beside them that declares none (a log shipper), which gets no traffic', () => {
    const web = deployment('web', { livenessProbe: probe, ports: [{ containerPort: 8080 }] });
    const spec = (web.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec;
    spec.containers.push({ name: 'shipper', image: 'fluent/fluent-bit:2.2', livenessProbe: probe });
    expect(probes([web, service('web', { app: 'web' })])).toEqual([
      "web: container 'web' has no readinessProbe, but Service web selects its pods",
    ]);
  });

  it('names every Service that selects the pods; a Service without a selector or of type ExternalName sends none', () => {
    const objects = [
      deployment('web', { livenessProbe: probe }),
      service('web', { app: 'web' }),
      service('web-admin', { app: 'web' }),
      service('manual', undefined),
      service('elsewhere', { app: 'web' }, 'ExternalName'),
    ];
    expect(probes(objects)).toEqual(["web: container 'web' has no readinessProbe, but Services web, web-admin select its pods"]);
  });

  it("is given for a custom workload's pods a Service selects (an Argo Rollout's, an OpenKruise CloneSet's), at its template's path", () => {
    const custom = (apiVersion: string, kind: string, name: string): KubeObject => ({
      ...deployment(name, { livenessProbe: probe, ports: [{ containerPort: 8080 }] }),
      apiVersion,
      kind,
    });
    const objects = [
      custom('argoproj.io/v1alpha1', 'Rollout', 'web'),
      custom('apps.kruise.io/v1alpha1', 'CloneSet', 'api'),
      custom('apps.kruise.io/v1alpha1', 'CloneSet', 'worker'),
      service('web', { app: 'web' }),
      service('api', { app: 'api' }),
    ];
    const found = checkObjects(objects).findings.filter((f) => f.code === 'policy/probes');
    expect(
      found.map((f) => `${f.object.kind} ${f.object.metadata.name} ${f.path.join('.')}: ${f.message.replace(/: they get .*/, '')}`),
    ).toEqual([
      "CloneSet api spec.template.spec.containers.0: container 'api' has no readinessProbe, but Service api selects its pods",
      "Rollout web spec.template.spec.containers.0: container 'web' has no readinessProbe, but Service web selects its pods",
    ]);
  });

  it('is silenced by the probes exception, which then is not reported unused', () => {
    const excused = deployment('web', { livenessProbe: probe }, { 'policy.stagecraft.dev/probes': 'answers on a socket only' });
    const result = checkObjects([excused, service('web', { app: 'web' })]);
    expect(result.findings.filter((f) => f.code.startsWith('policy/probes') || f.code === 'policy/unused-exception')).toEqual([]);
    expect(result.exceptions.map((e) => e.allows)).toEqual(['no readinessProbe']);
  });
});
