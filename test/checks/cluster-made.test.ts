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

  it('say only what to do with a filled token Secret: remove it, with no finding on each of its keys to move under secrets: (an Opaque Secret)', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const exported = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: 'default-token-x2x9q',
        annotations: { 'kubernetes.io/service-account.name': 'default', 'kubernetes.io/service-account.uid': '7b5d1f0a' },
      },
      data: { token: b64('eyJhbGciOiJSUzI1NiJ9.e30.c2ln'), 'ca.crt': b64('-----BEGIN CERTIFICATE-----'), namespace: b64('qa') },
    };
    const codes = (o: Record<string, unknown>) => checkObjects([o as KubeObject]).findings.map((f) => `${f.code} ${f.path.join('.')}`);
    expect(codes(exported).filter((c) => !c.startsWith('refs/'))).toEqual([
      'api/cluster-made metadata.annotations.kubernetes.io/service-account.uid',
    ]);
    // a token Secret that carries values without being the controller's keeps its findings on them
    const handWritten = { ...exported, metadata: { name: 'ci-token', annotations: { 'kubernetes.io/service-account.name': 'ci' } } };
    expect(codes(handWritten).filter((c) => c.startsWith('policy/'))).toEqual([
      'policy/secret-value data.ca.crt',
      'policy/secret-value data.namespace',
      'policy/secret-value data.token',
    ]);
  });

  it('name no ServiceAccount when the token Secret has only its uid annotation', () => {
    const found = checkObjects([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: { name: 'sa-token', annotations: { 'kubernetes.io/service-account.uid': '7b5d1f0a' } },
      } as unknown as KubeObject,
    ]).findings.filter((f) => f.code === 'api/cluster-made');
    expect(found.map((f) => `${f.message} (${f.hint})`)).toEqual([
      "the token controller made this Secret for a ServiceAccount (the annotation is the account's uid in the cluster it was exported from), with a token signed by that cluster (remove the Secret from the manifests; for a token Secret, write one of type kubernetes.io/service-account-token with only the annotation kubernetes.io/service-account.name: <the account's name>, and the token controller fills it)",
    ]);
  });
});

describe('a claim bound to a PersistentVolume the stage does not make', () => {
  const claim = (annotations?: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'shop', ...(annotations ? { annotations } : {}) },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      volumeName: 'pvc-3b5d1f0a-9c1e-4f7a-8e2b-6d4c2a1b0e9f',
    },
  });
  const hints = (o: Record<string, unknown>) =>
    checkObjects([o as KubeObject])
      .findings.filter((f) => f.code === 'refs/volume')
      .map((f) => `${f.path.join('.')}: ${f.hint}`);

  it('is told, when exported bound, to drop volumeName and its annotations for a new volume, or to bring the PersistentVolume to keep the data', () => {
    expect(hints(claim({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' }))).toEqual([
      "spec.volumeName: this claim was exported bound (pv.kubernetes.io/bind-completed): for a new volume, remove volumeName and the pv.kubernetes.io/* annotations, and the cluster provisions one from the storage class; to keep the data, add the PersistentVolume too (exported, with its claimRef's uid and resourceVersion removed)",
    ]);
  });

  it('is told to fix the name or add the volume when written by hand', () => {
    expect(hints(claim())).toEqual(['spec.volumeName: fix volumeName, or add the PersistentVolume']);
  });
});
