import { describe, expect, it } from 'vitest';
import { find, problems, render, serviceStage } from '../helpers/stage.js';

const IMAGE = 'image: team/api:1.4.2';
const RWO_CLAIM = 'storage: { mountPath: /var/lib/api, size: 1Gi, storageClass: standard }';
const RWX_CLAIM = 'storage: { mountPath: /var/lib/api, size: 1Gi, storageClass: nfs-client, accessMode: ReadWriteMany }';
const WHY =
  'the storage claim is ReadWriteOnce, mounted on one node at a time, so a pod on another node would wait forever for the volume (Multi-Attach error)';
const HINT =
  '  hint: run one pod (replicas 1, no autoscaling); or, on a storage class that provides it, set storage.accessMode: ReadWriteMany; or, for a volume per pod, run the app as a StatefulSet (a stack of your own, see "Your own stack" in the README)';

describe('a service with a ReadWriteOnce storage claim', () => {
  it('runs one pod and replaces it with strategy Recreate, so the new pod never waits for the volume the old one holds', () => {
    const objects = render(serviceStage([IMAGE, RWO_CLAIM]));
    const deployment = find(objects, 'Deployment', 'api');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(find(objects, 'PersistentVolumeClaim', 'api-data').spec.accessModes).toEqual(['ReadWriteOnce']);
  });

  it('is Recreate on the hostPath volume too (one node holds its directory)', () => {
    const deployment = find(render(serviceStage([IMAGE, 'storage: { mountPath: /data, size: 2Gi }'])), 'Deployment', 'api');
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('refuses replicas above 1 at the setting, with the reason and the ways out', () => {
    expect(problems(serviceStage([IMAGE, 'replicas: 2', RWO_CLAIM]))).toEqual([
      `environments/x.yaml:5:15: apps.api.replicas must be 0 or 1 with storage (found 2): ${WHY}\n${HINT}`,
    ]);
  });

  it('refuses autoscaling, blueGreen and rollout at their settings', () => {
    const text = serviceStage([
      'blueGreen: { live: blue, blue: team/api:1, green: team/api:2 }',
      'resources: { requests: { cpu: 100m } }',
      'autoscaling: { minReplicas: 1, maxReplicas: 3 }',
      'rollout: { maxSurge: 1 }',
      RWO_CLAIM,
    ]);
    expect(problems(text)).toEqual([
      `environments/x.yaml:4:16: apps.api.blueGreen cannot be used with storage: each color runs a pod that mounts the one claim, and ${WHY}\n` +
        '  hint: roll out in place with image: (the one pod is replaced with strategy Recreate); or, on a storage class that provides it, set storage.accessMode: ReadWriteMany',
      `environments/x.yaml:6:18: apps.api.autoscaling cannot be used with storage: the autoscaler would start more pods, and ${WHY}\n${HINT}`,
      `environments/x.yaml:7:14: apps.api.rollout has no effect with storage: ${WHY}, so a new release replaces the pod with strategy Recreate (the old pod stops and lets go of the volume before the new one starts), not with a rolling update\n` +
        '  hint: remove rollout; or, on a storage class that provides it, set storage.accessMode: ReadWriteMany to roll',
    ]);
  });
});

describe('a service with a ReadWriteMany storage claim', () => {
  it('runs any number of pods, autoscaled and rolling, on a claim that says ReadWriteMany', () => {
    const objects = render(
      serviceStage([IMAGE, 'resources: { requests: { cpu: 100m } }', 'autoscaling: { minReplicas: 2, maxReplicas: 5 }', RWX_CLAIM]),
    );
    expect(find(objects, 'PersistentVolumeClaim', 'api-data').spec.accessModes).toEqual(['ReadWriteMany']);
    expect(find(objects, 'Deployment', 'api').spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });

  it('needs a storage class: a hostPath volume is one node’s directory', () => {
    expect(problems(serviceStage([IMAGE, 'storage: { mountPath: /data, size: 2Gi, accessMode: ReadWriteMany }']))).toEqual([
      'environments/x.yaml:5:57: apps.api.storage.accessMode ReadWriteMany needs storage.storageClass: without one the claim is bound to a hostPath PersistentVolume, a directory of one node, which pods on other nodes would not share\n' +
        '  hint: name a storage class that provides ReadWriteMany (NFS, CephFS, EFS, Azure Files...), or remove accessMode and run one pod',
    ]);
  });
});
