import { describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { find, problems, render, serviceStage, type Obj } from '../helpers/stage.js';

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

describe('the Secret files of a service', () => {
  const FILES =
    'secretFiles: { gcp-sa: { mountPath: /var/run/gcp, keys: [key.json] }, client-tls: { mountPath: /etc/tls, keys: [tls.crt, tls.key] } }';

  it('mounts the keys named, read-only, each a file, and declares the Secrets by name and keys as the required ones', () => {
    const text = serviceStage([IMAGE, 'secrets: { gcp-sa: { GCP_PROJECT: project } }', FILES]);
    const pod = find(render(text), 'Deployment', 'api').spec.template.spec;
    expect(pod.volumes.slice(1)).toEqual([
      { name: 'secret-0', secret: { secretName: 'gcp-sa', defaultMode: 0o440, items: [{ key: 'key.json', path: 'key.json' }] } },
      {
        name: 'secret-1',
        secret: {
          secretName: 'client-tls',
          defaultMode: 0o440,
          items: [
            { key: 'tls.crt', path: 'tls.crt' },
            { key: 'tls.key', path: 'tls.key' },
          ],
        },
      },
    ]);
    expect(pod.containers[0].volumeMounts.slice(1)).toEqual([
      { name: 'secret-0', mountPath: '/var/run/gcp', readOnly: true },
      { name: 'secret-1', mountPath: '/etc/tls', readOnly: true },
    ]);
    const compiled = compileStages([{ stage: 'x', file: 'environments/x.yaml', text }]);
    expect(compiled.checks.get('x')!.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const namespace = compiled.stages[0].charts.flatMap((c) => c.objects).find((o) => o.kind === 'Namespace') as Obj;
    // one Secret read both ways is declared once, with every key read
    expect(namespace.metadata.annotations).toEqual({
      'stagecraft.dev/required-secrets': 'client-tls=tls.crt,tls.key; gcp-sa=key.json,project',
    });
  });

  it("makes the files readable by their owner and the pod's group only, the non-root user's, so that a client key is not refused as readable by others", () => {
    const pod = find(render(serviceStage([IMAGE, FILES])), 'Deployment', 'api').spec.template.spec;
    expect(pod.volumes.slice(1).map((v: { secret: { defaultMode: number } }) => v.secret.defaultMode)).toEqual([0o440, 0o440]);
    expect(pod.securityContext.fsGroup).toBe(pod.containers[0].securityContext.runAsGroup);
    // without secret files (or a claim), no group is set
    expect(find(render(serviceStage([IMAGE])), 'Deployment', 'api').spec.template.spec.securityContext).not.toHaveProperty('fsGroup');
  });

  it("refuses the config files' default directory, /etc/<name>, at the setting that mounts there too", () => {
    expect(
      problems(
        serviceStage([IMAGE, 'config: { files: { app.toml: x } }', 'secretFiles: { gcp-sa: { mountPath: /etc/api, keys: [key.json] } }']),
      ),
    ).toEqual([
      "environments/x.yaml:6:41: apps.api.secretFiles.gcp-sa.mountPath is /etc/api, where config.files are mounted (config.mountPath's default, /etc/<name>): a container mounts one volume at a directory\n  hint: give it a directory of its own (one inside another is fine)",
    ]);
    // the default is the app's name: another app's is free
    expect(
      problems(
        serviceStage([IMAGE, 'config: { files: { app.toml: x } }', 'secretFiles: { gcp-sa: { mountPath: /etc/web, keys: [key.json] } }']),
      ),
    ).toEqual([]);
  });

  it('refuses a directory another volume of the container has, and /tmp beside a read-only root, at the later setting', () => {
    expect(
      problems(
        serviceStage([
          IMAGE,
          'config: { files: { app.toml: x }, mountPath: /etc/api }',
          'secretFiles: { gcp-sa: { mountPath: /etc/api/, keys: [key.json] } }',
          'storage: { mountPath: /tmp, size: 1Gi }',
        ]),
      ),
    ).toEqual([
      'environments/x.yaml:6:41: apps.api.secretFiles.gcp-sa.mountPath is /etc/api/, as config.mountPath is: a container mounts one volume at a directory\n  hint: give it a directory of its own (one inside another is fine)',
      'environments/x.yaml:7:27: apps.api.storage.mountPath is /tmp, where the read-only root filesystem has its writable /tmp (an emptyDir): a container mounts one volume at a directory\n  hint: give it a directory of its own (one inside another is fine)',
    ]);
    expect(
      problems(serviceStage([IMAGE, 'security: { writableRootFilesystem: true }', 'storage: { mountPath: /tmp, size: 1Gi }'])),
    ).toEqual([]);
  });
});
