import { describe, expect, it } from 'vitest';
import { RESTRICTED_CONTAINER } from '../../lib/constructs/app-container.js';
import { CLAIM_GROUP, oneContainerPod, orUndefined } from '../../lib/constructs/one-container-pod.js';
import type { k8s } from '../../lib/k8s.js';

describe('oneContainerPod', () => {
  it("gives a claim's files to the non-root user's group: a StatefulSet's volumeClaimTemplate (a mount of no volume of the pod) or a persistentVolumeClaim volume, written", () => {
    const claimed = (volumes: k8s.Volume[], readOnly?: boolean) =>
      oneContainerPod({
        container: { name: 'kv', image: 'redis:7.2' },
        securityContext: RESTRICTED_CONTAINER,
        volumes,
        volumeMounts: [{ name: 'data', mountPath: '/data', readOnly }],
      }).securityContext;
    expect(claimed([])).toEqual({ seccompProfile: { type: 'RuntimeDefault' }, fsGroup: RESTRICTED_CONTAINER.runAsGroup });
    expect(claimed([{ name: 'data', persistentVolumeClaim: { claimName: 'kv' } }])?.fsGroup).toBe(RESTRICTED_CONTAINER.runAsGroup);
    // an emptyDir is the pod's own, writable by anyone; a claim only read needs no group; a root container none
    expect(claimed([{ name: 'data', emptyDir: {} }])?.fsGroup).toBeUndefined();
    expect(claimed([], true)?.fsGroup).toBeUndefined();
    const root = oneContainerPod({
      container: { name: 'kv', image: 'redis:7.2' },
      securityContext: { runAsUser: 0 },
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
    });
    expect(root.securityContext?.fsGroup).toBeUndefined();
  });

  it("gives a written claim a group when the container names no runAsGroup: its user's number, else (the image's USER) a group of stagecraft's; and a generic ephemeral volume is a claim too", () => {
    const fsGroup = (securityContext: k8s.SecurityContext, volumes: k8s.Volume[] = []) =>
      oneContainerPod({
        container: { name: 'kv', image: 'redis:7.2' },
        securityContext,
        volumes,
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      }).securityContext?.fsGroup;
    expect(fsGroup({ runAsNonRoot: true, runAsUser: 999 })).toBe(999);
    expect(fsGroup({ runAsUser: 999, runAsGroup: 1000 })).toBe(1000);
    expect(fsGroup({ runAsNonRoot: true })).toBe(CLAIM_GROUP);
    const ephemeral = { name: 'data', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } };
    expect(fsGroup(RESTRICTED_CONTAINER, [ephemeral])).toBe(RESTRICTED_CONTAINER.runAsGroup);
    // a claim the pod mounts read-only is not written, though its mount does not say so
    expect(fsGroup(RESTRICTED_CONTAINER, [{ name: 'data', persistentVolumeClaim: { claimName: 'kv', readOnly: true } }])).toBeUndefined();
  });

  it('writes the RuntimeDefault seccomp profile, no API token, IfNotPresent, and a writable /tmp beside a read-only root', () => {
    const pod = oneContainerPod({ container: { name: 'app', image: 'app:1' }, securityContext: RESTRICTED_CONTAINER });
    expect(pod).toEqual({
      automountServiceAccountToken: false,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image: 'app:1',
          imagePullPolicy: 'IfNotPresent',
          securityContext: RESTRICTED_CONTAINER,
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    });
  });

  it('mounts no /tmp when the root filesystem is writable, and leaves empty lists out', () => {
    const pod = oneContainerPod({
      container: { name: 'app', image: 'app:1' },
      securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: false },
      imagePullSecrets: [],
      volumes: [],
    });
    expect(pod.volumes).toBeUndefined();
    expect(pod.imagePullSecrets).toBeUndefined();
    expect(pod.containers[0].volumeMounts).toBeUndefined();
  });

  it('puts the /tmp first, before the volumes and mounts it is given, and names pull secrets', () => {
    const pod = oneContainerPod({
      container: { name: 'app', image: 'app:1' },
      securityContext: RESTRICTED_CONTAINER,
      volumes: [{ name: 'data', emptyDir: {} }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
      imagePullSecrets: ['registry'],
      fsGroup: 10001,
    });
    expect(pod.volumes?.map((v) => v.name)).toEqual(['tmp', 'data']);
    expect(pod.containers[0].volumeMounts?.map((m) => m.name)).toEqual(['tmp', 'data']);
    expect(pod.imagePullSecrets).toEqual([{ name: 'registry' }]);
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 10001 });
  });
});

describe('orUndefined', () => {
  it('copies a list that has items, and gives undefined for an empty or missing one', () => {
    const list = ['a'];
    expect(orUndefined(list)).toEqual(['a']);
    expect(orUndefined(list)).not.toBe(list);
    expect(orUndefined([])).toBeUndefined();
    expect(orUndefined(undefined)).toBeUndefined();
  });
});
