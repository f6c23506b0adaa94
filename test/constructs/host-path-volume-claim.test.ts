import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { HostPathVolumeClaim, type HostPathVolumeClaimProps } from '../../lib/constructs/host-path-volume-claim.js';

const base: HostPathVolumeClaimProps = {
  volumeName: 'mysqlvolume-qa',
  claimName: 'mysql',
  hostPath: '/data/volumes/mysql-qa',
  size: '2Gi',
};
const synth = (props: Partial<HostPathVolumeClaimProps> = {}) => {
  const chart = new Chart(new App(), 'c', { disableResourceNameHashes: true });
  new HostPathVolumeClaim(chart, 'v', { ...base, ...props });
  return chart.toJson() as any[];
};

describe('HostPathVolumeClaim', () => {
  it('creates section E’s volume and claim: same size and access mode, bound by volumeName, Retain', () => {
    const [pv, pvc] = synth();
    expect(pv).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'mysqlvolume-qa' },
      spec: {
        capacity: { storage: '2Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        hostPath: { path: '/data/volumes/mysql-qa', type: 'DirectoryOrCreate' },
      },
    });
    expect(pvc).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'mysql' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '2Gi' } },
        storageClassName: '',
        volumeName: 'mysqlvolume-qa',
      },
    });
  });

  it("rejects the articles' '2Gib', which is not a quantity", () => {
    expect(() => synth({ size: '2Gib' })).toThrow("PersistentVolume 'mysqlvolume-qa': 'size' must be a quantity such as 2Gi (got '2Gib')");
  });

  it('rejects a relative host path', () => {
    expect(() => synth({ hostPath: 'data/mysql' })).toThrow(
      "PersistentVolume 'mysqlvolume-qa': 'hostPath' must be an absolute path (got 'data/mysql')",
    );
  });
});
