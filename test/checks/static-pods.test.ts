import { describe, expect, it } from 'vitest';
import { STATIC_POD_HINT, staticPodProblems } from '../../lib/checks/static-pods.js';
import type { KubeObject } from '../../lib/model/object.js';

const pod = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'etcd', namespace: 'kube-system' },
  spec: { containers: [{ name: 'etcd', image: 'etcd' }], ...spec },
});
const messages = (spec: Record<string, unknown>) => staticPodProblems(pod(spec)).map((p) => `${p.subject}: ${p.message}`);

describe('what the kubelet accepts in a static pod', () => {
  it('accepts host networking, hostPath, emptyDir, downward API and literal env', () => {
    expect(
      messages({
        hostNetwork: true,
        volumes: [
          { name: 'data', hostPath: { path: '/var/lib/etcd', type: 'DirectoryOrCreate' } },
          { name: 'tmp', emptyDir: {} },
          {
            name: 'info',
            projected: { sources: [{ downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }] },
          },
        ],
        containers: [
          {
            name: 'etcd',
            image: 'etcd',
            env: [
              { name: 'A', value: '1' },
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            ],
          },
        ],
      }),
    ).toEqual([]);
  });

  it('refuses a ServiceAccount, naming the pod and the field', () => {
    const [problem] = staticPodProblems(pod({ serviceAccountName: 'etcd' }));
    expect(problem).toEqual({
      code: 'static-pod/api-reference',
      subject: 'Pod kube-system/etcd',
      message: "spec.serviceAccountName: a static pod cannot refer to a ServiceAccount (found 'etcd')",
      hint: STATIC_POD_HINT,
    });
    expect(messages({ serviceAccount: 'etcd' })).toEqual([
      "Pod kube-system/etcd: spec.serviceAccount: a static pod cannot refer to a ServiceAccount (found 'etcd')",
    ]);
  });

  it('refuses Secret, ConfigMap, claim and ephemeral volumes', () => {
    expect(
      messages({
        volumes: [
          { name: 'certs', secret: { secretName: 'etcd-certs' } },
          { name: 'conf', configMap: { name: 'etcd-conf' } },
          { name: 'data', persistentVolumeClaim: { claimName: 'etcd-data' } },
          { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } },
        ],
      }),
    ).toEqual([
      "Pod kube-system/etcd: spec.volumes[0].secret: a static pod cannot refer to a Secret (found 'etcd-certs')",
      "Pod kube-system/etcd: spec.volumes[1].configMap: a static pod cannot refer to a ConfigMap (found 'etcd-conf')",
      "Pod kube-system/etcd: spec.volumes[2].persistentVolumeClaim: a static pod cannot refer to a PersistentVolumeClaim (found 'etcd-data')",
      'Pod kube-system/etcd: spec.volumes[3].ephemeral: a static pod cannot refer to a PersistentVolumeClaim (an ephemeral volume creates one)',
    ]);
  });

  it('refuses projected ServiceAccount tokens, Secrets and ConfigMaps', () => {
    expect(
      messages({
        volumes: [
          {
            name: 'token',
            projected: {
              sources: [
                { serviceAccountToken: { path: 'token', audience: 'vault' } },
                { downwardAPI: { items: [] } },
                { secret: { name: 'ca' } },
                { configMap: { name: 'ca-bundle' } },
              ],
            },
          },
        ],
      }),
    ).toEqual([
      "Pod kube-system/etcd: spec.volumes[0].projected.sources[0].serviceAccountToken: a static pod cannot refer to a ServiceAccount token (found 'vault')",
      "Pod kube-system/etcd: spec.volumes[0].projected.sources[2].secret: a static pod cannot refer to a Secret (found 'ca')",
      "Pod kube-system/etcd: spec.volumes[0].projected.sources[3].configMap: a static pod cannot refer to a ConfigMap (found 'ca-bundle')",
    ]);
  });

  it('refuses Secrets named inside other volume sources', () => {
    expect(messages({ volumes: [{ name: 'disk', csi: { driver: 'x', nodePublishSecretRef: { name: 'creds' } } }] })).toEqual([
      'Pod kube-system/etcd: spec.volumes[0].csi.nodePublishSecretRef: a static pod cannot refer to a Secret',
    ]);
  });

  it('refuses env and envFrom that read ConfigMaps or Secrets, in containers and init containers', () => {
    expect(
      messages({
        initContainers: [
          { name: 'init', image: 'busybox', envFrom: [{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'creds' } }] },
        ],
        containers: [
          {
            name: 'etcd',
            image: 'etcd',
            env: [
              { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
              { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } } },
            ],
          },
        ],
      }),
    ).toEqual([
      "Pod kube-system/etcd: spec.initContainers[0].envFrom[0].configMapRef: a static pod cannot refer to a ConfigMap (found 'settings')",
      "Pod kube-system/etcd: spec.initContainers[0].envFrom[1].secretRef: a static pod cannot refer to a Secret (found 'creds')",
      "Pod kube-system/etcd: spec.containers[0].env[0].valueFrom.secretKeyRef: a static pod cannot refer to a Secret (found 'creds')",
      "Pod kube-system/etcd: spec.containers[0].env[1].valueFrom.configMapKeyRef: a static pod cannot refer to a ConfigMap (found 'settings')",
    ]);
  });

  it('names each field at its own index when entries before it are no mappings (which the schema check reports)', () => {
    expect(
      messages({
        containers: [
          null,
          { name: 'etcd', image: 'etcd', env: [null, { name: 'P', valueFrom: { secretKeyRef: { name: 'creds', key: 'p' } } }] },
        ],
        volumes: [null, { name: 'v', projected: { sources: [null, { secret: { name: 'creds' } }] } }],
      }),
    ).toEqual([
      "Pod kube-system/etcd: spec.volumes[1].projected.sources[1].secret: a static pod cannot refer to a Secret (found 'creds')",
      "Pod kube-system/etcd: spec.containers[1].env[1].valueFrom.secretKeyRef: a static pod cannot refer to a Secret (found 'creds')",
    ]);
  });

  it('refuses image pull secrets', () => {
    expect(messages({ imagePullSecrets: [{ name: 'registry' }] })).toEqual([
      "Pod kube-system/etcd: spec.imagePullSecrets: a static pod cannot refer to Secrets (found 'registry')",
    ]);
  });

  it('refuses what is not a Pod', () => {
    expect(
      staticPodProblems({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'etcd' }, spec: {} }).map((p) => p.message),
    ).toEqual(["a node's manifest directory holds only Pods (found apps/v1 Deployment)"]);
  });
});
