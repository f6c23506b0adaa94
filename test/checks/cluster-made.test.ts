import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';

const made = (o: Record<string, unknown>) =>
  checkObjects([o as KubeObject])
    .findings.filter((f) => f.code === 'api/cluster-made')
    .map((f) => `${f.severity} ${f.path.join('.')}: ${f.hint}`);

describe('the objects the cluster makes, in an export of a namespace', () => {
  it("are errors: the root CA ConfigMap, a filled token Secret, a Service's Endpoints naming pods by uid", () => {
    expect(
      made({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt' },
        data: { 'ca.crt': '-----BEGIN CERTIFICATE-----' },
      }),
    ).toEqual(['error metadata.name: remove the ConfigMap from the manifests: every namespace has kube-root-ca.crt']);
    const annotations = { 'kubernetes.io/service-account.name': 'default', 'kubernetes.io/service-account.uid': '7b5d1f0a' };
    expect(
      made({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: { name: 'default-token-x2x9q', annotations },
      }),
    ).toEqual([
      'error metadata.annotations.kubernetes.io/service-account.uid: remove the Secret from the manifests; for a token Secret, write one of type kubernetes.io/service-account-token with only the annotation kubernetes.io/service-account.name: default, and the token controller fills it',
    ]);
    const address = { ip: '10.244.1.5', targetRef: { kind: 'Pod', name: 'web-7d9c6b8f5-x2x9q', uid: '3b5d1f0a' } };
    expect(
      made({
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'web' },
        subsets: [{ addresses: [address], ports: [{ port: 8080 }] }],
      }),
    ).toEqual([
      'error subsets: remove the Endpoints from the manifests: the endpoints controller writes them for a Service with a selector',
    ]);
  });

  it('pass as people write them: Endpoints of fixed addresses, a token Secret that asks for a token by name, another ConfigMap', () => {
    expect(
      made({
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'db' },
        subsets: [{ addresses: [{ ip: '10.0.0.5' }], ports: [{ port: 5432 }] }],
      }),
    ).toEqual([]);
    const asked = { 'kubernetes.io/service-account.name': 'ci' };
    expect(
      made({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: { name: 'ci-token', annotations: asked },
      }),
    ).toEqual([]);
    expect(made({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'root-ca' }, data: {} })).toEqual([]);
  });
});
