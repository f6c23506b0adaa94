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
